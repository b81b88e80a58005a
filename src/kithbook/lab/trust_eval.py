"""How well trust is predicted: hide ratings, predict them from the rest, score the guesses.

Two splits over a ``source,target,rating,time`` file (ratings scaled to [-1, 1] by the
largest absolute rating):

* leave-one-out: every rating is hidden in turn and predicted from all the others;
* time: ratings before a cut date are known, those after it are predicted, which is
  what the product faces with newcomers.

Each method is a pair of vectorized functions, one per split; none loops over edges
(only ``fairness_goodness_exact``, a check on an approximation, re-runs per rating).
What is exact and what is approximated for each method is stated where it is computed
and in ``docs/trust.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kithbook.domain.errors import InvalidInput
from kithbook.graph.trust import build_trust_graph, personalized_trust, reputation
from kithbook.lab.ratings import Ratings, load_ratings

__all__ = [
    "METHODS",
    "Evaluation",
    "MethodScore",
    "Ratings",
    "evaluate",
    "fairness_goodness",
    "fairness_goodness_exact",
    "fairness_goodness_gap",
    "load_ratings",
    "score",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

FOLDS = 10
"""Cross-fitting folds for the learned combination in leave-one-out."""

SHRINK = 2.0
"""Ratings' worth of the global mean every per-member mean starts from."""

RIDGE = 1.0
SEED = 20160101  # fixed before any network is seen: folds must not be chosen by results


@dataclass(frozen=True)
class MethodScore:
    method: str
    rmse: float
    pcc: float
    predicted: int
    seconds: float


@dataclass(frozen=True)
class Evaluation:
    split: str
    members: int
    known: int
    predicted: int
    cut: float | None
    scores: list[MethodScore]


# ---------------------------------------------------------------- scoring


def _rmse(predicted: F64, actual: F64) -> float:
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def _pcc(predicted: F64, actual: F64) -> float:
    if predicted.size < 2 or np.ptp(predicted) == 0 or np.ptp(actual) == 0:
        return float("nan")
    return float(np.corrcoef(predicted, actual)[0, 1])


# ---------------------------------------------------------------- baselines
#
# A "loo" function returns, for every rating, a prediction from all the other ratings.
# A "forward" function learns from ``known`` and predicts the pairs ``src, dst``.


def _global_loo(r: Ratings) -> F64:
    # Exact. Its PCC is -1 by construction: the mean without the hidden rating moves
    # against it, which is why a constant predictor is usually reported as PCC 0.
    return np.asarray((r.weight.sum() - r.weight) / max(len(r) - 1, 1), dtype=np.float64)


def _global_forward(known: Ratings, src: I64, dst: I64) -> F64:
    return np.full(src.size, known.weight.mean())


def _side_mean_loo(r: Ratings, side: I64) -> F64:
    # Exact: the member's sum and count less the hidden rating; global mean when the
    # hidden rating was their only one.
    total = np.bincount(side, r.weight, r.size)[side] - r.weight
    count = np.bincount(side, None, r.size)[side] - 1
    return np.where(count > 0, total / np.maximum(count, 1), _global_loo(r))


def _side_mean_forward(known: Ratings, side_known: I64, side_query: I64) -> F64:
    total = np.bincount(side_known, known.weight, known.size)[side_query]
    count = np.bincount(side_known, None, known.size)[side_query]
    return np.where(count > 0, total / np.maximum(count, 1), known.weight.mean())


def fairness_goodness(r: Ratings, tolerance: float = 1e-6) -> tuple[F64, F64]:
    """Kumar et al. 2016 fairness f (raters) and goodness g (ratees), iterated to a fixed point.

    Members who rate nobody keep f = 1; members nobody rates have g = 0.
    """
    n = r.size
    incoming = np.bincount(r.dst, None, n)
    outgoing = np.bincount(r.src, None, n)
    fair = np.ones(n)
    good = np.bincount(r.dst, r.weight, n) / np.maximum(incoming, 1)
    for _ in range(1000):
        new_good = np.bincount(r.dst, fair[r.src] * r.weight, n) / np.maximum(incoming, 1)
        agree = 1.0 - np.abs(r.weight - new_good[r.dst]) / 2.0
        new_fair = np.where(
            outgoing > 0, np.bincount(r.src, agree, n) / np.maximum(outgoing, 1), 1.0
        )
        change = max(
            np.abs(new_good - good).max(initial=0.0), np.abs(new_fair - fair).max(initial=0.0)
        )
        fair, good = new_fair, new_good
        if change < tolerance:
            break
    return fair, good


