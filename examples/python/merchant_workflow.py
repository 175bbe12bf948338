"""A merchant's whole workflow over real HTTP with urllib.request, the calls of
an electronic-voucher merchant, a ticketing merchant and a local-services
merchant in the order they make them:

  1. upload the QR image of a code (a multipart file upload), then send the
     code with the returned file_name as its qr_image;
  2. at the gate: check the code (ma.available), redeem it (ma.consume), undo
     the redemption (ma.reverse); resend the code (ma.resend); report a
     failed send for another order (ma.failsend); look the code up
     (tbma.get); extend it (ma.delay);
  3. ticketing: verify and refund a ticket order;
  4. local services: consult a voucher, then reverse its redemption;
  5. a batch: check several codes (ma.available) and look one up (tbma.get)
     in one /router/batch request.

Exits 0 only if every call behaved as expected. The token, order and code
come from the platform's send-code notification (here: fixed values).

    python -m topwire.gateway &     # the local gateway on 127.0.0.1:8080
    python merchant_workflow.py
    TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... python merchant_workflow.py
"""

import sys
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from seed_calls import client_from_env
from topwire import FileItem, TopClient, TopError

QR_IMAGE = Path(__file__).resolve().parent.parent / "assets" / "qr.png"

# From the send-code notification the platform sent the merchant.
TOKEN = "31231231231"
ORDER = "1753340805138544"
OTHER_ORDER = "1753340805138545"
CODE = "abc124"
TICKET_ORDER = 12345678901234567  # beyond 2^53: sent exactly


def send(client: TopClient, method: str, params: Dict[str, Any],
         session: Optional[str] = None) -> Dict[str, Any]:
    """Prepare, send and parse one call; raises a TopError."""
    req = client.prepare(method, params, session=session)
    if req.is_multipart:
        print(f"--> {method}: multipart, {len(req.body)} bytes")
    else:
        print(f"--> {method}: {req.body.decode()}")
    http_req = urllib.request.Request(req.url, data=req.body, headers=req.headers,
                                      method=req.method)
    with urllib.request.urlopen(http_req, timeout=30) as resp:
        return client.parse(method, resp.read())


def success(data: Dict[str, Any]) -> bool:
    """The e-voucher callbacks' own result: ret_code isv.success-all."""
    return data.get("ret_code") == "isv.success-all"


def main() -> int:
    client, session = client_from_env()
    failures = 0

    def step(method: str, params: Dict[str, Any], ok: Callable[[Dict[str, Any]], bool],
             session: Optional[str] = None) -> Dict[str, Any]:
        nonlocal failures
        try:
            data = send(client, method, params, session)
        except TopError as e:
            print(f"<-- {method}: {type(e).__name__}: {e}")
            failures += 1
            return {}
        try:
            good = ok(data)
        except (KeyError, TypeError):  # not the documented shape
            good = False
        failures += 0 if good else 1
        print(f"<-- {method}: {data}{'' if good else '  (NOT as expected)'}")
        return data

    eticket = "taobao.eticket.merchant."
    image = FileItem(QR_IMAGE.read_bytes(), filename="qr.png", content_type="image/png")
    uploaded = step(eticket + "img.upload", {"img_bytes": image},
                    lambda d: success(d) and bool(d["resp_body"]["file_name"]), session)
    file_name = uploaded.get("resp_body", {}).get("file_name", "")
    code = {"code": CODE, "num": 1, "qr_image": file_name}
    visit = {"token": TOKEN, "outer_id": ORDER, "code": CODE}
    step(eticket + "ma.send", {"token": TOKEN, "outer_id": ORDER, "isv_ma_list": [code]},
         success, session)
    step(eticket + "ma.available", {**visit, "consume_num": 1}, success, session)
    step(eticket + "ma.consume", {**visit, "consume_num": 1, "serial_num": "gate-0001"},
         success, session)
    step(eticket + "ma.reverse", {**visit, "reverse_num": 1, "serial_num": "gate-0001"},
         success, session)
    step(eticket + "ma.resend", {"token": TOKEN, "outer_id": ORDER, "isv_ma_list": [code]},
         success, session)
    step(eticket + "ma.failsend", {"token": TOKEN, "outer_id": OTHER_ORDER,
                                   "sub_err_code": "isv.fail-send-no-stock",
                                   "sub_err_msg": "no codes left"}, success, session)
    step(eticket + "tbma.get", {"query_tb_ma_callback_req": {"code": CODE}},
         lambda d: success(d) and "certificate" in d["resp_body"], session)
    step(eticket + "ma.delay", {"biz_type": 3001, "outer_id": ORDER, "code": CODE,
                                "end_date": "2025-12-31 23:59:59"},
         lambda d: d.get("is_success") is True, session)

    travel = "taobao.travel.ticket.order."
    step(travel + "verify", {"order_id": TICKET_ORDER, "check_num": 1, "write_off_type": 0,
                             "voucher_infos": [{"confirm_code": "2516352", "used_quantity": 1,
                                                "used_date": "2025-06-01 10:00:00"}]},
         lambda d: d.get("is_success") is True)
    step(travel + "refund", {"order_id": TICKET_ORDER, "refund_status": 1, "refund_num": 1},
         lambda d: d.get("is_success") is True)

    daodian = "alibaba.alsc.daodian.ticket."
    step(daodian + "consult", {"consult_request": {"request_id": "req-0001", "shop_id": "shop-1",
                                                   "ticket_code": "839201746512"}},
         lambda d: d["result"]["success"] is True)
    step(daodian + "reserve", {"ticket_reverse_top_request": {"request_id": "req-0002",
                                                              "ticket_id": "2208191159703216457"}},
         lambda d: d["result"]["success"] is True)

    # Many calls in one round trip: each call checked as alone, each answer its own.
    calls = [(eticket + "ma.available", {**visit, "code": c, "consume_num": 1})
             for c in ("abc124", "abc125", "abc126")]
    calls.append((eticket + "tbma.get", {"query_tb_ma_callback_req": {"code": CODE}}))
    batch = client.prepare_batch(calls, session=session)
    print(f"--> batch of {len(batch.methods)}: {batch.url.split('?')[0]}")
    http_req = urllib.request.Request(batch.url, data=batch.body, headers=batch.headers,
                                      method=batch.method)
    with urllib.request.urlopen(http_req, timeout=30) as resp:
        reply = resp.read()
    try:
        results: List[Any] = client.parse_batch(batch, reply)
    except TopError as e:  # the batch failed as a whole (a bad signature, an unknown app key)
        results = [e] * len(batch.methods)
    for method, item in zip(batch.methods, results):
        good = not isinstance(item, TopError) and success(item)
        failures += 0 if good else 1
        print(f"<-- {method}: {item!r}{'' if good else '  (NOT as expected)'}")

    print(f"merchant workflow: {'every call as expected' if not failures else f'{failures} FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
