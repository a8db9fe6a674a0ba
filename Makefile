# Everything a developer or CI needs, from a fresh clone with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install routes preflight site site-zensical serve test lint typecheck pytest bench bench-lsp vsix docs clean

# The browser tests drive this Chromium (tests/conftest.py reads MLDESIGN_CHROMIUM).
CHROMIUM ?= /usr/bin/chromium

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mkdocs-mldesign needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Backstage TechDocs pins its own Material and Markdown versions, so its route is tested
# in a venv of its own; DOMPurify (from npm) runs in Chromium over the built pages, and so
# does axe-core, the accessibility audit (tests/browser/test_accessibility.py).
TECHDOCS := .venv-techdocs
TECHDOCS_STAMP := $(TECHDOCS)/.installed
DOMPURIFY := .node/node_modules/dompurify/dist/purify.min.js
AXE := .node/node_modules/axe-core/axe.min.js
NODE_PACKAGES := dompurify@3.4.18 axe-core@4.14.1

$(TECHDOCS_STAMP): pyproject.toml
	$(PYTHON) -m venv $(TECHDOCS)
	$(TECHDOCS)/bin/python -m pip install --quiet --upgrade pip
	$(TECHDOCS)/bin/python -m pip install --quiet -e . mkdocs-techdocs-core==1.7.1 mkdocs-monorepo-plugin==1.1.2
	@touch $@

# The core and the command line without MkDocs or Material: the lighter install the docs
# describe (docs/installing.md), tested in a venv of its own.
CORE := .venv-core
CORE_STAMP := $(CORE)/.installed
CORE_DEPS := pyyaml jsonschema jsonschema-rs jinja2 markdown markupsafe pathspec babel

$(CORE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(CORE)
	$(CORE)/bin/python -m pip install --quiet --upgrade pip
	$(CORE)/bin/python -m pip install --quiet --no-deps -e .
	$(CORE)/bin/python -m pip install --quiet $(CORE_DEPS)
	@touch $@

# MLflow is a large install and the plugin reads it over its REST API without it, so the
# tracking server the evidence tests start (tests/routes/test_mlflow.py) has a venv of its own.
MLFLOW := .venv-mlflow
MLFLOW_STAMP := $(MLFLOW)/.installed

$(MLFLOW_STAMP):
	$(PYTHON) -m venv $(MLFLOW)
	$(MLFLOW)/bin/python -m pip install --quiet --upgrade pip
	$(MLFLOW)/bin/python -m pip install --quiet mlflow==3.18.0
	@touch $@

# The Zensical route is tested with the oldest Zensical it supports (the dev extra's pin, in
# .venv) and the newest that installs from the registry, here (docs/zensical.md names both).
ZENSICAL_NEWEST := 0.1.2
ZENSICAL := .venv-zensical
ZENSICAL_STAMP := $(ZENSICAL)/.installed

$(ZENSICAL_STAMP): pyproject.toml
	$(PYTHON) -m venv $(ZENSICAL)
	$(ZENSICAL)/bin/python -m pip install --quiet --upgrade pip
	$(ZENSICAL)/bin/python -m pip install --quiet -e . zensical==$(ZENSICAL_NEWEST)
	@touch $@

# One npm command for every package: a second `npm install --no-save` into the same
# prefix would prune what the first installed.
$(DOMPURIFY) $(AXE) &:
	npm install --silent --no-audit --no-fund --no-save --prefix .node $(NODE_PACKAGES)

routes: $(TECHDOCS_STAMP) $(CORE_STAMP) $(MLFLOW_STAMP) $(ZENSICAL_STAMP) $(DOMPURIFY) $(AXE)

## Build the example site (strict) into example_site/site/.
site: $(STAMP)
	cd example_site && ../$(BIN)/mkdocs build --strict

## Build the example site with Zensical (checked and staged by `mldesign zensical`) into example_site/site-zensical/.
site-zensical: $(STAMP)
	cd example_site && ../$(BIN)/mldesign zensical --site-dir site-zensical && ../$(BIN)/zensical build --clean -f mkdocs.mldesign.yml

## Serve the example site with live reload on http://127.0.0.1:8000/.
serve: $(STAMP)
	cd example_site && ../$(BIN)/mkdocs serve

# What `make test` needs beyond Python, said in one line before anything runs: Chromium for
# the browser tests, and npm while the .node packages are not installed yet.
preflight:
	@test -x "$(CHROMIUM)" || { echo "make test needs Chromium, and $(CHROMIUM) is missing: install it (Debian: apt-get install chromium) or run make test CHROMIUM=/path/to/chromium" >&2; exit 1; }
	@test -f $(DOMPURIFY) -a -f $(AXE) || command -v npm >/dev/null 2>&1 || { echo "make test needs npm to install DOMPurify and axe-core into .node/, and npm is missing: install Node.js with npm" >&2; exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Under make a browser test that cannot start fails; it never skips.
pytest: preflight $(STAMP) routes
	MLDESIGN_REQUIRE_BROWSER=1 MLDESIGN_CHROMIUM="$(CHROMIUM)" $(BIN)/pytest

## Lint, type-check and run the whole test suite (needs Chromium and npm; see README).
test: preflight lint typecheck pytest

## Measure the plugin and the checker against their baselines.
bench: $(STAMP)
	@mkdir -p bench/out
	$(BIN)/python bench/run.py --build-sizes 100,1000,5000 --full-nav 1000 --serve 1000 \
		--check-sizes 100,1000,5000 --git 1000 --evidence 1000 --runs 5 --large-runs 3 \
		--write-docs docs/benchmarks.md --json bench/out/results.json
	$(BIN)/python bench/lsp_bench.py --designs 1000 --json bench/out/lsp.json

## Measure `mldesign lsp` on a site of 1,000 designs with a real client: ready time, latency, memory.
bench-lsp: $(STAMP)
	$(BIN)/python bench/lsp_bench.py --designs 1000

## Package the VS Code extension (editors/vscode/) as editors/vscode/mldesign.vsix, with @vscode/vsce from npm.
vsix:
	cd editors/vscode && npm install --silent --no-audit --no-fund && npm run --silent package

## Build this project's documentation (strict) into site/.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) $(TECHDOCS) $(CORE) $(MLFLOW) $(ZENSICAL) .node editors/vscode/node_modules editors/vscode/*.vsix site example_site/site example_site/site-zensical example_site/.mldesign example_site/.cache example_site/mkdocs.mldesign.yml .pytest_cache .mypy_cache .ruff_cache
