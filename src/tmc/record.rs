//! Frames, messages and events as [`Value`]s: the records the bindings hand
//! to their hosts (JS objects, Python dicts, the C ABI's JSON), declared
//! once here so every language names and checks them alike.
//!
//! A frame: `{ type, flag, token, statusCode, statusPhrase, content }`,
//! `type` one of `connect`, `connectack`, `send`, `sendack`, `content` a
//! list of `[key, format, value]`, `format` one of `null`, `string`,
//! `byte`, `int16`, `int32`, `int64`, `date`, `bytes`. Integers are exact
//! (`int64` and `date` too); `bytes` are bytes for JS and Python and a list
//! of byte values in JSON.

use std::borrow::Cow;

use super::frame::{format_code, Frame, FrameKind, TmcValue};
use super::message::TmcMessage;
use super::session::{Action, Event};
use crate::wire::did_you_mean::camel_case;
use crate::wire::error::ValidationError;
use crate::wire::value::{FileItem, Value};

/// How a record is spelled for a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// `status_code` (Python) rather than `statusCode` (JS, JSON).
    pub snake_case: bool,
    /// Absent headers and fields as null (Python's `None`) rather than left out.
    pub absent_as_null: bool,
    /// Byte arrays as lists of numbers (JSON) rather than bytes ([`Value::File`]).
    pub bytes_as_list: bool,
}

impl Style {
    /// JS objects: camelCase, absent keys left out, bytes as `Uint8Array`.
    pub const JS: Style = Style {
        snake_case: false,
        absent_as_null: false,
        bytes_as_list: false,
    };
    /// Python dicts: snake_case, absent as `None`, bytes as `bytes`.
    pub const PYTHON: Style = Style {
        snake_case: true,
        absent_as_null: true,
        bytes_as_list: false,
    };
    /// JSON text (the C ABI): camelCase, absent keys left out, bytes as lists.
    pub const JSON: Style = Style {
        snake_case: false,
        absent_as_null: false,
        bytes_as_list: true,
    };
    /// The shared test vectors: snake_case, absent keys left out, bytes as lists.
    pub const VECTORS: Style = Style {
        snake_case: true,
        absent_as_null: false,
        bytes_as_list: true,
    };

    /// `status_code` as this style spells it.
    fn name(self, snake: &'static str) -> String {
        if self.snake_case {
            return snake.to_owned();
        }
        camel_case(snake)
    }
}

/// Builds an object of a style: absent fields null or left out.
struct Record {
    style: Style,
    pairs: Vec<(Cow<'static, str>, Value)>,
}

impl Record {
    fn new(style: Style) -> Record {
        Record {
            style,
            pairs: Vec::new(),
        }
    }

    fn set(&mut self, snake: &'static str, value: Value) -> &mut Record {
        self.pairs.push((self.style.name(snake).into(), value));
        self
    }

    fn opt(&mut self, snake: &'static str, value: Option<Value>) -> &mut Record {
        match value {
            Some(v) => self.set(snake, v),
            None if self.style.absent_as_null => self.set(snake, Value::Null),
            None => self,
        }
    }

    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.pairs))
    }
}

fn bytes_value(bytes: &[u8], style: Style) -> Value {
    if style.bytes_as_list {
        Value::List(bytes.iter().map(|b| Value::Int(i64::from(*b))).collect())
    } else {
        Value::File(FileItem::new(bytes))
    }
}

/// A Custom value as a host value (see the module notes).
pub fn tmc_value_to_value(value: &TmcValue, style: Style) -> Value {
    match value {
        TmcValue::Null => Value::Null,
        TmcValue::String(s) => Value::String(s.clone().into()),
        TmcValue::Byte(b) => Value::Int(i64::from(*b)),
        TmcValue::Int16(n) => Value::Int(i64::from(*n)),
        TmcValue::Int32(n) => Value::Int(i64::from(*n)),
        TmcValue::Int64(n) | TmcValue::Date(n) => Value::Int(*n),
        TmcValue::Bytes(b) => bytes_value(b, style),
    }
}

fn entries_to_value(entries: &[(String, TmcValue)], style: Style) -> Value {
    Value::List(
        entries
            .iter()
            .map(|(k, v)| {
                Value::List(vec![
                    Value::String(k.clone().into()),
                    Value::String(v.format().to_owned().into()),
                    tmc_value_to_value(v, style),
                ])
            })
            .collect(),
    )
}

/// A frame as a host record (see the module notes).
pub fn frame_to_value(frame: &Frame, style: Style) -> Value {
    let text = |s: &Option<String>| s.clone().map(Value::from);
    Record::new(style)
        .set("type", Value::String(frame.kind.as_str().to_owned().into()))
        .opt("flag", frame.flag.map(Value::from))
        .opt("token", text(&frame.token))
        .opt("status_code", frame.status_code.map(Value::from))
        .opt("status_phrase", text(&frame.status_phrase))
        .set("content", entries_to_value(&frame.content, style))
        .done()
}