def _fg_parts_loo(r: Ratings) -> tuple[F64, F64]:
    """f(u) and g(v) for each rating with that rating's own terms taken out.

    First-order: the hidden rating is removed from g(v)'s and f(u)'s averages, while
    every other member's scores stay at the fixed point of the full network. An exact
    re-run per rating is what ``fairness_goodness_gap`` measures against.
    """
    fair, good = fairness_goodness(r)
    incoming = np.bincount(r.dst, None, r.size)[r.dst]
    outgoing = np.bincount(r.src, None, r.size)[r.src]
    g = np.where(
        incoming > 1,
        (good[r.dst] * incoming - fair[r.src] * r.weight) / np.maximum(incoming - 1, 1),
        0.0,
    )
    own_agree = 1.0 - np.abs(r.weight - good[r.dst]) / 2.0
    f = np.where(
        outgoing > 1, (fair[r.src] * outgoing - own_agree) / np.maximum(outgoing - 1, 1), 1.0
    )
    return f, g


def _fg_loo(r: Ratings) -> F64:
    f, g = _fg_parts_loo(r)
    return f * g


def _fg_forward(known: Ratings, src: I64, dst: I64) -> F64:
    fair, good = fairness_goodness(known)
    return fair[src] * good[dst]


def fairness_goodness_exact(r: Ratings, picks: I64) -> F64:
    """Exact F/G leave-one-out predictions for the ratings ``picks``: F/G re-run to
    convergence without each of them in turn (a loop over ratings, each run vectorized;
    about 5 ms per rating on Bitcoin OTC)."""
    predicted = np.empty(picks.size)
    for at, i in enumerate(picks):
        keep = np.ones(len(r), dtype=bool)
        keep[i] = False
        rest = r.subset(keep)
        fair, good = fairness_goodness(rest)
        rates_others = bool(np.any(rest.src == r.src[i]))
        rated_by_others = bool(np.any(rest.dst == r.dst[i]))
        predicted[at] = (fair[r.src[i]] if rates_others else 1.0) * (
            good[r.dst[i]] if rated_by_others else 0.0
        )
    return predicted


def fairness_goodness_gap(r: Ratings, sample: int = 200, seed: int = SEED) -> tuple[float, float]:
    """Mean and largest |first-order - exact| F/G leave-one-out prediction on a sample."""
    picks = np.random.default_rng(seed).choice(len(r), size=min(sample, len(r)), replace=False)
    gaps = np.abs(_fg_loo(r)[picks] - fairness_goodness_exact(r, picks))
    return float(gaps.mean()), float(gaps.max())


def score(predicted: F64, actual: F64) -> tuple[float, float]:
    """RMSE and Pearson correlation (NaN when either side is constant)."""
    return _rmse(predicted, actual), _pcc(predicted, actual)


# ---------------------------------------------------------------- Kithbook


def _pair_values(matrix: sp.csr_matrix, rows: I64, cols: I64) -> F64:
    """matrix[rows[i], cols[i]] for every i, 0 where absent, without densifying."""
    coo = matrix.tocoo()
    n = matrix.shape[1]
    keys = coo.row.astype(np.int64) * n + coo.col
    order = np.argsort(keys)
    keys, values = keys[order], coo.data[order].astype(np.float64)
    wanted = rows * n + cols
    at = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    if keys.size == 0:
        return np.zeros(rows.size)
    return np.where(keys[at] == wanted, values[at], 0.0)


