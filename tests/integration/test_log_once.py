"""A log sent with a key is stored once: a phone's queued log sent again after its answer
was lost, or by two tabs at once, is one interaction in the book."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from community_members import add_member
from fakes import FixedClock
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import Direction, Kind
from kithbook.services.book import KEYS_KEPT, TieFields
from kithbook.services.facade import Kithbook

KEY = "Qm9vay1rZXktb25lLXR3bw"


def _count(kb: Kithbook, me: str, contact: str) -> int:
    return kb.book.get_contact(me, contact).interaction_count  # type: ignore[arg-type]


def test_the_same_key_sent_again_stores_one_interaction(kb: Kithbook) -> None:
    me, _ = kb.book.init_local_member("Sam Rivera")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())
    first = kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                         kb.clock.today(), "coffee")
    again = kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                         kb.clock.today(), "coffee")
    assert not first.repeated and again.repeated
    assert first.interaction is not None and again.interaction is not None
    assert again.interaction.id == first.interaction.id
    assert _count(kb, me.id, ada.id) == 1
    other = kb.book.log_interaction_once(me.id, KEY + "x", ["Ada"], Kind.MET, Direction.MUTUAL,
                                         kb.clock.today(), "coffee")
    assert not other.repeated and _count(kb, me.id, ada.id) == 2


def test_a_removed_log_does_not_come_back_when_its_key_arrives_late(kb: Kithbook) -> None:
    me, _ = kb.book.init_local_member("Sam Rivera")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())
    first = kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                         kb.clock.today(), None)
    assert first.interaction is not None
    kb.book.delete_interaction(me.id, first.interaction.id)
    late = kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                        kb.clock.today(), None)
    assert late.repeated and late.interaction is None
    assert _count(kb, me.id, ada.id) == 0


def test_a_refused_log_keeps_its_key_free_and_keys_are_forgotten_after_a_while(
        kb: Kithbook, clock: FixedClock) -> None:
    me, _ = kb.book.init_local_member("Sam Rivera")
    with pytest.raises(InvalidInput, match="key"):
        kb.book.log_interaction_once(me.id, "short", ["Ada"], Kind.MET, Direction.MUTUAL,
                                     clock.today(), None)
    with pytest.raises(Exception, match="Ada"):  # nobody of that name yet: nothing stored
        kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                     clock.today(), None)
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())
    assert not kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                            clock.today(), None).repeated
    clock.advance((KEYS_KEPT + timedelta(days=1)).days)
    assert not kb.book.log_interaction_once(me.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                            clock.today(), None).repeated
    assert _count(kb, me.id, ada.id) == 2


def test_keys_are_each_members_own(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    for member in (ana, ben):
        kb.book.add_contact(member.id, ContactFields(name="Ada Lovelace"), TieFields())
        logged = kb.book.log_interaction_once(member.id, KEY, ["Ada"], Kind.MET, Direction.MUTUAL,
                                              kb.clock.today(), None)
        assert not logged.repeated and logged.interaction is not None
        assert logged.interaction.owner == member.id


def test_two_sends_of_one_key_at_once_store_one_interaction(kb: Kithbook) -> None:
    me, _ = kb.book.init_local_member("Sam Rivera")
    ada = kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"), TieFields())
    start = threading.Barrier(4)
    answers: list[bool] = []

    def send() -> None:
        start.wait()
        answers.append(kb.book.log_interaction_once(
            me.id, KEY, ["Ada"], Kind.HELP, Direction.GAVE, kb.clock.today(), None).repeated)

    senders = [threading.Thread(target=send) for _ in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(answers) == [False, True, True, True]
    assert _count(kb, me.id, ada.id) == 1
