"""Warm paths: the best few chains of introductions from a searcher to a person or a group.

A path is `searcher → m1 (→ m2 (→ m3)) → target`: one to three intermediaries, all
distinct. Its hops are permitted like this (see docs/paths.md for the reasoning):

* the first hop is the searcher's own tie to m1: always usable by the searcher;
* every later hop u→v is u's tie, usable only if u did not hide it, did not mark v "no
  introductions", and u's ask rule admits the person before u on the path (for "trusted
  ≥ N", u's stated trust of that person must be at least N);
* in a search for a named person, the last hop must be a named tie (an anonymous one would
  put a name on a contact its owner chose to keep nameless).

Score = product over intermediaries of their agree chance (from each one's own tie back to
the person before them, `policy.agree_chance`) × strength of the last hop. Paths scoring 0
are not paths anyone would take and are left out. Order: score descending, then fewer hops,
then person numbers, so the order is total and every implementation agrees on it.

Hidden ties are simply absent from everything the search reads about other people (the
snapshot folds hiding into `need` and `agree_back`), so a hidden tie and no tie give
the same answer, bit for bit.

The search is a meet in the middle over whole arrays: forward from the searcher (m1, then
m1→m2 with the policy state of each partial path), backward one hop from the targets, then
joins for two, three and four hops, in that order; each join raises the k-th best score,
and every partial path whose best possible completion is below it is dropped before it is
expanded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kithbook.domain.errors import InvalidInput
from kithbook.graph.policy import ANONYMOUS, NAMED, NEVER
from kithbook.graph.snapshot import PeopleFilter, Snapshot

DEFAULT_K = 5
MAX_INTERMEDIARIES = 3
MAX_K = 100
_CHUNK = 16_384
_SMALLEST = float(np.nextafter(0.0, 1.0))  # second hops read per step of the best-first expansion

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WarmPath:
    """One ranked path. `people[0]` is the searcher, `people[-1]` the target.

    `anonymous[i]` says that person i was reached through an anonymous tie and must be
    shown only as "a contact at <organization>"; faces must never show their identity.
    `edges` are snapshot tie ids along the path, for explanations.
    """

    people: tuple[int, ...]
    edges: tuple[int, ...]
    score: float
    agrees: tuple[float, ...]  # one per intermediary
    last_strength: float
    anonymous: tuple[bool, ...]

    @property
    def intermediaries(self) -> tuple[int, ...]:
        return self.people[1:-1]

    @property
    def target(self) -> int:
        return self.people[-1]

    @property
    def hops(self) -> int:
        return len(self.edges)


def find_paths(snapshot: Snapshot, searcher: int, *, to: int | None = None,
               where: PeopleFilter | None = None, k: int = DEFAULT_K,
               max_intermediaries: int = MAX_INTERMEDIARIES) -> list[WarmPath]:
    """The best `k` permitted paths from `searcher` to person `to`, or to anyone matching
    `where` whom the searcher does not already know.
    """
    n = snapshot.num_people
    if not 0 <= searcher < n:
        raise InvalidInput("the searcher is not in this network.", field="searcher")
    if (to is None) == (where is None):
        raise InvalidInput("search for one person or for a filter, not both or neither.")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"ask for between 1 and {MAX_K} paths; got {k}.", field="k")
    if not 1 <= max_intermediaries <= MAX_INTERMEDIARIES:
        raise InvalidInput(f"a path has 1 to {MAX_INTERMEDIARIES} intermediaries; "
                           f"got {max_intermediaries}.", field="max_intermediaries")
    if to is not None:
        if not 0 <= to < n:
            raise InvalidInput("that person is not in this network.", field="to")
        if to == searcher:
            raise InvalidInput("you cannot search for a path to yourself.", field="to")
        targets = np.array([to], dtype=np.int32)
    else:
        assert where is not None
        if where.is_empty():
            raise InvalidInput("say whom to look for: an organization, role, location or tag.")
        matching = snapshot.people_matching(where)
        known = snapshot.out_neighbours(searcher)
        targets = matching[~np.isin(matching, known) & (matching != searcher)]
    return _Search(snapshot, searcher, targets, to is not None, k).run(max_intermediaries)


def _ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenation of arange(starts[i], starts[i] + counts[i]) for all i."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(starts - (ends - counts), counts)
    out: IntArray = offsets + np.arange(total, dtype=np.int64)
    return out


def _join(left: IntArray, right: IntArray) -> tuple[IntArray, IntArray]:
    """All index pairs (i, j) with left[i] == right[j]."""
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    lo = np.searchsorted(ordered, left, side="left")
    hi = np.searchsorted(ordered, left, side="right")
    counts = (hi - lo).astype(np.int64)
    i = np.repeat(np.arange(len(left), dtype=np.int64), counts)
    j = order[_ranges(lo.astype(np.int64), counts)]
    return i, j


class _Search:
    """One query's state: frontiers as column arrays, candidates, and the bar to beat."""

    def __init__(self, snap: Snapshot, searcher: int, targets: npt.NDArray[np.int32],
                 named: bool, k: int) -> None:
        self.g = snap
        self.s = searcher
        self.named = named
        self.k = k
        self.found: list[dict[str, IntArray]] = []
        self.scores: list[FloatArray] = []
        self.bar = _SMALLEST  # a path must score above 0
        self.target_one = int(targets[0]) if named else -1
        # Backward: last hops m_k → t, usable before the asker of m_k is known.
        starts = snap.in_indptr[targets]
        counts = snap.in_indptr[targets + 1] - starts
        idx = _ranges(starts, counts)
        e_last = snap.in_eid[idx].astype(np.int64)
        ok = (snap.need[e_last] < NEVER) & (snap.in_src[idx] != searcher)
        ok &= snap.strength[e_last] > 0
        if named:
            ok &= snap.visibility[e_last] == NAMED
        self.e_last = e_last[ok]
        self.last_src = snap.in_src[idx][ok].astype(np.int64)
        self.last_strength = snap.strength[self.e_last].astype(np.float64)
        self.best_last = float(self.last_strength.max(initial=0.0))
        self.last_src_table = self._table(self.last_src)
        self.onward = snap.best_onward()
        self.onward_rows = snap.onward_rows()

    def run(self, max_intermediaries: int) -> list[WarmPath]:
        g, s = self.g, self.s
        if len(self.e_last) == 0:
            return []
        e1 = np.arange(g.indptr[s], g.indptr[s + 1], dtype=np.int64)
        e1 = e1[g.agree_back[e1] > 0]
        if self.named:
            e1 = e1[g.dst[e1] != self.target_one]
        self._two(e1)
        if max_intermediaries == 1:
            return self._ranked()
        # Best first: the first intermediaries whose onward paths could score highest are
        # expanded first, so the bar rises early, and the rest are cut off as soon as none
        # can reach it. A path going on past m1 scores at most a1 × the best agree chance
        # among m1's onward ties (`best_onward`), which is 0 for people who introduce nobody.
        a1 = g.agree_back[e1].astype(np.float64)
        bound = a1 * self.onward[g.dst[e1]]
        order = np.argsort(-bound, kind="stable")
        e1, a1, bound = e1[order], a1[order], bound[order]
        rows = self.onward_rows[0]
        degree = rows[g.dst[e1].astype(np.int64) + 1] - rows[g.dst[e1]]
        reach = np.cumsum(degree)
        forward: list[tuple[IntArray, IntArray, FloatArray]] = []
        lo = 0
        while lo < len(e1) and bound[lo] > 0 and bound[lo] >= self._floor():
            hi = max(int(np.searchsorted(reach, reach[lo] - degree[lo] + _CHUNK)), lo + 1)
            chunk = self._forward(e1[lo:hi], a1[lo:hi])
            self._three(*chunk)
            forward.append(chunk)
            lo = hi
        if max_intermediaries >= 3 and forward:
            self._four(*(np.concatenate(parts) for parts in zip(*forward, strict=True)))
        return self._ranked()

    # -- frontiers -------------------------------------------------------------------------

    def _forward(self, e1: IntArray, a1: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Second hops m1 → m2 permitted by m1's rules toward the searcher, with the product
        of the two agree chances; hops that cannot reach the bar are dropped first."""
        g = self.g
        indptr, eid = self.onward_rows
        m1 = g.dst[e1].astype(np.int64)
        starts = indptr[m1]
        counts = self._reaching(a1, starts, indptr[m1 + 1])
        e2 = eid[_ranges(starts, counts)].astype(np.int64)
        row = np.repeat(np.arange(len(e1), dtype=np.int64), counts)
        partial = a1[row] * g.agree_back[e2]
        m2 = g.dst[e2]
        # Past m2 a path either ends (m2 has a last hop to a target) or goes on through one
        # of m2's onward ties, whose agree chance is at most best_onward[m2].
        ok = np.where(self.last_src_table[m2], 1.0, self.onward[m2]) * partial >= self._floor()
        e2, row, partial, m2 = e2[ok], row[ok], partial[ok], m2[ok]
        ok = (g.trust_back[e1][row] >= g.need[e2]) & (m2 != self.s)
        if self.named:
            ok &= m2 != self.target_one
        return e1[row[ok]], e2[ok], partial[ok]

    def _reaching(self, a1: FloatArray, lo: IntArray, hi: IntArray) -> IntArray:
        """How many ties at the head of each onward row (agree chance descending) keep
        `a1 × agree` at or above the floor. The test is the very product `_forward` keeps,
        and it cannot rise along a row, so rows whose first tie fails count 0, rows whose
        last tie passes count whole, and only the rest need a binary search (all at once)."""
        agree, eid, floor = self.g.agree_back, self.onward_rows[1], self._floor()
        counts = np.zeros(len(lo), dtype=np.int64)
        rows = np.flatnonzero(hi > lo)
        first = a1[rows] * agree[eid[lo[rows]]] >= floor
        rows = rows[first]
        whole = a1[rows] * agree[eid[hi[rows] - 1]] >= floor
        counts[rows[whole]] = (hi - lo)[rows[whole]]
        rows = rows[~whole]
        # The first failing tie lies in [lo + 1, hi - 1]: its row's head passes, its tail fails.
        left, right, factor = lo[rows] + 1, hi[rows] - 1, a1[rows]
        while len(rows):
            done = left >= right
            counts[rows[done]] = (left - lo[rows])[done]
            if done.any():
                going = ~done
                rows, left, right, factor = rows[going], left[going], right[going], factor[going]
            mid = (left + right) >> 1
            good = factor * agree[eid[mid]] >= floor
            left = np.where(good, mid + 1, left)
            right = np.where(good, right, mid)
        return counts

    def _floor(self) -> float:
        """Smallest partial product (before the last hop) that could still reach the bar;
        lowered by a hair so rounding never cuts a path that ties the bar."""
        return self.bar / self.best_last * (1 - 1e-9)

    def _table(self, people: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
        table = np.zeros(self.g.num_people, dtype=np.bool_)
        table[people] = True
        return table

    def _distinct(self, people: IntArray) -> IntArray:
        """The sorted distinct numbers of `people`."""
        if len(people) * 64 < self.g.num_people:  # sorting a few beats scanning everyone
            return np.unique(people)
        return np.flatnonzero(self._table(people))

    # -- joins -----------------------------------------------------------------------------

    def _two(self, e1: IntArray) -> None:
        g = self.g
        i, j = _join(g.dst[e1].astype(np.int64), self.last_src)
        e1, el = e1[i], self.e_last[j]
        ok = g.trust_back[e1] >= g.need[el]
        e1, el = e1[ok], el[ok]
        score = g.agree_back[e1].astype(np.float64) * g.strength[el].astype(np.float64)
        self._add(score, e1=e1, e2=np.full_like(e1, -1), e3=np.full_like(e1, -1), el=el)

    def _three(self, e1: IntArray, e2: IntArray, partial: FloatArray) -> None:
        g = self.g
        near = self.last_src_table[g.dst[e2]] & (partial >= self._floor())
        e1, e2, partial = e1[near], e2[near], partial[near]
        i, j = _join(g.dst[e2].astype(np.int64), self.last_src)
        e1, e2, partial, el = e1[i], e2[i], partial[i], self.e_last[j]
        ok = (g.trust_back[e2] >= g.need[el]) & (g.dst[el] != g.dst[e1])
        e1, e2, el = e1[ok], e2[ok], el[ok]
        score = partial[ok] * g.strength[el].astype(np.float64)
        self._add(score, e1=e1, e2=e2, e3=np.full_like(e1, -1), el=el)

    def _four(self, e1: IntArray, e2: IntArray, partial: FloatArray) -> None:
        g = self.g
        keep = partial * self.onward[g.dst[e2]] >= self._floor()
        e1, e2, partial = e1[keep], e2[keep], partial[keep]
        if len(e1) == 0:
            return
        m2_all = g.dst[e2].astype(np.int64)
        m2 = self._distinct(m2_all)
        m3 = self._distinct(self.last_src[self.last_strength >= self.bar])
        # Middle hops m2 → m3, read from whichever side has fewer ties.
        out_counts = g.indptr[m2 + 1] - g.indptr[m2]
        in_counts = g.in_indptr[m3 + 1] - g.in_indptr[m3]
        if out_counts.sum() <= in_counts.sum():
            e3 = _ranges(g.indptr[m2], out_counts)
            src3 = np.repeat(m2, out_counts)
            near = self._table(m3)[g.dst[e3]]
        else:
            idx = _ranges(g.in_indptr[m3], in_counts)
            src3 = g.in_src[idx].astype(np.int64)
            near = self._table(m2)[src3]
            e3 = g.in_eid[idx].astype(np.int64)
        e3, src3 = e3[near], src3[near]
        # A middle hop too weak for even the best partial path cannot reach the floor.
        agree3 = g.agree_back[e3]
        ok = (g.need[e3] < NEVER) & (agree3 > 0) & (g.dst[e3] != self.s)
        ok &= float(partial.max()) * agree3 >= self._floor()
        if self.named:
            ok &= g.dst[e3] != self.target_one
        e3, src3 = e3[ok], src3[ok]
        # Join only the partial paths whose m2 has a middle hop left.
        hit = np.flatnonzero(self._table(src3)[m2_all])
        i, j = _join(m2_all[hit], src3)
        i = hit[i]
        e1, e2, e3, partial = e1[i], e2[i], e3[j], partial[i]
        ok = (g.trust_back[e2] >= g.need[e3]) & (g.dst[e3] != g.dst[e1])
        partial3 = partial * g.agree_back[e3]
        ok &= partial3 >= self._floor()
        e1, e2, e3, partial3 = e1[ok], e2[ok], e3[ok], partial3[ok]
        i, j = _join(g.dst[e3].astype(np.int64), self.last_src)
        e1, e2, e3, partial3, el = e1[i], e2[i], e3[i], partial3[i], self.e_last[j]
        t = g.dst[el]
        ok = (g.trust_back[e3] >= g.need[el]) & (t != g.dst[e1]) & (t != g.dst[e2])
        e1, e2, e3, el = e1[ok], e2[ok], e3[ok], el[ok]
        score = partial3[ok] * g.strength[el].astype(np.float64)
        self._add(score, e1=e1, e2=e2, e3=e3, el=el)

    # -- results ---------------------------------------------------------------------------

    def _add(self, score: FloatArray, **edges: IntArray) -> None:
        ok = score >= self.bar
        if not ok.any():
            return
        self.found.append({name: col[ok] for name, col in edges.items()})
        self.scores.append(score[ok])
        everything = np.concatenate(self.scores)
        if len(everything) >= self.k:
            self.bar = float(np.partition(everything, len(everything) - self.k)[-self.k])

    def _ranked(self) -> list[WarmPath]:
        if not self.found:
            return []
        g = self.g
        cols = {name: np.concatenate([f[name] for f in self.found]) for name in self.found[0]}
        score = np.concatenate(self.scores)
        e1, e2, e3, el = cols["e1"], cols["e2"], cols["e3"], cols["el"]
        hops = 2 + (e2 >= 0) + (e3 >= 0)

        def node(e: IntArray) -> IntArray:
            return np.where(e >= 0, g.dst[np.maximum(e, 0)], -1).astype(np.int64)

        order = np.lexsort((node(el), node(e3), node(e2), node(e1), hops, -score))[: self.k]
        paths = []
        for r in order.tolist():
            chain = [int(e) for e in (e1[r], e2[r], e3[r]) if e >= 0] + [int(el[r])]
            people = (self.s, *(int(g.dst[e]) for e in chain))
            anonymous = (False, False, *(bool(g.visibility[e] == ANONYMOUS) for e in chain[1:]))
            agrees = tuple(float(g.agree_back[e]) for e in chain[:-1])
            paths.append(WarmPath(people, tuple(chain), float(score[r]), agrees,
                                  float(g.strength[chain[-1]]), anonymous))
        return paths
