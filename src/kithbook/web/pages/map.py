"""The network map page: the member's strongest ties drawn around them, each circle a
link to the contact's page, with filters that need no script."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.network_map import (
    ColourBy,
    MapNode,
    NetworkMap,
    parse_colour_by,
    parse_stage,
)
from kithbook.domain.ties import Stage
from kithbook.io.network_map import legend
from kithbook.services.network_map import DEFAULT_LIMIT, MAX_LIMIT, MapQuery
from kithbook.web.deps import CurrentMember, Services, answered
from kithbook.web.pages.book import render
from kithbook.web.pages.book_rows import html_text
from kithbook.web.pictures import map_picture

router = APIRouter(include_in_schema=False)

Word = Annotated[str, Query(max_length=300)]


def contact_page(contact: ContactId) -> str:
    return f"/contacts/{contact}"


def contact_photo(contact: ContactId) -> str:
    return f"/contacts/{contact}/photo"


def map_items(nodes: Iterable[MapNode]) -> Markup:
    """The map's people as `<li>`s (the list under the picture), written in Python for
    the reason `book_rows` is: Jinja's loop cost a third of the page."""
    items = []
    for n in nodes:
        organization = f' <span class="sub">{html_text(n.organization)}</span>' \
            if n.organization else ""
        items.append(f'<li><a href="/contacts/{html_text(n.contact)}">{html_text(n.name)}</a>'
                     f'{organization} — {n.stage.value}, strength {n.strength:.2f}</li>')
    # Every value above was escaped, or is a stage's name or digits.
    return Markup("".join(items))


def map_query(tag: str, organization: str, stage: str, limit: int) -> MapQuery:
    """The filters as typed; a stage that names none is refused with the list of stages."""
    return MapQuery(tag=tag.strip() or None, organization=organization.strip() or None,
                    stage=parse_stage(stage) if stage.strip() else None, limit=limit)


@router.get("/map", response_class=HTMLResponse)
async def map_page(request: Request, kb: Services, me: CurrentMember, background: BackgroundTasks,
             colour: Word = "stage",
             tag: Word = "", organization: Word = "", stage: Word = "",
             limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
             ) -> HTMLResponse:
    form = {"colour": colour, "tag": tag, "organization": organization, "stage": stage,
            "limit": str(limit)}
    context = blank_context(form)
    try:
        colour_by = parse_colour_by(colour)
        query = map_query(tag, organization, stage, limit)
        network = await answered(
            request, lambda: kb.at_once(lambda: kb.paths.drawn_map(me.id, query)),
            lambda: kb.paths.network_map(me.id, query, wait_for_day=False))
    except InvalidInput as error:
        return render(request, "map.html", {**context, "error": error}, 422)
    if network.stale_strengths:
        # Yesterday's strengths are drawn; today's are computed after answering.
        background.add_task(kb.depth.refresh_strengths, me.id)
    return render(request, "map.html", drawn_context(context, network, colour_by, query))


def blank_context(form: dict[str, str]) -> dict[str, Any]:
    """The map page's context before a map is drawn: the filters as typed."""
    return {"nav": "map", "form": form, "stages": list(Stage), "max_limit": MAX_LIMIT,
            "colours": list(ColourBy), "network": None, "svg": "", "legend": [],
            "download": "/api/v1/map?" + urlencode({**form, "format": "svg"})}


def drawn_context(context: dict[str, Any], network: NetworkMap, colour_by: ColourBy,
                  query: MapQuery) -> dict[str, Any]:
    """The context with a drawn map: the picture, its list, its legend."""
    return {**context, "network": network, "filtered": query.filtered,
            "svg": map_picture(network, colour_by, contact_page, photo_href=contact_photo),
            "items": map_items(network.nodes), "legend": legend(network, colour_by)}
