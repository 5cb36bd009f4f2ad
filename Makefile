# samen: two commands do everything. `make run` serves the demo; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMEN := $(BIN)/samen
HOST ?= 127.0.0.1
PORT ?= 8000
SHARED ?= ../shared
# `make run` and `make migrate` are for development: they choose the development settings
# explicitly (DEBUG, public keys). A plain `samen` command uses the production settings.
DEV := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-samen.settings.dev}
# Links in e-mails point at the address `make run` serves on, unless SAMEN_BASE_URL says otherwise.
RUNENV := $(DEV) SAMEN_BASE_URL=$${SAMEN_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test install assets messages chromium doclibs migrate demo lint format migrations-check openapi openapi-lint bench clean

run: install assets messages doclibs migrate  ## install, migrate, load the plan and demo data, serve
	$(RUNENV) $(SAMEN) load-plan
	$(RUNENV) $(SAMEN) load-motions  # bundled motions and commitments
	$(RUNENV) $(SAMEN) demo
	$(RUNENV) $(SAMEN) load-budget --demo  # bundled funding lines; demo allocations, marked as such
	$(RUNENV) $(SAMEN) load-impact  # bundled victim registrations and published estimates
	$(RUNENV) $(SAMEN) serve --host $(HOST) --port $(PORT)

test: install assets messages chromium doclibs  ## install everything and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed  ## build the front-end files from npm packages
	node frontend/build.mjs

messages: install  ## compile the translations
	@command -v msgfmt >/dev/null || (apt-get install -y -qq gettext >/dev/null 2>&1 || sudo apt-get install -y -qq gettext)
	cd src/samen && $(DEV) ../../$(SAMEN) compilemessages --verbosity 0

chromium:  ## Debian's Chromium for the browser tests (never a downloaded browser)
	@command -v chromium >/dev/null || (apt-get install -y -qq chromium >/dev/null || sudo apt-get install -y -qq chromium)

doclibs:  ## Debian's Pango and fonts, which WeasyPrint needs for the PDF report
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu || \
	  (apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig >/dev/null || \
	   sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig)

migrate: install
	$(DEV) $(SAMEN) migrate --noinput

lint: install  ## ruff, formatting, types (strict on the estimation library), migrations in sync
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/samen/mse
	$(MAKE) migrations-check

migrations-check: install
	DATABASE_URL=sqlite://:memory: DJANGO_SETTINGS_MODULE=samen.settings.test $(SAMEN) makemigrations --check --dry-run

openapi: install  ## regenerate the committed OpenAPI document
	DJANGO_SETTINGS_MODULE=samen.settings.test $(SAMEN) openapi -o docs/openapi.json

openapi-lint: node_modules/.installed  ## the Dutch API Design Rules linter (Spectral), zero errors
	node_modules/.bin/spectral lint --fail-severity error -r $(SHARED)/reference/api-design-rules/linter.yaml docs/openapi.json

bench: install assets doclibs  ## benchmarks (print figures; never part of the test suite)
	DJANGO_SETTINGS_MODULE=samen.settings.test $(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules src/samen/static/dist var
