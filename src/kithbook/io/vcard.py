"""vCard 2.1, 3.0 and 4.0: one or many cards, folded lines, quoted-printable, photos.

Cards are cut from the stream one at a time (so a file of 20,000 cards never sits whole in
memory) and each is checked against the caps before vobject parses it. Photos are read here
rather than by vobject, which mangles vCard 4.0 `data:` URIs.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import vobject

from kithbook.domain.contacts import Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.io.fields import checked_fields
from kithbook.io.limits import DEFAULT_LIMITS, Limits, check_field, text_lines
from kithbook.io.records import ImportedContact, Photo
from kithbook.services.normalize import DEFAULT_REGION

# TYPE values that say nothing a person would call a label.
_NOISE_TYPES = {"internet", "pref", "voice", "x400", "x-internet", "text", "uri"}
_TYPE_LABELS = {"cell": "mobile", "iphone": "mobile"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[^,]*)?,", re.IGNORECASE)


@dataclass
class _RawCard:
    number: int  # 1-based position in the file
    line: int  # the line of its BEGIN:VCARD
    lines: list[str]  # physical lines, PHOTO excluded
    photo: str | None  # the unfolded PHOTO content line
    name: str  # FN as written, for messages

    @property
    def where(self) -> str:
        return f"card {self.number}" + (f" ({self.name})" if self.name else "") + \
            f" at line {self.line}"


def read_vcards(stream: BinaryIO, *, name: str = "contacts.vcf",
                limits: Limits = DEFAULT_LIMITS, keep_photos: bool = False,
                region: str | None = DEFAULT_REGION) -> Iterator[ImportedContact]:
    """Yield one contact per card; photos are kept only when `keep_photos` is set."""
    for raw in _cards(stream, name=name, limits=limits):
        where = f"{name}, {raw.where}"
        try:
            card = vobject.readOne("".join(raw.lines), allowQP=True)
        except InvalidInput:
            raise
        except Exception as exc:  # vobject raises bare errors of many kinds on bad input
            raise InvalidInput(f"{where}: cannot read this card ({_short(exc)}). Fix or "
                               "remove it and import again.", field="file") from None
        formatted = getattr(card, "fn", None)
        if formatted is not None and isinstance(formatted.value, str):
            raw.name = formatted.value.strip()[:80]  # decoded now, if it was quoted-printable
            where = f"{name}, {raw.where}"
        fields = _fields(card, where=where, limits=limits, region=region)
        photo = _photo(raw.photo, where=where, limits=limits) if keep_photos else None
        yield ImportedContact(fields=fields, where=where, photo=photo)


def _cards(stream: BinaryIO, *, name: str, limits: Limits) -> Iterator[_RawCard]:
    card: _RawCard | None = None
    size = 0
    properties = 0
    in_photo = False
    photo: list[str] = []
    number = 0
    for line_no, line in enumerate(text_lines(stream, name=name, limits=limits), 1):
        stripped = line.rstrip("\r\n")
        if not stripped.strip():
            continue
        folded = stripped[0] in " \t"
        if card is None:
            if folded or stripped.upper() != "BEGIN:VCARD":
                raise InvalidInput(
                    f"{name}, line {line_no}: expected BEGIN:VCARD, found "
                    f"{stripped[:40]!r}. Is this a vCard file?", field="file")
            number += 1
            card = _RawCard(number, line_no, [line], None, "")
            size, properties, in_photo = len(line), 1, False
            continue
        size += len(line)
        if size > limits.max_card_chars:
            raise InvalidInput(
                f"{name}, {card.where}: the card is larger than {limits.max_card_chars:,} "
                "characters; shrink its photo or remove it and import again.", field="file")
        if folded and in_photo:
            photo.append(stripped[1:])
            continue
        if not folded:
            if in_photo:
                card.photo, in_photo = "".join(photo), False
            properties += 1
            if properties > limits.max_properties_per_card:
                raise InvalidInput(
                    f"{name}, {card.where}: the card has more than "
                    f"{limits.max_properties_per_card} properties, far more than any "
                    "contact holds. Fix or remove it and import again.", field="file")
            head = stripped.split(":", 1)[0].split(";", 1)[0].split(".")[-1].upper()
            if head == "PHOTO":
                in_photo, photo = True, [stripped]
                continue
            if head == "FN" and not card.name:
                card.name = stripped.split(":", 1)[-1].strip()[:80]
            if head == "END" and stripped.split(":", 1)[-1].strip().upper() == "VCARD":
                card.lines.append(line)
                yield card
                card = None
                continue
        card.lines.append(line)
    if card is not None:
        raise InvalidInput(
            f"{name}, {card.where}: the card has no END:VCARD; the file is cut short. "
            "Export it again and import the new file.", field="file")
    if number == 0:
        raise InvalidInput(f"{name}: the file holds no cards.", field="file")
    del line_no


def _fields(card: Any, *, where: str, limits: Limits, region: str | None) -> Any:
    labels = {child.group: _apple_label(child.value) for child in card.getChildren()
              if child.name == "X-ABLABEL" and child.group}
    values: dict[str, list[Any]] = {}
    for child in card.getChildren():
        if child.name in ("PHOTO", "VERSION", "PRODID", "X-ABLABEL"):
            continue
        value = child.value
        if isinstance(value, str):
            check_field(value, where=where, column=child.name, limit=limits.max_field_chars)
        values.setdefault(child.name, []).append(child)
    emails = [Labeled(_text(c.value), labels.get(c.group) or _label(c)) for c in
              values.get("EMAIL", [])]
    phones = [Labeled(_tel(_text(c.value)), labels.get(c.group) or _label(c)) for c in
              values.get("TEL", [])]
    tags = [tag for c in values.get("CATEGORIES", []) for tag in _list(c.value) if tag.strip()]
    notes = "\n\n".join(_text(c.value).replace("\r\n", "\n").strip()
                        for c in values.get("NOTE", []) if _text(c.value).strip())
    return checked_fields(
        where=where,
        name=_name(values),
        emails=emails,
        phones=phones,
        links=[_text(c.value) for c in values.get("URL", [])],
        tags=tags,
        organization=_organization(values.get("ORG", [])),
        role=_first_text(values, "TITLE") or _first_text(values, "ROLE"),
        location=_location(values.get("ADR", [])),
        notes=notes or None,
        region=region,
    )


def _name(values: dict[str, list[Any]]) -> str:
    formatted = _first_text(values, "FN")
    if formatted:
        return formatted
    for child in values.get("N", []):
        value = child.value
        if isinstance(value, str):
            value = vobject.vcard.Name(*(value.split(";") + [""] * 5)[:5])
        parts = [value.prefix, value.given, value.additional, value.family, value.suffix]
        joined = " ".join(_text(p) for p in parts if _text(p))
        if joined:
            return joined
    return ""


def _first_text(values: dict[str, list[Any]], key: str) -> str | None:
    for child in values.get(key, []):
        text = _text(child.value).strip()
        if text:
            return text
    return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if _text(v)).strip()
    if isinstance(value, bytes):
        return ""
    return str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return _text(value).split(",")


def _organization(children: list[Any]) -> str | None:
    # ORG is "company;department;…"; the company is what people look for.
    for child in children:
        value = child.value
        if isinstance(value, list | tuple):  # vobject split it on unescaped semicolons
            text = _text(value[0] if value else "").strip()
        else:
            text = _text(value).split(";")[0].strip()
        if text:
            return text
    return None


def _location(children: list[Any]) -> str | None:
    for child in children:
        value = child.value
        if isinstance(value, str):  # pobox;extended;street;locality;region;code;country
            adr = value.split(";") + [""] * 7
            parts = [adr[3], adr[4], adr[6]]
        else:
            parts = [value.city, value.region, value.country]
        # A street address is more than a book of relationships needs: city, region, country.
        place = [_text(p).strip() for p in parts if _text(p).strip()]
        if place:
            return ", ".join(place)
    return None


def _tel(value: str) -> str:
    return value[4:] if value.lower().startswith("tel:") else value


def _label(child: Any) -> str | None:
    types: list[str] = []
    for entry in child.params.get("TYPE", []):
        types.extend(t.strip().strip('"').lower() for t in str(entry).split(","))
    types.extend(s.lower() for s in child.singletonparams)
    for kind in types:
        if kind and kind not in _NOISE_TYPES and kind not in ("quoted-printable", "base64"):
            kind = kind[2:] if kind.startswith("x-") else kind
            return _TYPE_LABELS.get(kind, kind)
    return None


def _apple_label(value: Any) -> str | None:
    text = _text(value).strip()
    match = _APPLE_LABEL.match(text)
    label = (match.group(1) if match else text).strip().lower()
    return _TYPE_LABELS.get(label, label) or None


def _photo(line: str | None, *, where: str, limits: Limits) -> Photo | None:
    if line is None:
        return None
    head, _, value = line.partition(":")
    params = head.upper()
    media_type = "image/jpeg"
    match = _DATA_URI.match(value)
    if match:
        if "base64" not in (match.group(2) or "").lower():
            return None
        media_type = (match.group(1) or media_type).lower()
        value = value[match.end():]
    elif "ENCODING=B" not in params and "BASE64" not in params:
        return None  # a link to a picture elsewhere: nothing to keep
    else:
        kind = re.search(r"TYPE=([A-Z0-9]+)", params)
        if kind:
            media_type = f"image/{kind.group(1).lower()}"
    if len(value) * 3 // 4 > limits.max_photo_bytes:
        raise InvalidInput(f"{where}: the photo is larger than {limits.max_photo_bytes:,} "
                           "bytes; import without photos or shrink it.", field="file")
    try:
        data = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{where}: the photo is not valid base64; import without "
                           "photos or fix the card.", field="file") from None
    return Photo(data=data, media_type=media_type)


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text[:120] + "…") if len(text) > 120 else (text or type(exc).__name__)
