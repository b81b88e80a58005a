"""/api/v1/links: member links, confirmed by both sides."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.links import LinkView
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["member links"], responses=ERRORS)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contact: str = Field(max_length=200, description="A contact in your book: id or name")
    email: str = Field(max_length=320, description="The member's email on this server")


class LinkOut(BaseModel):
    id: str
    other_name: str = Field(description="Your proposal: the email you named, until the "
                                         "member confirms, then their name. A proposal to "
                                         "you: who made it.")
    contact_name: str | None
    proposed_by_me: bool
    confirmed: bool
    created_at: datetime

    @classmethod
    def of(cls, view: LinkView) -> LinkOut:
        return cls(id=view.id, other_name=view.other_name, contact_name=view.contact_name,
                   proposed_by_me=view.proposed_by_me, confirmed=view.confirmed,
                   created_at=view.created_at)


@router.get("/links", summary="Your links and link requests, both ways")
def links(kb: Services, me: CurrentMember) -> list[LinkOut]:
    return [LinkOut.of(v) for v in kb.community.member_links(me.id)]


@router.post("/links", status_code=202, summary="Ask a member to confirm a link",
             description="The answer, the work done and what your list shows are the same "
                         "whether or not the email is a member's; no email is sent. The "
                         "member whose account has that email sees the proposal in their "
                         "links and confirms it.")
def propose(body: LinkIn, kb: Services, me: CurrentMember) -> Response:
    kb.community.propose_link(me.id, body.contact, body.email)
    return Response(status_code=202)


@router.post("/links/{link_id}/confirm", status_code=204, summary="Confirm a link to you")
def confirm(link_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.community.confirm_link(me.id, link_id)
    return Response(status_code=204)


@router.delete("/links/{link_id}", status_code=204, summary="Unlink, or decline a request")
def unlink(link_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.community.unlink(me.id, link_id)
    return Response(status_code=204)
