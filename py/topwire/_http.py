"""A strict, bounded HTTP/1.1 request reader for the local gateway's server.

The standard library's ``http.server`` answers a malformed request line with
nothing (and a traceback), acts on bodies shorter than ``Content-Length``, on
two different ``Content-Length`` headers and on ``0x`` chunk sizes, and
rewrites ``//path`` to ``/path``. This reader follows the rules of Node's
parser (llhttp) instead, so ``python -m topwire.gateway`` and
``npx topwire-gateway`` answer every request alike; the shared cases in
``tests/http/raw_cases.json`` hold both to that. It does HTTP only: every TOP
decision is the core's (:class:`topwire.Gateway`).

Every wait has a deadline and every buffer a bound (:class:`Limits`), so a
slow or hostile client holds at most one request's worth of memory for a
bounded time.
"""

from __future__ import annotations

import re
import socket
import time
from typing import List, Optional, Tuple

__all__ = ["HttpError", "Limits", "Reader", "Request", "read_request", "Closed"]

# The methods Node's parser accepts (http.METHODS); any other is a 400 there.
METHODS = frozenset((
    "ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE MKACTIVITY "
    "MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY "
    "REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE"
).split())
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Request-target bytes: visible ASCII only (no space, control or 8-bit byte),
# in origin form (/path), absolute form (scheme://...) or `*`; CONNECT's
# authority form (host:port) is the one other shape Node's parser reads.
_TARGET = re.compile(rb"[\x21-\x7e]+")
_TARGET_FORM = re.compile(rb"/|\*$|[A-Za-z][A-Za-z0-9+.\-]*://")
# Header values: anything but control characters (tab and obs-text allowed).
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_VERSION = re.compile(rb"HTTP/1\.[01]")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_DIGITS = re.compile(rb"[0-9]+")
_CHUNK_EXT = re.compile(rb"(;[!#$%&'*+\-.^_`|~0-9A-Za-z]+(=([!#$%&'*+\-.^_`|~0-9A-Za-z]+|\"[^\"]*\"))?)*")
_CONTINUE = re.compile(r"(?:^|\W)100-continue(?:$|\W)", re.IGNORECASE)
_U64 = 1 << 64
_RECV = 65536


