"""In-app notifications and the mail outbox in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, String, insert, literal, select, update

from kithbook.domain.ids import MemberId
from kithbook.domain.notifications import Notification, OutgoingMail
from kithbook.storage.rows import aware
from kithbook.storage.tables import members, notifications, outbox


class SqlNotifications:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, notification: Notification) -> None:
        self._c.execute(insert(notifications), {
            "id": notification.id, "member_id": notification.member_id,
            "intro_id": notification.intro_id, "message": notification.message,
            "created_at": notification.created_at, "link": notification.link})

    def add_for_email(self, email: str, notification: Notification) -> None:
        # One statement that inserts nothing when no member has the email: the same work
        # either way, so what is run does not tell whether someone is a member.
        chosen = select(literal(notification.id, String), members.c.id,
                        literal(notification.message, String),
                        literal(notification.link, String),
                        literal(notification.created_at, DateTime(timezone=True))
                        ).where(members.c.email == email)
        self._c.execute(insert(notifications).from_select(
            ["id", "member_id", "message", "link", "created_at"], chosen))

    def for_member(self, member: MemberId, limit: int) -> list[Notification]:
        rows = self._c.execute(select(notifications).where(notifications.c.member_id == member)
                               .order_by(notifications.c.created_at.desc(),
                                         notifications.c.id).limit(limit)).all()
        return [_notification(row) for row in rows]

    def mark_read(self, member: MemberId, at: datetime) -> None:
        self._c.execute(update(notifications).where(notifications.c.member_id == member,
                                                    notifications.c.read_at.is_(None))
                        .values(read_at=at))


class SqlOutbox:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, mail: OutgoingMail, at: datetime) -> None:
        self._c.execute(insert(outbox), {
            "id": mail.id, "to_address": mail.to_address, "subject": mail.subject,
            "body": mail.body, "created_at": at, "next_attempt_at": at,
            "sender_name": mail.sender_name, "reply_to": mail.reply_to})

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  holder: str = "") -> list[OutgoingMail]:
        """Mail due now, leased to `holder`: another sender skips it until the lease ends."""
        query = (select(outbox).where(outbox.c.next_attempt_at <= now)
                 .order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit))
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = self._c.execute(query).all()
        if rows:
            self._c.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows]))
                            .values(next_attempt_at=lease_until, claimed_by=holder))
        return [OutgoingMail(id=r.id, to_address=r.to_address, subject=r.subject, body=r.body,
                             attempts=r.attempts, sender_name=r.sender_name,
                             reply_to=r.reply_to) for r in rows]

    def renew(self, mail_id: str, holder: str, lease_until: datetime) -> bool:
        """Extend `holder`'s lease on a mail it is about to send; False when its lease
        ended and another sender has claimed the mail since (or sent it)."""
        kept = self._c.execute(update(outbox).where(
            outbox.c.id == mail_id, outbox.c.claimed_by == holder, outbox.c.sent_at.is_(None),
            outbox.c.next_attempt_at.is_not(None)).values(next_attempt_at=lease_until)
            .returning(outbox.c.id))
        return kept.first() is not None

    def mark_sent(self, mail_id: str, at: datetime) -> None:
        self._c.execute(update(outbox).where(outbox.c.id == mail_id).values(
            sent_at=at, next_attempt_at=None, attempts=outbox.c.attempts + 1))

    def mark_failed(self, mail_id: str, error: str, retry_at: datetime | None) -> None:
        self._c.execute(update(outbox).where(outbox.c.id == mail_id).values(
            last_error=error[:2000], next_attempt_at=retry_at,
            attempts=outbox.c.attempts + 1))

    def pending(self) -> int:
        rows = self._c.execute(select(outbox.c.id).where(outbox.c.sent_at.is_(None),
                                                         outbox.c.next_attempt_at.is_not(None)))
        return len(rows.all())


def _notification(row: Any) -> Notification:
    created = aware(row.created_at)
    assert created is not None
    return Notification(id=row.id, member_id=row.member_id, intro_id=row.intro_id,
                        message=row.message, created_at=created, read_at=aware(row.read_at),
                        link=row.link)
