# motcua — every entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := reports

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.motcua-installed
DATA     ?= data/processed
REPORTS  ?= reports
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
UNIT     ?=
SCHEDULER ?=
# Inputs: every top-level entry of data/raw/ except the shipped sample; the
# sample when data/raw/ holds nothing else.
RAW      ?= $(or $(filter-out data/raw/sample data/raw/README.md,$(wildcard data/raw/*)),data/raw/sample)
RAW_FILES := $(shell find -L $(RAW) -type f ! -name '.*' ! -name 'README.md' 2>/dev/null | sort)
CONFIG   := $(wildcard config/*.yaml config/*/*.yaml config/*.csv)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
SRC      := $(shell find src/motcua -type f \( -name '*.py' -o -name '*.yaml' -o -name '*.j2' -o -name '*.css' -o -name '*.js' -o -name '*.csv' \) 2>/dev/null)

# Everything Jupyter, matplotlib and IPython would write under $HOME stays in the project.
export JUPYTER_PLATFORM_DIRS := 1
export JUPYTER_CONFIG_DIR := $(CURDIR)/.cache/jupyter/config
export JUPYTER_DATA_DIR := $(CURDIR)/.cache/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CURDIR)/.cache/jupyter/runtime
export IPYTHONDIR := $(CURDIR)/.cache/ipython
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv reports report test test-fast lint fuzz lab sample lock audit bench kernels stop-kernels clean distclean

help: ## list every target with one line each
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: $(STAMP) ## create .venv from requirements.lock (once; reused afterwards)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .
	@touch $@

reports: $(REPORTS)/manifest.json ## build every report from data/raw (default: the shipped sample)

$(REPORTS)/manifest.json: $(STAMP) $(RAW_FILES) $(CONFIG) $(NOTEBOOKS) $(SRC)
	$(BIN)/motcua build $(RAW) --data $(DATA) --out $(REPORTS) --jobs $(JOBS) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

report: $(STAMP) ## one unit's report: make report UNIT=555
	@test -n "$(UNIT)" || { echo "usage: make report UNIT=<code>" >&2; exit 2; }
	$(BIN)/motcua build $(RAW) --data $(DATA) --out $(REPORTS) --units $(UNIT) --jobs 1

sample: $(STAMP) ## regenerate the synthetic sample in data/raw/sample (deterministic)
	$(BIN)/motcua sample --out data/raw/sample

test: $(STAMP) ## run the whole test suite (unit, notebook, end-to-end, browser)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) ## unit tests only (no report builds, no browser)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

lint: $(STAMP) ## ruff (lint and format check) over the code; fails when a notebook in notebooks/ is committed with outputs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_notebooks.py

fuzz: $(STAMP) ## property-based tests of the parsers with 10,000 examples each
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests -k "property"

lab: $(STAMP) ## open JupyterLab on the project's environment (kernel: the .venv Python)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP) ## run the benchmarks in bench/ (not tests; prints ratios; NATIONAL=1: 3,321 communes instead)
	$(BIN)/python bench/run.py $(if $(NATIONAL),--national,--write-readme)
	$(if $(NATIONAL),,$(BIN)/python bench/forecast_bench.py --write-readme)

audit: $(STAMP) ## check the lock for known vulnerabilities (pip-audit; says so when no advisory service is reachable)
	BIN=$(BIN) bash scripts/audit.sh

lock: ## refresh requirements.lock from pyproject.toml, then environment.yml from it
	$(BIN)/pip-compile --allow-unsafe --extra=dev --generate-hashes --no-emit-index-url --no-emit-find-links --output-file=requirements.lock --strip-extras pyproject.toml
	$(BIN)/python -m motcua.envfile requirements.lock > environment.yml

kernels: $(STAMP) ## list the warm kernels kept between builds (they leave after 10 idle minutes)
	$(BIN)/motcua kernels

stop-kernels: $(STAMP) ## stop the warm kernels kept between builds now
	$(BIN)/motcua kernels --stop

clean: ## remove built data and reports (keeps .venv and data/raw)
	rm -rf $(DATA)/* data/interim/* $(REPORTS)/* .cache/matplotlib
	@touch $(DATA)/.gitkeep data/interim/.gitkeep $(REPORTS)/.gitkeep

distclean: clean ## also remove .venv and caches
	rm -rf $(VENV) .cache
