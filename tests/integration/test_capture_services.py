"""Capture through `Kithbook`, on both databases: mail becomes history, strangers wait."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from community_members import add_member
from kithbook.domain.capture import Address, MessageHeaders, ReviewChoice, RuleKind
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.domain.sources import SourceKind
from kithbook.services.capture_book import CaptureBook
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from stored_rows import every_row

ME = "sam@home.example"
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def mail(n: int, sender: str, *to: str, thread: str | None = None, days: int = 0,
         cc: tuple[str, ...] = (), **more: object) -> MessageHeaders:
    return MessageHeaders(
        message_id=f"m{n}@x", sender=Address(sender, sender.split("@")[0].title()),
        to=tuple(Address(a) for a in to), cc=tuple(Address(a) for a in cc),
        sent_at=DAY + timedelta(days=days),
        references=(thread,) if thread else (), **more)  # type: ignore[arg-type]



@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


@pytest.fixture
def cap(kb: Kithbook, me: Member) -> CaptureBook:
    book = kb.capture()
    book.set_rule(me.id, ME, RuleKind.OWN)
    return book


def add(kb: Kithbook, me: Member, name: str, *emails: str) -> str:
    return kb.book.add_contact(me.id, ContactFields(
        name=name, emails=[Labeled(e) for e in emails])).id


def history(kb: Kithbook, me: Member, contact: str) -> list[tuple[Kind, Direction, date]]:
    view = kb.book.get_contact(me.id, contact)
    return sorted((i.kind, i.direction, i.occurred_on) for i in view.timeline)


def test_mail_with_known_people_becomes_emailed_history(kb: Kithbook, me: Member,
                                                        cap: CaptureBook) -> None:
    dana = add(kb, me, "Dana", "Dana@Acme.org")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "takeout.mbox")
    report = cap.capture_messages(me.id, source.id, [
        mail(1, ME, "dana@acme.org", thread="t1"),
        mail(2, "dana@acme.org", ME, thread="t1"),
        mail(3, "dana@acme.org", ME, thread="t2", days=3),
        mail(4, "news@shop.example", ME, has_list_headers=True),
        mail(5, "noreply@bank.example", ME),
    ])
    assert (report.added, report.kept, report.messages) == (2, 3, 5)
    assert history(kb, me, dana) == [(Kind.EMAILED, Direction.MUTUAL, date(2026, 3, 2)),
                                     (Kind.EMAILED, Direction.RECEIVED, date(2026, 3, 5))]
    assert kb.depth.tie_depth(me.id, dana, exact=True).evidence_text.startswith("emailed twice")


def test_a_second_run_adds_nothing_and_new_mail_adds_exactly_itself(
        kb: Kithbook, me: Member, cap: CaptureBook, database_url: str) -> None:
    add(kb, me, "Dana", "dana@acme.org")
    add(kb, me, "Lee", "lee@x.org")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    old = [mail(n, "dana@acme.org", ME, thread=f"t{n}", days=n) for n in range(20)]
    assert cap.capture_messages(me.id, source.id, old).added == 20
    before = every_row(database_url)
    again = cap.capture_messages(me.id, source.id, old)
    assert (again.added, again.updated) == (0, 0)
    after = {k: v for k, v in every_row(database_url).items() if k != "capture_sources"}
    assert after == {k: v for k, v in before.items() if k != "capture_sources"}
    new = [mail(100 + n, ME, "lee@x.org", thread=f"n{n}", days=n) for n in range(10)]
    assert cap.capture_messages(me.id, source.id, old + new).added == 10


def test_a_reply_later_turns_one_way_mail_into_both_ways(kb: Kithbook, me: Member,
                                                        cap: CaptureBook) -> None:
    dana = add(kb, me, "Dana", "dana@acme.org")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    cap.capture_messages(me.id, source.id, [mail(1, ME, "dana@acme.org", thread="t")])
    report = cap.capture_messages(me.id, source.id, [mail(2, "dana@acme.org", ME, thread="t")])
    assert (report.added, report.updated) == (0, 1)
    assert history(kb, me, dana) == [(Kind.EMAILED, Direction.MUTUAL, date(2026, 3, 2))]


def test_removing_a_source_removes_what_it_captured_and_nothing_else(
        kb: Kithbook, me: Member, cap: CaptureBook) -> None:
    dana = add(kb, me, "Dana", "dana@acme.org")
    kb.book.log_interaction(me.id, [dana], Kind.MET, Direction.MUTUAL, date(2026, 1, 5), "coffee")
    one = cap.add_source(me.id, SourceKind.MAIL_FILE, "one")
    two = cap.add_source(me.id, SourceKind.MAIL_FILE, "two")
    cap.capture_messages(me.id, one.id, [mail(1, "dana@acme.org", ME, thread="a")])
    cap.capture_messages(me.id, two.id, [mail(2, "dana@acme.org", ME, thread="b")])
    removed = cap.remove_source(me.id, one.id)
    assert removed.interactions == 1
    assert [k for k, _, _ in history(kb, me, dana)] == [Kind.EMAILED, Kind.MET]
    assert [s.label for s in cap.sources(me.id)] == ["two"]
    with pytest.raises(NotFound, match="no source"):
        cap.remove_source(me.id, one.id)


def test_a_captured_interaction_is_removed_like_any_other(kb: Kithbook, me: Member,
                                                         cap: CaptureBook) -> None:
    dana = add(kb, me, "Dana", "dana@acme.org")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    cap.capture_messages(me.id, source.id, [mail(1, "dana@acme.org", ME)])
    (captured,) = kb.book.get_contact(me.id, dana).timeline
    assert captured.source == f"capture:{source.id}"
    kb.book.delete_interaction(me.id, captured.id)
    assert history(kb, me, dana) == []
    # Removed by hand, it is not forced back by the next run of other mail.
    cap.capture_messages(me.id, source.id, [mail(2, "dana@acme.org", ME, thread="z")])
    assert len(history(kb, me, dana)) == 1


def test_strangers_wait_in_the_review_queue_and_accepting_brings_their_history(
        kb: Kithbook, me: Member, cap: CaptureBook) -> None:
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    report = cap.capture_messages(me.id, source.id, [
        *(mail(n, ME, "robin@new.example", thread=f"r{n}", days=n) for n in range(6)),
        mail(9, "once@new.example", ME),
    ])
    assert (report.added, report.in_review) == (0, 1)
    (robin,) = cap.review_queue(me.id)
    assert robin.describe() == "you wrote to robin@new.example 6 times in March 2026"
    assert kb.book.list_contacts(me.id, ContactQuery()).total == 0  # never straight into the book
    decision = cap.decide(me.id, "Robin@New.example", ReviewChoice.ACCEPT, name="Robin Ng")
    assert decision.contact is not None and decision.interactions == 6
    assert len(history(kb, me, decision.contact.id)) == 6
    assert cap.review_queue(me.id) == []


def test_ignore_once_returns_with_more_mail_and_ignore_always_never(
        kb: Kithbook, me: Member, cap: CaptureBook) -> None:
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    first = [mail(n, "a@x.org", ME, thread=f"a{n}", days=n) for n in range(3)]
    first += [mail(10 + n, "b@x.org", ME, thread=f"b{n}", days=n) for n in range(3)]
    cap.capture_messages(me.id, source.id, first)
    cap.decide(me.id, "a@x.org", ReviewChoice.IGNORE_ONCE)
    cap.decide(me.id, "b@x.org", ReviewChoice.IGNORE_ALWAYS)
    assert cap.review_queue(me.id) == []
    more = [mail(20, "a@x.org", ME, thread="a9", days=9),
            mail(21, "b@x.org", ME, thread="b9", days=9)]
    cap.capture_messages(me.id, source.id, more)
    assert [s.email for s in cap.review_queue(me.id)] == ["a@x.org"]
    with pytest.raises(NotFound, match="not in your review queue"):
        cap.decide(me.id, "b@x.org", ReviewChoice.ACCEPT)


def test_a_contact_added_by_hand_gets_their_earlier_mail(kb: Kithbook, me: Member,
                                                        cap: CaptureBook) -> None:
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    cap.capture_messages(me.id, source.id, [mail(1, "kim@x.org", ME)])
    kim = add(kb, me, "Kim", "kim@x.org")
    cap.capture_messages(me.id, source.id, [])
    assert len(history(kb, me, kim)) == 1


def test_rules_block_a_domain_and_name_my_other_addresses(kb: Kithbook, me: Member,
                                                         cap: CaptureBook) -> None:
    dana = add(kb, me, "Dana", "dana@acme.org")
    cap.set_rule(me.id, "acme.org", RuleKind.BLOCK)
    cap.set_rule(me.id, "sam@work.example", RuleKind.OWN)
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    report = cap.capture_messages(me.id, source.id, [
        mail(1, "dana@acme.org", ME), mail(2, "sam@work.example", "lee@x.org")])
    assert report.added == 0 and history(kb, me, dana) == []
    assert ("acme.org", RuleKind.BLOCK) in cap.rules(me.id)
    cap.remove_rule(me.id, "acme.org")
    with pytest.raises(InvalidInput, match="not an address or a domain"):
        cap.set_rule(me.id, "not a domain", RuleKind.BLOCK)


def test_without_an_own_address_a_run_says_how_to_fix_it(kb: Kithbook, me: Member,
                                                        database_url: str) -> None:
    cap = kb.capture()
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    before = every_row(database_url)
    with pytest.raises(InvalidInput, match="kithbook capture rule own"):
        cap.capture_messages(me.id, source.id, [mail(1, "dana@acme.org", ME)])
    assert every_row(database_url) == before


def test_one_member_cannot_reach_anothers_sources_or_queue(kb: Kithbook, me: Member,
                                                           cap: CaptureBook) -> None:
    eve = add_member(kb, "Eve")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "mine")
    cap.capture_messages(me.id, source.id,
                         [mail(n, "robin@x.org", ME, thread=f"r{n}") for n in range(4)])
    for attempt in (lambda: cap.remove_source(eve.id, source.id),
                    lambda: cap.source(eve.id, source.id),
                    lambda: cap.capture_messages(eve.id, source.id, []),
                    lambda: cap.decide(eve.id, "robin@x.org", ReviewChoice.ACCEPT)):
        with pytest.raises(NotFound):
            attempt()
    assert cap.sources(eve.id) == [] and cap.review_queue(eve.id) == []
    assert len(cap.review_queue(me.id)) == 1


def test_erasing_a_person_removes_what_was_captured_about_them(
        kb: Kithbook, me: Member, cap: CaptureBook, database_url: str) -> None:
    add(kb, me, "Dana", "dana@acme.org")
    source = cap.add_source(me.id, SourceKind.MAIL_FILE, "box")
    cap.capture_messages(me.id, source.id, [
        mail(1, "dana@acme.org", ME),
        *(mail(10 + n, ME, "robin@x.org", thread=f"r{n}") for n in range(3))])
    cap.decide(me.id, "robin@x.org", ReviewChoice.IGNORE_ONCE)
    kb.transfer.erase_person(me.id, email="dana@acme.org")
    kb.transfer.erase_person(me.id, email="Robin@x.org")
    rows = repr(every_row(database_url))
    assert "dana@acme.org" not in rows and "robin@x.org" not in rows
    assert cap.review_queue(me.id) == []
