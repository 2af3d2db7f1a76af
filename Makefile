# Two commands on a fresh machine: `make serve` and `make test`. Everything else is set-up they
# run for you, and each step is skipped when its inputs have not changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-requirements
HOST   ?= 127.0.0.1
PORT   ?= 8000

SITE_SOURCES := mkdocs.yml $(shell find docs snippets -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: serve test site clean check-python
.DEFAULT_GOAL := serve

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0])'
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "Python's venv module is missing: apt-get install -y python3-venv"; exit 1; }

$(STAMP): requirements.txt | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

site/index.html: $(STAMP) $(SITE_SOURCES)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

site: site/index.html

serve: site/index.html
	$(BIN)/python -m playground --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf site .pytest_cache
