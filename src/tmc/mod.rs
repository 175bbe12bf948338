//! TMC, the message channel TOP pushes events through (a trade paid, a
//! refund opened): the binary frame codec and a sans-I/O session.
//!
//! The host owns the WebSocket and the clock; this module reads and writes
//! frames ([`decode_frame`], [`encode_frame`]) and keeps the session's state
//! ([`TmcSession`]). Facts in PROTOCOL.md, "The message channel"; where it
//! and the Java SDK disagree, the Java SDK decides.
//!
//! Behind the cargo feature `tmc` (on by default): the browser wasm build
//! leaves it out, since an app secret has no place in a browser.

mod frame;

pub use frame::{
    decode_frame, encode_frame, format_code, Frame, FrameKind, TmcValue, PROTOCOL_VERSION,
};
