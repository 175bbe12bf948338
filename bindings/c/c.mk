# The C library (bindings/c) and its PHP and Go hosts (included by the root
# Makefile, which exports CARGO_TARGET_DIR).
#   make c-setup   php-cli (with FFI) and golang-go from Debian, only when missing
#   make c-build   libtopwire_c.so and libtopwire_c.a (release) in $(CARGO_TARGET_DIR)/release
#   make c-test    PHP and Go checks and seed calls over HTTP (the Rust tests of the ABI run in test-rust)
#   make c-bench   prepare through the C ABI against the Rust prepare; the library's stripped size

C_LIB_DIR := $(CARGO_TARGET_DIR)/release

.PHONY: c-setup c-build c-test c-bench

c-setup:
	@if ! command -v php >/dev/null || ! command -v go >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y --no-install-recommends php-cli golang-go \
		|| { apt-get update && apt-get install -y --no-install-recommends php-cli golang-go; }; fi
	@php -r 'exit(extension_loaded("ffi") ? 0 : 1);' || { echo "php has no FFI extension" >&2; exit 1; }

c-build:
	cargo build --release -p topwire-c
	@echo "header:  $(CURDIR)/bindings/c/include/topwire.h"
	@echo "library: $(C_LIB_DIR)/libtopwire_c.so, $(C_LIB_DIR)/libtopwire_c.a"
	@echo "Go:      source scripts/c_env.sh   (sets CGO_CFLAGS, CGO_LDFLAGS, TOPWIRE_LIB)"

c-test: c-setup c-build py-build
	bash scripts/c_hosts.sh

c-bench:
	cargo bench -p topwire-c --bench c_abi
	python3 scripts/bench_report.py c
	cargo build --release -p topwire-c
	@strip -o $(C_LIB_DIR)/libtopwire_c.stripped.so $(C_LIB_DIR)/libtopwire_c.so
	@size=$$(stat -c %s $(C_LIB_DIR)/libtopwire_c.stripped.so); \
		echo "libtopwire_c.so stripped: $$size bytes (budget 1048576: $$([ $$size -le 1048576 ] && echo within || echo OVER))"
