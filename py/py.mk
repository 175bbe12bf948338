# Python package rules: filled in by the PyO3 work.
.PHONY: py-test py-bench
py-test:
py-bench:
