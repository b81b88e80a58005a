"""What the introductions and sharing-policy API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kithbook.domain.drafts import Draft
from kithbook.domain.ids import MemberId
from kithbook.domain.introductions import (
    IntroState,
    IntroView,
    MoveKind,
    MoveView,
    OutcomeView,
    Rating,
    Role,
)
from kithbook.domain.policies import EffectivePolicy, PolicyChange
from kithbook.domain.reputation import JudgmentRecord, Reputation, Standing
from kithbook.domain.risk_brief import InferredTrust, Recommendation, RiskBrief
from kithbook.domain.screening import Flag
from kithbook.domain.ties import AskRule, SharingPolicy, Visibility
from kithbook.services.introductions import FairUseStatus
from kithbook.services.policies import ContactPolicy

Purpose = Annotated[str, Field(min_length=1, max_length=2000)]
Note = Annotated[str | None, Field(default=None, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


# ---- asking ----------------------------------------------------------------------------

class AskMemberIn(BaseModel):
    """I ask another member for an introduction to a contact of theirs."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["member"]
    introducer: str = Field(min_length=1, max_length=40, description="The member's id")
    target: str = Field(min_length=1, max_length=64,
                        description="The `introduction.target` a path search gave you (a "
                                    "handle of that search), or the contact's id in the "
                                    "introducer's book")
    purpose: Purpose
    note: Note


class ReceivedIn(BaseModel):
    """Someone off Kithbook asked me (by email, in person) for an introduction."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["received"]
    requester_name: Name
    requester_email: str | None = Field(default=None, max_length=320)
    target: str = Field(min_length=1, max_length=200,
                        description="A contact in my book: id or part of the name")
    purpose: Purpose
    note: Note


class AskedIn(BaseModel):
    """I asked a contact of mine, who is not on Kithbook, to introduce me to someone."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["asked"]
    introducer: str = Field(min_length=1, max_length=200,
                            description="A contact in my book: id or part of the name")
    target_name: Name
    target_email: str | None = Field(default=None, max_length=320)
    purpose: Purpose
    note: Note


RequestIn = Annotated[AskMemberIn | ReceivedIn | AskedIn, Field(discriminator="kind")]


def member_id(text: str | None) -> MemberId | None:
    return MemberId(text.strip().lower()) if text and text.strip() else None


# ---- the moves -------------------------------------------------------------------------

class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note


class DeclineIn(MoveIn):
    private_reason: str | None = Field(default=None, max_length=2000,
                                       description="Never shown to the requester")


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Rating
    comment: str | None = Field(default=None, max_length=2000,
                                description="Private to whoever writes it")
    party: Role | None = Field(default=None, description="Whose outcome, when you keep "
                                                         "both sides")


# ---- reading ---------------------------------------------------------------------------

class MoveOut(BaseModel):
    kind: MoveKind
    at: datetime
    by: str
    on_behalf_of: str | None
    state_after: IntroState
    note: str | None
    private_reason: str | None
    by_email: bool = Field(description="Answered through a consent link in an email")

    @classmethod
    def of(cls, move: MoveView, reason: str | None) -> MoveOut:
        return cls(kind=move.kind, at=move.at, by=move.by, on_behalf_of=move.on_behalf_of,
                   state_after=move.state_after, note=move.note, private_reason=reason,
                   by_email=move.by_email)


class OutcomeOut(BaseModel):
    party: Role
    rating: Rating
    at: datetime
    comment: str | None

    @classmethod
    def of(cls, outcome: OutcomeView) -> OutcomeOut:
        return cls(party=outcome.party, rating=outcome.rating, at=outcome.at,
                   comment=outcome.comment)


MoveName = Literal["forward", "decline", "accept", "withdraw", "outcome"]
# A target's no is made with the same request as the introducer's: POST …/decline.
_MOVE_NAMES: dict[MoveKind, MoveName] = {
    MoveKind.FORWARD: "forward", MoveKind.DECLINE: "decline",
    MoveKind.TARGET_DECLINE: "decline", MoveKind.ACCEPT: "accept",
    MoveKind.WITHDRAW: "withdraw", MoveKind.OUTCOME: "outcome",
}


