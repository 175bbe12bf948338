"""The local message channel (TmcChannel, and topwire.gateway at /tmc) over
real sockets, and the TMC examples (tmc_consumer.py, tmc_polling.py,
tmc_demo.py). No sleeping: tests wait on the channel's events, with short
redelivery and reconnect intervals."""

import asyncio
import contextlib
import importlib.util
import json
import socket
import subprocess
import sys
import threading
from typing import Any, Callable, Dict, List

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from conftest import REPO
from topwire import Gateway, TopClient, ValidationError
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, TmcChannel, WebSocketMissing, serve
from topwire.tmc import TmcSession
from topwire import _tmc_endpoint, gateway as gateway_module

EXAMPLES = REPO / "examples" / "python"
FIRST = 2**53 + 1
WAIT = 20.0  # a bound for a broken run, never reached by a passing one


def example(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    sys.path.insert(0, str(EXAMPLES))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Events:
    """The channel's events, reported from server threads; wait() blocks for one."""

    def __init__(self) -> None:
        self.seen: List[Dict[str, Any]] = []
        self.cond = threading.Condition()

    def __call__(self, event: Dict[str, Any]) -> None:
        with self.cond:
            self.seen.append(event)
            self.cond.notify_all()

    def wait(self, test: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        with self.cond:
            assert self.cond.wait_for(lambda: any(test(e) for e in self.seen), WAIT), self.seen
            return next(e for e in self.seen if test(e))


def test_channel_ids_above_2_53_explicit_ids_and_errors() -> None:
    channel = TmcChannel(Gateway(), redeliver_ms=1000)
    assert channel.publish("t", "{}") == FIRST
    assert channel.publish("t", "{}", id=7104300007405429232) == 7104300007405429232
    assert channel.publish("t", "{}") == 7104300007405429233
    assert channel.message_state(FIRST) == ("queued", 0)
    assert channel.message_state(1) is None
    with pytest.raises(ValidationError) as e:
        channel.publish("t", "{}", id=FIRST)
    assert e.value.field == "id"
    with pytest.raises(ValidationError) as e:
        TmcChannel(Gateway(), redeliver_ms=0)
    assert e.value.field == "redeliver_ms"
    with pytest.raises(TypeError):
        channel.publish("t", "{}", gzipped=True)  # type: ignore[call-arg]
    with pytest.raises(ValidationError) as e:
        channel.publish("t", "{}", id=2**64)
    assert str(e.value) == "id: expected an integer within the signed 64-bit range, got the int 18446744073709551616"
    with pytest.raises(ValidationError) as e:
        channel.publish("t", "{}", user_id="7")  # type: ignore[arg-type]
    assert e.value.field == "user_id"


def test_channel_reads_requests_as_the_gateway_does() -> None:
    gateway = Gateway()
    channel = TmcChannel(gateway)
    request = ("POST", "/router/rest?method=taobao.x.y", {"Content-Type": "text/plain"}, b"a=1")
    reply, events = channel.handle_http(gateway, *request, now_ms=1_700_000_000_000)
    assert reply == gateway.handle(*request, now_ms=1_700_000_000_000)
    assert events == []
    # A lone surrogate (os.fsdecode of undecodable bytes) is named, as by Gateway.handle.
    lone = "a\ud800b"
    for args, field in [((lone, "/", {}, b""), "method"), (("GET", f"/?{lone}", {}, b""), "target"),
                        (("GET", "/", {"x-a": lone}, b""), "headers.x-a"),
                        (("GET", "/", {lone: "1"}, b""), "headers[0]")]:
        for handle in (gateway.handle, lambda *a: channel.handle_http(gateway, *a)):
            with pytest.raises(ValidationError) as e:
                handle(*args)
            assert (e.value.field, e.value.got) == (field, "a lone surrogate (half of a UTF-16 pair)")


def test_signed_connect_accepted_wrong_secret_refused_and_closed() -> None:
    with serve() as gw:
        assert gw.tmc is not None and gw.tmc_url is not None
        events = Events()
        gw.tmc.add_listener(events)
        with connect(gw.tmc_url) as ws:
            session = TmcSession(DEFAULT_APP_KEY, DEFAULT_APP_SECRET)
            ws.send(session.connect())
            (event,) = session.receive(ws.recv(WAIT))
            assert event["type"] == "connected" and len(event["token"]) == 36
            assert events.wait(lambda e: e["type"] == "connected") == {
                "type": "connected", "connection": 1, "app": DEFAULT_APP_KEY, "group": "default"}
        with connect(gw.tmc_url) as ws:
            wrong = TmcSession(DEFAULT_APP_KEY, "not-the-secret")
            ws.send(wrong.connect())
            (refused,) = wrong.receive(ws.recv(WAIT))
            assert refused["type"] == "refused" and refused["status_code"] == 401
            assert "the sign does not match" in (refused["status_phrase"] or "")
            assert "not-the-secret" not in (refused["status_phrase"] or "")
            with pytest.raises(ConnectionClosed):
                ws.recv(WAIT)
            assert ws.close_code == 1008
        with connect(gw.tmc_url) as ws:
            ws.send("hello")  # text is no TMC frame
            with pytest.raises(ConnectionClosed):
                ws.recv(WAIT)
            assert ws.close_code == 1003
        with connect(gw.tmc_url) as ws:
            ws.send(bytes([2, 9]))  # no frame: the reason names the byte
            with pytest.raises(ConnectionClosed):
                ws.recv(WAIT)
            assert ws.close_code == 1008 and "byte 1" in (ws.close_reason or "")


def test_pull_confirm_fail_and_redelivery_over_a_real_socket() -> None:
    with serve(tmc={"redeliver_ms": 100}) as gw:
        assert gw.tmc is not None and gw.tmc_url is not None
        events = Events()
        gw.tmc.add_listener(events)
        gzipped = gw.publish("taobao_trade_TradeCreate", '{"tid":2131800080537681929}', gzip=True,
                             user_id=2206611234, nick="tb_seller")
        plain = gw.publish("taobao_trade_TradePaid", '{"tid":1}', data_id=42)
        assert [gzipped, plain] == [FIRST, FIRST + 1]
        with connect(gw.tmc_url) as ws:
            session = TmcSession(DEFAULT_APP_KEY, DEFAULT_APP_SECRET)
            ws.send(session.connect())
            session.receive(ws.recv(WAIT))
            for action in session.poll():  # the first pull, due at once
                ws.send(action["bytes"])
            messages = [e["message"] for _ in range(2) for e in session.receive(ws.recv(WAIT))]
            assert [m.id for m in messages] == [gzipped, plain]
            assert messages[0].compressed and messages[0].content == '{"tid":2131800080537681929}'
            assert messages[0].data() == {"tid": 2131800080537681929}
            assert (messages[0].user_id, messages[0].nick, messages[0].publisher) == (
                2206611234, "tb_seller", DEFAULT_APP_KEY)
            assert messages[1].data_id == 42
            # Confirm the first; say nothing of the second: it comes back after 100 ms.
            ws.send(session.confirm(gzipped))
            events.wait(lambda e: e == {"type": "confirmed", "id": gzipped})
            (again,) = session.receive(ws.recv(WAIT))
            assert again["message"].id == plain
            assert gw.tmc.channel.message_state(plain) == ("delivered", 2)
            # Fail it: queued again and handed straight back.
            ws.send(session.fail(plain, "on purpose"))
            events.wait(lambda e: e == {"type": "failed", "id": plain, "reason": "on purpose"})
            assert session.receive(ws.recv(WAIT))[0]["message"].id == plain
            ws.send(session.confirm(plain))
            events.wait(lambda e: e == {"type": "confirmed", "id": plain})
        assert gw.tmc.channel.message_state(gzipped) == ("confirmed", 1)
        assert gw.tmc.channel.next_deadline() is None


def test_polling_consumer_consume_and_confirm_share_the_queue() -> None:
    poll_once = example("tmc_polling").poll_once
    with serve() as gw:
        assert gw.tmc is not None
        client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)
        a = gw.publish("taobao_trade_TradePaid", '{"tid":2131800080537681929}')
        b = gw.publish("taobao_trade_TradeClose", '{"tid":2}', id=7104300007405429232)
        seen = []

        def handle(m: Dict[str, Any]) -> None:
            seen.append((m["id"], json.loads(m["content"])["tid"], m["pub_app_key"]))
            if m["id"] == b:
                raise RuntimeError("not now")

        assert poll_once(client, handle, quantity=10) == (2, [a])
        assert seen == [(a, 2131800080537681929, DEFAULT_APP_KEY), (b, 2, DEFAULT_APP_KEY)]
        assert gw.tmc.channel.message_state(a) == ("confirmed", 1)
        # b was handed out and not confirmed: not again before redeliver_ms.
        assert poll_once(client, handle) == (0, [])
        assert gw.tmc.channel.message_state(b) == ("delivered", 1)
        with pytest.raises(ValidationError) as e:
            client.prepare("taobao.tmc.messages.consume", {"quantity": 300})
        assert str(e.value) == "quantity: expected an integer from 10 to 200, got the number 300"


def test_consumer_reconnects_when_the_gateway_drops_the_socket() -> None:
    Consumer = example("tmc_consumer").Consumer
    with serve() as gw:
        assert gw.tmc is not None and gw.tmc_url is not None
        events = Events()
        gw.tmc.add_listener(events)
        url = gw.tmc_url
        handled: List[int] = []

        def handle(m: Any) -> None:
            # Not confirmed while it is being handled.
            assert gw.tmc is not None and gw.tmc.channel.message_state(m.id)[0] == "delivered"
            handled.append(m.id)

        async def scenario() -> None:
            consumer = Consumer(url, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, handle,
                                pull_interval=0.05, reconnect_interval=0.02)
            task = asyncio.create_task(consumer.run())
            a = gw.publish("t", '{"n":1}')
            await asyncio.to_thread(events.wait, lambda e: e == {"type": "confirmed", "id": a})
            gw.drop_tmc_connections()
            await asyncio.to_thread(events.wait, lambda e: e["type"] == "connected" and e["connection"] == 2)
            b = gw.publish("t", '{"n":2}')
            await asyncio.to_thread(events.wait, lambda e: e == {"type": "confirmed", "id": b})
            consumer.stop()
            await task
            assert handled == [a, b]

        asyncio.run(scenario())


def test_tmc_demo_as_make_demo_runs_it() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLES / "tmc_demo.py")], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("published 9007199254740993, 9007199254740994, 7104300007405429232 on ws://127.0.0.1:")
    for line in [
        "message 9007199254740993 taobao_trade_TradePaid trade 2131800080537681929 (text, attempt 1)",
        "message 9007199254740994 taobao_trade_TradeCreate trade 2131800080537681930 (gzip, attempt 2)",
        "message 7104300007405429232 taobao_refund_RefundCreate trade 2131800080537681931 (text, attempt 1)",
        "polled 7104300007405429234 taobao_trade_TradeClose trade 2131800080537681930",
        "tmc demo: every message handled and confirmed, ids exact",
    ]:
        assert line in lines, out.stdout


