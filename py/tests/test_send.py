"""topwire.call and topwire.acall over real HTTP against the local gateway, with
each HTTP client they drive (urllib, requests, httpx sync and async, aiohttp).
The gateway's `errors` config makes typed methods fail with isp.* and ban
errors; waits go through an injected sleep, so nothing sleeps."""

import asyncio
from typing import Any, Iterator, List

import httpx
import pytest
import requests

import topwire
from topwire import ApiError, TopClient, ValidationError
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, GatewayServer, serve

VERIFY = "taobao.travel.ticket.order.verify"
REFUND = "taobao.travel.ticket.order.refund"
CONSULT = "alibaba.alsc.daodian.ticket.consult"
RESEND = "taobao.eticket.merchant.ma.resend"
SEND = "taobao.eticket.merchant.ma.send"
RESEND_PARAMS = {"token": "t", "outer_id": "1753340805138544", "isv_ma_list": [{"code": "abc124", "num": 1}]}
ISP = {"code": 15, "msg": "Remote service error", "sub_code": "isp.remote-service-timeout", "sub_msg": "try again"}


def ban(seconds: int) -> Any:
    return {"code": 7, "msg": "App Call Limited", "sub_code": "accesscontrol.limited-by-app-access-count",
            "sub_msg": f"This ban will last for {seconds} more seconds"}


@pytest.fixture(scope="module")
def gw() -> Iterator[GatewayServer]:
    # The errors config applies to typed methods too.
    config = {"sessions": ["good-session"], "errors": {VERIFY: ISP, REFUND: ban(2), CONSULT: ban(120)}}
    with serve(config=config, log=None) as server:
        yield server


def client(gw: GatewayServer, secret: str = DEFAULT_APP_SECRET) -> TopClient:
    return TopClient(DEFAULT_APP_KEY, secret, gateway=gw.url)


