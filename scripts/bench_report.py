#!/usr/bin/env python3
"""Prints the core benchmark figures and ratios from criterion's results.

Run by `make bench-rust` after `cargo bench --bench core`; reads the medians
criterion wrote under $CARGO_TARGET_DIR/criterion.
"""
import json
import os
import sys
from pathlib import Path

root = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"


def median_ns(name: str) -> float:
    path = root / name / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"]


def c_abi() -> int:
    """`make c-bench`: the C ABI against the Rust calls of the same run."""
    for what in ("prepare", "parse"):
        rust, c = median_ns(f"rust_{what}_verify"), median_ns(f"c_{what}_verify")
        print(f"{what} of the verify call: C ABI {c:.0f}ns, Rust {rust:.0f}ns, ratio {c / rust:.2f}x")
    print("target: prepare through the C ABI (JSON crossing included) within 1.5x the Rust prepare")
    return 0


def main() -> int:
    if sys.argv[1:] == ["c"]:
        return c_abi()
    print(f"{'API':<10} {'prepare':>10} {'bare hash':>10} {'ratio':>7} {'parse':>10}")
    for api in ("verify", "resend", "reserve"):
        prep, hashed, parsed = (median_ns(f"{k}_{api}") for k in ("prepare", "hash", "parse"))
        print(f"{api:<10} {prep:>8.0f}ns {hashed:>8.0f}ns {prep / hashed:>6.1f}x {parsed:>8.0f}ns")
    print(f"parse of the verify XML reply: {median_ns('parse_xml_verify'):.0f}ns")
    print("target: prepare of the verify call within 3x the bare hash of its canonical string")
    return 0


if __name__ == "__main__":
    sys.exit(main())
