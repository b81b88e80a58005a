"""The risk brief: every input shows up, and the advice follows from what is shown."""

from __future__ import annotations

import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.domain.reputation import JudgmentRecord, Reputation, Tally
from kithbook.domain.risk_brief import (
    InferredTrust,
    Recommendation,
    RiskBrief,
    TargetSide,
    assemble_brief,
    trust_through_mutuals,
    welcomes_match,
)
from kithbook.domain.screening import screen_purpose

GOOD_PURPOSE = ("I'm an early-stage founder and would value Bo's advice on hiring our first "
                "two engineers.")
NEW = Reputation(requests=0, made=0, declined=0, target_declined=0, withdrawn=0, expired=0,
                 outcomes=Tally(), score=0.5)
GOOD = Reputation(requests=6, made=5, declined=1, target_declined=0, withdrawn=0, expired=0,
                  outcomes=Tally(positive=5), score=Tally(positive=5).score())
BAD = Reputation(requests=4, made=3, declined=1, target_declined=0, withdrawn=0, expired=0,
                 outcomes=Tally(negative=3), score=Tally(negative=3).score())
BO = TargetSide("Bo Chen", welcomes="happy to talk to early-stage founders about hiring")


def brief(purpose: str = GOOD_PURPOSE, *, strength: float | None = 0.7,
          reputation: Reputation = NEW, target: TargetSide = BO,
          trust: InferredTrust | None = None) -> RiskBrief:
    return assemble_brief(requester="Rui Costa", purpose=purpose, strength=strength,
                          strength_evidence=["12 interactions over 3 years",
                                             "last talked 2 weeks ago"],
                          stated_trust=4, reputation=reputation,
                          judgment=JudgmentRecord(asked=3, forwarded=2, declined=1, made=2,
                                                  outcomes=Tally(positive=2),
                                                  recorded_by_self=0, score=0.67),
                          inferred_trust=trust, target=target,
                          flags=screen_purpose(purpose, strength=strength))


def test_a_sound_request_from_a_friend_reads_go_ahead() -> None:
    b = brief(reputation=GOOD)
    assert b.recommendation is Recommendation.GO_AHEAD
    text = "\n".join(b.lines())
    for expected in ("strength 0.70", "12 interactions over 3 years", "trust them at 4/5",
                     "5 went well", "welcomes: \"happy to talk", "Flags on the purpose: none",
                     "Your record as an introducer", "fits what Bo Chen welcomes"):
        assert expected in text


def test_the_purpose_matching_what_the_target_welcomes_is_said() -> None:
    assert welcomes_match(GOOD_PURPOSE, BO.welcomes) == ["early-stage", "founder", "hiring"]
    assert welcomes_match(GOOD_PURPOSE, None) == []


def test_a_pitch_from_a_stranger_reads_consider_declining_and_says_why() -> None:
    b = brief("We'd love to book a demo of our platform with Bo's team.", strength=None)
    assert b.recommendation is Recommendation.CONSIDER_DECLINING
    assert any("demo" in r for r in b.reasons)
    assert any("no tie" in r for r in b.reasons)
    assert "not in your book" in "\n".join(b.lines())


def test_a_no_introductions_target_reads_consider_declining() -> None:
    b = brief(target=TargetSide("Bo Chen", no_introductions=True))
    assert b.recommendation is Recommendation.CONSIDER_DECLINING
    assert "marked \"no introductions\"" in b.reasons[0]


def test_a_bad_record_is_weighed() -> None:
    b = brief(reputation=BAD)
    assert b.recommendation is Recommendation.CONSIDER_DECLINING
    assert "went badly" in b.reasons[0]


def test_a_weak_tie_and_little_network_trust_mean_think_it_over() -> None:
    b = brief(strength=0.2, trust=InferredTrust(0.1, "through 1 mutual contact"))
    assert b.recommendation is Recommendation.THINK_IT_OVER
    assert any("little trust through your network" in r for r in b.reasons)
    assert "Trust through your network: 0.10" in "\n".join(b.lines())


def test_flags_are_listed_most_severe_first_with_their_reasons() -> None:
    b = brief("Would love to connect, maybe a quick chat about our round?", strength=0.2)
    severities = [f.severity for f in b.flags]
    assert severities == sorted(severities, reverse=True)
    # Each flag in words once, never by its code ("money_ask").
    assert any(line.startswith("  - [high] asks for money") for line in b.lines())
    assert not any("money_ask" in line or "near_stranger" in line for line in b.lines())
    assert not any("_ask" in r or "near_stranger" in r for r in b.reasons)


def test_trust_through_mutuals_combines_paths_and_names_them() -> None:
    none = trust_through_mutuals([])
    assert none.value == 0.0 and "no mutual" in none.explanation
    one = trust_through_mutuals([("Lee", 0.8, 0.5)])
    assert one.value == pytest.approx(0.4)
    two = trust_through_mutuals([("Lee", 0.8, 0.5), ("Mo", 0.5, 0.5)])
    assert two.value == pytest.approx(1 - 0.6 * 0.75)
    assert "2 mutual contacts; strongest: Lee (0.40), Mo (0.25)" in two.explanation
    with pytest.raises(InvalidInput):
        trust_through_mutuals([("Lee", 1.5, 0.5)])


def test_out_of_range_inputs_are_refused() -> None:
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        brief(strength=1.2)
