"""The risk brief: what an introducer reads before putting their name behind a request.

Assembled from plain inputs (the services gather them), so every line can say where it
comes from: the tie and its evidence, the requester's record, the trust inferred through
the network, what the target welcomes, and the flags on the purpose. The recommendation
is advice in plain words; the introducer decides.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.reputation import JudgmentRecord, Reputation
from kithbook.domain.screening import Flag, Severity


class Recommendation(StrEnum):
    GO_AHEAD = "go ahead"
    THINK_IT_OVER = "think it over"
    CONSIDER_DECLINING = "consider declining"


@dataclass(frozen=True)
class TargetSide:
    name: str
    welcomes: str | None = None
    no_introductions: bool = False


@dataclass(frozen=True)
class InferredTrust:
    """The requester's trust as seen from the introducer, through the people they trust.

    `value` is in [-1, 1] (0: nothing heard; negative: people you trust had bad
    experiences); `evidence` is how many average members' worth of raters it rests on,
    `vouchers` the people it rests on most, by name, as the introducer may see them."""

    value: float
    explanation: str
    evidence: float = 0.0
    vouchers: tuple[str, ...] = ()


def trust_through_mutuals(links: Iterable[tuple[str, float, float]]) -> InferredTrust:
    """A first, simple inferred trust: each mutual contact m gives a path introducer → m →
    requester worth strength(introducer, m) × strength(m, requester); paths combine as
    independent chances (1 − Π(1 − path)). `links` holds (mutual's name, the two strengths).
    """
    paths = []
    for name, first, second in links:
        if not (0.0 <= first <= 1.0 and 0.0 <= second <= 1.0):
            raise InvalidInput("strengths must lie between 0 and 1.", field="strength")
        paths.append((first * second, name))
    if not paths:
        return InferredTrust(0.0, "no mutual contacts connect you.")
    value = 1.0 - math.prod(1.0 - p for p, _ in paths)
    best = sorted(paths, reverse=True)[:3]
    via = ", ".join(f"{name} ({p:.2f})" for p, name in best)
    return InferredTrust(value, f"through {len(paths)} mutual contact"
                                f"{'s' * (len(paths) != 1)}; strongest: {via}.")


_STOP = frozenset("""about after again also and any are because been being but can could
does doing from have having her here his how into just like more most much other our ours
out over own same she should some such than that the their them then there these they this
those through too under very was were what when where which while who whom why will with
would your yours want talk happy people""".split())


def _topic_words(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z-]{3,}", text.lower())
    return {w.rstrip("s") for w in words if w not in _STOP}


def welcomes_match(purpose: str, welcomes: str | None) -> list[str]:
    """Words the purpose shares with what the target welcomes (crudely singularized)."""
    if not welcomes:
        return []
    return sorted(_topic_words(purpose) & _topic_words(welcomes))


@dataclass(frozen=True)
class RiskBrief:
    requester: str
    purpose: str
    strength: float | None  # None: no tie at all
    strength_evidence: tuple[str, ...]
    stated_trust: int | None
    reputation: Reputation
    judgment: JudgmentRecord | None  # the introducer's own record, shown to them
    inferred_trust: InferredTrust | None
    target: TargetSide
    flags: tuple[Flag, ...]
    recommendation: Recommendation
    reasons: tuple[str, ...]

    def lines(self) -> list[str]:
        """The brief as plain text, one line per fact, for the CLI and emails."""
        out = [f"Request from {self.requester} to meet {self.target.name}",
               f"  Purpose: \"{self.purpose}\"",
               f"Recommendation: {self.recommendation.value}"]
        out += [f"  - {r}" for r in self.reasons]
        if self.strength is None:
            out.append("How well you know them: not in your book.")
        else:
            trust = (f"; you trust them at {self.stated_trust}/5"
                     if self.stated_trust is not None else "")
            out.append(f"How well you know them: strength {self.strength:.2f}{trust}")
            out += [f"  - {e}" for e in self.strength_evidence]
        out.append(f"Their record: {self.reputation.summary()}")
        if self.inferred_trust is not None:
            out.append(f"Trust through your network: {self.inferred_trust.value:.2f}, "
                       f"{self.inferred_trust.explanation}")
        if self.target.welcomes:
            out.append(f"{self.target.name} welcomes: \"{self.target.welcomes}\"")
        if self.flags:
            out.append("Flags on the purpose:")
            out += [f"  - [{f.severity.word}] {f.reason}" for f in self.flags]
        else:
            out.append("Flags on the purpose: none.")
        if self.judgment is not None:
            out.append(f"Your record as an introducer: {self.judgment.summary()}")
        return out


def assemble_brief(*, requester: str, purpose: str, strength: float | None,
                   strength_evidence: Sequence[str] = (), stated_trust: int | None = None,
                   reputation: Reputation, judgment: JudgmentRecord | None = None,
                   inferred_trust: InferredTrust | None = None, target: TargetSide,
                   flags: Sequence[Flag] = ()) -> RiskBrief:
    if strength is not None and not 0.0 <= strength <= 1.0:
        raise InvalidInput("tie strength must lie between 0 and 1.", field="strength")
    if inferred_trust is not None and not -1.0 <= inferred_trust.value <= 1.0:
        raise InvalidInput("inferred trust must lie between -1 and 1.", field="trust")
    ordered = tuple(sorted(flags, key=lambda f: -f.severity))
    recommendation, reasons = _recommend(purpose, strength, reputation, inferred_trust,
                                         target, ordered)
    return RiskBrief(requester=requester, purpose=purpose, strength=strength,
                     strength_evidence=tuple(strength_evidence), stated_trust=stated_trust,
                     reputation=reputation, judgment=judgment, inferred_trust=inferred_trust,
                     target=target, flags=ordered, recommendation=recommendation,
                     reasons=tuple(reasons))


def _recommend(purpose: str, strength: float | None, reputation: Reputation,
               inferred: InferredTrust | None, target: TargetSide,
               flags: tuple[Flag, ...]) -> tuple[Recommendation, list[str]]:
    against: list[str] = []
    doubts: list[str] = []
    for_it: list[str] = []
    if target.no_introductions:
        against.append(f"{target.name} is marked \"no introductions\".")
    for flag in flags:
        if flag.severity is Severity.HIGH:
            against.append(f"{flag.reason}")
        elif flag.severity is Severity.MEDIUM:
            doubts.append(f"{flag.reason}")
    outcomes = reputation.outcomes
    if outcomes.negative >= 2 and reputation.score < 0.4:
        against.append(f"past introductions went badly: {outcomes.words()}.")
    elif outcomes.total and reputation.score < 0.45:
        doubts.append(f"mixed record so far: {outcomes.words()}.")
    elif outcomes.positive and reputation.score >= 0.6:
        for_it.append(f"good record: {outcomes.words()}.")
    if inferred is not None and inferred.value <= -0.3:
        against.append(f"people you trust had bad experiences with them "
                       f"({inferred.value:.2f}): {inferred.explanation}")
    elif inferred is not None and inferred.value < 0.2 and (strength is None or strength < 0.3):
        doubts.append(f"little trust through your network either ({inferred.value:.2f}).")
    elif inferred is not None and inferred.value >= 0.5 and inferred.vouchers:
        for_it.append(f"trusted through your network ({inferred.value:.2f}): "
                      f"{inferred.explanation}")
    if strength is not None and strength >= 0.5:
        for_it.append(f"you know them well (strength {strength:.2f}).")
    shared = welcomes_match(purpose, target.welcomes)
    if shared:
        quoted = ", ".join(f'"{w}"' for w in shared)
        for_it.append(f"the purpose fits what {target.name} welcomes ({quoted}).")
    if against:
        return Recommendation.CONSIDER_DECLINING, against + doubts
    if doubts:
        return Recommendation.THINK_IT_OVER, doubts + for_it
    return Recommendation.GO_AHEAD, for_it or ["nothing in the request raises a concern."]
