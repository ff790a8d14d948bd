# BuildButler: everything a newcomer needs is behind `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

.PHONY: install demo lint test bench clean browser

install: $(STAMP)

# Re-install whenever the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	# Byte-compiled at install: machines that set PYTHONDONTWRITEBYTECODE would otherwise compile
	# dbt's and Dagster's sources on every run (about 2 s per dbt invocation).
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

demo: install
	$(BIN)/buildbutler demo

# The dashboard's end-to-end test drives Debian's Chromium (no browser download from elsewhere).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Lint first: it takes a second and names the line, where a test run takes minutes.
lint: install
	$(BIN)/ruff check .

test: install browser lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

bench: install
	ONLY=$(ONLY) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .buildbutler transform/target transform/logs
