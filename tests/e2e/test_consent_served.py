"""Answers by email on the real community server: two servers (one of them with two
workers) over one PostgreSQL database, each sending its outbox to a real SMTP server on
loopback. The introducer asks through the API; the email arrives; the target's link is
confirmed on both servers at once; the request moves exactly once and the parties hear
of it by email."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from community_members import ben_may_ask_ana_about_cleo
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.intro_records import IntroState
from kithbook.services.facade import Kithbook
from loopback_smtp import Inbox, loopback_smtp
from served import bearer, free_port, services_for_servers, start, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PURPOSE = "Advice from Cleo on structuring a first data team at a small company."


@pytest.fixture
def kb(postgres_schema_url: str, empty_postgres: Callable[[], None]) -> Iterator[Kithbook]:
    empty_postgres()
    with services_for_servers(postgres_schema_url) as services:
        yield services


@pytest.fixture
def servers(postgres_schema_url: str, tmp_path: Path) -> Iterator[tuple[list[str], Inbox]]:
    with loopback_smtp() as (inbox, smtp_port):
        ports = [free_port(), free_port()]
        env = {"KITHBOOK_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
               "KITHBOOK_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}"}
        started = [(start(postgres_schema_url, port, workers, tmp_path / f"{port}.log", env),
                    port) for port, workers in zip(ports, (2, 1), strict=True)]
        try:
            for server, port in started:
                wait_until_up(port, server, tmp_path / f"{port}.log")
            yield [f"http://127.0.0.1:{port}" for port in ports], inbox
        finally:
            for server, _ in started:
                server.terminate()
            for server, _ in started:
                server.wait(timeout=30)


def _mail_to(inbox: Inbox, address: str, count: int = 1) -> list[str]:
    """The bodies of the emails `address` received, once `count` of them arrived (the
    servers' senders run every few seconds)."""
    for _ in range(600):
        found = [body for to, _, _, body in inbox.mails() if to == address]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    pytest.fail(f"{address} received {len(found)} of {count} emails")


def test_a_link_confirmed_on_two_servers_at_once_moves_the_request_once(
        kb: Kithbook, servers: tuple[list[str], Inbox]) -> None:
    (one, other), inbox = servers
    ana, ben, cleo = ben_may_ask_ana_about_cleo(kb)
    kb.book.edit_contact(ana.id, cleo, ContactFields(name="Cleo Park",
                                                     emails=[Labeled("cleo@acme.example")]))
    intro = kb.intros.request(ben.id, ana.id, cleo, PURPOSE)
    asked = httpx2.post(f"{other}/api/v1/introductions/{intro.id}/email-ask",
                        json={"subject": "Meet Ben?", "message": "Worth an hour, I think."},
                        headers=bearer(kb, ana), timeout=30)
    assert asked.status_code == 201, asked.text
    (body,) = _mail_to(inbox, "cleo@acme.example")
    found = re.search(r"http://127\.0\.0\.1:\d+(/answer/\S+)\?choice=yes", body)
    assert found is not None
    link = found.group(1)
    assert httpx2.get(one + link, timeout=30).status_code == 200  # a scanner's fetch
    assert kb.intros.show(ana.id, intro.id).state is IntroState.FORWARDED

    def confirm(base: str, choice: str) -> int:
        return httpx2.post(base + link, data={"choice": choice}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(confirm, (one, other, one, other),
                              ("yes", "no", "yes", "not_now")))
    assert sorted(codes) == [200, 404, 404, 404], codes
    view = kb.intros.show(ana.id, intro.id)
    assert sum(m.by_email for m in view.history) == 1
    assert view.state in (IntroState.MADE, IntroState.TARGET_DECLINED)
    told = _mail_to(inbox, "ben@example.org", 2)  # the forward, then the answer
    assert any("answered by email" in text for text in told)
