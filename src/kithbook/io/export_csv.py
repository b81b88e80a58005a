"""Contacts as CSV for spreadsheets, with cells that a spreadsheet would run made inert.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return can be taken as a
formula by Excel, LibreOffice or Google Sheets (CSV injection); such cells get a leading
apostrophe, the escape those programs themselves recognize.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO

from kithbook.domain.contacts import Contact
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.domain.ties import Tie

COLUMNS = ("id", "name", "emails", "phones", "organization", "role", "location", "tags",
           "links", "how_we_met", "notes", "birthday", "anniversary", "other_dates",
           "stated_trust", "started_on", "created_at", "updated_at")
SEPARATOR = " ::: "  # the separator Google Contacts uses, so a re-import splits it back
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """`=1+1` → `'=1+1`; everything else unchanged."""
    return "'" + cell if cell.startswith(_DANGEROUS) else cell


def write_contacts_csv(contacts: Iterable[Contact], out: IO[str], *,
                       ties: Iterable[Tie] = (), bom: bool = True,
                       dates: Mapping[ContactId, Sequence[ImportantDate]] | None = None
                       ) -> int:
    """Write a header and one row per contact; returns how many rows.

    The byte-order mark lets Excel open the file as UTF-8; `out` should be opened with
    `newline=""` so the CSV writer controls line endings.
    """
    by_contact = {tie.contact: tie for tie in ties}
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for contact in contacts:
        tie = by_contact.get(contact.id)
        held = (dates or {}).get(contact.id, ())
        row = [
            contact.id, contact.name,
            SEPARATOR.join(e.value for e in contact.emails),
            SEPARATOR.join(p.value for p in contact.phones),
            contact.organization or "", contact.role or "", contact.location or "",
            SEPARATOR.join(contact.tags), SEPARATOR.join(contact.links),
            contact.how_we_met or "", contact.notes or "",
            _first(held, DateKind.BIRTHDAY), _first(held, DateKind.ANNIVERSARY),
            SEPARATOR.join(f"{d.what}: {d.iso}" for d in held if d.kind is DateKind.OTHER),
            "" if tie is None or tie.stated_trust is None else str(tie.stated_trust),
            "" if tie is None or tie.started_on is None else tie.started_on.isoformat(),
            _moment(contact.created_at), _moment(contact.updated_at),
        ]
        writer.writerow([inert(cell) for cell in row])
        count += 1
    return count


def _first(held: Sequence[ImportantDate], kind: DateKind) -> str:
    return next((d.iso for d in held if d.kind is kind), "")


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")
