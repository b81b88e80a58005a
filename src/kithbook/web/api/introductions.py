"""/api/v1/introductions: ask, answer, close and remember introductions.

Each party reads only their own view of a request; someone who is not a party gets the
404 a missing id gets. Every move takes `If-Match` with the ETag of the version the
person decided on, and answers 412 when someone moved first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status

from kithbook.domain.errors import Conflict
from kithbook.domain.introductions import IntroView
from kithbook.services.introductions import Box, DraftKind
from kithbook.web.api.contacts import etag, version_from
from kithbook.web.api.intro_schemas import (
    AskedIn,
    AskMemberIn,
    BriefOut,
    DeclineIn,
    DraftOut,
    FairUseOut,
    IntroOut,
    MoveIn,
    OutcomeIn,
    RequestIn,
    member_id,
)
from kithbook.web.api.schemas import ERRORS, PageOut
from kithbook.web.deps import CurrentMember, Services
from kithbook.web.errors import PreconditionFailed

router = APIRouter(prefix="/api/v1/introductions", tags=["introductions"],
                   responses={**ERRORS, 403: ERRORS[404]})

IfMatch = Annotated[str | None, Header(description='The ETag you read, e.g. "v3"; 412 when '
                                                  "someone moved first")]
_MOVE = "Send `If-Match` with the ETag you read; 412 when the request changed meanwhile."


def _versioned(response: Response, if_match: str | None,
               move: Callable[[int | None], IntroView]) -> IntroOut:
    expected = version_from(if_match)
    try:
        view = move(expected)
    except Conflict as exc:
        if expected is None:
            raise
        raise PreconditionFailed(exc.message, field="If-Match") from None
    response.headers["ETag"] = etag(view.version)
    return IntroOut.of(view)


@router.get("", summary="Your introductions, newest first",
            description="Closes requests nobody answered in time before listing.")
def list_introductions(
    kb: Services, me: CurrentMember,
    box: Annotated[Box, Query(description="inbox: waiting on you as introducer or target; "
                                          "outbox: what you asked for")] = Box.ALL,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageOut[IntroOut]:
    kb.intros.expire_due()
    views = kb.intros.list_introductions(me.id, box)
    return PageOut[IntroOut](items=[IntroOut.of(v) for v in views[offset:offset + limit]],
                             total=len(views), limit=limit, offset=offset)


@router.get("/fair-use", summary="Your open requests against the cap")
def fair_use(kb: Services, me: CurrentMember) -> FairUseOut:
    return FairUseOut.of(kb.intros.fair_use_status(me.id))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Ask, or record a request",
             description="`kind`: `member` (you ask a member), `received` (someone off "
                         "Kithbook asked you), `asked` (you asked a contact who is not on "
                         "Kithbook).")
def request_introduction(body: Annotated[RequestIn, Body()], kb: Services, me: CurrentMember,
                         response: Response) -> IntroOut:
    if isinstance(body, AskMemberIn):
        introducer = member_id(body.introducer)
        assert introducer is not None  # the schema requires it
        view = kb.intros.request(me.id, introducer, body.target, body.purpose,
                                 note=body.note)
    elif isinstance(body, AskedIn):
        view = kb.intros.record_asked_request(me.id, body.introducer, body.target_name,
                                              body.purpose,
                                              target_email=body.target_email, note=body.note)
    else:
        view = kb.intros.record_received_request(me.id, body.requester_name, body.target,
                                                 body.purpose, requester_email=body.requester_email,
                                                 note=body.note)
    response.headers["ETag"] = etag(view.version)
    response.headers["Location"] = f"/api/v1/introductions/{view.id}"
    return IntroOut.of(view)


@router.get("/{intro_id}", summary="One introduction, as you may see it")
def show_introduction(intro_id: str, kb: Services, me: CurrentMember,
                      response: Response) -> IntroOut:
    view = kb.intros.show(me.id, intro_id)
    response.headers["ETag"] = etag(view.version)
    return IntroOut.of(view)


@router.post("/{intro_id}/forward", summary="Introducer: agree, and ask the target",
             description=_MOVE)
def forward(intro_id: str, body: MoveIn, kb: Services, me: CurrentMember, response: Response,
            if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.forward(
        me.id, intro_id, note=body.note, expected_version=v))


@router.post("/{intro_id}/decline", summary="Say no (introducer, or for the target)",
             description=_MOVE + " The private reason never reaches the requester.")
def decline(intro_id: str, body: DeclineIn, kb: Services, me: CurrentMember,
            response: Response, if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.decline(
        me.id, intro_id, note=body.note, private_reason=body.private_reason,
        expected_version=v))


@router.post("/{intro_id}/accept", summary="Target: say yes; the introduction is made",
             description=_MOVE)
def accept(intro_id: str, body: MoveIn, kb: Services, me: CurrentMember, response: Response,
           if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.accept(
        me.id, intro_id, note=body.note, expected_version=v))


@router.post("/{intro_id}/make", summary="Record a target's yes: the introduction is made",
             description=_MOVE + " For a target who is not on Kithbook.")
def make(intro_id: str, body: MoveIn, kb: Services, me: CurrentMember, response: Response,
         if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.make(
        me.id, intro_id, note=body.note, expected_version=v))


@router.post("/{intro_id}/withdraw", summary="Requester: take back an open request",
             description=_MOVE)
def withdraw(intro_id: str, body: MoveIn, kb: Services, me: CurrentMember,
             response: Response, if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.withdraw(
        me.id, intro_id, note=body.note, expected_version=v))


@router.post("/{intro_id}/outcome", summary="How a made introduction went",
             description=_MOVE + " Once per party; the comment stays private to you.")
def outcome(intro_id: str, body: OutcomeIn, kb: Services, me: CurrentMember,
            response: Response, if_match: IfMatch = None) -> IntroOut:
    return _versioned(response, if_match, lambda v: kb.intros.record_outcome(
        me.id, intro_id, body.rating, comment=body.comment, party=body.party,
        expected_version=v))


@router.get("/{intro_id}/brief", summary="The introducer's risk brief")
def risk_brief(intro_id: str, kb: Services, me: CurrentMember) -> BriefOut:
    return BriefOut.of(kb.intros.risk_brief(me.id, intro_id))


@router.get("/{intro_id}/drafts/{kind}", summary="An email for the introducer to send",
            description="`ask`: to the target first, sharing nothing about them; "
                        "`introduction`: to both, once made.")
def draft(intro_id: str, kind: DraftKind, kb: Services, me: CurrentMember,
          note: Annotated[str | None, Query(max_length=2000)] = None) -> DraftOut:
    return DraftOut.of(kb.intros.draft_email(me.id, intro_id, kind, note=note))
