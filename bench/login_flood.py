"""Does a login flood hold up other requests? `/api/v1/me` timed alone and during a flood
of logins, on this tree and on an earlier revision, served side by side.

    PYTHONPATH=src .venv/bin/python bench/login_flood.py --against REV \\
        [--flooders 8] [--seconds 10] [--rounds 2]

Builds one community book (SQLite, in a temporary folder) with a member whose password
is real (Argon2id), and copies it for each code base. Each code base is served as
`kithbook serve --community --insecure-dev --workers 1` serves it, one uvicorn worker
(its own `src`, from `git archive REV src` for the earlier one). For each, in turns (so
that a burst of other work on the machine falls on both alike): one client asks
`/api/v1/me` (with an API token) one request after the other, first alone, then while
--flooders clients post the right password to `/login` as fast as they are answered.
Printed: the median, 95th percentile and maximum of `/api/v1/me` in each case, logins
answered per second, and the ratio earlier / this tree; the load average before and
after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.services import passwords
from web_load import free_port, wait_until_up

REPO = Path(__file__).resolve().parents[1]
EMAIL = "flood@example.org"
PASSWORD = "lantern orbit velvet"


def build(folder: Path) -> tuple[Path, str]:
    """A community book with one member who has a real password; (its file, a token)."""
    path = folder / "book.sqlite"
    kb = bootstrap(Settings(database_url=f"sqlite:///{path}"))
    member = Member(id=MemberId(new_id()), name="Flood", email=EMAIL, role=Role.ADMIN,
                    created_at=kb.clock.now())
    with kb.uow() as uow:
        uow.members.add(member)
        uow.accounts.add(member.id, passwords.hash_password(PASSWORD), kb.clock.now())
        uow.commit()
    _, token = kb.accounts.create_api_token(member.id, "bench")
    kb.close()
    return path, token


@contextmanager
def served(src: Path, book: Path, log: Path) -> Iterator[str]:
    port = free_port()
    # The app `kithbook serve --community --insecure-dev --workers 1` runs, started by
    # uvicorn itself: the command would first compile the path search for an extracted
    # revision (minutes on a busy machine), which no request here uses.
    env = {**os.environ, "PYTHONPATH": str(src), "KITHBOOK_DATABASE_URL": f"sqlite:///{book}",
           "KITHBOOK_INSECURE_DEV": "1"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "kithbook.web.server:community_app",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
             "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/login", timeout=300)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def time_me(base: str, token: str, seconds: float) -> list[float]:
    times = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            answer = client.get("/api/v1/me")
            times.append(time.perf_counter() - start)
            answer.raise_for_status()
    return times


def flood(base: str, stop: threading.Event, answered: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set():
            answer = client.post("/login", data={"email": EMAIL, "password": PASSWORD},
                                 follow_redirects=False)
            if answer.status_code != 303:
                raise RuntimeError(f"login answered {answer.status_code}")
            answered.append(1)


def measure(base: str, token: str, flooders: int, seconds: float) -> dict[str, list[float]]:
    alone = time_me(base, token, seconds / 2)
    stop, answered = threading.Event(), []
    threads = [threading.Thread(target=flood, args=(base, stop, answered))
               for _ in range(flooders)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the flood under way
    start = time.monotonic()
    during = time_me(base, token, seconds)
    rate = len(answered) / (time.monotonic() - start + 0.5)
    stop.set()
    for thread in threads:
        thread.join()
    return {"alone": alone, "flood": during, "logins": [rate]}


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
            ordered[-1] * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with")
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10, help="of flood, per turn")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.against, "src"],
                                 check=True, capture_output=True).stdout
        (folder / "old").mkdir()
        subprocess.run(["tar", "-x", "-C", str(folder / "old")], input=archive, check=True)
        book, token = build(folder)
        ways = {args.against: folder / "old" / "src", "this tree": REPO / "src"}
        results: dict[str, dict[str, list[float]]] = {
            way: {"alone": [], "flood": [], "logins": []} for way in ways}
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"{args.flooders} clients logging in, {args.seconds:g} s per turn", flush=True)
        for turn in range(args.rounds):
            for way in list(ways) if turn % 2 == 0 else list(reversed(ways)):
                copy = folder / f"{turn}-{way.replace(' ', '-')}.sqlite"
                shutil.copy(book, copy)
                with served(ways[way], copy, folder / f"{turn}-{way}.log".replace(" ", "-")) \
                        as base:
                    for key, values in measure(base, token, args.flooders,
                                               args.seconds).items():
                        results[way][key] += values
        print(f"{'/api/v1/me':22} {'median':>9} {'p95':>9} {'max':>9}  logins/s")
        for way, found in results.items():
            for case in ("alone", "flood"):
                median, p95, top = summary(found[case])
                rate = f"{statistics.mean(found['logins']):8.1f}" if case == "flood" else ""
                print(f"{way[:12] + ', ' + case:22} {median:7.1f}ms {p95:7.1f}ms "
                      f"{top:7.1f}ms  {rate}")
        old, new = results[args.against]["flood"], results["this tree"]["flood"]
        print(f"during the flood, {args.against} / this tree: median "
              f"{summary(old)[0] / summary(new)[0]:.1f}x, p95 "
              f"{summary(old)[1] / summary(new)[1]:.1f}x, max "
              f"{summary(old)[2] / summary(new)[2]:.1f}x")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
