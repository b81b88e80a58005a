"""Who knows whom, on a contact's page: record that this contact knows another one from
your book (the links warm paths travel along), or forget it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import contact_response, see

router = APIRouter(include_in_schema=False)


@router.post("/contacts/{contact_id}/knows", response_class=HTMLResponse)
def record(contact_id: str, request: Request, kb: Services, me: CurrentMember,
           form: FormFields) -> Response:
    try:
        kb.record_contact_link(me.id, contact_id, form.get("other", ""),
                               note=form.get("note", "").strip() or None,
                               strength=_strength(form.get("strength", "")))
    except KithbookError as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "knows_saved")


@router.post("/contacts/{contact_id}/knows/remove", response_class=HTMLResponse)
def remove(contact_id: str, request: Request, kb: Services, me: CurrentMember,
           form: FormFields) -> Response:
    try:
        kb.remove_contact_link(me.id, contact_id, form.get("other", ""))
    except KithbookError as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "knows_removed")


def _strength(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"how well they know each other is a number from above 0 to 1 "
                           f"(0.5 if unsure); got {text.strip()[:40]!r}.",
                           field="strength") from None
