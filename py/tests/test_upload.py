"""File uploads: a bytes parameter makes prepare build a multipart/form-data
request, ready for urllib, requests and httpx. A stand-in server here reads
the body with the standard library's email parser and checks the signature
with hashlib, independently of topwire; topwire's own gateway names the
upload after its content."""

import hashlib
import hmac
import threading
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Tuple
from urllib.parse import parse_qsl, urlsplit

import pytest

import topwire
from topwire import FileItem, TopClient, ValidationError
from topwire.gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serve

SECRET = "upload-secret"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR--\r\n\xff"


class Seen:
    """What the stand-in server received: signature check, text parts, files."""

    def __init__(self) -> None:
        self.sign_ok = False
        self.text: Dict[str, str] = {}
        self.files: List[Tuple[str, str, str, bytes]] = []


def serve_standin(seen: Seen) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                filename = part.get_filename()
                if filename is None:
                    seen.text[name] = payload.decode("utf-8")
                else:
                    seen.files.append((name, filename, part.get_content_type(), payload))
            query = dict(parse_qsl(urlsplit(self.path).query))
            sign = query.pop("sign")
            signed = {**query, **seen.text}
            text = "".join(k + v for k, v in sorted(signed.items()) if v)
            want = hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
            seen.sign_ok = sign == want
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def send_urllib(req: topwire.PreparedRequest) -> None:
    http_req = urllib.request.Request(req.url, data=req.body, headers=req.headers,
                                      method=req.method)
    with urllib.request.urlopen(http_req, timeout=30) as resp:
        resp.read()


def send_requests(req: topwire.PreparedRequest) -> None:
    requests = pytest.importorskip("requests")
    requests.post(req.url, headers=req.headers, data=req.body, timeout=30).raise_for_status()


def send_httpx(req: topwire.PreparedRequest) -> None:
    httpx = pytest.importorskip("httpx")
    httpx.post(req.url, headers=req.headers, content=req.body, timeout=30).raise_for_status()


@pytest.fixture
def standin() -> Iterator[Tuple[Seen, str]]:
    seen = Seen()
    server = serve_standin(seen)
    try:
        yield seen, f"http://127.0.0.1:{server.server_address[1]}/router/rest"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("sender", [send_urllib, send_requests, send_httpx],
                         ids=["urllib", "requests", "httpx"])
def test_upload_reaches_a_server_as_parts(
    standin: Tuple[Seen, str], sender: Callable[[topwire.PreparedRequest], None]
) -> None:
    seen, url = standin
    client = TopClient("12345678", SECRET, gateway=url)
    req = client.prepare("taobao.custom.upload", {
        "title": "二维码", "count": 2,
        "img": FileItem(PNG, filename="qr.png", content_type="image/png"),
        "raw": bytearray(b"\x00\x01"),
        "doc": ("a.txt", memoryview(b"text"), "text/plain"),
    })
    assert req.is_multipart and req.content_type == req.headers["Content-Type"]
    assert req.content_type.startswith("multipart/form-data; charset=UTF-8; boundary=")
    sender(req)
    assert seen.sign_ok, "the signature covers query and text parts only"
    assert seen.text == {"title": "二维码", "count": "2"}
    assert seen.files == [("img", "qr.png", "image/png", PNG),
                          ("raw", "raw", "application/octet-stream", b"\x00\x01"),
                          ("doc", "a.txt", "text/plain", b"text")]
    names = [k for k, _ in req.params]
    assert "title" in names and "img" not in names and names[-1] == "sign"


def test_topwires_gateway_names_the_upload_after_its_content() -> None:
    config = {"responses": {"taobao.custom.upload": {"resp_body": {"file_name": "x"}}}}
    with serve(config=config) as gw:
        client = TopClient(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, gateway=gw.url)
        req = client.prepare("taobao.custom.upload", {"img": ("qr.PNG", PNG)})
        http_req = urllib.request.Request(req.url, data=req.body, headers=req.headers)
        with urllib.request.urlopen(http_req, timeout=30) as resp:
            data = client.parse("taobao.custom.upload", resp.read())
    want = "tw" + hashlib.sha256(PNG).hexdigest()[:32] + ".png"
    assert data["resp_body"]["file_name"] == want


def test_files_are_refused_where_they_cannot_go() -> None:
    client = TopClient("12345678", SECRET)
    with pytest.raises(ValidationError) as e:
        client.prepare("taobao.custom.upload", {"ids": [b"abc"]})
    assert e.value.field == "ids[0]"
    with pytest.raises(ValidationError) as e:
        client.prepare("taobao.custom.upload", {"f": ("a.png", b"x", 5)})
    assert e.value.field == "f"
    with pytest.raises(ValidationError) as e:
        client.prepare("taobao.custom.upload", {"f": FileItem(b"x", filename="a\nb")})
    assert e.value.field == "f.filename"
    with pytest.raises(TypeError):
        FileItem("text")  # type: ignore[arg-type]


def test_an_empty_file_is_absent_and_reprs_hide_content() -> None:
    client = TopClient("12345678", SECRET)
    req = client.prepare("taobao.custom.upload", {"f": b"", "a": "1"})
    assert not req.is_multipart and req.body == b"a=1"
    item = FileItem(b"secret-bytes" * 100, filename="qr.png")
    assert repr(item) == "FileItem(<1200 bytes>, filename='qr.png', content_type=None)"
    assert len(item) == 1200 and item.data.startswith(b"secret-bytes")
    assert FileItem(b"x") == FileItem(b"x") and FileItem(b"x") != FileItem(b"y")
