# ccresearch: every target creates .venv and installs the project when needed.
# `make help` lists the targets (the `## ` comment above each one).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

## Show this help.
.PHONY: help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$1,t,":"); printf "  make %-10s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ccresearch)" >/dev/null
	touch $@

## Create .venv and install the project with its development tools.
.PHONY: install
install: $(STAMP)

## Build the processed data from data/raw (checksums verified; atomic).
.PHONY: data
data: $(STAMP)
	$(BIN)/ccresearch build

## The main job: build the data, run every notebook, write the HTML reports and reports/index.html.
.PHONY: reports
reports: $(STAMP)
	$(BIN)/ccresearch reports

## Run the whole test suite (lint, unit, notebooks, kernels, servers, browser).
.PHONY: test
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## Run the fast tests: lint and every test not marked slow (no kernels, servers or browsers; a few minutes).
.PHONY: test-fast
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 -m "not slow" -q

## Serve JupyterLab on the notebooks (headless, also as root) and print its URL; LAB_IP=0.0.0.0 for remote.
.PHONY: lab
LAB_IP ?= 127.0.0.1
LAB_PORT ?= 8888
LAB_TOKEN ?=
ifeq ($(strip $(LAB_TOKEN)),)
LAB_TOKEN := $(shell od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
endif
LAB_ROOT_FLAG = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
lab: $(STAMP)
	@echo "JupyterLab: http://$(LAB_IP):$(LAB_PORT)/lab?token=$(LAB_TOKEN)  (Ctrl-C stops it)"
	@$(BIN)/jupyter lab --no-browser --notebook-dir=notebooks --ip=$(LAB_IP) --port=$(LAB_PORT) \
		--ServerApp.port_retries=0 --IdentityProvider.token=$(LAB_TOKEN) $(LAB_ROOT_FLAG) \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.news_url=

## Run the benchmarks in bench/ (figures go to bench/results/).
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/bench_runner.py
	$(BIN)/python bench/bench_synth.py

## Strip outputs from the notebooks (run before committing a notebook).
.PHONY: strip
strip: $(STAMP)
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

## Lint and format the code.
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Remove generated data and reports (keeps .venv).
.PHONY: clean
clean:
	rm -rf data/processed/* reports bench/results
	touch data/processed/.gitkeep
