"""Use cases of consent links: the introducer's ask by email, the answer given through a
link, the introduction email on yes, the outcome emails two weeks on, one reminder.

Who may do what is the introduction's own rule (`domain/introductions.py`): an answer by
email is the move the target's keeper would record for them, marked "by email". A link
that does not work (forged, used, expired, another introduction's, or one whose request
moved on) gets one answer, `DeadLink`, and counts against the address that tried it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kithbook.domain.accounts import TooManyAttempts, after_address_failure, wait_seconds
from kithbook.domain.consent import (
    ANSWER_NOTES,
    LINK_LIFETIME,
    MAX_PRIVATE_NOTE,
    OUTCOME_AFTER,
    RATING_OF,
    REMINDER_AFTER,
    AskEmail,
    Choice,
    ConsentLink,
    DeadLink,
    LinkPage,
    LinkPurpose,
    answer_mail,
    default_ask,
    link_id_of,
    outcome_mail,
    page_of,
    parse_choice,
    reminder_mail,
    still_answerable,
    verify,
)
from kithbook.domain.drafts import Draft, introduction_email
from kithbook.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from kithbook.domain.ids import IntroId, MemberId, new_id
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.introductions import Introduction, IntroState, IntroView, MoveKind, Role
from kithbook.domain.notifications import OutgoingMail
from kithbook.domain.policies import PolicyChange, apply_change, effective_policy
from kithbook.services.accounts import throttle_key
from kithbook.services.capture import CAPTURED
from kithbook.services.notifications import consent_link
from kithbook.services.notifications import introduction_moved as notify
from kithbook.services.ports import Clock, UnitOfWork

__all__ = [
    "AskPreview", "EmailStatus", "LinkAnswered", "answer_link", "ask_preview",
    "captured_reply", "email_status", "email_statuses", "link_page", "send_ask",
    "send_introduction", "send_link_emails",
]

OUTCOME_WINDOW = timedelta(days=14)  # a job that was down longer skips those outcome emails
_PREVIEW_LINK = "https://…/answer/(a link for them alone)"


@dataclass(frozen=True)
class AskPreview:
    """The ask as the target will read it; `subject` and `message` are the editable part."""

    to_name: str
    to_address: str
    subject: str
    message: str
    body: str


@dataclass(frozen=True)
class LinkAnswered:
    purpose: LinkPurpose
    choice: Choice
    introducer: str


@dataclass(frozen=True)
class EmailStatus:
    """What the introducer's page says of an ask by email."""

    target: str
    asked_at: datetime
    reminder_at: datetime | None  # when the one reminder goes, if it has not
    reminded_at: datetime | None
    expires_at: datetime
    answered_at: datetime | None
    answer: Choice | None


# ---- the ask -----------------------------------------------------------------------------

def ask_preview(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
                ask: AskEmail | None = None) -> AskPreview:
    """The email the target would get, with the introducer's words (or a first draft)."""
    with uow.reading():
        intro = _askable(uow, actor, intro_id)
    return _preview(intro, ask, clock.now())


def send_ask(uow: UnitOfWork, actor: MemberId, intro_id: str, ask: AskEmail,
             clock: Clock, *, can_send: bool = True) -> IntroView:
    """Forward the request (if not yet) and send the target the ask, through the outbox,
    in the introducer's name; their replies go to the introducer. `can_send`: whether
    this server has SMTP (said only to whoever may send, after their rights are checked)."""
    now = clock.now()
    with uow:
        intro = _askable(uow, actor, intro_id)
        _check_mail(can_send)
        ask = ask.cleaned()
        if intro.state is IntroState.REQUESTED:
            loaded = intro.version
            intro.forward(by=actor, at=now)
            uow.introductions.save(intro, loaded_version=loaded)
            notify(uow, intro, actor, now)
        link = ConsentLink(id=new_id(), intro_id=intro.id, role=Role.TARGET,
                           purpose=LinkPurpose.ANSWER, created_at=now,
                           expires_at=now + LINK_LIFETIME)
        if not uow.consent.add(link):
            raise Conflict(f"{intro.target.name} was already asked by email; their answer "
                           "(or the one reminder) is on its way to you.")
        subject, body = answer_mail(ask, intro.requester, intro.introducer, intro.purpose,
                                    consent_link(link.id), link.expires_at)
        _enqueue(uow, intro, intro.target.email or "", subject, body, now)
        uow.commit()
        return intro.view_for(actor)


