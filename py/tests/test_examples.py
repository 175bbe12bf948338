"""The examples in examples/python send the three seed calls over real HTTP to a
local gateway (gateway.py) that checks them without topwire's help."""

import os
import subprocess
import sys

import pytest

from conftest import REPO
from gateway import LocalGateway

EXAMPLES = REPO / "examples" / "python"
METHODS = ["taobao.eticket.merchant.ma.resend", "alibaba.alsc.daodian.ticket.reserve",
           "taobao.travel.ticket.order.verify"]


def run_example(name: str, sign_method: str = "") -> "tuple[LocalGateway, str]":
    with LocalGateway("12345678", "example-secret", "session-token") as gw:
        env = {**os.environ, "TOP_GATEWAY": gw.url, "TOP_APP_KEY": "12345678",
               "TOP_APP_SECRET": "example-secret", "TOP_SESSION": "session-token",
               "TZ": "America/New_York"}
        out = subprocess.run([sys.executable, str(EXAMPLES / name)], env=env,
                             capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert not gw.failures, gw.failures
    assert "example-secret" not in out.stdout + out.stderr
    return gw, out.stdout


def test_urllib_example() -> None:
    gw, stdout = run_example("seed_calls_urllib.py")
    assert sorted(gw.ok) == sorted(METHODS)
    assert "'ret_code': 'isv.success-all'" in stdout
    assert "'is_success': True" in stdout


def test_httpx_example_sync_and_async() -> None:
    pytest.importorskip("httpx")
    gw, stdout = run_example("seed_calls_httpx.py")
    assert sorted(gw.ok) == sorted(METHODS * 2)
    assert stdout.count("<-- async") == 3


def test_gateway_rejects_a_bad_signature() -> None:
    """The local gateway really checks: a request signed with another secret fails."""
    import urllib.request
    import json
    from topwire import TopClient
    with LocalGateway("12345678", "example-secret", "s") as gw:
        client = TopClient("12345678", "wrong-secret", gateway=gw.url)
        req = client.prepare(METHODS[2], {"order_id": 12345678})
        http_req = urllib.request.Request(req.url, data=req.body, headers=req.headers)
        with urllib.request.urlopen(http_req) as resp:
            answer = json.loads(resp.read())
    assert answer["error_response"]["sub_msg"] == "invalid signature"
    assert gw.failures and not gw.ok
