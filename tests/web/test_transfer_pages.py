"""Import, export, duplicates and erasure through the pages and the API."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def upload(name: str) -> dict[str, tuple[str, bytes]]:
    return {"file": (name, (DATA / name).read_bytes())}


def test_import_page_previews_then_imports(client: TestClient) -> None:
    page = client.get("/import")
    assert page.status_code == 200 and 'aria-current="page">Import' in page.text
    preview = client.post("/import", files=upload("linkedin_connections.csv"),
                          data={"format": ""})
    assert preview.status_code == 200
    assert "What importing linkedin_connections.csv would do" in preview.text
    assert "Ada Lovelace" in preview.text
    assert client.get("/api/v1/contacts").json()["total"] == 0
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/import/confirm", data={"token": token, "format": ""})
    assert done.status_code == 200 and "Imported linkedin_connections.csv" in done.text
    assert client.get("/api/v1/contacts").json()["total"] == 5
    again = client.post("/import/confirm", data={"token": token, "format": ""})
    # Spent: answered as an upload that never was, or another member's (404).
    assert again.status_code == 404 and "upload is gone" in again.text


def test_a_bad_file_is_explained_and_nothing_is_written(client: TestClient) -> None:
    bad = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
           b"Ada,L,,=1+1,A,B,01 Jan 2024\n")
    response = client.post("/import", files={"file": ("Connections.csv", bad)})
    assert response.status_code == 422
    assert "line 2" in response.text and 'role="alert"' in response.text
    assert client.get("/api/v1/contacts").json()["total"] == 0


def test_the_preview_and_the_api_list_warnings_per_record(client: TestClient) -> None:
    odd = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
           b"Ada,L,,ada@,A,B,01 Jan 2024\n")
    response = client.post("/import", files={"file": ("Connections.csv", odd)})
    assert response.status_code == 200
    assert "Warnings (1)" in response.text
    assert ("Connections.csv, line 2</span>: &#39;ada@&#39; is not an email address; it is "
            "kept in the notes instead.") in response.text
    assert client.get("/api/v1/contacts").json()["total"] == 0
    api = client.post("/api/v1/import", files={"file": ("Connections.csv", odd)}).json()
    assert api["contacts_added"] == 1 and api["warning_count"] == 1
    assert api["warnings"] == [{"where": "Connections.csv, line 2", "message": (
        "'ada@' is not an email address; it is kept in the notes instead. Correct it on "
        "the contact's page.")}]


def test_api_import_dry_run_then_real(client: TestClient) -> None:
    dry = client.post("/api/v1/import", files=upload("iphone_v3.vcf"),
                      data={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] and dry.json()["contacts_added"] == 3
    assert client.get("/api/v1/contacts").json()["total"] == 0
    real = client.post("/api/v1/import", files=upload("iphone_v3.vcf"))
    assert real.json()["contacts_added"] == 3
    assert client.get("/api/v1/contacts").json()["total"] == 3
    wrong = client.post("/api/v1/import", files=upload("iphone_v3.vcf"),
                        data={"format": "ics"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_input"


def test_exports_download(client: TestClient, ada: dict[str, object]) -> None:
    document = client.get("/api/v1/export?format=json")
    assert document.status_code == 200
    assert json.loads(document.text)["contacts"][0]["name"] == "Ada Lovelace"
    vcard = client.get("/export/vcard")
    assert "attachment" in vcard.headers["content-disposition"]
    assert vcard.text.startswith("BEGIN:VCARD") and "VERSION:4.0" in vcard.text
    assert "ada@example.org" in client.get("/api/v1/export?format=csv").text
    assert client.get("/api/v1/export?format=xml").status_code == 422


def test_duplicates_page_merges_a_set(client: TestClient, ada: dict[str, object]) -> None:
    twin = client.post("/api/v1/contacts", json={
        "name": "Ada King", "emails": [{"value": "ada@example.org"}], "role": "Countess"})
    assert twin.status_code == 201
    client.post("/api/v1/interactions", json={
        "contact_ids": [twin.json()["id"]], "kind": "met", "occurred_on": "2026-06-01"})
    found = client.get("/api/v1/duplicates").json()
    assert (found["total"], found["limit"], found["offset"]) == (1, 50, 0)
    assert found["items"][0]["evidence"][0]["reason"] == "same email"
    page = client.get("/duplicates")
    assert "Merge set 1" in page.text and "Ada King" in page.text
    assert f'href="/duplicates/{twin.json()["id"]}"' in page.text  # field by field
    chosen = client.get(f"/duplicates/{twin.json()['id']}")
    assert "Role from" in chosen.text and "Countess" in chosen.text
    assert client.get("/duplicates/nobody12345").status_code == 404
    chosen_form = {"keep": ada["id"], "contact": [ada["id"], twin.json()["id"]],
                   "take_role": twin.json()["id"]}
    asked = client.post("/duplicates/merge", data=chosen_form)
    assert "Merge Ada King into Ada Lovelace?" in asked.text and "undo" in asked.text
    assert client.get("/api/v1/duplicates").json()["total"] == 1  # asking merged nothing
    response = client.post("/duplicates/merge", data={**chosen_form, "confirmed": "yes"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Merged." in response.text
    assert 'action="/undo/' in response.text
    merged = client.get(f"/api/v1/contacts/{ada['id']}").json()
    assert merged["contact"]["role"] == "Countess"
    assert [i["occurred_on"] for i in merged["timeline"]] == ["2026-06-01"]
    assert client.get("/api/v1/duplicates").json()["items"] == []
    gone = client.get(f"/duplicates/{ada['id']}")  # an old link after the merge
    assert gone.status_code == 200 and "has no likely duplicate now" in gone.text


def test_api_merge_and_erase(client: TestClient, ada: dict[str, object]) -> None:
    twin = client.post("/api/v1/contacts", json={"name": "A. Lovelace",
                                                 "emails": [{"value": "ada@example.org"}]})
    merged = client.post("/api/v1/merge", json={"keep": ada["id"],
                                                "others": [twin.json()["id"]]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["absorbed"] == [twin.json()["id"]]
    erased = client.post("/api/v1/erase", json={"email": "ADA@example.org"})
    assert erased.status_code == 200
    assert erased.json()["contacts"][0].startswith("Ada Lovelace")
    assert client.get("/api/v1/contacts").json()["total"] == 0
    assert client.post("/api/v1/erase", json={}).status_code == 422


def test_import_status_knows_no_upload_that_is_not_waiting(client: TestClient) -> None:
    assert client.get("/import/status/" + "0" * 32).status_code == 404


def test_many_duplicates_come_a_page_at_a_time(client: TestClient) -> None:
    for n in range(15):
        for name in (f"Twin {n:02} A", f"Twin {n:02} B"):
            assert client.post("/api/v1/contacts", json={
                "name": name, "emails": [{"value": f"twin{n}@example.org"}]}).status_code == 201
    first = client.get("/duplicates")
    assert "15 sets" in first.text and "Page 1 of 2" in first.text
    assert first.text.count('class="duplicate-set"') == 10
    assert '<a href="/duplicates?page=2" rel="next">' in first.text
    second = client.get("/duplicates?page=2")
    assert second.text.count('class="duplicate-set"') == 5 and "Merge set 15" in second.text
    assert "Merge set 1\"" not in second.text
    assert '<a href="/duplicates?page=1" rel="prev">' in second.text
    assert client.get("/duplicates?page=9").text.count('class="duplicate-set"') == 5
    unread = client.get("/duplicates?page=0", follow_redirects=False)  # the first page, said so
    assert (unread.status_code, unread.headers["location"]) == (303, "/duplicates?ignored=page")
    assert "Merge set 1\"" in client.get(unread.headers["location"]).text
    api = client.get("/api/v1/duplicates?limit=10&offset=10").json()
    assert (api["total"], len(api["items"])) == (15, 5)
    assert client.get("/api/v1/duplicates?limit=0").status_code == 422
    for n in range(30):  # a second page of the book
        client.post("/api/v1/contacts", json={"name": f"Twin Other {n:02}"})
    book = client.get("/?q=twin")  # the book's pages share the pager
    assert '<a href="/?q=twin&amp;tag=&amp;organization=&amp;stage=&amp;sort=name&amp;page=2"' \
        ' rel="next">' in book.text


def test_a_set_too_large_for_one_form_is_merged_ten_at_a_time(client: TestClient) -> None:
    for n in range(12):
        assert client.post("/api/v1/contacts", json={
            "name": f"Sam Same {n:02}", "emails": [{"value": "same@example.org"}]}
        ).status_code == 201
    page = client.get("/duplicates").text
    assert "Sam Same 00 and 11 more" in page and "Showing 10 of 12" in page
    assert page.count('name="contact"') == 10 and "Sam Same 10" not in page
    assert page.count("<li>same email") == 9  # what links the ten shown
    assert len(client.get("/api/v1/duplicates").json()["items"][0]["contacts"]) == 12


def test_duplicate_choices_through_the_page_and_the_api(client: TestClient) -> None:
    for name, email in (("Ada King", "ada@analytical.example"),
                        ("Charles Babbage", "charles@difference.example")):
        client.post("/api/v1/contacts", json={"name": name, "emails": [{"value": email}]})
    preview = client.post("/import", files=upload("duplicates_choice.vcf"))
    # Keep both is proposed, as the command line and the API do by default.
    assert 'name="dup_1" value="keep" checked' in preview.text
    assert 'name="dup_1" value="merge" >' in preview.text  # offered, not chosen
    assert 'name="dup_4" value="keep" checked' in preview.text  # only the file's own match
    assert 'name="dup_4" value="merge"' not in preview.text
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    wrong = client.post("/import/confirm", data={"token": token, "dup_2": "delete"})
    assert wrong.status_code == 422
    assert "&#39;delete&#39; is not a choice for a likely duplicate" in wrong.text
    assert client.get("/api/v1/contacts").json()["total"] == 2  # nothing written

    api = client.post("/api/v1/import", files=upload("duplicates_choice.vcf"),
                      data={"dry_run": "true", "duplicates": "merge", "choices": "2=skip"})
    assert api.status_code == 200, api.text
    body = api.json()
    assert [(d["record"], d["choice"]) for d in body["duplicate_records"]] == [
        (1, "merge"), (2, "skip"), (4, "keep")]
    assert (body["contacts_merged"], body["contacts_skipped"], body["contacts_added"]) == \
        (1, 1, 2)
    bad = client.post("/api/v1/import", files=upload("duplicates_choice.vcf"),
                      data={"choices": "Ada=skip"})
    assert bad.status_code == 422 and "write choices like 3=merge,7=skip" in bad.text


def test_a_calendars_strangers_are_offered_and_only_the_ticked_ones_added(
        client: TestClient) -> None:
    client.post("/api/v1/contacts", json={"name": "Grace Hopper",
                                          "emails": [{"value": "grace@navy.example"}]})
    api = client.post("/api/v1/import", files=upload("calendar.ics"),
                      data={"dry_run": "true", "add_people": "marie@radium.example"})
    people = {p["email"]: p["added"] for p in api.json()["new_people"]}
    assert people["marie@radium.example"] and not people["ada@analytical.example"]
    preview = client.post("/import", files=upload("calendar.ics"))
    assert "People in these events who are not in your book (5)" in preview.text
    boxes = dict(re.findall(r'name="(person_\d+)" value="([^"]+)"', preview.text))
    assert "Salle Lovelace" not in preview.text  # a room is nobody to add
    assert 'type="checkbox" name="person_1" value="ada@analytical.example" checked' \
        not in preview.text
    kenji = next(key for key, email in boxes.items() if email == "kenji@example.jp")
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/import/confirm", data={"token": token, kenji: "kenji@example.jp"})
    assert done.status_code == 200
    assert "Added from the calendar's attendees" in done.text and "Kenji" in done.text
    names = sorted(i["contact"]["name"] for i in client.get("/api/v1/contacts").json()["items"])
    assert names == ["Grace Hopper", "Kenji"]
