"""Telling members what happened: introduction moves and the weekly digest, in the app
and by email.

The notifications and emails are written in the same transaction as what they report,
then a background sender (`deliver_due`) sends the emails with retries, never a request.
The weekly digest is enqueued by a background job too (`send_weekly_digests`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from kithbook.domain.accounts import RESET_LIFETIME
from kithbook.domain.consent import sign
from kithbook.domain.digest import Budget
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.introductions import Introduction
from kithbook.domain.notifications import (
    MAX_ATTEMPTS,
    Notification,
    OutgoingMail,
    digest_mail,
    digest_message,
    move_mail,
    move_message,
    retry_delay,
)
from kithbook.graph.strength import StrengthParams
from kithbook.services import depth, sessions
from kithbook.services.ports import Clock, Mailer, UnitOfWork

LEASE = timedelta(minutes=10)


# Filled in when the mail is sent, so waiting mail follows a change of address.
PUBLIC_URL = "{public_url}"
# A password reset link is made only when its email leaves: the outbox holds this
# placeholder, never a usable token.
_RESET = re.compile(r"\{reset:([A-Za-z0-9]{12})\}")
# A consent link is signed when its email leaves, like the public URL filled in.
_CONSENT = re.compile(r"\{consent:([0-9a-z]{12})\}")


def reset_link(reset_id: str) -> str:
    return "{reset:" + reset_id + "}"


def consent_link(link_id: str) -> str:
    return "{consent:" + link_id + "}"


def week_of(day: date) -> date:
    """The Monday that names a day's week: a digest goes out once per such week."""
    return day - timedelta(days=day.weekday())


def introduction_moved(uow: UnitOfWork, intro: Introduction, actor: MemberId | None,
                       at: datetime) -> None:
    """Inside the move's unit of work: tell every other member party who may see it
    (`actor` None: every one, as when someone answered by email)."""
    parties = {p.member for p in (intro.requester, intro.introducer, intro.target)
               if p.member is not None and p.member != actor}
    for member_id in sorted(parties):
        if not intro.can_see(member_id):
            continue  # a member target learns of a request only once it is forwarded
        view = intro.view_for(member_id)
        uow.notifications.add(Notification(id=new_id(), member_id=member_id, intro_id=intro.id,
                                           message=move_message(view), created_at=at))
        member = uow.members.get(member_id)
        if member is not None and member.email:
            subject, body = move_mail(view, f"{PUBLIC_URL}/introductions/{intro.id}")
            uow.outbox.add(OutgoingMail(id=new_id(), to_address=member.email, subject=subject,
                                        body=body), at)


def notifications(uow: UnitOfWork, actor: MemberId, limit: int = 50) -> list[Notification]:
    with uow.reading():
        return uow.notifications.for_member(actor, limit)


def mark_read(uow: UnitOfWork, actor: MemberId, clock: Clock) -> None:
    with uow:
        uow.notifications.mark_read(actor, clock.now())
        uow.commit()


def send_weekly_digests(uow: UnitOfWork, clock: Clock, params: StrengthParams) -> int:
    """Enqueue this week's digest, in the app and by email, for every member who wants it
    and has not had it yet. Safe to run from every worker at once: the (member, week) row
    is claimed in the same transaction as the notification and the email."""
    week = week_of(clock.today())
    with uow.reading():
        due = uow.accounts.digest_due(week)
        community = uow.accounts.community_settings().name
    enqueued = 0
    for member in due:
        digest = depth.digest(uow, member.id, clock, params, Budget())
        now = clock.now()
        with uow:
            if not uow.accounts.claim_digest(member.id, week, now):
                continue  # another worker sent it first
            uow.notifications.add(Notification(
                id=new_id(), member_id=member.id, intro_id=None,
                message=digest_message(digest), created_at=now, link="/digest"))
            if member.email:
                subject, body = digest_mail(digest, community, f"{PUBLIC_URL}/digest")
                uow.outbox.add(OutgoingMail(id=new_id(), to_address=member.email,
                                            subject=subject, body=body), now)
            uow.commit()
        enqueued += 1
    return enqueued


def _issue_reset_links(uow: UnitOfWork, body: str, public_url: str,
                       now: datetime) -> str | None:
    """The body with each reset placeholder turned into a fresh link (None: spent)."""
    links: dict[str, str] = {}
    for reset_id in set(_RESET.findall(body)):
        token = sessions.new_token()
        with uow:
            issued = uow.accounts.issue_reset(reset_id, sessions.token_hash(token), now,
                                              now + RESET_LIFETIME)
            uow.commit()
        if not issued:
            return None
        links[reset_id] = f"{public_url}/password-reset/{token}"
    return _RESET.sub(lambda found: links[found.group(1)], body)


def _issue_consent_links(uow: UnitOfWork, body: str, public_url: str,
                         now: datetime) -> str | None:
    """The body with each consent placeholder turned into its signed link (None: the
    link was used or expired before its email left, as a late reminder's may be)."""
    ids = set(_CONSENT.findall(body))
    if not ids:
        return body
    links: dict[str, str] = {}
    with uow:
        key = uow.consent.key(now)
        for link_id in ids:
            link = uow.consent.get(link_id)
            if link is None or not link.is_open(now):
                return None
            links[link_id] = f"{public_url}/answer/{sign(key, link)}"
        uow.commit()
    return _CONSENT.sub(lambda found: links[found.group(1)], body)


def deliver_due(uow: UnitOfWork, mailer: Mailer, clock: Clock, public_url: str,
                limit: int = 50, lease: timedelta = LEASE, holder: str | None = None) -> int:
    """Send what is due; a failure is retried later with a growing pause. Returns sent.

    The mail is claimed for `lease` by `holder` (SKIP LOCKED on PostgreSQL: senders of
    other servers take other mail), and the lease renewed just before each email is
    sent, so a slow batch never sends one whose lease ended and another sender took
    over. A sender that stops before marking it sent leaves it to be sent once its lease
    ends: only a stop between the SMTP server's yes and that mark, a moment per email,
    can send one twice, and then under the same Message-ID (the outbox row's), so mail
    systems take it as one message."""
    holder = holder or new_id()
    now = clock.now()
    with uow:
        due = uow.outbox.claim_due(now, now + lease, limit, holder)
        sender_name = uow.accounts.community_settings().mail_sender_name if due else None
        uow.commit()
    sent = 0
    base = public_url.rstrip("/")
    for mail in due:
        with uow:
            mine = uow.outbox.renew(mail.id, holder, clock.now() + lease)
            uow.commit()
        if not mine:
            continue  # this sender was too slow: another has it now
        body = _issue_reset_links(uow, mail.body.replace(PUBLIC_URL, base), base, clock.now())
        if body is not None:
            body = _issue_consent_links(uow, body, base, clock.now())
        if body is None:  # the link was used or replaced before its email left
            with uow:
                uow.outbox.mark_failed(mail.id, "the link was spent before sending", None)
                uow.commit()
            continue
        try:
            mailer.send(mail.to_address, mail.subject, body,
                        sender_name=mail.sender_name or sender_name, reply_to=mail.reply_to,
                        key=f"outbox.{mail.id}")
        except Exception as exc:  # whatever the server or network did, try again later
            attempts = mail.attempts + 1
            retry_at = clock.now() + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
            with uow:
                uow.outbox.mark_failed(mail.id, f"{type(exc).__name__}: {exc}", retry_at)
                uow.commit()
            continue
        with uow:
            uow.outbox.mark_sent(mail.id, clock.now())
            uow.commit()
        sent += 1
    return sent
