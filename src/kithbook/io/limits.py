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
from kithbook.io.records import Warnings


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
_SNIFF_BYTES = 512
FALLBACK_CODEC = "cp1252"  # what most 8-bit exports without a declared charset turn out to be


def sniff_encoding(head: bytes) -> str:
    """UTF-8, unless a byte-order mark or the pattern of zero bytes says UTF-16.

    Google's legacy CSV export is UTF-16 with a mark; some Windows and phone exports are
    UTF-16 without one, which shows as a zero byte beside nearly every ASCII character.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Exports start with ASCII ("BEGIN:VCARD", a CSV header): in UTF-16 each of those
    # characters has a zero byte beside it, which UTF-8 text never has.
    start = head[:16]
    if len(start) == 16:
        even, odd = start[0::2], start[1::2]
        if even.count(0) == 8 and 0 not in odd:
            return "utf-16-be"
        if odd.count(0) == 8 and 0 not in even:
            return "utf-16-le"
    return "utf-8-sig"


# What address books in the wild are written in when they are not UTF-8.
_CANDIDATES = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "iso8859_2",
               "iso8859_15", "koi8_r", "shift_jis", "cp932", "euc_jp", "gb18030", "big5",
               "euc_kr"]
_LATIN = {"cp1250", "cp1252", "cp1254", "cp1257", "iso8859_2", "iso8859_15"}


def guess_codec(data: bytes) -> str:
    """The encoding of text that does not say, by charset-normalizer, among the encodings
    contact exports use (all ASCII-compatible: a CSV's or vCard's structure is ASCII).

    Names are short, and on a few accented letters the Latin code pages score alike;
    windows-1252, by far the most common, is taken when it reads every such byte as a
    letter.
    """
    from charset_normalizer import from_bytes  # a guess is rare: loaded only when needed

    sample = data[:_READ_CHUNK]
    found = [match.encoding for match in from_bytes(sample, cp_isolation=_CANDIDATES)]
    codec = found[0] if found else FALLBACK_CODEC
    if codec in _LATIN and codec != FALLBACK_CODEC and _all_letters(sample, FALLBACK_CODEC):
        return FALLBACK_CODEC
    return codec


def _all_letters(sample: bytes, codec: str) -> bool:
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        return False
    return all(char.isalpha() for char in text if ord(char) > 127)


def codec_label(codec: str) -> str:
    """How people know an encoding: "windows-1252", "Shift_JIS", "UTF-8"."""
    name = codecs.lookup(codec).name
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
            "utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)",
            "shift_jis": "Shift_JIS", "cp932": "Shift_JIS (Windows)",
            "euc_jp": "EUC-JP", "latin-1": "ISO-8859-1"}.get(
        name, name.replace("cp125", "windows-125").replace("iso8859-", "ISO-8859-"))


def text_lines(stream: BinaryIO, *, name: str, limits: Limits = DEFAULT_LIMITS,
               encoding: str | None = None,
               warnings: Warnings | None = None) -> Iterator[str]:
    """Decode `stream` and yield its physical lines, keeping their line endings.

    Refuses a line longer than `limits.max_line_chars` without reading the rest of it,
    naming the line. A file that is not valid UTF-8 and does not say what it is (no byte
    order mark) is read from the first bad byte on in the encoding charset-normalizer
    guesses, with a warning in `warnings` naming the line; UTF-16 that does not decode is
    refused.
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
            if "16" in codec or not isinstance(exc.object, bytes):
                raise InvalidInput(
                    f"{name}, line {where}: the file is not valid {_codec_name(codec)} text. "
                    "Save it again as UTF-8 (a spreadsheet's 'CSV UTF-8', an address book's "
                    "'Unicode (UTF-8)') and import it again.", field="file") from None
            data = bytes(exc.object)
            pending += data[:exc.start].decode(codec)
            codec = guess_codec(data[exc.start:])
            decoder = codecs.getincrementaldecoder(codec)(errors="replace")
            pending += decoder.decode(data[exc.start:], final=not chunk)
            if warnings is not None:
                warnings.add(f"{name}, line {where}", (
                    f"the file is not UTF-8 from this line on and does not say what it is; "
                    f"it is read as {codec_label(codec)}, a guess. Check names with accents; "
                    "to be sure, save the file as UTF-8 and import it again."))
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


def byte_lines(stream: BinaryIO, *, name: str, limits: Limits = DEFAULT_LIMITS,
               warnings: Warnings | None = None) -> Iterator[bytes]:
    """The physical lines of `stream` as bytes, without their line endings.

    For formats whose values declare their own character set (vCard 2.1's CHARSET): lines
    are unfolded and decoded by the caller, so a character split by a fold survives. A
    UTF-16 file is decoded whole and handed on as UTF-8.
    """
    head = _peek(stream)
    codec = sniff_encoding(head)
    if codec != "utf-8-sig":
        for text in text_lines(stream, name=name, limits=limits, encoding=codec,
                               warnings=warnings):
            yield text.rstrip("\r\n").encode("utf-8")
        return
    cap = limits.max_line_chars
    pending = b""
    eol = b""
    line_no = 1
    first = True
    while True:
        chunk = stream.read(_READ_CHUNK)
        if first:
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
            first = False
        pending += chunk
        if not eol and pending:
            eol = b"\r" if b"\n" not in pending and b"\r" in pending[:-1] else b"\n"
        if eol and eol in pending:
            lines = pending.split(eol)
            pending = lines.pop()
            for line in lines:
                if len(line) > cap:
                    _too_long(name, line_no, cap)
                line_no += 1
                yield line.removesuffix(b"\r")
        if len(pending) > cap:
            _too_long(name, line_no, cap)
        if not chunk:
            if pending:
                yield pending.removesuffix(b"\r")
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
        return bytes(peek(_SNIFF_BYTES)[:_SNIFF_BYTES])
    if stream.seekable():
        position = stream.tell()
        head = stream.read(_SNIFF_BYTES)
        stream.seek(position)
        return head
    return b""


def _codec_name(codec: str) -> str:
    return codec_label(codec)


def _too_long(name: str, line_no: int, cap: int) -> None:
    raise InvalidInput(
        f"{name}, line {line_no}: the line is longer than {cap:,} characters, which no "
        "contact needs. The file is damaged or not an export; check it and import again.",
        field="file")
