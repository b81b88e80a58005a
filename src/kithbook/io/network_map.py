"""The network map and the picture of one warm path, as SVG written by hand.

A map is one SVG with its natural size in width and height: a wide screen scales it to
the page by its viewBox, a phone shows it at that size in a box that pans, so names stay
legible and circles big enough to tap.
Each contact is a circle sized by the strength of the tie and coloured by stage or by
organization; each is a link to the contact's page with a <title> that names them (what
a screen reader reads, and what a pointer shows), and the strongest few carry their name
beside the circle, or, where the circles crowd, outside the crowd at the end of a leader
line; no name is ever written over a circle. Colours meet a 3:1 contrast against the
white background and are never the only carrier: the title says the stage and
organization in words.

Colours are presentation attributes, not style, so the page's CSP has nothing to refuse,
and every piece of text goes through `escape`, names being whatever people typed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import numpy.typing as npt

from kithbook.domain.ids import ContactId
from kithbook.domain.network_map import ColourBy, MapNode, NetworkMap
from kithbook.domain.ties import Stage

__all__ = ["BACKGROUND", "LegendEntry", "legend", "map_svg", "node_colour", "path_svg"]

BACKGROUND = "#FFFFFF"
INK = "#1A1A1A"
SPOKE = "#B4B4B4"
LINK = "#5A5A5A"
_FONT = 'font-family="system-ui, sans-serif"'
STAGE_COLOURS: dict[Stage, str] = {
    Stage.NEW: "#B07800", Stage.CONTACT: "#009E73", Stage.RELATIONSHIP: "#0072B2",
    Stage.TRUSTED: "#882255",
}
# Okabe-Ito hues, darkened where needed to keep 3:1 against white; two greys for the rest.
ORGANIZATION_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07800", "#6A3D9A")
OTHER_ORGANIZATIONS = "#949494"
NO_ORGANIZATION = "#3D3D3D"
LABEL_CHARS = 24
LABEL_SIZE = 12  # px at the map's natural size, the size a phone shows it at
_CHAR_WIDTH = 6.8  # about how wide a character of the label font is
# A circle is drawn by strength, but a finger needs 24 px to hit it: each link carries an
# unpainted target at least this radius around its circle.
TARGET_RADIUS = 12.0
# A picture is drawn in circles at least this large (smaller ones would show a blur),
# inside a ring of the circle's colour, which still says the stage or organization.
PHOTO_RADIUS = 9.0
RING = 2.0


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    count: int


def _organizations(nodes: Sequence[MapNode]) -> dict[str, str]:
    """The most common organizations on the map get a colour each, by how many; ties
    broken by name so the same map always gets the same colours."""
    counts = Counter(n.organization for n in nodes if n.organization)
    ranked = sorted(counts, key=lambda o: (-counts[o], o))[:len(ORGANIZATION_COLOURS)]
    return dict(zip(ranked, ORGANIZATION_COLOURS, strict=False))


def node_colour(node: MapNode, colour_by: ColourBy, organizations: dict[str, str]) -> str:
    if colour_by is ColourBy.STAGE:
        return STAGE_COLOURS[node.stage]
    if not node.organization:
        return NO_ORGANIZATION
    return organizations.get(node.organization, OTHER_ORGANIZATIONS)


def legend(network: NetworkMap, colour_by: ColourBy) -> list[LegendEntry]:
    """What each colour on the map means, with how many circles wear it."""
    if colour_by is ColourBy.STAGE:
        stages = Counter(n.stage for n in network.nodes)
        return [LegendEntry(s.value, STAGE_COLOURS[s], stages[s]) for s in STAGE_COLOURS]
    organizations = _organizations(network.nodes)
    counts = Counter(n.organization for n in network.nodes if n.organization)
    entries = [LegendEntry(o, c, counts[o]) for o, c in organizations.items()]
    others = sum(n for o, n in counts.items() if o not in organizations)
    if others:
        entries.append(LegendEntry("other organizations", OTHER_ORGANIZATIONS, others))
    missing = sum(1 for n in network.nodes if not n.organization)
    if missing:
        entries.append(LegendEntry("no organization", NO_ORGANIZATION, missing))
    return entries


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"


def _describe(node: MapNode) -> str:
    at = f" ({node.organization})" if node.organization else ""
    return f"{node.name}{at}: {node.stage.value}, strength {node.strength:.2f}"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


Box = tuple[float, float, float, float]  # x, y, width, height
Segment = tuple[float, float, float, float]  # x1, y1, x2, y2
LEADER = "#5A5A5A"
# Where a name with no room beside its circle goes: on rings just outside the crowd, in
# its circle's direction first, then turning either way, up to a right angle.
_RINGS = 8
_CLEAR_RINGS = 2
_RING_STEP = 18.0
_TURNS = tuple(sign * step * math.radians(6) for step in range(16) for sign in (1, -1)
               if step or sign == 1)


@dataclass(frozen=True)
class PlacedLabel:
    node: MapNode
    x: float
    y: float  # the baseline
    anchor: str
    box: Box
    leader: Segment | None  # from the circle's edge to a name written outside the crowd


def _place_labels(nodes: Sequence[MapNode], centre: float) -> list[PlacedLabel]:
    """Names of the labelled nodes, strongest first.

    Each name goes where it covers no circle and no other name: beside its circle on the
    outer side, then the inner side, then centred above or below it, then beside it a
    line higher or lower. A name with no such place goes outside the crowd, joined to its
    circle by a leader line that passes no other circle and crosses no name or other
    leader; a name with no room even there is left to its circle's title."""
    placed = [(-centre, -centre, 2 * centre, 2 * centre)]
    circles = _Circles(nodes)
    leaders: list[Segment] = []
    out = []
    for number, node in enumerate(nodes):
        if not node.labelled:
            continue
        spot = next(((x, y, anchor, box, None) for x, y, anchor, box in _label_spots(node)
                     if _free(box, placed, circles, leaders)), None) or \
            _outside(number, node, placed, circles, leaders)
        if spot is None:
            continue
        x, y, anchor, box, leader = spot
        placed.append(box)
        if leader is not None:
            leaders.append(leader)
        out.append(PlacedLabel(node, x, y, anchor, box, leader))
    return out


