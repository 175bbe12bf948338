//! JSON text of frames and events written straight from the core's types,
//! for the hosts that take JSON (the C ABI, the wasm glue): the record of
//! [`super::record`]'s `Style::JSON` (camelCase keys, absent fields left
//! out, bytes as lists of byte values), without building [`crate::Value`]s
//! first: a data frame's entries cost no copies on the way out.
//!
//! `int64_as_string` writes every `int64` value (a message's `id`,
//! `userId`, `dataId` and entries of format `int64`) and any date beyond
//! 2^53 as a decimal string, for JavaScript, whose `JSON.parse` would
//! round them; the facade makes them bigints.

use std::fmt::Write;

use super::frame::{Frame, TmcValue};
use super::message::TmcMessage;
use super::session::{Action, Event};
use crate::wire::value::write_json_string;

/// The largest integer a JS number holds exactly.
const MAX_SAFE: u64 = 9_007_199_254_740_991;

struct Out {
    text: String,
    int64_as_string: bool,
}

impl Out {
    fn new(int64_as_string: bool) -> Out {
        Out {
            text: String::with_capacity(256),
            int64_as_string,
        }
    }

    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn string(&mut self, s: &str) {
        write_json_string(s, &mut self.text);
    }

    fn number(&mut self, n: i64) {
        let _ = write!(self.text, "{n}");
    }

    /// A 64-bit integer: quoted when asked to (always, for `int64`).
    fn int64(&mut self, n: i64, always: bool) {
        if self.int64_as_string && (always || n.unsigned_abs() > MAX_SAFE) {
            let _ = write!(self.text, "\"{n}\"");
        } else {
            self.number(n);
        }
    }

    /// `,"name":` (the comma unless first).
    fn key(&mut self, name: &str, first: bool) {
        if !first {
            self.text.push(',');
        }
        self.string(name);
        self.text.push(':');
    }

    fn bytes(&mut self, b: &[u8]) {
        self.text.push('[');
        for (i, byte) in b.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            let _ = write!(self.text, "{byte}");
        }
        self.text.push(']');
    }

    fn value(&mut self, v: &TmcValue) {
        match v {
            TmcValue::Null => self.raw("null"),
            TmcValue::String(s) => self.string(s),
            TmcValue::Byte(b) => self.number(i64::from(*b)),
            TmcValue::Int16(n) => self.number(i64::from(*n)),
            TmcValue::Int32(n) => self.number(i64::from(*n)),
            TmcValue::Int64(n) => self.int64(*n, true),
            TmcValue::Date(ms) => self.int64(*ms, false),
            TmcValue::Bytes(b) => self.bytes(b),
        }
    }

    fn entries(&mut self, entries: &[(String, TmcValue)]) {
        self.text.push('[');
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push('[');
            self.string(k);
            self.text.push_str(",\"");
            self.text.push_str(v.format());
            self.text.push_str("\",");
            self.value(v);
            self.text.push(']');
        }
        self.text.push(']');
    }

    fn opt_text(&mut self, name: &str, v: Option<&str>) {
        if let Some(s) = v {
            self.key(name, false);
            self.string(s);
        }
    }

    fn opt_number(&mut self, name: &str, v: Option<i32>) {
        if let Some(n) = v {
            self.key(name, false);
            self.number(i64::from(n));
        }
    }

    fn opt_int64(&mut self, name: &str, v: Option<i64>, always: bool) {
        if let Some(n) = v {
            self.key(name, false);
            self.int64(n, always);
        }
    }

    fn frame(&mut self, f: &Frame) {
        self.raw("{\"type\":\"");
        self.raw(f.kind.as_str());
        self.raw("\"");
        self.opt_number("flag", f.flag);
        self.opt_text("token", f.token.as_deref());
        self.opt_number("statusCode", f.status_code);
        self.opt_text("statusPhrase", f.status_phrase.as_deref());
        self.key("content", false);
        self.entries(&f.content);
        self.raw("}");
    }

    fn message(&mut self, m: &TmcMessage) {
        self.key("id", true);
        self.int64(m.id, true);
        self.key("topic", false);
        self.string(&m.topic);
        self.key("content", false);
        self.string(&m.content);
        self.raw(if m.compressed {
            ",\"compressed\":true"
        } else {
            ",\"compressed\":false"
        });
        self.opt_int64("published", m.published, false);
        self.opt_int64("outTime", m.out_time, false);
        self.opt_text("publisher", m.publisher.as_deref());
        self.opt_text("nick", m.nick.as_deref());
        self.opt_int64("userId", m.user_id, true);
        self.opt_int64("dataId", m.data_id, true);
        self.key("extra", false);
        self.entries(&m.extra);
    }

    fn event(&mut self, e: &Event) {
        match e {
            Event::Connected { token } => {
                self.raw("{\"type\":\"connected\",\"token\":");
                self.string(token);
            }
            Event::Message(m) => {
                self.raw("{\"type\":\"message\",\"message\":{");
                self.message(m);
                self.raw("}");
            }
            Event::Refused {
                status_code,
                status_phrase,
            } => {
                self.raw("{\"type\":\"refused\"");
                self.opt_number("statusCode", *status_code);
                self.opt_text("statusPhrase", status_phrase.as_deref());
            }
        }
        self.raw("}");
    }
}

