"""The network map as plain data: who is drawn where, and what was left out.

The member is at (0, 0); each node is one contact of theirs with the place the layout
gave it; links join contacts the member recorded as knowing each other. A map never
holds more than a readable number of people, and says how many it left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.ties import Stage

__all__ = ["ColourBy", "MapLink", "MapNode", "NetworkMap", "parse_colour_by", "parse_stage"]


class ColourBy(StrEnum):
    STAGE = "stage"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class MapNode:
    contact: ContactId
    name: str
    organization: str | None
    stage: Stage
    strength: float
    x: float
    y: float
    radius: float
    labelled: bool  # the strongest few carry their name beside the circle
    photo: bool = False  # the contact has a picture the map may show in the circle


@dataclass(frozen=True)
class MapLink:
    """Two nodes (positions in `NetworkMap.nodes`) the member said know each other."""

    a: int
    b: int
    strength: float


@dataclass(frozen=True)
class NetworkMap:
    member: str
    centre_radius: float
    nodes: tuple[MapNode, ...]
    links: tuple[MapLink, ...]
    book_size: int  # contacts in the whole book
    matching: int  # contacts the filters let through
    limit: int
    # Strengths and stages as of an earlier day, while today's are computed after answering.
    stale_strengths: bool = False

    @property
    def left_out(self) -> int:
        """Matching contacts not drawn, weaker than every one drawn."""
        return self.matching - len(self.nodes)

    @property
    def extent(self) -> float:
        """How far from the centre the farthest circle reaches."""
        return max([self.centre_radius, *(abs(n.x) + n.radius for n in self.nodes),
                    *(abs(n.y) + n.radius for n in self.nodes)])


def parse_stage(text: str) -> Stage:
    """A stage by its name ("trusted") or the start of it ("new")."""
    word = " ".join(text.strip().lower().split())
    found = [s for s in Stage if s.value == word] or [s for s in Stage
                                                      if word and s.value.startswith(word)]
    if len(found) != 1:
        raise InvalidInput(f"no stage {text!r}; the stages are "
                           + ", ".join(s.value for s in Stage) + ".", field="stage")
    return found[0]


def parse_colour_by(text: str) -> ColourBy:
    try:
        return ColourBy(text.strip().lower())
    except ValueError:
        raise InvalidInput(f"colour the map by stage or by organization; got {text!r}.",
                           field="colour") from None
