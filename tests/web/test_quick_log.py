"""/log, the one-screen log a phone's home screen opens, and the share target that lands
text shared from another app in its note."""

from __future__ import annotations

import json
import re
from pathlib import Path

from community import community_app, signed_in
from fastapi.testclient import TestClient
from httpx2 import Response

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook


def test_the_manifest_makes_a_home_screen_app_that_opens_the_log(client: TestClient) -> None:
    page = client.get("/").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    manifest = json.loads(client.get("/static/manifest.webmanifest").text)
    assert manifest["start_url"] == "/log" and manifest["display"] == "standalone"
    share = manifest["share_target"]
    assert (share["action"], share["method"], share["enctype"]) == (
        "/log/share", "POST", "multipart/form-data")
    assert share["params"]["text"] == "text"
    assert share["params"]["files"][0]["name"] == "card"
    assert "text/vcard" in share["params"]["files"][0]["accept"]
    assert client.get(manifest["icons"][0]["src"]).status_code == 200


def test_shared_text_lands_in_the_note_and_is_logged_with_the_person_named(
        client: TestClient, ada: dict[str, object]) -> None:
    page = client.get("/log", params={"title": "Rust talk", "text": "Ada's slides",
                                      "url": "https://example.org/<slides>"})
    assert page.status_code == 200
    assert "Rust talk\nAda&#39;s slides\nhttps://example.org/&lt;slides&gt;</textarea>" \
        in page.text
    logged = client.post("/log", data={"who": "ada", "kind": "knowledge_shared",
                                       "direction": "gave", "occurred_on": "today",
                                       "note": "Rust talk slides"}, follow_redirects=False)
    assert logged.status_code == 303
    assert logged.headers["location"] == f"/contacts/{ada['id']}?done=logged"
    [shared] = client.get(f"/api/v1/contacts/{ada['id']}").json()["timeline"]
    assert (shared["kind"], shared["direction"], shared["note"]) == (
        "knowledge_shared", "gave", "Rust talk slides")


def test_a_name_that_matches_nobody_is_said_and_what_was_typed_stays(
        client: TestClient, ada: dict[str, object]) -> None:
    for who, said in (("Zed", "Zed"), ("", "say who it was with")):
        refused = client.post("/log", data={"who": who, "kind": "met", "note": "kept note"})
        assert refused.status_code == 422 and said in refused.text
        assert "kept note</textarea>" in refused.text
    assert client.get(f"/api/v1/contacts/{ada['id']}").json()["timeline"] == []


def _timeline(client: TestClient, ada: dict[str, object]) -> list[dict[str, object]]:
    timeline: list[dict[str, object]] = client.get(
        f"/api/v1/contacts/{ada['id']}").json()["timeline"]
    return timeline


def test_every_log_form_carries_a_fresh_key_and_a_form_sent_twice_logs_once(
        client: TestClient, ada: dict[str, object]) -> None:
    keys = {re.search(r'name="key" value="([^"]+)"', client.get("/log").text)[1]  # type: ignore[index]
            for _ in range(2)}
    assert len(keys) == 2
    form = {"who": "ada", "kind": "met", "note": "tea", "key": keys.pop()}
    first = client.post("/log", data=form, follow_redirects=False)
    again = client.post("/log", data=form, follow_redirects=False)
    assert first.headers["location"].endswith("?done=logged")
    assert again.headers["location"] == f"/contacts/{ada['id']}?done=already_logged"
    assert "stored once, not twice" in client.get(again.headers["location"]).text
    assert len(_timeline(client, ada)) == 1


def test_a_queued_log_is_answered_in_json_and_its_replay_stores_nothing(
        client: TestClient, ada: dict[str, object]) -> None:
    queued = {"who": "Ada", "kind": "help", "direction": "gave", "occurred_on": "today",
              "note": "read her draft", "key": "queued-log-key-0001", "as_of": "2026-06-14"}
    json_please = {"Accept": "application/json"}
    first = client.post("/log", data=queued, headers=json_please)
    replay = client.post("/log", data=queued, headers=json_please)
    assert first.status_code == replay.status_code == 200
    assert first.json() == {"logged": True, "repeated": False,
                            "next": f"/contacts/{ada['id']}?done=logged_earlier"}
    assert replay.json()["repeated"] is True
    [log] = _timeline(client, ada)
    # "today" written on the 14th, sent on the 15th (the test clock's today): the 14th.
    assert (log["occurred_on"], log["note"]) == ("2026-06-14", "read her draft")
    refused = client.post("/log", data={**queued, "who": "Zed", "key": "another-key-0002"},
                          headers=json_please)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "who" or "Zed" in \
        refused.json()["error"]["message"]
    bad_day = client.post("/log", data={**queued, "as_of": "soon", "key": "another-key-0003"},
                          headers=json_please)
    assert bad_day.status_code == 422 and "2026-03-01" in bad_day.json()["error"]["message"]
    assert len(_timeline(client, ada)) == 1


def test_a_day_written_after_today_here_counts_as_today(
        client: TestClient, ada: dict[str, object]) -> None:
    client.post("/log", data={"who": "Ada", "kind": "met", "key": "ahead-of-the-server",
                              "as_of": "2026-06-16"}, headers={"Accept": "application/json"})
    [log] = _timeline(client, ada)
    assert log["occurred_on"] == "2026-06-15"


