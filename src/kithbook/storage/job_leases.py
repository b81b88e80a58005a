"""Periodic background jobs claimed in SQL, so one server of several runs each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.storage.tables import job_leases


class SqlJobLeases:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def claim(self, name: str, holder: str, now: datetime, lease_until: datetime) -> bool:
        """Claim the job when it is due and nobody holds it; True when this caller did.

        One UPDATE decides: on PostgreSQL a second claimer waits on the row lock, then
        finds the lease taken (READ COMMITTED evaluates the condition again); on SQLite
        the writer lock orders them the same way."""
        first = (postgresql_insert if self._c.dialect.name == "postgresql"
                 else sqlite_insert)(job_leases).values(name=name, next_run_at=now)
        self._c.execute(first.on_conflict_do_nothing(index_elements=["name"]))
        claimed = self._c.execute(
            update(job_leases)
            .where(job_leases.c.name == name, job_leases.c.next_run_at <= now,
                   or_(job_leases.c.claimed_until.is_(None),
                       job_leases.c.claimed_until <= now))
            .values(claimed_until=lease_until, holder=holder)
            .returning(job_leases.c.name))
        return claimed.first() is not None

    def finish(self, name: str, holder: str, next_run_at: datetime) -> None:
        """Release the claim (if this holder still has it) and set when the job is next due."""
        self._c.execute(update(job_leases)
                        .where(job_leases.c.name == name, job_leases.c.holder == holder)
                        .values(next_run_at=next_run_at, claimed_until=None, holder=None))
