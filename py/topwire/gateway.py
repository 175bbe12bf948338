"""A local TOP gateway over HTTP, for testing an integration without Taobao.

Like ``stripe-mock`` for Stripe: it checks each call the way TOP does (app
key, signature, timestamp, method, session, required and valid arguments)
and answers with TOP's own error codes, or with the documented sample
response of the seed APIs (JSON, simplified JSON or XML, as asked). Every
decision is made by the core (:class:`topwire.Gateway`); this module is only
a standard-library HTTP server around it.

From a shell::

    python -m topwire.gateway --port 8080          # 127.0.0.1, app key 12345678
    python -m topwire.gateway --port 0 --config gateway.json
    python -m topwire.gateway --app-key K --app-secret S

In a test suite::

    from topwire import TopClient
    from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serve

    with serve() as gw:                   # 127.0.0.1, a free port, in a thread
        client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)
        ...
        gw.publish("taobao_trade_TradePaid", '{"tid": 2131800080537681929}')
        # the message channel: consumed at gw.tmc_url (ws://127.0.0.1:PORT/tmc,
        # needs the extra: pip install 'topwire[gateway]') or over HTTP
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from types import FrameType, TracebackType
from typing import IO, Any, Callable, List, Mapping, Optional, Sequence, Set, Type, Union
from urllib.parse import parse_qsl, urlsplit

from . import Gateway, TopError
from . import _native  # type: ignore[attr-defined]  # the stub describes the facade only
from ._http import Closed, HttpError, Limits, Reader, Request, read_request
from ._tmc_endpoint import TMC_PATH, TmcChannel, TmcEndpoint, WebSocketMissing, load_websockets

__all__ = [
    "DEFAULT_APP_KEY",
    "DEFAULT_APP_SECRET",
    "DEFAULT_PORT",
    "Gateway",
    "GatewayServer",
    "Limits",
    "TmcChannel",
    "TmcEndpoint",
    "WebSocketMissing",
    "main",
    "serve",
]

#: The app key the gateway accepts when neither a config nor flags name one.
DEFAULT_APP_KEY: str = _native.GATEWAY_APP_KEY
#: The secret of :data:`DEFAULT_APP_KEY` (a public, local-only value).
DEFAULT_APP_SECRET: str = _native.GATEWAY_APP_SECRET
#: The CLI's port when ``--port`` is not given.
DEFAULT_PORT = 8080

# How often the serving loop checks for stop(): the most stop() waits.
_POLL_INTERVAL = 0.05
_REASONS = {100: "Continue", 200: "OK", 400: "Bad Request", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 413: "Payload Too Large",
            417: "Expectation Failed", 431: "Request Header Fields Too Large",
            500: "Internal Server Error"}
_PLAIN = [("Content-Type", "text/plain;charset=utf-8")]


class _Connection(socketserver.BaseRequestHandler):
    """One client connection: requests read by topwire._http, answered by the core."""

    server: "_TCPServer"
    request: socket.socket

    def handle(self) -> None:
        owner = self.server.owner
        reader = Reader(self.request)
        first = True
        while True:
            try:
                req = read_request(reader, owner.limits, first)
            except Closed:
                return
            except HttpError as e:
                # The rest of the request is unread: answer, then close.
                self._send(e.status, _PLAIN, f"{e.reason}\n".encode(), "", close=True)
                return
            first = False
            if owner.tmc is not None and _is_websocket(req):
                self._websocket(owner.tmc, reader, req)
                return
            if not self._answer(owner, req):
                return

    def _websocket(self, tmc: TmcEndpoint, reader: Reader, req: Request) -> None:
        """Hands the connection to the message channel's endpoint."""
        try:
            load_websockets()
        except WebSocketMissing as e:
            self._send(501, _PLAIN, f"{e}\n".encode(), req.method, close=True)
            if self.server.owner.log is not None:
                self.server.owner.log.write(f"{e}\n")
                self.server.owner.log.flush()
            return
        self._log(req, 101)
        tmc.serve(self.request, bytes(reader.buf), req.target, req.headers)

    def _answer(self, owner: "GatewayServer", req: Request) -> bool:
        """Sends the core's reply; whether the connection stays open."""
        try:
            if owner.tmc is not None:
                # With the message channel, consume/confirm are served from its queue.
                status, headers, payload = owner.tmc.handle_http(
                    req.method, req.target, req.headers, req.body)
            else:
                status, headers, payload = owner.gateway.handle(
                    req.method, req.target, req.headers, req.body, owner.now_ms())
        except Exception as e:  # the core answers every request: a host-side failure
            self._send(500, _PLAIN, f"internal error: {type(e).__name__}\n".encode(),
                       req.method, close=True)
            return False
        self._send(status, headers, payload, req.method, close=not req.keep_alive)
        self._log(req, status)
        return req.keep_alive

    def _send(self, status: int, headers: Sequence[Any], payload: bytes, method: str,
              close: bool) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
        lines += [f"{name}: {value}" for name, value in headers]
        lines += [f"Content-Length: {len(payload)}", "Server: topwire-gateway"]
        if close:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.request.settimeout(self.server.owner.limits.request_timeout)
            self.request.sendall(head if method == "HEAD" else head + payload)
        except OSError:
            pass  # the client left, or does not read: nothing more to do

    def _log(self, req: Request, status: int) -> None:
        # One line per request: the TOP method, never the query (sign, session).
        stream = self.server.owner.log
        if stream is None:
            return
        parts = urlsplit(req.target)
        method = dict(parse_qsl(parts.query)).get("method", "")
        stamp = time.strftime("%H:%M:%S")
        stream.write(f'[{stamp}] {self.client_address[0]} "{req.method} {parts.path}" '
                     f"{method or '-'} {status}\n")
        stream.flush()


