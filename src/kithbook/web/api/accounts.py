"""/api/v1 for community accounts: who am I, invitations, API tokens, the members list."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.accounts import ApiToken
from kithbook.domain.members import Member, Role
from kithbook.web.api.schemas import ERRORS
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
def invite(body: InvitationIn, request: Request, kb: Services,
           me: CurrentMember) -> InvitationOut:
    invitation, token = kb.invite(me.id, body.email, role=Role(body.role))
    return InvitationOut(id=invitation.id, email=invitation.email, role=invitation.role.value,
                         expires_at=invitation.expires_at,
                         link=invitation_link(request, token))


@router.get("/admin/members", summary="Every member's account (admins; never their books)")
def members(kb: Services, me: CurrentMember) -> list[AdminMemberOut]:
    return [AdminMemberOut(**MemberOut.of(row.member).model_dump(), may_invite=row.may_invite,
                           joined=row.member.created_at)
            for row in kb.community_members(me.id)]


@router.get("/tokens", summary="Your API tokens")
def tokens(kb: Services, me: CurrentMember) -> list[TokenOut]:
    return [TokenOut.of(t) for t in kb.api_tokens(me.id)]


@router.post("/tokens", status_code=201, summary="Create an API token (shown once)")
def create_token(body: TokenIn, kb: Services, me: CurrentMember) -> NewTokenOut:
    token, raw = kb.create_api_token(me.id, body.name)
    return NewTokenOut(**TokenOut.of(token).model_dump(), token=raw)


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(token_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.revoke_api_token(me.id, token_id)
    return Response(status_code=204)
