"""sign, string_to_sign and verify_spi: their arguments converted here, the
work done by the core (without the GIL)."""

from __future__ import annotations

from . import _convert, _native

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


def sign(params: Any, secret: str, sign_method: str) -> str:
    """The ``sign`` of a parameter list (a mapping or ``(name, value)`` pairs):
    upper-case hex digest."""
    return _native.sign(_convert.pairs("params", params), secret, sign_method)


def string_to_sign(params: Any) -> str:
    """The canonical string the signature covers (for debugging error 25)."""
    return _native.string_to_sign(_convert.pairs("params", params))


def verify_spi(*, query: str, headers: Any, body: Any, secret: str,
               content_type: Optional[str] = None, now: Any = None, max_skew: Any = None) -> None:
    """Checks the signature and timestamp of an inbound (SPI) call from TOP:
    returns None, or raises SignatureError (or ValidationError for a call that
    cannot be checked)."""
    _native.verify_spi(
        query, _convert.pairs("headers", headers), _convert.body("body", body), secret,
        content_type, None if now is None else _convert.epoch_ms("now", now),
        None if max_skew is None else _convert.duration_ms("max_skew", max_skew))
