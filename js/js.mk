# npm package `topwire` (js/) and its wasm-bindgen glue (bindings/wasm/).
#   make js-setup   toolchain: wasm32 target, wasm-bindgen CLI, npm packages (quick when present)
#   make js-pack    the npm tarball, from a staging directory: $(CARGO_TARGET_DIR)/npm/topwire-<version>.tgz
#   make js-build   js/dist: wasm (cargo --profile wasm) + wasm-bindgen (nodejs, web, bundler) + wasm-opt -Oz
#   make js-test    node --test (shared cases, API, example over HTTP, headless Chromium: installs Debian's chromium) and tsc --strict
#   make js-bench   prepare/parse against node-taobao-topclient and JSON.parse; 1,000,000-cycle memory check
# Build outputs of cargo go to $(CARGO_TARGET_DIR) (exported by the root Makefile).

WASM_BINDGEN_VERSION := 0.2.130
JS_NODE_TEST = cd js && TZ=America/New_York node --test --test-reporter=spec

.PHONY: js-setup js-build js-browser-setup js-pack js-test js-types js-bench

js-setup:
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --no-default-features --bin wasm-bindgen; fi
	@if [ ! -f js/node_modules/.package-lock.json ] || [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then \
		cd js && npm ci --no-audit --no-fund; fi

js-build: js-setup
	node js/scripts/build.mjs

# The browser test alone needs Chromium; building, packing and the demo do not.
js-browser-setup:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; fi

# A clean tarball at $(CARGO_TARGET_DIR)/npm/topwire-<version>.tgz (npm pack in js/ refuses).
js-pack: js-build
	node js/scripts/pack.mjs

# The declarations under strict mode with the TypeScript of the lock file and
# with the oldest one supported, 5.0 (npm alias typescript50).
js-types: js-build
	cd js && node node_modules/typescript/bin/tsc -p tsconfig.json
	cd js && node node_modules/typescript50/bin/tsc -p tsconfig.json

js-test: js-build js-types js-browser-setup
	$(JS_NODE_TEST) test/*.test.mjs

js-bench: js-build
	@if [ ! -f js/bench/node_modules/.package-lock.json ] || [ js/bench/package-lock.json -nt js/bench/node_modules/.package-lock.json ]; then \
		cd js/bench && npm ci --no-audit --no-fund; fi
	cd js && node --expose-gc bench/run.mjs
