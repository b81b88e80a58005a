"""The book's JSON API: status codes, bodies, errors, pagination and version checks."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_added_contact_is_returned_with_location_and_etag(client: TestClient) -> None:
    response = client.post("/api/v1/contacts", json={"name": "Grace Hopper",
                                                     "phones": [{"value": "(202) 555-0143"}]})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Grace Hopper" and body["phones"] == [
        {"value": "+12025550143", "label": None}]
    assert response.headers["Location"] == f"/api/v1/contacts/{body['id']}"
    assert response.headers["ETag"] == '"v1"'


def test_contact_detail_has_tie_and_timeline(client: TestClient, ada: dict[str, object]) -> None:
    logged = client.post("/api/v1/interactions", json={
        "contact_ids": [ada["id"]], "kind": "advice", "direction": "received",
        "occurred_on": "2026-06-01", "note": "pricing"})
    assert logged.status_code == 201
    detail = client.get(f"/api/v1/contacts/{ada['id']}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["tie"]["stated_trust"] == 4
    assert body["tie"]["last_interaction_on"] == "2026-06-01"
    assert body["tie"]["interaction_count"] == 1
    assert [i["kind"] for i in body["timeline"]] == ["advice"]
    assert detail.headers["ETag"] == '"v1"'


def test_listing_pages_and_filters(client: TestClient) -> None:
    for i in range(7):
        client.post("/api/v1/contacts", json={"name": f"Person {i}", "tags": ["team"]
                                              if i % 2 else []})
    page = client.get("/api/v1/contacts", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == 7 and page["limit"] == 3 and page["offset"] == 3
    assert [i["contact"]["name"] for i in page["items"]] == ["Person 3", "Person 4", "Person 5"]
    tagged = client.get("/api/v1/contacts", params={"tag": "team"}).json()
    assert tagged["total"] == 3
    assert client.get("/api/v1/contacts", params={"q": "person 6"}).json()["total"] == 1


def test_patch_with_the_current_etag_succeeds_and_a_stale_one_gets_412(
        client: TestClient, ada: dict[str, object]) -> None:
    url = f"/api/v1/contacts/{ada['id']}"
    first = client.patch(url, json={"role": "CEO"}, headers={"If-Match": '"v1"'})
    assert first.status_code == 200 and first.json()["role"] == "CEO"
    assert first.headers["ETag"] == '"v2"'
    stale = client.patch(url, json={"role": "Chair"}, headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert client.get(url).json()["contact"]["role"] == "CEO"


def test_patch_changes_only_given_fields_and_null_clears(client: TestClient,
                                                         ada: dict[str, object]) -> None:
    url = f"/api/v1/contacts/{ada['id']}"
    body = client.patch(url, json={"notes": None, "stated_trust": 5}).json()
    assert body["notes"] is None and body["organization"] == "Analytical Engines"
    assert client.get(url).json()["tie"]["stated_trust"] == 5


def test_errors_have_one_shape(client: TestClient, ada: dict[str, object]) -> None:
    cases = [
        (client.get("/api/v1/contacts/zzzzzzzzzzzz"), 404, "not_found", "contact_id"),
        (client.post("/api/v1/contacts", json={"name": "Eve", "emails": [{"value": "eve@"}]}),
         422, "invalid_input", "emails"),
        (client.post("/api/v1/contacts", json={"name": ""}), 422, "invalid_input", "name"),
        (client.post("/api/v1/contacts", json={"name": "Eve", "shoe_size": 9}), 422,
         "invalid_input", "shoe_size"),
        (client.post("/api/v1/interactions", json={"contact_ids": [ada["id"]], "kind": "bribe",
                                                   "occurred_on": "2026-06-01"}),
         422, "invalid_input", "kind"),
        (client.post("/api/v1/interactions", json={"contact_ids": [ada["id"]], "kind": "met",
                                                   "occurred_on": "2099-01-01"}),
         422, "invalid_input", "date"),
        (client.patch(f"/api/v1/contacts/{ada['id']}", json={"role": "x"},
                      headers={"If-Match": "garbage"}), 412, "precondition_failed", "If-Match"),
        (client.get("/api/v1/nothing-here"), 404, "not_found", None),
        (client.delete("/api/v1/interactions/zzzzzzzzzzzz"), 404, "not_found", "interaction"),
    ]
    for response, status, code, field in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert (error["code"], error["field"]) == (code, field), error
        assert error["message"]


def test_failed_writes_change_nothing(client: TestClient, ada: dict[str, object]) -> None:
    before = client.get("/api/v1/contacts").json()
    client.post("/api/v1/contacts", json={"name": "Eve", "phones": [{"value": "12"}]})
    client.patch(f"/api/v1/contacts/{ada['id']}", json={"emails": [{"value": "nope"}]})
    assert client.get("/api/v1/contacts").json() == before


def test_delete_contact_and_interaction(client: TestClient, ada: dict[str, object]) -> None:
    logged = client.post("/api/v1/interactions", json={
        "contact_ids": [ada["id"]], "kind": "met", "occurred_on": "2026-06-01"}).json()
    assert client.delete(f"/api/v1/interactions/{logged['id']}").status_code == 204
    assert client.get(f"/api/v1/contacts/{ada['id']}").json()["timeline"] == []
    assert client.delete(f"/api/v1/contacts/{ada['id']}").status_code == 204
    assert client.get(f"/api/v1/contacts/{ada['id']}").status_code == 404


def test_openapi_documents_every_route_and_the_error_shape(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/contacts", "/api/v1/contacts/{contact_id}", "/api/v1/interactions",
            "/api/v1/interactions/{interaction_id}"} <= set(schema["paths"])
    assert "ErrorOut" in schema["components"]["schemas"]


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/api/v1/contacts")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_takes_whole_ids_only_never_names_or_prefixes(
        client: TestClient, ada: dict[str, object]) -> None:
    for ref in ("ada", str(ada["id"])[:6]):
        assert client.patch(f"/api/v1/contacts/{ref}", json={"role": "x"}).status_code == 404
        assert client.delete(f"/api/v1/contacts/{ref}").status_code == 404
        logged = client.post("/api/v1/interactions", json={
            "contact_ids": [ref], "kind": "met", "occurred_on": "2026-06-01"})
        assert logged.status_code == 404
    assert client.get(f"/api/v1/contacts/{ada['id']}").json()["contact"]["role"] == "CTO"


def test_listing_sorts_by_strength_and_filters_by_stage(client: TestClient) -> None:
    ids = {name: client.post("/api/v1/contacts", json={"name": name}).json()["id"]
           for name in ("Ada", "Bea", "Cy")}
    for day in ("2026-06-01", "2026-06-10"):
        client.post("/api/v1/interactions", json={"contact_ids": [ids["Bea"]], "kind": "met",
                                                  "occurred_on": day})
    ranked = client.get("/api/v1/contacts", params={"sort": "strength"}).json()["items"]
    assert ranked[0]["contact"]["name"] == "Bea" and ranked[0]["stage"] == "contact"
    assert ranked[0]["strength"] > ranked[1]["strength"]
    assert ranked[0]["strength"] == client.get(
        f"/api/v1/contacts/{ids['Bea']}/strength").json()["strength"]
    new = client.get("/api/v1/contacts", params={"stage": "new"}).json()
    assert new["total"] == 2 and [i["contact"]["name"] for i in new["items"]] == ["Ada", "Cy"]
    wrong = client.get("/api/v1/contacts", params={"stage": "friend"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "stage"


def test_book_page_shows_strength_and_stage_and_filters_by_stage(client: TestClient) -> None:
    bea = client.post("/api/v1/contacts", json={"name": "Bea"}).json()["id"]
    client.post("/api/v1/contacts", json={"name": "Ada"})
    for day in ("2026-06-01", "2026-06-10"):
        client.post("/api/v1/interactions", json={"contact_ids": [bea], "kind": "met",
                                                  "occurred_on": day})
    page = client.get("/", params={"stage": "contact", "sort": "strength"})
    assert page.status_code == 200
    assert "Bea" in page.text and "Ada" not in page.text
    assert ">contact</td>" in page.text and 'value="contact" selected' in page.text
    assert "strongest first" in page.text


def test_a_listed_page_is_exactly_what_its_schema_would_send(client: TestClient) -> None:
    """The list is written without building its models (`contact_page_json`): its bytes
    must stay those of `PageOut[ContactListItem]`, the schema the API documents."""
    from pydantic import TypeAdapter

    from kithbook.web.api.schemas import ContactListItem, PageOut

    client.post("/api/v1/contacts", json={
        "name": "Ada \"Countess\" Lovelace ✓", "organization": "Analytical <Engines>",
        "emails": [{"value": "ada@example.org", "label": "work"}, {"value": "a@home.example"}],
        "phones": [{"value": "+44 20 7946 0958", "label": "mobile"}],
        "links": ["https://example.org/ada"], "tags": ["math", "mentor"],
        "notes": "line one\nline two\ttab", "stated_trust": 4})
    client.post("/api/v1/contacts", json={"name": "Bo"})
    logged = client.get("/api/v1/contacts").json()["items"][0]["contact"]["id"]
    client.post("/api/v1/interactions", json={
        "contact_ids": [logged], "kind": "advice", "direction": "received",
        "occurred_on": "2026-06-01"})
    for params in ({}, {"sort": "strength"}, {"q": "ada"}, {"limit": 1, "offset": 1}):
        response = client.get("/api/v1/contacts", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        schema = TypeAdapter(PageOut[ContactListItem])
        assert schema.dump_json(schema.validate_json(response.content)) == response.content


def test_an_interaction_is_edited_removed_and_put_back_through_the_api(
        client: TestClient, ada: dict[str, object]) -> None:
    logged = client.post("/api/v1/interactions", json={
        "contact_ids": [ada["id"]], "kind": "met", "occurred_on": "2026-06-01",
        "note": "lab visit"}).json()
    url = f"/api/v1/interactions/{logged['id']}"
    edited = client.patch(url, json={"kind": "advice", "direction": "gave", "note": ""})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["kind"], edited.json()["direction"], edited.json()["note"]) == (
        "advice", "gave", None)
    assert edited.json()["occurred_on"] == "2026-06-01"
    stale = client.patch(url, json={"note": "late"}, headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert client.patch(url, json={"kind": "lunch"}).status_code == 422
    assert client.patch(url, json={"occurred_on": "2999-01-01"}).json()["error"]["field"] \
        == "date"
    removed = client.delete(url)
    assert removed.status_code == 204
    undo = removed.headers["Kithbook-Undo"]
    assert [e["id"] for e in client.get("/api/v1/undo").json()] == [undo]
    put_back = client.post(f"/api/v1/undo/{undo}")
    assert put_back.status_code == 200 and put_back.json()["contact_ids"] == [ada["id"]]
    [back] = client.get(f"/api/v1/contacts/{ada['id']}").json()["timeline"]
    assert (back["id"], back["kind"]) == (logged["id"], "advice")
    assert client.post(f"/api/v1/undo/{undo}").status_code == 404


def test_a_removed_contact_is_put_back_through_the_api(
        client: TestClient, ada: dict[str, object]) -> None:
    before = client.get(f"/api/v1/contacts/{ada['id']}").json()
    removed = client.delete(f"/api/v1/contacts/{ada['id']}")
    assert removed.status_code == 204
    assert client.get(f"/api/v1/contacts/{ada['id']}").status_code == 404
    put_back = client.post(f"/api/v1/undo/{removed.headers['Kithbook-Undo']}")
    assert put_back.status_code == 200 and put_back.json()["contact_ids"] == [ada["id"]]
    assert client.get(f"/api/v1/contacts/{ada['id']}").json() == before
