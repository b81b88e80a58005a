import random
from datetime import date
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples import examples
from kithbook.domain import duplicates
from kithbook.domain.contacts import Contact, ContactFields, Labeled
from kithbook.domain.duplicate_index import DuplicateIndex, book_order
from kithbook.domain.duplicates import (
    Candidate,
    Reason,
    find_duplicates,
    merged_tie,
    name_key,
    plan_merge,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.ties import Tie

ME = MemberId("m0000000001a")


def _c(key: str, name: str, *, emails: tuple[str, ...] = (), phones: tuple[str, ...] = (),
       org: str | None = None) -> Candidate:
    return Candidate(key=key, name=name, emails=emails, phones=phones, organization=org)


def test_same_email_in_any_case_is_a_duplicate() -> None:
    (group,) = find_duplicates([_c("a", "Ada", emails=("ada@example.org",)),
                                _c("b", "Bob", emails=("x@example.org",)),
                                _c("c", "A. Lovelace", emails=("ADA@example.org",))])
    assert group.keys == ("a", "c")
    assert [e.reason for e in group.evidence] == [Reason.EMAIL]
    assert group.evidence[0].detail == "ada@example.org"


def test_same_phone_is_a_duplicate() -> None:
    (group,) = find_duplicates([_c("a", "Ada", phones=("+442079460958",)),
                                _c("b", "Countess", phones=("+442079460958",))])
    assert group.evidence[0].reason is Reason.PHONE


def test_reordered_accented_name_at_same_organization_is_a_duplicate() -> None:
    (group,) = find_duplicates([_c("a", "José Núñez", org="Globex"),
                                _c("b", "Nunez, Jose", org="globex")])
    assert group.evidence[0].reason is Reason.NAME
    assert "José Núñez ≈ Nunez, Jose" in group.evidence[0].detail


def test_a_typo_in_a_name_at_the_same_organization_still_matches() -> None:
    assert find_duplicates([_c("a", "Grace Hopper", org="US Navy"),
                            _c("b", "Grace Hoper", org="US Navy")])


def test_similar_names_at_different_or_no_organizations_are_not_duplicates() -> None:
    assert not find_duplicates([_c("a", "Ada Lovelace", org="Analytical Engines"),
                                _c("b", "Ada Lovelace", org="Babbage & Co"),
                                _c("c", "Ada Lovelace"), _c("d", "Ada Lovelace")])


def test_different_people_at_the_same_organization_are_not_duplicates() -> None:
    assert not find_duplicates([_c("a", "Ada Lovelace", org="Acme"),
                                _c("b", "Alan Turing", org="Acme"),
                                _c("c", "Adam Lovell", org="Acme")])


def test_chains_of_evidence_make_one_group() -> None:
    groups = find_duplicates([
        _c("a", "Ada", emails=("ada@example.org",)),
        _c("b", "Ada L", emails=("ada@example.org",), phones=("+15550001",)),
        _c("c", "Countess", phones=("+15550001",)),
        _c("d", "Someone else")])
    assert [g.keys for g in groups] == [("a", "b", "c")]
    assert {e.reason for e in groups[0].evidence} == {Reason.EMAIL, Reason.PHONE}


def test_name_key_ignores_order_case_accents_and_punctuation() -> None:
    assert name_key("Núñez, José") == name_key("jose NUNEZ") == "jose nunez"


def _contact(cid: str, name: str, **kwargs: object) -> Contact:
    return Contact(id=ContactId(cid), owner=ME, name=name, **kwargs)  # type: ignore[arg-type]


def test_merge_keeps_survivor_fields_and_fills_gaps_from_others() -> None:
    a = _contact("a", "Ada Lovelace", organization="Analytical Engines", notes="Poet.",
                 emails=[Labeled("ada@example.org")], tags=["mentors"])
    b = _contact("b", "Ada King", role="Countess", notes="Met in London.",
                 emails=[Labeled("ADA@example.org", "work"), Labeled("ada@home.example")],
                 phones=[Labeled("+442079460958", "mobile")], tags=["london", "mentors"],
                 links=["https://ada.example"])
    plan = plan_merge([a, b])
    assert (plan.survivor, plan.absorbed) == ("a", ("b",))
    f = plan.fields
    assert (f.name, f.organization, f.role) == ("Ada Lovelace", "Analytical Engines",
                                                "Countess")
    assert f.emails == [Labeled("ada@example.org", "work"), Labeled("ada@home.example")]
    assert f.phones == [Labeled("+442079460958", "mobile")]
    assert f.tags == ["mentors", "london"] and f.links == ["https://ada.example"]
    assert f.notes == "Poet.\n\nMet in London."


def test_member_can_choose_which_value_wins_per_field() -> None:
    a = _contact("a", "Ada Lovelace", organization="Analytical Engines")
    b = _contact("b", "Augusta Ada King", organization="Babbage & Co")
    plan = plan_merge([a, b], prefer={"name": ContactId("b")})
    assert plan.fields.name == "Augusta Ada King"
    assert plan.fields.organization == "Analytical Engines"
    name_choice = next(c for c in plan.choices if c.field == "name")
    assert name_choice.source == "b"
    assert name_choice.options == (("a", "Ada Lovelace"), ("b", "Augusta Ada King"))


def test_survivor_can_be_any_of_the_merged() -> None:
    plan = plan_merge([_contact("a", "Ada"), _contact("b", "Ada Lovelace")],
                      survivor=ContactId("b"))
    assert (plan.survivor, plan.absorbed, plan.fields.name) == ("b", ("a",), "Ada Lovelace")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"survivor": ContactId("zz")}, "must be one of those"),
    ({"prefer": {"notes": ContactId("a")}}, "cannot choose 'notes'"),
    ({"prefer": {"name": ContactId("zz")}}, "must come from one of"),
])
def test_bad_merge_choices_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        plan_merge([_contact("a", "Ada"), _contact("b", "Ada L")], **kwargs)


