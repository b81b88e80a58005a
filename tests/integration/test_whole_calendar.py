"""Every date a member can type, from 0001-01-01 to today, through every read of the book
(SQLite and PostgreSQL). A single interaction before 1970 once made every report fail."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.network_map import ColourBy
from kithbook.io.charts import health_charts
from kithbook.io.network_map import legend
from kithbook.services.book import TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.network_map import MapQuery
from kithbook.services.ports import ContactQuery
from kithbook.web.pictures import map_picture

OLD_DAYS = [date(1, 1, 1), date(1900, 2, 28), date(1965, 6, 1), date(1969, 12, 31),
            date(1970, 1, 1)]


def read_everything(kb: Kithbook, me: str) -> None:
    """Every read a page, the API or a command makes of one member's book."""
    page = kb.book.list_contacts(me, ContactQuery())  # type: ignore[arg-type]
    for row in page.items:
        kb.book.get_contact(me, row.contact.id)  # type: ignore[arg-type]
        kb.depth.tie_depth(me, row.contact.id, exact=True)  # type: ignore[arg-type]
    kb.depth.all_ties(me)  # type: ignore[arg-type]
    kb.depth.digest(me)  # type: ignore[arg-type]
    kb.depth.week(me)  # type: ignore[arg-type]
    kb.depth.losing_touch(me)  # type: ignore[arg-type]
    health_charts(kb.depth.health(me))  # type: ignore[arg-type]
    network = kb.paths.network_map(me, MapQuery())  # type: ignore[arg-type]
    for colour in ColourBy:
        map_picture(network, colour, lambda c: f"/contacts/{c}", with_legend=True)
        legend(network, colour)
    for form in ExportFormat:
        kb.transfer.export_book(me, form, io.StringIO())  # type: ignore[arg-type]


def test_interactions_and_starts_before_1970_leave_every_read_working(
        kb: Kithbook, clock: FixedClock) -> None:
    me, _ = kb.book.init_local_member("Sam")
    grace = kb.book.add_contact(me.id, ContactFields(name="Grace Hopper", organization="Navy"),
                                TieFields(stated_trust=5, cadence_days=30,
                                          started_on=date(1, 1, 1))).id
    for day in OLD_DAYS:
        kb.book.log_interaction(me.id, [grace], Kind.HELP, Direction.GAVE, day)
    kb.depth.correct_strength(me.id, grace, 0.8, exact=True)
    read_everything(kb, me.id)

    view = kb.book.show_contact(me.id, grace)
    assert [i.occurred_on for i in view.timeline] == sorted(OLD_DAYS, reverse=True)
    depth = kb.depth.tie_depth(me.id, grace, exact=True)
    assert depth.tie.evidence.first_contact == date(1, 1, 1)
    assert depth.tie.evidence.known_since == date(1, 1, 1)
    assert depth.tie.evidence.last_contact == date(1970, 1, 1)
    assert 0.0 <= kb.depth.strengths(me.id)[grace] <= 1.0

    # The stored facts the reports read are the same days, read back from SQL.
    clock.advance(1)
    report = kb.depth.health(me.id)
    assert report.ties == 1 and report.interactions == len(OLD_DAYS)
    [due] = [s for s in kb.depth.losing_touch(me.id) if s.contact == grace]
    assert due.last_touch == date(1970, 1, 1)
    read_everything(kb, me.id)


def test_export_and_import_keep_old_dates(kb: Kithbook, clock: FixedClock,
                                          tmp_path: Path) -> None:
    me, _ = kb.book.init_local_member("Sam")
    grace = kb.book.add_contact(me.id, ContactFields(name="Grace Hopper"),
                                TieFields(started_on=date(1900, 2, 28))).id
    kb.book.log_interaction(me.id, [grace], Kind.MET, Direction.MUTUAL, date(1, 1, 1))
    kb.book.log_interaction(me.id, [grace], Kind.ADVICE, Direction.RECEIVED, date(1965, 6, 1))
    out = io.StringIO()
    kb.transfer.export_book(me.id, ExportFormat.JSON, out)
    exported = json.loads(out.getvalue())
    path = tmp_path / "book.json"
    path.write_text(out.getvalue(), encoding="utf-8")

    other = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'other.sqlite'}"),
                      clock=clock, migrate=True)
    try:
        them, _ = other.book.init_local_member("Sam")
        other.transfer.import_file(them.id, path)
        read_everything(other, them.id)
        again = io.StringIO()
        other.transfer.export_book(them.id, ExportFormat.JSON, again)
        days = sorted(i["occurred_on"] for i in json.loads(again.getvalue())["interactions"])
        assert days == ["0001-01-01", "1965-06-01"]
        assert days == sorted(i["occurred_on"] for i in exported["interactions"])
    finally:
        other.close()


def test_a_start_or_interaction_after_today_is_refused_with_a_reason(
        kb: Kithbook, clock: FixedClock) -> None:
    me, _ = kb.book.init_local_member("Sam")
    tomorrow = clock.today() + timedelta(days=1)
    grace = kb.book.add_contact(me.id, ContactFields(name="Grace Hopper"), TieFields()).id
    with pytest.raises(InvalidInput, match="future"):
        kb.book.log_interaction(me.id, [grace], Kind.MET, Direction.MUTUAL, tomorrow)
    with pytest.raises(InvalidInput, match="future"):
        kb.book.add_contact(me.id, ContactFields(name="Ada"), TieFields(started_on=tomorrow))
    with pytest.raises(InvalidInput, match="future"):
        kb.book.edit_contact(me.id, grace, ContactFields(), TieFields(started_on=tomorrow))
    assert kb.book.show_contact(me.id, grace).tie.started_on is None
    assert [r.contact.name for r in kb.book.list_contacts(me.id, ContactQuery()).items] == [
        "Grace Hopper"]
