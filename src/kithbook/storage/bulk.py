"""Writing a whole book at once: demo data, benchmarks and large imports.

SQLite gets `executemany` on the raw driver inside the unit of work's transaction;
PostgreSQL gets COPY, which is several times faster than batched INSERTs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table
from sqlalchemy.exc import DBAPIError

from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Interaction
from kithbook.services.ports import BulkBook
from kithbook.storage.contacts import CHILD_TABLES, child_rows, contact_row, name_key
from kithbook.storage.important_dates import date_rows
from kithbook.storage.interactions import interaction_row, link_rows
from kithbook.storage.photos import SqlPhotos
from kithbook.storage.search_index import FTS_TABLE
from kithbook.storage.tables import (
    contact_dates,
    contact_knows,
    contacts,
    interaction_contacts,
    interactions,
    ties,
)
from kithbook.storage.ties import tie_row

BATCH = 20_000
# Rows copied into a PostgreSQL table from which its planner statistics are renewed once
# the write commits (`analyze_after_commit`).
ANALYZE_FROM = 100
ANALYZE_KEY = "kithbook_analyze"
# Rows in one write from which SQLite's row triggers are done once for the whole write.
SET_WISE = 500
# SQLite runs these for every row inserted; for a large write their effect is made once,
# set-wise (see `_RowTriggersSetAside`). PostgreSQL's are statement triggers already.
_ROW_TRIGGERS = ("contacts_fts_insert", "network_bump_ties_insert",
                 "network_bump_contact_tags_insert", "ties_name_key_insert")


class SqlBulkWriter:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, owner: MemberId, book: BulkBook) -> None:
        if self._c.dialect.name == "sqlite":
            # Ids are random, so every index is written all over; a cache that holds the
            # indexes keeps that in memory instead of on disk.
            self._c.exec_driver_sql("PRAGMA cache_size=-262144")
            if len(book.contacts) + len(book.ties) >= SET_WISE:
                with _RowTriggersSetAside(self._c, owner):
                    self._write(book)
                return
        self._write(book)

    def _write(self, book: BulkBook) -> None:
        self._insert(contacts, (contact_row(c) for c in book.contacts))
        children = [child_rows(c) for c in book.contacts]
        for key, table in CHILD_TABLES.items():
            self._insert(table, (row for rows in children for row in rows[key]))
        last, count = _activity(book.interactions)
        # Each tie's copy of its contact's name, written here so no trigger has to.
        name_keys = {c.id: name_key(c.name) for c in book.contacts}
        tie_rows = ({**tie_row(t), "last_interaction_on": last.get(t.contact),
                     "interaction_count": count.get(t.contact, 0),
                     "name_key": name_keys.get(t.contact)} for t in book.ties)
        self._insert(ties, tie_rows)
        self._insert(contact_dates, (row for contact, values in book.dates.items()
                                     for row in date_rows(contact, values)))
        # Few and large: one insert, not the COPY text format.
        SqlPhotos(self._c).put_many(book.photos)
        self._insert(interactions, (interaction_row(i) for i in book.interactions))
        self._insert(interaction_contacts,
                     (row for i in book.interactions for row in link_rows(i)))
        self._insert(contact_knows, (
            {"contact_a": min(k.a, k.b), "contact_b": max(k.a, k.b), "owner_id": k.owner,
             "strength": k.strength, "note": k.note, "created_at": k.created_at}
            for k in book.knows))

    def _insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        names = [c.name for c in table.columns]
        tuples = (tuple(map(row.get, names)) for row in rows)
        if self._c.dialect.name == "postgresql":
            self._copy(table, names, tuples)
        else:
            self._executemany(table, names, _sqlite_rows(table, tuples))

    def _executemany(self, table: Table, names: Sequence[str],
                     tuples: Iterable[tuple[Any, ...]]) -> None:
        sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
               f"VALUES ({', '.join('?' for _ in names)})")
        cursor = self._c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        batch: list[tuple[Any, ...]] = []
        for row in tuples:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        cursor.close()

    def _copy(self, table: Table, names: Sequence[str],
              tuples: Iterable[tuple[Any, ...]]) -> None:
        cursor = self._c.connection.driver_connection.cursor()  # type: ignore[union-attr]
        count = 0
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row)
                count += 1
        cursor.close()
        if count >= ANALYZE_FROM:
            self._c.info.setdefault(ANALYZE_KEY, set()).add(table.name)


def analyze_after_commit(connection: Connection) -> None:
    """Renew PostgreSQL's statistics of the tables a bulk write of this transaction filled,
    once it has committed. Until statistics are renewed (by autovacuum, if it runs, only
    after a delay) the planner believes a freshly filled table is as small as before, and
    a contact's timeline read the whole interactions table: 21 ms instead of 0.1 ms on a
    community of 12,000 contacts (docs/benchmarks.md). Statistics are only advice: a
    table another session is analyzing is skipped, and a failure here loses nothing."""
    tables = connection.info.pop(ANALYZE_KEY, None)
    if not tables or connection.dialect.name != "postgresql":
        return
    try:
        connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {', '.join(sorted(tables))}")
        connection.commit()
    except DBAPIError:
        connection.rollback()


def forget_analyze(connection: Connection) -> None:
    """A rolled-back bulk write filled nothing: its tables need no new statistics."""
    connection.info.pop(ANALYZE_KEY, None)


class _RowTriggersSetAside:
    """Drops SQLite's per-row insert triggers for one bulk write and does their work once.

    A trigger per inserted row was most of a large import's time on SQLite: one FTS
    insert per contact, one version bump per tie and per tag. Inside the write's own
    transaction (DDL is transactional in SQLite: a failure or a killed process brings the
    triggers back with everything else) the triggers are dropped, the rows inserted, then
    the search index gets the new contacts in one statement, the network version one bump,
    and the triggers are created again exactly as they were. The bulk writer sets each
    tie's `name_key` itself, so that trigger had nothing to do.
    """

    def __init__(self, connection: Connection, owner: MemberId) -> None:
        self._c = connection
        self._owner = owner
        self._saved: dict[str, str] = {}
        self._before = 0

    def __enter__(self) -> None:
        names = ", ".join(f"'{name}'" for name in _ROW_TRIGGERS)
        rows = self._c.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
        self._saved = {str(row[0]): str(row[1]) for row in rows}
        self._before = self._c.exec_driver_sql(
            "SELECT coalesce(max(rowid), 0) FROM contacts").scalar_one()
        for name in self._saved:
            self._c.exec_driver_sql(f"DROP TRIGGER {name}")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            return  # the transaction is rolled back, dropped triggers included
        if "contacts_fts_insert" in self._saved:
            # Contacts' rowids only grow under the write lock this transaction holds.
            self._c.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT rowid, search_text "
                "FROM contacts WHERE rowid > ?", (self._before,))
        if any(name.startswith("network_bump_") for name in self._saved):
            self._c.exec_driver_sql("UPDATE network_versions SET version = version + 1 "
                                    "WHERE owner_id = ?", (self._owner,))
        for sql in self._saved.values():
            self._c.exec_driver_sql(sql)


def _activity(items: Sequence[Interaction]) -> tuple[dict[str, date], dict[str, int]]:
    last: dict[str, date] = {}
    count: dict[str, int] = {}
    for interaction in items:
        day = interaction.occurred_on
        for cid in interaction.contact_ids:
            count[cid] = count.get(cid, 0) + 1
            if cid not in last or last[cid] < day:
                last[cid] = day
    return last, count


def _sqlite_rows(table: Table, tuples: Iterable[tuple[Any, ...]]
                 ) -> Iterator[tuple[Any, ...]]:
    """Store dates the way SQLAlchemy's SQLite types read them back, converting only the
    date and time columns, each distinct value once."""
    typed = [i for i, column in enumerate(table.columns)
             if isinstance(column.type, Date | DateTime | Boolean)]
    if not typed:
        yield from tuples
        return
    memo: dict[Any, Any] = {}
    for row in tuples:
        values = list(row)
        for i in typed:
            value = values[i]
            if value is not None:
                converted = memo.get(value)
                if converted is None:
                    converted = memo[value] = _sqlite_value(value)
                values[i] = converted
        yield tuple(values)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
