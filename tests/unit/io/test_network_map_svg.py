"""The network map and path pictures as SVG: links, titles, escaping, colours, legend."""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

import pytest

from kithbook.domain.ids import ContactId
from kithbook.domain.network_map import ColourBy, MapLink, MapNode, NetworkMap
from kithbook.domain.ties import Stage
from kithbook.io.network_map import (
    BACKGROUND,
    NO_ORGANIZATION,
    ORGANIZATION_COLOURS,
    OTHER_ORGANIZATIONS,
    STAGE_COLOURS,
    legend,
    map_svg,
    path_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Zoë <script>alert("x")</script> & "Co" \'quoted\''


def _node(i: int, name: str, organization: str | None, stage: Stage = Stage.CONTACT,
          labelled: bool = False) -> MapNode:
    return MapNode(ContactId(f"c{i:011d}"), name, organization, stage, 0.9 - i / 20,
                   x=40.0 * i - 100, y=30.0 * (i % 3), radius=8.0, labelled=labelled)


def _map(nodes: list[MapNode]) -> NetworkMap:
    return NetworkMap("Me & <you>", 16.0, tuple(nodes), (MapLink(0, 1, 0.5),) if
                      len(nodes) > 1 else (), book_size=len(nodes) + 5,
                      matching=len(nodes) + 5, limit=len(nodes))


def _href(contact: ContactId) -> str:
    return f"/contacts/{contact}?from=map&x=1"


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_circle_is_a_link_named_by_its_title() -> None:
    nodes = [_node(0, "Ada", "Acme", Stage.TRUSTED), _node(1, "Bob", None)]
    root = ET.fromstring(map_svg(_map(nodes), ColourBy.STAGE, _href))
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [_href(n.contact) for n in nodes]
    assert [a.findtext(f"{SVG}title") for a in links] == [
        "Ada (Acme): trusted, strength 0.90", "Bob: contact, strength 0.85"]
    assert all(a.find(f"{SVG}circle") is not None for a in links)
    assert root.findtext(f"{SVG}title") == "Network map of Me & <you>"


def test_hostile_names_are_text_never_markup() -> None:
    nodes = [_node(0, HOSTILE, '<b>"Evil"</b> & Sons', labelled=True), _node(1, "Bob", None)]
    for colour_by in ColourBy:
        svg = map_svg(_map(nodes), colour_by, _href, with_legend=True)
        assert "<script" not in svg and "<b>" not in svg
        root = ET.fromstring(svg)  # well-formed, so every name was escaped
        assert root.find(f".//{SVG}a").findtext(f"{SVG}title").startswith(HOSTILE)
        assert HOSTILE[:23] in [t.text for t in root.iter(f"{SVG}text")][1][:23]
        assert all(a.get("href", "").startswith("/contacts/") for a in root.iter(f"{SVG}a"))


def test_only_the_labelled_strongest_carry_their_name() -> None:
    nodes = [_node(0, "Ada", None, labelled=True), _node(1, "Bob", None)]
    texts = [t.text for t in ET.fromstring(map_svg(_map(nodes), ColourBy.STAGE, _href))
             .iter(f"{SVG}text")]
    assert "Ada" in texts and "Bob" not in texts


def test_the_map_scales_by_its_view_box_from_a_natural_size_and_uses_no_style() -> None:
    svg = map_svg(_map([_node(i, f"P{i}", None) for i in range(5)]), ColourBy.STAGE, _href)
    root = ET.fromstring(svg)
    # Its natural size (what a phone pans over) is its viewBox's, one unit a pixel.
    _, _, width, height = (root.get("viewBox") or "").split()
    assert (root.get("width"), root.get("height")) == (width, height)
    assert root.get("font-size") == "12"
    assert "style" not in svg


def test_every_circle_has_a_target_a_finger_can_hit() -> None:
    root = ET.fromstring(map_svg(_map([_node(i, f"P{i}", None) for i in range(3)]),
                                 ColourBy.STAGE, _href))
    for a in root.iter(f"{SVG}a"):
        target, drawn = a.findall(f"{SVG}circle")
        assert float(target.get("r") or 0) >= 12 > float(drawn.get("r") or 0)
        assert target.get("fill-opacity") == "0" and target.get("cx") == drawn.get("cx")


def test_every_colour_stands_out_from_the_background() -> None:
    for colour in [*STAGE_COLOURS.values(), *ORGANIZATION_COLOURS, OTHER_ORGANIZATIONS,
                   NO_ORGANIZATION]:
        assert _contrast(colour, BACKGROUND) >= 3.0, colour
    assert len(set(STAGE_COLOURS.values())) == len(STAGE_COLOURS)
    assert len({*ORGANIZATION_COLOURS, OTHER_ORGANIZATIONS, NO_ORGANIZATION}) == \
        len(ORGANIZATION_COLOURS) + 2


def test_the_legend_explains_every_colour_on_the_map() -> None:
    orgs = ["Acme"] * 3 + ["Globex"] * 2 + [f"Org {i}" for i in range(6)] + [None]
    nodes = [_node(i, f"P{i}", org) for i, org in enumerate(orgs)]
    network = _map(nodes)
    entries = legend(network, ColourBy.ORGANIZATION)
    assert entries[0].label == "Acme" and entries[0].count == 3
    assert entries[1].label == "Globex" and entries[1].count == 2
    assert [e.label for e in entries[-2:]] == ["other organizations", "no organization"]
    assert sum(e.count for e in entries) == len(nodes)
    root = ET.fromstring(map_svg(network, ColourBy.ORGANIZATION, _href))
    used = {c.get("fill") for a in root.iter(f"{SVG}a") for c in a.iter(f"{SVG}circle")
            if c.get("fill-opacity") != "0"}
    assert used == {e.colour for e in entries}
    stages = legend(network, ColourBy.STAGE)
    assert [e.label for e in stages] == [s.value for s in Stage]
    assert [e.count for e in stages] == [0, len(nodes), 0, 0]


def test_an_empty_map_is_the_member_alone() -> None:
    root = ET.fromstring(map_svg(_map([]), ColourBy.STAGE, _href, with_legend=True))
    assert list(root.iter(f"{SVG}a")) == []
    assert "you" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_path_picture_names_each_step_and_escapes_it() -> None:
    root = ET.fromstring(path_svg(["Bob <b>", "a contact at Acme"], [False, True]))
    assert root.findtext(f"{SVG}title") == "you → Bob <b> → a contact at Acme"
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 3 and circles[2].get("stroke-dasharray")
    with pytest.raises(ValueError, match="anonymous"):
        path_svg(["Bob"], [])


def test_a_name_with_circles_on_both_sides_goes_above_its_own() -> None:
    # Bo's name would run over Cy's circle on one side and Di's on the other: it is
    # written centred above Bo's circle instead, where it covers nothing.
    nodes = [_node(0, "Ada", None, labelled=True),
             MapNode(ContactId("c00000000001"), "Bo Stone", None, Stage.CONTACT, 0.8,
                     x=200.0, y=100.0, radius=8.0, labelled=True),
             MapNode(ContactId("c00000000002"), "Cy", None, Stage.CONTACT, 0.7,
                     x=240.0, y=100.0, radius=8.0, labelled=False),
             MapNode(ContactId("c00000000003"), "Di", None, Stage.CONTACT, 0.7,
                     x=160.0, y=100.0, radius=8.0, labelled=False)]
    root = ET.fromstring(map_svg(_map(nodes), ColourBy.STAGE, _href))
    texts = {t.text: t for t in root.iter(f"{SVG}text")}
    assert "Ada" in texts
    bo = texts["Bo Stone"]
    assert bo.get("text-anchor") == "middle" and float(bo.get("x", "0")) == 200.0
    assert float(bo.get("y", "0")) < 100.0 - 8.0  # above the circle, not over it


def test_a_name_with_no_room_beside_its_circle_goes_outside_the_crowd_on_a_leader() -> None:
    # Circles on all four sides of Bo's: the name goes out beyond every circle, joined to
    # Bo's circle by a line that passes between the others.
    around = [MapNode(ContactId(f"c0000000010{i}"), f"N{i}", None, Stage.CONTACT, 0.5,
                      x=200.0 + dx, y=100.0 + dy, radius=8.0, labelled=False)
              for i, (dx, dy) in enumerate([(-40, 0), (40, 0), (0, -30), (0, 30)])]
    bo = MapNode(ContactId("c00000000001"), "Bo Stone", None, Stage.CONTACT, 0.8,
                 x=200.0, y=100.0, radius=8.0, labelled=True)
    root = ET.fromstring(map_svg(_map([bo, *around]), ColourBy.STAGE, _href))
    [text] = [t for t in root.iter(f"{SVG}text") if t.text == "Bo Stone"]
    [leader] = [line for line in root.iter(f"{SVG}line") if line.get("class") == "leader"]
    start = (float(leader.get("x1", "0")), float(leader.get("y1", "0")))
    assert abs(math.dist(start, (200.0, 100.0)) - 8.0) < 0.1  # from the edge of Bo's circle
    end = (float(leader.get("x2", "0")), float(leader.get("y2", "0")))
    assert math.dist(end, (float(text.get("x", "0")), float(text.get("y", "0")))) < 12
    assert math.hypot(*end) > math.hypot(240.0, 100.0) + 8  # beyond the outermost circle
    _check_labels(root, [bo, *around])
    for n in around:  # where a clear way out exists, the leader passes no other circle
        x1, y1, x2, y2 = (float(leader.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
        t = max(0.0, min(1.0, ((n.x - x1) * (x2 - x1) + (n.y - y1) * (y2 - y1))
                         / ((x2 - x1) ** 2 + (y2 - y1) ** 2)))
        assert math.dist((x1 + t * (x2 - x1), y1 + t * (y2 - y1)), (n.x, n.y)) > n.radius
    # The picture grows to hold the name written outside.
    half = -float((root.get("viewBox") or "").split()[0])
    assert half >= math.hypot(*end)


def _boxes(root: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each name written on the map with the box it covers (the drawing's own estimate of
    6.8 px a character, 16 px a line)."""
    out = []
    for text in root.iter(f"{SVG}text"):
        if text.text in (None, "you") or "(" in (text.text or ""):
            continue
        width = 6.8 * len(text.text or "")
        x, y = float(text.get("x", "0")), float(text.get("y", "0"))
        left = {"start": x, "end": x - width, "middle": x - width / 2}[text.get("text-anchor",
                                                                                "start")]
        out.append((text.text or "", (left, y - 13, width, 16)))
    return out


def _check_labels(root: ET.Element, nodes: list[MapNode]) -> None:
    """No name over a circle or another name; every leader line beneath the circles (it
    passes under them, as the spokes do), crossing no name."""
    boxes = _boxes(root)
    for name, (x, y, w, h) in boxes:
        for n in nodes:
            nearest = (min(max(n.x, x), x + w), min(max(n.y, y), y + h))
            assert math.dist(nearest, (n.x, n.y)) >= n.radius - 0.1, (name, n.name)
    for i, (a, (ax, ay, aw, ah)) in enumerate(boxes):
        for b, (bx, by, bw, bh) in boxes[i + 1:]:
            assert not (ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah), (a, b)
    drawn = list(root.iter())
    first_circle = next((drawn.index(a) for a in root.iter(f"{SVG}a")), len(drawn))
    for line in root.iter(f"{SVG}line"):
        if line.get("class") != "leader":
            continue
        assert drawn.index(line) < first_circle
        x1, y1, x2, y2 = (float(line.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
        for name, (x, y, w, h) in boxes:
            for t in (i / 50 for i in range(51)):
                px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                assert not (x + 0.5 < px < x + w - 0.5 and y + 0.5 < py < y + h - 0.5), name


def test_crowded_maps_name_their_strongest_and_never_write_over_a_circle() -> None:
    rng = random.Random(7)
    shown = wanted = 0
    for _ in range(25):
        nodes = []
        for i in range(150):
            distance, angle = 40 + 260 * rng.random() ** 0.7, rng.uniform(0, 2 * math.pi)
            nodes.append(MapNode(ContactId(f"c{i:011d}"), f"Person {i} {'x' * rng.randrange(9)}",
                                 None, Stage.CONTACT, 0.5, x=distance * math.cos(angle),
                                 y=distance * math.sin(angle), radius=rng.uniform(3, 11),
                                 labelled=i < 12))
        root = ET.fromstring(map_svg(_map(nodes), ColourBy.STAGE, _href))
        _check_labels(root, nodes)
        wanted += 12
        shown += len(_boxes(root))
    assert shown >= 0.97 * wanted, (shown, wanted)  # 199 of 300 before leader lines


def test_a_name_boxed_in_on_every_side_is_named_outside_its_leader_beneath_the_circles(
        ) -> None:
    ring = [MapNode(ContactId(f"c0000000010{i}"), f"N{i}", None, Stage.CONTACT, 0.5,
                    x=200.0 + dx, y=100.0 + dy, radius=9.0, labelled=False)
            for i, (dx, dy) in enumerate([(-20, 0), (20, 0), (0, -20), (0, 20), (-20, -20),
                                          (20, -20), (-20, 20), (20, 20)])]
    boxed = MapNode(ContactId("c00000000001"), "Bo Stone", None, Stage.CONTACT, 0.8,
                    x=200.0, y=100.0, radius=8.0, labelled=True)
    root = ET.fromstring(map_svg(_map([boxed, *ring]), ColourBy.STAGE, _href))
    assert "Bo Stone" in [t.text for t in root.iter(f"{SVG}text")]
    assert [a.findtext(f"{SVG}title") for a in root.iter(f"{SVG}a")][0].startswith("Bo Stone")
    _check_labels(root, [boxed, *ring])
