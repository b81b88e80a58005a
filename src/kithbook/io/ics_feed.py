"""A subscribed calendar (an ICS URL), fetched only when it changed.

The server's ETag and Last-Modified are sent back (If-None-Match, If-Modified-Since);
an answer of 304 means nothing to read. The body is capped like an imported calendar.
Every failure is one plain sentence in an `ImapError`-like `FeedError`.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.io.limits import DEFAULT_LIMITS
from kithbook.io.unreachable import reason_sentence

TIMEOUT = 30.0


class FeedError(KithbookError):
    """A plain sentence about what went wrong fetching the calendar; nothing was stored."""


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: unchanged since the state given
    state: dict[str, Any]


def check_url(url: str) -> str:
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "webcal") or not parts.netloc:
        raise InvalidInput(f"{url!r} is not a calendar address; give one starting with "
                           "https:// (or webcal://).", field="url")
    if parts.scheme == "webcal":
        value = "https" + value[len("webcal"):]
    return value


def fetch(url: str, state: dict[str, Any], *, timeout: float = TIMEOUT) -> Fetched:
    """The calendar at `url`, or None when it has not changed since `state`."""
    request = urllib.request.Request(check_url(url), headers={"User-Agent": "Kithbook"})
    if state.get("etag"):
        request.add_header("If-None-Match", str(state["etag"]))
    if state.get("last_modified"):
        request.add_header("If-Modified-Since", str(state["last_modified"]))
    host = urlsplit(request.full_url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            limit = DEFAULT_LIMITS.max_calendar_bytes
            body = response.read(limit + 1)
            if len(body) > limit:
                raise FeedError(f"the calendar at {host} is larger than {limit // 1_000_000} "
                                "MB; subscribe to a smaller one.")
            new = {k: v for k, v in (("etag", response.headers.get("ETag")),
                                     ("last_modified", response.headers.get("Last-Modified")))
                   if v}
            return Fetched(body, new)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, dict(state))
        if exc.code in (401, 403):
            raise FeedError(f"{host} refused to give the calendar ({exc.code}); the address "
                            "may have expired: copy it again from your calendar.") from None
        if exc.code == 404:
            raise FeedError(f"{host} has no calendar at that address (404); copy it again "
                            "from your calendar.") from None
        raise FeedError(f"{host} answered with an error ({exc.code}); try again later.") from None
    except urllib.error.URLError as exc:
        said = reason_sentence(exc.reason, host)
        raise FeedError(said or f"could not reach {host} ({exc.reason}).") from None
    except TimeoutError:
        raise FeedError(f"{host} did not answer within {timeout:g} seconds.") from None
