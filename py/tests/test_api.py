"""The Python API: values, time, errors, secrets, immutability, threads, hostile bodies."""

import copy
import hashlib
import json
import os
import pickle
import random
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List
from urllib.parse import urlencode

import pytest

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

SECRET = "S3CR3T-must-never-show"
VERIFY = "taobao.travel.ticket.order.verify"
TS = 1_700_000_000_000  # 2023-11-15 06:13:20 GMT+8
GMT8 = timezone(timedelta(hours=8))


@pytest.fixture
def client() -> TopClient:
    return TopClient("12345678", SECRET)


def timestamp_of(req: PreparedRequest) -> str:
    return dict(req.params)["timestamp"]


# ------------------------------------------------------------------ sign


def test_sign_known_answer() -> None:
    params = {"method": "taobao.user.seller.get", "timestamp": "2013-05-06 13:52:03",
              "format": "xml", "app_key": "test", "v": "2.0", "fields": "nick",
              "sign_method": "md5", "session": "test"}
    assert topwire.sign(params, "test", "md5") == "72CB4D809B375A54502C09360D879C64"
    params["sign_method"] = "hmac"
    assert topwire.sign(list(params.items()), "test", "hmac") == "FA15A9D5B42AB2D6F3397843851ED09A"
    params["sign_method"] = "hmac-sha256"
    assert topwire.sign(params, "test", "hmac-sha256") == (
        "267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34")
    assert topwire.string_to_sign(params).startswith("app_keytestfieldsnickformatxml")


def test_sign_errors() -> None:
    with pytest.raises(ValidationError) as info:
        topwire.sign({"a": "b"}, "s", "sha1")  # type: ignore[arg-type]
    assert info.value.field == "sign_method"
    with pytest.raises(TypeError):
        topwire.sign({"a": 1}, "s", "md5")  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        topwire.sign(42, "s", "md5")  # type: ignore[arg-type]


# ------------------------------------------------------------------ prepare values


def test_prepare_shape(client: TopClient) -> None:
    req = client.prepare(VERIFY, {"order_id": 12345678, "check_num": 1}, timestamp=TS)
    assert req.method == "POST"
    assert req.url.startswith("https://eco.taobao.com/router/rest?app_key=12345678&")
    assert req.headers == {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}
    assert req.body == b"order_id=12345678&check_num=1"
    assert isinstance(req.params, list) and all(isinstance(p, tuple) for p in req.params)
    assert req.params[-1][0] == "sign"
    assert timestamp_of(req) == "2023-11-15 06:13:20"
    assert "PreparedRequest" in repr(req)
    assert req == client.prepare(VERIFY, {"order_id": 12345678, "check_num": 1}, timestamp=TS)


def test_prepared_request_is_immutable(client: TopClient) -> None:
    req = client.prepare(VERIFY, {"order_id": 1}, timestamp=TS)
    with pytest.raises(AttributeError):
        req.url = "http://evil"  # type: ignore[misc]
    req.headers["X"] = "y"
    req.params.clear()
    assert "X" not in req.headers and req.params


@pytest.mark.parametrize("value,text", [
    (2**63 - 1, "9223372036854775807"),
    (-(2**63), "-9223372036854775808"),
    (2**64 - 1, "18446744073709551615"),
    (True, "true"),
    (False, "false"),
    ("中文 &=+", "中文 &=+"),
    (1.5, "1.5"),
])
def test_scalar_values(client: TopClient, value: Any, text: str) -> None:
    req = client.prepare("taobao.some.api", {"x": value}, timestamp=TS)
    assert dict(req.params)["x"] == text
    assert req.body == urlencode({"x": text}).encode()


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, 10**40])
def test_ints_beyond_64_bits_are_validation_errors(client: TopClient, value: int) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare("taobao.some.api", {"outer": {"list": [1, value]}}, timestamp=TS)
    assert info.value.field == "outer.list[1]"
    assert isinstance(info.value, ValueError)
    # Worded as in every language (JS's bigints too).
    assert info.value.expected == "an integer within 64 bits"
    assert info.value.got == "the number " + str(value)[:40] + ("…" if len(str(value)) > 40 else "")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_floats(client: TopClient, value: float) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare("taobao.some.api", {"x": value}, timestamp=TS)
    assert info.value.field == "x"
    with pytest.raises(ValidationError):
        client.prepare("taobao.some.api", {"x": [{"y": value}]}, timestamp=TS)


