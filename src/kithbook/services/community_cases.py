"""`CommunityCases`, reached as `kb.community`: the community as a whole (admins): its
settings, members and who may invite; and member links, a contact confirmed to stand for
a member.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from kithbook.domain.accounts import Invitation
from kithbook.domain.community import CommunitySettings
from kithbook.domain.ids import MemberId
from kithbook.domain.links import LinkView
from kithbook.services import (
    accounts,
    links,
    retry,
)
from kithbook.services.bound import Bound


@retry.retried_when_busy
class CommunityCases(Bound):
    def community_name(self) -> str:
        return accounts.community_name(self._uow())

    def community_settings(self, actor: MemberId) -> CommunitySettings:
        return accounts.community_settings(self._uow(), actor)

    def change_community_settings(self, actor: MemberId, *, name: str | None = None,
                                  members_may_invite: bool | None = None,
                                  invitation_days: int | None = None,
                                  mail_sender_name: str | None = None) -> CommunitySettings:
        return accounts.change_community_settings(
            self._uow(), actor, name=name, members_may_invite=members_may_invite,
            invitation_days=invitation_days, mail_sender_name=mail_sender_name,
            clock=self.clock)

    def community_members(self, actor: MemberId) -> list[accounts.MemberRow]:
        return accounts.members(self._uow(), actor)

    def invitations(self, actor: MemberId) -> list[Invitation]:
        return accounts.invitations(self._uow(), actor)

    def allow_inviting(self, actor: MemberId, member_id: str, allowed: bool) -> None:
        accounts.allow_inviting(self._uow(), actor, member_id, allowed)

    # member links: a contact stands for a member only once both confirmed
    def propose_link(self, actor: MemberId, contact_ref: str, email: str) -> None:
        links.propose(self._uow(), actor, contact_ref, email, self.clock)

    def confirm_link(self, actor: MemberId, link_id: str) -> None:
        links.confirm(self._uow(), actor, link_id, self.clock)

    def unlink(self, actor: MemberId, link_id: str) -> None:
        links.unlink(self._uow(), actor, link_id)

    def member_links(self, actor: MemberId) -> list[LinkView]:
        return links.links(self._uow(), actor)