def test_a_missing_websockets_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str, *args: Any, **kwargs: Any) -> Any:
        raise ImportError(f"No module named '{name}'")

    with pytest.raises(WebSocketMissing, match=r"pip install 'topwire\[gateway\]'"):
        _tmc_endpoint.load_websockets(missing)

    def refuse() -> Any:
        return _tmc_endpoint.load_websockets(missing)

    monkeypatch.setattr(gateway_module, "load_websockets", refuse)
    with serve() as gw:
        with socket.create_connection((gw.host, gw.port), timeout=WAIT) as sock:
            sock.sendall(b"GET /tmc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 501 ")
        assert b"needs the optional package 'websockets'" in reply


def test_cli_serves_the_channel_and_prints_its_url() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "topwire.gateway", "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("topwire gateway listening on http://127.0.0.1:")
        line = proc.stdout.readline().rstrip("\n")
        prefix = "message channel (TMC): "
        assert line.startswith(prefix + "ws://127.0.0.1:") and line.endswith("/tmc"), line
        with connect(line[len(prefix):]) as ws:
            session = TmcSession(DEFAULT_APP_KEY, DEFAULT_APP_SECRET)
            ws.send(session.connect())
            assert session.receive(ws.recv(WAIT))[0]["type"] == "connected"
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert proc.returncode == 0


