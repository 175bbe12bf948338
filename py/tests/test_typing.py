"""mypy --strict accepts typing_usage.py and rejects each marked line of typing_reject.py;
the stub's overloads cover exactly the known methods."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Set

import pytest

import topwire
from conftest import TESTS_DIR

pytest.importorskip("mypy")


def mypy(name: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--show-error-codes",
         "--no-error-summary", name],
        cwd=TESTS_DIR, capture_output=True, text=True, timeout=300,
    )


def test_usage_type_checks() -> None:
    out = mypy("typing_usage.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mistakes_are_rejected() -> None:
    lines = (TESTS_DIR / "typing_reject.py").read_text(encoding="utf-8").splitlines()
    expected: Dict[int, str] = {}
    for n, line in enumerate(lines, 1):
        m = re.search(r"# E: ([a-z-]+)$", line)
        if m:
            expected[n] = m.group(1)
    assert len(expected) >= 10
    out = mypy("typing_reject.py")
    assert out.returncode == 1, out.stdout + out.stderr
    found: Dict[int, Set[str]] = {}
    for m in re.finditer(r"typing_reject\.py:(\d+): error: .*\[([a-z-]+)\]", out.stdout):
        found.setdefault(int(m.group(1)), set()).add(m.group(2))
    assert set(found) == set(expected), out.stdout
    for line, code in expected.items():
        assert code in found[line], (line, out.stdout)


def test_stub_overloads_cover_the_known_methods() -> None:
    import typing
    stub = (Path(topwire.__file__).parent / "__init__.pyi").read_text(encoding="utf-8")
    known = set(typing.get_args(topwire.apis.KnownMethod))
    assert known
    for fn in ("prepare", "parse"):
        literal = set(re.findall(
            rf"def {fn}\(\s*self,\s*method: Literal\[\"([^\"]+)\"\]", stub))
        assert literal == known, fn


def test_stub_names_exist_at_runtime() -> None:
    for name in topwire.__all__:
        assert hasattr(topwire, name)
    for attr in ("method", "url", "headers", "body", "params"):
        assert hasattr(topwire.PreparedRequest, attr)
