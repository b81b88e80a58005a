"""Every route of the community app, for an admin, the owner, an unrelated member and
someone not signed in: who is let through, and that a refusal about someone else's
object reads exactly like the answer about an id that does not exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from community import browser, community_app, signed_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from community_members import add_member
from explanations import lines_telling_others_ties
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Role
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.policies import PolicyChange
from kithbook.domain.sources import SourceKind
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services import sessions
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.auth import Community

PUBLIC = {"/login", "/invitations/{token}", "/api/docs", "/api/v1/openapi.json",
          "/docs/oauth2-redirect", "/password-reset", "/password-reset/{token}",
          # A calendar app cannot sign in: the secret in the address names the book.
          "/feed/{token}.ics",
          "/answer/{token}",  # a consent link: the signed link is the key
          # The service worker's script: like the stylesheet, nothing of anyone's book.
          "/sw.js"}
ADMIN_ONLY = ("/admin/", "/api/v1/admin/")
# Inviting takes an admin, or a member an admin allowed to (none is, here).
INVITERS = {("POST", "/invite"), ("POST", "/api/v1/invitations")}
OBJECT_PARAMS = ("contact_id", "interaction_id", "intro_id", "token_id", "link_id",
                 "session_id", "source_id", "conflict_id", "entry_id")
# Parameters that name no one's object: a move, a format, a chart, a secret token.
NAMING_PARAMS = {"move", "kind", "format", "name", "token", "member_id", "what"}


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route, read from the app itself."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        contexts: list[Any] = (list(route.effective_candidates())  # type: ignore[attr-defined]
                               if hasattr(route, "effective_candidates") else [route])
        for item in contexts:
            methods = getattr(item, "methods", None) or set()
            found.extend((m, item.path) for m in sorted(methods) if m != "HEAD")
    return sorted(set(found))


# Only the routes are read: services that are never called, with the settings the app
# reads as it is made (its bounds and where uploads wait).
_UNUSED = SimpleNamespace(settings=Settings(database_url="sqlite:///unused/book.sqlite"))
ROUTES = route_table(create_app(_UNUSED, Community()))  # type: ignore[arg-type]

JSON_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/contacts"): {"name": "Zed Doe"},
    ("PATCH", "/api/v1/contacts/{contact_id}"): {"notes": "changed"},
    ("PATCH", "/api/v1/interactions/{interaction_id}"): {"note": "changed"},
    ("POST", "/api/v1/introductions"): {"kind": "received", "requester_name": "Zed",
                                         "target": "Cleo", "purpose": "advice on hiring"},
    ("POST", "/api/v1/introductions/{intro_id}/outcome"): {"rating": "positive"},
    **{("POST", f"/api/v1/introductions/{{intro_id}}/{move}"): {"note": None}
       for move in ("forward", "decline", "accept", "make", "withdraw")},
    **{("POST", f"/api/v1/introductions/{{intro_id}}/{path}"): {"subject": "Meet?",
                                                                  "message": "Worth it."}
       for path in ("email-ask", "email-ask/preview")},
    ("POST", "/api/v1/introductions/{intro_id}/introduction-email"): {"note": None},
    ("PUT", "/api/v1/policies/default"): {"visibility": "hidden", "ask_rule": "nobody"},
    ("PUT", "/api/v1/contacts/{contact_id}/policy"): {"follow_defaults": True},
    ("POST", "/api/v1/invitations"): {"email": "newcomer@example.org"},
    ("POST", "/api/v1/tokens"): {"name": "script"},
    ("POST", "/api/v1/contacts/{contact_id}/strength/correction"): {"strength": 0.5},
    ("POST", "/api/v1/contacts/{contact_id}/dates"): {"kind": "birthday", "date": "1990-05-01"},
    ("POST", "/api/v1/links"): {"contact": "Cleo", "email": "dan@example.org"},
    ("POST", "/api/v1/me/password"): {"current_password": "not it", "new_password": "x" * 12},
    ("PUT", "/api/v1/me/settings"): {"weekly_digest": False},
    ("PUT", "/api/v1/me/profile"): {"organization": "Zed Corp", "title": "Zed"},
    ("PUT", "/api/v1/admin/settings"): {"name": "Zed's circle", "invitation_days": 7},
}
FORM = {"name": "Zed Doe", "organization": "Zed Corp", "title": "Zed",
        "kind": "met", "direction": "mutual", "occurred_on": "2026-06-01",
        "visibility": "hidden", "ask_rule": "nobody", "email": "newcomer@example.org",
        "rating": "positive"}


@dataclass
class World:
    app: FastAPI
    ids: dict[str, str]  # path parameter → an object that belongs to Ana
    clients: dict[str, tuple[TestClient | None, str]]  # actor → (browser, CSRF token)
    members: dict[str, MemberId]  # actor → their member id


@pytest.fixture
def world(kb: Kithbook) -> Iterator[World]:
    app = community_app(kb)
    rae = add_member(kb, "Rae", Role.ADMIN)
    ana, ben, dan = (add_member(kb, name) for name in ("Ana", "Ben", "Dan"))
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park", organization="Acme")).id
    ben_in_ana = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    with kb.uow() as uow:
        uow.contacts.link_member(ana.id, ben_in_ana, ben.id)
        uow.photos.put(cleo, ContactPhoto("image/png", b"\x89PNG\r\n\x1a\n"))
        uow.commit()
    met = kb.book.log_interaction(ana.id, [cleo], Kind.MET, Direction.MUTUAL, kb.clock.today())
    gone = kb.book.log_interaction(ana.id, [cleo], Kind.NOTE, Direction.MUTUAL, kb.clock.today())
    removed = kb.book.delete_interaction(ana.id, gone.id)  # Ana can still undo it
    intro = kb.intros.record_received_request(ana.id, "Zoe Outside", cleo,
                                              "advice on hiring a team")
    token, _ = kb.accounts.create_api_token(ana.id, "ana's script")
    ana_in_ben = kb.book.add_contact(ben.id, ContactFields(name="Ana Ruiz")).id
    kb.community.propose_link(ben.id, ana_in_ben, "ana@example.org")
    [link] = kb.community.member_links(ana.id)  # waiting for Ana to confirm
    with kb.uow() as uow:  # Ana signed in on another browser too
        other_browser = sessions.start_in(uow, ana.id, kb.clock.now(), None)
        uow.commit()
    [ana_session] = [s.id for s in kb.accounts.my_sessions(ana.id, other_browser) if s.current]
    source = kb.capture().add_source(ana.id, SourceKind.MAIL_FILE, "ana.mbox")
    address_book = kb.capture().add_source(ana.id, SourceKind.CARDDAV, "ana's phone")
    with kb.uow() as uow:  # a field changed on both sides, waiting for Ana
        uow.sync.put_conflict(address_book.id, cleo, "role", "CTO", "CEO", kb.clock.now())
        uow.commit()
    [conflict] = kb.sync().conflicts(ana.id)
    clients = {"admin": signed_in(kb, app, rae), "owner": signed_in(kb, app, ana),
               "unrelated": signed_in(kb, app, dan)}
    anonymous = browser(app)
    yield World(app, {"contact_id": cleo, "interaction_id": met.id, "intro_id": intro.id,
                      "token_id": token.id, "token": "no-such-invitation", "link_id": link.id,
                      "session_id": ana_session, "source_id": source.id,
                      "conflict_id": conflict.id,
                      "entry_id": removed.undo_id,
                      "member_id": dan.id, "move": "forward", "kind": "ask",
                      "format": "json", "name": "balance", "what": "birthday"},
                {**clients, "anonymous": (anonymous, "")},
                {"admin": rae.id, "owner": ana.id, "unrelated": dan.id})
    for client, _ in clients.values():
        assert client is not None
        client.close()
    anonymous.close()


def _call(client: TestClient, csrf: str, method: str, template: str,
          ids: dict[str, str]) -> Response:
    path = template.format(**ids)
    if path.startswith("/api/"):
        body = JSON_BODIES.get((method, template))
        if template == "/api/v1/interactions" and method == "POST":
            body = {"contact_ids": [ids["contact_id"]], "kind": "met",
                    "occurred_on": "2026-06-01"}
        headers = {"X-CSRF-Token": csrf} if csrf else {}
        return client.request(method, path, json=body, headers=headers)
    if method == "GET":
        return client.get(path)
    return client.post(path, data={**FORM, "csrf_token": csrf})


def _object_param(template: str, method: str) -> str | None:
    if template == "/api/v1/interactions" and method == "POST":
        return "contact_id"  # the contact is named in the body
    return next((p for p in OBJECT_PARAMS if "{" + p + "}" in template), None)


def _as_missing(response: Response, real: str, fake: str) -> tuple[int, str]:
    return response.status_code, response.text.replace(real, "<id>").replace(fake, "<id>")


def _refused_sign_in(response: Response, template: str) -> bool:
    if template.startswith("/api/"):
        return response.status_code == 401
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def _let_through(response: Response, *, own_book: bool = False) -> bool:
    """Not refused. On a route about the actor's own book, a 404 is about their book."""
    refused = (401, 403) if own_book else (401, 403, 404)
    return response.status_code not in refused and not (
        response.status_code == 303 and response.headers["location"].startswith("/login"))


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_lets_in_exactly_who_it_should(world: World, method: str, template: str) -> None:
    if template.startswith("/static"):
        pytest.skip("static files are public")
    ids = world.ids
    anonymous, _ = world.clients["anonymous"]
    assert anonymous is not None
    if template in PUBLIC:
        assert _call(anonymous, "", method, template, ids).status_code not in (401, 403)
        return
    assert _refused_sign_in(_call(anonymous, "", method, template, ids), template)

    if template.startswith(ADMIN_ONLY) or (method, template) in INVITERS:
        refusals = set()
        for actor in ("owner", "unrelated"):
            client, csrf = world.clients[actor]
            assert client is not None
            response = _call(client, csrf, method, template, ids)
            assert response.status_code == 403
            refusals.add(response.text.replace(csrf, "<csrf>"))
        assert len(refusals) == 1
        client, csrf = world.clients["admin"]
        assert client is not None
        assert _call(client, csrf, method, template, ids).status_code < 400
        return

    param = _object_param(template, method)
    if param is not None:
        for actor in ("unrelated", "admin"):
            client, csrf = world.clients[actor]
            assert client is not None
            fake = new_id()
            real = _call(client, csrf, method, template, ids)
            missing = _call(client, csrf, method, template, {**ids, param: fake})
            assert real.status_code == 404, (actor, real.text)
            assert _as_missing(real, ids[param], fake) == _as_missing(missing, ids[param], fake)
        # Nothing the strangers tried touched Ana's object.
        owner, csrf = world.clients["owner"]
        assert owner is not None
        assert owner.get(f"/api/v1/contacts/{ids['contact_id']}").status_code == 200
        response = _call(owner, csrf, method, template, ids)
        if template.endswith(("/accept", "/make")):
            # Ana sees the request, but it is not time for that move: the domain says why.
            assert response.status_code == 403 and "this request: it is" in response.text
        elif template.endswith("/introduction-email"):
            # Likewise: the introduction is sent once the target said yes.
            assert response.status_code == 403 and "has not agreed yet" in response.text
        else:
            assert _let_through(response), (response.status_code, response.text)
        return

    for actor in ("admin", "owner", "unrelated"):
        client, csrf = world.clients[actor]
        assert client is not None
        response = _call(client, csrf, method, template, ids)
        if template in ("/logout", "/account/sign-out-everywhere"):
            assert response.status_code == 303
            assert _refused_sign_in(client.get("/account"), "/account")
            continue
        assert _let_through(response, own_book=True), (actor, response.status_code,
                                                        response.text)


