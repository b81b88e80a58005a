"""Generated mail for capture tests: one list of messages, written as an mbox, a Maildir,
`.eml` files or appended to an IMAP server, so every format is checked against the same.

Sam (sam@home.example) writes with Dana and Lee, who are in the book, and with Robin,
who is not; around them come newsletters, auto-replies, no-reply senders, a big CC list,
non-ASCII names, a malformed message and a duplicate.
"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ME = "sam@home.example"
DANA = "dana@acme.example"
LEE = "lee@globex.example"
ROBIN = "robin@new.example"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BODY_SECRET = "the body says: the vault code is 4417"
SUBJECT_SECRET = "Quarterly plans (private)"


def _message(n: int, sender: str, to: list[str], *, days: int, cc: list[str] | None = None,
             reply_to: str | None = None, subject: str = SUBJECT_SECRET,
             extra: dict[str, str] | None = None, mid: str | None = None) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ", ".join(to)
    if cc:
        m["Cc"] = ", ".join(cc)
    m["Date"] = format_datetime(START + timedelta(days=days, minutes=n))
    m["Message-ID"] = f"<{mid or f'm{n}'}@mail.example>"
    if reply_to:
        m["In-Reply-To"] = f"<{reply_to}@mail.example>"
        m["References"] = f"<{reply_to}@mail.example>"
    m["Subject"] = subject
    for key, value in (extra or {}).items():
        m[key] = value
    m.set_content(f"{BODY_SECRET}\nFrom: someone@else.example\n")
    return bytes(m)


def sample_messages() -> list[bytes]:
    """The whole mailbox; `EXPECTED` says what capture makes of it."""
    out = [
        # A thread with Dana on one day: Sam writes, Dana answers, Sam again: mutual.
        _message(1, f"Sam <{ME}>", [f"Dana Ruiz <{DANA}>"], days=0),
        _message(2, f"Dana Ruiz <{DANA}>", [ME], days=0, reply_to="m1"),
        _message(3, ME, [DANA], days=0, reply_to="m1"),
        # Dana writes a new thread three days later: received.
        _message(4, f"=?utf-8?q?Dana_R=C3=BAiz?= <{DANA}>", [ME], days=3),
        # Sam writes to Lee, copying Dana: one exchange with each.
        _message(5, ME, [LEE], cc=[DANA], days=5),
        # Lee writes with an RTL and astral name.
        _message(6, f"=?utf-8?b?{'15zXmSDwn6aK'}?= <{LEE}>", [ME], days=6),
        # Robin, a stranger, four times: the review queue.
        *(_message(10 + k, ME, [f"Robin Ng <{ROBIN}>"], days=7 + k) for k in range(4)),
        # Not a relationship.
        _message(20, "Shop <news@shop.example>", [ME], days=1,
                 extra={"List-Unsubscribe": "<mailto:u@shop.example>"}),
        _message(21, f"Dana <{DANA}>", [ME], days=2,
                 extra={"Auto-Submitted": "auto-replied"}),
        _message(22, "Bank <no-reply@bank.example>", [ME], days=2),
        _message(23, f"Dana <{DANA}>", [ME], days=2, extra={"Precedence": "bulk"}),
        _message(24, f"Dana <{DANA}>", [ME, *(f"p{k}@crowd.example" for k in range(12))],
                 days=2),
        # A duplicate of message 4 (a copy in another folder).
        _message(4, f"Dana <{DANA}>", [ME], days=3),
    ]
    # A malformed message: garbage in the headers, no date, a broken address.
    out.append(b"From: <<<not an address\nTo: ;;;\nSubject: =?bogus?q?x?=\n"
               b"Message-ID: broken\n\nbody\n")
    return out


# (contact email, day offset, direction) of the interactions capture makes for Dana and
# Lee, who are in the book.
EXPECTED = sorted([
    (DANA, 0, "mutual"), (DANA, 3, "received"), (DANA, 5, "gave"),
    (LEE, 5, "gave"), (LEE, 6, "received"),
])


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path, create=True)
    try:
        for raw in messages:
            box.add(raw)
        box.flush()
    finally:
        box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(raw)
    return path


def write_eml(folder: Path, messages: list[bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages):
        (folder / f"{n:04}.eml").write_bytes(raw)
    return folder
