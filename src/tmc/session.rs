//! The client side of a TMC connection without I/O (as quinn-proto or h11
//! are): the host owns the WebSocket and the clock and tells the session
//! what happened; the session says what to send and when to come back.
//!
//! ```text
//!   closed ──connect()──> connecting ──CONNECTACK──> online (token)
//!     ^                      │ refusal                   │
//!     └──── closed() / Refused ◄─────────────────────────┘ closed()
//! ```
//!
//! - [`TmcSession::connect`]: the CONNECT frame, signed (md5 over `app_key`,
//!   `group_name`, `timestamp`); send it once the socket is open.
//! - [`TmcSession::receive`]: each binary message; gives [`Event`]s.
//! - [`TmcSession::confirm`] / [`TmcSession::fail`]: frames to send once the
//!   host has handled a message (confirm-after-handling is the host's choice).
//! - [`TmcSession::poll`] at [`TmcSession::next_deadline`]: what is due
//!   ([`Action`]): a pull frame as soon as the session is online and every
//!   pull interval after, a WebSocket ping when nothing arrived for the ping
//!   interval, a reconnect the reconnect interval after [`TmcSession::closed`].

use std::fmt;

use super::frame::{encode_frame, Frame, FrameKind, TmcValue};
use super::message::{
    frame_kind, kind, send_frame, truncate_reason, TmcMessage, DEFAULT_MAX_CONTENT_BYTES,
};
use super::server::connect_sign;
use crate::wire::error::{DecodeError, ValidationError};

/// How a session connects and how often it acts. Every interval is in
/// milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TmcOptions {
    /// The message group (`group_name`); default `default`.
    pub group_name: String,
    /// The client's name and version sent as `sdk`; default `topwire-<version>`.
    pub sdk: String,
    /// The host's intranet address sent as `intranet_ip`, when given.
    pub intranet_ip: Option<String>,
    /// A pull frame this often while online; default 15 s (as the Java client).
    pub pull_interval_ms: i64,
    /// A WebSocket ping after this long without a frame received; default 45 s.
    pub ping_interval_ms: i64,
    /// A reconnect this long after the socket closed; default 10 s.
    pub reconnect_interval_ms: i64,
    /// The most bytes a gzip content may inflate to; default 16 MiB.
    pub max_content_bytes: usize,
}

/// The default pull interval: 15 s.
pub const DEFAULT_PULL_INTERVAL_MS: i64 = 15_000;
/// The default ping interval: 45 s.
pub const DEFAULT_PING_INTERVAL_MS: i64 = 45_000;
/// The default reconnect interval: 10 s.
pub const DEFAULT_RECONNECT_INTERVAL_MS: i64 = 10_000;
/// The default message group.
pub const DEFAULT_GROUP_NAME: &str = "default";

impl Default for TmcOptions {
    fn default() -> Self {
        TmcOptions {
            group_name: DEFAULT_GROUP_NAME.to_owned(),
            sdk: concat!("topwire-", env!("CARGO_PKG_VERSION")).to_owned(),
            intranet_ip: None,
            pull_interval_ms: DEFAULT_PULL_INTERVAL_MS,
            ping_interval_ms: DEFAULT_PING_INTERVAL_MS,
            reconnect_interval_ms: DEFAULT_RECONNECT_INTERVAL_MS,
            max_content_bytes: DEFAULT_MAX_CONTENT_BYTES,
        }
    }
}

/// What [`TmcSession::receive`] makes of a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The server accepted the CONNECT: the session is online.
    Connected {
        /// The session's token (every later frame carries it).
        token: String,
    },
    /// A message to handle, then to confirm (or fail).
    Message(TmcMessage),
    /// The server refused the CONNECT (a bad signature, an unknown app...).
    Refused {
        /// The StatusCode, when one was sent.
        status_code: Option<i32>,
        /// The StatusPhrase, when one was sent.
        status_phrase: Option<String>,
    },
}

/// What [`TmcSession::poll`] says is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send these bytes as one binary WebSocket message (a pull frame).
    Send(Vec<u8>),
    /// Send a WebSocket ping (the connection has been quiet).
    Ping,
    /// Open a new socket, then send [`TmcSession::connect`]'s frame.
    Reconnect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// No socket; reconnect at this time when set.
    Closed { reconnect_at: Option<i64> },
    /// CONNECT sent with this flag; waiting for its CONNECTACK.
    Connecting { flag: i32 },
    /// Online with this token; the next pull is due at `next_pull`.
    Online { token: String, next_pull: i64 },
}

