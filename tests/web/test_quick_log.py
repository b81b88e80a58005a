"""/log, the one-screen log a phone's home screen opens, and the share target that lands
text shared from another app in its note."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient


def test_the_manifest_makes_a_home_screen_app_that_opens_the_log(client: TestClient) -> None:
    page = client.get("/").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    manifest = json.loads(client.get("/static/manifest.webmanifest").text)
    assert manifest["start_url"] == "/log" and manifest["display"] == "standalone"
    assert manifest["share_target"] == {"action": "/log", "method": "GET", "params": {
        "title": "title", "text": "text", "url": "url"}}
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
