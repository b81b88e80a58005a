"""vCard 2.1, 3.0 and 4.0: one or many cards, folded lines, charsets, quoted-printable.

Cards are cut from the stream one at a time, so a file of 20,000 cards never sits whole in
memory, and each is checked against the caps as it is read. Lines are unfolded as bytes
(a UTF-8 character split by a fold survives) and each value is decoded as its property
says: quoted-printable first, then the CHARSET parameter of vCard 2.1 (Shift_JIS,
ISO-8859-x, windows-125x), else UTF-8, else a charset-normalizer guess with a warning.
Values are then unescaped per RFC 6350. Photos are read here because vobject mangles
vCard 4.0 `data:` URIs, and vobject's line parser works on text already decoded whole.

A card that holds something odd (a comment line, a broken property, a phone no one can
read, no name) is imported with a warning naming it; only the safety caps and a file
that is not vCard at all refuse the file.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import MAX_LABEL, DateKind, ImportantDate
from kithbook.io.fields import STANDARD_LABELS, Warn, checked_fields, read_important_date
from kithbook.io.limits import (
    DEFAULT_LIMITS,
    Limits,
    byte_lines,
    check_field,
    codec_label,
    guess_codec,
)
from kithbook.io.records import ImportedContact, Photo, Warnings
from kithbook.values.normalize import DEFAULT_REGION

# TYPE values that say nothing a person would call a label.
_NOISE_TYPES = {"internet", "pref", "voice", "x400", "x-internet", "text", "uri",
                "quoted-printable", "base64", "b", "utf-8", "msg"}
_TYPE_LABELS = {"cell": "mobile", "iphone": "mobile"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[^,]*)?,", re.IGNORECASE)
_PROPERTY_NAME = re.compile(r"^[A-Za-z0-9-]+$")
# A content line's property name: what comes before the first ":" or ";", after its
# group's "." (it always matches, if only the empty string).
_LINE_NAME = re.compile(rb"(?:[^:;]*\.)?([^:;.]*)")
_QUOTED_PRINTABLE = re.compile(rb"QUOTED-PRINTABLE", re.IGNORECASE)
_ESCAPES = {"n": "\n", "N": "\n"}
_SKIPPED = {"BEGIN", "END", "VERSION", "PHOTO"}
OWN_PRODID = "-//Kithbook//Kithbook//EN"
STARTED_ON = "X-KITHBOOK-STARTED-ON"  # when the relationship began, on Kithbook's cards
_ANNIVERSARIES = ("ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
                  "X-MS-ANNIVERSARY")


@dataclass
class _Property:
    name: str
    group: str | None
    params: dict[str, list[str]]  # upper-case names; TYPE values split on commas
    value: str  # still escaped, quoted-printable and charset already decoded

    def types(self) -> list[str]:
        return [t.lower() for t in self.params.get("TYPE", [])]


@dataclass
class _RawCard:
    number: int  # 1-based position in the file
    line: int  # the line of its BEGIN:VCARD
    lines: list[tuple[int, bytes]] = field(default_factory=list)  # unfolded content lines
    photo: bytes | None = None  # the unfolded PHOTO content line
    name: str = ""  # FN, for messages
    notes: list[str] = field(default_factory=list)  # warnings found while cutting it

    @property
    def where(self) -> str:
        return f"card {self.number}" + (f" ({self.name})" if self.name else "") + \
            f" at line {self.line}"


def read_vcards(stream: BinaryIO, *, name: str = "contacts.vcf",
                limits: Limits = DEFAULT_LIMITS, keep_photos: bool = True,
                region: str | None = DEFAULT_REGION,
                warnings: Warnings | None = None) -> Iterator[ImportedContact]:
    """Yield one contact per card, with its photo unless `keep_photos` is False."""
    warnings = warnings if warnings is not None else Warnings()
    guesses = _Guesses()
    heads = _Heads()
    for raw in _cards(stream, name=name, limits=limits, warnings=warnings):
        notes: list[str] = list(raw.notes)
        properties = _plain_properties(raw, heads) if not notes else None
        if properties is None:
            properties = _properties(raw, notes=notes, guesses=guesses)
        by_name: dict[str, list[_Property]] = {}
        for prop in properties:
            by_name.setdefault(prop.name, []).append(prop)
        formatted = _first_text(by_name, "FN")
        if formatted:
            raw.name = formatted[:80]
        where = f"{name}, {raw.where}"
        warn = warnings.at(where)
        for note in notes:
            warn(note)
        if properties and max(len(p.value) for p in properties) > limits.max_field_chars:
            for prop in properties:  # the first too long, by name
                check_field(prop.value, where=where, column=prop.name,
                            limit=limits.max_field_chars)
        fields = _fields(by_name, warn=warn, region=region)
        if fields is None:
            continue
        photo = _photo(raw.photo, limits=limits, warn=warn) if keep_photos else None
        yield ImportedContact(fields=fields, where=where, photo=photo,
                              photo_left_out=photo is None and keep_photos
                              and raw.photo is not None,
                              dates=_dates(by_name, warn), started_on=_started_on(by_name))


def _cards(stream: BinaryIO, *, name: str, limits: Limits,
           warnings: Warnings) -> Iterator[_RawCard]:
    card: _RawCard | None = None
    size = 0
    number = 0
    parts: list[bytes] = []  # the content line being unfolded
    start = 0  # the line it started on
    soft_breaks = False  # quoted-printable: a trailing "=" continues on the next line
    max_card, max_properties = limits.max_card_chars, limits.max_properties_per_card

    def finish() -> _RawCard | None:
        """Close the content line in `parts`; returns the card when it was END:VCARD."""
        nonlocal parts
        if card is None or not parts:
            return None
        text, parts = parts[0] if len(parts) == 1 else b"".join(parts), []
        prop = _LINE_NAME.match(text).group(1).upper()  # type: ignore[union-attr]
        if prop == b"PHOTO":
            card.photo = text
        elif prop == b"END" and text.split(b":", 1)[-1].strip().upper() == b"VCARD":
            return card
        else:
            if prop == b"FN" and not card.name:
                card.name = text.split(b":", 1)[-1].strip()[:80].decode("utf-8", "replace")
            card.lines.append((start, text))
        if len(card.lines) > max_properties:
            raise InvalidInput(
                f"{name}, {card.where}: the card has more than "
                f"{limits.max_properties_per_card} properties, far more than any contact "
                "holds. Fix or remove it and import again.", field="file")
        return None

    def not_vcard(line_no: int, line: bytes) -> InvalidInput:
        shown = line[:40].decode("utf-8", "replace")
        return InvalidInput(f"{name}, line {line_no}: expected BEGIN:VCARD, found "
                            f"{shown!r}. Is this a vCard file?", field="file")

    for line_no, stripped in enumerate(
            byte_lines(stream, name=name, limits=limits, warnings=warnings), 1):
        if card is None:
            if not stripped.strip():
                continue
            if stripped.strip().upper() != b"BEGIN:VCARD":
                raise not_vcard(line_no, stripped)
            number += 1
            card, size = _RawCard(number, line_no), 0
            continue
        size += len(stripped) + 1
        if size > max_card:
            raise InvalidInput(
                f"{name}, {card.where}: the card is larger than {max_card:,} "
                "characters; shrink its photo or remove it and import again.", field="file")
        first = stripped[:1]
        if (first == b" " or first == b"\t") and parts:
            parts.append(stripped[1:])
            continue
        if soft_breaks and parts and parts[-1].endswith(b"="):
            parts[-1] = parts[-1][:-1]
            parts.append(stripped)
            continue
        if not stripped or stripped.isspace():
            continue
        if first == b"#":
            # Android writes and skips comment lines; they are no property of the card.
            card.notes.append(f"line {line_no} is a comment "
                              f"({stripped[:40].decode('utf-8', 'replace')!r}); skipped.")
            continue
        done = finish()
        if done is not None:
            yield done
            card = None
            if stripped.strip().upper() != b"BEGIN:VCARD":
                raise not_vcard(line_no, stripped)
            number += 1
            card, size = _RawCard(number, line_no), 0
            continue
        parts, start = [stripped], line_no
        colon = stripped.find(b":")
        soft_breaks = _QUOTED_PRINTABLE.search(stripped, 0, colon if colon >= 0 else
                                               len(stripped)) is not None
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


class _Guesses:
    """The encoding guessed for undeclared 8-bit values, from all such bytes seen so far."""

    SAMPLE = 4096

    def __init__(self) -> None:
        self.sample = b""

    def codec(self, values: list[bytes]) -> str:
        if len(self.sample) < self.SAMPLE:
            self.sample += b"\n" + b"\n".join(values)
        return guess_codec(self.sample[:self.SAMPLE])


def _split_line(line: bytes) -> tuple[bytes, bytes] | None:
    """`head:value`, the colon being the first one outside a quoted parameter value."""
    colon = line.find(b":")
    if colon < 0:
        return None
    if b'"' in line[:colon]:
        quoted = False
        for index, byte in enumerate(line):
            if byte == 0x22:
                quoted = not quoted
            elif byte == 0x3A and not quoted:
                return line[:index], line[index + 1:]
        return None
    return line[:colon], line[colon + 1:]


def _split_params(head: str) -> list[str]:
    if '"' not in head:
        return head.split(";")
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(char)
    out.append("".join(current))
    return out


def _properties(raw: _RawCard, *, notes: list[str], guesses: _Guesses) -> list[_Property]:
    out: list[_Property] = []
    undecoded: list[tuple[_Property, bytes]] = []  # 8-bit values that declare no charset
    for line_no, text in raw.lines:
        split = _split_line(text)
        head = split[0].decode("utf-8", "replace") if split else ""
        pieces = _split_params(head)
        group, _, prop_name = pieces[0].rpartition(".")
        if split is None or not _PROPERTY_NAME.match(prop_name):
            shown = text[:40].decode("utf-8", "replace")
            notes.append(f"line {line_no} is not a vCard property ({shown!r}); skipped.")
            continue
        prop_name = prop_name.upper()
        if prop_name in _SKIPPED:
            continue
        params = _params(pieces[1:])
        value = split[1]
        encodings = {v.upper() for v in params.get("ENCODING", []) + params.get("TYPE", [])}
        if "QUOTED-PRINTABLE" in encodings:
            value = quopri.decodestring(value)
        prop = _Property(prop_name, group or None, params, "")
        charset = (params.get("CHARSET") or [""])[0]
        if charset:
            try:
                prop.value = value.decode(charset)
            except LookupError:
                notes.append(f"line {line_no} names the unknown character set "
                             f"{charset!r}; its text is read as a guess.")
                undecoded.append((prop, value))
            except UnicodeDecodeError:
                notes.append(f"line {line_no} is not valid {charset} as it says; its text "
                             "is read as a guess.")
                undecoded.append((prop, value))
        else:
            try:
                prop.value = value.decode("utf-8")
            except UnicodeDecodeError:
                undecoded.append((prop, value))
        out.append(prop)
    if undecoded:
        codec = guesses.codec([value for _, value in undecoded])
        for prop, value in undecoded:
            prop.value = value.decode(codec, "replace")
        names = ", ".join(sorted({prop.name for prop, _ in undecoded}))
        notes.append(f"{names} text is not UTF-8 and names no CHARSET; read as "
                     f"{codec_label(codec)}, a guess. Check the names with accents.")
    return out


def _params(entries: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for entry in entries:
        key, has_value, values = entry.partition("=")
        if not has_value:  # vCard 2.1 bare parameter: TEL;CELL, ;QUOTED-PRINTABLE
            params.setdefault("TYPE", []).extend(key.split(","))
            continue
        params.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in values.split(","))
    return params


class _Heads:
    """What `_plain_properties` learnt of each property head ("item1.EMAIL;type=WORK"):
    a file repeats a few dozen heads thousands of times, so each is parsed once."""

    LIMIT = 4096  # distinct heads remembered; a file of odd heads just parses them again

    def __init__(self) -> None:
        self.known: dict[str, tuple[str, str | None, dict[str, list[str]]] | None] = {}

    def parsed(self, head: str) -> tuple[str, str | None, dict[str, list[str]]] | None:
        """(name, group, parameters), or None when the careful path must read the card
        (a head that is not plain: quotes, quoted-printable, a charset, a bad name)."""
        try:
            return self.known[head]
        except KeyError:
            pass
        found: tuple[str, str | None, dict[str, list[str]]] | None = None
        pieces = head.split(";")
        group, _, prop_name = pieces[0].rpartition(".")
        if '"' not in head and _PROPERTY_NAME.match(prop_name):
            params = _params(pieces[1:])
            encodings = {v.upper() for v in params.get("ENCODING", []) + params.get("TYPE", [])}
            if "QUOTED-PRINTABLE" not in encodings and "CHARSET" not in params:
                found = (prop_name.upper(), group or None, params)
        if len(self.known) < self.LIMIT:
            self.known[head] = found
        return found


def _plain_properties(raw: _RawCard, heads: _Heads) -> list[_Property] | None:
    """The card's properties when every line is plain: UTF-8, no quoted-printable, no
    CHARSET, no quoted parameter, a property name on every line. What nearly every phone
    and address book writes today, read without the per-line care `_properties` takes;
    None for any other card, which `_properties` then reads (and warns about).
    `tests/unit/io/test_vcard_paths.py` checks the two agree on every real-world shape.

    Parameter lists are shared between properties of the same head: read them, never
    change them.
    """
    out: list[_Property] = []
    for _, line in raw.lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return None
        head, colon, value = text.partition(":")
        if not colon:
            return None
        parsed = heads.parsed(head)
        if parsed is None:
            return None
        if parsed[0] not in _SKIPPED:
            out.append(_Property(parsed[0], parsed[1], parsed[2], value))
    return out


def _fields(props: dict[str, list[_Property]], *, warn: Warn,
            region: str | None) -> ContactFields | None:
    labels = {p.group: _apple_label(p.value) for p in props.get("X-ABLABEL", []) if p.group}
    emails = [Labeled(unescape(p.value), labels.get(p.group or "") or _label(p))
              for p in props.get("EMAIL", [])]
    phones = [Labeled(_tel(unescape(p.value)), labels.get(p.group or "") or _label(p))
              for p in props.get("TEL", [])]
    ours = any(OWN_PRODID in p.value for p in props.get("PRODID", []))
    tags = [tag for p in props.get("CATEGORIES", [])
            for tag in _categories(p.value, trust_escapes=ours) if tag.strip()]
    notes = [text for text in (unescape(p.value).replace("\r\n", "\n").strip()
                               for p in props.get("NOTE", [])) if text]
    organizations = _organizations(props.get("ORG", []))
    roles = _texts(props, "TITLE") or _texts(props, "ROLE")
    if len(organizations) > 1 or len(roles) > 1:
        # A contact holds one organization and role; the others stay in the notes.
        also = ", ".join(" at ".join(p for p in pair if p) for pair in _pairs(
            roles[1:], organizations[1:]))
        if also:
            notes.append(f"Also: {also}")
    address = _address(props.get("ADR", []))
    return checked_fields(
        warn=warn,
        name=_name(props),
        emails=emails,
        phones=phones,
        links=[unescape(p.value).strip() for p in props.get("URL", [])],
        tags=tags,
        organization=organizations[0] if organizations else None,
        role=roles[0] if roles else None,
        location=address[0],
        notes="\n\n".join(notes) or None,
        country=address[1],
        region=region,
    )


def _categories(value: str, *, trust_escapes: bool) -> list[str]:
    """Tags of one CATEGORIES value.

    Some programs escape every comma between categories ("Friends\\,Work"): a value with
    no plain comma but escaped ones is read that way. Kithbook's own cards escape as
    RFC 6350 says, so there an escaped comma stays inside its tag.
    """
    if not trust_escapes and "\\," in value and "," not in value.replace("\\,", ""):
        value = value.replace("\\,", ",")
    return split_escaped(value, ",")


def _dates(props: dict[str, list[_Property]], warn: Warn) -> list[ImportantDate]:
    labels = {p.group: unescape(p.value).strip() for p in props.get("X-ABLABEL", [])
              if p.group}
    found: list[ImportantDate] = []
    wanted: list[tuple[_Property, DateKind, str | None]] = [
        (p, DateKind.BIRTHDAY, None) for p in props.get("BDAY", [])]
    wanted += [(p, DateKind.ANNIVERSARY, None) for key in _ANNIVERSARIES
               for p in props.get(key, [])]
    for prop in props.get("X-ABDATE", []):
        label = labels.get(prop.group or "", "")
        match = _APPLE_LABEL.match(label)
        if match and match.group(1).lower() == "anniversary":
            wanted.append((prop, DateKind.ANNIVERSARY, None))
        else:
            wanted.append((prop, DateKind.OTHER,
                           (match.group(1) if match else label)[:MAX_LABEL] or "date"))
    for prop, kind, name in wanted:
        text = unescape(prop.value).strip()
        if not text:
            continue
        value = read_important_date(text, kind, label=name, warn=warn)
        if value is not None and value.year is not None and \
                str(value.year) in prop.params.get("X-APPLE-OMIT-YEAR", []):
            # Apple writes a birthday without a year as that year plus this marker.
            value = ImportantDate(value.kind, value.month, value.day, None, value.label)
        if value is not None:
            found.append(value)
    return found


def _started_on(props: dict[str, list[_Property]]) -> date | None:
    for prop in props.get(STARTED_ON, []):
        try:
            return date.fromisoformat(_iso_day(prop.value.strip()))
        except ValueError:
            return None
    return None


def _iso_day(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else text


def _pairs(roles: list[str], organizations: list[str]) -> list[tuple[str, str]]:
    count = max(len(roles), len(organizations))
    return [(roles[i] if i < len(roles) else "",
             organizations[i] if i < len(organizations) else "") for i in range(count)]


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


def _texts(props: dict[str, list[_Property]], key: str) -> list[str]:
    return [text for text in (unescape(p.value).strip() for p in props.get(key, [])) if text]


def _organizations(props: list[_Property]) -> list[str]:
    # ORG is "company;department;…"; the company is what people look for.
    return [text for text in (split_escaped(p.value, ";")[0].strip() for p in props) if text]


def _address(props: list[_Property]) -> tuple[str | None, str | None]:
    """(city, region, country as one place; the country) of the first address with one."""
    for prop in props:
        # pobox;extended;street;locality;region;code;country — a street address is more
        # than a book of relationships needs: city, region, country.
        adr = split_escaped(prop.value, ";") + [""] * 7
        place = [p.strip() for p in (adr[3], adr[4], adr[6]) if p.strip()]
        if place:
            return ", ".join(place), adr[6].strip() or None
    return None, None


def _tel(value: str) -> str:
    return value[4:] if value.lower().startswith("tel:") else value


def _label(prop: _Property) -> str | None:
    kinds = [kind for kind in prop.params.get("TYPE", []) if kind]
    lowered = [kind.lower() for kind in kinds]
    if "fax" in lowered:
        place = next((k for k in lowered if k in ("work", "home")), None)
        return f"{place} fax" if place else "fax"
    for kind, low in zip(kinds, lowered, strict=True):
        if low not in _NOISE_TYPES:
            if low.startswith("x-"):
                kind, low = kind[2:], low[2:]
            return _TYPE_LABELS.get(low, low) if low in STANDARD_LABELS else kind
    return None


def _apple_label(value: str) -> str | None:
    text = unescape(value).strip()
    match = _APPLE_LABEL.match(text)
    label = (match.group(1) if match else text).strip()
    if label.lower() in STANDARD_LABELS or match:
        label = label.lower()
        return _TYPE_LABELS.get(label, label) or None
    return label or None


def _photo(raw: bytes | None, *, limits: Limits, warn: Warn
           ) -> Photo | None:
    """PHOTO as vCard 2.1 (`;ENCODING=BASE64;JPEG`), 3.0 (`;ENCODING=b;TYPE=JPEG`) and 4.0
    (`data:image/jpeg;base64,`) write it; a link is not fetched, and anything unreadable
    is left out with a warning (what the picture is, the service tells by its bytes)."""
    if raw is None:
        return None
    line = raw.decode("ascii", "replace")
    head, _, value = line.partition(":")
    params = head.upper()
    media_type = "image/jpeg"
    match = _DATA_URI.match(value)
    if match:
        if "base64" not in (match.group(2) or "").lower():
            warn("the photo is a data: address without base64; it is left out.")
            return None
        media_type = (match.group(1) or media_type).lower()
        value = value[match.end():]
    elif "ENCODING=B" not in params and "BASE64" not in params:
        shown = value.strip()[:60]
        warn(f"the photo is a link ({shown}); Kithbook does not fetch pictures from the web, "
             "so it is left out. Save the picture into the card to import it.")
        return None
    if len(value) * 3 // 4 > limits.max_photo_bytes:
        warn(f"the photo is larger than {limits.max_photo_bytes:,} bytes; it is left out.")
        return None
    try:
        data = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        warn("the photo is not valid base64 (cut short, or damaged); it is left out.")
        return None
    return Photo(data=data, media_type=media_type)