/// A TMC client session (see the module notes).
#[derive(Clone)]
pub struct TmcSession {
    app_key: String,
    app_secret: String,
    options: TmcOptions,
    state: State,
    /// The Flag of the last CONNECT (its CONNECTACK carries the same).
    flag: i32,
    /// When a frame last arrived (or a ping was asked for).
    quiet_since: i64,
}

impl fmt::Debug for TmcSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcSession")
            .field("app_key", &self.app_key)
            .field("app_secret", &"***")
            .field("options", &self.options)
            .field("state", &self.state_name())
            .finish_non_exhaustive()
    }
}

/// Longest text a session puts in a frame (app key, group, sdk, ip): far
/// under what an `i32` length can say, so its frames always encode.
const MAX_TEXT: usize = 64 * 1024;

fn check_text(field: &str, text: &str, required: bool) -> Result<(), ValidationError> {
    if required && text.is_empty() {
        return Err(ValidationError::new(
            field,
            "a non-empty string",
            "an empty string",
        ));
    }
    if text.len() > MAX_TEXT {
        return Err(ValidationError::new(
            field,
            format!("at most {MAX_TEXT} bytes"),
            format!("{} bytes", text.len()),
        ));
    }
    Ok(())
}

fn check_interval(field: &str, ms: i64) -> Result<(), ValidationError> {
    if ms <= 0 {
        return Err(ValidationError::new(
            field,
            "a positive number of milliseconds",
            format!("{ms}"),
        ));
    }
    Ok(())
}

impl TmcSession {
    /// A closed session of this app. Every option is checked here.
    pub fn new(
        app_key: &str,
        app_secret: &str,
        options: TmcOptions,
    ) -> Result<TmcSession, ValidationError> {
        check_text("app_key", app_key, true)?;
        check_text("app_secret", app_secret, true)?;
        check_text("group_name", &options.group_name, true)?;
        check_text("sdk", &options.sdk, false)?;
        check_text(
            "intranet_ip",
            options.intranet_ip.as_deref().unwrap_or(""),
            false,
        )?;
        check_interval("pull_interval_ms", options.pull_interval_ms)?;
        check_interval("ping_interval_ms", options.ping_interval_ms)?;
        check_interval("reconnect_interval_ms", options.reconnect_interval_ms)?;
        Ok(TmcSession {
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            options,
            state: State::Closed { reconnect_at: None },
            flag: 0,
            quiet_since: 0,
        })
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        &self.app_key
    }

    /// The options.
    pub fn options(&self) -> &TmcOptions {
        &self.options
    }

