//! TMC for the Node build: the frame codec and the session, held inside the
//! wasm instance (the app secret never leaves it). Records come back as JS
//! objects built here: `int64` values as bigints always, dates as numbers
//! (bigints beyond 2^53), bytes as Uint8Arrays. The facade
//! (`js/src/facade.js`) names and documents them.

use js_sys::{Array, BigInt, Object, Reflect, Uint8Array};
use topwire::options::TmcSessionConfig;
use topwire::tmc::{self, Action, Event, Frame, Style, TmcMessage, TmcValue};
use wasm_bindgen::prelude::*;

use crate::{attach_files, js_err, json, read, to_js_value, JsResult};

/// A fresh object with these own properties (the names are ours, never a
/// frame's: a frame's keys travel in `[key, format, value]` arrays).
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        if !v.is_undefined() {
            let _ = Reflect::set(&o, &(*k).into(), v);
        }
    }
    o.into()
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> JsValue) -> JsValue {
    v.map_or(JsValue::UNDEFINED, f)
}

/// A date: a number while exact (every date JS's `Date` can hold), else a bigint.
fn date(ms: i64) -> JsValue {
    if ms.unsigned_abs() <= 9_007_199_254_740_991 {
        // Exact: within ±2^53.
        #[allow(clippy::cast_precision_loss)]
        JsValue::from_f64(ms as f64)
    } else {
        BigInt::from(ms).into()
    }
}

fn value_out(v: &TmcValue) -> JsValue {
    match v {
        TmcValue::Null => JsValue::NULL,
        TmcValue::String(s) => s.as_str().into(),
        TmcValue::Byte(b) => (*b).into(),
        TmcValue::Int16(n) => (*n).into(),
        TmcValue::Int32(n) => (*n).into(),
        TmcValue::Int64(n) => BigInt::from(*n).into(),
        TmcValue::Date(ms) => date(*ms),
        TmcValue::Bytes(b) => Uint8Array::from(b.as_slice()).into(),
    }
}

fn entries_out(entries: &[(String, TmcValue)]) -> Array {
    entries
        .iter()
        .map(|(k, v)| {
            let entry = Array::new();
            entry.push(&k.as_str().into());
            entry.push(&v.format().into());
            entry.push(&value_out(v));
            entry
        })
        .collect()
}

fn frame_out(f: &Frame) -> JsValue {
    object(&[
        ("type", f.kind.as_str().into()),
        ("flag", opt(f.flag, Into::into)),
        ("token", opt(f.token.as_deref(), Into::into)),
        ("statusCode", opt(f.status_code, Into::into)),
        ("statusPhrase", opt(f.status_phrase.as_deref(), Into::into)),
        ("content", entries_out(&f.content).into()),
    ])
}

fn message_out(m: &TmcMessage) -> JsValue {
    let big = |n: i64| -> JsValue { BigInt::from(n).into() };
    object(&[
        ("id", big(m.id)),
        ("topic", m.topic.as_str().into()),
        ("content", m.content.as_str().into()),
        ("compressed", m.compressed.into()),
        ("published", opt(m.published, date)),
        ("outTime", opt(m.out_time, date)),
        ("publisher", opt(m.publisher.as_deref(), Into::into)),
        ("nick", opt(m.nick.as_deref(), Into::into)),
        ("userId", opt(m.user_id, big)),
        ("dataId", opt(m.data_id, big)),
        ("extra", entries_out(&m.extra).into()),
    ])
}

fn event_out(e: &Event) -> JsValue {
    match e {
        Event::Connected { token } => object(&[
            ("type", "connected".into()),
            ("token", token.as_str().into()),
        ]),
        Event::Message(m) => object(&[("type", "message".into()), ("message", message_out(m))]),
        Event::Refused {
            status_code,
            status_phrase,
        } => object(&[
            ("type", "refused".into()),
            ("statusCode", opt(*status_code, Into::into)),
            ("statusPhrase", opt(status_phrase.as_deref(), Into::into)),
        ]),
    }
}

fn action_out(a: &Action) -> JsValue {
    match a {
        Action::Send(bytes) => object(&[
            ("type", "send".into()),
            ("bytes", Uint8Array::from(bytes.as_slice()).into()),
        ]),
        Action::Ping => object(&[("type", "ping".into())]),
        Action::Reconnect => object(&[("type", "reconnect".into())]),
    }
}

