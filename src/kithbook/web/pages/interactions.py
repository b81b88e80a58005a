"""One logged interaction: edit it, remove it after a confirmation page, and undo a
removal or a merge. Every step works without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.dates import parse_date
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.interactions import Interaction, parse_direction, parse_kind
from kithbook.services.book import InteractionChange
from kithbook.services.undo import KEEP_FOR
from kithbook.web.deps import CurrentMember, FormFields, PostedForm, Services
from kithbook.web.pages.book import render, see
from kithbook.web.pages.forms import optional_int, values

router = APIRouter(include_in_schema=False)


def _back(interaction: Interaction, asked: str) -> str:
    """Where to return: the contact page the member came from, if it is one of this
    interaction's people; never an address from elsewhere."""
    pages = [f"/contacts/{cid}" for cid in interaction.contact_ids]
    return asked if asked in pages else pages[0]


def _page(request: Request, kb: Services, me: CurrentMember, interaction_id: str,
          back: str, *, form: dict[str, str] | None = None,
          error: InvalidInput | None = None) -> HTMLResponse:
    found, names = kb.book.get_interaction(me.id, interaction_id)
    people = [names.get(c, "someone") for c in found.contact_ids]
    return render(request, "interaction.html", {
        "i": found, "people": people, "back": _back(found, back), "form": form,
        "error": error, "kinds": [k.value for k in type(found.kind)],
        "keep_days": KEEP_FOR.days,
        "removing": request.url.path.endswith("/remove")},
        status_code=422 if error else 200)


@router.get("/interactions/{interaction_id}/remove", response_class=HTMLResponse)
def confirm_removal(interaction_id: str, request: Request, kb: Services,
                    me: CurrentMember, back: str = "") -> HTMLResponse:
    return _page(request, kb, me, interaction_id, back)


@router.post("/interactions/{interaction_id}/delete")
def remove(interaction_id: str, kb: Services, me: CurrentMember,
           form: FormFields) -> Response:
    removed = kb.book.delete_interaction(me.id, interaction_id)
    return see(_back(removed.interaction, form.get("back", "")), "unlogged",
               undo=removed.undo_id)


@router.get("/interactions/{interaction_id}/edit", response_class=HTMLResponse)
def edit_page(interaction_id: str, request: Request, kb: Services, me: CurrentMember,
              back: str = "") -> HTMLResponse:
    return _page(request, kb, me, interaction_id, back)


@router.post("/interactions/{interaction_id}/edit", response_class=HTMLResponse)
def edit(interaction_id: str, request: Request, kb: Services, me: CurrentMember,
         posted: PostedForm) -> Response:
    form = {k: str(v) for k, v in posted.items()}
    # The people kept (a box each) and those added by name, as `log` takes them.
    people = [str(v) for v in posted.getlist("contact")] + values(form.get("add"))
    try:
        change = InteractionChange(
            kind=parse_kind(form.get("kind", "")),
            direction=parse_direction(form.get("direction", "mutual") or "mutual"),
            occurred_on=parse_date(form.get("occurred_on", "").strip() or "today",
                                   today=kb.clock.today(), field="occurred_on"),
            note=form.get("note", ""),
            contacts=people)
        edited = kb.book.edit_interaction(me.id, interaction_id, change,
                                          expected_version=optional_int(form, "version",
                                                                        "Version"))
    except InvalidInput as error:
        return _page(request, kb, me, interaction_id, form.get("back", ""), form=form,
                     error=error)
    return see(_back(edited, form.get("back", "")), "saved")


@router.post("/undo/{entry_id}")
def undo(entry_id: str, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    undone = kb.book.undo(me.id, entry_id)
    back = form.get("back", "")
    pages = {f"/contacts/{ContactId(c)}" for c in undone.contacts}
    return see(back if back in pages or back == "/duplicates" else "/", "undone")
