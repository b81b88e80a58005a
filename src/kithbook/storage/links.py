"""Member links in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.links import MemberLink
from kithbook.storage.rows import aware
from kithbook.storage.tables import member_links


class SqlLinks:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, link: MemberLink) -> None:
        self._c.execute(insert(member_links), {
            "id": link.id, "owner_id": link.owner, "contact_id": link.contact_id,
            "member_id": link.member, "email": link.email, "created_at": link.created_at,
            "confirmed_at": link.confirmed_at})

    def get(self, link_id: str) -> MemberLink | None:
        row = self._c.execute(select(member_links).where(member_links.c.id == link_id)).first()
        return _link(row) if row else None

    def for_contact(self, contact_id: ContactId) -> MemberLink | None:
        row = self._c.execute(select(member_links)
                              .where(member_links.c.contact_id == contact_id)).first()
        return _link(row) if row else None

    def involving(self, member: MemberId, email: str | None) -> list[MemberLink]:
        named = [member_links.c.owner_id == member, member_links.c.member_id == member]
        if email:
            named.append(and_(member_links.c.member_id.is_(None), member_links.c.email == email))
        rows = self._c.execute(select(member_links).where(or_(*named))
                               .order_by(member_links.c.created_at, member_links.c.id)).all()
        return [_link(row) for row in rows]

    def confirm(self, link_id: str, member: MemberId, at: datetime) -> None:
        self._c.execute(update(member_links).where(member_links.c.id == link_id)
                        .values(member_id=member, confirmed_at=at))

    def remove(self, link_id: str) -> None:
        self._c.execute(delete(member_links).where(member_links.c.id == link_id))


def _link(row: Any) -> MemberLink:
    created = aware(row.created_at)
    assert created is not None
    return MemberLink(id=row.id, owner=MemberId(row.owner_id),
                      contact_id=ContactId(row.contact_id),
                      member=MemberId(row.member_id) if row.member_id else None,
                      email=row.email, created_at=created, confirmed_at=aware(row.confirmed_at))
