"""Turning rows into domain objects and back; one place so every repository agrees."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from kithbook.domain.ids import MemberId


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def member_id(row: Row[Any], column: str = "owner_id") -> MemberId:
    return MemberId(row._mapping[column])
