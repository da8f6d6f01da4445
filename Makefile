# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
SEED := fixtures/clinicspeak-alemtuzumab-nmo.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-load test-thorough test-fast test-e2e install checkers browser migrate seed lint fixtures lock clean

## Serve the site with the seed post on http://127.0.0.1:8000/ (SQLite unless DATABASE_URL is set).
run: install migrate seed demo-staff
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Tests run in parallel (pytest-xdist): a worker per core, at most 4; TEST_WORKERS=0 runs
## them in one process. Each module goes whole to one worker (its module fixtures are made
## once), in collection order: tests marked `slow` first (tests/conftest.py).
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --maxprocesses 4 --dist loadscope --no-loadscope-reorder

## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set).
test: install checkers
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## The load tests `make test` leaves out (marked load): the fault benchmark run end to end.
.PHONY: test-load
test-load: install checkers
	$(BIN)/python -m pytest -m load $(PYTEST_ARGS)

## The property tests (marked property) with their full counts: `make test` runs a sample
## of each (tests/thorough.py); CI runs both.
.PHONY: test-thorough
test-thorough: install
	TEST_THOROUGH=1 $(BIN)/python -m pytest $(XDIST) -m property $(PYTEST_ARGS)

## The edit loop: stop at the first failure, without the browser tests and the benchmark harness.
test-fast: install checkers
	$(BIN)/python -m pytest $(XDIST) -q -x --ignore=tests/e2e --ignore=tests/bench $(PYTEST_ARGS)

## Only the real-browser tests (Playwright driving Debian's Chromium).
test-e2e: install
	$(BIN)/python -m pytest $(XDIST) tests/e2e $(PYTEST_ARGS)

## Debian's Chromium for the browser tests (a test tool's own browser download fails here).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

## Checkers the suite runs: the Nu HTML Checker (vnu.jar, run on the machine's Java) and
## Debian's jing (RELAX NG, for the Atom feeds).
checkers: node_modules/.installed
	command -v jing >/dev/null || (apt-get update -qq && apt-get install -y -qq jing)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Import the seed document (idempotent: a second run reports "unchanged").
seed: install
	$(BIN)/python manage.py import_post $(SEED)

## A staff account for local use (refused unless DEBUG): a new one prints its password once.
.PHONY: demo-staff
demo-staff: migrate
	$(BIN)/python manage.py create_demo_staff --site-url http://$(HOST):$(PORT)

## The worker: sends queued email (outbox) with timeouts and retries, and runs queued jobs
## (large admin imports); run beside gunicorn.
.PHONY: outbox-worker
outbox-worker: migrate
	$(BIN)/python manage.py run_worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Regenerate fixtures/clinicspeak.json from the seed document, in a scratch SQLite database.
fixtures: install
	rm -f /tmp/msblog-fixtures.sqlite3
	DATABASE_URL=sqlite:////tmp/msblog-fixtures.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/msblog-fixtures.sqlite3 $(BIN)/python manage.py import_post $(SEED)
	DATABASE_URL=sqlite:////tmp/msblog-fixtures.sqlite3 $(BIN)/python manage.py dumpdata \
		authors.author blog.series blog.hashtag blog.paper blog.abstractsection blog.post \
		blog.posthashtag blog.citation comments.comment --indent 2 -o fixtures/clinicspeak.json
	rm -f /tmp/msblog-fixtures.sqlite3

## Re-pin requirements.lock from pyproject.toml (runtime and dev dependencies).
lock:
	rm -rf /tmp/msblog-lock && $(PYTHON) -m venv /tmp/msblog-lock
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(p["project"]["dependencies"] + p["dependency-groups"]["dev"]))' > /tmp/msblog-lock/requirements.in
	/tmp/msblog-lock/bin/pip install --quiet --disable-pip-version-check -r /tmp/msblog-lock/requirements.in
	( echo "# Pinned set that CI tests; regenerate with \`make lock\` after changing pyproject.toml."; \
	  /tmp/msblog-lock/bin/pip freeze ) > requirements.lock

## Benchmark the post page at 0 to 10,000 comments, in process and under gunicorn, in a
## scratch database (SQLite under /tmp, or one made and dropped on DATABASE_URL's server);
## prints the table and writes BENCHMARKS.md. BENCH_ARGS="--quick" for a short run.
.PHONY: bench serve-prod
bench: install
	command -v wrk >/dev/null || apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "wrk is not available: the benchmark uses its Python load client"
	$(BIN)/python -m bench $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(BENCH_ARGS)

## Readers while comments keep arriving (0, 1, 5 and 20 a second) on a 1,000-comment post
## under gunicorn; prints the table and writes BENCHMARKS.md's "Mixed load" section.
.PHONY: bench-mixed
bench-mixed: install
	$(BIN)/python -m bench.mixed $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(BENCH_MIXED_ARGS)

## Issue 14's proof: 200 clients (20 % writers) through each fault (Redis stopped, Redis
## paused, PostgreSQL stopped, SMTP stalled, a gunicorn worker killed) on servers of its
## own (a PostgreSQL cluster by initdb, redis-server, SMTP, the mail worker, gunicorn);
## prints the table. BENCH_FAULTS_ARGS="--seconds 25 --write" puts it in BENCHMARKS.md.
.PHONY: bench-faults
bench-faults: install
	$(BIN)/python -m bench.faults $(BENCH_FAULTS_ARGS)

## Import generated WordPress exports (250 and 1,000 posts of 100 comments) in scratch
## databases; prints time and peak memory. BENCH_WXR_ARGS="--sizes 100x100" for a short run.
.PHONY: bench-wxr
bench-wxr: install
	$(BIN)/python -m bench.wxr_import $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(BENCH_WXR_ARGS)

## Production settings locally: collectstatic, migrate, then gunicorn (config/gunicorn.py).
## Export DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS first (and DATABASE_URL, CACHE_URL).
serve-prod: install
	DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=false $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=false $(BIN)/gunicorn -c config/gunicorn.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 .pytest_cache
