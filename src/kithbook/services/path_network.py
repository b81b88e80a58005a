"""The network path search walks, kept in memory and refreshed by the part that changed.

A community network is read once in bulk (`NetworkReader.columns`: a few queries, plain
tuples into numpy columns), numbered, and indexed into a `Snapshot`. Every member has a
network version in storage that triggers bump in the same transaction as any write to
their member row, contacts, ties, tags or contact links, whichever process wrote it.
Before a search, the cache reads a fingerprint of the versions, which changes whenever
one does; then only the members whose version moved are read again, and their
ties are spliced into a new snapshot with `Snapshot.with_changes`. A member who left, or
versions that went back (a restored backup), make it read everything again.

Numbering: members and contacts not linked to a member are people; a tie points at the
member its contact is linked to, or at the contact. A refresh gives people who appear a
new number at the end and retires those who are gone (they keep their number, lose their
ties, attributes and name), so numbers held by a search running on the old snapshot stay
meaningful. A network refreshed this way answers every search exactly as one read from
scratch (tests/integration/test_path_refresh.py checks it).

What a filter may match: the organization of contacts that some member shows (a tie that
is not hidden), the role, location and tags of contacts some member shows by name, and
the organization and title members put on their own profile, which they show to the
community by putting them there.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt

from kithbook.domain.contacts import fold
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.ties import Tie
from kithbook.graph.policy import HIDDEN, NAMED, NEVER
from kithbook.graph.snapshot import PeopleArrays, Snapshot, TieArrays
from kithbook.services.ports import NetworkColumns, NetworkPerson, UnitOfWork
from kithbook.services.tie_strength import estimate_strength

ATTRIBUTES = ("organization", "role", "location", "tag")

T = TypeVar("T")
# Values `PathsCache.value` keeps at most, the latest built.
VALUES_KEPT = 256
# Seconds a search waits at most for a refresh of other members' writes that another
# request is making, before it is answered from the network held (`PathsCache.network`).
STALE_WAIT = 0.05


@dataclass(frozen=True)
class Network:
    """One database state's network: the snapshot and how to read its people."""

    snapshot: Snapshot
    people: Sequence[NetworkPerson]
    local: bool
    edge_contact: Mapping[tuple[int, int], ContactId]
    codes: Mapping[str, Mapping[str, int]]  # attribute → folded word → code
    nameable: npt.NDArray[np.bool_]  # people a name search may resolve to
    folded_names: Sequence[frozenset[str]]
    member_number: Mapping[MemberId, int]
    versions: Mapping[MemberId, int] = field(default_factory=dict)
    community: _Community | None = None  # what a refresh starts from
    fingerprint: tuple[int, ...] = ()  # storage's, read before `versions`

    def already_knows(self, member: MemberId, person: int) -> bool:
        """Whether `member` knows `person` already (a community's named people only; a
        book marks its own in the snapshot): no path should introduce them."""
        if self.community is None:
            return False
        keys = self.community.known.get(member, frozenset())
        who = self.people[person]
        return (who.member is not None and "m" + who.member in keys) or (
            name_key(who.name) in keys)


# ---- the cache -------------------------------------------------------------------------

