"""Member links: a contact in one member's book that stands for another member's account.

A link exists only when both sides confirmed: the owner of the book proposes it, the
member named confirms it. Linked ties are what warm paths travel across, so either side
may end a link at any time, and it ends at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kithbook.domain.ids import ContactId, MemberId


@dataclass(frozen=True)
class MemberLink:
    id: str
    owner: MemberId  # whose book holds the contact
    contact_id: ContactId
    member: MemberId  # the account the contact stands for
    created_at: datetime
    confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True)
class LinkView:
    """One link as one side sees it: the other side's name, never the other's book."""

    id: str
    other_name: str  # the member (for the owner) or the owner (for the member)
    contact_name: str | None  # the owner's own contact; None for the member's view
    proposed_by_me: bool
    confirmed: bool
    created_at: datetime
