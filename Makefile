# topwire: the README's commands.
#   make demo   the seed calls from Node, Python, PHP and Go, and the merchant workflow from Node and Python, over real HTTP against local gateways
#   make test   every test suite (Rust, Node, browser, Python, PHP and Go hosts of the C library, type checks,
#               the packed npm tarball and wheel installed outside the repository)
#   make bench  benchmarks against py-taobao-open and node-taobao-topclient
# Each part keeps its own rules: js/js.mk (npm package), py/py.mk (Python package),
# bindings/c/c.mk (C library, PHP and Go hosts).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export CARGO_TARGET_DIR ?= $(CURDIR)/target
# Fixed case counts and a fixed seed keep `make test` short and repeatable
# (the same generated cases on every run, so CI never fails by chance);
# `make fuzz` draws fresh cases each run, as many as you ask:
#   make fuzz PROPTEST_CASES=100000
export PROPTEST_CASES ?= 2000
export PROPTEST_RNG_SEED ?= 20261201

.PHONY: test demo bench types fuzz setup test-rust bench-rust package-test
.DEFAULT_GOAL := test

test: test-rust js-test py-test c-test package-test

test-rust:
	rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p topwire-wasm --target wasm32-unknown-unknown --features small -- -D warnings
	cargo clippy -p topwire-wasm --target wasm32-unknown-unknown --features gateway,batch,tmc -- -D warnings
	cargo test --workspace
	# The browser build's size-saving paths (the core's `small` feature) on the shared vectors.
	cargo test -p topwire --features small --lib --test shared_cases

# The packed npm tarball and wheel as a user gets them: their contents (and the
# sdist's and the crate's), then each installed outside the repository running
# the README's examples against the installed package's own local gateway.
package-test: js-pack py-build
	$(PY) scripts/packaged.py --wheel-dir $(PY_WHEEL_DIR) \
		--tarball $(CARGO_TARGET_DIR)/npm/topwire-$$(node -p "require('./js/package.json').version").tgz

demo: js-build py-build c-build c-setup
	bash scripts/demo.sh

fuzz:
	env -u PROPTEST_RNG_SEED cargo test --release -p topwire --test fuzz --test json_differential --test reply_check --test batch --lib

types:
	TOPWIRE_BLESS=1 cargo test --test codegen -- --test-threads=1
	TOPWIRE_BLESS=1 cargo test -p topwire-c --test header

bench: bench-rust js-bench py-bench c-bench
	python3 scripts/bench_report.py table

bench-rust:
	cargo bench --bench core
	python3 scripts/bench_report.py

include js/js.mk
include py/py.mk
include bindings/c/c.mk
