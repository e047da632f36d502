# Live Console: `make run` opens the console in practice mode; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv run test lint bench clean

venv: $(STAMP)

# Reinstall only when the project's metadata changes; the package is editable.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: venv
	$(BIN)/live-console --demo

lint: venv
	$(BIN)/ruff check console tests
	$(BIN)/ruff format --check console tests
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: venv
	$(BIN)/python tests/benchmarks/run.py --write BENCHMARKS.md

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
