"""The local gateway (topwire.Gateway in the core, topwire.gateway's HTTP server
around it) driven over real HTTP on 127.0.0.1: with topwire's own client, with
requests signed by hand (hashlib, no topwire), and as `python -m topwire.gateway`."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple
from urllib.parse import urlencode, urlsplit

import pytest

import topwire
from topwire import ApiError, Gateway, TopClient, ValidationError
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, GatewayServer, serve

RESEND = "taobao.eticket.merchant.ma.resend"
RESERVE = "alibaba.alsc.daodian.ticket.reserve"
VERIFY = "taobao.travel.ticket.order.verify"

# The seed calls (parameters of the documentation's examples) and the sample
# responses the documentation shows for them.
SEED_PARAMS: Dict[str, Dict[str, Any]] = {
    RESEND: {
        "biz_type": 3001,
        "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "111.png"}],
        "outer_id": "1753340805138544",
        "token": "31231231231",
    },
    RESERVE: {
        "ticket_reverse_top_request": {
            "ticket_use_trans_id": "2106027287988611313",
            "biz_date": "2022-08-11 11:11:11",
            "request_id": "20190729111040030200660600011777",
            "ticket_id": "2208191159703216457",
        }
    },
    VERIFY: {
        "check_num": 1,
        "order_id": 12345678,
        "return_num": 0,
        "total_num": 1,
        "out_order_id": "12345",
        "confirm_code": "2516352",
        "voucher_infos": [
            {"confirm_code": "2516352", "used_quantity": 1, "used_date": "2020-01-11 14:00:00"}
        ],
        "write_off_type": 0,
    },
}
SAMPLES: Dict[str, Dict[str, Any]] = {
    RESEND: {"resp_body": {"attribute_map": "{}"}, "ret_code": "isv.success-all", "ret_msg": "操作成功"},
    RESERVE: {"result": {"success": True, "retry": False}},
    VERIFY: {"is_success": True},
}
RESPONSE_KEYS = {
    RESEND: "eticket_merchant_ma_resend_response",
    RESERVE: "alibaba_alsc_daodian_ticket_reserve_response",
    VERIFY: "travel_ticket_order_verify_response",
}
GMT8 = timezone(timedelta(hours=8))
FORM = "application/x-www-form-urlencoded;charset=utf-8"


@pytest.fixture(scope="module")
def gw() -> Iterator[GatewayServer]:
    with serve() as server:
        yield server


def send(url: str, body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None,
         method: str = "POST") -> Tuple[int, Dict[str, str], bytes]:
    """One HTTP exchange with urllib; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, dict(e.headers.items()), e.read()


def call(client: TopClient, method: str, params: Optional[Mapping[str, Any]],
         **options: Any) -> Any:
    req = client.prepare(method, params, **options)
    status, _, body = send(req.url, req.body, req.headers, req.method)
    assert status == 200
    return client.parse(method, body)


def default_client(url: str, **options: Any) -> TopClient:
    return TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=url, **options)


# ------------------------------------------------------------------ by hand, without topwire

def gmt8_now(offset: timedelta = timedelta(0)) -> str:
    return (datetime.now(GMT8) + offset).strftime("%Y-%m-%d %H:%M:%S")


def md5_sign(params: Mapping[str, str], secret: str) -> str:
    text = "".join(k + v for k, v in sorted(params.items()) if v != "" and k != "sign")
    return hashlib.md5((secret + text + secret).encode("utf-8")).hexdigest().upper()


def hand_signed(url: str, method: Optional[str], app_params: Mapping[str, str], *,
                secret: str = DEFAULT_APP_SECRET, session: Optional[str] = None,
                fmt: str = "json") -> Tuple[int, bytes]:
    """A raw TOP call: system parameters in the query, application ones in a
    urlencoded body, md5-signed by hand."""
    system = {"app_key": DEFAULT_APP_KEY, "timestamp": gmt8_now(), "v": "2.0",
              "sign_method": "md5", "format": fmt}
    if method is not None:
        system["method"] = method
    if session is not None:
        system["session"] = session
    system["sign"] = md5_sign({**system, **app_params}, secret)
    status, _, body = send(f"{url}?{urlencode(system)}", urlencode(app_params).encode(),
                           {"Content-Type": FORM})
    return status, body


