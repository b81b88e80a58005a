"""Contacts as vCard 4.0 (RFC 6350): escaped values, lines folded at 75 octets, UTF-8 safe."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date
from typing import IO

from nameparser import HumanName

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.ties import Tie
from kithbook.io.fields import STANDARD_LABELS
from kithbook.io.vcard import OWN_PRODID, STARTED_ON

LINE_OCTETS = 75
_EMAIL_TYPES = {"work", "home"}
_TEL_TYPES = {"work", "home", "cell", "voice", "fax", "pager", "text", "video", "textphone"}
_LABEL_TYPES = {"mobile": "cell"}
_X_NAME = re.compile(r"[^a-z0-9-]")
_E164 = re.compile(r"^\+[0-9]{2,15}$")


def write_vcards(contacts: Iterable[Contact], out: IO[str], *,
                 dates: Mapping[ContactId, Sequence[ImportantDate]] | None = None,
                 ties: Mapping[ContactId, Tie] | None = None,
                 photos: Mapping[ContactId, ContactPhoto] | None = None) -> int:
    """Write one card per contact; returns how many. Lines end in CRLF as the RFC says."""
    count = 0
    for contact in contacts:
        tie = (ties or {}).get(contact.id)
        out.write(card(contact, (dates or {}).get(contact.id, ()),
                       started_on=tie.started_on if tie else None,
                       photo=(photos or {}).get(contact.id)))
        count += 1
    return count


def card(contact: Contact, dates: Sequence[ImportantDate] = (), *,
         started_on: date | None = None, photo: ContactPhoto | None = None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{OWN_PRODID}",
             f"UID:urn:kithbook:{contact.id}",
             f"FN:{escape(contact.name)}", f"N:{_structured_name(contact.name)}"]
    items = _Items()
    for email in contact.emails:
        lines.extend(items.labeled(email, "EMAIL", _EMAIL_TYPES, escape(email.value)))
    for phone in contact.phones:
        # A phone kept as written (not E.164) is text, not a tel: URI.
        value = f"tel:{phone.value}" if _E164.match(phone.value) else escape(phone.value)
        kind = ";VALUE=uri" if _E164.match(phone.value) else ";VALUE=text"
        lines.extend(items.labeled(phone, "TEL" + kind, _TEL_TYPES, value))
    if contact.organization:
        lines.append(f"ORG:{escape(contact.organization)}")
    if contact.role:
        lines.append(f"TITLE:{escape(contact.role)}")
    if contact.location:
        lines.append(f"ADR:;;;{escape(contact.location)};;;")
    for link in contact.links:
        lines.append(f"URL:{escape(link)}")
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(escape(tag) for tag in contact.tags))
    note = "\n\n".join(part for part in (
        f"How we met: {contact.how_we_met}" if contact.how_we_met else None,
        contact.notes) if part)
    if note:
        lines.append(f"NOTE:{escape(note)}")
    for day in dates:
        when = day.iso.replace("-", "") if day.year is not None else \
            f"--{day.month:02d}{day.day:02d}"
        if day.kind is DateKind.BIRTHDAY and not day.label:
            lines.append(f"BDAY:{when}")
        elif day.kind is DateKind.ANNIVERSARY and not day.label:
            lines.append(f"ANNIVERSARY:{when}")
        else:  # Apple's way of naming a date, which address books keep
            lines.extend(items.named("X-ABDATE", when, day.label or day.kind.value))
    if started_on is not None:
        lines.append(f"{STARTED_ON}:{started_on:%Y%m%d}")
    if photo is not None:  # RFC 6350 §6.2.4: a data: URI
        encoded = base64.b64encode(photo.data).decode("ascii")
        lines.append(f"PHOTO:data:{photo.media_type};base64,{encoded}")
    if contact.updated_at is not None:
        moment = contact.updated_at
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        lines.append(f"REV:{moment:%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def escape(text: str) -> str:
    """Backslash, comma, semicolon and newlines escaped as RFC 6350 §3.4 asks."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Break a content line so no physical line exceeds 75 octets, never inside a character."""
    if len(line.encode("utf-8")) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
            limit = LINE_OCTETS - 1  # the leading space of a continuation counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _structured_name(name: str) -> str:
    human = HumanName(name)
    parts = [human.last, human.first, human.middle, human.title, human.suffix]
    return ";".join(escape(str(p)) for p in parts)


class _Items:
    """Numbers Apple-style property groups (`item1.TEL…`, `item1.X-ABLabel:…`)."""

    def __init__(self) -> None:
        self.count = 0

    def named(self, prop: str, value: str, label: str) -> list[str]:
        self.count += 1
        group = f"item{self.count}"
        return [f"{group}.{prop}:{value}", f"{group}.X-ABLabel:{escape(label)}"]

    def labeled(self, item: Labeled, prop: str, allowed: set[str], value: str) -> list[str]:
        """A label of the standard ones as TYPE; one the person made up, word for word."""
        if item.label and item.label.lower() not in STANDARD_LABELS and \
                not _is_fax(item.label):
            head, _, params = prop.partition(";")
            return self.named(head + (f";{params}" if params else ""), value, item.label)
        return [f"{prop}{_type(item, allowed)}:{value}"]


def _is_fax(label: str) -> bool:
    return label.lower() in ("fax", "work fax", "home fax")


def _type(value: Labeled, allowed: set[str]) -> str:
    if not value.label:
        return ""
    label = value.label.strip().lower()
    if _is_fax(label) and " " in label:
        return f";TYPE={label.split()[0]},fax"
    label = _LABEL_TYPES.get(label, label)
    if label in allowed:
        return f";TYPE={label}"
    cleaned = _X_NAME.sub("-", label).strip("-")
    return f";TYPE=x-{cleaned}" if cleaned else ""
