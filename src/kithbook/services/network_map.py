"""The network map of one member's book: their strongest ties, laid out around them.

Only the member's own book is read: their contacts, the strength and stage of each tie
(the same engine as the contact page and the health report) and the links they recorded
between contacts. Nothing of another member's book can reach the picture.

Reading a large book and scoring every tie takes long, so what is read is kept in the
`PathsCache` (every committed write marks it stale) for the day it was computed, along
with the last few layouts drawn from it. Filtering, picking the strongest and drawing
then take milliseconds even for a hundred thousand contacts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from kithbook.domain.contacts import fold
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.network_map import ColourBy, MapLink, MapNode, NetworkMap
from kithbook.domain.stages import STAGES, assess_stage
from kithbook.domain.ties import Stage
from kithbook.graph.layout import radial_layout
from kithbook.graph.strength import StrengthParams, TieStrength
from kithbook.io.network_map import LegendEntry, legend, map_svg, path_svg
from kithbook.services.paths import FoundPath, PathsCache
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.tie_strength import compute_strength

DEFAULT_LIMIT = 150
MAX_LIMIT = 300  # past this the picture stops being readable, and layout time grows as n²
LABELLED = 12  # names written beside the circles of the strongest few
LAYOUTS_KEPT = 32
CENTRE_RADIUS = 16.0
MIN_RADIUS, MAX_RADIUS = 5.0, 14.0

IntArray = npt.NDArray[np.int64]
_STAGE_CODE = {s: i for i, s in enumerate(STAGES)}


@dataclass(frozen=True)
class MapQuery:
    """Which contacts to draw: every given filter must match; the strongest `limit`."""

    tag: str | None = None
    organization: str | None = None
    stage: Stage | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def filtered(self) -> bool:
        return bool(self.tag or self.organization or self.stage)


@dataclass
class _Book:
    """One member's book as arrays, strongest tie first (then by name, then id)."""

    member: str
    contacts: list[ContactId]
    names: list[str]
    organizations: list[str | None]
    strength: npt.NDArray[np.float64]
    # Stages are assessed tie by tie (the domain's rules), which takes seconds for a
    # large book: only for the people drawn, or for all once a filter asks for a stage.
    scored: TieStrength  # rows in the snapshot's order
    row: IntArray  # position here → row in `scored`
    stage: IntArray  # position in STAGES, -1 until assessed
    organization_code: IntArray  # position in `organization_keys`, -1 for none
    organization_keys: list[str]  # folded
    tagged: dict[str, IntArray]  # tag → positions
    links: tuple[IntArray, IntArray, npt.NDArray[np.float64]]
    layouts: OrderedDict[tuple[object, ...], NetworkMap] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def network_map(uow: UnitOfWork, cache: PathsCache, actor: MemberId, query: MapQuery,
                clock: Clock, params: StrengthParams) -> NetworkMap:
    """The strongest `query.limit` ties that match the filters, laid out around the member."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(f"draw between 1 and {MAX_LIMIT} people; got {query.limit}.",
                           field="limit")
    today = clock.today()
    with uow.reading():
        member = uow.members.get(actor)
        if member is None:
            raise NotFound(f"no member {actor}.", field="member")
        book = cache.value(uow, f"map:{actor}:{today.isoformat()}",
                           lambda: _read(uow, actor, member.name, today, params))
    tag = " ".join((query.tag or "").lower().split()) or None
    organization = fold(query.organization or "") or None
    key = (tag, organization, query.stage, query.limit)
    with book.lock:
        drawn = book.layouts.get(key)
        if drawn is not None:
            book.layouts.move_to_end(key)
            return drawn
    drawn = _draw(book, tag, organization, query.stage, query.limit)
    with book.lock:
        book.layouts[key] = drawn
        while len(book.layouts) > LAYOUTS_KEPT:
            book.layouts.popitem(last=False)
    return drawn


def _read(uow: UnitOfWork, actor: MemberId, name: str, today: date,
          params: StrengthParams) -> _Book:
    snapshot = uow.depth.snapshot(actor)
    links = uow.contact_links.of_owner(actor)
    scored = compute_strength(snapshot, today, params)
    strength = np.round(np.asarray(scored.strength, dtype=np.float64), 2).astype(np.float64)
    folded = [fold(n) for n in snapshot.names]
    order = np.array(sorted(range(len(snapshot.contacts)),
                            key=lambda i: (-strength[i], folded[i], snapshot.contacts[i])),
                     dtype=np.int64)
    contacts = [snapshot.contacts[i] for i in order.tolist()]
    organizations = [snapshot.organizations[i] for i in order.tolist()]
    keys: dict[str, int] = {}
    codes = np.array([keys.setdefault(fold(o), len(keys)) if o else -1
                      for o in organizations], dtype=np.int64)
    tagged: dict[str, list[int]] = {}
    for position, i in enumerate(order.tolist()):
        for t in snapshot.tags[i]:
            tagged.setdefault(t, []).append(position)
    where = {c: p for p, c in enumerate(contacts)}
    ends = [(where[link.a], where[link.b], link.strength) for link in links
            if link.a in where and link.b in where]
    return _Book(
        member=name, contacts=contacts, names=[snapshot.names[i] for i in order.tolist()],
        organizations=organizations, strength=strength[order], scored=scored, row=order,
        stage=np.full(len(order), -1, dtype=np.int64),
        organization_code=codes, organization_keys=list(keys),
        tagged={t: np.array(p, dtype=np.int64) for t, p in tagged.items()},
        links=(np.array([e[0] for e in ends], dtype=np.int64),
               np.array([e[1] for e in ends], dtype=np.int64),
               np.array([e[2] for e in ends], dtype=np.float64)))


def _draw(book: _Book, tag: str | None, organization: str | None, stage: Stage | None,
          limit: int) -> NetworkMap:
    keep = np.ones(len(book.contacts), dtype=np.bool_)
    if tag is not None:
        tagged = np.zeros(len(keep), dtype=np.bool_)
        tagged[book.tagged.get(tag, np.zeros(0, np.int64))] = True
        keep &= tagged
    if organization is not None:
        codes = [c for c, key in enumerate(book.organization_keys) if organization in key]
        keep &= np.isin(book.organization_code, codes)
    if stage is not None:
        keep &= _stages(book, np.arange(len(keep))) == STAGES.index(stage)
    matching = np.flatnonzero(keep)
    chosen = matching[:limit]  # the book is held strongest first
    strength = book.strength[chosen]
    radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * strength
    node_of = np.full(len(book.contacts), -1, dtype=np.int64)
    node_of[chosen] = np.arange(len(chosen))
    a, b, w = book.links
    both = (node_of[a] >= 0) & (node_of[b] >= 0) if len(a) else np.zeros(0, np.bool_)
    la, lb, lw = node_of[a[both]], node_of[b[both]], w[both]
    layout = radial_layout(strength, radius, centre_radius=CENTRE_RADIUS,
                           link_a=la, link_b=lb, link_weight=lw)
    stages = _stages(book, chosen)
    nodes = tuple(
        MapNode(contact=book.contacts[p], name=book.names[p],
                organization=book.organizations[p], stage=STAGES[int(stages[i])],
                strength=float(book.strength[p]), x=round(float(layout.x[i + 1]), 1),
                y=round(float(layout.y[i + 1]), 1), radius=round(float(radius[i]), 1),
                labelled=i < LABELLED)
        for i, p in enumerate(chosen.tolist()))
    links = tuple(MapLink(int(x), int(y), float(s)) for x, y, s in zip(la, lb, lw, strict=True))
    return NetworkMap(book.member, CENTRE_RADIUS, nodes, links, len(book.contacts),
                      len(matching), limit)


def _stages(book: _Book, positions: IntArray) -> IntArray:
    """The stage of each tie at these positions, assessing those not yet assessed."""
    with book.lock:
        for p in positions[book.stage[positions] < 0].tolist():
            evidence = book.scored.evidence(int(book.row[p]))
            book.stage[p] = _STAGE_CODE[assess_stage(evidence).stage]
        return book.stage[positions].copy()


def picture(network: NetworkMap, colour_by: ColourBy, href: Callable[[ContactId], str], *,
            with_legend: bool = False) -> str:
    """The map as an SVG document, each circle a link to `href(contact)`."""
    return map_svg(network, colour_by, href, with_legend=with_legend)


def colours(network: NetworkMap, colour_by: ColourBy) -> list[LegendEntry]:
    return legend(network, colour_by)


def path_picture(found: FoundPath) -> str:
    """One warm path as a row of people, drawn like the map."""
    return path_svg([s.label for s in found.steps], [s.anonymous for s in found.steps])
