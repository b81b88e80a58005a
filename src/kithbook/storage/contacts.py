"""Contacts in SQL: the entry and its emails, phones, links and tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from kithbook.domain.contacts import Contact, Labeled, fold
from kithbook.domain.errors import Conflict
from kithbook.domain.ids import ContactId, MemberId
from kithbook.services.ports import ContactQuery, ContactSummary, Page, Sort
from kithbook.storage.rows import aware, existing_ids
from kithbook.storage.tables import (
    contact_emails,
    contact_links,
    contact_phones,
    contact_tags,
    contacts,
    ties,
)


def contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id, "owner_id": contact.owner, "name": contact.name,
        "name_key": fold(contact.name), "organization": contact.organization,
        "role": contact.role, "location": contact.location, "how_we_met": contact.how_we_met,
        "notes": contact.notes, "search_text": contact.search_text,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at, "version": contact.version,
    }


def child_rows(contact: Contact) -> dict[str, list[dict[str, Any]]]:
    cid = contact.id
    return {
        "emails": [{"contact_id": cid, "position": i, "address": e.value,
                    "address_key": e.value.lower(), "label": e.label}
                   for i, e in enumerate(contact.emails)],
        "phones": [{"contact_id": cid, "position": i, "number": p.value, "label": p.label}
                   for i, p in enumerate(contact.phones)],
        "links": [{"contact_id": cid, "position": i, "url": u}
                  for i, u in enumerate(contact.links)],
        "tags": [{"contact_id": cid, "tag": t} for t in contact.tags],
    }


CHILD_TABLES = {"emails": contact_emails, "phones": contact_phones, "links": contact_links,
                "tags": contact_tags}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str) -> str:
    return f"%{_escape_like(text)}%"


class SqlContacts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, contact: Contact) -> None:
        self._c.execute(contacts.insert(), contact_row(contact))
        self._write_children(contact)

    def update(self, contact: Contact, *, expected_version: int) -> None:
        row = contact_row(contact)
        row["version"] = expected_version + 1
        result = self._c.execute(
            update(contacts)
            .where(contacts.c.id == contact.id, contacts.c.owner_id == contact.owner,
                   contacts.c.version == expected_version)
            .values({k: v for k, v in row.items() if k not in ("id", "owner_id", "created_at")})
        )
        if result.rowcount != 1:
            raise Conflict(f"{contact.name} was changed by someone else meanwhile; "
                           "reload and make your edit again.")
        contact.version = expected_version + 1
        for table in CHILD_TABLES.values():
            self._c.execute(delete(table).where(table.c.contact_id == contact.id))
        self._write_children(contact)

    def _write_children(self, contact: Contact) -> None:
        for key, rows in child_rows(contact).items():
            if rows:
                self._c.execute(CHILD_TABLES[key].insert(), rows)

    def delete(self, owner: MemberId, contact_id: ContactId) -> None:
        self._c.execute(delete(contacts).where(contacts.c.id == contact_id,
                                               contacts.c.owner_id == owner))

    def get(self, owner: MemberId, contact_id: ContactId) -> Contact | None:
        found = self._load(and_(contacts.c.owner_id == owner, contacts.c.id == contact_id), 1)
        return found[0] if found else None

    def with_id_prefix(self, owner: MemberId, prefix: str, limit: int) -> list[Contact]:
        return self._load(and_(contacts.c.owner_id == owner,
                               contacts.c.id.like(_escape_like(prefix) + "%", escape="\\")),
                          limit)

    def with_name_part(self, owner: MemberId, part: str, limit: int) -> list[Contact]:
        return self._load(and_(contacts.c.owner_id == owner,
                               contacts.c.name_key.like(_contains(fold(part)), escape="\\")),
                          limit, order=contacts.c.name_key)

    def names(self, owner: MemberId) -> list[tuple[ContactId, str]]:
        rows = self._c.execute(select(contacts.c.id, contacts.c.name)
                               .where(contacts.c.owner_id == owner))
        return [(ContactId(r.id), r.name) for r in rows]

    def count(self, owner: MemberId) -> int:
        return int(self._c.scalar(select(func.count()).select_from(contacts)
                                  .where(contacts.c.owner_id == owner)) or 0)

    def with_email(self, owner: MemberId, address: str) -> list[Contact]:
        matching = exists().where(contact_emails.c.contact_id == contacts.c.id,
                                  contact_emails.c.address_key == address.lower())
        return self._load(and_(contacts.c.owner_id == owner, matching), 100)

    def with_phone(self, owner: MemberId, number: str) -> list[Contact]:
        matching = exists().where(contact_phones.c.contact_id == contacts.c.id,
                                  contact_phones.c.number == number)
        return self._load(and_(contacts.c.owner_id == owner, matching), 100)

    def all(self, owner: MemberId) -> list[Contact]:
        """Every contact of `owner`, children read per table rather than per id list."""
        rows = self._c.execute(select(contacts).where(contacts.c.owner_id == owner)
                               .order_by(contacts.c.id)).all()
        found: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for key, table in CHILD_TABLES.items():
            order = table.c.tag if key == "tags" else table.c.position
            stmt = (select(table).join(contacts, contacts.c.id == table.c.contact_id)
                    .where(contacts.c.owner_id == owner).order_by(table.c.contact_id, order))
            for row in self._c.execute(stmt):
                found[row.contact_id][key].append(row)
        return [self._contact(r, found) for r in rows]

    def taken_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids some contact (of any member) already has."""
        return existing_ids(self._c, contacts.c.id, ids)

    def linked_to(self, owner: MemberId, member: MemberId) -> Contact | None:
        found = self._load(and_(contacts.c.owner_id == owner,
                                contacts.c.linked_member_id == member), 1)
        return found[0] if found else None

    def link_member(self, owner: MemberId, contact_id: ContactId,
                    member: MemberId | None) -> None:
        self._c.execute(update(contacts).where(contacts.c.owner_id == owner,
                                               contacts.c.id == contact_id)
                        .values(linked_member_id=member))

    def query(self, owner: MemberId, query: ContactQuery) -> Page:
        conditions: list[ColumnElement[bool]] = [contacts.c.owner_id == owner]
        if query.text:
            conditions.extend(self._text_condition(word) for word in query.text.split())
        for column, value in ((contacts.c.organization, query.organization),
                              (contacts.c.role, query.role),
                              (contacts.c.location, query.location)):
            if value:
                conditions.append(column.ilike(_contains(value.strip()), escape="\\"))
        if query.tag:
            conditions.append(exists().where(contact_tags.c.contact_id == contacts.c.id,
                                             contact_tags.c.tag == query.tag.strip().lower()))
        where = and_(*conditions)
        total = int(self._c.scalar(select(func.count()).select_from(contacts).where(where)) or 0)
        order: list[Any]
        if query.sort is Sort.RECENT:
            # Walks the (owner, last contact) index from the newest; contacts never in
            # touch come last on every database.
            order = [ties.c.last_interaction_on.desc().nulls_last(), ties.c.contact_id.desc()]
        elif query.sort is Sort.ADDED:
            order = [contacts.c.created_at.desc(), contacts.c.id]
        else:
            order = [contacts.c.name_key, contacts.c.id]
        stmt = (select(contacts.c.id, ties.c.last_interaction_on, ties.c.interaction_count)
                .select_from(ties.join(contacts, ties.c.contact_id == contacts.c.id))
                .where(ties.c.owner_id == owner, where)
                .order_by(*order).limit(query.limit).offset(query.offset))
        rows = self._c.execute(stmt).all()
        loaded = {c.id: c for c in self._load(contacts.c.id.in_([r.id for r in rows]), None)}
        items = [ContactSummary(loaded[r.id], r.last_interaction_on, r.interaction_count or 0)
                 for r in rows]
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)

    @staticmethod
    def _text_condition(word: str) -> ColumnElement[bool]:
        return contacts.c.search_text.like(_contains(fold(word)), escape="\\")

    def _load(self, where: ColumnElement[bool], limit: int | None,
              order: Any = None) -> list[Contact]:
        stmt = select(contacts).where(where)
        if order is not None:
            stmt = stmt.order_by(order)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = self._c.execute(stmt).all()
        if not rows:
            return []
        children = self._children([r.id for r in rows])
        return [self._contact(r, children) for r in rows]

    def _children(self, ids: Sequence[str]) -> dict[str, dict[str, list[Any]]]:
        found: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for key, table in CHILD_TABLES.items():
            order = table.c.tag if key == "tags" else table.c.position
            for row in self._c.execute(select(table).where(table.c.contact_id.in_(ids))
                                       .order_by(table.c.contact_id, order)):
                found[row.contact_id][key].append(row)
        return found

    @staticmethod
    def _contact(row: Any, children: dict[str, dict[str, list[Any]]]) -> Contact:
        mine = children.get(row.id, {})
        return Contact(
            id=ContactId(row.id), owner=MemberId(row.owner_id), name=row.name,
            emails=[Labeled(e.address, e.label) for e in mine.get("emails", [])],
            phones=[Labeled(p.number, p.label) for p in mine.get("phones", [])],
            links=[link.url for link in mine.get("links", [])],
            tags=[t.tag for t in mine.get("tags", [])],
            organization=row.organization, role=row.role, location=row.location,
            how_we_met=row.how_we_met, notes=row.notes, created_at=aware(row.created_at),
            updated_at=aware(row.updated_at), version=row.version,
        )