def api_error(body: bytes, method: str = VERIFY) -> ApiError:
    """The ApiError topwire's parser makes of a raw reply."""
    with pytest.raises(ApiError) as info:
        default_client("http://unused/router/rest").parse(method, body)
    return info.value


# ------------------------------------------------------------------ the seed calls

@pytest.mark.parametrize("fmt,simplify", [("json", False), ("json", True), ("xml", False)])
@pytest.mark.parametrize("method", [RESEND, RESERVE, VERIFY])
def test_seed_calls_get_the_sample_responses(gw: GatewayServer, method: str, fmt: str,
                                             simplify: bool) -> None:
    client = default_client(gw.url, format=fmt, simplify=simplify)
    req = client.prepare(method, SEED_PARAMS[method], session="any-session")
    status, headers, body = send(req.url, req.body, req.headers, req.method)
    assert status == 200
    ctype = {k.lower(): v for k, v in headers.items()}["content-type"]
    if fmt == "xml":
        assert ctype.startswith("text/xml")
        assert body.startswith(b"<?xml") and f"<{RESPONSE_KEYS[method]}>".encode() in body
    else:
        assert ctype.startswith("application/json")
        raw = json.loads(body)
        assert (RESPONSE_KEYS[method] in raw) is not simplify
    data = client.parse(method, body)
    request_id = data.pop("request_id")
    assert isinstance(request_id, str) and request_id
    assert data == SAMPLES[method]


@pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
def test_every_sign_method_is_accepted(gw: GatewayServer, sign_method: str) -> None:
    client = default_client(gw.url, sign_method=sign_method)
    assert call(client, VERIFY, SEED_PARAMS[VERIFY])["is_success"] is True


def test_a_raw_hand_signed_request_is_accepted(gw: GatewayServer) -> None:
    app = {"order_id": "12345678", "check_num": "1",
           "voucher_infos": json.dumps([{"confirm_code": "2516352", "used_quantity": 1}])}
    status, body = hand_signed(gw.url, VERIFY, app)
    assert status == 200
    answer = json.loads(body)["travel_ticket_order_verify_response"]
    assert answer["is_success"] is True


def test_a_raw_get_with_everything_in_the_query_is_accepted(gw: GatewayServer) -> None:
    params = {"method": VERIFY, "app_key": DEFAULT_APP_KEY, "timestamp": gmt8_now(), "v": "2.0",
              "sign_method": "md5", "format": "json", "simplify": "true", "order_id": "1"}
    params["sign"] = md5_sign(params, DEFAULT_APP_SECRET)
    status, _, body = send(f"{gw.url}?{urlencode(params)}", method="GET")
    assert status == 200
    assert json.loads(body)["is_success"] is True


def test_the_raw_xml_reply_of_a_hand_signed_call(gw: GatewayServer) -> None:
    status, body = hand_signed(gw.url, VERIFY, {"order_id": "1"}, fmt="xml")
    assert status == 200
    assert body.startswith(b"<?xml")
    assert b"<travel_ticket_order_verify_response><is_success>true</is_success>" in body


# ------------------------------------------------------------------ TOP's error codes

def test_unknown_app_key_is_29(gw: GatewayServer) -> None:
    client = TopClient("87654321", DEFAULT_APP_SECRET, gateway=gw.url)
    with pytest.raises(ApiError) as info:
        call(client, VERIFY, SEED_PARAMS[VERIFY])
    assert info.value.code == 29


def test_bad_signature_is_25(gw: GatewayServer) -> None:
    client = TopClient(DEFAULT_APP_KEY, "not-the-secret", gateway=gw.url)
    with pytest.raises(ApiError) as info:
        call(client, VERIFY, SEED_PARAMS[VERIFY])
    assert info.value.code == 25
    assert "not-the-secret" not in str(info.value)


def test_a_tampered_body_is_25(gw: GatewayServer) -> None:
    client = default_client(gw.url)
    req = client.prepare(VERIFY, {"order_id": 1})
    status, _, body = send(req.url, req.body.replace(b"=1", b"=2"), req.headers)
    assert api_error(body).code == 25


def test_stale_timestamp_is_31(gw: GatewayServer) -> None:
    client = default_client(gw.url)
    old = datetime.now(timezone.utc) - timedelta(minutes=11)
    with pytest.raises(ApiError) as info:
        call(client, VERIFY, SEED_PARAMS[VERIFY], timestamp=old)
    assert info.value.code == 31
    # Within TOP's 10 minutes it is accepted.
    recent = datetime.now(timezone.utc) - timedelta(minutes=9)
    assert call(client, VERIFY, SEED_PARAMS[VERIFY], timestamp=recent)["is_success"] is True