def test_the_queue_reads_its_token_when_it_sends_and_needs_it(
        client: TestClient, ada: dict[str, object]) -> None:
    token = client.get("/log/csrf").json()
    assert token["csrf"] == client.headers["X-CSRF-Token"] and token["member"]
    without = client.post("/log", data={"who": "Ada", "kind": "met", "key": "no-token-00001"},
                          headers={"Accept": "application/json", "X-CSRF-Token": "stale"})
    assert without.status_code == 403
    assert _timeline(client, ada) == []


def test_the_service_worker_is_served_from_the_root_and_keeps_only_the_log_screen(
        client: TestClient) -> None:
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert '"/log"' in worker.text and "caches.open" in worker.text


IPHONE = Path(__file__).parents[1] / "data" / "import" / "iphone_v3.vcf"


def _first_card() -> bytes:
    """One contact as an iPhone shares it: the first card of a real iPhone export."""
    whole = IPHONE.read_bytes()
    return whole[:whole.index(b"END:VCARD") + len(b"END:VCARD\r\n")]


def _share(client: TestClient, card: bytes | None, **text: str) -> Response:
    files = {"card": ("José Núñez.vcf", card, "text/vcard")} if card is not None else None
    # As a share sheet posts it: no CSRF token (the share target writes nothing).
    return client.post("/log/share", data=text, files=files,
                       headers={"X-CSRF-Token": ""})


def test_a_shared_contact_card_nobody_matches_is_offered_as_new_then_matched(
        client: TestClient) -> None:
    page = _share(client, _first_card(), text="Coffee at the Madrid breakfast")
    assert page.status_code == 200, page.text
    assert "Nobody in your book matches the shared contact José Núñez" in page.text
    assert "Coffee at the Madrid breakfast</textarea>" in page.text
    form = dict(re.findall(r'name="(name|organization|role|emails|phones)"[^>]*value="([^"]*)"',
                           page.text))
    assert form["name"] == "José Núñez" and "jose@globex.example" in form["emails"]
    assert "+34" in form["phones"] and form["role"] == "Head of Research"
    assert client.get("/api/v1/contacts").json()["total"] == 0  # a share writes nothing
    added = client.post("/contacts", data=form, follow_redirects=False)
    assert added.status_code == 303
    again = _share(client, _first_card())
    assert "The shared contact José Núñez is" in again.text
    assert "same email jose@globex.example" in again.text
    assert 'name="who" value="José Núñez"' in again.text


def test_a_shared_card_matched_by_email_is_logged_with_that_contact(
        client: TestClient) -> None:
    known = client.post("/api/v1/contacts", json={
        "name": "Pepe Nunez", "emails": [{"value": "j.nunez@globex.example"}]}).json()
    client.post("/api/v1/contacts", json={"name": "Pepe Nunez", "organization": "Initech"})
    page = _share(client, _first_card())
    assert "same email j.nunez@globex.example" in page.text
    # Two contacts are called Pepe Nunez: the form names the matched one by its id.
    assert f'name="who" value="{known["id"]}"' in page.text
    logged = client.post("/log", data={"who": known["id"], "kind": "met", "note": "breakfast"},
                         follow_redirects=False)
    assert logged.headers["location"].startswith(f"/contacts/{known['id']}?done=")
    assert len(client.get(f"/api/v1/contacts/{known['id']}").json()["timeline"]) == 1


def test_a_shared_file_that_is_no_contact_card_is_said_and_the_text_kept(
        client: TestClient) -> None:
    page = _share(client, b"%PDF-1.4 not a card", text="the slides")
    assert page.status_code == 422
    assert "holds no contact card Kithbook can read" in page.text
    assert "the slides</textarea>" in page.text
    text_only = _share(client, None, title="Talk", url="https://example.org/talk")
    assert text_only.status_code == 200
    assert "Talk\nhttps://example.org/talk</textarea>" in text_only.text


def test_in_a_community_a_share_needs_no_token_and_a_queued_log_waits_for_sign_in(
        kb: Kithbook) -> None:
    app = community_app(kb)
    ana = add_member(kb, "Ana")
    kb.book.add_contact(ana.id, ContactFields(name="José Núñez"), TieFields())
    client, token = signed_in(kb, app, ana)
    shared = client.post("/log/share", files={"card": ("card.vcf", _first_card(),
                                                       "text/vcard")})
    assert shared.status_code == 200 and "The shared contact José Núñez is" in shared.text
    assert client.get("/log/csrf").json() == {"csrf": token, "member": ana.id}
    queued = {"who": "José", "kind": "met", "key": "community-queued-1"}
    json_please = {"Accept": "application/json"}
    assert client.post("/log", data=queued, headers=json_please).status_code == 403
    sent = client.post("/log", data=queued, headers={**json_please, "X-CSRF-Token": token})
    assert sent.status_code == 200 and sent.json()["repeated"] is False
    client.post("/logout", headers={"X-CSRF-Token": token})
    # Signed out, the queue asks for a token and is sent to sign in: nothing is sent.
    asked = client.get("/log/csrf")
    assert asked.status_code == 303 and asked.headers["location"].startswith("/login")
