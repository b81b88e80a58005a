"""A message's header block, as bytes, into `MessageHeaders`; the body is never read.

Two readers give the same answer. `parse_headers_by_email_package` is the standard
library's compat32 parser, which takes whatever a mail server once accepted (bare 8-bit
names, broken encoded words, missing fields, groups, comments) and reports defects
instead of raising; what still cannot be made sense of becomes None. It is thorough and
slow: most of capture's time went into it, three quarters in `getaddresses`.

`parse_headers` reads the common case itself: an all-ASCII header block of well-formed
lines, address lists of plain forms (`a@b`, `<a@b>`, `Name <a@b>`, `"Name, Jr." <a@b>`)
and dates in the RFC 5322 form. Anything else (8-bit bytes, encoded words, comments,
groups, escapes, an odd line or date) goes to the email package, per message, per field
or per date. tests/unit/io/test_mail_headers.py checks that both readers agree, on odd
real-world headers and on generated ones.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32

from kithbook.domain.capture import Address, MessageHeaders, normalize_email

# Headers kept to 64 KB: past that a "header" is an attack, not mail.
MAX_HEADER_BYTES = 65_536
_PARSER = BytesHeaderParser(policy=compat32)
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "list-help", "list-subscribe",
                 "list-archive", "list-owner")
# Every field capture reads (the subject only when kept): a server that can pick fields
# (IMAP's HEADER.FIELDS) sends these alone.
READ_FIELDS = ("from", "sender", "to", "cc", "date", "message-id", "in-reply-to",
               "references", "precedence", "auto-submitted", *_LIST_HEADERS)


def header_block(data: bytes) -> bytes:
    """The headers of a whole message (up to the first blank line), capped."""
    end = len(data)
    for mark in (b"\r\n\r\n", b"\n\n"):
        at = data.find(mark, 0, MAX_HEADER_BYTES + 4)
        if at != -1:
            end = min(end, at + len(mark))
    return data[:min(end, MAX_HEADER_BYTES)]


def parse_headers(data: bytes, *, keep_subject: bool = False) -> MessageHeaders:
    """Headers of one message; `data` may be the whole message, only its head is read."""
    block = header_block(data)
    fields = _plain_fields(block)
    if fields is None:
        return parse_headers_by_email_package(block, keep_subject=keep_subject)
    return _headers(fields, keep_subject, _addresses, _date)


def parse_headers_by_email_package(data: bytes, *,
                                   keep_subject: bool = False) -> MessageHeaders:
    """The same, all of it by the standard library: for what `parse_headers` declines,
    and the reference it is measured and tested against."""
    fields: dict[str, list[str]] = {}
    for name, value in _PARSER.parsebytes(header_block(data)).items():
        fields.setdefault(name.lower(), []).append(str(value))
    return _headers(fields, keep_subject, _addresses_by_email_package,
                    _date_by_email_package)


def _headers(fields: dict[str, list[str]], keep_subject: bool,
             addresses: Callable[[list[str]], tuple[Address, ...]],
             date: Callable[[object], datetime | None]) -> MessageHeaders:
    """`fields` by lower-case name (names compare in any case, as `Message.get`
    compares them), each with all its values in order."""
    def first(name: str) -> str | None:
        found = fields.get(name)
        return found[0] if found else None

    sender = addresses(fields.get("from", [])) or addresses(fields.get("sender", []))
    return MessageHeaders(
        message_id=_message_id(first("message-id")),
        sender=sender[0] if sender else None,
        to=addresses(fields.get("to", [])),
        cc=addresses(fields.get("cc", [])),
        sent_at=date(first("date")),
        in_reply_to=_message_id(first("in-reply-to")),
        references=tuple(r for r in (_message_id(p) for p in
                                     _text(first("references")).split()) if r),
        has_list_headers=any(name.startswith("list-") and name in _LIST_HEADERS
                             for name in fields),
        precedence=_text(first("precedence")) or None,
        auto_submitted=_text(first("auto-submitted")) or None,
        subject=(_decoded(first("subject")) or None) if keep_subject else None,
    )


# A field as the email package reads it: a name of printable ASCII but the colon, the
# value with its leading blanks dropped, and the lines folded into it (kept with their
# line breaks, as the package keeps them).
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+):[ \t]*([^\r\n]*(?:(?:\r\n|\n|\r)[ \t][^\r\n]*)*)"
                    rb"(?:\r\n|\n|\r)?")


def _plain_fields(block: bytes) -> dict[str, list[str]] | None:
    """The fields of an all-ASCII block of well-formed lines, by lower-case name, each
    value exactly as the email package gives it; None for any other block."""
    if not block.isascii():
        return None
    fields: dict[str, list[str]] = {}
    at = 0
    for found in _FIELD.finditer(block):
        if found.start() != at:
            return None  # a line that is not a field: the package reads it otherwise
        fields.setdefault(found[1].decode("ascii").lower(), []).append(
            found[2].decode("ascii"))
        at = found.end()
    return fields if block[at:] in (b"", b"\n", b"\r\n", b"\r") else None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _decoded(value: object) -> str:
    """RFC 2047 words decoded; bytes that are not in the charset they claim are replaced."""
    raw = _text(value)
    if not raw:
        return ""
    try:
        text = str(make_header(decode_header(raw)))
    except (ValueError, LookupError, UnicodeError, HeaderParseError):
        text = raw
    text = text.replace("\x00", "")
    return " ".join(text.split())[:1000]


def _message_id(value: object) -> str | None:
    raw = _text(value)
    if not raw:
        return None
    start, end = raw.find("<"), raw.find(">")
    if start != -1 and end > start:
        raw = raw[start + 1:end]
    raw = raw.strip().replace("\x00", "")
    return raw[:998] or None


# One mailbox of a list in a plain form: `a@b`, `<a@b>`, `Name <a@b>` or `"Name" <a@b>`,
# with atoms only in the address; then a comma or the end.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_MAILBOX = re.compile(
    rf"[ \t\r\n]*(?:(?:\"(?P<quoted>[^\"\\\r\n\x00]*)\"|(?P<name>{_ATOM}(?:[ \t]+{_ATOM})*))?"
    rf"[ \t\r\n]*<(?P<angled>{_ADDRESS})>|(?P<bare>{_ADDRESS}))[ \t\r\n]*(?:,|$)")


def _addresses(values: list[str]) -> tuple[Address, ...]:
    out: list[Address] = []
    for value in values:
        plain = _plain_addresses(value)
        out += plain if plain is not None else _addresses_by_email_package([value])
    return tuple(out)


def _plain_addresses(value: str) -> list[Address] | None:
    """A list of mailboxes in plain forms, or None when any part is not plain."""
    if "=?" in value:
        return None
    out: list[Address] = []
    at, end = 0, len(value)
    while at < end:
        found = _MAILBOX.match(value, at)
        if found is None:
            if value[at:].strip(" \t\r\n,"):
                return None
            break
        address = normalize_email(found["angled"] or found["bare"])
        display = found["quoted"] if found["quoted"] is not None else found["name"]
        if len(address) <= 320:
            out.append(Address(address, " ".join((display or "").split())[:1000] or None))
        at = found.end()
    return out


def _addresses_by_email_package(values: list[str]) -> tuple[Address, ...]:
    out: list[Address] = []
    for display, addr in email.utils.getaddresses(values):
        email_address = normalize_email(_decoded(addr))
        if "@" not in email_address or len(email_address) > 320:
            continue
        out.append(Address(email_address, _decoded(display) or None))
    return tuple(out)


_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                        "sep", "oct", "nov", "dec"), start=1)}
# RFC 5322's date: "Mon, 7 Dec 2026 20:57:39 +0100", the day name and seconds optional,
# then maybe a comment such as "(CET)".
_DATE = re.compile(r"(?:[A-Za-z]{3},[ \t]*)?(\d{1,2})[ \t]+([A-Za-z]{3})[ \t]+([12]\d{3})[ \t]+"
                   r"(\d{2}):(\d{2})(?::(\d{2}))?[ \t]+([+-])(\d{2})(\d{2})"
                   r"(?:[ \t]*\([A-Za-z0-9 +:-]*\))?")


def _date(value: object) -> datetime | None:
    found = _DATE.fullmatch(_text(value)) if isinstance(value, str) else None
    month = _MONTHS.get(found[2].lower()) if found else None
    if found is None or month is None or found.group(7, 8, 9) == ("-", "00", "00"):
        return _date_by_email_package(value)
    try:
        offset = timedelta(hours=int(found[8]), minutes=int(found[9]))
        return datetime(int(found[3]), month, int(found[1]), int(found[4]), int(found[5]),
                        int(found[6] or 0),
                        tzinfo=timezone(-offset if found[7] == "-" else offset))
    except (ValueError, OverflowError):
        return _date_by_email_package(value)


def _date_by_email_package(value: object) -> datetime | None:
    raw = _text(value)
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    # Kept in the writer's own offset: the day they wrote it is the day of the exchange.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
