"""Several processes writing to one book at once, on SQLite (WAL) and PostgreSQL.

Each worker is a separate process (spawned, so it shares nothing with the test but the
database URL) with its own engine; the workers start together at a barrier. Afterwards
the rows are counted: no write is lost, no edit silently overwrites another, each
introduction moved by three racing parties has exactly one winner, and no worker ever
saw "database is locked" or a serialization failure: only Kithbook's own clear errors.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import date
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from community_members import add_member, ben_may_ask_ana_about_cleo
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import Busy, Conflict, NotAllowed
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.intro_records import IntroState
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.services.retry import note_commit
from kithbook.storage.database import create_database_engine
from kithbook.storage.tables import interaction_contacts, interactions, ties
from kithbook.storage.unit_of_work import SqlUnitOfWork

WORKERS = 4
LOGS_EACH = 24
EDITS_EACH = 8
RACES = 12  # introductions that three parties try to move at once
SPAWN = multiprocessing.get_context("spawn")


# ---- the workers (module level, so a spawned process can import them) -----------------


def _open(url: str) -> Kithbook:
    return bootstrap(Settings(database_url=url), clock=FixedClock(), migrate=False)


def _run(url: str, barrier: Barrier, results: Any, name: str,
         work: Callable[[Kithbook], object]) -> None:
    kb = _open(url)
    try:
        barrier.wait(timeout=120)
        results.put((name, "done", work(kb)))
    except BaseException:
        results.put((name, "crashed", traceback.format_exc()))
    finally:
        kb.close()


def log_worker(url: str, barrier: Barrier, results: Any, name: str, actor: str,
               contacts: list[str]) -> None:
    def work(kb: Kithbook) -> int:
        for i in range(LOGS_EACH):
            # Every other interaction involves both contacts: two ties change at once.
            refs = contacts if i % 2 else contacts[:1]
            kb.book.log_interaction(MemberId(actor), refs, Kind.TALKED, Direction.MUTUAL,
                                    date(2026, 6, 1), f"{name} #{i}", exact=True)
        return LOGS_EACH
    _run(url, barrier, results, name, work)


def edit_worker(url: str, barrier: Barrier, results: Any, name: str, actor: str,
                contact: str) -> None:
    def work(kb: Kithbook) -> dict[str, int]:
        conflicts = 0
        for i in range(EDITS_EACH):
            while True:  # what a person does on a Conflict: reload, redo the edit
                seen = kb.book.get_contact(MemberId(actor), contact).contact
                try:
                    kb.book.edit_contact(MemberId(actor), contact,
                                         ContactFields(tags=[*seen.tags, f"{name}-{i}"]),
                                         expected_version=seen.version, exact=True)
                    break
                except Conflict as exc:
                    assert "changed by someone else" in exc.message, exc.message
                    conflicts += 1
        return {"edits": EDITS_EACH, "conflicts": conflicts}
    _run(url, barrier, results, name, work)


def move_worker(url: str, barrier: Barrier, results: Any, name: str, actor: str,
                move: str, seen: dict[str, int]) -> None:
    """Make `move` on each introduction, as decided on a page that showed `seen[id]`."""
    def work(kb: Kithbook) -> dict[str, str]:
        outcome = {}
        act: Callable[..., object] = getattr(kb.intros, move)
        for intro_id, version in seen.items():
            try:
                act(MemberId(actor), intro_id, expected_version=version)
                outcome[intro_id] = "won"
            except (Conflict, NotAllowed) as exc:
                outcome[intro_id] = f"refused: {exc.message}"
        return outcome
    _run(url, barrier, results, name, work)


def _race(workers: list[tuple[Callable[..., None], tuple[Any, ...]]]) -> dict[str, Any]:
    """Start every worker at once; their results by name, failing on any crash."""
    barrier = SPAWN.Barrier(len(workers))
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(args[0], barrier, results, *args[1:]))
                 for target, args in workers]
    for process in processes:
        process.start()
    found: dict[str, Any] = {}
    try:
        for _ in processes:
            name, status, value = results.get(timeout=300)
            assert status == "done", f"worker {name} failed:\n{value}"
            found[name] = value
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    return found


# ---- the tests ------------------------------------------------------------------------


def test_parallel_interaction_logging_loses_nothing(kb: Kithbook, database_url: str) -> None:
    ana = add_member(kb, "Ana")
    a = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    b = kb.book.add_contact(ana.id, ContactFields(name="Hal Jordan")).id
    done = _race([(log_worker, (database_url, f"logger{n}", ana.id, [a, b]))
                  for n in range(WORKERS)])
    assert sum(done.values()) == WORKERS * LOGS_EACH

    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            logged = connection.scalar(select(func.count()).select_from(interactions))
            per_contact = dict(connection.execute(
                select(interaction_contacts.c.contact_id, func.count())
                .group_by(interaction_contacts.c.contact_id)).all())
            counted = dict(connection.execute(
                select(ties.c.contact_id, ties.c.interaction_count)).all())
    finally:
        engine.dispose()
    assert logged == WORKERS * LOGS_EACH
    assert per_contact == {a: WORKERS * LOGS_EACH, b: WORKERS * LOGS_EACH // 2}
    # The count each tie keeps (for "last in touch" lists) matches the rows it counts.
    assert counted == per_contact


def test_parallel_edits_of_one_contact_never_overwrite_each_other(kb: Kithbook,
                                                                  database_url: str) -> None:
    ana = add_member(kb, "Ana")
    contact = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park"))
    done = _race([(edit_worker, (database_url, f"editor{n}", ana.id, contact.id))
                  for n in range(WORKERS)])

    after = kb.book.get_contact(ana.id, contact.id).contact
    expected = {f"editor{n}-{i}" for n in range(WORKERS) for i in range(EDITS_EACH)}
    assert set(after.tags) == expected  # every edit survived: none overwrote another
    assert after.version == contact.version + WORKERS * EDITS_EACH
    assert sum(d["edits"] for d in done.values()) == WORKERS * EDITS_EACH

    # An edit made on a stale page is refused with a message, and changes nothing.
    try:
        kb.book.edit_contact(ana.id, contact.id, ContactFields(tags=["stale"]),
                             expected_version=contact.version, exact=True)
    except Conflict as exc:
        assert exc.message == ("Cleo Park was changed by someone else meanwhile; "
                               "reload and make your edit again.")
    else:
        raise AssertionError("a stale version was accepted")
    assert kb.book.get_contact(ana.id, contact.id).contact.tags == after.tags


def test_racing_moves_on_one_introduction_have_exactly_one_winner(
        kb: Kithbook, database_url: str) -> None:
    ana, ben, cleo = ben_may_ask_ana_about_cleo(kb)
    kb.intros.fair_use = FairUseLimits(max_open_requests=RACES + 1)
    asked = [kb.intros.request(
        ben.id, ana.id, cleo, f"Advice on building a data team, question {i}.")
        for i in range(RACES)]
    # All three parties look at each new request, then act on what they saw at once.
    seen = {view.id: view.version for view in asked}
    intro_ids = list(seen)

    done = _race([
        (move_worker, (database_url, "forward", ana.id, "forward", seen)),
        (move_worker, (database_url, "decline", ana.id, "decline", seen)),
        (move_worker, (database_url, "withdraw", ben.id, "withdraw", seen)),
    ])

    moved_to = {"forward": IntroState.FORWARDED, "decline": IntroState.DECLINED,
                "withdraw": IntroState.WITHDRAWN}
    for intro_id in intro_ids:
        winners = [move for move, outcome in done.items() if outcome[intro_id] == "won"]
        assert len(winners) == 1, f"{intro_id}: {[d[intro_id] for d in done.values()]}"
        view = kb.intros.show(ana.id, intro_id)
        # The state is the one the single winning move recorded, and the history says so.
        assert view.state is moved_to[winners[0]]
        assert len(view.history) == 2 and view.history[-1].state_after is view.state
        assert view.version == seen[intro_id] + 1
        for move, outcome in done.items():  # the others were told why, in words
            if move != winners[0]:
                assert outcome[intro_id].startswith("refused: "), outcome[intro_id]
    tally = Counter(w for d in done.values() for w in d.values() if w == "won")
    assert tally["won"] == RACES



def test_a_locked_sqlite_database_reaches_a_person_as_a_clear_busy_error(
        sqlite_url: str, tmp_path: Path, clock: FixedClock) -> None:
    # No waiting for the lock at all, so that the retries run out at once.
    engine = create_database_engine(sqlite_url)
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=0"))
    kb = Kithbook(Settings(database_url=sqlite_url),
                  lambda: SqlUnitOfWork(engine, on_commit=note_commit), clock,
                  close=engine.dispose)
    try:
        ana = add_member(kb, "Ana")
        holder = sqlite3.connect(tmp_path / "book.sqlite", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
        try:
            with pytest.raises(Busy) as caught:
                kb.book.add_contact(ana.id, ContactFields(name="Cleo Park"))
        finally:
            holder.rollback()
            holder.close()
        assert caught.value.message == (
            "the database was busy with other changes and could not take this one; "
            "nothing was written. Try again in a moment.")
        assert kb.book.list_contacts(ana.id, ContactQuery()).total == 0
        kb.book.add_contact(ana.id, ContactFields(name="Cleo Park"))  # once the lock is gone
        assert kb.book.list_contacts(ana.id, ContactQuery()).total == 1
    finally:
        kb.close()
