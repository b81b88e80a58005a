"""/api/v1/notifications: the moves on your introduction requests, your weekly digest."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=ERRORS)


class NotificationOut(BaseModel):
    id: str
    intro_id: str | None
    link: str | None = Field(description="A page of this site, e.g. /digest, when the "
                                         "notification is not about an introduction.")
    message: str
    created_at: datetime
    read: bool


@router.get("/notifications", summary="Your latest notifications, newest first")
def notifications(kb: Services, me: CurrentMember) -> list[NotificationOut]:
    return [NotificationOut(id=n.id, intro_id=n.intro_id, link=n.link, message=n.message,
                            created_at=n.created_at, read=n.read_at is not None)
            for n in kb.notices.notifications(me.id)]


@router.post("/notifications/read", status_code=204, summary="Mark them all as read")
def mark_read(kb: Services, me: CurrentMember) -> Response:
    kb.notices.mark_notifications_read(me.id)
    return Response(status_code=204)
