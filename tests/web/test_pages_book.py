"""The book's pages, without JavaScript: forms post, redirect, and show the result."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_empty_book_explains_what_to_do(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Your book is empty" in page.text and "Add contact" in page.text


def test_add_then_log_then_see_the_timeline(client: TestClient) -> None:
    added = client.post("/contacts", data={"name": "Ada Lovelace", "organization": "Acme",
                                           "tags": "mentor, ai", "stated_trust": "4"},
                        follow_redirects=False)
    assert added.status_code == 303
    url = added.headers["location"].split("?")[0]
    page = client.get(added.headers["location"])
    assert "Added." in page.text and "Ada Lovelace" in page.text and "4/5" in page.text
    logged = client.post(f"{url}/log", data={"kind": "advice", "direction": "received",
                                             "occurred_on": "yesterday", "note": "pricing"})
    assert logged.status_code == 200
    assert "advice — you received" in logged.text and "pricing" in logged.text
    assert "Logged on the day you gave" in logged.text
    assert "restarts today" not in logged.text  # it was yesterday
    today = client.post(f"{url}/log", data={"kind": "talked", "occurred_on": "today"})
    assert "Logged. The clock restarts today." in today.text


def test_a_bad_form_keeps_what_was_typed_and_says_what_to_fix(client: TestClient) -> None:
    page = client.post("/contacts", data={"name": "Eve Example", "emails": "eve@",
                                          "notes": "met at the climate meetup"})
    assert page.status_code == 422
    assert "not a valid email" in page.text
    assert 'value="Eve Example"' in page.text and "met at the climate meetup" in page.text
    assert client.get("/api/v1/contacts").json()["total"] == 0


def test_search_filter_and_sort_controls(client: TestClient) -> None:
    for name, org in (("Ada", "Acme"), ("Bea", "Globex"), ("Cy", "Acme")):
        client.post("/contacts", data={"name": name, "organization": org})
    page = client.get("/", params={"organization": "acme", "sort": "name"})
    names = re.findall(r'<a href="/contacts/\w+">(\w+)</a>', page.text)
    assert names == ["Ada", "Cy"]
    assert "Nobody matches" in client.get("/", params={"q": "zebra"}).text


def test_the_book_escapes_what_people_typed(client: TestClient) -> None:
    client.post("/contacts", data={"name": '<b>"Jo" & Al\'s</b>', "organization": "R&D <x>",
                                   "role": "a'b", "tags": 'c&d e, "f"'})
    page = client.get("/").text
    assert ('>&lt;b&gt;&#34;Jo&#34; &amp; Al&#39;s&lt;/b&gt;</a></td>\n'
            '      <td>R&amp;D &lt;x&gt;</td>\n      <td class="wide">a&#39;b</td>') in page
    assert '<a class="tag" href="/?tag=%22f%22">&#34;f&#34;</a>' in page
    assert '<a class="tag" href="/?tag=c%26d%20e">c&amp;d e</a>' in page
    assert "<b>" not in page


def test_edit_form_and_remove(client: TestClient) -> None:
    added = client.post("/contacts", data={"name": "Ada"}, follow_redirects=False)
    url = added.headers["location"].split("?")[0]
    assert 'name="version"' in client.get(f"{url}/edit").text
    saved = client.post(f"{url}/edit", data={"name": "Ada Lovelace", "version": "1",
                                             "role": "CTO"})
    assert "Saved." in saved.text and "CTO" in saved.text
    stale = client.post(f"{url}/edit", data={"name": "Ada L", "version": "1"})
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    # Removing asks first, on a page of its own; nothing is removed until confirmed.
    asked = client.post(f"{url}/delete")
    assert asked.status_code == 200 and "Remove Ada Lovelace from your book?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert "Ada Lovelace" in client.get("/").text
    assert "You can undo this for 30 days." in asked.text
    removed = client.post(f"{url}/delete", data={"confirmed": "yes"})
    assert "Removed." in removed.text and "Ada Lovelace" not in removed.text
    [undo] = re.findall(r'action="(/undo/\w+)"', removed.text)
    back = client.post(undo, data={"back": "/"})
    assert "Undone" in back.text and "Ada Lovelace" in back.text
    assert "CTO" in client.get(url).text


def test_an_interaction_is_removed_after_a_confirmation_and_undone(client: TestClient) -> None:
    added = client.post("/contacts", data={"name": "Ada"}, follow_redirects=False)
    url = added.headers["location"].split("?")[0]
    client.post(f"{url}/log", data={"kind": "met", "occurred_on": "2026-01-05",
                                    "note": "lab visit"})
    page = client.get(url).text
    [interaction] = re.findall(r'href="/interactions/(\w+)/remove\?back=', page)
    asked = client.get(f"/interactions/{interaction}/remove", params={"back": url})
    assert "Remove the met of 2026-01-05?" in asked.text and "lab visit" in asked.text
    assert "lab visit" in client.get(url).text  # asking removed nothing
    removed = client.post(f"/interactions/{interaction}/delete", data={"back": url},
                          follow_redirects=False)
    assert removed.headers["location"].startswith(f"{url}?done=unlogged&undo=")
    shown = client.get(removed.headers["location"]).text
    assert "Interaction removed." in shown and "lab visit" not in shown
    [undo] = re.findall(r'action="(/undo/\w+)"', shown)
    back = client.post(undo, data={"back": url})
    assert "Undone" in back.text and "lab visit" in back.text
    again = client.post(undo, data={"back": url})
    assert again.status_code == 404 and "undone already" in again.text


def test_an_interaction_is_edited_on_its_page(client: TestClient) -> None:
    ada = client.post("/contacts", data={"name": "Ada"}, follow_redirects=False)
    url = ada.headers["location"].split("?")[0]
    client.post("/contacts", data={"name": "Charles Babbage"})
    client.post(f"{url}/log", data={"kind": "met", "occurred_on": "2026-01-05",
                                    "note": "lab visit"})
    [interaction] = re.findall(r'href="/interactions/(\w+)/edit', client.get(url).text)
    form = client.get(f"/interactions/{interaction}/edit", params={"back": url}).text
    assert 'value="2026-01-05"' in form and "lab visit" in form
    contact = url.rsplit("/", 1)[1]
    wrong = client.post(f"/interactions/{interaction}/edit", data={
        "back": url, "kind": "advice", "direction": "gave", "occurred_on": "2999-01-01",
        "contact": contact, "note": "kept"})
    assert wrong.status_code == 422 and "in the future" in wrong.text
    assert 'value="2999-01-01"' in wrong.text  # what was typed stays
    saved = client.post(f"/interactions/{interaction}/edit", data={
        "back": url, "kind": "advice", "direction": "gave", "occurred_on": "2026-01-06",
        "contact": contact, "add": "Charles", "note": "hiring advice"})
    assert "Saved." in saved.text and "hiring advice" in saved.text
    assert "2026-01-06" in saved.text and "Charles Babbage" in saved.text


def test_unknown_contact_page_is_a_friendly_404(client: TestClient) -> None:
    page = client.get("/contacts/zzzzzzzzzzzz")
    assert page.status_code == 404 and "Back to your book" in page.text


def test_contact_page_links_to_its_sharing_rules(client: TestClient) -> None:
    added = client.post("/contacts", data={"name": "Ada"}, follow_redirects=False)
    url = added.headers["location"].split("?")[0]
    page = client.get(url)
    assert f'href="{url}/sharing"' in page.text
    assert client.get(f"{url}/sharing").status_code == 200


def test_a_timeline_entry_names_the_others_who_were_there(client: TestClient) -> None:
    ids = [client.post("/api/v1/contacts", json={"name": name}).json()["id"]
           for name in ("Ada", "Bea", "Cy")]
    client.post("/api/v1/interactions", json={"contact_ids": ids, "kind": "met",
                                              "occurred_on": "2026-06-01"})
    page = client.get(f"/contacts/{ids[1]}").text
    ada, cy = f'<a href="/contacts/{ids[0]}">Ada</a>', f'<a href="/contacts/{ids[2]}">Cy</a>'
    assert (f'<span class="with">with {ada}, {cy}</span>' in page
            or f'<span class="with">with {cy}, {ada}</span>' in page)
    assert '<time datetime="2026-06-01">2026-06-01</time>' in page
    assert 'aria-label="Remove the met of 2026-06-01"' in page


def test_an_address_with_unreadable_parameters_shows_the_page_without_them(
        client: TestClient) -> None:
    client.post("/contacts", data={"name": "Ada Lovelace", "organization": "Acme"})
    answer = client.get("/?stage=foo&page=abc&q=ada", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?q=ada&ignored=page%2Cstage"
    page = client.get("/?stage=foo&page=abc&q=ada")
    assert page.status_code == 200 and "Ada Lovelace" in page.text
    assert "was not understood" in page.text and "page,stage" in page.text
    assert "str-enum" not in page.text and "Input should be" not in page.text


def test_the_api_names_the_parameter_a_person_typed(client: TestClient) -> None:
    answer = client.get("/api/v1/contacts?stage=foo")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "stage" and error["message"].startswith("stage: ")
    assert "str-enum" not in error["message"]
