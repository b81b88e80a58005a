"""The network as compact arrays: a read-only snapshot that path search walks.

People are numbered 0..n-1 (the caller keeps the mapping to member or contact ids). A
directed tie u→v means "u knows v" and belongs to u. The snapshot keeps the ties twice:

* out-rows (CSR): for each u, its ties sorted by v, with every column of the tie;
* in-rows: for each v, the ties pointing at v sorted by owner, as edge ids into the out-rows;

plus, for every tie u→v, the id of the reverse tie v→u (or -1), which is where an
introducer's readiness to help the asker is read from.

Storage hands ties over in bulk as `TieArrays` (one row per tie, in any order) and people
as `PeopleArrays`; `Snapshot.build` sorts, deduplicates and indexes them with whole-array
numpy operations. When a few ties change, `Snapshot.with_changes` splices them into a new
snapshot in linear passes over the arrays, with no sort of the whole network; the old
snapshot stays valid for queries already running on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from kithbook.domain.errors import InvalidInput
from kithbook.graph.arrays import BoolArray, Float32Array, Int8Array, Int32Array, Int64Array
from kithbook.graph.bulk import PeopleArrays, PeopleFilter, TieArrays
from kithbook.graph.policy import HIDDEN, NEVER, agree_chance, onward_need

__all__ = ["REBUILD_ABOVE", "PeopleArrays", "PeopleFilter", "Snapshot", "TieArrays"]

# Past this share of changed ties a fresh build costs no more than splicing.
REBUILD_ABOVE = 0.05


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The whole network in arrays; build it with `Snapshot.build`, never by hand."""

    people: PeopleArrays
    indptr: Int64Array  # out-row of u: edges indptr[u]:indptr[u+1]
    dst: Int32Array
    strength: Float32Array
    trust: Int8Array
    visibility: Int8Array
    ask_rule: Int8Array
    min_trust: Int8Array
    no_intro: BoolArray
    rev: Int32Array  # edge id of dst→src, or -1
    in_indptr: Int64Array  # in-row of v: in_src/in_eid[in_indptr[v]:in_indptr[v+1]]
    in_src: Int32Array
    in_eid: Int32Array
    # Derived per tie u→v, so hot loops read them in row order instead of chasing `rev`:
    # the trust of the asker u needs to introduce onward through it (policy.onward_need),
    need: Int8Array = field(repr=False)
    # and v's readiness to help u: agree chance and stated trust from v's tie back to u
    # (0 when v has no such tie or hid it).
    agree_back: Float32Array = field(repr=False)
    trust_back: Int8Array = field(repr=False)
    _indexes: dict[str, tuple[Int64Array, Int32Array]] = field(
        default_factory=dict, repr=False, compare=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def num_people(self) -> int:
        return len(self.indptr) - 1

    @property
    def num_ties(self) -> int:
        return len(self.dst)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (people labels excluded)."""
        total = 0
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                total += value.nbytes
        for f in fields(self.people):
            value = getattr(self.people, f.name)
            if isinstance(value, np.ndarray):
                total += value.nbytes
        return total

    # -- building --------------------------------------------------------------------------

    @classmethod
    def build(cls, ties: TieArrays, people: PeopleArrays | int) -> Snapshot:
        """Index bulk ties; a later row for the same (src, dst) replaces an earlier one."""
        people = PeopleArrays.blank(people) if isinstance(people, int) else people
        n = len(people)
        ties.check(n)
        key = ties.src.astype(np.int64) * n + ties.dst
        order = np.argsort(key, kind="stable")
        key = key[order]
        keep = np.ones(len(key), dtype=np.bool_)
        keep[:-1] = key[1:] != key[:-1]  # last of equal keys wins
        order, key = order[keep], key[keep]
        t = ties.take(order)
        indptr = _indptr(t.src, n)
        # Sorting the reversed keys gives the in-rows (by target, then owner) and lets the
        # reverse ties be found by a search whose queries come in order, which is cache-kind.
        rev_key = t.dst.astype(np.int64) * n + t.src
        in_order = np.argsort(rev_key)  # keys are unique now: no need for a stable sort
        wanted = rev_key[in_order]
        pos = np.searchsorted(key, wanted)
        pos_c = np.minimum(pos, max(len(key) - 1, 0))
        found = (pos < len(key)) & (key[pos_c] == wanted) if len(key) else pos.astype(np.bool_)
        rev = np.empty(len(key), dtype=np.int32)
        rev[in_order] = np.where(found, pos, -1)
        in_eid = in_order.astype(np.int32)
        return cls._assemble(people, indptr, t, rev, _indptr(t.dst, n), t.src[in_eid], in_eid)

    @classmethod
    def _assemble(cls, people: PeopleArrays, indptr: Int64Array, t: TieArrays, rev: Int32Array,
                  in_indptr: Int64Array, in_src: Int32Array, in_eid: Int32Array) -> Snapshot:
        need = onward_need(t.visibility, t.no_intro, t.ask_rule, t.min_trust)
        back = np.flatnonzero(rev >= 0)
        back = back[t.visibility[rev[back]] != HIDDEN]
        agree_back = np.zeros(len(rev), dtype=np.float32)
        agree_back[back] = agree_chance(t.strength[rev[back]], t.trust[rev[back]])
        trust_back = np.zeros(len(rev), dtype=np.int8)
        trust_back[back] = t.trust[rev[back]]
        return cls(people, indptr, t.dst, t.strength, t.trust, t.visibility, t.ask_rule,
                   t.min_trust, t.no_intro, rev, in_indptr, in_src, in_eid, need,
                   agree_back, trust_back)

    def ties(self) -> TieArrays:
        """Every tie back as bulk rows, in (src, dst) order."""
        src = np.repeat(np.arange(self.num_people, dtype=np.int32), np.diff(self.indptr))
        return TieArrays(src, self.dst, self.strength, self.trust, self.visibility,
                         self.ask_rule, self.min_trust, self.no_intro)

    # -- refreshing ------------------------------------------------------------------------

    def with_changes(self, upserts: TieArrays | None = None, removals: Any = None,
                     people: PeopleArrays | None = None, *,
                     rebuild_above: float = REBUILD_ABOVE) -> Snapshot:
        """A new snapshot with ties added or replaced (`upserts`), ties removed (`removals`,
        an array of (src, dst) pairs) and, optionally, new people arrays (which may add
        people at the end). Cost is linear in the size of the arrays with small constants;
        this snapshot is left untouched. Past `rebuild_above` (a share of the ties) changed,
        the snapshot is rebuilt from its own arrays instead, with the same result.
        """
        up = upserts if upserts is not None else TieArrays.empty()
        gone = np.asarray(removals if removals is not None else np.zeros((0, 2)), np.int64)
        gone = gone.reshape(-1, 2)
        new_people = people if people is not None else self.people
        n = len(new_people)
        if n < self.num_people:
            raise InvalidInput("a refresh cannot drop people; rebuild the snapshot instead.")
        up.check(n)
        base = self if n == self.num_people else self._grown(new_people)
        if len(up) + len(gone) > rebuild_above * max(self.num_ties, 1):
            return Snapshot.build(_merged(base.ties(), up, gone, n), new_people)
        return base._spliced(up, gone, new_people)

    def _grown(self, people: PeopleArrays) -> Snapshot:
        extra = len(people) - self.num_people

        def pad(a: Int64Array) -> Int64Array:
            return np.concatenate([a, np.full(extra, a[-1], a.dtype)])

        return Snapshot(people, pad(self.indptr), self.dst, self.strength, self.trust,
                        self.visibility, self.ask_rule, self.min_trust, self.no_intro, self.rev,
                        pad(self.in_indptr), self.in_src, self.in_eid, self.need,
                        self.agree_back, self.trust_back)

    def _spliced(self, up: TieArrays, gone: Int64Array, people: PeopleArrays) -> Snapshot:
        n = self.num_people
        # Later rows win, as in build; a removal after an upsert of the same tie is a removal.
        up_key = up.src.astype(np.int64) * n + up.dst
        last = np.unique(up_key[::-1], return_index=True)[1]
        up = up.take(len(up_key) - 1 - last)
        up_key = up.src.astype(np.int64) * n + up.dst
        gone_key = np.unique(gone[:, 0] * n + gone[:, 1])
        up = up.take(~np.isin(up_key, gone_key))
        existing = self.edge_ids(up.src, up.dst)
        in_place = existing >= 0
        drop = self.edge_ids(gone[:, 0], gone[:, 1])
        drop = np.unique(drop[drop >= 0])
        if in_place.all() and len(drop) == 0:
            return self._updated(up, existing, people)
        # Changes to existing ties first (cheap), then the structural splice.
        base = self._updated(up.take(in_place), existing[in_place], people)
        cur = base.ties()
        fresh = up.take(~in_place)  # sorted by (src, dst) via np.unique above
        ins_at = self._insert_positions(fresh.src, fresh.dst)
        t, old_to_new, fresh_pos = _splice(cur, drop, ins_at, fresh)
        gone_src, gone_dst = cur.src[drop], cur.dst[drop]
        indptr = _shifted(base.indptr, gone_src, fresh.src)
        # Reverse ids: carried over through the renumbering, then set for the new ties.
        keep_mask = np.ones(self.num_ties, dtype=np.bool_)
        keep_mask[drop] = False
        rev_old = self.rev
        alive = rev_old >= 0
        alive[alive] = keep_mask[rev_old[alive]]
        rev_mapped = np.full(len(rev_old), -1, dtype=np.int64)
        rev_mapped[alive] = old_to_new[rev_old[alive]]
        rev = np.full(len(t), -1, dtype=np.int32)
        rev[old_to_new[keep_mask]] = rev_mapped[keep_mask]
        partners = _edge_ids(indptr, t.dst, fresh.dst, fresh.src)
        rev[fresh_pos] = partners
        has = partners >= 0
        rev[partners[has]] = fresh_pos[has]
        # In-rows: drop removed ties, renumber the rest, insert the new ones by owner.
        in_keep = keep_mask[self.in_eid]
        in_eid = old_to_new[self.in_eid[in_keep]].astype(np.int32)
        in_src = self.in_src[in_keep]
        in_indptr_kept = _shifted(base.in_indptr, gone_dst, fresh.dst[:0])
        row_start = in_indptr_kept[fresh.dst]
        row_end = in_indptr_kept[fresh.dst + 1]
        in_at = np.array([row_start[i] + np.searchsorted(in_src[row_start[i]:row_end[i]],
                                                          fresh.src[i])
                          for i in range(len(fresh))], dtype=np.int64)
        order = np.lexsort((fresh.src, fresh.dst, in_at))  # empty rows share a position
        in_at, in_new_src, in_new_eid = in_at[order], fresh.src[order], fresh_pos[order]
        in_src = np.insert(in_src, in_at, in_new_src)
        in_eid = np.insert(in_eid, in_at, in_new_eid.astype(np.int32))
        # Derived columns: carried over, then recomputed where a tie or its reverse changed.
        mid_ins = fresh_pos - np.arange(len(fresh_pos))
        need = np.insert(base.need[keep_mask], mid_ins,
                         onward_need(fresh.visibility, fresh.no_intro, fresh.ask_rule,
                                     fresh.min_trust))
        agree_back = np.insert(base.agree_back[keep_mask], mid_ins, 0)
        trust_back = np.insert(base.trust_back[keep_mask], mid_ins, 0)
        lost = rev_old[drop]
        lost = lost[(lost >= 0)]
        lost = lost[keep_mask[lost]]
        touched = np.concatenate([fresh_pos, partners[has], old_to_new[lost]])
        back = rev[touched].astype(np.int64)
        shown = back >= 0
        shown[shown] = t.visibility[back[shown]] != HIDDEN
        agree_back[touched] = 0
        trust_back[touched] = 0
        agree_back[touched[shown]] = agree_chance(t.strength[back[shown]], t.trust[back[shown]])
        trust_back[touched[shown]] = t.trust[back[shown]]
        return Snapshot(people, indptr, t.dst, t.strength, t.trust, t.visibility, t.ask_rule,
                        t.min_trust, t.no_intro, rev, _shifted(in_indptr_kept, fresh.dst[:0],
                                                               fresh.dst), in_src, in_eid, need,
                        agree_back, trust_back, base._indexes)

    def _updated(self, up: TieArrays, edges: Int64Array, people: PeopleArrays) -> Snapshot:
        """Only existing ties changed: copy the columns, patch the changed rows and what is
        derived from them (their own need; their reverse ties' readiness to help)."""
        changed: dict[str, Any] = {}
        for name in ("strength", "trust", "visibility", "ask_rule", "min_trust", "no_intro"):
            column = getattr(self, name).copy()
            column[edges] = getattr(up, name)
            changed[name] = column
        need = self.need.copy()
        need[edges] = onward_need(up.visibility, up.no_intro, up.ask_rule, up.min_trust)
        agree_back, trust_back = self.agree_back.copy(), self.trust_back.copy()
        back = self.rev[edges].astype(np.int64)
        has = back >= 0
        shown = has & (up.visibility != HIDDEN)
        agree_back[back[has]] = np.where(shown[has], agree_chance(up.strength, up.trust)[has], 0)
        trust_back[back[has]] = np.where(shown[has], up.trust[has], 0)
        indexes = self._indexes if people is self.people else {}
        fresh = replace(self, people=people, need=need, agree_back=agree_back,
                        trust_back=trust_back, _indexes=indexes, _derived={}, **changed)
        # A tie's own row changes with its need; its reverse's row with its agree chance.
        if len(people) == self.num_people:
            fresh._with_onward_rows_of(self, np.concatenate([up.src, up.dst]))
        return fresh

    def _insert_positions(self, src: Int32Array, dst: Int32Array) -> Int64Array:
        return np.array([self.indptr[u] + np.searchsorted(
            self.dst[self.indptr[u]:self.indptr[u + 1]], v) for u, v in zip(src, dst, strict=True)],
            dtype=np.int64)

    # -- looking up ------------------------------------------------------------------------

    def edge_ids(self, src: Any, dst: Any) -> Int64Array:
        """Edge id of each tie src[i]→dst[i], or -1 where there is none."""
        return _edge_ids(self.indptr, self.dst, np.asarray(src).reshape(-1),
                         np.asarray(dst).reshape(-1))

    def best_onward(self) -> Float32Array:
        """For each person u, the best agree chance of anyone u could introduce an asker on
        to: the largest `agree_back` over u's ties that are ever usable onward (0 if none).

        A path that goes on past u can score no more than what it has so far times this,
        which lets a search skip people whose whole row cannot reach the bar. Computed on
        first use and kept with the snapshot (4 bytes a person).
        """
        held = self._derived.get("best_onward")
        if held is None:
            value = np.where(self.need < NEVER, self.agree_back, np.float32(0))
            held = np.zeros(self.num_people, dtype=np.float32)
            rows = np.flatnonzero(np.diff(self.indptr) > 0)
            if len(rows):
                held[rows] = np.maximum.reduceat(value, self.indptr[rows])
            self._derived["best_onward"] = held
        return held

    def onward_rows(self) -> tuple[Int64Array, Int32Array]:
        """Per person u, the ties u could ever introduce an asker on through (usable onward
        and with an agree chance above 0), as edge ids sorted by that agree chance, highest
        first, equal chances in row order: u's row is `eid[indptr[u]:indptr[u + 1]]`.

        A search that needs only the ties whose agree chance reaches a bound reads a prefix
        of each row instead of the whole out-row. Computed on first use and kept with the
        snapshot (4 bytes per such tie and 8 per person); a refresh that only changes
        existing ties re-sorts just the rows it touched.
        """
        held = self._derived.get("onward_rows")
        if held is None:
            held = self._onward_rows_of(np.arange(self.num_people, dtype=np.int64))
            self._derived["onward_rows"] = held
        indptr: Int64Array = held[0]
        eid: Int32Array = held[1]
        return indptr, eid

    def _onward_rows_of(self, people: Int64Array) -> tuple[Int64Array, Int32Array]:
        """`onward_rows` for the given people (sorted, distinct) only, with row offsets
        over all people (empty rows for everyone else)."""
        counts = self.indptr[people + 1] - self.indptr[people]
        if len(people) == self.num_people:  # every tie, in place: no gathers
            value = np.where(self.need < NEVER, self.agree_back, np.float32(0))
            edges = np.flatnonzero(value > 0)
            owner = np.repeat(people.astype(np.int32), counts)[edges].astype(np.int64)
            value = value[edges]
        else:
            edges = _ranges(self.indptr[people], counts)
            owner = np.repeat(people, counts)
            value = np.where(self.need[edges] < NEVER, self.agree_back[edges], np.float32(0))
            keep = value > 0
            edges, owner, value = edges[keep], owner[keep], value[keep]
        # Non-negative float32 bits order like the values: inverted, they sort descending;
        # the keys are mostly in order already, which a stable sort runs through quickly.
        inverted = (np.uint32(0xFFFFFFFF) - value.view(np.uint32)).astype(np.int64)
        order = np.argsort((owner << 32) | inverted, kind="stable")
        return _indptr(owner, self.num_people), edges[order].astype(np.int32)

    def _with_onward_rows_of(self, old: Snapshot, touched: Any) -> None:
        """Carry `old`'s onward rows over to this snapshot (same ties, same edge ids),
        re-sorting only the rows of `touched` people; nothing if `old` had none yet."""
        held = old._derived.get("onward_rows")
        if held is None:
            return
        old_indptr, old_eid = held
        rows = np.unique(np.asarray(touched, dtype=np.int64))
        fresh_indptr, fresh_eid = self._onward_rows_of(rows)
        stale = np.zeros(self.num_people, dtype=np.bool_)
        stale[rows] = True
        counts = np.diff(old_indptr)
        kept = np.repeat(~stale, counts)
        kept_owner_count = np.where(stale, 0, counts)
        kept_eid = old_eid[kept]
        # Each fresh row goes where its owner's row was; rows are contiguous and in order.
        fresh_counts = np.diff(fresh_indptr)[rows]
        at = np.repeat(np.cumsum(kept_owner_count)[rows] - kept_owner_count[rows], fresh_counts)
        eid = np.insert(kept_eid, at, fresh_eid)
        all_counts = kept_owner_count
        all_counts[rows] = fresh_counts
        indptr = np.zeros(self.num_people + 1, dtype=np.int64)
        np.cumsum(all_counts, out=indptr[1:])
        self._derived["onward_rows"] = (indptr, eid)

    def out_neighbours(self, person: int) -> Int32Array:
        return self.dst[self.indptr[person]:self.indptr[person + 1]]

    def people_matching(self, where: PeopleFilter) -> Int32Array:
        """Sorted numbers of everyone matching every code in the filter."""
        found: Int32Array | None = None
        for name, code in (("organization", where.organization), ("role", where.role),
                           ("location", where.location), ("tag", where.tag)):
            if code is None:
                continue
            ptr, members = self._people_index(name)
            group = members[ptr[code]:ptr[code + 1]] if 0 <= code < len(ptr) - 1 else members[:0]
            found = group if found is None else np.intersect1d(found, group, assume_unique=True)
        return found if found is not None else np.arange(self.num_people, dtype=np.int32)

    def tied_to_by_others(self, people: Int32Array, searcher: int) -> Int32Array:
        """Those of `people` whom someone other than `searcher` has a tie to: a path ends
        with such a tie, so no search can reach the rest."""
        people = np.asarray(people, dtype=np.int64)
        if len(people) == 0:
            return np.asarray(people, dtype=np.int32)
        others = np.concatenate(([0], np.cumsum(self.in_src != searcher)))
        tied = others[self.in_indptr[people + 1]] - others[self.in_indptr[people]]
        return np.asarray(people[tied > 0], dtype=np.int32)

    def _people_index(self, name: str) -> tuple[Int64Array, Int32Array]:
        """People grouped by one attribute's code, built on first use and kept."""
        cache: dict[str, tuple[Int64Array, Int32Array]] = self._indexes
        if name not in cache:
            p = self.people
            if name == "tag":
                codes = p.tag_codes
                owners = np.repeat(np.arange(len(p), dtype=np.int32), np.diff(p.tag_indptr))
            else:
                codes = getattr(p, name)
                owners = np.arange(len(p), dtype=np.int32)
            known = codes >= 0
            codes, owners = codes[known], owners[known]
            order = np.argsort(codes, kind="stable")  # owners stay sorted within a code
            size = int(codes.max()) + 1 if len(codes) else 0
            cache[name] = (_indptr(codes, size), owners[order])
        return cache[name]


def _shifted(indptr: Int64Array, removed_rows: Any, added_rows: Any) -> Int64Array:
    """Row offsets after removing and adding a few entries, without recounting them all."""
    n = len(indptr) - 1
    change = np.zeros(n + 1, dtype=np.int64)
    np.add.at(change, np.asarray(removed_rows, dtype=np.int64) + 1, -1)
    np.add.at(change, np.asarray(added_rows, dtype=np.int64) + 1, 1)
    out: Int64Array = indptr + np.cumsum(change)
    return out


def _ranges(starts: Int64Array, counts: Int64Array) -> Int64Array:
    """Concatenation of arange(starts[i], starts[i] + counts[i]) for all i."""
    ends = np.cumsum(counts)
    out: Int64Array = np.repeat(starts - (ends - counts), counts) + np.arange(
        int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    return out


def _indptr(rows: Any, n: int) -> Int64Array:
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=out[1:])
    return out


def _edge_ids(indptr: Int64Array, dst: Int32Array, src_q: Any, dst_q: Any) -> Int64Array:
    """Binary search of each (src, dst) in its sorted out-row; few queries, so one loop."""
    out = np.full(len(src_q), -1, dtype=np.int64)
    for i, (u, v) in enumerate(zip(src_q.tolist(), dst_q.tolist(), strict=True)):
        lo, hi = int(indptr[u]), int(indptr[u + 1])
        j = lo + int(np.searchsorted(dst[lo:hi], v))
        if j < hi and dst[j] == v:
            out[i] = j
    return out


def _splice(t: TieArrays, drop: Int64Array, ins_at: Int64Array,
            fresh: TieArrays) -> tuple[TieArrays, Int64Array, Int64Array]:
    """Remove rows `drop`, insert `fresh` before old positions `ins_at` (sorted).

    Returns the new rows, the new id of every old row (meaningless for dropped ones) and
    the new ids of the inserted rows.
    """
    m = len(t)
    old = np.arange(m, dtype=np.int64)
    shift_down = np.searchsorted(drop, old, side="left")
    mid_ins = ins_at - np.searchsorted(drop, ins_at, side="left")
    old_mid = old - shift_down
    old_to_new = old_mid + np.searchsorted(mid_ins, old_mid, side="right")
    keep = np.ones(m, dtype=np.bool_)
    keep[drop] = False
    kept = t.take(keep)
    new = TieArrays(*(np.insert(getattr(kept, f.name), mid_ins, getattr(fresh, f.name))
                      for f in fields(kept)))
    fresh_pos = mid_ins + np.arange(len(mid_ins), dtype=np.int64)
    return new, old_to_new, fresh_pos


def _merged(cur: TieArrays, up: TieArrays, gone: Int64Array, n: int) -> TieArrays:
    both = cur.concat(up)
    if len(gone) == 0:
        return both
    key = both.src.astype(np.int64) * n + both.dst
    return both.take(~np.isin(key, gone[:, 0] * n + gone[:, 1]))