PROFILE_ROUTES = [(m, p) for m, p in ROUTES if p in ("/api/v1/me/profile", "/settings/profile")]


@pytest.mark.parametrize(("method", "template"), PROFILE_ROUTES,
                         ids=[f"{m} {p}" for m, p in PROFILE_ROUTES])
def test_a_profile_changes_only_for_the_member_who_sends_it(world: World, kb: Kithbook,
                                                            method: str, template: str) -> None:
    """No route names another member's profile: what an admin or a stranger sends changes
    their own, never Ana's."""
    kb.accounts.set_profile(world.members["owner"], organization="Acme", title="CTO")
    for actor in ("admin", "unrelated"):
        client, csrf = world.clients[actor]
        assert client is not None
        response = _call(client, csrf, method, template, world.ids)
        assert _let_through(response, own_book=True), (actor, response.text)
        if method != "GET":
            assert kb.accounts.profile(world.members[actor]).title == "Zed"
    ana = kb.accounts.profile(world.members["owner"])
    assert (ana.organization, ana.title) == ("Acme", "CTO")


def test_the_matrix_covers_every_route_of_the_app() -> None:
    templates = {path for _, path in ROUTES}
    assert {"/api/v1/contacts/{contact_id}", "/introductions/{intro_id}/{move}",
            "/admin/members", "/api/v1/tokens/{token_id}", "/logout"} <= templates
    # Every path parameter is one the world fills: a new kind of object id must be added
    # to OBJECT_PARAMS (and given an object of Ana's) before its routes can pass.
    params = {p for path in templates if not path.startswith("/static")
              for p in re.findall(r"{(\w+)", path)}
    assert params <= set(OBJECT_PARAMS) | NAMING_PARAMS


