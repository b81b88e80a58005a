"""vCard 2.1, 3.0 and 4.0: one or many cards, folded lines, quoted-printable, photos.

Cards are cut from the stream one at a time, so a file of 20,000 cards never sits whole in
memory, and each is checked against the caps as it is read. Content lines are unfolded
here (including quoted-printable soft line breaks) and split into group, name, parameters
and value by vobject's line parser; values are then unescaped per RFC 6350. Building
vobject's full component tree for every card would double the cost of an import and adds
nothing these fields need; photos in particular are read here because vobject mangles
vCard 4.0 `data:` URIs.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from vobject.base import ParseError, parseLine

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.io.fields import checked_fields
from kithbook.io.limits import DEFAULT_LIMITS, Limits, check_field, text_lines
from kithbook.io.records import ImportedContact, Photo
from kithbook.services.normalize import DEFAULT_REGION

# TYPE values that say nothing a person would call a label.
_NOISE_TYPES = {"internet", "pref", "voice", "x400", "x-internet", "text", "uri",
                "quoted-printable", "base64", "b", "utf-8"}
_TYPE_LABELS = {"cell": "mobile", "iphone": "mobile"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[^,]*)?,", re.IGNORECASE)
_ESCAPES = {"n": "\n", "N": "\n"}
_SKIPPED = {"BEGIN", "END", "VERSION", "PRODID", "PHOTO"}


@dataclass
class _Property:
    name: str
    group: str | None
    params: dict[str, list[str]]  # upper-case names; TYPE values split on commas
    value: str  # still escaped, quoted-printable already decoded

    def types(self) -> list[str]:
        return [t.lower() for t in self.params.get("TYPE", [])]


@dataclass
class _RawCard:
    number: int  # 1-based position in the file
    line: int  # the line of its BEGIN:VCARD
    lines: list[tuple[int, str]] = field(default_factory=list)  # unfolded content lines
    photo: str | None = None  # the unfolded PHOTO content line
    name: str = ""  # FN, for messages

    @property
    def where(self) -> str:
        return f"card {self.number}" + (f" ({self.name})" if self.name else "") + \
            f" at line {self.line}"


def read_vcards(stream: BinaryIO, *, name: str = "contacts.vcf",
                limits: Limits = DEFAULT_LIMITS, keep_photos: bool = False,
                region: str | None = DEFAULT_REGION) -> Iterator[ImportedContact]:
    """Yield one contact per card; photos are kept only when `keep_photos` is set."""
    for raw in _cards(stream, name=name, limits=limits):
        properties = _properties(raw, name=name)
        by_name: dict[str, list[_Property]] = {}
        for prop in properties:
            by_name.setdefault(prop.name, []).append(prop)
        formatted = _first_text(by_name, "FN")
        if formatted:
            raw.name = formatted[:80]
        where = f"{name}, {raw.where}"
        for prop in properties:
            check_field(prop.value, where=where, column=prop.name,
                        limit=limits.max_field_chars)
        fields = _fields(by_name, where=where, region=region)
        photo = _photo(raw.photo, where=where, limits=limits) if keep_photos else None
        yield ImportedContact(fields=fields, where=where, photo=photo)


def _cards(stream: BinaryIO, *, name: str, limits: Limits) -> Iterator[_RawCard]:
    card: _RawCard | None = None
    size = 0
    number = 0
    parts: list[str] = []  # the content line being unfolded
    start = 0  # the line it started on
    soft_breaks = False  # quoted-printable: a trailing "=" continues on the next line

    def finish() -> _RawCard | None:
        """Close the content line in `parts`; returns the card when it was END:VCARD."""
        nonlocal parts
        if card is None or not parts:
            return None
        text, parts = "".join(parts), []
        head = text.split(":", 1)[0]
        prop = head.split(";", 1)[0].rsplit(".", 1)[-1].upper()
        if prop == "PHOTO":
            card.photo = text
        elif prop == "END" and text.split(":", 1)[-1].strip().upper() == "VCARD":
            return card
        else:
            if prop == "FN" and not card.name:
                card.name = text.split(":", 1)[-1].strip()[:80]
            card.lines.append((start, text))
        if len(card.lines) > limits.max_properties_per_card:
            raise InvalidInput(
                f"{name}, {card.where}: the card has more than "
                f"{limits.max_properties_per_card} properties, far more than any contact "
                "holds. Fix or remove it and import again.", field="file")
        return None

    for line_no, line in enumerate(text_lines(stream, name=name, limits=limits), 1):
        stripped = line.rstrip("\r\n")
        if card is None:
            if not stripped.strip():
                continue
            if stripped.strip().upper() != "BEGIN:VCARD":
                raise InvalidInput(
                    f"{name}, line {line_no}: expected BEGIN:VCARD, found "
                    f"{stripped[:40]!r}. Is this a vCard file?", field="file")
            number += 1
            card, size = _RawCard(number, line_no), 0
            continue
        size += len(line)
        if size > limits.max_card_chars:
            raise InvalidInput(
                f"{name}, {card.where}: the card is larger than {limits.max_card_chars:,} "
                "characters; shrink its photo or remove it and import again.", field="file")
        if stripped[:1] in (" ", "\t") and parts:
            parts.append(stripped[1:])
            continue
        if soft_breaks and parts and parts[-1].endswith("="):
            parts[-1] = parts[-1][:-1]
            parts.append(stripped)
            continue
        if not stripped.strip():
            continue
        done = finish()
        if done is not None:
            yield done
            card = None
            if stripped.strip().upper() != "BEGIN:VCARD":
                raise InvalidInput(
                    f"{name}, line {line_no}: expected BEGIN:VCARD, found "
                    f"{stripped[:40]!r}. Is this a vCard file?", field="file")
            number += 1
            card, size = _RawCard(number, line_no), 0
            continue
        parts, start = [stripped], line_no
        soft_breaks = "QUOTED-PRINTABLE" in stripped.split(":", 1)[0].upper()
    if card is not None:
        done = finish()
        if done is not None:
            yield done
            card = None
    if card is not None:
        raise InvalidInput(
            f"{name}, {card.where}: the card has no END:VCARD; the file is cut short. "
            "Export it again and import the new file.", field="file")
    if number == 0:
        raise InvalidInput(f"{name}: the file holds no cards.", field="file")


def _properties(raw: _RawCard, *, name: str) -> list[_Property]:
    out = []
    for line_no, text in raw.lines:
        try:
            prop_name, param_list, value, group = parseLine(text, line_no)
        except ParseError:
            raise InvalidInput(
                f"{name}, {raw.where}: line {line_no} is not a vCard property "
                f"({text[:40]!r}). Fix or remove it and import again.", field="file") from None
        prop_name = prop_name.upper()
        if prop_name in _SKIPPED:
            continue
        params: dict[str, list[str]] = {}
        for entry in param_list:
            if len(entry) == 1:  # vCard 2.1 bare parameter: TEL;CELL, ;QUOTED-PRINTABLE
                params.setdefault("TYPE", []).extend(entry[0].split(","))
                continue
            values = params.setdefault(entry[0].upper(), [])
            for item in entry[1:]:
                values.extend(v.strip().strip('"') for v in item.split(","))
        if "QUOTED-PRINTABLE" in {v.upper() for v in params.get("ENCODING", [])} or \
                "QUOTED-PRINTABLE" in {v.upper() for v in params.get("TYPE", [])}:
            value = _quoted_printable(value, params, where=f"{name}, {raw.where}",
                                      line_no=line_no)
        out.append(_Property(prop_name, group, params, value))
    return out


def _quoted_printable(value: str, params: dict[str, list[str]], *, where: str,
                      line_no: int) -> str:
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        return quopri.decodestring(value.encode("utf-8")).decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise InvalidInput(f"{where}: line {line_no} does not decode as {charset}. Fix the "
                           "card and import again.", field="file") from None


def _fields(props: dict[str, list[_Property]], *, where: str,
            region: str | None) -> ContactFields:
    labels = {p.group: _apple_label(p.value) for p in props.get("X-ABLABEL", []) if p.group}
    emails = [Labeled(unescape(p.value), labels.get(p.group or "") or _label(p))
              for p in props.get("EMAIL", [])]
    phones = [Labeled(_tel(unescape(p.value)), labels.get(p.group or "") or _label(p))
              for p in props.get("TEL", [])]
    tags = [tag for p in props.get("CATEGORIES", []) for tag in split_escaped(p.value, ",")
            if tag.strip()]
    notes = "\n\n".join(text for text in (unescape(p.value).replace("\r\n", "\n").strip()
                                          for p in props.get("NOTE", [])) if text)
    return checked_fields(
        where=where,
        name=_name(props),
        emails=emails,
        phones=phones,
        links=[unescape(p.value).strip() for p in props.get("URL", [])],
        tags=tags,
        organization=_organization(props.get("ORG", [])),
        role=_first_text(props, "TITLE") or _first_text(props, "ROLE"),
        location=_location(props.get("ADR", [])),
        notes=notes or None,
        region=region,
    )


def unescape(text: str) -> str:
    r"""`\n` → newline; `\,` `\;` `\\` → the character itself (RFC 6350 §3.4)."""
    if "\\" not in text:
        return text
    out = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append(_ESCAPES.get(following, following))
        else:
            out.append(char)
    return "".join(out)


def split_escaped(text: str, separator: str) -> list[str]:
    """Split on separators that are not escaped, then unescape each part."""
    parts, current = [], []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(unescape("".join(current)))
    return parts


def _name(props: dict[str, list[_Property]]) -> str:
    formatted = _first_text(props, "FN")
    if formatted:
        return formatted
    for prop in props.get("N", []):
        family, given, additional, prefix, suffix = (split_escaped(prop.value, ";")
                                                     + [""] * 5)[:5]
        joined = " ".join(p.strip() for p in (prefix, given, additional, family, suffix)
                          if p.strip())
        if joined:
            return joined
    return ""


def _first_text(props: dict[str, list[_Property]], key: str) -> str | None:
    for prop in props.get(key, []):
        text = unescape(prop.value).strip()
        if text:
            return text
    return None


def _organization(props: list[_Property]) -> str | None:
    # ORG is "company;department;…"; the company is what people look for.
    for prop in props:
        text = split_escaped(prop.value, ";")[0].strip()
        if text:
            return text
    return None


def _location(props: list[_Property]) -> str | None:
    for prop in props:
        # pobox;extended;street;locality;region;code;country — a street address is more
        # than a book of relationships needs: city, region, country.
        adr = split_escaped(prop.value, ";") + [""] * 7
        place = [p.strip() for p in (adr[3], adr[4], adr[6]) if p.strip()]
        if place:
            return ", ".join(place)
    return None


def _tel(value: str) -> str:
    return value[4:] if value.lower().startswith("tel:") else value


def _label(prop: _Property) -> str | None:
    for kind in prop.types():
        if kind and kind not in _NOISE_TYPES:
            kind = kind[2:] if kind.startswith("x-") else kind
            return _TYPE_LABELS.get(kind, kind)
    return None


def _apple_label(value: str) -> str | None:
    text = unescape(value).strip()
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
