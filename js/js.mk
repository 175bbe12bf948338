# Node package rules: filled in by the wasm/npm work.
.PHONY: js-test js-bench
js-test:
js-bench:
