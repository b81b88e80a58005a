"""A target who is not on Kithbook answers by email, in a real browser: the introducer
previews, edits and sends the ask; a real SMTP server on loopback receives it; the
target opens the link from that email in their own browser and confirms; the request is
made once, even when the link is confirmed from two browsers at once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import expect

from community_members import ben_may_ask_ana_about_cleo
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.intro_records import IntroState
from loopback_smtp import Inbox, loopback_smtp
from served import bearer, free_port, start, wait_until_up

pytestmark = pytest.mark.browser
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/answer/[0-9a-z]{12}\.[A-Za-z0-9_-]{22})\?choice=yes")
WORDS = "Dina is hiring her first data team; I think an hour with you would help her a lot."


def test_the_target_answers_by_email_in_their_own_browser(
        live_mail: tuple[Any, Inbox], browser: Any, page: Any, shots: Path) -> None:
    live, inbox = live_mail
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam Rivera")
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace",
                                             emails=[Labeled("ada@acme.example")]))
    intro = kb.intros.record_received_request(me.id, "Dina Kovacs", "Ada", "Advice on hiring a "
                                              "first data team", requester_email="dina@example.org")
    page.goto(f"{live.url}/introductions/{intro.id}")
    page.get_by_test_id("ask-by-email").click()
    page.get_by_label("Your words (why you think this is worth it)").fill(WORDS)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("preview")).to_contain_text(WORDS)
    expect(page.get_by_test_id("preview")).to_contain_text("Advice on hiring a first data team")
    page.screenshot(path=str(shots / "consent-ask.png"), full_page=True)
    page.get_by_role("button", name="Send it").click()
    expect(page.get_by_test_id("email-status")).to_contain_text(
        "Waiting for Ada Lovelace's answer by email")
    assert kb.notices.deliver_mail() == 1
    (to, sender, subject, body), = inbox.mails()
    assert to == "ada@acme.example" and "Sam Rivera (via Kithbook)" in sender
    link = LINK.search(body)
    assert link is not None

    # Ada's two browsers (her phone and her laptop) open the link; opening decides nothing.
    contexts = [browser.new_context() for _ in range(2)]
    tabs = [context.new_page() for context in contexts]
    for tab in tabs:
        tab.goto(link.group(1) + "?choice=yes")
        expect(tab.get_by_role("heading", level=1)).to_contain_text(
            "Sam Rivera asks: would you like to meet Dina Kovacs?")
    assert kb.intros.show(me.id, intro.id).state is IntroState.FORWARDED
    tabs[0].get_by_label("A private note for Sam Rivera (optional)").fill("Happy to help.")
    tabs[0].screenshot(path=str(shots / "consent-link.png"), full_page=True)
    for tab in tabs:
        tab.get_by_role("button", name="Confirm my answer").click()
    answers = sorted(tab.get_by_role("heading", level=1).inner_text() for tab in tabs)
    for context in contexts:
        context.close()
    assert answers == ["Thank you", "This link no longer works"]
    view = kb.intros.show(me.id, intro.id)
    assert view.state is IntroState.MADE
    assert sum(m.by_email for m in view.history) == 1

    page.goto(f"{live.url}/introductions/{intro.id}")
    expect(page.get_by_text("answered by email by Ada Lovelace")).to_be_visible()
    page.get_by_role("button", name="Send it to both from Kithbook, in my name").click()
    expect(page.get_by_role("status")).to_contain_text("on its way to both")
    kb.notices.deliver_mail()
    sent = {to for to, _, subject, _ in inbox.mails() if subject.startswith("Introduction:")}
    assert sent == {"dina@example.org", "ada@acme.example"}


@pytest.mark.postgres
@pytest.mark.slow
def test_the_link_confirmed_in_two_browsers_on_the_community_server_over_postgres(
        postgres_schema_url: str, empty_postgres: Callable[[], None], browser: Any,
        tmp_path: Path) -> None:
    """`kithbook serve --community --workers 2` on PostgreSQL, its sender mailing a real
    SMTP server: the ask goes through the API, the target confirms in two Chromiums."""
    empty_postgres()
    kb = bootstrap(Settings(database_url=postgres_schema_url), migrate=False)
    ana, ben, cleo = ben_may_ask_ana_about_cleo(kb)
    kb.book.edit_contact(ana.id, cleo, ContactFields(name="Cleo Park",
                                                     emails=[Labeled("cleo@acme.example")]))
    intro = kb.intros.request(ben.id, ana.id, cleo, "Advice on a first data team.")
    port = free_port()
    log = tmp_path / "server.log"
    with loopback_smtp() as (inbox, smtp_port):
        server = start(postgres_schema_url, port, 2, log, {
            "KITHBOOK_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "KITHBOOK_PUBLIC_URL": f"http://127.0.0.1:{port}"})
        try:
            wait_until_up(port, server, log)
            asked = httpx2.post(f"http://127.0.0.1:{port}/api/v1/introductions/{intro.id}"
                                "/email-ask", json={"subject": "Meet Ben?", "message": WORDS},
                                headers=bearer(kb, ana), timeout=30)
            assert asked.status_code == 201, asked.text
            for _ in range(600):  # the server's sender runs every few seconds
                to_cleo = [m[3] for m in inbox.mails() if m[0] == "cleo@acme.example"]
                if to_cleo:
                    break
                time.sleep(0.1)
            (body,) = to_cleo
            link = LINK.search(body)
            assert link is not None
            contexts = [browser.new_context() for _ in range(2)]
            tabs = [context.new_page() for context in contexts]
            for tab in tabs:
                tab.goto(link.group(1) + "?choice=yes")
            for tab in tabs:
                tab.get_by_role("button", name="Confirm my answer").click()
            answers = sorted(tab.get_by_role("heading", level=1).inner_text() for tab in tabs)
            for context in contexts:
                context.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert answers == ["Thank you", "This link no longer works"]
    view = kb.intros.show(ana.id, intro.id)
    kb.close()
    assert view.state is IntroState.MADE and sum(m.by_email for m in view.history) == 1
