"""Caps that keep a hostile file from exhausting memory or time, with errors that say where.

A file may be enormous on purpose (a 50 MB cell, a zip that expands a thousandfold, a card
with thousands of properties). Every reader checks these caps as it streams, so it fails on
the offending line or card before holding much of it in memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from kithbook.domain.contacts import MAX_TEXT
from kithbook.domain.errors import InvalidInput


@dataclass(frozen=True)
class Limits:
    max_line_chars: int = 1_000_000  # one physical line (a base64 photo fits)
    max_field_chars: int = MAX_TEXT  # one CSV cell or vCard value other than a photo
    max_properties_per_card: int = 500
    max_card_chars: int = 12_000_000  # a card with a photo of up to ~8 MB
    max_photo_bytes: int = 8_000_000
    max_calendar_bytes: int = 64_000_000  # a calendar is parsed whole (overrides refer back)
    max_occurrences_per_event: int = 20_000
    # dateutil walks every period of a series from its start, matching or not; this caps
    # that walk over a whole calendar (a few seconds of work at most).
    max_recurrence_periods: int = 1_000_000
    max_zip_member_bytes: int = 512_000_000  # uncompressed Connections.csv
    max_zip_ratio: int = 200  # uncompressed / compressed; CSV rarely exceeds 20


DEFAULT_LIMITS = Limits()

_READ_CHUNK = 1 << 16


def sniff_encoding(head: bytes) -> str:
    """UTF-8 unless a byte-order mark says UTF-16 (Google's legacy CSV export is UTF-16)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def text_lines(stream: BinaryIO, *, name: str, limits: Limits = DEFAULT_LIMITS,
               encoding: str | None = None) -> Iterator[str]:
    """Decode `stream` and yield its physical lines, keeping their line endings.

    Refuses a line longer than `limits.max_line_chars` without reading the rest of it, and
    bytes that are not valid in the encoding, naming the line either way.
    """
    head = _peek(stream)
    codec = encoding or sniff_encoding(head)
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    pending = ""
    line_no = 1
    cap = limits.max_line_chars
    eol = ""  # "\n", or "\r" for files from classic Mac programs ("CSV (Macintosh)")
    while True:
        chunk = stream.read(_READ_CHUNK)
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            newline = "\n".encode(codec.removesuffix("-sig"))[-2:] if "16" in codec else b"\n"
            before = chunk[: max(exc.start, 0)].count(newline)
            where = line_no + pending.count(eol or "\n") + before
            raise InvalidInput(
                f"{name}, line {where}: the file is not valid {_codec_name(codec)} text. "
                "Save it again as UTF-8 (a spreadsheet's 'CSV UTF-8', an address book's "
                "'Unicode (UTF-8)') and import it again.", field="file") from None
        if not eol and pending:
            eol = "\r" if "\n" not in pending and "\r" in pending[:-1] else "\n"
        start = 0
        while eol:
            end = pending.find(eol, start)
            if end < 0:
                break
            if end + 1 - start > cap:
                _too_long(name, line_no, cap)
            yield pending[start:end + 1]
            line_no += 1
            start = end + 1
        pending = pending[start:]
        if len(pending) > cap:
            _too_long(name, line_no, cap)
        if not chunk:
            if pending:
                yield pending
            return


def check_field(value: str, *, where: str, column: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidInput(
            f"{where}: {column} is {len(value):,} characters long; the limit is {limit:,}. "
            "Shorten it or remove the row and import again.", field="file")
    return value


def _peek(stream: BinaryIO) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(4)[:4])
    if stream.seekable():
        position = stream.tell()
        head = stream.read(4)
        stream.seek(position)
        return head
    return b""


def _codec_name(codec: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(codec, codec)


def _too_long(name: str, line_no: int, cap: int) -> None:
    raise InvalidInput(
        f"{name}, line {line_no}: the line is longer than {cap:,} characters, which no "
        "contact needs. The file is damaged or not an export; check it and import again.",
        field="file")
