"""The digest, the keep-in-touch list and the health report read what is stored with each
tie's strength and what the database counts of the log. They must say exactly what
reading every tie's whole history says: after every kind of write, for ties whose facts
an older version left behind, for notes it left unflagged, and after the migration that
adds them (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from fakes import FixedClock
from kithbook.domain import keep_in_touch
from kithbook.domain.contacts import ContactFields
from kithbook.domain.digest import SCREEN as DIGEST_SCREEN
from kithbook.domain.digest import Budget, Digest, weekly_digest
from kithbook.domain.health import (
    MONTHS_SHOWN,
    HealthReport,
    health_report,
    last_months,
    summarize_logged,
    tally_ties,
)
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.keep_in_touch import TouchState, losing_touch
from kithbook.domain.ties import Stage
from kithbook.services import depth, stored_strength
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.storage.database import create_database_engine
from migrate import downgrade, upgrade

BUDGETS = (Budget(), Budget(minutes=15, items=3), Budget(minutes=25, items=10),
           Budget(minutes=1_000, items=100))
NOTES = ("Pitched our pricing, asked for a quote", "Coffee; she asked about my CV",
         "Lent him money for the trip", "Talked climate policy", "Demoed our app — asked for a job",
         "")


@pytest.fixture
def me(kb: Kithbook, clock: FixedClock) -> MemberId:
    """A demo book, with notes of every flag (some dated in the future), a corrected
    strength, contacts with and without a cadence of their own, and a cadence per tag."""
    member, _ = kb.book.init_local_member("Sam")
    kb.book.build_demo(member.id, 240, seed=11)
    today = clock.today()
    people = [item.contact for item in kb.book.list_contacts(member.id,
                                                         ContactQuery(limit=40)).items]
    for n, note in enumerate(NOTES * 3):
        who = [people[n].id, people[n + 1].id] if n % 4 == 0 else [people[n].id]
        kb.book.log_interaction(member.id, who, list(Kind)[n % len(Kind)],
                                list(Direction)[n % len(Direction)],
                                today - timedelta(days=3 * n), note or None)
    kb.book.log_interaction(member.id, [people[20].id], Kind.HELP, Direction.RECEIVED, today,
                            "Will pitch them a deal")
    clock.advance(-1)  # the last notes have not happened yet (a clock set back, an import)
    kb.depth.correct_strength(member.id, people[21].id, 0.9, exact=True)
    tag = next(t for c in people for t in c.tags)
    kb.depth.set_tag_cadence(member.id, tag, 30)
    return member.id


def _history(kb: Kithbook, me: MemberId) -> tuple[list[Digest], list[TouchState],
                                                  HealthReport]:
    """The reports as they were made before facts: from every tie's history."""
    today = kb.clock.today()
    with kb.uow().reading() as uow:
        ties = depth._summaries(uow.depth.snapshot(me), today, kb.strength_params)
        cadences = uow.depth.tag_cadences(me)
        logged = uow.depth.logged(me)
    return ([weekly_digest(ties, cadences, today, budget) for budget in BUDGETS],
            losing_touch(ties, cadences, today), health_report(ties, logged, today))


def _named(report: HealthReport) -> HealthReport:
    """A report with its dormant ties as (contact, name, strength, last contact): facts
    and summaries are different objects for the same tie."""
    return dataclasses.replace(report, dormant=tuple(
        (t.contact, t.name, t.strength, t.last_contact) for t in report.dormant))  # type: ignore[misc]


def _assert_reports_equal_history(kb: Kithbook, me: MemberId) -> None:
    uow = kb.uow()
    digests = [depth.digest(uow, me, kb.clock, kb.strength_params, budget)
               for budget in BUDGETS]
    lost = depth.losing_touch_list(uow, me, kb.clock, kb.strength_params)
    report = depth.health(uow, me, kb.clock, kb.strength_params)
    expected_digests, expected_lost, expected_report = _history(kb, me)
    assert digests == expected_digests
    assert lost == expected_lost
    assert _named(report) == _named(expected_report)


def _run(database_url: str, sql: str, **values: object) -> int:
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as connection:
            return int(connection.execute(text(sql), values).rowcount)
    finally:
        engine.dispose()


def test_the_reports_say_what_the_whole_history_says(kb: Kithbook, me: MemberId) -> None:
    digests, lost, report = _history(kb, me)
    # The book is worth testing on: every reason, dormant ties, flagged notes.
    reasons = " ".join(i.reason for d in digests for i in d.items)
    assert all(word in reasons for word in ("overdue", "gave", "quiet"))
    assert digests[-1].candidates > 20 and lost and report.dormant_count > 20
    assert {o.theme for o in report.reflection if o.healthy is False} >= {"not transactions"}
    _assert_reports_equal_history(kb, me)


