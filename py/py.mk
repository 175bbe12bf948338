# Python package rules (included by the root Makefile, which exports CARGO_TARGET_DIR).
#   make py-setup   the project's own virtual environment at .venv, with the build and test tools
#   make py-build   build the abi3 manylinux2014 wheel (maturin --zig, release) and install it into .venv
#   make py-test    pytest (shared vectors and fixtures, examples over real HTTP) and mypy --strict
#   make py-bench   prepare/parse against py-taobao-open, wheel size, import time
#   make py-demo    python -m topwire.gateway --port 0, both Python examples against it, stop it

PY_VENV      := $(CURDIR)/.venv
PY           := $(PY_VENV)/bin/python
PY_BASE      ?= python3
PY_WHEEL_DIR := $(CARGO_TARGET_DIR)/py-wheels
PY_STAMP     := $(PY_VENV)/.topwire-dev-tools

.PHONY: py-setup py-build py-test py-bench py-typecheck py-demo

py-setup: $(PY_STAMP)

$(PY_STAMP): py/requirements-dev.txt
	test -x $(PY) || $(PY_BASE) -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r py/requirements-dev.txt
	touch $@

py-build: py-setup
	rm -f $(PY_WHEEL_DIR)/topwire-*.whl
	cd py && VIRTUAL_ENV=$(PY_VENV) PATH=$(PY_VENV)/bin:$$PATH $(PY) -m maturin build --release --quiet \
		--zig --compatibility manylinux2014 --out $(PY_WHEEL_DIR)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall $(PY_WHEEL_DIR)/topwire-*.whl

# Run from the repository root so that the installed wheel (not py/topwire) is imported.
py-test: py-build
	$(PY) -m pytest -q py/tests
	$(MAKE) --no-print-directory py-typecheck

py-typecheck:
	cd py/tests && $(PY) -m mypy --strict --no-incremental typing_usage.py

py-bench: py-build
	$(PY) py/bench/bench.py --wheel-dir $(PY_WHEEL_DIR)

py-demo: py-build
	$(PY) examples/python/demo.py
