"""Purpose screening: each flag says why, and the rules are measured on labelled purposes."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from purposes import HELD_OUT, HELD_OUT_2, PURPOSES, Purpose

from kithbook.domain.screening import (
    Flag,
    FlagCode,
    RecentPurpose,
    ScreeningLimits,
    Severity,
    questionable,
    screen_purpose,
    screen_text,
    similarity,
)


def codes(flags: list[Flag]) -> set[FlagCode]:
    return {f.code for f in flags}


# ---- each flag, with the words that fired it -----------------------------------------


@pytest.mark.parametrize(("text", "code", "quoted"), [
    ("I'd like to book a demo with her team to show them our platform.", FlagCode.SELLING,
     '"book a demo"'),
    ("Could you pass my CV to Ken? His team has open roles.", FlagCode.JOB_ASK, '"my cv"'),
    ("We are raising a seed round and Mina writes angel checks.", FlagCode.MONEY_ASK,
     '"we are raising"'),
    ("Connect us and I'll pay you a finder's fee on anything we close.",
     FlagCode.TRANSACTIONAL, "\"finder's fee\""),
    ("Would love to connect!", FlagCode.VAGUE, "would love to connect"),
])
def test_each_flag_quotes_the_words_that_fired_it(text: str, code: FlagCode,
                                                  quoted: str) -> None:
    flags = [f for f in screen_text(text) if f.code is code]
    assert len(flags) == 1
    assert quoted in flags[0].reason
    assert flags[0].severity >= Severity.MEDIUM


def test_a_demo_someone_gave_you_is_not_selling() -> None:
    assert FlagCode.SELLING not in codes(screen_text("demo of the difference engine"))
    assert screen_text("Charles showed us a demo of the difference engine.") == []
    assert codes(screen_text("I'd like to demo our app to his team.")) == {FlagCode.SELLING}


def test_a_clear_ask_for_advice_raises_no_flag() -> None:
    text = ("I'm setting up our first on-call rotation and would value Bo's advice on how "
            "his team keeps it humane.")
    assert screen_text(text) == []


def test_saying_what_you_are_not_asking_for_does_not_fire() -> None:
    text = ("Not looking for a job and not selling anything: I'd like to learn how Dina's "
            "team runs accessibility audits.")
    assert screen_text(text) == []


def test_stock_phrases_in_a_specific_ask_are_only_a_low_note() -> None:
    text = ("I'd love to connect with Priya to ask how her clinic moved to electronic "
            "records, since we start the same project in May.")
    [flag] = screen_text(text)
    assert flag.code is FlagCode.VAGUE and flag.severity is Severity.LOW
    assert not questionable([flag])


def test_an_ask_with_no_content_is_vague() -> None:
    [flag] = screen_text("Hi, could you please introduce me to Sara Lind? Thanks so much!")
    assert flag.code is FlagCode.VAGUE
    assert "says nothing about why" in flag.reason


def test_flags_come_most_severe_first() -> None:
    flags = screen_purpose("Would love to connect, maybe a quick chat about our round?",
                           strength=0.2)
    assert [f.severity for f in flags] == sorted((f.severity for f in flags), reverse=True)
    assert codes(flags) >= {FlagCode.MONEY_ASK, FlagCode.NEAR_STRANGER}


# ---- near strangers --------------------------------------------------------------------


def test_asking_someone_who_barely_knows_you_is_flagged() -> None:
    ok = "I'd like Bo's advice on structuring a first data team at a small company."
    assert screen_purpose(ok, strength=0.6) == []
    [weak] = screen_purpose(ok, strength=0.2)
    assert weak.code is FlagCode.NEAR_STRANGER and weak.severity is Severity.MEDIUM
    assert "0.20" in weak.reason
    [barely] = screen_purpose(ok, strength=0.05)
    assert barely.severity is Severity.HIGH
    [none] = screen_purpose(ok, strength=None)
    assert "no tie" in none.reason


# ---- copy-paste to many introducers ------------------------------------------------------

TEMPLATE = ("Hi {name}, I'm building a platform for remote teams and I'm reaching out to a "
            "few people I respect to ask for introductions to heads of engineering at "
            "growth-stage companies in Europe.")


def test_the_same_text_sent_to_many_introducers_is_flagged() -> None:
    sent = [RecentPurpose(TEMPLATE.format(name=n), introducer=n) for n in ("Ana", "Lee", "Mo")]
    flags = screen_purpose(TEMPLATE.format(name="Bo"), recent=sent, introducer="Bo",
                           strength=0.5)
    [copy] = [f for f in flags if f.code is FlagCode.COPY_PASTE]
    assert "3 other introducers" in copy.reason


def test_repeating_yourself_to_the_same_introducer_is_not_mass_mailing() -> None:
    sent = [RecentPurpose(TEMPLATE.format(name="Bo"), introducer="Bo")] * 5
    flags = screen_purpose(TEMPLATE.format(name="Bo"), recent=sent, introducer="Bo",
                           strength=0.5)
    assert FlagCode.COPY_PASTE not in codes(flags)


def test_different_asks_to_different_introducers_are_not_copies() -> None:
    sent = [RecentPurpose("I'd like advice on hiring a first designer for a clinic app.",
                          "Ana"),
            RecentPurpose("Could Lee tell me how his city measured bike-lane use?", "Lee"),
            RecentPurpose("I want to learn how Mo's team runs incident reviews.", "Mo")]
    flags = screen_purpose(TEMPLATE.format(name="Bo"), recent=sent, introducer="Bo",
                           strength=0.5)
    assert FlagCode.COPY_PASTE not in codes(flags)


def test_copy_threshold_is_configurable() -> None:
    sent = [RecentPurpose(TEMPLATE.format(name="Ana"), introducer="Ana")]
    strict = ScreeningLimits(copy_min_introducers=1)
    assert FlagCode.COPY_PASTE in codes(screen_purpose(
        TEMPLATE.format(name="Bo"), recent=sent, introducer="Bo", strength=0.5, limits=strict))


@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


@given(st.text(max_size=400))
def test_any_text_screens_without_error_and_every_flag_explains_itself(text: str) -> None:
    for flag in screen_text(text):
        assert flag.reason
        lowered = " ".join(text.lower().replace("\u2019", "'").split())
        if flag.code is not FlagCode.VAGUE:
            assert all(e in lowered for e in flag.evidence)
            assert all(f'"{e}"' in flag.reason for e in flag.evidence)


def test_typographic_apostrophes_read_like_plain_ones() -> None:
    assert FlagCode.MONEY_ASK in codes(screen_text(
        "We\u2019re raising a seed round and I\u2019d like Mina to see our plan."))


def test_similarity_ignores_case_and_punctuation() -> None:
    assert similarity("Hello, World! How are you?", "hello world how are you") == 1.0


# ---- measured on labelled purposes -----------------------------------------------------


class Score(NamedTuple):
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        return self.true_pos / (self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / (self.true_pos + self.false_neg)


def score(purposes: list[Purpose]) -> Score:
    """"Positive" means not acceptable: the screening should flag it (MEDIUM or worse)."""
    tp = fp = fn = tn = 0
    for p in purposes:
        flagged = questionable(screen_text(p.text))
        tp += flagged and not p.acceptable
        fp += flagged and p.acceptable
        fn += not flagged and not p.acceptable
        tn += not flagged and p.acceptable
    return Score(tp, fp, fn, tn)


def test_the_sets_are_balanced_and_large_enough() -> None:
    assert len(PURPOSES) >= 60
    for purposes in (PURPOSES, HELD_OUT, HELD_OUT_2):
        assert sum(p.acceptable for p in purposes) * 2 == len(purposes)
    texts = [p.text for p in PURPOSES + HELD_OUT + HELD_OUT_2]
    assert len(set(texts)) == len(texts)


def test_screening_on_the_set_it_was_revised_against() -> None:
    # Regression guard: two revisions looked at these, so they overstate real accuracy.
    # Measured: 42 of 44 unacceptable caught, 2 of 44 acceptable flagged (0.95 / 0.95).
    result = score(PURPOSES + HELD_OUT)
    assert result.precision >= 0.9
    assert result.recall >= 0.9


def test_screening_on_purposes_no_revision_has_seen() -> None:
    # The honest figure (docs/introductions.md): 8 of 12 unacceptable caught, 1 of 12
    # acceptable flagged. The floor is that measurement, so any regression fails.
    result = score(HELD_OUT_2)
    assert result.precision >= 0.85
    assert result.recall >= 0.65


def test_screening_over_every_labelled_purpose() -> None:
    result = score(PURPOSES + HELD_OUT + HELD_OUT_2)
    assert result.precision >= 0.9
    assert result.recall >= 0.85


def report() -> None:
    """Print the figures quoted in docs/introductions.md, and every miss."""
    for name, purposes in (("revised against (64)", PURPOSES),
                           ("held out, then revised against (24)", HELD_OUT),
                           ("held out (24)", HELD_OUT_2)):
        s = score(purposes)
        print(f"{name}: TP {s.true_pos} FP {s.false_pos} FN {s.false_neg} TN {s.true_neg}; "
              f"precision {s.precision:.3f}, recall {s.recall:.3f}")
        for p in purposes:
            flags = screen_text(p.text)
            if questionable(flags) == p.acceptable:
                miss = "flagged" if p.acceptable else "missed"
                why = "; ".join(f.reason for f in flags) or "no flag"
                print(f"  {miss} ({p.kind}): {p.text[:72]}… — {why}")


if __name__ == "__main__":
    report()