def test_they_still_do_after_every_kind_of_write(kb: Kithbook, me: MemberId,
                                                 clock: FixedClock) -> None:
    people = [item.contact for item in kb.book.list_contacts(me, ContactQuery(limit=5)).items]
    kb.book.log_interaction(me, [people[0].id, people[1].id], Kind.ADVICE, Direction.RECEIVED,
                            clock.today(), "Asked me to sell their house")
    kb.book.delete_contact(me, people[2].id, exact=True)
    kb.depth.correct_strength(me, people[3].id, None, exact=True)
    gone = kb.book.list_contacts(me, ContactQuery(limit=1)).items[0].contact
    with kb.uow().reading() as uow:
        first = uow.interactions.for_contact(me, gone.id)[0]
    kb.book.delete_interaction(me, first.id)
    _assert_reports_equal_history(kb, me)
    clock.advance(40)  # a new day: every stored strength is from another day
    _assert_reports_equal_history(kb, me)


def test_ties_whose_facts_an_older_version_left_behind_are_read_from_history(
        kb: Kithbook, me: MemberId, database_url: str) -> None:
    """A server from before facts stores a strength (its day) without them; a few such
    ties are summarized one by one, many from the whole history."""
    stored_strength.bring_up_to_date(kb.uow(), me, kb.clock.today(), kb.strength_params)
    assert _run(database_url, "UPDATE ties SET facts_on = NULL, gave_count = 99 WHERE "
                              "contact_id IN (SELECT contact_id FROM ties ORDER BY contact_id "
                              "LIMIT 12)") == 12
    with kb.uow().reading() as uow:
        assert len(uow.depth.facts(me, ())[1]) == 12
    _assert_reports_equal_history(kb, me)
    assert _run(database_url, "UPDATE ties SET facts_on = NULL, received_count = 99") > 200
    _assert_reports_equal_history(kb, me)


def test_notes_an_older_version_left_unflagged_are_read(kb: Kithbook, me: MemberId,
                                                        database_url: str) -> None:
    assert _run(database_url, "UPDATE interactions SET flags = NULL") > 1_000
    _assert_reports_equal_history(kb, me)


def test_the_database_counts_the_log_as_the_domain_does(kb: Kithbook, me: MemberId,
                                                        database_url: str) -> None:
    today = kb.clock.today()
    _run(database_url, "UPDATE interactions SET flags = NULL WHERE note LIKE '%money%'")
    with kb.uow().reading() as uow:
        counted = uow.depth.logged_summary(me, today)
        expected = summarize_logged(uow.depth.logged(me), today)
    assert counted.counts == expected.counts
    months = last_months(today, MONTHS_SHOWN)
    assert counted.by_month == {m: expected.by_month.get(m, 0) for m in months}
    assert all(counted.by_month.values())
    assert sum(counted.by_month.values()) < sum(counted.counts.values())  # older ones too
    assert counted.flagged == expected.flagged
    selling = counted.flagged["selling"]
    assert selling[0] == "Demoed our app — asked for a job"  # the newest, not the one to come
    assert "Will pitch them a deal" not in selling


def test_a_days_refresh_stores_the_facts_with_the_strengths(kb: Kithbook, me: MemberId,
                                                           clock: FixedClock) -> None:
    uow = kb.uow()
    stored_strength.bring_up_to_date(uow, me, clock.today(), kb.strength_params)
    clock.advance(1)
    assert stored_strength.from_another_day(uow, me, clock.today())
    # The web app answers with yesterday's facts and leaves the day's work for later.
    before = depth.digest(uow, me, clock, kb.strength_params, Budget(), wait_for_day=False)
    assert before.week_of == clock.today() and before.items
    assert stored_strength.from_another_day(uow, me, clock.today())
    kb.depth.refresh_strengths(me)
    assert not stored_strength.from_another_day(uow, me, clock.today())
    with uow.reading():
        facts, missing = uow.depth.facts(me, ())
    assert not missing and {f.as_of for f in facts} == {clock.today()}
    _assert_reports_equal_history(kb, me)


def test_the_migration_flags_notes_and_dates_strengths_back(kb: Kithbook, me: MemberId,
                                                            database_url: str) -> None:
    stored_strength.bring_up_to_date(kb.uow(), me, kb.clock.today(), kb.strength_params)
    kb.close()
    downgrade(database_url, "0013")
    try:
        upgrade(database_url, "0014")
        engine = create_database_engine(database_url)
        try:
            with engine.connect() as connection:
                flags = dict(connection.execute(text(
                    "SELECT note, flags FROM interactions WHERE note IS NOT NULL")).all())
                days = connection.execute(text("SELECT DISTINCT strength_on FROM ties")).all()
                facts = connection.execute(text(
                    "SELECT count(*) FROM ties WHERE facts_on IS NOT NULL")).scalar_one()
        finally:
            engine.dispose()
    finally:
        # Back to the newest revision: on PostgreSQL the schema is shared by the tests
        # that follow on this worker.
        upgrade(database_url)
    assert flags["Pitched our pricing, asked for a quote"] == 1
    assert flags["Coffee; she asked about my CV"] == 2
    assert flags["Lent him money for the trip"] == 4
    assert flags["Talked climate policy"] == 0
    assert flags["Demoed our app — asked for a job"] == 3
    assert [d for (d,) in days] in (["1970-01-01"], [date(1970, 1, 1)])
    assert facts == 0
    _assert_reports_equal_history(kb, me)  # strengths from "another day": stored anew
    with kb.uow().reading() as uow:
        assert not uow.depth.facts(me, ())[1]