def test_missing_method_is_21(gw: GatewayServer) -> None:
    status, body = hand_signed(gw.url, None, {"order_id": "1"})
    assert status == 200
    assert json.loads(body)["error_response"]["code"] == 21
    assert api_error(body).code == 21


def test_missing_required_argument_is_40(gw: GatewayServer) -> None:
    app = {"isv_ma_list": json.dumps([{"code": "abc124", "num": 1}]), "token": "t"}
    status, body = hand_signed(gw.url, RESEND, app, session="s")
    err = api_error(body, RESEND)
    assert err.code == 40
    assert err.sub_code == "isv.missing-parameter"
    assert "outer_id" in err.msg and err.sub_msg is not None and "outer_id" in err.sub_msg


def test_bad_value_is_41(gw: GatewayServer) -> None:
    status, body = hand_signed(gw.url, VERIFY, {"order_id": "1", "write_off_type": "7"})
    err = api_error(body)
    assert err.code == 41
    assert err.sub_code == "isv.invalid-parameter"
    assert "write_off_type" in err.msg and err.sub_msg is not None
    assert "write_off_type" in err.sub_msg
    status, body = hand_signed(gw.url, VERIFY, {"order_id": "not-a-number"})
    err = api_error(body)
    assert (err.code, err.sub_code) == (41, "isv.invalid-parameter")
    assert "order_id" in err.msg


def test_missing_session_is_26(gw: GatewayServer) -> None:
    app = {k: v if isinstance(v, str) else json.dumps(v) for k, v in SEED_PARAMS[RESEND].items()}
    status, body = hand_signed(gw.url, RESEND, app)
    assert api_error(body, RESEND).code == 26
    # The same call with a session goes through.
    status, body = hand_signed(gw.url, RESEND, app, session="s")
    assert json.loads(body)[RESPONSE_KEYS[RESEND]]["ret_code"] == "isv.success-all"


def test_errors_come_back_in_xml_too(gw: GatewayServer) -> None:
    client = TopClient("87654321", "x", gateway=gw.url, format="xml")
    req = client.prepare(VERIFY, {"order_id": 1})
    _, _, body = send(req.url, req.body, req.headers)
    assert body.startswith(b"<?xml") and b"<error_response><code>29</code>" in body
    with pytest.raises(ApiError) as info:
        client.parse(VERIFY, body)
    assert info.value.code == 29


def test_other_paths_and_http_methods(gw: GatewayServer) -> None:
    base = gw.url.rsplit("/router/rest", 1)[0]
    assert send(base + "/favicon.ico", method="GET")[0] == 404
    assert send(gw.url, b"", method="PUT")[0] == 405
    status, headers, body = send(gw.url, method="HEAD")  # no body, whatever the status
    assert status == 405 and body == b""


def test_a_chunked_body_is_read(gw: GatewayServer) -> None:
    import http.client

    client = default_client(gw.url)
    req = client.prepare(VERIFY, {"order_id": 1})
    parts = urlsplit(req.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("POST", f"{parts.path}?{parts.query}", body=iter([req.body[:3], req.body[3:]]),
                     headers=req.headers, encode_chunked=True)
        body = conn.getresponse().read()
    finally:
        conn.close()
    assert client.parse(VERIFY, body)["is_success"] is True


def test_concurrent_calls_share_one_gateway(gw: GatewayServer) -> None:
    client = default_client(gw.url)

    def one(i: int) -> bool:
        return bool(call(client, VERIFY, {"order_id": i})["is_success"])

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(one, range(64)))


# ------------------------------------------------------------------ configuration

CONFIG: Dict[str, Any] = {
    "apps": {"11112222": "first-secret", "33334444": "second-secret"},
    "sessions": ["good-session"],
    "max_skew_seconds": 60,
    "responses": {"taobao.time.get": {"time": "2024-01-02 03:04:05"}},
    "errors": {"taobao.trade.get": {"code": 15, "msg": "Remote service error",
                                    "sub_code": "isp.remote-service-timeout",
                                    "sub_msg": "try again"}},
}


