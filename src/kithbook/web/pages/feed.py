"""The calendar feed: the `.ics` a calendar app polls without signing in (the secret in
its address names the book), and the Settings section that makes, renews and explains it.
"""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.config import DEFAULT_PUBLIC_URL
from kithbook.domain.errors import InvalidInput
from kithbook.services.facade import Kithbook
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.policies import settings_with

router = APIRouter(include_in_schema=False)

# Calendar apps may keep the feed and ask again with its ETag; no shared cache may.
CACHING = "private, no-cache"


@router.get("/feed/{token}.ics")
def calendar_feed(token: str, request: Request, kb: Services) -> Response:
    body = kb.notices.read_feed(token)
    headers = {"ETag": body.etag, "Last-Modified": format_datetime(body.last_modified,
                                                                   usegmt=True),
               "Cache-Control": CACHING}
    if _unchanged(request, body.etag, body.last_modified.timestamp()):
        return Response(status_code=304, headers=headers)
    return Response(body.text, media_type="text/calendar; charset=utf-8", headers=headers)


def _unchanged(request: Request, etag: str, modified: float) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since."""
    tags = request.headers.get("if-none-match")
    if tags is not None:
        return any(t.strip().removeprefix("W/") in (etag, "*") for t in tags.split(","))
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= modified
        except (TypeError, ValueError):
            return False
    return False


@router.post("/settings/feed", response_class=HTMLResponse)
def renew_feed(request: Request, kb: Services, me: CurrentMember,
               form: FormFields) -> HTMLResponse:
    """A new address, shown on this page once: only its hash is kept."""
    made = kb.notices.renew_feed(me.id)
    return settings_with(request, kb, me.id, feed_url=made.url(_reached_at(request, kb)))


def _reached_at(request: Request, kb: Kithbook) -> str:
    """Where a calendar reaches this server: the public URL when one is set, else where
    this page was asked for (a local server on another port than the default's)."""
    if kb.settings.public_url != DEFAULT_PUBLIC_URL:
        return kb.settings.public_url
    return str(request.base_url).rstrip("/")


@router.post("/settings/feed/alarm", response_class=HTMLResponse)
def feed_alarm(request: Request, kb: Services, me: CurrentMember,
               form: FormFields) -> HTMLResponse:
    text = form.get("alarm", "").strip()
    try:
        if text and not text.lstrip("-").isdigit():
            raise InvalidInput(f"the alarm is a number of minutes; got {text[:20]!r}.",
                               field="alarm")
        kb.notices.set_feed_alarm(me.id, int(text) if text else None)
    except InvalidInput as error:
        return settings_with(request, kb, me.id, feed_error=error)
    return settings_with(request, kb, me.id, feed_notice="Alarm saved.")
