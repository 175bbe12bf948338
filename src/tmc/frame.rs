//! The TMC frame codec: one binary WebSocket message <-> a [`Frame`].
//!
//! The layout is the Java SDK's `MessageEncoder02`/`MessageDecoder02`
//! (PROTOCOL.md, "The message channel"): protocol version `2`, the message
//! type, then headers, each an `i16` type and its body, ending with type `0`;
//! every integer little-endian.
//!
//! [`encode_frame`] writes as the Java encoder does: StatusCode only if > 0,
//! StatusPhrase only if non-empty, Flag only if > 0, Token only if non-empty,
//! then one Custom header per content entry, in order. [`decode_frame`]
//! accepts the headers in any order and reports what the bytes hold, so
//! `encode_frame(decode_frame(b)) == b` for every frame the Java encoder
//! writes. A frame it would not write decodes fine but encodes to Java's
//! form: a Flag or StatusCode of 0 or less is dropped, as is an empty Token
//! or StatusPhrase, and the headers come out in Java's order.
//!
//! Where this reader is stricter than Java's (which ignores what it does not
//! know and reads past the end into exceptions): an unknown header type or
//! value format, a negative length, a second StatusCode/StatusPhrase/Flag/
//! Token header and bytes after the end of the headers are each a
//! [`DecodeError`] naming the byte offset, never a guess. A counted string
//! of length 0, which Java reads as `null`, is the empty string here (and an
//! empty string is written with length 0, as Java writes `null` and `""`).
//!
//! Decoding is one pass over the input; no length field makes it allocate
//! more than the bytes that are actually there.

use crate::wire::error::{DecodeError, ValidationError};

/// The protocol version every current SDK writes (version 1 is not read).
pub const PROTOCOL_VERSION: u8 = 2;

/// Header types (`MessageType.HeaderType` in the Java SDK).
mod header {
    pub const END: i16 = 0;
    pub const CUSTOM: i16 = 1;
    pub const STATUS_CODE: i16 = 2;
    pub const STATUS_PHRASE: i16 = 3;
    pub const FLAG: i16 = 4;
    pub const TOKEN: i16 = 5;
}

/// A frame's message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// 0: the client's handshake.
    Connect,
    /// 1: the server's answer to CONNECT (a token, or a refusal).
    ConnectAck,
    /// 2: a message either way (pull, confirm, data, failed).
    Send,
    /// 3: an acknowledgement of a SEND (not used by the TMC client).
    SendAck,
}

impl FrameKind {
    /// Every kind, in wire order.
    pub const ALL: [FrameKind; 4] = [
        FrameKind::Connect,
        FrameKind::ConnectAck,
        FrameKind::Send,
        FrameKind::SendAck,
    ];

    /// The wire code: CONNECT 0, CONNECTACK 1, SEND 2, SENDACK 3.
    pub fn code(self) -> u8 {
        match self {
            FrameKind::Connect => 0,
            FrameKind::ConnectAck => 1,
            FrameKind::Send => 2,
            FrameKind::SendAck => 3,
        }
    }

    /// The kind of a wire code.
    pub fn from_code(code: u8) -> Option<FrameKind> {
        FrameKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name every binding uses: `connect`, `connectack`, `send`, `sendack`.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameKind::Connect => "connect",
            FrameKind::ConnectAck => "connectack",
            FrameKind::Send => "send",
            FrameKind::SendAck => "sendack",
        }
    }

    /// The kind of a name (see [`FrameKind::as_str`]).
    pub fn parse(name: &str) -> Result<FrameKind, ValidationError> {
        FrameKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                ValidationError::new(
                    "type",
                    "one of connect, connectack, send, sendack",
                    quoted(name),
                )
            })
    }
}

/// A Custom header's value, with its wire format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TmcValue {
    /// Format 0 (`null`): no payload.
    Null,
    /// Format 1 (`string`): a counted UTF-8 string.
    String(String),
    /// Format 2 (`byte`): one byte (e.g. `__kind`).
    Byte(u8),
    /// Format 3 (`int16`).
    Int16(i16),
    /// Format 4 (`int32`).
    Int32(i32),
    /// Format 5 (`int64`): message ids, user ids.
    Int64(i64),
    /// Format 6 (`date`): milliseconds since the Unix epoch.
    Date(i64),
    /// Format 7 (`bytes`): a counted byte array (a gzip-compressed content).
    Bytes(Vec<u8>),
}

/// Format names, by wire code.
const FORMATS: [&str; 8] = [
    "null", "string", "byte", "int16", "int32", "int64", "date", "bytes",
];

