"""Every case of tests/vectors/*.json and tests/fixtures/*.json (format: tests/README.md).

The same files are run by the Rust and Node suites; nothing here is specific
to a case, so a case added there is checked here too.
"""

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import topwire
from conftest import REPO
from tmc_vectors import run_tmc

VECTORS = REPO / "tests" / "vectors"
FIXTURES = REPO / "tests" / "fixtures"
FILES = sorted(VECTORS.glob("*.json")) + sorted(FIXTURES.glob("*.json"))


def load(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


def cases() -> List[Tuple[Path, Dict[str, Any]]]:
    out = []
    for path in FILES:
        for case in load(path).get("cases", []):
            out.append((path, case))
    return out


ALL_CASES = cases()


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_file_has_cases(path: Path) -> None:
    data = load(path)
    assert isinstance(data.get("description"), str)
    names = [c.get("name") for c in data.get("cases", [])]
    assert names, f"{path} has no cases"
    assert len(names) == len(set(names)), f"{path} repeats a case name"


def check_error(exc: BaseException, expected: Dict[str, Any]) -> None:
    assert type(exc).__name__ == expected["type"], f"{type(exc).__name__}: {exc}"
    assert isinstance(exc, topwire.TopError)
    for key, value in expected.items():
        if key == "type":
            continue
        if key == "message":
            assert str(exc) == value
        else:
            assert getattr(exc, key) == value, key


def run_expecting(case: Dict[str, Any], fn: Any) -> Any:
    if "error" in case:
        with pytest.raises(topwire.TopError) as info:
            fn()
        check_error(info.value, case["error"])
        return None
    return fn()


CLIENT_KEYS = ("sign_method", "format", "simplify", "gateway", "partner_id", "target_app_key")


def make_client(spec: Dict[str, Any]) -> topwire.TopClient:
    options = {k: spec[k] for k in CLIENT_KEYS if k in spec}
    return topwire.TopClient(spec["app_key"], spec["app_secret"], **options)


def run_sign(case: Dict[str, Any]) -> None:
    pairs = [(k, v) for k, v in case["params"]]
    got = run_expecting(case, lambda: topwire.sign(pairs, case["secret"], case["sign_method"]))
    if "error" not in case:
        assert got == case["sign"]
        if "string_to_sign" in case:
            assert topwire.string_to_sign(pairs) == case["string_to_sign"]


def with_files(value: Any) -> Any:
    """Objects with `file_base64` are files (tests/README.md); each spelling a
    caller may use is exercised: bytes-like alone, (filename, data), FileItem."""
    if isinstance(value, dict) and "file_base64" in value:
        data = base64.b64decode(value["file_base64"])
        if "content_type" in value:
            return topwire.FileItem(data, filename=value.get("filename"),
                                    content_type=value["content_type"])
        if "filename" in value:
            return (value["filename"], bytearray(data))
        return memoryview(data)
    if isinstance(value, dict):
        return {k: with_files(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_files(v) for v in value]
    return value


def run_prepare(case: Dict[str, Any]) -> None:
    def go() -> topwire.PreparedRequest:
        client = make_client(case["client"])
        return client.prepare(
            case["method"],
            with_files(case.get("params")),
            session=case.get("session"),
            timestamp=case["timestamp_ms"],
            allow_unknown=case.get("allow_unknown", False),
        )

    req = run_expecting(case, go)
    if req is None:
        return
    want = case["expect"]
    assert req.method == want["method"]
    assert req.url == want["url"]
    if "body_base64" in want:
        assert req.body == base64.b64decode(want["body_base64"])
        assert req.is_multipart
    else:
        assert req.body == want["body"].encode("utf-8")
        assert not req.is_multipart
    if "headers" in want:
        assert req.headers == want["headers"]
    if "params" in want:
        assert req.params == [tuple(p) for p in want["params"]]


def run_timestamp(case: Dict[str, Any]) -> None:
    client = topwire.TopClient("test", "test")
    req = run_expecting(
        case, lambda: client.prepare("taobao.time.get", timestamp=case["timestamp_ms"])
    )
    if req is not None:
        assert dict(req.params)["timestamp"] == case["text"]


def run_spi(case: Dict[str, Any]) -> None:
    def go() -> None:
        kwargs: Dict[str, Any] = {}
        if "max_skew_ms" in case:
            kwargs["max_skew"] = timedelta(milliseconds=case["max_skew_ms"])
        topwire.verify_spi(
            query=case["query"],
            headers=[tuple(h) for h in case.get("headers", [])],
            body=case.get("body", "").encode("utf-8"),
            content_type=case.get("content_type"),
            secret=case["secret"],
            now=case["now_ms"],
            **kwargs,
        )

    run_expecting(case, go)
    if "error" not in case:
        assert case["expect"] == "ok"


def run_parse(case: Dict[str, Any]) -> None:
    client = topwire.TopClient(
        "test", "test", simplify=case.get("simplify", False), **(
            {"format": case["format"]} if "format" in case else {}
        )
    )
    body = base64.b64decode(case["body_base64"]) if "body_base64" in case else case["body"].encode()
    got = run_expecting(case, lambda: client.parse(case["method"], body))
    if "error" not in case:
        assert got == case["expect"]
        # The same body as str gives the same result.
        if "body" in case:
            assert client.parse(case["method"], case["body"]) == got


def run_batch(case: Dict[str, Any]) -> None:
    """tests/vectors/batch.json, by each case's `kind`."""
    {"prepare": run_batch_prepare, "parse": run_batch_parse, "gateway": run_batch_gateway}[case["kind"]](case)


def run_batch_prepare(case: Dict[str, Any]) -> None:
    calls = [(c["method"], with_files(c.get("params")), c["session"]) if "session" in c
             else (c["method"], with_files(c.get("params"))) for c in case["calls"]]
    o = case["options"]

    def go() -> topwire.PreparedBatch:
        return make_client(case["client"]).prepare_batch(
            calls, session=o.get("session"), timestamp=o["timestamp_ms"],
            separator=o.get("separator"), batch_url=o.get("batch_url"))

    req = run_expecting(case, go)
    if req is None:
        return
    want = case["expect"]
    assert (req.method, req.url, req.body) == (want["method"], want["url"], want["body"].encode())
    assert req.headers == want["headers"]
    assert req.params == [tuple(p) for p in want["params"]]
    assert req.methods == [c["method"] for c in case["calls"]]


def run_batch_parse(case: Dict[str, Any]) -> None:
    client = topwire.TopClient("test", "test")
    for body in (case["body"], case["body"].encode()):
        got = run_expecting(case, lambda: client.parse_batch(case["methods"], body,
                                                             separator=case.get("separator")))
        if got is None:
            continue
        assert len(got) == len(case["expect"])
        for item, want in zip(got, case["expect"]):
            if "data" in want:
                assert item == want["data"]
            else:
                check_error(item, want["error"])


def run_batch_gateway(case: Dict[str, Any]) -> None:
    gw = topwire.Gateway(json.dumps(case["config"]))
    r = case["request"]
    status, _, body = gw.handle(r["method"], r["target"], [tuple(h) for h in r["headers"]],
                                r["body"].encode(), now_ms=case["now_ms"])
    assert (status, body.decode()) == (case["reply"]["status"], case["reply"]["body"])


RUNNERS = {"sign.json": run_sign, "prepare.json": run_prepare,
           "timestamp.json": run_timestamp, "spi.json": run_spi, "batch.json": run_batch,
           "tmc.json": lambda case: run_tmc(case, run_expecting)}


@pytest.mark.parametrize(
    "path,case", ALL_CASES, ids=[f"{p.stem}:{c.get('name')}" for p, c in ALL_CASES]
)
def test_case(path: Path, case: Dict[str, Any]) -> None:
    if path.parent == FIXTURES:
        run_parse(case)
    else:
        runner = RUNNERS.get(path.name)
        assert runner is not None, f"no Python runner for {path.name}: add one to {__file__}"
        runner(case)
