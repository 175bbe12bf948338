"""prepare, parse, verify_spi and sign release the GIL for the core's work.

With a switch interval of many hours, a thread waiting for the GIL gets it
only when the running thread gives it up on its own (a blocking call, or
native code that releases it); the interpreter never forces a switch. The
main thread repeats the call until the waiting thread has run; if the call
kept the GIL, the waiting thread could never run between two calls either, so
the loop would end with the flag unset and the test fails. No sleeping, no
timing: only the order in which the two threads can possibly run.
"""

import json
import sys
import threading
from typing import Callable

import pytest

import topwire

SECRET = "spi-secret"
CLIENT = topwire.TopClient("12345678", "app-secret")
METHOD = "taobao.travel.ticket.order.verify"
BIG_REPLY = json.dumps({"travel_ticket_order_verify_response": {
    "items": [{"k": i, "v": "值" * 8} for i in range(20000)], "request_id": "r"}}).encode()
BIG_FORM = "&".join(f"f{i}=v{i}" for i in range(20000)).encode()
BIG_PARAMS = {"items": [{"k": i, "v": "值"} for i in range(20000)]}


def calls() -> "dict[str, Callable[[], object]]":
    def spi() -> None:
        with pytest.raises(topwire.SignatureError):
            topwire.verify_spi(query="timestamp=2024-01-01+12%3A00%3A00&sign=X", headers={},
                               body=BIG_FORM, secret=SECRET,
                               content_type="application/x-www-form-urlencoded")
    return {
        "parse": lambda: CLIENT.parse(METHOD, BIG_REPLY),
        "prepare": lambda: CLIENT.prepare("taobao.custom.thing.get", BIG_PARAMS),
        "verify_spi": spi,
        "sign": lambda: topwire.sign([("k", "v" * 1_000_000)], SECRET, "hmac-sha256"),
    }


@pytest.mark.parametrize("name", ["parse", "prepare", "verify_spi", "sign"])
def test_another_thread_runs_during_the_call(name: str) -> None:
    call = calls()[name]
    go = threading.Event()
    ran = threading.Event()

    def other() -> None:
        go.wait()   # blocks (GIL released) until the main thread is about to call
        ran.set()   # needs the GIL: possible only while the main thread has let it go

    old = sys.getswitchinterval()
    sys.setswitchinterval(10_000.0)
    try:
        thread = threading.Thread(target=other)
        thread.start()  # returns once `other` blocks in go.wait()
        go.set()
        for _ in range(2000):
            call()
            if ran.is_set():
                break
        assert ran.is_set(), f"{name} kept the GIL for its whole run"
    finally:
        sys.setswitchinterval(old)
        go.set()
    thread.join()