class Limits:
    """What one client may hold: the same defaults as the Node server.

    ``max_connections`` open at once (more are closed on accept),
    ``max_header_bytes`` of request line and headers (431 beyond),
    ``max_body_bytes`` of body (413 beyond, at once when ``Content-Length``
    says so), ``header_timeout`` seconds to send the request line and headers
    and ``request_timeout`` the whole request (408 after), and
    ``keep_alive_timeout`` seconds an idle connection stays open.
    """

    __slots__ = ("max_connections", "max_header_bytes", "max_body_bytes",
                 "header_timeout", "request_timeout", "keep_alive_timeout")

    def __init__(self, *, max_connections: int = 128, max_header_bytes: int = 16 * 1024,
                 max_body_bytes: int = 4 * 1024 * 1024, header_timeout: float = 10.0,
                 request_timeout: float = 30.0, keep_alive_timeout: float = 5.0) -> None:
        for name, value in (("max_connections", max_connections),
                            ("max_header_bytes", max_header_bytes),
                            ("max_body_bytes", max_body_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")
        for name, seconds in (("header_timeout", header_timeout),
                              ("request_timeout", request_timeout),
                              ("keep_alive_timeout", keep_alive_timeout)):
            if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                    or not 0 < seconds < 1e9):
                raise ValueError(f"{name}: expected a positive number of seconds, got {seconds!r}")
        self.max_connections = max_connections
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes
        self.header_timeout = float(header_timeout)
        self.request_timeout = float(request_timeout)
        self.keep_alive_timeout = float(keep_alive_timeout)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"Limits({fields})"


class HttpError(Exception):
    """A request the server answers itself, with this status, and then closes."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Closed(Exception):
    """The connection ended (or idled out) between requests: close it silently."""


class _Timeout(Exception):
    pass


class _Eof(Exception):
    pass


class Request:
    """One parsed request: what the core's gateway needs, and how to go on."""

    __slots__ = ("method", "target", "headers", "body", "keep_alive")

    def __init__(self, method: str, target: str, headers: List[Tuple[str, str]], body: bytes,
                 keep_alive: bool) -> None:
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive


class Reader:
    """Buffered reads from a socket, each against a deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.deadline = 0.0
        # Whether the request line is being read (for the words of a 400 at EOF).
        self.in_request_line = False

    def fill(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout()
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(_RECV)
        except socket.timeout:
            raise _Timeout() from None
        if not data:
            raise _Eof()
        self.buf += data

    def line(self, budget: int) -> bytes:
        """One CRLF-terminated line, without the CRLF; 431 past ``budget`` bytes."""
        out, crlf = self.any_line(budget)
        if not crlf:
            raise HttpError(400, "bad request: lines end with CRLF")
        return out

    def any_line(self, budget: int) -> Tuple[bytes, bool]:
        """One LF-terminated line, without its end; whether it ended in CRLF."""
        start = 0
        while True:
            end = self.buf.find(b"\n", start)
            if end >= 0:
                break
            if len(self.buf) > budget:
                raise HttpError(431, "request header fields too large")
            start = len(self.buf)
            self.fill()
        if end + 1 > budget:
            raise HttpError(431, "request header fields too large")
        crlf = end > 0 and self.buf[end - 1] == 0x0D
        out = bytes(self.buf[:end - 1 if crlf else end])
        del self.buf[:end + 1]
        return out, crlf

    def crlf(self) -> None:
        """The CRLF that ends a chunk's data."""
        while len(self.buf) < 2:
            self.fill()
        if self.buf[:2] != b"\r\n":
            raise HttpError(400, "bad request: expected CRLF after chunk data")
        del self.buf[:2]

    def take(self, n: int) -> bytes:
        """Up to ``n`` bytes (at least one)."""
        if not self.buf:
            self.fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def read_request(reader: Reader, limits: Limits, first: bool) -> Request:
    """The next request on a connection. Raises :class:`Closed` when the
    client left (or idled out) between requests, :class:`HttpError` for a
    request the server must refuse."""
    try:
        return _read(reader, limits, first)
    except _Timeout:
        raise HttpError(408, "request timeout") from None
    except _Eof:
        if reader.in_request_line and not _could_start_request(bytes(reader.buf)):
            # What Node's parser says of these bytes, which it reads as they come.
            raise HttpError(400, "bad request: unknown method") from None
        raise HttpError(400, "bad request: the connection ended inside a request") from None


def _could_start_request(start: bytes) -> bool:
    """Whether an unfinished request line starts with a method (or a prefix of one)."""
    method, space, _ = start.partition(b" ")
    name = method.decode("latin-1")
    return name in METHODS if space else any(m.startswith(name) for m in METHODS)


def _wait_for_request(reader: Reader, limits: Limits, first: bool) -> None:
    """Waits for the first byte of a request: a fresh connection has the
    header timeout to send it (then 408), a kept-alive one the keep-alive
    timeout (then a silent close)."""
    if first:
        reader.deadline = time.monotonic() + limits.header_timeout
        if not reader.buf:
            reader.fill()
        return
    reader.deadline = time.monotonic() + limits.keep_alive_timeout
    try:
        if not reader.buf:
            reader.fill()
    except (_Timeout, _Eof):
        raise Closed() from None
    reader.deadline = time.monotonic() + limits.header_timeout


def _read(reader: Reader, limits: Limits, first: bool) -> Request:
    try:
        _wait_for_request(reader, limits, first)
    except _Eof:
        raise Closed() from None
    started = time.monotonic()
    budget = limits.max_header_bytes
    reader.in_request_line = True
    line, crlf = _first_line(reader, budget)
    while line == b"" and crlf:  # empty lines before a request are skipped (RFC 9112 2.2)
        budget -= 2
        line, crlf = _first_line(reader, budget)
    budget -= len(line) + 2
    method, target, version = _request_line(line, crlf)
    reader.in_request_line = False
    headers: List[Tuple[str, str]] = []
    while True:
        line = reader.line(budget)
        budget -= len(line) + 2
        if line == b"":
            break
        headers.append(_header(line))
    reader.deadline = started + limits.request_timeout
    return _with_body(reader, limits, method, target, version, headers)


def _first_line(reader: Reader, budget: int) -> Tuple[bytes, bool]:
    """A line before or of the request line; a connection that ends after
    only empty lines sent no request (closed silently, as Node does)."""
    try:
        return reader.any_line(budget)
    except _Eof:
        if not reader.buf:
            raise Closed() from None
        raise


def _request_line(line: bytes, crlf: bool) -> Tuple[str, str, bytes]:
    # Read left to right, as Node's parser does, so both name the same fault.
    method, _, rest = line.partition(b" ")
    if method.decode("latin-1") not in METHODS:
        raise HttpError(400, "bad request: unknown method")
    target, space, version = rest.lstrip(b" ").partition(b" ")
    if not _TARGET.fullmatch(target) or not (method == b"CONNECT" or _TARGET_FORM.match(target)):
        raise HttpError(400, "bad request: invalid request target")
    version = version.lstrip(b" ")
    if not space or not _VERSION.match(version):
        raise HttpError(400, "bad request: expected HTTP/1.0 or HTTP/1.1")
    if len(version) > len(b"HTTP/1.1") or not crlf:
        raise HttpError(400, "bad request: expected CRLF after the HTTP version")
    return method.decode("ascii"), target.decode("ascii"), version


def _header(line: bytes) -> Tuple[str, str]:
    name, colon, value = line.partition(b":")
    if not colon or not _TOKEN.fullmatch(name):
        raise HttpError(400, "bad request: invalid header line")
    value = value.strip(b" \t")
    if _BAD_VALUE.search(value):
        raise HttpError(400, "bad request: invalid character in a header value")
    return name.decode("ascii"), value.decode("latin-1")


def _with_body(reader: Reader, limits: Limits, method: str, target: str, version: bytes,
               headers: List[Tuple[str, str]]) -> Request:
    lower = [(k.lower(), v) for k, v in headers]
    http11 = version == b"HTTP/1.1"
    lengths = [v for k, v in lower if k == "content-length"]
    codings = ",".join(v for k, v in lower if k == "transfer-encoding")
    connection = {t.strip().lower() for k, v in lower if k == "connection" for t in v.split(",")}
    keep_alive = "close" not in connection if http11 else "keep-alive" in connection
    expect = next((v for k, v in lower if k == "expect"), None)
    chunked = bool(codings.strip())
    size = 0
    if chunked:
        if lengths:
            raise HttpError(400, "bad request: Transfer-Encoding with Content-Length")
        parts = [c.strip().lower() for c in codings.split(",")]
        if parts[-1] != "chunked" or "chunked" in parts[:-1] or "" in parts:
            raise HttpError(400, "bad request: invalid Transfer-Encoding")
    elif lengths:
        if len(lengths) > 1:
            raise HttpError(400, "bad request: more than one Content-Length")
        raw = lengths[0].encode("latin-1")
        # (at most 20 digits before int(): Python refuses to read over 4,300)
        if not _DIGITS.fullmatch(raw) or len(raw.lstrip(b"0")) > 20 or int(raw) >= _U64:
            raise HttpError(400, "bad request: invalid Content-Length")
        size = int(raw)
    if http11 and not any(k == "host" for k, _ in lower):
        raise HttpError(400, "bad request: HTTP/1.1 needs a Host header")
    if http11 and expect is not None:
        if not _CONTINUE.search(expect):
            raise HttpError(417, "expectation failed")
        reader.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    if size > limits.max_body_bytes:
        raise HttpError(413, "request body too large")
    body = _chunked(reader, limits) if chunked else _exactly(reader, size)
    return Request(method, target, headers, body, keep_alive)


def _exactly(reader: Reader, size: int) -> bytes:
    out = bytearray()
    while len(out) < size:
        out += reader.take(size - len(out))
    return bytes(out)


def _chunked(reader: Reader, limits: Limits) -> bytes:
    out = bytearray()
    while True:
        line = reader.line(limits.max_header_bytes)
        size_text, semi, ext = line.partition(b";")
        if not _HEX.fullmatch(size_text) or (semi and not _CHUNK_EXT.fullmatch(b";" + ext)):
            raise HttpError(400, "bad request: invalid chunk size")
        if len(size_text.lstrip(b"0")) > 16:
            raise HttpError(400, "bad request: chunk size overflow")
        size = int(size_text, 16)
        if size == 0:
            break
        while size > 0:
            piece = reader.take(min(size, _RECV))
            size -= len(piece)
            out += piece
            if len(out) > limits.max_body_bytes:
                raise HttpError(413, "request body too large")
        reader.crlf()
    budget = limits.max_header_bytes
    while True:  # trailers
        line = reader.line(budget)
        budget -= len(line) + 2
        if line == b"":
            return bytes(out)
        _header(line)
