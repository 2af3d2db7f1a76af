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

SITE_SOURCES := mkdocs.yml browser-pins.toml $(shell find docs snippets frontend playground -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: serve test site clean check-python check-node
.DEFAULT_GOAL := serve

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0])'
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "Python's venv module is missing: apt-get install -y python3-venv"; exit 1; }

check-node:
	@command -v npm >/dev/null || { echo "Node.js and npm are needed to build the site's runtime: apt-get install -y nodejs npm"; exit 1; }

$(STAMP): requirements.txt | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# Put this checkout on the venv's path, so `python snippets/…_client.py` finds `playground`
	# (what `pip install -e .` would do, without fetching a build backend).
	$(BIN)/python -c 'import site, sys; open(site.getsitepackages()[0] + "/async_fastapi_live.pth", "w").write(sys.argv[1] + "\n")' "$(CURDIR)"
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

test: $(SITE_STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf site .pytest_cache
