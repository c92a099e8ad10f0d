# strikewatch: the two commands of the README.
#   make demo   install the tool, ingest, extract and link the sample corpus in a fresh database, show it
#   make test   install the test needs and run the whole suite (what .ci/run runs)
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/strikewatch.db
SAMPLES := samples/corpus samples/json samples/txt samples/html samples/feeds
PYTEST_ARGS ?=

.PHONY: demo test test-fast install clean eval

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
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

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# while working: everything but the slow tests
test-fast: $(BIN)/python
	$(BIN)/python -m pytest -m "not slow" -x -q $(PYTEST_ARGS)

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