def _is_websocket(req: Request) -> bool:
    """A WebSocket opening request for the message channel (GET /tmc, Upgrade: websocket)."""
    upgrade = any(k.lower() == "upgrade" and v.strip().lower() == "websocket" for k, v in req.headers)
    return upgrade and req.method == "GET" and urlsplit(req.target).path == TMC_PATH


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # socketserver's default backlog of 5 drops the SYNs of a burst of parallel
    # clients, which then wait a second to retry.
    request_queue_size = 128
    owner: "GatewayServer"

    def __init__(self, address: Any, owner: "GatewayServer") -> None:
        self.owner = owner
        self.open: Set[socket.socket] = set()
        self.open_lock = threading.Lock()
        super().__init__(address, _Connection)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Past the cap a connection is closed at once (as Node's maxConnections
        # does): each one holds a thread and up to a request's worth of memory.
        with self.open_lock:
            full = len(self.open) >= self.owner.limits.max_connections
            if not full:
                self.open.add(request)
        if full:
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.open_lock:
                self.open.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Never a traceback on stderr (--quiet means quiet); one line in the log.
        stream = self.owner.log
        if stream is not None:
            kind = sys.exc_info()[0]
            stream.write(f"[{time.strftime('%H:%M:%S')}] {client_address[0]} "
                         f"connection error: {kind.__name__ if kind else 'unknown'}\n")
            stream.flush()

    def close_connections(self) -> None:
        with self.open_lock:
            conns = list(self.open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _TCPServer6(_TCPServer):
    address_family = socket.AF_INET6


class GatewayServer:
    """The local gateway behind a threaded HTTP server on ``host:port``.

    The socket is bound on construction (``port=0`` picks a free one, see
    :attr:`url`); :meth:`start` serves in a background thread,
    :meth:`serve_forever` in the calling one. Use it as a context manager
    (``with GatewayServer() as gw``) to start and always stop it.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        gateway: Optional[Gateway] = None,
        config: Union[str, Mapping[str, Any], None] = None,
        config_file: Union[str, "os.PathLike[str]", None] = None,
        app_key: Optional[str] = None,
        app_secret: Optional[str] = None,
        clock: Optional[Callable[[], int]] = None,
        log: Optional[IO[str]] = None,
        limits: Optional[Limits] = None,
        tmc: Union[bool, Mapping[str, Any]] = True,
    ) -> None:
        """``config`` is a config as JSON text or a dict, ``config_file`` the path of
        one (not both); ``app_key``/``app_secret`` replace the configured apps.
        ``gateway`` is a ready core gateway instead. ``clock`` returns epoch
        milliseconds (default: the system clock); ``log`` receives one line per
        request (default: nothing). ``limits`` bounds what clients may hold
        (default :class:`Limits()`: 128 connections, 16 KiB of headers, 4 MiB of
        body, 10 s for the headers, 30 s for the request, 5 s idle).

        ``tmc`` is the message channel: its options (``redeliver_ms``,
        ``first_id``, ``batch``), or False for none. It serves
        ``taobao.tmc.messages.consume``/``confirm`` from its queue and
        WebSocket consumers at :attr:`tmc_url` (with the optional
        ``websockets`` package: ``pip install 'topwire[gateway]'``);
        :meth:`publish` queues messages."""
        if gateway is None:
            gateway = build_gateway(config=config, config_file=config_file,
                                    app_key=app_key, app_secret=app_secret)
        elif config is not None or config_file is not None or app_key or app_secret:
            raise TypeError("give either gateway or config/config_file/app_key/app_secret")
        self.gateway = gateway
        self.clock = clock
        self.log = log
        self.limits = limits if limits is not None else Limits()
        self.tmc: Optional[TmcEndpoint] = None
        if tmc is not False:
            options = {} if tmc is True else dict(tmc)
            self.tmc = TmcEndpoint(gateway, clock, **options)
        server_class = _TCPServer6 if ":" in host else _TCPServer
        self._http = server_class((host, port), self)
        self._thread: Optional[threading.Thread] = None
        bound = self._http.server_address
        self.host = host
        self.port: int = int(bound[1])

    @property
    def url(self) -> str:
        """The gateway URL to give to ``TopClient(gateway=...)``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{_native.GATEWAY_PATH}"

    @property
    def tmc_url(self) -> Optional[str]:
        """The message channel's WebSocket URL (``ws://HOST:PORT/tmc``), if it is on."""
        if self.tmc is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}{TMC_PATH}"

    def publish(self, topic: str, content: str, **options: Any) -> int:
        """Publishes a message on the local channel and returns its id.
        Options: ``user_id``, ``nick``, ``data_id``, ``group``, ``gzip``
        (sent as gzip bytes over the WebSocket), ``id`` (explicit)."""
        if self.tmc is None:
            raise TypeError("the message channel is off (GatewayServer(tmc=False))")
        return self.tmc.publish(topic, content, **options)

    def drop_tmc_connections(self) -> None:
        """Cuts every message-channel WebSocket, as a network failure would."""
        if self.tmc is not None:
            self.tmc.drop_connections()

    @property
    def app_keys(self) -> List[str]:
        """The app keys accepted (the secrets are never exposed)."""
        return self.gateway.app_keys

    def now_ms(self) -> Optional[int]:
        return None if self.clock is None else self.clock()

    def banner(self) -> str:
        """The start-up line the CLI prints."""
        return f"topwire gateway listening on {self.url} (app keys: {', '.join(self.app_keys)})"

    def start(self) -> "GatewayServer":
        """Serves in a daemon thread; returns at once."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._http.serve_forever, args=(_POLL_INTERVAL,), name=f"topwire-gateway-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serves in the calling thread until :meth:`stop` is called from another one."""
        self._http.serve_forever(_POLL_INTERVAL)

    def stop(self) -> None:
        """Stops serving, closes the socket and every open connection (idempotent)."""
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
            self._thread = None
        if self.tmc is not None:
            self.tmc.close()
        self._http.server_close()
        self._http.close_connections()

    def __enter__(self) -> "GatewayServer":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"GatewayServer(url={self.url!r}, app_keys={self.app_keys!r})"


def build_gateway(
    *,
    config: Union[str, Mapping[str, Any], None] = None,
    config_file: Union[str, "os.PathLike[str]", None] = None,
    app_key: Optional[str] = None,
    app_secret: Optional[str] = None,
) -> Gateway:
    """The core gateway of a config (JSON text or dict) or a config file, and flags."""
    if config is not None and config_file is not None:
        raise TypeError("give config or config_file, not both")
    text: Optional[str]
    if config_file is not None:
        with open(config_file, encoding="utf-8") as f:
            text = f.read()
    elif config is None or isinstance(config, str):
        text = config
    else:
        text = json.dumps(dict(config), ensure_ascii=False)
    return Gateway(text, app_key=app_key, app_secret=app_secret)


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    **options: Any,
) -> GatewayServer:
    """A started-on-enter :class:`GatewayServer` for ``with``: on a free port of
    127.0.0.1 unless told otherwise; ``options`` are those of GatewayServer.

    ::

        with serve(config={"responses": {"taobao.time.get": {"time": "2024-01-01 00:00:00"}}}) as gw:
            client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)
    """
    return GatewayServer(host, port, **options)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 18) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m topwire.gateway",
        description="A local TOP gateway for tests: checks calls as TOP does and answers "
        "with TOP's error codes or the documented sample responses. It also serves the "
        "message channel (TMC) at ws://HOST:PORT/tmc (with the extra: pip install "
        "'topwire[gateway]'), and taobao.tmc.messages.consume/confirm from the same queue.",
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--config", metavar="FILE",
                        help="JSON config: apps, sessions, max_skew_seconds, responses, errors")
    parser.add_argument("--app-key", help="accept only this app key (with --app-secret)")
    parser.add_argument("--app-secret", help="the secret of --app-key")
    defaults = Limits()
    parser.add_argument("--max-body-bytes", type=_positive, metavar="N",
                        help=f"refuse bodies over N bytes with 413 (default {defaults.max_body_bytes})")
    parser.add_argument("--max-connections", type=_positive, metavar="N",
                        help="close connections past N open at once "
                        f"(default {defaults.max_connections})")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    # --app-key without --app-secret (or the reverse) is the core's to refuse.
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The CLI: serve until SIGINT or SIGTERM, then exit 0."""
    args = _parse_args(argv)
    try:
        gateway = build_gateway(config_file=args.config, app_key=args.app_key,
                                app_secret=args.app_secret)
    except (OSError, TopError) as e:
        print(f"topwire gateway: {e}", file=sys.stderr)
        return 2
    try:
        limits = {k: v for k, v in (("max_body_bytes", args.max_body_bytes),
                                    ("max_connections", args.max_connections)) if v is not None}
        server = GatewayServer(args.host, args.port, gateway=gateway, limits=Limits(**limits),
                               log=None if args.quiet else sys.stderr)
    except OSError as e:
        print(f"topwire gateway: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2

    def stop(signum: int, frame: Optional[FrameType]) -> None:
        # shutdown() waits for serve_forever to return: call it from another thread.
        threading.Thread(target=server._http.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(server.banner(), flush=True)
    print(f"message channel (TMC): {server.tmc_url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.stop()
    print("topwire gateway stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
