"""A polling TMC consumer over HTTP: ``taobao.tmc.messages.consume``, handle
each message, then ``taobao.tmc.messages.confirm`` for the ones handled (a
message not confirmed is delivered again later). Message ids stay exact:
Python ints, parsed and sent as they are. Any HTTP client works; here
urllib::

    received, confirmed = poll_once(client, handle, quantity=100)

When nothing comes back, wait before polling again (the platform suggests
about 100 ms); ``poll_once`` itself never waits.
"""

from __future__ import annotations

import urllib.request
from typing import Any, Callable, Dict, List, Optional, Tuple

from topwire import TopClient


def call(client: TopClient, method: str, params: Dict[str, Any]) -> Any:
    """One TOP call: prepare, send with urllib, parse."""
    req = client.prepare(method, params)
    request = urllib.request.Request(req.url, data=req.body, headers=req.headers, method=req.method)
    with urllib.request.urlopen(request) as resp:
        return client.parse(method, resp.read())


def poll_once(client: TopClient, handle: Callable[[Dict[str, Any]], None], *,
              quantity: int = 100, group_name: Optional[str] = None) -> Tuple[int, List[int]]:
    """Consumes up to ``quantity`` (10 to 200) messages, hands each to
    ``handle(message)`` and confirms those it handled without raising:
    ``(how many came, the ids confirmed)``."""
    data = call(client, "taobao.tmc.messages.consume", {"quantity": quantity, "group_name": group_name})
    messages = data.get("messages", [])
    handled = []
    for message in messages:
        try:
            handle(message)
        except Exception:
            continue  # not confirmed: the platform delivers it again later
        handled.append(message["id"])
    if handled:
        call(client, "taobao.tmc.messages.confirm", {"s_message_ids": handled, "group_name": group_name})
    return len(messages), handled
