"""Optional senders beside the sans-I/O core: prepare, send with the HTTP
client the caller already has, parse, and send again what the core marks
retryable. No HTTP library is imported: the client is recognised by what it
has (``requests.Session``, ``httpx.Client``; ``httpx.AsyncClient`` and
``aiohttp.ClientSession`` for :func:`acall`), and without one :func:`call`
uses ``urllib.request``. How long to wait, and whether to retry at all, is
the core's decision (``topwire::send``), the same as in JavaScript.
"""

from __future__ import annotations

from . import _native
from ._errors import ApiError, TopError

# Imported with the senders only, never with the package (import time).
from typing import Any, Awaitable, Callable, Dict, NamedTuple, Optional

__all__ = ["call", "acall", "RedactedRequest"]

_KEYWORDS = ["session", "timestamp", "allow_unknown", "http", "timeout", "retries", "sleep"]
_DEFAULT_TIMEOUT = _native.SEND_TIMEOUT_MS / 1000


class RedactedRequest(NamedTuple):
    """A request that failed, as errors of :func:`call` keep it (``e.request``):
    the values of secret fields (a customer's card secret) as ``***``, an
    upload's body by its size."""

    method: str
    url: str
    headers: Dict[str, str]
    body: str


def _redacted(req: Any) -> RedactedRequest:
    return RedactedRequest(req.method, req.url, dict(req.headers), req.redacted_body)


def _checked(unknown: Dict[str, Any], timeout: Any, retries: Any) -> int:
    for key in unknown:
        raise _native.unknown_keyword(key, _KEYWORDS)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
        raise TypeError(f"timeout must be a positive number of seconds, not {timeout!r}")
    return int(_native.check_retries(retries))


def _wait(err: TopError, req: Any, attempt: int, retries: int) -> Optional[float]:
    """Seconds before the next attempt, or None: raise ``err`` (with its request)."""
    err.request = _redacted(req)
    if not isinstance(err, ApiError):
        return None
    ms = _native.retry_delay_ms(err.retryable, err.retry_after, attempt, retries)
    return None if ms is None else ms / 1000


def _post(http: Any, req: Any, timeout: float) -> bytes:
    if http is None:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(req.url, data=req.body, headers=req.headers, method=req.method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return resp.read()  # type: ignore[no-any-return]
        except urllib.error.HTTPError as e:  # a proxy's error page: parse says what it is
            return e.read()  # type: ignore[no-any-return]
    if hasattr(http, "mount") and hasattr(http, "adapters"):  # requests.Session
        return http.post(req.url, data=req.body, headers=req.headers, timeout=timeout).content  # type: ignore[no-any-return]
    if hasattr(http, "build_request"):  # httpx.Client
        return http.post(req.url, content=req.body, headers=req.headers, timeout=timeout).content  # type: ignore[no-any-return]
    raise TypeError(f"http must be a requests.Session or an httpx.Client (or None: urllib), "
                    f"not {type(http).__name__}")


def call(client: Any, method: str, params: Any = None, *, session: Optional[str] = None,
         timestamp: Any = None, allow_unknown: bool = False, http: Any = None,
         timeout: float = _DEFAULT_TIMEOUT, retries: int = _native.SEND_RETRIES,
         sleep: Optional[Callable[[float], Any]] = None, **unknown: Any) -> Any:
    """Prepares ``method``, sends it with ``http`` (a ``requests.Session`` or
    an ``httpx.Client``; None: ``urllib.request``) within ``timeout`` seconds,
    and returns the parsed reply. An ApiError the core marks retryable is
    sent again, up to ``retries`` times, after the ban's ``retry_after`` when
    the gateway names one (at most 60 s) or a backoff (0.5 s doubled, at most
    8 s); ``sleep`` (default ``time.sleep``) waits. A TopError it raises
    carries ``request``, the request redacted. Transport errors (timeouts,
    resets) are raised as the HTTP client raises them, never retried: TOP may
    have acted on the call."""
    n = _checked(unknown, timeout, retries)
    if sleep is None:
        import time

        sleep = time.sleep
    attempt = 0
    while True:
        attempt += 1
        req = client.prepare(method, params, session=session, timestamp=timestamp,
                             allow_unknown=allow_unknown)
        try:
            return client.parse(method, _post(http, req, timeout))
        except TopError as e:
            wait = _wait(e, req, attempt, n)
            if wait is None:
                raise
        sleep(wait)


async def _apost(http: Any, req: Any, timeout: float) -> bytes:
    if hasattr(http, "build_request"):  # httpx.AsyncClient
        resp = await http.post(req.url, content=req.body, headers=req.headers, timeout=timeout)
        return resp.content  # type: ignore[no-any-return]
    if hasattr(http, "ws_connect"):  # aiohttp.ClientSession: its timeout is a class of its own
        import asyncio

        async def exchange() -> bytes:
            async with http.post(req.url, data=req.body, headers=req.headers) as resp:
                return await resp.read()  # type: ignore[no-any-return]

        return await asyncio.wait_for(exchange(), timeout)
    raise TypeError(f"http must be an httpx.AsyncClient or an aiohttp.ClientSession, "
                    f"not {type(http).__name__}")


async def acall(client: Any, method: str, params: Any = None, *, http: Any,
                session: Optional[str] = None, timestamp: Any = None, allow_unknown: bool = False,
                timeout: float = _DEFAULT_TIMEOUT, retries: int = _native.SEND_RETRIES,
                sleep: Optional[Callable[[float], Awaitable[Any]]] = None, **unknown: Any) -> Any:
    """:func:`call` for asyncio: ``http`` is an ``httpx.AsyncClient`` or an
    ``aiohttp.ClientSession``; ``sleep`` defaults to ``asyncio.sleep``."""
    n = _checked(unknown, timeout, retries)
    if sleep is None:
        import asyncio

        sleep = asyncio.sleep
    attempt = 0
    while True:
        attempt += 1
        req = client.prepare(method, params, session=session, timestamp=timestamp,
                             allow_unknown=allow_unknown)
        try:
            return client.parse(method, await _apost(http, req, timeout))
        except TopError as e:
            wait = _wait(e, req, attempt, n)
            if wait is None:
                raise
        await sleep(wait)
