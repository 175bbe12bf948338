//! TMC messages: what a data frame carries ([`TmcMessage`]), the SEND frames
//! a client writes (pull, confirm, failed) and the data frame a server
//! writes ([`data_frame`]).
//!
//! A SEND frame's Custom entry `__kind` (a byte) says what it is: 1 pull, 2
//! confirm, 3 data, 20 failed.

use std::io::{Read, Write};

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::frame::{Frame, FrameKind, TmcValue};
use crate::wire::error::DecodeError;
use crate::wire::value::Value;

/// `__kind` values (`MessageKind` in the Java SDK).
pub mod kind {
    /// The Custom key that says what a SEND frame is.
    pub const KEY: &str = "__kind";
    /// Client -> server: send me messages.
    pub const PULL: u8 = 1;
    /// Client -> server: this message is handled (`id`).
    pub const CONFIRM: u8 = 2;
    /// Server -> client: a message.
    pub const DATA: u8 = 3;
    /// Client -> server: this message failed (`id`, `msg`); newest SDKs only.
    pub const FAILED: u8 = 20;
}

/// The most characters of a failure reason (`msg` of a failed frame),
/// counted as Java's `String.length` counts them: UTF-16 units.
pub const MAX_FAIL_REASON: usize = 128;

/// The default bound of an inflated (gzip) content: 16 MiB. A gzip bomb
/// beyond it is a [`DecodeError`], not an allocation.
pub const DEFAULT_MAX_CONTENT_BYTES: usize = 16 * 1024 * 1024;

/// The keys of a data frame that [`TmcMessage`] has fields for.
const KNOWN_KEYS: [&str; 10] = [
    kind::KEY,
    "id",
    "topic",
    "content",
    "time",
    "outtime",
    "publisher",
    "nick",
    "userid",
    "dataid",
];

/// A message TOP pushed (a data frame's content).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TmcMessage {
    /// The id to confirm: 64 bits, exact (usually beyond 2^53).
    pub id: i64,
    /// The topic, e.g. `taobao_trade_TradeBuyerPay`.
    pub topic: String,
    /// The content: JSON text (inflated, if it came gzip-compressed).
    pub content: String,
    /// Whether the content came as a gzip byte array.
    pub compressed: bool,
    /// When it was published (`time`), epoch milliseconds.
    pub published: Option<i64>,
    /// When it expires (`outtime`), epoch milliseconds.
    pub out_time: Option<i64>,
    /// The publishing app key (`publisher`).
    pub publisher: Option<String>,
    /// The user's nick (`nick`).
    pub nick: Option<String>,
    /// The user's id (`userid`).
    pub user_id: Option<i64>,
    /// The business id (`dataid`), e.g. a trade id.
    pub data_id: Option<i64>,
    /// Every other Custom entry, in frame order.
    pub extra: Vec<(String, TmcValue)>,
}

impl TmcMessage {
    /// A message of `id` and `topic` with `content` (text, sent as is).
    pub fn new(id: i64, topic: impl Into<String>, content: impl Into<String>) -> TmcMessage {
        TmcMessage {
            id,
            topic: topic.into(),
            content: content.into(),
            ..TmcMessage::default()
        }
    }

    /// The message of a data frame (`__kind` 3). Like Java's map, the last
    /// entry of a repeated key counts. `id` (an integer), `topic` and
    /// `content` (text, or a gzip byte array inflated to at most
    /// `max_content_bytes` of UTF-8) are required.
    pub fn from_frame(frame: &Frame, max_content_bytes: usize) -> Result<TmcMessage, DecodeError> {
        let id = match frame.get("id") {
            Some(TmcValue::Int64(id)) => *id,
            Some(other) => return Err(wrong("id", "an int64", other)),
            None => return Err(missing("id")),
        };
        let topic = match frame.get("topic") {
            Some(TmcValue::String(t)) => t.clone(),
            Some(other) => return Err(wrong("topic", "a string", other)),
            None => return Err(missing("topic")),
        };
        let (content, compressed) = match frame.get("content") {
            Some(TmcValue::String(t)) => (t.clone(), false),
            Some(TmcValue::Bytes(gz)) => (inflate(gz, max_content_bytes)?, true),
            Some(other) => return Err(wrong("content", "a string or bytes (gzip)", other)),
            None => return Err(missing("content")),
        };
        let mut message = TmcMessage {
            id,
            topic,
            content,
            compressed,
            published: date(frame, "time")?,
            out_time: date(frame, "outtime")?,
            publisher: text(frame, "publisher")?,
            nick: text(frame, "nick")?,
            user_id: integer(frame, "userid")?,
            data_id: integer(frame, "dataid")?,
            extra: Vec::new(),
        };
        message.extra = frame
            .content
            .iter()
            .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        Ok(message)
    }

