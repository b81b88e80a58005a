from __future__ import annotations

from collections.abc import Callable

import pytest
from tie_histories import build_history

from kithbook.domain.evidence import TieEvidence


@pytest.fixture
def history() -> Callable[..., TieEvidence]:
    return build_history
