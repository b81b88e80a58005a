"""/api/v1: strength of a tie and its correction, the digest, losing touch, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from kithbook.domain.digest import Budget
from kithbook.io.charts import health_charts
from kithbook.web.api.depth_schemas import (
    CorrectionIn,
    DigestOut,
    HealthOut,
    StrengthOut,
    TouchOut,
)
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services, renew_if_stale

router = APIRouter(prefix="/api/v1", tags=["depth"], responses=ERRORS)


@router.get("/contacts/{contact_id}/strength",
            summary="A tie's strength with its evidence, stage, next step and balance")
def get_strength(contact_id: str, kb: Services, me: CurrentMember) -> StrengthOut:
    return StrengthOut.of(kb.depth.tie_depth(me.id, contact_id, exact=True))


@router.post("/contacts/{contact_id}/strength/correction",
             summary="Correct a tie's strength",
             description="The correction is kept and shown; every interaction logged after "
                         "it wears it down toward the computed value.")
def correct_strength(contact_id: str, body: CorrectionIn, kb: Services,
                     me: CurrentMember) -> StrengthOut:
    return StrengthOut.of(kb.depth.correct_strength(me.id, contact_id, body.strength, exact=True))


@router.delete("/contacts/{contact_id}/strength/correction",
               summary="Forget the correction of a tie's strength")
def clear_correction(contact_id: str, kb: Services, me: CurrentMember) -> StrengthOut:
    return StrengthOut.of(kb.depth.correct_strength(me.id, contact_id, None, exact=True))


@router.get("/digest", summary="This week's digest, within a time budget")
def get_digest(kb: Services, me: CurrentMember, background: BackgroundTasks,
               minutes: Annotated[int, Query(ge=1, le=10_000)] = 120,
               items: Annotated[int, Query(ge=1, le=100)] = 10) -> DigestOut:
    digest = kb.depth.digest(me.id, Budget(minutes=minutes, items=items), wait_for_day=False)
    renew_if_stale(kb, me.id, background)
    return DigestOut.of(digest)


@router.get("/losing-touch", summary="Overdue ties, the most valuable and overdue first")
def losing_touch(kb: Services, me: CurrentMember, background: BackgroundTasks,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[TouchOut]:
    states = kb.depth.losing_touch(me.id, limit=limit, wait_for_day=False)
    renew_if_stale(kb, me.id, background)
    return [TouchOut.of(s) for s in states]


@router.get("/health", summary="The networking health report")
def get_health(kb: Services, me: CurrentMember, background: BackgroundTasks) -> HealthOut:
    report = kb.depth.health(me.id, wait_for_day=False)
    renew_if_stale(kb, me.id, background)
    return HealthOut.of(report, list(health_charts(report)))