    /// `closed`, `connecting` or `online`.
    pub fn state_name(&self) -> &'static str {
        match self.state {
            State::Closed { .. } => "closed",
            State::Connecting { .. } => "connecting",
            State::Online { .. } => "online",
        }
    }

    /// The token while online.
    pub fn token(&self) -> Option<&str> {
        match &self.state {
            State::Online { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The CONNECT frame to send on a freshly opened socket, signed at
    /// `now_ms`; the session then waits for its CONNECTACK (a session that
    /// was online forgets its token: a new connection gets a new one).
    pub fn connect(&mut self, now_ms: i64) -> Vec<u8> {
        // 1, 2, ... and back to 1: always > 0, so the Flag is written.
        self.flag = if self.flag == i32::MAX {
            1
        } else {
            self.flag + 1
        };
        self.state = State::Connecting { flag: self.flag };
        self.quiet_since = now_ms;
        let timestamp = now_ms.to_string();
        let group = &self.options.group_name;
        let sign = connect_sign(&self.app_key, group, &timestamp, &self.app_secret);
        let text = |s: &str| TmcValue::String(s.to_owned());
        let mut content = vec![
            ("app_key".to_owned(), text(&self.app_key)),
            ("group_name".to_owned(), text(group)),
            ("timestamp".to_owned(), text(&timestamp)),
            ("sign".to_owned(), text(&sign)),
            ("sdk".to_owned(), text(&self.options.sdk)),
        ];
        if let Some(ip) = &self.options.intranet_ip {
            content.push(("intranet_ip".to_owned(), text(ip)));
        }
        encode(&Frame {
            flag: Some(self.flag),
            content,
            ..Frame::new(FrameKind::Connect)
        })
    }

    /// Reads one binary message from the socket at `now_ms`. A frame that
    /// does not fit the state is dropped as the Java client drops it (no
    /// event): a CONNECTACK with another Flag or when not connecting, a
    /// frame with another token than the session's, a SEND other than a
    /// data frame. Bytes that are not a frame, and a data frame missing
    /// `id`, `topic` or `content`, are a [`DecodeError`].
    pub fn receive(&mut self, bytes: &[u8], now_ms: i64) -> Result<Vec<Event>, DecodeError> {
        let frame = super::frame::decode_frame(bytes)?;
        self.quiet_since = now_ms;
        match (&self.state, frame.kind) {
            (State::Connecting { flag }, FrameKind::ConnectAck) if frame.flag == Some(*flag) => {
                self.connect_ack(frame, now_ms)
            }
            (State::Online { token, .. }, FrameKind::Send)
                if frame.token.as_deref() == Some(token.as_str())
                    && frame_kind(&frame) == Some(kind::DATA) =>
            {
                let message = TmcMessage::from_frame(&frame, self.options.max_content_bytes)?;
                Ok(vec![Event::Message(message)])
            }
            _ => Ok(Vec::new()),
        }
    }

    fn connect_ack(&mut self, frame: Frame, now_ms: i64) -> Result<Vec<Event>, DecodeError> {
        let refused = frame.status_code.is_some_and(|c| c > 0)
            || frame
                .status_phrase
                .as_deref()
                .is_some_and(|p| !p.is_empty());
        if refused {
            self.state = State::Closed { reconnect_at: None };
            return Ok(vec![Event::Refused {
                status_code: frame.status_code,
                status_phrase: frame.status_phrase,
            }]);
        }
        let token = frame.token.filter(|t| !t.is_empty()).ok_or_else(|| {
            DecodeError::new("TMC CONNECTACK: neither a token nor a refusal status")
        })?;
        self.state = State::Online {
            token: token.clone(),
            next_pull: now_ms,
        };
        Ok(vec![Event::Connected { token }])
    }

    fn online_token(&self, what: &str) -> Result<&str, ValidationError> {
        match &self.state {
            State::Online { token, .. } => Ok(token),
            other => Err(ValidationError::new(
                "session",
                format!("an online session ({what} needs its token)"),
                match other {
                    State::Connecting { .. } => "a session waiting for CONNECTACK",
                    _ => "a closed session",
                },
            )),
        }
    }

    /// The frame that confirms message `id` (send it once the message is
    /// handled). A ValidationError when the session is not online: the
    /// token of a closed connection is no longer the server's.
    pub fn confirm(&self, id: i64) -> Result<Vec<u8>, ValidationError> {
        let token = self.online_token("confirm")?;
        let id = ("id".to_owned(), TmcValue::Int64(id));
        Ok(encode(&send_frame(Some(token), kind::CONFIRM, vec![id])))
    }

    /// The frame that reports message `id` as failed, with `reason` cut to
    /// 128 characters as Java's `String.length` counts them (UTF-16 units,
    /// never splitting a surrogate pair). The server delivers it again.
    pub fn fail(&self, id: i64, reason: &str) -> Result<Vec<u8>, ValidationError> {
        let token = self.online_token("fail")?;
        let entries = vec![
            ("id".to_owned(), TmcValue::Int64(id)),
            (
                "msg".to_owned(),
                TmcValue::String(truncate_reason(reason).to_owned()),
            ),
        ];
        Ok(encode(&send_frame(Some(token), kind::FAILED, entries)))
    }

    /// The pull frame (sent by [`TmcSession::poll`] on its own schedule).
    fn pull(token: &str) -> Vec<u8> {
        encode(&send_frame(Some(token), kind::PULL, Vec::new()))
    }

    /// What is due at `now_ms` (see the module notes). Call it at
    /// [`TmcSession::next_deadline`] and after each `receive`/`closed`.
    pub fn poll(&mut self, now_ms: i64) -> Vec<Action> {
        let mut actions = Vec::new();
        let ping_at = self
            .quiet_since
            .saturating_add(self.options.ping_interval_ms);
        match &mut self.state {
            State::Online { token, next_pull } => {
                if now_ms >= *next_pull {
                    actions.push(Action::Send(Self::pull(token)));
                    *next_pull = now_ms.saturating_add(self.options.pull_interval_ms);
                }
                if now_ms >= ping_at {
                    actions.push(Action::Ping);
                    self.quiet_since = now_ms;
                }
            }
            State::Closed { reconnect_at } => {
                if reconnect_at.is_some_and(|at| now_ms >= at) {
                    *reconnect_at = None;
                    actions.push(Action::Reconnect);
                }
            }
            State::Connecting { .. } => {}
        }
        actions
    }

    /// When [`TmcSession::poll`] has something to do next (epoch ms), or
    /// `None` while it waits for the host (a CONNECTACK, a `connect`).
    pub fn next_deadline(&self) -> Option<i64> {
        match &self.state {
            State::Online { next_pull, .. } => Some(
                (*next_pull).min(
                    self.quiet_since
                        .saturating_add(self.options.ping_interval_ms),
                ),
            ),
            State::Closed { reconnect_at } => *reconnect_at,
            State::Connecting { .. } => None,
        }
    }

    /// The socket closed (or could not open) at `now_ms`: the session is
    /// closed and [`TmcSession::poll`] asks for a reconnect after the
    /// reconnect interval.
    pub fn closed(&mut self, now_ms: i64) {
        self.state = State::Closed {
            reconnect_at: Some(now_ms.saturating_add(self.options.reconnect_interval_ms)),
        };
    }
}

/// A session's frame as bytes. Its strings were checked by
/// [`TmcSession::new`] (at most 64 KiB each) and a failure reason is cut to
/// 128 characters, so encoding never meets a length beyond an `i32`.
fn encode(frame: &Frame) -> Vec<u8> {
    encode_frame(frame).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tmc::frame::decode_frame;
    use crate::tmc::message::data_frame;
    use crate::tmc::server::{connect_ack, connect_refused, ConnectRequest};

    const NOW: i64 = 1_394_864_359_897;

    fn session() -> TmcSession {
        TmcSession::new("12345678", "SECRET", TmcOptions::default()).unwrap()
    }

    fn online(s: &mut TmcSession) -> String {
        let connect = decode_frame(&s.connect(NOW)).unwrap();
        let ack = connect_ack(connect.flag, "tok-1");
        let events = s.receive(&encode_frame(&ack).unwrap(), NOW + 5).unwrap();
        assert_eq!(
            events,
            vec![Event::Connected {
                token: "tok-1".into()
            }]
        );
        "tok-1".into()
    }

    #[test]
    fn connect_is_signed_as_the_protocol_notes_say() {
        let mut s = session();
        let frame = decode_frame(&s.connect(NOW)).unwrap();
        assert_eq!(frame.kind, FrameKind::Connect);
        assert_eq!(frame.flag, Some(1));
        let req = ConnectRequest::from_frame(&frame).unwrap();
        assert_eq!(req.sign, "004BF371AEC8A4917B21307A14A34CD4");
        assert_eq!(req.group_name, "default");
        assert_eq!(req.timestamp, "1394864359897");
        assert!(req.verify("SECRET").is_ok());
        assert_eq!(s.state_name(), "connecting");
        assert_eq!(s.next_deadline(), None);
    }

    #[test]
    fn handshake_then_pull_at_once_and_every_interval() {
        let mut s = session();
        let token = online(&mut s);
        assert_eq!(s.token(), Some("tok-1"));
        assert_eq!(s.next_deadline(), Some(NOW + 5));
        let actions = s.poll(NOW + 5);
        let Action::Send(pull) = &actions[0] else {
            panic!("{actions:?}")
        };
        let pull = decode_frame(pull).unwrap();
        assert_eq!(pull.token.as_deref(), Some(token.as_str()));
        assert_eq!(pull.content, vec![("__kind".into(), TmcValue::Byte(1))]);
        assert_eq!(actions.len(), 1);
        assert_eq!(s.next_deadline(), Some(NOW + 5 + 15_000));
        assert!(s.poll(NOW + 5 + 14_999).is_empty());
        assert_eq!(s.poll(NOW + 5 + 15_000).len(), 1);
    }

    #[test]
    fn ping_after_quiet_interval() {
        let mut s = TmcSession::new(
            "k",
            "s",
            TmcOptions {
                pull_interval_ms: 1_000_000,
                ..TmcOptions::default()
            },
        )
        .unwrap();
        online(&mut s);
        s.poll(NOW + 5);
        assert_eq!(s.next_deadline(), Some(NOW + 5 + 45_000));
        assert_eq!(s.poll(NOW + 5 + 45_000), vec![Action::Ping]);
        assert_eq!(s.next_deadline(), Some(NOW + 5 + 90_000));
        // A frame arriving resets the quiet time.
        s.receive(
            &encode_frame(&Frame::new(FrameKind::SendAck)).unwrap(),
            NOW + 60_000,
        )
        .unwrap();
        assert_eq!(s.next_deadline(), Some(NOW + 60_000 + 45_000));
    }

    #[test]
    fn messages_confirm_and_fail() {
        let mut s = session();
        let token = online(&mut s);
        let msg = TmcMessage::new(
            2_131_800_080_537_681_929,
            "taobao_trade_TradeBuyerPay",
            "{}",
        );
        let bytes = encode_frame(&data_frame(&token, &msg)).unwrap();
        assert_eq!(
            s.receive(&bytes, NOW + 10).unwrap(),
            vec![Event::Message(msg)]
        );
        let confirm = decode_frame(&s.confirm(2_131_800_080_537_681_929).unwrap()).unwrap();
        assert_eq!(
            confirm.content,
            vec![
                ("__kind".into(), TmcValue::Byte(2)),
                ("id".into(), TmcValue::Int64(2_131_800_080_537_681_929))
            ]
        );
        let fail = decode_frame(&s.fail(7, &"x".repeat(300)).unwrap()).unwrap();
        assert_eq!(fail.get("__kind"), Some(&TmcValue::Byte(20)));
        assert_eq!(fail.get("msg"), Some(&TmcValue::String("x".repeat(128))));
    }

    #[test]
    fn frames_of_another_token_or_flag_are_dropped() {
        let mut s = session();
        let connect = decode_frame(&s.connect(NOW)).unwrap();
        let wrong_flag = connect_ack(connect.flag.map(|f| f + 1), "tok-x");
        assert!(s
            .receive(&encode_frame(&wrong_flag).unwrap(), NOW)
            .unwrap()
            .is_empty());
        assert_eq!(s.state_name(), "connecting");
        let token = online(&mut s);
        let msg = TmcMessage::new(1, "t", "{}");
        let other = encode_frame(&data_frame("someone-else", &msg)).unwrap();
        assert!(s.receive(&other, NOW).unwrap().is_empty());
        let ours = encode_frame(&data_frame(&token, &msg)).unwrap();
        assert_eq!(s.receive(&ours, NOW).unwrap().len(), 1);
        // A data frame before the handshake is dropped too.
        s.closed(NOW);
        assert!(s.receive(&ours, NOW).unwrap().is_empty());
    }

    #[test]
    fn refusal_then_reconnect_after_close() {
        let mut s = session();
        let connect = decode_frame(&s.connect(NOW)).unwrap();
        let refusal = connect_refused(connect.flag, 403, "bad sign");
        assert_eq!(
            s.receive(&encode_frame(&refusal).unwrap(), NOW).unwrap(),
            vec![Event::Refused {
                status_code: Some(403),
                status_phrase: Some("bad sign".into())
            }]
        );
        assert_eq!(s.state_name(), "closed");
        assert!(s.confirm(1).is_err());
        s.closed(NOW + 1);
        assert_eq!(s.next_deadline(), Some(NOW + 10_001));
        assert!(s.poll(NOW + 10_000).is_empty());
        assert_eq!(s.poll(NOW + 10_001), vec![Action::Reconnect]);
        assert_eq!(s.next_deadline(), None);
        // A new CONNECT gets a new flag.
        assert_eq!(
            decode_frame(&s.connect(NOW + 10_002)).unwrap().flag,
            Some(2)
        );
    }

    #[test]
    fn confirm_needs_an_online_session() {
        let mut s = session();
        let e = s.confirm(1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "session: expected an online session (confirm needs its token), got a closed session"
        );
        s.connect(NOW);
        assert_eq!(
            s.fail(1, "x").unwrap_err().got,
            "a session waiting for CONNECTACK"
        );
    }

    #[test]
    fn options_are_checked_and_the_secret_never_shown() {
        let bad = TmcOptions {
            pull_interval_ms: 0,
            ..TmcOptions::default()
        };
        assert_eq!(
            TmcSession::new("k", "s", bad).unwrap_err().to_string(),
            "pull_interval_ms: expected a positive number of milliseconds, got 0"
        );
        assert_eq!(
            TmcSession::new("k", "", TmcOptions::default())
                .unwrap_err()
                .field,
            "app_secret"
        );
        let shown = format!(
            "{:?}",
            TmcSession::new("k", "hush-hush", TmcOptions::default()).unwrap()
        );
        assert!(!shown.contains("hush-hush"), "{shown}");
    }
}
