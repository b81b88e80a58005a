"""Backup and restore round trips, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kithbook.bootstrap import backup_database, restore_database
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction, Kind
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery


def names(kb: Kithbook, member: str) -> list[str]:
    page = kb.book.list_contacts(member, ContactQuery())  # type: ignore[arg-type]
    return [item.contact.name for item in page.items]


def test_restore_brings_back_the_book_as_it_was(kb: Kithbook, settings: Settings,
                                                tmp_path: Path) -> None:
    me, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", notes="pricing"))
    kb.book.log_interaction(me.id, ["ada"], Kind.ADVICE, Direction.RECEIVED, date(2026, 6, 1))
    file = backup_database(settings, tmp_path / "book.backup")
    assert file.stat().st_size > 0

    kb.book.add_contact(me.id, ContactFields(name="Eve Later"))
    kb.book.delete_contact(me.id, "ada")
    assert names(kb, me.id) == ["Eve Later"]

    restore_database(settings, file)
    assert names(kb, me.id) == ["Ada Lovelace"]
    view = kb.book.show_contact(me.id, "ada")
    assert view.contact.notes == "pricing" and view.interaction_count == 1


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
        kb: Kithbook, settings: Settings, tmp_path: Path) -> None:
    me, _ = kb.book.init_local_member("Sam")
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"))
    bogus = tmp_path / "notes.txt"
    bogus.write_text("these are not the droids\n" * 100)
    with pytest.raises(InvalidInput, match="not a .*backup"):
        restore_database(settings, bogus)
    with pytest.raises(InvalidInput, match="no backup file"):
        restore_database(settings, tmp_path / "missing.backup")
    assert names(kb, me.id) == ["Ada Lovelace"]


def test_backup_refuses_a_folder_or_a_missing_folder(settings: Settings,
                                                     tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is a folder"):
        backup_database(settings, tmp_path)
    with pytest.raises(InvalidInput, match="does not exist"):
        backup_database(settings, tmp_path / "nowhere" / "book.backup")
