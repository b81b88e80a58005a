"""Who knows whom, on a contact's page and on the map: record that two people in your
book know each other (the links warm paths travel along), or forget it."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.network_map import parse_colour_by
from kithbook.services.facade import Kithbook
from kithbook.services.network_map import DEFAULT_LIMIT
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import contact_response, render, see
from kithbook.web.pages.map import blank_context, drawn_context, map_query

router = APIRouter(include_in_schema=False)


@router.post("/contacts/{contact_id}/knows", response_class=HTMLResponse)
def record(contact_id: str, request: Request, kb: Services, me: CurrentMember,
           form: FormFields) -> Response:
    try:
        kb.paths.record_contact_link(me.id, contact_id, form.get("other", ""),
                                     note=form.get("note", "").strip() or None,
                                     strength=_strength(form.get("strength", "")))
    except KithbookError as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "knows_saved")


@router.post("/contacts/{contact_id}/knows/remove", response_class=HTMLResponse)
def remove(contact_id: str, request: Request, kb: Services, me: CurrentMember,
           form: FormFields) -> Response:
    try:
        kb.paths.remove_contact_link(me.id, contact_id, form.get("other", ""))
    except KithbookError as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}", "knows_removed")


MAP_FILTERS = ("colour", "tag", "organization", "stage", "limit")


@router.post("/map/knows", response_class=HTMLResponse)
def record_from_map(request: Request, kb: Services, me: CurrentMember,
                    form: FormFields) -> Response:
    """Record from the map that two people on it know each other, and draw the map
    again with the same filters: the dashed line now joins them."""
    filters = {k: form.get(k, "") for k in MAP_FILTERS if form.get(k, "").strip()}
    try:
        kb.paths.record_contact_link(me.id, form.get("a", ""), form.get("b", ""),
                                     note=form.get("note", "").strip() or None)
    except KithbookError as error:
        return _map_with(request, kb, me.id, filters, form, error)
    query = urlencode({**filters, "done": "knows_drawn"})
    return RedirectResponse(f"/map?{query}#knows-on-map", status_code=303)


def _map_with(request: Request, kb: Kithbook, me: MemberId, filters: dict[str, str],
              form: Mapping[str, str], error: KithbookError) -> Response:
    """The map as it was, with what was typed and why it was not recorded."""
    typed = {"colour": "stage", "tag": "", "organization": "", "stage": "",
             "limit": str(DEFAULT_LIMIT), **filters}
    context = {**blank_context(typed), "knows": form, "knows_error": error}
    try:
        colour_by = parse_colour_by(typed["colour"])
        query = map_query(typed["tag"], typed["organization"], typed["stage"],
                          int(typed["limit"]) if typed["limit"].isdigit() else DEFAULT_LIMIT)
        network = kb.paths.network_map(me, query)
    except KithbookError:  # filters edited by hand: the error about the names still shows
        return render(request, "map.html", context, 422)
    return render(request, "map.html", drawn_context(context, network, colour_by, query), 422)


def _strength(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"how well they know each other is a number from above 0 to 1 "
                           f"(0.5 if unsure); got {text.strip()[:40]!r}.",
                           field="strength") from None
