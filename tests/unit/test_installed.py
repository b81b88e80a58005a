"""The environment `make` builds: libraries that share a name must not replace each other."""

from __future__ import annotations

import urllib3


def test_urllib3_is_urllib3_not_its_fork() -> None:
    # urllib3-future (pulled in by caldav through niquests) can take over the `urllib3`
    # package; requests and the API fuzzers then fail on every call. Its versions end .9xx.
    patch = urllib3.__version__.split(".")[2]
    assert not (patch.isdigit() and int(patch) >= 900), (
        f"urllib3 {urllib3.__version__} is urllib3-future; rebuild the environment with "
        "`make clean test` (the Makefile installs it beside urllib3)")