    /// The content's JSON, read by the core's reader: integers stay exact
    /// (a trade id beyond 2^53 too).
    pub fn data(&self) -> Result<Value, DecodeError> {
        crate::wire::json::parse(&self.content).map_err(|e| {
            DecodeError::new(format!(
                "TMC message {}: content is not JSON: {}",
                self.id, e.message
            ))
        })
    }
}

fn missing(key: &str) -> DecodeError {
    DecodeError::new(format!("TMC data frame: no `{key}`"))
}

fn wrong(key: &str, expected: &str, got: &TmcValue) -> DecodeError {
    DecodeError::new(format!(
        "TMC data frame: `{key}` should be {expected}, is {}",
        got.format()
    ))
}

/// An optional date (Java writes `Date`; an int64 of milliseconds is read too).
fn date(frame: &Frame, key: &str) -> Result<Option<i64>, DecodeError> {
    match frame.get(key) {
        None | Some(TmcValue::Null) => Ok(None),
        Some(TmcValue::Date(ms) | TmcValue::Int64(ms)) => Ok(Some(*ms)),
        Some(other) => Err(wrong(key, "a date", other)),
    }
}

fn integer(frame: &Frame, key: &str) -> Result<Option<i64>, DecodeError> {
    match frame.get(key) {
        None | Some(TmcValue::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|_| !matches!(v, TmcValue::Date(_)))
            .map(Some)
            .ok_or_else(|| wrong(key, "an integer", v)),
    }
}

fn text(frame: &Frame, key: &str) -> Result<Option<String>, DecodeError> {
    match frame.get(key) {
        None | Some(TmcValue::Null) => Ok(None),
        Some(TmcValue::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong(key, "a string", other)),
    }
}

