"""The Python runner of tests/vectors/tmc.json (format: tests/README.md),
used by test_shared_cases.py. Vector frames leave absent headers out and
hold bytes as lists; the Python API gives every header (None when absent),
entries as tuples and bytes as bytes."""

from typing import Any, Callable, Dict, List

from topwire.tmc import TmcSession, decode_frame, encode_frame

CONNECT_AT = 1394864359897


def py_entries(entries: List[Any]) -> List[Any]:
    return [(k, f, bytes(v) if f == "bytes" else v) for k, f, v in entries]


def py_frame(f: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: f.get(k) for k in ["type", "flag", "token", "status_code", "status_phrase"]}
    out["content"] = py_entries(f["content"])
    return out


def message_fields(m: Any) -> Dict[str, Any]:
    keys = ["id", "topic", "content", "compressed", "published", "out_time", "publisher", "nick",
            "user_id", "data_id", "extra"]
    return {k: getattr(m, k) for k in keys}


def session(case: Dict[str, Any]) -> TmcSession:
    s = case["session"]
    return TmcSession(s["app_key"], s["app_secret"], group_name=s.get("group_name", "default"),
                      sdk=s.get("sdk"), intranet_ip=s.get("intranet_ip"))


def online_session(case: Dict[str, Any]) -> TmcSession:
    s = session(case)
    flag = decode_frame(s.connect(CONNECT_AT))["flag"]
    if case.get("online", True):
        ack = encode_frame({"type": "connectack", "flag": flag, "token": case["token"]})
        assert s.receive(ack, CONNECT_AT) == [{"type": "connected", "token": case["token"]}]
    return s


def run_tmc(case: Dict[str, Any], run_expecting: Callable[..., Any]) -> None:
    data = bytes.fromhex(case["bytes"])
    op = case["op"]
    if op == "codec":
        frame = decode_frame(data)
        assert frame == py_frame(case["frame"])
        assert encode_frame(frame).hex() == case.get("encodes_to", case["bytes"])
    elif op == "decode_error":
        run_expecting(case, lambda: decode_frame(data))
    elif op == "connect":
        sent = session(case).connect(case["now"])
        assert sent.hex() == case["bytes"]
        assert decode_frame(sent) == py_frame(case["frame"])
    elif op == "receive":
        s = online_session(case)
        events = run_expecting(case, lambda: s.receive(data, CONNECT_AT + 1))
        if "error" in case:
            return
        got = [dict(e, message=message_fields(e["message"])) if e["type"] == "message" else e for e in events]
        want = [dict(e, message=dict(e["message"], extra=py_entries(e["message"]["extra"])))
                if e["type"] == "message" else e for e in case["events"]]
        assert got == want
        if "data" in case:
            assert events[0]["message"].data() == case["data"]
    elif op == "confirm":
        assert online_session(case).confirm(case["id"]).hex() == case["bytes"]
    elif op == "fail":
        assert online_session(case).fail(case["id"], case["reason"]).hex() == case["bytes"]
    else:
        raise AssertionError(f"unknown op {op}")
