"""The introductions and sharing-policy API: every flavour of request, every move with its
version check, and what a party, or someone who is not one, can read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from intro_town import PURPOSE, SECRET, Town, act_as, ask, build_town

from kithbook.domain.policies import REFUSED_TO_ASKER
from kithbook.services.facade import Kithbook

URL = "/api/v1/introductions"


@pytest.fixture
def town(kb: Kithbook, client: TestClient) -> Town:
    return build_town(kb)


def _received(client: TestClient, ada: dict[str, object]) -> dict[str, object]:
    response = client.post(URL, json={
        "kind": "received", "requester_name": "Dina Kovacs",
        "requester_email": "dina@example.org", "target": ada["id"],
        "purpose": "Advice on hiring a first data team for our lab"})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


# ---- the local book: requests that came by email, and ones I asked for ---------------

def test_a_request_received_by_email_goes_from_brief_to_outcome(
        client: TestClient, ada: dict[str, object]) -> None:
    created = client.post(URL, json={
        "kind": "received", "requester_name": "Dina Kovacs",
        "requester_email": "dina@example.org", "target": "Ada",
        "purpose": "Advice on hiring a first data team for our lab", "note": "met at PyCon"})
    assert created.status_code == 201
    intro = created.json()
    url = f"{URL}/{intro['id']}"
    assert created.headers["Location"] == url and created.headers["ETag"] == '"v1"'
    assert intro["you_are"] == "introducer" and intro["target"] == "Ada Lovelace"
    assert intro["open_moves"] == ["forward", "decline", "withdraw"]
    assert intro["history"][0]["on_behalf_of"] == "Dina Kovacs"

    brief = client.get(f"{url}/brief").json()
    assert brief["recommendation"] == "consider declining"
    assert [f["code"] for f in brief["flags"]] == ["near_stranger"]
    assert brief["reputation"]["requests"] == 0
    ask_mail = client.get(f"{url}/drafts/ask").json()
    assert ask_mail["to"] == ["ada@example.org"] and "Dina Kovacs" in ask_mail["subject"]

    forwarded = client.post(f"{url}/forward", json={"note": "asked Ada"},
                            headers={"If-Match": '"v1"'})
    assert forwarded.status_code == 200 and forwarded.headers["ETag"] == '"v2"'
    assert forwarded.json()["open_moves"] == ["accept", "decline", "withdraw"]
    made = client.post(f"{url}/make", json={}, headers={"If-Match": '"v2"'})
    assert made.json()["state"] == "made"
    assert made.json()["outcome_parties"] == ["requester", "target"]
    mail = client.get(f"{url}/drafts/introduction", params={"note": "You both love SQL."})
    assert mail.status_code == 200 and "You both love SQL." in mail.json()["body"]

    rated = client.post(f"{url}/outcome", json={"rating": "positive", "party": "target",
                                                "comment": "they hired together"},
                        headers={"If-Match": '"v3"'})
    assert rated.status_code == 200
    body = rated.json()
    assert body["outcomes"] == [{"party": "target", "rating": "positive",
                                 "at": body["outcomes"][0]["at"],
                                 "comment": "they hired together"}]
    assert body["outcome_parties"] == ["requester"]
    assert client.get(url).headers["ETag"] == '"v4"'


def test_outcome_without_a_party_when_keeping_both_sides_says_whose(
        client: TestClient, ada: dict[str, object]) -> None:
    url = f"{URL}/{_received(client, ada)['id']}"
    client.post(f"{url}/forward", json={})
    client.post(f"{url}/make", json={})
    answer = client.post(f"{url}/outcome", json={"rating": "neutral"})
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "party"


def test_an_introduction_i_asked_a_contact_for(client: TestClient,
                                               ada: dict[str, object]) -> None:
    created = client.post(URL, json={"kind": "asked", "introducer": ada["id"],
                                     "target_name": "Grace Hopper",
                                     "target_email": "grace@example.org",
                                     "purpose": "Her view on compiler teaching"})
    assert created.status_code == 201
    intro = created.json()
    assert intro["you_are"] == "requester" and intro["introducer"] == "Ada Lovelace"
    assert set(intro["open_moves"]) == {"forward", "decline", "withdraw"}
    url = f"{URL}/{intro['id']}"
    assert client.get(f"{url}/brief").status_code == 403  # the introducer's, not mine
    forwarded = client.post(f"{url}/forward", json={}).json()
    assert forwarded["history"][-1]["on_behalf_of"] == "Ada Lovelace"
    withdrawn = client.post(f"{url}/withdraw", json={"note": "found another way"})
    assert withdrawn.json()["state"] == "withdrawn" and withdrawn.json()["open_moves"] == []
    again = client.post(f"{url}/withdraw", json={})
    assert again.status_code == 403 and "withdrawn" in again.json()["error"]["message"]


def test_list_filters_by_box_and_pages(client: TestClient, ada: dict[str, object]) -> None:
    received = [_received(client, ada)["id"] for _ in range(3)]
    asked = client.post(URL, json={"kind": "asked", "introducer": "Ada",
                                   "target_name": "Grace", "purpose": "Compilers"}).json()
    everything = client.get(URL).json()
    assert everything["total"] == 4
    inbox = client.get(URL, params={"box": "inbox", "limit": 2, "offset": 1}).json()
    assert inbox["total"] == 3 and inbox["limit"] == 2 and inbox["offset"] == 1
    assert len(inbox["items"]) == 2
    assert {i["id"] for i in inbox["items"]} < set(received)
    outbox = client.get(URL, params={"box": "outbox"}).json()
    assert [i["id"] for i in outbox["items"]] == [asked["id"]]
    assert client.get(URL, params={"box": "sideways"}).status_code == 422


def test_fair_use_counts_a_members_open_requests(client: TestClient, town: Town) -> None:
    ask(client, town)
    act_as(client, town.ben)
    assert client.get(f"{URL}/fair-use").json() == {"open_requests": 1,
                                                    "max_open_requests": 50}


# ---- versions ------------------------------------------------------------------------

def test_a_stale_version_gets_412_and_changes_nothing(client: TestClient,
                                                      ada: dict[str, object]) -> None:
    url = f"{URL}/{_received(client, ada)['id']}"
    assert client.post(f"{url}/forward", json={}, headers={"If-Match": '"v1"'}).status_code \
        == 200
    stale = client.post(f"{url}/decline", json={"private_reason": "too busy"},
                        headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert "reload it and decide again" in stale.json()["error"]["message"]
    after = client.get(url)
    assert after.json()["state"] == "forwarded" and after.headers["ETag"] == '"v2"'


def test_an_if_match_this_api_did_not_give_is_refused(client: TestClient,
                                                      ada: dict[str, object]) -> None:
    url = f"{URL}/{_received(client, ada)['id']}"
    answer = client.post(f"{url}/forward", json={}, headers={"If-Match": "yesterday"})
    assert answer.status_code == 412 and answer.json()["error"]["field"] == "If-Match"
    assert client.get(url).json()["state"] == "requested"


# ---- between members, and as an attacker ----------------------------------------------

def test_double_opt_in_between_members(client: TestClient, town: Town) -> None:
    asked = ask(client, town)
    assert asked["target"] == "a contact at Acme" and asked["you_are"] == "requester"
    url = f"{URL}/{asked['id']}"
    act_as(client, town.cleo)
    assert client.get(url).status_code == 404  # not forwarded to Cleo yet
    act_as(client, town.ana)
    assert client.get(f"{url}/brief").json()["stated_trust"] == 4
    client.post(f"{url}/forward", json={"note": "worth your time"})
    act_as(client, town.cleo)
    cleo_view = client.get(url).json()
    assert cleo_view["open_moves"] == ["accept", "decline"]
    assert [m["kind"] for m in cleo_view["history"]] == ["forward"]
    assert client.post(f"{url}/make", json={}).json()["state"] == "made"
    act_as(client, town.ben)
    assert client.get(url).json()["target"] == "Cleo Park"


def test_who_is_no_party_gets_the_answer_a_missing_id_gets(client: TestClient,
                                                           town: Town) -> None:
    intro_id = str(ask(client, town)["id"])
    missing = "zzzzzzzzzzzz"
    act_as(client, town.dan)
    for method, path, body in (
            ("GET", "", None), ("GET", "/brief", None), ("GET", "/drafts/ask", None),
            ("POST", "/forward", {}), ("POST", "/decline", {}), ("POST", "/accept", {}),
            ("GET", "/drafts/introduction", None), ("POST", "/make", {}),
            ("POST", "/withdraw", {}), ("POST", "/outcome", {"rating": "positive"})):
        theirs = client.request(method, f"{URL}/{intro_id}{path}", json=body)
        nothing = client.request(method, f"{URL}/{missing}{path}", json=body)
        assert theirs.status_code == nothing.status_code == 404, path
        assert theirs.json() == {"error": {
            **nothing.json()["error"],
            "message": nothing.json()["error"]["message"].replace(missing, intro_id)}}
    assert client.get(URL).json()["total"] == 0


def test_the_requester_never_reads_a_private_decline_reason(client: TestClient,
                                                            town: Town) -> None:
    intro_id = ask(client, town)["id"]
    act_as(client, town.ana)
    declined = client.post(f"{URL}/{intro_id}/decline",
                           json={"note": "Not this time", "private_reason": SECRET})
    assert declined.json()["history"][-1]["private_reason"] == SECRET
    act_as(client, town.ben)
    for response in (client.get(f"{URL}/{intro_id}"), client.get(URL),
                     client.get(URL, params={"box": "outbox"})):
        assert response.status_code == 200
        assert SECRET not in response.text and "oversold" not in response.text
    assert client.get(f"{URL}/{intro_id}").json()["history"][-1]["note"] == "Not this time"


def test_a_targets_reason_and_outcome_comments_stay_with_their_readers(
        client: TestClient, town: Town) -> None:
    url = f"{URL}/{ask(client, town)['id']}"
    act_as(client, town.ana)
    client.post(f"{url}/forward", json={})
    act_as(client, town.cleo)
    client.post(f"{url}/decline", json={"note": "Not now", "private_reason": SECRET})
    act_as(client, town.ana)
    assert client.get(url).json()["history"][-1]["private_reason"] == SECRET
    act_as(client, town.ben)
    seen = client.get(url)
    assert seen.json()["state"] == "target_declined" and SECRET not in seen.text
    assert seen.json()["target"] == "a contact at Acme"  # she never said yes

    made = f"{URL}/{ask(client, town)['id']}"
    act_as(client, town.ana)
    client.post(f"{made}/forward", json={})
    act_as(client, town.cleo)
    client.post(f"{made}/accept", json={})
    client.post(f"{made}/outcome", json={"rating": "neutral", "comment": "bit early for him"})
    for member in (town.ana, town.ben):
        act_as(client, member)
        assert "bit early" not in client.get(made).text
    act_as(client, town.ana)
    assert [o["rating"] for o in client.get(made).json()["outcomes"]] == ["neutral"]


def test_only_the_right_party_moves_and_is_told_who_can(client: TestClient,
                                                        town: Town) -> None:
    intro_id = ask(client, town)["id"]
    answer = client.post(f"{URL}/{intro_id}/forward", json={})  # Ben, the requester
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == (
        "only the introducer, Ana, can forward this request.")
    assert client.get(f"{URL}/{intro_id}/brief").status_code == 403
    assert client.get(f"{URL}/{intro_id}/drafts/ask").status_code == 403


def test_asking_for_a_hidden_contact_reads_like_any_refusal(client: TestClient,
                                                            town: Town) -> None:
    act_as(client, town.ben)
    answers = [client.post(URL, json={"kind": "member", "introducer": town.ana.id,
                                      "target": target, "purpose": PURPOSE})
               for target in (town.hal, "zzzzzzzzzzzz")]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["error"]["message"] == REFUSED_TO_ASKER


def test_bad_requests_have_one_error_shape(client: TestClient, ada: dict[str, object]) -> None:
    cases = [
        (client.post(URL, json={"kind": "telepathy", "purpose": "x"}), 422, "invalid_input"),
        (client.post(URL, json={"kind": "received", "requester_name": "Dina",
                                "target": "Ada", "purpose": ""}), 422, "invalid_input"),
        (client.post(URL, json={"kind": "received", "requester_name": "Dina",
                                "target": "Nobody At All", "purpose": "Advice"}), 404,
         "not_found"),
        (client.post(f"{URL}/zzzzzzzzzzzz/outcome", json={"rating": "splendid"}), 422,
         "invalid_input"),
        (client.get(f"{URL}/zzzzzzzzzzzz/drafts/poem"), 422, "invalid_input"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert set(response.json()["error"]) == {"code", "message", "field"}
        assert response.json()["error"]["code"] == code


# ---- sharing policies ----------------------------------------------------------------

def test_defaults_read_and_replace(client: TestClient) -> None:
    assert client.get("/api/v1/policies/default").json() == {
        "visibility": "hidden", "ask_rule": "nobody", "ask_min_trust": None,
        "no_introductions": False, "welcomes": None}
    saved = client.put("/api/v1/policies/default", json={
        "visibility": "anonymous", "ask_rule": "trusted", "ask_min_trust": 4})
    assert saved.status_code == 200 and saved.json()["ask_min_trust"] == 4
    assert client.get("/api/v1/policies/default").json()["visibility"] == "anonymous"
    wrong = client.put("/api/v1/policies/default", json={
        "visibility": "named", "ask_rule": "anyone", "ask_min_trust": 3})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "ask_min_trust"
    per_contact = client.put("/api/v1/policies/default", json={
        "visibility": "named", "ask_rule": "anyone", "no_introductions": True})
    assert per_contact.status_code == 422


def test_a_contacts_own_rule_and_back_to_the_defaults(client: TestClient,
                                                      ada: dict[str, object]) -> None:
    url = f"/api/v1/contacts/{ada['id']}/policy"
    assert client.get(url).json()["source"] == "defaults"
    own = client.put(url, json={"visibility": "named", "ask_rule": "anyone",
                                "welcomes": "early-stage founders"})
    assert own.status_code == 200
    assert own.json()["source"] == "own"
    assert own.json()["policy"]["welcomes"] == "early-stage founders"
    assert own.json()["defaults"]["visibility"] == "hidden"
    both = client.put(url, json={"follow_defaults": True, "visibility": "named"})
    assert both.status_code == 422 and "not both" in both.json()["error"]["message"]
    back = client.put(url, json={"follow_defaults": True})
    assert back.json()["source"] == "defaults" and back.json()["policy"]["welcomes"] is None
    half = client.put(url, json={"visibility": "named"})
    assert half.status_code == 422
    assert client.get("/api/v1/contacts/zzzzzzzzzzzz/policy").status_code == 404
    assert client.get(f"/api/v1/contacts/{str(ada['name'])[:4]}/policy").status_code == 404


def test_openapi_documents_the_introductions_and_policies(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/introductions", "/api/v1/introductions/{intro_id}/forward",
                 "/api/v1/introductions/{intro_id}/outcome",
                 "/api/v1/introductions/{intro_id}/brief", "/api/v1/policies/default",
                 "/api/v1/contacts/{contact_id}/policy"):
        assert path in paths
    assert "If-Match" in str(paths["/api/v1/introductions/{intro_id}/decline"])