/// Gzip data (one member or several, as Java's `GZIPInputStream` reads)
/// inflated to UTF-8 text of at most `limit` bytes.
fn inflate(gz: &[u8], limit: usize) -> Result<String, DecodeError> {
    let mut out = Vec::new();
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    MultiGzDecoder::new(gz)
        .take(bound)
        .read_to_end(&mut out)
        .map_err(|e| {
            DecodeError::new(format!("TMC data frame: `content` is not gzip data: {e}"))
        })?;
    if out.len() > limit {
        return Err(DecodeError::new(format!(
            "TMC data frame: `content` inflates to more than {limit} bytes (the session's maxContentBytes)"
        )));
    }
    String::from_utf8(out).map_err(|e| {
        DecodeError::new(format!(
            "TMC data frame: the inflated `content` is not UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// `text` as gzip data (what a server sends as a compressed content).
pub fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(text.as_bytes());
    encoder.finish().unwrap_or_default()
}

/// A SEND frame of `token` with `__kind` first.
pub(crate) fn send_frame(token: Option<&str>, kind: u8, rest: Vec<(String, TmcValue)>) -> Frame {
    let mut content = Vec::with_capacity(rest.len() + 1);
    content.push((kind::KEY.to_owned(), TmcValue::Byte(kind)));
    content.extend(rest);
    Frame {
        token: token.map(str::to_owned),
        content,
        ..Frame::new(FrameKind::Send)
    }
}

/// The data frame a server sends for `message` on the session of `token`:
/// `__kind` 3, `id`, `topic`, `content` (gzip bytes when
/// `message.compressed`), then the optional keys present (`time`,
/// `outtime`, `publisher`, `nick`, `userid`, `dataid`) and the extras.
pub fn data_frame(token: &str, message: &TmcMessage) -> Frame {
    let content = if message.compressed {
        TmcValue::Bytes(gzip(&message.content))
    } else {
        TmcValue::String(message.content.clone())
    };
    let mut entries = vec![
        ("id".to_owned(), TmcValue::Int64(message.id)),
        ("topic".to_owned(), TmcValue::String(message.topic.clone())),
        ("content".to_owned(), content),
    ];
    let optional = [
        ("time", message.published.map(TmcValue::Date)),
        ("outtime", message.out_time.map(TmcValue::Date)),
        ("publisher", message.publisher.clone().map(TmcValue::String)),
        ("nick", message.nick.clone().map(TmcValue::String)),
        ("userid", message.user_id.map(TmcValue::Int64)),
        ("dataid", message.data_id.map(TmcValue::Int64)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            entries.push((key.to_owned(), value));
        }
    }
    entries.extend(message.extra.iter().cloned());
    send_frame(Some(token), kind::DATA, entries)
}

/// The `__kind` of a SEND frame, if it has a byte one.
pub fn frame_kind(frame: &Frame) -> Option<u8> {
    match frame.get(kind::KEY) {
        Some(TmcValue::Byte(k)) => Some(*k),
        _ => None,
    }
}

/// `reason` cut to [`MAX_FAIL_REASON`] UTF-16 units (Java's
/// `String.length`), never between the halves of a surrogate pair.
pub fn truncate_reason(reason: &str) -> &str {
    let mut units = 0;
    for (i, c) in reason.char_indices() {
        units += c.len_utf16();
        if units > MAX_FAIL_REASON {
            return reason.get(..i).unwrap_or(reason);
        }
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(token: &str) -> TmcMessage {
        TmcMessage {
            published: Some(1_700_000_000_000),
            nick: Some("买家".into()),
            user_id: Some(42),
            data_id: Some(9_007_199_254_740_993),
            extra: vec![("custom".into(), TmcValue::Int32(7))],
            ..TmcMessage::new(
                2_131_800_080_537_681_929,
                "taobao_trade_TradeBuyerPay",
                format!(r#"{{"tid":9007199254740993,"t":"{token}"}}"#),
            )
        }
    }

    #[test]
    fn data_frames_read_back() {
        for compressed in [false, true] {
            let message = TmcMessage {
                compressed,
                ..data("x")
            };
            let frame = data_frame("tok", &message);
            assert_eq!(frame_kind(&frame), Some(kind::DATA));
            let back = TmcMessage::from_frame(&frame, DEFAULT_MAX_CONTENT_BYTES).unwrap();
            assert_eq!(back, message);
            assert_eq!(
                back.data().unwrap().get("tid"),
                Some(&Value::Int(9_007_199_254_740_993))
            );
        }
    }

    #[test]
    fn a_gzip_bomb_is_refused() {
        let big = "0".repeat(2_000_000);
        let frame = data_frame(
            "tok",
            &TmcMessage {
                compressed: true,
                ..TmcMessage::new(1, "t", big)
            },
        );
        let e = TmcMessage::from_frame(&frame, 1_000_000).unwrap_err();
        assert_eq!(
            e.message,
            "TMC data frame: `content` inflates to more than 1000000 bytes (the session's maxContentBytes)"
        );
        let mut bad = frame.clone();
        bad.content[3].1 = TmcValue::Bytes(b"not gzip".to_vec());
        let e = TmcMessage::from_frame(&bad, 1_000_000).unwrap_err();
        assert!(
            e.message
                .starts_with("TMC data frame: `content` is not gzip data"),
            "{}",
            e.message
        );
    }

    #[test]
    fn required_keys() {
        let mut frame = data_frame("tok", &data("x"));
        frame.content.retain(|(k, _)| k != "id");
        assert_eq!(
            TmcMessage::from_frame(&frame, 10).unwrap_err().message,
            "TMC data frame: no `id`"
        );
        frame
            .content
            .push(("id".into(), TmcValue::String("1".into())));
        assert_eq!(
            TmcMessage::from_frame(&frame, 10).unwrap_err().message,
            "TMC data frame: `id` should be an int64, is string"
        );
    }

    #[test]
    fn reasons_are_cut_at_128_utf16_units() {
        assert_eq!(truncate_reason(&"a".repeat(200)).len(), 128);
        let emoji = "😀".repeat(100); // two units each
        assert_eq!(truncate_reason(&emoji).chars().count(), 64);
        let odd = format!("a{}", "😀".repeat(100)); // 1 + 2k units: the pair at 128 is left out
        assert_eq!(truncate_reason(&odd).encode_utf16().count(), 127);
        assert_eq!(truncate_reason("short"), "short");
    }
}
