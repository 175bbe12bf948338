//! The local message channel for the Node build: the core's `TmcChannel`
//! held inside the wasm instance. The facade's `topwire/gateway` carries
//! its frames over a WebSocket; every decision is the core's.

use js_sys::{Array, Uint8Array};
use topwire::options::GatewayInput;
use topwire::tmc_channel::{ChannelEvent, ChannelOptions, ChannelOutput, Publish};
use topwire::Value;
use wasm_bindgen::prelude::*;

use crate::epoch_ms;
use crate::gateway::Gateway;
use crate::{js_err, read, to_js_value, to_json, JsResult};

/// The local message channel, sans I/O.
#[wasm_bindgen]
pub struct TmcChannel {
    inner: topwire::tmc_channel::TmcChannel,
}

#[wasm_bindgen]
impl TmcChannel {
    /// A channel accepting `gateway`'s apps, with the JSON of `{
    /// redeliverMs, firstId, batch }`.
    #[wasm_bindgen(constructor)]
    pub fn new(gateway: &Gateway, options: &[u8]) -> JsResult<TmcChannel> {
        let options: ChannelOptions = read(options)?;
        let inner = topwire::tmc_channel::TmcChannel::new(gateway.inner().config(), options)
            .map_err(js_err)?;
        Ok(TmcChannel { inner })
    }

    /// Queues the message of the JSON of `{ topic, content, ... }` at
    /// `now_ms`; returns its id as decimal text (exact beyond 2^53).
    pub fn publish(&mut self, message: &[u8], now_ms: f64) -> JsResult<String> {
        let message: Publish = read(message)?;
        let now_ms = epoch_ms(now_ms, "nowMs")?;
        let id = self.inner.publish(message, now_ms).map_err(js_err)?;
        Ok(id.to_string())
    }

    /// A new WebSocket connection's number.
    pub fn open(&mut self) -> f64 {
        // Connection numbers count up from 1; far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        let n = self.inner.open() as f64;
        n
    }

    /// The connection is gone.
    pub fn closed(&mut self, connection: f64) {
        self.inner.closed(connection_of(connection));
    }

    /// One binary message from `connection`: `[frames, events, close]`
    /// (see [`output`]).
    pub fn receive(&mut self, connection: f64, bytes: &[u8], now_ms: f64) -> JsResult<Array> {
        let now_ms = epoch_ms(now_ms, "nowMs")?;
        Ok(output(self.inner.receive(
            connection_of(connection),
            bytes,
            now_ms,
        )))
    }

    /// Ready messages to the connections that pull: `[frames, events, close]`.
    pub fn deliver(&mut self, now_ms: f64) -> JsResult<Array> {
        let now_ms = epoch_ms(now_ms, "nowMs")?;
        Ok(output(self.inner.deliver(now_ms)))
    }

    /// When to call `deliver` again (epoch ms), if a message is out.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.inner.next_deadline().map(|ms| ms as f64)
    }

    /// `[state, attempts]` of message `id` (decimal text), or undefined.
    #[wasm_bindgen(js_name = messageState)]
    pub fn message_state(&self, id: &str) -> Option<Array> {
        let id = id.parse::<i64>().ok()?;
        let (state, attempts) = self.inner.message_state(id)?;
        Some(
            [
                JsValue::from_str(state.as_str()),
                JsValue::from_f64(f64::from(attempts)),
            ]
            .into_iter()
            .collect(),
        )
    }

    /// An HTTP request to the gateway, with the message channel's methods
    /// served from this queue: `[reply JSON, events]`.
    #[wasm_bindgen(js_name = handleHttp)]
    pub fn handle_http(
        &mut self,
        gateway: &Gateway,
        request: &[u8],
        body: &[u8],
        now_ms: f64,
    ) -> JsResult<Array> {
        let mut request: GatewayInput = read(request)?;
        request.body = body;
        let now_ms = epoch_ms(now_ms, "nowMs")?;
        let (reply, events) =
            request.with_request(|req| self.inner.handle_http(gateway.inner(), req, now_ms));
        Ok([JsValue::from_str(&to_json(&reply)), events_out(&events)]
            .into_iter()
            .collect())
    }
}

fn connection_of(n: f64) -> u64 {
    // The facade passes back the numbers `open` gave.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let c = n as u64;
    c
}

/// `[frames, events, close]`: frames as `[connection, Uint8Array]` pairs,
/// events as values, close as `[connection, reason]` pairs.
fn output(out: ChannelOutput) -> Array {
    #[allow(clippy::cast_precision_loss)]
    let conn = |c: u64| JsValue::from_f64(c as f64);
    let frames: Array = out
        .frames
        .iter()
        .map(|(c, bytes)| {
            let pair: Array = [conn(*c), Uint8Array::from(bytes.as_slice()).into()]
                .into_iter()
                .collect();
            JsValue::from(pair)
        })
        .collect();
    let close: Array = out
        .close
        .iter()
        .map(|(c, why)| {
            let pair: Array = [conn(*c), JsValue::from_str(why)].into_iter().collect();
            JsValue::from(pair)
        })
        .collect();
    [
        JsValue::from(frames),
        events_out(&out.events),
        JsValue::from(close),
    ]
    .into_iter()
    .collect()
}

/// Events as JS values (`{ type, ... }`; ids exact: bigints beyond 2^53).
fn events_out(events: &[ChannelEvent]) -> JsValue {
    to_js_value(&Value::List(
        events.iter().map(ChannelEvent::to_value).collect(),
    ))
}
