"""The inner loops of the warm-path search, compiled.

`paths.find_paths` checks its arguments, picks the targets and ranks what this finds;
this module walks the snapshot's arrays one tie at a time, the way the search is
described in docs/paths.md, so every candidate raises the bar at once and every row is
read only as far as can still reach it. Whole-array numpy steps did the same work in
a few dozen calls per best-first chunk, and at this size the cost of the calls, not of
the work, set the tail of the latency.

The loops are plain Python over numpy arrays, compiled by numba (`nogil`, so searches
in several threads run side by side). Scores are multiplied in float64 in path order, as
`paths` documents, so the compiled and the interpreted loops give the same bits.

Scratch tables of one int32 per person (`Scratch`) let a loop ask "is this person a
last-hop owner?", "a second intermediary?" or "close to a target?" in one read; they are
-1 everywhere between searches, and a search puts back every entry it set.
"""

from __future__ import annotations

import threading
from typing import Any, NamedTuple, cast

import numba
import numpy as np

from kithbook.graph.arrays import (
    Float32Array,
    Float64Array,
    Int8Array,
    Int32Array,
    Int64Array,
    UInt8Array,
)
from kithbook.graph.policy import NAMED, NEVER

_SMALLEST = float(np.nextafter(0.0, 1.0))  # a path must score above 0
_HAIR = 1 - 1e-9  # floors are lowered by a hair so rounding never cuts a path that ties the bar


# -- what the search is handed, in bundles numba compiles as typed tuples ------------------
# Named fields instead of a long positional list: two arrays of one type swapped in a
# call would compile and silently mis-rank; a field read by name cannot be swapped.

class OutTies(NamedTuple):
    """The snapshot's out-rows (`Snapshot`), with the columns the search reads."""

    indptr: Int64Array
    dst: Int32Array
    strength: Float32Array
    visibility: Int8Array
    need: Int8Array
    agree_back: Float32Array
    trust_back: Int8Array


class InTies(NamedTuple):
    """The snapshot's in-rows: per person, the ties pointing at them, by owner."""

    indptr: Int64Array
    src: Int32Array
    eid: Int32Array


class Onward(NamedTuple):
    """`Snapshot.onward_rows` and `Snapshot.best_onward`: the ties each person could
    introduce on through, highest agree chance first, and the highest per person."""

    indptr: Int64Array
    eid: Int32Array
    best: Float32Array


class Network(NamedTuple):
    out: OutTies
    into: InTies
    onward: Onward


class Ask(NamedTuple):
    """One search: from `searcher` to `target` (a person, else -1 and `targets` is the
    group), `named` when the last hop must be a named tie, the best `k` paths of up to
    `max_intermediaries`.

    `vouch[m]` in [0, 1] is how far the searcher may trust person m as an intermediary;
    a person reached through an anonymous tie counts as `unnamed` instead, so the
    ranking never tells one anonymous person from another. Each intermediary's factor
    multiplies the score after their agree chance; all ones leave the scores as they
    were, to the bit (x × 1.0 is x)."""

    searcher: int
    target: int
    named: bool
    k: int
    max_intermediaries: int
    targets: Int32Array
    vouch: Float64Array
    unnamed: float


class Tables(NamedTuple):
    """Scratch tables of one int32 per person (-1 = not set), and their set bits."""

    table: Int32Array
    bits: UInt8Array


class Lasts(NamedTuple):
    """The last hops into the targets, grouped by owner, each group strongest first:
    group g owns `eid[ptr[g]:ptr[g + 1]]` and belongs to `owner[g]`; `best` is the
    strongest of all."""

    ptr: Int64Array
    owner: Int64Array
    eid: Int64Array
    best: float


class Front(NamedTuple):
    """Partial paths searcher → m1 → m2 kept for four hops, with their partial scores."""

    e1: Int64Array
    e2: Int64Array
    partial: Float64Array


class Top(NamedTuple):
    """The candidates kept (rows of edge ids e1, e2, e3, last; and scores), how many
    (`held`: candidates kept, scores in the heap) and the heap of the k best scores."""

    found: Int64Array
    scores: Float64Array
    held: Int64Array
    heap: Float64Array


