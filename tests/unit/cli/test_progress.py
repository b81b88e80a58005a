"""Long work shows its progress: a bar on a terminal, a line now and then in a log."""

from __future__ import annotations

import io

from rich.console import Console

from kithbook.cli.progress import Meter


def test_a_log_gets_a_line_every_so_many_items() -> None:
    out = io.StringIO()
    with Meter("records", every=100, err=Console(file=out, force_terminal=False)) as meter:
        meter.expect(350, "contacts.vcf")
        for done in range(0, 351, 10):
            meter.count(done, 350)
    assert out.getvalue().splitlines() == ["read 100 records", "read 200 records",
                                           "read 300 records"]


def test_a_terminal_sees_a_bar_with_the_count_and_what_is_counted() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with Meter("messages", err=console) as meter:
        meter.expect(40, "work mail")
        meter.count(25)
    # The last frame is drawn as the bar closes (and then wiped from the screen).
    assert "work mail" in out.getvalue() and "25/40" in out.getvalue()
