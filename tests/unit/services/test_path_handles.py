"""A path handle names its contact only to the server, for its searcher and introducer,
for a week; two searches never hand out the same one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kithbook.domain.ids import ContactId, MemberId
from kithbook.services.path_handles import LENGTH, LIFETIME, Search, looks_like_handle, resolve

KEY = bytes(range(32))
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
BOB, CAROL, ALICE = MemberId("bob000000000"), MemberId("carol0000000"), MemberId("alice0000000")
BOOK = [ContactId(f"contact{i:05d}") for i in range(200)]
YOLANDA = BOOK[137]


def _handle(searcher: MemberId = BOB, at: datetime = NOW) -> str:
    return Search.start(KEY, searcher, at).handle(ALICE, YOLANDA)


def test_a_handle_resolves_for_its_searcher_and_introducer() -> None:
    handle = _handle()
    assert len(handle) == LENGTH and looks_like_handle(handle)
    assert YOLANDA not in handle
    assert resolve(KEY, handle, BOB, ALICE, BOOK, NOW + LIFETIME) == YOLANDA


def test_two_searches_hand_out_unrelated_handles_for_one_contact() -> None:
    assert _handle() != _handle()


def test_anyone_else_a_stale_handle_or_a_changed_letter_resolves_to_nothing() -> None:
    handle = _handle()
    changed = handle[:-1] + ("a" if handle[-1] != "a" else "b")
    assert resolve(KEY, handle, CAROL, ALICE, BOOK, NOW) is None  # borrowed
    assert resolve(KEY, handle, BOB, CAROL, BOOK, NOW) is None  # another introducer
    assert resolve(bytes(32), handle, BOB, ALICE, BOOK, NOW) is None  # another key
    assert resolve(KEY, changed, BOB, ALICE, BOOK, NOW) is None
    assert resolve(KEY, handle, BOB, ALICE, BOOK, NOW + LIFETIME + timedelta(minutes=1)
                   ) is None
    assert resolve(KEY, _handle(at=NOW + timedelta(hours=1)), BOB, ALICE, BOOK, NOW) is None
    assert resolve(KEY, "a" * LENGTH, BOB, ALICE, BOOK, NOW) is None
    assert resolve(KEY, "contact00137", BOB, ALICE, BOOK, NOW) is None
