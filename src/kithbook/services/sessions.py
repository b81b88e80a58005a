"""Tokens: sessions, API tokens, invitation and reset links, stored only as hashes.

Each token carries 256 random bits; the database keeps its SHA-256, so a copy of the
database opens no session. The CSRF token of a session is derived from the session
token itself: only someone who holds the (HttpOnly) cookie can know it.

A session ends at the first of: sign-out, `SessionPolicy.idle` without a request,
`SessionPolicy.lifetime` after sign-in, a password change, or "sign out everywhere".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from kithbook.domain.accounts import SESSION_LIFETIME, SESSION_TOUCH, SessionInfo, SessionPolicy
from kithbook.domain.errors import NotFound
from kithbook.domain.ids import MemberId, new_id
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
             replacing: str | None, *, lifetime: timedelta = SESSION_LIFETIME,
             user_agent: str | None = None) -> str:
    """Inside an open unit of work: a fresh session, ending the one it replaces."""
    if replacing:
        uow.accounts.end_session(token_hash(replacing))
    token = new_token()
    uow.accounts.add_session(token_hash(token), member_id, now, now + lifetime,
                             session_id=new_id(), user_agent=user_agent)
    return token


def member_for_session(uow: UnitOfWork, token: str, clock: Clock,
                       policy: SessionPolicy | None = None) -> Member | None:
    """The member a live session belongs to; a request also marks it as still in use."""
    policy = policy or SessionPolicy()
    now = clock.now()
    hashed = token_hash(token)
    with uow.reading():
        found = uow.accounts.live_session(hashed, now, now - policy.idle)
    if found is None:
        return None
    member, last_seen = found
    if now - last_seen >= SESSION_TOUCH:
        with uow:
            uow.accounts.touch_session(hashed, now)
            uow.commit()
    return member


def end_session(uow: UnitOfWork, token: str) -> None:
    with uow:
        uow.accounts.end_session(token_hash(token))
        uow.commit()


def my_sessions(uow: UnitOfWork, actor: MemberId, current: str | None) -> list[SessionInfo]:
    """The actor's signed-in browsers; the one making the request is marked `current`."""
    mine = token_hash(current) if current else None
    with uow.reading():
        found = uow.accounts.sessions_of(actor)
    return [SessionInfo(info.id, info.created_at, info.last_seen_at, info.expires_at,
                        info.user_agent, current=hashed == mine) for info, hashed in found]


def end_my_session(uow: UnitOfWork, actor: MemberId, session_id: str) -> None:
    with uow:
        if not uow.accounts.end_session_of(actor, session_id):
            raise NotFound(f"no session with the id {session_id!r}.")
        uow.commit()


def end_all_sessions(uow: UnitOfWork, actor: MemberId) -> None:
    """Sign out everywhere: every browser of the actor, this one included."""
    with uow:
        uow.accounts.end_sessions_of(actor)
        uow.commit()


def sweep(uow: UnitOfWork, clock: Clock, policy: SessionPolicy) -> int:
    """Delete ended sessions and spent or expired reset links (a background job)."""
    now = clock.now()
    with uow:
        ended = uow.accounts.end_expired_sessions(now, now - policy.idle)
        uow.accounts.end_old_resets(now)
        uow.commit()
    return ended


def member_for_api_token(uow: UnitOfWork, token: str, clock: Clock) -> Member | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    with uow:
        member = uow.accounts.token_member(token_hash(token), clock.now())
        uow.commit()
        return member
