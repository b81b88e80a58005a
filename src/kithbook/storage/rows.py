"""Turning rows into domain objects and back; one place so every repository agrees."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, Connection, Row, String, literal_column, select

from kithbook.domain.ids import MemberId


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def member_id(row: Row[Any], column: str = "owner_id") -> MemberId:
    return MemberId(row._mapping[column])


def existing_ids(connection: Connection, column: Column[str], ids: Sequence[str]) -> set[str]:
    """Which of `ids` the key `column` already holds, asked in chunks a driver accepts."""
    taken: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        taken.update(connection.scalars(select(column).where(column.in_(chunk))))
    return taken


def owned_by(dialect: str, column: Column[str],
             owner: str | ColumnElement[str]) -> ColumnElement[bool]:
    """`column == owner` for a query that names its rows by key: on SQLite (`dialect`) the
    test is kept off any index (`+`), since without statistics SQLite would rather walk
    the owner's index and test every row of the book than look the keys up (names of 300
    contacts on a 100,000-contact book: 100 ms against 0.4 ms)."""
    if dialect == "sqlite":
        return literal_column(f"+{column.table.name}.{column.name}", String) == owner
    return column == owner


T = TypeVar("T")
# Answers remembered per pooled SQLite connection (see `remembered`).
_KEPT = 64


def remembered(connection: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, remembered per pooled SQLite connection for as long as the database
    stays the same: no other connection committed (`data_version`) and this one wrote
    nothing (`total_changes`). For the reads every list makes that depend on the whole
    book, such as counts; computed every time on other databases."""
    if connection.dialect.name != "sqlite":
        return compute()
    # Asked of the driver's connection itself: through SQLAlchemy the PRAGMA costs ten
    # times as much, and lists ask up to four times.
    raw: Any = connection.connection.driver_connection
    version = (raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes)
    cache: dict[Hashable, tuple[Any, T]] = connection.connection.info.setdefault(
        "kithbook_remembered", {})
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    answer = compute()
    if len(cache) >= _KEPT:
        cache.clear()
    cache[key] = (version, answer)
    return answer
