"""The network map in a real browser: open it, choose a circle, land on that contact."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kithbook.domain.contacts import ContactFields
from kithbook.domain.interactions import Direction, Kind
from kithbook.services.book import TieFields
from kithbook.services.network_map import MapQuery

pytestmark = pytest.mark.browser


def _book(live: Any) -> str:
    """A demo book of 120 contacts, who knows whom among the strongest few, and Ada, the
    member's strongest tie. Returns Ada's id."""
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    kb.book.build_demo(me.id, 120, seed=11)
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", organization="Acme"),
                              TieFields(stated_trust=5))
    for _ in range(8):
        kb.book.log_interaction(me.id, [ada.id], Kind.ADVICE, Direction.MUTUAL, kb.clock.today())
    strongest = [n.contact for n in kb.paths.network_map(me.id, MapQuery()).nodes[:10]]
    for a, b in zip(strongest, strongest[2:], strict=False):
        kb.paths.record_contact_link(me.id, a, b, strength=0.6)
    return str(ada.id)


def test_open_the_map_and_choose_a_contact(live: Any, page: Any, shots: Path) -> None:
    ada = _book(live)
    page.goto(live.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Map").click()
    page.wait_for_url(re.compile(r"/map$"))
    assert page.get_by_test_id("map-count").inner_text().startswith(
        "Showing the 121 strongest of 121 ties")
    page.get_by_label("Colour by").select_option("organization")
    page.get_by_role("button", name="Draw the map").click()
    page.wait_for_url(re.compile(r"/map\?colour=organization"))
    assert page.locator("svg.network-map a").count() == 121
    page.screenshot(path=str(shots / "map.png"), full_page=True)

    node = page.locator(f'svg.network-map a[href="/contacts/{ada}"]')
    assert node.locator("title").text_content().startswith("Ada Lovelace (Acme)")
    node.click()
    page.wait_for_url(re.compile(rf"/contacts/{ada}$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ada Lovelace")


def test_the_map_fits_a_phone(live: Any, browser: Any) -> None:
    _book(live)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(live.url + "/map")
    # The map keeps its natural size in a box that pans, opened on the member at its
    # centre; the box fits the screen and the page does not scroll sideways.
    pan = phone.locator("[data-pan]")
    box = pan.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    you = phone.locator("svg.network-map text", has_text="you").bounding_box()
    assert you is not None and box["x"] <= you["x"] <= box["x"] + box["width"]
    label = phone.locator("svg.network-map text").nth(1)
    assert label.evaluate("(t) => parseFloat(getComputedStyle(t).fontSize) * "
                          "t.getScreenCTM().a") >= 11.95  # 12 px, rounding aside
    # A circle is a target a finger can hit, and choosing one opens the contact.
    circle = phone.locator("svg.network-map a.map-node").first
    target = circle.bounding_box()
    assert target is not None and min(target["width"], target["height"]) >= 24
    context.close()
