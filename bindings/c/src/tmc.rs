//! TMC through the C ABI: the frame codec and the session. Frames, events
//! and actions cross as JSON text written by the core
//! (`topwire::tmc::frame_json`, `events_json`, `actions_json`: camelCase
//! keys, integers exact, bytes as lists of byte values); frames to send
//! cross as bytes.

use std::ffi::{c_char, c_void};

use topwire::options::{from_value, TmcSessionConfig};
use topwire::tmc::{self, Style};
use topwire::{Error, Value};

use crate::ffi::{bytes, call, give, handle, handle_mut, put, take, text};
use crate::options::json;
use crate::{TopwireBuffer, TopwireStatus};

/// A TMC client session (sans I/O): the host owns the WebSocket and the
/// clock. Not thread-safe: one call at a time per session.
pub struct TopwireTmcSession {
    inner: tmc::TmcSession,
}

fn json_out(out: *mut TopwireBuffer, text: String) -> Result<(), Error> {
    // SAFETY: the exported function's contract (`out` writable).
    unsafe { put("out", out, TopwireBuffer::new(text.into_bytes())) }
}

fn bytes_out(out: *mut TopwireBuffer, data: Vec<u8>) -> Result<(), Error> {
    // SAFETY: the exported function's contract (`out` writable).
    unsafe { put("out", out, TopwireBuffer::new(data)) }
}

/// Reads one TMC frame (one binary WebSocket message): `*out` gets its JSON,
/// `{"type", "flag", "token", "statusCode", "statusPhrase", "content"}`
/// (absent headers left out; `content` a list of `[key, format, value]`,
/// `bytes` values as lists of byte values). Bytes that are not a frame are
/// `TOPWIRE_STATUS_DECODE_ERROR`, the message naming the byte.
///
/// # Safety
/// `frame` points to `frame_len` readable bytes; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_decode_frame(
    frame: *const c_void,
    frame_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let data = unsafe { bytes("frame", frame.cast::<u8>(), frame_len) }?;
        let frame = tmc::decode_frame(data)?;
        json_out(out, tmc::frame_json(&frame, false))
    })
}

/// Writes a frame given as JSON (as `topwire_tmc_decode_frame` gives it) as
/// the Java encoder does: `*out` gets the bytes.
///
/// # Safety
/// `frame_json` points to `frame_json_len` bytes of UTF-8; `out` writable;
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_encode_frame(
    frame_json: *const c_char,
    frame_json_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let text = unsafe { text("frame", frame_json, frame_json_len) }?;
        let frame = tmc::frame_from_value(&json("frame", text)?.into_owned(), Style::JSON)?;
        bytes_out(out, tmc::encode_frame(&frame)?)
    })
}

/// Makes a session from its options, a JSON object: `appKey` and
/// `appSecret` (required), `groupName` (default `default`), `sdk`,
/// `intranetIp`, `pullIntervalMs` (15000), `pingIntervalMs` (45000),
/// `reconnectIntervalMs` (10000), `maxContentBytes` (16 MiB). Unknown keys
/// are refused. Free it with `topwire_tmc_session_free`.
///
/// # Safety
/// `options` points to `options_len` bytes; `out` to a writable pointer;
/// `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_session_new(
    options: *const c_char,
    options_len: usize,
    out: *mut *mut TopwireTmcSession,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let text = unsafe { text("options", options, options_len) }?;
        let config: TmcSessionConfig = from_value(json("options", text)?)?;
        let inner = config.session()?;
        // SAFETY: as above.
        unsafe { put("out", out, give(TopwireTmcSession { inner })) }
    })
}

/// Frees a session; NULL is a no-op.
///
/// # Safety
/// `session` is NULL or from `topwire_tmc_session_new`, and not freed before.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_session_free(session: *mut TopwireTmcSession) {
    // SAFETY: the caller's contract.
    unsafe { take(session) }
}

/// The CONNECT frame to send on a freshly opened socket, signed at `now_ms`
/// (epoch milliseconds); the session then waits for its CONNECTACK.
///
/// # Safety
/// `session` is live and used by no other call; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_connect(
    session: *mut TopwireTmcSession,
    now_ms: i64,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle_mut("session", session) }?;
        bytes_out(out, session.inner.connect(now_ms))
    })
}

