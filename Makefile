# Everything a fresh machine needs: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK=1
export ANONYMIZED_TELEMETRY=False

.PHONY: install run test test-fast index bench eval clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)

# torch is pinned first: 2.13.0 is a CPU build on local disk; unpinned it pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[sentence-transformers,dev]'
	touch $(STAMP)

install: $(STAMP)

# Incremental: builds a missing index, and brings an existing one up to date after a corpus or
# embedding-recipe change (0.2 s when nothing changed).
index: install
	$(BIN)/selvhjelp ingest

run: index
	$(BIN)/selvhjelp serve

test: install
	bash tests/run.sh

test-fast: install
	$(BIN)/pytest -q -m "not slow"

bench: index
	$(BIN)/python bench/retrieval.py

eval: index
	$(BIN)/selvhjelp eval --report eval/reports/dev

clean:
	rm -rf $(VENV) data
