# Every target sets up .venv first when it is missing or stale, so a fresh
# clone needs nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench screenshots clean haproxy

# caldav needs niquests, whose urllib3-future would otherwise replace urllib3 itself
# (at every start, through a .pth file) and break requests; built from source with
# URLLIB3_NO_OVERRIDE it lives beside urllib3 instead.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kithbook needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	URLLIB3_NO_OVERRIDE=1 $(PY) -m pip install --quiet --no-binary urllib3-future -e '.[dev]'
	@touch $(STAMP)

# The demo lives in its own file, rebuilt each time, so your own book is never touched.
DEMO_DB ?= demo.sqlite

demo: $(STAMP)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/kithbook --database $(DEMO_DB) demo

# Tests run on every core (`make test TEST_WORKERS=0` runs them in one process); each
# worker has its own SQLite files, PostgreSQL schema, ports and browser.
TEST_WORKERS ?= auto

# The multi-server test (tests/e2e/test_multi_server.py) runs app servers behind Debian's
# HAProxy: installed here when missing and this user may; else that test skips and says so.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy \
	  || { command -v apt-get >/dev/null 2>&1 && test "$$(id -u)" = 0 \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null); } \
	  || echo "no HAProxy here (apt-get install haproxy): the multi-server test will skip"

test: $(STAMP) haproxy
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) bench/bulk_load.py

# Retakes docs/screenshots/*.png with the browser tests.
screenshots: $(STAMP)
	KITHBOOK_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/browser -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
