"""topwire: the Taobao Open Platform (TOP) protocol without I/O.

Build a signed request with :meth:`TopClient.prepare`, send it with any HTTP
client (``urllib.request``, ``requests``, ``httpx``, ``aiohttp``), and turn
the reply into plain data with :meth:`TopClient.parse`::

    import httpx
    from topwire import TopClient

    client = TopClient("12345678", "app-secret")
    req = client.prepare("taobao.travel.ticket.order.verify", {"order_id": 12345678})
    resp = httpx.post(req.url, headers=req.headers, content=req.body)
    data = client.parse("taobao.travel.ticket.order.verify", resp.content)

Errors are :class:`TopError` subclasses: :class:`ValidationError` (bad
input), :class:`ApiError` (the gateway's ``error_response``),
:class:`DecodeError` (not a TOP response), :class:`SignatureError` (an
inbound SPI call failed its check).

:class:`Gateway` is a local TOP gateway without I/O (what TOP would answer to
a request); ``python -m topwire.gateway`` and :func:`topwire.gateway.serve`
put it behind an HTTP server for tests.
"""

from ._classes import Gateway, TopClient
from ._errors import ApiError, DecodeError, SignatureError, TopError, ValidationError
from ._file import FileItem
from ._functions import sign, string_to_sign, verify_spi
from ._native import DEFAULT_GATEWAY, PreparedBatch, PreparedRequest, __version__

__all__ = [
    "DEFAULT_GATEWAY",
    "ApiError",
    "DecodeError",
    "FileItem",
    "Gateway",
    "PreparedBatch",
    "PreparedRequest",
    "RedactedRequest",
    "SignatureError",
    "TopClient",
    "TopError",
    "ValidationError",
    "__version__",
    "acall",
    "apis",
    "call",
    "sign",
    "string_to_sign",
    "verify_spi",
]


_SENDERS = ("RedactedRequest", "acall", "call")


def __getattr__(name: str) -> object:
    # `topwire.apis` (TypedDicts, for type checkers) and the senders are
    # imported on first use: importing `typing` would double the import time
    # of the package.
    import importlib

    if name == "apis":
        return importlib.import_module(".apis", __name__)
    if name in _SENDERS:
        return getattr(importlib.import_module("._send", __name__), name)
    raise AttributeError(f"module 'topwire' has no attribute {name!r}")
