# The two commands: `make run` (demo portal on http://127.0.0.1:8000) and `make test`.
# Both work on a fresh machine with Python 3.11, pip and apt; system packages are
# installed with apt-get when run as root, otherwise the exact command is printed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CI ?=

# System packages: a CJK font and HarfBuzz subsetting for WeasyPrint PDFs, poppler for
# checking them, Debian's Chromium for browser tests.
RUN_DEBS := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := $(RUN_DEBS) poppler-utils chromium docker-compose

ifeq ($(CI),true)
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ipcity
export REDIS_URL ?= redis://127.0.0.1:6379/0
endif

.PHONY: run test install install-dev system-deps system-deps-test services migrate seed lint fmt bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ipcity needs Python 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed

system-deps:
	@DEBS="$(RUN_DEBS)" sh scripts/ensure-debs.sh

system-deps-test:
	@DEBS="$(TEST_DEBS)" sh scripts/ensure-debs.sh

services:
	@sh scripts/ensure-services.sh

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(BIN)/python manage.py load_seed_programmes
	DEBUG=1 $(BIN)/python manage.py load_demo_data

run: system-deps seed
	@echo "ipcity: http://$(HOST):$(PORT)/  (demo logins above; Ctrl-C stops)"
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev system-deps-test services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=ipcity.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every bench in turn, at full scale (minutes; PostgreSQL for recompute and pages). Each ends
# with one `bench NAME: …` line, gathered at the end; a bench that crashes (or the importer's
# accuracy gate, below its bars) does not stop the others but makes the target fail.
bench: install-dev
	@mkdir -p var; log=var/bench.log; : > $$log; failed=""; \
	for f in bench/*.py; do \
	  echo "== $$f" | tee -a $$log; \
	  { DEBUG=1 $(BIN)/python $$f 2>&1; echo $$? > var/bench.rc; } | tee -a $$log; \
	  [ "$$(cat var/bench.rc)" = 0 ] || failed="$$failed $$f"; \
	done; rm -f var/bench.rc; \
	echo "== summary (full output in $$log)"; grep '^bench ' $$log || true; \
	[ -z "$$failed" ] || { echo "failed:$$failed"; exit 1; }

clean:
	rm -rf $(VENV) var staticfiles
