"""The in-memory unit of work answers as the database does: one script of introduction
use cases, run against the fake and against SQLite and PostgreSQL, reads the same.
When a repository changes its behaviour, this is the test that says the fake must too."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes import FakeUnitOfWork, FixedClock
from tests.unit.services.introduction_world import seed

from kithbook.domain.errors import KithbookError
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.introductions import IntroView, Rating
from kithbook.services import introductions as intros
from kithbook.services.facade import Kithbook
from kithbook.services.ports import UnitOfWork

Step = Callable[[], object]


def _script(uow: Callable[[], UnitOfWork], clock: FixedClock) -> list[str]:
    """What each member reads after each step, with ids replaced by names."""
    world = seed(uow, clock)
    members = {world.ana.id: "Ana", world.ben.id: "Ben", world.dan.id: "Dan"}
    ids: list[str] = []
    limits = FairUseLimits(max_open_requests=2)

    def ask(target: str) -> IntroView:
        view = intros.request_introduction(uow(), world.ben.id, world.ana.id, target,
                                           "advice on hiring a designer", clock, limits=limits)
        ids.append(view.id)
        clock.advance(0.01)
        return view

    steps: list[tuple[str, Step]] = [
        ("ask", lambda: ask(world.cleo)),
        ("ask hidden", lambda: ask(world.hidden)),
        ("ben forwards", lambda: intros.forward(uow(), world.ben.id, ids[0], clock)),
        ("ana forwards", lambda: intros.forward(uow(), world.ana.id, ids[0], clock)),
        ("ask again", lambda: ask(world.cleo)),
        ("over the cap", lambda: ask(world.cleo)),
        ("ana declines", lambda: intros.decline(uow(), world.ana.id, ids[1], clock,
                                                private_reason="not now")),
        ("ana makes", lambda: intros.make(uow(), world.ana.id, ids[0], clock)),
        ("ben rates", lambda: intros.record_outcome(uow(), world.ben.id, ids[0],
                                                    Rating.POSITIVE, clock)),
        ("dan looks", lambda: intros.show(uow(), world.dan.id, ids[0])),
        ("ask late", lambda: ask(world.cleo)),
        ("a year on", lambda: clock.advance(365)),
        ("expire", lambda: intros.expire_due(uow(), clock)),
    ]
    transcript: list[str] = []
    for name, step in steps:
        try:
            step()
            outcome = "ok"
        except KithbookError as error:
            outcome = f"{type(error).__name__}: {error}"
        transcript.append(f"{name}: {outcome}")
        for member, who in members.items():
            for view in intros.list_introductions(uow(), member):
                moves = ",".join(m.kind.value for m in view.history)
                open_moves = ",".join(m.value for m in view.open_moves)
                transcript.append(f"  {who} sees {view.state.value} [{moves}] "
                                  f"outcomes={len(view.outcomes)} may={open_moves} "
                                  f"reasons={len(view.private_reasons)}")
    text = "\n".join(transcript)
    for index, intro_id in enumerate(ids):
        text = text.replace(intro_id, f"<intro {index}>")
    return text.splitlines()


def test_the_fake_reads_as_the_database_does(kb: Kithbook) -> None:
    fake = FakeUnitOfWork()
    assert _script(lambda: fake, FixedClock()) == _script(kb.uow, FixedClock())
