"""Writing a member's book out: the whole of it as JSON, its contacts as vCard or CSV."""

from __future__ import annotations

from enum import StrEnum
from typing import IO

from kithbook.domain.errors import NotFound
from kithbook.domain.ids import MemberId
from kithbook.io.export_csv import write_contacts_csv
from kithbook.io.export_json import Book, sorted_contacts, write_book
from kithbook.io.export_vcard import write_vcards
from kithbook.services.ports import UnitOfWork


class ExportFormat(StrEnum):
    JSON = "json"
    VCARD = "vcard"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        return {"json": "application/json", "vcard": "text/vcard",
                "csv": "text/csv"}[self.value]

    @property
    def suffix(self) -> str:
        return {"json": ".json", "vcard": ".vcf", "csv": ".csv"}[self.value]


def load_book(uow: UnitOfWork, actor: MemberId) -> Book:
    """Everything of `actor`: account, contacts, ties with their policies, interactions."""
    with uow.reading():
        member = uow.members.get(actor)
        if member is None:
            raise NotFound("this account does not exist.", field="member")
        return Book(member=member, contacts=uow.contacts.all(actor),
                    ties=uow.ties.all(actor), interactions=uow.interactions.all(actor),
                    links=uow.contact_links.of_owner(actor),
                    dates=uow.dates.for_owner(actor), photos=uow.photos.for_owner(actor))


def export_book(uow: UnitOfWork, actor: MemberId, format: ExportFormat, out: IO[str]) -> int:
    """Write the book to `out` (opened with newline=""); returns how many contacts."""
    book = load_book(uow, actor)
    if format is ExportFormat.JSON:
        write_book(book, out)
    elif format is ExportFormat.VCARD:
        write_vcards(sorted_contacts(book.contacts), out, dates=book.dates,
                     ties={tie.contact: tie for tie in book.ties}, photos=book.photos)
    else:
        write_contacts_csv(sorted_contacts(book.contacts), out, ties=book.ties,
                           dates=book.dates)
    return len(book.contacts)
