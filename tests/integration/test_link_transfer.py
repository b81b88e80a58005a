"""Who knows whom among one's contacts travels with the book: export, then import."""

from __future__ import annotations

import io
from pathlib import Path

from kithbook.domain.contacts import ContactFields
from kithbook.services.book import TieFields
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery


def _export(kb: Kithbook, member: str) -> str:
    out = io.StringIO()
    kb.transfer.export_book(member, ExportFormat.JSON, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_links_between_contacts_survive_export_and_import(kb: Kithbook,
                                                           tmp_path: Path) -> None:
    me, _ = kb.book.init_local_member("Me")
    for name, org in (("Bob Stone", None), ("Carol Diaz", "Acme")):
        kb.book.add_contact(me.id, ContactFields(name=name, organization=org),
                            TieFields(stated_trust=4))
    kb.paths.record_contact_link(me.id, "Bob", "Carol", note="work together", strength=0.8)
    first = _export(kb, me.id)
    assert '"contact_links": [' in first and '"note": "work together"' in first
    path = tmp_path / "book.json"
    path.write_text(first, encoding="utf-8")
    kb.transfer.delete_account(me.id)
    kb.transfer.import_file(None, path)
    assert _export(kb, me.id) == first
    [link] = kb.paths.contact_links(me.id)
    assert {link.a.name, link.b.name} == {"Bob Stone", "Carol Diaz"}
    assert (link.strength, link.note) == (0.8, "work together")
    [found] = kb.paths.find_paths(me.id, PathQuery(to="Carol")).paths
    assert [s.label for s in found.steps] == ["Bob Stone", "Carol Diaz (Acme)"]


def test_links_imported_into_a_book_follow_the_contacts_new_ids(kb: Kithbook,
                                                                 tmp_path: Path) -> None:
    me, _ = kb.book.init_local_member("Me")
    for name in ("Bob Stone", "Carol Diaz"):
        kb.book.add_contact(me.id, ContactFields(name=name))
    kb.paths.record_contact_link(me.id, "Bob", "Carol")
    path = tmp_path / "book.json"
    path.write_text(_export(kb, me.id), encoding="utf-8")
    kb.transfer.import_file(me.id, path)  # the same ids are taken: the copies get new ones
    links = kb.paths.contact_links(me.id)
    assert len(links) == 2
    assert len({link.a.id for link in links}) == 2
    assert all({link.a.name, link.b.name} == {"Bob Stone", "Carol Diaz"} for link in links)
