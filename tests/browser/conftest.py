"""A real server on loopback and Debian's Chromium driven by Playwright.

The browser tests skip, saying why, when /usr/bin/chromium is missing (`.ci/run`
installs it). Screenshots go to $KITHBOOK_SCREENSHOTS when set (`make screenshots`
points it at docs/screenshots), else to a temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.auth import Community
from loopback_smtp import Inbox, loopback_smtp

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, kb: Kithbook, community: Community | None = None) -> None:
        self.kb = kb
        self.port = _free_port()
        config = uvicorn.Config(create_app(kb, community), host="127.0.0.1", port=self.port,
                                log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _served(sqlite_url: str, community: Community | None) -> Iterator[LiveServer]:
    kb = bootstrap(Settings(database_url=sqlite_url), migrate=False)
    with LiveServer(kb, community) as server:
        yield server
    kb.close()


@pytest.fixture
def live(sqlite_url: str) -> Iterator[LiveServer]:
    yield from _served(sqlite_url, None)


@pytest.fixture
def live_mail(sqlite_url: str) -> Iterator[tuple[LiveServer, Inbox]]:
    """A local book that sends email to a real SMTP server on loopback, its public URL
    the served address (as a tunnel would give it)."""
    kb = bootstrap(Settings(database_url=sqlite_url), migrate=False)
    with loopback_smtp() as (inbox, port):
        kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@book.example")
        server = LiveServer(kb)
        kb.settings = replace(kb.settings, public_url=server.url)
        with server:
            yield server, inbox
    kb.close()


@pytest.fixture
def community(sqlite_url: str) -> Iterator[LiveServer]:
    """The community app over plain HTTP on loopback, as `--insecure-dev` serves it."""
    yield from _served(sqlite_url, Community(secure_cookies=False))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium "
                    "(apt-get install -y chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


def _answered_a_mistake(text: str) -> bool:
    # A form with a mistake is answered 409 or 422 on purpose; anything else (a missing
    # asset, a server error, a script error) fails the test.
    return text.startswith("Failed to load resource") and ("status of 422" in text
                                                           or "status of 409" in text)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not _answered_a_mistake(msg.text) else None)
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("KITHBOOK_SCREENSHOTS")
    folder = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
