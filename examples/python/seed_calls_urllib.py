"""Send the three seed calls with the standard library's urllib.request.

    TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... python seed_calls_urllib.py
"""

import sys
import urllib.request

from seed_calls import SEED_CALLS, client_from_env
from topwire import ApiError, TopError


def main() -> int:
    client, session = client_from_env()
    failures = 0
    for method, params in SEED_CALLS:
        req = client.prepare(method, params, session=session)
        print(f"--> {req.method} {req.url}")
        print(f"    {req.body.decode()}")
        http_req = urllib.request.Request(
            req.url, data=req.body, headers=req.headers, method=req.method
        )
        with urllib.request.urlopen(http_req, timeout=30) as resp:
            body = resp.read()
        try:
            data = client.parse(method, body)
        except ApiError as e:
            print(f"<-- {method}: {e} (retryable={e.retryable})")
            failures += 1
        except TopError as e:
            print(f"<-- {method}: {type(e).__name__}: {e}")
            failures += 1
        else:
            print(f"<-- {method}: {data}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