class IntroOut(BaseModel):
    id: str
    you_are: Role
    state: IntroState
    requester: str
    introducer: str
    target: str
    purpose: str
    created_at: datetime
    deadline: datetime | None
    history: list[MoveOut]
    outcomes: list[OutcomeOut]
    open_moves: list[MoveName] = Field(description="The moves you may make now: POST "
                                                   "/api/v1/introductions/{id}/{move}")
    outcome_parties: list[Role] = Field(description="Whose outcome you may still record")
    version: int

    @classmethod
    def of(cls, view: IntroView) -> IntroOut:
        reasons = {r.move_index: r.text for r in view.private_reasons}
        return cls(id=view.id, you_are=view.viewer, state=view.state,
                   requester=view.requester, introducer=view.introducer, target=view.target,
                   purpose=view.purpose, created_at=view.created_at, deadline=view.deadline,
                   history=[MoveOut.of(m, reasons.get(i)) for i, m in enumerate(view.history)],
                   outcomes=[OutcomeOut.of(o) for o in view.outcomes],
                   open_moves=[_MOVE_NAMES[m] for m in view.open_moves],
                   outcome_parties=list(view.outcome_parties),
                   version=view.version)


class FlagOut(BaseModel):
    code: str
    severity: str
    reason: str
    evidence: list[str]

    @classmethod
    def of(cls, flag: Flag) -> FlagOut:
        return cls(code=flag.code.value, severity=flag.severity.word, reason=flag.reason,
                   evidence=list(flag.evidence))


class StandingOut(BaseModel):
    """Community-wide reputation in [-1, 1], from the community's established members,
    with its evidence: how many members vouch, and how much their word weighs."""

    score: float
    raters: int
    evidence: float
    seeds: int

    @classmethod
    def of(cls, s: Standing) -> StandingOut:
        return cls(score=round(s.score, 4), raters=s.raters, evidence=round(s.evidence, 2),
                   seeds=s.seeds)


class ReputationOut(BaseModel):
    requests: int
    made: int
    declined: int
    target_declined: int
    withdrawn: int
    expired: int
    positive: int
    neutral: int
    negative: int
    score: float
    summary: str
    community: StandingOut | None = None

    @classmethod
    def of(cls, r: Reputation) -> ReputationOut:
        return cls(requests=r.requests, made=r.made, declined=r.declined,
                   target_declined=r.target_declined, withdrawn=r.withdrawn,
                   expired=r.expired, positive=r.outcomes.positive,
                   neutral=r.outcomes.neutral, negative=r.outcomes.negative, score=r.score,
                   summary=r.summary(),
                   community=StandingOut.of(r.community) if r.community else None)


class JudgmentOut(BaseModel):
    asked: int
    forwarded: int
    declined: int
    made: int
    summary: str

    @classmethod
    def of(cls, j: JudgmentRecord) -> JudgmentOut:
        return cls(asked=j.asked, forwarded=j.forwarded, declined=j.declined, made=j.made,
                   summary=j.summary())


class InferredTrustOut(BaseModel):
    value: float = Field(description="In [-1, 1]: 0 nothing heard, negative bad experiences")
    explanation: str
    evidence: float = Field(description="How many average members' worth of raters it "
                                        "rests on")
    vouchers: list[str] = Field(description="The people you trust it rests on most")

    @classmethod
    def of(cls, t: InferredTrust) -> InferredTrustOut:
        return cls(value=round(t.value, 4), explanation=t.explanation,
                   evidence=round(t.evidence, 4), vouchers=list(t.vouchers))


class BriefOut(BaseModel):
    requester: str
    purpose: str
    recommendation: Recommendation
    reasons: list[str]
    strength: float | None
    strength_evidence: list[str]
    stated_trust: int | None
    reputation: ReputationOut
    judgment: JudgmentOut | None
    inferred_trust: InferredTrustOut | None = Field(
        description="The requester's trust through your network (see docs/trust.md)")
    target: str
    target_welcomes: str | None
    target_no_introductions: bool
    flags: list[FlagOut]

    @classmethod
    def of(cls, b: RiskBrief) -> BriefOut:
        return cls(requester=b.requester, purpose=b.purpose,
                   recommendation=b.recommendation, reasons=list(b.reasons),
                   strength=b.strength, strength_evidence=list(b.strength_evidence),
                   stated_trust=b.stated_trust, reputation=ReputationOut.of(b.reputation),
                   judgment=JudgmentOut.of(b.judgment) if b.judgment else None,
                   inferred_trust=(InferredTrustOut.of(b.inferred_trust)
                                   if b.inferred_trust else None),
                   target=b.target.name, target_welcomes=b.target.welcomes,
                   target_no_introductions=b.target.no_introductions,
                   flags=[FlagOut.of(f) for f in b.flags])