def test_nested_json_parameters(client: TopClient) -> None:
    req = client.prepare("taobao.some.api",
                         {"obj": {"b": 2**64 - 1, "a": [True, None, "x"]}, "lst": ("a", "b")},
                         timestamp=TS)
    assert json.loads(dict(req.params)["obj"]) == {"b": 2**64 - 1, "a": [True, None, "x"]}


def test_mappings_other_than_dict(client: TopClient) -> None:
    from collections import OrderedDict
    from types import MappingProxyType
    a = client.prepare("taobao.some.api", OrderedDict(x=1), timestamp=TS)
    b = client.prepare("taobao.some.api", MappingProxyType({"x": 1}), timestamp=TS)
    assert a == b


@pytest.mark.parametrize("bad", [{1, 2}, b"bytes", object(), datetime.now(timezone.utc)])
def test_unsupported_values(client: TopClient, bad: Any) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare("taobao.some.api", {"x": [bad]}, timestamp=TS)
    assert info.value.field == "x[0]"


def test_non_string_keys(client: TopClient) -> None:
    with pytest.raises(ValidationError):
        client.prepare("taobao.some.api", {"x": {1: "a"}}, timestamp=TS)


def test_cyclic_and_deep_structures(client: TopClient) -> None:
    cyclic: List[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(ValidationError):
        client.prepare("taobao.some.api", {"x": cyclic}, timestamp=TS)
    deep: Any = "leaf"
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ValidationError):
        client.prepare("taobao.some.api", {"x": deep}, timestamp=TS)


