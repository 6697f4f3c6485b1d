# Sozialraum-Monitor -- developer entry points (GNU make).
#
#   make run    create .venv if needed, install the app, serve it on http://127.0.0.1:8050
#   make test   install the app with its test extras, run all tests (unit + browser)
#   make bench  run the performance benchmark (figures in docs/performance.md)
#
# Re-installs only when pyproject.toml is newer than the stamp file inside .venv.

PYTHON ?= python3
VENV   ?= .venv
VPY    := $(VENV)/bin/python
PIP    := $(VPY) -m pip --disable-pip-version-check --no-input
STAMP_RUN  := $(VENV)/.stamp-install
STAMP_TEST := $(VENV)/.stamp-install-test

.PHONY: run test bench help
.DEFAULT_GOAL := help

help:
	@echo "make run    - install (if needed) and serve the app on http://127.0.0.1:8050"
	@echo "make test   - install with test extras (if needed) and run all tests"
	@echo "make bench  - run the benchmark (see docs/performance.md)"

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): pyproject.toml | $(VPY)
	$(PIP) install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(VPY)
	$(PIP) install --quiet -e '.[test]'
	@touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(VPY) app.py

test: $(STAMP_TEST)
	$(VPY) -m pytest

bench: $(STAMP_TEST)
	$(VPY) benchmarks/run.py
