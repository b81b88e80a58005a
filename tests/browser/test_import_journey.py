"""Importing a file through the page in a real browser: choose, preview, confirm."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.domain.contacts import ContactFields, Labeled

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def test_import_a_linkedin_file_with_a_preview(live: Any, page: Any, shots: Path) -> None:
    page.goto(live.url + "/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/import$"))
    form = page.get_by_role("form", name="Import a file")
    form.get_by_label("File", exact=True).set_input_files(
        str(DATA / "linkedin_connections.csv"))
    form.get_by_role("button", name="Preview").click()
    assert "would do" in page.get_by_role("heading", level=2).first.inner_text()
    expect(page.get_by_text("José Núñez").first).to_be_visible()
    page.screenshot(path=str(shots / "import.png"), full_page=True)
    page.get_by_role("form", name="Confirm the import").get_by_role(
        "button", name="Import").click()
    assert page.get_by_role("status").first.inner_text().startswith("Imported")
    page.get_by_role("link", name="See your book").click()
    assert page.locator("table.book tbody tr").count() == 5


def test_a_wrong_file_is_explained(live: Any, page: Any, tmp_path: Path) -> None:
    wrong = tmp_path / "notes.txt"
    wrong.write_text("just some notes\n", encoding="utf-8")
    page.goto(live.url + "/import")
    form = page.get_by_role("form", name="Import a file")
    form.get_by_label("File", exact=True).set_input_files(str(wrong))
    form.get_by_role("button", name="Preview").click()
    assert "cannot tell what kind of file" in page.get_by_role("alert").inner_text()


def test_each_likely_duplicate_is_merged_kept_or_skipped_as_chosen(live: Any, page: Any,
                                                                   shots: Path) -> None:
    me, _ = live.kb.book.init_local_member("Sam")
    live.kb.book.add_contact(me.id, ContactFields(name="Ada King", role="Countess", emails=[
        Labeled("ada@analytical.example")]))
    live.kb.book.add_contact(me.id, ContactFields(name="Charles Babbage", emails=[
        Labeled("charles@difference.example")]))
    page.goto(live.url + "/import")
    form = page.get_by_role("form", name="Import a file")
    form.get_by_label("File", exact=True).set_input_files(str(DATA / "duplicates_choice.vcf"))
    form.get_by_role("button", name="Preview").click()
    confirm = page.get_by_role("form", name="Confirm the import")
    ada = confirm.get_by_role("group", name=re.compile("Ada Lovelace is probably Ada King"))
    charles = confirm.get_by_role("group", name=re.compile("Charles Babbage is probably"))
    # Keeping both is what the page proposes, as the command line and the API do.
    expect(ada.get_by_label("keep both")).to_be_checked()
    expect(charles.get_by_label("keep both")).to_be_checked()
    ada.get_by_label("merge into Ada King").check()
    charles.get_by_label("skip it").check()
    page.screenshot(path=str(shots / "import-duplicates.png"), full_page=True)
    confirm.get_by_role("button", name="Import").click()
    assert page.get_by_role("status").first.inner_text().startswith("Imported")
    report = page.locator("ul.duplicates").inner_text()
    assert "Ada Lovelace merged into Ada King" in report
    assert "Charles Babbage skipped, like Charles Babbage" in report
    page.get_by_role("link", name="See your book").click()
    names = page.locator("table.book tbody tr td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == ["Ada King", "Charles Babbage", "Mary S.",
                                                "Mary Somerville"]
    page.get_by_role("link", name="Ada King").click()
    expect(page.get_by_text("Analytical Engines").first).to_be_visible()
