# VaxTrail command index: `make help` lists every target. Details: docs/local-stack.md.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.11 || command -v python3)
STAMP  := $(VENV)/.vaxtrail-setup.stamp
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup up down status demo test test-unit test-integration bench proto lint

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-17s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(STAMP) ## create .venv (Python 3.11), install the project + dev tools, resolve the Kafka jars (idempotent)
	$(PY) -m vaxtrail_cli.main setup-jars

up: setup ## start everything locally: PostgreSQL, Kafka, databases, topics, migrations, every service
	$(VENV)/bin/vaxtrail up

down: ## stop every service process, Kafka and PostgreSQL (data is kept in .vaxtrail/)
	$(VENV)/bin/vaxtrail down

status: ## show infrastructure and service processes (exit 1 if something expected is down)
	$(VENV)/bin/vaxtrail status

demo: up ## bring the stack up and run the end-to-end demo scenario
	$(VENV)/bin/vaxtrail demo

test: setup ## run the whole test suite (unit + integration; starts its own PostgreSQL and Kafka)
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: setup ## run the unit tests only (no servers)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: setup ## run the integration tests only (throwaway PostgreSQL + Kafka, or DATABASE_URL / KAFKA_BOOTSTRAP)
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

bench: setup ## run the benchmarks (writes bench/results/)
	$(VENV)/bin/vaxtrail bench

proto: setup ## regenerate the protobuf code from schemas/ into schemas/gen/
	$(PY) schemas/generate.py

lint: setup ## ruff + the domain purity check
	$(VENV)/bin/ruff check .
	$(PY) tools/check_domain_purity.py
