"""Google Contacts CSV, in the current layout and the legacy "Google CSV" one.

Both number their repeated fields ("E-mail 2 - Value") and pack several values in one
cell separated by ` ::: `; labels carry a leading `* ` on the primary value, and group
labels such as `* myContacts` are Google's own bookkeeping, not the person's tags. The
layout Gmail wrote around 2007 (`Name,E-mail,Notes,Section 1 - Description,…`) is read
too, and so is any subset of these columns: people trim exports in a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from kithbook.domain.contacts import Labeled
from kithbook.domain.important_dates import MAX_LABEL, DateKind, ImportantDate
from kithbook.io.csv_rows import Row, read_rows
from kithbook.io.fields import STANDARD_LABELS, Warn, checked_fields, read_important_date
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.records import ImportedContact, Warnings
from kithbook.values.normalize import DEFAULT_REGION

SEPARATOR = " ::: "
_NUMBERED = re.compile(r"^(E-mail|Phone|Website|Address|Organization|Event) (\d+) - (.+)$")
_SECTION = re.compile(r"^Section (\d+) - (.+)$")
# Columns only Google writes (Outlook's are "E-mail Address", "Business Phone", …).
_OWN = re.compile(r"^(?:(?:E-mail|Phone|Website|Address|Organization|Relation|Event|IM|"
                  r"Custom Field|External ID) \d+ - .+|Section \d+ - .+|Given Name|"
                  r"Family Name|Additional Name|Group Membership|Labels|Name Prefix|"
                  r"Name Suffix|Yomi Name|Given Name Yomi|Family Name Yomi|"
                  r"Organization Name|Organization Title|Phonetic First Name|File As)$")
_READ = {"Name", "E-mail", "Notes", "First Name", "Middle Name", "Last Name", "Nickname",
         "Birthday", "Photo"}


def google_score(cells: list[str]) -> int:
    """How many columns only a Google Contacts export has (0: not one)."""
    return sum(1 for cell in cells if _OWN.match(cell))


def is_google_header(cells: list[str]) -> bool:
    if google_score(cells) >= 1 and "Connected On" not in cells:
        return True
    return {"Name", "E-mail", "Notes"} <= set(cells)  # Gmail around 2007, no sections


def is_google_column(column: str) -> bool:
    return column in _READ or bool(_OWN.match(column))


def read_google_csv(stream: BinaryIO, *, name: str = "contacts.csv",
                    limits: Limits = DEFAULT_LIMITS, region: str | None = DEFAULT_REGION,
                    warnings: Warnings | None = None,
                    named: bool = False) -> Iterator[ImportedContact]:
    """Contacts of a Google CSV; `named`: the member chose the format, so any row with a
    Google column is the header."""
    warnings = warnings if warnings is not None else Warnings()
    for row in read_rows(stream, name=name, is_header=is_google_header,
                         what="Google Contacts", limits=limits, warnings=warnings,
                         known=is_google_column if named else None):
        record = _contact(row, name=name, region=region, warnings=warnings)
        if record is not None:
            yield record


def split_values(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(":::") if part.strip()]


def _contact(row: Row, *, name: str, region: str | None,
             warnings: Warnings) -> ImportedContact | None:
    where = f"{name}, {row.where}"
    groups = _numbered(row)
    sections = _sections(row)
    organization = (row.get("Organization Name") or _first(groups, "Organization", "Name")
                    or _section_first(sections, "Company"))
    role = (row.get("Organization Title") or _first(groups, "Organization", "Title")
            or _section_first(sections, "Title"))
    emails = _labeled(groups.get("E-mail", {})) + [
        Labeled(value) for value in _split_emails(row.get("E-mail"))]
    phones = _labeled(groups.get("Phone", {}))
    for section in sections.values():
        label = section.get("Description", "").strip() or None
        emails += [Labeled(v, label) for v in _split_emails(section.get("Email", ""))]
        for part, kind in (("Phone", label), ("Mobile", "mobile"), ("Pager", "pager"),
                           ("Fax", "fax")):
            phones += [Labeled(v, kind) for v in split_values(section.get(part, ""))]
    location, country = _location(groups.get("Address", {}))
    notes = [row.cells.get("Notes", "").replace("\r\n", "\n").strip()]
    notes += [section.get("Other", "").strip() for section in sections.values()]
    fields = checked_fields(
        warn=warnings.at(where),
        name=_name(row),
        emails=emails,
        phones=phones,
        links=[link for _, value in _pairs(groups.get("Website", {})) for link in value],
        tags=[tag.lstrip("* ").strip() for tag in
              split_values(row.get("Labels") or row.get("Group Membership"))
              if not tag.startswith("*")],
        organization=organization or None,
        role=role or None,
        location=location or _section_first(sections, "Address") or None,
        notes="\n".join(n for n in notes if n) or None,
        country=country,
        region=region,
    )
    if fields is None:
        return None
    return ImportedContact(fields=fields, where=where,
                           dates=_dates(row, groups.get("Event", {}), warnings.at(where)))


def _dates(row: Row, events: dict[int, dict[str, str]], warn: Warn) -> list[ImportantDate]:
    """`Birthday`, and `Event N - Type`/`Value` (Google's anniversary and named dates)."""
    wanted: list[tuple[str, DateKind, str | None]] = []
    if row.get("Birthday"):
        wanted.append((row.get("Birthday"), DateKind.BIRTHDAY, None))
    for label, values in _pairs(events):
        kind = DateKind.ANNIVERSARY if (label or "").lower() == "anniversary" else DateKind.OTHER
        name = None if kind is DateKind.ANNIVERSARY else (label or "date")[:MAX_LABEL]
        wanted += [(value, kind, name) for value in values]
    found = [read_important_date(text, kind, label=name, warn=warn)
             for text, kind, name in wanted]
    return [value for value in found if value is not None]


def _name(row: Row) -> str:
    """Every name column: the prefix and suffix only around a given or family name."""
    given = row.get("First Name") or row.get("Given Name")
    middle = row.get("Middle Name") or row.get("Additional Name")
    family = row.get("Last Name") or row.get("Family Name")
    if given or family:
        parts = (row.get("Name Prefix"), given, middle, family, row.get("Name Suffix"))
        return " ".join(p for p in parts if p)
    return row.get("Name") or row.get("Nickname") or row.get("File As")


def _split_emails(cell: str) -> list[str]:
    return [part for value in split_values(cell) for part in value.replace(";", ",")
            .split(",") if part.strip()]


def _sections(row: Row) -> dict[int, dict[str, str]]:
    """Gmail's 2007 layout: `Section 1 - Description`, `Section 1 - Email`, …"""
    found: dict[int, dict[str, str]] = {}
    for column, cell in row.cells.items():
        if column.startswith("Section ") and cell.strip():
            match = _SECTION.match(column)
            if match:
                found.setdefault(int(match.group(1)), {})[match.group(2)] = cell.strip()
    return dict(sorted(found.items()))


def _section_first(sections: dict[int, dict[str, str]], part: str) -> str:
    return next((s[part] for s in sections.values() if s.get(part)), "")


def _numbered(row: Row) -> dict[str, dict[int, dict[str, str]]]:
    groups: dict[str, dict[int, dict[str, str]]] = {}
    for column, cell in row.cells.items():
        match = _NUMBERED.match(column)
        if match and cell.strip():
            kind, number, part = match.group(1), int(match.group(2)), match.group(3)
            groups.setdefault(kind, {}).setdefault(number, {})[part] = cell.strip()
    return groups


def _pairs(group: dict[int, dict[str, str]]) -> Iterator[tuple[str | None, list[str]]]:
    for number in sorted(group):
        parts = group[number]
        label = (parts.get("Label") or parts.get("Type") or "").lstrip("* ").strip()
        # Google's own labels are lower-cased; one the person typed is kept as written.
        if label.lower() in STANDARD_LABELS:
            label = label.lower()
        yield label or None, split_values(parts.get("Value", ""))


def _labeled(group: dict[int, dict[str, str]]) -> list[Labeled]:
    return [Labeled(value, label) for label, values in _pairs(group) for value in values]


def _first(groups: dict[str, dict[int, dict[str, str]]], kind: str, part: str) -> str:
    for number in sorted(groups.get(kind, {})):
        value = groups[kind][number].get(part, "")
        if value:
            return split_values(value)[0] if split_values(value) else ""
    return ""


def _location(group: dict[int, dict[str, str]]) -> tuple[str | None, str | None]:
    for number in sorted(group):
        parts = group[number]
        place = [split_values(parts.get(p, ""))[:1] for p in ("City", "Region", "Country")]
        joined = ", ".join(p[0] for p in place if p)
        if joined:
            return joined, (place[2][0] if place[2] else None)
    return None, None