/// A message as a host record: `{ id, topic, content, compressed,
/// published, outTime, publisher, nick, userId, dataId, extra }`, `extra`
/// the other entries as `[key, format, value]`.
pub fn message_to_value(message: &TmcMessage, style: Style) -> Value {
    let text = |s: &Option<String>| s.clone().map(Value::from);
    Record::new(style)
        .set("id", Value::Int(message.id))
        .set("topic", Value::String(message.topic.clone().into()))
        .set("content", Value::String(message.content.clone().into()))
        .set("compressed", Value::Bool(message.compressed))
        .opt("published", message.published.map(Value::Int))
        .opt("out_time", message.out_time.map(Value::Int))
        .opt("publisher", text(&message.publisher))
        .opt("nick", text(&message.nick))
        .opt("user_id", message.user_id.map(Value::Int))
        .opt("data_id", message.data_id.map(Value::Int))
        .set("extra", entries_to_value(&message.extra, style))
        .done()
}

/// An event as a host record: `{ type: "connected", token }`, `{ type:
/// "message", message }`, `{ type: "refused", statusCode, statusPhrase }`.
pub fn event_to_value(event: &Event, style: Style) -> Value {
    let mut r = Record::new(style);
    match event {
        Event::Connected { token } => r
            .set("type", "connected".into())
            .set("token", Value::String(token.clone().into())),
        Event::Message(m) => r
            .set("type", "message".into())
            .set("message", message_to_value(m, style)),
        Event::Refused {
            status_code,
            status_phrase,
        } => r
            .set("type", "refused".into())
            .opt("status_code", status_code.map(Value::from))
            .opt("status_phrase", status_phrase.clone().map(Value::from)),
    };
    r.done()
}

/// An action as a host record: `{ type: "send", bytes }`, `{ type: "ping" }`,
/// `{ type: "reconnect" }`.
pub fn action_to_value(action: &Action, style: Style) -> Value {
    let mut r = Record::new(style);
    match action {
        Action::Send(bytes) => r
            .set("type", "send".into())
            .set("bytes", bytes_value(bytes, style)),
        Action::Ping => r.set("type", "ping".into()),
        Action::Reconnect => r.set("type", "reconnect".into()),
    };
    r.done()
}

// ---- reading ----

/// A frame from a host record (see the module notes): unknown keys,
/// a wrong type, an unknown format and a value outside its format are
/// ValidationErrors naming the field (`content[2].value`).
pub fn frame_from_value(value: &Value, style: Style) -> Result<Frame, ValidationError> {
    let Value::Object(pairs) = value else {
        return Err(ValidationError::new("frame", "an object", value.describe()));
    };
    let names = [
        "type",
        "flag",
        "token",
        "status_code",
        "status_phrase",
        "content",
    ];
    let spelled: Vec<String> = names.iter().map(|n| style.name(n)).collect();
    let mut kind = None;
    let mut frame = Frame::new(FrameKind::Send);
    for (key, v) in pairs {
        let Some(i) = spelled.iter().position(|n| n == key) else {
            let known: Vec<&str> = spelled.iter().map(String::as_str).collect();
            return Err(ValidationError::new(
                key.as_ref(),
                format!("one of {}", known.join(", ")),
                "an unknown key",
            ));
        };
        let field = key.as_ref();
        let absent = matches!(v, Value::Null);
        match i {
            0 => kind = Some(FrameKind::parse(text(v, field)?)?),
            1 if !absent => frame.flag = Some(int32(v, field)?),
            2 if !absent => frame.token = Some(text(v, field)?.to_owned()),
            3 if !absent => frame.status_code = Some(int32(v, field)?),
            4 if !absent => frame.status_phrase = Some(text(v, field)?.to_owned()),
            5 if !absent => frame.content = entries_from_value(v, field)?,
            _ => {}
        }
    }
    frame.kind = kind.ok_or_else(|| ValidationError::new("type", "a value", "none"))?;
    Ok(frame)
}

fn text<'a>(v: &'a Value, field: &str) -> Result<&'a str, ValidationError> {
    v.as_str()
        .ok_or_else(|| ValidationError::new(field, "a string", v.describe()))
}

fn int32(v: &Value, field: &str) -> Result<i32, ValidationError> {
    integer(v, field, "an int32 (-2147483648 to 2147483647)", |n| {
        i32::try_from(n).ok()
    })
}

fn integer<T>(
    v: &Value,
    field: &str,
    expected: &str,
    fits: impl Fn(i64) -> Option<T>,
) -> Result<T, ValidationError> {
    match v {
        Value::Int(n) => fits(*n),
        _ => None,
    }
    .ok_or_else(|| ValidationError::new(field, expected, v.describe()))
}

