"""The introduction and sharing pages, without JavaScript: forms post, redirect, and show
the result; a mistake re-renders what was typed; nobody reads what is not theirs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from intro_town import SECRET, Town, act_as, ask, build_town

from kithbook.services.facade import Kithbook


@pytest.fixture
def town(kb: Kithbook, client: TestClient) -> Town:
    return build_town(kb)


def _record(client: TestClient, **fields: str) -> str:
    """Records a request through the form; returns the introduction's page."""
    data = {"kind": "received", "requester_name": "Dina Kovacs",
            "requester_email": "dina@example.org", "target": "Ada",
            "purpose": "Advice on hiring a first data team for our lab", **fields}
    answer = client.post("/introductions/new", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("?done=recorded")
    return answer.headers["location"].split("?")[0]


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def test_every_box_has_a_helpful_empty_state(client: TestClient) -> None:
    assert "Nothing waits on you" in client.get("/introductions").text
    assert "You have not asked for any introductions" in client.get(
        "/introductions?box=outbox").text
    everything = client.get("/introductions?box=all")
    assert "No introductions yet" in everything.text
    assert 'href="/introductions?box=all" aria-current="page"' in everything.text
    assert 'href="/introductions" aria-current="page">Introductions' in everything.text


def test_a_recorded_request_shows_brief_moves_and_the_draft(
        client: TestClient, ada: dict[str, object]) -> None:
    url = _record(client, note="met at PyCon")
    page = client.get(url)
    assert page.status_code == 200
    assert "Recorded." not in page.text  # the notice belongs to the redirect
    shown = client.get(f"{url}?done=recorded").text
    assert "Recorded." in shown and "Dina Kovacs → Ada Lovelace" in shown
    assert "Advice: <strong>consider declining</strong>" in shown
    assert "You have no tie with the requester" in shown and "flag-high" in shown
    assert "near stranger" not in shown and "near_stranger" not in shown  # words, once
    assert 'aria-label="Forward"' in shown and 'aria-label="Decline"' in shown
    assert re.search(r'<textarea id="draft-body-1" readonly[^>]*>Hi Ada,', shown)
    assert "recorded by Me for Dina Kovacs" in shown and "met at PyCon" in shown
    listing = client.get("/introductions").text
    assert url in listing and "your move" in listing


def test_forward_make_and_outcome_through_the_forms(client: TestClient,
                                                    ada: dict[str, object]) -> None:
    url = _record(client)
    moved = client.post(f"{url}/forward", data={"version": "1", "note": "asked Ada"},
                        follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith("?done=forward")
    page = client.get(url).text
    assert "mark it made" in page and _version(page) == "2"
    made = client.post(f"{url}/make", data={"version": "2"})
    assert "Made. Time to introduce them: the email is below." in made.text
    assert "Introduce them to each other" in made.text
    assert '<select id="outcome-party" name="party">' in made.text
    rated = client.post(f"{url}/outcome", data={"version": "3", "party": "target",
                                                "rating": "positive",
                                                "comment": "they hired together"})
    assert "Outcome recorded." in rated.text and "they hired together" in rated.text
    assert 'name="party" value="requester"' in rated.text  # one side left to rate


def test_a_stale_form_is_refused_and_the_page_shows_what_changed(
        client: TestClient, ada: dict[str, object]) -> None:
    url = _record(client)
    client.post(f"{url}/forward", data={"version": "1"})
    stale = client.post(f"{url}/decline", data={"version": "1", "note": "sorry",
                                                "private_reason": "swamped"})
    assert stale.status_code == 409
    assert 'role="alert"' in stale.text and "reload it and decide again" in stale.text
    assert "forwarded" in stale.text and _version(stale.text) == "2"
    assert 'value="sorry"' in stale.text and 'value="swamped"' in stale.text
    assert "declined" not in client.get("/api/v1/introductions").text


def test_a_wrong_state_move_is_explained(client: TestClient, ada: dict[str, object]) -> None:
    url = _record(client)
    answer = client.post(f"{url}/outcome", data={"rating": "good", "party": "target"})
    assert answer.status_code == 403
    assert "cannot record an outcome yet" in answer.text


def test_a_bad_new_request_keeps_what_was_typed(client: TestClient,
                                                ada: dict[str, object]) -> None:
    answer = client.post("/introductions/new", data={
        "kind": "received", "requester_name": "Dina Kovacs", "target": "Adaa Nobody",
        "purpose": "Advice on hiring"})
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text and "no contact matches" in answer.text
    assert 'value="Dina Kovacs"' in answer.text and "Advice on hiring" in answer.text
    assert client.get("/api/v1/introductions").json()["total"] == 0
    empty = client.post("/introductions/new", data={
        "kind": "asked", "introducer": "Ada", "target_name": "Grace", "purpose": " "})
    assert empty.status_code == 422 and "purpose cannot be empty" in empty.text


def test_recording_an_intro_i_asked_for(client: TestClient, ada: dict[str, object]) -> None:
    prefilled = client.get(f"/introductions/new?contact={ada['id']}").text
    assert f'id="ask-introducer" name="introducer" required maxlength="200" ' \
           f'aria-describedby="ask-introducer-hint" value="{ada["id"]}"' in prefilled
    answer = client.post("/introductions/new", data={
        "kind": "asked", "introducer": str(ada["id"]), "target_name": "Grace Hopper",
        "purpose": "Her view on compilers"})
    assert "You are the requester" in answer.text
    assert "Ada Lovelace agreed" in answer.text and "Withdraw my request" in answer.text
    assert "Risk brief" not in answer.text
    assert "Grace Hopper" in client.get("/introductions?box=outbox").text


def test_members_say_yes_and_rate_on_their_own_pages(client: TestClient,
                                                     town: Town) -> None:
    intro_id = ask(client, town)["id"]
    url = f"/introductions/{intro_id}"
    act_as(client, town.cleo)
    assert client.get(url).status_code == 404  # not forwarded to her yet
    act_as(client, town.ana)
    client.post(f"{url}/forward", data={"version": "1"})
    act_as(client, town.cleo)
    page = client.get(url).text
    assert f'action="/introductions/{intro_id}/accept"' in page
    assert ">Accept</button>" in page and "Risk brief" not in page
    assert "Forward" not in page and "Withdraw" not in page
    assert "Cleo Park" in client.get("/introductions").text
    accepted = client.post(f"{url}/accept", data={"version": "2", "note": "Happy to"})
    assert "The introducer writes to you both" in accepted.text
    assert "the email is below" not in accepted.text  # Cleo has no email to send
    act_as(client, town.ben)
    page = client.get(url).text
    assert "Ben → Cleo Park" in page
    assert 'name="party" value="requester"' in page and "outcome-party" not in page


def test_who_is_no_party_gets_the_page_a_missing_id_gets(client: TestClient,
                                                         town: Town) -> None:
    intro_id = str(ask(client, town)["id"])
    act_as(client, town.dan)
    for path in (f"/introductions/{intro_id}", "/introductions/zzzzzzzzzzzz"):
        assert client.get(path).status_code == 404
        moved = client.post(f"{path}/forward", data={})
        assert moved.status_code == 404 and "Not found" in moved.text
    theirs = client.get(f"/introductions/{intro_id}").text
    nothing = client.get("/introductions/zzzzzzzzzzzz").text
    assert theirs.replace(intro_id, "zzzzzzzzzzzz") == nothing
    assert intro_id not in client.get("/introductions?box=all").text


def test_the_requester_page_never_shows_a_private_reason(client: TestClient,
                                                         town: Town) -> None:
    intro_id = ask(client, town)["id"]
    act_as(client, town.ana)
    ana_page = client.post(f"/introductions/{intro_id}/decline",
                           data={"note": "Not this time", "private_reason": SECRET})
    assert SECRET in ana_page.text
    act_as(client, town.ben)
    for path in (f"/introductions/{intro_id}", "/introductions?box=all"):
        page = client.get(path).text
        assert SECRET not in page and "oversold" not in page
    page = client.get(f"/introductions/{intro_id}").text
    assert "Not this time" in page and "a contact at Acme" in page and "Cleo Park" not in page


def test_settings_save_the_defaults_and_explain_a_mistake(client: TestClient) -> None:
    page = client.get("/settings")
    assert page.status_code == 200 and 'aria-current="page">Settings' in page.text
    assert 'value="hidden" checked' in page.text
    saved = client.post("/settings", data={"visibility": "anonymous", "ask_rule": "trusted",
                                           "ask_min_trust": "4"})
    assert "Saved." in saved.text and 'value="anonymous" checked' in saved.text
    # A trust level left in the field does not stand in the way of another rule.
    anyone = client.post("/settings", data={"visibility": "named", "ask_rule": "anyone",
                                            "ask_min_trust": "4"})
    assert "Saved." in anyone.text
    assert client.get("/api/v1/policies/default").json()["ask_rule"] == "anyone"
    wrong = client.post("/settings", data={"visibility": "named", "ask_rule": "trusted",
                                           "ask_min_trust": "9"})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text
    assert 'value="9"' in wrong.text
    assert client.get("/api/v1/policies/default").json()["ask_rule"] == "anyone"


def test_a_contacts_sharing_page(client: TestClient, ada: dict[str, object]) -> None:
    url = f"/contacts/{ada['id']}/sharing"
    page = client.get(url).text
    assert "follows <a href=\"/settings\">your defaults</a>" in page
    assert f'href="/introductions/new?contact={ada["id"]}"' in page
    saved = client.post(url, data={"visibility": "named", "ask_rule": "anyone",
                                   "no_introductions": "on",
                                   "welcomes": "early-stage founders"},
                        follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert "Saved." in page and "has a rule of their own" in page
    assert 'name="no_introductions" checked' in page and "early-stage founders" in page
    back = client.post(url, data={"follow_defaults": "yes"})
    assert "follows your defaults again" in back.text
    assert client.get("/contacts/zzzzzzzzzzzz/sharing").status_code == 404
