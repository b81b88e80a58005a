"""The account pages in a browser's shoes: changing the password, the list of sessions,
signing out everywhere, resetting a forgotten password from an email, the weekly digest
switch, and the admin's community settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from community import COOKIE, PASSWORD, browser, community_app, csrf_of, signed_in
from fastapi.testclient import TestClient
from httpx2 import Response

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.members import Role
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from loopback_smtp import Inbox, loopback_smtp

NEW_PASSWORD = "harbour quince mosaic"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with loopback_smtp() as running:
        yield running


def _log_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return client.post("/login", data={"email": email, "password": password})


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(
        kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as laptop, browser(app) as phone:
        _log_in(laptop, "ana@example.org", PASSWORD)
        _log_in(phone, "ana@example.org", PASSWORD)
        before = laptop.cookies[COOKIE]
        csrf = csrf_of(laptop.get("/account").text)
        refused = laptop.post("/account/password", data={
            "current_password": PASSWORD, "password": NEW_PASSWORD})
        assert refused.status_code == 403  # no CSRF token
        wrong = laptop.post("/account/password", data={
            "current_password": "not it", "password": NEW_PASSWORD, "csrf_token": csrf})
        assert wrong.status_code == 422 and "not your current password" in wrong.text
        done = laptop.post("/account/password", data={
            "current_password": PASSWORD, "password": NEW_PASSWORD, "csrf_token": csrf})
        assert done.status_code == 303 and done.headers["location"].startswith("/account")
        assert laptop.cookies[COOKIE] != before  # a fresh session for this browser
        assert "Password changed" in laptop.get(done.headers["location"]).text
        assert phone.get("/account").headers["location"].startswith("/login")
    with browser(app) as fresh:
        assert _log_in(fresh, "ana@example.org", PASSWORD).status_code == 422
        assert _log_in(fresh, "ana@example.org", NEW_PASSWORD).status_code == 303


def test_a_member_sees_their_sessions_and_signs_one_or_all_out(kb: Kithbook) -> None:
    app = community_app(kb)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(app) as laptop, browser(app) as phone:
        laptop.headers["user-agent"] = LAPTOP
        phone.headers["user-agent"] = PHONE
        _log_in(laptop, "ana@example.org")
        _log_in(phone, "ana@example.org")
        page = laptop.get("/account").text
        assert "Firefox on Linux" in page and "Safari on iPhone" in page
        assert page.count("this browser") == 1
        listed = laptop.get("/api/v1/sessions").json()
        phone_id = next(s["id"] for s in listed if s["user_agent"] == PHONE)
        assert [s["user_agent"] for s in listed if s["current"]] == [LAPTOP]
        csrf = csrf_of(page)
        ended = laptop.post(f"/account/sessions/{phone_id}/delete", data={"csrf_token": csrf})
        assert ended.status_code == 303
        assert phone.get("/account").status_code == 303
        assert laptop.get("/account").status_code == 200
        _log_in(phone, "ana@example.org")
        everywhere = laptop.post("/account/sign-out-everywhere", data={"csrf_token": csrf})
        assert everywhere.headers["location"].startswith("/login")
        assert laptop.get("/account").status_code == 303
        assert phone.get("/account").status_code == 303


def test_the_session_cookie_lasts_the_configured_lifetime(kb: Kithbook) -> None:
    kb.settings = replace(kb.settings, session_lifetime_days=2)
    add_member(kb, "Ana", password=PASSWORD)
    with browser(community_app(kb)) as client:
        cookie = _log_in(client, "ana@example.org").headers["set-cookie"]
    assert f"Max-Age={2 * 86400}" in cookie


def test_a_forgotten_password_is_reset_from_the_emailed_link_once(
        kb: Kithbook, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@circle.example")
    kb.settings = replace(kb.settings, public_url="https://kith.example")
    app = community_app(kb)
    ana = add_member(kb, "Ana", password=PASSWORD)
    _, api_token = kb.accounts.create_api_token(ana.id, "a script")
    script = {"Authorization": f"Bearer {api_token}"}
    with browser(app) as client, browser(app) as old:
        _log_in(old, "ana@example.org")
        assert client.get("/api/v1/me", headers=script).status_code == 200
        assert "/password-reset" in client.get("/login").text
        known = client.post("/password-reset", data={"email": "ana@example.org"})
        unknown = client.post("/password-reset", data={"email": "zed@example.org"})
        assert known.status_code == unknown.status_code == 200
        assert known.text == unknown.text  # nothing says which email has an account
        assert inbox.received == []  # sent in the background, not in the request
        assert kb.notices.deliver_mail() == 1
        [(to, _, subject, body)] = inbox.mails()
        assert to == "ana@example.org" and "reset your password" in subject
        link = re.search(r"https://kith\.example(/password-reset/\S+)", body)
        assert link, body
        assert "revokes every API token" in body  # the email says what a reset ends
        reset_page = client.get(link.group(1))
        assert reset_page.status_code == 200 and "every API token revoked" in reset_page.text
        weak = client.post(link.group(1), data={"password": "password"})
        assert weak.status_code == 422
        done = client.post(link.group(1), data={"password": NEW_PASSWORD})
        assert done.status_code == 303 and done.headers["location"].startswith("/login")
        assert client.get(link.group(1)).status_code == 404  # used up
        again = client.post(link.group(1), data={"password": "yet another passphrase"})
        assert again.status_code == 404
        assert old.get("/account").status_code == 303  # every session ended
        # And every API token: whoever had the account may have made one.
        assert client.get("/api/v1/me", headers=script).status_code == 401
        assert _log_in(client, "ana@example.org", NEW_PASSWORD).status_code == 303
        # And she is told by email that her password changed.
        kb.notices.deliver_mail()
        assert [s for _, _, s, _ in inbox.mails()][-1] == "Kithbook: your password was changed"


def test_a_reset_form_posted_from_another_site_is_refused(kb: Kithbook) -> None:
    with browser(community_app(kb)) as client:
        refused = client.post("/password-reset", data={"email": "ana@example.org"},
                              headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403


def test_reset_requests_are_slowed_with_retry_after(kb: Kithbook) -> None:
    with browser(community_app(kb)) as client:
        for _ in range(3):
            assert client.post("/password-reset",
                               data={"email": "zed@example.org"}).status_code == 200
        slowed = client.post("/password-reset", data={"email": "zed@example.org"})
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) >= 1


def test_the_weekly_digest_switch_is_on_the_account_page(kb: Kithbook) -> None:
    app = community_app(kb)
    ana = add_member(kb, "Ana")
    client, csrf = signed_in(kb, app, ana)
    with client:
        assert 'name="weekly_digest" value="on" checked' in client.get("/account").text
        client.post("/account/digest", data={"csrf_token": csrf})
        assert kb.notices.weekly_digest_wanted(ana.id) is False
        assert client.get("/api/v1/me/settings").json() == {"weekly_digest": False}
        assert client.put("/api/v1/me/settings", json={"weekly_digest": True},
                          headers={"X-CSRF-Token": csrf}).json() == {"weekly_digest": True}


def test_an_admin_changes_the_community_settings_and_sees_no_book(kb: Kithbook) -> None:
    app = community_app(kb)
    rae = add_member(kb, "Rae", Role.ADMIN)
    ana = add_member(kb, "Ana")
    kb.book.add_contact(ana.id, ContactFields(name="Cleo Secretcontact", organization="Acme"))
    as_rae, csrf = signed_in(kb, app, rae)
    as_ana, ana_csrf = signed_in(kb, app, ana)
    with as_rae, as_ana:
        saved = as_rae.post("/admin/settings", data={
            "name": "Alumni 2019", "members_may_invite": "on", "invitation_days": "5",
            "mail_sender_name": "Alumni Circle", "csrf_token": csrf})
        assert saved.status_code == 303
        page = as_rae.get("/admin/settings").text
        assert 'value="Alumni 2019"' in page and "Secretcontact" not in page
        api = as_rae.get("/api/v1/admin/settings").json()
        assert api == {"name": "Alumni 2019", "members_may_invite": True,
                       "invitation_days": 5, "mail_sender_name": "Alumni Circle"}
        bad = as_rae.post("/admin/settings", data={
            "name": "Alumni 2019", "invitation_days": "500", "mail_sender_name": "A",
            "csrf_token": csrf})
        assert bad.status_code == 422 and "1 to 90 days" in bad.text
        assert as_ana.get("/admin/settings").status_code == 403
        assert as_ana.put("/api/v1/admin/settings", json={"name": "Mine now"},
                          headers={"X-CSRF-Token": ana_csrf}).status_code == 403
        # The setting is in force: Ana, a plain member, may invite now.
        invited = as_ana.post("/invite", data={"email": "ben@example.org",
                                               "csrf_token": ana_csrf})
        assert invited.status_code == 200 and "invitation-link" in invited.text
        assert "Log in to Alumni 2019" in browser(app).get("/login").text
