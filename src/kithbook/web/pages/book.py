"""The book (search, filters, sort), a contact's page, and the forms that change them."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kithbook.domain.dates import parse_date
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Kind, parse_direction, parse_kind
from kithbook.domain.ties import StageKey
from kithbook.services.book import ContactView, TieFields
from kithbook.services.depth import TieDepth
from kithbook.services.ports import ContactQuery, Page, Sort
from kithbook.web.deps import CurrentMember, FormFields, Services, answered
from kithbook.web.pages.book_rows import book_rows
from kithbook.web.pages.forms import contact_fields, optional_int
from kithbook.web.pictures import photo_response

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
# What the filter and log forms offer: the same on every page, so worked out once.
_SORTS = tuple(Sort)
_STAGES = tuple((key.value, key.stage.value) for key in StageKey)
_KINDS = tuple(kind.value for kind in Kind)

NOTICES = {
    "added": "Added.", "saved": "Saved.", "logged": "Logged. The clock restarts today.",
    "logged_earlier": "Logged on the day you gave. The keep-in-touch clock counts from "
                      "your latest contact with them.",
    "already_logged": "This log had been sent before: it is stored once, not twice.",
    "removed": "Removed.", "unlogged": "Interaction removed.",
    "undone": "Undone: it is back as it was.",
    "cadence_set": "Cadence set: they will show here when you are late.",
    "date_saved": "Date saved.", "date_removed": "Date removed.",
    "knows_saved": "Saved who they know.", "knows_removed": "Forgotten.",
    "knows_drawn": "Saved who knows whom: a dashed line joins them on the map, and warm "
                   "paths go through it.",
    "corrected": "Strength corrected. New interactions will wear your correction down.",
    "uncorrected": "Correction forgotten: the strength follows the evidence again.",
}


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    templates = request.app.state.templates
    notice = NOTICES.get(request.query_params.get("done", ""))
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {"notice": notice, **context}, status_code=status_code)
    return response


def see(url: str, done: str, *, undo: str | None = None) -> RedirectResponse:
    """After a change, the page to show and what to say; `undo` offers to put back what
    the change took away."""
    query = {"done": done, **({"undo": undo} if undo else {})}
    return RedirectResponse(f"{url}?{urlencode(query)}", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def book_page(request: Request, kb: Services, me: CurrentMember,
                    background: BackgroundTasks,
                    q: Annotated[str, Query(max_length=200)] = "",
                    tag: Annotated[str, Query(max_length=60)] = "",
                    organization: Annotated[str, Query(max_length=300)] = "",
                    stage: Annotated[StageKey | Literal[""], Query()] = "",
                    sort: Sort = Sort.NAME,
                    page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    query = _query(q, tag, organization, stage or None, sort, page)
    result = await answered(request, lambda: kb.book.read_contacts(me.id, query),
                            lambda: kb.book.list_contacts(me.id, query, wait_for_day=False))
    return _book(request, kb, me.id, result, q, tag, organization, sort, page,
                 stage=stage or None, background=background)


def _query(q: str, tag: str, organization: str, stage: StageKey | None, sort: Sort,
           page: int) -> ContactQuery:
    return ContactQuery(text=q or None, tag=tag or None, organization=organization or None,
                        stage=stage.stage if stage else None, sort=sort,
                        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def _book(request: Request, kb: Services, member: MemberId, result: Page, q: str, tag: str,
          organization: str, sort: Sort, page: int, *, stage: StageKey | None = None,
          form: dict[str, str] | None = None, error: InvalidInput | None = None,
          background: BackgroundTasks | None = None) -> HTMLResponse:
    """The book page around a page of it already read (no reading here: the book's own
    route answers on the event loop)."""
    if background is not None and result.stale_strengths:
        # Yesterday's strengths are shown; today's are computed after answering.
        background.add_task(kb.depth.refresh_strengths, member)
    filters = {"q": q, "tag": tag, "organization": organization,
               "stage": stage.value if stage else "", "sort": sort.value}
    pages = max(1, -(-result.total // PAGE_SIZE))
    return render(request, "book.html", {
        "page": result, "filters": filters, "page_number": page, "pages": pages,
        "filtered": bool(q or tag or organization or stage), "sorts": _SORTS, "stages": _STAGES,
        "query_for": lambda n: urlencode({**filters, "page": n}),
        "rows": book_rows(result.items, kb.clock.today()), "form": form or {}, "error": error,
    }, status_code=422 if error else 200)


@router.post("/contacts", response_class=HTMLResponse)
def add_contact(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        trust = optional_int(form, "stated_trust", "Trust")
        cadence = optional_int(form, "cadence_days", "Keep-in-touch cadence")
        contact = kb.book.add_contact(me.id, contact_fields(form),
                                      TieFields(stated_trust=trust, cadence_days=cadence))
    except InvalidInput as error:
        first = kb.book.list_contacts(me.id, _query("", "", "", None, Sort.NAME, 1))
        return _book(request, kb, me.id, first, "", "", "", Sort.NAME, 1, form=form, error=error)
    return see(f"/contacts/{contact.id}", "added")


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
async def contact_page(contact_id: str, request: Request, kb: Services,
                       me: CurrentMember) -> HTMLResponse:
    def read() -> tuple[ContactView, TieDepth]:
        return _read_contact(kb, me.id, contact_id)

    found = await answered(request, lambda: kb.at_once(read), read)
    return _contact(request, kb, found)


def _read_contact(kb: Services, member: MemberId,
                  contact_id: str) -> tuple[ContactView, TieDepth]:
    return kb.depth.contact_with_depth(member, contact_id)


def contact_response(request: Request, kb: Services, member: MemberId, contact_id: str, *,
                     form: dict[str, str] | None = None, error: KithbookError | None = None,
                     editing: bool = False) -> HTMLResponse:
    return _contact(request, kb, _read_contact(kb, member, contact_id), form=form, error=error,
                    editing=editing)


def _contact(request: Request, kb: Services, found: tuple[ContactView, TieDepth], *,
             form: dict[str, str] | None = None, error: KithbookError | None = None,
             editing: bool = False) -> HTMLResponse:
    """A contact's page from what was read (no reading here, as for `_book`)."""
    view, depth = found
    return render(request, "contact.html", {
        "view": view, "c": view.contact, "tie": view.tie, "today": kb.clock.today(),
        "depth": depth,
        "form": form or {}, "error": error, "editing": editing,
        "kinds": _KINDS,
    }, status_code=422 if error else 200)


