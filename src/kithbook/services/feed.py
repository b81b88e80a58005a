"""Use cases of the calendar feed: its secret address (shown, renewed), and the calendar
a calendar app reads there without signing in.

The address holds a 256-bit token; the database keeps only its SHA-256 (`sessions`), so
renewing the token (a new row) ends the old address at once, and a copy of the database
opens no feed. Everything in a feed is read from the book of the member the token names,
and nothing else: the token is the only thing a request brings.

A feed is polled, so the calendar is kept in the services' cache under the member's own
book version (and the day, the alarm, the state of their introductions and their
cadences): a poll of an unchanged book costs a lookup, and `ETag`/`Last-Modified` let the
calendar app skip even the body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time

from kithbook.domain.errors import NotFound
from kithbook.domain.feed import check_alarm, date_events, intro_events, touch_events
from kithbook.domain.ids import MemberId
from kithbook.graph.strength import StrengthParams
from kithbook.io.feed_ics import write_feed
from kithbook.services import depth, stored_strength
from kithbook.services import introductions as intros
from kithbook.services.path_network import PathsCache
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.sessions import new_token, token_hash

FEED_PATH = "/feed/"
NO_FEED = "no calendar feed at this address; it may have been renewed: copy the new one " \
          "from Settings."


@dataclass(frozen=True)
class FeedAddress:
    """A member's feed: the secret (only when just made), since when, and its alarm."""

    token: str | None
    created_at: datetime
    alarm_minutes: int | None

    def url(self, base: str) -> str | None:
        return f"{base.rstrip('/')}{FEED_PATH}{self.token}.ics" if self.token else None


@dataclass(frozen=True)
class FeedBody:
    text: bytes
    etag: str  # quoted, as the header carries it
    built_at: datetime

    @property
    def last_modified(self) -> datetime:
        return self.built_at.replace(microsecond=0)


def feed_address(uow: UnitOfWork, actor: MemberId) -> FeedAddress | None:
    """The member's feed as stored (no secret: only its hash is kept); None if none yet."""
    with uow.reading():
        found = uow.feeds.of(actor)
    return FeedAddress(None, *found) if found else None


def renew_feed(uow: UnitOfWork, actor: MemberId, clock: Clock, *,
               alarm_minutes: int | None = None) -> FeedAddress:
    """A new secret address; the old one answers 404 from now on. The alarm stays as it
    was unless one is given."""
    check_alarm(alarm_minutes)
    token = new_token()
    with uow:
        old = uow.feeds.of(actor)
        alarm = alarm_minutes if alarm_minutes is not None or old is None else old[1]
        now = clock.now()
        uow.feeds.put(actor, token_hash(token), now, alarm)
        uow.commit()
    return FeedAddress(token, now, alarm)


def set_alarm(uow: UnitOfWork, actor: MemberId, alarm_minutes: int | None) -> None:
    check_alarm(alarm_minutes)
    with uow:
        if not uow.feeds.set_alarm(actor, alarm_minutes):
            raise NotFound("you have no calendar feed yet; make one first "
                           "(`kithbook feed renew`, or Settings).")
        uow.commit()


def read_feed(uow: UnitOfWork, token: str, clock: Clock, params: StrengthParams,
              cache: PathsCache | None = None) -> FeedBody:
    """The calendar behind a feed address, or `NotFound` (the same for a token that never
    was and for one renewed since)."""
    with uow.reading():
        found = uow.feeds.member_for(token_hash(token)) if _well_formed(token) else None
    if found is None:
        raise NotFound(NO_FEED)
    member, alarm = found
    today = clock.today()
    stored_strength.bring_up_to_date(uow, member, today, params)
    views = intros.list_introductions(uow, member)
    moves = tuple((v.id, v.version) for v in views)
    with uow.reading():
        cadences = uow.depth.tag_cadences(member)

        def build() -> FeedBody:
            states, ties = depth.due_dates(uow, member, today, params, cadences)
            dates = uow.dates.for_owner(member)
            names = uow.contacts.names_of(member, sorted(dates)) if dates else {}
            events = [*touch_events(states, ties), *date_events(dates, names),
                      *intro_events(views, today)]
            events.sort(key=lambda e: (e.day, e.uid))
            text = write_feed(events, stamp=datetime.combine(today, time(), UTC),
                              name="Kithbook: keep in touch",
                              alarm_minutes=alarm).encode("utf-8")
            digest = hashlib.sha256(text).hexdigest()[:32]
            return FeedBody(text, f'"{digest}"', clock.now())

        key = repr(("feed", member, today, params, alarm, moves, sorted(cadences.items())))
        if cache is None:
            return build()
        return cache.value(uow, key, build, owner=member)


def _well_formed(token: str) -> bool:
    """A token as `new_token` makes them (43 URL-safe characters): anything else is not
    looked up at all."""
    return len(token) == 43 and token.replace("-", "").replace("_", "").isalnum() \
        and token.isascii()
