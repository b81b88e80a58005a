"""Tokens: sessions, API tokens and invitation links, stored only as hashes.

Each token carries 256 random bits; the database keeps its SHA-256, so a copy of the
database opens no session. The CSRF token of a session is derived from the session
token itself: only someone who holds the (HttpOnly) cookie can know it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from kithbook.domain.accounts import SESSION_LIFETIME
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member
from kithbook.services.ports import Clock, UnitOfWork

API_TOKEN_PREFIX = "kb_"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_token(session_token: str) -> str:
    return hashlib.sha256(b"csrf\0" + session_token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_matches(session_token: str, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(csrf_token(session_token), supplied or "")


def start_in(uow: UnitOfWork, member_id: MemberId, now: datetime,
             replacing: str | None) -> str:
    """Inside an open unit of work: a fresh session, ending the one it replaces."""
    if replacing:
        uow.accounts.end_session(token_hash(replacing))
    token = new_token()
    uow.accounts.add_session(token_hash(token), member_id, now, now + SESSION_LIFETIME)
    return token


def member_for_session(uow: UnitOfWork, token: str, clock: Clock) -> Member | None:
    with uow.reading():
        return uow.accounts.session_member(token_hash(token), clock.now())


def end_session(uow: UnitOfWork, token: str) -> None:
    with uow:
        uow.accounts.end_session(token_hash(token))
        uow.commit()


def member_for_api_token(uow: UnitOfWork, token: str, clock: Clock) -> Member | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    with uow:
        member = uow.accounts.token_member(token_hash(token), clock.now())
        uow.commit()
        return member
