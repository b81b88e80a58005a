"""The main journeys of the book in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_add_a_contact_log_and_see_the_timeline(live: Any, page: Any, shots: Path) -> None:
    page.goto(live.url + "/")
    expect(page.get_by_text("Your book is empty")).to_be_visible()
    page.screenshot(path=str(shots / "empty-book.png"), full_page=True)
    form = page.get_by_role("form", name="Add a contact")
    form.get_by_label("Name", exact=True).fill("Ada Lovelace")
    form.get_by_label("Organization", exact=True).fill("Analytical Engines")
    form.get_by_label("Role", exact=True).fill("CTO")
    form.get_by_label("Tags", exact=True).fill("mentor, ai")
    form.get_by_label("Trust (1–5)", exact=True).fill("4")
    form.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r"/contacts/\w+"))
    assert page.get_by_role("status").inner_text() == "Added."
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ada Lovelace")

    page.get_by_label("What happened", exact=True).select_option("advice")
    page.get_by_label("I received", exact=True).check()
    page.get_by_label("When", exact=True).fill("3 days ago")
    page.get_by_label("Note", exact=True).fill("how to price the pilot")
    page.get_by_role("button", name="Log it").click()
    timeline = page.locator("ol.timeline")
    assert "advice — you received" in timeline.inner_text()
    assert "how to price the pilot" in timeline.inner_text()
    page.screenshot(path=str(shots / "contact.png"), full_page=True)


def test_a_mistake_is_explained_and_nothing_is_lost(live: Any, page: Any) -> None:
    page.goto(live.url + "/")
    form = page.get_by_role("form", name="Add a contact")
    form.get_by_label("Name", exact=True).fill("Eve Example")
    form.get_by_label("Emails", exact=True).fill("eve@")
    form.get_by_label("Notes", exact=True).fill("met at the climate meetup")
    form.get_by_role("button", name="Add contact").click()
    assert "not a valid email" in page.get_by_role("alert").inner_text()
    form = page.get_by_role("form", name="Add a contact")
    assert form.get_by_label("Name", exact=True).input_value() == "Eve Example"
    assert form.get_by_label("Notes", exact=True).input_value() == "met at the climate meetup"


def test_search_and_keyboard_shortcut(live: Any, page: Any, shots: Path) -> None:
    me, _ = live.kb.book.init_local_member("Sam")
    live.kb.book.build_demo(me.id, 120, 5)
    page.goto(live.url + "/?sort=recent")
    rows = page.locator("table.book tbody tr")
    assert rows.count() == 50
    page.screenshot(path=str(shots / "book.png"), full_page=False)
    page.keyboard.press("/")
    page.keyboard.type("mentor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=mentor"))
    assert 0 < page.locator("table.book tbody tr").count() < 50


def test_the_book_fits_a_phone(live: Any, browser: Any, shots: Path) -> None:
    me, _ = live.kb.book.init_local_member("Sam")
    live.kb.book.build_demo(me.id, 30, 9)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(live.url + "/")
    phone.screenshot(path=str(shots / "book-phone.png"), full_page=False)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    # Each contact is a card that shows every filled field, each named, on screen.
    card = phone.locator("table.book tbody tr").first
    named = card.evaluate("""(row) => [...row.cells].filter((td) => td.offsetHeight)
        .map((td) => getComputedStyle(td, '::before').content + ' ' + td.innerText)""")
    for label in ("Organization", "Role", "Last in touch", "Strength", "Stage",
                  "Interactions"):
        assert any(cell.startswith(f'"{label}" ') for cell in named), (label, named)
    for cell in card.locator("td").all():
        box = cell.bounding_box()
        assert box is None or box["x"] + box["width"] <= 375
    # Adding someone is at the top, above the first card, whatever the book's length.
    add = phone.get_by_text("Add a contact", exact=True).bounding_box()
    first = card.bounding_box()
    assert add is not None and first is not None and add["y"] < first["y"]
    context.close()


def test_a_1965_meeting_shows_on_the_contact_page_and_every_page_still_opens(
        live: Any, page: Any) -> None:
    page.goto(live.url + "/")
    form = page.get_by_role("form", name="Add a contact")
    form.get_by_label("Name", exact=True).fill("Grace Hopper")
    form.get_by_label("Organization", exact=True).fill("Navy")
    form.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r"/contacts/\w+"))
    contact = page.url.split("?")[0].removeprefix(live.url)
    for day, note in (("1965-06-01", "first met at the conference"),
                      ("1969-12-31", "new year's eve call")):
        page.get_by_label("What happened", exact=True).select_option("met")
        page.get_by_label("When", exact=True).fill(day)
        page.get_by_label("Note", exact=True).fill(note)
        page.get_by_role("button", name="Log it").click()
        expect(page.get_by_role("status")).to_contain_text("Logged")
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("time[datetime='1965-06-01']")).to_have_text("1965-06-01")
    assert "first met at the conference" in timeline.inner_text()
    assert timeline.locator("li").first.locator("time").inner_text() == "1969-12-31"

    for path in ("/", "/digest", "/health", "/map", "/paths", contact):
        response = page.goto(live.url + path)
        assert response is not None and response.status == 200, path
    page.goto(live.url + "/")
    expect(page.locator("table.book")).to_contain_text("Grace Hopper")

    # A day that is not in the calendar is explained, and nothing is logged.
    page.goto(live.url + contact)
    page.get_by_label("What happened", exact=True).select_option("met")
    page.get_by_label("When", exact=True).fill("0000-12-31")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("alert")).to_contain_text("0001-01-01")
    assert page.locator("ol.timeline li").count() == 2
