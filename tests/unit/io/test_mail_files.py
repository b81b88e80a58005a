"""Mail files: the same messages as an mbox, a Maildir and .eml files read alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.io.mail import MailFormat, open_mail, parse_headers
from mail_samples import (
    BODY_SECRET,
    DANA,
    ME,
    SUBJECT_SECRET,
    sample_messages,
    write_eml,
    write_maildir,
    write_mbox,
)


def _read(path: Path, keep_subjects: bool = False) -> list[tuple[object, ...]]:
    mail = open_mail(path, keep_subjects=keep_subjects)
    return sorted(((m.message_id or "", m.sender, m.to, m.cc, m.sent_at, m.references,
                    m.has_list_headers, m.precedence, m.auto_submitted, m.subject)
                   for m in mail.messages()), key=repr)


def test_mbox_maildir_and_eml_give_the_same_headers(tmp_path: Path) -> None:
    messages = sample_messages()
    mbox = write_mbox(tmp_path / "all.mbox", messages)
    maildir = write_maildir(tmp_path / "Maildir", messages)
    eml = write_eml(tmp_path / "eml", messages)
    assert open_mail(mbox).format is MailFormat.MBOX
    assert open_mail(maildir).format is MailFormat.MAILDIR
    assert open_mail(eml).format is MailFormat.EML
    assert open_mail(eml / "0000.eml").count() == 1
    assert _read(mbox) == _read(maildir) == _read(eml)
    assert open_mail(mbox).count() == len(messages)


def test_headers_decode_names_dates_and_threads() -> None:
    raw = (b"From: =?utf-8?q?Dana_R=C3=BAiz?= <Dana@Acme.Example>\r\n"
           b"To: Sam <sam@home.example>, \"Lee, Q\" <lee@x.org>\r\n"
           b"Cc: undisclosed-recipients:;\r\n"
           b"Date: Mon, 2 Mar 1903 09:00:00 -0800\r\n"
           b"Message-ID: <abc@x>\r\nReferences: <root@x> <mid@x>\r\n"
           b"In-Reply-To: <mid@x>\r\nList-Id: <list.x.org>\r\nSubject: Hi\r\n\r\n"
           b"From: body@x.org\r\n")
    m = parse_headers(raw)
    assert m.sender is not None and m.sender.email == "dana@acme.example"
    assert m.sender.name == "Dana Rúiz"
    assert [a.email for a in m.to] == ["sam@home.example", "lee@x.org"]
    assert m.cc == ()
    assert m.sent_at is not None and m.sent_at.year == 1903 and m.sent_at.day == 2
    assert (m.message_id, m.references, m.in_reply_to) == ("abc@x", ("root@x", "mid@x"),
                                                          "mid@x")
    assert m.has_list_headers and m.subject is None
    assert parse_headers(raw, keep_subject=True).subject == "Hi"


@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\x01\x02garbage without a colon\n\n",
    b"From: <<<\nDate: the day after tomorrow\nTo: ;;;\n\n",
    b"From: a@b.org\nDate: Mon, 99 Foo 99999 99:99:99 +9999\n\n",
    b"From: \xff\xfe bad bytes <x@y.org>\nSubject: =?bogus?q?x?=\n\n",
    b"X-Long: " + b"a" * 200_000 + b"\n\n",
])
def test_malformed_headers_never_raise(raw: bytes) -> None:
    m = parse_headers(raw, keep_subject=True)
    assert m.sent_at is None or m.sent_at.tzinfo is not None


def test_bodies_and_subjects_are_never_read_unless_asked(tmp_path: Path) -> None:
    mbox = write_mbox(tmp_path / "all.mbox", sample_messages())
    text = repr(_read(mbox))
    assert BODY_SECRET not in text and SUBJECT_SECRET not in text
    assert "someone@else.example" not in text  # a From: line in a body
    assert SUBJECT_SECRET in repr(_read(mbox, keep_subjects=True))
    assert BODY_SECRET not in repr(_read(mbox, keep_subjects=True))


def test_a_message_in_the_sample_reads_as_written(tmp_path: Path) -> None:
    first = parse_headers(sample_messages()[0])
    assert first.sender is not None and first.sender.email == ME
    assert [a.email for a in first.to] == [DANA]
    assert first.sent_at == datetime(2026, 3, 2, 9, 1, tzinfo=UTC)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.mbox", None, "no such file or folder"),
    ("empty.mbox", b"", "empty"),
    ("x.txt", b"hello", "not an mbox"),
    ("folder", "dir", "neither a Maildir"),
])
def test_what_is_not_mail_says_what_to_give(tmp_path: Path, name: str,
                                            content: bytes | str | None, message: str) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        open_mail(path)


def test_a_message_gone_between_listing_and_reading_is_counted_and_left_out(
        tmp_path: Path) -> None:
    maildir = write_maildir(tmp_path / "Maildir", sample_messages()[:3])
    mail = open_mail(maildir)
    stream = mail.messages()
    first = next(stream)  # the folder is listed now
    for file in (maildir / "new").iterdir():
        if f"Message-ID: <{first.message_id}>".encode() not in file.read_bytes():
            file.unlink()
            break
    rest = list(stream)
    assert first is not None and len(rest) == 1
    assert mail.unreadable == 1 and "could not be read" in mail.warnings[0]
