"""One card of a synced address book, read and written back as vCard 3.0 or 4.0.

Kithbook maps names, emails, phones (with their labels), organization, title, notes,
tags (CATEGORIES), important dates and the photo. Every other property of a card (an
address, a nickname, a property some app invented) is written back as the server gave
it, byte for byte in its unfolded form: a sync never loses what it does not know (nor
a photo it could not read: `keep_original_photo`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import replace

from kithbook.domain.contacts import Contact
from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.photos import ContactPhoto
from kithbook.io.export_vcard import card, escape, fold
from kithbook.io.records import ImportedContact, Warnings
from kithbook.io.vcard import read_vcards

# What Kithbook writes; the rest of a card is kept as it was.
MAPPED = frozenset({"BEGIN", "END", "VERSION", "PRODID", "UID", "FN", "N", "EMAIL", "TEL",
                    "ORG", "TITLE", "NOTE", "CATEGORIES", "BDAY", "ANNIVERSARY", "X-ABDATE",
                    "REV", "PHOTO"})
_NAME = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")
_UID = re.compile(r"^UID[:;]", re.I)
_DATA_URI = re.compile(r"^PHOTO:data:image/([a-z]+);base64,(.*)$")


def read_card(text: str, *, where: str, region: str | None) -> ImportedContact:
    """The one card in `text`, or `InvalidInput` saying why it cannot be read whole. A
    card an import would take with a warning (a name cut short, an email that is not
    one) is refused here: writing it back would lose what was left out."""
    warnings = Warnings()
    try:
        found = list(read_vcards(io.BytesIO(text.encode("utf-8")), name=where,
                                 region=region, warnings=warnings))
    except InvalidInput as exc:
        raise InvalidInput(f"the card {where} cannot be read: {exc.message}",
                           field="card") from None
    if len(found) != 1 or warnings.shown:
        why = warnings.shown[0].message if warnings.shown else "it holds no contact"
        raise InvalidInput(f"the card {where} cannot be read: {why}", field="card")
    return found[0]


def card_uid(text: str) -> str | None:
    for line in _unfolded(text):
        if _UID.match(line):
            return line.split(":", 1)[1].strip() or None
    return None


def write_card(contact: Contact, dates: Sequence[ImportantDate], *, uid: str, version: str,
               original: str | None = None, photo: ContactPhoto | None = None,
               keep_original_photo: bool = False) -> str:
    """The card for `contact` (its mapped fields only), in `version`, with every property
    of `original` Kithbook does not map kept as it was (a group name that one of ours
    took is renamed, so labels stay with their values)."""
    bare = replace(contact, links=[], location=None, how_we_met=None, updated_at=None)
    mapped = MAPPED - {"PHOTO"} if keep_original_photo else MAPPED
    ours = [line for line in _unfolded(card(bare, list(dates), photo=photo))
            if not line.startswith(("BEGIN:", "END:", "VERSION:", "UID:"))]
    if version == "3.0":
        ours = [_as_v3(line) for line in ours]
    theirs = _unfolded(original or "")
    mapped_groups = {g for line in theirs if (g := _group(line)) and _name(line) in mapped}
    taken = {g for line in ours if (g := _group(line))}
    kept = [_regrouped(line, taken) for line in theirs
            if _name(line) not in mapped and not (
                _name(line) == "X-ABLABEL" and _group(line) in mapped_groups)]
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{escape_uid(uid)}", *ours, *kept,
             "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_uid(uid: str) -> str:
    return uid.replace("\r", "").replace("\n", "")


def _as_v3(line: str) -> str:
    """vCard 4.0 lines as 3.0 has them: a phone is text, not a `tel:` URI; a photo is
    inline base64 with its type, not a `data:` URI."""
    photo = _DATA_URI.match(line)
    if photo:
        return f"PHOTO;ENCODING=b;TYPE={photo.group(1).upper()}:{photo.group(2)}"
    if ";VALUE=uri:tel:" in line:
        return line.replace(";VALUE=uri:tel:", ":", 1)
    return line.replace(";VALUE=text:", ":", 1)


def _group(line: str) -> str | None:
    match = _NAME.match(line)
    return match.group(1).lower() if match and match.group(1) else None


def _name(line: str) -> str:
    match = _NAME.match(line)
    return match.group(2).upper() if match else "BEGIN"  # unreadable: not kept


def _regrouped(line: str, taken: set[str]) -> str:
    group = _group(line)
    if group is None or group not in taken:
        return line
    return "kept-" + line


def _unfolded(text: str) -> list[str]:
    joined = re.sub(r"\r?\n[ \t]", "", text)
    return [line for line in joined.replace("\r\n", "\n").split("\n") if line.strip()]


__all__ = ["MAPPED", "card_uid", "escape", "read_card", "write_card"]