class _Circles:
    """Every circle of the map as arrays: the places a name may take are tested against
    all of them at once (a crowded map tries a few hundred places)."""

    def __init__(self, nodes: Sequence[MapNode]) -> None:
        self.x = np.array([n.x for n in nodes], dtype=float)
        self.y = np.array([n.y for n in nodes], dtype=float)
        self.r = np.array([n.radius for n in nodes], dtype=float)
        self.crowd = float(np.max(np.hypot(self.x, self.y) + self.r)) if nodes else 0.0

    def cover(self, box: Box) -> bool:
        return bool(self.covering(np.array([box], dtype=float))[0])

    def covering(self, boxes: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """For each box (rows of x, y, width, height), whether it covers a circle."""
        x, y, w, h = (boxes[:, i, None] for i in range(4))
        hits: npt.NDArray[np.bool_] = np.any(
            (x < self.x + self.r) & (self.x - self.r < x + w)
            & (y < self.y + self.r) & (self.y - self.r < y + h), axis=1)
        return hits

    def passing(self, segments: npt.NDArray[np.float64], margin: float,
                but: int) -> npt.NDArray[np.bool_]:
        """For each segment (rows of x1, y1, x2, y2), whether it passes within `margin` of
        a circle other than number `but`."""
        x1, y1, x2, y2 = (segments[:, i, None] for i in range(4))
        dx, dy = x2 - x1, y2 - y1
        span = np.maximum(dx * dx + dy * dy, 1e-9)
        t = np.clip(((self.x - x1) * dx + (self.y - y1) * dy) / span, 0.0, 1.0)
        close = np.hypot(x1 + t * dx - self.x, y1 + t * dy - self.y) < self.r + margin
        close[:, but] = False
        hits: npt.NDArray[np.bool_] = np.any(close, axis=1)
        return hits


def _free(box: Box, placed: Sequence[Box], circles: _Circles,
          leaders: Sequence[Segment]) -> bool:
    return not any(_overlaps(box, other) for other in placed) and \
        not any(_crosses_box(leader, box) for leader in leaders) and not circles.cover(box)


def _outside(number: int, node: MapNode, placed: Sequence[Box], circles: _Circles,
             leaders: Sequence[Segment]) -> tuple[float, float, str, Box, Segment] | None:
    """A place for the name beyond every circle, and the leader line that reaches it:
    ring by ring outward, each ring's places tested against the circles at once.

    A leader that passes no other circle is preferred within the first `_CLEAR_RINGS`
    rings; else the nearest place is taken and its leader runs beneath the circles it
    passes, as the spokes do (a leader never covers a circle, nor crosses a name or
    another leader)."""
    width = _CHAR_WIDTH * len(_short(node.name))
    towards = math.atan2(node.y, node.x) if (node.x or node.y) else 0.0
    angles = towards + np.array(_TURNS)
    cos, sin = np.cos(angles), np.sin(angles)
    upright = np.abs(cos) < 0.3  # straight above or below: centred on the line
    fallback = None
    for ring in range(_RINGS):
        reach = circles.crowd + 12 + ring * _RING_STEP
        px, py = reach * cos, reach * sin
        left = np.where(upright, px - width / 2, np.where(px > 0, px, px - width))
        boxes = np.stack([left, py - 9, np.full_like(px, width), np.full_like(px, 16.0)],
                         axis=1)
        end_x = np.where(upright, px, np.where(px > 0, px - 2, px + 2))
        end_y = np.where(upright, np.where(py < 0, py + 8, py - 10), py)
        dx, dy = end_x - node.x, end_y - node.y
        length = np.maximum(np.hypot(dx, dy), 1e-9)
        segments = np.stack([node.x + node.radius * dx / length,
                             node.y + node.radius * dy / length, end_x, end_y], axis=1)
        free = ~circles.covering(boxes)
        clear = ~circles.passing(segments, 1.5, number) if ring < _CLEAR_RINGS else \
            np.zeros_like(free)
        for i in np.flatnonzero(free):
            if fallback is not None and not clear[i]:
                continue
            box = (float(boxes[i, 0]), float(boxes[i, 1]), width, 16.0)
            leader = (float(segments[i, 0]), float(segments[i, 1]), float(end_x[i]),
                      float(end_y[i]))
            if any(_overlaps(box, other) for other in placed) or \
                    any(_crosses_box(leader, b) for b in placed) or \
                    any(_crossing(leader, other) or _crosses_box(other, box)
                        for other in leaders):
                continue
            anchor = "middle" if upright[i] else "start" if px[i] > 0 else "end"
            spot = float(px[i]), float(py[i]) + 4, anchor, box, leader
            if clear[i]:
                return spot
            fallback = spot
        if fallback is not None and ring + 1 >= _CLEAR_RINGS:
            return fallback
    return fallback


def _crosses_box(segment: Segment, box: Box) -> bool:
    """Whether the segment enters the box (clipped against it, Liang–Barsky)."""
    x1, y1, x2, y2 = segment
    low, high = 0.0, 1.0
    for p, q in ((x1 - x2, x1 - box[0]), (x2 - x1, box[0] + box[2] - x1),
                 (y1 - y2, y1 - box[1]), (y2 - y1, box[1] + box[3] - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _crossing(a: Segment, b: Segment) -> bool:
    def side(ox: float, oy: float, px: float, py: float, qx: float, qy: float) -> float:
        return (px - ox) * (qy - oy) - (py - oy) * (qx - ox)

    return (side(a[0], a[1], a[2], a[3], b[0], b[1]) * side(a[0], a[1], a[2], a[3], b[2], b[3])
            < 0 and side(b[0], b[1], b[2], b[3], a[0], a[1])
            * side(b[0], b[1], b[2], b[3], a[2], a[3]) < 0)


def _label_spots(node: MapNode) -> list[tuple[float, float, str, Box]]:
    """Where a node's name may go, nearest first: (x, baseline y, anchor, its box)."""
    width = _CHAR_WIDTH * len(_short(node.name))
    outward = "end" if node.x < 0 else "start"
    inward = "start" if outward == "end" else "end"

    def beside(anchor: str, dy: float) -> tuple[float, float, str, Box]:
        x = node.x - node.radius - 4 if anchor == "end" else node.x + node.radius + 4
        y = node.y + dy
        return x, y + 4, anchor, (x - width if anchor == "end" else x, y - 9, width, 16)

    def centred(baseline: float) -> tuple[float, float, str, Box]:
        return node.x, baseline, "middle", (node.x - width / 2, baseline - 13, width, 16)

    return [beside(outward, 0), beside(inward, 0),
            centred(node.y - node.radius - 5), centred(node.y + node.radius + 14),
            beside(outward, -node.radius - 4), beside(outward, node.radius + 4)]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and \
        b[1] < a[1] + a[3]


def map_svg(network: NetworkMap, colour_by: ColourBy, href: Callable[[ContactId], str], *,
            with_legend: bool = False,
            photo_href: Callable[[ContactId], str] | None = None) -> str:
    """The map as one SVG document; `href` gives the page each circle links to, and
    `photo_href` (when given) the picture shown inside the circles large enough for one."""
    labels = _place_labels(network.nodes, network.centre_radius)
    reach = max([network.extent, *(max(abs(b[0]), abs(b[0] + b[2]), abs(b[1]),
                                       abs(b[1] + b[3])) for b in (p.box for p in labels))])
    half = reach + 8
    entries = legend(network, colour_by) if with_legend else []
    height = 2 * half + (18 * len(entries) + 12 if entries else 0)
    out = [*_opening(network, colour_by, half, height),
           *_ties_drawn(network, labels),
           *_circles(network, colour_by, href, photo_href),
           *_names(labels),
           *_legend_rows(entries, half),
           "</svg>"]
    return "\n".join(out) + "\n"


def _opening(network: NetworkMap, colour_by: ColourBy, half: float,
             height: float) -> list[str]:
    """The document's opening tag, its title and description, and the background."""
    title = f"Network map of {network.member}"
    desc = (f"{network.member} at the centre and the {len(network.nodes)} strongest of "
            f"{network.matching} matching ties around them, stronger ties closer; "
            f"colour shows the {colour_by.value}.")
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="network-map" '
            f'width="{_n(2 * half)}" height="{_n(height)}" '
            f'viewBox="{_n(-half)} {_n(-half)} {_n(2 * half)} {_n(height)}" role="group" '
            f'aria-labelledby="map-title map-desc" {_FONT} font-size="{LABEL_SIZE}" '
            f'fill="{INK}">',
            f'<title id="map-title">{escape(title)}</title>',
            f'<desc id="map-desc">{escape(desc)}</desc>',
            f'<rect x="{_n(-half)}" y="{_n(-half)}" width="{_n(2 * half)}" '
            f'height="{_n(height)}" fill="{BACKGROUND}"/>']


def _ties_drawn(network: NetworkMap, labels: Sequence[PlacedLabel]) -> list[str]:
    """Beneath the circles and hidden from screen readers: spokes, links between
    contacts, the labels' leader lines and the member's own circle."""
    out = ['<g aria-hidden="true">']
    for node in network.nodes:  # spokes: the member's ties, thicker when stronger
        out.append(f'<line x1="0" y1="0" x2="{_n(node.x)}" y2="{_n(node.y)}" '
                   f'stroke="{SPOKE}" stroke-width="{_n(0.5 + 2 * node.strength)}"/>')
    for link in network.links:
        a, b = network.nodes[link.a], network.nodes[link.b]
        out.append(f'<line x1="{_n(a.x)}" y1="{_n(a.y)}" x2="{_n(b.x)}" y2="{_n(b.y)}" '
                   f'stroke="{LINK}" stroke-width="{_n(0.5 + 1.5 * link.strength)}" '
                   'stroke-dasharray="4 3"/>')
    for label in labels:  # beneath the circles, like the spokes they continue
        if label.leader is not None:
            x1, y1, x2, y2 = label.leader
            out.append(f'<line class="leader" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" '
                       f'y2="{_n(y2)}" stroke="{LEADER}" stroke-width="1"/>')
    out.append(f'<circle cx="0" cy="0" r="{_n(network.centre_radius)}" fill="{INK}"/>'
               f'<text x="0" y="4" text-anchor="middle" fill="{BACKGROUND}" '
               'font-weight="bold">you</text></g>')
    return out


def _circles(network: NetworkMap, colour_by: ColourBy, href: Callable[[ContactId], str],
             photo_href: Callable[[ContactId], str] | None) -> list[str]:
    """Each contact's circle: a link to their page, titled with who they are."""
    organizations = _organizations(network.nodes)
    out = []
    for number, node in enumerate(network.nodes):
        colour = node_colour(node, colour_by, organizations)
        out.append(f'<a href="{escape(href(node.contact))}" class="map-node">'
                   f"<title>{escape(_describe(node))}</title>"
                   f'<circle cx="{_n(node.x)}" cy="{_n(node.y)}" '
                   f'r="{_n(max(node.radius, TARGET_RADIUS))}" fill="{BACKGROUND}" '
                   'fill-opacity="0"/>'
                   f'<circle cx="{_n(node.x)}" cy="{_n(node.y)}" r="{_n(node.radius)}" '
                   f'fill="{colour}" stroke="{BACKGROUND}" stroke-width="1"/>')
        if photo_href is not None and node.photo and node.radius >= PHOTO_RADIUS:
            out.append(_picture(node, number, photo_href(node.contact)))
        out.append("</a>")
    return out


def _names(labels: Sequence[PlacedLabel]) -> list[str]:
    # Names last, over every circle; the circles' titles already name everyone, so this
    # layer is for the eye only and lets clicks through to the circle beneath.
    out = ['<g aria-hidden="true" pointer-events="none">']
    for label in labels:
        out.append(f'<text x="{_n(label.x)}" y="{_n(label.y)}" text-anchor="{label.anchor}" '
                   f'paint-order="stroke" stroke="{BACKGROUND}" stroke-width="3" '
                   f'stroke-linejoin="round">{escape(_short(label.node.name))}</text>')
    out.append("</g>")
    return out


def _legend_rows(entries: Sequence[LegendEntry], half: float) -> list[str]:
    out = []
    y = half + 12
    for entry in entries:
        out.append(f'<circle cx="{_n(-half + 16)}" cy="{_n(y)}" r="6" fill="{entry.colour}"/>'
                   f'<text x="{_n(-half + 28)}" y="{_n(y + 4)}">{escape(entry.label)} '
                   f"({entry.count})</text>")
        y += 18
    return out


def _picture(node: MapNode, number: int, url: str) -> str:
    """The contact's picture inside its circle, a ring of its colour left around it."""
    inner = node.radius - RING
    return (f'<clipPath id="photo-{number}"><circle cx="{_n(node.x)}" cy="{_n(node.y)}" '
            f'r="{_n(inner)}"/></clipPath>'
            f'<image href="{escape(url)}" x="{_n(node.x - inner)}" y="{_n(node.y - inner)}" '
            f'width="{_n(2 * inner)}" height="{_n(2 * inner)}" '
            f'preserveAspectRatio="xMidYMid slice" clip-path="url(#photo-{number})"/>')


def path_svg(labels: Sequence[str], anonymous: Sequence[bool]) -> str:
    """`you → … → target` as a row of circles joined by lines, each with its label;
    an anonymous step ("a contact at Acme") is an outline only."""
    if len(labels) != len(anonymous):
        raise ValueError("each step needs to say whether it is anonymous.")
    people = ["you", *labels]
    hidden = [False, *anonymous]
    gap, r = 170, 18
    width = gap * len(people)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="96" '
           f'viewBox="0 0 {width} 96" role="img" {_FONT} font-size="12" fill="{INK}">',
           f"<title>{escape(' → '.join(people))}</title>",
           f'<rect width="{width}" height="96" fill="{BACKGROUND}"/>']
    for i in range(len(people) - 1):
        out.append(f'<line x1="{gap * i + gap // 2 + r}" y1="30" '
                   f'x2="{gap * (i + 1) + gap // 2 - r}" y2="30" stroke="{LINK}" '
                   'stroke-width="2"/>')
    for i, label in enumerate(people):
        x = gap * i + gap // 2
        fill = BACKGROUND if hidden[i] else INK if i == 0 else STAGE_COLOURS[Stage.RELATIONSHIP]
        dash = ' stroke-dasharray="4 3"' if hidden[i] else ""
        out.append(f'<circle cx="{x}" cy="30" r="{r}" fill="{fill}" stroke="{INK}" '
                   f'stroke-width="2"{dash}/>')
        out.append(f'<text x="{x}" y="72" text-anchor="middle">'
                   f"{escape(_short(label, 26))}</text>")
    out.append("</svg>")
    return "".join(out)
