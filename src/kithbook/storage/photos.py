"""Contacts' photos in SQL: one row a contact that has one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, delete, insert, select

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.photos import ContactPhoto
from kithbook.storage.tables import contact_photos, contacts


class SqlPhotos:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self, contact: ContactId) -> ContactPhoto | None:
        row = self._c.execute(select(contact_photos.c.media_type, contact_photos.c.data)
                              .where(contact_photos.c.contact_id == contact)).first()
        return ContactPhoto(row.media_type, bytes(row.data)) if row else None

    def has(self, contact: ContactId) -> bool:
        return self._c.execute(select(contact_photos.c.contact_id)
                               .where(contact_photos.c.contact_id == contact)).first() \
            is not None

    def among(self, contacts: Sequence[ContactId]) -> set[ContactId]:
        """Which of `contacts` have a picture."""
        found: set[ContactId] = set()
        for start in range(0, len(contacts), 500):  # a bounded IN list
            chunk = contacts[start:start + 500]
            found.update(ContactId(row.contact_id) for row in self._c.execute(
                select(contact_photos.c.contact_id)
                .where(contact_photos.c.contact_id.in_(chunk))))
        return found

    def for_owner(self, owner: MemberId) -> dict[ContactId, ContactPhoto]:
        rows = self._c.execute(
            select(contact_photos).join(contacts, contacts.c.id == contact_photos.c.contact_id)
            .where(contacts.c.owner_id == owner)).all()
        return {ContactId(r.contact_id): ContactPhoto(r.media_type, bytes(r.data))
                for r in rows}

    def put(self, contact: ContactId, photo: ContactPhoto | None) -> None:
        """The contact's photo becomes `photo` (None: it has none)."""
        self._c.execute(delete(contact_photos).where(contact_photos.c.contact_id == contact))
        if photo is not None:
            self._c.execute(insert(contact_photos), [_row(contact, photo)])

    def put_many(self, photos: Mapping[ContactId, ContactPhoto]) -> None:
        """Photos of contacts that have none yet (new ones, in a bulk write)."""
        if photos:
            self._c.execute(insert(contact_photos),
                            [_row(cid, photo) for cid, photo in photos.items()])


def _row(contact: ContactId, photo: ContactPhoto) -> dict[str, object]:
    return {"contact_id": contact, "media_type": photo.media_type, "data": photo.data}
