"""A member's profile (own name, organization and title) on the settings page and at
/api/v1/me/profile: the name signs their introductions, and other members find them by
the rest in path search."""

from __future__ import annotations

from community import browser, community_app, csrf_of, signed_in
from fastapi.testclient import TestClient

from community_members import add_member, know_each_other
from kithbook.domain.members import Role
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.facade import Kithbook

TOO_LONG = "x" * 201


def test_the_settings_page_explains_the_profile_and_saves_it(client: TestClient,
                                                             kb: Kithbook) -> None:
    page = client.get("/settings")
    assert page.status_code == 200
    assert 'action="/settings/profile"' in page.text
    assert "find warm paths to you" in page.text
    saved = client.post("/settings/profile", data={"organization": "  Acme ", "title": "CTO"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?done=profile_saved"
    shown = client.get(saved.headers["location"]).text
    assert "Profile saved." in shown
    assert 'value="Acme"' in shown and 'value="CTO"' in shown
    me = kb.book.local_member()
    profile = kb.accounts.profile(me.id)
    assert (profile.organization, profile.title) == ("Acme", "CTO")


def test_an_empty_field_on_the_page_clears_it(client: TestClient, kb: Kithbook) -> None:
    client.get("/settings")  # the book's owner is made on the first visit
    me = kb.book.local_member()
    kb.accounts.set_profile(me.id, organization="Acme", title="CTO")
    client.post("/settings/profile", data={"organization": "Acme", "title": ""})
    profile = kb.accounts.profile(me.id)
    assert profile.title is None and profile.organization == "Acme"


def test_an_over_long_title_on_the_page_is_refused_beside_the_field(client: TestClient,
                                                                   kb: Kithbook) -> None:
    client.get("/settings")  # the book's owner is made on the first visit
    me = kb.book.local_member()
    kb.accounts.set_profile(me.id, organization="Acme", title="CTO")
    refused = client.post("/settings/profile", data={"organization": "Globex",
                                                      "title": TOO_LONG})
    assert refused.status_code == 422
    assert 'id="profile-error"' in refused.text
    assert "keep the title under 200 characters." in refused.text
    # What was typed stays in the form, the faulty field is marked, and nothing is stored.
    assert 'value="Globex"' in refused.text
    assert 'id="profile-title" name="title" value="' + TOO_LONG in refused.text
    assert refused.text.count('aria-invalid="true"') == 1
    profile = kb.accounts.profile(me.id)
    assert (profile.organization, profile.title) == ("Acme", "CTO")


def test_the_api_reads_and_replaces_the_profile(client: TestClient, kb: Kithbook) -> None:
    login = client.get("/api/v1/me/profile").json()["name"]
    assert login == kb.book.local_member().name
    assert client.get("/api/v1/me/profile").json() == {"name": login, "organization": None,
                                                       "title": None}
    changed = client.put("/api/v1/me/profile", json={"organization": "Acme", "title": "CTO"})
    assert changed.status_code == 200
    assert changed.json() == {"name": login, "organization": "Acme", "title": "CTO"}
    # A PUT replaces organization and title: what it leaves out is cleared. A name left
    # out is kept (a profile without one cannot exist).
    assert client.put("/api/v1/me/profile", json={"organization": "Globex"}).json() == {
        "name": login, "organization": "Globex", "title": None}
    renamed = client.put("/api/v1/me/profile", json={"name": " Sam  Rivera ",
                                                      "organization": "Globex"})
    assert renamed.json() == {"name": "Sam Rivera", "organization": "Globex", "title": None}
    assert client.get("/api/v1/me/profile").json()["name"] == "Sam Rivera"
    assert kb.book.local_member().name == "Sam Rivera"


def test_an_empty_name_is_refused_and_the_old_one_kept(client: TestClient,
                                                      kb: Kithbook) -> None:
    client.put("/api/v1/me/profile", json={"name": "Sam Rivera"})
    for body in ({"name": ""}, {"name": "   "}, {"name": "x" * 201}):
        refused = client.put("/api/v1/me/profile", json=body)
        assert refused.status_code == 422
        assert refused.json()["error"] == {
            "code": "invalid_input", "field": "name",
            "message": "give your name as others will see it (up to 200 characters)."}
    page = client.post("/settings/profile", data={"name": " ", "organization": "Acme",
                                                   "title": ""})
    assert page.status_code == 422
    assert "give your name as others will see it" in page.text
    assert 'id="profile-name" name="name" value=" " required' in page.text
    kept = kb.accounts.profile(kb.book.local_member().id)
    assert (kept.name, kept.organization, kept.title) == ("Sam Rivera", None, None)


def test_the_settings_page_shows_and_changes_your_own_name(client: TestClient,
                                                          kb: Kithbook) -> None:
    page = client.get("/settings")
    assert f'id="profile-name" name="name" value="{kb.book.local_member().name}"' in page.text
    assert "Your name signs your introductions and drafts" in page.text
    client.post("/settings/profile", data={"name": "Sam Rivera", "organization": "",
                                           "title": ""})
    assert 'id="profile-name" name="name" value="Sam Rivera"' in client.get("/settings").text
    assert kb.book.local_member().name == "Sam Rivera"


def test_over_long_values_in_the_api_name_the_field(client: TestClient) -> None:
    client.put("/api/v1/me/profile", json={"organization": "Acme", "title": "CTO"})
    for field in ("organization", "title"):
        refused = client.put("/api/v1/me/profile", json={field: TOO_LONG})
        assert refused.status_code == 422
        assert refused.json() == {"error": {
            "code": "invalid_input", "field": field,
            "message": f"keep the {field} under 200 characters."}}
    huge = client.put("/api/v1/me/profile", json={"title": "x" * 20_000})
    assert huge.status_code == 422 and huge.json()["error"]["field"] == "title"
    unknown = client.put("/api/v1/me/profile", json={"role": "CTO"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "role"
    assert client.get("/api/v1/me/profile").json() == {"name": "Me", "organization": "Acme",
                                                       "title": "CTO"}



def test_a_profile_set_on_the_page_lets_other_members_find_a_warm_path(kb: Kithbook) -> None:
    app = community_app(kb)
    ann, bea, cy = add_member(kb, "Ann"), add_member(kb, "Bea"), add_member(kb, "Cy")
    kb.book.set_default_policy(bea.id, PolicyChange(visibility=Visibility.NAMED,
                                                    ask_rule=AskRule.ANYONE))
    know_each_other(kb, ann, bea)
    know_each_other(kb, bea, cy)
    ann_browser, _ = signed_in(kb, app, ann)
    cy_browser, _ = signed_in(kb, app, cy)
    with ann_browser, cy_browser:
        query = "/api/v1/paths?organization=acme&role=cto"
        assert ann_browser.get(query).json()["paths"] == []
        page = cy_browser.get("/settings")
        assert "Every member of the community sees your organization and title" in page.text
        assert '<a href="/links" >Links</a>' in page.text  # member links are in the menu
        csrf = csrf_of(page.text)
        assert cy_browser.post("/settings/profile",
                               data={"organization": "Acme", "title": "CTO"}).status_code == 403
        saved = cy_browser.post("/settings/profile", data={
            "organization": "Acme", "title": "CTO", "csrf_token": csrf})
        assert saved.status_code == 303
        [path] = ann_browser.get(query).json()["paths"]
        assert path["steps"][-1]["label"] == "Cy (CTO, Acme)"
        # A new name reaches the paths others see as soon as it is saved.
        cy_browser.post("/settings/profile", data={
            "name": "Cyrus Vance", "organization": "Acme", "title": "CTO", "csrf_token": csrf})
        [path] = ann_browser.get(query).json()["paths"]
        assert path["steps"][-1]["label"] == "Cyrus Vance (CTO, Acme)"


def test_an_admin_changes_only_their_own_profile(kb: Kithbook) -> None:
    app = community_app(kb)
    rae, ana = add_member(kb, "Rae", Role.ADMIN), add_member(kb, "Ana")
    kb.accounts.set_profile(ana.id, organization="Acme", title="CTO")
    admin, csrf = signed_in(kb, app, rae)
    with admin, browser(app) as anonymous:
        assert anonymous.put("/api/v1/me/profile", json={"title": "x"}).status_code == 401
        assert admin.put("/api/v1/me/profile", json={"organization": "Globex"},
                         headers={"X-CSRF-Token": csrf}).status_code == 200
        # There is no way to name another member: the body names no one.
        smuggled = admin.put("/api/v1/me/profile", json={"member": ana.id, "title": "intern"},
                             headers={"X-CSRF-Token": csrf})
        assert smuggled.status_code == 422
    assert (kb.accounts.profile(ana.id).organization,
            kb.accounts.profile(ana.id).title) == ("Acme", "CTO")
    assert kb.accounts.profile(rae.id).organization == "Globex"
