"""Send the three seed calls with httpx: first with a Client (then one
deliberate error: the verify call signed with a wrong secret), then
concurrently with an asyncio AsyncClient (one TopClient shared by every task).
Exits 0 only if every seed call returned data and the deliberate call failed
with ApiError code 25 (invalid signature).

    python -m topwire.gateway &     # the local gateway on 127.0.0.1:8080
    python seed_calls_httpx.py
    TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... python seed_calls_httpx.py
"""

import asyncio
import sys
from typing import Any, Dict, Optional

import httpx

from seed_calls import (
    DELIBERATE_ERROR_METHOD,
    DELIBERATE_ERROR_PARAMS,
    SEED_CALLS,
    client_from_env,
    is_expected_error,
    wrong_secret_client,
)
from topwire import TopClient, TopError


def run_sync(client: TopClient, session: Optional[str]) -> int:
    failures = 0
    with httpx.Client(timeout=30) as http:
        for method, params in SEED_CALLS:
            req = client.prepare(method, params, session=session)
            print(f"--> {req.method} {req.url}")
            print(f"    {req.body.decode()}")
            resp = http.request(req.method, req.url, headers=req.headers, content=req.body)
            try:
                print(f"<-- {method}: {client.parse(method, resp.content)}")
            except TopError as e:
                print(f"<-- {method}: {type(e).__name__}: {e}")
                failures += 1

        print("deliberate error: the verify call signed with a wrong secret")
        wrong = wrong_secret_client()
        req = wrong.prepare(DELIBERATE_ERROR_METHOD, DELIBERATE_ERROR_PARAMS)
        print(f"--> {req.method} {req.url}")
        print(f"    {req.body.decode()}")
        resp = http.request(req.method, req.url, headers=req.headers, content=req.body)
        try:
            data = wrong.parse(DELIBERATE_ERROR_METHOD, resp.content)
        except TopError as e:
            expected = is_expected_error(e)
            print(f"<-- {DELIBERATE_ERROR_METHOD}: {type(e).__name__}: {e}"
                  f" ({'as expected' if expected else 'NOT the expected ApiError code 25'})")
            failures += 0 if expected else 1
        else:
            print(f"<-- {DELIBERATE_ERROR_METHOD}: {data} (NOT the expected ApiError code 25)")
            failures += 1
    return failures


async def call(
    http: httpx.AsyncClient, client: TopClient, method: str, params: Dict[str, Any],
    session: Optional[str],
) -> Dict[str, Any]:
    req = client.prepare(method, params, session=session)
    resp = await http.request(req.method, req.url, headers=req.headers, content=req.body)
    return client.parse(method, resp.content)


async def run_async(client: TopClient, session: Optional[str]) -> int:
    async with httpx.AsyncClient(timeout=30) as http:
        results = await asyncio.gather(
            *(call(http, client, m, p, session) for m, p in SEED_CALLS),
            return_exceptions=True,
        )
    failures = 0
    for (method, _), result in zip(SEED_CALLS, results):
        if isinstance(result, BaseException):
            print(f"<-- async {method}: {type(result).__name__}: {result}")
            failures += 1
        else:
            print(f"<-- async {method}: {result}")
    return failures


def main() -> int:
    client, session = client_from_env()
    failures = run_sync(client, session)
    failures += asyncio.run(run_async(client, session))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
