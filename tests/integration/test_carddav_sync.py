"""Two-way CardDAV sync against a real Radicale on loopback, with the user's phone (the
test, over plain HTTP) editing the same address book between syncs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from kithbook.domain.contacts import Contact, ContactFields, Labeled
from kithbook.domain.errors import KithbookError
from kithbook.domain.members import Member
from kithbook.domain.sources import Source
from kithbook.services.facade import Kithbook
from kithbook.services.secrets import new_key
from kithbook.services.sync import SyncReport, SyncStopped
from radicale_server import PASSWORD, USER, Radicale, running_radicale

ADA = """BEGIN:VCARD\r
VERSION:3.0\r
UID:ada-from-the-phone\r
FN:Ada Lovelace\r
N:Lovelace;Ada;;;\r
EMAIL;TYPE=work:ada@example.org\r
TEL;TYPE=cell:+44 20 7946 0018\r
ORG:Analytical Engines\r
TITLE:CTO\r
CATEGORIES:Mentors,Friends\r
BDAY:1815-12-10\r
X-PHONE-APP-MOOD:cheerful\r
NICKNAME:Enchantress of Numbers\r
item7.X-ABRELATEDNAMES:Byron\r
item7.X-ABLabel:father\r
END:VCARD\r
"""
BO = """BEGIN:VCARD\r
VERSION:4.0\r
UID:urn:uuid:5b7f4d36-bo\r
FN:Bö Chén 🎉 שלום\r
EMAIL:bo@example.org\r
TITLE:Designer\r
END:VCARD\r
"""
DANA_ON_PHONE = """BEGIN:VCARD\r
VERSION:3.0\r
UID:dana-phone\r
FN:Dana R.\r
EMAIL:dana@example.org\r
TEL;TYPE=work:+1 415 555 0100\r
END:VCARD\r
"""
TOO_LONG = """BEGIN:VCARD\r
VERSION:3.0\r
UID:too-long\r
FN:""" + "N" * 400 + """\r
END:VCARD\r
"""


@pytest.fixture
def server() -> Iterator[Radicale]:
    with running_radicale() as running:
        yield running


@pytest.fixture
def me(kb: Kithbook) -> Member:
    kb.settings = replace(kb.settings, capture_key=new_key())
    member, _ = kb.book.init_local_member("Sam")
    return member


def _phone(server: Radicale, book: str) -> dict[str, str]:
    """The phone's view: every card's text, by path."""
    return {href: server.read(href)[0] for href in server.items(book)}


def _sync(kb: Kithbook, me: Member, source: Source, **options: bool) -> SyncReport:
    return kb.sync().run_source(me.id, kb.capture().source(me.id, source.id), **options)


def _contacts(kb: Kithbook, me: Member) -> dict[str, Contact]:
    with kb.uow().reading() as uow:
        return {c.name: c for c in uow.contacts.all(me.id)}


def _setup(kb: Kithbook, me: Member, server: Radicale) -> tuple[str, Source]:
    book = server.make_addressbook("contacts")
    for name, text in (("ada.vcf", ADA), ("bo.vcf", BO), ("dana.vcf", DANA_ON_PHONE),
                       ("long.vcf", TOO_LONG)):
        server.write(book + name, text)
    kb.book.add_contact(me.id, ContactFields(name="Cleo Park", tags=["friends"],
                                             emails=[Labeled("cleo@example.org", "home")]))
    kb.book.add_contact(me.id, ContactFields(name="Dana Ruiz", emails=[Labeled("dana@example.org")],
                                             notes="met at PyCon"))
    source = kb.sync().add_carddav(me.id, url=server.url, username=USER, password=PASSWORD)
    return book, source


def test_first_sync_links_by_email_adds_both_ways_and_keeps_unknown_properties(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    assert source.settings["book"].endswith("/sam/contacts/")
    report = _sync(kb, me, source)
    assert (report.added_here, report.linked, report.added_there) == (2, 1, 1)
    assert any("long.vcf" in w for w in report.warnings)  # said, and left alone
    people = _contacts(kb, me)
    assert sorted(people) == ["Ada Lovelace", "Bö Chén 🎉 שלום", "Cleo Park", "Dana Ruiz"]
    ada = people["Ada Lovelace"]
    assert ada.tags == ["friends", "mentors"] and ada.organization == "Analytical Engines"
    assert [e.value for e in ada.emails] == ["ada@example.org"]
    with kb.uow().reading() as uow:
        assert [d.iso for d in uow.dates.for_contact(ada.id)] == ["1815-12-10"]
    dana = people["Dana Ruiz"]
    assert [p.value for p in dana.phones] == ["+14155550100"]  # taken from the card

    cards = _phone(server, book)
    assert len(cards) == 5  # Ada, Bo, Dana, the long one, and Cleo's new card
    long_card = next(t for t in cards.values() if "too-long" in t)
    assert "FN:" + "N" * 400 + "\r\n" in long_card.replace("\r\n ", "")  # untouched
    cleo = next(t for t in cards.values() if "Cleo Park" in t)
    assert "CATEGORIES:friends" in cleo and "cleo@example.org" in cleo
    # Linked by email: lists joined, a missing note taken, two names a conflict in which
    # neither side is overwritten.
    dana_card = next(t for t in cards.values() if "dana-phone" in t)
    assert "FN:Dana R." in dana_card and "met at PyCon" in dana_card
    (name,) = kb.sync().conflicts(me.id)
    assert (name.contact_name, name.field, name.ours, name.theirs) == (
        "Dana Ruiz", "name", "Dana Ruiz", "Dana R.")


def test_ten_syncs_without_change_move_nothing_and_duplicate_nothing(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    _sync(kb, me, source)
    before, cards = sorted(_contacts(kb, me)), server.items(book)
    for _ in range(10):
        report = _sync(kb, me, source)
        assert report.transferred == 0, report
        assert (report.added_here, report.changed_here, report.added_there) == (0, 0, 0)
    assert sorted(_contacts(kb, me)) == before and server.items(book) == cards


def test_edits_on_both_sides_merge_and_unknown_properties_survive(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    _sync(kb, me, source)
    ada_url = book + "ada.vcf"
    text, etag = server.read(ada_url)
    server.write(ada_url, text.replace("ORG:Analytical Engines", "ORG:Babbage & Co"),
                 if_match=etag)
    ada = _contacts(kb, me)["Ada Lovelace"]
    kb.book.edit_contact(me.id, ada.id, ContactFields(notes="loves poetry",
                                                      tags=["mentors", "friends", "math"]))
    report = _sync(kb, me, source)
    assert (report.changed_here, report.changed_there, report.conflicts) == (1, 1, 0)
    ada = _contacts(kb, me)["Ada Lovelace"]
    assert ada.organization == "Babbage & Co" and ada.notes == "loves poetry"
    card = server.read(ada_url)[0]
    assert "Babbage" in card and "loves poetry" in card and "math" in card
    for kept in ("X-PHONE-APP-MOOD:cheerful", "NICKNAME:Enchantress of Numbers",
                 "ITEM7.X-ABRELATEDNAMES:Byron", "ITEM7.X-ABLABEL:father"):
        assert kept.upper() in card.upper(), kept  # Radicale writes names in capitals
    assert _sync(kb, me, source).transferred == 0


def test_the_same_field_changed_on_both_sides_is_a_conflict_nobody_loses(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    _sync(kb, me, source)
    bo_url = book + "bo.vcf"
    text, etag = server.read(bo_url)
    server.write(bo_url, text.replace("TITLE:Designer", "TITLE:Art Director"), if_match=etag)
    bo = _contacts(kb, me)["Bö Chén 🎉 שלום"]
    kb.book.edit_contact(me.id, bo.id, ContactFields(role="Head of Design",
                                                     organization="Globex"))
    report = _sync(kb, me, source)
    assert report.conflicts == 1
    (conflict,) = [c for c in kb.sync().conflicts(me.id) if c.contact == bo.id]
    assert (conflict.field, conflict.ours, conflict.theirs) == (
        "role", "Head of Design", "Art Director")
    assert _contacts(kb, me)["Bö Chén 🎉 שלום"].role == "Head of Design"
    assert "TITLE:Art Director" in server.read(bo_url)[0]
    assert "ORG:Globex" in server.read(bo_url)[0]  # the other field merged
    _sync(kb, me, source)  # still waiting: listed once, nothing overwritten
    assert [c.id for c in kb.sync().conflicts(me.id) if c.contact == bo.id] == [conflict.id]
    assert "TITLE:Art Director" in server.read(bo_url)[0]

    kb.sync().resolve(me.id, conflict.id, "ours")
    _sync(kb, me, source)
    assert "TITLE:Head of Design" in server.read(bo_url)[0]
    assert [c for c in kb.sync().conflicts(me.id) if c.contact == bo.id] == []
    assert _sync(kb, me, source).transferred == 0


def test_deletes_go_both_ways(kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    for i in range(20):  # a book large enough for two deletes to pass the safety stop
        kb.book.add_contact(me.id, ContactFields(name=f"Person {i:02d}"))
    _sync(kb, me, source)
    server.remove(book + "bo.vcf")
    dana = _contacts(kb, me)["Dana Ruiz"]
    kb.book.delete_contact(me.id, dana.id)
    report = _sync(kb, me, source)
    assert (report.deleted_here, report.deleted_there) == (1, 1)
    assert "Bö Chén 🎉 שלום" not in _contacts(kb, me)
    assert not any("dana-phone" in t for t in _phone(server, book).values())
    assert _sync(kb, me, source).transferred == 0


def test_the_safety_stop_changes_nothing_until_allowed(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    for i in range(16):
        kb.book.add_contact(me.id, ContactFields(name=f"Person {i:02d}"))
    _sync(kb, me, source)
    cards = server.items(book)
    gone = [href for href in cards if "kithbook-" in href][:5]
    for href in gone:
        server.remove(href)
    count = len(_contacts(kb, me))
    with pytest.raises(SyncStopped, match="would delete 5 .* nothing was changed"):
        _sync(kb, me, source)
    assert len(_contacts(kb, me)) == count
    assert "would delete" in (kb.capture().source(me.id, source.id).last_error or "")
    report = _sync(kb, me, source, allow_deletes=True)
    assert report.deleted_here == 5 and len(_contacts(kb, me)) == count - 5


def test_a_wrong_password_or_a_server_that_is_not_carddav_is_one_sentence(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    server.make_addressbook("contacts")
    with pytest.raises(KithbookError, match=r"refused the user name or password \(401\)"):
        kb.sync().add_carddav(me.id, url=server.url, username=USER, password="wrong")
    with pytest.raises(KithbookError, match="is not a CardDAV address"):
        kb.sync().add_carddav(me.id, url="ftp://x", username=USER, password="pw")
    import http.server
    import threading
    plain = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    try:
        with pytest.raises(KithbookError, match="does not answer as a CardDAV server"):
            kb.sync().add_carddav(me.id, url=f"http://127.0.0.1:{plain.server_port}/",
                                  username=USER, password=PASSWORD)
    finally:
        plain.shutdown()
        plain.server_close()
    assert kb.sync().sources(me.id) == []


def test_a_card_the_phone_changes_during_a_sync_is_never_overwritten(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    book, source = _setup(kb, me, server)
    _sync(kb, me, source)
    ada_url, bo_url = book + "ada.vcf", book + "bo.vcf"
    text, etag = server.read(ada_url)
    server.write(ada_url, text.replace("TITLE:CTO", "TITLE:Chief Engineer"), if_match=etag)
    bo = _contacts(kb, me)["Bö Chén 🎉 שלום"]
    kb.book.edit_contact(me.id, bo.id, ContactFields(notes="from the book"))

    def phone_edits_bo_meanwhile(done: int, total: int) -> None:
        # Called while the sync reads Ada's card, before it writes Bo's: the phone
        # changes Bo on the server in between.
        card, tag = server.read(bo_url)
        server.write(bo_url, card.replace("TITLE:Designer", "TITLE:Illustrator"),
                     if_match=tag)

    report = kb.sync().run_source(me.id, kb.capture().source(me.id, source.id),
                                  progress=phone_edits_bo_meanwhile)
    assert any("bo.vcf changed on the server during the sync" in w for w in report.warnings)
    assert "TITLE:Illustrator" in server.read(bo_url)[0]  # the If-Match held
    _sync(kb, me, source)
    card = server.read(bo_url)[0]
    assert "TITLE:Illustrator" in card and "from the book" in card  # merged next time
    bo = _contacts(kb, me)["Bö Chén 🎉 שלום"]
    assert (bo.role, bo.notes) == ("Illustrator", "from the book")
    assert _sync(kb, me, source).transferred == 0


def test_a_tag_scope_sends_only_those_contacts(kb: Kithbook, me: Member,
                                              server: Radicale) -> None:
    book = server.make_addressbook("family")
    kb.book.add_contact(me.id, ContactFields(name="Mum", tags=["family"]))
    kb.book.add_contact(me.id, ContactFields(name="A Colleague", tags=["work"]))
    source = kb.sync().add_carddav(me.id, url=book, username=USER, password=PASSWORD,
                                   tags=("Family",))
    assert _sync(kb, me, source).added_there == 1
    cards = _phone(server, book).values()
    assert any("FN:Mum" in c for c in cards) and not any("Colleague" in c for c in cards)


RED = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"


def test_photos_go_both_ways_in_the_servers_vcard_version(kb: Kithbook, me: Member,
                                                          server: Radicale) -> None:
    import base64

    from kithbook.domain.photos import checked_photo
    book = server.make_addressbook("contacts")
    server.write(book + "eve.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:eve-1\r\nFN:Eve\r\n"
                 f"PHOTO;ENCODING=b;TYPE=PNG:{RED}\r\nEND:VCARD\r\n")
    cleo = kb.book.add_contact(me.id, ContactFields(name="Cleo Park"))
    picture = checked_photo(base64.b64decode(RED))
    with kb.uow() as uow:
        uow.photos.put(cleo.id, picture)
        uow.commit()
    source = kb.sync().add_carddav(me.id, url=server.url, username=USER, password=PASSWORD)
    report = _sync(kb, me, source)
    assert (report.added_here, report.added_there) == (1, 1)
    eve = _contacts(kb, me)["Eve"]
    with kb.uow().reading() as uow:
        assert uow.photos.get(eve.id) == picture
    cleo_card = next(t for t in _phone(server, book).values() if "Cleo Park" in t)
    assert RED in cleo_card.replace("\r\n ", "")
    assert _sync(kb, me, source).transferred == 0
    with kb.uow() as uow:  # the book drops Eve's photo: the card loses it too
        uow.photos.put(eve.id, None)
        uow.commit()
    assert _sync(kb, me, source).changed_there == 1
    assert "PHOTO" not in server.read(book + "eve.vcf")[0]