def test_a_config_file(tmp_path: Path) -> None:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(CONFIG), encoding="utf-8")
    with serve(config_file=path) as gw:
        assert gw.app_keys == ["11112222", "33334444"]
        second = TopClient("33334444", "second-secret", gateway=gw.url)
        assert call(second, VERIFY, {"order_id": 1})["is_success"] is True
        # The default app is not configured any more.
        with pytest.raises(ApiError) as info:
            call(default_client(gw.url), VERIFY, {"order_id": 1})
        assert info.value.code == 29
        # Sessions: only the listed ones.
        assert call(second, RESEND, SEED_PARAMS[RESEND], session="good-session")["ret_code"]
        with pytest.raises(ApiError) as info:
            call(second, RESEND, SEED_PARAMS[RESEND], session="other-session")
        assert info.value.code == 27
        # max_skew_seconds: 2 minutes off is too far.
        old = datetime.now(timezone.utc) - timedelta(minutes=2)
        with pytest.raises(ApiError) as info:
            call(second, VERIFY, {"order_id": 1}, timestamp=old)
        assert info.value.code == 31
        # Canned response and error for methods that are not typed.
        data = call(second, "taobao.time.get", {})
        assert data["time"] == "2024-01-02 03:04:05" and data["request_id"]
        with pytest.raises(ApiError) as info:
            call(second, "taobao.trade.get", {"tid": 1})
        err = info.value
        assert (err.code, err.sub_code, err.sub_msg) == (15, "isp.remote-service-timeout",
                                                        "try again")
        assert err.retryable
        # Any other untyped method is unknown to the gateway.
        with pytest.raises(ApiError) as info:
            call(second, "taobao.user.seller.get", {"fields": "nick"})
        assert info.value.code == 22


def test_config_as_a_dict_and_app_flags() -> None:
    with serve(config={"responses": {"taobao.time.get": {"time": "x"}}},
               app_key="55556666", app_secret="flag-secret") as gw:
        assert gw.app_keys == ["55556666"]
        client = TopClient("55556666", "flag-secret", gateway=gw.url)
        assert call(client, "taobao.time.get", None)["time"] == "x"


def test_a_fixed_clock() -> None:
    fixed = 1_700_000_000_000
    with serve(clock=lambda: fixed) as gw:
        client = default_client(gw.url)
        assert call(client, VERIFY, {"order_id": 1}, timestamp=fixed)["is_success"] is True
        with pytest.raises(ApiError) as info:
            call(client, VERIFY, {"order_id": 1})  # now, far from the gateway's clock
        assert info.value.code == 31


def test_bad_configs_are_validation_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        Gateway('{"apps": {"k": ""}}')
    assert info.value.field == "config.apps.k"
    with pytest.raises(ValidationError):
        Gateway("not json")
    with pytest.raises(ValidationError) as info:
        Gateway('{"errors": {"m": {"msg": "no code"}}}')
    assert info.value.field == "config.errors.m.code"
    with pytest.raises(ValidationError):
        Gateway(app_key="", app_secret="s")
    with pytest.raises(ValidationError) as info:
        Gateway(app_key="k")
    assert info.value.field == "app_secret"
    with pytest.raises(TypeError):
        serve(config="{}", config_file=tmp_path / "x.json")
    # A misspelled key is refused with the spelling most likely meant, never ignored.
    with pytest.raises(ValidationError) as info:
        serve(config={"sesions": ["s"]})
    assert (info.value.field, info.value.expected) == (
        "config.sesions", "a known option (did you mean sessions?)")
    with pytest.raises(TypeError, match="confg"):
        serve(confg={})


# ------------------------------------------------------------------ the core class

def test_gateway_class_without_http() -> None:
    gateway = Gateway(app_key="k1", app_secret="super-secret-value")
    assert gateway.app_keys == ["k1"]
    assert repr(gateway) == "Gateway(app_keys=['k1'])"
    client = TopClient("k1", "super-secret-value", gateway="http://local/router/rest")
    now = 1_700_000_000_000
    req = client.prepare(VERIFY, {"order_id": 1}, timestamp=now)
    target = req.url.split("http://local", 1)[1]
    status, headers, body = gateway.handle("POST", target, req.headers, req.body, now_ms=now)
    assert status == 200 and isinstance(body, bytes)
    assert headers == [("Content-Type", "application/json;charset=utf-8")]
    assert client.parse(VERIFY, body)["is_success"] is True
    # A full URL, headers as pairs, a str body and an aware datetime are accepted too.
    when = datetime.fromtimestamp(now / 1000, timezone.utc)
    status, _, body = gateway.handle("POST", req.url, list(req.headers.items()),
                                     req.body.decode(), when)
    assert client.parse(VERIFY, body)["is_success"] is True
    # The secret never shows.
    server = serve(gateway=gateway)
    try:
        for text in (repr(gateway), str(gateway), repr(server)):
            assert "super-secret-value" not in text
    finally:
        server.stop()
    with pytest.raises(TypeError):
        gateway.handle("POST", target, req.headers, 12)  # type: ignore[arg-type]


