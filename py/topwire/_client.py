"""TopClient: the native client with its settings as read-only properties.

prepare and parse are the native class's own methods (no Python frame on the
hot path); only the settings and the repr, read rarely, are written here.
"""

from __future__ import annotations

from ._native import TopClient as _NativeClient

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


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

    def __repr__(self) -> str:
        key, sign_method, fmt, simplify, gateway, partner_id, target = self._settings()
        out = (f"TopClient(app_key={key!r}, app_secret='***', sign_method={sign_method!r}, "
               f"format={fmt!r}, simplify={simplify}, gateway={gateway!r}")
        if partner_id is not None:
            out += f", partner_id={partner_id!r}"
        if target is not None:
            out += f", target_app_key={target!r}"
        return out + ")"
