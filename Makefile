# Three commands matter: `make run`, `make test` and `make prod`. Each installs what is missing
# and is safe to repeat.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.4
BUN := .tools/node_modules/.bin/bun
# axe-core runs inside the browser tests (tests/e2e/test_accessibility.py), injected from this local copy.
AXE_VERSION := 4.14.1
AXE := .tools/node_modules/axe-core/axe.min.js
PORT ?= 3000

export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export BUN_INSTALL_CACHE_DIR := $(CURDIR)/.tools/bun-cache
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)

LOCALES_DIR := ticketapp/i18n/locales
PO_FILES := $(wildcard $(LOCALES_DIR)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run prod test deps i18n i18n-extract lint fmt browser nginx setup clean-web bench audit

## run: install, migrate, seed an empty database, serve on http://localhost:$(PORT)
run: deps i18n
	$(PY) -m ticketapp setup
	scripts/serve.sh $(PORT)

## prod: the production mode (README "Production"): compile the frontend, migrate, then nginx, the backends,
## the job workers and the scheduler under supervisord. Needs DATABASE_URL (PostgreSQL) and REFLEX_REDIS_URL.
prod: deps i18n nginx
	$(PY) -m ticketapp serve --prod --build

## test: install, then lint, type-check, check the import contracts and run the whole suite
test: deps i18n browser nginx
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

## audit: check every pinned dependency against the known-vulnerability database (needs the network)
# Not part of `make test`: pip-audit has no offline database (it asks PyPI's JSON API or OSV.dev, see
# README "Threat watch"). --strict fails when a package could not be checked, so an unreachable
# service never reads as "no known vulnerabilities".
AUDIT_VENV := .venv-audit
AUDIT_SERVICE ?= pypi
audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	  --vulnerability-service $(AUDIT_SERVICE) -r requirements.txt

$(AUDIT_VENV)/.installed: requirements-audit.txt
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	touch $@

deps: $(VENV)/.installed $(BUN) $(AXE)

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BUN):
	npm install --prefix .tools --save-exact --no-audit --no-fund bun@$(BUN_VERSION)

# After bun (one npm at a time in .tools); the version is pinned here and in .tools/package.json.
$(AXE): | $(BUN)
	npm install --prefix .tools --save-exact --no-audit --no-fund axe-core@$(AXE_VERSION)

# Debian's chromium drives the browser tests (Playwright's own download is unreachable);
# poppler-utils' pdftoppm rasterises ticket PDFs so tests can decode their QR codes.
browser:
	@{ command -v chromium && command -v pdftoppm; } >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core poppler-utils; }

# Debian's nginx is the production mode's reverse proxy (and its integration test's).
nginx:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx; }

i18n: $(VENV)/.installed $(MO_FILES)

$(LOCALES_DIR)/%/LC_MESSAGES/messages.mo: $(LOCALES_DIR)/%/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel compile --use-fuzzy -D messages -d $(LOCALES_DIR) -l $* -i $< -o $@ --statistics

## i18n-extract: refresh the template and merge new strings into every catalog
i18n-extract: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k gettext:2 -k translate:2 -k msgid --no-location \
	  --sort-output --project Ticketapp -o ticketapp/i18n/messages.pot ticketapp
	$(VENV)/bin/pybabel update -i ticketapp/i18n/messages.pot -d $(LOCALES_DIR) -D messages --no-fuzzy-matching --ignore-obsolete

lint: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: deps
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: deps
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean-web:
	rm -rf .web
