"""/log: logging an interaction in one screen, what a phone's home screen opens (the
web app manifest's start page) and where text shared from another app lands (its share
target: the shared title, text and link become the note)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.dates import parse_date
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.interactions import Kind, parse_direction, parse_kind
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)
_KINDS = tuple(kind.value for kind in Kind)
Shared = Annotated[str, Query(max_length=2000)]


def _page(request: Request, form: dict[str, str], error: InvalidInput | NotFound | None = None
          ) -> HTMLResponse:
    return render(request, "quick_log.html", {"nav": "log", "form": form, "error": error,
                                              "kinds": _KINDS},
                  status_code=422 if error else 200)


@router.get("/log", response_class=HTMLResponse)
def quick_log_page(request: Request, me: CurrentMember, title: Shared = "",
                   text: Shared = "", url: Shared = "") -> HTMLResponse:
    shared = "\n".join(part.strip() for part in (title, text, url) if part.strip())
    return _page(request, {"note": shared})


@router.post("/log", response_class=HTMLResponse)
def quick_log(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        who = form.get("who", "").strip()
        if not who:
            raise InvalidInput("say who it was with: a name (or part of one) from your "
                               "book.", field="who")
        day = parse_date(form.get("occurred_on", "").strip() or "today",
                         today=kb.clock.today(), field="occurred_on")
        logged = kb.log_interaction(
            me.id, [who], parse_kind(form.get("kind", "")),
            parse_direction(form.get("direction", "mutual") or "mutual"), day,
            form.get("note", "").strip() or None)
    except (InvalidInput, NotFound) as error:
        return _page(request, form, error)
    done = "logged" if day == kb.clock.today() else "logged_earlier"
    return see(f"/contacts/{logged.contact_ids[0]}", done)
