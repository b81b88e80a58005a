"""The network map of one member's book: their strongest ties, laid out around them.

Only the member's own book is read: the strongest ties that match the filters, chosen by
the strength and stage stored with each tie (the same engine as the contact page and the
book list, brought up to date the same way: `stored_strength`), those contacts' names and
organizations, and the links the member recorded among them. Nothing of another member's
book can reach the picture.

A map reads a few hundred rows however large the book, so the first view after a write
takes milliseconds. What was drawn is kept in the `PathsCache` while no write moves the
network's fingerprint, for the day it was drawn, the last few layouts per member.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from kithbook.domain.contacts import fold
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.domain.network_map import MapLink, MapNode, NetworkMap
from kithbook.domain.stages import assess_stage
from kithbook.domain.ties import Stage
from kithbook.graph.layout import radial_layout
from kithbook.graph.strength import StrengthParams
from kithbook.services import stored_strength
from kithbook.services.paths import PathsCache
from kithbook.services.ports import Clock, RankedTie, UnitOfWork
from kithbook.services.tie_strength import compute_strength

DEFAULT_LIMIT = 150
MAX_LIMIT = 300  # past this the picture stops being readable, and layout time grows as n²
LABELLED = 12  # names written beside the circles of the strongest few
LAYOUTS_KEPT = 32
CENTRE_RADIUS = 16.0
MIN_RADIUS, MAX_RADIUS = 5.0, 14.0


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
class _Drawn:
    """The maps drawn from one state of a member's book, the latest few."""

    member: str
    book_size: int
    organizations: list[str] | None = None  # every one in the book, read when a filter asks
    layouts: OrderedDict[tuple[object, ...], NetworkMap] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def network_map(uow: UnitOfWork, cache: PathsCache, actor: MemberId, query: MapQuery,
                clock: Clock, params: StrengthParams, *,
                wait_for_day: bool = True) -> NetworkMap:
    """The strongest `query.limit` ties that match the filters, laid out around the member,
    with strengths and stages as of today (as of an earlier day when `wait_for_day` is
    False and the day's refresh is due: see `NetworkMap.stale_strengths`)."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(f"draw between 1 and {MAX_LIMIT} people; got {query.limit}.",
                           field="limit")
    today = clock.today()
    with uow.reading():
        member = uow.members.get(actor)
    if member is None:
        raise NotFound(f"no member {actor}.", field="member")
    stale = stored_strength.bring_up_to_date(uow, actor, today, params,
                                             wait_for_day=wait_for_day)
    tag, organization, key = _filters(query)
    with uow.reading():
        drawn = cache.value(uow, _cache_key(actor, today),
                            lambda: _Drawn(member.name, uow.contacts.count(actor)),
                            owner=actor)
        with drawn.lock:
            found = drawn.layouts.get(key)
            if found is not None:
                drawn.layouts.move_to_end(key)
        if found is None:
            found = _draw(uow, actor, drawn, tag, organization, query.stage, query.limit,
                          today, params)
            with drawn.lock:
                drawn.layouts[key] = found
                while len(drawn.layouts) > LAYOUTS_KEPT:
                    drawn.layouts.popitem(last=False)
    return replace(found, stale_strengths=True) if stale else found


def drawn_map(uow: UnitOfWork, cache: PathsCache, actor: MemberId, query: MapQuery,
              clock: Clock) -> NetworkMap | None:
    """What `network_map` answers (with `wait_for_day` False) when that map is drawn
    already and no strength needs computing; else None. It only reads and never waits for
    a drawing, so a server can answer with it on its event loop."""
    if not 1 <= query.limit <= MAX_LIMIT:
        return None
    today = clock.today()
    *_, key = _filters(query)
    with uow.reading():
        missing, stale = uow.depth.strengths_due(actor, today, stored_strength.ONE_BY_ONE)
        if not stored_strength.nothing_to_do(missing, stale, wait_for_day=False):
            return None
        # A map drawn of this book at this fingerprint: the member was there then.
        drawn = cache.held(uow, _cache_key(actor, today), owner=actor)
    if not isinstance(drawn, _Drawn):
        return None
    with drawn.lock:
        found = drawn.layouts.get(key)
        if found is not None:
            drawn.layouts.move_to_end(key)  # drawn lately, as `network_map` counts it
    if found is None:
        return None
    return replace(found, stale_strengths=True) if stale else found


def _filters(query: MapQuery) -> tuple[str | None, str | None, tuple[object, ...]]:
    """The tag and organization as compared, and the key of the map they draw."""
    tag = " ".join((query.tag or "").lower().split()) or None
    organization = fold(query.organization or "") or None
    return tag, organization, (tag, organization, query.stage, query.limit)


def _cache_key(actor: MemberId, today: date) -> str:
    return f"map:{actor}:{today.isoformat()}"


def _draw(uow: UnitOfWork, actor: MemberId, drawn: _Drawn, tag: str | None,
          organization: str | None, stage: Stage | None, limit: int, today: date,
          params: StrengthParams) -> NetworkMap:
    """Read the chosen ties and lay them out; inside an open unit of work."""
    organizations = None
    if organization is not None:
        with drawn.lock:
            known = drawn.organizations
        if known is None:
            known = uow.depth.organizations(actor)
            with drawn.lock:
                drawn.organizations = known
        organizations = [o for o in known if organization in fold(o)]
    chosen, matching = uow.depth.strongest(actor, limit, tag=tag, organizations=organizations,
                                           stage=stage)
    chosen = [_scored(uow, actor, t, today, params) for t in chosen]
    # Strongest first as shown (two decimals), then by name, as the map always drew them.
    chosen.sort(key=lambda t: (-_shown(t.strength), fold(t.name), t.contact))
    strength = np.array([_shown(t.strength) for t in chosen], dtype=np.float64)
    radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * strength
    node_of = {t.contact: i for i, t in enumerate(chosen)}
    ends = uow.depth.links_among(actor, [t.contact for t in chosen])
    la = np.array([node_of[a] for a, _, _ in ends], dtype=np.int64)
    lb = np.array([node_of[b] for _, b, _ in ends], dtype=np.int64)
    lw = np.array([w for _, _, w in ends], dtype=np.float64)
    layout = radial_layout(strength, radius, centre_radius=CENTRE_RADIUS,
                           link_a=la, link_b=lb, link_weight=lw,
                           group=_organization_groups([t.organization for t in chosen]))
    pictured = uow.photos.among([t.contact for t in chosen])
    nodes = tuple(
        MapNode(contact=t.contact, name=t.name, organization=t.organization,
                stage=t.stage or Stage.NEW, strength=float(strength[i]),
                x=round(float(layout.x[i + 1]), 1), y=round(float(layout.y[i + 1]), 1),
                radius=round(float(radius[i]), 1), labelled=i < LABELLED,
                photo=t.contact in pictured)
        for i, t in enumerate(chosen))
    links = tuple(MapLink(int(x), int(y), float(s)) for x, y, s in zip(la, lb, lw, strict=True))
    return NetworkMap(drawn.member, CENTRE_RADIUS, nodes, links, drawn.book_size, matching,
                      limit)


def _shown(strength: float | None) -> float:
    return round(strength or 0.0, 2)


def _scored(uow: UnitOfWork, actor: MemberId, tie: RankedTie, today: date,
            params: StrengthParams) -> RankedTie:
    """The tie as read, or scored here when a change cleared it since the book was brought
    up to date (the next request stores it, and that write redraws the map)."""
    if tie.strength is not None and tie.stage is not None:
        return tie
    snapshot = uow.depth.snapshot(actor, tie.contact)
    if not snapshot.contacts:
        return tie
    evidence = compute_strength(snapshot, today, params).evidence(0)
    return replace(tie, strength=float(evidence.strength),
                   stage=assess_stage(evidence).stage)


def _organization_groups(organizations: list[str | None]) -> npt.NDArray[np.int64]:
    """A group number per contact for the layout: one per organization that two or more
    of them share (spelling aside), -1 for the rest."""
    keys = [fold(o) if o else "" for o in organizations]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    shared = sorted(k for k, c in counts.items() if k and c > 1)
    number = {k: i for i, k in enumerate(shared)}
    return np.array([number.get(k, -1) for k in keys], dtype=np.int64)
