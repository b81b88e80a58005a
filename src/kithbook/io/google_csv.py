"""Google Contacts CSV, in the current layout and the legacy "Google CSV" one.

Both number their repeated fields ("E-mail 2 - Value") and pack several values in one
cell separated by ` ::: `; labels carry a leading `* ` on the primary value, and group
labels such as `* myContacts` are Google's own bookkeeping, not the person's tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from kithbook.domain.contacts import Labeled
from kithbook.io.csv_rows import Row, read_rows
from kithbook.io.fields import checked_fields
from kithbook.io.limits import DEFAULT_LIMITS, Limits
from kithbook.io.records import ImportedContact
from kithbook.services.normalize import DEFAULT_REGION

SEPARATOR = " ::: "
_NUMBERED = re.compile(r"^(E-mail|Phone|Website|Address|Organization) (\d+) - (.+)$")


def is_google_header(cells: list[str]) -> bool:
    columns = set(cells)
    current = "Labels" in columns and ("E-mail 1 - Value" in columns
                                       or "Organization Name" in columns)
    legacy = "Group Membership" in columns and "Given Name" in columns
    return current or legacy


def read_google_csv(stream: BinaryIO, *, name: str = "contacts.csv",
                    limits: Limits = DEFAULT_LIMITS,
                    region: str | None = DEFAULT_REGION) -> Iterator[ImportedContact]:
    for row in read_rows(stream, name=name, is_header=is_google_header,
                         what="Google Contacts", limits=limits):
        yield _contact(row, name=name, region=region)


def split_values(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(":::") if part.strip()]


def _contact(row: Row, *, name: str, region: str | None) -> ImportedContact:
    where = f"{name}, {row.where}"
    groups = _numbered(row)
    organization = row.get("Organization Name") or _first(groups, "Organization", "Name")
    role = row.get("Organization Title") or _first(groups, "Organization", "Title")
    fields = checked_fields(
        where=where,
        name=_name(row),
        emails=_labeled(groups.get("E-mail", {})),
        phones=_labeled(groups.get("Phone", {})),
        links=[link for _, value in _pairs(groups.get("Website", {})) for link in value],
        tags=[tag.lstrip("* ").strip() for tag in
              split_values(row.get("Labels") or row.get("Group Membership"))
              if not tag.startswith("*")],
        organization=organization or None,
        role=role or None,
        location=_location(groups.get("Address", {})),
        notes=row.cells.get("Notes", "").replace("\r\n", "\n").strip() or None,
        region=region,
    )
    return ImportedContact(fields=fields, where=where)


def _name(row: Row) -> str:
    parts = [row.get(c) for c in ("Name Prefix", "First Name", "Middle Name", "Last Name",
                                   "Name Suffix")]
    joined = " ".join(p for p in parts if p)
    if joined:
        return joined
    legacy = row.get("Name") or " ".join(
        p for p in (row.get("Given Name"), row.get("Additional Name"), row.get("Family Name"))
        if p)
    return legacy or row.get("Nickname") or row.get("File As")


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
        label = (parts.get("Label") or parts.get("Type") or "").lstrip("* ").strip().lower()
        yield label or None, split_values(parts.get("Value", ""))


def _labeled(group: dict[int, dict[str, str]]) -> list[Labeled]:
    return [Labeled(value, label) for label, values in _pairs(group) for value in values]


def _first(groups: dict[str, dict[int, dict[str, str]]], kind: str, part: str) -> str:
    for number in sorted(groups.get(kind, {})):
        value = groups[kind][number].get(part, "")
        if value:
            return split_values(value)[0] if split_values(value) else ""
    return ""


def _location(group: dict[int, dict[str, str]]) -> str | None:
    for number in sorted(group):
        parts = group[number]
        place = [split_values(parts.get(p, ""))[:1] for p in ("City", "Region", "Country")]
        joined = ", ".join(p[0] for p in place if p)
        if joined:
            return joined
    return None
