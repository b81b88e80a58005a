"""Sources: the mailboxes, mail files and calendars a member's history is captured from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import MemberId


class SourceKind(StrEnum):
    IMAP = "imap"
    MAIL_FILE = "mail_file"  # an mbox, a Maildir or .eml files, read once per run
    CALDAV = "caldav"
    CARDDAV = "carddav"  # an address book kept in step both ways (services/sync.py)
    ICS = "ics"

    @property
    def is_calendar(self) -> bool:
        return self in (SourceKind.CALDAV, SourceKind.ICS)

    @property
    def words(self) -> str:
        return {SourceKind.IMAP: "mail account (IMAP)",
                SourceKind.MAIL_FILE: "mail file",
                SourceKind.CALDAV: "calendar (CalDAV)",
                SourceKind.CARDDAV: "address book (CardDAV sync)",
                SourceKind.ICS: "subscribed calendar (ICS)"}[self]


def parse_source_kind(text: str) -> SourceKind:
    word = text.strip().lower().replace("-", "_")
    aliases = {"mail": SourceKind.MAIL_FILE, "file": SourceKind.MAIL_FILE,
               "mbox": SourceKind.MAIL_FILE, "maildir": SourceKind.MAIL_FILE,
               "eml": SourceKind.MAIL_FILE}
    try:
        return SourceKind(word)
    except ValueError:
        pass
    if word in aliases:
        return aliases[word]
    raise InvalidInput(f"unknown source kind {text!r}; use imap, caldav, ics, mail_file or "
                       "carddav.",
                       field="kind")


MAX_LABEL = 500


@dataclass
class Source:
    """One place history is captured from. `settings` never holds a secret; `secret` is
    the password as stored (encrypted), never the clear text."""

    id: str
    owner: MemberId
    kind: SourceKind
    label: str
    created_at: datetime
    settings: dict[str, Any] = field(default_factory=dict)
    secret: str | None = None
    keep_subjects: bool = False
    state: dict[str, Any] = field(default_factory=dict)
    last_run_at: datetime | None = None
    last_error: str | None = None
    last_added: int | None = None
    attempts: int = 0
    next_run_at: datetime | None = None

    def __post_init__(self) -> None:
        self.label = self.label.strip()
        if not self.label or "\x00" in self.label:
            raise InvalidInput("a source needs a name without NUL characters.", field="label")
        if len(self.label) > MAX_LABEL:
            raise InvalidInput(f"keep a source's name under {MAX_LABEL} characters.",
                               field="label")

    @property
    def status(self) -> str:
        """ "never run", "ok" or "failed": what the Sources page shows first."""
        if self.last_run_at is None:
            return "never run"
        return "failed" if self.last_error else "ok"
