"""Local mode: a book served on loopback answers this machine's own pages and scripts only.

A local book has no login, so any web page the member opens could try to use it. Three
fences, one per way such a page could:

- **DNS rebinding.** A site that makes its own name resolve to 127.0.0.1 reaches the
  server with that name in `Host`, and its page may then read the answers. Every request
  whose `Host` is not a loopback name or address is refused with 421 before any route
  runs (`LoopbackOnly`). The one exception: with a public URL configured, the pages a
  consent link opens answer at that URL's host (nothing of the book is on them).
- **Cross-site writes.** A state-changing request whose `Origin` or `Sec-Fetch-Site`
  says another site (or another port) started it is refused with 403 (`auth.same_site`,
  the check community logins use).
- **CSRF.** A browser gets a random cookie on its first page (`HttpOnly`,
  `SameSite=Strict`); every form, and every call that carries the cookie, must carry the
  CSRF token derived from it (`auth.check_csrf`, the check of a community session). A
  script's JSON call carries no cookie and needs no token: no page of another site can
  send a JSON body (or a PUT, PATCH or DELETE) here without a CORS preflight, which this
  server never grants.
"""

from __future__ import annotations

import ipaddress
import json
import secrets

from fastapi import Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kithbook.services.sessions import csrf_token
from kithbook.web.auth import READS_ONLY, UNSAFE, CsrfRefused, check_csrf, same_site
from kithbook.web.errors import error_body

COOKIE = "kithbook_local"
# What a local book shows at its public URL: a consent link's page and its style.
PUBLIC_PATHS = ("/answer/", "/static/")
COOKIE_DAYS = 400  # the longest a browser keeps a cookie (RFC 6265bis)
# What a page of another site can send without a preflight, besides forms: the rest
# (JSON above all) only a script or this site's own pages can send.
_SCRIPT_TYPES = ("application/json",)

SCRIPT_HINT = ("A script sends JSON; a form or a file upload must come from the book's own "
               "pages, or carry the X-CSRF-Token of the page it was read from.")


def is_loopback_host(host: str) -> bool:
    """`Host` names this machine: localhost, 127.0.0.0/8 or [::1], with any port."""
    name = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
    if name.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class LoopbackOnly:
    """Refuses a `Host` that is not this machine's, and gives each browser its cookie.

    Plain ASGI, outermost: a refused request reaches no route and reads nothing."""

    def __init__(self, app: ASGIApp, public_host: str | None = None) -> None:
        self.app = app
        self.public_host = public_host.lower() if public_host else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not (is_loopback_host(host) or self._public(host, scope["path"])):
            await _misdirected(scope, host, send)
            return
        cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE) or None
        path: str = scope["path"]
        # Pages mint the cookie; the API does not, so a script's client never picks up a
        # cookie that would then ask it for a token.
        minted = None
        if cookie is None and not path.startswith(("/api/", "/static/")):
            minted = cookie = secrets.token_urlsafe(32)
        if cookie is not None:
            # What this request's forms carry (`auth.csrf_input`).
            scope.setdefault("state", {})["csrf"] = csrf_token(cookie)
        if minted is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{COOKIE}={minted}; HttpOnly; Max-Age={COOKIE_DAYS * 86400}"
                                  "; Path=/; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


    def _public(self, host: str, path: str) -> bool:
        """A consent link's page, reached at the book's public URL (a tunnel or proxy to
        this machine, KITHBOOK_PUBLIC_URL): the only pages anyone else may open."""
        return (self.public_host is not None and host.lower() == self.public_host
                and path.startswith(PUBLIC_PATHS))


async def _misdirected(scope: Scope, host: str, send: Send) -> None:
    message = (f"this book answers only at this machine's own address (127.0.0.1 or "
               f"localhost), not at {host[:100]!r}. Open the address `kithbook serve` "
               "printed.")
    if scope["path"].startswith("/api/"):
        body = json.dumps(error_body("misdirected_request", message, None)).encode()
        kind = b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 421,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def guard_writes(request: Request) -> None:
    """Every route's first dependency in local mode: a write comes from this site's own
    pages (with their CSRF token) or from a script on this machine."""
    if request.method not in UNSAFE or request.url.path in READS_ONLY:
        return
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site not in (None, "same-origin", "none") or not same_site(request):
        raise CsrfRefused
    session = request.cookies.get(COOKIE)
    if session is None:
        if _script_body(request):
            return
        raise CsrfRefused(SCRIPT_HINT)
    await check_csrf(request, session)


def _script_body(request: Request) -> bool:
    kind = request.headers.get("content-type")
    if kind is None:
        return True
    main = kind.split(";", 1)[0].strip().lower()
    return main in _SCRIPT_TYPES or main.endswith("+json")
