"""examples/python/spi_server.py (the README's http.server example): a
merchant's endpoint receiving calls signed by hand as TOP signs them. Forged
or stale calls get 401, calls that cannot be checked 400, never a 500."""

import hashlib
import importlib.util
import json
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from typing import Any, Dict, Iterator, Tuple
from urllib.parse import urlencode

import pytest

from conftest import REPO

APP_SECRET = "merchant-secret"
_spec = importlib.util.spec_from_file_location("spi_server", REPO / "examples" / "python" / "spi_server.py")
assert _spec is not None and _spec.loader is not None
EXAMPLE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(EXAMPLE)
EXAMPLE.APP_SECRET = APP_SECRET
GMT8 = timezone(timedelta(hours=8))


class SpiHandler(EXAMPLE.SpiHandler):
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
             age: timedelta = timedelta(0),
             content_type: "str | None" = "application/json;charset=utf-8") -> Tuple[int, str]:
    """A JSON-bodied SPI call signed as TOP does: md5(secret + sorted pairs + body + secret)."""
    query: Dict[str, str] = {
        "method": "taobao.eticket.merchant.ma.send", "app_key": "12345678", "sign_method": "md5",
        "timestamp": (datetime.now(GMT8) - age).strftime("%Y-%m-%d %H:%M:%S"),
    }
    text = "".join(k + v for k, v in sorted(query.items()))
    query["sign"] = hashlib.md5(secret.encode() + text.encode() + body + secret.encode()
                                ).hexdigest().upper()
    req = urllib.request.Request(f"{url}?{urlencode(query)}", data=body,
                                 headers={"Content-Type": content_type} if content_type else {})
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
    assert top_call(endpoint, BODY, secret="guess") == (401, "mismatch")
    assert top_call(endpoint, BODY, age=timedelta(minutes=30)) == (401, "stale_timestamp")


def test_a_call_that_cannot_be_checked_is_a_400_not_a_500(endpoint: str) -> None:
    assert top_call(endpoint, b"--x--", content_type="multipart/form-data; boundary=x") == (
        400, "ValidationError")
    assert top_call(endpoint, BODY, content_type="application/json; charset=GBK") == (
        400, "ValidationError")
    assert top_call(endpoint, b"a=%zz", content_type="application/x-www-form-urlencoded") == (
        400, "ValidationError")
