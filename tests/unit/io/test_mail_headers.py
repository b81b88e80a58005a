"""The fast header reader gives what the email package gives, on odd real-world headers
and on generated ones; and it does read the common forms itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.capture import Address, MessageHeaders
from kithbook.io.mail.headers import (
    _date,
    _plain_addresses,
    _plain_fields,
    header_block,
    parse_headers,
    parse_headers_by_email_package,
)


def both(raw: bytes, *, keep_subject: bool = True) -> MessageHeaders:
    fast = parse_headers(raw, keep_subject=keep_subject)
    thorough = parse_headers_by_email_package(raw, keep_subject=keep_subject)
    assert fast == thorough
    # Equal datetimes may still sit in different zones, and the day is read in the zone.
    assert (fast.sent_at and fast.sent_at.utcoffset()) == (
        thorough.sent_at and thorough.sent_at.utcoffset())
    return fast


def head(*lines: str | bytes, end: bytes = b"\r\n") -> bytes:
    return end.join(x if isinstance(x, bytes) else x.encode() for x in lines) + end + end \
        + b"body text that is never read\r\n"


ODD = {
    "plain": head("From: Dana Ruiz <Dana@Acme.Example>", "To: sam@home.example",
                  "Date: Mon, 07 Dec 2026 20:57:39 +0100", "Message-ID: <a1@acme>"),
    "quoted comma": head('From: "Ruiz, Dana" <dana@acme.example>',
                         'To: "Chen, Lee (work)" <lee@globex.example>, sam@home.example',
                         "Date: 7 Dec 2026 20:57 -0500"),
    "encoded words": head("From: =?UTF-8?B?w4lsb2RpZSBEdXLDqQ==?= <elodie@exemple.fr>",
                          "To: =?iso-8859-1?q?J=F6rg?= <joerg@beispiel.de>",
                          "Subject: =?utf-8?q?Caf=C3=A9_tomorrow?=",
                          "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "broken encoded word": head("From: =?utf-8?b?!!!notbase64?= <x@y.example>",
                                "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "group": head("From: dana@acme.example", "To: undisclosed-recipients:;",
                  "Cc: Team: lee@globex.example, robin@new.example;",
                  "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "comment name": head("From: dana@acme.example (Dana Ruiz)",
                         "Date: Tue, 01 Dec 2026 09:00:00 +0000 (UTC)"),
    "missing date": head("From: dana@acme.example", "To: sam@home.example"),
    "unknown zone -0000": head("From: dana@acme.example",
                               "Date: Tue, 01 Dec 2026 23:30:00 -0000"),
    "two-digit year": head("From: dana@acme.example", "Date: Tue, 01 Dec 26 09:00:00 +0000"),
    "year 0099": head("From: dana@acme.example", "Date: Tue, 01 Dec 0099 09:00:00 +0000"),
    "impossible date": head("From: dana@acme.example", "Date: Mon, 31 Feb 2026 09:00 +0000"),
    "garbage date": head("From: dana@acme.example", "Date: yesterday-ish"),
    "zone past a day": head("From: dana@acme.example", "Date: 1 Dec 2026 09:00 +2500"),
    "latin-1 name": head(b"From: J\xf6rg M\xfcller <joerg@beispiel.de>",
                         b"Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "utf-8 raw name": head("From: Zoë Ng <zoe@new.example>".encode(),
                           b"Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "folded": head("From: Dana Ruiz", " <dana@acme.example>", "To: sam@home.example,",
                   "\tlee@globex.example", "References: <r1@a>", " <r2@a>",
                   "Date: Tue, 01 Dec 2026", " 09:00:00 +0000"),
    "bare LF": head("From: dana@acme.example", "Date: Tue, 01 Dec 2026 09:00:00 +0000",
                    end=b"\n"),
    "lower-case names, twice": head("from: dana@acme.example", "FROM: lee@globex.example",
                                    "to: sam@home.example", "TO: robin@new.example",
                                    "list-ID: <news.example>", "precedence: Bulk",
                                    "date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "line without colon": head("From: dana@acme.example", "this is not a header",
                               "To: sam@home.example"),
    "mbox separator": head("From dana@acme.example Tue Dec  1 09:00:00 2026",
                           "From: dana@acme.example", "Date: Tue, 01 Dec 2026 09:00 +0000"),
    "NUL bytes": head("From: \"Da\x00na\" <dana@acme.example>",
                      "Message-ID: <a\x00b@acme>", "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "empty and trailing commas": head("From: dana@acme.example", "To: , sam@home.example,",
                                      "Cc:", "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "domain literal": head("From: dana@[192.0.2.1]", "To: <sam@home.example>",
                           "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "no at sign": head("From: Mailer Daemon", "To: sam", "Date: Tue, 01 Dec 2026 09:00 +0000"),
    "angle brackets, no name": head("From: <dana@acme.example>",
                                    "Sender: lee@globex.example",
                                    "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "sender only": head("Sender: Lee Chen <lee@globex.example>",
                        "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "auto reply": head("From: dana@acme.example", "Auto-Submitted: auto-replied",
                       "In-Reply-To: <m1@home>", "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "escaped quote": head('From: "Dana \\"DR\\" Ruiz" <dana@acme.example>',
                          "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "name with a dot": head("From: J. R. Smith <jr@smith.example>",
                            "Date: Tue, 01 Dec 2026 09:00:00 +0000"),
    "empty": b"\r\n\r\nonly a body\r\n",
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_real_world_headers_read_as_the_email_package_reads_them(name: str) -> None:
    both(ODD[name])


def test_what_the_odd_headers_come_to() -> None:
    assert both(ODD["quoted comma"]).sender == Address("dana@acme.example", "Ruiz, Dana")
    assert both(ODD["quoted comma"]).to[0] == Address("lee@globex.example",
                                                      "Chen, Lee (work)")
    encoded = both(ODD["encoded words"])
    assert encoded.sender == Address("elodie@exemple.fr", "Élodie Duré")
    assert encoded.to == (Address("joerg@beispiel.de", "Jörg"),)
    assert encoded.subject == "Café tomorrow"
    assert [a.email for a in both(ODD["group"]).cc] == ["lee@globex.example",
                                                        "robin@new.example"]
    assert both(ODD["comment name"]).sender == Address("dana@acme.example", "Dana Ruiz")
    assert both(ODD["missing date"]).sent_at is None
    assert both(ODD["unknown zone -0000"]).sent_at == datetime(2026, 12, 1, 23, 30,
                                                               tzinfo=UTC)
    assert both(ODD["latin-1 name"]).sender is not None
    folded = both(ODD["folded"])
    assert folded.to == (Address("sam@home.example"), Address("lee@globex.example"))
    assert folded.references == ("r1@a", "r2@a")
    twice = both(ODD["lower-case names, twice"])
    assert twice.sender == Address("dana@acme.example") and twice.has_list_headers
    assert [a.email for a in twice.to] == ["sam@home.example", "robin@new.example"]
    assert both(ODD["plain"]).sent_at == datetime(2026, 12, 7, 20, 57, 39,
                                                  tzinfo=timezone(timedelta(hours=1)))


def test_the_common_forms_are_read_without_the_email_package() -> None:
    assert _plain_fields(header_block(ODD["plain"])) is not None
    assert _plain_fields(header_block(ODD["folded"])) is not None
    for value in ("dana@acme.example", "<dana@acme.example>", "Dana Ruiz <dana@acme.example>",
                  '"Ruiz, Dana" <dana@acme.example>, lee@globex.example',
                  "O'Brien <ob@x.example>,\r\n\tsam+tag@home.example"):
        assert _plain_addresses(value) is not None, value
    for value in ("Mon, 07 Dec 2026 20:57:39 +0100", "7 Dec 2026 20:57 -0500",
                  "Tue, 01 Dec 2026 09:00:00 +0000 (UTC)"):
        assert _date(value) is not None
    for declined in ("=?utf-8?q?x?= <x@y.example>", "Team: a@b.example;", "a@b (c)",
                     '"a\\"b" <a@b.example>', "J. Smith <j@s.example>"):
        assert _plain_addresses(declined) is None, declined
    for declined in (ODD["latin-1 name"], ODD["line without colon"], ODD["mbox separator"]):
        assert _plain_fields(header_block(declined)) is None


# Pieces real address lists are made of, plain and not: whatever they are put together
# into, both readers must agree.
_NAME = st.sampled_from(["Dana", "Dana Ruiz", "O'Brien", "J. Smith", "Ruiz, Dana", "",
                         "Zoë", "a\tb", "=?utf-8?q?Caf=C3=A9?=", "x (y)", "Team:", "\\",
                         "q\"q", "d@x"])
_LOCAL = st.sampled_from(["dana", "Dana.Ruiz", "sam+tag", "o'brien", "a_b-c", "x..y", ".x",
                          "no-reply", "\"quoted local\"", "ü"])
_DOMAIN = st.sampled_from(["acme.example", "ACME.example", "[192.0.2.1]", "x", "a-b.c.d",
                           "exämple.de", ""])
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\r\n ", "\r\n\t"])


@st.composite
def _mailbox(draw: st.DrawFn) -> str:
    address = f"{draw(_LOCAL)}@{draw(_DOMAIN)}"
    name = draw(_NAME)
    form = draw(st.sampled_from(["bare", "angled", "named", "quoted", "comment", "group"]))
    space = draw(_SPACE)
    return {"bare": address, "angled": f"<{address}>", "named": f"{name}{space}<{address}>",
            "quoted": f'"{name}"{space}<{address}>', "comment": f"{address} ({name})",
            "group": f"{name}: {address};"}[form]


@st.composite
def _date_text(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1),
                               timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)),
                                                          timezone(timedelta(hours=5,
                                                                             minutes=30))])))
    text = format_datetime(moment)
    return draw(st.sampled_from([text, text[5:], text.replace(" +", "  +"), text + " (UTC)",
                                 text[:-9] + text[-6:], text.replace("2", "3", 1),
                                 text.replace(" ", "\t"), text.lower()]))


@settings(max_examples=400, deadline=None)
@given(to=st.lists(_mailbox(), max_size=4), sender=_mailbox(), date=_date_text(),
       separator=st.sampled_from([", ", ",", " , ", ",\r\n\t"]),
       extra=st.sampled_from(["", "List-Unsubscribe: <mailto:u@x>", "Precedence: list",
                              "Auto-Submitted: no", "X-Odd: \x7f", "Cc:"]))
def test_generated_headers_read_as_the_email_package_reads_them(
        to: list[str], sender: str, date: str, separator: str, extra: str) -> None:
    lines = [f"From: {sender}", f"To: {separator.join(to)}", f"Date: {date}",
             "Message-ID: <m@x>"]
    both(head(*lines, *([extra] if extra else [])))
