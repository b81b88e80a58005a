"""Writes made once per `Idempotency-Key`, and the answers kept for their retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.services.ports import KeptAnswer
from kithbook.storage.tables import request_keys


class SqlRequestKeys:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def record(self, key: str, fingerprint: str, at: datetime) -> bool:
        """Record the key with the write it came with; False when it was already recorded.

        On PostgreSQL a second transaction recording the same key waits until the first
        ends, then inserts nothing: only one of two racing retries writes."""
        values = {"key": key, "fingerprint": fingerprint, "created_at": at}
        first = (postgresql_insert if self._c.dialect.name == "postgresql"
                 else sqlite_insert)(request_keys).values(**values)
        done = self._c.execute(first.on_conflict_do_nothing(index_elements=["key"])
                               .returning(request_keys.c.key))
        return done.first() is not None

    def get(self, key: str) -> KeptAnswer | None:
        row = self._c.execute(select(request_keys).where(request_keys.c.key == key)).first()
        if row is None:
            return None
        return KeptAnswer(fingerprint=row.fingerprint, status=row.status,
                          content_type=row.content_type, body=row.body)

    def keep_answer(self, key: str, status: int, content_type: str | None,
                    body: str | None) -> None:
        self._c.execute(update(request_keys).where(request_keys.c.key == key)
                        .values(status=status, content_type=content_type, body=body))

    def forget_before(self, at: datetime) -> int:
        gone = self._c.execute(delete(request_keys).where(request_keys.c.created_at < at)
                               .returning(request_keys.c.key))
        return len(gone.all())
