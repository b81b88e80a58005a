"""Two writers log an interaction with the same contact at the same moment: the tie's
count must include both, on PostgreSQL (READ COMMITTED) as on SQLite.

The first writer holds its transaction open after recounting; the second reaches its own
recount meanwhile and must wait for the first, then count what it committed. Without the
row lock taken before the recount, PostgreSQL's second UPDATE counted from a snapshot
older than the first commit, and the tie was left one short."""

from __future__ import annotations

import threading
import time
from datetime import date

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import ContactId, InteractionId, MemberId, new_id
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook


def _log(kb: Kithbook, owner: MemberId, contact: ContactId) -> Interaction:
    return Interaction(id=InteractionId(new_id()), owner=owner, kind=Kind.TALKED,
                       direction=Direction.MUTUAL, occurred_on=date(2026, 6, 1),
                       contact_ids=[contact], note=None, created_at=kb.clock.now())


def test_two_writers_logging_with_one_contact_both_count(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    bo = kb.book.add_contact(ana.id, ContactFields(name="Bo Lind"), TieFields(stated_trust=3))
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with kb.uow() as uow:
                uow.interactions.add(_log(kb, ana.id, bo.id))
                uow.ties.refresh_activity([bo.id])  # waits here for the first writer
                uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            second_done.set()

    with kb.uow() as first:
        first.interactions.add(_log(kb, ana.id, bo.id))
        first.ties.refresh_activity([bo.id])
        writer = threading.Thread(target=second_writer)
        writer.start()
        time.sleep(0.5)  # let the second writer reach its recount (only aims the race)
        assert not second_done.is_set(), "the second writer did not wait for the first"
        first.commit()
    writer.join(60)
    assert not writer.is_alive() and errors == []
    with kb.uow() as uow:
        tie = uow.ties.get(ana.id, bo.id)
        assert tie is not None and tie.interaction_count == 2
