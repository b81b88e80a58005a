"""Finding a warm path and starting the introduction it suggests, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.domain.contacts import ContactFields
from kithbook.services.book import TieFields

pytestmark = pytest.mark.browser


def _book(live: Any) -> None:
    """Sam knows Bob well and knows that Bob works with Carol and Dan, both at Acme."""
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(me.id, ContactFields(name="Bob Stone", organization="Initech"),
                        TieFields(stated_trust=5))
    kb.book.add_contact(me.id, ContactFields(name="Carol Diaz", organization="Acme", role="CTO"))
    kb.book.add_contact(me.id, ContactFields(name="Dan Ek", organization="Acme"))
    kb.paths.record_contact_link(me.id, "Bob", "Carol", note="works with", strength=0.8)
    kb.paths.record_contact_link(me.id, "Bob", "Dan", strength=0.4)


def test_find_a_path_to_someone_at_acme_and_ask_for_the_introduction(
        live: Any, page: Any, shots: Path) -> None:
    _book(live)
    page.goto(live.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Paths").click()
    page.wait_for_url(re.compile(r"/paths$"))
    form = page.get_by_role("form", name="Find a path")
    form.get_by_label("Organization", exact=True).fill("Acme")
    form.get_by_role("button", name="Find paths").click()
    page.wait_for_url(re.compile(r"/paths\?"))
    first = page.locator("#path-1")
    assert "you → Bob Stone (Initech) → Carol Diaz (CTO, Acme)" in first.locator("h3").inner_text()
    assert first.locator(".why-first").inner_text() == (
        "Best: Bob Stone knows you a little, and Bob Stone knows Carol Diaz well; "
        "the weakest step is whether Bob Stone agrees.")
    first.get_by_text("The figures behind it").click()  # the formula, only when asked
    expect(first.get_by_text(re.compile("Weakest link"))).to_be_visible()
    picture = first.get_by_role("img")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(shots / "paths.png"), full_page=True)

    ask = page.get_by_role("form", name="Ask Bob Stone (Initech) (path 1)")
    ask.get_by_role("textbox").fill("Advice on Acme's data team before I apply.")
    ask.get_by_role("button", name="Start an introduction request").click()
    page.wait_for_url(re.compile(r"/introductions/\w+\?done=recorded"))
    expect(page.get_by_text("Carol Diaz").first).to_be_visible()
    expect(page.get_by_text("Bob Stone").first).to_be_visible()


def test_record_who_knows_whom_on_a_contact_page_then_see_the_new_path(
        live: Any, page: Any) -> None:
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(me.id, ContactFields(name="Bob Stone", organization="Initech"),
                        TieFields(stated_trust=5))
    erin = kb.book.add_contact(me.id, ContactFields(name="Erin Park", organization="Globex"))
    page.goto(live.url + "/paths?organization=Globex")
    expect(page.get_by_text("No warm path to anyone with organization Globex yet")
           ).to_be_visible()
    page.goto(live.url + f"/contacts/{erin.id}")
    knows = page.get_by_role("form", name="Record who Erin Park knows")
    knows.get_by_label("Knows (a name in your book)").fill("Bob")
    knows.get_by_label("How", exact=True).fill("studied together")
    knows.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r"done=knows_saved"))
    listed = page.locator("#knows")
    expect(listed.get_by_role("link", name="Bob Stone")).to_be_visible()
    expect(listed.get_by_text("(studied together)")).to_be_visible()

    page.goto(live.url + "/paths?organization=Globex")
    first = page.locator("#path-1")
    assert "you → Bob Stone (Initech) → Erin Park (Globex)" in first.locator("h3").inner_text()

    page.goto(live.url + f"/contacts/{erin.id}")
    page.locator("#knows").get_by_role("button", name="Forget that Erin Park knows Bob Stone"
                                       ).click()
    page.wait_for_url(re.compile(r"done=knows_removed"))
    expect(page.locator("#knows").get_by_text("Nobody recorded yet")).to_be_visible()


def test_record_who_knows_whom_on_the_map_then_see_the_new_path(live: Any, page: Any) -> None:
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(me.id, ContactFields(name="Bob Stone", organization="Initech"),
                        TieFields(stated_trust=5))
    kb.book.add_contact(me.id, ContactFields(name="Erin Park", organization="Globex"))
    page.goto(live.url + "/paths?organization=Globex")
    expect(page.get_by_text("No warm path to anyone with organization Globex yet")
           ).to_be_visible()

    page.goto(live.url + "/map?colour=organization")
    knows = page.get_by_role("form", name="Record who knows whom")
    knows.get_by_label("This person").fill("Bob Stone")
    knows.get_by_label("knows", exact=True).fill("Nobody Here")  # a name not in the book
    knows.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("Nobody Here")
    knows = page.get_by_role("form", name="Record who knows whom")
    assert knows.get_by_label("This person").input_value() == "Bob Stone"  # kept as typed
    knows.get_by_label("knows", exact=True).fill("Erin Park")
    knows.get_by_label("How", exact=True).fill("studied together")
    knows.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r"/map\?colour=organization.*done=knows_drawn"))
    expect(page.get_by_role("status")).to_contain_text("a dashed line joins them")
    assert page.locator("svg.network-map line[stroke-dasharray]").count() == 1

    page.goto(live.url + "/paths?organization=Globex")
    first = page.locator("#path-1")
    assert "you → Bob Stone (Initech) → Erin Park (Globex)" in first.locator("h3").inner_text()
