"""The local message channel's WebSocket endpoint, ``ws://HOST:PORT/tmc``,
for :mod:`topwire.gateway`.

Every decision is the core's (:class:`TmcChannel`, the native channel); this
module carries its frames over WebSocket connections with the sans-I/O
protocol of the ``websockets`` package (the ``topwire[gateway]`` extra,
imported on the first WebSocket request, so the client package keeps zero
runtime dependencies), runs the one timer the channel asks for (redelivery
of unconfirmed messages) and reports what happened to listeners.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _convert
from ._classes import Gateway
from ._native import TmcChannel as _NativeTmcChannel  # type: ignore[attr-defined]

__all__ = ["TMC_PATH", "TmcChannel", "TmcEndpoint", "WebSocketMissing", "load_websockets"]

#: Where the endpoint listens, beside the gateway's ``/router/rest``.
TMC_PATH = "/tmc"
# WebSocket close codes: 1008 policy violation (a refused CONNECT, bytes that
# are no frame), 1003 unsupported data (a text message).
_POLICY = 1008
_UNSUPPORTED = 1003
_RECV = 65536
_MAX_MESSAGE = 16 * 1024 * 1024

Event = Dict[str, Any]
#: What the channel answers: frames ``(connection, bytes)``, events, and ``(connection, reason)`` to close.
Output = Tuple[List[Tuple[int, bytes]], List[Event], List[Tuple[int, str]]]


class WebSocketMissing(RuntimeError):
    """The optional ``websockets`` package is not installed."""


def load_websockets(importer: Callable[[str], Any] = __import__) -> Any:
    """The ``websockets`` sans-I/O server protocol module, or :class:`WebSocketMissing`
    saying how to get it. ``importer`` is ``__import__`` (tests pass another)."""
    try:
        importer("websockets")
        return importer("websockets.server", fromlist=["ServerProtocol"])
    except ImportError as e:
        raise WebSocketMissing(
            "topwire gateway: the TMC endpoint (ws://.../tmc) needs the optional package "
            "'websockets': pip install 'topwire[gateway]'") from e


class TmcChannel(_NativeTmcChannel):  # type: ignore[misc]
    """The local message channel, sans I/O (the core's): a queue of published
    messages that WebSocket consumers (CONNECT, pull, confirm, failed frames)
    and HTTP consumers (``taobao.tmc.messages.consume``/``confirm`` through
    ``gateway``) share. ``redeliver_ms``: an unconfirmed message is handed out
    again after it (default 60000); ``first_id``: default 2**53 + 1;
    ``batch``: messages handed out at once (default 32)."""

    def publish(self, topic: str, content: str, *, group: Optional[str] = None,
                id: Optional[int] = None, user_id: Optional[int] = None, nick: Optional[str] = None,
                data_id: Optional[int] = None, gzip: bool = False, published_ms: Optional[int] = None,
                now_ms: Optional[int] = None) -> int:
        """Queues a message; its id (ValidationError for an id already published)."""
        message_id: int = super().publish(
            topic, content, group=group, id=id, user_id=user_id, nick=nick, data_id=data_id,
            gzip=gzip, published_ms=published_ms, now_ms=now_ms)
        return message_id

    def open(self) -> int:
        """A new WebSocket connection's number."""
        connection: int = super().open()
        return connection

    def closed(self, connection: int) -> None:
        """The connection is gone: its unconfirmed messages are queued again."""
        super().closed(connection)

    def receive(self, connection: int, data: bytes, now_ms: Optional[int] = None) -> Output:
        """One binary WebSocket message: ``(frames, events, close)``."""
        out: Output = super().receive(connection, data, now_ms)
        return out

    def deliver(self, now_ms: Optional[int] = None) -> Output:
        """Ready messages for the connections that pull: ``(frames, events, close)``."""
        out: Output = super().deliver(now_ms)
        return out

    def next_deadline(self) -> Optional[int]:
        """When an unconfirmed message falls due again (epoch ms), or None."""
        deadline: Optional[int] = super().next_deadline()
        return deadline

    def message_state(self, id: int) -> Optional[Tuple[str, int]]:
        """``(state, attempts)``: ``queued``, ``delivered`` or ``confirmed``; None if unknown."""
        state: Optional[Tuple[str, int]] = super().message_state(id)
        return state

    def handle_http(self, gateway: Gateway, method: str, target: str, headers: Any, body: Any,
                    now_ms: Any = None) -> Tuple[Tuple[int, List[Tuple[str, str]], bytes], List[Event]]:
        """Answers an HTTP request as :meth:`Gateway.handle` does, consume and
        confirm served from the queue: ``((status, headers, body), events)``."""
        return self._handle_http(gateway, method, target, _convert.pairs("headers", headers),
                                 _convert.body("body", body),
                                 None if now_ms is None else _convert.epoch_ms("now_ms", now_ms))


class _Socket:
    """One WebSocket connection: the protocol object and the socket, used by
    its reading thread and by whoever delivers (publish, the timer)."""

    def __init__(self, sock: socket.socket, protocol: Any) -> None:
        self.sock = sock
        self.protocol = protocol
        self.lock = threading.Lock()

    def flush(self) -> None:
        """Sends what the protocol has queued (call with ``lock`` held)."""
        data = b"".join(self.protocol.data_to_send())
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                pass  # the reading thread sees the socket end

    def send_frame(self, data: bytes) -> None:
        with self.lock:
            self.protocol.send_binary(data)
            self.flush()

    def close(self, code: int, reason: str) -> None:
        with self.lock:
            self.protocol.send_close(code, reason.encode("utf-8")[:123].decode("utf-8", "ignore"))
            self.flush()

    def drop(self) -> None:
        """Cuts the connection without a closing handshake, as a network failure does."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class TmcEndpoint:
    """A :class:`TmcChannel` served over WebSocket connections (and the HTTP
    methods of the gateway it answers through). Listeners added with
    :meth:`add_listener` get every event: ``connected``, ``refused``,
    ``delivered``, ``confirmed``, ``failed`` (the core's records, ``{"type":
    ..., "id": ..., "connection": ..., "attempt": ..., "reason": ...}`` as
    each has them) and ``disconnected``."""

    def __init__(self, gateway: Gateway, clock: Optional[Callable[[], int]] = None,
                 **options: Any) -> None:
        self.gateway = gateway
        self.channel = TmcChannel(gateway, **options)
        self._clock = clock
        self._lock = threading.RLock()
        self._sockets: Dict[int, _Socket] = {}
        self._listeners: List[Callable[[Event], None]] = []
        self._timer: Optional[threading.Timer] = None
        self._closed = False

    def now_ms(self) -> Optional[int]:
        return None if self._clock is None else self._clock()

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """Calls ``listener(event)`` for every event (from server threads)."""
        self._listeners.append(listener)

    def publish(self, topic: str, content: str, **options: Any) -> int:
        """Queues a message (options: ``user_id``, ``nick``, ``data_id``,
        ``group``, ``gzip``, ``id``, ``published_ms``), hands it to pulling
        consumers and returns its id."""
        with self._lock:
            message_id: int = self.channel.publish(topic, content, now_ms=self.now_ms(), **options)
            self._apply(self.channel.deliver(self.now_ms()))
        return message_id

    def handle_http(self, method: str, target: str, headers: Any,
                    body: Any) -> Tuple[int, List[Tuple[str, str]], bytes]:
        with self._lock:
            reply, events = self.channel.handle_http(self.gateway, method, target, headers, body,
                                                     self.now_ms())
            self._report(events)
            self._schedule()
        return reply

    def serve(self, sock: socket.socket, buffered: bytes, target: str,
              headers: Sequence[Tuple[str, str]]) -> None:
        """Serves one WebSocket connection whose opening request (``target``,
        ``headers``) was read; ``buffered`` holds bytes read past it. Returns
        when the connection ends."""
        module = load_websockets()
        from websockets.frames import Opcode

        protocol = module.ServerProtocol(max_size=_MAX_MESSAGE)
        # The protocol reads the opening request itself: hand it the request
        # the gateway's reader already parsed, as it came.
        lines = [f"GET {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
        protocol.receive_data(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        request = next(iter(protocol.events_received()), None)
        if request is None:  # the gateway's reader accepted it, so this does not happen
            return
        response = protocol.accept(request)
        protocol.send_response(response)
        ws = _Socket(sock, protocol)
        sock.settimeout(None)  # a consumer may stay quiet for long
        with ws.lock:
            ws.flush()
        if response.status_code != 101:
            return
        with self._lock:
            connection: int = self.channel.open()
            self._sockets[connection] = ws
        try:
            data = buffered
            while True:
                if data:
                    protocol.receive_data(data)
                    self._read(connection, ws, Opcode)
                if protocol.close_expected():
                    break
                try:
                    data = sock.recv(_RECV)
                except OSError:
                    break
                if not data:
                    protocol.receive_eof()
                    break
        finally:
            with self._lock:
                self._sockets.pop(connection, None)
                self.channel.closed(connection)
                self._report([{"type": "disconnected", "connection": connection}])
                # Its unconfirmed messages are queued again: hand them to the others.
                self._apply(self.channel.deliver(self.now_ms()))

    def _read(self, connection: int, ws: _Socket, opcode: Any) -> None:
        """Hands the binary messages received to the channel."""
        for frame in ws.protocol.events_received():
            if frame.opcode == opcode.BINARY:
                with self._lock:
                    self._apply(self.channel.receive(connection, frame.data, self.now_ms()))
            elif frame.opcode == opcode.TEXT:
                ws.close(_UNSUPPORTED, "TMC frames are binary messages")
        with ws.lock:
            ws.flush()  # pongs and the closing handshake

    def _apply(self, out: Output) -> None:
        frames, events, close = out
        for connection, data in frames:
            ws = self._sockets.get(connection)
            if ws is not None:
                ws.send_frame(data)
        self._report(events)
        for connection, reason in close:
            ws = self._sockets.get(connection)
            if ws is not None:
                ws.close(_POLICY, reason)
        self._schedule()

    def _report(self, events: List[Event]) -> None:
        for event in events:
            for listener in list(self._listeners):
                listener(event)

    def _schedule(self) -> None:
        """One timer, at the channel's next redelivery deadline."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.channel.next_deadline()
        if deadline is None or self._closed:
            return
        now = self.now_ms()
        if now is None:
            now = int(time.time() * 1000)
        self._timer = threading.Timer(max(0, deadline - now) / 1000, self._redeliver)
        self._timer.daemon = True
        self._timer.start()

    def _redeliver(self) -> None:
        with self._lock:
            if not self._closed:
                self._apply(self.channel.deliver(self.now_ms()))

    def drop_connections(self) -> None:
        """Cuts every WebSocket at once, as a network failure does (consumers must reconnect)."""
        with self._lock:
            sockets = list(self._sockets.values())
        for ws in sockets:
            ws.drop()

    def close(self) -> None:
        """Stops the timer and cuts every WebSocket."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
        self.drop_connections()
