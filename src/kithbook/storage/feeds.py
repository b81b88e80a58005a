"""Members' calendar feeds in SQL: the hash of each one's secret, and its alarm."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from kithbook.domain.ids import MemberId
from kithbook.storage.rows import aware
from kithbook.storage.tables import feed_tokens


class SqlFeeds:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def of(self, member: MemberId) -> tuple[datetime, int | None] | None:
        """When the member's feed secret was made, and its alarm; None: no feed yet."""
        row = self._c.execute(select(feed_tokens.c.created_at, feed_tokens.c.alarm_minutes)
                              .where(feed_tokens.c.member_id == member)).first()
        if row is None:
            return None
        made = aware(row.created_at)
        assert made is not None
        return made, row.alarm_minutes

    def member_for(self, token_hash: str) -> tuple[MemberId, int | None] | None:
        row = self._c.execute(select(feed_tokens.c.member_id, feed_tokens.c.alarm_minutes)
                              .where(feed_tokens.c.token_hash == token_hash)).first()
        return (MemberId(row.member_id), row.alarm_minutes) if row else None

    def put(self, member: MemberId, token_hash: str, at: datetime,
            alarm_minutes: int | None) -> None:
        """The member's feed answers to this secret only from now on."""
        self._c.execute(delete(feed_tokens).where(feed_tokens.c.member_id == member))
        self._c.execute(insert(feed_tokens), {"member_id": member, "token_hash": token_hash,
                                              "created_at": at,
                                              "alarm_minutes": alarm_minutes})

    def set_alarm(self, member: MemberId, alarm_minutes: int | None) -> bool:
        done = self._c.execute(update(feed_tokens).where(feed_tokens.c.member_id == member)
                               .values(alarm_minutes=alarm_minutes))
        return bool(done.rowcount)