@pytest.mark.parametrize("actor", ["admin", "unrelated"])
def test_no_requester_chooses_the_member_who_plays_the_target(world: World, kb: Kithbook,
                                                              actor: str) -> None:
    """Ana lets anyone ask about Cleo, whom she linked to no member. Whoever asks and names
    another member as the target is refused by the API; the form behind a path files the
    request as Ana's book has it, and the member named never sees it."""
    owner = world.members["owner"]
    kb.book.set_contact_policy(owner, world.ids["contact_id"], PolicyChange(
        visibility=Visibility.ANONYMOUS, ask_rule=AskRule.ANYONE))
    named = world.members["unrelated" if actor == "admin" else "admin"]
    client, csrf = world.clients[actor]
    other, _ = world.clients["unrelated" if actor == "admin" else "admin"]
    assert client is not None and other is not None
    asked = {"introducer": owner, "target": world.ids["contact_id"], "target_member": named,
             "purpose": "advice on hiring a first data engineer"}
    by_api = client.post("/api/v1/introductions", headers={"X-CSRF-Token": csrf},
                         json={"kind": "member", **asked})
    assert by_api.status_code == 422 and "target_member" in by_api.text
    by_form = client.post("/paths/ask", data={**asked, "csrf_token": csrf})
    assert by_form.status_code == 303, by_form.text
    intro = by_form.headers["location"].split("?")[0].rsplit("/", 1)[-1]
    kb.intros.forward(owner, intro)
    assert other.get(f"/api/v1/introductions/{intro}").status_code == 404
    assert intro not in other.get("/api/v1/introductions").text
    assert intro not in other.get("/api/v1/notifications").text


