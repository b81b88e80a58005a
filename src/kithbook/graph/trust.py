"""Inferred trust: how much one member should trust another, and everyone's reputation.

Trust travels as a random walk over the positive ties: from the viewer, at every step the
walk stops with probability ``1 - damping`` and otherwise moves to someone the current
member trusts, in proportion to how much. The share of the walk that ends at each member
is their *reach*. A member's *score* is then what the people the viewer reaches say about
them: the reach-weighted mean of the signed ratings they received, pulled towards zero
by a prior worth one average member's share. Distrust is heard from trusted raters but
never travels further: the enemy of my enemy is not my friend.

A ring of fake accounts gains reach only through the ties honest members gave it, and
all the reach it gets is shared among its accounts, so each fake account's score is
weighed against the prior with very little evidence and stays near zero however many
accounts vouch for each other. The method is explained in ``docs/trust.md``.

Everything here works on whole arrays: a graph is built once per snapshot, and each
walk is a few sparse matrix products (dense steps) or a gather over the out-ties of
the members still holding trust to pass on (sparse steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kithbook.domain.errors import InvalidInput

__all__ = [
    "DAMPING",
    "PRIOR",
    "TOLERANCE",
    "TRUST_FLOOR",
    "Trust",
    "TrustGraph",
    "Voucher",
    "build_trust_graph",
    "path_factors",
    "personalized_trust",
    "reputation",
    "tie_weight",
    "tie_weights",
    "vouchers",
]

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]

DAMPING = 0.5
"""Chance that trust goes one more hop: it halves with each introduction in the chain."""

TOLERANCE = 0.01
"""Stop passing trust on from a member once what is left there, per tie, is below this
fraction of an average member's share."""

MAX_STEPS = 64
PRIOR = 1.0
"""Neutral evidence every score starts from, in average members' shares."""

TRUST_FLOOR = 0.1
"""The factor a warm path gives an intermediary nobody the searcher trusts vouches for
(and anyone shown only anonymously): low enough that a ring of fake accounts, which
earns almost no trust, never outranks people with real vouches; above zero, so such a
path is still offered when there is no other."""

# Beyond this share of all ties, a dense sparse-matrix product beats gathering out-ties.
_DENSE_SHARE = 0.25


@dataclass(frozen=True)
class TrustGraph:
    """An array snapshot of who rates whom, ready for walks.

    ``walk`` holds, per rater row, the probability of stepping to each member they trust;
    ``given`` and ``received`` hold the signed ratings by rater and by ratee.
    """

    size: int
    walk: sp.csr_matrix
    walk_in: sp.csr_matrix
    given: sp.csr_matrix
    received: sp.csr_matrix
    received_count: sp.csr_matrix
    out_degree: Floats

    @property
    def ties(self) -> int:
        return int(self.given.nnz)


@dataclass(frozen=True)
class Trust:
    """Trust as seen from one viewer (or from a community's seeds), for every member.

    ``score`` is in [-1, 1]; ``evidence`` says how many average members' worth of reached
    raters stand behind it; ``reach`` is the walk's share at each member and
    ``unresolved`` the trust mass not yet passed on, an upper bound on the L1 error of
    ``reach``.
    """

    score: Floats
    evidence: Floats
    reach: Floats
    unresolved: float
    steps: int
    followed: int
    """Ties read to compute this (the walk's and the ratings'): the work done."""


def tie_weight(
    stated_trust: int | None,
    strength: float,
    positive: int = 0,
    neutral: int = 0,
    negative: int = 0,
) -> float:
    """The signed weight in [-1, 1] of one member's tie to another.

    Stated trust 1..5 maps to 0..1 ("barely" vouches for nobody, 5 fully). Without a
    stated level, tie strength stands in at half weight: knowing someone well is not
    vouching for them. Outcomes of introductions this member made for the other then
    move the weight like votes, positive +1, neutral 0, negative -1, against a prior of
    two votes at the base value; only bad outcomes can make a tie negative.
    """
    if stated_trust is not None and not 1 <= stated_trust <= 5:
        raise InvalidInput(f"stated trust must be from 1 to 5; got {stated_trust}.", field="trust")
    if not 0.0 <= strength <= 1.0:
        raise InvalidInput(f"tie strength must be in [0, 1]; got {strength}.", field="strength")
    if min(positive, neutral, negative) < 0:
        raise InvalidInput("outcome counts cannot be negative.", field="outcomes")
    base = (stated_trust - 1) / 4 if stated_trust is not None else 0.5 * strength
    prior_votes = 2.0
    votes = positive + neutral + negative
    return float(
        np.clip((prior_votes * base + positive - negative) / (prior_votes + votes), -1.0, 1.0)
    )


