"""Every introduction move reaches the other parties: in the app, and as an email that a
real SMTP server on loopback receives, with the right recipients and nothing private of
anyone else."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from intro_town import PURPOSE, SECRET, Town, build_town

from kithbook.domain.intro_records import Rating
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from kithbook.services.mail_sender import BackgroundSender
from loopback_smtp import Inbox, free_port, loopback_smtp

# Never in an email: notes, purposes, reasons, comments and anyone's contact details.
PRIVATE = [PURPOSE, SECRET, "cleo@acme.example", "Thanks for considering", "over to you",
           "happy to talk about data teams", "a private comment"]


class Refusing:
    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802
                          envelope: Envelope) -> str:
        return "451 try again later"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with loopback_smtp() as running:
        yield running


def _mails(inbox: Inbox) -> list[tuple[str, str, str]]:
    return [(to, subject, body) for to, _, subject, body in inbox.mails()]


def test_each_move_emails_the_other_parties_and_nothing_private(
        kb: Kithbook, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@community.example")
    town: Town = build_town(kb)
    ana, ben, cleo = town.ana, town.ben, town.cleo
    intro = kb.intros.request(ben.id, ana.id, town.cleo_contact, PURPOSE,
                              note="Thanks for considering")
    assert inbox.received == []  # nothing is sent inside the move: the outbox waits
    expected = [(ana, "forward"), (ben, "accept"), (cleo, "outcome")]
    moves = {
        "forward": lambda: kb.intros.forward(ana.id, intro.id, note="over to you"),
        "accept": lambda: kb.intros.accept(cleo.id, intro.id),
        "outcome": lambda: kb.intros.record_outcome(ben.id, intro.id, Rating.POSITIVE,
                                                    comment="a private comment"),
    }
    sent_to: list[list[str]] = []
    assert kb.notices.deliver_mail() == 1
    sent_to.append(sorted(to for to, _, _ in _mails(inbox)))
    for _, move in expected:
        before = len(inbox.received)
        moves[move]()
        kb.notices.deliver_mail()
        sent_to.append(sorted(to for to, _, _ in _mails(inbox)[before:]))
    assert sent_to == [
        ["ana@example.org"],  # Ben asked: Ana is told; Cleo is not, until it is forwarded
        ["ben@example.org", "cleo@example.org"],  # Ana forwarded
        ["ana@example.org", "ben@example.org"],  # Cleo accepted: the introduction is made
        ["ana@example.org", "cleo@example.org"],  # Ben recorded his outcome
    ]
    for to, subject, body in _mails(inbox):
        assert f"/introductions/{intro.id}" in body
        for secret in PRIVATE:
            assert secret not in body and secret not in subject, (to, secret)
    # The requester never reads how Ana wrote Cleo down before the introduction is made.
    first_to_ben = next((s, b) for to, s, b in _mails(inbox) if to == "ben@example.org")
    assert "a contact at Acme" in first_to_ben[1]
    assert "Cleo Park" not in first_to_ben[0] + first_to_ben[1]
    # And the same moves are listed in the app, for each party.
    assert len(kb.notices.notifications(ana.id)) == 3
    assert len(kb.notices.notifications(cleo.id)) == 2
    assert kb.notices.notifications(town.dan.id) == []


def test_a_refused_email_is_retried_later_not_lost(kb: Kithbook) -> None:
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@community.example")
        town = build_town(kb)
        kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
        assert kb.notices.deliver_mail() == 0
        assert kb.notices.deliver_mail() == 0  # not due again yet
    finally:
        controller.stop()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        kb.clock.advance(1)  # type: ignore[attr-defined]
        assert kb.notices.deliver_mail() == 1
        assert [to for to, _, _ in _mails(inbox)] == ["ana@example.org"]
    finally:
        controller.stop()


def test_the_background_sender_empties_the_outbox(kb: Kithbook,
                                                  smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@community.example")
    town = build_town(kb)
    sender = BackgroundSender(kb.notices.deliver_mail, every=0.05)
    sender.start()
    try:
        kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
        arrived = threading.Event()
        for _ in range(400):  # waits for the thread, not a timing claim
            if inbox.received:
                arrived.set()
                break
            arrived.wait(0.05)
    finally:
        sender.stop()
    assert [to for to, _, _ in _mails(inbox)] == ["ana@example.org"]