@dataclass
class PathsCache:
    """The current network per kind ("community", or one member's book)."""

    _networks: dict[str, Network] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _building: threading.Lock = field(default_factory=threading.Lock)

    # Anything else read from a book and kept while the fingerprint holds (the network
    # map keeps the maps it drew of a member's book here), with a gate per key so one
    # request reads it while the others wait. Each value names the member whose book it
    # was read from (None: the whole database's) and that fingerprint.
    _values: dict[str, tuple[MemberId | None, tuple[int, ...], Any]] = field(
        default_factory=dict)
    _gates: dict[str, threading.Lock] = field(default_factory=dict)
    # The last of a kind of value, whatever state it was read at, for the next state to
    # be spliced from (the member-to-member trust weights: `network_trust.community_ties`).
    _kept: dict[str, Any] = field(default_factory=dict)

    def changed(self) -> None:
        """Forget every network: the next search reads everything again."""
        with self._lock:
            self._networks.clear()
            self._values.clear()
            self._kept.clear()

    def kept(self, key: str) -> Any:
        """The last value `keep` was given under `key`, or None."""
        with self._lock:
            return self._kept.get(key)

    def keep(self, key: str, value: object) -> None:
        with self._lock:
            self._kept[key] = value

    def value(self, uow: UnitOfWork, key: str, build: Callable[[], T], *,
              owner: MemberId | None = None) -> T:
        """What `build` read, kept until a write moves the fingerprint: that of `owner`'s
        part of the network when given (what `build` reads of their own book only),
        else the whole network's. Every interaction write touches its ties' rows, so
        strengths move it too."""
        fingerprint = _fingerprint(uow, owner)
        with self._lock:
            held = self._values.get(key)
            if held is not None and held[1] == fingerprint:
                return cast(T, held[2])
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                held = self._values.get(key)
            if held is not None and held[1] == fingerprint:
                return cast(T, held[2])
            built = build()
            with self._lock:
                # What was read of the same book at an older fingerprint is stale: keep
                # only the current. Their gates go too, or a long-running server would
                # keep one per member and day forever; a build still holding one just
                # finishes unshared.
                for stale in [k for k, (o, f, _) in self._values.items()
                              if o == owner and f != fingerprint]:
                    del self._values[stale]
                    self._gates.pop(stale, None)
                self._values.pop(key, None)
                self._values[key] = (owner, fingerprint, built)
                # Keys come from requests (a digest's budget, say): keep the latest few.
                while len(self._values) > VALUES_KEPT:
                    oldest = next(iter(self._values))
                    del self._values[oldest]
                    self._gates.pop(oldest, None)
            return built

    def held(self, uow: UnitOfWork, key: str, *, owner: MemberId | None = None
             ) -> object | None:
        """What `value` keeps under `key` if it is still current, else None; never builds
        or waits for a build (a request answered on a server's event loop asks this)."""
        fingerprint = _fingerprint(uow, owner)
        with self._lock:
            held = self._values.get(key)
        return held[2] if held is not None and held[1] == fingerprint else None

    def network(self, uow: UnitOfWork, key: str,
                build: Callable[[dict[MemberId, int]], Network],
                refresh: Callable[[Network, dict[MemberId, int]], Network] | None = None,
                *, searcher: MemberId | None = None) -> Network:
        """The network as the open unit of work sees it: the held one when no version
        moved, else refreshed (with `refresh`) or built again.

        A `searcher` whose own part of the held network is current does not wait longer
        than `STALE_WAIT` for a refresh that another request is making of other members'
        writes: it is answered from the held network, as it would have been a moment
        earlier. Their own writes they always wait for."""
        with self._lock:
            held = self._networks.get(key)
        fingerprint = uow.network.fingerprint()
        if held is not None and fingerprint == held.fingerprint:
            return held
        # One build or refresh at a time: a second thread waits, then finds it done.
        if (held is not None and searcher is not None and searcher in held.versions
                and uow.network.version_of(searcher)[0] == held.versions[searcher]):
            if not self._building.acquire(timeout=STALE_WAIT):
                return held
        else:
            self._building.acquire()
        try:
            with self._lock:
                held = self._networks.get(key)
            if held is not None and fingerprint == held.fingerprint:
                return held
            # Versions first, rows after: rows are then at least as new as the versions kept
            # with them, so a write committed in between is read again next time.
            versions = uow.network.versions()
            if held is not None and refresh is not None:
                network = refresh(held, versions)
            else:
                network = build(versions)
            # Read before the versions: a write in between makes the next search look again.
            network = replace(network, fingerprint=fingerprint)
            with self._lock:
                self._networks[key] = network  # builds are one at a time: this is the newest
            return network
        finally:
            self._building.release()


