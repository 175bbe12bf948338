"""Send the three seed calls, and one deliberate error, with the standard
library's urllib.request. Exits 0 only if the three calls returned data and
the deliberate call failed with ApiError code 25 (invalid signature).

    python -m topwire.gateway &     # the local gateway on 127.0.0.1:8080
    python seed_calls_urllib.py
    TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... python seed_calls_urllib.py
"""

import sys
import urllib.request
from typing import Any, Dict, Optional

from seed_calls import (
    DELIBERATE_ERROR_METHOD,
    DELIBERATE_ERROR_PARAMS,
    SEED_CALLS,
    client_from_env,
    is_expected_error,
    wrong_secret_client,
)
from topwire import ApiError, TopClient, TopError


def send(client: TopClient, method: str, params: Dict[str, Any],
         session: Optional[str]) -> Dict[str, Any]:
    """Prepare, send and parse one call; raises a TopError."""
    req = client.prepare(method, params, session=session)
    print(f"--> {req.method} {req.url}")
    print(f"    {req.body.decode()}")
    http_req = urllib.request.Request(
        req.url, data=req.body, headers=req.headers, method=req.method
    )
    with urllib.request.urlopen(http_req, timeout=30) as resp:
        body = resp.read()
    return client.parse(method, body)


def main() -> int:
    client, session = client_from_env()
    failures = 0
    for method, params in SEED_CALLS:
        try:
            data = send(client, method, params, session)
        except ApiError as e:
            print(f"<-- {method}: {e} (retryable={e.retryable})")
            failures += 1
        except TopError as e:
            print(f"<-- {method}: {type(e).__name__}: {e}")
            failures += 1
        else:
            print(f"<-- {method}: {data}")

    print("deliberate error: the verify call signed with a wrong secret")
    try:
        data = send(wrong_secret_client(), DELIBERATE_ERROR_METHOD, DELIBERATE_ERROR_PARAMS, None)
    except TopError as e:
        expected = is_expected_error(e)
        print(f"<-- {DELIBERATE_ERROR_METHOD}: {type(e).__name__}: {e}"
              f" ({'as expected' if expected else 'NOT the expected ApiError code 25'})")
        failures += 0 if expected else 1
    else:
        print(f"<-- {DELIBERATE_ERROR_METHOD}: {data} (NOT the expected ApiError code 25)")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
