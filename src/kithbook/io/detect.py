"""Which format a file is, judged by its content, and opening LinkedIn's export zip safely.

The name of a file says little (people rename exports); the first few kilobytes say a lot.
A zip is opened only to read its `Connections.csv`, under caps on the uncompressed size and
the compression ratio, counted as the bytes come out rather than trusted from the headers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, BinaryIO

from kithbook.domain.errors import InvalidInput
from kithbook.io.google_csv import google_score, is_google_header
from kithbook.io.limits import DEFAULT_LIMITS, Limits, sniff_encoding
from kithbook.io.linkedin import is_linkedin_header
from kithbook.io.outlook_csv import is_outlook_header, outlook_score

HEAD_BYTES = 64 * 1024
CONNECTIONS = "connections.csv"
_ZIP_MAGIC = b"PK\x03\x04"


class Format(StrEnum):
    LINKEDIN = "linkedin"
    VCARD = "vcard"
    GOOGLE_CSV = "google"
    OUTLOOK_CSV = "outlook"
    ICS = "ics"
    KITHBOOK_JSON = "json"


def detect_format(head: bytes, *, name: str) -> Format:
    """The format of a file from its first bytes (a zip means LinkedIn's export)."""
    if head.startswith(_ZIP_MAGIC):
        return Format.LINKEDIN
    text = _decode_head(head)
    stripped = text.lstrip()
    upper = stripped[:200].upper()
    if upper.startswith("BEGIN:VCARD"):
        return Format.VCARD
    if upper.startswith("BEGIN:VCALENDAR"):
        return Format.ICS
    if stripped.startswith("{") and '"kithbook"' in stripped[:2000]:
        return Format.KITHBOOK_JSON
    for cells in _head_rows(text):
        found = _csv_format(cells)
        if found is not None:
            return found
    raise InvalidInput(
        f"{name}: cannot tell what kind of file this is. Kithbook reads LinkedIn "
        "Connections.csv (or its export zip), vCard (.vcf), Google or Outlook CSV, iCalendar "
        "(.ics) and its own JSON export; name the format with --format if it is one of them.",
        field="file")


@contextmanager
def open_import(path: Path, *, format: Format | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Format, BinaryIO, str]]:
    """Open `path` for reading as (format, binary stream, name to use in messages)."""
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES)
        raw.seek(0)
        found = format or detect_format(head, name=path.name)
        if head.startswith(_ZIP_MAGIC):
            if found is not Format.LINKEDIN:
                raise InvalidInput(f"{path.name} is a zip archive; only LinkedIn's export zip "
                                   "can be imported as it is. Unzip it first.", field="file")
            with connections_in_zip(raw, name=path.name, limits=limits) as (stream, inner):
                yield found, stream, inner
            return
        yield found, raw, path.name


@contextmanager
def connections_in_zip(archive: BinaryIO, *, name: str,
                       limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[BinaryIO, str]]:
    """The `Connections.csv` inside LinkedIn's export zip, read under the zip-bomb caps."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [info for info in zipped.infolist()
                       if not info.is_dir() and info.filename.rsplit("/", 1)[-1].lower()
                       == CONNECTIONS]
            if not members:
                raise InvalidInput(
                    f"{name} holds no Connections.csv. Request LinkedIn's data export with "
                    "'Connections' selected, or import the Connections.csv file itself.",
                    field="file")
            info = members[0]
            inner = f"{name}:{info.filename}"
            cap = _member_cap(info, limits)
            if info.file_size > cap:
                _bomb(inner, limits)
            with zipped.open(info) as member:
                yield io.BufferedReader(_Capped(member, cap, inner, limits)), inner
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise InvalidInput(f"{name}: the zip archive is damaged or unsupported ({exc}). "
                           "Download the export again.", field="file") from None


def _member_cap(info: zipfile.ZipInfo, limits: Limits) -> int:
    by_ratio = max(info.compress_size, 1) * limits.max_zip_ratio
    return min(limits.max_zip_member_bytes, max(by_ratio, 1 << 20))


def _bomb(inner: str, limits: Limits) -> None:
    raise InvalidInput(
        f"{inner} expands far beyond any real connections list (more than "
        f"{limits.max_zip_member_bytes:,} bytes or {limits.max_zip_ratio}× its compressed "
        "size); it is not imported. Download LinkedIn's export again.", field="file")


class _Capped(io.RawIOBase):
    """Counts what comes out of the archive and stops at the cap, whatever headers claim."""

    def __init__(self, inner: IO[bytes], cap: int, name: str, limits: Limits) -> None:
        self._inner = inner
        self._left = cap
        self._name = name
        self._limits = limits

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            _bomb(self._name, self._limits)
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _decode_head(head: bytes) -> str:
    codec = sniff_encoding(head)
    return head.decode(codec, errors="ignore").lstrip("\ufeff")


def _head_rows(text: str) -> Iterator[list[str]]:
    lines = text.splitlines()[:-1] or text.splitlines()  # the last line may be cut short
    try:
        for cells in csv.reader(lines[:40]):
            yield [c.strip() for c in cells]
    except csv.Error:
        return


def _csv_format(cells: list[str]) -> Format | None:
    """Recognized by the columns present, so trimmed and older exports are known too."""
    if is_linkedin_header(cells):
        return Format.LINKEDIN
    google, outlook = google_score(cells), outlook_score(cells)
    if google > outlook and is_google_header(cells):
        return Format.GOOGLE_CSV
    if outlook and is_outlook_header(cells):
        return Format.OUTLOOK_CSV
    if is_google_header(cells):
        return Format.GOOGLE_CSV
    return None
