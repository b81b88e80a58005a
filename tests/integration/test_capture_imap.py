"""Capture from a real IMAP server (Dovecot on loopback), on both databases."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import imapclient
import pytest

from calendar_samples import sam_with_dana_and_lee, stored_text
from dovecot import PASSWORD, USER, Dovecot, running_dovecot
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.members import Member
from kithbook.io import imap
from kithbook.io.imap import Security
from kithbook.services.capture_book import CaptureBook
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.services.secrets import new_key
from mail_samples import (
    BODY_SECRET,
    EXPECTED,
    LEE,
    ME,
    START,
    SUBJECT_SECRET,
    _message,
    sample_messages,
    write_mbox,
)


@pytest.fixture
def server() -> Iterator[Dovecot]:
    with running_dovecot() as running:
        yield running


@pytest.fixture
def me(kb: Kithbook) -> Member:
    return sam_with_dana_and_lee(kb, capture_key=True)


def add(cap: CaptureBook, me: Member, server: Dovecot, **more: object) -> str:
    return cap.add_imap(me.id, host="127.0.0.1", port=server.port, username=USER,
                        password=PASSWORD, security=Security.PLAIN, **more).id  # type: ignore[arg-type]


def emailed(kb: Kithbook, me: Member) -> list[tuple[str, int, str]]:
    out = []
    for contact in kb.book.list_contacts(me.id, ContactQuery()).items:
        view = kb.book.get_contact(me.id, contact.contact.id)
        out += [(contact.contact.emails[0].value, (i.occurred_on - START.date()).days,
                 i.direction.value) for i in view.timeline if i.kind.value == "emailed"]
    return sorted(out)


# 3: several batches in each folder, fetched ahead on their own thread across folders.
@pytest.mark.parametrize("batch", [500, 3])
def test_imap_gives_what_the_mbox_gives_and_reruns_add_nothing(
        kb: Kithbook, me: Member, server: Dovecot, tmp_path: Path, batch: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "FETCH_BATCH", batch)
    messages = sample_messages()
    server.deliver(messages[:8])
    server.deliver(messages[8:], "Sent")
    cap = kb.capture()
    source = add(cap, me, server)
    (outcome,) = cap.run(me.id, source)
    assert outcome.error is None and outcome.report is not None
    assert outcome.report.messages == len(messages)
    assert emailed(kb, me) == EXPECTED
    state = cap.source(me.id, source).state
    assert {f: s["last_uid"] for f, s in state.items()} == {
        "INBOX": 8, "Sent": len(messages) - 8}
    (again,) = cap.run(me.id, source)
    assert again.report is not None and (again.report.messages, again.report.added) == (0, 0)
    mbox = cap.capture_mail(me.id, str(write_mbox(tmp_path / "same.mbox", messages)))
    assert mbox.added == 0 and emailed(kb, me) == EXPECTED


def test_a_run_after_ten_new_messages_adds_exactly_those(kb: Kithbook, me: Member,
                                                         server: Dovecot) -> None:
    server.deliver(sample_messages())
    cap = kb.capture()
    source = add(cap, me, server)
    cap.run(me.id, source)
    before = len(emailed(kb, me))
    server.deliver([_message(500 + n, ME, [LEE], days=40 + n) for n in range(10)], "Sent")
    (outcome,) = cap.run(me.id, source)
    assert outcome.report is not None
    assert (outcome.report.messages, outcome.report.added) == (10, 10)
    assert len(emailed(kb, me)) == before + 10


def test_a_changed_uidvalidity_reads_the_folder_again_and_adds_nothing_twice(
        kb: Kithbook, me: Member, server: Dovecot) -> None:
    server.deliver(sample_messages(), "Sent")
    cap = kb.capture()
    source = add(cap, me, server, folders=("Sent",))
    cap.run(me.id, source)
    first = cap.source(me.id, source).state["Sent"]
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False)
    client.login(USER, PASSWORD)
    client.delete_folder("Sent")
    client.create_folder("Sent")
    for raw in sample_messages():
        client.append("Sent", raw)
    client.logout()
    (outcome,) = cap.run(me.id, source)
    assert outcome.report is not None and outcome.report.added == 0
    assert outcome.report.messages == len(sample_messages())
    assert cap.source(me.id, source).state["Sent"]["uidvalidity"] != first["uidvalidity"]
    assert emailed(kb, me) == EXPECTED


@pytest.mark.parametrize(("account", "said"), [
    ({"password": "wrong"}, "the server refused the password for sam@home.example"),
    ({"port": 1}, "127.0.0.1:1 refused the connection"),
    ({"security": Security.TLS, "port": "tls"}, "the certificate of 127.0.0.1:"),
    ({"host": "no-such-host.invalid"}, "no server is known by the name"),
])
def test_bad_accounts_say_one_sentence_and_store_nothing(
        kb: Kithbook, me: Member, server: Dovecot, database_url: str,
        account: dict[str, object], said: str) -> None:
    values: dict[str, object] = {"host": "127.0.0.1", "port": server.port, "username": USER,
                                 "password": PASSWORD, "security": Security.PLAIN}
    values.update(account)
    if values["port"] == "tls":
        values["port"] = server.tls_port
    before = stored_text(database_url)
    with pytest.raises(KithbookError) as caught:
        kb.capture().add_imap(me.id, **values)  # type: ignore[arg-type]
    assert said in caught.value.message and "\n" not in caught.value.message
    assert PASSWORD not in caught.value.message
    assert stored_text(database_url) == before


def test_a_failed_run_is_said_on_the_source_and_changes_nothing(
        kb: Kithbook, me: Member, server: Dovecot, database_url: str) -> None:
    server.deliver(sample_messages())
    cap = kb.capture()
    source = add(cap, me, server)
    cap.run(me.id, source)
    server.deliver([_message(900, ME, [LEE], days=60)])
    server.stop()
    before = emailed(kb, me)
    (outcome,) = cap.run(me.id, source)
    assert outcome.error is not None and "refused the connection" in outcome.error
    stored = cap.source(me.id, source)
    assert stored.last_error == outcome.error and stored.attempts == 1
    assert emailed(kb, me) == before


def test_no_password_subject_or_body_is_stored_or_exported(
        kb: Kithbook, me: Member, server: Dovecot, database_url: str) -> None:
    server.deliver(sample_messages())
    cap = kb.capture()
    cap.run(me.id, add(cap, me, server))
    out = io.StringIO()
    kb.transfer.export_book(me.id, ExportFormat.JSON, out)
    for text in (stored_text(database_url), out.getvalue()):
        assert PASSWORD not in text and SUBJECT_SECRET not in text and BODY_SECRET not in text
    assert "emailed" in out.getvalue()


def test_without_a_key_no_account_can_be_added(kb: Kithbook, me: Member,
                                                server: Dovecot, database_url: str) -> None:
    kb.settings = replace(kb.settings, capture_key=None)
    before = stored_text(database_url)
    with pytest.raises(InvalidInput, match="KITHBOOK_CAPTURE_KEY_FILE"):
        add(kb.capture(), me, server)
    assert stored_text(database_url) == before


def test_a_source_stored_with_one_key_cannot_run_with_another(kb: Kithbook, me: Member,
                                                              server: Dovecot) -> None:
    cap = kb.capture()
    source = add(cap, me, server)
    kb.settings = replace(kb.settings, capture_key=new_key())
    (outcome,) = kb.capture().run(me.id, source)
    assert outcome.error is not None and "another capture key" in outcome.error


def test_scheduled_sources_are_claimed_once_and_retried_later(kb: Kithbook, me: Member,
                                                              server: Dovecot) -> None:
    server.deliver(sample_messages())
    cap = kb.capture()
    source = add(cap, me, server, scheduled=True)
    (outcome,) = cap.run_due()
    assert outcome.report is not None and outcome.report.added == len(EXPECTED)
    assert cap.run_due() == []  # not due again until the next round
    stored = cap.source(me.id, source)
    assert stored.next_run_at is not None and stored.last_run_at is not None
    assert stored.next_run_at - stored.last_run_at == timedelta(minutes=15)
