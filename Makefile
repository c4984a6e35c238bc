# The IAPT warehouse: two commands on a fresh machine (python3 and make only).
#   make build   set up .venv from requirements.lock, load the data (demo synthetic data unless
#                DATA=dir), run `dbt build`, validate it (Great Expectations), generate the docs.
#                make build DATA=dir DB=file
#                make build TARGET=spark: the same pipeline with the models built on a local Spark
#                (make spark-env first; load on DuckDB -> landing exported to Parquet -> dbt build on Spark)
#   make test    lint (ruff, mypy, sqlfluff), generated-file check, dbt build on the fixture packages,
#                pytest.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp's name changed when the install began compiling bytecode, so an older venv is synced once more.
STAMP := $(VENV)/.installed-compiled-stamp
UV_VERSION := 0.13.9

DB ?= warehouse/iapt.duckdb
# TARGET=duckdb (default) or spark: the engine `make build` runs the models on.
TARGET ?= duckdb
SPARK_LANDING := build/spark/landing
SPARK_WAREHOUSE := build/spark/warehouse
DATA ?=
DEMO_DIR := build/demo-data
DEMO_SEED := 42
FIXTURE_DATA := tests/data/packages
TEST_DB := build/test/fixtures.duckdb
GX_DOCS ?= expectations/uncommitted/data_docs/local_site
SITE := site

# Pseudonymisation key (src/iapt_warehouse/pseudo.py): from IAPT_PSEUDO_KEY; when unset, a random key
# is created once in the git-ignored file .iapt_pseudo_key and used from there.
KEY_FILE := .iapt_pseudo_key
ifeq ($(strip $(IAPT_PSEUDO_KEY)),)
  ifeq ($(wildcard $(KEY_FILE)),)
    $(shell umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $(KEY_FILE))
    $(info note: IAPT_PSEUDO_KEY is not set; created a random pseudonymisation key in $(KEY_FILE) (git-ignored))
  endif
  export IAPT_PSEUDO_KEY := $(shell cat $(KEY_FILE))
endif

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: help install spark-env build build-into build-spark demo-data load dbt-build validate docs report export semantic chromium test lint test-dbt test-dbt-demo test-python test-spark bench bench-loader lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(STAMP) ## Create .venv with the pinned dependencies

# Optional Spark environment: its own venv and lock (dbt-spark[session] + pyspark, ~600 MB with the JVM
# jars; needs Java 17 on the PATH). Only `make build TARGET=spark` and the parity test use it.
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed-compiled-stamp

$(SPARK_STAMP): requirements-spark.lock pyproject.toml $(STAMP)
	@test -x $(SPARK_BIN)/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(SPARK_BIN)/python requirements-spark.lock
	$(BIN)/uv pip install --quiet --python $(SPARK_BIN)/python --no-deps -e .
	@touch $@

spark-env: $(SPARK_STAMP) ## Create .venv-spark (dbt-spark, pyspark) from requirements-spark.lock

$(DEMO_DIR)/.complete: $(STAMP)
	rm -rf $(DEMO_DIR)
	@if $(BIN)/iapt synth --help > /dev/null 2>&1; then \
		$(BIN)/iapt synth $(DEMO_DIR) --scale demo --seed $(DEMO_SEED); \
	else \
		echo "note: the synthetic generator (iapt synth) is not in this version; using the fixture packages"; \
		mkdir -p $(dir $(DEMO_DIR)) && cp -r $(FIXTURE_DATA) $(DEMO_DIR); \
	fi
	@touch $@

demo-data: $(DEMO_DIR)/.complete ## Generate the demo synthetic submissions (build/demo-data)

# `make build` never writes the published DB: `iapt publish-db` copies it to a staging file
# (warehouse/.building/iapt.duckdb), runs build-into on the copy and renames it over DB only when every
# step succeeded (README "Reliability and security"). TARGET=spark builds on Spark instead (README).
build: $(STAMP) ## Load DATA (default: demo data), dbt build, validate and docs into a copy of DB; publish it atomically
	@if [ -z "$(DATA)" ]; then $(MAKE) --no-print-directory demo-data; fi
ifeq ($(TARGET),spark)
	@$(MAKE) --no-print-directory load LOAD_DIR="$(if $(DATA),$(DATA),$(DEMO_DIR))"
	@$(MAKE) --no-print-directory build-spark
	@echo
	@echo "Spark warehouse: $(abspath $(SPARK_WAREHOUSE))  (Parquet, one folder per table: <schema>.db/<table>)"
	@echo "note: iapt validate (Great Expectations) and the docs site run on the DuckDB build only"
else
	$(BIN)/iapt publish-db --db "$(DB)" -- $(MAKE) --no-print-directory build-into DB={db} \
		LOAD_DIR="$(if $(DATA),$(DATA),$(DEMO_DIR))"
	@echo
	@echo "Warehouse: $(abspath $(DB))  (open it read-only from BI tools and notebooks)"
	@echo "Docs:      $(abspath $(SITE)/index.html)  (offline site: dbt docs, GX Data Docs, data-quality statements)"
endif

# The landing tables of DB to Parquet, then dbt build on a local SparkSession (src/iapt_warehouse/spark.py).
build-spark: $(STAMP) $(SPARK_STAMP)
	$(BIN)/iapt spark-export --db "$(DB)" --out $(SPARK_LANDING)
	$(SPARK_BIN)/iapt spark-build --landing $(SPARK_LANDING) --warehouse $(SPARK_WAREHOUSE) build

build-into: $(STAMP) ## (used by build) load LOAD_DIR into DB, dbt build, validate, docs: no atomic publish
	@$(MAKE) --no-print-directory load
	@$(MAKE) --no-print-directory dbt-build validate docs

