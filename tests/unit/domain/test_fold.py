"""Folding text for search and matching takes quick paths that must change nothing."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.contacts import fold


def reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@given(st.text())
def test_fold_agrees_with_the_plain_definition(text: str) -> None:
    assert fold(text) == reference_fold(text)


@given(st.text(alphabet=st.sampled_from("aeiouAEIOU ñçøßİ\u0301\u0308\U0001d165\u00e9\u1e9e")))
def test_fold_agrees_on_accents_and_marks_beyond_the_bmp(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_accents_and_case_fold_away() -> None:
    assert fold("  José   NÚÑEZ ") == "jose nunez"
