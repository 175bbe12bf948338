"""Checked by `mypy --strict` (make py-typecheck and test_typing.py): how users
call topwire, with no `type: ignore` anywhere."""

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

import topwire
from topwire import (
    ApiError,
    DecodeError,
    PreparedRequest,
    SignatureError,
    TopClient,
    TopError,
    ValidationError,
)
from topwire.apis import KnownMethod, TaobaoTravelTicketOrderVerifyRequest, VoucherInfoDto
from topwire.tmc import TmcSession, decode_frame, encode_frame

client = TopClient("12345678", "secret", sign_method="md5", simplify=True)
voucher: VoucherInfoDto = {"confirm_code": "2516352", "used_quantity": 1}
params: TaobaoTravelTicketOrderVerifyRequest = {"order_id": 12345678, "voucher_infos": [voucher]}

req: PreparedRequest = client.prepare("taobao.travel.ticket.order.verify", params)
req2 = client.prepare(
    "taobao.eticket.merchant.ma.resend",
    {"isv_ma_list": [{"code": "abc", "num": 1}], "outer_id": "1", "token": "t"},
    session="s",
    timestamp=datetime.now(timezone.utc),
)
req3 = client.prepare("taobao.any.thing", {"free": [1, "x", {"y": None}]}, timestamp=1_700_000_000_000)
req4 = client.prepare("taobao.time.get")
upload = client.prepare(
    "taobao.custom.upload",
    {"a": b"\x89PNG", "b": topwire.FileItem(b"x", filename="qr.png", content_type="image/png"),
     "c": ("c.txt", b"text", "text/plain")},
)
qr = client.prepare("taobao.eticket.merchant.img.upload",
                    {"img_bytes": topwire.FileItem(b"\x89PNG", filename="qr.png")}, session="s")
upload_type: str = upload.content_type
multipart: bool = upload.is_multipart
url: str = req.url
headers: Dict[str, str] = req.headers
body: bytes = req.body
pairs: List[Tuple[str, str]] = req.params
method: str = req.method

verified = client.parse("taobao.travel.ticket.order.verify", b"{}")
ok: Optional[bool] = verified.get("is_success")
reserve = client.parse("alibaba.alsc.daodian.ticket.reserve", "{}")
retry: Optional[bool] = reserve.get("result", {}).get("retry")
resend = client.parse("taobao.eticket.merchant.ma.resend", b"{}")
code: Optional[str] = resend.get("ret_code")
untyped: Dict[str, Any] = client.parse("taobao.any.thing", b"{}")


def call_any(name: str) -> PreparedRequest:
    return client.prepare(name, {})


# The optional senders, typed per method like prepare and parse.
import httpx
import requests

with requests.Session() as session_:
    sent = topwire.call(client, "taobao.eticket.merchant.ma.consume",
                        {"token": "t", "outer_id": "1", "code": "abc", "consume_num": 1, "serial_num": "s1"},
                        session="s", http=session_, timeout=5, retries=1)
    consumed: Optional[str] = sent.get("ret_code")
free: Dict[str, Any] = topwire.call(client, "taobao.any.thing", {"x": 1}, sleep=lambda s: None)


async def send_async() -> None:
    async with httpx.AsyncClient() as http:
        verified2 = await topwire.acall(client, "taobao.travel.ticket.order.verify", {"order_id": 1}, http=http)
        success: Optional[bool] = verified2.get("is_success")
        failed: Optional[topwire.RedactedRequest] = None
        try:
            await topwire.acall(client, "taobao.any.thing", http=http, sleep=asyncio.sleep)
        except TopError as e:
            failed = e.request
        if failed is not None:
            shown: str = failed.body


# A program's own helper, typed per method through the Call protocol.
from topwire.apis import AsyncCall, Call


def _my_call(method: str, params: Optional[Mapping[str, Any]] = None, *, session: Optional[str] = None) -> Any:
    req_ = client.prepare(method, params, session=session)
    return client.parse(method, httpx.post(req_.url, headers=req_.headers, content=req_.body, timeout=10).content)


my_call: Call = _my_call
resent = my_call("taobao.eticket.merchant.ma.resend", {"isv_ma_list": [{"code": "abc", "num": 1}],
                                                     "outer_id": "1", "token": "t"}, session="s")
