"""A random user keeps a book with valid input from the whole documented ranges, and
every read keeps answering (SQLite and PostgreSQL).

Hypothesis drives the services as a person would, step by step: contacts with names up
to the longest allowed, in any script (right-to-left and astral included); interactions
of every kind and direction on any day from 0001-01-01 to today; every sharing policy,
stated trust, cadence, correction and link; and days passing. After every step each
read of the services answers: the book in every order, each contact with its strength,
the digest, the week, keep in touch, health and its charts, the map and its pictures,
paths, and every export. Now and then (and at the end of every run) the same reads go
through the HTTP pages and API of the app; at the end of every run, through the CLI's
commands too (each opens the database anew: too slow for every step).

A failure prints the steps that lead to it, shortest first. The suite runs a short
profile; `KITHBOOK_HYPOTHESIS_PROFILE=long` runs many more and longer users (see
README's testing section).
"""

from __future__ import annotations

import io
import shutil
import string
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from apps import app_for, local_browser
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from examples import examples
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.cli import main
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import MAX_NAME, MAX_SHORT, ContactFields
from kithbook.domain.errors import KithbookError
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.network_map import ColourBy
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import MAX_CADENCE_DAYS, AskRule, Visibility
from kithbook.io.charts import health_charts
from kithbook.services.book import UNSET, TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.network_map import MapQuery
from kithbook.services.paths import PathQuery
from kithbook.services.ports import ContactQuery, Sort
from kithbook.web.pictures import map_picture

START = FixedClock().today()

# Text as people write it: any character but NUL (which no database stores; refusing it
# is input checking, not this test) and lone surrogates (not text), with right-to-left
# and astral examples drawn often.
_CHAR = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_SAMPLES = st.sampled_from(["שלום עולם", "مرحبا بالعالم", "𝔊𝔯𝔞𝔠𝔢 𝔥𝔬𝔭𝔭𝔢𝔯 😀", "Zoë Ørsted",
                            "李小龙", "‏עברית‎ mixed", "e\u0301\u200d👩‍👩‍👧"])


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(_SAMPLES, st.text(_CHAR, min_size=1, max_size=max_size)).filter(
        lambda s: s.strip() != "")


NAMES = st.one_of(_text(MAX_NAME), st.text(_CHAR, min_size=MAX_NAME, max_size=MAX_NAME)
                  .filter(lambda s: len(s.strip()) == MAX_NAME))
SHORT = st.none() | _text(MAX_SHORT)
NOTES = st.none() | _text(2000)
TAGS = st.lists(st.sampled_from(["investors", "alumni", "mentor", "ἀρχή", "🚀 launch",
                                 "עמיתים"]) | st.text(string.ascii_lowercase, min_size=1,
                                                      max_size=60), max_size=4)
TRUST = st.none() | st.integers(1, 5)
CADENCE = st.none() | st.integers(1, MAX_CADENCE_DAYS)
# A day from 0001-01-01 to the first day of the run (never after today, which only moves
# on), or a number of days before today.
DAYS = st.one_of(st.dates(min_value=date.min, max_value=START), st.integers(0, 3000))


