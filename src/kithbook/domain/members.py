"""Members: the accounts. Local mode has exactly one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import MemberId
from kithbook.domain.ties import SharingPolicy

MAX_NAME = 200


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


@dataclass
class Member:
    id: MemberId
    name: str
    email: str | None = None
    role: Role = Role.MEMBER
    created_at: datetime | None = None
    default_policy: SharingPolicy = field(default_factory=SharingPolicy)
    # What the member shows other members on their profile (path search finds them by it).
    organization: str | None = None
    title: str | None = None


def member_name(text: str) -> str:
    """A member's own name as others will see it: spaces folded, never empty."""
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"give your name as others will see it (up to {MAX_NAME} characters).",
                           field="name")
    return name
