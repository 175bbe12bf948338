//! TMC, the message channel TOP pushes events through (a trade paid, a
//! refund opened): the binary frame codec, a sans-I/O client session and
//! the server's half for a local channel in tests. May import: `rules`,
//! `wire`.
//!
//! The host owns the WebSocket and the clock; this module reads and writes
//! frames ([`decode_frame`], [`encode_frame`]) and keeps the session's state
//! ([`TmcSession`]). Facts in PROTOCOL.md, "The message channel"; where it
//! and the Java SDK disagree, the Java SDK decides.
//!
//! Server side (the local channel): [`ConnectRequest`] / [`check_connect`]
//! read and check a CONNECT, [`connect_ack`] / [`connect_refused`] answer
//! it, [`ClientRequest`] reads pull, confirm and failed frames, and
//! [`data_frame`] builds the frame of a [`TmcMessage`].
//!
//! Behind the cargo feature `tmc` (on by default): the browser wasm build
//! leaves it out, since an app secret has no place in a browser.

mod frame;
mod json_out;
mod message;
mod record;
mod server;
mod session;

pub use frame::{
    decode_frame, encode_frame, format_code, Frame, FrameKind, TmcValue, PROTOCOL_VERSION,
};
pub use json_out::{actions_json, events_json, frame_json};
pub use message::{
    data_frame, frame_kind, gzip, kind, truncate_reason, TmcMessage, DEFAULT_MAX_CONTENT_BYTES,
    MAX_FAIL_REASON,
};
pub use record::{
    action_to_value, event_to_value, frame_from_value, frame_to_value, message_to_value,
    tmc_value_from_value, tmc_value_to_value, Style,
};
pub use server::{
    check_connect, connect_ack, connect_refused, connect_sign, ClientRequest, ConnectRequest,
};
pub use session::{
    Action, Event, TmcOptions, TmcSession, DEFAULT_GROUP_NAME, DEFAULT_PING_INTERVAL_MS,
    DEFAULT_PULL_INTERVAL_MS, DEFAULT_RECONNECT_INTERVAL_MS,
};