def _features(known: Ratings, src: I64, dst: I64, own: bool) -> F64:
    """Evidence about each pair ``src -> dst`` from ``known``.

    With ``own`` the pairs are ``known``'s own ratings and every feature leaves that
    rating out, exactly (the F/G pair to first order, as in ``_fg_parts_loo``).
    """
    n, w = known.size, known.weight
    hidden = w if own else np.zeros(src.size)
    one = 1.0 if own else 0.0
    mean = (w.sum() - hidden) / (len(known) - one)

    def shrunk(total: npt.ArrayLike, count: npt.ArrayLike) -> F64:
        return np.asarray(
            (np.asarray(total) + SHRINK * mean) / (np.asarray(count) + SHRINK), dtype=np.float64
        )

    out_sum, out_n = np.bincount(known.src, w, n), np.bincount(known.src, None, n)
    in_sum, in_n = np.bincount(known.dst, w, n), np.bincount(known.dst, None, n)
    given = sp.csr_matrix((w, (known.src, known.dst)), shape=(n, n))
    rated = sp.csr_matrix((np.ones(len(known)), (known.src, known.dst)), shape=(n, n))

    back = _pair_values(given, dst, src)  # the other side's rating of the rater
    has_back = _pair_values(rated, dst, src)
    rater_mean = shrunk(out_sum[src] - hidden, out_n[src] - one)
    ratee_mean = shrunk(in_sum[dst] - hidden, in_n[dst] - one)
    rater_rep = shrunk(in_sum[src] - back, in_n[src] - has_back)  # how others rate the rater
    ratee_gives = shrunk(out_sum[dst] - back, out_n[dst] - has_back)

    if own:
        fair, good = _fg_parts_loo(known)
    else:
        f_all, g_all = fairness_goodness(known)
        fair, good = f_all[src], g_all[dst]

    # Two hops: what the people the rater trusts say about the ratee. The rater's
    # weights are not normalized, so the hidden rating cannot leak through a row sum;
    # no path u -> x -> v uses the rating u -> v itself.
    trusted = given.maximum(0)
    heard = _pair_values(trusted @ given, src, dst)
    weight = _pair_values(trusted @ rated, src, dst)
    two_hop = (heard + 0.5 * mean) / (weight + 0.5)

    return np.column_stack(
        [
            back,
            has_back,
            rater_mean,
            ratee_mean,
            rater_rep,
            ratee_gives,
            _fg_columns(fair, good),
            two_hop,
            np.log1p(weight),
            np.log1p(out_n[src] - one),
            np.log1p(in_n[dst] - one),
            back * np.log1p(in_n[dst] - one),
        ]
    )


_FG_COLUMNS = slice(6, 9)


def _fg_columns(fair: F64, good: F64) -> F64:
    return np.column_stack([fair * good, fair, good])


@dataclass(frozen=True)
class _Model:
    centre: F64
    spread: F64
    coef: F64

    @staticmethod
    def fit(x: F64, y: F64) -> _Model:
        centre, spread = x.mean(axis=0), x.std(axis=0)
        spread = np.where(spread > 0, spread, 1.0)
        design = _quadratic((x - centre) / spread)
        penalty = RIDGE * np.eye(design.shape[1])
        penalty[0, 0] = 0.0
        coef = np.asarray(
            np.linalg.solve(design.T @ design + penalty, design.T @ y), dtype=np.float64
        )
        return _Model(centre, spread, coef)

    def predict(self, x: F64) -> F64:
        return np.clip(_quadratic((x - self.centre) / self.spread) @ self.coef, -1.0, 1.0)


def _quadratic(x: F64) -> F64:
    rows, cols = np.triu_indices(x.shape[1])
    return np.column_stack([np.ones(x.shape[0]), x, x[:, rows] * x[:, cols]])


def _kithbook_loo(r: Ratings) -> F64:
    """Cross-fitted: fold k's ratings are absent from everything the model learns.

    For fold k the combination is fitted on the other folds' ratings, with their features
    computed on the network without fold k. It is applied to fold k's features: the
    exact leave-one-out ones computed on the network without only the rating being
    predicted, and fairness/goodness, a fixed point of the whole network, from the
    network without fold k. So no prediction depends on its own rating in any way.
    """
    fold = np.random.default_rng(SEED).permutation(len(r)) % FOLDS
    everything = _features(r, r.src, r.dst, own=True)
    predicted = np.empty(len(r))
    for k in range(FOLDS):
        held = fold == k
        train = r.subset(~held)
        fair, good = fairness_goodness(train)
        model = _Model.fit(_features(train, train.src, train.dst, own=True), train.weight)
        mine = everything[held]
        mine[:, _FG_COLUMNS] = _fg_columns(fair[r.src[held]], good[r.dst[held]])
        predicted[held] = model.predict(mine)
    return predicted


def _kithbook_forward(known: Ratings, src: I64, dst: I64) -> F64:
    """Learn the combination from the known ratings alone, each with its own rating left
    out of its features, then predict the later pairs from everything known."""
    model = _Model.fit(_features(known, known.src, known.dst, own=True), known.weight)
    return model.predict(_features(known, src, dst, own=False))


# ---------------------------------------------------------------- the engine's own numbers
#
# The scores the product shows, untouched by any learning: forward only, since hiding
# one rating from a walk would need a walk per rating.


