# The two commands a newcomer runs: `make run` and `make test`. Both create .venv when it is absent.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: run test install install-test translations screenshots bench bench-smoke lint format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: migrate, load the content and the demo data, serve on http://127.0.0.1:5000 (or HOST and PORT:
## every command of it, the demo's "Sign in at" line included, takes its default PUBLIC_BASE_URL from them)
run: export FLASK_RUN_HOST := $(HOST)
run: export FLASK_RUN_PORT := $(PORT)
run: install
	$(BIN)/elearning db upgrade
	$(BIN)/elearning content sync
	$(BIN)/elearning demo
	$(BIN)/elearning run --host $(HOST) --port $(PORT)

## make test: ruff, the layers (import-linter), the types (mypy), then the whole test suite (SQLite unless
## TEST_DATABASE_URL says otherwise)
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## make translations: extract the messages and update the catalogs (then translate the new French entries)
translations: install-test
	$(BIN)/python tools/i18n.py update

## make screenshots: regenerate docs/screenshots/ (the README's) with Chromium, on a fresh demo database
screenshots: install-test
	$(BIN)/python tools/screenshots.py

## make bench: every page against a bare endpoint of the same size, on SQLite and PostgreSQL; fails on a missed
## budget (docs/performance.md; options in BENCH_ARGS, e.g. BENCH_ARGS='--db sqlite --check cpu')
bench: install-test
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make bench-smoke: the same, one short round, budgets reported but not enforced (CI)
bench-smoke: install-test
	$(BIN)/python bench/run.py --smoke $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
