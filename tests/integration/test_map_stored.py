"""The network map chosen from stored strengths draws what scoring the whole book gives,
and follows writes and the calendar (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from fakes import FixedClock
from kithbook.domain.contacts import ContactFields, fold
from kithbook.domain.ids import ContactId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.domain.network_map import ColourBy, NetworkMap
from kithbook.domain.stages import assess_stage
from kithbook.domain.ties import Stage
from kithbook.io.network_map import map_svg
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.network_map import MapQuery
from kithbook.services.tie_strength import compute_strength
from kithbook.storage import depth as depth_storage
from kithbook.web.pictures import map_picture


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


def _whole_book(kb: Kithbook, me: Member) -> dict[ContactId, tuple[float, Stage, tuple[str, ...],
                                                                  str | None]]:
    """Every tie scored from its whole history, as the contact page scores it."""
    with kb.uow().reading() as uow:
        snapshot = uow.depth.snapshot(me.id)
    scored = compute_strength(snapshot, kb.clock.today(), kb.strength_params)
    book = {}
    for i, contact in enumerate(snapshot.contacts):
        evidence = scored.evidence(i)
        book[contact] = (round(evidence.strength, 2), assess_stage(evidence).stage,
                         snapshot.tags[i], snapshot.organizations[i])
    return book


def _check(drawn: NetworkMap, book: dict[ContactId, tuple[float, Stage, tuple[str, ...],
                                                          str | None]],
           matching: list[ContactId], limit: int) -> None:
    assert drawn.book_size == len(book) and drawn.matching == len(matching)
    strongest = sorted((book[c][0] for c in matching), reverse=True)[:limit]
    assert [n.strength for n in drawn.nodes] == strongest
    for node in drawn.nodes:
        assert node.contact in matching
        assert (node.strength, node.stage, node.organization) == (
            book[node.contact][0], book[node.contact][1], book[node.contact][3])


def test_the_map_draws_the_strongest_ties_the_whole_book_gives(
        kb: Kithbook, me: Member, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.book.build_demo(me.id, 1500, 11)
    book = _whole_book(kb, me)
    tags = Counter(t for _, _, tagged, _ in book.values() for t in tagged).most_common()
    organizations = Counter(o for *_, o in book.values() if o).most_common()
    common_tag, rare_tag = tags[0][0], tags[-1][0]
    rare_organization = fold(organizations[-1][0])
    word = fold(organizations[0][0]).split()[-1]  # a word many organizations share
    assert tags[0][1] > 50 and sum(word in fold(o) for *_, o in book.values() if o) > 50
    queries = [MapQuery(limit=300), MapQuery(limit=40), MapQuery(tag=common_tag.upper()),
               MapQuery(tag=rare_tag), MapQuery(organization=word.upper(), limit=300),
               MapQuery(organization=rare_organization),
               MapQuery(tag=common_tag, organization=word)]
    queries += [MapQuery(stage=stage) for stage in Stage]
    # Both ways storage reads them: walking the strength index from the strongest down,
    # and reading every match to sort (for a rare tag or organization).
    for walk_above, fewer in ((0, 0), (10**9, 1)):
        monkeypatch.setattr(depth_storage, "_WALK_ABOVE", walk_above)
        for query in queries:
            # One fewer drawn on the second pass: a map not drawn before, read again.
            _check_query(kb, me, book, replace(query, limit=query.limit - fewer))


def _check_query(kb: Kithbook, me: Member,
                 book: dict[ContactId, tuple[float, Stage, tuple[str, ...], str | None]],
                 query: MapQuery) -> None:
    matching = [c for c, (_, stage, tagged, organization) in book.items()
                if (query.tag is None or query.tag.lower() in tagged)
                and (query.organization is None
                     or fold(query.organization) in fold(organization or ""))
                and (query.stage is None or stage == query.stage)]
    _check(kb.paths.network_map(me.id, query), book, matching, query.limit)


def test_the_map_follows_writes_and_the_calendar(kb: Kithbook, me: Member,
                                                  clock: FixedClock) -> None:
    ids = {}
    for name, trust in (("Ada", 5), ("Bea", 3), ("Cy", 1)):
        ids[name] = kb.book.add_contact(me.id, ContactFields(name=name),
                                        TieFields(stated_trust=trust)).id
        kb.book.log_interaction(me.id, [ids[name]], Kind.MET, Direction.MUTUAL, clock.today())
    first = kb.paths.network_map(me.id, MapQuery())
    assert [n.name for n in first.nodes] == ["Ada", "Bea", "Cy"]
    assert kb.paths.network_map(me.id, MapQuery()) == first  # nothing written: the same map
    kb.book.edit_contact(me.id, "Cy", ContactFields(), TieFields(stated_trust=5))
    for _ in range(6):
        kb.book.log_interaction(me.id, [ids["Cy"]], Kind.ADVICE, Direction.MUTUAL, clock.today())
    moved = kb.paths.network_map(me.id, MapQuery())
    assert moved.nodes[0].name == "Cy"

    def today_s(node_contact: ContactId) -> tuple[float, Stage]:
        depth = kb.depth.tie_depth(me.id, node_contact, exact=True)
        return round(depth.tie.strength, 2), depth.stage.stage

    for node in moved.nodes:
        assert (node.strength, node.stage) == today_s(node.contact)
    clock.advance(300)
    stale = kb.paths.network_map(me.id, MapQuery(), wait_for_day=False)
    assert stale.stale_strengths
    assert [(n.contact, n.strength) for n in stale.nodes] == [
        (n.contact, n.strength) for n in moved.nodes]
    kb.depth.refresh_strengths(me.id)
    renewed = kb.paths.network_map(me.id, MapQuery(), wait_for_day=False)
    assert not renewed.stale_strengths
    for node in renewed.nodes:
        assert (node.strength, node.stage) == today_s(node.contact)
    assert renewed.nodes[0].strength < moved.nodes[0].strength  # a year without contact


def test_organizations_match_without_accents_or_case(kb: Kithbook, me: Member) -> None:
    for name, organization in (("Ana", "Crème Brûlée Ltd"), ("Bo", "CREME works"),
                               ("Cy", "Brulerie")):
        kb.book.add_contact(me.id, ContactFields(name=name, organization=organization), TieFields())
    drawn = kb.paths.network_map(me.id, MapQuery(organization="crème"))
    assert sorted(n.name for n in drawn.nodes) == ["Ana", "Bo"] and drawn.matching == 2
    assert sorted(n.name for n in kb.paths.network_map(me.id, MapQuery(organization="BRÛL")).nodes
                  ) == ["Ana", "Cy"]
    assert kb.paths.network_map(me.id, MapQuery(organization="nobody")).nodes == ()


def test_a_drawn_map_is_read_at_once_only_while_it_is_current(kb: Kithbook, me: Member,
                                                               clock: FixedClock) -> None:
    """`drawn_map` (what a server answers on its event loop) gives exactly the map
    `network_map` drew, and None whenever that would take drawing or computing."""
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada"), TieFields(stated_trust=5)).id
    kb.book.log_interaction(me.id, [ada], Kind.MET, Direction.MUTUAL, clock.today())
    kb.book.add_contact(me.id, ContactFields(name="Bea", tags=["mentor"]))
    assert kb.paths.drawn_map(me.id, MapQuery()) is None  # a strength to compute first
    drawn = kb.paths.network_map(me.id, MapQuery())
    assert kb.at_once(lambda: kb.paths.drawn_map(me.id, MapQuery())) == drawn
    assert kb.paths.drawn_map(me.id, MapQuery(tag="mentor")) is None  # not drawn yet
    mentors = kb.paths.network_map(me.id, MapQuery(tag="Mentor "))
    assert kb.paths.drawn_map(me.id, MapQuery(tag="mentor")) == mentors
    kb.book.edit_contact(me.id, "Bea", ContactFields(organization="Acme"))
    assert kb.paths.drawn_map(me.id, MapQuery()) is None  # a write: draw it again
    again = kb.paths.network_map(me.id, MapQuery())
    assert kb.paths.drawn_map(me.id, MapQuery()) == again
    # Its picture is drawn once while the map is kept, and is the map's as drawn anew.
    svg = map_picture(again, ColourBy.ORGANIZATION, _page)
    assert map_picture(again, ColourBy.ORGANIZATION, _page) is svg
    assert svg == map_svg(again, ColourBy.ORGANIZATION, _page) and "Acme" in svg
    assert map_picture(again, ColourBy.STAGE, _page) == map_svg(again, ColourBy.STAGE, _page)
    clock.advance(1)
    assert kb.paths.drawn_map(me.id, MapQuery()) is None  # a new day's map
    stale = kb.paths.network_map(me.id, MapQuery(), wait_for_day=False)
    assert stale.stale_strengths and kb.paths.drawn_map(me.id, MapQuery()) == stale


def _page(contact: ContactId) -> str:
    return f"/c/{contact}"
