"""The usage example in docs/trust.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

DOC = Path(__file__).resolve().parents[3] / "docs" / "trust.md"


def test_usage_example_in_the_docs_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert blocks, "docs/trust.md lost its usage example"
    namespace = {
        "src": np.array([0, 1, 2, 0], dtype=np.int32),
        "dst": np.array([1, 2, 0, 2], dtype=np.int32),
        "weight": np.array([1.0, 0.5, -0.5, 0.25], dtype=np.float32),
        "members": 3,
        "me": 0,
        "v": 2,
        "admitted_by_invitation": [0, 1],
    }
    exec(blocks[-1], namespace)
    assert namespace["mine"].score[0] == 1.0
    assert [voucher.rater for voucher in namespace["why"]] == [0, 1]
