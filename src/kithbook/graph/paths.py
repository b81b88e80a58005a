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
the person before them, `policy.agree_chance`) and of how far the searcher may trust them
(`vouch`, a factor in [0, 1] from `graph/trust.py`; the neutral `unnamed` for a person
reached through an anonymous tie) × strength of the last hop. Paths scoring 0
are not paths anyone would take and are left out. Order: score descending, then fewer hops,
then person numbers, so the order is total and every implementation agrees on it.

Hidden ties are simply absent from everything the search reads about other people (the
snapshot folds hiding into `need` and `agree_back`), so a hidden tie and no tie give
the same answer, bit for bit.

The search is a meet in the middle, walked one tie at a time in a compiled loop
(`path_kernel`): backward one hop from the targets, forward from the searcher best
first, then two, three and four hops; every path found raises the k-th best score, and
every partial path whose best possible completion is below it is dropped before it is
expanded. This module checks the question, picks the targets and ranks what is found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from kithbook.domain.errors import InvalidInput
from kithbook.graph.arrays import Float64Array as FloatArray
from kithbook.graph.arrays import Int64Array as IntArray
from kithbook.graph.policy import ANONYMOUS
from kithbook.graph.snapshot import PeopleFilter, Snapshot

DEFAULT_K = 5
MAX_INTERMEDIARIES = 3
MAX_K = 100


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
    vouches: tuple[float, ...] = ()  # one per intermediary: the trust factor applied

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
               max_intermediaries: int = MAX_INTERMEDIARIES,
               named_last: bool = False, vouch: npt.ArrayLike | None = None,
               unnamed: float = 1.0) -> list[WarmPath]:
    """The best `k` permitted paths from `searcher` to person `to`, or to anyone matching
    `where` whom the searcher does not already know.

    A search for a person always ends on a named tie; `named_last` asks the same of a
    filter search (one naming more than an anonymous tie discloses). `vouch` gives, per
    person, the searcher's trust factor in [0, 1] for them as an intermediary (none: 1
    for everyone), `unnamed` the factor of anyone reached through an anonymous tie.
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
    factors = _factors(vouch, n, unnamed)
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
    # Imported here: loading numba costs every command half a second, and most never search.
    from kithbook.graph import path_kernel

    named = to is not None or named_last
    on_indptr, on_eid = snapshot.onward_rows()
    g = snapshot
    net = path_kernel.Network(
        path_kernel.OutTies(g.indptr, g.dst, g.strength, g.visibility, g.need, g.agree_back,
                            g.trust_back),
        path_kernel.InTies(g.in_indptr, g.in_src, g.in_eid),
        path_kernel.Onward(on_indptr, on_eid, snapshot.best_onward()))
    # Plain ints and int32 targets, so every call hits the one compiled signature.
    ask = path_kernel.Ask(int(searcher), int(to) if to is not None else -1, bool(named),
                          int(k), int(max_intermediaries),
                          np.ascontiguousarray(targets, dtype=np.int32), factors,
                          float(unnamed))
    tables = path_kernel.SCRATCH.take(n)
    found, scores = path_kernel.search(ask, net, tables)
    # Only a search that finished put back every entry it set; a failed one's tables go.
    path_kernel.SCRATCH.give(tables)
    paths = _ranked(snapshot, searcher, found, scores, k, factors, float(unnamed))
    # Without trust factors nothing was weighed by trust, and explanations say nothing of it.
    return paths if vouch is not None else [replace(p, vouches=()) for p in paths]


def _factors(vouch: npt.ArrayLike | None, n: int, unnamed: float) -> FloatArray:
    if not 0.0 <= unnamed <= 1.0:
        raise InvalidInput(f"a trust factor is in [0, 1]; got {unnamed}.", field="unnamed")
    if vouch is None:
        return np.ones(n, dtype=np.float64)
    out = np.ascontiguousarray(vouch, dtype=np.float64)
    if out.shape != (n,):
        raise InvalidInput(f"give one trust factor per person ({n}); got {out.shape}.",
                           field="vouch")
    if not np.all((out >= 0.0) & (out <= 1.0)):  # NaN fails both
        raise InvalidInput("trust factors are numbers in [0, 1].", field="vouch")
    return out


def _ranked(g: Snapshot, searcher: int, found: IntArray, score: FloatArray,
            k: int, vouch: FloatArray, unnamed: float) -> list[WarmPath]:
    """The best `k` of the candidates, in the documented total order."""
    if len(score) == 0:
        return []
    e1, e2, e3, el = found[:, 0], found[:, 1], found[:, 2], found[:, 3]
    hops = 2 + (e2 >= 0) + (e3 >= 0)

    def node(e: IntArray) -> IntArray:
        return np.where(e >= 0, g.dst[np.maximum(e, 0)], -1).astype(np.int64)

    order = np.lexsort((node(el), node(e3), node(e2), node(e1), hops, -score))[:k]
    paths = []
    for r in order.tolist():
        chain = [int(e) for e in (e1[r], e2[r], e3[r]) if e >= 0] + [int(el[r])]
        people = (searcher, *(int(g.dst[e]) for e in chain))
        anonymous = (False, False, *(bool(g.visibility[e] == ANONYMOUS) for e in chain[1:]))
        agrees = tuple(float(g.agree_back[e]) for e in chain[:-1])
        vouches = tuple(unnamed if anonymous[i] else float(vouch[people[i]])
                        for i in range(1, len(people) - 1))
        paths.append(WarmPath(people, tuple(chain), float(score[r]), agrees,
                              float(g.strength[chain[-1]]), anonymous, vouches))
    return paths