def test_default_gateway_constants() -> None:
    assert Gateway().app_keys == [DEFAULT_APP_KEY] == ["12345678"]
    assert DEFAULT_APP_SECRET == "topwire-local-secret"
    assert topwire.Gateway is topwire.gateway.Gateway


def test_request_log_never_shows_secrets_or_sessions() -> None:
    import io

    log = io.StringIO()
    with serve(log=log) as gw:
        call(default_client(gw.url), RESEND, SEED_PARAMS[RESEND], session="session-xyz")
    text = log.getvalue()
    assert f'"POST /router/rest" {RESEND} 200' in text
    assert "session-xyz" not in text and DEFAULT_APP_SECRET not in text and "sign=" not in text


def test_stop_releases_the_port() -> None:
    server = serve()
    with server:
        url = server.url
        assert send(url, method="GET")[0] == 200
    with pytest.raises(OSError):
        send(url, method="GET")
    server.stop()  # idempotent


# ------------------------------------------------------------------ python -m topwire.gateway

def start_cli(*args: str) -> Tuple["subprocess.Popen[str]", str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "topwire.gateway", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the server is listening
    prefix = "topwire gateway listening on "
    assert line.startswith(prefix), line + (proc.stderr.read() if proc.stderr else "")
    return proc, line


def stop_cli(proc: "subprocess.Popen[str]", sig: int = signal.SIGTERM) -> str:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def test_cli_prints_its_url_and_serves_until_terminated() -> None:
    proc, line = start_cli()
    try:
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        assert line.rstrip("\n").endswith(f"(app keys: {DEFAULT_APP_KEY})")
        assert url.startswith("http://127.0.0.1:") and url.endswith("/router/rest")
        assert call(default_client(url), VERIFY, SEED_PARAMS[VERIFY])["is_success"] is True
    finally:
        err = stop_cli(proc)
    assert f'"POST /router/rest" {VERIFY} 200' in err
    assert "stopped" in err and DEFAULT_APP_SECRET not in err


def test_cli_with_a_config_file_and_sigint(tmp_path: Path) -> None:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(CONFIG), encoding="utf-8")
    proc, line = start_cli("--config", str(path), "--quiet")
    try:
        assert "(app keys: 11112222, 33334444)" in line
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        client = TopClient("11112222", "first-secret", gateway=url)
        assert call(client, "taobao.time.get", None)["time"] == "2024-01-02 03:04:05"
    finally:
        err = stop_cli(proc, signal.SIGINT)
    assert "first-secret" not in err and "POST" not in err


def test_cli_app_flags_and_errors(tmp_path: Path) -> None:
    proc, line = start_cli("--app-key", "99998888", "--app-secret", "cli-secret")
    try:
        assert line.rstrip("\n").endswith("(app keys: 99998888)") and "cli-secret" not in line
    finally:
        stop_cli(proc)
    bad = tmp_path / "bad.json"
    bad.write_text('{"apps": []}', encoding="utf-8")
    for args in (["--config", str(bad)], ["--config", str(tmp_path / "missing.json")],
                 ["--app-key", "k"]):
        out = subprocess.run([sys.executable, "-m", "topwire.gateway", "--port", "0", *args],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2, args
        assert out.stdout == ""
        assert "topwire gateway" in out.stderr or "--app-secret" in out.stderr


def test_a_malformed_body_is_400(gw: GatewayServer) -> None:
    import http.client

    parts = urlsplit(gw.url)
    for headers in ({"Content-Length": "nope"}, {"Transfer-Encoding": "chunked"}):
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            conn.putrequest("POST", parts.path)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders(b"zz\r\n" if "Transfer-Encoding" in headers else None)
            resp = conn.getresponse()
            assert resp.status == 400 and resp.read().startswith(b"bad request")
        finally:
            conn.close()
