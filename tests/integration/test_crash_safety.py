"""Killing Kithbook with SIGKILL in the middle of merges and introduction moves loses
nothing and leaves nothing half-done.

A child process (forked, so it starts in milliseconds) works through a queue of merges
or introduction moves on a SQLite book, telling the test when each one begins; the test
kills it at a random moment inside one, 50 times. After every kill the file passes
`PRAGMA integrity_check` and `foreign_key_check`, and every invariant holds: each merge
happened fully or not at all, each tie's counts match its interactions, and each
introduction's state is the one its history ends in.

CI runs 50 kills per test; KITHBOOK_CRASH_KILLS=500 runs more.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from community_members import add_member, ben_may_ask_ana_about_cleo
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import ContactId, InteractionId, MemberId, new_id
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.introductions import Rating
from kithbook.domain.ties import Tie
from kithbook.services.facade import Kithbook
from kithbook.services.ports import BulkBook

KILLS = int(os.environ.get("KITHBOOK_CRASH_KILLS", "50"))
EACH = 40  # interactions of each duplicate, so that a merge moves a fair number of rows
FORK = multiprocessing.get_context("fork")


@pytest.fixture
def book(sqlite_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Kithbook, Path]]:
    kb = bootstrap(Settings(database_url=sqlite_url), clock=clock, migrate=False)
    yield kb, tmp_path / "book.sqlite"
    kb.close()


# ---- killing a worker at random moments ------------------------------------------------


def _child(url: str, jobs: list[object], work: Callable[[Kithbook, object], None],
           pipe: Connection) -> None:
    try:
        kb = bootstrap(Settings(database_url=url), clock=FixedClock(), migrate=False)
        for job in jobs:
            pipe.send("begin")
            work(kb, job)
            pipe.send("end")
        pipe.send("finished")
    except BaseException:
        pipe.send(traceback.format_exc())
    pipe.close()


def kill_midway(url: str, jobs: list[object], work: Callable[[Kithbook, object], None],
                typical: float, rng: random.Random) -> bool:
    """Run `jobs` in a child, kill it at a random moment of one of its first jobs;
    True when the kill landed between a job's start and its end."""
    ours, theirs = FORK.Pipe()
    process = FORK.Process(target=_child, args=(url, jobs, work, theirs))
    process.start()
    theirs.close()
    inside = False
    try:
        begun = 0
        wanted = rng.randint(1, 3)  # sometimes the first job, sometimes a later one
        while begun < wanted:
            if not ours.poll(60):
                raise AssertionError("the worker went silent")
            try:
                message = ours.recv()
            except EOFError:
                process.join(30)
                raise AssertionError(f"the worker died on its own ({process.exitcode})"
                                     ) from None
            if message == "finished":
                return False
            assert message in ("begin", "end"), f"the worker failed:\n{message}"
            begun += message == "begin"
        time.sleep(rng.uniform(0, typical * 1.2))
        os.kill(process.pid or 0, signal.SIGKILL)
        process.join(30)
        last = "begin"
        try:
            while ours.poll(0):
                last = ours.recv()
        except EOFError:  # all the killed worker said has been read
            pass
        if process.exitcode == 0:
            # The jobs were quicker than the aim: the worker finished them all before the
            # kill arrived. Nothing was cut short; the caller checks the file as ever.
            assert last == "finished", f"the worker exited without finishing:\n{last}"
            return False
        assert process.exitcode == -signal.SIGKILL
        inside = last == "begin"
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        ours.close()
    return inside


