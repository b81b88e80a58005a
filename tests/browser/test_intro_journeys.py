"""An introduction from the request that reached you to the outcome, in a real browser."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields

pytestmark = pytest.mark.browser


def _book(live: Any) -> None:
    """Sam's book: Ada, whom Dina wants to meet, and Dina, with whom Sam has traded help."""
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", organization="Acme",
                                                   emails=[Labeled("ada@example.org")]),
                         TieFields(stated_trust=5))
    kb.book.set_contact_policy(me.id, ada.id, PolicyChange(
        visibility=Visibility.ANONYMOUS, ask_rule=AskRule.ANYONE,
        welcomes="founders hiring their first data team"))
    dina = kb.book.add_contact(me.id, ContactFields(name="Dina Kovacs",
                                                    emails=[Labeled("dina@example.org")]),
                          TieFields(stated_trust=4))
    # Strength rests on what passed between them, not on stated trust alone.
    today = date.today()
    for days_ago, kind, direction in ((30, Kind.MET, Direction.MUTUAL),
                                      (20, Kind.ADVICE, Direction.RECEIVED),
                                      (10, Kind.HELP, Direction.GAVE)):
        kb.book.log_interaction(me.id, [dina.id], kind, direction, today - timedelta(days=days_ago))


def test_a_request_that_reached_me_taken_through_to_made(live: Any, page: Any,
                                                         shots: Path) -> None:
    _book(live)
    page.goto(live.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link",
                                                           name="Introductions").click()
    expect(page.get_by_text("Nothing waits on you")).to_be_visible()
    page.get_by_role("link", name="Record a request", exact=True).click()

    form = page.get_by_role("form", name="Someone asked me")
    form.get_by_label("Who asked", exact=True).fill("Dina Kovacs")
    form.get_by_label("Their email (optional)", exact=True).fill("dina@example.org")
    form.get_by_label("Whom they want to meet", exact=True).fill("Ada")
    form.get_by_label("What for, in their words", exact=True).fill(
        "Advice on hiring a first data team: what to look for in the first two hires.")
    form.get_by_role("button", name="Record their request").click()
    page.wait_for_url(re.compile(r"/introductions/\w+\?done=recorded"))
    assert page.get_by_role("status").inner_text().startswith("Recorded.")

    brief = page.locator("section.brief")
    assert "Risk brief" in brief.inner_text()
    assert "Advice: go ahead" in brief.inner_text()
    assert "you trust them at 4/5" in brief.inner_text()
    assert "founders hiring their first data team" in brief.inner_text()
    ask = page.get_by_label("Email to copy into your mail")
    assert ask.get_attribute("readonly") is not None
    assert ask.input_value().startswith("Hi Ada,")
    page.screenshot(path=str(shots / "intro-brief.png"), full_page=True)

    forward = page.get_by_role("form", name="Forward")
    forward.get_by_label("Note everyone in the request can read (optional)").fill(
        "Asked Ada by email")
    forward.get_by_role("button", name="Forward to Ada Lovelace").click()
    assert page.get_by_role("status").inner_text().startswith("Forwarded.")

    page.get_by_role("button", name="Ada Lovelace said yes: mark it made").click()
    assert page.get_by_role("status").inner_text().startswith("Made.")
    expect(page.get_by_role("heading", name="Introduce them to each other")).to_be_visible()

    outcome = page.get_by_role("form", name="Record the outcome")
    outcome.get_by_label("Whose outcome").select_option("target")
    outcome.get_by_label("well", exact=True).check()
    outcome.get_by_label("Comment (private to you)").fill("Ada hired on Dina's advice")
    outcome.get_by_role("button", name="Record the outcome").click()
    assert page.get_by_role("status").inner_text().startswith("Outcome recorded.")
    history = page.locator("ol.timeline").inner_text()
    for step in ("asked", "forwarded", "said yes", "outcome recorded"):
        assert step in history
    assert "recorded by Sam for Ada Lovelace" in history

    page.get_by_role("link", name="← Introductions").click()
    page.get_by_role("link", name=re.compile("^All")).click()
    item = page.locator("ul.intros li")
    assert item.count() == 1 and "made" in item.inner_text()
    page.screenshot(path=str(shots / "intros.png"), full_page=True)


def test_introduction_pages_fit_a_phone(live: Any, page: Any) -> None:
    _book(live)
    me = live.kb.book.local_member()
    view = live.kb.intros.record_received_request(me.id, "Dina Kovacs", "Ada",
                                                  "Advice on hiring a first data team",
                                                  requester_email="dina@example.org")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/introductions", f"/introductions/{view.id}", "/introductions/new",
                 "/settings"):
        page.goto(live.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path


def test_the_forward_form_is_reachable_by_keyboard(live: Any, page: Any) -> None:
    _book(live)
    me = live.kb.book.local_member()
    view = live.kb.intros.record_received_request(me.id, "Dina Kovacs", "Ada",
                                                  "Advice on hiring a first data team")
    page.goto(live.url + f"/introductions/{view.id}")
    page.get_by_role("form", name="Forward").get_by_role("textbox").first.focus()
    page.keyboard.type("Asked her")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Forward to Ada Lovelace"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"done=forward"))
    assert "Asked her" in page.locator("ol.timeline").inner_text()
