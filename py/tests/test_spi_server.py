"""verify_spi inside a standard-library http.server handler, as the README shows
it: a merchant's endpoint receiving calls signed by hand as TOP signs them."""

import hashlib
import json
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, Tuple
from urllib.parse import urlencode, urlsplit

import pytest

from topwire import SignatureError, verify_spi

APP_SECRET = "merchant-secret"
GMT8 = timezone(timedelta(hours=8))


class SpiHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            verify_spi(query=urlsplit(self.path).query, headers=self.headers.items(), body=body,
                       content_type=self.headers.get("Content-Type"), secret=APP_SECRET)
        except SignatureError as e:
            self.send_error(403, e.reason)
            return
        payload = json.dumps({"result": {"success": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SpiHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/spi"
    server.shutdown()
    server.server_close()


def top_call(url: str, body: bytes, *, secret: str = APP_SECRET,
             age: timedelta = timedelta(0)) -> Tuple[int, str]:
    """A JSON-bodied SPI call signed as TOP does: md5(secret + sorted pairs + body + secret)."""
    query: Dict[str, str] = {
        "method": "taobao.eticket.merchant.ma.send", "app_key": "12345678", "sign_method": "md5",
        "timestamp": (datetime.now(GMT8) - age).strftime("%Y-%m-%d %H:%M:%S"),
    }
    text = "".join(k + v for k, v in sorted(query.items()))
    query["sign"] = hashlib.md5(secret.encode() + text.encode() + body + secret.encode()
                                ).hexdigest().upper()
    req = urllib.request.Request(f"{url}?{urlencode(query)}", data=body,
                                 headers={"Content-Type": "application/json;charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.reason


BODY = json.dumps({"order_id": 1, "buyer_nick": "买家"}, ensure_ascii=False).encode()


def test_a_genuine_call_is_accepted(endpoint: str) -> None:
    assert top_call(endpoint, BODY) == (200, '{"result": {"success": true}}')


def test_a_forged_or_replayed_call_is_refused(endpoint: str) -> None:
    assert top_call(endpoint, BODY, secret="guess") == (403, "mismatch")
    assert top_call(endpoint, BODY, age=timedelta(minutes=30)) == (403, "stale_timestamp")