def test_wrong_argument_types(client: TopClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare(VERIFY, [("order_id", 1)])  # type: ignore[call-overload]
    assert info.value.field == "params"
    with pytest.raises(ValidationError) as info:
        client.prepare(VERIFY, object())  # type: ignore[call-overload]
    assert info.value.field == "params"
    with pytest.raises(TypeError):
        client.prepare(123)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        client.prepare(VERIFY, {}, session=5)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        client.prepare(VERIFY, {}, timestamp="2023-01-01")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        client.parse(VERIFY, 123)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        TopClient(1, 2)  # type: ignore[arg-type]


LONE = "a\ud800b"  # a lone surrogate, as os.fsdecode makes of undecodable bytes
SPI = {"query": "timestamp=2023-11-15%2006%3A13%3A20&sign=X", "headers": {}, "body": b"",
       "secret": "s"}


def lone_surrogate_entry_points() -> List[Any]:
    c = TopClient("k", "s")
    g = topwire.Gateway()
    upload = "taobao.eticket.merchant.img.upload"
    return [
        *[(lambda k=k: TopClient(**{"app_key": "k", "app_secret": "s", k: LONE}), k)  # type: ignore[misc]
          for k in ("app_key", "app_secret", "sign_method", "format", "gateway", "partner_id",
                    "target_app_key")],
        (lambda: c.prepare(f"taobao.x{LONE}", {}, timestamp=TS), "method"),
        (lambda: c.prepare(VERIFY, {}, session=LONE, timestamp=TS), "session"),
        (lambda: c.prepare("taobao.x.y", {"a": [LONE]}, timestamp=TS), "a[0]"),
        (lambda: c.prepare(upload, {"img_bytes": topwire.FileItem(b"x", filename=os.fsdecode(b"qr\xff.png"))},
                           session="s", timestamp=TS), "img_bytes.filename"),
        (lambda: c.prepare(upload, {"img_bytes": topwire.FileItem(b"x", content_type=LONE)},
                           session="s", timestamp=TS), "img_bytes.content_type"),
        (lambda: c.prepare(upload, {"img_bytes": (LONE, b"x")}, session="s", timestamp=TS),
         "img_bytes.filename"),
        (lambda: c.parse(f"taobao.x{LONE}", b"{}"), "method"),
        (lambda: topwire.sign({"a": LONE}, "s", "md5"), "params.a"),
        (lambda: topwire.sign({LONE: "1"}, "s", "md5"), "params[0]"),
        (lambda: topwire.sign({"a": "1"}, LONE, "md5"), "secret"),
        (lambda: topwire.sign({"a": "1"}, "s", LONE), "sign_method"),
        (lambda: topwire.string_to_sign([("a", LONE)]), "params.a"),
        *[(lambda k=k: topwire.verify_spi(**{**SPI, k: LONE}), k)  # type: ignore[misc]
          for k in ("query", "secret", "content_type", "body")],
        (lambda: topwire.verify_spi(**{**SPI, "headers": {"x-a": LONE}}), "headers.x-a"),
        (lambda: topwire.Gateway(config=LONE), "config"),
        (lambda: topwire.Gateway(app_key=LONE, app_secret="s"), "app_key"),
        (lambda: topwire.Gateway(app_key="k", app_secret=LONE), "app_secret"),
        (lambda: g.handle(LONE, "/router/rest", {}, b""), "method"),
        (lambda: g.handle("GET", f"/router/rest?{LONE}", {}, b""), "target"),
        (lambda: g.handle("POST", "/router/rest", {"x-a": LONE}, b""), "headers.x-a"),
        (lambda: g.handle("POST", "/router/rest", {}, LONE), "body"),
    ]


def test_lone_surrogates_are_validation_errors_naming_the_argument() -> None:
    for call, field in lone_surrogate_entry_points():
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == field, (field, info.value)
        assert info.value.got == "a lone surrogate (half of a UTF-16 pair)", field
    # A reply body that is not text stays a DecodeError.
    with pytest.raises(DecodeError):
        TopClient("k", "s").parse(VERIFY, LONE)


def test_typed_api_validation(client: TopClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare(VERIFY, {"order_idd": 1}, timestamp=TS)  # type: ignore[typeddict-unknown-key]
    assert info.value.field == "order_idd"
    client.prepare(VERIFY, {"order_idd": 1}, timestamp=TS, allow_unknown=True)  # type: ignore[typeddict-unknown-key]
    with pytest.raises(ValidationError) as info:
        client.prepare("taobao.eticket.merchant.ma.resend",
                       {"isv_ma_list": [{"code": "a", "num": 1}], "outer_id": "1", "token": "t"},
                       timestamp=TS)  # type: ignore[call-overload]
    assert info.value.field == "session"


def test_client_options() -> None:
    c = TopClient("k", SECRET, sign_method="md5", format="xml", gateway="http://127.0.0.1:9/x",
                  partner_id="me", target_app_key="other")
    assert (c.sign_method, c.format, c.simplify, c.gateway) == ("md5", "xml", False, "http://127.0.0.1:9/x")
    assert (c.partner_id, c.target_app_key) == ("me", "other")
    req = c.prepare("taobao.some.api", timestamp=TS)
    assert req.url.startswith("http://127.0.0.1:9/x?")
    assert dict(req.params)["partner_id"] == "me"
    for kwargs in ({"sign_method": "sha1"}, {"format": "yaml"}, {"gateway": "ftp://x"},
                   {"format": "xml", "simplify": True}):
        with pytest.raises(ValidationError):
            TopClient("k", SECRET, **kwargs)
    with pytest.raises(ValidationError) as info:
        TopClient("k", "")
    assert info.value.field == "app_secret"


def test_client_is_immutable(client: TopClient) -> None:
    with pytest.raises(AttributeError):
        client.app_key = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        client.secret = "x"  # type: ignore[attr-defined]


# ------------------------------------------------------------------ time


def test_timestamp_forms(client: TopClient) -> None:
    aware_utc = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    aware_gmt8 = datetime(2023, 11, 15, 6, 13, 20, 999_999, tzinfo=GMT8)
    for ts in (TS, aware_utc, aware_gmt8):
        assert timestamp_of(client.prepare(VERIFY, timestamp=ts)) == "2023-11-15 06:13:20"
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=timezone.utc)
    assert timestamp_of(client.prepare(VERIFY, timestamp=before_epoch)) == "1970-01-01 07:59:59"


def test_naive_datetime_is_a_validation_error(client: TopClient) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare(VERIFY, timestamp=datetime(2023, 11, 15, 6, 13, 20))
    assert info.value.field == "timestamp"
    assert "naive" in str(info.value)


def test_timestamp_out_of_range(client: TopClient) -> None:
    for ts in (2**63, -(2**70)):
        with pytest.raises(ValidationError):
            client.prepare(VERIFY, timestamp=ts)
    with pytest.raises(TypeError):
        client.prepare(VERIFY, timestamp=True)
    with pytest.raises(TypeError):
        client.prepare(VERIFY, timestamp=1.7e12)  # type: ignore[call-overload]


def test_default_timestamp_is_now_in_gmt8(client: TopClient) -> None:
    before = datetime.now(GMT8).replace(microsecond=0, tzinfo=None)
    got = datetime.strptime(timestamp_of(client.prepare(VERIFY)), "%Y-%m-%d %H:%M:%S")
    after = datetime.now(GMT8).replace(tzinfo=None)
    assert before <= got <= after


TZ_SCRIPT = r"""
import json, sys, time
from datetime import datetime, timedelta, timezone
import topwire
c = topwire.TopClient("k", "s")
def ts(**kw):
    return dict(c.prepare("taobao.time.get", **kw).params)["timestamp"]
local = datetime(2023, 11, 15, 1, 13, 20).astimezone()  # aware, in the process's zone
before = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
now = ts()
after = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
print(json.dumps({"tzname": time.tzname, "now": now, "before": before, "after": after,
                  "fixed": [ts(timestamp=m) for m in json.loads(sys.argv[1])],
                  "local": ts(timestamp=local)}))
"""


def test_gmt8_whatever_tz_is() -> None:
    millis = [0, TS, 1_688_169_600_000, -1]
    env = {**os.environ, "TZ": "America/New_York"}
    out = subprocess.run([sys.executable, "-c", TZ_SCRIPT, json.dumps(millis)],
                         env=env, capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert "EST" in got["tzname"] or "EDT" in got["tzname"], got["tzname"]
    assert got["before"] <= got["now"] <= got["after"]
    assert got["fixed"] == ["1970-01-01 08:00:00", "2023-11-15 06:13:20",
                            "2023-07-01 08:00:00", "1970-01-01 07:59:59"]
    assert got["local"] == "2023-11-15 14:13:20"  # 01:13:20 EST = 06:13:20 UTC


# ------------------------------------------------------------------ parse


def test_parse_plain_data(client: TopClient) -> None:
    body = ('{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"r1"}}')
    assert client.parse(VERIFY, body) == {"is_success": True, "request_id": "r1"}
    assert client.parse(VERIFY, body.encode()) == {"is_success": True, "request_id": "r1"}
    assert client.parse(VERIFY, bytearray(body.encode())) == {"is_success": True, "request_id": "r1"}
    assert client.parse(VERIFY, memoryview(body.encode())) == {"is_success": True, "request_id": "r1"}


def test_parse_untyped_keeps_big_ints(client: TopClient) -> None:
    data = {"a": 2**64 - 1, "b": -(2**63), "c": [1.5, None, "x"], "d": {"e": False}}
    body = json.dumps({"some_api_response": data})
    assert client.parse("taobao.some.api", body) == data


def test_parse_integer_past_pythons_digit_limit_is_a_decode_error(client: TopClient) -> None:
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if not limit:
        pytest.skip("this Python converts integers of any length")
    digits = "9" * (limit + 700)
    body = '{"some_api_response":{"n":' + digits + '}}'
    with pytest.raises(DecodeError) as info:
        client.parse("taobao.some.api", body)
    assert isinstance(info.value, TopError)
    assert str(info.value) == (
        "the response holds an integer of %d digits, more than Python's int conversion "
        "allows (sys.get_int_max_str_digits())" % len(digits))
    # Within the limit the integer is exact.
    exact = "-" + "7" * limit
    assert client.parse("taobao.some.api", '{"some_api_response":{"n":' + exact + '}}') == {"n": int(exact)}


def test_parse_api_error(client: TopClient) -> None:
    body = ('{"error_response":{"code":7,"msg":"App Call Limited","sub_code":'
            '"accesscontrol.limited-by-app-access-count","sub_msg":'
            '"This ban will last for 23 more seconds","request_id":"rid"}}')
    with pytest.raises(ApiError) as info:
        client.parse(VERIFY, body)
    e = info.value
    assert (e.code, e.msg, e.sub_code, e.request_id) == (
        7, "App Call Limited", "accesscontrol.limited-by-app-access-count", "rid")
    assert e.retryable is True and e.retry_after == 23
    assert str(e).startswith("TOP error 7: App Call Limited")
    assert isinstance(e, TopError) and not isinstance(e, ValueError)


GARBAGE = [b"", b"   ", b"<html><body>502 Bad Gateway</body></html>", b"\xff\xfe\x00",
           b'{"travel_ticket_order_verify_response":{"is_success":tr',
           b'{"other_method_response":{}}', b"null", b"[]", b"42", b'"x"',
           b"[" * 100_000, b'{"a":' * 50_000, b"<a>" * 50_000, b"<?xml version='1.0'?><",
           "lone \udcff surrogate"]  # type: ignore[list-item]


@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_bodies_are_decode_errors(client: TopClient, body: Any) -> None:
    with pytest.raises(DecodeError) as info:
        client.parse(VERIFY, body)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 1000


def test_random_bodies_never_crash(client: TopClient) -> None:
    rng = random.Random(1234)
    seeds = [b'{"travel_ticket_order_verify_response":{"is_success":true}}',
             b"<travel_ticket_order_verify_response><is_success>true</is_success>"
             b"</travel_ticket_order_verify_response>",
             b'{"error_response":{"code":50,"msg":"x"}}']
    for _ in range(2000):
        base = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(base))
            base[i] = rng.randrange(256)
        try:
            client.parse(VERIFY, bytes(base))
        except (DecodeError, ApiError):
            pass


# ------------------------------------------------------------------ errors


def errors_of_every_kind(client: TopClient) -> List[TopError]:
    found: List[TopError] = []
    attempts: List[Callable[[], Any]] = [
        lambda: client.prepare(VERIFY, {"order_id": "x"}),
        lambda: client.parse(VERIFY, b'{"error_response":{"code":25,"msg":"Invalid signature",'
                                     b'"sub_code":"isv.x","sub_msg":"y","request_id":"r"}}'),
        lambda: client.parse(VERIFY, b"<html>"),
        lambda: topwire.verify_spi(query="timestamp=2023-11-15+06%3A13%3A20&sign=ABC",
                                   headers={}, body=b"{}", content_type="application/json",
                                   secret=SECRET, now=TS),
        lambda: TopClient("k", SECRET, sign_method="nope"),  # type: ignore[arg-type]
    ]
    for attempt in attempts:
        with pytest.raises(TopError) as info:
            attempt()
        found.append(info.value)
    return found


def test_error_classes(client: TopClient) -> None:
    kinds = [type(e) for e in errors_of_every_kind(client)]
    assert kinds == [ValidationError, ApiError, DecodeError, SignatureError, ValidationError]
    assert issubclass(ValidationError, ValueError) and issubclass(DecodeError, ValueError)
    for cls in (ValidationError, ApiError, DecodeError, SignatureError):
        assert issubclass(cls, TopError) and issubclass(cls, Exception)
        assert cls.__module__ == "topwire._errors"
        assert getattr(topwire, cls.__name__) is cls


def test_errors_pickle_and_copy(client: TopClient) -> None:
    for e in errors_of_every_kind(client):
        for clone in (pickle.loads(pickle.dumps(e)), copy.copy(e), copy.deepcopy(e)):
            assert type(clone) is type(e)
            assert str(clone) == str(e) and clone.args == e.args
            assert clone.__dict__ == e.__dict__


def test_error_attributes_and_str(client: TopClient) -> None:
    v, a, d, s, _ = errors_of_every_kind(client)
    assert isinstance(v, ValidationError) and v.field == "order_id"
    assert str(v) == f"{v.field}: expected {v.expected}, got {v.got}"
    assert isinstance(a, ApiError)
    assert str(a) == "TOP error 25: Invalid signature (isv.x: y) [request_id r]"
    assert isinstance(s, SignatureError) and s.reason == "mismatch"
    assert repr(d).startswith("DecodeError(")


def test_secret_never_shown(client: TopClient) -> None:
    assert SECRET not in repr(client) and SECRET not in str(client)
    assert "***" in repr(client)
    for e in errors_of_every_kind(client):
        for text in (str(e), repr(e), repr(e.args), repr(e.__dict__)):
            assert SECRET not in text
        assert SECRET.encode() not in pickle.dumps(e)
    req = client.prepare(VERIFY, {"order_id": 1})
    assert SECRET not in repr(req) and SECRET not in req.url


def test_exceptions_are_constructible_by_users() -> None:
    e = ApiError("boom", code=15, msg="Remote service error")
    assert (str(e), e.code, e.sub_code, e.retryable) == ("boom", 15, None, False)
    assert str(ValidationError("bad", field="f")) == "bad"


# ------------------------------------------------------------------ SPI


def spi_call(secret: str, body: bytes, ts: str) -> Dict[str, Any]:
    query = {"timestamp": ts, "method": "taobao.eticket.send", "app_key": "1"}
    headers = {"top-sign-list": "x-a", "x-a": "1", "Content-Type": "application/json"}
    text = "".join(k + v for k, v in sorted({**query, "x-a": "1"}.items()))
    sign = hashlib.md5(secret.encode() + text.encode() + body + secret.encode()).hexdigest().upper()
    return {"query": urlencode({**query, "sign": sign}), "headers": headers, "body": body}


def test_verify_spi() -> None:
    ts = datetime.fromtimestamp(TS / 1000, GMT8).strftime("%Y-%m-%d %H:%M:%S")
    call = spi_call(SECRET, '{"a":"中"}'.encode(), ts)
    now = datetime.fromtimestamp(TS / 1000 + 30, timezone.utc)
    assert topwire.verify_spi(**call, secret=SECRET, now=now) is None
    assert topwire.verify_spi(**call, secret=SECRET, now=TS, max_skew=timedelta(seconds=1)) is None
    pairs = dict(call, headers=list(call["headers"].items()))
    topwire.verify_spi(**pairs, secret=SECRET, now=TS, max_skew=5)
    with pytest.raises(SignatureError) as info:
        topwire.verify_spi(**call, secret="other", now=TS)
    assert info.value.reason == "mismatch"
    with pytest.raises(SignatureError) as info:
        topwire.verify_spi(**call, secret=SECRET, now=TS + 3_600_000, max_skew=600)
    assert info.value.reason == "stale_timestamp"
    with pytest.raises(SignatureError) as info:
        topwire.verify_spi(**call, secret=SECRET)  # now is really now: years off
    assert info.value.reason == "stale_timestamp"
    with pytest.raises(SignatureError) as info:
        topwire.verify_spi(query="a=1", headers={}, body=b"", secret=SECRET, now=TS)
    assert info.value.reason == "missing_sign"
    with pytest.raises(ValidationError):
        topwire.verify_spi(**call, secret=SECRET, now=TS, max_skew=-1)
    with pytest.raises(ValidationError):
        topwire.verify_spi(**call, secret=SECRET, now=TS, max_skew=float("nan"))
    with pytest.raises(ValidationError):
        topwire.verify_spi(**call, secret=SECRET, now=datetime(2023, 1, 1))
    with pytest.raises(TypeError):
        topwire.verify_spi(**call, secret=SECRET, now=TS, max_skew="10")  # type: ignore[arg-type]


def test_verify_spi_with_http_message_headers() -> None:
    from email.message import Message
    ts = datetime.fromtimestamp(TS / 1000, GMT8).strftime("%Y-%m-%d %H:%M:%S")
    call = spi_call(SECRET, b"{}", ts)
    msg = Message()
    for k, v in call["headers"].items():
        msg[k] = v
    topwire.verify_spi(query=call["query"], headers=msg.items(), body=b"{}", secret=SECRET, now=TS)


# ------------------------------------------------------------------ concurrency


def test_one_client_many_threads(client: TopClient) -> None:
    def work(i: int) -> tuple:  # type: ignore[type-arg]
        req = client.prepare(VERIFY, {"order_id": i, "check_num": i % 7}, timestamp=TS + i)
        body = json.dumps({"travel_ticket_order_verify_response": {"is_success": i % 2 == 0}})
        return req.url, req.body, client.parse(VERIFY, body)["is_success"]

    serial = [work(i) for i in range(2000)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(work, range(2000)))
    assert parallel == serial


# ------------------------------------------------------------------ HTTP clients


def test_plugs_into_urllib_requests_httpx(client: TopClient) -> None:
    import httpx
    import requests
    req = client.prepare(VERIFY, {"order_id": 1, "confirm_code": "中 文&"}, session="s+/=")
    u = urllib.request.Request(req.url, data=req.body, headers=req.headers, method=req.method)
    assert (u.full_url, u.data, u.get_method()) == (req.url, req.body, "POST")
    r = requests.Request(req.method, req.url, headers=req.headers, data=req.body).prepare()
    assert (r.url, r.body, r.headers["Content-Type"]) == (req.url, req.body, req.headers["Content-Type"])
    h = httpx.Request(req.method, req.url, headers=req.headers, content=req.body)
    assert (str(h.url), h.content) == (req.url, req.body)


@pytest.mark.skipif(sys.platform != "linux", reason="the manylinux tag is for Linux wheels")
def test_the_installed_wheel_is_abi3_for_any_linux_since_2014() -> None:
    # One wheel for CPython 3.9+ that installs on glibc 2.17 and later
    # (CentOS 7, Debian 9, Ubuntu 16.04...): maturin --zig links it so, and
    # its audit refuses a library that needs newer symbols.
    import platform
    from importlib.metadata import distribution

    wheel = distribution("topwire").read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    assert f"cp39-abi3-manylinux_2_17_{platform.machine()}" in tags, tags


class _LyingFloat(float):
    """A float subclass whose repr says something else (as numpy.float64's
    may): the value sent is float.__repr__ of the number, never its own repr."""

    def __repr__(self) -> str:
        return "1e5"

    __str__ = __repr__


def test_float_subclasses_are_sent_as_float_repr() -> None:
    client = topwire.TopClient("12345678", "app-secret")
    req = client.prepare("taobao.custom.thing.get", {"a": _LyingFloat(1.0), "b": [_LyingFloat(2.5)],
                                                     "c": {"d": _LyingFloat(0.1)}})
    assert req.body == b"a=1.0&b=2.5&c=%7B%22d%22%3A0.1%7D"


# ---- option errors name the fix (as in JavaScript) ----

def test_a_missing_app_secret_names_it() -> None:
    with pytest.raises(ValidationError) as e:
        TopClient("12345678", None)  # type: ignore[arg-type]
    assert (e.value.field, e.value.got) == ("app_secret", "None")
    assert str(e.value) == "app_secret: expected a non-empty app secret (a str), got None"
    with pytest.raises(ValidationError) as e:
        TopClient(None, "s")  # type: ignore[arg-type]
    assert e.value.field == "app_key"
    with pytest.raises(TypeError, match="^app_secret must be the app secret as a str, not int$"):
        TopClient("12345678", 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs, message", [
    ({"signmethod": "md5"}, "signmethod: expected a known option (did you mean sign_method?), got an unknown option"),
    ({"signMethod": "md5"}, "signMethod: expected a known option (did you mean sign_method?), got an unknown option"),
    ({"colour": "red"}, "colour: expected one of sign_method, format, simplify, gateway, partner_id, "
                        "target_app_key, got an unknown option"),
])
def test_a_misspelled_client_option_gives_the_likely_spelling(kwargs: Dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as e:
        TopClient("12345678", "s", **kwargs)
    assert str(e.value) == message


def test_a_misspelled_prepare_option_gives_the_likely_spelling() -> None:
    client = TopClient("12345678", "s")
    with pytest.raises(TypeError) as e:
        client.prepare("taobao.user.seller.get", {}, sesion="s")  # type: ignore[call-overload]
    assert str(e.value) == "sesion: expected a known option (did you mean session?), got an unknown option"
    with pytest.raises(TypeError, match=r"did you mean allow_unknown\?"):
        client.prepare("taobao.user.seller.get", {}, allowUnknown=True)  # type: ignore[call-overload]
