"""Import (upload, preview, confirm), export downloads, and the duplicates page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import islice, takewhile
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from kithbook.domain.contacts import Contact
from kithbook.domain.duplicates import SINGLE_FIELDS, Evidence
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.io.detect import Format
from kithbook.services.duplicates import DuplicateSet
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.imports import DuplicateChoice
from kithbook.services.undo import KEEP_FOR
from kithbook.web.deps import CurrentMember, FormFields, PostedForm, Services
from kithbook.web.errors import status_of
from kithbook.web.limits import ImportSlot
from kithbook.web.pages.book import confirm as confirm_page
from kithbook.web.pages.book import see
from kithbook.web.uploads import Uploads

SETS_PER_PAGE = 10
# Similar names chain: a large book can have a set of hundreds, too many for one form.
# A set shows this many contacts, and at most this many reasons among them.
CONTACTS_PER_SET = 10

router = APIRouter(include_in_schema=False)
FORMAT_NAMES = {
    "": "Recognize it", Format.LINKEDIN.value: "LinkedIn connections",
    Format.VCARD.value: "vCard", Format.GOOGLE_CSV.value: "Google Contacts CSV",
    Format.OUTLOOK_CSV.value: "Outlook CSV", Format.ICS.value: "Calendar (.ics)",
    Format.KITHBOOK_JSON.value: "Kithbook JSON export",
}


def parse_format(text: str) -> Format | None:
    if not text:
        return None
    try:
        return Format(text)
    except ValueError:
        raise InvalidInput(f"unknown format {text!r}.", field="format") from None


def _render(request: Request, template: str, context: dict[str, Any],
            status_code: int = 200) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, {"formats": FORMAT_NAMES, **context}, status_code=status_code)
    return response


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, _me: CurrentMember) -> HTMLResponse:
    return _render(request, "import.html", {"nav": "import", "step": "choose"})


@router.post("/import", response_class=HTMLResponse)
def preview(request: Request, kb: Services, me: CurrentMember, _slot: ImportSlot,
            form: PostedForm) -> HTMLResponse:
    # The slot is taken before the form is read: a large upload counts from its first byte.
    upload = form.get("file")
    chosen = str(form.get("format") or "")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _mistake(request, InvalidInput("choose a file to import.", field="file"),
                        chosen)
    uploads = uploads_of(request)
    token, path = uploads.save(me.id, upload.filename, upload.file)
    try:
        # Each likely duplicate is proposed as kept beside, as the command line and the API
        # do: nothing is merged unasked. The member may choose otherwise, record by record.
        report = kb.transfer.import_file(me.id, path, format=parse_format(chosen), dry_run=True,
                                         duplicates=DuplicateChoice.KEEP)
    except KithbookError as exc:
        uploads.forget(me.id, token)
        return _mistake(request, exc, chosen)
    return _render(request, "import.html", {"nav": "import", "step": "preview",
                                            "report": report, "token": token,
                                            "chosen": chosen})


@router.post("/import/confirm", response_class=HTMLResponse)
def confirm(request: Request, kb: Services, me: CurrentMember, _slot: ImportSlot,
            form: FormFields) -> HTMLResponse:
    token = form.get("token", "")
    chosen = form.get("format", "")
    uploads = uploads_of(request)
    running = _progress(request)
    key = uploads.key(me.id, token)

    def note(done: int, total: int | None) -> None:
        running[key] = (done, total)

    try:
        choices = record_choices(form)
        # Ticked attendees of a calendar who are not in the book; the others stay out.
        people = [email for key, email in form.items() if key.startswith("person_")]
        report = kb.transfer.import_file(me.id, uploads.saved(me.id, token),
                                         format=parse_format(chosen), progress=note,
                                         choices=choices, duplicates=DuplicateChoice.KEEP,
                                         add_people=people)
    except KithbookError as exc:
        return _mistake(request, exc, chosen)
    finally:
        uploads.forget(me.id, token)
        running.pop(key, None)
    return _render(request, "import.html", {"nav": "import", "step": "done",
                                            "report": report})


def record_choices(form: dict[str, str]) -> dict[int, DuplicateChoice]:
    """`dup_12=skip` → {12: SKIP}: the member's choice for each record the preview showed."""
    found = {}
    for key, value in form.items():
        number = key.removeprefix("dup_")
        if key.startswith("dup_") and number.isdigit() and len(number) < 10:
            try:
                found[int(number)] = DuplicateChoice(value)
            except ValueError:
                raise InvalidInput(f"{value!r} is not a choice for a likely duplicate; "
                                   "choose merge, keep or skip.", field=key) from None
    return found


@router.get("/import/status/{token}")
def status(request: Request, token: str, me: CurrentMember) -> JSONResponse:
    """How far the import of this member's upload has come, for the page's progress line;
    404 for an upload that is gone, made up, or another member's."""
    uploads = uploads_of(request)
    progress = _progress(request).get(uploads.key(me.id, token))
    if progress is None:
        uploads.saved(me.id, token)  # NotFound unless it is this member's, waiting
        progress = (0, None)
    done, total = progress
    return JSONResponse({"done": done, "total": total})


