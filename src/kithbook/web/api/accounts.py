"""/api/v1 for community accounts: who am I, invitations, API tokens, sessions, password,
my settings, the members list and the community's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.accounts import ApiToken, SessionInfo
from kithbook.domain.community import CommunitySettings
from kithbook.domain.members import Member, Role
from kithbook.web.api.schemas import ERRORS
from kithbook.web.auth import community_of, user_agent
from kithbook.web.deps import CurrentMember, Services
from kithbook.web.pages.accounts import invitation_link

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERRORS)


class MemberOut(BaseModel):
    id: str
    name: str
    email: str | None
    role: str

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(id=member.id, name=member.name, email=member.email, role=member.role.value)


class AdminMemberOut(MemberOut):
    may_invite: bool
    joined: datetime | None


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    role: Literal["member", "admin"] = "member"


class InvitationOut(BaseModel):
    id: str
    email: str
    role: str
    expires_at: datetime
    link: str = Field(description="Shown once: whoever holds it can create the account.")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)


class TokenOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(id=token.id, name=token.name, created_at=token.created_at,
                   last_used_at=token.last_used_at)


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown once; only its hash is kept.")


@router.get("/me", summary="The member making the request")
def me_(me: CurrentMember) -> MemberOut:
    return MemberOut.of(me)


@router.post("/invitations", status_code=201, summary="Invite someone by email")
def invite(body: InvitationIn, kb: Services, me: CurrentMember) -> InvitationOut:
    invitation, token = kb.accounts.invite(me.id, body.email, role=Role(body.role))
    return InvitationOut(id=invitation.id, email=invitation.email, role=invitation.role.value,
                         expires_at=invitation.expires_at,
                         link=invitation_link(kb, token))


@router.get("/admin/members", summary="Every member's account (admins; never their books)")
def members(kb: Services, me: CurrentMember) -> list[AdminMemberOut]:
    return [AdminMemberOut(**MemberOut.of(row.member).model_dump(), may_invite=row.may_invite,
                           joined=row.member.created_at)
            for row in kb.community.community_members(me.id)]


@router.get("/tokens", summary="Your API tokens")
def tokens(kb: Services, me: CurrentMember) -> list[TokenOut]:
    return [TokenOut.of(t) for t in kb.accounts.api_tokens(me.id)]


@router.post("/tokens", status_code=201, summary="Create an API token (shown once)")
def create_token(body: TokenIn, kb: Services, me: CurrentMember) -> NewTokenOut:
    token, raw = kb.accounts.create_api_token(me.id, body.name)
    return NewTokenOut(**TokenOut.of(token).model_dump(), token=raw)


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(token_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.accounts.revoke_api_token(me.id, token_id)
    return Response(status_code=204)


class SessionOut(BaseModel):
    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str | None
    current: bool = Field(description="The session this call was made with.")

    @classmethod
    def of(cls, info: SessionInfo) -> SessionOut:
        return cls(id=info.id, created_at=info.created_at, last_seen_at=info.last_seen_at,
                   expires_at=info.expires_at, user_agent=info.user_agent,
                   current=info.current)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class MySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weekly_digest: bool = Field(description="The weekly digest by email and in the app.")


class CommunitySettingsOut(BaseModel):
    name: str
    members_may_invite: bool
    invitation_days: int
    mail_sender_name: str

    @classmethod
    def of(cls, settings: CommunitySettings) -> CommunitySettingsOut:
        return cls(name=settings.name, members_may_invite=settings.members_may_invite,
                   invitation_days=settings.invitation_days,
                   mail_sender_name=settings.mail_sender_name)


class CommunitySettingsIn(BaseModel):
    """Only what is given changes."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=100)
    members_may_invite: bool | None = None
    invitation_days: int | None = None
    mail_sender_name: str | None = Field(None, max_length=100)


def _cookie_session(request: Request) -> str | None:
    community = community_of(request)
    return community.session_of(request) if community else None


@router.get("/sessions", summary="Where you are signed in")
def my_sessions(request: Request, kb: Services, me: CurrentMember) -> list[SessionOut]:
    return [SessionOut.of(s) for s in kb.accounts.my_sessions(me.id, _cookie_session(request))]


@router.delete("/sessions/{session_id}", status_code=204, summary="Sign one session out")
def end_session(session_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.accounts.end_my_session(me.id, session_id)
    return Response(status_code=204)


@router.delete("/sessions", status_code=204, summary="Sign out everywhere",
               description="Ends every session of yours; API tokens stay (revoke them apart).")
def sign_out_everywhere(kb: Services, me: CurrentMember) -> Response:
    kb.accounts.sign_out_everywhere(me.id)
    return Response(status_code=204)


@router.post("/me/password", status_code=204, summary="Change your password",
             description="Needs the current password. Every session ends; called with the "
                         "session cookie, the answer sets a fresh one for this browser.")
def change_password(body: PasswordIn, request: Request, kb: Services,
                    me: CurrentMember) -> Response:
    community = community_of(request)
    session = _cookie_session(request) if "authorization" not in request.headers else None
    fresh = kb.accounts.change_password(me.id, body.current_password, body.new_password,
                                        session=session, user_agent=user_agent(request))
    response = Response(status_code=204)
    if fresh and community is not None:
        community.set_session(response, fresh, kb.accounts.session_policy.lifetime)
    return response


@router.get("/me/settings", summary="Your account settings")
def my_settings(kb: Services, me: CurrentMember) -> MySettings:
    return MySettings(weekly_digest=kb.notices.weekly_digest_wanted(me.id))


@router.put("/me/settings", summary="Change your account settings")
def change_my_settings(body: MySettings, kb: Services, me: CurrentMember) -> MySettings:
    kb.notices.set_weekly_digest(me.id, body.weekly_digest)
    return MySettings(weekly_digest=kb.notices.weekly_digest_wanted(me.id))


@router.get("/admin/settings", summary="The community's settings (admins)")
def community_settings(kb: Services, me: CurrentMember) -> CommunitySettingsOut:
    return CommunitySettingsOut.of(kb.community.community_settings(me.id))


@router.put("/admin/settings", summary="Change the community's settings (admins)")
def change_community_settings(body: CommunitySettingsIn, kb: Services,
                              me: CurrentMember) -> CommunitySettingsOut:
    return CommunitySettingsOut.of(kb.community.change_community_settings(
        me.id, name=body.name, members_may_invite=body.members_may_invite,
        invitation_days=body.invitation_days, mail_sender_name=body.mail_sender_name))
