# The two commands a newcomer needs: `make dev` and `make test`.
# Every target installs what it needs first (a .venv, npm packages, Chromium).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAGE ?= dev
PYTEST_ARGS ?=

.PHONY: help install dev test check lint imports types store-door eslint node-test unit browser bench lighthouse clean plan deploy destroy

help:
	@echo "make dev     run the whole system locally (site :8000, API :8001)"
	@echo "make test    install what is missing and run every test"
	@echo "make check   ruff, the import contracts, mypy, the store's door, ESLint, the node tests and the tests"
	@echo "make bench   print DynamoDB request counts and latencies"
	@echo "make lighthouse  Lighthouse scores of the start and booking pages (mobile)"
	@echo "make plan    STAGE=prod: package and check the AWS stack offline, print what would be deployed"
	@echo "make deploy  STAGE=prod: deploy to AWS (eu-north-1): stack, site, CDN"
	@echo "make destroy STAGE=test1: remove a test stage (refuses prod)"

# --- installation -------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml functions/requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check 'pip<26.3'
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

java-check:
	@command -v java >/dev/null 2>&1 || { echo "Java 17+ is needed for DynamoDB Local. On Debian/Ubuntu: apt-get install openjdk-17-jre-headless" >&2; exit 1; }

chromium-check:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

install: $(VENV)/.installed node_modules/.installed java-check

# --- running --------------------------------------------------------------------

dev: install
	$(BIN)/allavie dev

test: install chromium-check
	$(BIN)/pytest $(PYTEST_ARGS)

unit: install
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check functions infra tests bench

# The import contracts of pyproject.toml ([tool.importlinter]): layers, and pynamodb/boto3/stripe only in their adapters
imports: install
	$(BIN)/lint-imports --no-cache

types: install
	cd functions && ../$(BIN)/mypy app.py chalicelib
	$(BIN)/mypy infra/allavie

# Only functions/chalicelib/store/ talks to the table: no pynamodb call on a model, no key spelled out elsewhere
store-door: install
	$(BIN)/python -m allavie.lint.store_door functions infra/allavie

# The site's JavaScript (site/assets/js): ESLint's flat config (eslint.config.js) and the node tests of its
# pure modules (tests/js/*.test.mjs: Stockholm dates across both DST changes, texts, kronor, ...)
eslint: node_modules/.installed
	node_modules/.bin/eslint --max-warnings=0 .

node-test: node_modules/.installed
	node --test tests/js/

check: lint imports types store-door eslint node-test test

bench: install
	$(BIN)/python bench/run.py

# Lighthouse, mobile, on the start and booking pages (about a minute; not part of `make test`)
lighthouse: install chromium-check
	$(BIN)/python bench/lighthouse.py

# --- AWS (infra/allavie/deploy/); only the Python tools are needed -----------------

plan: $(VENV)/.installed
	$(BIN)/allavie plan --stage $(STAGE)

deploy: $(VENV)/.installed
	$(BIN)/allavie deploy --stage $(STAGE)

destroy: $(VENV)/.installed
	$(BIN)/allavie destroy --stage $(STAGE)

clean:
	rm -rf $(VENV) node_modules site_build var .pytest_cache .mypy_cache .ruff_cache
