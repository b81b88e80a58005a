"""Members: the accounts. Local mode has exactly one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kithbook.domain.ids import MemberId
from kithbook.domain.ties import SharingPolicy


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
