"""Accounts in SQL: passwords, invitations, sessions, API tokens, login throttles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.domain.accounts import ApiToken, Invitation, Throttle
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member, Role
from kithbook.storage.members import member_from_row as _member
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    accounts,
    api_tokens,
    invitations,
    login_throttles,
    members,
    sessions,
)


class SqlAccounts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # passwords
    def add(self, member_id: MemberId, password_hash: str, at: datetime, *,
            may_invite: bool = False) -> None:
        self._c.execute(insert(accounts), {"member_id": member_id, "password_hash": password_hash,
                                           "may_invite": may_invite, "created_at": at})

    def with_email(self, email: str) -> tuple[Member, str] | None:
        """The member with this (folded) email and their password hash, if they have one."""
        row = self._c.execute(
            select(members, accounts.c.password_hash)
            .join(accounts, accounts.c.member_id == members.c.id)
            .where(func.lower(members.c.email) == email)).first()
        return (_member(row), row.password_hash) if row else None

    def email_taken(self, email: str) -> bool:
        found = self._c.scalar(select(func.count()).select_from(members)
                               .where(func.lower(members.c.email) == email))
        return bool(found)

    def set_password_hash(self, member_id: MemberId, password_hash: str) -> None:
        self._c.execute(update(accounts).where(accounts.c.member_id == member_id)
                        .values(password_hash=password_hash))

    def may_invite(self, member_id: MemberId) -> bool:
        return bool(self._c.scalar(select(accounts.c.may_invite)
                                   .where(accounts.c.member_id == member_id)))

    def set_may_invite(self, member_id: MemberId, may_invite: bool) -> None:
        self._c.execute(update(accounts).where(accounts.c.member_id == member_id)
                        .values(may_invite=may_invite))

    def all_members(self) -> list[tuple[Member, bool]]:
        """Every member with an account, and whether they may invite, by name."""
        rows = self._c.execute(
            select(members, accounts.c.may_invite)
            .join(accounts, accounts.c.member_id == members.c.id)
            .order_by(members.c.name, members.c.id)).all()
        return [(_member(row), bool(row.may_invite)) for row in rows]

    # invitations
    def add_invitation(self, invitation: Invitation, token_hash: str) -> None:
        self._c.execute(insert(invitations), {
            "id": invitation.id, "email": invitation.email, "role": invitation.role.value,
            "token_hash": token_hash, "invited_by": invitation.invited_by,
            "created_at": invitation.created_at, "expires_at": invitation.expires_at})

    def invitation(self, token_hash: str) -> Invitation | None:
        row = self._c.execute(select(invitations)
                              .where(invitations.c.token_hash == token_hash)).first()
        return _invitation(row) if row else None

    def invitations(self) -> list[Invitation]:
        rows = self._c.execute(select(invitations).order_by(invitations.c.created_at.desc(),
                                                            invitations.c.id)).all()
        return [_invitation(row) for row in rows]

    def accept_invitation(self, invitation_id: str, at: datetime) -> bool:
        """Mark it used; False when someone used it first."""
        done = self._c.execute(update(invitations).where(
            invitations.c.id == invitation_id, invitations.c.accepted_at.is_(None))
            .values(accepted_at=at))
        return done.rowcount == 1

    # sessions
    def add_session(self, token_hash: str, member_id: MemberId, at: datetime,
                    expires_at: datetime) -> None:
        self._c.execute(insert(sessions), {"token_hash": token_hash, "member_id": member_id,
                                           "created_at": at, "expires_at": expires_at})

    def session_member(self, token_hash: str, now: datetime) -> Member | None:
        row = self._c.execute(
            select(members).join(sessions, sessions.c.member_id == members.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)).first()
        return _member(row) if row else None

    def end_session(self, token_hash: str) -> None:
        self._c.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def end_sessions_of(self, member_id: MemberId) -> None:
        self._c.execute(delete(sessions).where(sessions.c.member_id == member_id))

    def end_expired_sessions(self, now: datetime) -> int:
        return int(self._c.execute(delete(sessions).where(sessions.c.expires_at <= now))
                   .rowcount)

    # API tokens
    def add_token(self, token: ApiToken, token_hash: str) -> None:
        self._c.execute(insert(api_tokens), {
            "id": token.id, "member_id": token.member_id, "name": token.name,
            "token_hash": token_hash, "created_at": token.created_at})

    def token_member(self, token_hash: str, now: datetime) -> Member | None:
        row = self._c.execute(
            select(members, api_tokens.c.id.label("token_id"))
            .join(api_tokens, api_tokens.c.member_id == members.c.id)
            .where(api_tokens.c.token_hash == token_hash)).first()
        if row is None:
            return None
        self._c.execute(update(api_tokens).where(api_tokens.c.id == row.token_id)
                        .values(last_used_at=now))
        return _member(row)

    def tokens_of(self, member_id: MemberId) -> list[ApiToken]:
        rows = self._c.execute(select(api_tokens).where(api_tokens.c.member_id == member_id)
                               .order_by(api_tokens.c.created_at, api_tokens.c.id)).all()
        return [ApiToken(id=row.id, member_id=MemberId(row.member_id), name=row.name,
                         created_at=_at(row.created_at),
                         last_used_at=aware(row.last_used_at))
                for row in rows]

    def delete_token(self, member_id: MemberId, token_id: str) -> bool:
        done = self._c.execute(delete(api_tokens).where(
            api_tokens.c.id == token_id, api_tokens.c.member_id == member_id))
        return done.rowcount == 1

    # login throttles
    def throttle(self, key: str) -> Throttle | None:
        row = self._c.execute(select(login_throttles)
                              .where(login_throttles.c.key == key)).first()
        if row is None:
            return None
        return Throttle(row.failures, _at(row.since),
                        aware(row.retry_at))

    def set_throttle(self, key: str, throttle: Throttle) -> None:
        # An upsert: two failed logins at once (two workers) must not collide on the key.
        values = {"failures": throttle.failures, "since": throttle.since,
                  "retry_at": throttle.retry_at}
        upsert = (postgresql_insert if self._c.dialect.name == "postgresql"
                  else sqlite_insert)(login_throttles).values(key=key, **values)
        self._c.execute(upsert.on_conflict_do_update(index_elements=["key"], set_=values))

    def clear_throttle(self, key: str) -> None:
        self._c.execute(delete(login_throttles).where(login_throttles.c.key == key))


def _at(value: datetime) -> datetime:
    result = aware(value)
    assert result is not None
    return result


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row.id, email=row.email, role=Role(row.role),
        invited_by=MemberId(row.invited_by) if row.invited_by else None,
        created_at=_at(row.created_at), expires_at=_at(row.expires_at),
        accepted_at=aware(row.accepted_at))
