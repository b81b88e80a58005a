"""Pure rules behind sessions, reset limits and community settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kithbook.domain.accounts import SessionPolicy, after_request, describe_agent, wait_seconds
from kithbook.domain.community import CommunitySettings
from kithbook.domain.errors import InvalidInput

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_a_window_lets_exactly_the_limit_through_then_waits_until_it_ends() -> None:
    throttle = None
    for n in range(3):
        assert wait_seconds([throttle], NOW) == 0, n
        throttle = after_request(throttle, NOW + timedelta(minutes=n), 3, timedelta(hours=1))
    assert wait_seconds([throttle], NOW + timedelta(minutes=5)) == 55 * 60 + 1
    assert wait_seconds([throttle], NOW + timedelta(hours=1)) == 0
    fresh = after_request(throttle, NOW + timedelta(hours=1), 3, timedelta(hours=1))
    assert (fresh.failures, fresh.retry_at) == (1, None)


def test_session_timeouts_must_be_positive() -> None:
    with pytest.raises(InvalidInput):
        SessionPolicy(idle=timedelta(0))
    assert SessionPolicy().idle < SessionPolicy().lifetime


@pytest.mark.parametrize(("agent", "shown"), [
    ("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
     "Firefox on Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("curl/8.5.0", "curl/8.5.0"),
    (None, "an unknown browser"),
])
def test_a_session_names_its_browser_in_words(agent: str | None, shown: str) -> None:
    assert describe_agent(agent) == shown


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"), ({"name": "x" * 101}, "name"),
    ({"mail_sender_name": 'Eve" <eve@evil.example>'}, "mail_sender_name"),
    ({"invitation_days": 0}, "invitation_days"), ({"invitation_days": 91}, "invitation_days"),
])
def test_community_settings_refuse_what_would_break_an_email_or_a_link(
        change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        CommunitySettings(**change)  # type: ignore[arg-type]
    assert refused.value.field == field
