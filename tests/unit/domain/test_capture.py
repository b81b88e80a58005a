"""Which messages are a relationship, and the exchanges they fold into."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.capture import (
    Address,
    CaptureRules,
    MessageHeaders,
    Skip,
    classify,
    group_messages,
    normalize_email,
    parse_review_choice,
    parse_rule_pattern,
    strangers,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction

ME = "me@home.example"
RULES = CaptureRules(own=frozenset({ME, "me@work.example"}))
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def msg(sender: str, *to: str, cc: tuple[str, ...] = (), mid: str | None = None,
        when: datetime | None = WHEN, **more: object) -> MessageHeaders:
    return MessageHeaders(
        message_id=mid, sender=Address(sender, None), to=tuple(Address(a) for a in to),
        cc=tuple(Address(a) for a in cc), sent_at=when, **more)  # type: ignore[arg-type]


def test_mail_from_a_person_to_me_is_kept_with_them_as_the_other_side() -> None:
    verdict = classify(msg("dana@acme.org", ME), RULES)
    assert verdict.kept and not verdict.wrote
    assert [a.email for a in verdict.others] == ["dana@acme.org"]


def test_mail_i_wrote_counts_everyone_on_to_and_cc_but_me() -> None:
    verdict = classify(msg(ME, "dana@acme.org", cc=("me@work.example", "lee@x.org")), RULES)
    assert verdict.kept and verdict.wrote
    assert [a.email for a in verdict.others] == ["dana@acme.org", "lee@x.org"]


def test_being_copied_with_others_is_not_a_relationship_with_them() -> None:
    verdict = classify(msg("dana@acme.org", ME, cc=("lee@x.org",)), RULES)
    assert [a.email for a in verdict.others] == ["dana@acme.org"]


@pytest.mark.parametrize(("more", "skip"), [
    ({"has_list_headers": True}, Skip.BULK),
    ({"precedence": "bulk"}, Skip.BULK),
    ({"precedence": " List "}, Skip.BULK),
    ({"auto_submitted": "auto-replied"}, Skip.AUTOMATIC),
    ({"auto_submitted": "auto-generated"}, Skip.AUTOMATIC),
])
def test_bulk_and_automatic_mail_is_skipped(more: dict[str, object], skip: Skip) -> None:
    assert classify(msg("dana@acme.org", ME, **more), RULES).skip is skip


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert classify(msg("dana@acme.org", ME, auto_submitted="no"), RULES).kept


@pytest.mark.parametrize("sender", ["noreply@shop.example", "no-reply@x.org",
                                    "do-not-reply@bank.example", "MAILER-DAEMON@x.org",
                                    "notifications@github.example", "bounce+abc@list.org"])
def test_no_reply_senders_are_skipped(sender: str) -> None:
    assert classify(msg(normalize_email(sender), ME), RULES).skip is Skip.NO_REPLY


def test_a_large_cc_list_is_skipped_both_ways() -> None:
    many = tuple(f"p{n}@x.org" for n in range(11))
    assert classify(msg(ME, *many), RULES).skip is Skip.LARGE
    assert classify(msg("dana@acme.org", ME, cc=many[:10]), RULES).skip is Skip.LARGE
    assert classify(msg(ME, *many[:10]), RULES).kept
    assert classify(msg(ME, *many), CaptureRules(own=RULES.own, max_recipients=20)).kept


def test_mail_that_is_neither_from_nor_to_me_is_skipped() -> None:
    assert classify(msg("dana@acme.org", "lee@x.org"), RULES).skip is Skip.NOT_YOURS


def test_block_list_by_address_and_domain_and_allow_list_wins() -> None:
    rules = CaptureRules(own=RULES.own, block=frozenset({"acme.org", "x@y.org"}),
                         allow=frozenset({"boss@acme.org", "@news.example"}))
    assert classify(msg("dana@acme.org", ME), rules).skip is Skip.BLOCKED
    assert classify(msg("dana@mail.acme.org", ME), rules).skip is Skip.BLOCKED
    assert classify(msg("x@y.org", ME), rules).skip is Skip.BLOCKED
    assert classify(msg("boss@acme.org", ME), rules).kept
    # Allowed: a newsletter the member does want counted.
    assert classify(msg("editor@news.example", ME, has_list_headers=True), rules).kept
    wrote = classify(msg(ME, "dana@acme.org", "boss@acme.org"), rules)
    assert [a.email for a in wrote.others] == ["boss@acme.org"]


def test_undated_mail_and_mail_to_myself_make_nothing() -> None:
    assert classify(msg("dana@acme.org", ME, when=None), RULES).skip is Skip.NO_DATE
    assert classify(msg(ME, "me@work.example"), RULES).skip is Skip.NO_ONE


def test_one_exchange_per_person_day_and_thread_with_both_directions() -> None:
    root = msg(ME, "dana@acme.org", mid="a@x")
    reply = msg("dana@acme.org", ME, mid="b@x", in_reply_to="a@x", references=("a@x",))
    again = msg(ME, "dana@acme.org", mid="c@x", references=("a@x", "b@x"))
    next_day = msg("dana@acme.org", ME, mid="d@x", references=("a@x",),
                   when=WHEN + timedelta(days=1))
    other_thread = msg("dana@acme.org", ME, mid="e@x")
    tally = group_messages([root, reply, again, next_day, other_thread, reply], RULES)
    assert tally.duplicates == 1
    found = sorted((e.day, e.direction, e.messages) for e in tally.exchanges.values())
    assert found == [(date(2026, 3, 2), Direction.MUTUAL, 3),
                     (date(2026, 3, 2), Direction.RECEIVED, 1),
                     (date(2026, 3, 3), Direction.RECEIVED, 1)]


def test_the_day_is_the_writers_own() -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    tally = group_messages([msg("dana@acme.org", ME, when=late)], RULES)
    assert [e.day for e in tally.exchanges.values()] == [date(2026, 3, 2)]


def test_an_exchange_key_is_the_same_whichever_source_sees_it() -> None:
    one = group_messages([msg("dana@acme.org", ME, mid="a@x")], RULES)
    two = group_messages([msg("dana@acme.org", ME, mid="a@x")], RULES)
    assert one.exchanges.keys() == two.exchanges.keys()


def test_subjects_are_kept_only_when_asked() -> None:
    m = msg("dana@acme.org", ME, subject="Lunch?")
    assert [e.subject for e in group_messages([m], RULES).exchanges.values()] == [None]
    kept = group_messages([m], RULES, keep_subjects=True)
    assert [e.subject for e in kept.exchanges.values()] == ["Lunch?"]


def test_rule_patterns_are_addresses_or_domains() -> None:
    assert parse_rule_pattern(" Dana@ACME.org ") == "dana@acme.org"
    assert parse_rule_pattern("@acme.org") == "@acme.org"
    assert parse_rule_pattern("acme.org") == "acme.org"
    for bad in ("", "dana", "a b@c.org", "x@", "@", ".org", "a\x00@b.org"):
        with pytest.raises(InvalidInput, match="not an address or a domain"):
            parse_rule_pattern(bad)


def test_review_choices_read_as_typed() -> None:
    assert parse_review_choice("Ignore-Always").value == "ignore_always"
    with pytest.raises(InvalidInput, match="accept, ignore-once or ignore-always"):
        parse_review_choice("maybe")


def test_strangers_need_enough_exchanges_and_say_when() -> None:
    rows = [("dana@acme.org", "Dana", date(2026, 3, d), Direction.GAVE) for d in range(1, 7)]
    rows += [("dana@acme.org", None, date(2026, 4, 1), Direction.RECEIVED)]
    rows += [("rare@x.org", "Rare", date(2026, 3, 1), Direction.RECEIVED)]
    queue = strangers(rows, threshold=3)
    assert [s.email for s in queue] == ["dana@acme.org"]
    assert queue[0].describe() == "you wrote to Dana 6 times in March 2026"
    assert queue[0].name == "Dana" and queue[0].last_on == date(2026, 4, 1)
    assert strangers(rows, threshold=3, dismissed={"dana@acme.org": 7}) == []
    assert len(strangers(rows, threshold=3, dismissed={"dana@acme.org": 6})) == 1


def test_long_ago_rtl_and_astral_names_survive() -> None:
    old = datetime(1901, 1, 1, tzinfo=UTC)
    tally = group_messages([MessageHeaders("z@x", Address("d@x.org", "דנה 🦊"),
                                           (Address(ME),), sent_at=old)], RULES)
    (exchange,) = tally.exchanges.values()
    assert exchange.day == date(1901, 1, 1) and exchange.name == "דנה 🦊"


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 2)), max_size=40))
def test_grouping_is_the_same_in_any_order_and_never_more_than_messages(
        plan: list[tuple[bool, int, int]]) -> None:
    messages = [msg(ME, "dana@acme.org", mid=f"{n}@x", references=(f"t{t}",),
                    when=WHEN + timedelta(days=d)) if mine else
                msg("dana@acme.org", ME, mid=f"{n}@x", references=(f"t{t}",),
                    when=WHEN + timedelta(days=d))
                for n, (mine, t, d) in enumerate(plan)]
    forward = group_messages(messages, RULES)
    backward = group_messages(list(reversed(messages)), RULES)
    assert {k: e.direction for k, e in forward.exchanges.items()} == \
        {k: e.direction for k, e in backward.exchanges.items()}
    assert len(forward.exchanges) <= len(messages)


def test_the_evidence_says_which_meetings_came_from_the_calendar() -> None:
    from kithbook.domain.evidence import TieEvidence, describe_evidence
    from kithbook.domain.interactions import Kind

    def said(met: int, captured: int) -> str:
        e = TieEvidence(as_of=date(2026, 6, 1), strength=0.5, computed=0.5,
                        counts={(Kind.EMAILED, Direction.GAVE): 12,
                                (Kind.MET, Direction.MUTUAL): met},
                        met_from_calendar=captured)
        return describe_evidence(e)

    assert said(3, 3).startswith("emailed 12 times, met 3 times (from your calendar)")
    assert said(5, 3).startswith("emailed 12 times, met 5 times (3 from your calendar)")
    assert said(3, 0).startswith("emailed 12 times, met 3 times, ")
