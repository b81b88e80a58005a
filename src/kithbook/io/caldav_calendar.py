"""A CalDAV calendar, read incrementally for capture with the `caldav` library.

Each calendar remembers how far it was read. When the server keeps sync tokens (RFC 6578)
a run asks only for the objects changed since the last token; when it does not, the
objects' ETags are compared with the ones read last time. Either way a run also asks for
the objects with an occurrence between the last run's day and today (a time-range query
the server expands): a meeting that was still ahead last time has taken place since, and
nothing about it changed. What comes back is raw iCalendar, one document per object,
which `io.ics` expands (recurrences, moved and cancelled occurrences) like any calendar.

Every failure becomes a `CalDavError`: one plain sentence, never the password.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as dav_error
from caldav.lib.url import URL

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.io.unreachable import reason_sentence

DEFAULT_TIMEOUT = 30.0
MULTIGET_BATCH = 200


class CalDavError(KithbookError):
    """A plain sentence about what went wrong with the calendar; nothing was stored."""


def check_url(url: str) -> str:
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{url!r} is not a CalDAV address; give the server's or the "
                           "calendar's address, starting with https://.", field="url")
    return value if value.endswith("/") else value + "/"


@dataclass(frozen=True)
class CalDavAccount:
    url: str  # the server, the account's home, or one calendar
    username: str
    password: str = field(repr=False)
    calendars: tuple[str, ...] = ()  # names to read; empty: every calendar found
    timeout: float = DEFAULT_TIMEOUT

    @property
    def where(self) -> str:
        return urlsplit(self.url).netloc


@dataclass
class CalendarChanges:
    """What a run must read: iCalendar documents (name, bytes), and the state the next
    run resumes from (stored only once the run's writes committed)."""

    documents: list[tuple[str, bytes]]
    state: dict[str, Any]
    calendars: int = 0


def read_changes(account: CalDavAccount, state: dict[str, Any], *, today: date,
                 sync_tokens: bool = True) -> CalendarChanges:
    """The objects of the account's calendars that changed, or that have an occurrence
    since the last run, as raw iCalendar. `sync_tokens=False` compares ETags only."""
    client = _client(account)
    with client:
        calendars = _guard(lambda: _pick(client, account), account)
        new_state: dict[str, Any] = {}
        documents: list[tuple[str, bytes]] = []
        for calendar in calendars:
            key = str(calendar.url.canonical())
            reader = _CalendarRead(calendar, dict(state.get(key) or {}), today, sync_tokens)
            documents += _guard(reader.documents, account)
            new_state[key] = reader.state
        return CalendarChanges(documents, new_state, len(calendars))


def check_calendars(account: CalDavAccount) -> list[str]:
    """Sign in and name the calendars that would be read: the "test connection" button."""
    client = _client(account)
    with client:
        return [_name(c) for c in _guard(lambda: _pick(client, account), account)]


def _client(account: CalDavAccount) -> DAVClient:
    return DAVClient(url=check_url(account.url), username=account.username,
                            password=account.password, timeout=int(account.timeout))


def _name(calendar: Any) -> str:
    try:
        shown = calendar.get_display_name()
    except dav_error.DAVError:
        shown = None
    return str(shown or _last_part(calendar))


def _last_part(calendar: Any) -> str:
    return unquote(str(calendar.url.path).rstrip("/").rsplit("/", 1)[-1])


def _pick(client: DAVClient, account: CalDavAccount) -> list[Any]:
    """The calendars to read: the one the address names, or every calendar of the
    account, narrowed to the names asked for."""
    found: list[Any] = list(client.get_calendars())
    wanted = check_url(account.url)
    named = [c for c in found if str(c.url.canonical()) == str(URL(wanted).canonical())]
    calendars = named or found
    if account.calendars:
        names = {n.strip().lower() for n in account.calendars}
        calendars = [c for c in calendars if _name(c).lower() in names
                     or _last_part(c).lower() in names]
        if not calendars:
            raise CalDavError(f"{account.where} has no calendar named "
                              f"{', '.join(account.calendars)}; its calendars are "
                              f"{', '.join(_name(c) for c in found) or 'none'}.")
    if not calendars:
        raise CalDavError(f"{account.where} has no calendars for {account.username}.")
    return calendars


@dataclass
class _CalendarRead:
    calendar: Any
    known: dict[str, Any]
    today: date
    sync_tokens: bool
    state: dict[str, Any] = field(default_factory=dict)

    def documents(self) -> list[tuple[str, bytes]]:
        changed = self._changed()
        due = self._due()
        wanted = [href for href in changed if href not in due]
        fetched: dict[str, bytes] = dict(due)
        for start in range(0, len(wanted), MULTIGET_BATCH):
            batch = [self.calendar.url.join(h) for h in wanted[start:start + MULTIGET_BATCH]]
            for obj in self.calendar.multiget(batch):
                if obj.data:
                    fetched[str(obj.url.canonical())] = _bytes(obj.data)
        self.state["through"] = self.today.isoformat()
        return sorted(fetched.items())

    def _changed(self) -> list[str]:
        if self.sync_tokens and self.known.get("mode", "sync") == "sync":
            try:
                result = self.calendar.get_objects_by_sync_token(
                    self.known.get("sync_token"), load_objects=False, disable_fallback=True)
            except dav_error.AuthorizationError as exc:
                if dav.ValidSyncToken.tag not in getattr(exc, "preconditions", ()):
                    raise
                # The server forgot the token: everything once more (nothing doubles).
                result = self.calendar.get_objects_by_sync_token(
                    None, load_objects=False, disable_fallback=True)
            except (dav_error.ReportError, dav_error.DAVError):
                result = None
            if result is not None:
                self.state.update(mode="sync", sync_token=result.sync_token)
                gone = {str(u) for u in getattr(result, "deleted_urls", ()) or ()}
                return [str(o.url.canonical()) for o in result
                        if str(o.url.canonical()) not in gone]
        return self._changed_etags()

    def _changed_etags(self) -> list[str]:
        response = self.calendar.get_properties([dav.GetEtag()], depth=1,
                                                parse_response_xml=False)
        etags = {}
        own = str(self.calendar.url.canonical())
        for href, props in response.expand_simple_props([dav.GetEtag()]).items():
            url = str(self.calendar.url.join(href).canonical())
            if url != own:
                etags[url] = str(props.get(dav.GetEtag.tag) or "")
        before = dict(self.known.get("etags") or {})
        self.state.update(mode="etag", etags=etags)
        return [url for url, etag in etags.items() if not etag or before.get(url) != etag]

    def _due(self) -> dict[str, bytes]:
        """Objects with an occurrence since the last run: a day either side, since time
        zones put a meeting's day a little apart from UTC's."""
        through = self.known.get("through")
        if through is None or date.fromisoformat(str(through)) >= self.today:
            return {}
        start = datetime.combine(date.fromisoformat(str(through)) - timedelta(days=1),
                                 time(), UTC)
        end = datetime.combine(self.today + timedelta(days=2), time(), UTC)
        found = self.calendar.search(start=start, end=end, event=True)
        return {str(o.url.canonical()): _bytes(o.data) for o in found if o.data}


def _bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it wraps: the library nests the socket's own error."""
    stack: list[BaseException] = [exc]
    seen: set[int] = set()
    while stack:
        found = stack.pop()
        if id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        nested = [found.__cause__, found.__context__, getattr(found, "reason", None),
                  *getattr(found, "args", ())]
        stack += [n for n in nested if isinstance(n, BaseException)]


def _guard(call: Any, account: CalDavAccount) -> Any:
    try:
        return call()
    except CalDavError:
        raise
    except dav_error.AuthorizationError as exc:
        if "forbidden" in str(getattr(exc, "reason", "")).lower():
            raise CalDavError(f"{account.where} does not let {account.username} read that "
                              "calendar; check the address.") from None
        raise CalDavError(f"the server refused the password for {account.username}; check "
                          "it (an app password, if the account uses two-step sign-in)."
                          ) from None
    except dav_error.NotFoundError:
        raise CalDavError(f"{account.where} has no calendar at that address; copy it again "
                          "from your calendar's settings.") from None
    except dav_error.DAVError as exc:
        raise CalDavError(f"{account.where} does not answer like a CalDAV server "
                          f"({_short(exc)}); check the address.") from None
    except (OSError, ValueError) as exc:
        raise _network_error(exc, account) from None


def _network_error(exc: BaseException, account: CalDavAccount) -> CalDavError:
    for cause in _causes(exc):
        said = reason_sentence(cause, account.where)
        if said is not None:
            return CalDavError(said)
        if isinstance(cause, TimeoutError) or "timeout" in type(cause).__name__.lower():
            return CalDavError(f"{account.where} did not answer within "
                               f"{account.timeout:g} seconds; try again later.")
    return CalDavError(f"could not reach {account.where} ({_short(exc)}).")


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", "") or "").strip() or type(exc).__name__
    return text.splitlines()[0][:200]
