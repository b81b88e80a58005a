"""What the depth API writes: strength with evidence, the digest, the health report."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.digest import Digest, digest_text
from kithbook.domain.health import Diversity, HealthReport
from kithbook.domain.keep_in_touch import TouchState
from kithbook.services.depth import TieDepth


class ComponentsOut(BaseModel):
    """Each component in [0, 1]; the score is their weighted sum."""

    recency: float
    depth: float
    reciprocity: float
    duration: float
    trust: float


class CorrectionOut(BaseModel):
    value: float
    set_on: date
    interactions_since: int
    still_counts: float = Field(description="share of the correction still held, 0 to 1")


class StrengthOut(BaseModel):
    contact_id: str
    name: str
    strength: float
    computed: float = Field(description="from the evidence alone, before any correction")
    explanation: list[str]
    evidence: str
    components: ComponentsOut
    correction: CorrectionOut | None
    stage: str
    stage_because: list[str]
    next_stage: str | None
    next_stage_needs: list[str]
    next_step: str
    next_step_why: str
    balance: str
    gave: int
    received: int
    last_contact: date | None
    cadence_days: int | None

    @classmethod
    def of(cls, d: TieDepth) -> StrengthOut:
        e = d.tie.evidence
        correction = None
        if e.correction is not None and e.corrected_on is not None:
            correction = CorrectionOut(value=e.correction, set_on=e.corrected_on,
                                       interactions_since=e.since_correction,
                                       still_counts=e.correction_weight)
        return cls(
            contact_id=d.tie.contact, name=d.tie.name, strength=e.strength,
            computed=e.computed, explanation=d.explanation, evidence=d.evidence_text,
            components=ComponentsOut(recency=e.recency, depth=e.depth,
                                     reciprocity=e.reciprocity, duration=e.duration,
                                     trust=e.trust),
            correction=correction, stage=d.stage.stage.value,
            stage_because=list(d.stage.because),
            next_stage=d.stage.next_stage.value if d.stage.next_stage else None,
            next_stage_needs=list(d.stage.missing), next_step=d.step.text,
            next_step_why=d.step.why, balance=d.balance, gave=e.given, received=e.received,
            last_contact=e.last_contact, cadence_days=d.cadence.days if d.cadence else None)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    strength: float = Field(ge=0.0, le=1.0, description="your own reading of the tie")


class DigestItemOut(BaseModel):
    contact_id: str
    name: str
    reason: str
    next_step: str
    step_kind: str
    minutes: int
    score: float


class DigestOut(BaseModel):
    week_of: date
    budget_minutes: int
    budget_items: int
    minutes: int
    candidates: int
    left_out: int
    items: list[DigestItemOut]
    text: str = Field(description="the same digest as plain text, as email will send it")

    @classmethod
    def of(cls, d: Digest) -> DigestOut:
        return cls(week_of=d.week_of, budget_minutes=d.budget.minutes,
                   budget_items=d.budget.items, minutes=d.minutes, candidates=d.candidates,
                   left_out=d.left_out, text=digest_text(d),
                   items=[DigestItemOut(contact_id=i.contact, name=i.name, reason=i.reason,
                                        next_step=i.step.text, step_kind=i.step.kind.value,
                                        minutes=i.minutes, score=i.score) for i in d.items])


class TouchOut(BaseModel):
    contact_id: str
    name: str
    strength: float
    cadence_days: int
    cadence_from: str
    last_touch: date | None
    due_on: date
    overdue_days: int
    priority: float
    reason: str

    @classmethod
    def of(cls, s: TouchState) -> TouchOut:
        return cls(contact_id=s.contact, name=s.name, strength=s.worth,
                   cadence_days=s.cadence.days, cadence_from=s.cadence.source,
                   last_touch=s.last_touch, due_on=s.due_on, overdue_days=s.overdue_days,
                   priority=s.priority, reason=s.reason)


class DiversityOut(BaseModel):
    distinct: int
    unknown: int
    shannon: float
    evenness: float
    simpson: float
    largest: str | None
    largest_share: float | None

    @classmethod
    def of(cls, d: Diversity) -> DiversityOut:
        return cls(distinct=d.distinct, unknown=d.unknown, shannon=d.shannon,
                   evenness=d.evenness, simpson=d.simpson,
                   largest=d.largest[0] if d.largest else None,
                   largest_share=d.largest[1] if d.largest else None)


class DormantOut(BaseModel):
    contact_id: str
    name: str
    strength: float
    last_contact: date | None


class ObservationOut(BaseModel):
    theme: str
    text: str
    healthy: bool | None


class HealthOut(BaseModel):
    as_of: date
    ties: int
    interactions: int
    gave: dict[str, int]
    received: dict[str, int]
    stages: dict[str, int]
    strength_bins: list[int] = Field(description="ties per tenth of strength, 0 to 1")
    dormant: list[DormantOut] = Field(description="the 50 strongest dormant ties")
    dormant_count: int
    organizations: DiversityOut
    roles: DiversityOut
    new_ties_by_month: dict[str, int]
    interactions_by_month: dict[str, int]
    reflection: list[ObservationOut]
    charts: list[str] = Field(description="chart images, as paths under /health/charts/")

    @classmethod
    def of(cls, r: HealthReport, charts: list[str]) -> HealthOut:
        return cls(
            as_of=r.as_of, ties=r.ties, interactions=r.interactions,
            gave={k.value: n for k, n in r.balance.gave.items()},
            received={k.value: n for k, n in r.balance.received.items()},
            stages={s.value: n for s, n in r.stages.items()},
            strength_bins=list(r.strength_bins),
            dormant=[DormantOut(contact_id=t.contact, name=t.name, strength=t.strength,
                                last_contact=t.last_contact) for t in r.dormant[:50]],
            dormant_count=r.dormant_count,
            organizations=DiversityOut.of(r.organizations), roles=DiversityOut.of(r.roles),
            new_ties_by_month=r.new_ties_by_month,
            interactions_by_month=r.interactions_by_month,
            reflection=[ObservationOut(theme=o.theme, text=o.text, healthy=o.healthy)
                        for o in r.reflection],
            charts=[f"/health/charts/{name}.svg" for name in charts])
