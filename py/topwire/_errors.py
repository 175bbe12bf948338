"""The exception classes of topwire.

They are plain Python classes; the native module fills them in (message and
attributes come from the core, identical in every language). Each keeps its
attributes through ``pickle`` and ``copy``, and none ever holds the app secret.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # `typing` is not imported at run time: it would double the import time
    from typing import Any, Optional, Tuple

    from ._send import RedactedRequest

__all__ = ["TopError", "ValidationError", "ApiError", "DecodeError", "SignatureError"]


class TopError(Exception):
    """Base class of every topwire error: ``except TopError`` catches them all.

    ``request`` is set by :func:`topwire.call` and :func:`topwire.acall`: the
    request that failed, redacted (for debugging an error 25)."""

    request: Optional[RedactedRequest] = None

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Tuple[Any, ...]:
        # BaseException pickles as cls(*args) plus __dict__; keep it explicit so
        # subclasses with keyword-only attributes round-trip too.
        return (self.__class__, (self.message,), self.__dict__.copy())


class ValidationError(TopError, ValueError):
    """The caller's input is wrong: ``field`` names the path (``isv_ma_list[3].num``),
    ``expected`` says what would be accepted, ``got`` what came."""

    def __init__(
        self, message: str = "", *, field: str = "", expected: str = "", got: str = ""
    ) -> None:
        super().__init__(message)
        self.field = field
        self.expected = expected
        self.got = got


class ApiError(TopError):
    """The gateway answered ``error_response``.

    ``retryable`` is true for platform-side failures (``isp.*`` sub codes,
    rate limits, service unavailable); ``retry_after`` is the ban's wait in
    seconds when the gateway names one. ``is_session_error`` is true for
    codes 26 (missing session) and 27 (invalid or expired session): the
    seller must authorise the app again; retrying cannot help.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: int = 0,
        msg: str = "",
        sub_code: Optional[str] = None,
        sub_msg: Optional[str] = None,
        request_id: Optional[str] = None,
        retryable: bool = False,
        retry_after: Optional[int] = None,
        is_session_error: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.msg = msg
        self.sub_code = sub_code
        self.sub_msg = sub_msg
        self.request_id = request_id
        self.retryable = retryable
        self.retry_after = retry_after
        self.is_session_error = is_session_error


class DecodeError(TopError, ValueError):
    """The body is not a TOP response for the method called (an HTML error
    page, truncated JSON, another method's response)."""


class SignatureError(TopError):
    """An inbound (SPI) call failed its check. ``reason`` is one of
    ``missing_sign``, ``mismatch``, ``missing_timestamp``, ``stale_timestamp``."""

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason
