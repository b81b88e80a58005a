"""Telling the parties of an introduction about each move: in the app and by email.

The notifications and emails are written in the same transaction as the move, then a
background sender (`deliver_due`) sends the emails with retries, never a request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.introductions import Introduction
from kithbook.domain.notifications import (
    MAX_ATTEMPTS,
    Notification,
    OutgoingMail,
    move_mail,
    move_message,
    retry_delay,
)
from kithbook.services.ports import Clock, Mailer, UnitOfWork

LEASE = timedelta(minutes=10)


# Filled in when the mail is sent, so waiting mail follows a change of address.
PUBLIC_URL = "{public_url}"


def introduction_moved(uow: UnitOfWork, intro: Introduction, actor: MemberId,
                       at: datetime) -> None:
    """Inside the move's unit of work: tell every other member party who may see it."""
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


def deliver_due(uow: UnitOfWork, mailer: Mailer, clock: Clock, public_url: str,
                limit: int = 50) -> int:
    """Send what is due; a failure is retried later with a growing pause. Returns sent."""
    now = clock.now()
    with uow:
        due = uow.outbox.claim_due(now, now + LEASE, limit)
        uow.commit()
    sent = 0
    for mail in due:
        try:
            mailer.send(mail.to_address, mail.subject,
                        mail.body.replace(PUBLIC_URL, public_url.rstrip("/")))
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