def _askable(uow: UnitOfWork, actor: MemberId, intro_id: str) -> Introduction:
    intro = _introducers(uow, actor, intro_id, "ask the target of")
    target = intro.target
    if target.on_platform:
        raise NotAllowed(f"{target.name} is a member: forward the request and they answer "
                         "on Kithbook.")
    if not target.email:
        raise InvalidInput(f"there is no email address for {target.name} in your book; add "
                           "one to the contact, or ask them yourself and record the answer.",
                           field="email")
    if intro.state not in (IntroState.REQUESTED, IntroState.FORWARDED):
        raise NotAllowed(f"there is nothing to ask {target.name}: this request is "
                         f"{intro.state.value.replace('_', ' ')}.")
    if _no_introductions(uow, actor, intro):
        raise NotAllowed(f"{target.name} is marked \"no introductions\" in your book (they "
                         "may have asked not to be asked again); change that rule on their "
                         "contact if they tell you otherwise.")
    return intro


def _no_introductions(uow: UnitOfWork, actor: MemberId, intro: Introduction) -> bool:
    contact = intro.target.contact
    member = uow.members.get(actor)
    tie = uow.ties.get(actor, contact) if contact else None
    if member is None or tie is None:
        return False
    return effective_policy(tie.policy, member.default_policy).policy.no_introductions


def _preview(intro: Introduction, ask: AskEmail | None, now: datetime) -> AskPreview:
    forward_note = next((m.note for m in intro.history if m.kind is MoveKind.FORWARD), None)
    ask = ask or default_ask(intro.requester, intro.introducer, intro.target, forward_note)
    subject, body = answer_mail(ask, intro.requester, intro.introducer, intro.purpose,
                                _PREVIEW_LINK, now + LINK_LIFETIME)
    return AskPreview(intro.target.name, intro.target.email or "", ask.subject, ask.message,
                      body)


# ---- a link opened, a link answered ------------------------------------------------------

def link_page(uow: UnitOfWork, token: str, chosen: str | None, address: str,
              clock: Clock) -> LinkPage:
    """What a link's page shows. Opening it changes nothing (mail scanners open links)."""
    now = clock.now()
    with uow:
        found = _live(uow, token, address, now)
        if found is None:
            uow.commit()  # the failure counted against the address
            raise DeadLink
        link, intro = found
        return page_of(link, intro.requester, intro.introducer, intro.target, intro.purpose,
                       chosen)


def answer_link(uow: UnitOfWork, token: str, choice_text: str, note: str | None,
                address: str, clock: Clock, *, dont_ask_again: bool = False) -> LinkAnswered:
    """Spend the link on an answer: the same move the target's keeper (or the party)
    would make, marked "by email"; every member party is told."""
    now = clock.now()
    note = _private_note(note)
    with uow:
        found = _live(uow, token, address, now)
        if found is None:
            uow.commit()
            raise DeadLink
        link, intro = found
        choice = parse_choice(choice_text, link.purpose)
        try:
            if not uow.consent.use(link.id, choice, now):
                raise DeadLink
            _answer(uow, intro, link, choice, note, now, dont_ask_again)
        except (NotAllowed, Conflict, DeadLink):
            uow.rollback()  # clicked twice at once, or the request moved on meanwhile
            raise DeadLink from None
        uow.commit()
        return LinkAnswered(link.purpose, choice, intro.introducer.name)


def _answer(uow: UnitOfWork, intro: Introduction, link: ConsentLink, choice: Choice,
            note: str | None, now: datetime, dont_ask_again: bool) -> None:
    actor = intro.actor_for(link.role)
    assert actor is not None  # a member keeps every introduction
    loaded = intro.version
    if link.purpose is LinkPurpose.OUTCOME:
        intro.record_outcome(by=actor, rating=RATING_OF[choice], at=now, comment=note,
                             party=link.role, by_email=True)
    elif choice is Choice.YES:
        intro.accept(by=actor, at=now, private_reason=note, by_email=True)
    else:
        intro.decline(by=actor, at=now, note=ANSWER_NOTES[choice], private_reason=note,
                      by_email=True)
        if dont_ask_again:
            _no_more_asks(uow, intro)
    uow.introductions.save(intro, loaded_version=loaded)
    notify(uow, intro, None, now)


def _no_more_asks(uow: UnitOfWork, intro: Introduction) -> None:
    """"Don't ask me again": a rule on the introducer's contact for the target."""
    owner, contact = intro.introducer.member, intro.target.contact
    member = uow.members.get(owner) if owner else None
    tie = uow.ties.get(owner, contact) if owner and contact else None
    if member is None or tie is None:
        return
    tie.policy = apply_change(effective_policy(tie.policy, member.default_policy).policy,
                              PolicyChange(no_introductions=True))
    uow.ties.update(tie, expected_version=tie.version)


