"""The calendar feed of a large book, as a calendar app polls it: the first answer (the
calendar built), then polls of an unchanged book with and without its ETag.

    .venv/bin/kithbook -d /tmp/big.sqlite demo --size 100000 --no-serve
    .venv/bin/python bench/feed_bench.py /tmp/big.sqlite [--polls 200]

The book is copied first, and a birthday given to every third contact. Peers, side by
side in this process:

- `icalendar library`: the same events built and serialized with `icalendar` (what the
  feed is checked with), against Kithbook's own writer (`io/feed_ics.py`);
- `bare response`: a Starlette app with one route that answers the same bytes from
  memory, through the same test client: the least a poll can cost.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.feed import FeedEvent
from kithbook.io.feed_ics import write_feed
from kithbook.services.ports import ContactQuery
from kithbook.web import create_app


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def _birthdays(path: Path) -> int:
    with sqlite3.connect(path) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM contacts ORDER BY id")][::3]
        db.executemany("INSERT OR IGNORE INTO contact_dates (contact_id, position, kind, month,"
                       " day, year, label) VALUES (?, 0, 'birthday', ?, ?, ?, NULL)",
                       [(cid, 1 + i % 12, 1 + i % 28, 1950 + i % 50)
                        for i, cid in enumerate(ids)])
        # A write to the book moves its version, as any change does.
        db.execute("UPDATE network_versions SET version = version + 1")
    return len(ids)


def _icalendar(events: list[FeedEvent]) -> float:
    start = time.perf_counter()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bench//")
    cal.add("version", "2.0")
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + timedelta(days=1))
        event.add("summary", e.summary)
        event.add("description", e.description)
        if e.yearly:
            event.add("rrule", {"freq": "yearly"})
        cal.add_component(event)
    cal.to_ical()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book", type=Path)
    parser.add_argument("--polls", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="feed-bench-"))
    copy = folder / "book.sqlite"
    shutil.copyfile(args.book, copy)
    dated = _birthdays(copy)
    kb = bootstrap(Settings(database_url=database_url_from(str(copy))), migrate=True)
    me = kb.book.local_member()
    token = kb.notices.renew_feed(me.id).token
    with TestClient(create_app(kb), base_url="http://127.0.0.1:8000") as client:
        url = f"/feed/{token}.ics"
        start = time.perf_counter()
        first = client.get(url)
        cold = time.perf_counter() - start
        assert first.status_code == 200, first.text[:300]
        body, etag = first.content, first.headers["etag"]
        events = body.count(b"BEGIN:VEVENT")
        full, cached = [], []
        for _ in range(args.polls):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            full.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
            cached.append(time.perf_counter() - start)
    bare_app = Starlette(routes=[Route("/f.ics", lambda request: Response(
        body, media_type="text/calendar"))])
    bare = []
    with TestClient(bare_app) as client:
        for _ in range(args.polls):
            start = time.perf_counter()
            client.get("/f.ics")
            bare.append(time.perf_counter() - start)
    parsed = icalendar.Calendar.from_ical(body)
    rebuilt = [FeedEvent(str(e["UID"]), e["DTSTART"].dt, str(e["SUMMARY"]),
                         str(e["DESCRIPTION"]), "RRULE" in e) for e in parsed.walk("VEVENT")]
    start = time.perf_counter()
    write_feed(rebuilt, stamp=datetime.now(UTC), name="bench")
    ours = time.perf_counter() - start
    theirs = _icalendar(rebuilt)
    contacts = kb.book.list_contacts(me.id, ContactQuery(limit=1)).total
    print(f"book: {contacts:,} contacts, {dated:,} birthdays; feed: {events:,} events, "
          f"{len(body) / 1e6:.1f} MB")
    print(f"first answer (built): {cold * 1000:.0f} ms")
    for name, times in (("poll, whole body", full), ("poll with ETag (304)", cached),
                        ("bare response, same bytes", bare)):
        p50, p95 = _percentiles(times)
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"writing the events: Kithbook {ours * 1000:.0f} ms, icalendar library "
          f"{theirs * 1000:.0f} ms ({theirs / ours:.1f}x)")
    kb.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
