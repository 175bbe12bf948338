"""TMC in Python: the session's timers, token checks and options through
``topwire.tmc``. The frames themselves are the shared vectors'
(tests/vectors/tmc.json, run by test_shared_cases.py)."""

from datetime import datetime, timedelta, timezone

import pytest

from topwire import DecodeError, ValidationError
from topwire.tmc import TmcMessage, TmcSession, decode_frame, encode_frame

T0 = 1_700_000_000_000


def online(**options: object) -> TmcSession:
    s = TmcSession("12345678", "SECRET", **options)  # type: ignore[arg-type]
    flag = decode_frame(s.connect(T0))["flag"]
    assert s.receive(encode_frame({"type": "connectack", "flag": flag, "token": "tok"}), T0) == [
        {"type": "connected", "token": "tok"}]
    return s


def data(token: str, id_: int, content: str) -> bytes:
    return encode_frame({"type": "send", "token": token, "content": [
        ("__kind", "byte", 3), ("id", "int64", id_), ("topic", "string", "taobao_trade_TradeBuyerPay"),
        ("content", "string", content)]})


def test_pull_at_once_then_every_interval_and_ping_when_quiet() -> None:
    s = online(pull_interval=1, ping_interval=timedelta(milliseconds=2500))
    assert s.next_deadline() == T0
    [pull] = s.poll(T0)
    assert pull["type"] == "send"
    assert decode_frame(pull["bytes"])["content"] == [("__kind", "byte", 1)]
    assert s.next_deadline() == T0 + 1000
    assert s.poll(T0 + 999) == []
    assert [a["type"] for a in s.poll(datetime.fromtimestamp((T0 + 2000) / 1000, timezone.utc))] == ["send"]
    assert [a["type"] for a in s.poll(T0 + 2500)] == ["ping"]


def test_reconnect_after_closed() -> None:
    s = online(reconnect_interval=0.5)
    s.closed(T0 + 10)
    assert (s.state, s.token, s.next_deadline()) == ("closed", None, T0 + 510)
    assert s.poll(T0 + 509) == []
    assert s.poll(T0 + 510) == [{"type": "reconnect"}]
    assert s.next_deadline() is None
    assert decode_frame(s.connect(T0 + 600))["flag"] == 2
    with pytest.raises(ValidationError) as info:
        s.confirm(1)
    assert info.value.field == "session"


def test_other_tokens_dropped_and_ids_exact() -> None:
    s = online()
    assert s.receive(data("not-ours", 1, "{}"), T0) == []
    [event] = s.receive(data("tok", 2131800080537681929, '{"tid":7104300007405429232}'), T0)
    message = event["message"]
    assert isinstance(message, TmcMessage)
    assert message.id == 2131800080537681929
    assert message.data() == {"tid": 7104300007405429232}
    assert decode_frame(s.confirm(message.id))["content"] == [
        ("__kind", "byte", 2), ("id", "int64", 2131800080537681929)]
    assert decode_frame(s.fail(7, "é" * 200))["content"][2] == ("msg", "string", "é" * 128)
    with pytest.raises(DecodeError):
        s.receive(b"\x02\x02", T0)


def test_options_checked_and_secret_never_shown() -> None:
    with pytest.raises(ValidationError) as info:
        TmcSession("k", "s", ping_interval=0)
    assert info.value.field == "ping_interval"
    with pytest.raises(TypeError):
        TmcSession("k", "s", group="g")  # type: ignore[call-arg]
    assert "hush-hush" not in repr(TmcSession("k", "hush-hush"))


def test_encode_frame_names_the_bad_field() -> None:
    with pytest.raises(ValidationError) as info:
        encode_frame({"type": "send", "content": [("k", "int16", 40000)]})
    assert str(info.value) == "content[0].value: expected an int16 (-32768 to 32767), got the number 40000"