def _live(uow: UnitOfWork, token: str, address: str,
          now: datetime) -> tuple[ConsentLink, Introduction] | None:
    """The link and its introduction when `token` still works; else None, counted as a
    failure from `address` (too many, and the address waits)."""
    key_of_address = throttle_key("consent-link", address)
    throttle = uow.accounts.held_throttle(key_of_address)
    wait = wait_seconds([throttle], now)
    if wait:
        raise TooManyAttempts(wait)
    link_id = link_id_of(token.strip())
    link = uow.consent.get(link_id) if link_id else None
    intro = uow.introductions.get(link.intro_id) if link is not None else None
    if (link is not None and intro is not None and verify(uow.consent.key(now), token.strip(),
                                                          link)
            and link.is_open(now) and still_answerable(link, intro.state)
            and link.role not in intro.outcomes):
        return link, intro
    uow.accounts.set_throttle(key_of_address, after_address_failure(throttle, now))
    return None


def _private_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_PRIVATE_NOTE:
        raise InvalidInput(f"the note is {len(text):,} characters long; keep it under "
                           f"{MAX_PRIVATE_NOTE:,}.", field="note")
    return text or None


# ---- the introduction, on yes ------------------------------------------------------------

def send_introduction(uow: UnitOfWork, actor: MemberId, intro_id: str, clock: Clock, *,
                      note: str | None = None, can_send: bool = True) -> Draft:
    """Kithbook sends the introduction email to both, in the introducer's name (the same
    text as the draft the introducer could send from their own mail)."""
    now = clock.now()
    with uow:
        intro = _introducers(uow, actor, intro_id, "send the introduction of")
        draft = introduction_email(intro, note=note)
        _check_mail(can_send)
        missing = [p.name for p in (intro.requester, intro.target) if not p.email]
        if missing:
            raise InvalidInput(f"there is no email address for {' or '.join(missing)}; send "
                               "the introduction from your own mail instead.", field="email")
        # Each may answer the other straight away: both said yes to meeting.
        for party, other in ((intro.requester, intro.target), (intro.target, intro.requester)):
            _enqueue(uow, intro, party.email or "", draft.subject, draft.body, now,
                     reply_to=other.email)
        uow.commit()
        return draft


# ---- the background job: reminders and outcome emails ------------------------------------

def send_link_emails(uow: UnitOfWork, clock: Clock) -> int:
    """Enqueue the one reminder of each ask unanswered for `REMINDER_AFTER`, and the
    outcome emails of introductions made `OUTCOME_AFTER` ago. Safe from every worker at
    once: a link row (unique per party) or the reminder mark claims each email."""
    now = clock.now()
    enqueued = 0
    with uow:
        for link in uow.consent.reminders_due(now, now - REMINDER_AFTER):
            intro = uow.introductions.get(link.intro_id)
            if (intro is None or not still_answerable(link, intro.state)
                    or not uow.consent.mark_reminded(link.id, now)):
                continue
            subject, body = reminder_mail(f"Would you like to meet {intro.requester.name}?",
                                          intro.requester, intro.introducer,
                                          consent_link(link.id), link.expires_at)
            _enqueue(uow, intro, intro.target.email or "", subject, body, now)
            enqueued += 1
        enqueued += _outcome_emails(uow, now)
        uow.commit()
    return enqueued


def _outcome_emails(uow: UnitOfWork, now: datetime) -> int:
    # A window, so the job reads a few weeks of introductions, not all of them ever made.
    due = uow.introductions.made_between(now - OUTCOME_AFTER - OUTCOME_WINDOW,
                                         now - OUTCOME_AFTER)
    asked = {(link.intro_id, link.role)
             for link in uow.consent.of_intros([i.id for i in due], LinkPurpose.OUTCOME)}
    enqueued = 0
    for intro in due:
        for role, other in ((Role.REQUESTER, intro.target), (Role.TARGET, intro.requester)):
            party = intro.requester if role is Role.REQUESTER else intro.target
            if (intro.id, role) in asked or role in intro.outcomes or not party.email:
                continue
            link = ConsentLink(id=new_id(), intro_id=intro.id, role=role,
                               purpose=LinkPurpose.OUTCOME, created_at=now,
                               expires_at=now + LINK_LIFETIME)
            if not uow.consent.add(link):
                continue
            subject, body = outcome_mail(other, intro.introducer, consent_link(link.id))
            _enqueue(uow, intro, party.email, subject, body, now)
            enqueued += 1
    return enqueued