def tie_weights(stated_trust: npt.ArrayLike, strength: npt.ArrayLike,
                positive: npt.ArrayLike, neutral: npt.ArrayLike,
                negative: npt.ArrayLike) -> Floats:
    """`tie_weight` over whole columns (stated trust 0 = unstated); the same numbers."""
    trust = np.asarray(stated_trust, dtype=np.float64)
    base = np.where(trust > 0, (trust - 1) / 4, 0.5 * np.asarray(strength, dtype=np.float64))
    pos, neu, neg = (np.asarray(c, dtype=np.float64) for c in (positive, neutral, negative))
    prior_votes = 2.0
    out: Floats = np.clip((prior_votes * base + pos - neg) / (prior_votes + pos + neu + neg),
                          -1.0, 1.0).astype(np.float32)
    return out


def build_trust_graph(
    src: npt.ArrayLike, dst: npt.ArrayLike, weight: npt.ArrayLike, size: int | None = None
) -> TrustGraph:
    """Build the walk and rating matrices from parallel arrays of ties.

    Members are numbered 0..size-1. Self-ratings are ignored; repeated pairs are averaged.
    """
    wide_s = np.asarray(src, dtype=np.int64)
    wide_d = np.asarray(dst, dtype=np.int64)
    w = np.asarray(weight, dtype=np.float32)
    if not wide_s.shape == wide_d.shape == w.shape or wide_s.ndim != 1:
        raise InvalidInput("src, dst and weight must be 1-d arrays of the same length.")
    if w.size and (not np.all(np.isfinite(w)) or np.abs(w).max() > 1.0):
        raise InvalidInput("tie weights must be finite numbers in [-1, 1].", field="weight")
    if wide_s.size and (
        min(wide_s.min(), wide_d.min()) < 0
        or max(wide_s.max(), wide_d.max()) >= np.iinfo(np.int32).max
    ):
        raise InvalidInput("member numbers must be from 0 to 2,147,483,646.")
    s, d = wide_s.astype(np.int32), wide_d.astype(np.int32)
    highest = int(max(s.max(), d.max())) + 1 if s.size else 0
    n = highest if size is None else size
    if n < highest:
        raise InvalidInput(f"size {n} is too small for member number {highest - 1}.")
    keep = s != d
    s, d, w = s[keep], d[keep], w[keep]

    def csr(rows: Ints, cols: Ints, data: Floats) -> sp.csr_matrix:
        m = sp.csr_matrix((data, (rows, cols)), shape=(n, n), dtype=np.float32)
        m.sort_indices()
        return m

    key = s.astype(np.int64) * max(n, 1) + d
    if key.size == 0 or bool(np.all(key[1:] > key[:-1])):
        # In row order with no pair twice (as the path network hands ties over): the rows
        # are the CSR already, and nothing needs averaging.
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
        given = sp.csr_matrix((w.copy(), d.copy(), indptr), shape=(n, n), dtype=np.float32)
        given.has_sorted_indices = True
    else:
        ones = np.ones(s.size, dtype=np.float32)
        counts = csr(s, d, ones)
        given = csr(s, d, w)
        given.data /= counts.data  # same coordinates, same order: averages repeated pairs
    received = given.T.tocsr()
    received.sort_indices()
    received_count = sp.csr_matrix(
        (np.ones(received.nnz, dtype=np.float32), received.indices, received.indptr), shape=(n, n)
    )
    positive = given.multiply(given > 0).tocsr()
    positive.sort_indices()
    totals = np.asarray(positive.sum(axis=1), dtype=np.float64).ravel()
    walk = sp.diags(np.where(totals > 0, 1.0 / np.maximum(totals, 1e-30), 0.0)).dot(positive)
    walk = sp.csr_matrix(walk, dtype=np.float32)
    walk.sort_indices()
    walk_in = walk.T.tocsr()
    out_degree = np.diff(walk.indptr).astype(np.float32)
    return TrustGraph(n, walk, walk_in, given, received, received_count, out_degree)


