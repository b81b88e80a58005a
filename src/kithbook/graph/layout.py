"""Where to draw each person on the network map: a radial force layout, with numpy.

The member sits at the centre. Each contact is pulled toward a ring whose radius falls
as the tie grows stronger, so the strongest ties sit closest; contacts the member
recorded as knowing each other pull together; every pair of people pushes apart, and a
last pass removes any overlap left, so each circle stays readable and clickable.

Everything is a whole-array computation over all pairs, O(n²) per iteration, which is
quick for the few hundred people a readable picture holds (the caller picks them). The
same input always gives the same picture: the starting places follow the golden angle
and the only randomness is a small jitter from a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kithbook.domain.errors import InvalidInput

__all__ = ["Layout", "radial_layout"]

FloatArray = npt.NDArray[np.float64]

MAX_NODES = 1000  # pairs grow as n²: a million pairs is the most one request should hold
_GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
_PACKING = 0.30  # share of the disc the circles cover once laid out (with room to breathe)
_FILL = 0.55  # how densely the strongest ties may crowd the rings nearest the member
_GROUP_PULL = 0.3  # how hard people of one organization pull together (a link pulls up to 1)


@dataclass(frozen=True)
class Layout:
    """Positions and radii: row 0 is the member (at 0, 0), row i + 1 is contact i."""

    x: FloatArray
    y: FloatArray
    radius: FloatArray
    extent: float  # the outermost ring a contact is pulled toward

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def overlap(self) -> float:
        """The deepest overlap between two circles (0 when none touch)."""
        if len(self) < 2:
            return 0.0
        gap = np.hypot(self.x[:, None] - self.x[None, :], self.y[:, None] - self.y[None, :])
        reach = self.radius[:, None] + self.radius[None, :]
        np.fill_diagonal(gap, np.inf)
        return float(max(0.0, np.max(reach - gap)))


def radial_layout(strength: Any, radius: Any, *, centre_radius: float = 16.0,
                  link_a: Any = (), link_b: Any = (), link_weight: Any = (),
                  group: Any = (), gap: float = 2.0, iterations: int = 40,
                  seed: int = 0) -> Layout:
    """Lay out the member and `len(strength)` contacts.

    `strength`: each tie's strength in [0, 1]; `radius`: each contact's circle (in the
    units the result is in, e.g. pixels); `link_a`, `link_b`, `link_weight`: recorded
    links between contacts (positions in `strength`), weight in (0, 1]. `group`: for each
    contact a group number (their organization), or -1 for none: a group starts in one
    sector of the disc and its members pull gently together, so the map shows where each
    circle of people is. `gap` is the space kept between circles.
    """
    s, r = _checked_circles(strength, radius)
    n = len(s)
    radii = np.concatenate([[centre_radius], r])
    if n == 0:
        zero = np.zeros(1)
        return Layout(zero, zero.copy(), radii, centre_radius)

    a, b, w = _checked_links(link_a, link_b, link_weight, n)
    g = np.asarray(group, dtype=np.int64).reshape(-1)
    if len(g) not in (0, n):
        raise InvalidInput(f"each contact needs a group (or none): {n} strengths, "
                           f"{len(g)} groups.", field="group")
    if len(g) and np.any(g >= 0):
        a, b, w = _with_group_ties(a, b, w, g, s)

    target, outer = _rings(s, r, radii, centre_radius, gap)
    x, y = _starting_places(s, g, target, outer, seed)
    # Contacts are rows 1..n, the member is row 0.
    x, y = _relax(x, y, a + 1, b + 1, w, radii, np.concatenate([[0.0], target]), outer,
                  gap, iterations)
    x, y = _separate(x, y, radii, gap)
    return Layout(x, y, radii, outer)


def _checked_circles(strength: Any, radius: Any) -> tuple[FloatArray, FloatArray]:
    """Each contact's strength (clipped to [0, 1]) and radius, or a sentence on what is
    wrong with them."""
    s = np.clip(np.asarray(strength, dtype=np.float64).reshape(-1), 0.0, 1.0)
    r = np.asarray(radius, dtype=np.float64).reshape(-1)
    n = len(s)
    if len(r) != n:
        raise InvalidInput(f"each contact needs a radius: {n} strengths, {len(r)} radii.",
                           field="radius")
    if n > MAX_NODES:
        raise InvalidInput(f"a map lays out at most {MAX_NODES} people; got {n}.",
                           field="limit")
    if np.any(~np.isfinite(s)) or np.any(~np.isfinite(r)) or np.any(r <= 0):
        raise InvalidInput("strengths must be numbers and radii positive numbers.",
                           field="radius")
    return s, r


def _checked_links(link_a: Any, link_b: Any, link_weight: Any,
                   n: int) -> tuple[Any, Any, Any]:
    """The recorded links as arrays, or a sentence on why they cannot be drawn."""
    a = np.asarray(link_a, dtype=np.int64).reshape(-1)
    b = np.asarray(link_b, dtype=np.int64).reshape(-1)
    w = np.asarray(link_weight, dtype=np.float64).reshape(-1)
    if not len(a) == len(b) == len(w):
        raise InvalidInput("each link needs two ends and a weight.", field="links")
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
        raise InvalidInput("a link names a contact that is not on the map.", field="links")
    return a, b, w


def _rings(s: FloatArray, r: FloatArray, radii: FloatArray, centre_radius: float,
           gap: float) -> tuple[FloatArray, float]:
    """The ring each contact is pulled toward, and the outermost ring."""
    # The disc must hold every circle with room to spare; the innermost ring clears the
    # member's own circle.
    inner = centre_radius + float(r.max()) + 2 * gap
    outer = max(inner + 4 * float(r.max()),
                float(np.sqrt(np.sum((radii + gap) ** 2) / _PACKING)))
    # Each contact's ring: nearer the stronger the tie, but never inside the disc that the
    # stronger contacts already fill (a sunflower: the golden angle, rings growing with
    # the area taken), so many equally strong ties start spread out instead of piled up.
    n = len(s)
    order = np.argsort(-s, kind="stable")
    filled = np.empty(n)
    filled[order] = np.sqrt(inner**2 + np.cumsum((r[order] + gap) ** 2) / _FILL)
    target = np.maximum(inner + (1.0 - s) * (outer - inner), filled)
    return target, max(outer, float(target.max()))


def _starting_places(s: FloatArray, g: Any, target: FloatArray, outer: float,
                     seed: int) -> tuple[FloatArray, FloatArray]:
    """Where each person starts: the member at the centre, each contact on its ring."""
    n = len(s)
    order = np.argsort(-s, kind="stable")
    angle = np.empty(n)
    angle[order] = np.arange(n) * _GOLDEN_ANGLE
    if len(g) and np.any(g >= 0):
        # Each group in its own sector, sized by how many it holds; strongest first
        # within it. People in no group fill the rest of the circle.
        by_group = np.lexsort((-s, np.where(g >= 0, g, np.iinfo(np.int64).max)))
        angle[by_group] = np.arange(n) * (2 * np.pi / n)
    jitter = np.random.default_rng(seed).normal(scale=0.01 * outer, size=(2, n))
    x = np.concatenate([[0.0], target * np.cos(angle) + jitter[0]])
    y = np.concatenate([[0.0], target * np.sin(angle) + jitter[1]])
    return x, y


def _relax(x: FloatArray, y: FloatArray, a: Any, b: Any, w: Any, radii: FloatArray,
           ring: FloatArray, outer: float, gap: float,
           iterations: int) -> tuple[FloatArray, FloatArray]:
    """Let the forces settle for `iterations` steps, cooling as they go. `a`, `b` are
    the links' ends as rows (the member is row 0); `ring` each row's target ring."""
    spacing = 2.0 * float(np.mean(radii)) + gap  # the ideal distance between neighbours
    reach = radii[:, None] + radii[None, :] + gap
    heat = 0.1 * outer
    for step in range(iterations):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        dist = np.maximum(np.hypot(dx, dy), 1e-6)
        np.fill_diagonal(dist, np.inf)
        # Push apart, hard within reach of touching, softly beyond it (fading with
        # distance so far-away people do not fling each other outward).
        push = (spacing**2 / dist**2 + 4.0 * np.maximum(reach - dist, 0.0) / spacing) / dist
        fx, fy = np.sum(dx * push, axis=1), np.sum(dy * push, axis=1)
        if len(a):
            # Recorded links pull their two ends together, harder the better they know
            # each other.
            tug = w * np.hypot(x[b] - x[a], y[b] - y[a]) / spacing * 0.2
            np.add.at(fx, a, tug * (x[b] - x[a]))
            np.add.at(fy, a, tug * (y[b] - y[a]))
            np.add.at(fx, b, tug * (x[a] - x[b]))
            np.add.at(fy, b, tug * (y[a] - y[b]))
        here = np.hypot(x, y) + 1e-9
        fx += x * (ring - here) / here * 0.5
        fy += y * (ring - here) / here * 0.5
        length = np.hypot(fx, fy) + 1e-9
        scale = np.minimum(length, heat * (1.0 - step / iterations) + 0.5) / length
        x, y = x + fx * scale, y + fy * scale
        x[0] = y[0] = 0.0
    return x, y


def _with_group_ties(a: Any, b: Any, w: Any, g: Any, s: Any) -> tuple[Any, Any, Any]:
    """The recorded links, and a light one between each member of a group and the next
    strongest of it (a chain, so a group of any size costs as many links as it has
    people)."""
    extra_a: list[int] = []
    extra_b: list[int] = []
    for label in np.unique(g[g >= 0]):
        members = np.flatnonzero(g == label)
        members = members[np.argsort(-s[members], kind="stable")]
        extra_a.extend(members[:-1])
        extra_b.extend(members[1:])
    weight = np.full(len(extra_a), _GROUP_PULL)
    return (np.concatenate([a, np.asarray(extra_a, dtype=np.int64)]),
            np.concatenate([b, np.asarray(extra_b, dtype=np.int64)]),
            np.concatenate([w, weight]))


def _separate(x: FloatArray, y: FloatArray, radii: FloatArray, gap: float,
              passes: int = 100) -> tuple[FloatArray, FloatArray]:
    """Move overlapping circles apart until none overlaps (the member stays put)."""
    n = len(x)
    reach = radii[:, None] + radii[None, :] + gap
    # Each of two touching contacts moves half the way; a contact touching the member
    # moves all of it, since the member stays at the centre.
    weight = np.full((n, n), 0.5)
    weight[:, 0] = 1.0
    weight[0, :] = 0.0
    # Two circles on the very same spot need a direction to part in: a fixed one per
    # pair (opposite for its other end), so the result never depends on rounding noise.
    i, j = np.indices((n, n))
    turn = _GOLDEN_ANGLE * (np.minimum(i, j) * n + np.maximum(i, j))
    away_x, away_y = np.sign(i - j) * np.cos(turn), np.sign(i - j) * np.sin(turn)
    for _ in range(passes):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        dist = np.hypot(dx, dy)
        np.fill_diagonal(dist, np.inf)
        short = np.maximum(reach - dist, 0.0)
        if short.max() <= gap / 2:  # circles clear each other, most by the whole gap
            break
        apart = dist > 1e-9
        safe = np.where(apart, dist, 1.0)
        move = short * weight
        x = x + 0.8 * np.sum(np.where(apart, dx / safe, away_x) * move, axis=1)
        y = y + 0.8 * np.sum(np.where(apart, dy / safe, away_y) * move, axis=1)
        x[0] = y[0] = 0.0
    # A crowd the passes could not settle is spread out from the centre just enough:
    # scaling every distance by the worst shortfall clears every pair at once.
    dist = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(dist, np.inf)
    stretch = float(np.max((reach - gap) / np.maximum(dist, 1e-9)))
    if stretch > 1.0:
        x, y = x * stretch, y * stretch
    return x, y
