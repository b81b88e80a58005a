"""The form on a contact's page that sets, changes and removes its important dates."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import DateKind, parse_important_date
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import contact_response, see

router = APIRouter(include_in_schema=False)


@router.post("/contacts/{contact_id}/dates", response_class=HTMLResponse)
def set_date(contact_id: str, request: Request, kb: Services, me: CurrentMember,
             form: FormFields) -> Response:
    try:
        kind = form.get("date_kind", "")
        if kind not in {k.value for k in DateKind}:
            raise InvalidInput("choose birthday, anniversary or other (with its name).",
                               field="date_kind")
        value = parse_important_date(form.get("date_day", ""), DateKind(kind),
                                     label=form.get("date_label", "").strip() or None,
                                     today=kb.clock.today())
        kb.book.set_date(me.id, contact_id, value,
                         replacing=form.get("replacing", "").strip() or None, exact=True)
    except InvalidInput as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "date_saved")


@router.post("/contacts/{contact_id}/dates/remove", response_class=HTMLResponse)
def remove_date(contact_id: str, request: Request, kb: Services, me: CurrentMember,
                form: FormFields) -> Response:
    try:
        kb.book.remove_date(me.id, contact_id, form.get("what", ""), exact=True)
    except InvalidInput as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "date_removed")