def personalized_trust(
    graph: TrustGraph,
    source: int,
    *,
    damping: float = DAMPING,
    tolerance: float = TOLERANCE,
    max_steps: int = MAX_STEPS,
) -> Trust:
    """How much ``source`` should trust every member, in [-1, 1]."""
    if not 0 <= source < graph.size:
        raise InvalidInput(
            f"member {source} is not in this network of {graph.size}.", field="source"
        )
    start = np.zeros(graph.size, dtype=np.float32)
    start[source] = 1.0
    trust = _trust_from(graph, start, damping, tolerance, max_steps)
    trust.score[source] = 1.0
    return trust


def reputation(
    graph: TrustGraph,
    seeds: npt.ArrayLike | None = None,
    *,
    damping: float = DAMPING,
    tolerance: float = TOLERANCE / 100,
    max_steps: int = MAX_STEPS,
) -> Trust:
    """Everyone's reputation: trust as seen by the community's ``seeds`` together.

    Seeds are the members the community vouches for as real (by default everyone). By
    linearity the reach equals the mean of the seeds' personalized reaches, so fake
    accounts that are not seeds earn reputation only through ties honest members gave.
    Computed once for everyone, it is computed finer than one member's view.
    """
    start = np.zeros(graph.size, dtype=np.float32)
    if seeds is None:
        start[:] = 1.0 / max(graph.size, 1)
    else:
        chosen = np.unique(np.asarray(seeds, dtype=np.int64))
        if chosen.size == 0 or chosen[0] < 0 or chosen[-1] >= graph.size:
            raise InvalidInput(
                "seeds must be a non-empty list of members of this network.", field="seeds"
            )
        start[chosen] = 1.0 / chosen.size
    return _trust_from(graph, start, damping, tolerance, max_steps)


def path_factors(score: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """How a warm path weighs intermediaries the searcher trusts at `score` in [-1, 1]:
    their trust itself (1 = fully), never below `TRUST_FLOOR`. Distrust weighs like no
    evidence here: a path is a request the searcher may still choose not to make, and
    the brief is where distrust is spelled out."""
    out: npt.NDArray[np.float64] = np.clip(
        np.asarray(score, dtype=np.float64), TRUST_FLOOR, 1.0)
    return out


@dataclass(frozen=True)
class Voucher:
    """One rater behind a score: who, how far the viewer's trust reaches them, what they said."""

    rater: int
    reach: float
    rating: float


def vouchers(graph: TrustGraph, trust: Trust, member: int, limit: int = 5) -> list[Voucher]:
    """The raters of ``member`` that weigh most in ``trust``'s score for them, heaviest first.

    This is the score's evidence, for a brief to say "three people you trust rate them
    well" rather than show a bare number.
    """
    if not 0 <= member < graph.size:
        raise InvalidInput(
            f"member {member} is not in this network of {graph.size}.", field="member"
        )
    begin, end = graph.received.indptr[member], graph.received.indptr[member + 1]
    raters = graph.received.indices[begin:end]
    ratings = graph.received.data[begin:end]
    weight = trust.reach[raters]
    heard = np.flatnonzero(weight > 0)
    heaviest = heard[np.argsort(-weight[heard], kind="stable")[:limit]]
    return [Voucher(int(raters[i]), float(weight[i]), float(ratings[i])) for i in heaviest]


def _trust_from(
    graph: TrustGraph, start: Floats, damping: float, tolerance: float, max_steps: int
) -> Trust:
    if not 0.0 < damping < 1.0:
        raise InvalidInput(f"damping must be between 0 and 1; got {damping}.", field="damping")
    reach, unresolved, steps, walked = _walk(graph, start, damping, tolerance, max_steps)
    heard, weight, read = _opinions(graph, reach)
    n = max(graph.size, 1)
    prior = PRIOR / n
    score = (heard / (weight + prior)).astype(np.float32)
    np.clip(score, -1.0, 1.0, out=score)
    return Trust(score, (weight * n).astype(np.float32), reach, unresolved, steps, walked + read)


def _out_ties(indptr: Ints, rows: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], Ints]:
    """Positions in a CSR of every tie of ``rows``, and how many each row has."""
    begin = indptr[rows].astype(np.int64)
    count = indptr[rows + 1] - indptr[rows]
    total = int(count.sum())
    first = np.repeat(begin - np.cumsum(count) + count, count)
    return first + np.arange(total, dtype=np.int64), count


