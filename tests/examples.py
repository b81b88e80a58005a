"""How many examples a property test or a fuzzer tries.

The suite's counts are what finds, within CI's time, the bugs a property is there for.
`KITHBOOK_HYPOTHESIS_PROFILE=long` runs the long counts, for a run with time to spare
(conftest.py also gives every property that names no count of its own 1,000 examples).
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("KITHBOOK_HYPOTHESIS_PROFILE", "default")


def examples(suite: int, long: int) -> int:
    """`suite` examples in the suite, `long` in the long run."""
    return long if PROFILE == "long" else suite
