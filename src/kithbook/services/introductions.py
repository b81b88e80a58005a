"""Use cases of introductions: ask, answer, close, remember.

Parties are members, or people off the platform (see `domain/introductions.py`). In a
community the requester names the introducer (a member id) and the target by the id of
the contact in the introducer's book, as path search will show it; the target is a
member only when the introducer linked that contact to them and they confirmed.
In local mode the one member records what happens by other means: a request that came
by email (`record_received_request`) and an introduction they asked of someone else
(`record_asked_request`).

Whoever is not a party to a request gets the same `NotFound` as for an id that does not
exist; who may make which move is decided by the domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kithbook.domain.contacts import Contact
from kithbook.domain.drafts import Draft, forwarding_email, introduction_email
from kithbook.domain.errors import InvalidInput, NotAllowed, NotFound
from kithbook.domain.fair_use import FairUseLimits, check_new_request, open_requests
from kithbook.domain.ids import ContactId, IntroId, MemberId, new_id
from kithbook.domain.introductions import (
    DEFAULT_EXPIRY,
    MIN_EXPIRY,
    Introduction,
    IntroView,
    Party,
    Rating,
    Role,
    is_due_to_expire,
)
from kithbook.domain.members import Member
from kithbook.domain.policies import REFUSED_TO_ASKER, effective_policy, may_ask, shown_in_search
from kithbook.domain.reputation import judgment_record, outsider_reputation, requester_reputation
from kithbook.domain.risk_brief import InferredTrust, RiskBrief, TargetSide, assemble_brief
from kithbook.domain.screening import RecentPurpose, screen_purpose
from kithbook.domain.ties import Tie
from kithbook.graph.strength import StrengthParams
from kithbook.services import path_handles
from kithbook.services.consent import EmailStatus, statuses_among
from kithbook.services.network_trust import (
    book_view,
    community_reputation,
    community_trust,
    community_view,
)
from kithbook.services.notifications import introduction_moved as notify
from kithbook.services.path_network import PathsCache
from kithbook.services.paths import community_network
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.references import resolve_contact
from kithbook.services.tie_strength import strength_of

RECENT_PURPOSES = timedelta(days=90)  # what the copy-paste screen compares against
DEFAULT_LIMITS = FairUseLimits()


class Box(StrEnum):
    INBOX = "inbox"  # waiting on me as introducer or target
    OUTBOX = "outbox"  # what I asked for
    ALL = "all"


class DraftKind(StrEnum):
    ASK = "ask"  # to the target: would you like to meet them?
    INTRODUCTION = "introduction"  # to both, once they agreed


@dataclass(frozen=True)
class FairUseStatus:
    open_requests: int
    max_open_requests: int


# ---- asking ----------------------------------------------------------------------------

def request_introduction(uow: UnitOfWork, actor: MemberId, introducer: MemberId,
                         target: str, purpose: str, clock: Clock, *, note: str | None = None,
                         limits: FairUseLimits = DEFAULT_LIMITS,
                         expires_after: timedelta = DEFAULT_EXPIRY) -> IntroView:
    """A member asks another member for an introduction to one of their contacts.

    `target` is the handle a path search gave the requester (`path_handles.py`), or the
    contact's id in the introducer's book for whoever knows it. The target is a member
    only when the introducer's contact is linked to that member, both having confirmed:
    the requester never says who the target is."""
    now = clock.now()
    with uow:
        me = _member(uow, actor)
        if introducer == actor:
            raise InvalidInput("ask someone else: you cannot be your own introducer.",
                               field="introducer")
        them = uow.members.get(introducer)
        if them is None:
            raise NotFound(f"no member {introducer}.", field="introducer")
        contact, label = _askable(uow, them, _target_of(uow, actor, them.id, target, now),
                                  actor)
        # One request of this member at a time from here to the commit, on every worker:
        # the cap and the pause are checked against everything already filed.
        uow.introductions.hold_requests_of(actor)
        check_new_request(uow.introductions.requested_by(actor), actor, them.id, them.name,
                          now, limits)
        return _file(uow, actor, _party_of(me), _party_of(them),
                     Party(contact.name, member=uow.contacts.linked_member(them.id, contact.id),
                           contact=contact.id, email=_email(contact)),
                     purpose, now, note, target_label=label, expires_after=expires_after)


def record_received_request(uow: UnitOfWork, actor: MemberId, requester_name: str,
                            target: str, purpose: str, clock: Clock, *,
                            requester_email: str | None = None,
                            note: str | None = None) -> IntroView:
    """Local mode: someone off Kithbook asked the member (by email, in person) for an
    introduction to one of their contacts; the member keeps it here."""
    with uow:
        me = _member(uow, actor)
        contact = resolve_contact(uow, actor, target)
        email = requester_email.strip() if requester_email and requester_email.strip() \
            else None
        known = uow.contacts.with_email(actor, email) if email else []
        requester = Party(requester_name, email=email,
                          contact=known[0].id if len(known) == 1 else None)
        return _file(uow, actor, requester, _party_of(me),
                     Party(contact.name, contact=contact.id, email=_email(contact)),
                     purpose, clock.now(), note)


def record_asked_request(uow: UnitOfWork, actor: MemberId, introducer: str,
                         target_name: str, purpose: str, clock: Clock, *,
                         target_email: str | None = None,
                         note: str | None = None) -> IntroView:
    """Local mode: the member asked one of their contacts, who is not on Kithbook, for an
    introduction to someone they know; the member keeps both sides of it here."""
    with uow:
        me = _member(uow, actor)
        contact = resolve_contact(uow, actor, introducer)
        return _file(uow, actor, _party_of(me),
                     Party(contact.name, contact=contact.id, email=_email(contact)),
                     Party(target_name, email=(target_email or "").strip() or None),
                     purpose, clock.now(), note)


# ---- the moves -------------------------------------------------------------------------

def forward(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
            note: str | None = None, expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.forward(
        by=actor, at=clock.now(), note=note, expected_version=expected_version))


def decline(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
            note: str | None = None, private_reason: str | None = None,
            expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.decline(
        by=actor, at=clock.now(), note=note, private_reason=private_reason,
        expected_version=expected_version))


def accept(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
           note: str | None = None, expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.accept(
        by=actor, at=clock.now(), note=note, expected_version=expected_version))


def make(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
         note: str | None = None, expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.make(
        by=actor, at=clock.now(), note=note, expected_version=expected_version))


def withdraw(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
             note: str | None = None, expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.withdraw(
        by=actor, at=clock.now(), note=note, expected_version=expected_version))


def record_outcome(uow: UnitOfWork, actor: MemberId, intro_id: str, rating: Rating,
                   clock: Clock, *, comment: str | None = None, party: Role | None = None,
                   expected_version: int | None = None) -> IntroView:
    return _move(uow, actor, intro_id, lambda intro: intro.record_outcome(
        by=actor, rating=rating, at=clock.now(), comment=comment, party=party,
        expected_version=expected_version))


def expire_due(uow: UnitOfWork, clock: Clock) -> int:
    """Close every open request nobody answered in time; returns how many.

    Every list of introductions asks this first, so it looks before it writes: only
    requests older than the shortest expiry can be due, and only when one is does it
    open a writing transaction (on SQLite, the database's write lock)."""
    now = clock.now()
    with uow.reading():
        if not any(is_due_to_expire(intro, now)
                   for intro in uow.introductions.open(created_before=now - MIN_EXPIRY)):
            return 0
    with uow:
        due = [intro for intro in uow.introductions.open(created_before=now - MIN_EXPIRY)
               if is_due_to_expire(intro, now)]
        for intro in due:
            loaded = intro.version
            intro.expire(at=now)
            uow.introductions.save(intro, loaded_version=loaded)
        uow.commit()
        return len(due)


# ---- reading ---------------------------------------------------------------------------

def show(uow: UnitOfWork, actor: MemberId, intro_id: str) -> IntroView:
    with uow.reading():
        return _visible(uow, actor, intro_id).view_for(actor)


def list_introductions(uow: UnitOfWork, actor: MemberId, box: Box = Box.ALL
                       ) -> list[IntroView]:
    """What the member may see, newest first: their inbox, their outbox, or both."""
    with uow.reading():
        return _listed(uow.introductions.involving(actor), actor, box)


@dataclass(frozen=True)
class IntroList:
    """What the list of introductions shows."""

    views: list[IntroView]
    emailed: dict[IntroId, EmailStatus]
    fair_use: FairUseStatus


def introductions_page(uow: UnitOfWork, actor: MemberId, box: Box, clock: Clock,
                       limits: FairUseLimits = DEFAULT_LIMITS) -> IntroList:
    """`list_introductions`, `email_statuses` and `fair_use_status` from one read of the
    introductions the actor is party to (each of the others reads a part of it)."""
    with uow.reading():
        involved = uow.introductions.involving(actor)
        emailed = statuses_among(uow, actor, involved)
    return IntroList(_listed(involved, actor, box), emailed, FairUseStatus(
        len(open_requests(involved, actor, clock.now())), limits.max_open_requests))


def _listed(intros: list[Introduction], actor: MemberId, box: Box) -> list[IntroView]:
    views = [intro.view_for(actor) for intro in intros if intro.can_see(actor)]
    if box is Box.INBOX:
        return [v for v in views if v.viewer is not Role.REQUESTER]
    if box is Box.OUTBOX:
        return [v for v in views if v.viewer is Role.REQUESTER]
    return views


def fair_use_status(uow: UnitOfWork, actor: MemberId, clock: Clock,
                    limits: FairUseLimits = DEFAULT_LIMITS) -> FairUseStatus:
    with uow.reading():
        mine = uow.introductions.requested_by(actor)
    return FairUseStatus(len(open_requests(mine, actor, clock.now())),
                         limits.max_open_requests)


def risk_brief(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock,
               params: StrengthParams | None = None,
               cache: PathsCache | None = None) -> RiskBrief:
    """What the introducer reads before deciding: the tie, the record, the trust through
    their network, the flags."""
    now = clock.now()
    held = cache or PathsCache()
    with uow.reading():
        intro = _visible(uow, actor, intro_id)
        _check_introducer(intro, actor, "read the risk brief for")
        requester = intro.requester
        tie = _tie_with(uow, actor, requester)
        strength = strength_of(uow, actor, tie.contact, clock.today(),
                               params or StrengthParams()) if tie is not None else None
        if requester.member is not None:
            asked = uow.introductions.requested_by(requester.member)
            reputation = requester_reputation(_others(asked, intro), requester.member)
            if uow.members.count() > 1:
                standing = community_reputation(uow, held, community_network(uow, held))
                reputation = replace(reputation, community=standing.of(requester.member))
        else:
            asked = uow.introductions.from_outsider(requester.email) if requester.email \
                else []
            reputation = outsider_reputation(_others(asked, intro), requester.email or "")
        recent = [RecentPurpose(i.purpose, i.introducer.name) for i in _others(asked, intro)
                  if i.created_at >= now - RECENT_PURPOSES]
        flags = screen_purpose(intro.purpose, recent=recent, introducer=intro.introducer.name,
                               strength=strength.value if strength else None)
        judgment = judgment_record(_others(uow.introductions.introduced_by(actor), intro),
                                   actor)
        inferred = _inferred_trust(uow, held, actor, requester, tie)
        return assemble_brief(
            requester=requester.name, purpose=intro.purpose,
            strength=strength.value if strength else None,
            strength_evidence=strength.evidence if strength else (),
            stated_trust=tie.stated_trust if tie else None, reputation=reputation,
            judgment=judgment, inferred_trust=inferred, target=_target_side(uow, actor, intro),
            flags=flags)


def _inferred_trust(uow: UnitOfWork, cache: PathsCache, actor: MemberId, requester: Party,
                    tie: Tie | None) -> InferredTrust | None:
    """The requester's trust through the introducer's network: the community's members
    when there are several, else the introducer's own book. Kept while neither the
    network nor any outcome changes; one walk from the introducer per brief."""
    if uow.members.count() == 1:
        return None if tie is None else book_view(uow, cache, actor).of(tie.contact)
    if requester.member is None:
        return None
    view = community_view(uow, cache, community_network(uow, cache), actor)
    return None if view is None else community_trust(view, requester.member)


def draft_email(uow: UnitOfWork, actor: MemberId, intro_id: str, kind: DraftKind, *,
                note: str | None = None) -> Draft:
    """The introducer's two emails: the ask to the target, then the introduction."""
    with uow.reading():
        intro = _visible(uow, actor, intro_id)
        _check_introducer(intro, actor, "draft the emails of")
        if kind is DraftKind.ASK:
            return forwarding_email(intro, about_requester=note)
        return introduction_email(intro, note=note)


# ---- inside ----------------------------------------------------------------------------

def _file(uow: UnitOfWork, actor: MemberId, requester: Party, introducer: Party,
          target: Party, purpose: str, at: datetime, note: str | None, *,
          target_label: str | None = None,
          expires_after: timedelta = DEFAULT_EXPIRY) -> IntroView:
    """A new request made (or recorded) by `actor`, stored and committed."""
    intro = Introduction.request(id=IntroId(new_id()), requester=requester,
                                 introducer=introducer, target=target, purpose=purpose,
                                 by=actor, at=at, note=note, target_label=target_label,
                                 expires_after=expires_after)
    uow.introductions.add(intro)
    notify(uow, intro, actor, at)
    uow.commit()
    return intro.view_for(actor)


def _move(uow: UnitOfWork, actor: MemberId, intro_id: str,
          apply: Callable[[Introduction], None]) -> IntroView:
    """Load, let the domain make the move, save against the version loaded."""
    with uow:
        intro = _visible(uow, actor, intro_id)
        loaded = intro.version
        apply(intro)
        uow.introductions.save(intro, loaded_version=loaded)
        notify(uow, intro, actor, intro.history[-1].at)
        uow.commit()
        return intro.view_for(actor)


def _visible(uow: UnitOfWork, actor: MemberId, intro_id: str) -> Introduction:
    """The request, if `actor` may see it; otherwise the same answer as for no request."""
    wanted = intro_id.strip().lower()
    intro = uow.introductions.get(IntroId(wanted)) if wanted else None
    if intro is None or not intro.can_see(actor):
        raise NotFound(f"no introduction request {wanted} that you can see.",
                       field="introduction")
    return intro


def _check_introducer(intro: Introduction, actor: MemberId, verb: str) -> None:
    if intro.introducer.member != actor:
        raise NotAllowed(f"only the introducer, {intro.introducer.name}, can {verb} this "
                         "request.")


def _others(intros: list[Introduction], this: Introduction) -> list[Introduction]:
    return [i for i in intros if i.id != this.id]


def _member(uow: UnitOfWork, member_id: MemberId) -> Member:
    member = uow.members.get(member_id)
    if member is None:
        raise NotFound(f"no member {member_id}.", field="member")
    return member


def _party_of(member: Member) -> Party:
    return Party(member.name, member=member.id, email=member.email)


def _email(contact: Contact) -> str | None:
    return contact.emails[0].value if contact.emails else None


def _target_of(uow: UnitOfWork, asker: MemberId, introducer: MemberId, target: str,
               now: datetime) -> ContactId:
    """The contact a path handle stands for (one the asker was handed, for this
    introducer, not long ago), else what was typed, as a contact id: a forged, borrowed
    or stale handle names no contact, and is refused like any unknown id."""
    text = target.strip().lower()
    if not path_handles.looks_like_handle(text):
        return ContactId(text)
    key = uow.network.handle_key()
    contact = None if key is None else path_handles.resolve(
        key, text, asker, introducer, (c for c, _ in uow.contacts.names(introducer)), now)
    return contact if contact is not None else ContactId("")


def _askable(uow: UnitOfWork, owner: Member, contact_id: ContactId,
             asker: MemberId) -> tuple[Contact, str]:
    """The contact, and how the asker may see them; every refusal (no such contact, a
    hidden tie, "no introductions", a rule the asker does not meet) reads the same."""
    contact = uow.contacts.get(owner.id, contact_id)
    tie = uow.ties.get(owner.id, contact_id) if contact is not None else None
    if contact is None or tie is None:
        raise NotAllowed(REFUSED_TO_ASKER, field="target")
    policy = effective_policy(tie.policy, owner.default_policy).policy
    label = shown_in_search(policy, contact)
    linked = uow.contacts.linked_to(owner.id, asker)
    asker_tie = uow.ties.get(owner.id, linked.id) if linked is not None else None
    if label is None or not may_ask(policy, asker_tie.stated_trust if asker_tie else None):
        raise NotAllowed(REFUSED_TO_ASKER, field="target")
    return contact, label


def _tie_with(uow: UnitOfWork, owner: MemberId, party: Party) -> Tie | None:
    """`owner`'s tie with a party: the contact linked to a member, or the one the request
    points to, or the one with the party's email."""
    contact: Contact | None = None
    if party.member is not None:
        contact = uow.contacts.linked_to(owner, party.member)
    elif party.contact is not None:
        contact = uow.contacts.get(owner, party.contact)
    elif party.email:
        found = uow.contacts.with_email(owner, party.email)
        contact = found[0] if len(found) == 1 else None
    return uow.ties.get(owner, contact.id) if contact is not None else None


def _target_side(uow: UnitOfWork, actor: MemberId, intro: Introduction) -> TargetSide:
    target = intro.target
    tie = uow.ties.get(actor, target.contact) if target.contact else None
    if tie is None:
        return TargetSide(target.name)
    me = _member(uow, actor)
    policy = effective_policy(tie.policy, me.default_policy).policy
    return TargetSide(target.name, welcomes=tie.policy.welcomes if tie.policy else None,
                      no_introductions=policy.no_introductions)