class Scratch:
    """Per-person tables the search borrows: one set per search in flight (a search takes
    a set from the pool and puts it back), so the pool holds no more sets than searches
    ever ran at once.

    A set is three int32 tables (-1 = not set) and, for each, a bit per person saying
    whether it is set: at a million people the bits fit in a core's cache where the
    tables do not, and most lookups find nothing. A set made for more people serves a
    smaller network as well; one made for fewer is dropped when a search needs more, so
    a network that grows with every refresh leaves no sets of its old sizes behind."""

    def __init__(self) -> None:
        self._free: list[Tables] = []
        self._lock = threading.Lock()

    def take(self, n: int) -> Tables:
        with self._lock:
            self._free = [held for held in self._free if held.table.shape[1] >= n]
            if self._free:
                return self._free.pop()
        return Tables(np.full((3, n), -1, dtype=np.int32),
                      np.zeros((3, n // 8 + 1), dtype=np.uint8))

    def give(self, tables: Tables) -> None:
        with self._lock:
            self._free.append(tables)

    def held(self) -> int:
        """How many sets wait in the pool."""
        with self._lock:
            return len(self._free)


SCRATCH = Scratch()


# Reading the ties into the last-hop owners pays when they are few next to the searcher's
# first hops: a hub searching for a small group (measured on the benchmark network: the
# worst such searches have 1 to 6 such ties per first hop, hubs searching for a hub 40 to 200).
_AHEAD_PER_FIRST_HOP = 8


# -- the scratch bits --------------------------------------------------------------------

def _has(bits: UInt8Array, table: int, person: int) -> bool:
    return bool(bits[table, person >> 3] & (1 << (person & 7)))


def _set(bits: UInt8Array, table: int, person: int) -> None:
    bits[table, person >> 3] |= np.uint8(1 << (person & 7))


def _slot(scratch: Tables, which: int, person: int, people: Int64Array, used: int) -> int:
    """`person`'s place in a search's list of people (`people[:used]`), kept in scratch
    table `which`; it is `used` (the caller counts them in) when they are new."""
    if _has(scratch.bits, which, person):
        return int(scratch.table[which, person])
    scratch.table[which, person] = used
    _set(scratch.bits, which, person)
    people[used] = person
    return used


def _unset(scratch: Tables, which: int, person: int) -> None:
    scratch.table[which, person] = -1
    scratch.bits[which, person >> 3] = 0


# -- the top k -----------------------------------------------------------------------------

def _heap_offer(heap: Float64Array, size: int, k: int, score: float) -> int:
    """Keep the k best scores in a min-heap (`heap[0]` is the k-th best once full)."""
    if size < k:
        i = size
        heap[i] = score
        while i > 0:
            parent = (i - 1) >> 1
            if heap[parent] <= heap[i]:
                break
            heap[parent], heap[i] = heap[i], heap[parent]
            i = parent
        return size + 1
    if score <= heap[0]:
        return size
    heap[0] = score
    i = 0
    while True:
        left, smallest = 2 * i + 1, i
        if left < size and heap[left] < heap[smallest]:
            smallest = left
        if left + 1 < size and heap[left + 1] < heap[smallest]:
            smallest = left + 1
        if smallest == i:
            return size
        heap[smallest], heap[i] = heap[i], heap[smallest]
        i = smallest


def _grow(top: Top, bar: float) -> Top:
    """Make room: drop candidates already below the bar, and double if that is not enough."""
    found, scores = top.found, top.scores
    kept = 0
    for i in range(top.held[0]):
        if scores[i] >= bar:
            found[kept] = found[i]
            scores[kept] = scores[i]
            kept += 1
    top.held[0] = kept
    if kept * 2 > len(scores):
        bigger = np.empty((2 * len(scores), 4), dtype=np.int64)
        bigger[:kept] = found[:kept]
        more = np.empty(2 * len(scores), dtype=np.float64)
        more[:kept] = scores[:kept]
        return Top(bigger, more, top.held, top.heap)
    return top


def _offer(top: Top, k: int, bar: float, e1: int, e2: int, e3: int, last: int,
           score: float) -> tuple[Top, float]:
    """Keep a path scoring at least the bar; returns the candidates (grown if they had to
    be) and the bar, raised once k paths are held."""
    if top.held[0] == len(top.scores):
        top = _grow(top, bar)
    i = top.held[0]
    found = top.found
    found[i, 0], found[i, 1], found[i, 2], found[i, 3] = e1, e2, e3, last
    top.scores[i] = score
    top.held[0] = i + 1
    top.held[1] = _heap_offer(top.heap, top.held[1], k, score)
    if top.held[1] == k:
        bar = max(bar, top.heap[0])
    return top, bar


def _ends(top: Top, k: int, bar: float, partial: float, g: int, lasts: Lasts,
          out: OutTies, asker_trust: int, e1: int, e2: int, e3: int,
          not_a: int, not_b: int) -> tuple[Top, float]:
    """Keep every last hop of group `g` (strongest first) that ends a partial path at or
    above the bar: its owner's rule must admit the person before them (whose trust they
    stated as `asker_trust`), and it must not lead back to `not_a` or `not_b` (earlier
    people on the path)."""
    for j in range(lasts.ptr[g], lasts.ptr[g + 1]):
        last = lasts.eid[j]
        score = partial * np.float64(out.strength[last])
        if score < bar:
            break
        t = out.dst[last]
        if t == not_a or t == not_b or asker_trust < out.need[last]:
            continue
        top, bar = _offer(top, k, bar, e1, e2, e3, last, score)
    return top, bar


# -- the search ----------------------------------------------------------------------------

def _vouch(ask: Ask, out: OutTies, e: int) -> float:
    """The searcher's trust factor for the person tie `e` leads to, as the path sees them:
    their own when named, the neutral one when anonymous."""
    if out.visibility[e] == NAMED:
        return float(ask.vouch[out.dst[e]])
    return ask.unnamed



def _lasts(ask: Ask, net: Network, scratch: Tables) -> tuple[Lasts, int]:
    """Backward, one hop: the last hops into the targets, grouped by owner, each group
    strongest first, so a loop over a group stops at the first hop below the bar. Marks
    each owner u in scratch table 0 with its group; returns the groups and how many."""
    out, into = net.out, net.into
    s = ask.searcher
    total = 0
    for t in ask.targets:
        total += into.indptr[t + 1] - into.indptr[t]
    l_src = np.empty(total, dtype=np.int64)
    l_eid = np.empty(total, dtype=np.int64)
    l_key = np.empty(total, dtype=np.float64)
    used = 0
    best_last = 0.0
    for t in ask.targets:
        for i in range(into.indptr[t], into.indptr[t + 1]):
            e = into.eid[i]
            u = into.src[i]
            if out.need[e] >= NEVER or u == s or out.strength[e] <= 0:
                continue
            if ask.named and out.visibility[e] != NAMED:
                continue
            l_src[used] = u
            l_eid[used] = e
            # Owner first, then strength descending; float64 holds both exactly.
            l_key[used] = u * 2.0 - out.strength[e]
            best_last = max(best_last, np.float64(out.strength[e]))
            used += 1
    order = np.argsort(l_key[:used])
    l_eid = l_eid[:used][order]
    l_src = l_src[:used][order]
    g_ptr = np.empty(used + 1, dtype=np.int64)
    g_owner = np.empty(used, dtype=np.int64)
    groups = 0
    for i in range(used):
        if i == 0 or l_src[i] != l_src[i - 1]:
            g_ptr[groups] = i
            g_owner[groups] = l_src[i]
            scratch.table[0, l_src[i]] = groups
            _set(scratch.bits, 0, l_src[i])
            groups += 1
    g_ptr[groups] = used
    return Lasts(g_ptr, g_owner[:groups], l_eid, best_last), used


def _search(ask: Ask, net: Network, scratch: Tables) -> tuple[Int64Array, Float64Array]:
    """Every permitted path scoring at least the final k-th best, as rows of edge ids
    (e1, e2, e3, last; -1 where a path is shorter) with their scores, in no order."""
    out, onward = net.out, net.onward
    s, k, target_one = ask.searcher, ask.k, ask.target
    group = scratch.table[0]
    lasts, used = _lasts(ask, net, scratch)
    top = Top(np.empty((64, 4), dtype=np.int64), np.empty(64, dtype=np.float64),
              np.zeros(2, dtype=np.int64), np.empty(k, dtype=np.float64))
    if used == 0:
        return top.found[:0], top.scores[:0]
    bar = _SMALLEST

    # Forward, first hop: the searcher's ties with a usable tie back.
    first = np.empty(out.indptr[s + 1] - out.indptr[s], dtype=np.int64)
    bound = np.empty(len(first), dtype=np.float64)
    n_first = 0
    for e in range(out.indptr[s], out.indptr[s + 1]):
        if out.agree_back[e] > 0 and out.dst[e] != target_one:
            first[n_first] = e
            # The searcher's own tie: its person is theirs to judge, named or not.
            bound[n_first] = -(np.float64(out.agree_back[e]) * ask.vouch[out.dst[e]]
                               * onward.best[out.dst[e]])
            n_first += 1
    first = first[:n_first]

    # Two hops.
    for e1 in first:
        g = group[out.dst[e1]]
        if g < 0:
            continue
        top, bar = _ends(top, k, bar, np.float64(out.agree_back[e1]) * ask.vouch[out.dst[e1]],
                         g, lasts, out, out.trust_back[e1], e1, -1, -1, -1, -1)

    # Three hops, first intermediaries best first: a path going on past m1 scores at most
    # a1 × best_onward[m1] × the best last hop, so the walk stops at the first m1 whose
    # bound is below the bar. Partial paths that could go on to four hops are kept.
    walk = np.argsort(bound[:n_first], kind="mergesort")
    ahead, near_people, n_near = _two_ahead(ask, net, first, lasts, scratch)
    near = scratch.table[2]
    f_e1 = np.empty(256, dtype=np.int64)
    f_e2 = np.empty(256, dtype=np.int64)
    f_p = np.empty(256, dtype=np.float64)
    n_front = 0
    if ask.max_intermediaries >= 2:
        for w in walk:
            floor = bar / lasts.best * _HAIR
            reach = -bound[w]
            if reach <= 0 or reach < floor:
                break
            e1 = first[w]
            m1 = out.dst[e1]
            a1 = np.float64(out.agree_back[e1]) * ask.vouch[m1]
            for j in range(onward.indptr[m1], onward.indptr[m1 + 1]):
                e2 = onward.eid[j]
                partial = a1 * np.float64(out.agree_back[e2])
                if partial < floor:
                    break  # the row is sorted by agree chance, highest first
                partial = partial * _vouch(ask, out, e2)  # at most 1: the break held
                if partial < floor:
                    continue
                m2 = out.dst[e2]
                if m2 == s or m2 == target_one or out.trust_back[e1] < out.need[e2]:
                    continue
                if _has(scratch.bits, 0, m2):
                    top, bar = _ends(top, k, bar, partial, group[m2], lasts, out,
                                     out.trust_back[e2], e1, e2, -1, m1, -1)
                    floor = bar / lasts.best * _HAIR
                if ask.max_intermediaries < 3:
                    continue
                if n_near < 0:
                    if partial * onward.best[m2] < floor:
                        continue
                elif not _has(scratch.bits, 2, m2) or partial * ahead[near[m2]] < bar * _HAIR:
                    continue
                if n_front == len(f_p):
                    f_e1 = np.concatenate((f_e1, np.empty(n_front, dtype=np.int64)))
                    f_e2 = np.concatenate((f_e2, np.empty(n_front, dtype=np.int64)))
                    f_p = np.concatenate((f_p, np.empty(n_front, dtype=np.float64)))
                f_e1[n_front], f_e2[n_front], f_p[n_front] = e1, e2, partial
                n_front += 1

    if n_front:
        top, bar = _four(ask, net, Front(f_e1[:n_front], f_e2[:n_front], f_p[:n_front]),
                         lasts, scratch, top, bar)

    for g in range(len(lasts.owner)):
        _unset(scratch, 0, lasts.owner[g])
    for d in range(max(n_near, 0)):
        _unset(scratch, 2, near_people[d])
    kept = top.held[0]
    keep = top.scores[:kept] >= bar
    return top.found[:kept][keep], top.scores[:kept][keep]


def _two_ahead(ask: Ask, net: Network, first: Int64Array, lasts: Lasts,
               scratch: Tables) -> tuple[Float64Array, Int64Array, int]:
    """For every person m2 with a usable tie to a last-hop owner m3, the most a path can
    gain from m2 in two more hops: max of agree(m2 → m3) × m3's best last hop, at
    `ahead[near[m2]]` (`near` is scratch table 2). Read only when the ties into the
    last-hop owners are few next to the searcher's first hops (a small group as target):
    then it costs little and keeps for four hops only the second hops that can end within
    two more. Otherwise the count is -1 and `best_onward` bounds them instead."""
    out, into = net.out, net.into
    people = np.empty(0, dtype=np.int64)
    ahead = np.empty(0, dtype=np.float64)
    if ask.max_intermediaries < 3:
        return ahead, people, -1
    cost = 0
    for g in range(len(lasts.owner)):
        cost += into.indptr[lasts.owner[g] + 1] - into.indptr[lasts.owner[g]]
    if cost > _AHEAD_PER_FIRST_HOP * len(first):
        return ahead, people, -1
    people = np.empty(cost, dtype=np.int64)
    ahead = np.empty(cost, dtype=np.float64)
    n_near = 0
    for g in range(len(lasts.owner)):
        m3 = lasts.owner[g]
        best = np.float64(out.strength[lasts.eid[lasts.ptr[g]]])
        for i in range(into.indptr[m3], into.indptr[m3 + 1]):
            e3 = into.eid[i]
            m2 = into.src[i]
            if out.need[e3] >= NEVER or out.agree_back[e3] <= 0 or m2 == ask.searcher:
                continue
            d = _slot(scratch, 2, m2, people, n_near)
            if d == n_near:
                ahead[d] = 0.0
                n_near += 1
            ahead[d] = max(ahead[d], np.float64(out.agree_back[e3]) * best)
    return ahead, people, n_near


def _four(ask: Ask, net: Network, front: Front, lasts: Lasts, scratch: Tables, top: Top,
          bar: float) -> tuple[Top, float]:
    """Four hops: the partial paths searcher → m1 → m2 meet the last hops over a middle
    tie m2 → m3, read from whichever side has fewer ties (the m2s' onward rows or the
    m3s' in-rows)."""
    out, onward = net.out, net.onward
    group, mark = scratch.table[0], scratch.table[1]
    floor = bar / lasts.best * _HAIR
    # The distinct m2s still able to reach the floor, each with its partial paths.
    f_p = front.partial
    m2s = np.empty(len(f_p), dtype=np.int64)
    top_p = np.empty(len(f_p), dtype=np.float64)
    per_m2 = np.zeros(len(f_p) + 1, dtype=np.int64)
    n_m2 = 0
    for i in range(len(f_p)):
        m2 = out.dst[front.e2[i]]
        if f_p[i] * onward.best[m2] < floor:
            continue
        d = _slot(scratch, 1, m2, m2s, n_m2)
        if d == n_m2:
            top_p[d] = 0.0
            n_m2 += 1
        top_p[d] = max(top_p[d], f_p[i])
        per_m2[d + 1] += 1
    ptr = np.cumsum(per_m2[:n_m2 + 1])
    slot = ptr[:n_m2].copy()
    rows = np.empty(ptr[n_m2], dtype=np.int64)
    for i in range(len(f_p)):
        m2 = out.dst[front.e2[i]]
        if f_p[i] * onward.best[m2] < floor:
            continue
        d = mark[m2]
        rows[slot[d]] = i
        slot[d] += 1

    mids = _middles(net, lasts, scratch, m2s[:n_m2], top_p, bar, floor)
    for x in range(len(mids)):
        d, e3 = mids[x, 0], mids[x, 1]
        m3 = out.dst[e3]
        if m3 == ask.searcher or m3 == ask.target:
            continue
        a3 = np.float64(out.agree_back[e3])
        if top_p[d] * a3 < floor:
            continue
        g = group[m3]
        for r in range(ptr[d], ptr[d + 1]):
            i = rows[r]
            e1, e2 = front.e1[i], front.e2[i]
            m1 = out.dst[e1]
            if m3 == m1 or out.trust_back[e2] < out.need[e3]:
                continue
            partial = f_p[i] * a3 * _vouch(ask, out, e3)
            if partial < floor:
                continue
            top, bar = _ends(top, ask.k, bar, partial, g, lasts, out, out.trust_back[e3],
                             e1, e2, e3, m1, out.dst[e2])
            floor = bar / lasts.best * _HAIR
    for d in range(n_m2):
        _unset(scratch, 1, m2s[d])
    return top, bar


def _middles(net: Network, lasts: Lasts, scratch: Tables, m2s: Int64Array,
             top_p: Float64Array, bar: float, floor: float) -> Int64Array:
    """The middle hops m2 → m3 that can still reach the floor, as rows (d, e3) where d is
    m2's place in `m2s` (scratch table 1), read from the cheaper side."""
    out, into, onward = net.out, net.into, net.onward
    mark, bits = scratch.table[1], scratch.bits
    out_cost = 0
    for d in range(len(m2s)):
        out_cost += onward.indptr[m2s[d] + 1] - onward.indptr[m2s[d]]
    in_cost = 0
    for g in range(len(lasts.owner)):
        if out.strength[lasts.eid[lasts.ptr[g]]] >= bar:
            in_cost += into.indptr[lasts.owner[g] + 1] - into.indptr[lasts.owner[g]]
    mids = np.empty((64, 2), dtype=np.int64)  # (d, e3)
    n_mid = 0
    if out_cost <= in_cost:
        for d in range(len(m2s)):
            m2 = m2s[d]
            for j in range(onward.indptr[m2], onward.indptr[m2 + 1]):
                e3 = onward.eid[j]
                if top_p[d] * np.float64(out.agree_back[e3]) < floor:
                    break
                if not _has(bits, 0, out.dst[e3]):
                    continue
                if n_mid == len(mids):
                    mids = np.concatenate((mids, np.empty_like(mids)))
                mids[n_mid, 0], mids[n_mid, 1] = d, e3
                n_mid += 1
    else:
        for g in range(len(lasts.owner)):
            if out.strength[lasts.eid[lasts.ptr[g]]] < bar:
                continue
            m3 = lasts.owner[g]
            for i in range(into.indptr[m3], into.indptr[m3 + 1]):
                if not _has(bits, 1, into.src[i]):
                    continue
                d = mark[into.src[i]]
                e3 = into.eid[i]
                if out.need[e3] >= NEVER or out.agree_back[e3] <= 0:
                    continue
                if top_p[d] * np.float64(out.agree_back[e3]) < floor:
                    continue
                if n_mid == len(mids):
                    mids = np.concatenate((mids, np.empty_like(mids)))
                mids[n_mid, 0], mids[n_mid, 1] = d, e3
                n_mid += 1
    return mids[:n_mid]


def _compile(function: Any) -> Any:
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # nowhere writable to cache it (NUMBA_CACHE_DIR unset): every
        return numba.njit(nogil=True)(function)  # process compiles it once instead


_has = _compile(_has)
_set = _compile(_set)
_slot = _compile(_slot)
_unset = _compile(_unset)
_heap_offer = _compile(_heap_offer)
_grow = _compile(_grow)
_offer = _compile(_offer)
_ends = _compile(_ends)
_vouch = _compile(_vouch)
_lasts = _compile(_lasts)
_two_ahead = _compile(_two_ahead)
_middles = _compile(_middles)
_four = _compile(_four)
_search_compiled = _compile(_search)


def search(ask: Ask, net: Network, scratch: Tables) -> tuple[Int64Array, Float64Array]:
    """Every permitted path scoring at least the final k-th best (see `_search`)."""
    found, scores = _search_compiled(ask, net, scratch)
    return cast(Int64Array, found), cast(Float64Array, scores)


def signatures() -> list[Any]:
    """The signatures the search has been compiled for (one, when every call agrees)."""
    return list(_search_compiled.signatures)


def prepare() -> None:
    """Compile the search now (numba caches it on disk, so only the first run after an
    install takes seconds), so the first search a person runs does not wait for it."""
    one = np.zeros(1, dtype=np.int32)
    rows = np.zeros(2, dtype=np.int64)
    none32, none8, nonef = one[:0], one[:0].astype(np.int8), one[:0].astype(np.float32)
    net = Network(OutTies(rows, none32, nonef, none8, none8, nonef, none8),
                  InTies(rows, none32, none32), Onward(rows, none32,
                                                       np.zeros(1, dtype=np.float32)))
    tables = SCRATCH.take(1)
    search(Ask(0, -1, False, 1, 3, one, np.ones(1), 1.0), net, tables)
    SCRATCH.give(tables)
