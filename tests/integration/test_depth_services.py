"""Relationship depth use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from community_members import bare_member
from fakes import FixedClock
from kithbook.domain.contacts import ContactFields
from kithbook.domain.digest import Budget
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.ties import Stage
from kithbook.graph.strength import DIRECTIONS, KINDS, day_number, tie_strength
from kithbook.io.charts import health_charts
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.tie_strength import strength_of


@dataclass
class Book:
    me: str
    ana: str
    bo: str
    cy: str


@pytest.fixture
def book(kb: Kithbook, clock: FixedClock) -> Book:
    me, _ = kb.book.init_local_member("Sam")
    today = clock.today()

    def add(name: str, org: str, tags: list[str], **tie: object) -> str:
        fields = ContactFields(name=name, organization=org, tags=tags)
        return kb.book.add_contact(me.id, fields, TieFields(**tie)).id  # type: ignore[arg-type]

    ana = add("Ana Silva", "Acme", ["investors"], stated_trust=4,
              started_on=today - timedelta(days=500))
    bo = add("Bo Chen", "Globex", [])
    cy = add("Cy Park", "Acme", ["alumni"])

    def log(days_ago: int, kind: Kind, direction: Direction, *who: str) -> None:
        kb.book.log_interaction(me.id, list(who), kind, direction, today - timedelta(days=days_ago))

    log(400, Kind.MET, Direction.MUTUAL, ana, cy)
    log(300, Kind.ADVICE, Direction.RECEIVED, ana)
    log(200, Kind.HELP, Direction.RECEIVED, ana)
    log(120, Kind.MET, Direction.MUTUAL, ana)
    log(100, Kind.RESOURCE_SHARED, Direction.GAVE, ana)
    log(90, Kind.ADVICE, Direction.GAVE, ana)
    log(10, Kind.MET, Direction.MUTUAL, bo)
    return Book(me.id, ana, bo, cy)


def test_strengths_equal_the_engine_on_the_same_rows(kb: Kithbook, book: Book,
                                                     clock: FixedClock) -> None:
    today = clock.today()
    rows = [(0, Kind.MET, 400), (0, Kind.ADVICE, 300), (0, Kind.HELP, 200), (0, Kind.MET, 120),
            (0, Kind.RESOURCE_SHARED, 100), (0, Kind.ADVICE, 90), (1, Kind.MET, 10),
            (2, Kind.MET, 400)]
    directions = [Direction.MUTUAL, Direction.RECEIVED, Direction.RECEIVED, Direction.MUTUAL,
                  Direction.GAVE, Direction.GAVE, Direction.MUTUAL, Direction.MUTUAL]
    expected = tie_strength(
        tie=[t for t, _, _ in rows], kind=[KINDS.index(k) for _, k, _ in rows],
        direction=[DIRECTIONS.index(d) for d in directions],
        day=[day_number(today - timedelta(days=d)) for _, _, d in rows],
        stated_trust=[4, 0, 0], start_day=[day_number(today - timedelta(days=500)), -1, -1],
        correction=[math.nan] * 3, correction_day=[-1] * 3, as_of=day_number(today),
        params=kb.strength_params)
    got = kb.depth.strengths(book.me)
    assert got[book.ana] == pytest.approx(float(expected.strength[0]), abs=1e-12)
    assert got[book.bo] == pytest.approx(float(expected.strength[1]), abs=1e-12)
    assert got[book.cy] == pytest.approx(float(expected.strength[2]), abs=1e-12)


def test_all_ties_come_strongest_first_with_stage_and_next_step(kb: Kithbook,
                                                                book: Book) -> None:
    ties = kb.depth.all_ties(book.me)
    assert [t.tie.name for t in ties] == ["Ana Silva", "Bo Chen", "Cy Park"]
    ana = ties[0]
    assert ana.tie.stage is Stage.TRUSTED
    assert "gave advice once" in ana.evidence_text
    assert ana.balance == "you gave twice, they gave twice"
    assert ana.step.text


def test_one_tie_is_explained_in_words(kb: Kithbook, book: Book) -> None:
    bo = kb.depth.tie_depth(book.me, "bo")
    assert bo.tie.contact == book.bo
    assert bo.explanation[0].startswith(f"strength {bo.tie.strength:.2f}: met once")
    assert bo.stage.stage is Stage.NEW and bo.stage.next_stage is Stage.CONTACT


def test_exact_lookup_refuses_a_name(kb: Kithbook, book: Book) -> None:
    with pytest.raises(NotFound, match="no contact 'bo'"):
        kb.depth.tie_depth(book.me, "bo", exact=True)


def test_a_correction_is_kept_shown_and_worn_down_by_new_evidence(
        kb: Kithbook, book: Book, clock: FixedClock) -> None:
    computed = kb.depth.tie_depth(book.me, book.bo).tie.evidence.computed
    corrected = kb.depth.correct_strength(book.me, "bo", 0.9)
    assert corrected.tie.strength == pytest.approx(0.9)
    assert any("you set it to 0.90" in line for line in corrected.explanation)
    clock.advance(1)
    for _ in range(3):
        kb.book.log_interaction(book.me, [book.bo], Kind.TALKED, Direction.MUTUAL, clock.today())
    worn = kb.depth.tie_depth(book.me, book.bo).tie
    assert worn.evidence.since_correction == 3
    assert computed < worn.strength < 0.9
    assert worn.evidence.correction_weight == pytest.approx(0.5)
    cleared = kb.depth.correct_strength(book.me, book.bo, None)
    assert cleared.tie.evidence.correction is None
    assert cleared.tie.strength == pytest.approx(cleared.tie.evidence.computed)


@pytest.mark.parametrize("value", [-0.1, 1.5, math.nan])
def test_a_correction_outside_zero_to_one_is_refused(kb: Kithbook, book: Book,
                                                     value: float) -> None:
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        kb.depth.correct_strength(book.me, "bo", value)
    assert kb.depth.tie_depth(book.me, "bo").tie.evidence.correction is None


def test_tag_cadences_drive_the_losing_touch_list(kb: Kithbook, book: Book) -> None:
    assert kb.depth.losing_touch(book.me) == []
    assert kb.depth.set_tag_cadence(book.me, " Investors ", 30) == {"investors": 30}
    kb.depth.set_tag_cadence(book.me, "alumni", 180)
    lost = kb.depth.losing_touch(book.me)
    assert [s.name for s in lost] == ["Ana Silva", "Cy Park"]
    assert "tag 'investors'" in lost[0].reason
    assert kb.depth.set_tag_cadence(book.me, "investors", None) == {"alumni": 180}


def test_a_bad_cadence_changes_nothing(kb: Kithbook, book: Book) -> None:
    with pytest.raises(InvalidInput, match="cadence"):
        kb.depth.set_tag_cadence(book.me, "alumni", 0)
    assert kb.depth.tag_cadences(book.me) == {}


def test_logging_restarts_the_keep_in_touch_clock(kb: Kithbook, book: Book,
                                                  clock: FixedClock) -> None:
    kb.depth.set_tag_cadence(book.me, "investors", 30)
    assert [s.name for s in kb.depth.losing_touch(book.me)] == ["Ana Silva"]
    kb.book.log_interaction(book.me, [book.ana], Kind.TALKED, Direction.MUTUAL, clock.today())
    assert kb.depth.losing_touch(book.me) == []


def test_the_digest_fits_the_budget_and_gives_reasons(kb: Kithbook, book: Book) -> None:
    kb.depth.set_tag_cadence(book.me, "investors", 30)
    digest = kb.depth.digest(book.me, Budget(minutes=45, items=5))
    assert digest.items and digest.minutes <= 45
    assert digest.items[0].name == "Ana Silva" and "overdue" in digest.items[0].reason
    assert len({i.contact for i in digest.items}) == len(digest.items)
    one = kb.depth.digest(book.me, Budget(minutes=120, items=1))
    assert len(one.items) == 1


def test_an_empty_book_has_an_empty_digest_and_report(kb: Kithbook) -> None:
    me, _ = kb.book.init_local_member("Sam")
    assert kb.depth.digest(me.id).items == ()
    assert kb.depth.all_ties(me.id) == [] and kb.depth.losing_touch(me.id) == []
    report = kb.depth.health(me.id)
    assert report.ties == 0 and report.interactions == 0
    assert set(health_charts(report)) == {"balance", "stages", "strength", "growth", "ties"}


def test_the_health_report_counts_the_whole_book(kb: Kithbook, book: Book) -> None:
    report = kb.depth.health(book.me)
    assert report.ties == 3 and report.interactions == 7
    assert report.balance.total_gave == 2 and report.balance.total_received == 2
    assert report.organizations.largest == ("Acme", 2 / 3)
    assert report.stages[Stage.TRUSTED] == 1
    charts = health_charts(report)
    assert all(svg.startswith("<svg") for svg in charts.values())


def test_the_risk_brief_reads_the_real_strength(kb: Kithbook, book: Book) -> None:
    uow = kb.uow()
    with uow.reading():
        brief = strength_of(uow, MemberId(book.me), ContactId(book.ana), date(2026, 6, 15),
                            kb.strength_params)
    assert brief is not None
    assert brief.value == round(kb.depth.tie_depth(book.me, book.ana).tie.strength, 2)
    assert brief.evidence[0].startswith("strength")


def test_another_members_tie_is_out_of_reach(kb: Kithbook, book: Book) -> None:
    other = bare_member(kb, "Eve", "eve@example.org")
    for ref in (book.ana, book.ana[:6], "Ana"):
        with pytest.raises(NotFound) as seen:
            kb.depth.tie_depth(other.id, ref, exact=ref == book.ana)
        assert "Ana" not in seen.value.message or ref == "Ana"
    with pytest.raises(NotFound, match=f"no contact '{book.ana}' in your book"):
        kb.depth.correct_strength(other.id, book.ana, 0.9, exact=True)
    assert kb.depth.tie_depth(book.me, book.ana).tie.evidence.correction is None
    assert kb.depth.all_ties(other.id) == [] and kb.depth.digest(other.id).items == ()
    assert kb.depth.health(other.id).ties == 0 and kb.depth.losing_touch(other.id) == []
    kb.depth.set_tag_cadence(other.id, "investors", 7)
    assert kb.depth.tag_cadences(book.me) == {}


def test_the_week_is_the_digest_and_the_losing_touch_list_together(kb: Kithbook,
                                                                   book: Book) -> None:
    kb.depth.set_tag_cadence(book.me, "investors", 30)
    budget = Budget(minutes=45, items=5)
    week = kb.depth.week(book.me, budget, losing_touch_limit=1)
    assert week.digest == kb.depth.digest(book.me, budget)
    assert week.losing_touch == kb.depth.losing_touch(book.me, limit=1)


def test_the_digest_and_health_are_kept_until_the_book_or_the_day_changes(
        kb: Kithbook, book: Book, clock: FixedClock) -> None:
    """Both read and score the whole book: kept between visits (the same object), read
    again after any write, on a new day, and per budget."""
    me = MemberId(book.me)
    report = kb.depth.health(me)
    assert kb.depth.health(me) is report
    week = kb.depth.week(me, Budget(minutes=60))
    assert kb.depth.week(me, Budget(minutes=60)) is week
    digest = kb.depth.digest(me, Budget(minutes=60))
    assert kb.depth.digest(me, Budget(minutes=60)) is digest
    lost = kb.depth.losing_touch(me)
    assert kb.depth.losing_touch(me) == lost
    assert kb.depth.digest(me, Budget(minutes=5)) != digest  # another budget, its own answer

    kb.book.log_interaction(me, [book.cy], Kind.HELP, Direction.RECEIVED, clock.today())
    again = kb.depth.health(me)
    assert again is not report and again.interactions == report.interactions + 1
    assert kb.depth.week(me, Budget(minutes=60)) is not week
    moved = kb.depth.digest(me, Budget(minutes=60))
    assert moved is not digest and moved == kb.depth.digest(me, Budget(minutes=60))
    assert book.cy not in {t.contact for t in kb.depth.losing_touch(me)}  # just in touch

    week = kb.depth.week(me, Budget(minutes=60))
    assert book.ana not in {t.contact for t in week.losing_touch}
    kb.depth.set_tag_cadence(me, "investors", 7)  # no tie changes, but what is overdue does
    assert kb.depth.week(me, Budget(minutes=60)) is not week
    assert book.ana in {t.contact for t in kb.depth.week(me, Budget(minutes=60)).losing_touch}

    clock.advance(1)
    tomorrow = kb.depth.health(me)
    assert tomorrow is not again and tomorrow.as_of == clock.today()


def test_what_is_kept_of_a_book_outlives_writes_to_another_book(kb: Kithbook,
                                                                 book: Book) -> None:
    """A community's members write all day: one member's writes must not throw away the
    reports, maps and duplicates kept of everyone else's book."""
    me = MemberId(book.me)
    other = bare_member(kb, "Eve", "eve@example.org")
    report, week = kb.depth.health(me), kb.depth.week(me, Budget(minutes=60))
    twins = kb.transfer.list_duplicates(me)
    theirs = kb.depth.health(other.id)
    eve_friend = kb.book.add_contact(other.id, ContactFields(name="Ana Silva"))
    kb.book.log_interaction(other.id, [eve_friend.id], Kind.HELP, Direction.GAVE,
                            kb.clock.today())
    assert kb.depth.health(me) is report and kb.depth.week(me, Budget(minutes=60)) is week
    assert kb.transfer.list_duplicates(me) == twins
    assert kb.depth.health(other.id) is not theirs and kb.depth.health(other.id).ties == 1
    kb.book.add_contact(me, ContactFields(name="Ana  Silva", organization="Acme"))  # mine
    assert kb.depth.health(me) is not report and kb.depth.health(me).ties == report.ties + 1
    assert len(kb.transfer.list_duplicates(me)) == len(twins) + 1