/// Reads one binary message at `now_ms`: `*out` gets a JSON list of events,
/// `{"type": "connected", "token"}`, `{"type": "message", "message": {"id",
/// "topic", "content", "compressed", "published", "outTime", "publisher",
/// "nick", "userId", "dataId", "extra"}}` (ids exact; absent fields left
/// out), `{"type": "refused", "statusCode", "statusPhrase"}`. Frames of
/// another token are dropped (an empty list).
///
/// # Safety
/// `session` is live and used by no other call; `frame` points to
/// `frame_len` readable bytes; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_receive(
    session: *mut TopwireTmcSession,
    frame: *const c_void,
    frame_len: usize,
    now_ms: i64,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle_mut("session", session) }?;
        // SAFETY: the caller's contract, checked for null and length.
        let data = unsafe { bytes("frame", frame.cast::<u8>(), frame_len) }?;
        let events = session.inner.receive(data, now_ms)?;
        json_out(out, tmc::events_json(&events, false))
    })
}

/// The frame confirming message `id` (send it once the message is handled).
/// A session that is not online is a `TOPWIRE_STATUS_VALIDATION_ERROR`.
///
/// # Safety
/// `session` is live; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_confirm(
    session: *const TopwireTmcSession,
    id: i64,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle("session", session) }?;
        bytes_out(out, session.inner.confirm(id)?)
    })
}

/// The frame reporting message `id` as failed; `reason` (UTF-8, NULL with
/// length 0: none) is cut to 128 characters as Java counts them (UTF-16
/// units). The server delivers the message again.
///
/// # Safety
/// `session` is live; `reason` points to `reason_len` bytes (or NULL with
/// 0); `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_fail(
    session: *const TopwireTmcSession,
    id: i64,
    reason: *const c_char,
    reason_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle("session", session) }?;
        // SAFETY: the caller's contract, checked for null and length.
        let reason = unsafe { crate::ffi::opt_text("reason", reason, reason_len) }?;
        bytes_out(out, session.inner.fail(id, reason.unwrap_or(""))?)
    })
}

/// What is due at `now_ms`: `*out` gets a JSON list of actions,
/// `{"type": "send", "bytes": [byte values]}` (a pull frame to send),
/// `{"type": "ping"}` (send a WebSocket ping), `{"type": "reconnect"}`
/// (open a socket, then send `topwire_tmc_connect`'s frame).
///
/// # Safety
/// `session` is live and used by no other call; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_poll(
    session: *mut TopwireTmcSession,
    now_ms: i64,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle_mut("session", session) }?;
        json_out(out, tmc::actions_json(&session.inner.poll(now_ms)))
    })
}

/// When to call `topwire_tmc_poll` next: `*has_deadline` is true and
/// `*deadline_ms` the time (epoch ms), or `*has_deadline` is false while the
/// session waits for the host (a CONNECTACK, a connect).
///
/// # Safety
/// `session` is live; `deadline_ms` and `has_deadline` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_next_deadline(
    session: *const TopwireTmcSession,
    deadline_ms: *mut i64,
    has_deadline: *mut bool,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle("session", session) }?;
        let next = session.inner.next_deadline();
        // SAFETY: the caller's contract.
        unsafe { put("has_deadline", has_deadline, next.is_some()) }?;
        // SAFETY: the caller's contract.
        unsafe { put("deadline_ms", deadline_ms, next.unwrap_or(0)) }
    })
}

/// The socket closed (or could not open) at `now_ms`: polling asks for a
/// reconnect after the reconnect interval.
///
/// # Safety
/// `session` is live and used by no other call; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_closed(
    session: *mut TopwireTmcSession,
    now_ms: i64,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let session = unsafe { handle_mut("session", session) }?;
        session.inner.closed(now_ms);
        Ok(())
    })
}

/// The session's state, `closed`, `connecting` or `online`, and its token
/// while online, as JSON: `{"appKey", "groupName", "state", "token"}` (never
/// the secret).
///
/// # Safety
/// `session` is live; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_tmc_session_state(
    session: *const TopwireTmcSession,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract.
        let s = unsafe { handle("session", session) }?;
        let mut fields = vec![
            ("appKey", Value::from(s.inner.app_key())),
            (
                "groupName",
                Value::from(s.inner.options().group_name.as_str()),
            ),
            ("state", Value::from(s.inner.state_name())),
        ];
        if let Some(token) = s.inner.token() {
            fields.push(("token", Value::from(token)));
        }
        json_out(out, Value::object(fields).to_json())
    })
}
