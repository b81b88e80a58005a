"""The port of what an undo puts back (kept apart from ports.py, which is long)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kithbook.domain.ids import ContactId, InteractionId, MemberId


@dataclass(frozen=True)
class UndoEntry:
    """What one removal or merge took away, kept so it can be put back. `rows` is the
    storage's own record, opaque here; `guard` says what must not have changed since."""

    id: str
    owner: MemberId
    kind: str
    label: str
    guard: dict[str, Any]
    rows: str
    created_at: datetime


class UndoRepository(Protocol):
    def capture_contacts(self, owner: MemberId, ids: Sequence[ContactId]) -> str:
        """Everything stored about these contacts, as it is now."""
        ...

    def capture_removal(self, owner: MemberId, contact_id: ContactId) -> str:
        """A contact about to be removed, with the interactions that involved only them."""
        ...

    def capture_interaction(self, owner: MemberId, interaction_id: InteractionId) -> str: ...

    def restore(self, owner: MemberId, kept: str) -> list[ContactId]:
        """Put what was captured back, replacing what stands for it now; returns the
        contacts it concerns."""
        ...

    def contacts_missing(self, owner: MemberId, ids: Sequence[ContactId]
                         ) -> list[ContactId]: ...

    def add(self, entry: UndoEntry) -> None: ...

    def get(self, owner: MemberId, entry_id: str) -> UndoEntry | None: ...

    def recent(self, owner: MemberId, limit: int) -> list[UndoEntry]: ...

    def remove(self, entry_id: str) -> None: ...

    def purge(self, before: datetime) -> int: ...
