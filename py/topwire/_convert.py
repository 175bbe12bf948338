"""Python times and durations to the core's epoch milliseconds.

The native module calls these for anything but a plain ``int`` (its fast
path); they raise the same errors everywhere: ``TypeError`` for a value of the
wrong kind, :class:`ValidationError` for one of the right kind out of range.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from ._errors import ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)
_I64 = 1 << 63


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
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise _invalid(field, "an aware datetime (with tzinfo) or epoch milliseconds",
                           "a naive datetime (no tzinfo)")
        return (value - _EPOCH) // _ONE_MS
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
    if isinstance(value, timedelta):
        return value // _ONE_MS
    raise TypeError(f"{field} must be seconds (int or float) or a timedelta, "
                    f"not {type(value).__name__}")