impl TmcValue {
    /// The wire code of the value's format (0-7).
    pub fn format_code(&self) -> u8 {
        match self {
            TmcValue::Null => 0,
            TmcValue::String(_) => 1,
            TmcValue::Byte(_) => 2,
            TmcValue::Int16(_) => 3,
            TmcValue::Int32(_) => 4,
            TmcValue::Int64(_) => 5,
            TmcValue::Date(_) => 6,
            TmcValue::Bytes(_) => 7,
        }
    }

    /// The format's name every binding uses: `null`, `string`, `byte`,
    /// `int16`, `int32`, `int64`, `date`, `bytes`.
    pub fn format(&self) -> &'static str {
        FORMATS
            .get(usize::from(self.format_code()))
            .copied()
            .unwrap_or("null")
    }

    /// The value as an integer, for the integer formats (byte to date).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            TmcValue::Byte(b) => Some(i64::from(*b)),
            TmcValue::Int16(n) => Some(i64::from(*n)),
            TmcValue::Int32(n) => Some(i64::from(*n)),
            TmcValue::Int64(n) | TmcValue::Date(n) => Some(*n),
            _ => None,
        }
    }

    /// The text of a `string` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TmcValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Checks a format name (see [`TmcValue::format`]) and returns its wire code.
pub fn format_code(name: &str) -> Option<u8> {
    FORMATS
        .iter()
        .position(|f| *f == name)
        .and_then(|i| u8::try_from(i).ok())
}

/// One TMC frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The message type.
    pub kind: FrameKind,
    /// The Flag header (CONNECT and its CONNECTACK carry the same one).
    pub flag: Option<i32>,
    /// The Token header: the session's token, on every frame after the handshake.
    pub token: Option<String>,
    /// The StatusCode header: > 0 on a CONNECTACK is a refusal.
    pub status_code: Option<i32>,
    /// The StatusPhrase header: the reason of a refusal.
    pub status_phrase: Option<String>,
    /// The Custom headers in order: `(key, value)`.
    pub content: Vec<(String, TmcValue)>,
}

impl Frame {
    /// A frame of `kind` with no headers.
    pub fn new(kind: FrameKind) -> Frame {
        Frame {
            kind,
            flag: None,
            token: None,
            status_code: None,
            status_phrase: None,
            content: Vec::new(),
        }
    }

