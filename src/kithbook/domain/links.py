"""Member links: a contact in one member's book that stands for another member's account.

A link exists only when both sides confirmed: the owner of the book proposes it to an
email, the member whose account has that email confirms it. Until then the proposal names
no member, so it looks the same to the proposer whether or not anyone has that email.
Linked ties are what warm paths travel across, so either side may end a link at any
time, and it ends at once.
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
    member: MemberId | None  # the account the contact stands for, once confirmed
    email: str | None  # the email the owner named (None only for old confirmed links)
    created_at: datetime
    confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def is_for(self, member: MemberId, email: str | None) -> bool:
        """Whether the member (with that account email) is the one this link names."""
        if self.member is not None:
            return self.member == member
        return email is not None and self.email == email


@dataclass(frozen=True)
class LinkView:
    """One link as one side sees it: the other side's name, never the other's book."""

    id: str
    # for the owner: the member once confirmed, until then the email they named;
    # for the member: the owner
    other_name: str
    contact_name: str | None  # the owner's own contact; None for the member's view
    proposed_by_me: bool
    confirmed: bool
    created_at: datetime
