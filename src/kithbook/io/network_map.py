"""The network map and the picture of one warm path, as SVG written by hand.

A map is one SVG with its natural size in width and height: a wide screen scales it to
the page by its viewBox, a phone shows it at that size in a box that pans, so names stay
legible and circles big enough to tap.
Each contact is a circle sized by the strength of the tie and coloured by stage or by
organization; each is a link to the contact's page with a <title> that names them (what
a screen reader reads, and what a pointer shows), and the strongest few carry their name
beside the circle. Colours meet a 3:1 contrast against the white background and are
never the only carrier: the title says the stage and organization in words.

Colours are presentation attributes, not style, so the page's CSP has nothing to refuse,
and every piece of text goes through `escape`, names being whatever people typed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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


def _place_labels(nodes: Sequence[MapNode], centre: float
                  ) -> list[tuple[MapNode, float, float, str]]:
    """Names of the labelled nodes, strongest first, as (node, x, baseline y, anchor).

    Each name goes where it covers nothing: beside its circle on the outer side, then the
    inner side, then centred above or below it, then beside it a line higher or lower; a
    name with no such place is left to its circle's title."""
    placed = [(-centre, -centre, 2 * centre, 2 * centre)]
    circles = [(n.x - n.radius, n.y - n.radius, 2 * n.radius, 2 * n.radius) for n in nodes]
    out = []
    for node in nodes:
        if not node.labelled:
            continue
        for x, y, anchor, box in _label_spots(node):
            if not any(_overlaps(box, other) for other in placed) and \
                    not any(_overlaps(box, c) for c in circles):
                placed.append(box)
                out.append((node, x, y, anchor))
                break
    return out


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
    organizations = _organizations(network.nodes)
    reach = network.extent
    for node in network.nodes:
        if node.labelled:  # room for names written beside, above or below edge circles
            reach = max(reach, abs(node.x) + node.radius + 4
                        + _CHAR_WIDTH * len(_short(node.name)),
                        abs(node.y) + 2 * node.radius + 22)
    half = reach + 8
    entries = legend(network, colour_by) if with_legend else []
    height = 2 * half + (18 * len(entries) + 12 if entries else 0)
    shown = len(network.nodes)
    title = f"Network map of {network.member}"
    desc = (f"{network.member} at the centre and the {shown} strongest of "
            f"{network.matching} matching ties around them, stronger ties closer; "
            f"colour shows the {colour_by.value}.")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network-map" '
           f'width="{_n(2 * half)}" height="{_n(height)}" '
           f'viewBox="{_n(-half)} {_n(-half)} {_n(2 * half)} {_n(height)}" role="group" '
           f'aria-labelledby="map-title map-desc" {_FONT} font-size="{LABEL_SIZE}" '
           f'fill="{INK}">',
           f'<title id="map-title">{escape(title)}</title>',
           f'<desc id="map-desc">{escape(desc)}</desc>',
           f'<rect x="{_n(-half)}" y="{_n(-half)}" width="{_n(2 * half)}" '
           f'height="{_n(height)}" fill="{BACKGROUND}"/>',
           '<g aria-hidden="true">']
    for node in network.nodes:  # spokes: the member's ties, thicker when stronger
        out.append(f'<line x1="0" y1="0" x2="{_n(node.x)}" y2="{_n(node.y)}" '
                   f'stroke="{SPOKE}" stroke-width="{_n(0.5 + 2 * node.strength)}"/>')
    for link in network.links:
        a, b = network.nodes[link.a], network.nodes[link.b]
        out.append(f'<line x1="{_n(a.x)}" y1="{_n(a.y)}" x2="{_n(b.x)}" y2="{_n(b.y)}" '
                   f'stroke="{LINK}" stroke-width="{_n(0.5 + 1.5 * link.strength)}" '
                   'stroke-dasharray="4 3"/>')
    out.append(f'<circle cx="0" cy="0" r="{_n(network.centre_radius)}" fill="{INK}"/>'
               f'<text x="0" y="4" text-anchor="middle" fill="{BACKGROUND}" '
               'font-weight="bold">you</text></g>')
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
    # Names last, over every circle; the circles' titles already name everyone, so this
    # layer is for the eye only and lets clicks through to the circle beneath.
    out.append('<g aria-hidden="true" pointer-events="none">')
    for node, x, y, anchor in _place_labels(network.nodes, network.centre_radius):
        out.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
                   f'paint-order="stroke" stroke="{BACKGROUND}" stroke-width="3" '
                   f'stroke-linejoin="round">{escape(_short(node.name))}</text>')
    out.append("</g>")
    y = half + 12
    for entry in entries:
        out.append(f'<circle cx="{_n(-half + 16)}" cy="{_n(y)}" r="6" fill="{entry.colour}"/>'
                   f'<text x="{_n(-half + 28)}" y="{_n(y + 4)}">{escape(entry.label)} '
                   f"({entry.count})</text>")
        y += 18
    out.append("</svg>")
    return "\n".join(out) + "\n"


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
