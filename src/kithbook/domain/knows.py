"""Who knows whom: a member's record that two of their own contacts know each other.

These records are what local warm paths travel along; they are not member links
(`domain/links.py`), which tie a contact to another member's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kithbook.domain.ids import ContactId, MemberId


@dataclass(frozen=True)
class ContactLink:
    """A member's record that two of their contacts know each other."""

    owner: MemberId
    a: ContactId
    b: ContactId
    strength: float
    note: str | None = None
    created_at: datetime | None = None