# tests/http/tmc_channel.json (scripts/oracle.py): frames in, exact frames out, on a fresh gateway each.
CHANNEL = json.loads((REPO / "tests" / "http" / "tmc_channel.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CHANNEL["cases"], ids=[c["name"] for c in CHANNEL["cases"]])
def test_channel_case(case: Dict[str, Any]) -> None:
    now = [CHANNEL["now_ms"]]
    with serve(clock=lambda: now[0], tmc={"redeliver_ms": CHANNEL["redeliver_ms"]}) as gw, \
            contextlib.ExitStack() as opened:
        assert gw.tmc_url is not None
        sockets: Dict[str, Any] = {}
        for step in case["steps"]:
            if "clock" in step:
                now[0] = step["clock"]
            elif "publish" in step:
                message = dict(step["publish"])
                assert gw.publish(message.pop("topic"), message.pop("content"), **message) == step["id"]
            else:
                if step["send"] not in sockets:
                    sockets[step["send"]] = opened.enter_context(connect(gw.tmc_url))
                ws = sockets[step["send"]]
                ws.send(bytes.fromhex(step["hex"]))
                for want in step["expect"]:
                    assert ws.recv(WAIT).hex() == want["hex"]
                if "close" in step:
                    with pytest.raises(ConnectionClosed):
                        ws.recv(WAIT)
                    assert {"code": ws.close_code, "reason": ws.close_reason} == step["close"]


def test_without_the_channel_consume_answers_with_the_sample_and_tmc_is_not_served() -> None:
    with serve(tmc=False) as gw:
        assert gw.tmc is None and gw.tmc_url is None
        with pytest.raises(TypeError):
            gw.publish("t", "{}")
        with pytest.raises(InvalidStatus) as e:
            connect(f"ws://127.0.0.1:{gw.port}/tmc", open_timeout=WAIT)
        assert e.value.response.status_code == 404
        client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)
        data = example("tmc_polling").call(client, "taobao.tmc.messages.consume", {"quantity": 10})
        assert data["messages"][0]["id"] == 7104300007405429232  # the description's sample reply
