# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ML_STAMP := $(VENV)/.installed-ml
CODE := $(wildcard src tests bench)
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/hireloop_test

.PHONY: run test install install-ml lint format test-sqlite test-postgres bench clean

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

run: install
	$(BIN)/hireloop demo
	$(BIN)/hireloop serve

lint: install
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: install
	$(BIN)/ruff check --fix $(CODE)
	$(BIN)/ruff format $(CODE)

test-sqlite: install-ml
	HIRELOOP_TEST_DATABASE_URL= $(BIN)/pytest

test-postgres: install-ml
	@if $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
		echo "== PostgreSQL at 127.0.0.1:5432 =="; \
		HIRELOOP_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest; \
	else \
		echo "PostgreSQL not reachable at 127.0.0.1:5432: skipping the PostgreSQL run"; \
	fi

test: lint
	@echo "== SQLite =="
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

bench: install-ml
	-$(BIN)/python bench/partner_api.py
	$(BIN)/python bench/resume_accuracy.py
	$(BIN)/python bench/resume_throughput.py
	$(BIN)/python bench/scoring_quality.py

clean:  # keeps var/ (your data)
	rm -rf $(VENV) .pytest_cache .ruff_cache
