"""Contacts' important dates in SQL: one row a date, in the order the contact holds them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.storage.tables import contact_dates, contacts


class SqlImportantDates:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def for_contact(self, contact: ContactId) -> list[ImportantDate]:
        rows = self._c.execute(select(contact_dates)
                               .where(contact_dates.c.contact_id == contact)
                               .order_by(contact_dates.c.position)).all()
        return [_date(row) for row in rows]

    def for_owner(self, owner: MemberId) -> dict[ContactId, list[ImportantDate]]:
        rows = self._c.execute(
            select(contact_dates).join(contacts, contacts.c.id == contact_dates.c.contact_id)
            .where(contacts.c.owner_id == owner)
            .order_by(contact_dates.c.contact_id, contact_dates.c.position)).all()
        found: dict[ContactId, list[ImportantDate]] = {}
        for row in rows:
            found.setdefault(ContactId(row.contact_id), []).append(_date(row))
        return found

    def put(self, contact: ContactId, dates: Sequence[ImportantDate]) -> None:
        """The contact's dates become exactly `dates`."""
        self._c.execute(delete(contact_dates).where(contact_dates.c.contact_id == contact))
        rows = list(date_rows(contact, dates))
        if rows:
            self._c.execute(insert(contact_dates), rows)


def date_rows(contact: ContactId, dates: Iterable[ImportantDate]
              ) -> Iterable[dict[str, Any]]:
    for position, value in enumerate(dates):
        yield {"contact_id": contact, "position": position, "kind": value.kind.value,
               "month": value.month, "day": value.day, "year": value.year,
               "label": value.label}


def _date(row: Any) -> ImportantDate:
    return ImportantDate(DateKind(row.kind), row.month, row.day, row.year, row.label)
