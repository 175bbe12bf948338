"""Batch calls through the Python package: the local gateway's answer to a
batch of random typed calls, parsed, is what the calls give one by one;
call tuples and options are checked; card secrets stay hidden. Known answers
and exact bodies are the shared vectors' (tests/vectors/batch.json, run by
test_shared_cases.py)."""

import json
import random
from typing import Any, Dict, List, Optional, Tuple

import pytest

import topwire
from topwire import ApiError, Gateway, PreparedBatch, TopClient, ValidationError

NOW = 1_700_000_000_000
GATEWAY = "http://127.0.0.1:8080/router/rest"
CONFIG = json.dumps({
    "sessions": ["session-1", "session-2"],
    "responses": {"taobao.time.get": {"time": "2023-11-15 06:13:20"}},
    "errors": {"taobao.trade.get": {"code": 15, "msg": "Remote service error", "sub_code": "isp.remote-error"}},
})
CALLS: List[Tuple[Any, ...]] = [
    ("taobao.eticket.merchant.ma.available", {"code": "abc124", "consume_num": 1, "outer_id": "o1", "token": "t1"}),
    ("taobao.eticket.merchant.ma.available",
     {"code": "a\r\n-S-\r\nb #SEP#", "consume_num": 2, "outer_id": "o1", "token": "t1"}),
    ("taobao.eticket.merchant.ma.resend",
     {"isv_ma_list": [{"code": "abc124", "num": 1}], "outer_id": "o1", "token": "t1"}, "session-2"),
    ("taobao.eticket.merchant.ma.consume",
     {"code": "abc124", "consume_num": 1, "outer_id": "o1", "serial_num": "s1", "token": "t1"}, "not-a-session"),
    ("taobao.eticket.merchant.tbma.get", {"query_tb_ma_callback_req": {"code": "abc124"}}),
    ("taobao.travel.ticket.order.verify", {"order_id": 2106027287988611313, "check_num": 1}),
    ("taobao.time.get", None),
    ("taobao.trade.get", {"tid": 1}),
]


def comparable(item: Any) -> Any:
    if isinstance(item, ApiError):
        return ("error", item.code, item.msg, item.sub_code)
    return {k: v for k, v in item.items() if k != "request_id"}


def test_a_batch_gives_what_its_calls_give_alone() -> None:
    gw = Gateway(CONFIG)
    key, secret = topwire._native.GATEWAY_APP_KEY, topwire._native.GATEWAY_APP_SECRET
    clients = [TopClient(key, secret, gateway=GATEWAY), TopClient(key, secret, gateway=GATEWAY, simplify=True),
               TopClient(key, secret, gateway=GATEWAY, format="xml")]
    rng = random.Random(11)  # the same 200 batches every run

    def send(req: topwire.PreparedRequest) -> bytes:
        return gw.handle(req.method, req.url, req.headers, req.body, now_ms=NOW)[2]

    for _ in range(200):
        client = rng.choice(clients)
        calls = [rng.choice(CALLS) for _ in range(rng.randint(1, 6))]
        batch = client.prepare_batch(calls, session="session-1", timestamp=NOW,
                                     separator=rng.choice([None, "#SEP#", "|x|"]))
        assert batch.url.startswith("http://127.0.0.1:8080/router/batch?")
        got = [comparable(item) for item in client.parse_batch(batch, send(batch))]
        alone = []
        for method, params, *own in calls:
            req = client.prepare(method, params, session=own[0] if own else "session-1", timestamp=NOW)
            try:
                alone.append(comparable(client.parse(method, send(req))))
            except ApiError as e:
                alone.append(comparable(e))
        assert got == alone


def test_prepared_batch_shape() -> None:
    client = TopClient("12345678", "s")
    batch = client.prepare_batch([CALLS[0], CALLS[6]], session="s", timestamp=NOW, separator="#SEP#")
    assert isinstance(batch, PreparedBatch) and isinstance(batch, topwire.PreparedRequest)
    assert batch.methods == ["taobao.eticket.merchant.ma.available", "taobao.time.get"]
    assert batch.separator == "#SEP#"
    assert batch.headers == {"Content-Type": "text/plain;charset=UTF-8", "top-api-separator": "#SEP#"}
    assert [k for k, _ in batch.params] == ["app_key", "format", "session", "sign_method", "timestamp", "v", "sign"]
    assert not batch.is_multipart
    assert client.prepare_batch([CALLS[6]]).separator == "\r\n-S-\r\n"


@pytest.mark.parametrize("calls,field", [
    ([CALLS[6], "taobao.time.get"], "calls[1]"),
    ([("taobao.time.get",)], "calls[0]"),
    ([(1, None)], "calls[0].method"),
    ([("taobao.time.get", None, 5)], "calls[0].session"),
    ([("taobao.time.get", {"n": 1 << 70})], "calls[0].n"),
    ([("taobao.custom.upload", {"img": b"\x89PNG"})], "calls[0].img"),
    ([], "calls"),
])
def test_bad_calls_are_named(calls: List[Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        TopClient("12345678", "s").prepare_batch(calls, session="s")
    assert info.value.field == field


def test_card_secrets_are_not_shown() -> None:
    client = TopClient("12345678", "s")
    send = ("taobao.eticket.merchant.ma.send", {"certificate_type": 1, "outer_id": "o", "token": "t",
                                                "isv_ka_list": [{"ka_no": "K", "ka_mi": 1 << 70, "num": 1}]})
    with pytest.raises(ValidationError) as info:
        client.prepare_batch([send], session="s")
    assert info.value.field == "calls[0].isv_ka_list[0].ka_mi"
    assert str(1 << 70) not in str(info.value)


def test_parse_batch_returns_errors_and_raises_a_whole_batch_failure() -> None:
    client = TopClient("12345678", "s")
    ok = b'{"travel_ticket_order_verify_response":{"is_success":true}}'
    err = b'{"error_response":{"code":7,"msg":"App Call Limited","sub_msg":"This ban will last for 23 more seconds"}}'
    data, error = client.parse_batch(("taobao.travel.ticket.order.verify",) * 2, ok + b"\r\n-S-\r\n" + err)
    assert data == {"is_success": True}
    assert isinstance(error, ApiError) and error.retryable and error.retry_after == 23
    with pytest.raises(ApiError) as info:
        client.parse_batch(["taobao.time.get"] * 3, b'{"error_response":{"code":25,"msg":"Invalid signature"}}')
    assert info.value.code == 25
    with pytest.raises(TypeError):
        client.parse_batch("taobao.time.get", b"{}")
    with pytest.raises(ValidationError):
        client.parse_batch([], b"{}")


def test_parse_batch_data_are_plain_dicts_and_lists() -> None:
    # As parse gives them.
    client = TopClient("12345678", "s")
    body = '{"time_get_response":{"a":[1,{"b":"中文"}]}}'
    items: List[Optional[Dict[str, Any]]] = client.parse_batch(["taobao.time.get"], body)
    assert items == [{"a": [1, {"b": "中文"}]}]
