"""The three seed calls the examples send, with the parameters of the platform's
documentation examples. Shared by seed_calls_urllib.py and seed_calls_httpx.py."""

import os
from typing import Any, Dict, List, Optional, Tuple

from topwire import TopClient

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


def client_from_env() -> Tuple[TopClient, Optional[str]]:
    """A client from TOP_GATEWAY, TOP_APP_KEY and TOP_APP_SECRET, and the TOP_SESSION."""
    client = TopClient(
        os.environ["TOP_APP_KEY"],
        os.environ["TOP_APP_SECRET"],
        gateway=os.environ.get("TOP_GATEWAY", "https://eco.taobao.com/router/rest"),
    )
    return client, os.environ.get("TOP_SESSION") or None
