"""Served apps, over HTTP, on SQLite and on PostgreSQL: the smaller promises.

- Private pages and API answers are never cached; static assets may be.
- HSTS goes out when the server knows it is reached over HTTPS, and only then.
- Invitation links are built from the configured public URL, never the `Host` header.
- A NUL byte anywhere in a request's text is a clear 422, never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from community_members import add_member
from kithbook.domain.members import Role
from kithbook.services import sessions
from kithbook.services.facade import Kithbook
from served import community_servers, local_server, services_for_servers

pytestmark = [pytest.mark.slow]
PUBLIC = "https://kith.example"
PASSWORD = "lantern orbit velvet"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per module and kind (a server takes seconds to start)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("hardening") / "book.sqlite"
        path.write_bytes(template.read_bytes())
        return f"sqlite:///{path}"
    request.getfixturevalue("empty_postgres")()
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture(scope="module")
def community(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("community")
    with community_servers(database, folder, 1, env={"KITHBOOK_PUBLIC_URL": PUBLIC}) as (base,):
        yield base


@pytest.fixture(scope="module")
def kb(database: str) -> Iterator[Kithbook]:
    with services_for_servers(database, public_url=PUBLIC) as services:
        yield services


@pytest.fixture(scope="module")
def local(database: str, tmp_path_factory: pytest.TempPathFactory,
          sqlite_template: Path) -> Iterator[str]:
    # A local book of its own, beside the community's rows: the same database kind.
    if database.startswith("sqlite"):
        book = tmp_path_factory.mktemp("local") / "book.sqlite"
        book.write_bytes(sqlite_template.read_bytes())
        database = f"sqlite:///{book}"
    with local_server(database, tmp_path_factory.mktemp("local-log")) as base:
        yield base


def _member(kb: Kithbook, name: str, role: Role = Role.MEMBER) -> tuple[str, dict[str, str]]:
    """A new member with a password, and an API token of theirs as headers."""
    suffix = sessions.new_token()[:8].lower().replace("-", "x").replace("_", "y")
    member = add_member(kb, f"{name}{suffix}", role, password=PASSWORD)
    _, token = kb.accounts.create_api_token(member.id, "script")
    return member.email or "", {"Authorization": f"Bearer {token}"}


# ---- caching -----------------------------------------------------------------------------

def test_private_answers_are_never_stored_by_a_cache(community: str, local: str,
                                                     kb: Kithbook) -> None:
    _, script = _member(kb, "Ben")
    answers = [httpx2.get(f"{community}/api/v1/contacts", headers=script, timeout=30),
               httpx2.get(f"{community}/login", timeout=30),
               httpx2.get(f"{community}/api/v1/nothing-here", headers=script, timeout=30),
               httpx2.get(f"{local}/", timeout=30),
               httpx2.get(f"{local}/api/v1/contacts", timeout=30),
               httpx2.get(f"{local}/api/v1/export?format=json", timeout=30)]
    for answer in answers:
        assert answer.headers.get("cache-control") == "no-store", answer.request.url
    static = httpx2.get(f"{local}/static/app.css", timeout=30)
    assert static.status_code == 200 and "no-store" not in static.headers.get(
        "cache-control", "")


# ---- HSTS --------------------------------------------------------------------------------

def test_hsts_when_the_public_url_is_https(community: str, local: str) -> None:
    answer = httpx2.get(f"{community}/login", timeout=30)
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    # A local book is plain HTTP on loopback: never.
    assert "strict-transport-security" not in httpx2.get(f"{local}/", timeout=30).headers


# ---- invitation links --------------------------------------------------------------------

def test_an_invitation_link_names_the_public_url_whatever_the_host_header(
        community: str, kb: Kithbook) -> None:
    _, admin = _member(kb, "Rae", Role.ADMIN)
    invited = httpx2.post(f"{community}/api/v1/invitations",
                          headers={**admin, "Host": "evil.example"},
                          json={"email": "newcomer@example.org", "role": "member"}, timeout=30)
    assert invited.status_code == 201, invited.text
    assert invited.json()["link"].startswith(f"{PUBLIC}/invitations/")


# ---- NUL bytes ---------------------------------------------------------------------------

def test_a_nul_in_a_community_request_is_a_clear_422(community: str, kb: Kithbook) -> None:
    _, script = _member(kb, "Cai")
    login = httpx2.post(f"{community}/login", data={"email": "a\x00@example.org",
                                                    "password": PASSWORD}, timeout=30)
    assert login.status_code == 422 and "NUL character" in login.text
    searched = httpx2.get(f"{community}/api/v1/contacts", params={"q": "\x00"},
                          headers=script, timeout=30)
    assert searched.status_code == 422
    assert searched.json()["error"]["field"] == "q"
    profile = httpx2.put(f"{community}/api/v1/me/profile", headers=script,
                         json={"organization": "Acme", "title": "Data\u0000 engineer"}, timeout=30)
    assert profile.status_code == 422, profile.text
    assert "NUL character" in profile.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/?q=%00", "/api/v1/contacts?q=%00",
                                  "/api/v1/contacts?tag=a%00b", "/contacts/%00",
                                  "/paths?organization=%00"])
def test_a_nul_in_a_local_address_is_a_clear_422(local: str, path: str) -> None:
    answer = httpx2.get(local + path, timeout=30)
    assert answer.status_code == 422, answer.text
    assert "NUL character" in answer.text


def test_a_nul_in_a_local_form_or_json_is_a_clear_422_and_nothing_is_stored(
        local: str) -> None:
    as_json = httpx2.post(f"{local}/api/v1/contacts", json={"name": "Ada\u0000Lovelace"},
                          timeout=30)
    assert as_json.status_code == 422, as_json.text
    assert as_json.json()["error"]["field"] == "name"
    with httpx2.Client(base_url=local, timeout=30) as browser:
        token = re.search(r'name="csrf-token" content="(\w+)"', browser.get("/").text)
        assert token
        as_form = browser.post("/contacts", data={"name": "Ada\x00Lovelace",
                                                  "csrf_token": token.group(1)})
        assert as_form.status_code == 422 and "NUL character" in as_form.text
        listed = browser.get("/api/v1/contacts", params={"q": "Lovelace"}).json()
    assert listed["total"] == 0
