"""A local stand-in for the TOP gateway, for the examples' tests.

It checks every call independently of topwire (its own hashlib/hmac and
datetime code): the signature over query and body, the GMT+8 timestamp, the
content type, the session, and the application parameters of the three seed
calls. It answers with the seed responses, or with an `error_response` naming
what was wrong (code 25 for a bad signature, as TOP; 41 for anything else).
"""

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

GMT8 = timezone(timedelta(hours=8))

# Expected application parameters: scalars as sent text, JSON parameters as data.
EXPECTED_BODY: Dict[str, Dict[str, Any]] = {
    "taobao.eticket.merchant.ma.resend": {
        "biz_type": "3001",
        "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "111.png"}],
        "outer_id": "1753340805138544",
        "token": "31231231231",
    },
    "alibaba.alsc.daodian.ticket.reserve": {
        "ticket_reverse_top_request": {
            "ticket_use_trans_id": "2106027287988611313",
            "biz_date": "2022-08-11 11:11:11",
            "request_id": "20190729111040030200660600011777",
            "ticket_id": "2208191159703216457",
        }
    },
    "taobao.travel.ticket.order.verify": {
        "check_num": "1",
        "order_id": "12345678",
        "return_num": "0",
        "total_num": "1",
        "out_order_id": "12345",
        "confirm_code": "2516352",
        "voucher_infos": [
            {"confirm_code": "2516352", "used_quantity": 1, "used_date": "2020-01-11 14:00:00"}
        ],
        "write_off_type": "0",
    },
}

NEEDS_SESSION = {"taobao.eticket.merchant.ma.resend"}

RESPONSES: Dict[str, Dict[str, Any]] = {
    "taobao.eticket.merchant.ma.resend": {
        "eticket_merchant_ma_resend_response": {
            "resp_body": {"attribute_map": "{}"},
            "ret_code": "isv.success-all",
            "ret_msg": "操作成功",
            "request_id": "local-000",
        }
    },
    "alibaba.alsc.daodian.ticket.reserve": {
        "alibaba_alsc_daodian_ticket_reserve_response": {
            "result": {
                "success": True,
                "error_code": "SYSTEM_ERROR",
                "retry": False,
                "error_msg": "系统繁忙",
            },
            "request_id": "local-001",
        }
    },
    "taobao.travel.ticket.order.verify": {
        "travel_ticket_order_verify_response": {"is_success": True, "request_id": "local-002"}
    },
}


def top_sign(params: Dict[str, str], secret: str, method: str) -> str:
    text = "".join(k + v for k, v in sorted(params.items()) if k != "sign" and v != "")
    if method == "md5":
        return hashlib.md5((secret + text + secret).encode()).hexdigest().upper()
    algo = {"hmac": hashlib.md5, "hmac-sha256": hashlib.sha256}[method]
    return hmac.new(secret.encode(), text.encode(), algo).hexdigest().upper()


class LocalGateway:
    def __init__(self, app_key: str, secret: str, session: str) -> None:
        self.app_key = app_key
        self.secret = secret
        self.session = session
        self.ok: List[str] = []
        self.failures: List[str] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, answer = gateway.check(self.path, dict(self.headers.items()), body)
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/router/rest"

    def __enter__(self) -> "LocalGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def check(self, path: str, headers: Dict[str, str], body: bytes) -> Tuple[int, Any]:
        problem, method = self._problem(path, headers, body)
        with self._lock:
            if problem is None:
                self.ok.append(method)
            else:
                self.failures.append(f"{method}: {problem}")
        if problem is None:
            return 200, RESPONSES[method]
        if problem == "invalid signature":  # as TOP answers it
            return 200, {"error_response": {"code": 25, "msg": "Invalid signature",
                                            "sub_msg": problem}}
        return 200, {"error_response": {"code": 41, "msg": "Invalid arguments",
                                        "sub_code": "isv.local-gateway", "sub_msg": problem}}

    def _problem(self, path: str, headers: Dict[str, str], body: bytes) -> Tuple[Optional[str], str]:
        parts = urlsplit(path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        method = query.get("method", "?")
        if parts.path != "/router/rest":
            return f"wrong path {parts.path}", method
        ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        if ctype.replace(" ", "").lower() != "application/x-www-form-urlencoded;charset=utf-8":
            return f"wrong content type {ctype!r}", method
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body)))
        if set(query) & set(form):
            return f"parameters both in query and body: {set(query) & set(form)}", method
        for name in ("app_key", "timestamp", "v", "sign_method", "format", "sign"):
            if name not in query:
                return f"system parameter {name} missing from the query", method
        if query["app_key"] != self.app_key or query["v"] != "2.0":
            return "wrong app_key or v", method
        expected = top_sign({**query, **form}, self.secret, query["sign_method"])
        if not hmac.compare_digest(expected, query["sign"]):
            return "invalid signature", method
        sent = datetime.strptime(query["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=GMT8)
        skew = abs((datetime.now(timezone.utc) - sent).total_seconds())
        if skew > 600:
            return f"timestamp {query['timestamp']} is {skew:.0f} s off GMT+8 now", method
        if method not in EXPECTED_BODY:
            return "unknown method", method
        if method in NEEDS_SESSION and query.get("session") != self.session:
            return "session missing or wrong", method
        want = EXPECTED_BODY[method]
        if set(form) != set(want):
            return f"body fields {sorted(form)} != {sorted(want)}", method
        for key, value in want.items():
            got: Any = form[key]
            if not isinstance(value, str):
                got = json.loads(got)
            if got != value:
                return f"{key}: {got!r} != {value!r}", method
        return None, method