class RandomUser(RuleBasedStateMachine):
    contacts = Bundle("contacts")
    interactions = Bundle("interactions")

    def __init__(self, open_book: Callable[[], tuple[Kithbook, str, FixedClock]]) -> None:
        super().__init__()
        self.kb, self.url, self.clock = open_book()
        self.me = self.kb.book.init_local_member("Sam Q. User")[0].id
        self.tags: set[str] = set()
        self.organizations: set[str] = set()

    def teardown(self) -> None:
        try:
            self.read_through_the_web()
            self.read_through_the_cli()
        finally:
            self.kb.close()

    def _day(self, drawn: date | int) -> date:
        return drawn if isinstance(drawn, date) else self.clock.today() - timedelta(days=drawn)

    # ---- what the user does ----------------------------------------------------------

    @initialize(target=contacts)
    def first_contact(self) -> str:
        return str(self.kb.book.add_contact(self.me, ContactFields(name="Grace Hopper"),
                                            TieFields()).id)

    @rule(target=contacts, name=NAMES, organization=SHORT, role=SHORT, location=SHORT,
          tags=TAGS, trust=TRUST, cadence=CADENCE, since=st.none() | DAYS, notes=NOTES)
    def add_contact(self, name: str, organization: str | None, role: str | None,
                    location: str | None, tags: list[str], trust: int | None,
                    cadence: int | None, since: date | int | None, notes: str | None) -> str:
        contact = self.kb.book.add_contact(
            self.me, ContactFields(name=name, organization=organization, role=role,
                                   location=location, tags=tags, notes=notes,
                                   how_we_met=notes),
            TieFields(stated_trust=trust, cadence_days=cadence,
                      started_on=None if since is None else self._day(since)))
        self.tags.update(contact.tags)
        if contact.organization:
            self.organizations.add(contact.organization)
        return str(contact.id)

    @rule(contact=contacts, name=st.none() | NAMES, organization=SHORT, tags=st.none() | TAGS,
          trust=st.sampled_from([UNSET, None, 1, 3, 5]), cadence=st.just(UNSET) | CADENCE,
          since=st.none() | DAYS)
    def edit_contact(self, contact: str, name: str | None, organization: str | None,
                     tags: list[str] | None, trust: int | None, cadence: int | None,
                     since: date | int | None) -> None:
        edited = self.kb.book.edit_contact(
            self.me, contact, ContactFields(name=name, organization=organization, tags=tags),
            TieFields(stated_trust=trust, cadence_days=cadence,
                      started_on=None if since is None else self._day(since)), exact=True)
        self.tags.update(edited.tags)
        if edited.organization:
            self.organizations.add(edited.organization)

    @rule(target=interactions, who=st.lists(contacts, min_size=1, max_size=3, unique=True),
          kind=st.sampled_from(Kind), direction=st.sampled_from(Direction), when=DAYS,
          note=NOTES)
    def log(self, who: list[str], kind: Kind, direction: Direction, when: date | int,
            note: str | None) -> str:
        return str(self.kb.book.log_interaction(self.me, who, kind, direction, self._day(when),
                                                note, exact=True).id)

    @rule(interaction=consumes(interactions))
    def unlog(self, interaction: str) -> None:
        try:
            self.kb.book.delete_interaction(self.me, interaction)
        except KithbookError:
            pass  # gone with the last of its contacts

    @precondition(lambda self: self.kb.book.list_contacts(self.me, ContactQuery()).total > 1)
    @rule(contact=consumes(contacts))
    def remove(self, contact: str) -> None:
        self.kb.book.delete_contact(self.me, contact, exact=True)

    @rule(contact=contacts, visibility=st.none() | st.sampled_from(Visibility),
          ask_rule=st.sampled_from(AskRule), min_trust=st.integers(1, 5),
          no_introductions=st.none() | st.booleans(), welcomes=st.none() | _text(300),
          follow_defaults=st.booleans())
    def share(self, contact: str, visibility: Visibility | None, ask_rule: AskRule,
              min_trust: int, no_introductions: bool | None, welcomes: str | None,
              follow_defaults: bool) -> None:
        change = PolicyChange() if follow_defaults else PolicyChange(
            visibility=visibility, ask_rule=ask_rule,
            ask_min_trust=min_trust if ask_rule is AskRule.TRUSTED else None,
            no_introductions=no_introductions, welcomes=welcomes)
        self.kb.book.set_contact_policy(self.me, contact, change, follow_defaults=follow_defaults,
                                        exact=True)

    @rule(visibility=st.sampled_from(Visibility), ask_rule=st.sampled_from(AskRule),
          min_trust=st.integers(1, 5))
    def share_by_default(self, visibility: Visibility, ask_rule: AskRule,
                         min_trust: int) -> None:
        self.kb.book.set_default_policy(self.me, PolicyChange(
            visibility=visibility, ask_rule=ask_rule,
            ask_min_trust=min_trust if ask_rule is AskRule.TRUSTED else None))

    @rule(contact=contacts, value=st.none() | st.floats(0, 1))
    def correct(self, contact: str, value: float | None) -> None:
        self.kb.depth.correct_strength(self.me, contact, value, exact=True)

    @rule(tag=TAGS.filter(bool).map(lambda t: t[0]), days=CADENCE)
    def tag_cadence(self, tag: str, days: int | None) -> None:
        self.kb.depth.set_tag_cadence(self.me, tag, days)

    @rule(a=contacts, b=contacts, strength=st.none() | st.floats(0.01, 1),
          note=st.none() | _text(200))
    def knows(self, a: str, b: str, strength: float | None, note: str | None) -> None:
        if a != b:
            self.kb.paths.record_contact_link(self.me, a, b, note=note, strength=strength)

    @rule(days=st.sampled_from([1, 7, 30, 200, 800]))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days)

    # ---- what must keep answering ----------------------------------------------------

    @invariant()
    def every_read_answers(self) -> None:
        kb, me = self.kb, self.me
        for sort in Sort:
            page = kb.book.list_contacts(me, ContactQuery(sort=sort, limit=500))
        for item in page.items:
            kb.book.get_contact(me, item.contact.id)
            kb.depth.tie_depth(me, item.contact.id, exact=True)
            kb.book.contact_policy(me, item.contact.id, exact=True)
        for tag in sorted(self.tags)[:3]:
            kb.book.list_contacts(me, ContactQuery(tag=tag))
            kb.paths.network_map(me, MapQuery(tag=tag))
        kb.depth.digest(me)
        kb.depth.week(me)
        kb.depth.losing_touch(me)
        health_charts(kb.depth.health(me))
        network = kb.paths.network_map(me, MapQuery())
        for colour in ColourBy:
            map_picture(network, colour, lambda c: f"/contacts/{c}", with_legend=True)
        for organization in sorted(self.organizations)[:2]:
            try:
                kb.paths.find_paths(me, PathQuery(organization=organization))
            except KithbookError:
                pass  # an answer that says why, not a failure
        kb.paths.contact_links(me)
        for form in ExportFormat:
            kb.transfer.export_book(me, form, io.StringIO())

    @rule()
    def read_through_the_web(self) -> None:
        with local_browser(app_for(self.kb), raise_server_exceptions=False) as client:
            page = client.get("/api/v1/contacts?limit=500")
            assert page.status_code == 200, page.text
            ids = [item["contact"]["id"] for item in page.json()["items"]]
            urls = ["/", "/?sort=strength", "/digest", "/health", "/map", "/paths", "/settings",
                    "/api/v1/digest", "/api/v1/losing-touch", "/api/v1/health",
                    "/api/v1/map", "/api/v1/export?format=json", "/api/v1/export?format=vcard",
                    "/api/v1/export?format=csv", "/export/json"]
            for contact in ids[:5]:
                urls += [f"/contacts/{contact}", f"/contacts/{contact}/edit",
                         f"/contacts/{contact}/sharing", f"/api/v1/contacts/{contact}",
                         f"/api/v1/contacts/{contact}/strength"]
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code,
                                                      response.text[:500])

    def read_through_the_cli(self) -> None:
        # The CLI opens the same database with the real clock, which may be days behind
        # the test's: interactions "after" its today must not trouble it either.
        ids = [item.contact.id for item in
               self.kb.book.list_contacts(self.me, ContactQuery(limit=3)).items]
        for command in (["ls"], ["digest"], ["health"], ["touch"],
                        *(["show", contact] for contact in ids[:2])):
            assert main(["--database", self.url, *command]) in (0, 2), command


def _book_opener(database_url: str, request: pytest.FixtureRequest,
                 tmp_path: Path) -> Callable[[], tuple[Kithbook, str, FixedClock]]:
    """A fresh, empty book per run of the machine, on the test's database."""
    count = 0

    def open_book() -> tuple[Kithbook, str, FixedClock]:
        nonlocal count
        count += 1
        if database_url.startswith("sqlite"):
            template: Path = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"book{count}.sqlite"
            shutil.copyfile(template, path)
            url = database_url_from(str(path))
        else:
            request.getfixturevalue("empty_postgres")()
            url = database_url
        clock = FixedClock()
        return bootstrap(Settings(database_url=url), clock=clock, migrate=False), url, clock

    return open_book


def test_a_random_user_never_breaks_a_read(database_url: str, request: pytest.FixtureRequest,
                                           tmp_path: Path) -> None:
    open_book = _book_opener(database_url, request, tmp_path)

    class OnThisDatabase(RandomUser):
        def __init__(self) -> None:
            super().__init__(open_book)

    run_state_machine_as_test(
        OnThisDatabase,
        settings=settings(max_examples=examples(4, 300), stateful_step_count=examples(8, 50),
                          deadline=None, suppress_health_check=list(HealthCheck)))
