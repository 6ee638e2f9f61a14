# Two commands on a fresh machine:
#   make run   set up, start the local Neo4j (unless NEO4J_URI is set), build the demo world,
#              resolve it, load it and serve the API on :8000
#   make test  set up and run every test (graph tests start their own real Neo4j on :7688)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: install run test neo4j-start neo4j-stop neo4j-status clean

$(STAMP): pyproject.toml
	./scripts/ensure-prereqs.sh --with-neo4j
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,spark]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/tracegraph demo

test: install
	$(BIN)/python -m pytest

neo4j-start: install
	$(BIN)/tracegraph neo4j start

neo4j-stop: install
	$(BIN)/tracegraph neo4j stop

neo4j-status: install
	$(BIN)/tracegraph neo4j status

clean:
	rm -rf $(VENV) neo4j-local/target runs .pytest_cache