def _fingerprint(uow: UnitOfWork, owner: MemberId | None) -> tuple[int, ...]:
    return uow.network.fingerprint() if owner is None else uow.network.version_of(owner)


# ---- people as columns -----------------------------------------------------------------

@dataclass
class _Community:
    """Per-person columns of a community network, and what a refresh needs to splice."""

    key: list[str] = field(default_factory=list)  # "m<member id>" or "c<contact id>"
    number: dict[str, int] = field(default_factory=dict)
    name: list[str] = field(default_factory=list)
    member: list[MemberId | None] = field(default_factory=list)
    contact: list[ContactId | None] = field(default_factory=list)
    owner: list[MemberId | None] = field(default_factory=list)
    attrs: list[tuple[str | None, str | None, str | None, tuple[str, ...]]] = field(
        default_factory=list)
    folded: list[frozenset[str]] = field(default_factory=list)
    alive: list[bool] = field(default_factory=list)
    # Attribute codes per person (-1 = none), kept as people are set, so a refresh need
    # not fold everyone's words again.
    org_code: list[int] = field(default_factory=list)
    role_code: list[int] = field(default_factory=list)
    location_code: list[int] = field(default_factory=list)
    tag_code: list[tuple[int, ...]] = field(default_factory=list)
    member_number: dict[MemberId, int] = field(default_factory=dict)
    # Contact people per book. A refresh replaces the lists of the books it reads again and
    # never appends to a list it did not make, so copies may share the others.
    owned: dict[MemberId, list[int]] = field(default_factory=dict)
    edge_contact: dict[tuple[int, int], ContactId] = field(default_factory=dict)
    words: dict[str, dict[str, int]] = field(
        default_factory=lambda: {a: {} for a in ATTRIBUTES})
    spelling: dict[str, list[str]] = field(default_factory=lambda: {a: [] for a in ATTRIBUTES})
    known: dict[MemberId, frozenset[str]] = field(default_factory=dict)  # see `known_keys`

    def copy(self) -> _Community:
        return _Community(
            list(self.key), dict(self.number), list(self.name),
            list(self.member), list(self.contact), list(self.owner), list(self.attrs),
            list(self.folded), list(self.alive), list(self.org_code), list(self.role_code),
            list(self.location_code), list(self.tag_code), dict(self.member_number),
            dict(self.owned), dict(self.edge_contact),
            {a: dict(w) for a, w in self.words.items()},
            {a: list(s) for a, s in self.spelling.items()}, dict(self.known))

    def place(self, key: str) -> int:
        i = self.number.get(key)
        if i is None:
            i = self.number[key] = len(self.key)
            self.key.append(key)
            self.name.append("")
            for other in (self.member, self.contact, self.owner):
                other.append(None)
            self.attrs.append((None, None, None, ()))
            self.folded.append(frozenset())
            self.alive.append(False)
            for codes in (self.org_code, self.role_code, self.location_code):
                codes.append(-1)
            self.tag_code.append(())
        return i

    def set(self, i: int, *, name: str, member: MemberId | None, contact: ContactId | None,
            owner: MemberId | None, organization: str | None, role: str | None,
            location: str | None, tags: tuple[str, ...]) -> None:
        self.name[i] = name
        self.member[i], self.contact[i], self.owner[i] = member, contact, owner
        self.attrs[i] = (organization, role, location, tags)
        self.folded[i] = frozenset(fold(name).split())
        self.alive[i] = True
        self.org_code[i] = self._word("organization", organization)
        self.role_code[i] = self._word("role", role)
        self.location_code[i] = self._word("location", location)
        self.tag_code[i] = tuple(sorted({self._word("tag", t) for t in tags if t}))
        if member is not None:
            self.member_number[member] = i

    def retire(self, i: int) -> None:
        self.set(i, name="", member=None, contact=None, owner=None, organization=None,
                 role=None, location=None, tags=())
        self.folded[i] = frozenset()
        self.alive[i] = False

    def _word(self, attr: str, value: str | None) -> int:
        if not value:
            return -1
        key = fold(value)
        code = self.words[attr].get(key)
        if code is None:
            code = self.words[attr][key] = len(self.spelling[attr])
            self.spelling[attr].append(value)
        return code

    def people_arrays(self, shown: npt.NDArray[np.bool_], detailed: npt.NDArray[np.bool_]
                      ) -> tuple[PeopleArrays, dict[str, dict[str, int]]]:
        """Attribute codes of the people someone shows (everyone else matches nothing), and
        the words a filter may name. A word and its spelling in "a contact at Acme" come
        from a person someone shows, never from a hidden one. Role, location and tags come
        only from the `detailed`: members, and contacts someone shows by name; a contact
        shown only anonymously discloses nothing but its organization."""
        columns = []
        for codes, mask in ((self.org_code, shown), (self.role_code, detailed),
                            (self.location_code, detailed)):
            column = np.fromiter(codes, dtype=np.int32, count=len(codes))
            column[~mask] = -1
            columns.append(column)
        counts = np.fromiter(map(len, self.tag_code), dtype=np.int64,
                             count=len(self.tag_code)) * detailed
        indptr = np.zeros(len(self.key) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        tag_codes = np.array([c for i in np.flatnonzero(counts).tolist()
                              for c in self.tag_code[i]], dtype=np.int32)
        tag_owners = np.repeat(np.arange(len(self.key), dtype=np.int32), counts)
        names: dict[str, list[str]] = {}
        words: dict[str, dict[str, int]] = {}
        for attr, used, owners in zip(
                ATTRIBUTES, (*columns, tag_codes),
                (*(np.arange(len(self.key), dtype=np.int32),) * 3, tag_owners), strict=True):
            known = np.flatnonzero(used >= 0)
            codes_shown, first = np.unique(used[known], return_index=True)
            spelled = [""] * len(self.spelling[attr])
            for code, person in zip(codes_shown.tolist(), owners[known[first]].tolist(),
                                    strict=True):
                spelled[code] = self._spelling_of(person, attr, code)
            names[attr] = spelled
            shown_codes = set(codes_shown.tolist())
            words[attr] = {w: k for w, k in self.words[attr].items() if k in shown_codes}
        arrays = PeopleArrays(
            columns[0], columns[1], columns[2], indptr, tag_codes,
            organization_names=tuple(names["organization"]), role_names=tuple(names["role"]),
            location_names=tuple(names["location"]), tag_names=tuple(names["tag"]))
        return arrays, words

    def _spelling_of(self, person: int, attr: str, code: int) -> str:
        organization, role, location, tags = self.attrs[person]
        if attr != "tag":  # the person's one value of it is what made their code
            value = {"organization": organization, "role": role, "location": location}[attr]
            assert value is not None
            return value
        return next(t for t in tags if t and self.words[attr][fold(t)] == code)


class _PeopleView(Sequence[NetworkPerson]):
    """Each person as the faces read them, made only for the few on a result."""

    def __init__(self, c: _Community) -> None:
        self._c = c

    def __len__(self) -> int:
        return len(self._c.key)

    @overload
    def __getitem__(self, i: int) -> NetworkPerson: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[NetworkPerson]: ...

    def __getitem__(self, i: int | slice) -> NetworkPerson | Sequence[NetworkPerson]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        c = self._c
        organization, role, location, tags = c.attrs[i]
        detail = ", ".join(part for part in (role, organization) if part)
        return NetworkPerson(name=c.name[i], member=c.member[i], contact=c.contact[i],
                             owner=c.owner[i],
                             headline=f"{c.name[i]} ({detail})" if detail else c.name[i],
                             organization=organization, role=role, location=location,
                             tags=tags)

    def __iter__(self) -> Iterator[NetworkPerson]:
        return (self[i] for i in range(len(self)))


# ---- building and refreshing -----------------------------------------------------------

def build_community(uow: UnitOfWork, versions: dict[MemberId, int]) -> Network:
    """The whole community network, read from scratch."""
    return _assemble(_Community(), uow.network.columns(), None, None, versions)


def refresh_community(uow: UnitOfWork, held: Network, versions: dict[MemberId, int]
                      ) -> Network:
    """`held` with the part of every member whose version moved read again."""
    before = held.versions
    if held.community is None or any(versions.get(m, -1) < v for m, v in before.items()):
        return build_community(uow, versions)  # a version went back or away: start over
    moved = sorted(m for m, v in versions.items() if before.get(m) != v)
    columns = uow.network.columns(moved)
    present = set(columns.member_id)
    if any(("m" + m) in held.community.number and m not in present for m in moved):
        return build_community(uow, versions)  # a member left: renumber from scratch
    return _assemble(held.community.copy(), columns, held, set(moved), versions)


def _assemble(c: _Community, cols: NetworkColumns, held: Network | None,
              moved: set[MemberId] | None, versions: dict[MemberId, int]) -> Network:
    for m, name, organization, title in zip(cols.member_id, cols.member_name,
                                            cols.member_organization, cols.member_title,
                                            strict=True):
        c.set(c.place("m" + m), name=name, member=m, contact=None, owner=None,
              organization=organization, role=title, location=None, tags=())
    removals: list[tuple[int, int]] = []
    # The contact people of the books read again: who is still there is set below (when
    # something about them changed), who is not is retired after.
    before: list[int] = []
    if held is not None and moved is not None:
        for m in moved:
            before += c.owned.pop(m, [])
            u = c.number.get("m" + m)
            if u is not None and u < held.snapshot.num_people:
                for v in held.snapshot.out_neighbours(u).tolist():
                    removals.append((u, v))
                    c.edge_contact.pop((u, v), None)
    c.known.update(known_keys(cols))
    tags: dict[str, list[str]] = {}
    for contact, tag in zip(cols.tag_contact, cols.tag, strict=True):
        tags.setdefault(contact, []).append(tag)
    for cid, owner, name, organization, role, location, linked in zip(
            cols.contact_id, cols.contact_owner, cols.contact_name, cols.contact_organization,
            cols.contact_role, cols.contact_location, cols.contact_linked, strict=True):
        if linked is not None and "m" + linked in c.number:
            continue  # the member is the person; their card in this book is a tie to them
        i = c.place("c" + cid)
        theirs = tuple(tags.get(cid, ()))
        # A write changes a few contacts of a book, and the whole book is read again: the
        # others keep their words and codes (folding them again was most of a refresh).
        if not (c.alive[i] and c.name[i] == name and c.owner[i] == owner
                and c.contact[i] == cid and c.attrs[i] == (organization, role, location, theirs)):
            c.set(i, name=name, member=None, contact=cid, owner=owner,
                  organization=organization, role=role, location=location, tags=theirs)
        c.owned.setdefault(owner, []).append(i)
    if before:
        still = {i for m in moved or () for i in c.owned.get(m, ())}
        for i in before:
            if i not in still:
                c.retire(i)
    src = np.array([c.number["m" + o] for o in cols.tie_owner], dtype=np.int32)
    dst = np.array([c.number["m" + linked] if linked is not None and "m" + linked in c.number
                    else c.number["c" + cid]
                    for cid, linked in zip(cols.tie_contact, cols.tie_linked, strict=True)],
                   dtype=np.int32)
    mine = src != dst  # a member's card for themselves is no tie
    for u, v, cid in zip(src[mine].tolist(), dst[mine].tolist(),
                         np.asarray(cols.tie_contact, dtype=object)[mine].tolist(), strict=True):
        c.edge_contact[(u, v)] = cid
    ties = TieArrays.of(src, dst, strengths(cols), cols.stated_trust, cols.visibility,
                        cols.ask_rule, cols.min_trust, cols.no_intro).take(mine)
    raw = PeopleArrays.blank(len(c.key))
    if held is None:
        snapshot = Snapshot.build(ties, raw)
    else:
        kept = {(int(u), int(v)) for u, v in zip(ties.src, ties.dst, strict=True)}
        gone = np.array([p for p in removals if p not in kept], dtype=np.int64).reshape(-1, 2)
        snapshot = held.snapshot.with_changes(ties, gone, raw)
    alive = np.array(c.alive, dtype=np.bool_)
    members = np.zeros(len(c.key), dtype=np.bool_)
    members[list(c.member_number.values())] = True
    shown = members.copy()
    shown[snapshot.dst[snapshot.visibility != HIDDEN]] = True
    shown &= alive
    detailed = members.copy()
    detailed[snapshot.dst[snapshot.visibility == NAMED]] = True
    detailed &= alive
    people, words = c.people_arrays(shown, detailed)
    snapshot = replace(snapshot, people=people, _indexes={})
    nameable = members.copy()
    nameable[snapshot.dst[(snapshot.visibility == NAMED) & (snapshot.need < NEVER)]] = True
    nameable &= alive
    return Network(snapshot, _PeopleView(c), False, c.edge_contact, words, nameable,
                   c.folded, c.member_number, dict(versions), c)


def strengths(cols: NetworkColumns) -> npt.NDArray[np.float32]:
    """Each tie's strength as its owner's book last showed it (the stored engine
    reading); the searcher's own book is brought up to date before a search, so every
    figure a searcher sees is their book's. A tie its owner's book never computed (a
    bulk import not opened since) falls back to `estimate_strength` from the tie row,
    computed once per distinct (stated trust, interactions, own strength)."""
    if len(cols.tie_owner) == 0:
        return np.zeros(0, dtype=np.float32)
    stored = np.isfinite(cols.stored_strength)
    out: npt.NDArray[np.float32] = cols.stored_strength.astype(np.float32)
    if stored.all():
        return out
    missing = ~stored
    override = np.where(np.isnan(cols.strength_override), -1.0, cols.strength_override)
    key = np.stack([cols.stated_trust.astype(np.float64)[missing],
                    cols.interaction_count.astype(np.float64)[missing], override[missing]],
                   axis=1)
    distinct, inverse = np.unique(key, axis=0, return_inverse=True)
    values = np.array([estimate_strength(Tie(
        owner=MemberId("strength"), contact=ContactId("strength"),
        stated_trust=int(trust) or None, interaction_count=int(count),
        strength_override=None if own < 0 else float(own))).value
        for trust, count, own in distinct.tolist()], dtype=np.float32)
    out[missing] = values[inverse.reshape(-1)]
    return out


def known_keys(cols: NetworkColumns) -> dict[MemberId, frozenset[str]]:
    """Per member of `cols`, whom they already know (a tie past "new acquaintance"): "m"
    and a member id for a linked contact, "n" and the folded name for any contact. A path
    never offers to introduce a member to someone in this set."""
    name = dict(zip(cols.contact_id, cols.contact_name, strict=True))
    keys: dict[MemberId, set[str]] = {m: set() for m in cols.member_id}
    for owner, contact, linked, known in zip(cols.tie_owner, cols.tie_contact, cols.tie_linked,
                                             cols.known.tolist(), strict=True):
        if not known:
            continue
        mine = keys.setdefault(owner, set())
        mine.add(name_key(name[contact]))
        if linked is not None:
            mine.add("m" + linked)
    return {m: frozenset(k) for m, k in keys.items()}


@functools.lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """"n" and a name folded, its words in order: how `known_keys` knows a contact. Kept
    for the names seen last, since a refresh reads a whole book's names again."""
    return "n" + " ".join(sorted(fold(name).split()))
