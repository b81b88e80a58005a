"""The application factory: nothing is built until `create_app` is called."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kithbook import __version__
from kithbook.services.facade import Kithbook
from kithbook.services.feed import FEED_PATH
from kithbook.web import auth, errors, filters, incoming, limits, local_guard
from kithbook.web.api import accounts as accounts_api
from kithbook.web.api import consent as consent_api
from kithbook.web.api import contacts as contacts_api
from kithbook.web.api import depth as depth_api
from kithbook.web.api import docs as api_docs
from kithbook.web.api import introductions as intros_api
from kithbook.web.api import links as links_api
from kithbook.web.api import map as map_api
from kithbook.web.api import notifications as notifications_api
from kithbook.web.api import paths as paths_api
from kithbook.web.api import policies as policies_api
from kithbook.web.api import profile as profile_api
from kithbook.web.api import transfer as transfer_api
from kithbook.web.api import undo as undo_api
from kithbook.web.auth import Community
from kithbook.web.idempotency import IdempotentWrites
from kithbook.web.pages import accounts as account_pages
from kithbook.web.pages import book as book_pages
from kithbook.web.pages import capture as capture_pages
from kithbook.web.pages import consent as consent_pages
from kithbook.web.pages import dates as date_pages
from kithbook.web.pages import depth as depth_pages
from kithbook.web.pages import feed as feed_pages
from kithbook.web.pages import interactions as interaction_pages
from kithbook.web.pages import introductions as intro_pages
from kithbook.web.pages import knows as knows_pages
from kithbook.web.pages import links as link_pages
from kithbook.web.pages import map as map_pages
from kithbook.web.pages import notifications as notification_pages
from kithbook.web.pages import paths as path_pages
from kithbook.web.pages import policies as policy_pages
from kithbook.web.pages import quick_log as quick_log_pages
from kithbook.web.pages import sync as sync_pages
from kithbook.web.pages import transfer as transfer_pages

HERE = Path(__file__).parent

# No inline script or style anywhere, so the policy can forbid both.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# A year: what browsers and the preload list expect; only sent where HTTPS is known.
HSTS = "max-age=31536000"


class _SecurityHeaders:
    """Adds the headers above to every response (plain ASGI: no per-request task).

    Every answer but a static asset is private (a page of the book, an API answer, an
    error naming what was asked), so it is `Cache-Control: no-store`: no browser history,
    shared cache or proxy keeps a copy. HSTS goes out where the server knows it is reached
    over HTTPS: always when the configured public URL is https (`hsts_always`), else on a
    request that arrived over HTTPS (`hsts_on_https`: directly, or as the trusted proxy's
    X-Forwarded-Proto said, which uvicorn puts in the scope)."""

    def __init__(self, app: ASGIApp, *, hsts_always: bool = False,
                 hsts_on_https: bool = False) -> None:
        self.app = app
        self.hsts_always = hsts_always
        self.hsts_on_https = hsts_on_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = not scope["path"].startswith("/static/")
        # A calendar feed says itself how it may be kept (with its ETag, by its reader).
        own_rule = scope["path"].startswith(FEED_PATH)
        hsts = self.hsts_always or (self.hsts_on_https and scope.get("scheme") == "https")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if private and not (own_rule and "cache-control" in headers):
                    headers["Cache-Control"] = "no-store"
                if hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _ThreadLimit:
    """Runs at most `threads` plain `def` routes of this process at once (anyio's limiter,
    one per event loop, read on every request since a test client brings its own loop).

    Fewer threads contend less for the interpreter lock, which SQLite gives up at every
    row: under 20 clients a request costs a third less CPU with one or two threads than
    with anyio's 40 (docs/benchmarks.md). More let a slow request run beside others."""

    def __init__(self, app: ASGIApp, threads: int) -> None:
        self.app = app
        self.threads = threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = anyio.to_thread.current_default_thread_limiter()
        if limiter.total_tokens != self.threads:
            limiter.total_tokens = self.threads
        await self.app(scope, receive, send)


def _public_host(kb: Kithbook) -> str | None:
    """The `Host` of the configured public URL, when it is not this machine's own."""
    host = urlsplit(kb.settings.public_url).netloc
    return None if not host or local_guard.is_loopback_host(host) else host


def create_app(kb: Kithbook, community: Community | None = None, *,
               threads: int | None = None) -> FastAPI:
    """A web app over these services.

    Local mode (no `community`): the book's one member, no login, answering this machine's
    pages and scripts only (`local_guard`). Community mode: members sign in (sessions or
    API tokens). In both, a write made with a cookie needs its CSRF token. `threads`:
    how many plain `def` routes run at once (anyio's default, 40, when None).
    """
    app = FastAPI(
        title="Kithbook",
        version=__version__,
        description="Your private book of relationships. Every error has the shape "
                    '`{"error": {"code", "message", "field"}}`.',
        docs_url=None,  # served from the package's own files (web/api/docs.py)
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(incoming.refuse_nul),
                      *([Depends(local_guard.guard_writes)] if community is None else [])],
    )
    app.state.kb = kb
    app.state.community = community
    app.state.templates = _templates(community)
    limits.install(app, kb.settings)  # body size, imports at once, uploads
    _add_middleware(app, kb, community, threads)
    errors.install(app)
    auth.install(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    api_docs.install(app)
    _include_routers(app, community)
    return app


def _templates(community: Community | None) -> Jinja2Templates:
    """The pages' templates, with the filters and globals every page uses."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Templates ship with the package and do not change under a running app: compiled
    # once, not checked against their files on every page.
    templates.env.auto_reload = False
    filters.install(templates.env)
    templates.env.globals.update(csrf_input=auth.csrf_input, csrf_value=auth.csrf_value)
    templates.env.globals["community"] = community is not None
    return templates


def _add_middleware(app: FastAPI, kb: Kithbook, community: Community | None,
                    threads: int | None) -> None:
    """The middleware, in the order it is added (the last added runs first)."""
    # A write sent again with its Idempotency-Key (a client retrying) is made once.
    app.add_middleware(IdempotentWrites)
    # A local book is plain HTTP on loopback: HSTS there would only confuse a browser.
    app.add_middleware(_SecurityHeaders,
                       hsts_always=community is not None
                       and kb.settings.public_url.startswith("https://"),
                       hsts_on_https=community is not None)
    if threads is not None:
        app.add_middleware(_ThreadLimit, threads=threads)
    if community is None:
        app.add_middleware(local_guard.LoopbackOnly,  # added last: runs first
                           public_host=_public_host(kb))


def _include_routers(app: FastAPI, community: Community | None) -> None:
    """Every page and API route; accounts, links and notifications only in a community.
    Order matters where two paths could match the same URL."""
    for module in (contacts_api, undo_api, depth_api, book_pages, interaction_pages,
                   quick_log_pages, date_pages, knows_pages, intros_api, consent_api,
                   policies_api,
                   consent_pages,  # before the moves' /introductions/{id}/{move}
                   intro_pages, policy_pages, transfer_api, transfer_pages, paths_api,
                   path_pages, depth_pages, map_api, map_pages, capture_pages, feed_pages,
                   sync_pages, profile_api):
        app.include_router(module.router)
    if community is not None:
        for module in (account_pages, accounts_api, link_pages, links_api,
                       notification_pages, notifications_api):
            app.include_router(module.router)