def _walk(
    graph: TrustGraph, start: Floats, damping: float, tolerance: float, max_steps: int
) -> tuple[Floats, float, int, int]:
    """Synchronous push: pass on every member's pending trust until little is left.

    Invariant: exact reach = ``reach`` + the walk from ``pending``; so the pending total
    bounds the error of ``reach`` in L1, and the result is exact when it reaches zero.
    Small frontiers are pushed tie by tie over only the members they touch; large ones
    with one sparse matrix product over everyone.
    """
    n = graph.size
    reach = np.zeros(n, dtype=np.float32)
    pending = start.astype(np.float32, copy=True)
    threshold = ((tolerance / max(n, 1)) * np.maximum(graph.out_degree, 1.0)).astype(np.float32)
    stuck = graph.out_degree == 0
    stuck_at = np.flatnonzero(stuck)
    indices, data = graph.walk.indices, graph.walk.data
    dense_edges = _DENSE_SHARE * max(graph.walk.nnz, 1)
    active = np.flatnonzero(pending > threshold)
    steps = walked = 0
    while active.size and steps < max_steps:
        steps += 1
        ties = int((graph.walk.indptr[active + 1] - graph.walk.indptr[active]).sum())
        if ties > dense_edges:
            # A full product costs the same whoever moves, so everyone's pending moves.
            walked += graph.walk.nnz
            carried = pending
            reach += np.float32(1.0 - damping) * carried
            reach[stuck_at] += np.float32(damping) * carried[stuck_at]
            carried[stuck_at] = 0.0
            pending = graph.walk_in @ carried
            pending *= np.float32(damping)
            active = np.flatnonzero(pending > threshold)
            continue
        walked += ties
        moving = pending[active]
        pending[active] = 0.0
        # At a member who trusts nobody the walk can only stop.
        reach[active] += np.where(stuck[active], 1.0, 1.0 - damping).astype(np.float32) * moving
        if ties:
            edge, count = _out_ties(graph.walk.indptr, active)
            flow = data[edge] * np.repeat(np.float32(damping) * moving, count)
            touched, slot = np.unique(indices[edge], return_inverse=True)
            pending[touched] += np.bincount(slot, weights=flow).astype(np.float32)
            active = touched[pending[touched] > threshold[touched]]
        else:
            break
    return reach, float(pending.sum(dtype=np.float64)), steps, walked


def _opinions(graph: TrustGraph, reach: Floats) -> tuple[Floats, Floats, int]:
    """Reach-weighted sum of the ratings each member received, the weight behind it, and
    how many ratings were read."""
    raters = np.flatnonzero(reach)
    count = graph.given.indptr[raters + 1] - graph.given.indptr[raters]
    total = int(count.sum())
    if total > _DENSE_SHARE * max(graph.given.nnz, 1):
        return (
            np.asarray(graph.received @ reach, dtype=np.float32),
            np.asarray(graph.received_count @ reach, dtype=np.float32),
            graph.given.nnz,
        )
    n = graph.size
    edge, count = _out_ties(graph.given.indptr, raters)
    who = graph.given.indices[edge]
    mass = np.repeat(reach[raters], count)
    heard = np.bincount(who, weights=mass * graph.given.data[edge], minlength=n)
    weight = np.bincount(who, weights=mass, minlength=n)
    return heard.astype(np.float32), weight.astype(np.float32), total
