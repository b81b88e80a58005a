"""The book's use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from community_members import bare_member
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import Ambiguous, Conflict, InvalidInput, NotFound
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery, Sort


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, created = kb.book.init_local_member("Sam")
    assert created
    return member


def add(kb: Kithbook, me: Member, name: str, **fields: object) -> str:
    return kb.book.add_contact(me.id, ContactFields(name=name, **fields)).id  # type: ignore[arg-type]


def test_init_is_idempotent(kb: Kithbook, me: Member) -> None:
    again, created = kb.book.init_local_member("Someone else")
    assert not created and again.id == me.id and again.name == "Sam"


def test_added_contact_reads_back_with_every_field(kb: Kithbook, me: Member) -> None:
    contact = kb.book.add_contact(me.id, ContactFields(
        name="  José Núñez ", emails=[Labeled("Jose@Example.ORG", "work"), Labeled("j@n.io")],
        phones=[Labeled("(202) 555-0143", "mobile")], links=["https://jn.example"],
        tags=["Mentor", "climate", "mentor"], organization="Acme", role="CTO",
        location="Lisbon", how_we_met="conference in Porto", notes="writes on grids"),
        TieFields(stated_trust=4, cadence_days=30, started_on=date(2024, 1, 5)))
    view = kb.book.show_contact(me.id, contact.id)
    c = view.contact
    assert c.name == "José Núñez"
    assert c.emails == [Labeled("Jose@example.org", "work"), Labeled("j@n.io", None)]
    assert c.phones == [Labeled("+12025550143", "mobile")]
    assert c.tags == ["climate", "mentor"]
    assert (c.organization, c.role, c.location) == ("Acme", "CTO", "Lisbon")
    assert c.how_we_met == "conference in Porto" and c.notes == "writes on grids"
    assert view.tie.stated_trust == 4 and view.tie.cadence_days == 30
    assert view.tie.started_on == date(2024, 1, 5)
    assert view.timeline == []


def test_edit_changes_only_what_is_given(kb: Kithbook, me: Member) -> None:
    cid = add(kb, me, "Ada Lovelace", organization="Analytical Engines", role="CTO",
              tags=["mentor"])
    kb.book.edit_contact(me.id, "ada", ContactFields(role="CEO"), TieFields(stated_trust=5))
    view = kb.book.show_contact(me.id, cid)
    assert view.contact.role == "CEO"
    assert view.contact.organization == "Analytical Engines"
    assert view.contact.tags == ["mentor"]
    assert view.contact.version == 2
    assert view.tie.stated_trust == 5


def test_edit_with_a_stale_version_is_refused_and_changes_nothing(kb: Kithbook,
                                                                   me: Member) -> None:
    cid = add(kb, me, "Ada Lovelace", role="CTO")
    kb.book.edit_contact(me.id, cid, ContactFields(role="CEO"))
    with pytest.raises(Conflict, match="changed by someone else"):
        kb.book.edit_contact(me.id, cid, ContactFields(role="Chair"), expected_version=1)
    assert kb.book.show_contact(me.id, cid).contact.role == "CEO"


def test_logging_restarts_the_clock_and_counts(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace")
    add(kb, me, "Charles Babbage")
    kb.book.log_interaction(me.id, ["ada", "babbage"], Kind.MET, Direction.MUTUAL,
                            date(2026, 5, 1), "coffee at the lab")
    kb.book.log_interaction(me.id, ["ada"], Kind.ADVICE, Direction.RECEIVED, date(2026, 6, 10))
    ada = kb.book.show_contact(me.id, "ada")
    assert ada.tie.last_interaction_on == date(2026, 6, 10)
    assert ada.interaction_count == 2
    assert [i.kind for i in ada.timeline] == [Kind.ADVICE, Kind.MET]
    assert set(ada.names.values()) == {"Ada Lovelace", "Charles Babbage"}
    charles = kb.book.show_contact(me.id, "babbage")
    assert charles.tie.last_interaction_on == date(2026, 5, 1)


def test_unlogging_moves_last_contact_back(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace")
    kb.book.log_interaction(me.id, ["ada"], Kind.MET, Direction.MUTUAL, date(2026, 5, 1))
    latest = kb.book.log_interaction(me.id, ["ada"], Kind.TALKED, Direction.MUTUAL,
                                     date(2026, 6, 1))
    kb.book.delete_interaction(me.id, latest.id)
    tie = kb.book.show_contact(me.id, "ada").tie
    assert tie.last_interaction_on == date(2026, 5, 1) and tie.interaction_count == 1


def test_future_dates_are_refused(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace")
    with pytest.raises(InvalidInput, match="in the future"):
        kb.book.log_interaction(me.id, ["ada"], Kind.MET, Direction.MUTUAL, date(2027, 1, 1))
    assert kb.book.show_contact(me.id, "ada").timeline == []


def test_deleting_a_contact_keeps_shared_interactions(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace")
    add(kb, me, "Charles Babbage")
    kb.book.log_interaction(me.id, ["ada", "charles"], Kind.MET, Direction.MUTUAL, date(2026, 5, 1))
    kb.book.log_interaction(me.id, ["charles"], Kind.HELP, Direction.GAVE, date(2026, 5, 2))
    removed = kb.book.delete_contact(me.id, "charles")
    assert removed.contact.name == "Charles Babbage" and removed.orphans == 1
    ada = kb.book.show_contact(me.id, "ada")
    assert len(ada.timeline) == 1 and ada.timeline[0].contact_ids == [ada.contact.id]
    with pytest.raises(NotFound):
        kb.book.show_contact(me.id, "charles")


def test_references_by_id_prefix_name_part_and_accents(kb: Kithbook, me: Member) -> None:
    cid = add(kb, me, "José Núñez")
    add(kb, me, "Jon Park", organization="Acme")
    add(kb, me, "Jonathan Reyes", organization="Globex")
    assert kb.book.show_contact(me.id, cid[:6]).contact.id == cid
    assert kb.book.show_contact(me.id, "jose nunez").contact.id == cid
    assert kb.book.show_contact(me.id, "Jon Park").contact.name == "Jon Park"
    with pytest.raises(Ambiguous) as caught:
        kb.book.show_contact(me.id, "Jon")
    assert len(caught.value.candidates) == 2
    assert "Jon Park (Acme)" in caught.value.message
    assert "Jonathan Reyes (Globex)" in caught.value.message


def test_an_exact_name_wins_over_longer_matches(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Jon Park")
    add(kb, me, "Jon Parker")
    assert kb.book.show_contact(me.id, "jon park").contact.name == "Jon Park"


def test_unknown_contact_suggests_close_names(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace")
    with pytest.raises(NotFound, match="Did you mean 'Ada Lovelace'"):
        kb.book.show_contact(me.id, "Adda Lovelace")


def test_search_covers_name_org_role_tag_email_and_notes(kb: Kithbook, me: Member) -> None:
    add(kb, me, "Ada Lovelace", organization="Analytical Engines", role="CTO",
        tags=["mentor"], notes="Knows everyone in pricing")
    add(kb, me, "Grace Hopper", organization="Navy", role="Admiral",
        emails=[Labeled("grace@navy.example")])
    add(kb, me, "Alan Turing", organization="Bletchley", tags=["research"])

    def names(**query: object) -> list[str]:
        page = kb.book.list_contacts(me.id, ContactQuery(**query))  # type: ignore[arg-type]
        return [item.contact.name for item in page.items]

    assert names(text="analytical") == ["Ada Lovelace"]
    assert names(text="admiral") == ["Grace Hopper"]
    assert names(text="PRICING") == ["Ada Lovelace"]
    assert names(text="navy.example") == ["Grace Hopper"]
    assert names(text="research") == ["Alan Turing"]
    assert names(tag="Mentor") == ["Ada Lovelace"]
    assert names(organization="bletch") == ["Alan Turing"]
    assert names(role="cto") == ["Ada Lovelace"]
    assert names(text="ada cto") == ["Ada Lovelace"]
    assert names(text="100%") == []
    assert names() == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_listing_sorts_by_last_contact_and_pages(kb: Kithbook, me: Member) -> None:
    for name, day in (("Ada", 3), ("Bea", 9), ("Cy", None), ("Dee", 5)):
        add(kb, me, name)
        if day:
            kb.book.log_interaction(me.id, [name], Kind.TALKED, Direction.MUTUAL, date(2026, 6,
                                                                                       day))
    page = kb.book.list_contacts(me.id, ContactQuery(sort=Sort.RECENT, limit=3))
    assert [i.contact.name for i in page.items] == ["Bea", "Dee", "Ada"]
    assert page.total == 4
    rest = kb.book.list_contacts(me.id, ContactQuery(sort=Sort.RECENT, limit=3, offset=3))
    assert [i.contact.name for i in rest.items] == ["Cy"]
    assert rest.items[0].last_interaction is None


def test_bad_email_or_phone_is_refused_and_nothing_is_stored(kb: Kithbook,
                                                              me: Member) -> None:
    with pytest.raises(InvalidInput, match="not a valid email"):
        add(kb, me, "Ada", emails=[Labeled("ada@")])
    with pytest.raises(InvalidInput, match="not a phone number"):
        add(kb, me, "Ada", phones=[Labeled("12")])
    assert kb.book.list_contacts(me.id, ContactQuery()).total == 0


def test_one_members_book_is_invisible_to_another(kb: Kithbook, me: Member) -> None:
    other = bare_member(kb, "Eve")
    cid = add(kb, me, "Ada Lovelace", notes="secret")
    assert kb.book.list_contacts(other.id, ContactQuery(text="ada")).total == 0
    for ref, absent in ((cid, "zzzzzzzzzzzz"), (cid[:5], "zzzzz"), ("Ada", "Zed")):
        # The answer about someone else's contact is the answer about nobody.
        with pytest.raises(NotFound) as caught:
            kb.book.show_contact(other.id, ref)
        with pytest.raises(NotFound) as nobody:
            kb.book.show_contact(other.id, absent)
        assert caught.value.message.replace(ref, "?") == nobody.value.message.replace(absent, "?")
    with pytest.raises(NotFound):
        kb.book.edit_contact(other.id, cid, ContactFields(notes="mine now"))
    with pytest.raises(NotFound):
        kb.book.delete_contact(other.id, cid)
    assert kb.book.show_contact(me.id, cid).contact.notes == "secret"
