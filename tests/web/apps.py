"""One web app per mode for the whole run, handed to each test over its own services.

FastAPI builds every route's models the first time an app is asked for it (about a
tenth of a second for this app), so a fresh app per test cost more than most tests. An
app keeps nothing of a request but what it puts in `app.state`; each test gets the state
back exactly as `create_app` left it, over the test's own services, so nothing one test
did (the local member it signed in, an import's progress) reaches the next.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.datastructures import State

from kithbook.services.facade import Kithbook
from kithbook.services.sessions import csrf_token
from kithbook.web import create_app
from kithbook.web.auth import Community
from kithbook.web.local_guard import COOKIE

LOCAL_ORIGIN = "http://127.0.0.1:8000"
BROWSER_COOKIE = "a-cookie-the-book-gave-this-browser"

_BUILT: dict[Community | None, tuple[FastAPI, State]] = {}


def app_for(kb: Kithbook, community: Community | None = None) -> FastAPI:
    """The app `create_app(kb, community)` makes, built once per mode. One test holds
    one app of a mode at a time: asking again points the same app at the new `kb`."""
    built = _BUILT.get(community)
    if built is None:
        app = create_app(kb, community)
        built = _BUILT[community] = (app, State({name: app.state[name] for name in app.state}))
    app, fresh = built
    app.state = State({**{name: fresh[name] for name in fresh}, "kb": kb})
    return app


def local_browser(app: FastAPI, **options: Any) -> TestClient:
    """A local book's own pages, as a browser holds them: at the loopback address, with
    the cookie the book gave it and that cookie's CSRF token on every request."""
    options.setdefault("base_url", LOCAL_ORIGIN)
    return TestClient(app, cookies={COOKIE: BROWSER_COOKIE},
                      headers={"X-CSRF-Token": csrf_token(BROWSER_COOKIE)}, **options)
