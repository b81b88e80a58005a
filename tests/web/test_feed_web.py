"""The calendar feed as a calendar app reads it: parsed with `icalendar`, polled with
ETag and Last-Modified, at a secret address that renewing ends, and never anyone else's."""

from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
import pytest
from apps import app_for, local_browser
from community import browser, community_app, signed_in
from fastapi.testclient import TestClient

from community_members import add_member, ben_may_ask_ana_about_cleo
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import DateKind, ImportantDate
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.intro_records import Rating
from kithbook.domain.members import Member
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook

ASTRAL = "Zoë 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉; \\ \"Quote\", Ünïcødé"
RTL = "שרה כהן ليلى العربية"


def _path(url: str | None) -> str:
    assert url is not None
    return url[url.index("/feed/"):]


def _calendar(response_text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response_text)


def _events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _put_dates(kb: Kithbook, contact: ContactId, *dates: ImportantDate) -> None:
    with kb.uow() as uow:
        uow.dates.put(contact, list(dates))
        uow.commit()


def _book(kb: Kithbook, member: Member) -> dict[str, ContactId]:
    today = kb.clock.today()
    ada = kb.book.add_contact(member.id, ContactFields(name="Ada Lovelace"),
                              TieFields(cadence_days=30)).id
    kb.book.log_interaction(member.id, [ada], Kind.MET, Direction.MUTUAL,
                            today - timedelta(days=50))
    grace = kb.book.add_contact(member.id, ContactFields(name="Grace Hopper"),
                                TieFields(cadence_days=90)).id
    kb.book.log_interaction(member.id, [grace], Kind.MET, Direction.MUTUAL,
                            today - timedelta(days=10))
    old = kb.book.add_contact(member.id, ContactFields(name=ASTRAL + " " + "x" * 150)).id
    _put_dates(kb, old, ImportantDate(DateKind.BIRTHDAY, 1, 1, 1),
               ImportantDate(DateKind.OTHER, 2, 29, 1816, "Name day, “first”"))
    rtl = kb.book.add_contact(member.id, ContactFields(name=RTL)).id
    _put_dates(kb, rtl, ImportantDate(DateKind.ANNIVERSARY, 12, 10))
    return {"ada": ada, "grace": grace, "old": old, "rtl": rtl}


def test_the_feed_holds_due_dates_important_dates_and_parses(kb: Kithbook) -> None:
    me = kb.book.init_local_member("Me")[0]
    ids = _book(kb, me)
    made = kb.notices.renew_feed(me.id)
    with TestClient(app_for(kb), base_url="http://127.0.0.1:8000") as client:
        response = client.get(_path(made.url("http://127.0.0.1:8000")))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    events = _events(_calendar(response.text))

    # Keep-in-touch: the day `kithbook touch` counts from, for every tie with a cadence.
    touch = {s.contact: s for s in kb.depth.losing_touch(me.id)}
    ada = events[f"touch-{ids['ada']}@kithbook"]
    assert ada["DTSTART"].dt == touch[ids["ada"]].due_on == kb.clock.today() - timedelta(20)
    assert "Why: 20 days overdue" in str(ada["DESCRIPTION"])
    assert "Next step:" in str(ada["DESCRIPTION"])
    grace = events[f"touch-{ids['grace']}@kithbook"]
    assert grace["DTSTART"].dt == kb.clock.today() + timedelta(days=80)

    # Important dates: yearly, names (astral, RTL, long, with , ; \ ") read back whole.
    births = [e for uid, e in events.items() if uid.startswith(f"date-{ids['old']}-birthday")]
    assert len(births) == 1
    assert str(births[0]["SUMMARY"]) == f"{ASTRAL} {'x' * 150}: birthday"
    assert "since 0001" in str(births[0]["DESCRIPTION"])
    assert births[0]["RRULE"]["FREQ"] == ["YEARLY"]
    leap = next(e for uid, e in events.items() if uid.startswith(f"date-{ids['old']}-other"))
    assert (leap["DTSTART"].dt.month, leap["DTSTART"].dt.day) == (2, 29)
    assert leap["RRULE"]["BYMONTHDAY"] == [-1]
    anniversary = next(e for uid, e in events.items() if uid.startswith(f"date-{ids['rtl']}"))
    assert str(anniversary["SUMMARY"]) == f"{RTL}: anniversary"
    assert (anniversary["DTSTART"].dt.month, anniversary["DTSTART"].dt.day) == (12, 10)
    assert all(e["DTSTART"].dt.__class__ is date for e in events.values())  # all-day


