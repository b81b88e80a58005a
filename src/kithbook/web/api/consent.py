"""/api/v1/introductions/{id}/email-…: the introducer's ask by email (preview, then send),
where it stands, and the introduction sent to both on yes.

The answer itself is given on the page the email's link opens (`web/pages/consent.py`):
it needs no account, so it has no API.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.consent import MAX_MESSAGE, MAX_SUBJECT, AskEmail, Choice
from kithbook.services.consent import AskPreview, EmailStatus
from kithbook.web.api.intro_schemas import DraftOut, IntroOut
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1/introductions", tags=["introductions"],
                   responses={**ERRORS, 403: ERRORS[404]})


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=MAX_SUBJECT)
    message: str = Field(max_length=MAX_MESSAGE,
                         description="Your words; the requester's own and the links are added")


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)


class AskPreviewOut(BaseModel):
    to_name: str
    to_address: str
    subject: str
    message: str
    body: str = Field(description="The whole email as the target will read it")

    @classmethod
    def of(cls, preview: AskPreview) -> AskPreviewOut:
        return cls(to_name=preview.to_name, to_address=preview.to_address,
                   subject=preview.subject, message=preview.message, body=preview.body)


class EmailStatusOut(BaseModel):
    target: str
    asked_at: datetime
    reminder_at: datetime | None = Field(description="When the one reminder goes")
    reminded_at: datetime | None
    expires_at: datetime
    answered_at: datetime | None
    answer: Choice | None

    @classmethod
    def of(cls, found: EmailStatus) -> EmailStatusOut:
        return cls(target=found.target, asked_at=found.asked_at,
                   reminder_at=found.reminder_at, reminded_at=found.reminded_at,
                   expires_at=found.expires_at, answered_at=found.answered_at,
                   answer=found.answer)


@router.get("/{intro_id}/email-ask", summary="Introducer: the first draft of the ask by email")
def draft_ask(intro_id: str, kb: Services, me: CurrentMember) -> AskPreviewOut:
    return AskPreviewOut.of(kb.intros.ask_preview(me.id, intro_id))


@router.post("/{intro_id}/email-ask/preview", summary="Introducer: preview an edited ask")
def preview_ask(intro_id: str, body: AskIn, kb: Services, me: CurrentMember) -> AskPreviewOut:
    return AskPreviewOut.of(kb.intros.ask_preview(me.id, intro_id,
                                                  ask=AskEmail(body.subject, body.message)))


@router.post("/{intro_id}/email-ask", status_code=status.HTTP_201_CREATED,
             summary="Introducer: forward, and ask a target off Kithbook by email",
             description="The email leaves through the outbox in your name, with links "
                         "that work once for 14 days; one reminder after 4 days.")
def send_ask(intro_id: str, body: AskIn, kb: Services, me: CurrentMember) -> IntroOut:
    return IntroOut.of(kb.intros.send_ask(me.id, intro_id, AskEmail(body.subject, body.message)))


@router.get("/{intro_id}/email-status", summary="Introducer: where the ask by email stands",
            description="`null` when no ask was sent by email.")
def email_status(intro_id: str, kb: Services, me: CurrentMember) -> EmailStatusOut | None:
    kb.intros.show(me.id, intro_id)  # a request you cannot see: 404
    found = kb.intros.email_status(me.id, intro_id)
    return EmailStatusOut.of(found) if found else None


@router.post("/{intro_id}/introduction-email", status_code=status.HTTP_202_ACCEPTED,
             summary="Introducer: Kithbook emails the introduction to both, in your name")
def send_introduction(intro_id: str, body: NoteIn, kb: Services,
                      me: CurrentMember) -> DraftOut:
    return DraftOut.of(kb.intros.send_introduction(me.id, intro_id, note=body.note))