def _viewer_forward(known: Ratings, src: I64, dst: I64) -> F64:
    graph = build_trust_graph(known.src, known.dst, known.weight, known.size)
    order = np.argsort(src, kind="stable")
    raters, first = np.unique(src[order], return_index=True)
    bounds = np.append(first, src.size)
    predicted = np.empty(src.size)
    for rater, begin, end in zip(raters, bounds[:-1], bounds[1:], strict=True):
        chosen = order[begin:end]
        predicted[chosen] = personalized_trust(graph, int(rater)).score[dst[chosen]]
    return predicted


def _reputation_forward(known: Ratings, src: I64, dst: I64) -> F64:
    graph = build_trust_graph(known.src, known.dst, known.weight, known.size)
    return reputation(graph).score[dst].astype(np.float64)


# ---------------------------------------------------------------- harness

_TRAIN_SHARE = 0.8

Loo = Callable[[Ratings], F64]
Forward = Callable[[Ratings, I64, I64], F64]

METHODS: dict[str, tuple[Loo | None, Forward]] = {
    "global mean": (_global_loo, _global_forward),
    "rater's mean": (
        lambda r: _side_mean_loo(r, r.src),
        lambda k, s, d: _side_mean_forward(k, k.src, s),
    ),
    "ratee's mean": (
        lambda r: _side_mean_loo(r, r.dst),
        lambda k, s, d: _side_mean_forward(k, k.dst, d),
    ),
    "fairness/goodness": (_fg_loo, _fg_forward),
    "kithbook": (_kithbook_loo, _kithbook_forward),
    "engine: viewer's trust": (None, _viewer_forward),
    "engine: reputation": (None, _reputation_forward),
}


def evaluate(
    ratings: Ratings, split: str = "loo", cut: float | None = None, methods: list[str] | None = None
) -> Evaluation:
    """Score every method on one split; ``cut`` (Unix time) defaults to the 80% quantile.

    By default every method the split can run: the engine's own scores run forward only.
    """
    chosen = _chosen(split, methods)
    if split == "loo":
        return _leave_one_out(ratings, chosen)
    if split == "time":
        return _time_split(ratings, chosen, cut)
    raise InvalidInput(f"split must be 'loo' or 'time'; got {split!r}.", field="split")


def _chosen(split: str, methods: list[str] | None) -> list[str]:
    """The methods asked for, or by default every one the split can run."""
    if methods is None:
        chosen = [name for name, (loo, _) in METHODS.items() if split != "loo" or loo]
    else:
        chosen = methods
    unknown = [name for name in chosen if name not in METHODS]
    if unknown:
        raise InvalidInput(
            f"unknown method {unknown[0]!r}; choose from {', '.join(METHODS)}.", field="methods"
        )
    return chosen


def _timed(name: str, predict: Callable[[], F64], actual: F64, count: int) -> MethodScore:
    """One method's errors against `actual`, and how long its predictions took."""
    began = time.perf_counter()
    predicted = predict()
    return MethodScore(
        name, _rmse(predicted, actual), _pcc(predicted, actual), count,
        time.perf_counter() - began,
    )


def _leave_one_out(ratings: Ratings, chosen: list[str]) -> Evaluation:
    if len(ratings) < 3:
        raise InvalidInput("leave-one-out needs at least 3 ratings.", field="file")
    scores = []
    for name in chosen:
        loo = METHODS[name][0]
        if loo is None:
            raise InvalidInput(f"{name!r} runs on the time split only.", field="methods")
        scores.append(_timed(name, partial(loo, ratings), ratings.weight, len(ratings)))
    return Evaluation("loo", ratings.size, len(ratings), len(ratings), None, scores)


def _time_split(ratings: Ratings, chosen: list[str], cut: float | None) -> Evaluation:
    when = float(np.quantile(ratings.time, _TRAIN_SHARE)) if cut is None else cut
    before = ratings.time < when
    known, later = ratings.subset(before), ratings.subset(~before)
    if len(known) < 10 or len(later) < 2:
        raise InvalidInput(
            f"the cut leaves {len(known)} ratings before and {len(later)} after it; "
            "need at least 10 before and 2 after.",
            field="cut",
        )
    scores = []
    for name in chosen:
        forward = METHODS[name][1]
        scores.append(_timed(name, partial(forward, known, later.src, later.dst),
                             later.weight, len(later)))
    return Evaluation("time", ratings.size, len(known), len(later), when, scores)
