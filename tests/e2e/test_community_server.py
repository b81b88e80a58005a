"""Two server processes over one PostgreSQL database: concurrent moves on the same
introductions from both keep the state machine's guarantees (one move wins, the other
is refused, nothing is half-written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.intro_records import IntroState
from kithbook.services.facade import Kithbook
from served import community_servers, services_for_servers

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROUNDS = 12


@pytest.fixture
def kb(postgres_schema_url: str, empty_postgres: Callable[[], None]) -> Iterator[Kithbook]:
    empty_postgres()
    with services_for_servers(postgres_schema_url) as services:
        yield services


@pytest.fixture
def servers(postgres_schema_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two servers, one of them with two workers, on the same database."""
    with community_servers(postgres_schema_url, tmp_path, 1, 2) as bases:
        yield bases


def test_concurrent_moves_from_two_processes_let_exactly_one_win(
        kb: Kithbook, servers: list[str]) -> None:
    ana = add_member(kb, "Ana")
    _, token = kb.accounts.create_api_token(ana.id, "test")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    intros = [kb.intros.record_received_request(ana.id, f"Requester {n}", cleo,
                                                "advice on structuring a first data team").id
              for n in range(ROUNDS)]
    auth = {"Authorization": f"Bearer {token}"}
    one, other = servers

    def move(base: str, intro: str, name: str, if_match: str | None) -> int:
        headers = {**auth, **({"If-Match": if_match} if if_match else {})}
        answer = httpx2.post(f"{base}/api/v1/introductions/{intro}/{name}",
                             json={"note": None}, headers=headers, timeout=30)
        return answer.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        for n, intro in enumerate(intros):
            seen = httpx2.get(f"{one}/api/v1/introductions/{intro}", headers=auth).headers["etag"]
            # Half the rounds name the version they saw, half leave it to the database.
            if_match = seen if n % 2 == 0 else None
            forward = pool.submit(move, one, intro, "forward", if_match)
            decline = pool.submit(move, other, intro, "decline", if_match)
            codes = [forward.result(), decline.result()]
            assert set(codes) <= {200, 403, 409, 412}, codes
            view = kb.intros.show(ana.id, intro)
            wins = codes.count(200)
            # Every move that was answered 200 is in the history, and only those.
            assert view.version == 1 + wins and len(view.history) == 1 + wins
            if if_match is not None:
                assert wins == 1, codes  # both saw version 1: only one may act on it
                assert view.state is (IntroState.FORWARDED if codes[0] == 200
                                      else IntroState.DECLINED)
            else:
                # Without a version, the second move is judged against the first one's state:
                # a decline after a forward is the off-platform target's no, recorded by Ana.
                assert wins >= 1
                assert view.state in (IntroState.FORWARDED, IntroState.DECLINED,
                                      IntroState.TARGET_DECLINED)
