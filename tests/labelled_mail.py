"""A labelled mailbox for measuring capture's one decision: is this message a relationship?

Each message is made by a *scenario* — what it is in real life — and labelled by that,
never by the rules: `True` when a person wrote it to the member, or the member wrote it to
people, as correspondence between them (a direct mail, a reply, a small or working-group
thread, a personal invitation); `False` for everything a program or a crowd sent
(newsletters, notifications, receipts, reminders, auto-replies, bounces, list traffic,
announcements to everyone, automated sales sequences) and for mail with no one else in it.
The labelling rule is written in docs/capture.md ("Measured"), next to the rules it
measures, and was fixed before the set was generated.

Hard cases are in on purpose, in the proportions a working mailbox has them: receipts
from plain-looking addresses, calendar notifications without bulk headers, vacation
replies without `Auto-Submitted`, sales sequences signed by a person, a personal blind
copy, a real conversation among fourteen colleagues, a person's mail without a `Date`,
the member posting to a list. `labelled_set(seed, n)` makes `n` messages; the tests use
seed 1 for the development part and seed 2 for the held-out part, which no rule was ever
revised against.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

ME = "sam.okafor@home.example"
MY_NAME = "Sam Okafor"

_FIRST = ["Dana", "Lee", "Robin", "Ana", "Jon", "Mira", "Tomás", "Zoë", "Priya", "Kwame",
          "Hana", "Olu", "Marta", "Ilya", "Sofía", "Chen", "Noor", "Ravi", "Elif", "Björn"]
_LAST = ["Ruiz", "Chen", "Ng", "Park", "Reyes", "Okafor", "Schmidt", "Haddad", "Kowalski",
         "Tanaka", "Müller", "O'Brien", "Singh", "Mensah", "Novak", "Lindqvist"]
_ORGS = ["acme.example", "globex.example", "initech.example", "umbrella.example",
         "hooli.example", "gmail.example", "fastmail.example", "uni-bonn.example"]
_SHOPS = ["shop.example", "bookstore.example", "airline.example", "bank.example",
          "utility.example", "cloudhost.example"]


@dataclass(frozen=True)
class Labelled:
    raw: bytes
    relationship: bool
    scenario: str


class _Mail:
    """One scenario's message under construction."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.rng, self.n = rng, n
        self.headers: list[tuple[str, str]] = []
        when = datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(minutes=97 * n)
        self.date = format_datetime(when)

    def person(self) -> tuple[str, str]:
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        local = self.rng.choice([f"{first}.{last}", first, f"{first[0]}{last}"])
        address = (local.lower().replace("'", "").replace("ö", "o").replace("ü", "u")
                   .replace("á", "a").replace("í", "i").replace("ë", "e") + "@"
                   + self.rng.choice(_ORGS))
        return f"{first} {last}", address

    def named(self, name: str, address: str) -> str:
        """How mail clients write a mailbox: bare, quoted, plain or RFC 2047-encoded."""
        style = self.rng.random()
        if style < 0.15:
            return address
        if not name.isascii():
            return f"{Header(name, 'utf-8').encode()} <{address}>"
        if "," in name or "'" in name or style < 0.45:
            return f'"{name}" <{address}>'
        return f"{name} <{address}>"

    def add(self, name: str, value: str) -> _Mail:
        self.headers.append((name, value))
        return self

    def build(self, sender: str, to: list[str], *, cc: list[str] | None = None,
              subject: str = "Hello", dated: bool = True, reply: bool = False) -> bytes:
        lines = [("From", sender), ("To", ", ".join(to))]
        if cc:
            lines.append(("Cc", ", ".join(cc)))
        if dated:
            lines.append(("Date", self.date))
        lines.append(("Message-ID", f"<{self.n}.{self.rng.randrange(10**9)}@mail.example>"))
        if reply:
            root = f"<t{self.rng.randrange(10**6)}@mail.example>"
            lines += [("In-Reply-To", root), ("References", root)]
        lines.append(("Subject", subject))
        lines += self.headers
        head = "".join(f"{k}: {v}\r\n" for k, v in lines)
        return (head + "\r\n" + "(body left out)\r\n").encode("ascii")


def _me() -> str:
    return f"{MY_NAME} <{ME}>"


# ---- people ----------------------------------------------------------------------------

def _direct(m: _Mail) -> Labelled:
    name, address = m.person()
    return Labelled(m.build(m.named(name, address), [_me()], subject="Coffee next week?",
                            reply=m.rng.random() < 0.5), True, "a person writes to me")