def uploads_of(request: Request) -> Uploads:
    uploads: Uploads = request.app.state.uploads
    return uploads


def _progress(request: Request) -> dict[str, tuple[int, int | None]]:
    state = request.app.state
    if not hasattr(state, "import_progress"):
        state.import_progress = {}
    found: dict[str, tuple[int, int | None]] = state.import_progress
    return found


def _mistake(request: Request, error: KithbookError, chosen: str) -> HTMLResponse:
    return _render(request, "import.html", {"nav": "import", "step": "choose",
                                            "error": error, "chosen": chosen},
                   status_code=status_of(error))


def export_response(kb: Kithbook, member: MemberId, format: ExportFormat) -> Response:
    out = io.StringIO(newline="")
    kb.transfer.export_book(member, format, out)
    filename = f"kithbook-{kb.clock.today().isoformat()}{format.suffix}"
    return Response(out.getvalue().encode("utf-8"),
                    media_type=f"{format.media_type}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/export/{format}")
def download(format: ExportFormat, kb: Services, me: CurrentMember) -> Response:
    return export_response(kb, me.id, format)


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, kb: Services, me: CurrentMember,
                    page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    sets = kb.transfer.list_duplicates(me.id)
    # A page of sets: a large book can have thousands, each with its own merge form.
    pages = max(1, -(-len(sets) // SETS_PER_PAGE))
    page = min(page, pages)
    first = (page - 1) * SETS_PER_PAGE
    return _render(request, "duplicates.html", {
        "nav": "import", "total": len(sets),
        "sets": [_shown(found) for found in sets[first:first + SETS_PER_PAGE]],
        "first": first, "page_number": page, "pages": pages,
        "notice": {"merged": "Merged.", "undone": "Merge undone: the contacts are back as "
                   "they were."}.get(request.query_params.get("done", ""))})


@router.get("/duplicates/{contact_id}", response_class=HTMLResponse)
def duplicate_set_page(contact_id: str, request: Request, kb: Services,
                       me: CurrentMember) -> HTMLResponse:
    """One set's merge form with a choice for each field they fill differently."""
    found = next((s for s in kb.transfer.list_duplicates(me.id)
                  if any(c.id == contact_id for c in s.contacts)), None)
    if found is None:  # merged or changed since: say so, if the contact is in the book
        alone = kb.book.get_contact(me.id, contact_id).contact
        return _render(request, "duplicate_set.html", {"nav": "import", "alone": alone})
    return _render(request, "duplicate_set.html", {"nav": "import", "group": _shown(found)})


@dataclass(frozen=True)
class _ShownSet:
    """A set as its form shows it: its first `CONTACTS_PER_SET` contacts, the evidence
    among them, and for each field they fill differently, who fills it."""

    contacts: tuple[Contact, ...]
    evidence: tuple[Evidence, ...]
    size: int
    choices: tuple[tuple[str, tuple[Contact, ...]], ...]


def _shown(found: DuplicateSet) -> _ShownSet:
    contacts = found.contacts[:CONTACTS_PER_SET]
    keys = {c.id for c in contacts}
    choices = []
    for field in SINGLE_FIELDS:
        offered = tuple(c for c in contacts if getattr(c, field))
        if len({getattr(c, field) for c in offered}) > 1:
            choices.append((field, offered))
    # The evidence comes by its later contact: what links the first ones comes first.
    among = islice(takewhile(lambda e: e.keys[0] in keys and e.keys[1] in keys,
                             found.evidence), CONTACTS_PER_SET)
    return _ShownSet(contacts, tuple(among), len(found.contacts), tuple(choices))


@router.post("/duplicates/merge", response_class=HTMLResponse)
def merge(request: Request, kb: Services, me: CurrentMember, form: PostedForm) -> Response:
    keep = str(form.get("keep") or "")
    members = [str(v) for v in form.getlist("contact")]
    take = {name: str(form.get(f"take_{name}")) for name in SINGLE_FIELDS
            if form.get(f"take_{name}")}
    others = [c for c in members if c != keep]
    if form.get("confirmed") != "yes":
        return _confirm_merge(request, kb, me.id, keep, members, take)
    merged = kb.transfer.merge_contacts(me.id, keep, others, take=take)
    return see("/duplicates", "merged", undo=merged.undo_id)


def _confirm_merge(request: Request, kb: Kithbook, member: MemberId, keep: str,
                   members: list[str], take: dict[str, str]) -> HTMLResponse:
    kept = kb.book.get_contact(member, keep).contact
    others = [kb.book.get_contact(member, c).contact.name for c in members if c != keep]
    return confirm_page(
        request, question=f"Merge {', '.join(others)} into {kept.name}?",
        lines=["Emails, phones, links and tags are united, notes joined, and every "
               f"interaction moves to {kept.name}; the others leave the book.",
               f"You can undo the merge for {KEEP_FOR.days} days, as long as "
               f"{kept.name} is not changed in the meantime."],
        action="/duplicates/merge",
        fields=[("keep", keep), *(("contact", c) for c in members),
                *((f"take_{name}", c) for name, c in take.items())],
        button="Merge", cancel=f"/duplicates/{keep}")
