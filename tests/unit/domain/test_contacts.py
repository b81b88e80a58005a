from __future__ import annotations

import pytest

from kithbook.domain.contacts import Contact, fold
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ALPHABET, ContactId, MemberId, looks_like_id, new_id, new_ids
from kithbook.domain.interactions import Kind, parse_direction, parse_kind


def make(**fields: object) -> Contact:
    return Contact(id=ContactId("c1"), owner=MemberId("m1"), **fields)  # type: ignore[arg-type]


def test_names_are_trimmed_and_required() -> None:
    assert make(name="  Ada  ").name == "Ada"
    with pytest.raises(InvalidInput, match="needs a name"):
        make(name="   ")


def test_tags_are_case_insensitive_and_unique() -> None:
    assert make(name="Ada", tags=["AI", " ai ", "Open  Source"]).tags == ["ai", "open source"]


def test_overlong_fields_are_refused_with_the_limit() -> None:
    with pytest.raises(InvalidInput, match="under 20,000"):
        make(name="Ada", notes="x" * 20_001)


def test_headline_tells_people_apart() -> None:
    assert make(name="Jon Park", organization="Acme", role="CTO").headline == \
        "Jon Park (CTO, Acme)"
    assert make(name="Jon Park").headline == "Jon Park"


def test_fold_ignores_case_and_accents() -> None:
    assert fold("  José  NÚÑEZ ") == "jose nunez"


def test_ids_are_random_and_well_formed() -> None:
    ids = new_ids(1000) + [new_id()]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 12 and set(i) <= set(ALPHABET) for i in ids)
    assert looks_like_id(ids[0][:4]) and not looks_like_id("Ada Lovelace")


@pytest.mark.parametrize(("word", "kind"), [("met", Kind.MET), ("Coffee", Kind.MET),
                                            ("knowledge-shared", Kind.KNOWLEDGE_SHARED),
                                            ("advice", Kind.ADVICE), ("call", Kind.TALKED)])
def test_kinds_people_type(word: str, kind: Kind) -> None:
    assert parse_kind(word) is kind


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="use one of: met, talked"):
        parse_kind("bribe")
    with pytest.raises(InvalidInput, match="gave, received or mutual"):
        parse_direction("sideways")
