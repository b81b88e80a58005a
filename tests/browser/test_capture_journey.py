"""Capture in a real browser: connect a mail account (a local Dovecot) on the Sources
page, let the background worker run it, see a contact's evidence change, and settle the
review queue (accept one stranger, ignore another for good)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from dovecot import PASSWORD, USER, Dovecot, running_dovecot
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.services.mail_sender import BackgroundJob
from kithbook.services.secrets import new_key
from mail_samples import DANA, LEE, ME, ROBIN, _message, sample_messages

pytestmark = pytest.mark.browser

KIM = "kim@elsewhere.example"


@pytest.fixture
def mail() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        # Kim writes three times: enough for the queue, and ignored for good below.
        server.deliver([*sample_messages(),
                        *(_message(40 + k, f"Kim Lo <{KIM}>", [ME], days=8 + k)
                          for k in range(3))])
        yield server


@pytest.fixture
def served(live: Any) -> Iterator[Any]:
    """The local book with a capture key, and the background worker that runs sources
    (as `kithbook serve` starts it, only more often)."""
    kb = live.kb
    kb.settings = replace(kb.settings, capture_key=new_key())
    me, _ = kb.book.init_local_member("Sam")
    for name, email in (("Dana Ruiz", DANA), ("Lee Chen", LEE)):
        kb.book.add_contact(me.id, ContactFields(name=name, emails=[Labeled(email)]))
    worker = BackgroundJob(lambda: len(kb.capture().run_due()), 0.5, name="test-capture")
    worker.start()
    try:
        yield live
    finally:
        worker.stop()


def _ran(page: Any, label: str) -> None:
    """Reload the Sources page until the worker has run the source."""
    row = page.get_by_role("row", name=re.compile(label))
    deadline = time.monotonic() + 30
    while "never" in row.inner_text() and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(row).to_contain_text("ok")


def test_connect_a_mailbox_run_it_and_settle_the_review_queue(
        served: Any, mail: Dovecot, page: Any, shots: Path) -> None:
    page.goto(served.url + "/")
    page.get_by_role("link", name="Sources", exact=True).click()
    page.wait_for_url(re.compile(r"/sources$"))
    own = page.get_by_role("form", name="Add one of your addresses")
    own.get_by_label("Address").fill(ME)
    own.get_by_role("button", name="Add my address").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")

    account = page.get_by_role("form", name="Add a mail account")
    account.get_by_label("Server").fill("127.0.0.1")
    account.get_by_label("User name").fill(USER)
    account.get_by_label("Password").fill("not the password")
    account.get_by_label("Port").fill(str(mail.port))
    account.get_by_label("Security").select_option("plain")
    account.get_by_label("Name (optional)").fill("home mail")
    account.get_by_role("button", name="Add and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"the server refused the password for {USER}")
    expect(page.get_by_text("No sources yet.")).to_be_visible()

    account = page.get_by_role("form", name="Add a mail account")
    expect(account.get_by_label("Server")).to_have_value("127.0.0.1")
    account.get_by_label("Password").fill(PASSWORD)
    account.get_by_role("button", name="Add and sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Added.")
    row = page.get_by_role("row", name=re.compile("home mail"))
    row.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in. Folders it reads: INBOX")
    _ran(page, "home mail")
    page.screenshot(path=str(shots / "capture-sources.png"), full_page=True)

    page.get_by_role("link", name="Review queue").click()
    robin = page.get_by_role("listitem").filter(has_text=ROBIN)
    expect(robin).to_contain_text("you wrote to Robin Ng 4 times in March 2026")
    expect(page.get_by_role("listitem").filter(has_text=KIM)).to_contain_text(
        "Kim Lo wrote to you 3 times in March 2026")
    page.screenshot(path=str(shots / "capture-review.png"), full_page=True)
    page.get_by_role("listitem").filter(has_text=KIM).get_by_role(
        "button", name="Ignore always").click()
    expect(page.get_by_role("status")).to_contain_text("will not be counted again")
    expect(page.get_by_text(KIM)).to_have_count(0)
    accept = page.get_by_role("form", name=f"Accept {ROBIN}")
    accept.get_by_label("Name").fill("Robin Ng-Park")
    accept.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your book")
    expect(page.get_by_text("Nobody waiting.")).to_be_visible()

    page.goto(served.url + "/")
    page.get_by_role("link", name="Dana Ruiz").click()
    expect(page.get_by_text(re.compile(r"emailed 3 times")).first).to_be_visible()
    page.goto(served.url + "/")
    page.get_by_role("link", name="Robin Ng-Park").click()
    expect(page.get_by_text(re.compile(r"emailed 4 times")).first).to_be_visible()
    page.screenshot(path=str(shots / "capture-contact.png"), full_page=True)
