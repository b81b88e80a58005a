"""Members in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member, Role
from kithbook.domain.ties import AskRule, SharingPolicy, Visibility
from kithbook.storage.rows import aware
from kithbook.storage.tables import members


class SqlMembers:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, member: Member) -> None:
        policy = member.default_policy
        self._c.execute(members.insert(), {
            "id": member.id, "name": member.name, "email": member.email,
            "role": member.role.value, "created_at": member.created_at,
            "default_visibility": policy.visibility.value,
            "default_ask_rule": policy.ask_rule.value,
            "default_ask_min_trust": policy.ask_min_trust,
            "organization": member.organization, "title": member.title,
        })

    def get(self, member_id: MemberId) -> Member | None:
        row = self._c.execute(select(members).where(members.c.id == member_id)).first()
        return member_from_row(row) if row else None

    def only(self) -> Member | None:
        rows = self._c.execute(select(members).order_by(members.c.created_at).limit(2)).all()
        return member_from_row(rows[0]) if len(rows) == 1 else None

    def count(self) -> int:
        return int(self._c.scalar(select(func.count()).select_from(members)) or 0)

    def delete(self, member_id: MemberId) -> None:
        """Remove the account; its contacts, ties and interactions go with it (cascade)."""
        self._c.execute(delete(members).where(members.c.id == member_id))

    def set_default_policy(self, member_id: MemberId, policy: SharingPolicy) -> None:
        self._c.execute(update(members).where(members.c.id == member_id).values(
            default_visibility=policy.visibility.value,
            default_ask_rule=policy.ask_rule.value,
            default_ask_min_trust=policy.ask_min_trust))


    def set_profile(self, member_id: MemberId, name: str, organization: str | None,
                    title: str | None) -> None:
        self._c.execute(update(members).where(members.c.id == member_id).values(
            name=name, organization=organization, title=title))


def member_from_row(row: Any) -> Member:
    return Member(
        id=MemberId(row.id), name=row.name, email=row.email, role=Role(row.role),
        created_at=aware(row.created_at),
        default_policy=SharingPolicy(
            visibility=Visibility(row.default_visibility),
            ask_rule=AskRule(row.default_ask_rule),
            ask_min_trust=row.default_ask_min_trust,
        ),
        organization=row.organization, title=row.title,
    )
