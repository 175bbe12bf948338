"""Type stubs of topwire.tmc: the TMC frame codec and session."""

from datetime import datetime, timedelta
from typing import Any, List, Literal, Optional, Tuple, TypedDict, Union

FrameType = Literal["connect", "connectack", "send", "sendack"]
Format = Literal["null", "string", "byte", "int16", "int32", "int64", "date", "bytes"]
#: A Custom entry: the value is None, str, int (byte to date) or bytes, as its format says.
Entry = Tuple[str, Format, Union[None, str, int, bytes]]

class Frame(TypedDict):
    type: FrameType
    flag: Optional[int]
    token: Optional[str]
    status_code: Optional[int]
    status_phrase: Optional[str]
    content: List[Entry]

class _FrameInput(TypedDict, total=False):
    type: FrameType
    flag: Optional[int]
    token: Optional[str]
    status_code: Optional[int]
    status_phrase: Optional[str]
    content: List[Entry]

def decode_frame(data: bytes) -> Frame:
    """Reads one frame (one binary WebSocket message); DecodeError names the byte where it goes wrong."""

def encode_frame(frame: Union[Frame, _FrameInput]) -> bytes:
    """Writes a frame as the Java encoder does."""

class TmcMessage:
    """A message TOP pushed."""

    @property
    def id(self) -> int:
        """The id to confirm (exact; usually beyond 2^53)."""
    @property
    def topic(self) -> str: ...
    @property
    def content(self) -> str:
        """The content text (inflated if it came gzip-compressed)."""
    @property
    def compressed(self) -> bool: ...
    @property
    def published(self) -> Optional[int]:
        """Epoch milliseconds."""
    @property
    def out_time(self) -> Optional[int]:
        """Epoch milliseconds."""
    @property
    def publisher(self) -> Optional[str]: ...
    @property
    def nick(self) -> Optional[str]: ...
    @property
    def user_id(self) -> Optional[int]: ...
    @property
    def data_id(self) -> Optional[int]:
        """The business id, e.g. a trade id."""
    @property
    def extra(self) -> List[Entry]:
        """Every other entry of the data frame."""
    def data(self) -> Any:
        """The content's JSON (ints exact)."""

class ConnectedEvent(TypedDict):
    type: Literal["connected"]
    token: str

class MessageEvent(TypedDict):
    type: Literal["message"]
    message: TmcMessage

class RefusedEvent(TypedDict):
    type: Literal["refused"]
    status_code: Optional[int]
    status_phrase: Optional[str]

Event = Union[ConnectedEvent, MessageEvent, RefusedEvent]

class SendAction(TypedDict):
    type: Literal["send"]
    bytes: bytes

class PingAction(TypedDict):
    type: Literal["ping"]

class ReconnectAction(TypedDict):
    type: Literal["reconnect"]

Action = Union[SendAction, PingAction, ReconnectAction]

_Now = Union[datetime, int, None]
_Interval = Union[int, float, timedelta, None]

class TmcSession:
    """A TMC client session without I/O; `repr` never shows the secret."""

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        *,
        group_name: str = "default",
        sdk: Optional[str] = None,
        intranet_ip: Optional[str] = None,
        pull_interval: _Interval = None,
        ping_interval: _Interval = None,
        reconnect_interval: _Interval = None,
        max_content_bytes: Optional[int] = None,
    ) -> None:
        """Intervals in seconds or as timedeltas (defaults 15, 45, 10 s); `max_content_bytes` bounds a gzip content (16 MiB)."""
    @property
    def state(self) -> Literal["closed", "connecting", "online"]: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def app_key(self) -> str: ...
    @property
    def group_name(self) -> str: ...
    def connect(self, now: _Now = None) -> bytes:
        """The CONNECT frame for a freshly opened socket."""
    def receive(self, data: bytes, now: _Now = None) -> List[Event]:
        """The events of one binary message."""
    def confirm(self, id: int) -> bytes:
        """The frame confirming a handled message."""
    def fail(self, id: int, reason: str = "") -> bytes:
        """The frame failing a message (reason cut to 128 UTF-16 units); it is delivered again."""
    def poll(self, now: _Now = None) -> List[Action]:
        """What is due now."""
    def next_deadline(self) -> Optional[int]:
        """When to poll next (epoch ms)."""
    def closed(self, now: _Now = None) -> None:
        """The socket closed or could not open."""
