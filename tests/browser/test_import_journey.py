"""Importing a file through the page in a real browser: choose, preview, confirm."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

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