fn entries_from_value(v: &Value, field: &str) -> Result<Vec<(String, TmcValue)>, ValidationError> {
    let Value::List(items) = v else {
        return Err(ValidationError::new(
            field,
            "a list of [key, format, value]",
            v.describe(),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{field}[{i}]");
            match item {
                Value::List(parts) if parts.len() == 3 => {
                    let [key, format, value] =
                        [0, 1, 2].map(|i| parts.get(i).unwrap_or(&Value::Null));
                    let key = text(key, &format!("{at}.key"))?.to_owned();
                    let format = text(format, &format!("{at}.format"))?;
                    Ok((key, tmc_value_from_value(format, value, &at)?))
                }
                other => Err(ValidationError::new(
                    at,
                    "[key, format, value]",
                    other.describe(),
                )),
            }
        })
        .collect()
}

/// A Custom value of `format` from a host value: the value must fit the
/// format (a byte 0-255, an int16, ...; `bytes` as bytes or a list of byte
/// values).
pub fn tmc_value_from_value(
    format: &str,
    v: &Value,
    at: &str,
) -> Result<TmcValue, ValidationError> {
    let field = format!("{at}.value");
    let field = field.as_str();
    match format_code(format) {
        Some(0) if matches!(v, Value::Null) => Ok(TmcValue::Null),
        Some(0) => Err(ValidationError::new(
            field,
            "null (format null)",
            v.describe(),
        )),
        Some(1) => text(v, field).map(|s| TmcValue::String(s.to_owned())),
        Some(2) => {
            integer(v, field, "a byte (0 to 255)", |n| u8::try_from(n).ok()).map(TmcValue::Byte)
        }
        Some(3) => integer(v, field, "an int16 (-32768 to 32767)", |n| {
            i16::try_from(n).ok()
        })
        .map(TmcValue::Int16),
        Some(4) => int32(v, field).map(TmcValue::Int32),
        Some(5) => integer(v, field, "an int64", Some).map(TmcValue::Int64),
        Some(6) => integer(v, field, "epoch milliseconds (an int64)", Some).map(TmcValue::Date),
        Some(7) => bytes_from_value(v, field).map(TmcValue::Bytes),
        _ => Err(ValidationError::new(
            format!("{at}.format"),
            "one of null, string, byte, int16, int32, int64, date, bytes",
            super::frame::quoted(format),
        )),
    }
}

fn bytes_from_value(v: &Value, field: &str) -> Result<Vec<u8>, ValidationError> {
    match v {
        Value::File(f) => Ok(f.content.clone()),
        Value::List(items) => items
            .iter()
            .map(|item| {
                integer(item, field, "bytes (a list of 0 to 255)", |n| {
                    u8::try_from(n).ok()
                })
            })
            .collect(),
        other => Err(ValidationError::new(field, "bytes", other.describe())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_in_every_style() {
        let frame = Frame {
            flag: Some(1),
            token: Some("t".into()),
            content: vec![
                ("__kind".into(), TmcValue::Byte(3)),
                ("id".into(), TmcValue::Int64(i64::MAX)),
                ("time".into(), TmcValue::Date(-1)),
                ("gz".into(), TmcValue::Bytes(vec![0, 255])),
                ("n".into(), TmcValue::Null),
            ],
            ..Frame::new(FrameKind::Send)
        };
        for style in [Style::JS, Style::PYTHON, Style::JSON, Style::VECTORS] {
            let v = frame_to_value(&frame, style);
            assert_eq!(frame_from_value(&v, style).unwrap(), frame, "{style:?}");
        }
        assert_eq!(
            frame_to_value(&frame, Style::JSON).to_json(),
            r#"{"type":"send","flag":1,"token":"t","content":[["__kind","byte",3],["id","int64",9223372036854775807],["time","date",-1],["gz","bytes",[0,255]],["n","null",null]]}"#
        );
    }

    #[test]
    fn bad_records_name_the_field() {
        let read = |json: &str| {
            frame_from_value(&crate::wire::json::from_json(json).unwrap(), Style::JS)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            read(r#"{"type":"ping"}"#),
            "type: expected one of connect, connectack, send, sendack, got \"ping\""
        );
        assert_eq!(
            read(r#"{"type":"send","status_code":1}"#),
            "status_code: expected one of type, flag, token, statusCode, statusPhrase, content, got an unknown key"
        );
        assert_eq!(
            read(r#"{"type":"send","content":[["k","byte",256]]}"#),
            "content[0].value: expected a byte (0 to 255), got the number 256"
        );
        assert_eq!(
            read(r#"{"type":"send","content":[["k","float",1]]}"#),
            "content[0].format: expected one of null, string, byte, int16, int32, int64, date, bytes, got \"float\""
        );
        assert_eq!(read(r#"{"flag":1}"#), "type: expected a value, got none");
    }
}
