"""Writing a whole book at once: demo data, benchmarks and large imports.

SQLite gets `executemany` on the raw driver inside the unit of work's transaction;
PostgreSQL gets COPY, which is several times faster than batched INSERTs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table

from kithbook.domain.contacts import fold
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Interaction
from kithbook.services.ports import BulkBook
from kithbook.storage.contacts import CHILD_TABLES, child_rows, contact_row
from kithbook.storage.important_dates import date_rows
from kithbook.storage.interactions import interaction_row, link_rows
from kithbook.storage.tables import (
    contact_dates,
    contacts,
    interaction_contacts,
    interactions,
    ties,
)
from kithbook.storage.ties import tie_row

BATCH = 20_000


class SqlBulkWriter:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, owner: MemberId, book: BulkBook) -> None:
        if self._c.dialect.name == "sqlite":
            # Ids are random, so every index is written all over; a cache that holds the
            # indexes keeps that in memory instead of on disk.
            self._c.exec_driver_sql("PRAGMA cache_size=-262144")
        self._insert(contacts, (contact_row(c) for c in book.contacts))
        children = [child_rows(c) for c in book.contacts]
        for key, table in CHILD_TABLES.items():
            self._insert(table, (row for rows in children for row in rows[key]))
        last, count = _activity(book.interactions)
        # Each tie's copy of its contact's name, written here so no trigger has to.
        name_keys = {c.id: fold(c.name) for c in book.contacts}
        tie_rows = ({**tie_row(t), "last_interaction_on": last.get(t.contact),
                     "interaction_count": count.get(t.contact, 0),
                     "name_key": name_keys.get(t.contact)} for t in book.ties)
        self._insert(ties, tie_rows)
        self._insert(contact_dates, (row for contact, values in book.dates.items()
                                     for row in date_rows(contact, values)))
        self._insert(interactions, (interaction_row(i) for i in book.interactions))
        self._insert(interaction_contacts,
                     (row for i in book.interactions for row in link_rows(i)))

    def _insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        names = [c.name for c in table.columns]
        tuples = (tuple(row.get(n) for n in names) for row in rows)
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
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row)
        cursor.close()


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
