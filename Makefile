# strikewatch: the two commands of the README.
#   make demo   install the tool, ingest, extract and link the sample corpus in a fresh database,
#               show it, then serve the workbench on http://127.0.0.1:8000/ (Ctrl-C stops;
#               DEMO_SERVE=0 skips serving)
#   make test   install the test needs (Debian's chromium and postgresql for the browser and
#               PostgreSQL tests included)
#               and run the whole suite (what .ci/run runs)
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/strikewatch.db
SAMPLES := samples/corpus samples/json samples/txt samples/html samples/feeds
PYTEST_ARGS ?=
DEMO_SERVE ?= 1
DEMO_PORT ?= 8000

.PHONY: demo test test-fast install clean eval assets chromium postgres

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python assets
	$(BIN)/python -m pip install --quiet .

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/strikewatch --db $(DEMO_DB) init
	$(BIN)/strikewatch --db $(DEMO_DB) ingest $(SAMPLES)
	$(BIN)/strikewatch --db $(DEMO_DB) link
	$(BIN)/strikewatch --db $(DEMO_DB) status
	$(BIN)/strikewatch --db $(DEMO_DB) documents --limit 15
	$(BIN)/strikewatch --db $(DEMO_DB) show sample-en-004 | head -20
	$(BIN)/strikewatch --db $(DEMO_DB) incidents --limit 15
	$(BIN)/strikewatch --db $(DEMO_DB) verify
	@echo "the demo account (admin); its password is printed once:"
	$(BIN)/strikewatch --db $(DEMO_DB) user add demo --role admin --generate-password
	@if [ "$(DEMO_SERVE)" = "1" ]; then $(BIN)/strikewatch --db $(DEMO_DB) serve --port $(DEMO_PORT); fi

test: $(BIN)/python assets chromium postgres
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# while working: everything but the slow tests
test-fast: $(BIN)/python postgres
	$(BIN)/python -m pytest -m "not slow" -x -q $(PYTEST_ARGS)

# the web app's front-end libraries (Leaflet, topojson-client, world-atlas), from the
# npm registry at the versions in web/package-lock.json, copied into the package's
# static/vendor/ with their licences; npm ci reruns only when the lock file changes
WEB_LOCK := web/package-lock.json
WEB_INSTALLED := web/node_modules/.package-lock.json

$(WEB_INSTALLED): $(WEB_LOCK) web/package.json
	npm ci --prefix web --no-audit --no-fund --ignore-scripts
	touch $@

assets: $(WEB_INSTALLED)
	$(PY) scripts/vendor_assets.py

# the browser tests drive Debian's chromium through Playwright (Playwright's own
# browser download is not used); installed once, as root or with sudo
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q chromium || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }; }

# the store, API, backup and crash tests also run on PostgreSQL: the tests start
# a private server from Debian's postgresql package (tests/pg_support.py)
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
postgres:
	@[ -n "$(PG_INITDB)" ] || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q postgresql || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }; }

clean:
	rm -rf $(VENV) demo build *.egg-info src/*.egg-info

# accuracy on the development sets, when ../shared/data/dev is there
DEV ?= ../shared/data/dev
EVAL_SETS := airwars-gaza airwars-syria-en awsd case2021 drone-db ucdp-syria-geo
EVAL_SETS_AR := airwars-syria-ar
eval: $(BIN)/python
	@$(BIN)/python -c "import strikewatch" 2>/dev/null || $(BIN)/python -m pip install --quiet .
	@if [ -d "$(DEV)" ]; then $(BIN)/strikewatch eval $(EVAL_SETS:%=$(DEV)/%.jsonl) \
	&& $(BIN)/strikewatch eval $(EVAL_SETS_AR:%=$(DEV)/%.jsonl) \
	&& $(BIN)/strikewatch eval --link $(DEV)/dedup-airwars-syria.jsonl; \
	else echo "no development sets at $(DEV): nothing to evaluate"; fi
