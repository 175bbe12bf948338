"""Python arguments to the plain values the native module takes.

Times and durations become epoch milliseconds (the native module calls
``epoch_ms`` itself for anything but a plain ``int``), pairs a list of
``(str, str)``, bodies ``bytes``. Each raises ``TypeError`` for a value of the
wrong kind and a :class:`TopError` for one of the right kind that is invalid.
"""

from __future__ import annotations

import math

from ._errors import DecodeError, ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Tuple

_I64 = 1 << 63
# `datetime` is imported on first use, not with the package (import time).


def _invalid(field: str, expected: str, got: str) -> ValidationError:
    return ValidationError(f"{field}: expected {expected}, got {got}",
                           field=field, expected=expected, got=got)


def _short(text: str) -> str:
    return text[:40] + ("…" if len(text) > 40 else "")


def epoch_ms(field: str, value: Any) -> int:
    """Epoch milliseconds from an aware ``datetime`` or an ``int``."""
    expected = "an aware datetime or epoch milliseconds"
    if isinstance(value, bool):
        raise TypeError(f"{field} must be an aware datetime or epoch milliseconds (int), not bool")
    if isinstance(value, int):
        if -_I64 <= value < _I64:
            return int(value)
        raise _invalid(field, expected, "the number " + _short(str(value)))
    from datetime import datetime, timedelta, timezone

    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise _invalid(field, "an aware datetime (with tzinfo) or epoch milliseconds",
                           "a naive datetime (no tzinfo)")
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        return (value - epoch) // timedelta(milliseconds=1)
    raise TypeError(f"{field} must be an aware datetime or epoch milliseconds (int), "
                    f"not {type(value).__name__}")


def duration_ms(field: str, value: Any) -> int:
    """Milliseconds from seconds (``int`` or ``float``) or a ``timedelta``."""
    expected = "a duration in seconds or a timedelta"
    if isinstance(value, bool):
        raise TypeError(f"{field} must be seconds (int or float) or a timedelta, not bool")
    if isinstance(value, int):
        if -_I64 <= value * 1000 < _I64:
            return int(value) * 1000
        raise _invalid(field, expected, "the number " + _short(str(value)))
    if isinstance(value, float):
        scaled = float(value) * 1000.0
        if math.isfinite(scaled) and abs(scaled) < 9.0e15:
            whole = math.trunc(scaled)  # then half away from zero (exact: no float sums)
            return whole + (int(math.copysign(1, scaled)) if abs(scaled - whole) >= 0.5 else 0)
        raise _invalid(field, expected, f"the {type(value).__name__} " + _short(repr(value)))
    from datetime import timedelta

    if isinstance(value, timedelta):
        return value // timedelta(milliseconds=1)
    raise TypeError(f"{field} must be seconds (int or float) or a timedelta, "
                    f"not {type(value).__name__}")


def pairs(field: str, value: Any) -> List[Tuple[str, str]]:
    """``(str, str)`` pairs from a mapping (anything with ``.items()``) or an
    iterable of 2-item sequences, in the order given."""
    items = value.items() if hasattr(value, "items") else value
    out = []
    for item in items:
        try:
            k, v = item
        except (TypeError, ValueError):
            raise TypeError(f"{field} must be a mapping or an iterable of (str, str) pairs") from None
        for text in (k, v):
            if not isinstance(text, str):
                raise TypeError(f"{field} must be str, not {type(text).__name__}")
        out.append((k, v))
    return out


def body(field: str, value: Any, reply: bool = False) -> bytes:
    """The bytes of ``bytes``, ``bytearray``, ``memoryview`` or ``str`` (as UTF-8).
    A str with a lone surrogate is a DecodeError for a reply, else a
    ValidationError naming ``field``."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            if reply:
                raise DecodeError(f"{field} is a str with a lone surrogate, not text") from None
            raise _invalid(field, "well-formed text", "a lone surrogate (half of a UTF-16 pair)") from None
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{field} must be bytes or str, not {type(value).__name__}")


def big_int(text: str) -> int:
    """``int(text)`` for a response's integer beyond 64 bits; past Python's
    digit limit (``sys.get_int_max_str_digits()``, which guards against
    quadratic conversions), a DecodeError rather than the bare ValueError
    that would escape ``except TopError``."""
    try:
        return int(text)
    except ValueError:
        digits = len(text.lstrip("-"))
        raise DecodeError(
            f"the response holds an integer of {digits} digits, more than Python's int "
            "conversion allows (sys.get_int_max_str_digits())") from None
