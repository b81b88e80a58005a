"""What the warm-paths API returns: ranked paths as the searcher may see them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kithbook.domain.ties import StageKey
from kithbook.services.paths import FoundPath, IntroStart, KnownContact, PathResults, PathStep


class StepOut(BaseModel):
    label: str = Field(description='A name, or "a contact at Acme" for an anonymous person')
    anonymous: bool
    member: str | None = Field(description="Their member id, when named and a member")


class IntroStartOut(BaseModel):
    """Everything POST /api/v1/introductions needs to ask the first intermediary."""

    kind: str = Field(description='"member" in a community, "asked" in a local book')
    introducer: str = Field(description="Member id (member) or your contact's id (asked)")
    introducer_label: str
    target: str = Field(description="An opaque handle of this search for the contact in "
                                    "the introducer's book, which only you can use, for a "
                                    "week (member); or the target's name (asked)")
    target_label: str
    final_label: str | None = Field(description="The path's end, when the target is only "
                                                "the next step")

    @classmethod
    def of(cls, s: IntroStart) -> IntroStartOut:
        member = s.introducer_member is not None
        return cls(kind="member" if member else "asked",
                   introducer=str(s.introducer_member if member else s.introducer_contact),
                   introducer_label=s.introducer_label,
                   target=str(s.target_handle if member else s.target_name),
                   target_label=s.target_label,
                   final_label=s.final_label)


class PathOut(BaseModel):
    rank: int
    score: float
    steps: list[StepOut] = Field(description="The intermediaries, then the target")
    summary: str = Field(description="Why it ranks here, in one plain sentence")
    explanation: str
    trust: list[float] = Field(
        default_factory=list,
        description="Per intermediary, how far you may trust them as the ranking weighed "
                    "it (0.1 to 1; 0.1 for anyone shown only anonymously)")
    introduction: IntroStartOut

    @classmethod
    def of(cls, p: FoundPath) -> PathOut:
        return cls(rank=p.rank, score=round(p.score, 6),
                   steps=[_step(s) for s in p.steps], summary=p.summary,
                   explanation=p.explanation, trust=[round(t, 4) for t in p.trust],
                   introduction=IntroStartOut.of(p.intro))


class KnownOut(BaseModel):
    """One of your own contacts who matches the search and whom you know already."""

    contact_id: str
    name: str
    headline: str
    strength: float | None = Field(description="The tie's stored strength, as the book shows")
    stage: str | None = Field(description='As the book lists it: "contact", "relationship" '
                                           'or "trusted"')

    @classmethod
    def of(cls, k: KnownContact) -> KnownOut:
        return cls(contact_id=k.contact, name=k.name, headline=k.headline,
                   strength=k.strength,
                   stage=StageKey.of(k.stage).value if k.stage else None)


class PathsOut(BaseModel):
    looking_for: str
    local: bool = Field(description="True in a one-member book (paths through your own "
                                    "record of who knows whom)")
    known: list[KnownOut] = Field(description="Your own contacts matching the search whom "
                                              "you know already (past new acquaintance), "
                                              "strongest first: no path leads to them")
    known_total: int
    known_said: str | None = Field(description='"You already know 12 people at Acme."')
    paths: list[PathOut] = Field(description="Paths to people you do not know yet")
    empty_reason: str | None = Field(description="Why there is no path, and what to do")

    @classmethod
    def of(cls, r: PathResults) -> PathsOut:
        return cls(looking_for=r.looking_for, local=r.local,
                   known=[KnownOut.of(k) for k in r.known], known_total=r.known_total,
                   known_said=r.known_said, paths=[PathOut.of(p) for p in r.paths],
                   empty_reason=r.empty_reason)


def _step(s: PathStep) -> StepOut:
    return StepOut(label=s.label, anonymous=s.anonymous, member=s.member)
