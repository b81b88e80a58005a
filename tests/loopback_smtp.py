"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802 - aiosmtpd's name
                          envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(content)))
        return "250 OK"

    def message_ids(self) -> list[str | None]:
        """The Message-ID of each email received, in order."""
        return [message["Message-ID"] for _, message in self.received]

    def mails(self) -> list[tuple[str, str, str, str]]:
        """(recipient, From, Subject, body) of each email, one recipient each."""
        found = []
        for recipients, message in self.received:
            assert len(recipients) == 1
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found.append((recipients[0], str(message["From"]), str(message["Subject"]),
                          body.decode()))
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def loopback_smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
