"""Who is asking (a session cookie or an API token) in a community, and CSRF in both modes.

A session cookie is ambient (the browser sends it with any request, even one another
site started), so every state-changing request made with it must carry the session's
CSRF token: the `csrf_token` field of a form or the `X-CSRF-Token` header. An API token
is sent deliberately by a script in the `Authorization` header, so it needs none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from kithbook.domain.accounts import SESSION_LIFETIME, TooManyAttempts
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.services.request_keys import unkeyed
from kithbook.services.sessions import csrf_matches, csrf_token
from kithbook.web.errors import _page, error_body, try_again_later

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# POSTs that write nothing and so need no token: a phone's share sheet posts what another
# app shares to the share target with none to give. The page it answers can only be read
# by this site's own pages (no CORS, no framing), like any page a link opens.
READS_ONLY = frozenset({"/log/share"})


@dataclass(frozen=True)
class Community:
    """How a community server runs. `secure_cookies` is off only for `--insecure-dev`."""

    secure_cookies: bool = True

    @property
    def cookie_name(self) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, has
        # Path=/ and no Domain: no subdomain or plain-HTTP page can plant or read it.
        return "__Host-kithbook" if self.secure_cookies else "kithbook_session"

    def set_session(self, response: Response, token: str,
                    lifetime: timedelta = SESSION_LIFETIME) -> None:
        # The browser may keep the cookie for the whole lifetime; the server ends the
        # session sooner when it sits idle (`SessionPolicy.idle`).
        response.set_cookie(self.cookie_name, token,
                            max_age=int(lifetime.total_seconds()), path="/",
                            secure=self.secure_cookies, httponly=True, samesite="lax")

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(self.cookie_name, path="/", secure=self.secure_cookies,
                               httponly=True, samesite="lax")

    def session_of(self, request: Request) -> str | None:
        return request.cookies.get(self.cookie_name) or None


class SignInRequired(Exception):
    """No valid session or API token came with the request."""


class CsrfRefused(Exception):
    """A state-changing request with the session cookie but without its CSRF token, or
    one another site started. `hint` says what a script should do instead."""

    def __init__(self, hint: str | None = None) -> None:
        super().__init__(hint)
        self.hint = hint


def community_of(request: Request) -> Community | None:
    community: Community | None = getattr(request.app.state, "community", None)
    return community


async def authenticate(request: Request, community: Community) -> Member:
    kb: Kithbook = request.app.state.kb
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        member = await run_in_threadpool(unkeyed(kb.accounts.member_for_api_token),
                                         authorization[7:].strip())
        if member is None:
            raise SignInRequired
        return member
    session = community.session_of(request)
    found = await run_in_threadpool(unkeyed(kb.accounts.member_for_session),
                                    session) if session else None
    if found is None or session is None:
        raise SignInRequired
    # What the forms of this request's page carry: worked out once, not once per form.
    request.state.csrf = csrf_token(session)
    await check_csrf(request, session)
    return found


async def check_csrf(request: Request, session: str) -> None:
    """A state-changing request made with the cookie `session` carries its CSRF token."""
    if request.method in UNSAFE and request.url.path not in READS_ONLY and \
            not csrf_matches(session, await _supplied_csrf(request)):
        raise CsrfRefused


async def _supplied_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        # Starlette keeps the parsed form on the request: the route reads it again free.
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def user_agent(request: Request) -> str | None:
    """What the member's session list shows to tell their browsers apart."""
    agent = " ".join(request.headers.get("user-agent", "").split())
    return agent[:200] or None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def same_site(request: Request) -> bool:
    """False for a form another site posted (login CSRF): there is no session to bind to."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def safe_next(target: str | None) -> str:
    """Only a path on this site: `//evil.example` or a full URL would be an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@pass_context
def csrf_input(context: Context) -> Markup:
    """`{{ csrf_input() }}` in every POST form: the hidden field (nothing before sign-in)."""
    token = _csrf_of(context)
    if not token:
        return Markup("")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')


@pass_context
def csrf_value(context: Context) -> str:
    return _csrf_of(context) or ""


def _csrf_of(context: Context) -> str | None:
    request = context.get("request")
    token: str | None = getattr(request.state, "csrf", None) if request is not None else None
    return token


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                error_body("sign_in_required", "sign in first, or send an API token as "
                           "'Authorization: Bearer <token>'.", None),
                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(path, safe='/')}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        message = ("this form is out of date or was sent from another site; reload the page "
                   "and try again.")
        if request.url.path.startswith("/api/"):
            hint = exc.hint or (f"Calls made with the session cookie need the {CSRF_HEADER} "
                                "header.")
            return JSONResponse(error_body("csrf_refused", f"{message} {hint}", None),
                                status_code=403)
        return _page(request, 403, message)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        return try_again_later(request, 429, exc.code, exc.message, exc.retry_after)
