#!/usr/bin/env python3
"""Prints the benchmark figures and ratios of `make bench`.

`bench_report.py` (after `cargo bench --bench core`): the core's figures,
from the medians criterion wrote under $CARGO_TARGET_DIR/criterion.
`bench_report.py c` (after `make c-bench`): the C ABI against Rust.
`bench_report.py table` (the end of `make bench`): every row of the
performance budget in one table, from criterion's medians and the figures
js/bench/run.mjs and py/bench/bench.py leave in $CARGO_TARGET_DIR/bench.
"""
import json
import os
import sys
from pathlib import Path

target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
root = target / "criterion"


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


def host(name: str) -> dict:
    path = target / "bench" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def table() -> int:
    """The issue's table: each path, its figures, its ratio and its budget."""
    node, py = host("node"), host("python")
    rows = []

    def speedup(what: str, fig: dict, other: str, budget: float) -> None:
        if fig:
            ratio = fig["theirs"] / fig["ours"]
            rows.append((what, f"{fig['ours']:.0f} ns vs {other} {fig['theirs']:.0f} ns",
                         f"{ratio:.2f}x as fast", f">= {budget}x as fast", ratio >= budget))

    def cost(what: str, ours: float, theirs: float, other: str, budget: float) -> None:
        ratio = ours / theirs
        rows.append((what, f"{ours:.0f} ns vs {other} {theirs:.0f} ns",
                     f"{ratio:.2f}x the time", f"<= {budget}x the time", ratio <= budget))

    speedup("Node prepare (md5)", node.get("prepare_md5"), "node-taobao-topclient", 1.5)
    speedup("Node prepare (hmac-sha256)", node.get("prepare_hmac"), "node-taobao-topclient", 1.5)
    if node.get("parse"):
        p = node["parse"]
        cost("Node parse", p["ours"], p["theirs"], "JSON.parse + lookup", 2.0)
    for key, label in (("prepare_md5", "md5"), ("prepare_hmac", "hmac-sha256")):
        fig = py.get(key)
        if fig:
            fig = {"ours": fig["ours"] * 1000, "theirs": fig["theirs"] * 1000}
        speedup(f"Python prepare ({label})", fig, "py-taobao-open", 10.0)
    try:
        cost("C ABI prepare", median_ns("c_prepare_verify"), median_ns("rust_prepare_verify"),
             "Rust prepare", 1.5)
    except OSError:
        pass
    cost("Rust prepare", median_ns("prepare_verify"), median_ns("hash_verify"),
         "bare HMAC-SHA256", 3.0)

    print("\n| path (the verify call) | figures | ratio | budget | |")
    print("| --- | --- | ---: | --- | --- |")
    for what, figs, ratio, budget, ok in rows:
        print(f"| {what} | {figs} | {ratio} | {budget} | {'ok' if ok else 'OVER'} |")
    missing = [n for n, f in (("make js-bench", node), ("make py-bench", py)) if not f]
    if missing:
        print(f"(no figures yet from {', '.join(missing)})")
    return 0


def main() -> int:
    if sys.argv[1:] == ["c"]:
        return c_abi()
    if sys.argv[1:] == ["table"]:
        return table()
    print(f"{'API':<10} {'prepare':>10} {'bare hash':>10} {'ratio':>7} {'parse':>10}")
    for api in ("verify", "resend", "reserve"):
        prep, hashed, parsed = (median_ns(f"{k}_{api}") for k in ("prepare", "hash", "parse"))
        print(f"{api:<10} {prep:>8.0f}ns {hashed:>8.0f}ns {prep / hashed:>6.1f}x {parsed:>8.0f}ns")
    print(f"parse of the verify XML reply: {median_ns('parse_xml_verify'):.0f}ns")
    print("target: prepare of the verify call within 3x the bare hash of its canonical string")
    return 0


if __name__ == "__main__":
    sys.exit(main())
