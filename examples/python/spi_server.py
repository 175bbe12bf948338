"""A merchant's SPI endpoint with the standard library's http.server: TOP calls
it, and every call is checked with topwire.verify_spi before anything acts on it.

    TOP_APP_SECRET=... python examples/python/spi_server.py   # listens on 127.0.0.1:8000

A forged, altered or replayed call is answered 401 (SignatureError); a call that
cannot be checked at all (multipart, no content type, a malformed escape) 400
(any other TopError). Nothing reaches the handler's business code unchecked,
and no input makes it answer 500.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from topwire import SignatureError, TopError, verify_spi

APP_SECRET = os.environ.get("TOP_APP_SECRET", "merchant-secret")


class SpiHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            verify_spi(query=urlsplit(self.path).query, headers=self.headers.items(), body=body,
                       content_type=self.headers.get("Content-Type"), secret=APP_SECRET)
        except SignatureError as e:  # forged, altered or replayed: not from TOP
            self.send_error(401, e.reason)
            return
        except TopError as e:  # a call that cannot be checked (ValidationError)
            self.send_error(400, type(e).__name__)
            return
        payload = json.dumps({"result": {"success": True}}).encode()  # act on the call here
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", 8000), SpiHandler).serve_forever()
