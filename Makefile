# Two commands on a fresh machine: `make serve` and `make test`. Everything else is set-up they
# run for you, and each step is skipped when its inputs have not changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-requirements
HOST   ?= 127.0.0.1
PORT   ?= 8000

NODE_STAMP := node_modules/.package-lock.json
SITE_STAMP := site/.built

SITE_SOURCES := mkdocs.yml browser-pins.toml $(shell find docs snippets exercises frontend playground -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: serve test check site lint lock clean check-python check-node
.DEFAULT_GOAL := serve

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0])'
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "Python's venv module is missing: apt-get install -y python3-venv"; exit 1; }

check-node:
	@command -v npm >/dev/null || { echo "Node.js and npm are needed to build the site's runtime: apt-get install -y nodejs npm"; exit 1; }

# requirements.txt is the lock: every package at one version with its sha256 (pip refuses any
# other). It is generated from pyproject.toml by `make lock`, never written by hand.
$(STAMP): requirements.txt pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	# The project itself, editable and without dependencies (the lock has them): the `playground`
	# command, and `playground` importable from anywhere (`python snippets/…_client.py`). Built
	# with the setuptools the lock installed (hash-checked), not one fetched into an isolated env.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# npm ci verifies every package against package-lock.json's integrity hashes.
$(NODE_STAMP): package.json package-lock.json | check-node
	npm ci --no-audit --no-fund --loglevel=error

# The pages, then the self-hosted runtime (Pyodide, wheels, editor), each file checked against
# browser-pins.toml. Downloads are cached: a rebuild with nothing changed fetches nothing.
$(SITE_STAMP): $(STAMP) $(NODE_STAMP) $(SITE_SOURCES)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m playground.runtime --site-dir site
	touch $@

site: $(SITE_STAMP)

serve: $(SITE_STAMP)
	$(BIN)/python -m playground --host $(HOST) --port $(PORT)

# Three phases, each its own pytest (every phase runs even when one failed; the target fails if any
# did). pytest-xdist workers (a file per worker) for the tests without Chromium, then for those
# with it: not one run of both, because a process that has started Playwright cannot run an anyio
# test after it (tests/conftest.py says why), and xdist hands each worker whole files in any order.
# Three workers for the first phase, whose tests mostly wait on servers and sockets (91 s on two,
# 65 s on three or four); two for the browsers, which keep both cores busy (three: 5 min 30 s
# against 5 min 45 s, within noise). Then the quiet phase: the tests that measure CPU time or 10 ms
# steps (the `alone` mark), with nothing else running. Those under CPython only (timed snippets, the
# terminal's loop picture) need one core each and run two side by side (52 s one at a time, 29 s
# in pairs, measured); then one at a time those that drive Chromium (which takes more than a core)
# and the lessons that keep both cores busy (`both_cores`). All use the site built above
# (tests/site_pages.py: fresh_site).
# The browser phase records no Playwright trace (pytest-playwright's tracing always takes
# screenshots: the phase took 12 min traced, 7 min 26 s untraced). The tests that failed run once
# more, traced, and leave test-results/browser/<test>/trace.zip; that second run cannot turn the
# phase green. Each phase after the first keeps its traces in its own folder (pytest-playwright
# empties its --output folder when a session starts, whatever the session runs: the paired phase
# emptied test-results/, failed browser tests' traces with it).
# The parallel browser phase's Chromium compiles wasm with V8's baseline compiler only
# (--wasm-baseline-only, tests/conftest.py): its tests check behaviour, not speed, and the
# optimizing compiler's background work was a third of the CPU of each Python start (the phase
# alone: 302 s, then 252 s with this and 8a9365f's 19 page loads fewer; about 30 s of it this).
# The quiet phase runs Chromium as a reader's runs.
# Not kept, twice: the server tests beside the browser tests (those under `nice`), 40-45 s
# faster. First two of five clean-clone runs failed a lab test; both were bugs, since fixed (a
# test whose waits returned at once; a lock keeper a lost cancellation kept alive). Then one of
# two failed an exercise check in the page: a right answer's fast clients got their message
# after 0.18 s, the bound 0.15 s. Under `nice -n 15` a browser gets about 1/28 of the CPU a
# server test gets when both want it, so the page's loop stalls for 100 ms and more, and the
# exercise checks judge steps of 10 ms to 0.3 s. Without `nice` a server test's latency bound broke.
# --durations: the slowest tests close each phase, so the next slowdown is seen when it lands.
BROWSER := -m "browser and not alone" --output=test-results/browser --wasm-baseline-only
PAIRED  := alone and not browser and not both_cores
test: $(SITE_STAMP)
	@status=0; \
	$(BIN)/python -m pytest -n 3 --dist loadfile -m "not browser and not alone" --durations=10 || status=1; \
	$(BIN)/python -m pytest -n 2 --dist loadfile $(BROWSER) --tracing=off --durations=10 || { status=1; \
		echo "make test: the failed browser tests once more, traced (this run does not change the result)"; \
		$(BIN)/python -m pytest $(BROWSER) --last-failed --last-failed-no-failures=none -q || true; }; \
	$(BIN)/python -m pytest -n 2 -m "$(PAIRED)" --output=test-results/paired --durations=5 || status=1; \
	$(BIN)/python -m pytest -m "alone and not ($(PAIRED))" --output=test-results/alone-browser --durations=5 || status=1; \
	exit $$status

# Before a commit: lint, then the fast tests on three workers (no browser, no built site, nothing
# marked slow, nothing that needs the machine quiet: tests/conftest.py marks the first three from
# their fixtures). `make test` runs everything.
check: lint
	$(BIN)/python -m pytest -n 3 -q -m "not browser and not site and not slow and not alone" --durations=5

# ruff (lint and format), mypy on playground/, and the site's JavaScript checked from its JSDoc.
# Every checker runs, so one run lists every problem; the target fails if any of them failed.
lint: $(STAMP) $(NODE_STAMP)
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy || status=1; \
	npm run --silent typecheck || status=1; \
	exit $$status

# Regenerate the lock from pyproject.toml: versions already locked stay unless a range excludes
# them (`make lock LOCK_FLAGS=--upgrade` takes the newest allowed), for Python 3.11.5+ (the
# oldest pymdown-extensions allows) on any platform. uv resolves and hashes; it is
# a maintainer's tool, so it is installed here rather than locked. Not after $(STAMP): a lock that
# does not install (a pin added by hand, without its hash) must not stop its own repair.
UV_VERSION := 0.13.8
lock: | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra test --extra docs --extra lint --extra bench --extra build --universal \
		--python-version 3.11.5 --generate-hashes --custom-compile-command "make lock" \
		--quiet $(LOCK_FLAGS) -o requirements.txt

clean:
	rm -rf site .pytest_cache
