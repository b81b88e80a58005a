"""The map layout: the same picture for the same book, no circles on top of each other,
stronger ties nearer the member, and sensible answers at the edges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.errors import InvalidInput
from kithbook.graph.layout import MAX_NODES, radial_layout

TOLERANCE = 0.5  # pixels two circles may overlap after the layout


def _book(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    strength = rng.random(n)
    a = rng.integers(0, n, size=n // 4)
    b = (a + 1 + rng.integers(0, n - 1, size=n // 4)) % n
    return strength, 5 + 9 * strength, a, b


def _distance_from_member(layout_x: np.ndarray, layout_y: np.ndarray) -> np.ndarray:
    return np.hypot(layout_x[1:], layout_y[1:])


def test_the_same_book_gives_the_same_picture() -> None:
    strength, radius, a, b = _book(120)
    first = radial_layout(strength, radius, link_a=a, link_b=b, link_weight=np.full(len(a), .5))
    again = radial_layout(strength, radius, link_a=a, link_b=b, link_weight=np.full(len(a), .5))
    assert np.array_equal(first.x, again.x) and np.array_equal(first.y, again.y)


def test_another_seed_is_another_picture_of_the_same_book() -> None:
    strength, radius, _, _ = _book(40)
    assert not np.array_equal(radial_layout(strength, radius, seed=1).x,
                              radial_layout(strength, radius, seed=2).x)


def test_no_two_circles_overlap_even_when_every_tie_is_as_strong() -> None:
    # All equally strong: every contact wants the same ring, which cannot hold them.
    layout = radial_layout(np.ones(150), np.full(150, 14.0))
    assert layout.overlap() <= TOLERANCE


def test_no_circle_overlaps_another_on_a_large_map_with_links() -> None:
    strength, radius, a, b = _book(300)
    layout = radial_layout(strength, radius, link_a=a, link_b=b,
                           link_weight=np.full(len(a), 1.0))
    assert layout.overlap() <= TOLERANCE


def test_the_member_stays_at_the_centre() -> None:
    layout = radial_layout(*_book(50)[:2])
    assert (layout.x[0], layout.y[0]) == (0.0, 0.0)
    assert layout.radius[0] == 16.0


def test_stronger_ties_sit_closer_to_the_member_on_average() -> None:
    strength, radius, a, b = _book(150)
    layout = radial_layout(strength, radius, link_a=a, link_b=b,
                           link_weight=np.full(len(a), 0.5))
    distance = _distance_from_member(layout.x, layout.y)
    strong = strength >= np.median(strength)
    assert distance[strong].mean() < 0.7 * distance[~strong].mean()
    assert np.corrcoef(strength, distance)[0, 1] < -0.8


def test_contacts_who_know_each_other_are_drawn_nearer_each_other() -> None:
    strength = np.full(60, 0.5)
    linked = radial_layout(strength, np.full(60, 8.0), link_a=np.arange(0, 60, 2),
                           link_b=np.arange(1, 60, 2), link_weight=np.ones(30))
    alone = radial_layout(strength, np.full(60, 8.0))

    def pair_gap(layout_x: np.ndarray, layout_y: np.ndarray) -> float:
        x, y = layout_x[1:], layout_y[1:]
        return float(np.hypot(x[0::2] - x[1::2], y[0::2] - y[1::2]).mean())

    assert pair_gap(linked.x, linked.y) < 0.6 * pair_gap(alone.x, alone.y)


def test_an_empty_book_is_the_member_alone() -> None:
    layout = radial_layout([], [])
    assert len(layout) == 1 and (layout.x[0], layout.y[0]) == (0.0, 0.0)
    assert layout.overlap() == 0.0


def test_one_contact_does_not_sit_on_the_member() -> None:
    layout = radial_layout([1.0], [14.0])
    assert np.hypot(layout.x[1], layout.y[1]) >= 16.0 + 14.0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"strength": [0.5, 0.5], "radius": [5.0]}, "radius"),
    ({"strength": [0.5], "radius": [0.0]}, "radius"),
    ({"strength": [float("nan")], "radius": [5.0]}, "radius"),
    ({"strength": [0.5, 0.5], "radius": [5.0, 5.0], "link_a": [0], "link_b": [2],
      "link_weight": [1.0]}, "links"),
    ({"strength": [0.5, 0.5], "radius": [5.0, 5.0], "link_a": [0], "link_b": [1],
      "link_weight": []}, "links"),
    ({"strength": np.zeros(MAX_NODES + 1), "radius": np.ones(MAX_NODES + 1)}, "limit"),
])
def test_bad_input_is_refused_with_the_field_to_fix(kwargs: dict[str, object],
                                                    field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        radial_layout(**kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=60), st.integers(0, 2**31))
def test_any_book_is_laid_out_without_overlap(strengths: list[float], seed: int) -> None:
    radius = 5 + 9 * np.asarray(strengths)
    layout = radial_layout(strengths, radius, seed=seed)
    assert len(layout) == len(strengths) + 1
    assert np.all(np.isfinite(layout.x)) and np.all(np.isfinite(layout.y))
    assert layout.overlap() <= TOLERANCE


def test_people_of_one_organization_are_drawn_together() -> None:
    rng = np.random.default_rng(7)
    strength = rng.random(90)
    group = np.arange(90) % 3  # three organizations, interleaved by strength
    grouped = radial_layout(strength, 5 + 9 * strength, group=group)
    alone = radial_layout(strength, 5 + 9 * strength)

    def spread(layout_x: np.ndarray, layout_y: np.ndarray) -> float:
        """How far apart, on average, two people of the same organization sit."""
        x, y = layout_x[1:], layout_y[1:]
        gaps = [np.hypot(x[i] - x[j], y[i] - y[j]) for i in range(90) for j in range(i)
                if group[i] == group[j]]
        return float(np.mean(gaps))

    assert spread(grouped.x, grouped.y) < 0.8 * spread(alone.x, alone.y)
    assert grouped.overlap() <= TOLERANCE
    distance = _distance_from_member(grouped.x, grouped.y)
    assert np.corrcoef(strength, distance)[0, 1] < -0.8  # still: stronger is nearer
