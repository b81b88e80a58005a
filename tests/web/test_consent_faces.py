"""The ask by email through the API and the CLI: the same preview, the same send, the same
state afterwards as the pages give; a real SMTP server on loopback receives the email."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from intro_town import PURPOSE, Town, act_as, build_town

from kithbook.cli import main
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.ids import ContactId, InteractionId, MemberId, new_id
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from loopback_smtp import loopback_smtp

MESSAGE = "Hi Cleo, Ben is building a data team; I think an hour with you would help."


@pytest.fixture
def town(kb: Kithbook, client: TestClient) -> Town:
    return build_town(kb, cleo_is_member=False)


def test_the_api_previews_sends_and_follows_the_ask(kb: Kithbook, client: TestClient,
                                                    town: Town) -> None:
    intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
    act_as(client, town.ana)
    first = client.get(f"/api/v1/introductions/{intro.id}/email-ask")
    assert first.status_code == 200
    assert first.json()["to_address"] == "cleo@acme.example"
    assert first.json()["subject"] == "Would you like to meet Ben?"
    edited = client.post(f"/api/v1/introductions/{intro.id}/email-ask/preview",
                         json={"subject": "Meet Ben?", "message": MESSAGE})
    assert edited.status_code == 200 and MESSAGE in edited.json()["body"]
    assert PURPOSE in edited.json()["body"]
    assert client.get(f"/api/v1/introductions/{intro.id}/email-status").json() is None
    no_smtp = client.post(f"/api/v1/introductions/{intro.id}/email-ask",
                          json={"subject": "Meet Ben?", "message": MESSAGE})
    assert no_smtp.status_code == 422 and "KITHBOOK_SMTP_URL" in no_smtp.text
    with loopback_smtp() as (inbox, port):
        kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@community.example")
        sent = client.post(f"/api/v1/introductions/{intro.id}/email-ask",
                           json={"subject": "Meet Ben?", "message": MESSAGE})
        assert sent.status_code == 201 and sent.json()["state"] == "forwarded"
        again = client.post(f"/api/v1/introductions/{intro.id}/email-ask",
                            json={"subject": "Meet Ben?", "message": MESSAGE})
        assert again.status_code == 409  # one ask per target, one reminder at most
        kb.notices.deliver_mail()
        assert [to for to, *_ in inbox.mails()].count("cleo@acme.example") == 1
    status = client.get(f"/api/v1/introductions/{intro.id}/email-status").json()
    assert status["target"] == "Cleo Park" and status["answer"] is None
    assert status["reminder_at"] is not None and status["answered_at"] is None
    # The requester and an outsider learn nothing of it.
    act_as(client, town.ben)
    assert client.get(f"/api/v1/introductions/{intro.id}/email-status").json() is None
    assert client.get(f"/api/v1/introductions/{intro.id}/email-ask").status_code == 403
    act_as(client, town.dan)
    assert client.get(f"/api/v1/introductions/{intro.id}/email-status").status_code == 404


def _newest(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute("SELECT id FROM introductions").fetchone()
    finally:
        connection.close()
    return str(row[0])


def test_the_cli_previews_then_sends_the_ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "book.sqlite"

    def run(*args: str) -> int:
        return main(["--database", str(db), *args])

    assert run("init", "--name", "Ana Ruiz") == 0
    assert run("add", "Cleo Park", "-e", "cleo@acme.example") == 0
    assert run("intro", "request", "--from", "Dina Kovacs", "--email", "dina@example.org",
               "--to", "Cleo", "-p", PURPOSE) == 0
    intro = _newest(db)
    capsys.readouterr()
    assert run("intro", "ask-by-email", intro, "-m", MESSAGE) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert MESSAGE in shown and "Yes, introduce us" in shown and "--send" in shown
    assert run("intro", "ask-by-email", intro, "--send") == 2  # no SMTP: a clear error
    assert "KITHBOOK_SMTP_URL" in " ".join(capsys.readouterr().err.split())
    with loopback_smtp() as (inbox, port):
        monkeypatch.setenv("KITHBOOK_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("KITHBOOK_PUBLIC_URL", "https://book.example.org")
        assert run("intro", "ask-by-email", intro, "-m", MESSAGE, "--send") == 0
        mails = inbox.mails()
    assert [(to, sender) for to, sender, _, _ in mails] == [
        ("cleo@acme.example", '"Ana Ruiz (via Kithbook)" <kithbook@localhost>')]
    assert re.search(r"https://book\.example\.org/answer/[0-9a-z]{12}\.\S{22}\?choice=yes",
                     mails[0][3])
    assert run("intro", "show", intro) == 0
    assert "forwarded" in capsys.readouterr().out


def _captured(kb: Kithbook, owner: MemberId, contact: ContactId, direction: Direction,
              days_from_now: int, subject: str | None) -> None:
    """An email as mail capture records it: headers only, from a mail source."""
    with kb.uow() as uow:
        uow.interactions.add(Interaction(
            id=InteractionId(new_id()), owner=owner, kind=Kind.EMAILED, direction=direction,
            occurred_on=kb.clock.today() + timedelta(days=days_from_now),
            contact_ids=[contact], note=subject, source="capture:src1",
            created_at=kb.clock.now()))
        uow.commit()


def test_a_reply_seen_by_mail_capture_is_offered_as_the_answer(kb: Kithbook,
                                                                client: TestClient) -> None:
    me, _ = kb.book.init_local_member("Sam")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace",
                                                   emails=[Labeled("ada@acme.example")])).id
    intro = kb.intros.record_received_request(me.id, "Dina Kovacs", "Ada", PURPOSE)
    act_as(client, me)
    kb.intros.forward(me.id, intro.id)
    # Before the ask, written by Sam, or on another thread: none is an answer.
    _captured(kb, me.id, ada, Direction.RECEIVED, -1, "Re: Would you like to meet Dina Kovacs?")
    _captured(kb, me.id, ada, Direction.GAVE, 0, "Would you like to meet Dina Kovacs?")
    _captured(kb, me.id, ada, Direction.RECEIVED, 0, "Lunch on Friday")
    assert 'data-testid="captured-reply"' not in client.get(f"/introductions/{intro.id}").text
    _captured(kb, me.id, ada, Direction.RECEIVED, 1, "Re: Would you like to meet Dina Kovacs?")
    page = client.get(f"/introductions/{intro.id}").text
    assert 'data-testid="captured-reply"' in page
    assert f"wrote to you on {(kb.clock.today() + timedelta(days=1)).isoformat()}" in page
    kb.intros.make(me.id, intro.id)  # Sam records the yes: the offer is done
    assert 'data-testid="captured-reply"' not in client.get(f"/introductions/{intro.id}").text
