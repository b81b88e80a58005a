"""Properties of paths over random local books (SQLite): no path introduces the searcher
to someone their book holds as known, and every number a path shows for a tie is the
book's stored strength."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import ContactFields
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.ties import KNOWN_STAGES
from kithbook.services.book import TieFields
from kithbook.services.paths import PathQuery
from kithbook.services.ports import ContactQuery

NAMES = ["Ada Stone", "Ben Okafor", "Chen Zhang", "Dara Park", "Eve Lind", "Femi Ade"]
ORGS = ["Acme", "Globex"]

book = st.fixed_dictionaries({
    "people": st.lists(st.tuples(st.sampled_from(ORGS), st.integers(0, 4),
                                 st.one_of(st.none(), st.integers(1, 5))),
                       min_size=3, max_size=len(NAMES)),
    "links": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                                st.sampled_from([0.3, 0.5, 0.9])), max_size=10),
})


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=book)
def test_no_path_leads_to_someone_known_and_every_shown_tie_is_the_books(
        sqlite_template: Path, clock: FixedClock, spec: dict[str, list[tuple]]) -> None:
    path = Path(tempfile.mkdtemp()) / "book.sqlite"
    shutil.copyfile(sqlite_template, path)
    kb = bootstrap(Settings(database_url=database_url_from(str(path))), clock=clock,
                   migrate=False)
    try:
        me, _ = kb.book.init_local_member("Me")
        people = spec["people"]
        for name, (org, meetings, trust) in zip(NAMES, people, strict=False):
            kb.book.add_contact(me.id, ContactFields(name=name, organization=org),
                                TieFields(stated_trust=trust))
            for n in range(meetings):
                kb.book.log_interaction(me.id, [name], Kind.TALKED, Direction.MUTUAL,
                                        clock.today() - timedelta(days=7 * n + 1))
        for a, b, strength in spec["links"]:
            if a < len(people) and b < len(people) and a != b:
                kb.paths.record_contact_link(me.id, NAMES[a], NAMES[b], strength=strength)
        listed = {r.contact.name: r for r in
                  kb.book.list_contacts(me.id, ContactQuery(limit=50)).items}
        known = {name for name, r in listed.items() if r.stage in KNOWN_STAGES}
        queries = [PathQuery(organization=o, k=20) for o in ORGS]
        queries += [PathQuery(to=name, k=20) for name in NAMES[:len(people)]]
        for query in queries:
            found = kb.paths.find_paths(me.id, query)
            assert {k.name for k in found.known} <= known
            for p in found.paths:
                introduced = [s.label.split(" (")[0] for s in p.steps[1:]]
                assert not set(introduced) & known, (query, p.explanation)
                for who, figure in re.findall(r"^(.+?) knows you \w+(?: \w+)? "
                                              r"\((\d\.\d\d)\)", p.explanation, re.M):
                    stored = listed[who].strength
                    assert stored is not None and f"{stored:.2f}" == figure
            for k in found.known:
                assert k.strength == listed[k.name].strength
    finally:
        kb.close()
