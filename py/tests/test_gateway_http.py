"""The shared raw-HTTP cases (tests/http/raw_cases.json) against the Python
server: raw request bytes in, the replies' statuses (and TOP bodies) out, the
same file the Node suite runs against `npx topwire-gateway`'s server. Plus
the bounds that need more than one connection. No sleeps: every wait is on
the server (a reply or a close), with a generous socket timeout as a fuse."""

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from topwire.gateway import GatewayServer, Limits, serve

CASES_FILE = Path(__file__).resolve().parents[2] / "tests" / "http" / "raw_cases.json"
DOC: Dict[str, Any] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
FUSE = 30.0  # seconds a test waits for the server before failing


def limits_of(spec: Dict[str, Any]) -> Limits:
    """Limits from the file's names (times in milliseconds)."""
    kwargs: Dict[str, Any] = {}
    for key, value in spec.items():
        if key.endswith("_ms"):
            kwargs[key[:-3]] = value / 1000
        else:
            kwargs[key] = value
    return Limits(**kwargs)


def start(limits: Dict[str, Any]) -> GatewayServer:
    now = DOC["now_ms"]
    return serve(config=DOC["config"], clock=lambda: now, limits=limits_of(limits)).start()


@pytest.fixture(scope="module")
def servers() -> Iterator[Dict[bool, GatewayServer]]:
    fast, slow = start(DOC["limits"]), start(DOC["slow_limits"])
    try:
        yield {False: fast, True: slow}
    finally:
        fast.stop()
        slow.stop()