load: $(STAMP)
	@rc=0; IAPT_DUCKDB_PATH="$(DB)" $(BIN)/iapt load "$(LOAD_DIR)" || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "note: some packages were rejected whole (see above); the rest loaded"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi

# FULL_REFRESH=1: rebuild every table from landing (after an upgrade that changed a model's columns, which an
# incremental build refuses: on_schema_change fail)
dbt-build: $(STAMP)
	IAPT_DUCKDB_PATH="$(DB)" $(BIN)/dbt build$(if $(FULL_REFRESH), --full-refresh)

validate: $(STAMP) ## Great Expectations checkpoint on DB (exit 1 on an error-severity failure; Data Docs)
	IAPT_DUCKDB_PATH="$(DB)" $(BIN)/iapt validate --db "$(DB)"

docs: $(STAMP) ## Build the offline docs site (site/index.html): dbt docs, GX Data Docs, DQ statements
	IAPT_DUCKDB_PATH="$(DB)" $(BIN)/dbt docs generate --static --quiet
	$(BIN)/iapt docs-site --db "$(DB)" --dbt-target "$${DBT_TARGET_PATH:-target}" --gx-docs "$(GX_DOCS)" --out "$(SITE)"

REPORT ?= build/report/index.html
EXPORT ?= build/export
report: $(STAMP) ## Static HTML report of DB (one offline file, build/report/index.html): funnel plot, waits, activity, DQ
	$(BIN)/iapt report --db "$(DB)" --out "$(REPORT)"

export: $(STAMP) ## Every mart and publication table of DB as Parquet, with a README (build/export)
	$(BIN)/iapt export --db "$(DB)" --out "$(EXPORT)"

# MetricFlow reads the semantic manifest from target/ (not DBT_TARGET_PATH) and the profile from DBT_PROFILES_DIR.
semantic: $(STAMP) ## Validate the semantic layer against DB and print the headline metrics by month (mf)
	IAPT_DUCKDB_PATH="$(DB)" DBT_TARGET_PATH=target $(BIN)/dbt parse --quiet
	IAPT_DUCKDB_PATH="$(DB)" $(BIN)/mf validate-configs
	IAPT_DUCKDB_PATH="$(DB)" $(BIN)/mf query --metrics referrals_received,entered_treatment,finished_courses,recovery_rate \
		--group-by metric_time__month --order metric_time__month

# Headless Chromium (Debian package) for the docs-site browser test; installed when missing and root.
chromium: ## Install chromium for the browser test when missing (apt-get, non-interactive)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
		echo "installing chromium (Debian package) for tests/python/test_docs_site.py"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	else \
		echo "note: /usr/bin/chromium is missing and cannot be installed here; the browser test skips (fails when CI=true)"; \
	fi

test: lint test-dbt test-dbt-demo test-python test-spark ## Run every test (lint, dbt build on fixtures and demo data, pytest, Spark parity)

lint: $(STAMP) ## ruff, mypy, sqlfluff, generated files up to date, governance (descriptions, tests)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/iapt codegen --check
	IAPT_DUCKDB_PATH=build/test/lint.duckdb $(BIN)/dbt parse --quiet
	$(BIN)/iapt governance
	@mkdir -p build/test
	IAPT_DUCKDB_PATH=build/test/lint.duckdb $(BIN)/sqlfluff lint models tests/singular

test-dbt: $(STAMP) ## dbt build (models and tests) on the committed fixture packages
	@mkdir -p $(dir $(TEST_DB))
	rm -f $(TEST_DB)
	@$(MAKE) --no-print-directory load LOAD_DIR=$(FIXTURE_DATA) DB=$(TEST_DB)
	IAPT_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build

test-dbt-demo: $(STAMP) ## dbt build (models, unit tests, invariants) and iapt validate on the demo synthetic data
	@mkdir -p build/test
	rm -f build/test/demo.duckdb
	@$(MAKE) --no-print-directory demo-data
	@$(MAKE) --no-print-directory load LOAD_DIR=$(DEMO_DIR) DB=build/test/demo.duckdb
	IAPT_DUCKDB_PATH=build/test/demo.duckdb $(BIN)/dbt build
	@$(MAKE) --no-print-directory validate DB=build/test/demo.duckdb

test-python: $(STAMP) chromium ## pytest (reuses the demo warehouse of test-dbt-demo when it is there)
	IAPT_TEST_DEMO_DB=$(abspath build/test/demo.duckdb) IAPT_TEST_DEMO_DATA=$(abspath $(DEMO_DIR)) $(BIN)/pytest -n 2 --dist loadgroup -m "not spark"

test-spark: $(STAMP) $(SPARK_STAMP) ## Parity: the demo data on Spark gives the DuckDB publication and marts (needs test-dbt-demo)
	@test -f build/test/demo.duckdb || $(MAKE) --no-print-directory test-dbt-demo
	IAPT_TEST_DEMO_DB=$(abspath build/test/demo.duckdb) $(BIN)/pytest -m spark tests/python/test_spark_parity.py

SCALE ?= demo region
bench: $(STAMP) ## Benchmark every stage (SCALE="demo region" by default; SCALE=national is opt-in) -> BENCHMARKS.md
	$(BIN)/python bench/run.py $(foreach s,$(SCALE),--scale $(s))

bench-loader: $(STAMP) ## Loader throughput on ~1M care-contact rows vs a bare DuckDB read_csv
	$(BIN)/python bench/loader_throughput.py --rows 1000000

lock: ## Re-resolve requirements.lock and requirements-spark.lock (needs the registry)
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock
	$(BIN)/uv pip compile requirements-spark.in -c requirements.lock --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements-spark.lock

clean: ## Remove build outputs (keeps .venv)
	rm -rf build target logs warehouse $(SITE)