class DraftOut(BaseModel):
    to: list[str]
    subject: str
    body: str

    @classmethod
    def of(cls, draft: Draft) -> DraftOut:
        return cls(to=list(draft.to), subject=draft.subject, body=draft.body)


class FairUseOut(BaseModel):
    open_requests: int
    max_open_requests: int

    @classmethod
    def of(cls, status: FairUseStatus) -> FairUseOut:
        return cls(open_requests=status.open_requests,
                   max_open_requests=status.max_open_requests)


# ---- sharing policies ------------------------------------------------------------------

class PolicyOut(BaseModel):
    visibility: Visibility
    ask_rule: AskRule
    ask_min_trust: int | None
    no_introductions: bool
    welcomes: str | None

    @classmethod
    def of(cls, p: SharingPolicy) -> PolicyOut:
        return cls(visibility=p.visibility, ask_rule=p.ask_rule, ask_min_trust=p.ask_min_trust,
                   no_introductions=p.no_introductions, welcomes=p.welcomes)


class DefaultPolicyIn(BaseModel):
    """Your defaults, for every contact without a rule of its own."""

    model_config = ConfigDict(extra="forbid")

    visibility: Visibility
    ask_rule: AskRule
    ask_min_trust: int | None = Field(default=None, ge=1, le=5,
                                      description="With ask_rule 'trusted'; left out, the "
                                                  "level in force is kept")

    def change(self) -> PolicyChange:
        return PolicyChange(visibility=self.visibility, ask_rule=self.ask_rule,
                            ask_min_trust=self.ask_min_trust)


class ContactPolicyIn(BaseModel):
    """A contact's own rule, whole; or `{"follow_defaults": true}` alone to drop it."""

    model_config = ConfigDict(extra="forbid")

    follow_defaults: bool = False
    visibility: Visibility | None = None
    ask_rule: AskRule | None = None
    ask_min_trust: int | None = Field(default=None, ge=1, le=5)
    no_introductions: bool = False
    welcomes: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _whole(self) -> ContactPolicyIn:
        if not self.follow_defaults and (self.visibility is None or self.ask_rule is None):
            raise ValueError("give visibility and ask_rule, or follow_defaults alone")
        return self

    def change(self) -> PolicyChange:
        """What to ask of the service; with follow_defaults, only the fields sent, so that
        the service can refuse a rule and "follow defaults" given together."""
        if self.follow_defaults:
            sent = self.model_fields_set - {"follow_defaults"}
            return PolicyChange(
                visibility=self.visibility if "visibility" in sent else None,
                ask_rule=self.ask_rule if "ask_rule" in sent else None,
                ask_min_trust=self.ask_min_trust if "ask_min_trust" in sent else None,
                no_introductions=self.no_introductions if "no_introductions" in sent
                else None,
                welcomes=self.welcomes if "welcomes" in sent else None)
        return PolicyChange(visibility=self.visibility, ask_rule=self.ask_rule,
                            ask_min_trust=self.ask_min_trust,
                            no_introductions=self.no_introductions, welcomes=self.welcomes,
                            clear_welcomes=self.welcomes is None)


class ContactPolicyOut(BaseModel):
    contact_id: str
    contact: str
    source: Literal["defaults", "own"]
    policy: PolicyOut = Field(description="The rule in force")
    defaults: PolicyOut

    @classmethod
    def of(cls, shown: ContactPolicy) -> ContactPolicyOut:
        return cls(contact_id=shown.contact.id, contact=shown.contact.name,
                   source=_source(shown.effective), policy=PolicyOut.of(shown.effective.policy),
                   defaults=PolicyOut.of(shown.default))


def _source(effective: EffectivePolicy) -> Literal["defaults", "own"]:
    return "defaults" if effective.from_default else "own"
