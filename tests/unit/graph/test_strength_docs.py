"""The examples table in docs/strength.md is recomputed here, so the docs cannot drift."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kithbook.domain.evidence import describe_evidence, describe_strength
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.stages import assess_stage
from kithbook.graph.strength import DIRECTIONS, KINDS, TieStrength, day_number, tie_strength

DOC = Path(__file__).resolve().parents[3] / "docs" / "strength.md"
AS_OF = day_number(date(2026, 6, 1))
M, N, A, H, R = Kind.MET, Kind.NOTE, Kind.ADVICE, Kind.HELP, Kind.RESOURCE_SHARED
G, RC, MU = Direction.GAVE, Direction.RECEIVED, Direction.MUTUAL


def _colleague(silent: int) -> list[tuple[int, Kind, Direction]]:
    """Monthly for three years: a meeting, then advice, alternately given and received."""
    return [(silent + 15 + 30 * j, M if j % 2 else A, MU if j % 2 else (G if j % 4 else RC))
            for j in range(36)]


# name: (events as (days ago, kind, direction), stated trust, start days ago or None)
EXAMPLES: dict[str, tuple[list[tuple[int, Kind, Direction]], int, int | None]] = {
    "card swapped at a conference last week": ([(7, M, MU), (7, N, G)], 0, None),
    "imported connection, nothing logged, connected 2 years ago": ([], 0, 730),
    "old friend entered with trust 5, nothing logged": ([], 5, None),
    "coffee twice this spring": ([(60, M, MU), (20, M, MU)], 0, None),
    "one-way: you gave advice and help 4 times this year":
        ([(300, M, MU), (250, A, G), (200, H, G), (100, R, G), (40, A, G)], 0, None),
    "same history, but two of those came from them":
        ([(300, M, MU), (250, A, G), (200, H, RC), (100, R, G), (40, A, RC)], 0, None),
    "colleague of nearly 3 years, monthly contact, advice both ways, trust 4":
        (_colleague(0), 4, None),
    "same colleague after a year of silence": (_colleague(365), 4, None),
}


@pytest.fixture(scope="module")
def computed() -> TieStrength:
    rows = [(i, KINDS.index(k), DIRECTIONS.index(d), AS_OF - ago)
            for i, (events, _, _) in enumerate(EXAMPLES.values()) for ago, k, d in events]
    tie, kind, direction, day = (np.array(c) for c in zip(*rows, strict=True))
    n = len(EXAMPLES)
    return tie_strength(
        tie=tie, kind=kind, direction=direction, day=day,
        stated_trust=[t for _, t, _ in EXAMPLES.values()],
        start_day=[-1 if s is None else AS_OF - s for _, _, s in EXAMPLES.values()],
        correction=[math.nan] * n, correction_day=[-1] * n, as_of=AS_OF)


def _doc_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in EXAMPLES:
            rows[cells[0]] = cells[1:]
    return rows


def test_docs_table_lists_every_example() -> None:
    assert set(_doc_rows()) == set(EXAMPLES)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_docs_table_matches_the_model(computed: TieStrength, name: str) -> None:
    i = list(EXAMPLES).index(name)
    e = computed.evidence(i)
    assert _doc_rows()[name] == [f"{computed.strength[i]:.2f}", assess_stage(e).stage.value,
                                 describe_evidence(e)]


def test_docs_quote_the_explanation_of_the_colleague(computed: TieStrength) -> None:
    lines = describe_strength(computed.evidence(6))
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert " ".join(lines) in text
