"""The community server in a browser's shoes: sign-up by invitation, login, logout,
session rotation, cookies, CSRF, throttling, and what admins may do."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from apps import app_for
from community import (
    COOKIE,
    PASSWORD,
    browser,
    community_app,
    csrf_of,
    signed_in,
)
from fastapi.testclient import TestClient
from httpx2 import Response

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.members import Role
from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.auth import Community


def _log_in(client: TestClient, email: str, password: str = PASSWORD,
            **extra: str) -> Response:
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_an_admin_invites_and_the_invited_person_joins(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Rae", Role.ADMIN, password=PASSWORD)
    with browser(app) as rae, browser(app) as newcomer:
        assert _log_in(rae, "rae@example.org").status_code == 303
        csrf = csrf_of(rae.get("/invite").text)
        page = rae.post("/invite", data={"email": "ana@example.org", "csrf_token": csrf})
        # Built from the configured public URL, not the Host the browser sent.
        link = re.search(r'<code id="invitation-link">' + re.escape(kb.settings.public_url)
                         + r'(/invitations/[^<]+)<', page.text)
        assert link, page.text
        form = newcomer.get(link.group(1))
        assert "ana@example.org" in form.text
        joined = newcomer.post(link.group(1), data={"name": "Ana Ruiz", "password": PASSWORD})
        assert joined.status_code == 303 and joined.headers["location"] == "/"
        cookie = joined.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert {"HttpOnly", "Path=/", "SameSite=lax", "Secure"} <= {
            part.strip() for part in cookie.split(";")}
        assert "Domain" not in cookie
        me = newcomer.get("/api/v1/me").json()
        assert (me["name"], me["role"]) == ("Ana Ruiz", "member")
        again = browser(app).post(link.group(1), data={"name": "Eve", "password": PASSWORD})
        assert again.status_code == 404


def test_login_rotates_the_session_and_logout_ends_it_on_the_server(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as client:
        _log_in(client, "ana@example.org")
        first = client.cookies[COOKIE]
        _log_in(client, "ana@example.org")
        second = client.cookies[COOKIE]
        assert first != second
        with browser(app) as thief:
            thief.cookies.set(COOKIE, first)
            assert thief.get("/").status_code == 303  # the old session is gone
        csrf = csrf_of(client.get("/").text)
        out = client.post("/logout", data={"csrf_token": csrf})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        with browser(app) as replay:
            replay.cookies.set(COOKIE, second)
            assert replay.get("/").headers["location"] == "/login?next=/"


def test_wrong_password_and_unknown_email_read_the_same(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as client:
        wrong = _log_in(client, "ana@example.org", "not the password")
        unknown = _log_in(client, "zed@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.text.replace("ana@example.org", "E") == unknown.text.replace(
        "zed@example.org", "E")


def test_repeated_failures_are_slowed_with_retry_after(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as client:
        for _ in range(4):
            assert _log_in(client, "ana@example.org", "guess").status_code == 422
        slowed = _log_in(client, "ana@example.org", PASSWORD)
        assert slowed.status_code == 429
        assert int(slowed.headers["retry-after"]) >= 1


def test_a_form_without_its_csrf_token_changes_nothing(kb: Kithbook) -> None:
    app = community_app(kb)
    ana = add_member(kb, "Ana")
    client, csrf = signed_in(kb, app, ana)
    with client:
        missing = client.post("/contacts", data={"name": "Zed"})
        forged = client.post("/contacts", data={"name": "Zed", "csrf_token": "0" * 64})
        assert missing.status_code == forged.status_code == 403
        assert client.get("/api/v1/contacts").json()["total"] == 0
        assert client.post("/contacts", data={"name": "Zed", "csrf_token": csrf}
                           ).status_code == 303
        assert client.get("/api/v1/contacts").json()["total"] == 1


def test_api_calls_with_the_cookie_need_the_csrf_header_and_tokens_do_not(
        kb: Kithbook) -> None:
    app = community_app(kb)
    ana = add_member(kb, "Ana")
    _, raw = kb.accounts.create_api_token(ana.id, "script")
    client, csrf = signed_in(kb, app, ana)
    with client, browser(app) as script:
        refused = client.post("/api/v1/contacts", json={"name": "Zed"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_refused"
        assert client.post("/api/v1/contacts", json={"name": "Zed"},
                           headers={"X-CSRF-Token": csrf}).status_code == 201
        made = script.post("/api/v1/contacts", json={"name": "Yan"},
                           headers={"Authorization": f"Bearer {raw}"})
        assert made.status_code == 201
        assert script.get("/api/v1/contacts").status_code == 401
        assert script.get("/api/v1/contacts", headers={"Authorization": "Bearer kb_nope"}
                          ).status_code == 401


def test_a_login_form_posted_from_another_site_is_refused(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as client:
        refused = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD},
                              headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403
        assert COOKIE not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_the_site(kb: Kithbook, target: str) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as client:
        response = _log_in(client, "ana@example.org", next=target)
    assert response.headers["location"] == "/"


def test_members_do_not_see_admin_pages_and_admins_do_not_see_books(kb: Kithbook) -> None:
    app = community_app(kb)
    rae = add_member(kb, "Rae", Role.ADMIN)
    ana = add_member(kb, "Ana")
    kb.book.add_contact(ana.id, ContactFields(name="Cleo Secretcontact", organization="Acme"))
    as_ana, _ = signed_in(kb, app, ana)
    as_rae, _ = signed_in(kb, app, rae)
    with as_ana, as_rae:
        assert as_ana.get("/admin/members").status_code == 403
        assert as_ana.get("/api/v1/admin/members").status_code == 403
        members = as_rae.get("/admin/members")
        assert members.status_code == 200 and "Ana" in members.text
        assert "Secretcontact" not in members.text
        assert as_rae.get("/api/v1/contacts").json()["total"] == 0


def test_pages_send_anonymous_visitors_to_login_and_the_api_answers_401(kb: Kithbook) -> None:
    with browser(community_app(kb)) as client:
        page = client.get("/introductions?box=inbox")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/introductions%3Fbox%3Dinbox"
        api = client.get("/api/v1/contacts")
        assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"


def test_local_mode_keeps_working_without_login(kb: Kithbook) -> None:
    with TestClient(app_for(kb), base_url="http://127.0.0.1:8000",
                    follow_redirects=False) as client:
        page = client.get("/")
        assert page.status_code == 200
        # No login, but the page's forms carry the token of the cookie it came with.
        assert client.post("/contacts", data={"name": "Zed", "csrf_token": csrf_of(page.text)}
                           ).status_code == 303
        assert client.get("/login").status_code == 404


def test_two_members_link_a_contact_through_their_pages(kb: Kithbook) -> None:
    app = community_app(kb)
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz"))
    as_ana, ana_csrf = signed_in(kb, app, ana)
    as_ben, ben_csrf = signed_in(kb, app, ben)
    with as_ana, as_ben:
        asked = as_ana.post("/links", data={"contact": "Ben Ortiz", "email": "ben@example.org",
                                            "csrf_token": ana_csrf})
        assert asked.status_code == 303
        page = as_ben.get("/links")
        assert "Ana says you are in their book" in page.text
        assert "Ben Ortiz" not in page.text  # how Ana wrote him down stays in her book
        [link] = as_ben.get("/api/v1/links").json()
        assert as_ben.post(f"/links/{link['id']}/confirm",
                           data={"csrf_token": ben_csrf}).status_code == 303
        assert as_ana.get("/api/v1/links").json()[0]["confirmed"] is True
        assert as_ana.delete(f"/api/v1/links/{link['id']}",
                             headers={"X-CSRF-Token": ana_csrf}).status_code == 204
        assert as_ben.get("/api/v1/links").json() == []


def test_hsts_only_where_https_is_known(kb: Kithbook) -> None:
    """HTTPS is known when the public URL says so, or when the request came over it (a
    trusted proxy's X-Forwarded-Proto reaches the app as the scheme)."""
    plain = create_app(kb, Community())  # the public URL is http://127.0.0.1:8000
    with TestClient(plain, base_url="http://testserver") as client:
        assert "strict-transport-security" not in client.get("/login").headers
    with TestClient(plain, base_url="https://testserver") as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    kb.settings = replace(kb.settings, public_url="https://kith.example")
    with TestClient(create_app(kb, Community()), base_url="http://testserver") as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(create_app(kb), base_url="https://127.0.0.1") as client:
        assert "strict-transport-security" not in client.get("/").headers  # a local book