class Sleeps:
    """A sleep that records its waits and returns at once."""

    def __init__(self) -> None:
        self.waits: List[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def async_(self, seconds: float) -> None:
        self.waits.append(seconds)


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.posts = 0
        self.timeouts: List[Any] = []

    def post(self, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.posts += 1
        self.timeouts.append(kwargs.get("timeout"))
        return super().post(url, *args, **kwargs)


@pytest.mark.parametrize("kind", ["urllib", "requests", "httpx"])
def test_call_returns_the_parsed_reply(gw: GatewayServer, kind: str) -> None:
    def run(http: Any) -> Any:
        return topwire.call(client(gw), RESEND, RESEND_PARAMS, session="good-session", http=http)
    if kind == "urllib":
        data = run(None)
    elif kind == "requests":
        with requests.Session() as s:
            data = run(s)
    else:
        with httpx.Client() as h:
            data = run(h)
    assert data["ret_code"] == "isv.success-all"


def test_isp_errors_are_retried_with_backoff_then_raised_with_the_request(gw: GatewayServer) -> None:
    sleeps = Sleeps()
    with CountingSession() as s:
        with pytest.raises(ApiError) as e:
            topwire.call(client(gw), VERIFY, {"order_id": 1}, http=s, retries=3, sleep=sleeps, timeout=5)
    assert (e.value.code, e.value.sub_code, e.value.retryable) == (15, "isp.remote-service-timeout", True)
    assert s.posts == 4 and s.timeouts == [5, 5, 5, 5]
    assert sleeps.waits == [0.5, 1.0, 2.0]
    req = e.value.request
    assert isinstance(req, topwire.RedactedRequest)
    assert req.url.startswith(gw.url + "?") and "method=taobao.travel.ticket.order.verify" in req.url
    assert (req.method, req.body) == ("POST", "order_id=1")


def test_the_default_timeout_is_the_cores(gw: GatewayServer) -> None:
    with CountingSession() as s:
        topwire.call(client(gw), RESEND, RESEND_PARAMS, session="good-session", http=s)
    assert s.timeouts == [10.0]


def test_a_named_ban_is_waited_out_and_a_long_one_raised_at_once(gw: GatewayServer) -> None:
    sleeps = Sleeps()
    with pytest.raises(ApiError) as e:
        topwire.call(client(gw), REFUND, {"order_id": 1, "refund_status": 1}, sleep=sleeps)
    assert e.value.retry_after == 2 and sleeps.waits == [2.0, 2.0]
    sleeps = Sleeps()
    with CountingSession() as s, pytest.raises(ApiError) as e:
        topwire.call(client(gw), CONSULT, {"consult_request": {"request_id": "r", "shop_id": "s", "ticket_code": "t"}},
                     http=s, sleep=sleeps)
    assert (e.value.retry_after, s.posts, sleeps.waits) == (120, 1, [])


def test_the_callers_faults_are_not_retried_and_card_secrets_stay_hidden(gw: GatewayServer) -> None:
    params = {"token": "t", "outer_id": "1", "certificate_type": 1,
              "isv_ka_list": [{"ka_no": "card-1", "ka_mi": "card-secret-42", "num": 1}]}
    with CountingSession() as s, pytest.raises(ApiError) as e:
        topwire.call(client(gw, "wrong-secret"), SEND, params, session="good-session", http=s)
    assert (e.value.code, e.value.retryable, e.value.is_session_error, s.posts) == (25, False, False, 1)
    assert "ka_no" in e.value.request.body
    assert "card-secret-42" not in repr(e.value.request) + e.value.request.body


def test_an_invalid_session_is_a_session_error_not_retried(gw: GatewayServer) -> None:
    with CountingSession() as s, pytest.raises(ApiError) as e:
        topwire.call(client(gw), RESEND, RESEND_PARAMS, session="expired", http=s)
    assert (e.value.code, e.value.is_session_error, e.value.retryable, s.posts) == (27, True, False, 1)


def test_a_transport_failure_is_raised_as_is_never_retried(gw: GatewayServer) -> None:
    class Failing(requests.Session):
        posts = 0

        def post(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            self.posts += 1
            raise requests.Timeout("read timed out")

    s = Failing()
    with pytest.raises(requests.Timeout):
        topwire.call(client(gw), VERIFY, {"order_id": 1}, http=s)
    assert s.posts == 1


def test_options_are_strict_with_the_likely_spelling(gw: GatewayServer) -> None:
    c = client(gw)
    with pytest.raises(TypeError) as t:
        topwire.call(c, VERIFY, {"order_id": 1}, timout=5)  # type: ignore[call-overload]
    assert str(t.value) == "timout: expected a known option (did you mean timeout?), got an unknown option"
    with pytest.raises(ValidationError) as v:
        topwire.call(c, VERIFY, {"order_id": 1}, retries=11)
    assert str(v.value) == "retries: expected a whole number from 0 to 10, got the number 11"
    with pytest.raises(TypeError):
        topwire.call(c, VERIFY, {"order_id": 1}, timeout=0)
    with pytest.raises(TypeError, match="requests.Session or an httpx.Client"):
        topwire.call(c, VERIFY, {"order_id": 1}, http=object())
    with pytest.raises(ValidationError) as v:  # prepare's errors come before any sending
        topwire.call(c, RESEND, {}, http=object())
    assert v.value.request is None


def test_acall_with_httpx_async_client(gw: GatewayServer) -> None:
    sleeps = Sleeps()

    async def main() -> Any:
        async with httpx.AsyncClient() as http:
            data = await topwire.acall(client(gw), RESEND, RESEND_PARAMS, session="good-session", http=http)
            with pytest.raises(ApiError) as e:
                await topwire.acall(client(gw), VERIFY, {"order_id": 1}, http=http, sleep=sleeps.async_)
            return data, e.value

    data, err = asyncio.run(main())
    assert data["ret_code"] == "isv.success-all"
    assert (err.code, sleeps.waits) == (15, [0.5, 1.0])
    assert err.request.body == "order_id=1"


def test_acall_with_aiohttp(gw: GatewayServer) -> None:
    aiohttp = pytest.importorskip("aiohttp")
    sleeps = Sleeps()

    async def main() -> Any:
        async with aiohttp.ClientSession() as http:
            data = await topwire.acall(client(gw), RESEND, RESEND_PARAMS, session="good-session", http=http)
            with pytest.raises(ApiError) as e:
                await topwire.acall(client(gw), REFUND, {"order_id": 1, "refund_status": 1}, http=http,
                                    sleep=sleeps.async_, retries=1)
            return data, e.value

    data, err = asyncio.run(main())
    assert data["ret_code"] == "isv.success-all"
    assert (err.code, sleeps.waits) == (7, [2.0])


def test_acall_refuses_a_sync_client(gw: GatewayServer) -> None:
    with pytest.raises(TypeError, match="httpx.AsyncClient or an aiohttp.ClientSession"):
        asyncio.run(topwire.acall(client(gw), VERIFY, {"order_id": 1}, http=requests.Session()))


def test_the_senders_load_on_first_use_only() -> None:
    # `import topwire` stays free of `typing` (import time); the senders bring it.
    import subprocess
    import sys
    code = ("import sys, topwire; before = 'topwire._send' in sys.modules; topwire.call; "
            "print(before, 'topwire._send' in sys.modules, topwire.RedactedRequest.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "topwire._send"]
