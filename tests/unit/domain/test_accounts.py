"""Password rules and login throttling, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kithbook.domain.accounts import (
    ADDRESS_FAILURES,
    MAX_PAUSE,
    after_address_failure,
    after_pair_failure,
    check_password,
    common_passwords,
    normalize_email,
    wait_seconds,
)
from kithbook.domain.errors import InvalidInput

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize("password", ["short", "password123", "Qwerty123", "iloveyou1",
                                      "12345678", "ana@example.org", "ANA@example.org"])
def test_short_and_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password, email="ana@example.org")
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", ["lantern orbit velvet", "x" * 64, "tRoMbOnE-gLaCiEr",
                                      "no digits or symbols needed"])
def test_long_uncommon_passwords_need_no_composition(password: str) -> None:
    check_password(password, email="ana@example.org")


def test_the_common_list_is_shipped_and_folded() -> None:
    words = common_passwords()
    assert len(words) > 10_000
    assert all(word == word.casefold() and len(word) >= 8 for word in words)


def test_emails_are_folded_and_checked() -> None:
    assert normalize_email("  Ana@Example.ORG ") == "ana@example.org"
    with pytest.raises(InvalidInput):
        normalize_email("ana at example")


def test_a_pair_gets_free_attempts_then_doubling_pauses_up_to_a_cap() -> None:
    throttle = None
    pauses = []
    for _ in range(20):
        throttle = after_pair_failure(throttle, NOW)
        pauses.append(throttle.retry_at - NOW if throttle.retry_at else timedelta(0))
    assert pauses[:3] == [timedelta(0)] * 3
    assert pauses[3:6] == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4)]
    assert max(pauses) == MAX_PAUSE


def test_an_address_waits_only_past_its_cap_and_only_for_the_window() -> None:
    throttle = None
    for _ in range(ADDRESS_FAILURES - 1):
        throttle = after_address_failure(throttle, NOW)
    assert wait_seconds([throttle], NOW) == 0
    throttle = after_address_failure(throttle, NOW)
    assert wait_seconds([throttle], NOW) > 0
    assert wait_seconds([throttle], NOW + timedelta(hours=1)) == 0
