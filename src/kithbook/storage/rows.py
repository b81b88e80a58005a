"""Turning rows into domain objects and back; one place so every repository agrees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Row, select

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