def test_merging_one_contact_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least two"):
        plan_merge([_contact("a", "Ada")])


def test_merged_tie_keeps_earliest_start_and_survivor_settings() -> None:
    ties = [Tie(owner=ME, contact=ContactId("a"), stated_trust=None, cadence_days=30,
                started_on=date(2023, 5, 1)),
            Tie(owner=ME, contact=ContactId("b"), stated_trust=4, cadence_days=90,
                started_on=date(2019, 1, 1))]
    tie = merged_tie(ContactId("a"), ties)
    assert tie is not None
    assert (tie.contact, tie.stated_trust, tie.cadence_days, tie.started_on) == (
        "a", 4, 30, date(2019, 1, 1))


def test_incoming_rows_are_matched_against_the_book() -> None:
    book = [Candidate.of(_contact("a", "Ada Lovelace", emails=[Labeled("ada@example.org")]))]
    row = ContactFields(name="Ada King", emails=[Labeled("ADA@example.org")])
    (group,) = find_duplicates(book + [Candidate.of_fields("line 7", row)])
    assert group.keys == ("a", "line 7")


# Names built from a few syllables and letters, so that near and exact repeats are common.
_NAMES = st.lists(st.sampled_from(["ada", "an", "na", "bo", "ob", "lee", "el", "x", "é",
                                    "ann", "nna", ""]), max_size=4).map(" ".join)
_BOOKS = st.lists(st.tuples(_NAMES, st.sampled_from(["Acme", "acme ", "Globex", None])),
                  max_size=30)


@settings(max_examples=examples(300, 5000), deadline=None)
@given(book=_BOOKS, threshold=st.sampled_from([0.5, 0.7, 0.88, 0.95, 1.0]))
def test_names_compared_through_the_filter_group_as_every_pair_does(
        book: list[tuple[str, str | None]], threshold: float) -> None:
    """Only pairs whose names could be alike are compared (`_close_pairs`); the groups and
    the evidence, in its order, are those of comparing every pair."""
    people = [_c(str(n), name, org=org) for n, (name, org) in enumerate(book)]
    filtered = find_duplicates(people, name_threshold=threshold)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duplicates, "_close_pairs",
                      lambda members, _names, _t: list(combinations(members, 2)))
        assert filtered == find_duplicates(people, name_threshold=threshold)


# ---- the index kept up to date: equal to comparing the whole book ----------------------

_NAMES = ["Ada Lovelace", "Lovelace, Ada", "Ada Lovelac", "Bob Smith", "Bob Smyth",
          "Rob Smith", "Jo", "Jó", "José Núñez", "jose nunez", "Al", "Ann Lee", "Anne Lee"]
_ORGANIZATIONS = [None, "Acme", "acme ", "Globex", "Initech", ""]


def _someone(key: str, r: random.Random) -> Candidate:
    return Candidate(key=key, name=r.choice(_NAMES),
                     emails=tuple(r.sample(["a@x", "A@x", "b@x", "c@x"], r.randint(0, 2))),
                     phones=tuple(r.sample(["+1", "+2", "+3"], r.randint(0, 1))),
                     organization=r.choice(_ORGANIZATIONS))


@pytest.mark.parametrize("seed", range(300))
def test_an_index_updated_change_by_change_gives_what_the_whole_book_gives(seed: int) -> None:
    r = random.Random(seed)
    book = {f"k{i}": _someone(f"k{i}", r) for i in range(r.randint(0, 25))}
    index = DuplicateIndex.of(sorted(book.values(), key=book_order))
    added = 0
    for step in range(15):
        changed, removed = [], []
        roll = r.random()
        if roll < 0.3 or not book:
            for _ in range(r.randint(1, 3)):
                added += 1
                book[f"n{added}"] = someone = _someone(f"n{added}", r)
                changed.append(someone)
        elif roll < 0.6:
            key = r.choice(list(book))
            book[key] = someone = _someone(key, r)
            changed.append(someone)
        else:
            removed = r.sample(list(book), min(len(book), r.randint(1, 2)))
            for key in removed:
                del book[key]
        index.update(changed, removed)
        assert index.groups() == find_duplicates(sorted(book.values(), key=book_order)), step
