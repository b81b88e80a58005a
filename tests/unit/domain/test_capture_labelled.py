"""Precision and recall of "this message is a relationship" on a labelled mailbox
(tests/labelled_mail.py): a development part and a held-out part no rule was revised
against. Run with `-s` to see the figures docs/capture.md reports."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from kithbook.domain.capture import CaptureRules, classify
from kithbook.io.mail.headers import parse_headers
from labelled_mail import ME, Labelled, labelled_set

DEVELOPMENT = (1, 300)  # seed, messages
HELD_OUT = (2, 150)
# What capture must reach, on each part: most of what it keeps is correspondence, and
# it misses little of it.
MIN_PRECISION = 0.75
MIN_RECALL = 0.85


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn)

    def line(self, name: str) -> str:
        p, r = self.precision, self.recall
        plo, phi = wilson(self.tp, self.tp + self.fp)
        rlo, rhi = wilson(self.tp, self.tp + self.fn)
        total = self.tp + self.fp + self.fn + self.tn
        return (f"{name}: {total} messages, {self.tp + self.fn} relationships; "
                f"precision {p:.3f} (95% CI {plo:.3f}-{phi:.3f}), "
                f"recall {r:.3f} (95% CI {rlo:.3f}-{rhi:.3f}); "
                f"TP {self.tp} FP {self.fp} FN {self.fn} TN {self.tn}")


def wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion (sound near 0 and 1, unlike p ± z·se)."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) \
        / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def score(messages: list[Labelled]) -> Score:
    rules = CaptureRules(own=frozenset({ME}))
    tp = fp = fn = tn = 0
    for item in messages:
        kept = classify(parse_headers(item.raw), rules).kept
        tp += kept and item.relationship
        fp += kept and not item.relationship
        fn += not kept and item.relationship
        tn += not kept and not item.relationship
    return Score(tp, fp, fn, tn)


def test_the_labelled_set_is_large_and_mixed() -> None:
    for seed, n in (DEVELOPMENT, HELD_OUT):
        found = labelled_set(seed, n)
        assert len(found) == n
        assert 0.3 < sum(m.relationship for m in found) / n < 0.7
    assert DEVELOPMENT[1] + HELD_OUT[1] >= 300
    assert labelled_set(2, 5) != labelled_set(1, 5)


@pytest.mark.parametrize(("name", "part"), [("development", DEVELOPMENT),
                                            ("held out", HELD_OUT)])
def test_precision_and_recall_of_the_relationship_decision(
        name: str, part: tuple[int, int]) -> None:
    found = score(labelled_set(*part))
    print("\n" + found.line(name))
    assert found.precision >= MIN_PRECISION
    assert found.recall >= MIN_RECALL


def test_the_interval_is_the_wilson_interval() -> None:
    low, high = wilson(81, 100)
    assert (round(low, 3), round(high, 3)) == (0.722, 0.875)
    assert wilson(10, 10)[1] == pytest.approx(1.0) and wilson(0, 10)[0] == pytest.approx(0.0)
