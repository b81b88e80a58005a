"""Quick capture on a phone: the log screen opens offline from the service worker, a log
written offline waits on the phone and is sent once when it is back online, and a send
whose answer was lost, sent again, is stored once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.domain.contacts import ContactFields
from kithbook.services.book import TieFields

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def _eventually(check: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def _installed(page: Any, url: str) -> None:
    page.goto(url + "/log")
    # Polled from here: the page's CSP forbids the eval that wait_for_function uses.
    _eventually(lambda: page.evaluate("navigator.serviceWorker.controller !== null"),
                "the service worker controls the page")


def test_a_log_written_offline_is_sent_once_back_online(live: Any, phone: Any,
                                                        shots: Path) -> None:
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())

    def logged() -> int:
        return kb.book.get_contact(me.id, ada.id).interaction_count

    page = phone.new_page()
    _installed(page, live.url)
    phone.set_offline(True)
    page.reload()  # no network: the service worker's copy of the log screen answers
    expect(page.get_by_role("heading", name="Log an interaction")).to_be_visible()
    page.get_by_label("With whom").fill("Ada")
    page.get_by_label("What happened").select_option("knowledge_shared")
    page.get_by_label("Note").fill("sent her the paper on warm paths")
    page.get_by_role("button", name="Log it").click()
    status = page.locator("[data-queue-status]")
    expect(status).to_contain_text("Kept on this device")
    expect(page.get_by_role("list", name="Logs waiting on this device")).to_contain_text(
        "Ada · knowledge shared · today")
    page.screenshot(path=str(shots / "phone-offline-log.png"), full_page=True)
    key = page.evaluate("JSON.parse(localStorage.getItem('kithbook.queue'))[0].key")
    assert logged() == 0

    phone.set_offline(False)  # back online: the queue is sent by itself
    _eventually(lambda: logged() == 1, "the queued log reached the book")
    _eventually(lambda: page.evaluate("localStorage.getItem('kithbook.queue')") == "[]",
                "the queue emptied")
    [log] = kb.book.get_contact(me.id, ada.id).timeline
    assert (log.kind.value, log.note) == ("knowledge_shared", "sent her the paper on warm paths")

    # The same key sent again, as a phone does when the first answer never came: stored once.
    replay = page.evaluate("""async (key) => {
        const token = await (await fetch('/log/csrf')).json();
        const body = new URLSearchParams({who: 'Ada', kind: 'knowledge_shared', key,
                                          as_of: '2026-01-01'});
        const answer = await fetch('/log', {method: 'POST', body,
            headers: {Accept: 'application/json', 'X-CSRF-Token': token.csrf}});
        return answer.json();
    }""", key)
    assert replay["repeated"] is True
    assert logged() == 1


def test_a_send_whose_answer_is_lost_is_sent_again_and_stored_once(live: Any,
                                                                    phone: Any) -> None:
    kb = live.kb
    me, _ = kb.book.init_local_member("Sam")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())
    page = phone.new_page()
    _installed(page, live.url)
    lost: list[int] = []

    def lose_the_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fetch()  # the server stores the log ...
        lost.append(1)
        route.abort("connectionreset")  # ... and its answer never reaches the phone

    page.route("**/log", lose_the_answer)
    page.get_by_label("With whom").fill("Ada")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("[data-queue-status]")).to_contain_text("Kept on this device")
    assert lost == [1] and kb.book.get_contact(me.id, ada.id).interaction_count == 1
    page.unroute("**/log")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _eventually(lambda: page.evaluate("localStorage.getItem('kithbook.queue')") == "[]",
                "the queue emptied")
    assert kb.book.get_contact(me.id, ada.id).interaction_count == 1