def test_uids_stay_when_the_book_changes_and_etag_polls_cost_nothing(kb: Kithbook) -> None:
    me = kb.book.init_local_member("Me")[0]
    ids = _book(kb, me)
    url = _path(kb.notices.renew_feed(me.id).url("http://127.0.0.1:8000"))
    with TestClient(app_for(kb), base_url="http://127.0.0.1:8000") as client:
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert "no-store" not in first.headers["cache-control"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        again = client.get(url, headers={"If-Modified-Since": modified})
        assert again.status_code == 304 and again.content == b""
        assert client.get(url).content == first.content  # same book, same bytes

        kb.book.log_interaction(me.id, [ids["ada"]], Kind.TALKED, Direction.MUTUAL,
                                kb.clock.today())
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
    before, after = _events(_calendar(first.text)), _events(_calendar(changed.text))
    assert set(before) == set(after)
    moved = after[f"touch-{ids['ada']}@kithbook"]["DTSTART"].dt
    assert moved == kb.clock.today() + timedelta(days=30)


def test_a_renewed_address_ends_the_old_one_and_a_made_up_one_reads_the_same(
        kb: Kithbook) -> None:
    me = kb.book.init_local_member("Me")[0]
    _book(kb, me)
    old = _path(kb.notices.renew_feed(me.id).url("http://x"))
    new = _path(kb.notices.renew_feed(me.id).url("http://x"))
    with TestClient(app_for(kb), base_url="http://127.0.0.1:8000") as client:
        gone = client.get(old)
        made_up = client.get("/feed/" + "A" * 43 + ".ics")
        assert gone.status_code == made_up.status_code == 404
        assert gone.text == made_up.text
        assert client.get("/feed/short.ics").status_code == 404
        assert client.get(new).status_code == 200


def test_an_alarm_comes_with_each_event_when_asked(kb: Kithbook) -> None:
    me = kb.book.init_local_member("Me")[0]
    _book(kb, me)
    url = _path(kb.notices.renew_feed(me.id, alarm_minutes=540).url("http://x"))
    with TestClient(app_for(kb), base_url="http://127.0.0.1:8000") as client:
        events = _events(_calendar(client.get(url).text))
    alarms = [a for e in events.values() for a in e.walk("VALARM")]
    assert len(alarms) == len(events)
    assert alarms[0]["TRIGGER"].dt == timedelta(minutes=540)


def test_the_settings_page_makes_the_address_shows_it_once_and_says_who_reads_it(
        client: TestClient) -> None:
    page = client.get("/settings").text
    assert "You have no feed yet" in page and "Only programs on this computer" in page
    made = client.post("/settings/feed", data={})
    assert made.status_code == 200
    url = re.search(r'id="feed-url" readonly value="([^"]+)"', made.text)
    assert url and "/feed/" in url.group(1)
    assert client.get(_path(url.group(1))).status_code == 200
    later = client.get("/settings").text
    assert url.group(1) not in later and "cannot show it again" in later
    bad = client.post("/settings/feed/alarm", data={"alarm": "5000"})
    assert bad.status_code == 422 and "at most 24 hours" in bad.text
    assert client.post("/settings/feed/alarm", data={"alarm": "-60"}).status_code == 200


def test_a_server_on_another_port_gives_its_own_address(kb: Kithbook) -> None:
    with local_browser(app_for(kb), base_url="http://127.0.0.1:8123") as client:
        made = client.post("/settings/feed", data={})
    url = re.search(r'id="feed-url" readonly value="([^"]+)"', made.text)
    assert url and url.group(1).startswith("http://127.0.0.1:8123/feed/")


def test_in_a_community_each_token_reads_only_its_own_members_book(kb: Kithbook) -> None:
    app = community_app(kb)
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    secret = kb.book.add_contact(ana.id, ContactFields(name="Ana's Secret Friend"),
                                 TieFields(cadence_days=7)).id
    _put_dates(kb, secret, ImportantDate(DateKind.BIRTHDAY, 5, 5, 1990))
    kb.book.add_contact(ben.id, ContactFields(name="Ben's Pal"), TieFields(cadence_days=7))
    ana_url = _path(kb.notices.renew_feed(ana.id).url("https://testserver"))
    ben_url = _path(kb.notices.renew_feed(ben.id).url("https://testserver"))
    anonymous = browser(app)  # no session: a calendar app
    ana_feed, ben_feed = anonymous.get(ana_url), anonymous.get(ben_url)
    assert ana_feed.status_code == ben_feed.status_code == 200
    assert "Secret Friend" in ana_feed.text and "Pal" not in ana_feed.text
    assert "Secret Friend" not in ben_feed.text and secret not in ben_feed.text
    assert "Ben's Pal" in ben_feed.text

    # Ben, signed in, renewing his own feed changes nothing of Ana's.
    client, csrf = signed_in(kb, app, ben)
    page = client.post("/settings/feed", data={"csrf_token": csrf})
    assert page.status_code == 200 and "Anyone who has the address" in page.text
    assert anonymous.get(ben_url).status_code == 404
    assert anonymous.get(ana_url).status_code == 200


@pytest.mark.parametrize("minutes", ["abc", "1441", "-1441"])
def test_a_bad_alarm_is_refused_in_one_sentence(client: TestClient, minutes: str) -> None:
    client.post("/settings/feed", data={})
    response = client.post("/settings/feed/alarm", data={"alarm": minutes})
    assert response.status_code == 422
    assert "alarm" in response.text


def test_introductions_waiting_on_a_member_reach_their_feed_only(kb: Kithbook) -> None:

    ana, ben, cleo = ben_may_ask_ana_about_cleo(kb)
    intro = kb.intros.request(ben.id, ana.id, cleo, "advice on hiring a first designer")
    ana_url = _path(kb.notices.renew_feed(ana.id).url("https://testserver"))
    ben_url = _path(kb.notices.renew_feed(ben.id).url("https://testserver"))
    anonymous = browser(community_app(kb))
    ana_events = _events(_calendar(anonymous.get(ana_url).text))
    answer = ana_events[f"intro-{intro.id}-answer@kithbook"]
    assert "Answer Ben" in str(answer["SUMMARY"]) and "designer" in str(answer["DESCRIPTION"])
    assert f"intro-{intro.id}-answer@kithbook" not in _events(
        _calendar(anonymous.get(ben_url).text))

    kb.intros.forward(ana.id, intro.id)
    kb.intros.make(ana.id, intro.id)
    made_on = kb.clock.today()
    for url in (ana_url, ben_url):
        events = _events(_calendar(anonymous.get(url).text))
        follow_up = events[f"intro-{intro.id}-outcome@kithbook"]
        assert follow_up["DTSTART"].dt == made_on + timedelta(days=14)
        assert f"intro-{intro.id}-answer@kithbook" not in events
    kb.intros.record_outcome(ana.id, intro.id, Rating.POSITIVE)
    assert f"intro-{intro.id}-outcome@kithbook" not in _events(
        _calendar(anonymous.get(ana_url).text))
    assert f"intro-{intro.id}-outcome@kithbook" in _events(
        _calendar(anonymous.get(ben_url).text))
