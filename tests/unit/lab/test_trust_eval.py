"""The evaluation harness: loading, honest leave-one-out, the time split, the real network."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.lab.trust_eval import (
    METHODS,
    Ratings,
    evaluate,
    fairness_goodness,
    fairness_goodness_gap,
    load_ratings,
)

OTC = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "soc-sign-bitcoinotc.csv"


def _write_network(path: Path, members: int = 60, ratings: int = 700, seed: int = 0) -> Path:
    """Members with a hidden quality; ratings follow it, with noise and some reciprocity."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(-1, 1, members)
    keys = np.unique(rng.integers(0, members * members, ratings))
    src, dst = keys // members, keys % members
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rating = np.clip(np.round(8 * quality[dst] + rng.normal(0, 2, src.size)), -10, 10)
    times = 1_300_000_000 + np.sort(rng.uniform(0, 1e8, src.size))
    path.write_text(
        "".join(
            f"{s},{d},{int(r)},{t:.1f}\n"
            for s, d, r, t in zip(src, dst, rating, times, strict=True)
        )
    )
    return path


def _ratings(src: list[int], dst: list[int], weight: list[float]) -> Ratings:
    n = max(max(src), max(dst)) + 1
    return Ratings(
        np.array(src), np.array(dst), np.array(weight), np.arange(len(src), dtype=float), n, 1.0
    )


def test_loads_and_scales_ratings(tmp_path: Path) -> None:
    path = tmp_path / "net.csv"
    path.write_text("7,9,10,1.0\n9,7,-5,2.0\n9,12,2,3.0\n")
    ratings = load_ratings(path)
    assert ratings.size == 3 and len(ratings) == 3
    assert ratings.scale == 10
    np.testing.assert_allclose(ratings.weight, [1.0, -0.5, 0.2])
    assert ratings.src.tolist() == [0, 1, 1] and ratings.dst.tolist() == [1, 0, 2]


def test_missing_file_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no ratings file at .*source,target,rating,time"):
        load_ratings(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("1,2,3,4\n1,x,3,4\n", "not a source,target,rating,time file"),
        ("1,2,3\n2,1,3\n", "expected 4"),
        ("1.5,2,3,4\n", "line 1: source and target must be whole numbers"),
        ("1,2,3,4\n1,2,5,6\n", "more than once"),
        ("1,2,0,4\n", "every rating is 0"),
        ("", "no ratings"),
    ],
)
def test_malformed_file_says_what_to_fix(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=complaint):
        load_ratings(path)


def test_every_method_runs_on_a_small_network(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    for split in ("loo", "time"):
        result = evaluate(ratings, split)
        expected = [name for name, (loo, _) in METHODS.items() if split == "time" or loo]
        assert [score.method for score in result.scores] == expected
        for score in result.scores:
            assert 0 <= score.rmse < 1.5
            assert score.predicted == result.predicted
        if split == "time":
            assert result.known + result.predicted == len(ratings)
            assert result.cut is not None
        else:
            assert result.known == result.predicted == len(ratings)


def test_kithbook_beats_the_means_where_ratings_follow_quality(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv", members=80, ratings=1500))
    scores = {s.method: s for s in evaluate(ratings, "loo").scores}
    assert scores["kithbook"].rmse < scores["rater's mean"].rmse
    assert scores["kithbook"].pcc > scores["ratee's mean"].pcc - 0.05


@pytest.mark.parametrize("method", ["global mean", "rater's mean", "ratee's mean", "kithbook"])
def test_loo_prediction_ignores_the_hidden_rating(tmp_path: Path, method: str) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    loo = METHODS[method][0]
    assert loo is not None
    before = loo(ratings)
    for hidden in (0, 17, len(ratings) - 1):
        changed = ratings.weight.copy()
        changed[hidden] = -changed[hidden] if changed[hidden] else 0.9
        other = Ratings(ratings.src, ratings.dst, changed, ratings.time, ratings.size, 1.0)
        after = loo(other)
        assert after[hidden] == pytest.approx(before[hidden], abs=1e-9)


def test_global_mean_has_no_correlation_to_offer_forward(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    score = evaluate(ratings, "time", methods=["global mean"]).scores[0]
    assert math.isnan(score.pcc)


def test_time_split_learns_only_from_the_past(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    cut = float(np.quantile(ratings.time, 0.8))
    result = evaluate(ratings, "time", cut=cut, methods=["kithbook"])
    later = ratings.time >= cut
    future = ratings.weight.copy()
    future[later] = -future[later]
    flipped = Ratings(ratings.src, ratings.dst, future, ratings.time, ratings.size, 1.0)
    again = evaluate(flipped, "time", cut=cut, methods=["kithbook"])
    # Same predictions against flipped truths: the PCC flips sign exactly.
    assert again.scores[0].pcc == pytest.approx(-result.scores[0].pcc, abs=1e-9)


def test_bad_split_and_cut_are_refused(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    with pytest.raises(InvalidInput, match="split must be"):
        evaluate(ratings, "random")
    with pytest.raises(InvalidInput, match="the cut leaves"):
        evaluate(ratings, "time", cut=0.0)
    with pytest.raises(InvalidInput, match="unknown method"):
        evaluate(ratings, "loo", methods=["oracle"])
    with pytest.raises(InvalidInput, match="time split only"):
        evaluate(ratings, "loo", methods=["engine: reputation"])


def test_fairness_goodness_on_a_hand_built_network() -> None:
    # 0 and 1 agree that 2 is good; 3 says the opposite and is less fair for it.
    fair, good = fairness_goodness(_ratings([0, 1, 3], [2, 2, 2], [1.0, 1.0, -1.0]))
    assert fair[0] == fair[1] > fair[3]
    assert good[2] > 0
    assert good[0] == 0.0  # nobody rated 0


def test_first_order_fg_is_close_to_the_exact_rerun(tmp_path: Path) -> None:
    ratings = load_ratings(_write_network(tmp_path / "net.csv"))
    mean_gap, max_gap = fairness_goodness_gap(ratings, sample=30)
    assert mean_gap < 0.02 and max_gap < 0.2


@pytest.mark.skipif(
    not OTC.is_file(), reason=f"Bitcoin OTC not found at {OTC}; see ../shared/data/README.md"
)
@pytest.mark.slow
def test_bitcoin_otc_loo_beats_fairness_goodness() -> None:
    result = evaluate(load_ratings(OTC), "loo")
    scores = {s.method: s for s in result.scores}
    fg = scores["fairness/goodness"]
    assert fg.rmse == pytest.approx(0.311, abs=0.005) and fg.pcc == pytest.approx(0.489, abs=0.01)
    assert scores["kithbook"].rmse <= 0.26 and scores["kithbook"].pcc >= 0.70
