"""Relationship depth in a real browser: strength that moves with what you log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kithbook.domain.contacts import ContactFields
from kithbook.services.book import TieFields

pytestmark = pytest.mark.browser


def test_logging_moves_the_strength_and_its_evidence(live: Any, page: Any, shots: Path) -> None:
    me, _ = live.kb.book.init_local_member("Me")
    ada = live.kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", organization="Acme",
                                                        tags=["mentor"]),
                              TieFields(stated_trust=4, cadence_days=30))
    page.goto(f"{live.url}/contacts/{ada.id}")
    value = page.get_by_test_id("strength-value")
    evidence = page.get_by_test_id("strength-evidence")
    before = float(value.inner_text())
    assert evidence.inner_text() == "no interaction logged yet, you would vouch for them at 4/5"

    page.get_by_label("What happened", exact=True).select_option("advice")
    page.get_by_label("I gave", exact=True).check()
    page.get_by_label("When", exact=True).fill("2 days ago")
    page.get_by_role("button", name="Log it").click()
    page.wait_for_url(re.compile(r"done=logged"))
    after = float(page.get_by_test_id("strength-value").inner_text())
    assert after > before
    assert "gave advice once" in page.get_by_test_id("strength-evidence").inner_text()
    assert page.get_by_test_id("stage").inner_text().startswith("new acquaintance")
    assert page.get_by_test_id("next-step").inner_text()
    page.screenshot(path=str(shots / "strength.png"), full_page=True)

    page.get_by_label("How strong it feels to you (0 = strangers, 1 = closest)").fill("0.8")
    page.get_by_role("button", name="Correct").click()
    page.wait_for_url(re.compile(r"done=corrected"))
    assert page.get_by_test_id("strength-value").inner_text() == "0.80"
    assert "you set it to 0.80" in page.locator("section.strength").inner_text()

    page.get_by_role("link", name="Digest").click()
    page.wait_for_url(re.compile(r"/digest"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("This week")
    page.screenshot(path=str(shots / "digest.png"), full_page=True)

    page.get_by_role("link", name="Health").click()
    page.wait_for_url(re.compile(r"/health"))
    assert "Reflection" in page.content()
    charts = page.locator(".charts img")
    assert charts.count() == 5  # interactions and new ties each on its own scale
    widths = page.eval_on_selector_all(".charts img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 0 for w in widths)  # every chart loaded as an image
    page.screenshot(path=str(shots / "health.png"), full_page=True)
