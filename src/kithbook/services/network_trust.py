"""Inferred trust for the risk brief: how much the introducer's network vouches for the
requester, with the people it rests on.

The trust engine (`graph/trust.py`) walks the ties members gave each other, weighted by
`tie_weight`: the owner's stated trust (else half the tie's stored strength) moved by how
the introductions they made for that person went (the targets' outcomes). A ring of
fake accounts vouching for each other gains trust only through ties honest members gave
it, and shares it among all its accounts, so it stays near zero (`docs/trust.md`).

* **A community**: members are the people; the ties are those of members' contacts linked
  to other members. The introducer's own ties all count (their own knowledge); another
  member's tie counts only when that member shows it by name in path search
  (`Visibility.NAMED`), the same rule that lets a path name it. A hidden or anonymous tie
  of someone else is, to the brief, the same as no tie: it moves no number and names
  nobody (`tests/integration/test_brief_trust.py` tries it as an attacker would).
* **A local book**: the member and their contacts; the member's ties, and the links they
  recorded between contacts ("Bob knows Carol"), which count as knowing, not vouching:
  half of the link's strength, as a tie without stated trust.

Arrays, not loops: the community's ties come from the path network (`path_network.py`),
read once and refreshed by the members whose version moved; this module keeps, per state
of the network and of the outcomes, the shared weights, and per introducer their graph
(`PathsCache.value`), so a brief is one walk from the introducer.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.members import Role
from kithbook.domain.reputation import Standing, real_members
from kithbook.domain.risk_brief import InferredTrust
from kithbook.graph.policy import NAMED
from kithbook.graph.trust import (
    TRUST_FLOOR,
    Trust,
    TrustGraph,
    build_trust_graph,
    path_factors,
    personalized_trust,
    reputation,
    tie_weights,
)
from kithbook.graph.trust import vouchers as heaviest_raters
from kithbook.services.path_network import Network, PathsCache
from kithbook.services.ports import OutcomeCount, UnitOfWork
from kithbook.services.tie_strength import estimate_strength

VOUCHERS_NAMED = 3  # people a brief names; the rest are counted

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]


@dataclass(frozen=True)
class MemberTies:
    """Every member-to-member tie as weights, numbered by member, in owner order; `shown`
    marks those their owner shows by name (the ones another member's brief may hear).
    `versions` are the path network's per-member versions these rows were read at, so
    the next state is spliced from this one for the members whose version moved."""

    members: Sequence[MemberId]
    names: Sequence[str]
    number: dict[MemberId, int]
    src: Ints
    dst: Ints
    weight: Floats
    shown: npt.NDArray[np.bool_]
    versions: Mapping[MemberId, int] = field(default_factory=dict)
    _graphs: dict[str, TrustGraph] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def shown_graph(self) -> TrustGraph:
        """The ties everyone may hear: those their owners show by name. Built once per
        state of the ties and shared by every viewer who shows all of their own."""
        with self._lock:
            held = self._graphs.get("shown")
            if held is None:
                held = build_trust_graph(self.src[self.shown], self.dst[self.shown],
                                         self.weight[self.shown], size=len(self.members))
                self._graphs["shown"] = held
            return held

    def graph_for(self, viewer: int) -> TrustGraph:
        """The ties `viewer`'s brief may hear: everyone's shown ones, and all their own."""
        lo, hi = np.searchsorted(self.src, [viewer, viewer + 1])
        if self.shown[lo:hi].all():
            return self.shown_graph()
        keep = self.shown | (self.src == viewer)
        return build_trust_graph(self.src[keep], self.dst[keep], self.weight[keep],
                                 size=len(self.members))


SPLICE_UP_TO = 0.05  # past this share of members changed, the ties are read whole again


def member_ties(network: Network, outcomes: Sequence[OutcomeCount],
                held: MemberTies | None = None) -> MemberTies:
    """The community's member-to-member ties from the path network, with outcomes.

    With `held` (the ties of an earlier state, with the same outcomes), only the rows
    of members whose version moved are read again and spliced in."""
    snap = network.snapshot
    members = sorted(network.member_number, key=network.member_number.__getitem__)
    number = {m: i for i, m in enumerate(members)}
    place = np.full(snap.num_people, -1, dtype=np.int64)
    place[[network.member_number[m] for m in members]] = np.arange(len(members))
    counts = _pair_counts(outcomes, number, len(members))
    changed = None if held is None or list(held.members) != members else [
        m for m in members if held.versions.get(m) != network.versions.get(m)]
    if changed is None or len(changed) > SPLICE_UP_TO * max(len(members), 1):
        owners = np.arange(snap.num_people, dtype=np.int64)
        src, dst, weight, shown = _rows_of(network, place, owners, counts, len(members))
    else:
        assert held is not None
        persons = np.array(sorted(network.member_number[m] for m in changed), dtype=np.int64)
        fresh = _rows_of(network, place, persons, counts, len(members))
        stay = ~np.isin(held.src, place[persons])
        src, dst, weight, shown = (np.concatenate([old[stay], new]) for old, new in zip(
            (held.src, held.dst, held.weight, held.shown), fresh, strict=True))
        order = np.argsort(src, kind="stable")
        src, dst, weight, shown = src[order], dst[order], weight[order], shown[order]
    return MemberTies(members, [network.people[network.member_number[m]].name for m in members],
                      number, src, dst, weight, shown, dict(network.versions))


def _rows_of(network: Network, place: npt.NDArray[np.int64], owners: npt.NDArray[np.int64],
             counts: tuple[dict[int, int], dict[int, int], dict[int, int]], n: int
             ) -> tuple[Ints, Ints, Floats, npt.NDArray[np.bool_]]:
    """The member-to-member ties owned by the people `owners` (sorted), as member
    numbers, weights and whether each is shown by name."""
    snap = network.snapshot
    begin, end = snap.indptr[owners], snap.indptr[owners + 1]
    size = end - begin
    edges = np.repeat(begin - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    wide_src = place[np.repeat(owners, size)]
    wide_dst = place[snap.dst[edges]]
    keep = np.flatnonzero((wide_src >= 0) & (wide_dst >= 0))
    edges = edges[keep]
    src: Ints = wide_src[keep].astype(np.int32)
    dst: Ints = wide_dst[keep].astype(np.int32)
    pair = src.astype(np.int64) * max(n, 1) + dst
    tally = np.zeros((3, len(pair)), dtype=np.float64)
    for k, table in enumerate(counts):
        if not table:
            continue
        keys = np.array(sorted(table), dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
        hit = keys[at] == pair
        tally[k, hit] = np.array([table[int(x)] for x in keys], dtype=np.float64)[at[hit]]
    weight = tie_weights(snap.trust[edges], snap.strength[edges], *tally)
    return src, dst, weight, snap.visibility[edges] == NAMED


def introducer_outcomes(outcomes: Sequence[OutcomeCount]) -> dict[MemberId, tuple[int, int]]:
    """Per introducer: how many of the introductions they made went well, of those rated
    by their targets."""
    out: dict[MemberId, tuple[int, int]] = {}
    for o in outcomes:
        good, total = out.get(o.introducer, (0, 0))
        out[o.introducer] = (good + o.count * (o.rating == "positive"), total + o.count)
    return out


def community_ties(uow: UnitOfWork, cache: PathsCache, network: Network
                   ) -> tuple[MemberTies, list[OutcomeCount]]:
    """The member-to-member ties of this state of the network and of the outcomes, with
    the outcome counts: spliced from the last ones read, for the members whose version
    moved, while the outcomes stay as they were; read whole when an outcome is recorded."""
    mark = uow.introductions.outcomes_mark()
    tally = cache.value(uow, f"trust-tally:{mark}", uow.introductions.outcome_tally)

    def spliced() -> MemberTies:
        last = cache.kept("trust-ties")
        held = last[1] if last is not None and last[0] == mark else None
        fresh = member_ties(network, tally, held)
        cache.keep("trust-ties", (mark, fresh))
        return fresh

    return cache.value(uow, f"trust-ties:{mark}", spliced), tally


@dataclass(frozen=True)
class ViewerTrust:
    """What one member may learn of everyone's trust, from their own point of view: the
    ties they may hear (`MemberTies.graph_for`) and one walk from them."""

    ties: MemberTies
    graph: TrustGraph
    trust: Trust
    viewer: int
    record: dict[MemberId, tuple[int, int]]

    def factors(self, network: Network) -> npt.NDArray[np.float64]:
        """Per person of the path network, the factor a path gives them as an
        intermediary (`graph.trust.path_factors`); people who are no member get the
        floor (a community path's intermediaries are all members)."""
        out = np.full(network.snapshot.num_people, TRUST_FLOOR, dtype=np.float64)
        people = np.array([network.member_number[m] for m in self.ties.members],
                          dtype=np.int64)
        out[people] = path_factors(self.trust.score)
        return out


def community_view(uow: UnitOfWork, cache: PathsCache, network: Network, actor: MemberId
                   ) -> ViewerTrust | None:
    """`actor`'s view of the community's trust, kept while neither the network nor any
    outcome changes (the brief and the path ranking read the same one)."""
    mark = uow.introductions.outcomes_mark()
    ties, tally = community_ties(uow, cache, network)
    viewer = ties.number.get(actor)
    if viewer is None:
        return None

    def walked() -> ViewerTrust:
        graph = ties.graph_for(viewer)
        return ViewerTrust(ties, graph, personalized_trust(graph, viewer), viewer,
                           introducer_outcomes(tally))

    return cache.value(uow, f"trust-view:{actor}:{mark}", walked)


@dataclass(frozen=True)
class CommunityReputation:
    """Everyone's community-wide reputation: the walk from the community's real members
    together over the ties shown by name (`graph.trust.reputation`)."""

    ties: MemberTies
    graph: TrustGraph
    trust: Trust
    seeds: int

    def of(self, member: MemberId) -> Standing | None:
        i = self.ties.number.get(member)
        if i is None:
            return None
        raters = [x for x in heaviest_raters(self.graph, self.trust, i, limit=self.graph.size)
                  if x.rater != i]
        rated_by = int(self.graph.received.indptr[i + 1] - self.graph.received.indptr[i])
        return Standing(float(self.trust.score[i]), len(raters),
                        float(self.trust.evidence[i]), self.seeds, rated_by - len(raters))


def community_reputation(uow: UnitOfWork, cache: PathsCache, network: Network
                         ) -> CommunityReputation:
    """The community's reputation of every member, kept while neither the network nor
    any outcome changes. It starts from the real members (`domain.reputation.real_members`:
    admins, and members they invited, in a chain, who have an introduction's outcome
    behind them); with none of those, from every member."""
    mark = uow.introductions.outcomes_mark()
    ties, tally = community_ties(uow, cache, network)

    def walked() -> CommunityReputation:
        accounts = [m for m, _ in uow.accounts.all_members()]
        by_email = {m.email.strip().lower(): m.id for m in accounts if m.email}
        invited_by = {by_email[i.email.strip().lower()]: i.invited_by
                      for i in uow.accounts.invitations()
                      if i.accepted_at is not None and i.invited_by is not None
                      and i.email.strip().lower() in by_email}
        history = {o.introducer for o in tally} | {
            o.requester_member for o in tally if o.requester_member is not None}
        real = real_members([m.id for m in accounts if m.role is Role.ADMIN], invited_by,
                            history)
        seeds = sorted(ties.number[m] for m in real if m in ties.number)
        graph = ties.shown_graph()
        return CommunityReputation(ties, graph, reputation(graph, seeds or None),
                                   len(seeds) or len(ties.members))

    return cache.value(uow, f"trust-reputation:{mark}", walked)


def path_trust(view: ViewerTrust, intermediaries: Sequence[MemberId | None]) -> str | None:
    """How far the searcher may trust a path's named intermediaries, in words: who vouches
    for each (the person before them on the path first: "Ben trusts Chen"), and how the
    introductions they made went. Anonymous people (None) are never looked up."""
    ties, v = view.ties, view.viewer
    said = []
    before: int | None = v
    for step, member in enumerate(intermediaries):
        i = ties.number.get(member) if member is not None else None
        if i is None:
            before = None
            continue
        name = ties.names[i]
        raters = [x.rater for x in heaviest_raters(view.graph, view.trust, i,
                                                   limit=view.graph.size)
                  if x.rater != v and x.rating > 0]
        if step == 0:
            words = f"you know {name} yourself"
        elif before is not None and before in raters:
            others = len(raters) - 1
            words = f"{ties.names[before]} trusts {name}" + (
                f", as {'does' if others == 1 else 'do'} {others} more "
                f"{'person' if others == 1 else 'people'} you trust" if others else "")
        elif raters:
            words = (f"{name} is trusted by {len(raters)} "
                     f"{'person' if len(raters) == 1 else 'people'} you trust "
                     f"({', '.join(ties.names[x] for x in raters[:VOUCHERS_NAMED])})")
        else:
            words = f"nobody you trust is known to vouch for {name}"
        good, total = view.record.get(member, (0, 0)) if member is not None else (0, 0)
        if total:
            words += f"; {name}'s introductions went well {good} time{'s' * (good != 1)} of {total}"
        said.append(words)
        before = i
    return ("Trust: " + "; ".join(said) + ".") if said else None


def _pair_counts(outcomes: Sequence[OutcomeCount], number: dict[MemberId, int], n: int
                 ) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Positive, neutral and negative outcome counts per (introducer, requester) pair."""
    tables: tuple[dict[int, int], ...] = ({}, {}, {})
    column = {"positive": 0, "neutral": 1, "negative": 2}
    for o in outcomes:
        u = number.get(o.introducer)
        v = number.get(o.requester_member) if o.requester_member is not None else None
        if u is None or v is None or o.rating not in column:
            continue
        table = tables[column[o.rating]]
        table[u * n + v] = table.get(u * n + v, 0) + o.count
    return tables[0], tables[1], tables[2]


def community_trust(view: ViewerTrust, requester: MemberId) -> InferredTrust | None:
    """The requester's trust as the viewer may see it, or None if they are no member."""
    r = view.ties.number.get(requester)
    if r is None:
        return None
    return _described(view.graph, view.trust, view.viewer, r, lambda i: view.ties.names[i],
                      "trusted by", "vouch")


@dataclass(frozen=True)
class BookTrust:
    """One member's book as a trust graph: person 0 is the member."""

    graph: TrustGraph
    names: Sequence[str]
    where: dict[ContactId, int]
    trust: Trust

    def of(self, requester: ContactId) -> InferredTrust | None:
        r = self.where.get(requester)
        if r is None:
            return None
        return _described(self.graph, self.trust, 0, r, lambda i: self.names[i], "known to",
                          "know")

    def factors(self) -> npt.NDArray[np.float64]:
        """Per person of the book (the path network's numbering), the factor a path gives
        them as an intermediary."""
        return path_factors(self.trust.score)


def book_trust(uow: UnitOfWork, owner: MemberId, outcomes: Sequence[OutcomeCount]
               ) -> BookTrust:
    """`owner`'s book as a trust graph (a local brief): their ties, moved by the outcomes
    of the introductions they made, and their recorded links at half their strength."""
    rows = uow.network.book(owner)
    tally: dict[ContactId, list[int]] = defaultdict(lambda: [0, 0, 0])
    column = {"positive": 0, "neutral": 1, "negative": 2}
    for o in outcomes:
        if o.introducer == owner and o.requester_contact is not None and o.rating in column:
            tally[o.requester_contact][column[o.rating]] += o.count
    own = np.array([[t.tie.stated_trust or 0,
                     t.strength if t.strength is not None else estimate_strength(t.tie).value,
                     *tally[t.tie.contact]] for t in rows.ties], dtype=np.float64).reshape(-1, 5)
    links = np.array(rows.links, dtype=np.float64).reshape(-1, 3)
    none = np.zeros(len(links))
    src = np.concatenate([np.zeros(len(rows.ties)), links[:, 0], links[:, 1]])
    dst = np.concatenate([[t.dst for t in rows.ties], links[:, 1], links[:, 0]])
    knowing = tie_weights(none, links[:, 2], none, none, none)
    weight = np.concatenate([tie_weights(*own.T), knowing, knowing])
    graph = build_trust_graph(src, dst, weight, size=len(rows.people))
    return BookTrust(graph, [p.name for p in rows.people],
                     {p.contact: i for i, p in enumerate(rows.people) if p.contact is not None},
                     personalized_trust(graph, 0))


def book_view(uow: UnitOfWork, cache: PathsCache, owner: MemberId) -> BookTrust:
    """`owner`'s book as a trust graph with their walk, kept while their book and the
    outcomes stay as they are."""
    mark = uow.introductions.outcomes_mark()
    return cache.value(uow, f"trust-book:{owner}:{mark}",
                       lambda: book_trust(uow, owner, uow.introductions.outcome_tally()),
                       owner=owner)


def _described(graph: TrustGraph, trust: Trust, viewer: int, requester: int,
               name_of: Callable[[int], str], said: str, verb: str) -> InferredTrust:
    """The score with its evidence, in words: who it rests on, and how much there is."""
    score = float(trust.score[requester])
    raters = heaviest_raters(graph, trust, requester, limit=graph.size)
    others = [x for x in raters if x.rater != viewer]
    good = [x for x in others if x.rating > 0]
    bad = [x for x in others if x.rating < 0]
    named = tuple(name_of(x.rater) for x in good[:VOUCHERS_NAMED])
    parts = []
    if any(x.rater == viewer for x in raters):
        parts.append("your own rating of them")
    if good:
        more = len(good) - len(named)
        people = "person" if len(good) == 1 else "people"
        parts.append(f"{said} {len(good)} {people} you trust: {', '.join(named)}"
                     + (f" and {more} more" if more else ""))
    if bad:
        parts.append(f"{len(bad)} {'person' if len(bad) == 1 else 'people'} you trust "
                     "had bad experiences with them")
    if not parts:
        return InferredTrust(0.0, f"nobody you trust is known to {verb} them.", 0.0, ())
    evidence = float(trust.evidence[requester])
    return InferredTrust(
        max(-1.0, min(1.0, score)),
        "; ".join(parts) + f" (evidence worth {evidence:.1f} average members).",
        evidence, named)


