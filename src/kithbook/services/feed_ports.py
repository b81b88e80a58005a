"""The feed repository protocol the unit of work carries (`services/ports.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kithbook.domain.ids import MemberId


class FeedRepository(Protocol):
    def of(self, member: MemberId) -> tuple[datetime, int | None] | None: ...

    def member_for(self, token_hash: str) -> tuple[MemberId, int | None] | None: ...

    def put(self, member: MemberId, token_hash: str, at: datetime,
            alarm_minutes: int | None) -> None: ...

    def set_alarm(self, member: MemberId, alarm_minutes: int | None) -> bool: ...
