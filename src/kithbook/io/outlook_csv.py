"""Outlook CSV (desktop and Outlook.com): fixed columns, one per kind of phone and email.

Outlook's `Title` column is an honorific (Mr., Dr.); the role is in `Job Title`.
Categories are separated by semicolons. Fax numbers are phones labelled "work fax",
"home fax" or "fax". Some Outlook versions write only a few columns (just the `E-mail
Address` ones, or a single `Name`); they are recognized by any column only Outlook has.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from kithbook.domain.contacts import Labeled
from kithbook.domain.important_dates import DateKind
from kithbook.io.csv_rows import Row, read_rows
from kithbook.io.fields import checked_fields, read_important_date
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.records import ImportedContact, Warnings
from kithbook.values.normalize import DEFAULT_REGION

EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
PHONE_COLUMNS = {
    "Mobile Phone": "mobile", "Business Phone": "work", "Business Phone 2": "work",
    "Home Phone": "home", "Home Phone 2": "home", "Primary Phone": None,
    "Other Phone": "other", "Company Main Phone": "work", "Car Phone": "car",
    "Assistant's Phone": "assistant", "Pager": "pager", "Callback": "callback",
    "Radio Phone": "radio", "ISDN": "isdn", "Telex": "telex", "TTY/TDD Phone": "tty",
    "Business Fax": "work fax", "Home Fax": "home fax", "Other Fax": "fax",
}
WEB_COLUMNS = ("Web Page", "Personal Web Page")
# Columns only Outlook writes (Google's are numbered: "E-mail 1 - Value").
OWN_COLUMNS = {*EMAIL_COLUMNS, *PHONE_COLUMNS, *WEB_COLUMNS, "Job Title", "Company",
               "E-mail Display Name", "E-mail 2 Display Name", "Categories", "Suffix",
               "Business City", "Business State", "Business Country/Region", "Home City",
               "Home State", "Home Country/Region", "Other City", "Other State",
               "Other Country/Region", "Department", "E-mail Type"}
_READ = {*OWN_COLUMNS, "First Name", "Middle Name", "Last Name", "Name", "Nickname",
         "Notes", "Title", "Birthday", "Anniversary"}


def outlook_score(cells: list[str]) -> int:
    """How many columns only an Outlook export has (0: not one)."""
    return sum(1 for cell in cells if cell in OWN_COLUMNS)


def is_outlook_header(cells: list[str]) -> bool:
    return "E-mail Address" in cells or outlook_score(cells) >= 2


def is_outlook_column(column: str) -> bool:
    return column in _READ


def read_outlook_csv(stream: BinaryIO, *, name: str = "contacts.csv",
                     limits: Limits = DEFAULT_LIMITS, encoding: str | None = None,
                     region: str | None = DEFAULT_REGION, warnings: Warnings | None = None,
                     named: bool = False) -> Iterator[ImportedContact]:
    warnings = warnings if warnings is not None else Warnings()
    for row in read_rows(stream, name=name, is_header=is_outlook_header,
                         what="Outlook contacts", limits=limits, encoding=encoding,
                         warnings=warnings, known=is_outlook_column if named else None):
        record = _contact(row, name=name, region=region, warnings=warnings)
        if record is not None:
            yield record


def _contact(row: Row, *, name: str, region: str | None,
             warnings: Warnings) -> ImportedContact | None:
    where = f"{name}, {row.where}"
    full_name = " ".join(p for p in (row.get("First Name"), row.get("Middle Name"),
                                     row.get("Last Name"), row.get("Suffix")) if p)
    location, country = _location(row)
    fields = checked_fields(
        warn=warnings.at(where),
        name=(full_name or row.get("Name") or row.get("Nickname")
              or row.get("E-mail Display Name")),
        emails=[Labeled(row.get(c)) for c in EMAIL_COLUMNS if row.get(c)],
        phones=[Labeled(row.get(c), label) for c, label in PHONE_COLUMNS.items()
                if row.get(c)],
        links=[row.get(c) for c in WEB_COLUMNS if row.get(c)],
        tags=[t.strip() for t in row.get("Categories").replace(",", ";").split(";")
              if t.strip()],
        organization=row.get("Company") or None,
        role=row.get("Job Title") or None,
        location=location,
        notes=row.cells.get("Notes", "").replace("\r\n", "\n").strip() or None,
        country=country,
        region=region,
    )
    if fields is None:
        return None
    warn = warnings.at(where)
    found = [read_important_date(row.get(column), kind, warn=warn)
             for column, kind in (("Birthday", DateKind.BIRTHDAY),
                                  ("Anniversary", DateKind.ANNIVERSARY)) if row.get(column)]
    return ImportedContact(fields=fields, where=where,
                           dates=[value for value in found if value is not None])


def _location(row: Row) -> tuple[str | None, str | None]:
    for prefix in ("Business", "Home", "Other"):
        parts = [row.get(f"{prefix} {p}") for p in ("City", "State", "Country/Region")]
        joined = ", ".join(p for p in parts if p)
        if joined:
            return joined, parts[2] or None
    return None, None