def exchange(port: int, data: bytes, hold: bool) -> bytes:
    """Sends the bytes; unless `hold`, ends the sending side. Returns all the
    server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=FUSE) as s:
        s.sendall(data)
        if not hold:
            s.shutdown(socket.SHUT_WR)
        out = bytearray()
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return bytes(out)


def parse_replies(raw: bytes) -> List[Tuple[int, Dict[str, str], bytes]]:
    """HTTP/1.1 replies one after another: status, headers (lower-case names), body."""
    replies = []
    rest = raw
    while rest:
        head, sep, rest = rest.partition(b"\r\n\r\n")
        assert sep, f"a reply without the end of its headers: {head!r}"
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        body = b""
        if status >= 200:
            if headers.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    size_line, _, rest = rest.partition(b"\r\n")
                    size = int(size_line.split(b";")[0], 16)
                    body, rest = body + rest[:size], rest[size + 2:]
                    if size == 0:
                        break
            else:
                size = int(headers.get("content-length", "0"))
                body, rest = rest[:size], rest[size:]
        replies.append((status, headers, body))
    return replies


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["name"] for c in DOC["cases"]])
def test_raw_case(servers: Dict[bool, GatewayServer], case: Dict[str, Any]) -> None:
    hold = bool(case.get("hold"))
    raw = exchange(servers[hold].port, case["send"].encode("latin-1"), hold)
    got = parse_replies(raw)
    assert [status for status, _, _ in got] == [r["status"] for r in case["replies"]], raw[:300]
    for (status, headers, body), want in zip(got, case["replies"]):
        if "json" in want:
            assert headers["content-type"].startswith("application/json")
            assert json.loads(body) == want["json"]
        if "text" in want:
            assert body.decode("utf-8") == want["text"]


def test_the_file_has_cases_of_both_kinds() -> None:
    assert sum("request" in c for c in DOC["cases"]) >= 10
    assert sum("request" not in c for c in DOC["cases"]) >= 40


def test_default_limits_are_the_shared_ones() -> None:
    assert repr(Limits()) == repr(limits_of(DOC["defaults"]))
    with serve() as gw:
        assert repr(gw.limits) == repr(limits_of(DOC["defaults"]))


def test_bad_limits_are_refused() -> None:
    for bad in ({"max_connections": 0}, {"max_body_bytes": True}, {"header_timeout": 0},
                {"request_timeout": float("nan")}):
        with pytest.raises(ValueError):
            Limits(**bad)


def keep_alive_request(port: int) -> socket.socket:
    """A connection that has had one reply and stays open."""
    s = socket.create_connection(("127.0.0.1", port), timeout=FUSE)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(65536)
        assert chunk, "the server closed a kept-alive connection"
        head += chunk
    assert head.startswith(b"HTTP/1.1 404 ")
    return s


def served(port: int) -> Optional[bytes]:
    """The first bytes a new connection gets, or None when it is closed unanswered."""
    with socket.create_connection(("127.0.0.1", port), timeout=FUSE) as s:
        try:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = s.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return None
        return data or None


def test_connections_past_the_cap_are_closed_unanswered() -> None:
    with serve(limits=Limits(max_connections=2)) as gw:
        held = [keep_alive_request(gw.port), keep_alive_request(gw.port)]
        try:
            assert served(gw.port) is None
        finally:
            for s in held:
                s.close()
        # Once the server has seen them close, new connections are served again.
        deadline = time.monotonic() + FUSE
        answer = served(gw.port)
        while answer is None and time.monotonic() < deadline:
            answer = served(gw.port)
        assert answer is not None and answer.startswith(b"HTTP/1.1 404 ")


def test_stop_closes_kept_alive_connections() -> None:
    server = serve().start()
    s = keep_alive_request(server.port)
    try:
        server.stop()
        assert s.recv(65536) == b""
    finally:
        s.close()


def test_a_malformed_request_leaves_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    with serve() as gw:
        for data in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9\r\n\r\n", b"\xff\xfe\r\n\r\n"):
            assert parse_replies(exchange(gw.port, data, False))[0][0] == 400
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_the_quiet_cli_stays_quiet_on_malformed_requests() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "topwire.gateway", "--port", "0", "--quiet",
                             "--max-body-bytes", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the server listens
        port = int(line.split(" on ", 1)[1].split("/router/rest", 1)[0].rsplit(":", 1)[1])
        for data in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9\r\n\r\n", b"POST / HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 4\r\n\r\nabc"):
            assert parse_replies(exchange(port, data, False))[0][0] == 400
        # --max-body-bytes 5
        post = b"POST /router/rest HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n"
        assert parse_replies(exchange(port, post, False))[0][0] == 413
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=FUSE)
    assert proc.returncode == 0
    assert err == "topwire gateway stopped\n"


@pytest.mark.parametrize("flag", ["--max-body-bytes", "--max-connections"])
@pytest.mark.parametrize("value", ["0", "-1", "x", "\u00b2", "9" * 5000])
def test_cli_limit_flags_need_positive_integers(flag: str, value: str) -> None:
    out = subprocess.run([sys.executable, "-m", "topwire.gateway", "--port", "0", flag, value],
                         capture_output=True, text=True, timeout=FUSE)
    assert out.returncode == 2 and out.stdout == ""
    assert "expected a positive integer" in out.stderr


def test_timed_out_connections_free_their_slots() -> None:
    """128 idle, 128 slow (a byte at a time) and 128 held-body clients that
    never close their side: once the server has ended each, a real request
    is answered (as the Node server's own test)."""
    limits = Limits(header_timeout=0.2, request_timeout=0.4, keep_alive_timeout=0.2)
    with serve(limits=limits) as gw:
        idle = [socket.create_connection(("127.0.0.1", gw.port), timeout=FUSE) for _ in range(128)]
        slow = [socket.create_connection(("127.0.0.1", gw.port), timeout=FUSE) for _ in range(128)]
        held = [socket.create_connection(("127.0.0.1", gw.port), timeout=FUSE) for _ in range(128)]
        stop = threading.Event()

        def dribble() -> None:
            request = b"GET / HTTP/1.1\r\nHost: gateway.test\r\nX-Slow: " + b"a" * 1000
            sent = 0
            while not stop.wait(0.02):
                for s in slow:
                    try:
                        s.send(request[sent % len(request):][:1])
                    except OSError:
                        pass
                sent += 1

        for s in held:
            try:
                s.sendall(b"POST /router/rest HTTP/1.1\r\nHost: gateway.test\r\n"
                          b"Content-Length: 4194304\r\n\r\nabc")
            except OSError:
                pass
        writer = threading.Thread(target=dribble, daemon=True)
        writer.start()
        try:
            for s in idle + slow + held:  # each is ended by the server (FIN or reset)
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
            answer = served(gw.port)
            deadline = time.monotonic() + FUSE
            while answer is None and time.monotonic() < deadline:
                answer = served(gw.port)
            assert answer is not None and answer.startswith(b"HTTP/1.1 404 ")
        finally:
            stop.set()
            writer.join()
            for s in idle + slow + held:
                s.close()
