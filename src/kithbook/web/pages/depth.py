"""Pages for relationship depth: the weekly digest, the health report and its charts,
and the form on a contact's page that corrects a strength."""

from __future__ import annotations

from base64 import b64encode
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.contacts import ContactFields
from kithbook.domain.digest import Budget
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.io.charts import health_charts
from kithbook.services.book import TieFields
from kithbook.services.ports import ContactQuery
from kithbook.web.deps import CurrentMember, FormFields, Services, renew_if_stale
from kithbook.web.pages.book import contact_response, render, see
from kithbook.web.pages.forms import optional_int

router = APIRouter(include_in_schema=False)
CHARTS = ("balance", "stages", "strength", "growth", "ties")
LOSING_TOUCH_SHOWN = 20


def _book_is_empty(kb: Services, member: MemberId) -> bool:
    return kb.book.list_contacts(member, ContactQuery(limit=1)).total == 0


@router.get("/digest", response_class=HTMLResponse)
def digest_page(request: Request, kb: Services, me: CurrentMember, background: BackgroundTasks,
                minutes: Annotated[int, Query(ge=1, le=10_000)] = 120,
                items: Annotated[int, Query(ge=1, le=100)] = 10) -> HTMLResponse:
    week = kb.depth.week(me.id, Budget(minutes=minutes, items=items),
                         losing_touch_limit=LOSING_TOUCH_SHOWN, wait_for_day=False)
    renew_if_stale(kb, me.id, background)
    digest = week.digest
    return render(request, "digest.html", {
        "nav": "digest", "digest": digest, "lost": week.losing_touch,
        "empty_book": not digest.items and _book_is_empty(kb, me.id),
        # Why nobody is overdue, and cadences worth setting, when the list is empty.
        "advice": None if week.losing_touch else kb.depth.cadence_advice(me.id),
    })


@router.post("/contacts/{contact_id}/cadence")
def set_cadence(contact_id: str, kb: Services, me: CurrentMember,
                form: FormFields) -> Response:
    days = optional_int(form, "cadence_days", "Keep-in-touch cadence")
    kb.book.edit_contact(me.id, contact_id, ContactFields(), TieFields(cadence_days=days),
                         exact=True)
    return see("/digest", "cadence_set")


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request, kb: Services, me: CurrentMember,
                background: BackgroundTasks) -> HTMLResponse:
    report = kb.depth.health(me.id, wait_for_day=False)
    renew_if_stale(kb, me.id, background)
    # The images travel inside the page (the policy allows data: images): the report is
    # read once, where four chart requests would each read the whole book again.
    images = {name: "data:image/svg+xml;base64," + b64encode(svg.encode()).decode()
              for name, svg in health_charts(report).items()}
    return render(request, "health.html", {
        "nav": "health", "report": report, "charts": images,
        "dormant": report.dormant[:20],
    })


@router.get("/health/charts/{name}.svg")
def health_chart(name: str, kb: Services, me: CurrentMember) -> Response:
    if name not in CHARTS:
        raise NotFound(f"no chart {name!r}; the charts are {', '.join(CHARTS)}.",
                       field="name")
    svg = health_charts(kb.depth.health(me.id, wait_for_day=False))[name]
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@router.post("/contacts/{contact_id}/strength", response_class=HTMLResponse)
def correct_strength(contact_id: str, request: Request, kb: Services,
                     me: CurrentMember, form: FormFields) -> Response:
    try:
        if "clear" in form:
            value = None
        else:
            text = form.get("strength", "").strip()
            try:
                value = float(text)
            except ValueError:
                raise InvalidInput(f"write the strength as a number from 0 to 1, like 0.7; "
                                   f"got {text!r}.", field="strength") from None
        depth = kb.depth.correct_strength(me.id, contact_id, value, exact=True)
    except InvalidInput as error:
        return contact_response(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{depth.tie.contact}",
               "corrected" if value is not None else "uncorrected")
