"""The sync repository protocol the unit of work carries (`services/ports.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from kithbook.domain.ids import MemberId
from kithbook.domain.sync import StoredConflict, SyncCard


class SyncRepository(Protocol):
    def cards(self, source_id: str) -> list[SyncCard]: ...

    def put_cards(self, source_id: str, cards: Sequence[SyncCard]) -> None:
        """Each card's row becomes exactly this (by href)."""
        ...

    def remove_cards(self, source_id: str, hrefs: Sequence[str]) -> None: ...

    def conflicts(self, owner: MemberId) -> list[StoredConflict]: ...

    def put_conflict(self, source_id: str, contact: str, field: str, ours: Any, theirs: Any,
                     at: datetime) -> None: ...

    def remove_conflict(self, conflict_id: str) -> None: ...