@router.get("/contacts/{contact_id}/photo")
def contact_photo(contact_id: str, kb: Services, me: CurrentMember) -> Response:
    return photo_response(kb.book.contact_photo(me.id, contact_id))


@router.post("/contacts/{contact_id}/log", response_class=HTMLResponse)
def log_interaction(contact_id: str, request: Request, kb: Services,
                    me: CurrentMember, form: FormFields) -> Response:
    try:
        kind = parse_kind(form.get("kind", ""))
        direction = parse_direction(form.get("direction", "mutual") or "mutual")
        when = form.get("occurred_on", "").strip() or "today"
        day = parse_date(when, today=kb.clock.today(), field="occurred_on")
        kb.book.log_interaction(me.id, [contact_id], kind, direction, day,
                                form.get("note") or None, exact=True)
    except InvalidInput as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    logged = "logged" if day == kb.clock.today() else "logged_earlier"
    return see(f"/contacts/{contact_id}", logged)


@router.get("/contacts/{contact_id}/edit", response_class=HTMLResponse)
def edit_page(contact_id: str, request: Request, kb: Services,
              me: CurrentMember) -> HTMLResponse:
    return contact_response(request, kb, me.id, contact_id, editing=True)


@router.post("/contacts/{contact_id}/edit", response_class=HTMLResponse)
def edit_contact(contact_id: str, request: Request, kb: Services,
                 me: CurrentMember, form: FormFields) -> Response:
    try:
        version = optional_int(form, "version", "Version")
        trust = optional_int(form, "stated_trust", "Trust")
        cadence = optional_int(form, "cadence_days", "Keep-in-touch cadence")
        kb.book.edit_contact(me.id, contact_id, contact_fields(form),
                             TieFields(stated_trust=trust, cadence_days=cadence),
                             expected_version=version, exact=True)
    except InvalidInput as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error,
                                editing=True)
    return see(f"/contacts/{contact_id}", "saved")


def confirm(request: Request, *, question: str, lines: list[str], action: str,
            fields: list[tuple[str, str]], button: str, cancel: str) -> HTMLResponse:
    """The page that asks before a change removes something; it posts the same form
    again with `confirmed=yes` (no JavaScript needed)."""
    return render(request, "confirm.html", {
        "question": question, "lines": lines, "action": action, "fields": fields,
        "button": button, "cancel": cancel})


@router.post("/contacts/{contact_id}/delete", response_class=HTMLResponse)
def delete_contact(contact_id: str, request: Request, kb: Services, me: CurrentMember,
                   form: FormFields) -> Response:
    if form.get("confirmed") != "yes":
        view = kb.book.get_contact(me.id, contact_id)
        return confirm(
            request, question=f"Remove {view.contact.name} from your book?",
            lines=[f"Their details, strength and sharing rules go, with the "
                   f"{view.interaction_count} interactions logged with them; an interaction "
                   "that involved others stays with those others. You can undo this for "
                   "30 days."],
            action=f"/contacts/{view.contact.id}/delete", fields=[],
            button=f"Remove {view.contact.name}", cancel=f"/contacts/{view.contact.id}")
    removed = kb.book.delete_contact(me.id, contact_id, exact=True)
    return see("/", "removed", undo=removed.undo_id)
