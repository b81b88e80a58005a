"""Outlook CSV (desktop and Outlook.com): fixed columns, one per kind of phone and email.

Outlook's `Title` column is an honorific (Mr., Dr.); the role is in `Job Title`.
Categories are separated by semicolons.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from kithbook.domain.contacts import Labeled
from kithbook.io.csv_rows import Row, read_rows
from kithbook.io.fields import checked_fields
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.records import ImportedContact
from kithbook.services.normalize import DEFAULT_REGION

EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
PHONE_COLUMNS = {
    "Mobile Phone": "mobile", "Business Phone": "work", "Business Phone 2": "work",
    "Home Phone": "home", "Home Phone 2": "home", "Primary Phone": None,
    "Other Phone": "other", "Company Main Phone": "work", "Car Phone": "car",
    "Assistant's Phone": "assistant", "Pager": "pager",
}
WEB_COLUMNS = ("Web Page", "Personal Web Page")


def is_outlook_header(cells: list[str]) -> bool:
    columns = set(cells)
    return "E-mail Address" in columns and ("Job Title" in columns or "Company" in columns)


def read_outlook_csv(stream: BinaryIO, *, name: str = "contacts.csv",
                     limits: Limits = DEFAULT_LIMITS, encoding: str | None = None,
                     region: str | None = DEFAULT_REGION) -> Iterator[ImportedContact]:
    for row in read_rows(stream, name=name, is_header=is_outlook_header,
                         what="Outlook contacts", limits=limits, encoding=encoding):
        yield _contact(row, name=name, region=region)


def _contact(row: Row, *, name: str, region: str | None) -> ImportedContact:
    where = f"{name}, {row.where}"
    full_name = " ".join(p for p in (row.get("First Name"), row.get("Middle Name"),
                                     row.get("Last Name"), row.get("Suffix")) if p)
    fields = checked_fields(
        where=where,
        name=full_name or row.get("Nickname") or row.get("E-mail Display Name"),
        emails=[Labeled(row.get(c)) for c in EMAIL_COLUMNS if row.get(c)],
        phones=[Labeled(row.get(c), label) for c, label in PHONE_COLUMNS.items()
                if row.get(c)],
        links=[row.get(c) for c in WEB_COLUMNS if row.get(c)],
        tags=[t.strip() for t in row.get("Categories").replace(",", ";").split(";")
              if t.strip()],
        organization=row.get("Company") or None,
        role=row.get("Job Title") or None,
        location=_location(row),
        notes=row.cells.get("Notes", "").replace("\r\n", "\n").strip() or None,
        region=region,
    )
    return ImportedContact(fields=fields, where=where)


def _location(row: Row) -> str | None:
    for prefix in ("Business", "Home", "Other"):
        parts = [row.get(f"{prefix} {p}") for p in ("City", "State", "Country/Region")]
        joined = ", ".join(p for p in parts if p)
        if joined:
            return joined
    return None
