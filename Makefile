# The verbs people use. Everything installs from uv.lock; uv itself is bootstrapped when missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_BIN := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
UV := $(UV_BIN)
RUN := $(UV) run --frozen --no-sync
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never
SEED ?= 7
SCALE ?= 1
MANIFEST := dbt_project/target/manifest.json
RAW_DIR := $(or $(VF_RAW_DIR),data/raw)

.PHONY: help setup manifest sample run dev test lint evaluate docs query doctor report screenshot backfill nightly bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV_BIN):
	@echo "uv not found: installing it for this user (python3 -m pip install --user uv)"
	python3 -m pip install --user --quiet uv

.venv/.synced: uv.lock pyproject.toml | $(UV_BIN)
	$(UV) sync --frozen --compile-bytecode  # .pyc at install: PYTHONDONTWRITEBYTECODE machines recompile on every start otherwise
	$(RUN) python -m compileall -q pipeline  # the project's own too (~0.2 s of each start); an edited module is compiled again in memory
	@touch $@

setup: .venv/.synced $(DAGSTER_HOME)/dagster.yaml  ## create the environment from uv.lock

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

$(MANIFEST): setup $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml
	$(RUN) python -m pipeline.transform.parse
	@touch $@

manifest: $(MANIFEST)  ## prepare the dbt manifest (dbt parse)

sample: setup  ## generate the sample exports into data/raw (SEED=7 SCALE=1)
	$(RUN) python -m pipeline.sample --out data/raw --truth data/truth --seed $(SEED) --scale $(SCALE)

run: manifest  ## set up, make sample data if data/raw is empty, materialise everything, summarise
	@if [ -z "$$(find $(RAW_DIR) -type f ! -name '.gitkeep' -print -quit 2>/dev/null)" ]; then \
		echo "$(RAW_DIR) holds no exports: generating the sample set"; \
		$(MAKE) --no-print-directory sample; fi
	$(RUN) dagster job execute -m pipeline.definitions -j vanity_funnel -c run.yaml
	$(RUN) python -m pipeline.summary

nightly: manifest  ## run now what the nightly schedule would: what new exports affect (or nothing)
	$(RUN) python -m pipeline.ops.nightly

dev: manifest  ## the Dagster UI (and daemon) on http://127.0.0.1:3000
	$(RUN) dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000

test: manifest  ## the whole test suite
	$(RUN) pytest

doctor: setup  ## what is wrong with the setup or the files in data/raw, in plain words
	$(RUN) python -m pipeline.doctor

report: setup  ## render the report from the warehouse (publish copies it to data/marts)
	$(RUN) python -m pipeline.report

screenshot: setup  ## the report in headless Chromium: laptop/phone PNGs and a PDF in data/marts/screenshots
	$(RUN) python scripts/screenshot.py $(or $(REPORT),data/marts/report.html) --out data/marts/screenshots --pdf

docs: manifest  ## the dbt docs site (models, columns, metric definitions) on http://127.0.0.1:8080
	cd dbt_project && $(RUN) dbt docs generate --profiles-dir . --quiet && \
		$(RUN) dbt docs serve --profiles-dir . --host 127.0.0.1 --port 8080 --no-browser

query: setup  ## a read-only SQL shell on the published marts (or: make query SQL="select ...")
	$(RUN) python -m pipeline.query $(if $(SQL),"$(SQL)",)

evaluate: manifest  ## score the vanity verdicts against planted truth over several seeds
	$(RUN) python -m pipeline.evaluate

backfill: manifest  ## rebuild the daily funnel for FROM..TO (YYYY-MM-DD) in one run, then republish
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=2026-10-01 TO=2026-10-31"; exit 2; }
	$(RUN) dagster asset materialize -m pipeline.definitions \
		--select marts/fct_campaign_funnel_daily --partition-range $(FROM)...$(TO)
	$(RUN) dagster asset materialize -m pipeline.definitions --select 'report/html,published/marts'

bench: manifest  ## benchmark at scale (BENCH_SCALE=440 ≈ 10M rows, BENCH_REPS=3): see README
	$(RUN) python -m pipeline.bench

lint: setup  ## ruff
	$(RUN) ruff check pipeline tests

clean:  ## remove runtime state (warehouse, published marts, Dagster storage, dbt target)
	rm -rf .dagster_home dbt_project/target dbt_project/logs data/warehouse data/truth
	find data/marts -type f ! -name '.gitkeep' -delete
