# Two commands a fresh machine with only Python 3.11+ needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test test-dates lint types contracts unit integration bench install install-test clean browser pdf fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[test,bench]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install pdf
	$(BIN)/patronage demo

test: install-test browser pdf lint types contracts unit

# The page tests drive Debian's Chromium (Playwright cannot download browsers here). Installed
# when missing and apt can (as root); without it those tests skip.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
	    && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium for the page tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver >/dev/null || echo "chromium could not be installed"; \
	fi

# PDFs are laid out by WeasyPrint, which needs Pango; the PDF tests read the text back with
# pdftotext (poppler-utils). Installed when missing and apt can (as root); without pdftotext
# those tests skip.
pdf:
	@if { ! command -v pdftotext >/dev/null 2>&1 || ! ldconfig -p | grep -q libpango-1.0; } \
	    && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing pango and poppler-utils for the PDF sheets"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null \
	    || echo "pango or poppler-utils could not be installed"; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install-test
	$(BIN)/mypy

contracts: install-test
	$(BIN)/lint-imports

unit: install-test
	$(BIN)/pytest -q

integration: install-test
	$(BIN)/pytest -q -m integration

# The schemathesis run deeper than `make test` does (nightly): many more examples per
# operation and longer linked sequences; still 0 server errors expected.
fuzz: install-test
	PATRONAGE_FUZZ_EXAMPLES=60 PATRONAGE_FUZZ_STATEFUL_EXAMPLES=200 $(BIN)/pytest -q tests/api/test_fuzz.py

# The date-sensitive tests at dates that broke them before: a Friday, a Saturday, a Bulgarian
# public holiday, the two Sundays the clocks change in Europe/Sofia and New Year's Eve (UTC; in
# Sofia already 1 January). PATRONAGE_TEST_DATE: see tests/timetravel.py.
TEST_DATES ?= 2026-12-04T10:00 2026-12-05T10:00 2027-03-03T10:00 2027-03-28T01:30 \
              2027-10-31T01:30 2026-12-31T23:30
DATE_TESTS ?= tests/scheduler tests/workers/test_clock.py tests/api
test-dates: install-test
	@set -e; for when in $(TEST_DATES); do \
	  echo "== PATRONAGE_TEST_DATE=$$when"; \
	  PATRONAGE_TEST_DATE=$$when $(BIN)/pytest -q $(DATE_TESTS); \
	done

bench: install-test
	$(BIN)/patronage bench --time-limit 10 --peers pyvrp,vroom ../shared/benchmarks/solomon/*.vrp

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
