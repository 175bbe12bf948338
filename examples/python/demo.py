"""The Python half of `make demo`: start `python -m topwire.gateway --port 0`,
run the examples against the URL it prints, stop it. Exits 0 only if every
example did (three seed calls with data, the deliberate error as ApiError 25,
every call of the merchant workflow as expected).

    python examples/python/demo.py
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = ["seed_calls_urllib.py", "seed_calls_httpx.py", "merchant_workflow.py"]


def main() -> int:
    gateway = subprocess.Popen([sys.executable, "-m", "topwire.gateway", "--port", "0", "--quiet"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert gateway.stdout is not None
        line = gateway.stdout.readline()  # the gateway is listening once it is printed
        print(line, end="", flush=True)
        if " on " not in line:
            return 1
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        env = {k: v for k, v in os.environ.items()
               if k not in ("TOP_APP_KEY", "TOP_APP_SECRET", "TOP_SESSION")}
        env["TOP_GATEWAY"] = url
        failed = []
        for name in EXAMPLES:
            print(f"\n=== python {name}", flush=True)
            if subprocess.run([sys.executable, str(HERE / name)], env=env).returncode != 0:
                failed.append(name)
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
    print(f"\npython examples: {'FAILED ' + ', '.join(failed) if failed else 'all as expected'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
