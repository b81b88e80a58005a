"""`DepthCases`, reached as `kb.depth`: relationship depth: strengths, the reports built on
them (losing touch, the digest, the week, health), cadences.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from kithbook.domain.digest import Budget, Digest
from kithbook.domain.health import HealthReport
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.keep_in_touch import TouchState
from kithbook.services import cadence_advice as cadences
from kithbook.services import (
    depth,
    retry,
    stored_strength,
)
from kithbook.services.book import ContactView
from kithbook.services.bound import Bound


@retry.retried_when_busy
class DepthCases(Bound):
    def all_ties(self, actor: MemberId) -> list[depth.TieDepth]:
        return depth.all_ties(self._uow(), actor, self.clock, self.strength_params)

    def strengths(self, actor: MemberId) -> dict[ContactId, float]:
        return depth.strengths(self._uow(), actor, self.clock, self.strength_params)

    def tie_depth(self, actor: MemberId, ref: str, *, exact: bool = False) -> depth.TieDepth:
        return depth.tie_depth(self._uow(), actor, ref, self.clock, self.strength_params,
                               exact=exact)

    def correct_strength(self, actor: MemberId, ref: str, value: float | None, *,
                         exact: bool = False) -> depth.TieDepth:
        return depth.correct_strength(self._uow(), actor, ref, value, self.clock,
                                      self.strength_params, exact=exact)

    # The reports below, with `wait_for_day` False, read yesterday's stored strengths
    # rather than compute today's first (see `list_contacts`): `strengths_stale` tells.
    def losing_touch(self, actor: MemberId, limit: int | None = None, *,
                     wait_for_day: bool = True) -> list[TouchState]:
        return depth.losing_touch_list(self._uow(), actor, self.clock, self.strength_params,
                                       limit=limit, cache=self._paths,
                                       wait_for_day=wait_for_day)

    def digest(self, actor: MemberId, budget: Budget | None = None, *,
               wait_for_day: bool = True) -> Digest:
        return depth.digest(self._uow(), actor, self.clock, self.strength_params,
                            budget or Budget(), self._paths, wait_for_day=wait_for_day)

    def week(self, actor: MemberId, budget: Budget | None = None, *,
             losing_touch_limit: int | None = None, wait_for_day: bool = True) -> depth.Week:
        """The digest and the losing-touch list at once (one read of the book)."""
        return depth.week(self._uow(), actor, self.clock, self.strength_params,
                          budget or Budget(), losing_touch_limit=losing_touch_limit,
                          cache=self._paths, wait_for_day=wait_for_day)

    def health(self, actor: MemberId, *, wait_for_day: bool = True) -> HealthReport:
        return depth.health(self._uow(), actor, self.clock, self.strength_params,
                            self._paths, wait_for_day=wait_for_day)

    def strengths_stale(self, actor: MemberId) -> bool:
        """Whether some stored strengths are from an earlier day (`refresh_strengths`)."""
        return stored_strength.from_another_day(self._uow(), actor, self.clock.today())

    def refresh_strengths(self, actor: MemberId) -> None:
        """Renew the stored strengths computed on an earlier day (after a stale page)."""
        stored_strength.refresh_day(self._uow(), actor, self.clock.today(),
                                    self.strength_params)

    def tag_cadences(self, actor: MemberId) -> dict[str, int]:
        return depth.tag_cadences(self._uow(), actor)

    def set_tag_cadence(self, actor: MemberId, tag: str, days: int | None) -> dict[str, int]:
        return depth.set_tag_cadence(self._uow(), actor, tag, days)

    def cadence_advice(self, actor: MemberId) -> cadences.CadenceAdvice:
        return cadences.cadence_advice(self._uow(), actor)

    def contact_with_depth(self, actor: MemberId, contact_id: str
                           ) -> tuple[ContactView, depth.TieDepth]:
        """`get_contact` and `tie_depth` of the contact with exactly this id, in one read."""
        return depth.contact_with_depth(self._uow(), actor, contact_id, self.clock,
                                        self.strength_params)
