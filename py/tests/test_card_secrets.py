"""A customer's card secret (ka_mi of taobao.eticket.merchant.ma.send) is sent,
but never shown: not in a ValidationError (message, got, repr), not in the
repr of a prepared request."""

from typing import Any, Dict
from urllib.parse import parse_qsl

import pytest

from topwire import TopClient, ValidationError

SEND = "taobao.eticket.merchant.ma.send"
CARD_SECRET = "KaMi-7731-secret"
client = TopClient("12345678", "app-secret")


def send_params(card: Any) -> Dict[str, Any]:
    return {"certificate_type": 1, "isv_ka_list": card, "outer_id": "o", "token": "t"}


def test_the_secret_is_sent_but_repr_does_not_show_it() -> None:
    req = client.prepare(SEND, send_params([{"ka_no": "K1", "ka_mi": CARD_SECRET, "num": 1}]), session="s")
    sent = dict(parse_qsl(req.body.decode()))
    assert CARD_SECRET in sent["isv_ka_list"]
    assert any(k == "isv_ka_list" and CARD_SECRET in v for k, v in req.params)
    assert CARD_SECRET not in repr(req)
    assert CARD_SECRET not in str(req)


@pytest.mark.parametrize(
    "card, field, message",
    [
        (
            [{"ka_no": "K1", "ka_mi": True, "num": 1}],
            "isv_ka_list[0].ka_mi",
            "isv_ka_list[0].ka_mi: expected a string, got a boolean (secret, not shown)",
        ),
        (
            # A numeric card secret too large for 64 bits: refused by the binding itself.
            [{"ka_no": "K1", "ka_mi": 77310000000000000000000001, "num": 1}],
            "isv_ka_list[0].ka_mi",
            "isv_ka_list[0].ka_mi: expected an integer within 64 bits, got a value (secret, not shown)",
        ),
        (
            "not json " + CARD_SECRET,
            "isv_ka_list",
            "isv_ka_list: expected a list of 0 to 200 IsvKa objects, got a string (secret, not shown)",
        ),
        (
            [{"ka_no": "K1", "ka_mi": CARD_SECRET}],
            "isv_ka_list[0].num",
            "isv_ka_list[0].num: expected an integer (required when certificate_type is 1), got nothing",
        ),
    ],
)
def test_errors_describe_the_secret_without_showing_it(card: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        client.prepare(SEND, send_params(card), session="s")
    err = info.value
    assert (err.field, str(err)) == (field, message)
    for shown in (str(err), repr(err), err.got, err.expected):
        assert CARD_SECRET not in shown and "7731000" not in shown
