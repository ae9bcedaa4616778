# kyodo: `make run` to try it, `make test` before every commit.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format guide bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	mkdir -p var
	touch $(STAMP)

## run: set everything up and serve the app with demo data on http://127.0.0.1:8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## test: lint, the layers, Django checks, migrations up to date, the whole pytest suite (browser included)
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest

## guide: retake the user guide's screenshots (docs/guide/*.png) from the browser tests
guide: $(STAMP)
	KYODO_GUIDE_DIR=docs/guide DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n0 -q \
		tests/e2e/test_review_flow.py tests/e2e/test_agreement_flow.py tests/e2e/test_selection_flow.py \
		tests/e2e/test_evaluation_flow.py tests/e2e/test_demo_pages.py

## bench: measure agreement PDF rendering and serving (bench/results.json)
bench: $(STAMP)
	$(PY) bench/run.py

## backup: back up the database and stored files to var/backups/<time>/ (TO=dir to choose)
backup: $(STAMP)
	$(PY) manage.py backup $(if $(TO),--to "$(TO)")

## restore: restore a backup into an empty database: make restore FROM=var/backups/<time> [FORCE=1]
restore: $(STAMP)
	@test -n "$(FROM)" || { echo "使い方: make restore FROM=var/backups/<日時>（データを消してよいときだけ FORCE=1）"; exit 2; }
	$(PY) manage.py restore "$(FROM)" $(if $(FORCE),--force)

.PHONY: backup restore

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/kyodo.sqlite3* var/screenshots
