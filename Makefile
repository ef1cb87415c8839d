# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: demo test build validate lint clean system-deps bench release

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TESTSTAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# What the tests need from the system (Java for the OWL reasoner, Chromium for the site tests).
system-deps:
	bash scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/lacrdf build
	$(BIN)/lacrdf validate
	$(BIN)/lacrdf stats
	$(BIN)/lacrdf query missions-by-host --param sending=BE

build: $(STAMP)
	$(BIN)/lacrdf build

validate: $(STAMP)
	$(BIN)/lacrdf validate

# A citable release of the build: release/lacrdf-VERSION.tar.gz and its SHA256SUMS.
release: $(STAMP)
	$(BIN)/lacrdf release --out release

test: $(TESTSTAMP) system-deps
	$(BIN)/ruff check src tests
	$(BIN)/pytest

# Not part of the tests: the built-store targets at 100k and 1M triples, beside the floor (about 15 minutes).
bench: $(TESTSTAMP)
	$(BIN)/python benchmarks/bench.py --sizes 100k,1M

clean:
	rm -rf $(VENV) dist .dist.lacrdf test-output site .site.lacrdf release
