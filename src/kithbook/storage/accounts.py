"""Accounts in SQL: passwords, invitations, sessions, API tokens, login throttles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.domain.accounts import (
    ApiToken,
    Invitation,
    PasswordReset,
    SessionInfo,
    Throttle,
)
from kithbook.domain.community import CommunitySettings
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member, Role
from kithbook.storage.members import member_from_row as _member
from kithbook.storage.rows import aware
from kithbook.storage.tables import (
    accounts,
    api_tokens,
    community_settings,
    digest_sends,
    invitations,
    login_throttles,
    members,
    password_resets,
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

    def weekly_digest(self, member_id: MemberId) -> bool:
        return bool(self._c.scalar(select(accounts.c.weekly_digest)
                                   .where(accounts.c.member_id == member_id)))

    def set_weekly_digest(self, member_id: MemberId, wanted: bool) -> None:
        self._c.execute(update(accounts).where(accounts.c.member_id == member_id)
                        .values(weekly_digest=wanted))

    def digest_due(self, week_of: date) -> list[Member]:
        """Members who want the weekly digest and have not been sent this week's."""
        sent = select(digest_sends.c.member_id).where(digest_sends.c.week_of == week_of)
        rows = self._c.execute(
            select(members).join(accounts, accounts.c.member_id == members.c.id)
            .where(accounts.c.weekly_digest.is_(True), members.c.email.is_not(None),
                   members.c.id.not_in(sent))
            .order_by(members.c.id)).all()
        return [_member(row) for row in rows]

    def claim_digest(self, member_id: MemberId, week_of: date, at: datetime) -> bool:
        """Record that this week's digest goes to the member; False when it already went.

        The primary key (member, week) decides between two workers: the second insert
        waits for the first to commit, then does nothing.
        """
        values = {"member_id": member_id, "week_of": week_of, "sent_at": at}
        upsert = (postgresql_insert if self._c.dialect.name == "postgresql"
                  else sqlite_insert)(digest_sends).values(**values)
        # RETURNING, not rowcount: psycopg reports no row count for this statement.
        done = self._c.execute(upsert.on_conflict_do_nothing(
            index_elements=["member_id", "week_of"]).returning(digest_sends.c.member_id))
        return done.first() is not None

    # community settings (one row, or the defaults)
    def community_settings(self) -> CommunitySettings:
        row = self._c.execute(select(community_settings)
                              .where(community_settings.c.id == 1)).first()
        if row is None:
            return CommunitySettings()
        return CommunitySettings(name=row.name, members_may_invite=row.members_may_invite,
                                 invitation_days=row.invitation_days,
                                 mail_sender_name=row.mail_sender_name)

    def set_community_settings(self, settings: CommunitySettings, at: datetime) -> None:
        values = {"name": settings.name, "members_may_invite": settings.members_may_invite,
                  "invitation_days": settings.invitation_days,
                  "mail_sender_name": settings.mail_sender_name, "updated_at": at}
        upsert = (postgresql_insert if self._c.dialect.name == "postgresql"
                  else sqlite_insert)(community_settings).values(id=1, **values)
        self._c.execute(upsert.on_conflict_do_update(index_elements=["id"], set_=values))

    # password resets
    def add_reset(self, reset: PasswordReset, token_hash: str) -> None:
        self._c.execute(insert(password_resets), {
            "id": reset.id, "member_id": reset.member_id, "token_hash": token_hash,
            "created_at": reset.created_at, "expires_at": reset.expires_at})

    def issue_reset(self, reset_id: str, token_hash: str, now: datetime,
                    expires_at: datetime) -> bool:
        """Give an unused reset the hash of the token about to be emailed; False when it
        was used or replaced meanwhile."""
        done = self._c.execute(update(password_resets).where(
            password_resets.c.id == reset_id, password_resets.c.used_at.is_(None))
            .values(token_hash=token_hash, expires_at=expires_at))
        return done.rowcount == 1

    def reset(self, token_hash: str) -> PasswordReset | None:
        row = self._c.execute(select(password_resets)
                              .where(password_resets.c.token_hash == token_hash)).first()
        if row is None:
            return None
        return PasswordReset(id=row.id, member_id=MemberId(row.member_id),
                             created_at=_at(row.created_at), expires_at=_at(row.expires_at),
                             used_at=aware(row.used_at))

    def use_reset(self, reset_id: str, at: datetime) -> bool:
        """Spend a reset link; False when it was spent first (by a second click)."""
        done = self._c.execute(update(password_resets).where(
            password_resets.c.id == reset_id, password_resets.c.used_at.is_(None))
            .values(used_at=at))
        return done.rowcount == 1

    def end_resets_of(self, member_id: MemberId, at: datetime) -> None:
        self._c.execute(update(password_resets).where(
            password_resets.c.member_id == member_id, password_resets.c.used_at.is_(None))
            .values(used_at=at))

    def end_old_resets(self, now: datetime) -> int:
        return int(self._c.execute(delete(password_resets).where(
            or_(password_resets.c.expires_at <= now,
                password_resets.c.used_at.is_not(None)))).rowcount)

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
                    expires_at: datetime, *, session_id: str,
                    user_agent: str | None = None) -> None:
        self._c.execute(insert(sessions), {
            "token_hash": token_hash, "member_id": member_id, "created_at": at,
            "expires_at": expires_at, "id": session_id, "last_seen_at": at,
            "user_agent": user_agent[:200] if user_agent else None})

    def session_member(self, token_hash: str, now: datetime) -> Member | None:
        row = self._c.execute(
            select(members).join(sessions, sessions.c.member_id == members.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)).first()
        return _member(row) if row else None

    def live_session(self, token_hash: str, now: datetime,
                     idle_since: datetime) -> tuple[Member, datetime] | None:
        """The member of a session that is neither past its end nor idle since
        `idle_since`, with when it was last seen."""
        row = self._c.execute(
            select(members, sessions.c.last_seen_at.label("session_seen"))
            .join(sessions, sessions.c.member_id == members.c.id)
            .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now,
                   sessions.c.last_seen_at > idle_since)).first()
        return (_member(row), _at(row.session_seen)) if row else None

    def touch_session(self, token_hash: str, at: datetime) -> None:
        self._c.execute(update(sessions).where(sessions.c.token_hash == token_hash,
                                               sessions.c.last_seen_at < at)
                        .values(last_seen_at=at))

    def sessions_of(self, member_id: MemberId) -> list[tuple[SessionInfo, str]]:
        """The member's sessions, most recently seen first, each with its token hash."""
        rows = self._c.execute(select(sessions).where(sessions.c.member_id == member_id)
                               .order_by(sessions.c.last_seen_at.desc(), sessions.c.id)).all()
        return [(SessionInfo(id=row.id, created_at=_at(row.created_at),
                             last_seen_at=_at(row.last_seen_at),
                             expires_at=_at(row.expires_at), user_agent=row.user_agent),
                 row.token_hash) for row in rows]

    def end_session(self, token_hash: str) -> None:
        self._c.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def end_session_of(self, member_id: MemberId, session_id: str) -> bool:
        done = self._c.execute(delete(sessions).where(sessions.c.member_id == member_id,
                                                      sessions.c.id == session_id))
        return done.rowcount == 1

    def end_sessions_of(self, member_id: MemberId) -> None:
        self._c.execute(delete(sessions).where(sessions.c.member_id == member_id))

    def end_expired_sessions(self, now: datetime, idle_since: datetime | None = None) -> int:
        ended = sessions.c.expires_at <= now
        if idle_since is not None:
            ended = or_(ended, sessions.c.last_seen_at <= idle_since)
        return int(self._c.execute(delete(sessions).where(ended)).rowcount)

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

    def end_tokens_of(self, member_id: MemberId) -> None:
        self._c.execute(delete(api_tokens).where(api_tokens.c.member_id == member_id))

    # login throttles
    def throttle(self, key: str) -> Throttle | None:
        row = self._c.execute(select(login_throttles)
                              .where(login_throttles.c.key == key)).first()
        if row is None:
            return None
        return Throttle(row.failures, _at(row.since),
                        aware(row.retry_at))

    def held_throttle(self, key: str) -> Throttle | None:
        # PostgreSQL: a lock on the key itself, since the row may not exist yet (a row lock
        # would hold nothing then). SQLite: this writing transaction already holds the
        # database's write lock (BEGIN IMMEDIATE).
        if self._c.dialect.name == "postgresql":
            self._c.execute(select(func.pg_advisory_xact_lock(
                func.hashtextextended(f"login_throttles:{key}", 0))))
        return self.throttle(key)

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
