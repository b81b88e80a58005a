"""Local mode: paths through the member's own record of who knows whom."""

from __future__ import annotations

import numpy as np

from kithbook.graph.local import local_snapshot
from kithbook.graph.paths import find_paths
from kithbook.graph.policy import agree_chance
from kithbook.graph.snapshot import PeopleArrays

ME, BOB, CAROL, DAN, ERIN = range(5)


def test_recorded_links_between_contacts_make_paths() -> None:
    snap = local_snapshot(ME, contacts=[BOB, CAROL], strength=[0.8, 0.5], trust=[4, 0],
                          link_a=[BOB, CAROL, DAN], link_b=[DAN, DAN, ERIN],
                          link_strength=[0.7, 0.9, 0.6], people=PeopleArrays.blank(5))
    paths = find_paths(snap, ME, to=ERIN)
    assert [p.people for p in paths] == [(ME, BOB, DAN, ERIN), (ME, CAROL, DAN, ERIN)]
    bob, dan_for_bob = float(agree_chance(0.8, 0)), float(agree_chance(0.7, 0))
    assert paths[0].score == bob * dan_for_bob * float(np.float32(0.6))
    assert not any(any(p.anonymous) for p in paths)


def test_links_work_in_both_directions() -> None:
    snap = local_snapshot(ME, contacts=[ERIN], strength=[0.5], trust=[0],
                          link_a=[DAN], link_b=[ERIN], link_strength=[0.4],
                          people=PeopleArrays.blank(5))
    assert [p.people for p in find_paths(snap, ME, to=DAN)] == [(ME, ERIN, DAN)]
