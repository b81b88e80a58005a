"""`PathCases`, reached as `kb.paths`: warm paths, who knows whom among one's contacts, and
the network map.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from kithbook.domain.ids import MemberId
from kithbook.domain.network_map import NetworkMap
from kithbook.services import network_map as maps
from kithbook.services import (
    paths,
    retry,
)
from kithbook.services.bound import Bound


@retry.retried_when_busy
class PathCases(Bound):
    # Results name only what the searcher may see; each path carries what
    # `request_introduction` (a community) or `record_asked_request` (a local book) needs.
    def find_paths(self, actor: MemberId, query: paths.PathQuery) -> paths.PathResults:
        return paths.find_warm_paths(self._uow(), self._paths, actor, query, self.clock,
                                     self.strength_params)

    def record_contact_link(self, actor: MemberId, a: str, b: str, *, note: str | None = None,
                            strength: float | None = None) -> paths.LinkView:
        return paths.record_link(self._uow(), actor, a, b, self.clock, note=note,
                                 strength=strength)

    def remove_contact_link(self, actor: MemberId, a: str, b: str) -> paths.LinkView:
        return paths.remove_link(self._uow(), actor, a, b)

    def contact_links(self, actor: MemberId) -> list[paths.LinkView]:
        return paths.list_links(self._uow(), actor)

    def network_map(self, actor: MemberId, query: maps.MapQuery, *,
                    wait_for_day: bool = True) -> NetworkMap:
        return maps.network_map(self._uow(), self._paths, actor, query, self.clock,
                                self.strength_params, wait_for_day=wait_for_day)

    def drawn_map(self, actor: MemberId, query: maps.MapQuery) -> NetworkMap | None:
        """`network_map(wait_for_day=False)` if that map is drawn already, else None;
        use inside `at_once`."""
        return maps.drawn_map(self._uow(), self._paths, actor, query, self.clock)