    /// The value of the last Custom entry named `key` (Java reads the
    /// entries into a map, where the last one wins).
    pub fn get(&self, key: &str) -> Option<&TmcValue> {
        self.content
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

// ---- decoding ----

/// Reads one frame (one whole binary WebSocket message).
pub fn decode_frame(bytes: &[u8]) -> Result<Frame, DecodeError> {
    let mut r = Reader { bytes, pos: 0 };
    let version = r.u8("the protocol version")?;
    if version != PROTOCOL_VERSION {
        return Err(error(
            0,
            format!("protocol version {version}, expected {PROTOCOL_VERSION}"),
        ));
    }
    let code = r.u8("the message type")?;
    let kind = FrameKind::from_code(code).ok_or_else(|| {
        error(
            1,
            format!("unknown message type {code} (expected 0 connect, 1 connectack, 2 send or 3 sendack)"),
        )
    })?;
    let mut frame = Frame::new(kind);
    loop {
        let at = r.pos;
        match r.i16("a header type")? {
            header::END => break,
            header::CUSTOM => {
                let key = r.counted_string("a content key")?;
                let value = r.value()?;
                frame.content.push((key, value));
            }
            header::STATUS_CODE => once(&mut frame.status_code, r.i32("the status code")?, at)?,
            header::STATUS_PHRASE => once(
                &mut frame.status_phrase,
                r.counted_string("the status phrase")?,
                at,
            )?,
            header::FLAG => once(&mut frame.flag, r.i32("the flag")?, at)?,
            header::TOKEN => once(&mut frame.token, r.counted_string("the token")?, at)?,
            other => {
                return Err(error(
                    at,
                    format!("unknown header type {other} (expected 0-5)"),
                ))
            }
        }
    }
    let left = bytes.len().saturating_sub(r.pos);
    if left > 0 {
        return Err(error(
            r.pos,
            format!("{} after the end of the headers", count(left)),
        ));
    }
    Ok(frame)
}

/// Sets a header that may occur once.
fn once<T>(slot: &mut Option<T>, value: T, at: usize) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(error(at, "the same header a second time".to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

/// A decode error at byte `at` of the frame.
fn error(at: usize, what: String) -> DecodeError {
    DecodeError::new(format!("TMC frame, byte {at}: {what}"))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// The next `n` bytes, holding `what`.
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.bytes.get(self.pos..end)) {
            Some(run) => {
                self.pos += n;
                Ok(run)
            }
            None => Err(error(
                self.pos,
                format!(
                    "truncated: {what} needs {}, {} left",
                    count(n),
                    self.bytes.len().saturating_sub(self.pos)
                ),
            )),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let run = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(run);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(u8::from_le_bytes(self.array(what)?))
    }

    fn i16(&mut self, what: &str) -> Result<i16, DecodeError> {
        Ok(i16::from_le_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn i64(&mut self, what: &str) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// An `i32` length, then that many bytes (checked against what is left
    /// before anything is allocated).
    fn counted(&mut self, what: &str) -> Result<&'a [u8], DecodeError> {
        let at = self.pos;
        let len = self.i32(what)?;
        let len = usize::try_from(len)
            .map_err(|_| error(at, format!("{what} has a negative length ({len})")))?;
        let left = self.bytes.len().saturating_sub(self.pos);
        if len > left {
            return Err(error(
                at,
                format!("{what} declares {}, only {left} left", count(len)),
            ));
        }
        self.take(len, what)
    }

    fn counted_string(&mut self, what: &str) -> Result<String, DecodeError> {
        let start = self.pos.saturating_add(4);
        let run = self.counted(what)?;
        match std::str::from_utf8(run) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => Err(error(
                start.saturating_add(e.valid_up_to()),
                format!("{what} is not UTF-8"),
            )),
        }
    }

    /// A Custom header's value format and value.
    fn value(&mut self) -> Result<TmcValue, DecodeError> {
        let at = self.pos;
        Ok(match self.u8("a value format")? {
            0 => TmcValue::Null,
            1 => TmcValue::String(self.counted_string("a string value")?),
            2 => TmcValue::Byte(self.u8("a byte value")?),
            3 => TmcValue::Int16(self.i16("an int16 value")?),
            4 => TmcValue::Int32(self.i32("an int32 value")?),
            5 => TmcValue::Int64(self.i64("an int64 value")?),
            6 => TmcValue::Date(self.i64("a date value")?),
            7 => TmcValue::Bytes(self.counted("a bytes value")?.to_vec()),
            other => {
                return Err(error(
                    at,
                    format!("unknown value format {other} (expected 0-7)"),
                ))
            }
        })
    }
}

// ---- encoding ----

/// Writes a frame as the Java encoder does (see the module notes). Fails
/// only for a string or byte array longer than an `i32` length can say.
pub fn encode_frame(frame: &Frame) -> Result<Vec<u8>, ValidationError> {
    let mut w = Writer(Vec::with_capacity(encoded_len(frame)));
    w.0.push(PROTOCOL_VERSION);
    w.0.push(frame.kind.code());
    if let Some(code) = frame.status_code.filter(|c| *c > 0) {
        w.header(header::STATUS_CODE);
        w.0.extend_from_slice(&code.to_le_bytes());
    }
    if let Some(phrase) = frame.status_phrase.as_deref().filter(|p| !p.is_empty()) {
        w.header(header::STATUS_PHRASE);
        w.counted(phrase.as_bytes(), "status_phrase")?;
    }
    if let Some(flag) = frame.flag.filter(|f| *f > 0) {
        w.header(header::FLAG);
        w.0.extend_from_slice(&flag.to_le_bytes());
    }
    if let Some(token) = frame.token.as_deref().filter(|t| !t.is_empty()) {
        w.header(header::TOKEN);
        w.counted(token.as_bytes(), "token")?;
    }
    for (i, (key, value)) in frame.content.iter().enumerate() {
        w.header(header::CUSTOM);
        w.counted(key.as_bytes(), &format!("content[{i}].key"))?;
        w.value(value, i)?;
    }
    w.header(header::END);
    Ok(w.0)
}

/// The encoded size (at least), so the output is allocated once.
fn encoded_len(frame: &Frame) -> usize {
    let text = |s: &Option<String>| s.as_ref().map_or(0, |s| 6 + s.len());
    let content: usize = frame
        .content
        .iter()
        .map(|(k, v)| {
            let body = match v {
                TmcValue::String(s) => 4 + s.len(),
                TmcValue::Bytes(b) => 4 + b.len(),
                _ => 8,
            };
            7 + k.len() + body
        })
        .sum();
    4 + 6 + 6 + text(&frame.token) + text(&frame.status_phrase) + content
}

struct Writer(Vec<u8>);

impl Writer {
    fn header(&mut self, kind: i16) {
        self.0.extend_from_slice(&kind.to_le_bytes());
    }

    fn counted(&mut self, run: &[u8], field: &str) -> Result<(), ValidationError> {
        let len = i32::try_from(run.len()).map_err(|_| {
            ValidationError::new(
                field,
                "at most 2147483647 bytes (an i32 length)",
                format!("{} bytes", run.len()),
            )
        })?;
        self.0.extend_from_slice(&len.to_le_bytes());
        self.0.extend_from_slice(run);
        Ok(())
    }

    fn value(&mut self, value: &TmcValue, i: usize) -> Result<(), ValidationError> {
        self.0.push(value.format_code());
        match value {
            TmcValue::Null => {}
            TmcValue::String(s) => self.counted(s.as_bytes(), &format!("content[{i}].value"))?,
            TmcValue::Byte(b) => self.0.push(*b),
            TmcValue::Int16(n) => self.0.extend_from_slice(&n.to_le_bytes()),
            TmcValue::Int32(n) => self.0.extend_from_slice(&n.to_le_bytes()),
            TmcValue::Int64(n) | TmcValue::Date(n) => self.0.extend_from_slice(&n.to_le_bytes()),
            TmcValue::Bytes(b) => self.counted(b, &format!("content[{i}].value"))?,
        }
        Ok(())
    }
}

/// `1 byte`, `n bytes`.
fn count(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

/// `"text"`, shortened to 40 characters, for error messages.
pub(crate) fn quoted(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    format!("\"{out}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const TOKEN: &str = "34ec7ffc-fb56-442a-bd39-e55b73005e6d";

    fn token_hex() -> String {
        TOKEN.bytes().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn connect_ack_of_the_protocol_notes() {
        let bytes = hex(&format!(
            "02 01 04 00 01 00 00 00 05 00 24 00 00 00 {} 00 00",
            token_hex()
        ));
        assert_eq!(bytes.len(), 52);
        let frame = decode_frame(&bytes).unwrap();
        assert_eq!(frame.kind, FrameKind::ConnectAck);
        assert_eq!(frame.flag, Some(1));
        assert_eq!(frame.token.as_deref(), Some(TOKEN));
        assert_eq!(frame.status_code, None);
        assert!(frame.content.is_empty());
        assert_eq!(encode_frame(&frame).unwrap(), bytes);
    }

    #[test]
    fn confirm_keeps_the_id_exact() {
        let bytes = hex(&format!(
            "02 02 05 00 24 00 00 00 {} 01 00 06 00 00 00 5f 5f 6b 69 6e 64 02 02 \
             01 00 02 00 00 00 69 64 05 09 00 99 e4 e0 ac 95 1d 00 00",
            token_hex()
        ));
        let frame = decode_frame(&bytes).unwrap();
        assert_eq!(frame.get("__kind"), Some(&TmcValue::Byte(2)));
        assert_eq!(
            frame.get("id"),
            Some(&TmcValue::Int64(2_131_800_080_537_681_929))
        );
        assert_eq!(encode_frame(&frame).unwrap(), bytes);
    }

    #[test]
    fn errors_name_the_byte() {
        let e = |b: &[u8]| decode_frame(b).unwrap_err().message;
        assert_eq!(
            e(&[]),
            "TMC frame, byte 0: truncated: the protocol version needs 1 byte, 0 left"
        );
        assert_eq!(
            e(&[1, 2]),
            "TMC frame, byte 0: protocol version 1, expected 2"
        );
        assert_eq!(
            e(&[2, 9]),
            "TMC frame, byte 1: unknown message type 9 (expected 0 connect, 1 connectack, 2 send or 3 sendack)"
        );
        assert_eq!(
            e(&[2, 2, 6, 0]),
            "TMC frame, byte 2: unknown header type 6 (expected 0-5)"
        );
        assert_eq!(
            e(&[2, 2, 5, 0, 0xff, 0xff, 0xff, 0x7f, 0x41]),
            "TMC frame, byte 4: the token declares 2147483647 bytes, only 1 left"
        );
        assert_eq!(
            e(&[2, 2, 5, 0, 0xff, 0xff, 0xff, 0xff]),
            "TMC frame, byte 4: the token has a negative length (-1)"
        );
        assert_eq!(
            e(&[2, 2, 5, 0, 2, 0, 0, 0, 0x41, 0xff, 0, 0]),
            "TMC frame, byte 9: the token is not UTF-8"
        );
        assert_eq!(
            e(&[2, 2, 1, 0, 1, 0, 0, 0, 0x6b, 8]),
            "TMC frame, byte 9: unknown value format 8 (expected 0-7)"
        );
        assert_eq!(
            e(&[2, 2, 0, 0, 0]),
            "TMC frame, byte 4: 1 byte after the end of the headers"
        );
        assert_eq!(
            e(&[2, 2, 4, 0, 1, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 0]),
            "TMC frame, byte 8: the same header a second time"
        );
    }

    #[test]
    fn frames_java_would_not_write_encode_as_java_does() {
        // A zero flag, an empty token, and headers out of Java's order.
        let bytes = [2, 1, 5, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0];
        let frame = decode_frame(&bytes).unwrap();
        assert_eq!(frame.flag, Some(0));
        assert_eq!(frame.token.as_deref(), Some(""));
        assert_eq!(encode_frame(&frame).unwrap(), [2, 1, 0, 0]);
    }
}
