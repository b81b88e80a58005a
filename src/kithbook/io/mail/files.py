"""Mail files a member exported: an mbox (Google Takeout), a Maildir, `.eml` files.

`open_mail(path)` tells which it is and returns a `MailFile` whose `messages()` yields
each message's headers; only the header block of each message is read from disk.
"""

from __future__ import annotations

import mailbox
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
            self._count = sum(1 for _ in self._sources())
        return self._count

    def messages(self) -> Iterator[MessageHeaders]:
        for where, opener in self._sources():
            try:
                with opener() as stream:
                    head = _head(stream)
                yield parse_headers(head, keep_subject=self.keep_subjects)
            except (OSError, ValueError, LookupError, UnicodeError,
                    mailbox.Error) as exc:
                self.unreadable += 1
                if len(self.warnings) < 20:
                    self.warnings.append(f"{where}: could not be read ({exc}); left out.")

    def _sources(self) -> Iterator[tuple[str, _Opener]]:
        if self.format is MailFormat.MBOX:
            box = mailbox.mbox(self.path, create=False)
            try:
                for n, key in enumerate(box.iterkeys(), start=1):
                    yield f"message {n}", _Opener(box, key)
            finally:
                box.close()
        elif self.format is MailFormat.MAILDIR:
            maildir = mailbox.Maildir(self.path, factory=None, create=False)
            for key in sorted(maildir.iterkeys()):
                yield key, _Opener(maildir, key)
        else:
            files = [self.path] if self.path.is_file() else sorted(
                p for p in self.path.rglob("*.eml") if p.is_file())
            for file in files:
                yield file.name, _Opener(None, file)


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
