"""A TMC consumer: a real WebSocket (the ``websockets`` package, asyncio)
carrying topwire's sans-I/O :class:`topwire.tmc.TmcSession`. The session signs
the CONNECT, reads every frame (message ids exact; gzip contents inflated) and
says what is due when (pulls, pings, reconnects); this file only owns the
socket and the waiting.

Each message is confirmed only after ``handle(message)`` returns; if it
raises, the message is reported failed and TOP (or the local channel)
delivers it again. When the socket drops, the session asks for a reconnect
after ``reconnect_interval`` and the consumer opens a new one::

    async def handle(message):
        trade = message.data()          # ints exact
        ...                             # raise to fail it

    consumer = Consumer("ws://mc.api.taobao.com/", app_key, app_secret, handle)
    task = asyncio.create_task(consumer.run())
    ...
    consumer.stop(); await task

Run alone it consumes from TOP_TMC_URL (default ws://127.0.0.1:8080/tmc, the
local channel of ``python -m topwire.gateway``) and prints each message.
Needs ``pip install websockets`` (or ``topwire[gateway]``).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any, Awaitable, Callable, Optional, Union

import websockets

from topwire.tmc import TmcMessage, TmcSession

Handler = Callable[[TmcMessage], Union[None, Awaitable[None]]]


class Consumer:
    """Consumes from ``url`` until :meth:`stop`. ``session`` holds more
    TmcSession options (``group_name``, ``pull_interval``,
    ``reconnect_interval``, ...); ``on_event(event)`` sees the session's
    events and ``{"type": "closed"}`` (for logs)."""

    def __init__(self, url: str, app_key: str, app_secret: str, handle: Handler, *,
                 on_event: Callable[[Any], None] = lambda event: None, **session: Any) -> None:
        self.url = url
        self.handle = handle
        self.on_event = on_event
        self.session = TmcSession(app_key, app_secret, **session)
        self._stop = asyncio.Event()
        self._ws: Any = None

    def stop(self) -> None:
        """Ends :meth:`run`: no reconnect, the socket closed."""
        self._stop.set()
        if self._ws is not None:
            asyncio.get_running_loop().create_task(self._ws.close())

    async def run(self) -> None:
        """Connects, consumes, reconnects when the socket drops, until stop()."""
        while not self._stop.is_set():
            try:
                async with websockets.connect(self.url, ping_interval=None) as ws:
                    self._ws = ws
                    await ws.send(self.session.connect())
                    await self._serve(ws)
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake):
                pass
            self._ws = None
            self.on_event({"type": "closed"})
            self.session.closed()
            await self._wait_for_reconnect()

    async def _serve(self, ws: Any) -> None:
        """Reads frames and does what the session says is due, until the socket ends."""
        while not self._stop.is_set():
            try:
                data = await asyncio.wait_for(ws.recv(), self._until_deadline())
            except asyncio.TimeoutError:
                data = None
            if isinstance(data, bytes):
                for event in self.session.receive(data):
                    self.on_event(event)
                    if event["type"] == "message":
                        await ws.send(await self._handled(event["message"]))
            for action in self.session.poll():
                if action["type"] == "send":
                    await ws.send(action["bytes"])
                elif action["type"] == "ping":
                    await ws.ping()
                elif action["type"] == "reconnect":
                    return

    async def _handled(self, message: TmcMessage) -> bytes:
        """Handles one message: its confirm frame, or its failed frame if ``handle`` raised."""
        try:
            result = self.handle(message)
            if asyncio.iscoroutine(result):
                await result
        except Exception as e:  # the message failed: TOP delivers it again
            return self.session.fail(message.id, str(e))
        return self.session.confirm(message.id)  # only once it is handled

    def _until_deadline(self) -> Optional[float]:
        deadline = self.session.next_deadline()
        if deadline is None:
            return None
        return max(0.0, deadline / 1000 - time.time())

    async def _wait_for_reconnect(self) -> None:
        """Waits until the session asks for the reconnect (or stop())."""
        while not self._stop.is_set():
            if any(a["type"] == "reconnect" for a in self.session.poll()):
                return
            try:
                await asyncio.wait_for(self._stop.wait(), self._until_deadline())
            except asyncio.TimeoutError:
                pass


async def _main() -> None:
    consumer = Consumer(
        os.environ.get("TOP_TMC_URL") or "ws://127.0.0.1:8080/tmc",
        os.environ.get("TOP_APP_KEY") or "12345678",
        os.environ.get("TOP_APP_SECRET") or "topwire-local-secret",
        lambda m: print(m.id, m.topic, m.content, flush=True),
    )
    await consumer.run()


if __name__ == "__main__":
    asyncio.run(_main())