# ---- reading -----------------------------------------------------------------------------

def email_status(uow: UnitOfWork, actor: MemberId, intro_id: str) -> EmailStatus | None:
    """The ask by email of this request, for its introducer (None: none was sent)."""
    with uow.reading():
        try:
            intro = _introducers(uow, actor, intro_id, "follow the email of")
        except NotAllowed:
            return None
        link = next((k for k in uow.consent.of_intro(intro.id)
                     if k.purpose is LinkPurpose.ANSWER), None)
    return _status(intro, link) if link is not None else None


def email_statuses(uow: UnitOfWork, actor: MemberId) -> dict[IntroId, EmailStatus]:
    """The asks by email of every request `actor` introduces (for their list)."""
    with uow.reading():
        return statuses_among(uow, actor, uow.introductions.introduced_by(actor))


def statuses_among(uow: UnitOfWork, actor: MemberId, intros: list[Introduction]
                   ) -> dict[IntroId, EmailStatus]:
    """Inside an open unit of work: `email_statuses` of those of `intros` that `actor`
    introduces (a list already read need not be read again)."""
    mine = {i.id: i for i in intros if i.introducer.member == actor}
    if not mine:
        return {}
    links = uow.consent.of_intros(list(mine), LinkPurpose.ANSWER)
    return {link.intro_id: _status(mine[link.intro_id], link) for link in links}


def _status(intro: Introduction, link: ConsentLink) -> EmailStatus:
    return EmailStatus(target=intro.target.name, asked_at=link.created_at,
                       reminder_at=link.reminder_due(), reminded_at=link.reminded_at,
                       expires_at=link.expires_at, answered_at=link.used_at,
                       answer=link.answer)


def captured_reply(uow: UnitOfWork, actor: MemberId, intro_id: str) -> date | None:
    """The day the target last wrote to the introducer since the ask, as mail capture
    saw it (headers only): in a local book without a public URL the draft asks them to
    reply, and that reply is offered as their answer for the introducer to record."""
    with uow.reading():
        try:
            intro = _introducers(uow, actor, intro_id, "follow the answer of")
        except NotAllowed:
            return None
        contact = intro.target.contact
        asked = next((m.at.date() for m in intro.history if m.kind is MoveKind.FORWARD),
                     None)
        if intro.state is not IntroState.FORWARDED or contact is None or asked is None:
            return None
        seen = uow.interactions.for_contact(actor, contact, limit=50)
    about = intro.requester.name.casefold()
    replies = [i.occurred_on for i in seen
               if i.kind is Kind.EMAILED and (i.source or "").startswith(CAPTURED)
               and i.direction is not Direction.GAVE and i.occurred_on >= asked
               # On the thread: its subject names the requester (when subjects are kept).
               and (i.note is None or about in i.note.casefold())]
    return max(replies, default=None)


# ---- inside ------------------------------------------------------------------------------

def _introducers(uow: UnitOfWork, actor: MemberId, intro_id: str, verb: str) -> Introduction:
    wanted = intro_id.strip().lower()
    intro = uow.introductions.get(IntroId(wanted)) if wanted else None
    if intro is None or not intro.can_see(actor):
        raise NotFound(f"no introduction request {wanted} that you can see.",
                       field="introduction")
    if intro.introducer.member != actor:
        raise NotAllowed(f"only the introducer, {intro.introducer.name}, can {verb} this "
                         "request.")
    return intro


def _check_mail(can_send: bool) -> None:
    if not can_send:
        raise InvalidInput("this server cannot send email: set KITHBOOK_SMTP_URL and "
                           "KITHBOOK_PUBLIC_URL (docs/introductions.md, \"Answers by "
                           "email\"), or send the draft from your own mail.",
                           field="smtp_url")


def _enqueue(uow: UnitOfWork, intro: Introduction, to: str, subject: str, body: str,
             now: datetime, *, reply_to: str | None = None) -> None:
    """An email in the introducer's name; replies reach them (or `reply_to`)."""
    introducer = intro.introducer
    uow.outbox.add(OutgoingMail(id=new_id(), to_address=to, subject=subject, body=body,
                                sender_name=f"{introducer.name} (via Kithbook)",
                                reply_to=reply_to or introducer.email), now)

