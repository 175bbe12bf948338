"""The three seed calls the examples send, with the parameters of the platform's
documentation examples, and one deliberate error. Shared by seed_calls_urllib.py
and seed_calls_httpx.py.

Where the calls go (environment variables):

    TOP_GATEWAY     gateway URL; default http://127.0.0.1:8080/router/rest, the
                    local gateway of `python -m topwire.gateway` (or `npx --no-install topwire-gateway`)
    TOP_APP_KEY     app key; default 12345678, the local gateway's, when TOP_GATEWAY
                    is unset or on 127.0.0.1/localhost; required otherwise
    TOP_APP_SECRET  app secret; default topwire-local-secret, likewise
    TOP_SESSION     the seller's session key (taobao.eticket.merchant.ma.resend needs
                    one); default local-session for the local gateway, none otherwise

Against the real gateway set all four:
    TOP_GATEWAY=https://eco.taobao.com/router/rest TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=...
"""

import os
import sys
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from topwire import ApiError, TopClient

SEED_CALLS: List[Tuple[str, Dict[str, Any]]] = [
    (
        "taobao.eticket.merchant.ma.resend",
        {
            "biz_type": 3001,
            "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "111.png"}],
            "outer_id": "1753340805138544",
            "token": "31231231231",
        },
    ),
    (
        "alibaba.alsc.daodian.ticket.reserve",
        {
            "ticket_reverse_top_request": {
                "ticket_use_trans_id": "2106027287988611313",
                "biz_date": "2022-08-11 11:11:11",
                "request_id": "20190729111040030200660600011777",
                "ticket_id": "2208191159703216457",
            }
        },
    ),
    (
        "taobao.travel.ticket.order.verify",
        {
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
    ),
]


# The local gateway's defaults (python -m topwire.gateway, npx --no-install topwire-gateway).
LOCAL_GATEWAY = "http://127.0.0.1:8080/router/rest"
LOCAL_APP_KEY = "12345678"
LOCAL_APP_SECRET = "topwire-local-secret"
LOCAL_SESSION = "local-session"

# The deliberate error: the verify call signed with a wrong secret. The gateway
# (local or TOP's) answers error_response code 25, "Invalid signature".
DELIBERATE_ERROR_METHOD = "taobao.travel.ticket.order.verify"
DELIBERATE_ERROR_PARAMS: Dict[str, Any] = {"order_id": 12345678, "check_num": 1}
DELIBERATE_ERROR_CODE = 25


def _is_local(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def settings_from_env() -> Tuple[str, str, str, Optional[str]]:
    """(gateway URL, app key, app secret, session) from the environment."""
    gateway = os.environ.get("TOP_GATEWAY") or LOCAL_GATEWAY
    local = _is_local(gateway)
    app_key = os.environ.get("TOP_APP_KEY") or (LOCAL_APP_KEY if local else None)
    app_secret = os.environ.get("TOP_APP_SECRET") or (LOCAL_APP_SECRET if local else None)
    if app_key is None or app_secret is None:
        sys.exit(f"TOP_GATEWAY is {gateway}: set TOP_APP_KEY and TOP_APP_SECRET too")
    session = os.environ.get("TOP_SESSION") or (LOCAL_SESSION if local else None)
    return gateway, app_key, app_secret, session


def client_from_env() -> Tuple[TopClient, Optional[str]]:
    """A client for TOP_GATEWAY with TOP_APP_KEY and TOP_APP_SECRET, and the TOP_SESSION."""
    gateway, app_key, app_secret, session = settings_from_env()
    return TopClient(app_key, app_secret, gateway=gateway), session


def wrong_secret_client() -> TopClient:
    """The same app with a wrong secret: for the deliberate error."""
    gateway, app_key, app_secret, _ = settings_from_env()
    return TopClient(app_key, app_secret + "-wrong", gateway=gateway)


def is_expected_error(error: BaseException) -> bool:
    """Whether the deliberate call failed as it should: ApiError code 25."""
    return isinstance(error, ApiError) and error.code == DELIBERATE_ERROR_CODE
