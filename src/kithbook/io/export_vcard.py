"""Contacts as vCard 4.0 (RFC 6350): escaped values, lines folded at 75 octets, UTF-8 safe."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC
from typing import IO

from nameparser import HumanName

from kithbook.domain.contacts import Contact, Labeled
from kithbook.io.vcard import OWN_PRODID

LINE_OCTETS = 75
_EMAIL_TYPES = {"work", "home"}
_TEL_TYPES = {"work", "home", "cell", "voice", "fax", "pager", "text", "video", "textphone"}
_LABEL_TYPES = {"mobile": "cell"}
_X_NAME = re.compile(r"[^a-z0-9-]")


def write_vcards(contacts: Iterable[Contact], out: IO[str]) -> int:
    """Write one card per contact; returns how many. Lines end in CRLF as the RFC says."""
    count = 0
    for contact in contacts:
        out.write(card(contact))
        count += 1
    return count


def card(contact: Contact) -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{OWN_PRODID}", f"UID:urn:kithbook:{contact.id}",
             f"FN:{escape(contact.name)}", f"N:{_structured_name(contact.name)}"]
    for email in contact.emails:
        lines.append(f"EMAIL{_type(email, _EMAIL_TYPES)}:{escape(email.value)}")
    for phone in contact.phones:
        lines.append(f"TEL;VALUE=uri{_type(phone, _TEL_TYPES)}:tel:{phone.value}")
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


def _type(value: Labeled, allowed: set[str]) -> str:
    if not value.label:
        return ""
    label = value.label.strip().lower()
    label = _LABEL_TYPES.get(label, label)
    if label in allowed:
        return f";TYPE={label}"
    cleaned = _X_NAME.sub("-", label).strip("-")
    return f";TYPE=x-{cleaned}" if cleaned else ""
