"""A web page of another site tries to write into the member's local book from the same
browser, while the book's own forms keep working."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.services.ports import ContactQuery

pytestmark = pytest.mark.browser


class _EvilPage(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = (f'<!doctype html><title>Cute cats</title>'
                f'<form method="post" action="{self.target}/contacts">'
                '<input name="name" value="Mallory Planted">'
                '<input name="notes" value="added by a page of another site">'
                '<button type="submit">See more cats</button></form>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def evil_site(live: Any) -> Iterator[int]:
    """Another web server on this machine whose page posts a form to the book."""
    handler = type("Evil", (_EvilPage,), {"target": live.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _names(live: Any) -> list[str]:
    me, _ = live.kb.book.init_local_member("Me")
    return [item.contact.name for item in live.kb.book.list_contacts(me.id, ContactQuery()).items]


@pytest.mark.parametrize("evil_host", ["localhost", "127.0.0.1"])
def test_a_form_on_another_site_cannot_add_to_the_book(live: Any, browser: Any,
                                                       evil_site: int, evil_host: str) -> None:
    # localhost is another site than 127.0.0.1; 127.0.0.1 on another port is the same
    # site but another origin (whose cookies the browser would send along).
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live.url + "/")  # the member has the book open: the browser has its cookie
        page.goto(f"http://{evil_host}:{evil_site}/")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="See more cats").click()
        assert navigation.value.status == 403
        expect(page.get_by_text("sent from another site")).to_be_visible()
        assert "Mallory Planted" not in _names(live)

        # The book's own form, in the same browser, still adds a contact.
        page.goto(live.url + "/")
        form = page.get_by_role("form", name="Add a contact")
        form.get_by_label("Name", exact=True).fill("Ada Lovelace")
        form.get_by_role("button", name="Add contact").click()
        page.wait_for_url(re.compile(r"/contacts/\w+"))
        assert page.get_by_role("status").inner_text() == "Added."
        assert _names(live) == ["Ada Lovelace"]
    finally:
        context.close()
