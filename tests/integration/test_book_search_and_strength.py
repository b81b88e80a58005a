"""Search through the trigram index finds exactly what a substring scan found, and lists
sort and filter by each tie's stored strength and stage (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from community_members import bare_member
from fakes import FixedClock
from kithbook.domain.contacts import ContactFields, Labeled, fold
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.domain.ties import Stage
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery, Sort

PEOPLE = [
    ContactFields(name="José Núñez", organization="Ñandú Capital", role="CTO", location="Lisbon",
         notes="100% on pricing_models; says \"hello\" a lot", tags=["mentor"]),
    ContactFields(name="Grace Hopper", organization="Navy", role="Admiral",
         emails=[Labeled("grace@navy.example")], notes="COBOL and compilers"),
    ContactFields(name="Ada Lovelace", organization="Analytical Engines", location="London",
         how_we_met="a lecture on engines", tags=["mentor", "math"]),
    ContactFields(name="Straße Müller", organization="Groß AG", notes="Ärzte ohne Grenzen"),
    ContactFields(name="Ana Li", role="Designer", location="Berlin", notes="an odd 'quote'"),
    ContactFields(name="Bo", organization="Capitalist Co"),
]
WORDS = ["jose", "JOSÉ", "núñez", "nunez", "capital", "lisbon", "100%", "pricing_models",
         "pricing_", "\"hello\"", "hello", "navy.example", "engines", "mentor", "strasse",
         "straße", "muller", "ARZTE", "an", "li", "o", "bo", "'quote'", "zebra", "ana li",
         "capital lisbon", "capital co", "mentor london", "%", "_", "\"", "ñandú"]


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


def names(kb: Kithbook, me: Member, **query: object) -> list[str]:
    page = kb.book.list_contacts(me.id, ContactQuery(limit=1000, **query))  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return sorted(item.contact.name for item in page.items)


def expected(kb: Kithbook, me: Member, text: str) -> list[str]:
    """The old meaning: every folded word is a substring of the folded search text."""
    everyone = [item.contact for item in
                kb.book.list_contacts(me.id, ContactQuery(limit=1000)).items]
    words = [fold(w) for w in text.split()]
    return sorted(c.name for c in everyone if all(w in c.search_text for w in words))


def test_indexed_search_finds_exactly_the_substring_matches(kb: Kithbook, me: Member) -> None:
    for person in PEOPLE:
        kb.book.add_contact(me.id, person)
    for word in WORDS:
        assert names(kb, me, text=word) == expected(kb, me, word), word
    assert names(kb, me, text="capital") == ["Bo", "José Núñez"]
    assert names(kb, me, text="straße") == ["Straße Müller"]


def test_search_follows_edits_and_removals(kb: Kithbook, me: Member) -> None:
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", notes="engines"))
    assert names(kb, me, text="engines") == ["Ada Lovelace"]
    kb.book.edit_contact(me.id, ada.id, ContactFields(notes="looms"), exact=True)
    assert names(kb, me, text="engines") == []
    assert names(kb, me, text="looms") == ["Ada Lovelace"]
    kb.book.delete_contact(me.id, ada.id, exact=True)
    assert names(kb, me, text="looms") == [] and names(kb, me, text="ada") == []


def test_bulk_loaded_books_are_searchable(kb: Kithbook, me: Member) -> None:
    kb.book.build_demo(me.id, 300, seed=7)
    everyone = kb.book.list_contacts(me.id, ContactQuery(limit=1000)).items
    assert len(everyone) == 300
    for probe in (everyone[0].contact, everyone[150].contact, everyone[299].contact):
        for word in (probe.name.split()[-1], probe.organization or probe.name):
            assert names(kb, me, text=word) == expected(kb, me, word)


def test_another_members_contacts_never_match(kb: Kithbook, me: Member) -> None:
    other = bare_member(kb, "Eve")
    kb.book.add_contact(other.id, ContactFields(name="Hidden Person", notes="lisbon capital"))
    kb.book.add_contact(me.id, ContactFields(name="Mine", notes="lisbon"))
    assert names(kb, me, text="lisbon") == ["Mine"]
    assert names(kb, me, text="capital") == []
    assert kb.book.list_contacts(me.id, ContactQuery(text="lisbon")).total == 1


def _log(kb: Kithbook, me: Member, who: str, kind: Kind, direction: Direction,
         day: date) -> None:
    kb.book.log_interaction(me.id, [who], kind, direction, day)


def _build_stages(kb: Kithbook, me: Member) -> None:
    """Ada trusted, Bea a relationship, Cy a contact, Dee new."""
    kb.book.add_contact(me.id, ContactFields(name="Ada"), TieFields(stated_trust=5))
    kb.book.add_contact(me.id, ContactFields(name="Bea"))
    kb.book.add_contact(me.id, ContactFields(name="Cy"))
    kb.book.add_contact(me.id, ContactFields(name="Dee"))
    for i, (kind, direction) in enumerate([(Kind.ADVICE, Direction.GAVE),
                                           (Kind.HELP, Direction.RECEIVED),
                                           (Kind.TALKED, Direction.MUTUAL),
                                           (Kind.MET, Direction.MUTUAL)]):
        _log(kb, me, "Ada", kind, direction, date(2025, 1 + i, 3))
        _log(kb, me, "Bea", kind, direction, date(2026, 1 + i, 3))
    _log(kb, me, "Cy", Kind.TALKED, Direction.MUTUAL, date(2026, 6, 1))
    _log(kb, me, "Cy", Kind.MET, Direction.MUTUAL, date(2026, 6, 10))


def test_lists_carry_the_strength_and_stage_the_contact_page_shows(kb: Kithbook,
                                                                   me: Member) -> None:
    _build_stages(kb, me)
    items = kb.book.list_contacts(me.id, ContactQuery()).items
    stages = {i.contact.name: i.stage for i in items}
    assert stages == {"Ada": Stage.TRUSTED, "Bea": Stage.RELATIONSHIP, "Cy": Stage.CONTACT,
                      "Dee": Stage.NEW}
    for item in items:
        depth = kb.depth.tie_depth(me.id, item.contact.id, exact=True)
        assert item.strength == pytest.approx(depth.tie.strength)
        assert item.stage == depth.stage.stage


def test_sort_by_strength_and_filter_by_stage(kb: Kithbook, me: Member) -> None:
    _build_stages(kb, me)
    strengths = kb.depth.strengths(me.id)
    by_strength = kb.book.list_contacts(me.id, ContactQuery(sort=Sort.STRENGTH)).items
    assert [i.contact.id for i in by_strength] == sorted(
        strengths, key=lambda c: (-strengths[c], [-ord(ch) for ch in c]))
    assert by_strength[-1].contact.name == "Dee"
    trusted = kb.book.list_contacts(me.id, ContactQuery(stage=Stage.TRUSTED))
    assert [i.contact.name for i in trusted.items] == ["Ada"] and trusted.total == 1
    assert names(kb, me, stage=Stage.CONTACT) == ["Cy"]
    assert names(kb, me, stage=Stage.NEW) == ["Dee"]
    assert names(kb, me, stage=Stage.NEW, text="bea") == []
    both = kb.book.list_contacts(me.id, ContactQuery(stage=Stage.RELATIONSHIP, sort=Sort.STRENGTH,
                                                     text="bea"))
    assert [i.contact.name for i in both.items] == ["Bea"] and both.total == 1


def test_stored_strength_follows_new_interactions_edits_and_the_calendar(
        kb: Kithbook, me: Member, clock: FixedClock) -> None:
    _build_stages(kb, me)

    def listed(name: str) -> tuple[float | None, Stage | None]:
        item = next(i for i in kb.book.list_contacts(me.id, ContactQuery(text=name)).items)
        return item.strength, item.stage

    def fresh(name: str) -> tuple[float, Stage]:
        depth = kb.depth.tie_depth(me.id, name)
        return depth.tie.strength, depth.stage.stage

    before = listed("Dee")
    _log(kb, me, "Dee", Kind.TALKED, Direction.MUTUAL, date(2026, 6, 14))
    _log(kb, me, "Dee", Kind.MET, Direction.MUTUAL, date(2026, 6, 15))
    after = listed("Dee")
    assert after[1] == Stage.CONTACT and after[0] is not None and before[0] is not None
    assert after[0] > before[0] and after == pytest.approx(fresh("Dee"))
    kb.book.edit_contact(me.id, "Cy", ContactFields(), TieFields(stated_trust=5))
    assert listed("Cy") == pytest.approx(fresh("Cy"))
    kb.depth.correct_strength(me.id, "Bea", 0.05)
    assert listed("Bea") == pytest.approx(fresh("Bea"))
    clock.advance(400)
    assert listed("Ada") == pytest.approx(fresh("Ada"))
    assert listed("Cy") == pytest.approx(fresh("Cy"))


def test_a_new_day_can_show_yesterdays_strengths_until_they_are_renewed(
        kb: Kithbook, me: Member, clock: FixedClock) -> None:
    _build_stages(kb, me)
    yesterday = {i.contact.name: i.strength
                 for i in kb.book.list_contacts(me.id, ContactQuery()).items}
    clock.advance(200)
    stale = kb.book.list_contacts(me.id, ContactQuery(), wait_for_day=False)
    assert stale.stale_strengths
    assert {i.contact.name: i.strength for i in stale.items} == yesterday
    _log(kb, me, "Dee", Kind.TALKED, Direction.MUTUAL, clock.today())
    changed = kb.book.list_contacts(me.id, ContactQuery(text="dee"), wait_for_day=False)
    assert changed.items[0].strength == pytest.approx(kb.depth.tie_depth(me.id, "Dee").tie.strength)
    kb.depth.refresh_strengths(me.id)
    fresh = kb.book.list_contacts(me.id, ContactQuery(), wait_for_day=False)
    assert not fresh.stale_strengths
    for item in fresh.items:
        assert item.strength == pytest.approx(kb.depth.tie_depth(me.id, item.contact.id,
                                                                 exact=True).tie.strength)
    assert fresh.items[0].strength != yesterday["Ada"]


def test_every_page_of_a_search_and_of_a_stage_is_in_name_order(kb: Kithbook,
                                                                 me: Member) -> None:
    """Whichever way a page is read (walking names and testing each contact, reading and
    sorting every match, or walking a stage's ties), it is the slice of the whole answer
    in name order: words that bunch up in name order (a first name), common ones
    (a trigram in many words), rare ones, deep pages and the last page."""
    kb.book.build_demo(me.id, 300, seed=11)
    for i in range(40):  # a first name shared by many, last in name order
        kb.book.add_contact(me.id, ContactFields(name=f"Zed Quux{i:02}"))
    everyone = kb.book.list_contacts(me.id, ContactQuery(limit=1000)).items
    common = Counter(w for i in everyone for w in set(i.contact.search_text.split())
                     if len(w) >= 3).most_common(1)[0][0]
    first = everyone[120].contact.name.split()[0]
    words = ["zed", common, first, everyone[7].contact.name.split()[-1], "ana", "an",
             "capital", "e", f"{first} {everyone[120].contact.name.split()[-1]}", "zebra"]
    for word in words:
        folded = [fold(w) for w in word.split()]
        found = [i.contact.id for i in everyone
                 if all(w in i.contact.search_text for w in folded)]
        for limit in (1, 7, 50):
            for offset in (0, 6, limit * 2, len(found) - 1, len(found) + 3):
                page = kb.book.list_contacts(me.id, ContactQuery(text=word, limit=limit,
                                                                 offset=max(0, offset)))
                assert page.total == len(found), word
                assert [i.contact.id for i in page.items] == \
                    found[max(0, offset):max(0, offset) + limit], (word, limit, offset)
    for stage in Stage:
        staged = [i.contact.id for i in everyone if i.stage == stage]
        for limit, offset in ((50, 0), (7, 3), (7, len(staged) - 2)):
            page = kb.book.list_contacts(me.id, ContactQuery(stage=stage, limit=limit,
                                                             offset=max(0, offset)))
            assert page.total == len(staged)
            assert [i.contact.id for i in page.items] == \
                staged[max(0, offset):max(0, offset) + limit], (stage, offset)


def test_a_renamed_contact_moves_in_its_stage_list(kb: Kithbook, me: Member) -> None:
    _build_stages(kb, me)
    kb.book.add_contact(me.id, ContactFields(name="Cal"))
    assert names(kb, me, stage=Stage.NEW) == ["Cal", "Dee"]
    kb.book.edit_contact(me.id, "Dee", ContactFields(name="Abe"))
    page = kb.book.list_contacts(me.id, ContactQuery(stage=Stage.NEW))
    assert [i.contact.name for i in page.items] == ["Abe", "Cal"]


def test_a_page_is_read_at_once_only_when_no_strength_needs_computing(
        kb: Kithbook, me: Member, clock: FixedClock) -> None:
    """What a web server answers on its event loop (`read_contacts`) never computes: a
    changed tie sends the request to `list_contacts`, a new day shows yesterday's."""
    _build_stages(kb, me)
    assert kb.book.read_contacts(me.id, ContactQuery()) is None  # nothing stored yet
    listed = kb.book.list_contacts(me.id, ContactQuery())
    assert kb.book.read_contacts(me.id, ContactQuery()) == listed
    _log(kb, me, "Dee", Kind.TALKED, Direction.MUTUAL, clock.today())
    assert kb.book.read_contacts(me.id, ContactQuery()) is None
    assert kb.book.list_contacts(me.id, ContactQuery()) == kb.book.read_contacts(me.id,
                                                                                 ContactQuery())
    clock.advance(1)
    stale = kb.book.read_contacts(me.id, ContactQuery())
    assert stale is not None and stale.stale_strengths


def test_remembered_counts_follow_writes_made_through_another_process(
        sqlite_url: str, clock: FixedClock) -> None:
    """Counts, trigram matches and the days of stored strengths are remembered per SQLite
    connection until the database changes: a write through another engine (another
    worker) must show in the next answer of this one."""
    from kithbook.bootstrap import bootstrap
    from kithbook.config import Settings

    reader = bootstrap(Settings(database_url=sqlite_url), clock=clock, migrate=False)
    writer = bootstrap(Settings(database_url=sqlite_url), clock=clock, migrate=False)
    try:
        me, _ = reader.book.init_local_member("Sam")
        for name in ("Ada Lovelace", "Ada Byron", "Grace Hopper"):
            writer.book.add_contact(me.id, ContactFields(name=name))
        queries = [ContactQuery(), ContactQuery(text="ada"), ContactQuery(stage=Stage.NEW)]
        before = [reader.book.list_contacts(me.id, q).total for q in queries]
        assert before == [3, 2, 3]
        assert reader.book.read_contacts(me.id, ContactQuery()) is not None
        writer.book.add_contact(me.id, ContactFields(name="Ada King"))
        assert reader.book.read_contacts(me.id, ContactQuery()) is None  # a new tie to compute
        assert [reader.book.list_contacts(me.id, q).total for q in queries] == [4, 3, 4]
        writer.book.delete_contact(me.id, "Grace Hopper")
        assert [reader.book.list_contacts(me.id, q).total for q in queries] == [3, 3, 3]
    finally:
        reader.close()
        writer.close()
