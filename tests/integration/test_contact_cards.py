"""A contact's card (its emails, phones, links and tags on its own row, which pages read)
says what the four tables hold after every kind of write, after the migration that
writes the cards of an existing book, and is not needed: a row without one is read from
the tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kithbook.domain.contacts import Contact, ContactFields, Labeled
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.storage.database import create_database_engine, current_revision
from migrate import downgrade, upgrade

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def me(kb: Kithbook) -> Member:
    member, _ = kb.book.init_local_member("Sam")
    return member


def _written_every_way(kb: Kithbook, me: Member) -> None:
    """A book written by each path that writes contacts: added, edited, merged, erased
    from, imported (bulk) and built as a demo (bulk)."""
    kb.book.build_demo(me.id, 60, seed=3)  # first: only an empty book takes a demo
    ada = kb.book.add_contact(me.id, ContactFields(
        name="Ada Lovelace", emails=[Labeled("ada@engines.example", "work"),
                                     Labeled("ada@home.example")],
        phones=[Labeled("+442071234567", "mobile")], links=["https://ada.example"],
        tags=["mentor", "math"]))
    kb.book.edit_contact(me.id, ada.id, ContactFields(
        emails=[Labeled("lovelace@engines.example", "work")], links=[], tags=["math"]))
    kb.book.add_contact(me.id, ContactFields(name="José Núñez", tags=["mentor", "climate"],
                                             emails=[Labeled("José@Example.org")]))
    kb.book.add_contact(me.id, ContactFields(name="Nobody Much"))
    keep = kb.book.add_contact(me.id, ContactFields(name="Grace Hopper", tags=["navy"],
                                                    emails=[Labeled("grace@navy.example")]))
    other = kb.book.add_contact(me.id, ContactFields(name="Grace B. Hopper", tags=["cobol"],
                                                     phones=[Labeled("+12025550143")]))
    kb.transfer.merge_contacts(me.id, keep.id, [other.id])
    gone = kb.book.add_contact(me.id, ContactFields(name="Erase Me", tags=["x"],
                                                    emails=[Labeled("erase@me.example")]))
    kb.transfer.erase_person(me.id, email="erase@me.example")
    assert gone.id not in {c.id for c in _from_tables(kb, me)}
    kb.transfer.import_file(me.id, DATA / "contacts_v4.vcf")
    kb.transfer.import_file(me.id, DATA / "google_contacts.csv")


def _from_tables(kb: Kithbook, me: Member) -> list[Contact]:
    with kb.uow().reading() as uow:
        return uow.contacts.all(me.id)


def _from_cards(kb: Kithbook, me: Member) -> list[Contact]:
    with kb.uow().reading() as uow:
        page = uow.contacts.query(me.id, ContactQuery(limit=100_000))
        return sorted((item.contact for item in page.items), key=lambda c: c.id)


def _run(database_url: str, sql: str, **values: object) -> int:
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), values)
            return int(result.scalar_one() if result.returns_rows else result.rowcount)
    finally:
        engine.dispose()


def _cardless(database_url: str) -> int:
    return _run(database_url, "SELECT count(*) FROM contacts WHERE card IS NULL")


def test_every_write_keeps_the_card_as_the_tables_say(kb: Kithbook, me: Member,
                                                      database_url: str) -> None:
    _written_every_way(kb, me)
    tables = _from_tables(kb, me)
    assert len(tables) > 60
    assert sum(bool(c.emails) for c in tables) > 10 and sum(bool(c.tags) for c in tables) > 10
    assert _cardless(database_url) == 0
    assert _from_cards(kb, me) == tables
    with kb.uow().reading() as uow:
        assert [uow.contacts.get(me.id, c.id) for c in tables] == tables


def test_a_row_without_a_card_is_read_from_the_tables(kb: Kithbook, me: Member,
                                                       database_url: str) -> None:
    _written_every_way(kb, me)
    tables = _from_tables(kb, me)
    assert _run(database_url, "UPDATE contacts SET card = NULL WHERE id IN "
                              "(SELECT id FROM contacts ORDER BY id LIMIT 25)") == 25
    assert _cardless(database_url) == 25
    assert _from_cards(kb, me) == tables


def test_a_card_that_a_writer_without_cards_left_behind_is_not_read(
        kb: Kithbook, me: Member, database_url: str) -> None:
    """During an upgrade a server of the version before cards may still edit a contact:
    it rewrites the tables and moves the row's version, not the card. Pages then read
    the tables."""
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada", emails=[Labeled("old@x.example")],
                                                   tags=["old"]))
    kb.book.add_contact(me.id, ContactFields(name="Bea", tags=["kept"]))
    # What `SqlContacts.update` wrote before cards: the children, and the next version.
    for sql in ("UPDATE contact_emails SET address = 'new@x.example', "
                "address_key = 'new@x.example' WHERE contact_id = :id",
                "DELETE FROM contact_tags WHERE contact_id = :id",
                "INSERT INTO contact_tags (contact_id, tag) VALUES (:id, 'new')",
                "UPDATE contacts SET version = version + 1 WHERE id = :id"):
        assert _run(database_url, sql, id=ada.id) == 1
    with kb.uow().reading() as uow:
        edited = uow.contacts.get(me.id, ada.id)
    assert edited is not None
    assert (edited.emails, edited.tags) == ([Labeled("new@x.example")], ["new"])
    assert _from_cards(kb, me) == _from_tables(kb, me)


def test_the_migration_writes_the_card_of_every_contact_already_there(
        kb: Kithbook, me: Member, database_url: str) -> None:
    _written_every_way(kb, me)
    tables = _from_tables(kb, me)
    kb.close()
    try:
        downgrade(database_url, "0012")
        engine = create_database_engine(database_url)
        assert current_revision(engine) == "0012"
        engine.dispose()
    finally:
        upgrade(database_url)
    assert _cardless(database_url) == 0
    assert _from_cards(kb, me) == tables
