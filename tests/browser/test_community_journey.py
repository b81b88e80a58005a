"""A community server in a real browser: the admin invites, the newcomer joins through the
link, signs in, changes their password and signs out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kithbook.domain.contacts import ContactFields

pytestmark = pytest.mark.browser

RAE_PASSWORD = "lantern orbit velvet"
ANA_PASSWORD = "copper meadow signal"
ANA_NEW_PASSWORD = "harbour quince mosaic"


def _log_in(page: Any, email: str, password: str) -> None:
    form = page.get_by_role("form", name="Log in")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in").click()


def _log_out(page: Any) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")


def test_invited_member_joins_changes_password_and_signs_out(
        community: Any, page: Any, shots: Path) -> None:
    kb = community.kb
    rae = kb.accounts.create_admin("rae@example.org", "Rae Okafor", RAE_PASSWORD)
    kb.community.change_community_settings(rae.id, name="Harbour Alumni",
                                           mail_sender_name="Harbour Alumni")
    for email, name in (("lee@example.org", "Lee Moreau"), ("kim@example.org", "Kim Sato")):
        _, token = kb.accounts.invite(rae.id, email)
        member, _ = kb.accounts.accept_invitation(token, name, RAE_PASSWORD)
        kb.book.add_contact(member.id, ContactFields(name="Private Contact", organization="Acme"))
    kb.accounts.invite(rae.id, "jo@example.org")  # still open

    # The admin signs in and invites Ana.
    page.goto(community.url + "/account")
    page.wait_for_url("**/login?next=/account")
    expect(page.get_by_role("heading", name="Log in to Harbour Alumni")).to_be_visible()
    page.screenshot(path=str(shots / "sign-in.png"))
    _log_in(page, "rae@example.org", RAE_PASSWORD)
    page.wait_for_url("**/account")
    page.get_by_role("link", name="Invite someone").click()
    invite = page.get_by_role("form", name="Invite")
    invite.get_by_label("Their email").fill("ana@example.org")
    invite.get_by_role("button", name="Create an invitation link").click()
    link = page.locator("#invitation-link").inner_text()
    # Built from the configured public URL, never from the Host the request came with.
    public = community.kb.settings.public_url.rstrip("/")
    assert link.startswith(public + "/invitations/")
    link = community.url + link.removeprefix(public)

    page.goto(community.url + "/admin/members")
    expect(page.get_by_role("cell", name="Kim Sato")).to_be_visible()
    assert "Private Contact" not in page.content()  # accounts, never books
    page.screenshot(path=str(shots / "admin-members.png"), full_page=True)
    page.get_by_role("link", name="Invitations").first.click()
    expect(page.get_by_role("cell", name="ana@example.org")).to_be_visible()
    page.screenshot(path=str(shots / "admin-invitations.png"), full_page=True)
    page.get_by_role("link", name="Community settings").first.click()
    settings = page.get_by_role("form", name="Community settings")
    settings.get_by_label("An invitation link works for (days)").fill("10")
    settings.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("status").inner_text() == "Community settings saved."
    page.screenshot(path=str(shots / "community-settings.png"), full_page=True)
    _log_out(page)

    # Ana follows the link, joins, and lands in her (empty, private) book.
    page.goto(link)
    join = page.get_by_role("form", name="Create your account")
    join.get_by_label("Your name, as members will see it").fill("Ana Ruiz")
    join.get_by_label("Password").fill(ANA_PASSWORD)
    join.get_by_role("button", name="Create my account").click()
    page.wait_for_url(community.url + "/")
    _log_out(page)

    # She signs in, changes her password, and signs out.
    _log_in(page, "ana@example.org", ANA_PASSWORD)
    page.wait_for_url(community.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    change = page.get_by_role("form", name="Change password")
    change.get_by_label("Current password").fill("not my password")
    change.get_by_label("New password").fill(ANA_NEW_PASSWORD)
    change.get_by_role("button", name="Change password").click()
    assert page.get_by_role("alert").inner_text() == "that is not your current password."
    change = page.get_by_role("form", name="Change password")
    change.get_by_label("Current password").fill(ANA_PASSWORD)
    change.get_by_label("New password").fill(ANA_NEW_PASSWORD)
    change.get_by_role("button", name="Change password").click()
    assert page.get_by_role("status").inner_text().startswith("Password changed.")
    expect(page.get_by_text("this browser")).to_be_visible()
    page.screenshot(path=str(shots / "account.png"), full_page=True)
    _log_out(page)

    _log_in(page, "ana@example.org", ANA_PASSWORD)
    assert page.get_by_role("alert").inner_text().startswith("that email and password")
    _log_in(page, "ana@example.org", ANA_NEW_PASSWORD)
    page.wait_for_url(community.url + "/")
