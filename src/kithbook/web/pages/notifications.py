"""In-app notifications: the moves on your introduction requests."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.web.deps import CurrentMember, Services
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return render(request, "notifications.html", {"items": kb.notices.notifications(me.id),
                                                  "nav": "notifications"})


@router.post("/notifications/read")
def mark_read(kb: Services, me: CurrentMember) -> Response:
    kb.notices.mark_notifications_read(me.id)
    return see("/notifications", "read")
