"""The examples in examples/python send the three seed calls, and one deliberate
error, over real HTTP: to a stand-in gateway (gateway.py) that checks every
byte without topwire's help, and to topwire's own local gateway, in process
and as `python -m topwire.gateway` (what `make demo` runs)."""

import os
import subprocess
import sys
from typing import Dict, List

import pytest

from conftest import REPO
from gateway import LocalGateway
from topwire.gateway import serve

EXAMPLES = REPO / "examples" / "python"
METHODS = ["taobao.eticket.merchant.ma.resend", "alibaba.alsc.daodian.ticket.reserve",
           "taobao.travel.ticket.order.verify"]
# The deliberate error: the verify call signed with a wrong secret.
DELIBERATE = ["taobao.travel.ticket.order.verify: invalid signature"]
CREDENTIALS = ("TOP_GATEWAY", "TOP_APP_KEY", "TOP_APP_SECRET", "TOP_SESSION")


def example_env(**top: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS}
    return {**env, **top, "TZ": "America/New_York"}


def run(name: str, env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, str(EXAMPLES / name)], env=env,
                          capture_output=True, text=True, timeout=120)


def run_example(name: str) -> "tuple[LocalGateway, str]":
    with LocalGateway("12345678", "example-secret", "session-token") as gw:
        env = example_env(TOP_GATEWAY=gw.url, TOP_APP_KEY="12345678",
                          TOP_APP_SECRET="example-secret", TOP_SESSION="session-token")
        out = run(name, env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert gw.failures == DELIBERATE, gw.failures
    assert "example-secret" not in out.stdout + out.stderr
    assert "(as expected)" in out.stdout and "ApiError: TOP error 25" in out.stdout
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
    """The stand-in gateway really checks: a request signed with another secret fails."""
    import urllib.request
    import json
    from topwire import TopClient
    with LocalGateway("12345678", "example-secret", "s") as gw:
        client = TopClient("12345678", "wrong-secret", gateway=gw.url)
        req = client.prepare(METHODS[2], {"order_id": 12345678})
        http_req = urllib.request.Request(req.url, data=req.body, headers=req.headers)
        with urllib.request.urlopen(http_req) as resp:
            answer = json.loads(resp.read())
    assert answer["error_response"]["code"] == 25
    assert answer["error_response"]["sub_msg"] == "invalid signature"
    assert gw.failures and not gw.ok


EXAMPLE_NAMES = ["seed_calls_urllib.py", "seed_calls_httpx.py"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_against_topwires_gateway_with_local_defaults(name: str) -> None:
    """TOP_GATEWAY on 127.0.0.1 and nothing else set: the local gateway's app and a session."""
    if name.endswith("httpx.py"):
        pytest.importorskip("httpx")
    with serve() as gw:
        out = run(name, example_env(TOP_GATEWAY=gw.url))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("(as expected)") == 1
    assert "TOP error 25: Invalid signature" in out.stdout
    assert "'is_success': True" in out.stdout
    assert "topwire-local-secret" not in out.stdout + out.stderr


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_fail_when_a_seed_call_fails(name: str) -> None:
    """Exit 1 when the gateway refuses the seed calls (here: an unknown app key)."""
    if name.endswith("httpx.py"):
        pytest.importorskip("httpx")
    with serve(app_key="11111111", app_secret="other") as gw:
        out = run(name, example_env(TOP_GATEWAY=gw.url))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "TOP error 29" in out.stdout


def test_examples_need_credentials_for_a_remote_gateway() -> None:
    out = run("seed_calls_urllib.py",
              example_env(TOP_GATEWAY="https://gateway.invalid/router/rest"))
    assert out.returncode != 0
    assert "TOP_APP_KEY" in out.stderr


def test_the_demo_flow_against_the_cli() -> None:
    """`python -m topwire.gateway --port 0`, the examples against its printed URL, then SIGTERM."""
    proc = subprocess.Popen([sys.executable, "-m", "topwire.gateway", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        names: List[str] = ["seed_calls_urllib.py"]
        try:
            import httpx  # noqa: F401
            names.append("seed_calls_httpx.py")
        except ImportError:
            pass
        for name in names:
            out = run(name, example_env(TOP_GATEWAY=url))
            assert out.returncode == 0, out.stdout + out.stderr
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert err.count(" 200\n") >= 4  # the logged calls


def test_merchant_workflow_against_topwires_gateway() -> None:
    """The 13 calls and the batch of the merchant workflow (make demo), in order, against the local
    gateway: the upload's file_name, derived from the image's content, goes out as
    ma.send's qr_image."""
    import hashlib
    from urllib.parse import quote

    with serve() as gw:
        out = run("merchant_workflow.py", example_env(TOP_GATEWAY=gw.url))
    assert out.returncode == 0, out.stdout + out.stderr
    answered = [line.split(":", 1)[0][4:] for line in out.stdout.splitlines()
                if line.startswith("<-- ")]
    assert answered == [
        "taobao.eticket.merchant." + m for m in
        ["img.upload", "ma.send", "ma.available", "ma.consume", "ma.reverse", "ma.resend",
         "ma.failsend", "tbma.get", "ma.delay"]
    ] + ["taobao.travel.ticket.order.verify", "taobao.travel.ticket.order.refund",
         "alibaba.alsc.daodian.ticket.consult", "alibaba.alsc.daodian.ticket.reserve"] + [
        "taobao.eticket.merchant." + m for m in ["ma.available"] * 3 + ["tbma.get"]]  # one batch
    assert f"--> batch of 4: {gw.url[:-len('/router/rest')]}/router/batch" in out.stdout
    assert "NOT as expected" not in out.stdout
    image = (REPO / "examples" / "assets" / "qr.png").read_bytes()
    file_name = "tw" + hashlib.sha256(image).hexdigest()[:32] + ".png"
    sent = [line for line in out.stdout.splitlines()
            if line.startswith("--> taobao.eticket.merchant.ma.send:")]
    assert len(sent) == 1 and quote(f'"qr_image":"{file_name}"', safe="") in sent[0]
    assert "every call as expected" in out.stdout
    assert "topwire-local-secret" not in out.stdout + out.stderr


def test_merchant_workflow_fails_when_a_call_fails() -> None:
    """Exit 1 when the gateway refuses the calls (an unknown app key)."""
    with serve(app_key="11111111", app_secret="other") as gw:
        out = run("merchant_workflow.py", example_env(TOP_GATEWAY=gw.url))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "17 FAILED" in out.stdout
