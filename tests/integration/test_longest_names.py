"""A name of the longest allowed length, in any script, is stored and found on both
databases (the random user found one whose folded key outgrew its column)."""

from __future__ import annotations

import pytest

from kithbook.domain.contacts import MAX_NAME, ContactFields, fold
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery, Sort


@pytest.mark.parametrize("name", ["ﷺ" * MAX_NAME, "ŉ" * MAX_NAME, "ß" * MAX_NAME])
def test_a_longest_name_that_folds_longer_is_stored_and_listed(kb: Kithbook,
                                                               name: str) -> None:
    assert len(fold(name)) > MAX_NAME
    me, _ = kb.book.init_local_member("Sam")
    added = kb.book.add_contact(me.id, ContactFields(name=name), TieFields())
    kb.book.add_contact(me.id, ContactFields(name="Ada"), TieFields())
    assert kb.book.show_contact(me.id, added.id).contact.name == name
    for sort in Sort:
        listed = kb.book.list_contacts(me.id, ContactQuery(sort=sort)).items
        assert name in [item.contact.name for item in listed]
    kb.book.edit_contact(me.id, added.id, ContactFields(name=name[:-1] + "x"), exact=True)
    assert kb.book.show_contact(me.id, added.id).contact.name.endswith("x")
