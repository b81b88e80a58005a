"""A community server for web tests: members with sessions, browsers that carry them."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.services import passwords, sessions
from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.auth import Community

PASSWORD = "lantern orbit velvet"
COOKIE = "__Host-kithbook"
ORIGIN = "https://testserver"


def community_app(kb: Kithbook) -> FastAPI:
    return create_app(kb, Community())


def browser(app: FastAPI) -> TestClient:
    """A client on HTTPS (Secure cookies are only sent there) that shows redirects."""
    return TestClient(app, base_url=ORIGIN, follow_redirects=False)


def add_member(kb: Kithbook, name: str, role: Role = Role.MEMBER, *,
               password: str | None = None) -> Member:
    """A member with an account, made directly (no Argon2 work unless a password is given)."""
    member = Member(id=MemberId(new_id()), name=name, email=f"{name.lower()}@example.org",
                    role=role, created_at=kb.clock.now())
    stored = passwords.hash_password(password) if password else "not a usable hash"
    with kb.uow() as uow:
        uow.members.add(member)
        uow.accounts.add(member.id, stored, kb.clock.now())
        uow.commit()
    return member


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
