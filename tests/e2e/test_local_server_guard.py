"""A local book's `kithbook serve` attacked as a web page the member visits would, over
HTTP.

- DNS rebinding: a request that names another host is refused before any route reads.
- Cross-site writes: a form or call another site started is refused, and writes nothing.
- CSRF: a form post, or a call carrying the book's cookie, needs the token of the page.
- The book's own pages, and a script's JSON calls, still work.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from served import local_server

pytestmark = [pytest.mark.slow]

EVIL = "http://evil.example"
SECRET = "Grace Hopper-Secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    """One server for the module (starting one takes seconds): each test writes names of
    its own. The fences stand before any route reads the database: SQLite shows them."""
    folder = tmp_path_factory.mktemp("local-guard")
    book = folder / "book.sqlite"
    shutil.copyfile(sqlite_template, book)
    with local_server(str(book), folder) as base:
        # A script on this machine adds a contact the way scripts always could: JSON.
        added = httpx2.post(f"{base}/api/v1/contacts", json={"name": SECRET}, timeout=30)
        assert added.status_code == 201, added.text
        yield base


def _names(base: str) -> list[str]:
    listed = httpx2.get(f"{base}/api/v1/contacts", timeout=30).json()
    return sorted(item["contact"]["name"] for item in listed["items"])


@contextmanager
def _page_with_cookie(base: str) -> Iterator[tuple[httpx2.Client, str]]:
    """A browser that opened the book: the cookie it was given and its pages' token."""
    with httpx2.Client(base_url=base, timeout=30, follow_redirects=False) as browser:
        page = browser.get("/")
        assert page.status_code == 200
        assert "kithbook_local" in browser.cookies
        found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
        assert found, "the book's pages carry their CSRF token"
        yield browser, found.group(1)


# ---- DNS rebinding -----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/contacts", "/", "/api/v1/export?format=json"])
def test_a_request_naming_another_host_reads_nothing(server: str, path: str) -> None:
    port = server.rsplit(":", 1)[1]
    answer = httpx2.get(server + path, headers={"Host": f"evil.example:{port}"}, timeout=30)
    assert answer.status_code == 421
    assert SECRET not in answer.text
    assert "127.0.0.1 or localhost" in answer.text


def test_the_loopback_names_are_answered(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
        answer = httpx2.get(server + "/api/v1/contacts", headers={"Host": host}, timeout=30)
        assert answer.status_code == 200, (host, answer.text)


# ---- cross-site writes -------------------------------------------------------------------

def test_a_form_posted_from_another_site_adds_no_contact(server: str) -> None:
    posted = httpx2.post(f"{server}/contacts", data={"name": "Mallory Planted"},
                         headers={"Origin": EVIL}, timeout=30)
    assert posted.status_code == 403
    assert "sent from another site" in posted.text
    assert "Mallory Planted" not in _names(server)


def test_a_form_the_browser_marks_cross_site_adds_no_contact(server: str) -> None:
    with _page_with_cookie(server) as (browser, token):
        posted = browser.post("/contacts", data={"name": "Mallory Planted",
                                                 "csrf_token": token},
                              headers={"Sec-Fetch-Site": "cross-site"})
    assert posted.status_code == 403
    assert "Mallory Planted" not in _names(server)


def test_a_page_on_another_port_of_this_machine_cannot_post(server: str) -> None:
    with _page_with_cookie(server) as (browser, token):
        posted = browser.post("/contacts", data={"name": "Mallory Planted",
                                                 "csrf_token": token},
                              headers={"Origin": "http://127.0.0.1:1",
                                       "Sec-Fetch-Site": "same-site"})
    assert posted.status_code == 403
    assert "Mallory Planted" not in _names(server)


def test_a_json_call_from_another_site_adds_no_contact(server: str) -> None:
    posted = httpx2.post(f"{server}/api/v1/contacts", json={"name": "Mallory Planted"},
                         headers={"Origin": EVIL}, timeout=30)
    assert posted.status_code == 403
    assert posted.json()["error"]["code"] == "csrf_refused"
    assert "Mallory Planted" not in _names(server)


# ---- CSRF --------------------------------------------------------------------------------

def test_a_form_without_the_pages_token_adds_no_contact(server: str) -> None:
    # No Origin at all (an old browser, or one that hides it): the token still decides.
    without_cookie = httpx2.post(f"{server}/contacts", data={"name": "Mallory Planted"},
                                 timeout=30)
    assert without_cookie.status_code == 403
    with _page_with_cookie(server) as (browser, _):
        without_token = browser.post("/contacts", data={"name": "Mallory Planted"})
        wrong_token = browser.post("/contacts", data={"name": "Mallory Planted",
                                                      "csrf_token": "0" * 64})
    assert without_token.status_code == wrong_token.status_code == 403
    assert "Mallory Planted" not in _names(server)


def test_a_call_carrying_the_cookie_needs_the_token(server: str) -> None:
    with _page_with_cookie(server) as (browser, token):
        refused = browser.post("/api/v1/contacts", json={"name": "Mallory Planted"})
        assert refused.status_code == 403
        assert "x-csrf-token" in refused.json()["error"]["message"].lower()
        accepted = browser.post("/api/v1/contacts", json={"name": "Ada Lovelace"},
                                headers={"X-CSRF-Token": token})
        assert accepted.status_code == 201, accepted.text
    assert "Ada Lovelace" in _names(server)


def test_a_file_upload_without_a_token_is_refused_with_what_to_do(server: str) -> None:
    sent = httpx2.post(f"{server}/api/v1/import", files={"file": ("x.vcf", b"BEGIN:VCARD")},
                       timeout=30)
    assert sent.status_code == 403
    assert "A script sends JSON" in sent.json()["error"]["message"]


# ---- what must keep working --------------------------------------------------------------

def test_the_books_own_form_adds_the_contact(server: str) -> None:
    with _page_with_cookie(server) as (browser, token):
        posted = browser.post("/contacts", data={"name": "Charles Babbage",
                                                 "csrf_token": token},
                              headers={"Origin": server, "Sec-Fetch-Site": "same-origin"})
    assert posted.status_code == 303, posted.text
    assert "Charles Babbage" in _names(server)


def test_a_script_changes_and_removes_with_json_and_no_cookie(server: str) -> None:
    contact = httpx2.post(f"{server}/api/v1/contacts", json={"name": "Alan Turing"},
                          timeout=30).json()
    changed = httpx2.patch(f"{server}/api/v1/contacts/{contact['id']}",
                           json={"organization": "Analytical Engines"}, timeout=30)
    assert changed.status_code == 200, changed.text
    removed = httpx2.delete(f"{server}/api/v1/contacts/{contact['id']}", timeout=30)
    assert removed.status_code in (200, 204), removed.text
    assert "Alan Turing" not in _names(server)
