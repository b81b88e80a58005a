"""`AccountCases`, reached as `kb.accounts`: community accounts: invitations, signing in,
sessions, passwords, API tokens, one's profile.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from datetime import timedelta

from kithbook.domain.accounts import ApiToken, Invitation, PasswordReset, SessionInfo, SessionPolicy
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member
from kithbook.domain.members import Role as MemberRole
from kithbook.services import (
    accounts,
    retry,
    sessions,
)
from kithbook.services import profile as profiles
from kithbook.services.bound import Bound


@retry.retried_when_busy
class AccountCases(Bound):
    # Tokens (`session`, `token`) are the secrets the client holds; storage sees hashes.
    def create_admin(self, email: str, name: str, password: str) -> Member:
        return accounts.create_admin(self._uow(), email, name, password, self.clock)

    def invite(self, actor: MemberId | None, email: str, *, role: MemberRole = MemberRole.MEMBER
               ) -> tuple[Invitation, str]:
        return accounts.invite(self._uow(), actor, email, self.clock, role=role)

    def invitation(self, token: str) -> Invitation:
        return accounts.invitation(self._uow(), token, self.clock)

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(idle=timedelta(hours=self.settings.session_idle_hours),
                             lifetime=timedelta(days=self.settings.session_lifetime_days))

    def accept_invitation(self, token: str, name: str, password: str, *,
                          replacing: str | None = None,
                          user_agent: str | None = None) -> tuple[Member, str]:
        return accounts.accept_invitation(self._uow(), token, name, password, self.clock,
                                          replacing=replacing, policy=self.session_policy,
                                          user_agent=user_agent)

    def log_in(self, email: str, password: str, address: str, *,
               replacing: str | None = None, user_agent: str | None = None
               ) -> tuple[Member, str]:
        return accounts.log_in(self._uow(), email, password, address, self.clock,
                               replacing=replacing, policy=self.session_policy,
                               user_agent=user_agent)

    def log_out(self, session: str) -> None:
        sessions.end_session(self._uow(), session)

    def member_for_session(self, session: str) -> Member | None:
        return sessions.member_for_session(self._uow(), session, self.clock,
                                           self.session_policy)

    def member_for_api_token(self, token: str) -> Member | None:
        return sessions.member_for_api_token(self._uow(), token, self.clock)

    def my_sessions(self, actor: MemberId, current: str | None = None) -> list[SessionInfo]:
        return sessions.my_sessions(self._uow(), actor, current)

    def end_my_session(self, actor: MemberId, session_id: str) -> None:
        sessions.end_my_session(self._uow(), actor, session_id)

    def sign_out_everywhere(self, actor: MemberId) -> None:
        sessions.end_all_sessions(self._uow(), actor)

    def sweep_sessions(self) -> int:
        """End idle and expired sessions and old reset links (a background job)."""
        return sessions.sweep(self._uow(), self.clock, self.session_policy)

    # passwords: change (knowing the current one) and reset by email
    def change_password(self, actor: MemberId, current: str, new: str, *,
                        session: str | None = None,
                        user_agent: str | None = None) -> str | None:
        return accounts.change_password(self._uow(), actor, current, new, self.clock,
                                        session=session, policy=self.session_policy,
                                        user_agent=user_agent)

    def set_password(self, email: str, new: str) -> Member:
        """The operator's command: a new password for an account, without the old one."""
        return accounts.set_password(self._uow(), email, new, self.clock)

    def request_password_reset(self, email: str, address: str) -> str:
        return accounts.request_password_reset(self._uow(), email, address, self.clock)

    def password_reset(self, token: str) -> PasswordReset:
        return accounts.password_reset(self._uow(), token, self.clock)

    def reset_password(self, token: str, new: str) -> Member:
        return accounts.reset_password(self._uow(), token, new, self.clock)

    def profile(self, actor: MemberId) -> profiles.Profile:
        return profiles.profile(self._uow(), actor)

    def set_profile(self, actor: MemberId, *, name: str | None = None,
                    organization: str | None = None,
                    title: str | None = None) -> profiles.Profile:
        return profiles.set_profile(self._uow(), actor, name=name,
                                    organization=organization, title=title)

    def create_api_token(self, actor: MemberId, name: str) -> tuple[ApiToken, str]:
        return accounts.create_api_token(self._uow(), actor, name, self.clock)

    def api_tokens(self, actor: MemberId) -> list[ApiToken]:
        return accounts.api_tokens(self._uow(), actor)

    def revoke_api_token(self, actor: MemberId, token_id: str) -> None:
        accounts.revoke_api_token(self._uow(), actor, token_id)