resent_code: Optional[str] = resent.get("ret_code")
anything: Dict[str, Any] = my_call("taobao.any.thing", {"x": 1})


async def _my_acall(method: str, params: Optional[Mapping[str, Any]] = None, *, session: Optional[str] = None) -> Any:
    return await topwire.acall(client, method, params, session=session, http=httpx.AsyncClient())


my_acall: AsyncCall = _my_acall


signature: str = topwire.sign({"a": "b"}, "secret", "hmac-sha256")
signature = topwire.sign([("a", "b")], "secret", "md5")
text: str = topwire.string_to_sign({"a": "b"})
topwire.verify_spi(
    query="a=1&sign=X", headers={"top-sign-list": ""}, body=b"", secret="s",
    now=datetime.now(timezone.utc), max_skew=timedelta(minutes=5),
)
topwire.verify_spi(query="", headers=[("a", "b")], body="x", secret="s", max_skew=600)

try:
    client.parse("taobao.any.thing", b"")
except ApiError as e:
    c: int = e.code
    sub: Optional[str] = e.sub_code
    wait: Optional[int] = e.retry_after
    again: bool = e.retryable
except ValidationError as e:
    field: str = e.field
except DecodeError as e:
    msg: str = str(e)
except SignatureError as e:
    reason: str = e.reason
except TopError:
    pass


async def main() -> None:
    loop = asyncio.get_running_loop()
    prepared = await loop.run_in_executor(None, client.prepare, "taobao.time.get")
    assert prepared.method == "POST"


# The local gateway: the core class, and the HTTP server around it.
from topwire import Gateway
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, GatewayServer, serve

core = Gateway('{"sessions": ["s"]}', app_key="k", app_secret="s")
status, reply_headers, reply_body = core.handle("POST", "/router/rest?a=1", {"x": "y"}, b"", 1)
code_: int = status
pairs2: List[Tuple[str, str]] = reply_headers
raw: bytes = reply_body
keys: List[str] = core.app_keys
server: GatewayServer
with serve(config={"responses": {"taobao.time.get": {"time": "x"}}}, clock=lambda: 0) as server:
    local = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=server.url)
    port: int = server.port
    # The local message channel.
    published: int = server.publish("taobao_trade_TradePaid", "{}", gzip=True, user_id=1)
    tmc_url: Optional[str] = server.tmc_url
    server.drop_tmc_connections()
    if server.tmc is not None:
        state: Optional[Tuple[str, int]] = server.tmc.channel.message_state(published)
        deadline: Optional[int] = server.tmc.channel.next_deadline()

# Batches: a batch of one known method's calls gives that method's reply type.
batch = client.prepare_batch(
    [("taobao.eticket.merchant.ma.available", {"code": c, "consume_num": 1, "outer_id": "o", "token": "t"})
     for c in ("abc124", "abc125")],
    session="s", timestamp=1_700_000_000_000, separator="#SEP#",
)
batch_methods: List[str] = batch.methods
for item in client.parse_batch(batch, b""):
    if isinstance(item, ApiError):
        batch_sub_code: Optional[str] = item.sub_code
    else:
        batch_ret: Optional[str] = item.get("ret_code")
mixed = client.prepare_batch([("taobao.time.get", None), ("taobao.user.seller.get", {"fields": "nick"}, "own-session")])
for any_item in client.parse_batch(mixed, "", separator=None):
    if not isinstance(any_item, ApiError):
        batch_untyped: Dict[str, Any] = any_item
batch_verified = client.parse_batch(["taobao.travel.ticket.order.verify"], b"")
batch_first = batch_verified[0]
if not isinstance(batch_first, ApiError):
    batch_success: Optional[bool] = batch_first.get("is_success")

# TMC: the codec and the session.

tmc = TmcSession("k", "s", group_name="default", pull_interval=15)
hello: bytes = tmc.connect()
tmc_frame = decode_frame(hello)
tmc_flag: Optional[int] = tmc_frame["flag"]
tmc_again: bytes = encode_frame(tmc_frame)
for tmc_event in tmc.receive(tmc_again):
    if tmc_event["type"] == "message":
        tmc_id: int = tmc_event["message"].id
        tmc.confirm(tmc_id)
tmc_due: Optional[int] = tmc.next_deadline()
