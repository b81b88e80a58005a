"""/log: logging an interaction in one screen, what a phone's home screen opens (the
web app manifest's start page) and where text shared from another app lands (its share
target: the shared title, text and link become the note).

Every form carries a fresh random `key`: a log sent twice with one key (a double tap, a
page sent again, a phone's queued log retried after its answer was lost) is stored once.
A script asks for JSON (`Accept: application/json`): the phone's queue sends its logs
so, and also gives `as_of`, the day the log was written, so "today" written offline
yesterday is yesterday. `/log/csrf` gives a queue the token of the browser's session
as it is when the queue is sent, not as it was when the log was written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from kithbook.domain.contacts import Labeled
from kithbook.domain.dates import parse_date
from kithbook.domain.errors import Ambiguous, InvalidInput, NotFound
from kithbook.domain.ids import new_id
from kithbook.domain.interactions import Kind, parse_direction, parse_kind
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.services.shared import MAX_CARD_BYTES, SharedCard
from kithbook.web.deps import CurrentMember, FormFields, PostedForm, Services
from kithbook.web.errors import error_body
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)
_KINDS = tuple(kind.value for kind in Kind)
Shared = Annotated[str, Query(max_length=2000)]
# The service worker answers for the whole site only when served from its root.
_WORKER = Path(__file__).parent.parent / "static" / "sw.js"


def _page(request: Request, me: Member, form: dict[str, str],
          error: InvalidInput | NotFound | Ambiguous | None = None,
          card: SharedCard | None = None) -> HTMLResponse:
    # A refused form keeps its key: the log it stands for has still not been stored.
    fields = {**form, "key": form.get("key") or new_id()}
    return render(request, "quick_log.html",
                  {"nav": "log", "form": fields, "error": error, "kinds": _KINDS,
                   "member": me.id, "card": card, "card_form": _card_form(card)},
                  status_code=422 if error else 200)


def _shared_note(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part.strip())[:2000]


@router.get("/log", response_class=HTMLResponse)
def quick_log_page(request: Request, me: CurrentMember, title: Shared = "",
                   text: Shared = "", url: Shared = "") -> HTMLResponse:
    return _page(request, me, {"note": _shared_note(title, text, url)})


@router.post("/log/share", response_class=HTMLResponse)
def shared_to_kithbook(request: Request, kb: Services, me: CurrentMember,
                       form: PostedForm) -> HTMLResponse:
    """The share target: what another app shares (text, a link, a contact card) opens the
    log screen filled in. It writes nothing, so it needs no CSRF token (a phone's share
    sheet has none to send): logging is the form's own POST, with its token."""
    fields = {"note": _shared_note(*(str(form.get(name) or "")[:2000]
                                     for name in ("title", "text", "url")))}
    upload = next((f for f in form.getlist("card") if isinstance(f, UploadFile)), None)
    if upload is None:
        return _page(request, me, fields)
    try:
        card = kb.book.read_shared_card(me.id, upload.file.read(MAX_CARD_BYTES + 1),
                                        upload.filename or "")
    except InvalidInput as error:
        return _page(request, me, fields, error)
    if card.ref:
        fields["who"] = card.ref
    return _page(request, me, fields, card=card)


def _card_form(card: SharedCard | None) -> dict[str, str]:
    """The shared person as the "Add a contact" form takes them."""
    if card is None:
        return {}
    person = card.fields

    def listed(values: list[Labeled] | None) -> str:
        return ", ".join(f"{v.label}:{v.value}" if v.label else v.value for v in values or [])

    return {"name": person.name or "", "organization": person.organization or "",
            "role": person.role or "", "location": person.location or "",
            "emails": listed(person.emails), "phones": listed(person.phones)}


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """What lets a phone open /log offline (`static/sw.js`)."""
    return FileResponse(_WORKER, media_type="text/javascript")


@router.get("/log/csrf")
def quick_log_token(request: Request, me: CurrentMember) -> JSONResponse:
    """The token a queued log must carry, read when the queue is sent: a page kept
    offline may hold the token of a session that has ended since."""
    return JSONResponse({"csrf": getattr(request.state, "csrf", None) or "", "member": me.id})


def _wants_json(request: Request) -> bool:
    return request.headers.get("accept", "").startswith("application/json")


def _day(kb: Kithbook, form: dict[str, str]) -> date:
    """The day the log means: its words read from the day it was written (`as_of`, never
    after today here)."""
    today = kb.clock.today()
    written = form.get("as_of", "").strip()
    if written:
        try:
            today = min(today, date.fromisoformat(written))
        except ValueError:
            raise InvalidInput(
                f"cannot read the day this log was written, {written[:20]!r};"
                " it should look like 2026-03-01.",
                field="as_of",
            ) from None
    return parse_date(
        form.get("occurred_on", "").strip() or "today", today=today, field="occurred_on"
    )


@router.post("/log", response_class=HTMLResponse)
def quick_log(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        who = form.get("who", "").strip()
        if not who:
            raise InvalidInput(
                "say who it was with: a name (or part of one) from your book.", field="who"
            )
        day = _day(kb, form)
        kind = parse_kind(form.get("kind", ""))
        direction = parse_direction(form.get("direction", "mutual") or "mutual")
        note = form.get("note", "").strip() or None
        key = form.get("key", "").strip()
        if key:
            once = kb.book.log_interaction_once(me.id, key, [who], kind, direction, day, note)
            logged, repeated = once.interaction, once.repeated
        else:
            logged, repeated = kb.book.log_interaction(me.id, [who], kind, direction, day,
                                                       note), False
    except (InvalidInput, NotFound, Ambiguous) as error:
        if _wants_json(request):
            return JSONResponse(error_body(error.code, error.message, error.field), status_code=422)
        return _page(request, me, form, error)
    done = (
        "already_logged" if repeated else "logged" if day == kb.clock.today() else "logged_earlier"
    )
    where = f"/contacts/{logged.contact_ids[0]}" if logged else "/log"
    if _wants_json(request):
        return JSONResponse({"logged": True, "repeated": repeated, "next": f"{where}?done={done}"})
    return see(where, done)
