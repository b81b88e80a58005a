"""A message's header block, as bytes, into `MessageHeaders`; the body is never read.

Parsed with the standard library's compat32 policy, which takes whatever a mail server
once accepted (bare 8-bit names, broken encoded words, missing fields) and reports
defects instead of raising; what still cannot be made sense of becomes None.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from kithbook.domain.capture import Address, MessageHeaders, normalize_email

# Headers kept to 64 KB: past that a "header" is an attack, not mail.
MAX_HEADER_BYTES = 65_536
_PARSER = BytesHeaderParser(policy=compat32)
_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "list-help", "list-subscribe",
                 "list-archive", "list-owner")


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
    message = _PARSER.parsebytes(header_block(data))
    return MessageHeaders(
        message_id=_message_id(message.get("Message-ID")),
        sender=_first(message, "From") or _first(message, "Sender"),
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        sent_at=_date(message.get("Date")),
        in_reply_to=_message_id(message.get("In-Reply-To")),
        references=tuple(r for r in (_message_id(p) for p in
                                     _text(message.get("References")).split()) if r),
        has_list_headers=any(h in message for h in _LIST_HEADERS),
        precedence=_text(message.get("Precedence")) or None,
        auto_submitted=_text(message.get("Auto-Submitted")) or None,
        subject=(_decoded(message.get("Subject")) or None) if keep_subject else None,
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _decoded(value: object) -> str:
    """RFC 2047 words decoded; bytes that are not in the charset they claim are replaced."""
    raw = _text(value)
    if not raw:
        return ""
    try:
        text = str(make_header(decode_header(raw)))
    except (ValueError, LookupError, UnicodeError):
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


def _addresses(message: Message, name: str) -> tuple[Address, ...]:
    values = [str(v) for v in message.get_all(name, [])]
    out: list[Address] = []
    for display, addr in email.utils.getaddresses(values):
        email_address = normalize_email(_decoded(addr))
        if "@" not in email_address or len(email_address) > 320:
            continue
        out.append(Address(email_address, _decoded(display) or None))
    return tuple(out)


def _first(message: Message, name: str) -> Address | None:
    found = _addresses(message, name)
    return found[0] if found else None


def _date(value: object) -> datetime | None:
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