/// A frame's JSON record (see the module notes).
pub fn frame_json(frame: &Frame, int64_as_string: bool) -> String {
    let mut out = Out::new(int64_as_string);
    out.frame(frame);
    out.text
}

/// A list of events as JSON: `{"type":"connected","token"}`,
/// `{"type":"message","message":{...}}`, `{"type":"refused",...}`.
pub fn events_json(events: &[Event], int64_as_string: bool) -> String {
    let mut out = Out::new(int64_as_string);
    out.raw("[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.raw(",");
        }
        out.event(e);
    }
    out.raw("]");
    out.text
}

/// A list of actions as JSON: `{"type":"send","bytes":[...]}`,
/// `{"type":"ping"}`, `{"type":"reconnect"}`.
pub fn actions_json(actions: &[Action]) -> String {
    let mut out = Out::new(false);
    out.raw("[");
    for (i, a) in actions.iter().enumerate() {
        if i > 0 {
            out.raw(",");
        }
        match a {
            Action::Send(bytes) => {
                out.raw("{\"type\":\"send\",\"bytes\":");
                out.bytes(bytes);
                out.raw("}");
            }
            Action::Ping => out.raw("{\"type\":\"ping\"}"),
            Action::Reconnect => out.raw("{\"type\":\"reconnect\"}"),
        }
    }
    out.raw("]");
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tmc::frame::FrameKind;
    use crate::tmc::record::{action_to_value, event_to_value, frame_to_value, Style};

    /// The same text as the Value records of `Style::JSON`.
    #[test]
    fn the_same_records_as_the_value_form() {
        let frame = Frame {
            flag: Some(1),
            token: Some("t\"".into()),
            status_code: Some(3),
            status_phrase: Some("中".into()),
            content: vec![
                ("n".into(), TmcValue::Null),
                ("id".into(), TmcValue::Int64(-5)),
                ("d".into(), TmcValue::Date(i64::MIN)),
                ("b".into(), TmcValue::Bytes(vec![0, 255])),
                ("k".into(), TmcValue::Byte(2)),
                ("s".into(), TmcValue::String("x\n".into())),
            ],
            ..Frame::new(FrameKind::Send)
        };
        assert_eq!(
            frame_json(&frame, false),
            frame_to_value(&frame, Style::JSON).to_json()
        );
        let message = TmcMessage {
            published: Some(1),
            user_id: Some(2),
            extra: frame.content.clone(),
            ..TmcMessage::new(i64::MAX, "t", "{}")
        };
        let events = [
            Event::Connected { token: "a".into() },
            Event::Message(message),
            Event::Refused {
                status_code: None,
                status_phrase: Some("no".into()),
            },
        ];
        let values: Vec<String> = events
            .iter()
            .map(|e| event_to_value(e, Style::JSON).to_json())
            .collect();
        assert_eq!(
            events_json(&events, false),
            format!("[{}]", values.join(","))
        );
        let actions = [Action::Send(vec![1, 2]), Action::Ping, Action::Reconnect];
        let values: Vec<String> = actions
            .iter()
            .map(|a| action_to_value(a, Style::JSON).to_json())
            .collect();
        assert_eq!(actions_json(&actions), format!("[{}]", values.join(",")));
    }

    #[test]
    fn int64_as_strings_for_javascript() {
        let message = TmcMessage {
            user_id: Some(1),
            published: Some(9_007_199_254_740_993),
            out_time: Some(5),
            extra: vec![
                ("n".into(), TmcValue::Int64(7)),
                ("i".into(), TmcValue::Int32(7)),
            ],
            ..TmcMessage::new(2, "t", "c")
        };
        assert_eq!(
            events_json(&[Event::Message(message)], true),
            r#"[{"type":"message","message":{"id":"2","topic":"t","content":"c","compressed":false,"published":"9007199254740993","outTime":5,"userId":"1","extra":[["n","int64","7"],["i","int32",7]]}}]"#
        );
    }
}