def check_the_file(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every contact has its one tie, every interaction involves someone, and each
        # tie's count and last date are those of its interactions.
        assert db.execute("SELECT count(*) FROM contacts c LEFT JOIN ties t "
                          "ON t.contact_id = c.id WHERE t.contact_id IS NULL").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM interactions i WHERE NOT EXISTS (SELECT 1 "
                          "FROM interaction_contacts l WHERE l.interaction_id = i.id)"
                          ).fetchone() == (0,)
        wrong = db.execute(
            "SELECT t.contact_id, t.interaction_count, count(l.interaction_id), "
            "t.last_interaction_on, max(i.occurred_on) FROM ties t "
            "LEFT JOIN interaction_contacts l ON l.contact_id = t.contact_id "
            "LEFT JOIN interactions i ON i.id = l.interaction_id GROUP BY t.contact_id "
            "HAVING t.interaction_count != count(l.interaction_id) "
            "OR t.last_interaction_on IS NOT max(i.occurred_on)").fetchall()
        assert wrong == []


# ---- merges ----------------------------------------------------------------------------


def _duplicates(owner: MemberId, count: int, now: datetime
                ) -> tuple[BulkBook, list[tuple[str, str]]]:
    """`count` pairs of the same person entered twice, each with its own history and one
    interaction they shared."""
    contacts, ties, interactions, pairs = [], [], [], []
    today = now.date()
    for k in range(count):
        pair, person = [], new_id()
        for side in ("a", "b"):
            contact = Contact(ContactId(new_id()), owner, f"Person {k:03d}",
                              emails=[Labeled(f"{person}-{side}@example.org")], tags=[side],
                              created_at=now, updated_at=now)
            contacts.append(contact)
            ties.append(Tie(owner, contact.id))
            interactions.extend(
                Interaction(InteractionId(new_id()), owner, Kind.TALKED, Direction.MUTUAL,
                            today - timedelta(days=d + 1), [contact.id], created_at=now)
                for d in range(EACH))
            pair.append(contact.id)
        interactions.append(Interaction(InteractionId(new_id()), owner, Kind.MET,
                                        Direction.MUTUAL, today, list(pair), created_at=now))
        pairs.append((pair[0], pair[1]))
    return BulkBook(contacts, ties, interactions), pairs


def _merge(owner: MemberId) -> Callable[[Kithbook, object], None]:
    def work(kb: Kithbook, job: object) -> None:
        keep, other = job  # type: ignore[misc]
        kb.transfer.merge_contacts(owner, keep, [other])
    return work


def check_merges(path: Path, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each pair is merged fully or not at all; the pairs still to merge."""
    waiting = []
    with closing(sqlite3.connect(path)) as db:
        def state(contact: str) -> tuple[int, list[str]] | None:
            row = db.execute("SELECT count(*) FROM contacts WHERE id = ?", (contact,)).fetchone()
            if row == (0,):
                return None
            links = db.execute("SELECT count(*) FROM interaction_contacts WHERE contact_id = ?",
                               (contact,)).fetchone()[0]
            emails = [r[0] for r in db.execute(
                "SELECT address FROM contact_emails WHERE contact_id = ? ORDER BY address",
                (contact,))]
            return links, emails

        for k, (keep, other) in enumerate(pairs):
            kept, gone = state(keep), state(other)
            assert kept is not None, f"pair {k}: the contact kept by the merge is gone"
            person = kept[1][0].removesuffix("-a@example.org")
            mine, theirs = f"{person}-a@example.org", f"{person}-b@example.org"
            if gone is None:  # merged: everything of both, the shared meeting once
                assert kept == (2 * EACH + 1, [mine, theirs]), f"pair {k} is half merged: {kept}"
            else:
                assert kept == (EACH + 1, [mine]), f"pair {k}: {kept}"
                assert gone == (EACH + 1, [theirs]), f"pair {k}: {gone}"
                waiting.append((keep, other))
    return waiting


def test_killing_merges_midway_leaves_each_merge_whole_or_undone(
        book: tuple[Kithbook, Path], sqlite_url: str) -> None:
    kb, path = book
    ana = add_member(kb, "Ana")
    rng = random.Random(1729)
    waiting: list[tuple[str, str]] = []
    all_pairs: list[tuple[str, str]] = []
    started = time.perf_counter()
    kb.transfer.merge_contacts(ana.id, *_one_more_pair(kb, ana.id, all_pairs))
    typical = time.perf_counter() - started  # only to aim the kills, never asserted
    inside = 0
    for _ in range(KILLS):
        if len(waiting) < 5:
            written, pairs = _duplicates(ana.id, 20, kb.clock.now())
            with kb.uow() as uow:
                uow.bulk.write(ana.id, written)
                uow.commit()
            waiting += pairs
            all_pairs += pairs
        inside += kill_midway(sqlite_url, list(waiting), _merge(ana.id), typical, rng)
        check_the_file(path)
        waiting = check_merges(path, all_pairs)
    merged = len(all_pairs) - len(waiting)
    assert merged > 0 and inside > 0, (merged, inside)


def _one_more_pair(kb: Kithbook, owner: MemberId, pairs: list[tuple[str, str]]
                   ) -> tuple[str, list[str]]:
    written, [pair] = _duplicates(owner, 1, kb.clock.now())
    with kb.uow() as uow:
        uow.bulk.write(owner, written)
        uow.commit()
    pairs.append(pair)
    return pair[0], [pair[1]]


# ---- introduction moves ----------------------------------------------------------------


def _move(ana: MemberId) -> Callable[[Kithbook, object], None]:
    """Take one request all the way: forward, then make it and rate it, or decline it."""
    def work(kb: Kithbook, job: object) -> None:
        intro_id, n = job  # type: ignore[misc]
        view = kb.intros.show(ana, intro_id)
        if view.state.value == "requested":
            kb.intros.forward(ana, intro_id)
        elif view.state.value == "forwarded" and n % 2:
            kb.intros.make(ana, intro_id, note="you two should talk")
        elif view.state.value == "forwarded":
            kb.intros.decline(ana, intro_id, private_reason="not a good fit now")
        elif view.state.value == "made" and not view.outcomes:
            kb.intros.record_outcome(ana, intro_id, Rating.POSITIVE, comment="went well")
    return work


def check_introductions(path: Path) -> list[str]:
    """Each introduction's state is where its history ends; the ones with moves to go."""
    open_ones = []
    with closing(sqlite3.connect(path)) as db:
        for intro_id, state in db.execute("SELECT id, state FROM introductions"):
            moves = db.execute("SELECT position, kind, state_after FROM intro_moves "
                               "WHERE intro_id = ? ORDER BY position", (intro_id,)).fetchall()
            assert [m[0] for m in moves] == list(range(len(moves))), (intro_id, moves)
            assert moves[-1][2] == state, f"{intro_id} is {state} but its history says {moves}"
            reasons = [r[0] for r in db.execute(
                "SELECT move_index FROM intro_private_reasons WHERE intro_id = ?", (intro_id,))]
            assert all(moves[i][1].endswith("decline") for i in reasons), (intro_id, moves, reasons)
            assert len(reasons) == state.endswith("declined"), (intro_id, state, reasons)
            outcomes = db.execute("SELECT count(*) FROM intro_outcomes WHERE intro_id = ?",
                                  (intro_id,)).fetchone()[0]
            assert outcomes == 0 or state == "made", (intro_id, state)
            if state in ("requested", "forwarded") or (state == "made" and not outcomes):
                open_ones.append(intro_id)
    return open_ones


def test_killing_introduction_moves_midway_keeps_each_state_true_to_its_history(
        book: tuple[Kithbook, Path], sqlite_url: str) -> None:
    kb, path = book
    ana, ben, cleo = ben_may_ask_ana_about_cleo(kb)
    kb.intros.fair_use = FairUseLimits(max_open_requests=1000, cooldown_after_decline=timedelta(0))
    number = {}

    def ask(count: int) -> None:
        for _ in range(count):
            view = kb.intros.request(ben.id, ana.id, cleo,
                                     f"Advice on hiring, question {len(number)}.")
            number[view.id] = len(number)

    ask(1)
    first = next(iter(number))
    started = time.perf_counter()
    _move(ana.id)(kb, (first, 1))
    typical = time.perf_counter() - started  # only to aim the kills, never asserted
    rng = random.Random(4242)
    open_ones = check_introductions(path)
    inside = 0
    for _ in range(KILLS):
        if len(open_ones) < 10:
            ask(20)
            open_ones = check_introductions(path)
        jobs: list[object] = [(i, number[i]) for i in open_ones]
        inside += kill_midway(sqlite_url, jobs, _move(ana.id), typical, rng)
        check_the_file(path)
        open_ones = check_introductions(path)
    assert inside > 0