/// Reads one frame: `{ type, flag?, token?, statusCode?, statusPhrase,
/// content: [key, format, value][] }`; a DecodeError record on bad bytes.
#[wasm_bindgen(js_name = tmcDecodeFrame)]
pub fn tmc_decode_frame(bytes: &[u8]) -> JsResult<JsValue> {
    tmc::decode_frame(bytes)
        .map(|f| frame_out(&f))
        .map_err(js_err)
}

/// Writes one frame given as the facade's JSON text (bytes values as file
/// markers into `files`).
#[wasm_bindgen(js_name = tmcEncodeFrame)]
pub fn tmc_encode_frame(frame: &[u8], files: &[u8]) -> JsResult<Vec<u8>> {
    let value = attach_files(json(frame)?, files)?;
    let frame = tmc::frame_from_value(&value, Style::JS).map_err(js_err)?;
    tmc::encode_frame(&frame).map_err(js_err)
}

/// A message's content read as JSON by the core: integers beyond 2^53 as
/// bigints, the rest as `JSON.parse` gives them.
#[wasm_bindgen(js_name = tmcContentData)]
pub fn tmc_content_data(content: &str) -> JsResult<JsValue> {
    let value = topwire::from_json(content).map_err(|e| {
        js_err(topwire::DecodeError::new(format!(
            "TMC message content is not JSON: {}",
            e.message
        )))
    })?;
    Ok(to_js_value(&value))
}

/// A TMC client session (the core's), the secret inside the instance.
#[wasm_bindgen(js_name = TmcCore)]
pub struct TmcCore {
    inner: tmc::TmcSession,
}

/// Whole epoch milliseconds of the facade's number.
fn ms(now: f64) -> JsResult<i64> {
    crate::epoch_ms(now, "nowMs")
}

#[wasm_bindgen(js_class = TmcCore)]
impl TmcCore {
    /// A session from the JSON of `{ appKey, appSecret, groupName, ... }`
    /// (the core's `TmcSessionConfig`: unknown keys refused).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &[u8]) -> JsResult<TmcCore> {
        let config: TmcSessionConfig = read(options)?;
        let inner = config.session().map_err(js_err)?;
        Ok(TmcCore { inner })
    }

    /// `closed`, `connecting` or `online`.
    pub fn state(&self) -> String {
        self.inner.state_name().to_owned()
    }

    /// The token while online.
    pub fn token(&self) -> Option<String> {
        self.inner.token().map(str::to_owned)
    }

    /// The app key and group (never the secret).
    pub fn describe(&self) -> Array {
        [
            self.inner.app_key(),
            self.inner.options().group_name.as_str(),
        ]
        .into_iter()
        .map(JsValue::from_str)
        .collect()
    }

    /// The CONNECT frame, signed at `now`.
    pub fn connect(&mut self, now: f64) -> JsResult<Vec<u8>> {
        Ok(self.inner.connect(ms(now)?))
    }

    /// The events of one received binary message.
    pub fn receive(&mut self, bytes: &[u8], now: f64) -> JsResult<Array> {
        let events = self.inner.receive(bytes, ms(now)?).map_err(js_err)?;
        Ok(events.iter().map(event_out).collect())
    }

    /// The frame confirming message `id`.
    pub fn confirm(&self, id: i64) -> JsResult<Vec<u8>> {
        self.inner.confirm(id).map_err(js_err)
    }

    /// The frame failing message `id` with `reason` (cut to 128 UTF-16 units).
    pub fn fail(&self, id: i64, reason: &str) -> JsResult<Vec<u8>> {
        self.inner.fail(id, reason).map_err(js_err)
    }

    /// What is due at `now`: `{ type: 'send', bytes } | { type: 'ping' } | { type: 'reconnect' }`.
    pub fn poll(&mut self, now: f64) -> JsResult<Array> {
        Ok(self.inner.poll(ms(now)?).iter().map(action_out).collect())
    }

    /// When to poll next (epoch ms), or undefined.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        // Epoch milliseconds of real clocks are far within ±2^53.
        #[allow(clippy::cast_precision_loss)]
        self.inner.next_deadline().map(|t| t as f64)
    }

    /// The socket closed at `now`.
    pub fn closed(&mut self, now: f64) -> JsResult<()> {
        self.inner.closed(ms(now)?);
        Ok(())
    }
}
