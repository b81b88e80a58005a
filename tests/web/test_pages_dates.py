"""Important dates typed by hand on a contact's page and through the API: add, change,
remove, across the whole calendar (year 1 to today, 29 February, no year)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _page(client: TestClient, ada: dict[str, object]) -> str:
    return f"/contacts/{ada['id']}"


def _dates(client: TestClient, ada: dict[str, object]) -> list[tuple[str, str]]:
    body = client.get(f"/api/v1/contacts/{ada['id']}").json()
    return [(d["what"], d["date"]) for d in body["dates"]]


def test_a_birthday_is_added_changed_and_removed_on_the_contact_page(
        client: TestClient, ada: dict[str, object]) -> None:
    url = _page(client, ada)
    added = client.post(f"{url}/dates", data={"date_kind": "birthday",
                                              "date_day": "1815-12-10"})
    assert added.status_code == 200 and "Date saved." in added.text
    assert '<time datetime="1815-12-10">1815-12-10</time>' in added.text
    client.post(f"{url}/dates", data={"date_kind": "other", "date_label": "Name day",
                                      "date_day": "--02-29"})
    assert _dates(client, ada) == [("birthday", "1815-12-10"), ("Name day", "--02-29")]

    # "change" fills the form with the date and names the one it replaces.
    form = client.get(url, params={"change": "Name day"}).text
    assert 'name="replacing" value="Name day"' in form and 'value="--02-29"' in form
    client.post(f"{url}/dates", data={"date_kind": "other", "date_label": "Saint's day",
                                      "date_day": "--07-26", "replacing": "Name day"})
    assert _dates(client, ada) == [("birthday", "1815-12-10"), ("Saint's day", "--07-26")]
    # A second birthday takes the place of the first: a contact has one.
    client.post(f"{url}/dates", data={"date_kind": "birthday", "date_day": "1815-12-11"})
    assert _dates(client, ada) == [("birthday", "1815-12-11"), ("Saint's day", "--07-26")]

    removed = client.post(f"{url}/dates/remove", data={"what": "birthday"})
    assert "Date removed." in removed.text
    assert _dates(client, ada) == [("Saint's day", "--07-26")]
    assert re.search(r'aria-label="Remove the Saint&#39;s day"', removed.text)


def test_every_day_of_the_range_is_taken_and_the_pages_still_answer(
        client: TestClient, ada: dict[str, object]) -> None:
    url = _page(client, ada)
    today = "2026-06-15"  # the tests' clock
    for kind, day in (("birthday", "0001-01-01"), ("anniversary", today),
                      ("other", "2024-02-29"), ("other", "--02-29")):
        label = f"on {day}" if kind == "other" else ""
        response = client.post(f"{url}/dates", data={"date_kind": kind, "date_label": label,
                                                     "date_day": day})
        assert "Date saved." in response.text, (day, response.text[:300])
    assert _dates(client, ada) == [("birthday", "0001-01-01"), ("anniversary", today),
                                   ("on 2024-02-29", "2024-02-29"), ("on --02-29", "--02-29")]
    for page in ("/", url, "/digest", f"/api/v1/contacts/{ada['id']}", "/export/vcard"):
        assert client.get(page).status_code == 200, page


def test_a_bad_date_says_what_to_fix_keeps_the_form_and_stores_nothing(
        client: TestClient, ada: dict[str, object]) -> None:
    url = _page(client, ada)
    client.post(f"{url}/dates", data={"date_kind": "birthday", "date_day": "1990-05-01"})
    for data, says in (
            ({"date_kind": "anniversary", "date_day": "2023-02-29"}, "not a day of the calendar"),
            ({"date_kind": "anniversary", "date_day": "2026-06-16"}, "after today"),
            ({"date_kind": "anniversary", "date_day": "0000-12-31"}, "not a day of the calendar"),
            ({"date_kind": "anniversary", "date_day": "--02-30"}, "not a day of the calendar"),
            ({"date_kind": "anniversary", "date_day": "10 May"}, "write it like 1815-12-10"),
            ({"date_kind": "other", "date_day": "2020-01-01"}, "needs a name"),
            ({"date_kind": "party", "date_day": "2020-01-01"}, "choose birthday, anniversary"),
            ({"date_kind": "other", "date_label": "x" * 101, "date_day": "2020-01-01"},
             "1 to 100 characters")):
        response = client.post(f"{url}/dates", data=data)
        assert response.status_code == 422, data
        assert says in response.text, (data, re.findall(r'role="alert"[^<]*', response.text))
        assert f'value="{data["date_day"]}"' in response.text  # what was typed is kept
    missing = client.post(f"{url}/dates/remove", data={"what": "anniversary"})
    assert missing.status_code == 422
    assert "has no date named &#39;anniversary&#39;; the dates held are: birthday" \
        in missing.text
    assert _dates(client, ada) == [("birthday", "1990-05-01")]


def test_the_api_sets_changes_and_removes_dates(client: TestClient,
                                                ada: dict[str, object]) -> None:
    base = f"/api/v1/contacts/{ada['id']}/dates"
    answer = client.post(base, json={"kind": "birthday", "date": "--12-10"})
    assert answer.status_code == 200
    assert answer.json() == [{"kind": "birthday", "label": None, "what": "birthday",
                              "month": 12, "day": 10, "year": None, "date": "--12-10"}]
    client.post(base, json={"kind": "other", "label": "Started at Acme",
                            "date": "2001-09-03"})
    renamed = client.post(base, json={"kind": "anniversary", "date": "2001-09-03",
                                      "replacing": "started at acme"})
    assert [d["what"] for d in renamed.json()] == ["birthday", "anniversary"]
    assert client.delete(f"{base}/birthday").json()[0]["what"] == "anniversary"
    bad = client.post(base, json={"kind": "birthday", "date": "1900-02-29"})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == "1900-02-29 is not a day of the calendar."
    gone = client.delete(f"{base}/birthday")
    assert gone.status_code == 422 and "has no date named 'birthday'" in gone.text
    assert _dates(client, ada) == [("anniversary", "2001-09-03")]
    assert client.post("/api/v1/contacts/nobody/dates",
                       json={"kind": "birthday", "date": "1990-01-01"}).status_code == 404
