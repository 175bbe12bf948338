#!/usr/bin/env python3
"""The packed artifacts, tested as a user gets them (`make package-test`, part of `make test`).

Checks what the npm tarball, the wheel, the sdist and the crate hold (both
license texts; no build stamps, dev scripts or dev dependencies; only what
building the wheel needs in the sdist), then installs the tarball into a
fresh npm project and the wheel into a fresh virtual environment, both in a
temporary directory outside the repository, starts the local gateway from
each installed package (`topwire-gateway`, `npx --no-install
topwire-gateway`) and runs the README's examples marked
`<!-- packaged-example: NAME -->` from there over HTTP. Standard library
only; maturin comes from the development environment (`python -m maturin`).

    python scripts/packaged.py --tarball target/npm/topwire-0.1.0.tgz --wheel-dir target/py-wheels
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSES = ("LICENSE-MIT", "LICENSE-APACHE")
ENV = {"TOP_APP_KEY": "12345678", "TOP_APP_SECRET": "topwire-local-secret", "TOP_SESSION": "local-session"}
# What each README example prints when it ran against the local gateway's sample replies.
EXPECTED = {
    "node": "true\n",
    "node-call": "true\n",
    "python": "isv.success-all\n",
    "python-call": "True\nisv.success-all\n",
}
# The sdist's top level: the crates maturin builds and the Python package, nothing else.
SDIST_TOP = {"PKG-INFO", "Cargo.lock", "Cargo.toml", "README.md", "pyproject.toml", "build.rs",
             "src", "apis", "benches", "bindings", "topwire", *LICENSES}

failures = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600, **kw)


def license_texts_match(get) -> bool:
    return all(get(name) == (ROOT / name).read_bytes() for name in LICENSES)


def check_tarball(tgz: Path) -> None:
    with tarfile.open(tgz) as tar:
        names = {m.name.removeprefix("package/") for m in tar.getmembers() if m.isfile()}
        read = lambda n: tar.extractfile("package/" + n).read()  # noqa: E731
        check(license_texts_match(read), "npm tarball: LICENSE-MIT and LICENSE-APACHE, the root's texts")
        pkg = json.loads(read("package.json"))
    check(not {"dist/.stamp", "dist/sizes.json"} & names, "npm tarball: no build stamps")
    check("scripts" not in pkg and "devDependencies" not in pkg, "npm tarball: no scripts or dev dependencies")
    check(not pkg.get("dependencies"), "npm tarball: no runtime dependencies")
    targets = [pkg["main"], pkg["module"], pkg["browser"], pkg["types"], *pkg["bin"].values()]
    stack = [pkg["exports"]]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        else:
            targets.append(v)
    missing = sorted({t.removeprefix("./") for t in targets} - names)
    check(not missing, f"npm tarball: every entry point it names is in it {missing or ''}")


def check_wheel(whl: Path) -> None:
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        read = lambda n: z.read(f"{info}/licenses/{n}")  # noqa: E731
        check(license_texts_match(read), "wheel: both license texts in dist-info/licenses")
        scripts = z.read(f"{info}/entry_points.txt").decode()
    check(re.search(r"^topwire-gateway\s*=\s*topwire.gateway:main$", scripts, re.M) is not None, "wheel: the topwire-gateway console script")


def check_sdist(py: str, tmp: Path) -> None:
    out = tmp / "sdist"
    run([py, "-m", "maturin", "sdist", "--out", str(out)], cwd=ROOT / "py")
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        files = [m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile()]
        top = {f.split("/")[0] for f in files}
        prefix = tar.getnames()[0].split("/")[0]
        read = lambda n: tar.extractfile(f"{prefix}/{n}").read()  # noqa: E731
        check(license_texts_match(read), "sdist: both license texts")
    check(top <= SDIST_TOP, f"sdist: only what builds the wheel (extra: {sorted(top - SDIST_TOP)})")
    check(all(f.startswith("bindings/python/") for f in files if f.startswith("bindings/")),
          "sdist: of the bindings, the PyO3 glue only")
    print(f"     sdist: {len(files)} files", flush=True)
    # And it is enough: pip builds the wheel from it alone (maturin from this
    # environment). Unpacked at a fixed place, with a target directory of its
    # own: cargo keeps build scripts by package, not by where it was unpacked.
    check_dir = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "sdist-check"
    shutil.rmtree(check_dir / "src", ignore_errors=True)
    with tarfile.open(sdist) as tar:
        tar.extractall(check_dir / "src", filter="data")
    (unpacked,) = (check_dir / "src").iterdir()
    # The sdist's files carry fixed old mtimes; cargo would take its earlier
    # build (of another sdist) as fresh. Now is when these sources arrived.
    for f in unpacked.rglob("*"):
        os.utime(f)
    env = dict(os.environ, PATH=f"{Path(py).parent}:{os.environ['PATH']}", CARGO_TARGET_DIR=str(check_dir / "target"))
    built = subprocess.run([py, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "-w", str(tmp / "from-sdist"), str(unpacked)],
                           cwd=tmp, capture_output=True, text=True, timeout=1800, env=env)
    check(built.returncode == 0 and any((tmp / "from-sdist").glob("topwire-*.whl")),
          "sdist: pip builds the wheel from it")
    if built.returncode != 0:
        print(built.stdout[-3000:] + built.stderr[-3000:])


def check_crate() -> None:
    listed = run(["cargo", "package", "--list", "--allow-dirty", "-p", "topwire"], cwd=ROOT).stdout.split()
    check(set(LICENSES) <= set(listed), "crate: both license texts")
    check(not any(f.startswith(("js/", "py/", "examples/", "tests/")) for f in listed),
          "crate: no bindings' packages, examples or test data")


def examples() -> dict:
    """The README's examples marked for this test, by name."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = dict(re.findall(r"<!-- packaged-example: ([\w-]+) -->\n```\w+\n(.*?)```", text, re.S))
    check(set(found) == set(EXPECTED), f"README: the marked examples are {sorted(EXPECTED)}")
    return found


