"""Use cases of warm paths: find the best chains of introductions, and record who knows
whom among one's contacts.

Two networks, chosen by how many members the database holds:

* **a community** (two or more members): members and every contact not linked to a
  member are people; each member's tie points at the member its contact is linked to,
  or at the contact. Policies are the ties' own, else the owner's defaults.
* **a local book** (one member): the member, their contacts, and the links they recorded
  between contacts (`graph/local.py`).

Strength is the one the book shows: the strength engine's reading stored with each tie
(`stored_strength`), brought up to date for the searcher before a search, so a tie reads
the same in paths as on its contact page, in `ls` and in the API.

Nobody is offered an introduction to someone they know already (a tie of theirs past
"new acquaintance"): their own contacts who match the search come first in the results
("you already know 12 people at Redlight Bank"), and no path leads to them.

The network is kept in a `PathsCache` with the versions storage keeps per member, and
refreshed by the part of the members who wrote since (`services/path_network.py`), so a
tie, a policy, a profile or a link that changes is seen by the next search, whichever
process wrote it.

Privacy: a searcher never learns anything from a tie its owner hid. Names are resolved
only among members and contacts someone shows by name; organizations, roles, locations
and tags are read only from contacts their owner does not hide, and from the profile
members choose to show; a filter naming a word nobody shows simply finds no path. A
contact shown anonymously ("a contact at Acme") discloses its organization only: a search
naming a role, a location or a tag reaches nobody through an anonymous last hop, so those
cannot be guessed one at a time. The contact a path offers to ask about is handed out as
an opaque handle of that search and searcher (`path_handles.py`), never its id, so
results cannot be joined across searches. Errors depend only on what the searcher typed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from kithbook.domain.contacts import Contact, fold
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.knows import ContactLink
from kithbook.domain.ties import KNOWN_STAGES, Stage
from kithbook.graph.explain import explain_paths, render, summary
from kithbook.graph.local import local_snapshot
from kithbook.graph.paths import DEFAULT_K, MAX_K, WarmPath, find_paths
from kithbook.graph.policy import NAMED, NEVER
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter
from kithbook.graph.strength import StrengthParams
from kithbook.graph.trust import TRUST_FLOOR
from kithbook.services.network_trust import (
    ViewerTrust,
    book_trust,
    book_view,
    community_view,
    path_trust,
)
from kithbook.services.path_handles import Search
from kithbook.services.path_network import (
    Network,
    build_community,
    refresh_community,
)
from kithbook.services.path_network import PathsCache as PathsCache
from kithbook.services.ports import (
    Clock,
    ContactQuery,
    ContactSummary,
    NetworkPerson,
    NetworkRows,
    Sort,
    UnitOfWork,
)
from kithbook.services.references import resolve_contact
from kithbook.services.stored_strength import bring_up_to_date
from kithbook.services.tie_strength import estimate_strength

DEFAULT_LINK_STRENGTH = 0.5
KNOWN_SHOWN = 20  # own contacts listed by name before the paths; the rest are counted
KNOWN_READ = 2_000  # own contacts read to find those; a count past it reads "2000 or more"
MAX_NOTE = 200


# ---- results ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PathQuery:
    """Whom to look for: one person by name, or anyone matching every given word."""

    to: str | None = None
    organization: str | None = None
    role: str | None = None
    location: str | None = None
    tag: str | None = None
    k: int = DEFAULT_K

    @property
    def by_filter(self) -> bool:
        return any(_clean(v) for v in (self.organization, self.role, self.location, self.tag))

    def describe(self) -> str:
        if _clean(self.to):
            return str(_clean(self.to))
        parts = [f"{name} {value}" for name, value in (
            ("organization", self.organization), ("role", self.role),
            ("location", self.location), ("tag", self.tag)) if _clean(value)]
        return "anyone with " + ", ".join(parts)


@dataclass(frozen=True)
class PathStep:
    """One person on a path, as the searcher may see them: anonymous people carry only
    their label ("a contact at Acme")."""

    label: str
    anonymous: bool
    member: MemberId | None = None
    contact: ContactId | None = None  # local mode: the contact in the searcher's book


@dataclass(frozen=True)
class IntroStart:
    """What the introductions use cases need to ask the first intermediary to introduce
    the searcher to the next person on the path.

    In a community: `introducer_member` and `target_handle` (an opaque handle of this
    search for the contact in the introducer's book, which only the searcher can use),
    for `request_introduction`. In a local book: `introducer_contact` (the searcher's own
    contact) and `target_name`, for `record_asked_request`."""

    introducer_label: str
    target_label: str
    introducer_member: MemberId | None = None
    target_handle: str | None = None
    introducer_contact: ContactId | None = None
    target_name: str | None = None
    final_label: str | None = None  # the path's end, when the target is only the next step


@dataclass(frozen=True)
class FoundPath:
    rank: int
    score: float
    steps: tuple[PathStep, ...]  # intermediaries, then the target
    explanation: str
    intro: IntroStart
    summary: str = ""  # why it ranks here, in one plain sentence; `explanation` has figures
    # Per intermediary, how far the searcher may trust them, as the ranking weighed it
    # (`graph.trust.path_factors`; the floor for anyone shown anonymously).
    trust: tuple[float, ...] = ()


@dataclass(frozen=True)
class KnownContact:
    """One of the searcher's own contacts who matches the search and whom they know
    already (past "new acquaintance"): write to them, no introduction needed."""

    contact: ContactId
    name: str
    headline: str
    strength: float | None  # the book's stored strength, the same number as everywhere
    stage: Stage | None


@dataclass(frozen=True)
class PathResults:
    looking_for: str
    local: bool
    paths: list[FoundPath]
    known: list[KnownContact] = field(default_factory=list)  # the strongest first
    known_total: int = 0
    known_said: str | None = None  # "You already know 12 people at Redlight Bank"
    empty_reason: str | None = None  # why there is no path, and what to do, in words


@dataclass(frozen=True)
class LinkView:
    a: Contact
    b: Contact
    strength: float
    note: str | None
    created: bool = False


# ---- finding paths ---------------------------------------------------------------------

def find_warm_paths(uow: UnitOfWork, cache: PathsCache, actor: MemberId,
                    query: PathQuery, clock: Clock,
                    params: StrengthParams | None = None) -> PathResults:
    """The actor's own contacts matching the query whom they know already, then the best
    `query.k` paths to a person or to anyone matching a filter whom they do not."""
    if not 1 <= query.k <= MAX_K:
        raise InvalidInput(f"ask for between 1 and {MAX_K} paths; got {query.k}.", field="k")
    name = _clean(query.to)
    if (name is None) == (not query.by_filter):
        raise InvalidInput("say whom to look for: a name (--to), or an organization, role, "
                           "location or tag; not both.", field="to")
    if name is not None:
        with uow.reading():
            if uow.members.count() == 1:
                resolve_contact(uow, actor, name)  # a wrong name writes nothing
    # The searcher's own figures and stages are their book's, as its pages show them.
    bring_up_to_date(uow, actor, clock.today(), params or StrengthParams(),
                     wait_for_day=False)
    with uow.reading():
        if uow.members.get(actor) is None:
            raise NotFound(f"no member {actor}.", field="member")
        local = uow.members.count() == 1
        if local:
            network = cache.network(uow, f"book:{actor}",
                                    lambda versions: _build_book(uow, actor, versions))
        else:
            network = community_network(uow, cache, actor)
        me = 0 if local else _member_number(network, actor)
        view = None if local else community_view(uow, cache, network, actor)
        vouch = _factors(uow, cache, network, actor, view)
        known, known_total = _already_known(uow, actor, query)
        # Paths to people the searcher knows are dropped after the search (a community's
        # named people, matched by name): ask for a few more, to still have k.
        wide = replace(query, k=query.k if local else min(MAX_K, 2 * query.k + 5))
        if name is not None:
            targets = (_own_contact(uow, network, actor, name) if local
                       else [t for t in _named(network, me, name)
                             if not network.already_knows(actor, t)])
            found = _merge([p for t in targets
                            for p in find_paths(network.snapshot, me, to=t, k=wide.k,
                                                vouch=vouch, unnamed=TRUST_FLOOR)],
                           wide.k)
        else:
            found = _by_filter(network, me, wide, vouch)
        found = [p for p in found if not _introduces_known(network, actor, p)][:query.k]
        key = None if local or not found else uow.network.handle_key()
        reason = None if found else _why_empty(uow, network, me, actor, query, known_total)
        trust = _trust_words(network, view)
    search = None
    if not local and found:
        if key is None:
            key = _make_handle_key(uow, clock)
        search = Search.start(key, actor, clock.now())
    return PathResults(query.describe(), local, _present(network, found, search, trust), known,
                       known_total, _known_said(query, known_total), reason)


def _known_said(query: PathQuery, total: int) -> str | None:
    if not total:
        return None
    people = "1 person" if total == 1 else (
        f"{KNOWN_READ} or more people" if total >= KNOWN_READ else f"{total} people")
    name = _clean(query.to)
    if name is not None:
        return f"You already know {people} called {name}."
    where = [f"{word} {value}" for word, value in (
        ("at", _clean(query.organization)), ("working as", _clean(query.role)),
        ("in", _clean(query.location)), ("tagged", _clean(query.tag))) if value]
    return f"You already know {people} " + ", ".join(where) + "."


def _factors(uow: UnitOfWork, cache: PathsCache, network: Network, actor: MemberId,
             view: ViewerTrust | None) -> np.ndarray:
    """Per person, how far the searcher may trust them as an intermediary: from the same
    trust the risk brief reads (in a community only ties shown by name, and the
    searcher's own; in a book the member's ties and recorded links)."""
    if view is not None:
        return view.factors(network)
    if not network.local:
        return np.full(network.snapshot.num_people, TRUST_FLOOR)
    factors = book_view(uow, cache, actor).factors()
    if len(factors) != network.snapshot.num_people:  # the book moved between the reads
        factors = book_trust(uow, actor, uow.introductions.outcome_tally()).factors()
    return factors


def _trust_words(network: Network, view: ViewerTrust | None
                 ) -> Callable[[WarmPath], str | None]:
    """A sentence per path on how far the searcher may trust its named intermediaries;
    anonymous people are never looked up."""
    if view is None:
        return lambda _: None

    def words(path: WarmPath) -> str | None:
        members = [None if path.anonymous[i] else network.people[path.people[i]].member
                   for i in range(1, len(path.people) - 1)]
        return path_trust(view, members)

    return words


def _introduces_known(network: Network, actor: MemberId, path: WarmPath) -> bool:
    """Whether the path would introduce the searcher to someone they know: read only of
    named people, so an anonymous contact is never matched to a name."""
    return any(not path.anonymous[i] and network.already_knows(actor, path.people[i])
               for i in range(2, len(path.people)))


def _already_known(uow: UnitOfWork, actor: MemberId, query: PathQuery
                   ) -> tuple[list[KnownContact], int]:
    """The searcher's own contacts the query names whom they know, strongest first, and
    how many there are: a name's every word, or the filter's every word exactly."""
    name = _clean(query.to)
    wanted = {a: _clean(v) for a, v in (("organization", query.organization),
                                        ("role", query.role), ("location", query.location),
                                        ("tag", query.tag))}
    page = uow.contacts.query(actor, ContactQuery(
        text=name, organization=wanted["organization"], role=wanted["role"],
        location=wanted["location"], tag=wanted["tag"], sort=Sort.STRENGTH,
        limit=KNOWN_READ))
    words = frozenset(fold(name).split()) if name else frozenset()

    def matches(item: ContactSummary) -> bool:
        c = item.contact
        if item.stage not in KNOWN_STAGES or not words <= frozenset(fold(c.name).split()):
            return False
        have: dict[str, list[str | None]] = {
            "organization": [c.organization], "role": [c.role], "location": [c.location],
            "tag": list(c.tags)}
        return all(v is None or any(x and fold(x) == fold(v) for x in have[a])
                   for a, v in wanted.items())

    hits = [item for item in page.items if matches(item)]
    shown = [KnownContact(i.contact.id, i.contact.name, _headline(i.contact), i.strength,
                          i.stage) for i in hits[:KNOWN_SHOWN]]
    return shown, len(hits)


def _headline(contact: Contact) -> str:
    detail = ", ".join(part for part in (contact.role, contact.organization) if part)
    return f"{contact.name} ({detail})" if detail else contact.name


def _why_empty(uow: UnitOfWork, network: Network, me: int, actor: MemberId,
               query: PathQuery, known_total: int) -> str:
    """Why no path was found and what to do, from what the searcher may know: their own
    book, and (in a community) whether they are linked to members at all."""
    whom = query.describe()
    if known_total:
        return (f"No warm path to {whom}: you already know "
                f"{'them' if _clean(query.to) else 'the people there'} (above); write to "
                "them directly, no introduction is needed.")
    if network.local:
        if not uow.contact_links.of_owner(actor):
            return (f"No warm path to {whom} yet: nobody in your book is recorded as "
                    "knowing anyone. "
                    "On a contact's page, under \"Knows\", or on the map, under \"Who knows "
                    "whom\", pick the people they know (or run "
                    "`kithbook knows \"Bob\" \"Carol\"`); paths go through those links.")
        return (f"No warm path to {whom} yet: none of the people you know is recorded as "
                f"knowing them. Record who knows them on their contact page (\"Knows\"), or add "
                "the people you know there to your book.")
    linked = any(network.people[v].member is not None
                 for v in network.snapshot.out_neighbours(me).tolist())
    if not linked:
        return (f"No warm path to {whom} yet: paths go through members you know, and none "
                "of your "
                "contacts is linked to a member. Link a contact to their member account "
                "(both of you confirm), then search again.")
    return (f"No warm path to {whom} yet: no member you know shows a contact matching. "
            "Their sharing rules may keep their contacts hidden; ask them directly, or "
            "link with more members.")


def community_network(uow: UnitOfWork, cache: PathsCache,
                      searcher: MemberId | None = None) -> Network:
    """The community network as the open unit of work sees it, refreshed by the part
    that changed (inferred trust reads it too); see `PathsCache.network` for `searcher`."""
    return cache.network(
        uow, "community", lambda versions: build_community(uow, versions),
        lambda held, versions: refresh_community(uow, held, versions), searcher=searcher)


def _make_handle_key(uow: UnitOfWork, clock: Clock) -> bytes:
    """The server's key for path handles, made now if missing (migration 0024 makes it;
    an emptied table needs it again)."""
    with uow:
        uow.network.add_handle_key(secrets.token_bytes(32), clock.now())
        uow.commit()
    with uow.reading():
        key = uow.network.handle_key()
    assert key is not None  # just made, by this process or another
    return key


def _build_book(uow: UnitOfWork, actor: MemberId, versions: dict[MemberId, int]) -> Network:
    """One member's book: small, so read whole through the domain's ties. Strengths are
    the stored ones the book shows, brought up to date before the search."""
    rows = uow.network.book(actor)
    strength = np.array([t.strength if t.strength is not None
                         else estimate_strength(t.tie).value for t in rows.ties],
                        dtype=np.float32)
    known = np.zeros(len(rows.people), dtype=np.bool_)
    known[[t.dst for t in rows.ties if t.known]] = True
    trust = np.array([t.tie.stated_trust or 0 for t in rows.ties], dtype=np.int8)
    dst = np.array([t.dst for t in rows.ties], dtype=np.int32)
    people, labels = _people_arrays(rows, set(range(len(rows.people))))
    link = np.array(rows.links, dtype=np.float64).reshape(-1, 3)
    snapshot = local_snapshot(0, dst, strength, trust, link[:, 0], link[:, 1], link[:, 2],
                              people, known)
    nameable = np.zeros(len(rows.people), dtype=np.bool_)
    usable = (snapshot.visibility == NAMED) & (snapshot.need < NEVER)
    nameable[snapshot.dst[usable]] = True
    nameable[[i for i, p in enumerate(rows.people) if p.member is not None]] = True
    return Network(
        snapshot, rows.people, True,
        {(t.src, t.dst): t.tie.contact for t in rows.ties}, labels, nameable,
        tuple(frozenset(fold(p.name).split()) for p in rows.people), {actor: 0},
        dict(versions))


def _people_arrays(rows: NetworkRows, shown: set[int]
                   ) -> tuple[PeopleArrays, dict[str, dict[str, int]]]:
    """Attribute codes, read only from people someone shows: a hidden contact's
    organization never becomes a word a filter can match or a label can print."""
    n = len(rows.people)
    attrs = ("organization", "role", "location", "tag")
    spelling: dict[str, dict[str, str]] = {a: {} for a in attrs}
    for i, p in enumerate(rows.people):
        if i not in shown:
            continue
        for attr, values in (("organization", [p.organization]), ("role", [p.role]),
                             ("location", [p.location]), ("tag", list(p.tags))):
            for value in values:
                if value:
                    key = fold(value)
                    known = spelling[attr].get(key)
                    spelling[attr][key] = value if known is None else min(known, value)
    codes = {a: {key: c for c, key in enumerate(sorted(spelling[a]))} for a in attrs}
    names = {a: tuple(spelling[a][key] for key in sorted(spelling[a])) for a in attrs}

    def column(attr: str, of: Callable[[NetworkPerson], str | None]) -> np.ndarray:
        out = np.full(n, -1, dtype=np.int32)
        for i in shown:
            value = of(rows.people[i])
            if value:
                out[i] = codes[attr][fold(value)]
        return out

    tag_lists = [sorted({codes["tag"][fold(t)] for t in rows.people[i].tags})
                 if i in shown else [] for i in range(n)]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(t) for t in tag_lists])
    tags = np.array([c for t in tag_lists for c in t], dtype=np.int32)
    return PeopleArrays(
        column("organization", lambda p: p.organization), column("role", lambda p: p.role),
        column("location", lambda p: p.location), indptr, tags,
        organization_names=names["organization"], role_names=names["role"],
        location_names=names["location"], tag_names=names["tag"]), codes


def _member_number(network: Network, actor: MemberId) -> int:
    number = network.member_number.get(actor)
    if number is None:
        raise NotFound(f"no member {actor}.", field="member")
    return number


def _named(network: Network, me: int, name: str) -> list[int]:
    """People a name search may mean: members, and contacts some member shows by name
    (never one of the searcher's own: a path to them is no introduction)."""
    words = frozenset(fold(name).split())
    found = [i for i, names in enumerate(network.folded_names)
             if i != me and words <= names and network.nameable[i]
             and network.people[i].owner != network.people[me].member]
    if not found:
        raise NotFound(f"nobody called {name!r} can be found through other members. Check "
                       "the spelling, or search by organization or role instead.", field="to")
    return found


def _own_contact(uow: UnitOfWork, network: Network, actor: MemberId, name: str) -> list[int]:
    contact = resolve_contact(uow, actor, name)
    return [i for i, p in enumerate(network.people) if p.contact == contact.id]


def _by_filter(network: Network, me: int, query: PathQuery,
               vouch: np.ndarray) -> list[WarmPath]:
    wanted: dict[str, int | None] = {}
    for attr, value in (("organization", query.organization), ("role", query.role),
                        ("location", query.location), ("tag", query.tag)):
        word = _clean(value)
        if word is None:
            wanted[attr] = None
            continue
        code = network.codes[attr].get(fold(word))
        if code is None:
            return []  # nobody shows that word: no path, and no hint why
        wanted[attr] = code
    where = PeopleFilter(**wanted)
    if not network.local:
        # An anonymous tie discloses the organization only: a role, a location or a tag
        # is matched only at the end of a named tie.
        beyond_organization = any(wanted[a] is not None for a in ("role", "location", "tag"))
        return find_paths(network.snapshot, me, where=where, k=query.k,
                          named_last=beyond_organization, vouch=vouch, unnamed=TRUST_FLOOR)
    # In a local book the member knows every contact, so "people I do not know yet" is
    # everyone: each match is searched as a person, and the best paths kept.
    # Only those someone else is tied to can be reached (an organization of a large
    # book can hold 11,000 people, 13 µs a search).
    targets = network.snapshot.tied_to_by_others(
        network.snapshot.people_matching(where), me)
    return _merge([p for t in targets if t != me
                   for p in find_paths(network.snapshot, me, to=int(t), k=query.k,
                                       vouch=vouch, unnamed=TRUST_FLOOR)], query.k)


def _merge(paths: list[WarmPath], k: int) -> list[WarmPath]:
    """The best k of several searches, in the order one search would give them."""
    return sorted(paths, key=lambda p: (-p.score, p.hops, p.people))[:k]


def _present(network: Network, paths: list[WarmPath], search: Search | None,
             trust: Callable[[WarmPath], str | None] = lambda _: None) -> list[FoundPath]:
    snap = network.snapshot

    def name_of(i: int) -> str:
        return network.people[i].name

    out = []
    for explanation in explain_paths(snap, paths):
        path = explanation.path
        steps = tuple(_step(network, path, i) for i in range(1, len(path.people)))
        said = render(snap, explanation, name_of, all_ties_mine=network.local)
        trusted = trust(path)
        out.append(FoundPath(explanation.rank, path.score, steps,
                             said if trusted is None else f"{said}\n{trusted}",
                             _intro(network, path, steps, search),
                             summary(snap, explanation, name_of), path.vouches))
    return out


def _step(network: Network, path: WarmPath, i: int) -> PathStep:
    person = network.people[path.people[i]]
    if path.anonymous[i]:
        org = network.snapshot.people.organization_of(path.people[i])
        return PathStep(f"a contact at {org}" if org else "a contact", anonymous=True)
    return PathStep(person.headline or person.name, anonymous=False, member=person.member,
                    contact=person.contact if network.local else None)


def _intro(network: Network, path: WarmPath, steps: tuple[PathStep, ...],
           search: Search | None) -> IntroStart:
    first, second = path.people[1], path.people[2]
    final = steps[-1].label if len(steps) > 2 else None
    if network.local:
        return IntroStart(steps[0].label, steps[1].label,
                          introducer_contact=network.people[first].contact,
                          target_name=network.people[second].name, final_label=final)
    introducer = network.people[first].member
    assert introducer is not None and search is not None  # a community path's first step
    return IntroStart(steps[0].label, steps[1].label, introducer_member=introducer,
                      target_handle=search.handle(introducer,
                                                  network.edge_contact[(first, second)]),
                      final_label=final)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


# ---- who knows whom --------------------------------------------------------------------

def record_link(uow: UnitOfWork, actor: MemberId, a: str, b: str, clock: Clock, *,
                note: str | None = None, strength: float | None = None) -> LinkView:
    """Remember that two of one's contacts know each other ("Bob works with Carol")."""
    value = DEFAULT_LINK_STRENGTH if strength is None else strength
    if not 0.0 < value <= 1.0:
        raise InvalidInput(f"how well they know each other is a number above 0 and at most 1 "
                           f"(0.5 if unsure); got {value}.", field="strength")
    text = _clean(note)
    if text is not None and len(text) > MAX_NOTE:
        raise InvalidInput(f"keep the note under {MAX_NOTE} characters.", field="note")
    with uow:
        first, second = _pair(uow, actor, a, b)
        created = uow.contact_links.put(ContactLink(actor, first.id, second.id, value, text,
                                                    _now(clock)))
        uow.commit()
        return LinkView(first, second, value, text, created)


def remove_link(uow: UnitOfWork, actor: MemberId, a: str, b: str) -> LinkView:
    with uow:
        first, second = _pair(uow, actor, a, b)
        if not uow.contact_links.remove(actor, first.id, second.id):
            raise NotFound(f"you have not recorded that {first.name} and {second.name} know "
                           "each other.", field="link")
        uow.commit()
        return LinkView(first, second, 0.0, None)


def list_links(uow: UnitOfWork, actor: MemberId) -> list[LinkView]:
    with uow.reading():
        out = []
        for link in uow.contact_links.of_owner(actor):
            a, b = uow.contacts.get(actor, link.a), uow.contacts.get(actor, link.b)
            if a is not None and b is not None:
                out.append(LinkView(a, b, link.strength, link.note))
        return sorted(out, key=lambda v: (fold(v.a.name), fold(v.b.name)))


def _pair(uow: UnitOfWork, actor: MemberId, a: str, b: str) -> tuple[Contact, Contact]:
    first, second = resolve_contact(uow, actor, a), resolve_contact(uow, actor, b)
    if first.id == second.id:
        raise InvalidInput(f"name two different contacts; both names mean {first.name}.",
                           field="contact")
    return first, second


def _now(clock: Clock) -> datetime:
    return clock.now()
