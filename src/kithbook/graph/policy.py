"""Sharing policies as small integer codes, and the chance that an introducer agrees.

A snapshot stores each tie's policy in int8 columns so that a search can test whole
arrays of hops at once. This module owns the codes, their translation from the domain's
enums, and the one pure function that turns a tie into an agree chance; the search, the
brute-force checker in the tests and the benchmark's peers all use it, so they rank alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from kithbook.domain.ties import AskRule, SharingPolicy, Visibility

HIDDEN, ANONYMOUS, NAMED = 0, 1, 2
NOBODY, TRUSTED, ANYONE = 0, 1, 2
UNSTATED = 0  # stated trust 0: the owner gave no level
NEVER = 6  # a need no stated trust meets

VISIBILITY_CODE: dict[Visibility, int] = {
    Visibility.HIDDEN: HIDDEN, Visibility.ANONYMOUS: ANONYMOUS, Visibility.NAMED: NAMED}
ASK_RULE_CODE: dict[AskRule, int] = {
    AskRule.NOBODY: NOBODY, AskRule.TRUSTED: TRUSTED, AskRule.ANYONE: ANYONE}

# How much an introducer's stated trust of the asker adds to their readiness, indexed by
# the stated level (0 = unstated). Unstated sits between 2 and 3: most people never rate
# most of their ties, and silence is no evidence of distrust.
TRUST_FACTOR: npt.NDArray[np.float64] = np.array([0.75, 0.6, 0.7, 0.8, 0.9, 1.0])

Float32Array = npt.NDArray[np.float32]


def policy_codes(policy: SharingPolicy) -> tuple[int, int, int, bool]:
    """(visibility, ask rule, minimum trust, no introductions) as snapshot columns hold them."""
    return (VISIBILITY_CODE[policy.visibility], ASK_RULE_CODE[policy.ask_rule],
            policy.ask_min_trust or 0, policy.no_introductions)


def agree_chance(strength: Any, trust: Any) -> Float32Array:
    """Chance that an introducer agrees to pass the asker on, from the introducer's own tie.

    `strength` and `trust` describe the introducer's tie *to the asker* (the person before
    them on the path): strength in [0, 1] and stated trust 0..5 (0 = unstated). The chance
    is `strength × TRUST_FACTOR[trust]`, computed in float64 and rounded once to float32;
    path scores then multiply these float32 values in float64, in path order, so every
    implementation (search, brute force, SQL, NetworkX) gets bit-identical scores. With no
    usable tie to the asker (absent, or hidden by its owner) the caller passes strength 0:
    nobody vouches for a stranger. The ask rule does not enter the chance: it decides
    whether asking is allowed at all; how readily the answer is yes comes from how well
    they know and trust the asker.
    """
    s = np.asarray(strength, dtype=np.float32).astype(np.float64)
    t = np.asarray(trust, dtype=np.int64)
    out: Float32Array = (s * TRUST_FACTOR[t]).astype(np.float32)
    return out


def onward_need(visibility: Any, no_intro: Any, ask_rule: Any,
                min_trust: Any) -> npt.NDArray[np.int8]:
    """The stated trust of the asker a tie's owner needs before introducing onward through it.

    0 when anyone may ask, N for "people I trust at N or more", and `NEVER` when the tie is
    hidden, marked "no introductions" or closed to all asks. With it, the whole policy test
    for a hop is one comparison: `owner's trust of the asker >= need` (unstated trust is 0).
    """
    rule = np.asarray(ask_rule)
    need = np.where(rule == ANYONE, 0, np.where(rule == TRUSTED, np.asarray(min_trust), NEVER))
    closed = (np.asarray(visibility) == HIDDEN) | np.asarray(no_intro, dtype=np.bool_)
    out: npt.NDArray[np.int8] = np.where(closed, NEVER, need).astype(np.int8)
    return out
