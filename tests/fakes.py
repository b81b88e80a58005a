"""Fakes for the ports we own (never for the database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


class FixedClock:
    """A clock that says what the test tells it to."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.date()

    def advance(self, days: float) -> None:
        self.current += timedelta(days=days)
