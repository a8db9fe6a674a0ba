# Everything a developer or CI needs, from a fresh clone with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install site serve test lint typecheck pytest bench docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mkdocs-mldesign needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Build the example site (strict) into example_site/site/.
site: $(STAMP)
	cd example_site && ../$(BIN)/mkdocs build --strict

## Serve the example site with live reload on http://127.0.0.1:8000/.
serve: $(STAMP)
	cd example_site && ../$(BIN)/mkdocs serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

## Lint, type-check and run the whole test suite.
test: lint typecheck pytest

## Measure the plugin and the checker against their baselines.
bench: $(STAMP)
	@mkdir -p bench/out
	$(BIN)/python bench/run.py --build-sizes 100,1000 --check-sizes 100,1000,5000 --runs 5 \
		--write-docs docs/benchmarks.md --json bench/out/results.json

## Build this project's documentation (strict) into site/.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) site example_site/site .pytest_cache .mypy_cache .ruff_cache
