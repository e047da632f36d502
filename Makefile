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

# `make dist`: the one-folder app (packaging/live-console.spec, PyInstaller) and its
# Linux tarball and .deb in dist/. Make redoes only what changed inputs call for, so a
# second `make dist` on the same sources (as the packaging test runs it) builds nothing.
VERSION  := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' console/__init__.py)
PKGSTAMP := $(VENV)/.packaging
BUNDLE   := dist/live-console/live-console
PACKAGES := dist/live-console-$(VERSION)-linux-x86_64.tar.gz dist/live-console_$(VERSION)_amd64.deb

.PHONY: dist dist-tools

dist: $(PACKAGES)

dist-tools: $(PKGSTAMP)

$(PKGSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,packaging]'
	touch $(PKGSTAMP)

$(BUNDLE): $(PKGSTAMP) packaging/live-console.spec packaging/make_icons.py packaging/icu_data.py packaging/rthook_child_env.py packaging/rthook_qtopengl.py $(shell find console resources -type f ! -name '*.pyc')
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/live-console.spec
	touch $(BUNDLE)

$(PACKAGES) &: $(BUNDLE) $(wildcard packaging/linux/*)
	$(BIN)/python packaging/linux/build_packages.py $(VERSION)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
