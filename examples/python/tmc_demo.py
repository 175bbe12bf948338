"""The message channel end to end (``make demo``), against the local channel
of :mod:`topwire.gateway`: three messages published (one gzip-compressed, one
with an id above 2^53), consumed over a WebSocket by tmc_consumer.py, each
printed with its exact id and the trade id from its content. One message
fails on purpose the first time and comes back; then the gateway cuts the
socket, the consumer reconnects and confirms one more message. Then two more
messages are consumed by polling over HTTP (tmc_polling.py). Exits 0 only if
all of that happened.

    python examples/python/tmc_demo.py
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tmc_consumer import Consumer  # noqa: E402
from tmc_polling import poll_once  # noqa: E402

from topwire import TopClient  # noqa: E402
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serve  # noqa: E402

TRADES = [2131800080537681929, 2131800080537681930, 2131800080537681931]
WAIT = 20.0  # seconds before a step counts as failed: a demo must end


def trade(tid: int, status: str) -> str:
    return json.dumps({"tid": tid, "status": status})


class Events:
    """The gateway's channel events (reported from its server threads),
    awaitable from asyncio."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.seen: List[Dict[str, Any]] = []
        self.changed = asyncio.Condition()

    def listener(self, event: Dict[str, Any]) -> None:
        self.loop.call_soon_threadsafe(self._add, event)

    def _add(self, event: Dict[str, Any]) -> None:
        self.seen.append(event)
        self.loop.create_task(self._notify())

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait(self, test: Callable[[Dict[str, Any]], bool], what: str) -> Dict[str, Any]:
        """The first event (seen so far or to come) for which ``test`` holds."""
        async def found() -> Dict[str, Any]:
            async with self.changed:
                await self.changed.wait_for(lambda: any(test(e) for e in self.seen))
                return next(e for e in self.seen if test(e))
        try:
            return await asyncio.wait_for(found(), WAIT)
        except asyncio.TimeoutError:
            raise SystemExit(f"tmc demo FAILED: timed out waiting for {what}") from None

    async def confirmed(self, ids: List[int]) -> None:
        for i in ids:
            await self.wait(lambda e, i=i: e["type"] == "confirmed" and e["id"] == i, f"the confirm of {i}")


async def demo() -> List[str]:
    failures: List[str] = []
    with serve(tmc={"redeliver_ms": 10_000}) as gw:
        assert gw.tmc is not None and gw.tmc_url is not None
        events = Events()
        gw.tmc.add_listener(events.listener)
        ids = [
            gw.publish("taobao_trade_TradePaid", trade(TRADES[0], "WAIT_SELLER_SEND_GOODS"),
                       user_id=2206611234, nick="tb_seller"),
            gw.publish("taobao_trade_TradeCreate", trade(TRADES[1], "WAIT_BUYER_PAY"), gzip=True),
            gw.publish("taobao_refund_RefundCreate", trade(TRADES[2], "REFUND_CREATED"),
                       id=7104300007405429232),
        ]
        print(f"published {', '.join(map(str, ids))} on {gw.tmc_url}", flush=True)

        seen: Dict[int, int] = {}

        def handle(message: Any) -> None:
            attempt = seen.get(message.id, 0) + 1
            seen[message.id] = attempt
            how = "gzip" if message.compressed else "text"
            print(f"message {message.id} {message.topic} trade {message.data()['tid']} "
                  f"({how}, attempt {attempt})", flush=True)
            if message.id == ids[1] and attempt == 1:
                raise RuntimeError("failed on purpose: it comes back")

        def on_event(event: Any) -> None:
            if event["type"] in ("connected", "closed"):
                print(f"websocket: {event['type']}", flush=True)

        consumer = Consumer(gw.tmc_url, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, handle,
                            on_event=on_event, pull_interval=0.2, reconnect_interval=0.1)
        task = asyncio.create_task(consumer.run())
        await events.confirmed(ids)
        if seen.get(ids[1]) != 2:
            failures.append(f"the failed message was handled {seen.get(ids[1])} time(s), expected 2")
        print(f"websocket consumer: {len(ids)} messages confirmed; {ids[1]} failed once on purpose "
              "and came back", flush=True)

        # The network drops: the consumer reconnects (a new CONNECT, a new token) and goes on.
        before = len([e for e in events.seen if e["type"] == "connected"])
        gw.drop_tmc_connections()
        await events.wait(lambda e: e["type"] == "connected" and e["connection"] > before, "the reconnect")
        after = gw.publish("taobao_trade_TradeSuccess", trade(TRADES[0], "TRADE_FINISHED"))
        await events.confirmed([after])
        print("websocket consumer: reconnected after the drop and confirmed the next message", flush=True)

        consumer.stop()
        await task
        await events.wait(lambda e: e["type"] == "disconnected" and e["connection"] == before + 1,
                          "the consumer to leave")
        for i in [*ids, after]:
            state = gw.tmc.channel.message_state(i)
            if state is None or state[0] != "confirmed":
                failures.append(f"message {i} is {state}")

        # Polling over HTTP: the same queue.
        polled = [gw.publish("taobao_trade_TradeClose", trade(TRADES[1], "TRADE_CLOSED")),
                  gw.publish("taobao_refund_RefundSuccess", trade(TRADES[2], "SUCCESS"))]
        client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)

        def show(m: Dict[str, Any]) -> None:
            # json.loads keeps ints exact in Python.
            print(f"polled {m['id']} {m['topic']} trade {json.loads(m['content'])['tid']}", flush=True)

        received, confirmed = await asyncio.to_thread(poll_once, client, show, quantity=10)
        if (received, confirmed) != (2, polled):
            failures.append(f"polling got {received} and confirmed {confirmed}, expected 2 and {polled}")
        print(f"polling consumer: {len(confirmed)} messages consumed and confirmed over HTTP", flush=True)
    return failures


def main() -> int:
    failures = asyncio.run(demo())
    if failures:
        print(f"tmc demo FAILED: {'; '.join(failures)}", file=sys.stderr)
        return 1
    print("tmc demo: every message handled and confirmed, ids exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
