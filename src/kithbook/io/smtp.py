"""Sending email over SMTP (the `Mailer` port), configured by one URL.

`smtp://user:password@host:587?starttls=1`, or `smtps://…:465` for TLS from the start.
"""

from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from kithbook.domain.errors import InvalidInput


class SmtpMailer:
    def __init__(self, url: str, sender: str, *, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput(f"KITHBOOK_SMTP_URL must look like smtp://host:587, not {url!r}.",
                               field="smtp_url")
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] == "1"
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, subject: str, body: str, *,
             sender_name: str | None = None, reply_to: str | None = None,
             key: str | None = None) -> None:
        message = EmailMessage()
        address = parseaddr(self.sender)[1] or self.sender
        if key is not None:
            # The same Message-ID however often it is sent: a resend after a server died
            # between the SMTP server's yes and the outbox's mark is one message.
            message["Message-ID"] = f"<{key}@{address.rpartition('@')[2] or 'kithbook'}>"
        # Address() quotes the display name, so a name cannot add a header or an address.
        message["From"] = (Address(display_name=sender_name, addr_spec=address)
                           if sender_name else self.sender)
        message["To"] = to
        if reply_to:
            message["Reply-To"] = reply_to
        message["Subject"] = subject
        message.set_content(body)
        kind = smtplib.SMTP_SSL if self.tls else smtplib.SMTP
        with kind(self.host, self.port, timeout=self.timeout) as server:
            if self.starttls:
                server.starttls()
            if self.username:
                server.login(self.username, self.password or "")
            server.send_message(message)
