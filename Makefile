# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ML_STAMP := $(VENV)/.installed-ml
BROWSER_STAMP := $(VENV)/.installed-browser
CHROMIUM := /usr/bin/chromium
CODE := $(wildcard src tests bench)
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_test

.PHONY: run test install install-ml install-browser lint format test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hireloop needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The ml extra (sentence embeddings for the screening scorer). torch first, pinned: this
# version is a CPU wheel on our machines, while an unpinned torch pulls a multi-GB CUDA build.
$(ML_STAMP): $(STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,ml]'
	@touch $(ML_STAMP)

install-ml: $(ML_STAMP)

# Headless Chromium for the web page tests (Debian package; Python playwright drives it).
# apt-get runs only when $(CHROMIUM) is missing: as root, else through sudo when there is
# one. When it cannot be installed, a warning, and the browser tests skip themselves; the
# stamp is only written once the browser is there, so a later run tries again.
$(BROWSER_STAMP): $(STAMP)
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; \
		elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
		else SUDO="none"; fi; \
		if [ "$$SUDO" = none ]; then \
			echo "warning: $(CHROMIUM) is missing and there is neither root nor sudo to install it"; \
		else \
			$$SUDO apt-get update && \
			$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || \
			echo "warning: could not install chromium; the browser tests will be skipped"; \
		fi; \
	fi
	@if [ -x $(CHROMIUM) ]; then touch $(BROWSER_STAMP); fi

install-browser: $(BROWSER_STAMP)

run: install
	$(BIN)/hireloop demo
	$(BIN)/hireloop serve

lint: install
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: install
	$(BIN)/ruff check --fix $(CODE)
	$(BIN)/ruff format $(CODE)

test-sqlite: install-ml install-browser
	@echo "== SQLite =="
	HIRELOOP_TEST_DATABASE_URL= $(BIN)/pytest

test-postgres: install-ml install-browser
	@if $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
		echo "== PostgreSQL at 127.0.0.1:5432 =="; \
		HIRELOOP_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest; \
	else \
		echo "PostgreSQL not reachable at 127.0.0.1:5432: skipping the PostgreSQL run"; \
	fi

# The two runs at once, one a core (~9 min instead of ~15 one after the other): they share
# nothing but Redis, where the tests use keys of their own. Each run's output is printed
# whole when it ends; the target fails when either run does.
test: lint install-ml install-browser
	@echo "== the suite on SQLite and on PostgreSQL, side by side (output of each when it ends) =="
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install-ml
	-$(BIN)/python bench/partner_api.py
	$(BIN)/python bench/resume_accuracy.py
	$(BIN)/python bench/resume_throughput.py
	$(BIN)/python bench/scoring_quality.py
	-$(BIN)/python bench/career_apply.py
	-$(BIN)/python bench/leads_search.py
	-$(BIN)/python bench/campaign_view.py
	-$(BIN)/python bench/csv_import.py

clean:  # keeps var/ (your data)
	rm -rf $(VENV) .pytest_cache .ruff_cache
