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
from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt

from kithbook.graph.policy import NAMED, NEVER

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_SMALLEST = float(np.nextafter(0.0, 1.0))  # a path must score above 0
_HAIR = 1 - 1e-9  # floors are lowered by a hair so rounding never cuts a path that ties the bar


Tables = tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]]


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
            self._free = [held for held in self._free if held[0].shape[1] >= n]
            if self._free:
                return self._free.pop()
        return np.full((3, n), -1, dtype=np.int32), np.zeros((3, n // 8 + 1), dtype=np.uint8)

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

def _has(bits: npt.NDArray[np.uint8], table: int, person: int) -> bool:
    return bool(bits[table, person >> 3] & (1 << (person & 7)))


def _set(bits: npt.NDArray[np.uint8], table: int, person: int) -> None:
    bits[table, person >> 3] |= np.uint8(1 << (person & 7))


def _slot(table: npt.NDArray[np.int32], bits: npt.NDArray[np.uint8], which: int,
          person: int, people: IntArray, used: int) -> int:
    """`person`'s place in a search's list of people (`people[:used]`), which is `used`
    (the caller counts them in) when they are new."""
    if _has(bits, which, person):
        return int(table[person])
    table[person] = used
    _set(bits, which, person)
    people[used] = person
    return used


# -- the top k -----------------------------------------------------------------------------

def _heap_offer(heap: FloatArray, size: int, k: int, score: float) -> int:
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


def _grow(found: IntArray, scores: FloatArray, used: int,
          bar: float) -> tuple[IntArray, FloatArray, int]:
    """Make room: drop candidates already below the bar, and double if that is not enough."""
    kept = 0
    for i in range(used):
        if scores[i] >= bar:
            found[kept] = found[i]
            scores[kept] = scores[i]
            kept += 1
    if kept * 2 > len(scores):
        bigger = np.empty((2 * len(scores), 4), dtype=np.int64)
        bigger[:kept] = found[:kept]
        more = np.empty(2 * len(scores), dtype=np.float64)
        more[:kept] = scores[:kept]
        return bigger, more, kept
    return found, scores, kept


def _offer(found: IntArray, scores: FloatArray, count: IntArray, heap: FloatArray, k: int,
           bar: float, e1: int, e2: int, e3: int, last: int,
           score: float) -> tuple[IntArray, FloatArray, float]:
    """Keep a path scoring at least the bar; returns the buffers (grown if they had to be)
    and the bar, raised once k paths are held. `count` is (candidates kept, heap size)."""
    i = count[0]
    if i == len(scores):
        found, scores, i = _grow(found, scores, i, bar)
    found[i, 0], found[i, 1], found[i, 2], found[i, 3] = e1, e2, e3, last
    scores[i] = score
    count[0] = i + 1
    count[1] = _heap_offer(heap, count[1], k, score)
    if count[1] == k:
        bar = max(bar, heap[0])
    return found, scores, bar


def _ends(found: IntArray, scores: FloatArray, count: IntArray, heap: FloatArray, k: int,
          bar: float, partial: float, lo: int, hi: int, l_eid: IntArray,
          dst: npt.NDArray[np.int32], strength: npt.NDArray[np.float32],
          need: npt.NDArray[np.int8], asker_trust: int, e1: int, e2: int, e3: int,
          not_a: int, not_b: int) -> tuple[IntArray, FloatArray, float]:
    """Keep every last hop of one owner (`l_eid[lo:hi]`, strongest first) that ends a
    partial path at or above the bar: its owner's rule must admit the person before them
    (whose trust they stated as `asker_trust`), and it must not lead back to `not_a` or
    `not_b` (earlier people on the path)."""
    for j in range(lo, hi):
        last = l_eid[j]
        score = partial * np.float64(strength[last])
        if score < bar:
            break
        t = dst[last]
        if t == not_a or t == not_b or asker_trust < need[last]:
            continue
        found, scores, bar = _offer(found, scores, count, heap, k, bar, e1, e2, e3, last,
                                    score)
    return found, scores, bar


# -- the search ----------------------------------------------------------------------------

def _search(searcher: int, target_one: int, named: bool, k: int, max_intermediaries: int,
            targets: npt.NDArray[np.int32],
            indptr: IntArray, dst: npt.NDArray[np.int32], strength: npt.NDArray[np.float32],
            visibility: npt.NDArray[np.int8], need: npt.NDArray[np.int8],
            agree_back: npt.NDArray[np.float32], trust_back: npt.NDArray[np.int8],
            in_indptr: IntArray, in_src: npt.NDArray[np.int32], in_eid: npt.NDArray[np.int32],
            on_indptr: IntArray, on_eid: npt.NDArray[np.int32],
            onward: npt.NDArray[np.float32], tables: npt.NDArray[np.int32],
            bits: npt.NDArray[np.uint8]) -> tuple[IntArray, FloatArray]:
    """Every permitted path scoring at least the final k-th best, as rows of edge ids
    (e1, e2, e3, last; -1 where a path is shorter) with their scores, in no order."""
    group, mark = tables[0], tables[1]
    s = searcher

    # Backward, one hop: the last hops into the targets, grouped by owner, each group
    # strongest first, so a loop over a group stops at the first hop below the bar.
    total = 0
    for t in targets:
        total += in_indptr[t + 1] - in_indptr[t]
    l_src = np.empty(total, dtype=np.int64)
    l_eid = np.empty(total, dtype=np.int64)
    l_key = np.empty(total, dtype=np.float64)
    used = 0
    best_last = 0.0
    for t in targets:
        for i in range(in_indptr[t], in_indptr[t + 1]):
            e = in_eid[i]
            u = in_src[i]
            if need[e] >= NEVER or u == s or strength[e] <= 0:
                continue
            if named and visibility[e] != NAMED:
                continue
            l_src[used] = u
            l_eid[used] = e
            # Owner first, then strength descending; float64 holds both exactly.
            l_key[used] = u * 2.0 - strength[e]
            best_last = max(best_last, np.float64(strength[e]))
            used += 1
    found = np.empty((64, 4), dtype=np.int64)
    scores = np.empty(64, dtype=np.float64)
    if used == 0:
        return found[:0], scores[:0]
    order = np.argsort(l_key[:used])
    l_eid = l_eid[:used][order]
    l_src = l_src[:used][order]
    # Group g owns l_eid[g_ptr[g]:g_ptr[g + 1]]; group[u] = g for its owner u.
    g_ptr = np.empty(used + 1, dtype=np.int64)
    g_owner = np.empty(used, dtype=np.int64)
    groups = 0
    for i in range(used):
        if i == 0 or l_src[i] != l_src[i - 1]:
            g_ptr[groups] = i
            g_owner[groups] = l_src[i]
            group[l_src[i]] = groups
            _set(bits, 0, l_src[i])
            groups += 1
    g_ptr[groups] = used

    heap = np.empty(k, dtype=np.float64)
    count = np.zeros(2, dtype=np.int64)  # candidates kept, scores in the heap
    bar = _SMALLEST

    # Forward, first hop: the searcher's ties with a usable tie back.
    first = np.empty(indptr[s + 1] - indptr[s], dtype=np.int64)
    bound = np.empty(len(first), dtype=np.float64)
    n_first = 0
    for e in range(indptr[s], indptr[s + 1]):
        if agree_back[e] > 0 and dst[e] != target_one:
            first[n_first] = e
            bound[n_first] = -(np.float64(agree_back[e]) * onward[dst[e]])
            n_first += 1
    first = first[:n_first]

    # Two hops.
    for e1 in first:
        g = group[dst[e1]]
        if g < 0:
            continue
        found, scores, bar = _ends(found, scores, count, heap, k, bar,
                                   np.float64(agree_back[e1]), g_ptr[g], g_ptr[g + 1], l_eid,
                                   dst, strength, need, trust_back[e1], e1, -1, -1, -1, -1)

    # Three hops, first intermediaries best first: a path going on past m1 scores at most
    # a1 × best_onward[m1] × the best last hop, so the walk stops at the first m1 whose
    # bound is below the bar. Partial paths that could go on to four hops are kept.
    walk = np.argsort(bound[:n_first], kind="mergesort")
    near, near_people, ahead, n_near = _two_ahead(
        s, max_intermediaries, first, on_indptr, dst, g_ptr, g_owner[:groups], l_eid,
        strength, need, agree_back, in_indptr, in_src, in_eid, tables[2], bits)
    f_e1 = np.empty(256, dtype=np.int64)
    f_e2 = np.empty(256, dtype=np.int64)
    f_p = np.empty(256, dtype=np.float64)
    n_front = 0
    if max_intermediaries >= 2:
        for w in walk:
            floor = bar / best_last * _HAIR
            reach = -bound[w]
            if reach <= 0 or reach < floor:
                break
            e1 = first[w]
            m1 = dst[e1]
            a1 = np.float64(agree_back[e1])
            for j in range(on_indptr[m1], on_indptr[m1 + 1]):
                e2 = on_eid[j]
                partial = a1 * np.float64(agree_back[e2])
                if partial < floor:
                    break  # the row is sorted by agree chance, highest first
                m2 = dst[e2]
                if m2 == s or m2 == target_one or trust_back[e1] < need[e2]:
                    continue
                if _has(bits, 0, m2):
                    g = group[m2]
                    found, scores, bar = _ends(found, scores, count, heap, k, bar, partial,
                                               g_ptr[g], g_ptr[g + 1], l_eid, dst, strength,
                                               need, trust_back[e2], e1, e2, -1, m1, -1)
                    floor = bar / best_last * _HAIR
                if max_intermediaries < 3:
                    continue
                if n_near < 0:
                    if partial * onward[m2] < floor:
                        continue
                elif not _has(bits, 2, m2) or partial * ahead[near[m2]] < bar * _HAIR:
                    continue
                if n_front == len(f_p):
                    f_e1 = np.concatenate((f_e1, np.empty(n_front, dtype=np.int64)))
                    f_e2 = np.concatenate((f_e2, np.empty(n_front, dtype=np.int64)))
                    f_p = np.concatenate((f_p, np.empty(n_front, dtype=np.float64)))
                f_e1[n_front], f_e2[n_front], f_p[n_front] = e1, e2, partial
                n_front += 1

    if n_front:
        found, scores, bar = _four(
            s, target_one, k, best_last, f_e1[:n_front], f_e2[:n_front], f_p[:n_front],
            g_ptr, g_owner[:groups], l_eid, group, mark, bits, dst, strength, need, agree_back,
            trust_back, in_indptr, in_src, in_eid, on_indptr, on_eid, onward,
            found, scores, count, heap, bar)

    for g in range(groups):
        group[g_owner[g]] = -1
        bits[0, g_owner[g] >> 3] = 0
    for d in range(max(n_near, 0)):
        near[near_people[d]] = -1
        bits[2, near_people[d] >> 3] = 0
    kept = count[0]
    keep = scores[:kept] >= bar
    return found[:kept][keep], scores[:kept][keep]


def _two_ahead(s: int, max_intermediaries: int, first: IntArray, on_indptr: IntArray,
               dst: npt.NDArray[np.int32], g_ptr: IntArray, g_owner: IntArray,
               l_eid: IntArray, strength: npt.NDArray[np.float32],
               need: npt.NDArray[np.int8], agree_back: npt.NDArray[np.float32],
               in_indptr: IntArray, in_src: npt.NDArray[np.int32],
               in_eid: npt.NDArray[np.int32], near: npt.NDArray[np.int32],
               bits: npt.NDArray[np.uint8],
               ) -> tuple[npt.NDArray[np.int32], IntArray, FloatArray, int]:
    """For every person m2 with a usable tie to a last-hop owner m3, the most a path can
    gain from m2 in two more hops: max of agree(m2 → m3) × m3's best last hop, at
    `ahead[near[m2]]`. Read only when the ties into the last-hop owners are few next to
    the searcher's first hops (a small group as target): then it costs little and keeps
    for four hops only the second hops that can end within two more. Otherwise `n_near`
    is -1 and `best_onward` bounds them instead."""
    people = np.empty(0, dtype=np.int64)
    ahead = np.empty(0, dtype=np.float64)
    if max_intermediaries < 3:
        return near, people, ahead, -1
    cost = 0
    for g in range(len(g_owner)):
        cost += in_indptr[g_owner[g] + 1] - in_indptr[g_owner[g]]
    if cost > _AHEAD_PER_FIRST_HOP * len(first):
        return near, people, ahead, -1
    people = np.empty(cost, dtype=np.int64)
    ahead = np.empty(cost, dtype=np.float64)
    n_near = 0
    for g in range(len(g_owner)):
        m3 = g_owner[g]
        best = np.float64(strength[l_eid[g_ptr[g]]])
        for i in range(in_indptr[m3], in_indptr[m3 + 1]):
            e3 = in_eid[i]
            m2 = in_src[i]
            if need[e3] >= NEVER or agree_back[e3] <= 0 or m2 == s:
                continue
            d = _slot(near, bits, 2, m2, people, n_near)
            if d == n_near:
                ahead[d] = 0.0
                n_near += 1
            ahead[d] = max(ahead[d], np.float64(agree_back[e3]) * best)
    return near, people, ahead, n_near


def _four(s: int, target_one: int, k: int, best_last: float,
          f_e1: IntArray, f_e2: IntArray, f_p: FloatArray,
          g_ptr: IntArray, g_owner: IntArray, l_eid: IntArray,
          group: npt.NDArray[np.int32], mark: npt.NDArray[np.int32],
          bits: npt.NDArray[np.uint8], dst: npt.NDArray[np.int32],
          strength: npt.NDArray[np.float32], need: npt.NDArray[np.int8],
          agree_back: npt.NDArray[np.float32], trust_back: npt.NDArray[np.int8],
          in_indptr: IntArray, in_src: npt.NDArray[np.int32], in_eid: npt.NDArray[np.int32],
          on_indptr: IntArray, on_eid: npt.NDArray[np.int32], onward: npt.NDArray[np.float32],
          found: IntArray, scores: FloatArray, count: IntArray, heap: FloatArray,
          bar: float) -> tuple[IntArray, FloatArray, float]:
    """Four hops: the partial paths searcher → m1 → m2 meet the last hops over a middle
    tie m2 → m3, read from whichever side has fewer ties (the m2s' onward rows or the
    m3s' in-rows)."""
    floor = bar / best_last * _HAIR
    # The distinct m2s still able to reach the floor, each with its partial paths.
    m2s = np.empty(len(f_p), dtype=np.int64)
    top = np.empty(len(f_p), dtype=np.float64)
    per_m2 = np.zeros(len(f_p) + 1, dtype=np.int64)
    n_m2 = 0
    for i in range(len(f_p)):
        m2 = dst[f_e2[i]]
        if f_p[i] * onward[m2] < floor:
            continue
        d = _slot(mark, bits, 1, m2, m2s, n_m2)
        if d == n_m2:
            top[d] = 0.0
            n_m2 += 1
        top[d] = max(top[d], f_p[i])
        per_m2[d + 1] += 1
    ptr = np.cumsum(per_m2[:n_m2 + 1])
    slot = ptr[:n_m2].copy()
    rows = np.empty(ptr[n_m2], dtype=np.int64)
    for i in range(len(f_p)):
        m2 = dst[f_e2[i]]
        if f_p[i] * onward[m2] < floor:
            continue
        d = mark[m2]
        rows[slot[d]] = i
        slot[d] += 1

    # Middle hops, from the cheaper side.
    out_cost = 0
    for d in range(n_m2):
        out_cost += on_indptr[m2s[d] + 1] - on_indptr[m2s[d]]
    in_cost = 0
    for g in range(len(g_owner)):
        if strength[l_eid[g_ptr[g]]] >= bar:
            in_cost += in_indptr[g_owner[g] + 1] - in_indptr[g_owner[g]]
    mids = np.empty((64, 2), dtype=np.int64)  # (d, e3)
    n_mid = 0
    if out_cost <= in_cost:
        for d in range(n_m2):
            m2 = m2s[d]
            for j in range(on_indptr[m2], on_indptr[m2 + 1]):
                e3 = on_eid[j]
                if top[d] * np.float64(agree_back[e3]) < floor:
                    break
                if not _has(bits, 0, dst[e3]):
                    continue
                if n_mid == len(mids):
                    mids = np.concatenate((mids, np.empty_like(mids)))
                mids[n_mid, 0], mids[n_mid, 1] = d, e3
                n_mid += 1
    else:
        for g in range(len(g_owner)):
            if strength[l_eid[g_ptr[g]]] < bar:
                continue
            m3 = g_owner[g]
            for i in range(in_indptr[m3], in_indptr[m3 + 1]):
                if not _has(bits, 1, in_src[i]):
                    continue
                d = mark[in_src[i]]
                e3 = in_eid[i]
                if need[e3] >= NEVER or agree_back[e3] <= 0:
                    continue
                if top[d] * np.float64(agree_back[e3]) < floor:
                    continue
                if n_mid == len(mids):
                    mids = np.concatenate((mids, np.empty_like(mids)))
                mids[n_mid, 0], mids[n_mid, 1] = d, e3
                n_mid += 1

    for x in range(n_mid):
        d, e3 = mids[x, 0], mids[x, 1]
        m3 = dst[e3]
        if m3 == s or m3 == target_one:
            continue
        a3 = np.float64(agree_back[e3])
        if top[d] * a3 < floor:
            continue
        g = group[m3]
        for r in range(ptr[d], ptr[d + 1]):
            i = rows[r]
            e1, e2 = f_e1[i], f_e2[i]
            m1 = dst[e1]
            if m3 == m1 or trust_back[e2] < need[e3]:
                continue
            partial = f_p[i] * a3
            if partial < floor:
                continue
            found, scores, bar = _ends(found, scores, count, heap, k, bar, partial,
                                       g_ptr[g], g_ptr[g + 1], l_eid, dst, strength, need,
                                       trust_back[e3], e1, e2, e3, m1, dst[e2])
            floor = bar / best_last * _HAIR
    for d in range(n_m2):
        mark[m2s[d]] = -1
        bits[1, m2s[d] >> 3] = 0
    return found, scores, bar


def _compile(function: Any) -> Any:
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # nowhere writable to cache it (NUMBA_CACHE_DIR unset): every
        return numba.njit(nogil=True)(function)  # process compiles it once instead


_has = _compile(_has)
_set = _compile(_set)
_slot = _compile(_slot)
_heap_offer = _compile(_heap_offer)
_grow = _compile(_grow)
_offer = _compile(_offer)
_ends = _compile(_ends)
_two_ahead = _compile(_two_ahead)
_four = _compile(_four)
search: Callable[..., tuple[IntArray, FloatArray]] = cast(Any, _compile(_search))


def prepare() -> None:
    """Compile the search now (numba caches it on disk, so only the first run after an
    install takes seconds), so the first search a person runs does not wait for it."""
    one = np.zeros(1, dtype=np.int32)
    rows = np.zeros(2, dtype=np.int64)
    tables = SCRATCH.take(1)
    search(0, -1, False, 1, 3, one, rows, one[:0], one[:0].astype(np.float32),
           one[:0].astype(np.int8), one[:0].astype(np.int8), one[:0].astype(np.float32),
           one[:0].astype(np.int8), rows, one[:0], one[:0], rows, one[:0],
           np.zeros(1, dtype=np.float32), *tables)
    SCRATCH.give(tables)