def test_likely_duplicates_are_kept_until_the_book_changes(kb: Kithbook, book: Book) -> None:
    me = MemberId(book.me)
    assert kb.transfer.list_duplicates(me) == []
    kb.book.add_contact(me, ContactFields(name="Bo  Chen", organization="Globex"))
    found = kb.transfer.list_duplicates(me)
    assert [len(s.contacts) for s in found] == [2]
    assert kb.transfer.list_duplicates(me)[0] is found[0]  # kept, not compared again
    kb.book.delete_contact(me, found[0].contacts[1].id, exact=True)
    assert kb.transfer.list_duplicates(me) == []


def test_a_contacts_page_reads_in_one_go_what_the_contact_and_its_depth_say(
        kb: Kithbook, book: Book) -> None:
    me = MemberId(book.me)
    for contact in (book.ana, book.bo, book.cy):
        view, depth = kb.depth.contact_with_depth(me, contact)
        assert view == kb.book.get_contact(me, contact)
        assert depth == kb.depth.tie_depth(me, contact, exact=True)
    other = bare_member(kb, "Someone Else")
    with pytest.raises(NotFound) as theirs:
        kb.depth.contact_with_depth(other.id, book.ana)
    with pytest.raises(NotFound) as nobody:
        kb.book.get_contact(other.id, book.ana)
    assert theirs.value.message == nobody.value.message
