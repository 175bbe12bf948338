//! TMC for the Node build: the frame codec and the session, held inside the
//! wasm instance (the app secret never leaves it). Frames and events come
//! back as the core's JSON text (`topwire::tmc::frame_json`/`events_json`),
//! 64-bit integers as strings: one string and one native `JSON.parse` cost
//! far less than building the objects here property by property. The
//! facade (`js/src/facade.js`) makes them bigints (`int64` always), bytes
//! Uint8Arrays, and names and documents the results.

use js_sys::{Array, Uint8Array};
use topwire::options::TmcSessionConfig;
use topwire::tmc::{self, Action, Style};
use wasm_bindgen::prelude::*;

use crate::{attach_files, js_err, json, read, to_js_value, JsResult};

fn action_out(a: &Action) -> JsValue {
    match a {
        Action::Send(bytes) => Uint8Array::from(bytes.as_slice()).into(),
        Action::Ping => "ping".into(),
        Action::Reconnect => "reconnect".into(),
    }
}

/// Reads one frame: the JSON of `{ type, flag?, token?, statusCode?,
/// statusPhrase?, content: [key, format, value][] }` (`int64` values as
/// strings, `bytes` as lists); a DecodeError record on bad bytes.
#[wasm_bindgen(js_name = tmcDecodeFrame)]
pub fn tmc_decode_frame(bytes: &[u8]) -> JsResult<String> {
    tmc::decode_frame(bytes)
        .map(|f| tmc::frame_json(&f, true))
        .map_err(js_err)
}

/// Writes one frame given as the facade's JSON text (bytes values as file
/// markers into `files`).
#[wasm_bindgen(js_name = tmcEncodeFrame)]
pub fn tmc_encode_frame(frame: &[u8], files: &[u8]) -> JsResult<Vec<u8>> {
    let value = attach_files(json(frame)?, files)?.into_owned();
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

    /// The JSON of the events of one received binary message, `int64`
    /// values as strings (`topwire::tmc::events_json`).
    pub fn receive(&mut self, bytes: &[u8], now: f64) -> JsResult<String> {
        let events = self.inner.receive(bytes, ms(now)?).map_err(js_err)?;
        Ok(tmc::events_json(&events, true))
    }

    /// The frame confirming message `id`.
    pub fn confirm(&self, id: i64) -> JsResult<Vec<u8>> {
        self.inner.confirm(id).map_err(js_err)
    }

    /// The frame failing message `id` with `reason` (cut to 128 UTF-16 units).
    pub fn fail(&self, id: i64, reason: &str) -> JsResult<Vec<u8>> {
        self.inner.fail(id, reason).map_err(js_err)
    }

    /// What is due at `now`: a pull frame's bytes, `ping` or `reconnect`.
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