def start(cmd, cwd: Path) -> "tuple[subprocess.Popen, str]":
    """A gateway process and the URL of its first stdout line."""
    proc = subprocess.Popen(cmd + ["--port", "0", "--quiet"], cwd=cwd, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on (\S+)", line)
    if m is None:
        proc.kill()
        raise SystemExit(f"{cmd}: no banner, got {line!r}")
    return proc, m.group(1)


def stop(proc: subprocess.Popen) -> None:
    # The whole process group: npx does not pass SIGTERM on to the server it started.
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def run_example(name: str, cmd, cwd: Path, url: str) -> None:
    env = dict(os.environ, TOP_GATEWAY=url, **ENV)
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    ok = out.returncode == 0 and out.stdout == EXPECTED[name]
    check(ok, f"README example {name}, run from the installed package")
    if not ok:
        print(out.stdout + out.stderr)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tarball", type=Path, required=True)
    ap.add_argument("--wheel-dir", type=Path, required=True)
    args = ap.parse_args()
    (wheel,) = args.wheel_dir.glob("topwire-*.whl")
    code = examples()
    tmp = Path(tempfile.mkdtemp(prefix="topwire-packaged-"))
    try:
        check_tarball(args.tarball)
        check_wheel(wheel)
        check_sdist(sys.executable, tmp)
        check_crate()

        # npm: a fresh project that installs the tarball (it has no dependencies: no network).
        app = tmp / "node-app"
        app.mkdir()
        (app / "package.json").write_text('{"name": "app", "private": true, "type": "module"}\n')
        run(["npm", "install", "--no-audit", "--no-fund", "--offline", str(args.tarball.resolve())], cwd=app)
        cjs = run(["node", "-e", "const t = require('topwire'); console.log(typeof t.TopClient)"], cwd=app).stdout
        check(cjs == "function\n", "npm: require('topwire') from the installed package")
        gw, url = start(["npx", "--no-install", "topwire-gateway"], app)
        try:
            for name in ("node", "node-call"):
                (app / f"{name}.mjs").write_text(code[name])
                run_example(name, ["node", f"{name}.mjs"], app, url)
        finally:
            stop(gw)

        # Python: a fresh virtual environment with the wheel (and httpx, which the examples use).
        venv = tmp / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        vpy = str(venv / "bin" / "python")
        run([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index", str(wheel)])
        run([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check", "httpx"])
        where = run([vpy, "-c", "import topwire; print(topwire.__file__)"], cwd=tmp).stdout
        check(where.startswith(str(venv)), "pip: topwire imported from the fresh environment")
        gw, url = start([str(venv / "bin" / "topwire-gateway")], tmp)
        try:
            for name in ("python", "python-call"):
                (tmp / f"{name}.py").write_text(code[name])
                run_example(name, [vpy, f"{name}.py"], tmp, url)
        finally:
            stop(gw)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"packaged: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
