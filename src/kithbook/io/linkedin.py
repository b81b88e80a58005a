"""LinkedIn `Connections.csv`: notes lines above the header, `01 Jan 2024` dates, few emails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from kithbook.domain.contacts import Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.io.csv_rows import Row, read_rows
from kithbook.io.fields import checked_fields
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.records import ImportedContact, Warnings
from kithbook.values.normalize import DEFAULT_REGION

REQUIRED = ("First Name", "Last Name", "Connected On")

# LinkedIn writes English month abbreviations whatever the reader's locale.
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def is_linkedin_header(cells: list[str]) -> bool:
    return all(column in cells for column in REQUIRED)


_READ = {*REQUIRED, "Email Address", "URL", "Profile URL", "Company", "Position"}


def read_linkedin(stream: BinaryIO, *, name: str = "Connections.csv",
                  limits: Limits = DEFAULT_LIMITS, region: str | None = DEFAULT_REGION,
                  warnings: Warnings | None = None,
                  named: bool = False) -> Iterator[ImportedContact]:
    """Yield one contact per connection; the connection date starts the relationship."""
    warnings = warnings if warnings is not None else Warnings()
    for row in read_rows(stream, name=name, is_header=is_linkedin_header,
                         what="LinkedIn connections", limits=limits, warnings=warnings,
                         known=_READ.__contains__ if named else None):
        record = _contact(row, name=name, region=region, warnings=warnings)
        if record is not None:
            yield record


def _contact(row: Row, *, name: str, region: str | None,
             warnings: Warnings) -> ImportedContact | None:
    where = f"{name}, line {row.line}"
    cell = row.cells.get  # `Row.get` without a call of its own per cell: 100,000 rows
    email = cell("Email Address", "").strip()
    url = cell("URL", "").strip() or cell("Profile URL", "").strip()
    warn = warnings.at(where)
    fields = checked_fields(
        warn=warn,
        name=f"{cell('First Name', '').strip()} {cell('Last Name', '').strip()}",
        emails=[Labeled(email)] if email else [],
        links=[url] if url else [],
        organization=cell("Company", "").strip() or None,
        role=cell("Position", "").strip() or None,
        region=region,
    )
    if fields is None:
        return None
    connected = cell("Connected On", "").strip()
    try:
        started_on = parse_connected_on(connected, where=where)
    except InvalidInput:
        warn(f"cannot read the 'Connected On' date {connected[:40]!r}; "
             "LinkedIn writes it like 01 Jan 2024. The contact is imported without it.")
        started_on = None
    return ImportedContact(fields=fields, where=where, started_on=started_on)


def parse_connected_on(text: str, *, where: str) -> date | None:
    """`01 Jan 2024` (current exports), `1/15/24` (older ones) or ISO; empty is allowed."""
    if not text:
        return None
    try:
        parts = text.replace(",", " ").split()
        if len(parts) == 3 and parts[1][:3].lower() in _MONTHS:
            return date(int(parts[2]), _MONTHS[parts[1][:3].lower()], int(parts[0]))
        if len(parts) == 3 and parts[0][:3].lower() in _MONTHS:  # "Jan 15 2024"
            return date(int(parts[2]), _MONTHS[parts[0][:3].lower()], int(parts[1]))
        if text.count("/") == 2:
            month, day, year = (int(p) for p in text.split("/"))
            return date(year + 2000 if year < 100 else year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidInput(
        f"{where}: cannot read the 'Connected On' date {text!r}; LinkedIn writes it like "
        "01 Jan 2024. Fix it or leave the cell empty and import again.", field="file")
