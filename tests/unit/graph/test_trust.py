"""The trust engine on small hand-built networks, its invariants, and a fake ring."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.errors import InvalidInput
from kithbook.graph.trust import (
    DAMPING,
    build_trust_graph,
    personalized_trust,
    reputation,
    tie_weight,
    vouchers,
)
from kithbook.lab.ratings import Ratings
from kithbook.lab.trust_eval import fairness_goodness

# A viewer (0) who trusts 1 and distrusts 2; 1 trusts 3; 2 trusts 4; 3 trusts 5.
SMALL = ([0, 0, 1, 2, 3], [1, 2, 3, 4, 5], [1.0, -1.0, 1.0, 1.0, 1.0])


def test_stated_trust_maps_onto_zero_to_one() -> None:
    assert tie_weight(1, 0.0) == 0.0
    assert tie_weight(5, 0.0) == 1.0
    assert tie_weight(3, 0.9) == 0.5


def test_strength_alone_counts_half() -> None:
    assert tie_weight(None, 1.0) == 0.5
    assert tie_weight(None, 0.0) == 0.0


def test_only_bad_outcomes_turn_a_tie_negative() -> None:
    assert tie_weight(5, 1.0, positive=3) == 1.0
    assert tie_weight(1, 0.0, neutral=4) == 0.0
    assert tie_weight(3, 0.5, negative=4) < 0
    assert tie_weight(5, 1.0, negative=1) > 0  # one bad outcome dents, not reverses


@given(
    stated=st.one_of(st.none(), st.integers(1, 5)),
    strength=st.floats(0.0, 1.0),
    positive=st.integers(0, 50),
    neutral=st.integers(0, 50),
    negative=st.integers(0, 50),
)
def test_tie_weight_is_bounded_and_rises_with_good_outcomes(
    stated: int | None, strength: float, positive: int, neutral: int, negative: int
) -> None:
    weight = tie_weight(stated, strength, positive, neutral, negative)
    assert -1.0 <= weight <= 1.0
    assert tie_weight(stated, strength, positive + 1, neutral, negative) >= weight
    assert tie_weight(stated, strength, positive, neutral, negative + 1) <= weight


@pytest.mark.parametrize("args", [(0, 0.5), (6, 0.5), (3, 1.5), (3, -0.1)])
def test_tie_weight_rejects_out_of_range_inputs(args: tuple[int, float]) -> None:
    with pytest.raises(InvalidInput):
        tie_weight(*args)


def test_viewer_trusts_whom_they_rated_well_and_not_whom_they_distrust() -> None:
    trust = personalized_trust(build_trust_graph(*SMALL), 0)
    assert trust.score[1] > 0.5
    assert trust.score[2] < -0.5
    assert trust.score[0] == 1.0


def test_distrust_does_not_travel() -> None:
    trust = personalized_trust(build_trust_graph(*SMALL), 0)
    # 2 vouches for 4, but the viewer distrusts 2: nothing of 2's opinion reaches 4.
    assert trust.reach[2] == 0.0
    assert trust.score[4] == 0.0
    assert trust.score[3] > 0.0


def test_a_score_names_the_raters_behind_it() -> None:
    # 0 trusts 1 fully and 2 a little; both rate 3, in opposite ways; 4 rates 3 unseen.
    graph = build_trust_graph([0, 0, 1, 2, 4], [1, 2, 3, 3, 3], [1.0, 0.2, 0.8, -0.6, 1.0])
    trust = personalized_trust(graph, 0)
    named = vouchers(graph, trust, 3)
    assert [(v.rater, v.rating) for v in named] == [
        (1, pytest.approx(0.8)),
        (2, pytest.approx(-0.6)),
    ]
    assert named[0].reach > named[1].reach
    assert vouchers(graph, trust, 3, limit=1)[0].rater == 1
    assert vouchers(graph, trust, 0) == []


def test_trust_fades_with_each_hop() -> None:
    trust = personalized_trust(build_trust_graph(*SMALL), 0, tolerance=0.0)
    assert trust.reach[0] > trust.reach[1] > trust.reach[3] > 0
    assert trust.score[1] > trust.score[3] > trust.score[5] > 0


def _dense_reach(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, n: int, start: np.ndarray
) -> np.ndarray:
    """The walk solved as one linear system: arrivals y = start + d P^T y over movers."""
    positive = np.zeros((n, n))
    np.add.at(positive, (src, dst), np.maximum(weight, 0))
    totals = positive.sum(axis=1)
    moves = totals > 0
    step = np.divide(positive, totals[:, None], out=np.zeros_like(positive), where=moves[:, None])
    arrivals = np.linalg.solve(np.eye(n) - DAMPING * (step.T * moves), start)
    return np.where(moves, (1 - DAMPING) * arrivals, arrivals)


def _random_network(seed: int, n: int, ties: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, n * n, ties))
    src, dst = keys // n, keys % n
    keep = src != dst
    return src[keep], dst[keep], rng.uniform(-1, 1, keep.sum())


def test_reach_is_the_exact_walk_when_nothing_is_pruned() -> None:
    src, dst, weight = _random_network(1, 40, 200)
    graph = build_trust_graph(src, dst, weight, 40)
    trust = personalized_trust(graph, 3, tolerance=0.0, max_steps=200)
    start = np.zeros(40)
    start[3] = 1
    np.testing.assert_allclose(trust.reach, _dense_reach(src, dst, weight, 40, start), atol=1e-6)
    assert trust.unresolved < 1e-6


def test_pruned_reach_errs_by_at_most_what_is_unresolved() -> None:
    src, dst, weight = _random_network(2, 300, 3000)
    graph = build_trust_graph(src, dst, weight, 300)
    exact = personalized_trust(graph, 0, tolerance=0.0, max_steps=200).reach
    rough = personalized_trust(graph, 0, tolerance=0.5)
    assert rough.unresolved > 0
    assert np.abs(rough.reach - exact).sum() <= rough.unresolved + 1e-5
    assert np.all(rough.reach <= exact + 1e-6)


def test_reputation_is_the_seeds_views_averaged() -> None:
    src, dst, weight = _random_network(3, 50, 400)
    graph = build_trust_graph(src, dst, weight, 50)
    seeds = [4, 9, 30]
    together = reputation(graph, seeds=seeds, tolerance=0.0, max_steps=200).reach
    apart = [personalized_trust(graph, s, tolerance=0.0, max_steps=200).reach for s in seeds]
    np.testing.assert_allclose(together, np.mean(apart, axis=0), atol=1e-6)


def test_repeated_pairs_are_averaged_and_self_ratings_ignored() -> None:
    graph = build_trust_graph([0, 0, 1, 1], [1, 1, 1, 0], [1.0, 0.0, 1.0, 1.0])
    assert graph.ties == 2
    assert graph.given[0, 1] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "src, dst, weight",
    [
        ([0, 1], [1], [1.0]),
        ([0], [1], [1.5]),
        ([0], [1], [float("nan")]),
        ([-1], [1], [0.5]),
        ([2**31], [1], [0.5]),
    ],
)
def test_bad_ties_are_refused(src: list[int], dst: list[int], weight: list[float]) -> None:
    with pytest.raises(InvalidInput):
        build_trust_graph(src, dst, weight)


def test_unknown_viewer_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not in this network"):
        personalized_trust(build_trust_graph(*SMALL), 99)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 60), density=st.floats(0.0, 0.3))
def test_scores_are_bounded_and_reach_is_conserved(seed: int, n: int, density: float) -> None:
    src, dst, weight = _random_network(seed, n, int(density * n * n) + 1)
    graph = build_trust_graph(src, dst, weight, n)
    trust = personalized_trust(graph, seed % n)
    assert np.all(np.abs(trust.score) <= 1.0)
    assert np.all(trust.reach >= 0) and np.all(trust.evidence >= 0)
    assert trust.reach.sum() + trust.unresolved == pytest.approx(1.0, abs=1e-4)
    community = reputation(graph)
    assert np.all(np.abs(community.score) <= 1.0)
    assert community.reach.sum() + community.unresolved == pytest.approx(1.0, abs=1e-4)


# ---------------------------------------------------------------- the fake ring


def _honest_community(n: int = 400, seed: int = 5) -> tuple[np.ndarray, ...]:
    """Groups of 40 who mostly know each other; one rating in eight is distrust."""
    rng = np.random.default_rng(seed)
    src = np.repeat(np.arange(n), 8)
    local = rng.random(src.size) < 0.8
    dst = np.where(
        local, (src // 40) * 40 + rng.integers(0, 40, src.size), rng.integers(0, n, src.size)
    )
    keys = np.unique(src * n + dst)
    src, dst = keys // n, keys % n
    keep = src != dst
    weight = np.where(rng.random(keep.sum()) < 0.125, -0.5, rng.uniform(0.2, 1.0, keep.sum()))
    return src[keep], dst[keep], weight


def _with_ring(n: int, ring_size: int, fooled: list[int]) -> tuple[np.ndarray, ...]:
    src, dst, weight = _honest_community(n)
    ring = np.arange(n, n + ring_size)
    by = np.repeat(np.arange(ring_size), 10)
    to = (by + np.tile(np.arange(1, 11), ring_size)) % ring_size
    entry = ring[: len(fooled)]
    return (
        np.concatenate([src, ring[by], fooled, entry]),
        np.concatenate([dst, ring[to], entry, fooled]),
        np.concatenate([weight, np.ones(by.size + 2 * len(fooled))]),
    )


def test_ring_gains_little_trust() -> None:
    n, ring_size = 400, 300
    honest = build_trust_graph(*_honest_community(n), n)
    fooled = np.argsort(-reputation(honest).reach)[:2].tolist()  # the worst case
    graph = build_trust_graph(*_with_ring(n, ring_size, fooled), n + ring_size)

    community = reputation(graph, seeds=np.arange(n))
    assert community.score[n:].mean() < np.median(community.score[:n])
    assert community.reach[n:].sum() < 0.01

    viewers = [v for v in range(0, n, 40) if v not in fooled]
    ring_means, honest_medians = [], []
    for viewer in viewers:
        trust = personalized_trust(graph, viewer)
        ring_means.append(trust.score[n:].mean())
        honest_medians.append(np.median(np.delete(trust.score[:n], viewer)))
    assert np.mean(ring_means) < np.mean(honest_medians)


def test_ring_gains_less_per_account_as_it_grows() -> None:
    n = 400
    honest = build_trust_graph(*_honest_community(n), n)
    fooled = np.argsort(-reputation(honest).reach)[:2].tolist()
    means = []
    for ring_size in (10, 100, 300):
        graph = build_trust_graph(*_with_ring(n, ring_size, fooled), n + ring_size)
        means.append(reputation(graph, seeds=np.arange(n)).score[n:].mean())
    assert means[0] > means[1] > means[2]


def test_seeding_is_what_keeps_the_ring_out() -> None:
    n, ring_size = 400, 300
    graph = build_trust_graph(*_with_ring(n, ring_size, [0, 1]), n + ring_size)
    unseeded = reputation(graph)
    assert unseeded.score[n:].mean() > np.median(unseeded.score[:n])


def test_fairness_goodness_is_fooled_by_the_same_ring() -> None:
    # The contrast that motivates walking from real members: F/G weighs raters by how
    # much they agree, and a ring agrees with itself.
    n, ring_size = 400, 300
    src, dst, weight = _with_ring(n, ring_size, [0, 1])
    _, good = fairness_goodness(Ratings(src, dst, weight, np.zeros(src.size), n + ring_size, 1.0))
    assert good[n:].mean() > np.median(good[:n])


def test_ties_in_row_order_build_the_same_graph_as_ties_in_any_order() -> None:
    """The path network hands ties over sorted and distinct, which skips a sort; the
    graph must be the same to the bit as from the same ties shuffled."""
    rng = np.random.default_rng(3)
    n = 300
    key = np.unique(rng.integers(0, n * n, 5_000))
    src, dst = key // n, key % n
    weight = np.round(rng.random(len(key)) * 2 - 1, 3).astype(np.float32)
    weight[::40] = 0.0
    shuffled = rng.permutation(len(key))
    ordered = build_trust_graph(src, dst, weight, size=n)
    anyhow = build_trust_graph(src[shuffled], dst[shuffled], weight[shuffled], size=n)
    for name in ("walk", "walk_in", "given", "received", "received_count"):
        a, b = getattr(ordered, name), getattr(anyhow, name)
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data) and a.dtype == b.dtype, name
    for viewer in (0, 7, 150):
        x, y = personalized_trust(ordered, viewer), personalized_trust(anyhow, viewer)
        assert np.array_equal(x.score, y.score) and np.array_equal(x.reach, y.reach)
