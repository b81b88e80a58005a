"""Mail files a member exported: an mbox (Google Takeout), a Maildir, `.eml` files.

`open_mail(path)` tells which it is and returns a `MailFile` whose `messages()` yields
each message's headers; only the header block of each message is read from disk. An
mbox is mapped into memory and cut at its "From " lines directly, as `mailbox.mbox` cuts
it, without that module's table of contents (built line by line in Python, twice: once
to count, once to read).
"""

from __future__ import annotations

import mailbox
import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from kithbook.domain.capture import MessageHeaders
from kithbook.domain.errors import InvalidInput
from kithbook.io.mail.headers import MAX_HEADER_BYTES, parse_headers


class MailFormat(StrEnum):
    MBOX = "mbox"
    MAILDIR = "Maildir"
    EML = ".eml files"


@dataclass
class MailFile:
    path: Path
    format: MailFormat
    keep_subjects: bool = False
    unreadable: int = 0
    warnings: list[str] = field(default_factory=list)
    _count: int | None = None

    def count(self) -> int:
        """How many messages there are, for a progress bar (an mbox is scanned once)."""
        if self._count is None:
            if self.format is MailFormat.MBOX:
                with _mapped(self.path) as data:
                    self._count = len(_mbox_starts(data))
            else:
                self._count = sum(1 for _ in self._sources())
        return self._count

    def messages(self) -> Iterator[MessageHeaders]:
        if self.format is MailFormat.MBOX:
            yield from self._mbox_messages()
            return
        for where, opener in self._sources():
            try:
                with opener() as stream:
                    head = _head(stream)
                yield parse_headers(head, keep_subject=self.keep_subjects)
            except (OSError, ValueError, LookupError, UnicodeError,
                    mailbox.Error) as exc:
                self._unreadable(where, exc)

    def _mbox_messages(self) -> Iterator[MessageHeaders]:
        with _mapped(self.path) as data:
            starts = _mbox_starts(data)
            ends = [*starts[1:], len(data)]
            for n, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
                line_end = data.find(b"\n", start, end)
                head = end if line_end == -1 else line_end + 1  # past the "From " line
                try:
                    yield parse_headers(data[head:min(end, head + MAX_HEADER_BYTES + 4)],
                                        keep_subject=self.keep_subjects)
                except (ValueError, LookupError, UnicodeError) as exc:
                    self._unreadable(f"message {n}", exc)

    def _unreadable(self, where: str, exc: Exception) -> None:
        self.unreadable += 1
        if len(self.warnings) < 20:
            self.warnings.append(f"{where}: could not be read ({exc}); left out.")

    def _sources(self) -> Iterator[tuple[str, _Opener]]:
        if self.format is MailFormat.MAILDIR:
            maildir = mailbox.Maildir(self.path, factory=None, create=False)
            for key in sorted(maildir.iterkeys()):
                yield key, _Opener(maildir, key)
        else:
            files = [self.path] if self.path.is_file() else sorted(
                p for p in self.path.rglob("*.eml") if p.is_file())
            for file in files:
                yield file.name, _Opener(None, file)


class _EmptyMap:
    """What an empty file maps to: `mmap` refuses a length of zero."""

    def __enter__(self) -> bytes:
        return b""

    def __exit__(self, *exc: object) -> None:
        pass


def _mapped(path: Path) -> mmap.mmap | _EmptyMap:
    with open(path, "rb") as stream:
        if os.fstat(stream.fileno()).st_size == 0:
            return _EmptyMap()
        # The map holds its own reference to the file; closing the stream is safe.
        return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)


def _mbox_starts(data: bytes | mmap.mmap) -> list[int]:
    """Where each message begins: every line that starts with "From " (the rule of
    `mailbox.mbox`, which a line of a body escaped as ">From " does not meet)."""
    starts = [0] if data[:5] == b"From " else []
    at = data.find(b"\nFrom ")
    while at != -1:
        starts.append(at + 1)
        at = data.find(b"\nFrom ", at + 1)
    return starts


class _Opener:
    """Opens one message for reading when called; a Maildir or mbox key, or a file."""

    def __init__(self, box: mailbox.Mailbox[mailbox.Message] | None,
                 key: str | int | Path) -> None:
        self._box, self._key = box, key

    def __call__(self) -> BinaryIO:
        if self._box is None or isinstance(self._key, Path):
            return open(self._key, "rb")  # closed by the caller's `with`
        stream: BinaryIO = self._box.get_file(self._key)  # type: ignore[arg-type,assignment]
        return stream


def _head(stream: BinaryIO) -> bytes:
    """The header block: lines up to the first blank one, never more than the cap."""
    lines: list[bytes] = []
    size = 0
    while size < MAX_HEADER_BYTES:
        line = stream.readline(MAX_HEADER_BYTES - size)
        if not line or line in (b"\n", b"\r\n"):
            break
        lines.append(line)
        size += len(line)
    return b"".join(lines) + b"\n"


def open_mail(path: str | Path, *, keep_subjects: bool = False) -> MailFile:
    """The mail at `path`: a Maildir (a folder with cur/ and new/), a folder of `.eml`
    files, one `.eml` file, or an mbox file."""
    where = Path(path).expanduser()
    if not where.exists():
        raise InvalidInput(f"{path}: no such file or folder; give the path of an mbox file, "
                           "a Maildir folder or .eml files.", field="path")
    if where.is_dir():
        if (where / "cur").is_dir() and (where / "new").is_dir():
            return MailFile(where, MailFormat.MAILDIR, keep_subjects)
        if any(where.rglob("*.eml")):
            return MailFile(where, MailFormat.EML, keep_subjects)
        raise InvalidInput(f"{path}: this folder is neither a Maildir (with cur/ and new/) "
                           "nor holds .eml files.", field="path")
    with open(where, "rb") as stream:
        head = stream.read(5)
    if where.suffix.lower() == ".eml":
        return MailFile(where, MailFormat.EML, keep_subjects)
    if head == b"From ":
        return MailFile(where, MailFormat.MBOX, keep_subjects)
    if not head:
        raise InvalidInput(f"{path}: the file is empty.", field="path")
    raise InvalidInput(f"{path}: not an mbox file (it should start with \"From \"); give an "
                       "mbox export, a Maildir folder or .eml files.", field="path")