def test_the_database_screens_ties_as_the_domain_does(kb: Kithbook, me: MemberId,
                                                      clock: FixedClock) -> None:
    today = clock.today()
    for days in range(15, 28):  # new acquaintances either side of "fresh"
        kb.book.add_contact(me, ContactFields(name=f"Fresh {days}"),
                            TieFields(started_on=today - timedelta(days=days)))
    for days in range(85, 96):  # relationships either side of "gone quiet"
        quiet = kb.book.add_contact(me, ContactFields(name=f"Quiet {days}"),
                                    TieFields(started_on=today - timedelta(days=800),
                                              stated_trust=4))
        for n, kind in enumerate([Kind.MET] * 6 + [Kind.ADVICE, Kind.HELP]):
            kb.book.log_interaction(me, [quiet.id], kind, Direction.MUTUAL,
                                    today - timedelta(days=days + 30 * n))
    stored_strength.bring_up_to_date(kb.uow(), me, today, kb.strength_params)
    with kb.uow().reading() as uow:
        every, _ = uow.depth.facts(me, ())
    named = {f.name: f for f in every}
    assert {named[f"Fresh {d}"].stage for d in range(15, 28)} == {Stage.NEW}
    assert {named[f"Quiet {d}"].stage for d in range(85, 96)} <= {Stage.RELATIONSHIP,
                                                                 Stage.TRUSTED}
    for days_later in (0, 20, 200):
        clock.advance(days_later)
        stored_strength.bring_up_to_date(kb.uow(), me, clock.today(), kb.strength_params)
        with kb.uow().reading() as uow:
            tags = uow.depth.tag_cadences(me)
            every, _ = uow.depth.facts(me, tags)
            for screen in (DIGEST_SCREEN, keep_in_touch.SCREEN):
                screened, missing = uow.depth.facts(me, tags, screen)
                assert not missing
                assert screened == [f for f in every if screen.admits(f, tags)]
                assert 0 < len(screened) < len(every)


def test_the_database_tallies_ties_as_the_domain_does(kb: Kithbook, me: MemberId,
                                                      clock: FixedClock) -> None:
    """At the edges: strengths on a bin's edge (0.3 × 10 is 3.0000000000000004, and 1.0
    falls in the top bin), quiet for 180 or 181 days, known for 364 or 365, and one
    organization spelled three ways."""
    today = clock.today()
    for n, strength in enumerate([0.1 * k for k in range(11)] + [0.3, 0.7, 0.29999999]):
        edge = kb.book.add_contact(me, ContactFields(name=f"Edge {n}", organization=(
            "Acme", "ACME", "acme", "Zeta")[n % 4], role="CTO" if n % 3 else None),
            TieFields(started_on=today - timedelta(days=(180, 181, 364, 365)[n % 4])))
        kb.depth.correct_strength(me, edge.id, min(strength, 1.0), exact=True)
    for known in (364, 365):  # relationships of just under and just a year
        old = kb.book.add_contact(me, ContactFields(name=f"Year {known}"),
                                  TieFields(started_on=today - timedelta(days=known),
                                            stated_trust=4))
        for n, kind in enumerate([Kind.MET] * 6 + [Kind.ADVICE, Kind.HELP]):
            kb.book.log_interaction(me, [old.id], kind, Direction.MUTUAL,
                                    today - timedelta(days=known - 40 * n))
    for days_later in (0, 1, 30):
        clock.advance(days_later)
        stored_strength.bring_up_to_date(kb.uow(), me, clock.today(), kb.strength_params)
        with kb.uow().reading() as uow:
            counted = uow.depth.tie_tallies(me, clock.today())
            facts, _ = uow.depth.facts(me, ())
        expected = tally_ties(facts, clock.today())
        assert counted == expected
        spellings = {f.organization for f in facts if f.organization}
        assert expected.organizations.distinct == len(spellings) - 2  # Acme three ways
    assert expected.strength_bins[9] >= 2 and expected.long_term > 0


def test_ties_without_facts_are_not_tallied_by_the_database(kb: Kithbook, me: MemberId,
                                                            database_url: str) -> None:
    stored_strength.bring_up_to_date(kb.uow(), me, kb.clock.today(), kb.strength_params)
    _run(database_url, "UPDATE ties SET facts_on = NULL WHERE contact_id IN "
                       "(SELECT contact_id FROM ties ORDER BY contact_id LIMIT 1)")
    with kb.uow().reading() as uow:
        assert uow.depth.tie_tallies(me, kb.clock.today()) is None
