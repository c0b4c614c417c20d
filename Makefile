# Everything runs in a dedicated virtualenv (.venv): `bot` and `handlers` are generic
# top-level package names that must not meet another project's packages.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench eval check train clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wijkwijzer

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/wijkwijzer kb check

train: $(STAMP)
	$(BIN)/wijkwijzer train

eval: $(STAMP)
	$(BIN)/wijkwijzer eval tests/eval/heldout.yaml
	$(BIN)/wijkwijzer eval tests/eval/sample.yaml

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py
	$(BIN)/python tests/benchmarks/bot_bench.py
	$(BIN)/python tests/benchmarks/routes_bench.py
	$(BIN)/python tests/benchmarks/load_bench.py
	$(BIN)/python tests/benchmarks/fault_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
