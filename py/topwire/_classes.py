"""The Python faces of the native TopClient and Gateway classes.

TopClient's prepare and parse are the native class's own methods (no Python
frame on the hot path); only its settings and repr, read rarely, are written
here. Gateway.handle converts its arguments here, then runs in the core.
"""

from __future__ import annotations

from . import _convert
from ._native import Gateway as _NativeGateway
from ._native import PreparedBatch
from ._native import TopClient as _NativeClient

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional, Tuple


class TopClient(_NativeClient):
    """An application's credentials and settings: immutable, shareable between threads."""

    __slots__ = ()

    @property
    def app_key(self) -> str:
        return self._settings()[0]

    @property
    def sign_method(self) -> str:
        return self._settings()[1]

    @property
    def format(self) -> str:
        return self._settings()[2]

    @property
    def simplify(self) -> bool:
        return self._settings()[3]

    @property
    def gateway(self) -> str:
        return self._settings()[4]

    @property
    def partner_id(self) -> Optional[str]:
        return self._settings()[5]

    @property
    def target_app_key(self) -> Optional[str]:
        return self._settings()[6]

    def parse_batch(self, methods_or_prepared: Any, body: Any, *,
                    separator: Optional[str] = None) -> List[Any]:
        """Parses a batch reply: per call in request order, its data or its
        ``ApiError`` (returned, not raised, like ``asyncio.gather(...,
        return_exceptions=True)``). Takes the ``PreparedBatch``, or the methods
        (and ``separator`` if not the default). A failure of the whole batch
        (one ``error_response`` for all) raises."""
        if isinstance(methods_or_prepared, PreparedBatch):
            methods, separator = methods_or_prepared.methods, methods_or_prepared.separator
        elif isinstance(methods_or_prepared, (str, bytes)):
            raise TypeError("methods_or_prepared must be a PreparedBatch or a sequence of method names")
        else:
            methods = list(methods_or_prepared)
        return self._parse_batch(methods, separator, body)

    def __repr__(self) -> str:
        key, sign_method, fmt, simplify, gateway, partner_id, target = self._settings()
        out = (f"TopClient(app_key={key!r}, app_secret='***', sign_method={sign_method!r}, "
               f"format={fmt!r}, simplify={simplify}, gateway={gateway!r}")
        if partner_id is not None:
            out += f", partner_id={partner_id!r}"
        if target is not None:
            out += f", target_app_key={target!r}"
        return out + ")"


class Gateway(_NativeGateway):
    """The local TOP gateway, sans I/O: the reply TOP would send to a request.
    Immutable; ``handle`` runs without the GIL, so server threads share one."""

    __slots__ = ()

    def handle(self, method: str, target: str, headers: Any, body: Any,
               now_ms: Any = None) -> Tuple[int, List[Tuple[str, str]], bytes]:
        """Answers one HTTP request: ``(status, [(header, value)], body)``.
        ``target`` is the request target (path and query) or a full URL;
        ``now_ms`` (epoch milliseconds or an aware datetime) defaults to the clock."""
        return self._handle(method, target, _convert.pairs("headers", headers),
                            _convert.body("body", body),
                            None if now_ms is None else _convert.epoch_ms("now_ms", now_ms))

    def __repr__(self) -> str:
        return f"Gateway(app_keys={self.app_keys!r})"
