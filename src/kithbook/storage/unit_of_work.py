"""The unit of work: one transaction, with the repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from kithbook.domain.errors import Busy
from kithbook.storage.accounts import SqlAccounts
from kithbook.storage.bulk import SqlBulkWriter, analyze_after_commit, forget_analyze
from kithbook.storage.capture import SqlCapture
from kithbook.storage.consent import SqlConsentLinks
from kithbook.storage.contacts import SqlContacts
from kithbook.storage.depth import SqlDepth
from kithbook.storage.feeds import SqlFeeds
from kithbook.storage.important_dates import SqlImportantDates
from kithbook.storage.interactions import SqlInteractions
from kithbook.storage.introductions import SqlIntroductions
from kithbook.storage.job_leases import SqlJobLeases
from kithbook.storage.links import SqlLinks
from kithbook.storage.members import SqlMembers
from kithbook.storage.network import ContactLinks, SqlNetwork
from kithbook.storage.notifications import SqlNotifications, SqlOutbox
from kithbook.storage.photos import SqlPhotos
from kithbook.storage.request_keys import SqlRequestKeys
from kithbook.storage.sync import SqlSync
from kithbook.storage.ties import SqlTies
from kithbook.storage.undo import SqlUndo


class SqlUnitOfWork:
    """`with uow:` opens a writing transaction; leaving without `commit()` rolls back."""

    members: SqlMembers
    contacts: SqlContacts
    ties: SqlTies
    interactions: SqlInteractions
    bulk: SqlBulkWriter
    introductions: SqlIntroductions
    network: SqlNetwork
    contact_links: ContactLinks
    depth: SqlDepth
    accounts: SqlAccounts
    links: SqlLinks
    notifications: SqlNotifications
    outbox: SqlOutbox
    jobs: SqlJobLeases
    request_keys: SqlRequestKeys
    capture: SqlCapture
    dates: SqlImportantDates
    photos: SqlPhotos
    feeds: SqlFeeds
    consent: SqlConsentLinks
    sync: SqlSync
    undo: SqlUndo

    def __init__(self, engine: Engine, on_commit: Callable[[], None] = lambda: None,
                 before_commit: Callable[[SqlUnitOfWork], None] = lambda uow: None) -> None:
        self._engine = engine
        # Given the open unit of work just before each commit, to add to the transaction
        # what must land with it or not at all (services/request_keys.py).
        self._before_commit = before_commit
        # Told after every committed write: the use case's retry counts commits
        # (services/retry.py), so one that already wrote is never run again.
        self._on_commit = on_commit
        self._connection: Connection | None = None
        self._read_only = False

    def reading(self) -> Self:
        self._read_only = True
        return self

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open")
        connection = self._engine.connect()
        if self._read_only:
            connection.info["sqlite_begin"] = "BEGIN"
        else:
            connection.info.pop("sqlite_begin", None)
        try:
            connection.begin()
        except DBAPIError as exc:
            connection.close()
            if is_transient(exc):
                raise Busy(BUSY_MESSAGE) from exc
            raise
        self._connection = connection
        self.members = SqlMembers(connection)
        self.contacts = SqlContacts(connection)
        self.ties = SqlTies(connection)
        self.interactions = SqlInteractions(connection)
        self.bulk = SqlBulkWriter(connection)
        self.introductions = SqlIntroductions(connection)
        self.network = SqlNetwork(connection)
        self.contact_links = ContactLinks(connection)
        self.depth = SqlDepth(connection)
        self.accounts = SqlAccounts(connection)
        self.links = SqlLinks(connection)
        self.notifications = SqlNotifications(connection)
        self.outbox = SqlOutbox(connection)
        self.jobs = SqlJobLeases(connection)
        self.request_keys = SqlRequestKeys(connection)
        self.capture = SqlCapture(connection)
        self.dates = SqlImportantDates(connection)
        self.photos = SqlPhotos(connection)
        self.feeds = SqlFeeds(connection)
        self.consent = SqlConsentLinks(connection)
        self.sync = SqlSync(connection)
        self.undo = SqlUndo(connection)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        connection = self._connection
        self._connection = None
        self._read_only = False
        if connection is None:
            return
        try:
            forget_analyze(connection)
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()
        # Rolled back as a whole, so the use case may run again (see services/retry.py).
        if isinstance(exc, DBAPIError) and is_transient(exc):
            raise Busy(BUSY_MESSAGE) from exc

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit outside of `with uow:`")
        self._before_commit(self)
        self._connection.commit()
        analyze_after_commit(self._connection)
        self._on_commit()

    def rollback(self) -> None:
        if self._connection is not None:
            self._connection.rollback()


BUSY_MESSAGE = ("the database was busy with other changes and could not take this one; "
                "nothing was written. Try again in a moment.")
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
# serialization_failure, deadlock_detected: PostgreSQL aborted the whole transaction.
_POSTGRES_RETRYABLE = frozenset({"40001", "40P01"})


def is_transient(exc: DBAPIError) -> bool:
    """True when the transaction failed only because of others running at the same time."""
    original = exc.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _POSTGRES_RETRYABLE
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    text = str(original).lower()
    return "database is locked" in text or "database is busy" in text
