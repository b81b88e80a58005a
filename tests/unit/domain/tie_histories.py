"""Evidence for one tie built from a readable history, for domain tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from kithbook.domain.evidence import TieEvidence
from kithbook.domain.interactions import Direction, Kind

TODAY = date(2026, 6, 1)

Event = tuple[int, Kind, Direction]  # days ago, kind, direction


def build_history(events: Sequence[Event], *, trust: int | None = None,
                  known_days: int | None = None, strength: float = 0.5) -> TieEvidence:
    """Evidence for one tie from what was logged: (days ago, kind, direction) events."""
    counts = Counter((kind, direction) for _, kind, direction in events)
    days = [TODAY - timedelta(days=ago) for ago, _, _ in events]
    first = min(days) if days else None
    start = TODAY - timedelta(days=known_days) if known_days is not None else None
    known = min(d for d in (first, start) if d is not None) if (first or start) else None
    return TieEvidence(as_of=TODAY, strength=strength, computed=strength, counts=dict(counts),
                       first_contact=first, last_contact=max(days) if days else None,
                       known_since=known, stated_trust=trust)
