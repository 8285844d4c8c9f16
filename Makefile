# Two set-up commands on a fresh machine (python3 + git):
#   make demo   bootstrap, seed the demo shop, serve it with a background worker
#   make test   bootstrap, then run the whole test suite (see scripts/run_tests.py)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	@scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.base-installed: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	@touch $@

demo: $(VENV)/.base-installed
	$(BIN)/comptoir demo

test: $(VENV)/.dev-installed
	$(BIN)/python scripts/run_tests.py

lint: $(VENV)/.dev-installed
	$(BIN)/python scripts/run_tests.py --only-static

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench run

clean:
	rm -rf $(VENV)