@pytest.mark.parametrize("actor", ["admin", "unrelated"])
def test_path_search_tells_no_one_more_than_the_owner_discloses(world: World, kb: Kithbook,
                                                                actor: str) -> None:
    """Ana shows Yara only as "a contact at Acme" and lets anyone ask; the actor and Ana
    know each other. Through the API and the page, the actor finds Yara by her
    organization and by nothing else Ana keeps (role, city, tag); the explanation tells
    Ana's ties in words only; the handle for Yara is not her id, changes with each search,
    and is no use to anyone else."""
    owner, me = world.members["owner"], world.members[actor]
    other = world.members["unrelated" if actor == "admin" else "admin"]
    yara = kb.book.add_contact(owner, ContactFields(
        name="Yara Anonymo", organization="Acme", role="Boardrole", location="Hiddencity",
        tags=["hiddentag"]), TieFields(stated_trust=4)).id
    kb.book.set_contact_policy(owner, yara, PolicyChange(visibility=Visibility.ANONYMOUS,
                                                         ask_rule=AskRule.ANYONE))
    for who, whom in ((owner, me), (me, owner), (owner, other), (other, owner)):
        contact = kb.book.add_contact(who, ContactFields(name=f"Member {whom}"),
                                      TieFields(stated_trust=3)).id
        kb.book.set_contact_policy(who, contact, PolicyChange(visibility=Visibility.NAMED,
                                                              ask_rule=AskRule.ANYONE))
        with kb.uow() as uow:
            uow.contacts.link_member(who, contact, whom)
            uow.commit()
    client, csrf = world.clients[actor]
    stranger, stranger_csrf = world.clients["unrelated" if actor == "admin" else "admin"]
    assert client is not None and stranger is not None
    handles = []
    for _ in range(2):
        found = client.get("/api/v1/paths", params={"organization": "Acme"})
        assert found.status_code == 200, found.text
        [path] = found.json()["paths"]
        assert path["steps"][-1]["label"] == "a contact at Acme" and yara not in found.text
        assert lines_telling_others_ties(path["explanation"]) == [], path["explanation"]
        handles.append(path["introduction"]["target"])
    assert handles[0] != handles[1]
    for probe in ({"role": "Boardrole"}, {"location": "Hiddencity"}, {"tag": "hiddentag"},
                  {"organization": "Acme", "role": "Boardrole"}):
        by_api = client.get("/api/v1/paths", params=probe)
        assert by_api.status_code == 200 and by_api.json()["paths"] == [], probe
        page = client.get("/paths", params=probe)
        assert page.status_code == 200 and "a contact at Acme" not in page.text, probe
    asked = {"kind": "member", "introducer": owner, "target": handles[0],
             "purpose": "advice on hiring a first data engineer"}
    borrowed = stranger.post("/api/v1/introductions", json=asked,
                             headers={"X-CSRF-Token": stranger_csrf})
    forged = stranger.post("/api/v1/introductions", json={**asked, "target": "b" * 48},
                           headers={"X-CSRF-Token": stranger_csrf})
    assert borrowed.status_code == forged.status_code == 403
    assert borrowed.json() == forged.json()
    mine = client.post("/api/v1/introductions", json=asked, headers={"X-CSRF-Token": csrf})
    assert mine.status_code == 201, mine.text