def _i_write(m: _Mail) -> Labelled:
    name, address = m.person()
    return Labelled(m.build(_me(), [m.named(name, address)], subject="Re: the intro",
                            reply=m.rng.random() < 0.6), True, "I write to a person")


def _small_thread(m: _Mail) -> Labelled:
    people = [m.person() for _ in range(m.rng.randint(2, 5))]
    sender, *others = people
    return Labelled(m.build(m.named(*sender), [_me()], cc=[m.named(*p) for p in others],
                            subject="Re: plan for Thursday", reply=True), True,
                    "a small thread with copies")


def _i_write_group(m: _Mail) -> Labelled:
    people = [m.person() for _ in range(m.rng.randint(2, 8))]
    return Labelled(m.build(_me(), [m.named(*people[0])], cc=[m.named(*p) for p in people[1:]],
                            subject="Notes from today", reply=m.rng.random() < 0.5), True,
                    "I write to a small group")


def _working_group(m: _Mail) -> Labelled:
    """A real conversation among many colleagues, where I am asked directly."""
    people = [m.person() for _ in range(m.rng.randint(11, 15))]
    return Labelled(m.build(m.named(*people[0]), [_me(), m.named(*people[1])],
                            cc=[m.named(*p) for p in people[2:]],
                            subject="Re: launch checklist, Sam can you confirm?", reply=True),
                    True, "a large working-group thread")


def _personal_invite(m: _Mail) -> Labelled:
    name, address = m.person()
    m.add("Content-Type", 'text/calendar; method=REQUEST; charset="UTF-8"')
    return Labelled(m.build(m.named(name, address), [_me()], subject="Invitation: lunch"),
                    True, "a person invites me to a meeting")


def _small_business(m: _Mail) -> Labelled:
    """A person writing from their shop's shared address."""
    shop = m.rng.choice(["info", "hello", "contact", "office"])
    return Labelled(m.build(f"Mira's Bakery <{shop}@mirasbakery.example>", [_me()],
                            subject="Re: your cake order question", reply=True), True,
                    "a person at a small business")


def _blind_copy(m: _Mail) -> Labelled:
    name, address = m.person()
    other = m.person()
    return Labelled(m.build(m.named(name, address), [m.named(*other)],
                            subject="FYI, bcc'ing you on this"), True,
                    "a person copies me blind")


def _no_date(m: _Mail) -> Labelled:
    name, address = m.person()
    return Labelled(m.build(m.named(name, address), [_me()], subject="quick question",
                            dated=False), True, "a person's mail without a Date")


def _direct_reply_to_list_post(m: _Mail) -> Labelled:
    """Someone answers my list post to me directly, copying the list."""
    name, address = m.person()
    return Labelled(m.build(m.named(name, address), [_me()],
                            cc=["Python Users <users@lists.python.example>"],
                            subject="Re: [users] parser question", reply=True), True,
                    "a person answers me, copying a list")


# ---- programs and crowds ------------------------------------------------------------------

def _newsletter(m: _Mail) -> Labelled:
    writer = m.rng.choice(["Casey Newton <casey@platformer.example>",
                           "The Weekly <newsletter@weekly.example>",
                           "Ben from Stratechery <ben@stratechery.example>"])
    m.add("List-Unsubscribe", "<mailto:unsub@weekly.example>, <https://weekly.example/u>")
    m.add("List-Id", "<weekly.list.weekly.example>")
    if m.rng.random() < 0.5:
        m.add("Precedence", "bulk")
    return Labelled(m.build(writer, [ME], subject="This week: the big story"), False,
                    "a newsletter")


def _marketing(m: _Mail) -> Labelled:
    shop = m.rng.choice(_SHOPS)
    m.add("List-Unsubscribe", f"<https://{shop}/unsubscribe?u=123>")
    return Labelled(m.build(f"Jess at {shop.split('.')[0].title()} <jess@e.{shop}>", [ME],
                            subject="48 hours only: 30% off"), False, "marketing")


def _notification(m: _Mail) -> Labelled:
    sender = m.rng.choice([
        "GitHub <notifications@github.example>",
        "Dana Ruiz (via Google Docs) <drive-shares-dm-noreply@google.example>",
        "LinkedIn <messages-noreply@linkedin.example>",
        "Slack <notification@slack.example>",
        "Jira <jira@acme.atlassian.example>"])
    if "jira" in sender or m.rng.random() < 0.3:
        m.add("Auto-Submitted", "auto-generated")
    return Labelled(m.build(sender, [ME], subject="[acme/app] New comment"), False,
                    "a notification")


