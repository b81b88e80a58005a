"""A community server for web tests: members with sessions, browsers that carry them."""

from __future__ import annotations

import re

from apps import app_for
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kithbook.domain.members import Member
from kithbook.services import sessions
from kithbook.services.facade import Kithbook
from kithbook.web.auth import Community

PASSWORD = "lantern orbit velvet"
COOKIE = "__Host-kithbook"
ORIGIN = "https://testserver"


def community_app(kb: Kithbook) -> FastAPI:
    return app_for(kb, Community())


def browser(app: FastAPI) -> TestClient:
    """A client on HTTPS (Secure cookies are only sent there) that shows redirects."""
    return TestClient(app, base_url=ORIGIN, follow_redirects=False)


def signed_in(kb: Kithbook, app: FastAPI, member: Member) -> tuple[TestClient, str]:
    """A browser holding a fresh session of `member`, and that session's CSRF token."""
    with kb.uow() as uow:
        token = sessions.start_in(uow, member.id, kb.clock.now(), None)
        uow.commit()
    client = browser(app)
    client.cookies.set(COOKIE, token)
    return client, sessions.csrf_token(token)


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)
