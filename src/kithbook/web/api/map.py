"""/api/v1/map: the network map of your own book, as a layout (JSON) or a picture (SVG)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import Response
from pydantic import BaseModel

from kithbook.domain.network_map import NetworkMap, parse_colour_by
from kithbook.services.network_map import DEFAULT_LIMIT, MAX_LIMIT
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services
from kithbook.web.pages.map import contact_page, map_query
from kithbook.web.pictures import map_picture

router = APIRouter(prefix="/api/v1", tags=["network map"], responses=ERRORS)

Word = Annotated[str, Query(max_length=300)]


class MapNodeOut(BaseModel):
    contact: str
    name: str
    organization: str | None
    stage: str
    strength: float
    x: float
    y: float
    radius: float
    labelled: bool
    url: str


class MapLinkOut(BaseModel):
    a: int
    b: int
    strength: float


class MapOut(BaseModel):
    member: str
    book_size: int
    matching: int
    shown: int
    left_out: int
    limit: int
    centre_radius: float
    nodes: list[MapNodeOut]
    links: list[MapLinkOut]

    @classmethod
    def of(cls, network: NetworkMap) -> MapOut:
        return cls(
            member=network.member, book_size=network.book_size, matching=network.matching,
            shown=len(network.nodes), left_out=network.left_out, limit=network.limit,
            centre_radius=network.centre_radius,
            nodes=[MapNodeOut(contact=n.contact, name=n.name, organization=n.organization,
                              stage=n.stage.value, strength=n.strength, x=n.x, y=n.y,
                              radius=n.radius, labelled=n.labelled,
                              url=contact_page(n.contact)) for n in network.nodes],
            links=[MapLinkOut(a=k.a, b=k.b, strength=k.strength) for k in network.links])


@router.get("/map", response_model=MapOut,
            summary="The network map of your book: a layout, or an SVG picture",
            description="The strongest `limit` ties matching the filters, laid out around "
                        "you (at 0, 0; stronger ties closer). `links` join nodes (positions "
                        "in `nodes`) you recorded as knowing each other. `format=svg` answers "
                        "with the picture itself, coloured by `colour` (stage or "
                        "organization), with a legend.",
            responses={200: {"content": {"image/svg+xml": {}}}})
def network_map(kb: Services, me: CurrentMember, background: BackgroundTasks,
                tag: Word = "", organization: Word = "",
                stage: Word = "", colour: Word = "stage",
                limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
                format: Literal["json", "svg"] = "json") -> Response | MapOut:
    colour_by = parse_colour_by(colour)
    network = kb.paths.network_map(me.id, map_query(tag, organization, stage, limit),
                                   wait_for_day=False)
    if network.stale_strengths:  # renewed after answering, as the book list does
        background.add_task(kb.depth.refresh_strengths, me.id)
    if format == "svg":
        return Response(map_picture(network, colour_by, contact_page, with_legend=True),
                        media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
    return MapOut.of(network)
