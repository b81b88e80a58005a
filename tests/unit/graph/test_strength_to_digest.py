"""From interaction rows to the weekly digest and the health report, as services will."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from kithbook.domain.digest import Budget, weekly_digest
from kithbook.domain.health import health_report
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.keep_in_touch import losing_touch
from kithbook.domain.stages import assess_stage
from kithbook.domain.tie_summary import TieSummary
from kithbook.graph.strength import DIRECTIONS, KINDS, day_number, tie_strength

TODAY = date(2026, 6, 1)
ME = MemberId("me")
PEOPLE = [("ana", "Ana", "Acme", ("investors",)), ("bo", "Bo", "Globex", ()),
          ("cy", "Cy", "Acme", ("alumni",))]


def _log(days_ago: int, kind: Kind, direction: Direction, *who: str) -> Interaction:
    return Interaction(InteractionId(f"{days_ago}-{kind}-{'-'.join(who)}"), ME, kind,
                       direction, TODAY - timedelta(days=days_ago), [ContactId(w) for w in who])


LOG = [
    _log(400, Kind.MET, Direction.MUTUAL, "ana", "cy"),  # a group dinner
    _log(300, Kind.ADVICE, Direction.RECEIVED, "ana"),
    _log(200, Kind.HELP, Direction.RECEIVED, "ana"),
    _log(120, Kind.MET, Direction.MUTUAL, "ana"),
    _log(100, Kind.RESOURCE_SHARED, Direction.GAVE, "ana"),
    _log(90, Kind.MET, Direction.MUTUAL, "ana"),
    _log(10, Kind.MET, Direction.MUTUAL, "bo"),
]


def test_book_flows_from_rows_to_digest_and_health() -> None:
    index = {cid: i for i, (cid, *_rest) in enumerate(PEOPLE)}
    rows = [(index[c], KINDS.index(i.kind), DIRECTIONS.index(i.direction),
             day_number(i.occurred_on)) for i in LOG for c in i.contact_ids]
    tie, kind, direction, day = (np.array(col) for col in zip(*rows, strict=True))
    n = len(PEOPLE)
    strength = tie_strength(tie=tie, kind=kind, direction=direction, day=day,
                            stated_trust=[4, 0, 0], start_day=[-1] * n,
                            correction=[math.nan] * n, correction_day=[-1] * n,
                            as_of=day_number(TODAY))
    ties = []
    for i, (cid, name, org, tags) in enumerate(PEOPLE):
        e = strength.evidence(i)
        ties.append(TieSummary(ContactId(cid), name, e, assess_stage(e).stage,
                               organization=org, tags=tags))

    assert [t.stage.value for t in ties] == ["trusted", "new acquaintance",
                                             "new acquaintance"]
    cadences = {"investors": 30, "alumni": 180}
    assert [s.name for s in losing_touch(ties, cadences, TODAY)] == ["Ana", "Cy"]

    digest = weekly_digest(ties, cadences, TODAY, Budget(minutes=45, items=5))
    assert [i.name for i in digest.items] == ["Ana", "Bo", "Cy"]
    assert "overdue" in digest.items[0].reason
    assert digest.minutes <= 45

    report = health_report(ties, LOG, TODAY)
    assert report.balance.total_gave == 1 and report.balance.total_received == 2
    assert report.organizations.largest == ("Acme", 2 / 3)
