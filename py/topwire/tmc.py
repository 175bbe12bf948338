"""TMC, the message channel TOP pushes events through (a trade paid, a
refund opened): the binary frame codec and a session without I/O. You own
the WebSocket (e.g. ``websockets``) and the clock; the core reads and writes
the frames and keeps the session's state::

    from topwire.tmc import TmcSession

    session = TmcSession("12345678", "app-secret")
    await ws.send(session.connect())
    async for data in ws:
        for event in session.receive(data):
            if event["type"] == "message":
                handle(event["message"])                       # your code
                await ws.send(session.confirm(event["message"].id))

Call ``session.poll()`` at ``session.next_deadline()`` (epoch ms) for the
pulls, pings and reconnects it asks for. A frame is a dict ``{"type",
"flag", "token", "status_code", "status_phrase", "content"}`` (absent headers
``None``; ``content`` a list of ``(key, format, value)``; ``int64`` and
``date`` as int, ``bytes`` as bytes).
"""

from ._native import TmcMessage, TmcSession
from ._native import tmc_decode_frame as decode_frame
from ._native import tmc_encode_frame as encode_frame

__all__ = ["TmcMessage", "TmcSession", "decode_frame", "encode_frame"]