def _receipt(m: _Mail) -> Labelled:
    shop = m.rng.choice(_SHOPS)
    sender = m.rng.choice([f"{shop} <no-reply@{shop}>", f"{shop} <orders@{shop}>",
                           f"Billing <billing@{shop}>", f"{shop} <donotreply@{shop}>"])
    return Labelled(m.build(sender, [_me()], subject="Your receipt #12345"), False,
                    "a receipt or statement")


def _calendar_notice(m: _Mail) -> Labelled:
    sender = m.rng.choice(["Google Calendar <calendar-notification@google.example>",
                           "Calendly <notifications@calendly.example>",
                           "Outlook Calendar <calendar@outlook.example>"])
    return Labelled(m.build(sender, [ME], subject="Reminder: Weekly sync @ 10:00"), False,
                    "an automated calendar notice")


def _vacation(m: _Mail) -> Labelled:
    name, address = m.person()
    if m.rng.random() < 0.7:
        m.add("Auto-Submitted", "auto-replied")
    return Labelled(m.build(m.named(name, address), [_me()],
                            subject="Automatic reply: Re: the intro"), False,
                    "an out-of-office reply")


def _bounce(m: _Mail) -> Labelled:
    sender = m.rng.choice(["Mail Delivery System <MAILER-DAEMON@mx.home.example>",
                           "postmaster@home.example"])
    return Labelled(m.build(sender, [ME], subject="Undelivered Mail Returned to Sender"),
                    False, "a bounce")


def _list_post(m: _Mail) -> Labelled:
    name, address = m.person()
    m.add("List-Id", "Python users <users.lists.python.example>")
    m.add("List-Post", "<mailto:users@lists.python.example>")
    if m.rng.random() < 0.6:
        m.add("Precedence", "list")
    return Labelled(m.build(m.named(name, address), ["users@lists.python.example"],
                            subject="[users] Re: parser question", reply=True), False,
                    "a mailing-list post")


def _announcement(m: _Mail) -> Labelled:
    people = [m.person() for _ in range(m.rng.randint(15, 40))]
    return Labelled(m.build(m.named(*people[0]), [m.named(*p) for p in people[1:]] + [ME],
                            subject="Office closed on Friday"), False,
                    "an announcement to everyone")


def _all_staff(m: _Mail) -> Labelled:
    """An announcement to a distribution address: I am not named."""
    name, address = m.person()
    return Labelled(m.build(m.named(name, address), ["All Staff <everyone@acme.example>"],
                            subject="Welcome our new hires"), False,
                    "an announcement to a distribution list")


def _sales_sequence(m: _Mail) -> Labelled:
    """An automated outreach sequence, signed by a person, without bulk headers."""
    name, address = m.person()
    m.add("X-Mailer", "Outreach Sequences")
    return Labelled(m.build(m.named(name, address.split("@")[0] + "@getsales.example"),
                            [_me()], subject="Quick question, Sam"), False,
                    "an automated sales sequence")


def _i_post_to_list(m: _Mail) -> Labelled:
    return Labelled(m.build(_me(), ["users@lists.python.example"],
                            subject="[users] parser question"), False, "I post to a list")


def _to_myself(m: _Mail) -> Labelled:
    return Labelled(m.build(_me(), [ME], subject="note to self"), False, "a note to myself")


def _reply_to_no_reply(m: _Mail) -> Labelled:
    return Labelled(m.build(_me(), ["no-reply@airline.example"], subject="Re: your booking"),
                    False, "I answer a no-reply address")


# Scenario and weight: about half of a working mailbox is people, half programs.
SCENARIOS: list[tuple[Callable[[_Mail], Labelled], int]] = [
    (_direct, 14), (_i_write, 12), (_small_thread, 7), (_i_write_group, 5),
    (_working_group, 2), (_personal_invite, 3), (_small_business, 2), (_blind_copy, 1),
    (_no_date, 1), (_direct_reply_to_list_post, 2),
    (_newsletter, 10), (_marketing, 7), (_notification, 10), (_receipt, 6),
    (_calendar_notice, 4), (_vacation, 3), (_bounce, 2), (_list_post, 5),
    (_announcement, 2), (_all_staff, 1), (_sales_sequence, 2), (_i_post_to_list, 1),
    (_to_myself, 1), (_reply_to_no_reply, 1),
]


def labelled_set(seed: int, n: int) -> list[Labelled]:
    rng = random.Random(seed)
    makers = [maker for maker, _ in SCENARIOS]
    weights = [weight for _, weight in SCENARIOS]
    return [rng.choices(makers, weights)[0](_Mail(rng, seed * 100_000 + k))
            for k in range(n)]
