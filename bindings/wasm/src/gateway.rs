//! The local TOP gateway for the Node build: the core's `Gateway` held
//! inside the wasm instance, so its secrets never leave it.

use js_sys::Array;
use topwire::options::{GatewayInput, GatewayOptions};
use wasm_bindgen::prelude::*;

use crate::{js_err, read, to_json, JsResult};

/// The local TOP gateway, sans I/O, held inside the wasm instance (its
/// secrets never leave it): the reply TOP would send to a request.
#[wasm_bindgen]
pub struct Gateway {
    inner: topwire::gateway::Gateway,
}

impl Gateway {
    /// The core's gateway (the message channel answers through it).
    #[cfg(feature = "tmc")]
    pub(crate) fn inner(&self) -> &topwire::gateway::Gateway {
        &self.inner
    }
}

#[wasm_bindgen]
impl Gateway {
    /// A gateway from optional config JSON text and the JSON of
    /// `{ appKey, appSecret }` (together, replacing the configured apps).
    #[wasm_bindgen(constructor)]
    pub fn new(config: Option<String>, options: &[u8]) -> JsResult<Gateway> {
        let options: GatewayOptions = read(options)?;
        let inner = options.gateway(config.as_deref()).map_err(js_err)?;
        Ok(Gateway { inner })
    }

    /// The app keys it accepts (never the secrets).
    #[wasm_bindgen(js_name = appKeys)]
    pub fn app_keys(&self) -> Array {
        self.inner
            .config()
            .app_keys()
            .into_iter()
            .map(JsValue::from_str)
            .collect()
    }

    /// Answers one HTTP request, the JSON of `{ method, url, headers }` and
    /// the body's bytes, at `now_ms`: the JSON of `{ status, headers:
    /// [name, value][], body }`.
    pub fn handle(&self, request: &[u8], body: &[u8], now_ms: f64) -> JsResult<String> {
        let mut request: GatewayInput = read(request)?;
        request.body = body;
        let now_ms = crate::epoch_ms(now_ms, "nowMs")?;
        Ok(to_json(&request.handle(&self.inner, now_ms)))
    }
}

/// `[DEFAULT_APP_KEY, DEFAULT_APP_SECRET, PATH]`: the app a gateway accepts
/// when nothing names one (public, local-only values) and where it listens.
#[wasm_bindgen(js_name = gatewayDefaults)]
pub fn gateway_defaults() -> Array {
    [
        topwire::gateway::DEFAULT_APP_KEY,
        topwire::gateway::DEFAULT_APP_SECRET,
        topwire::gateway::GATEWAY_PATH,
    ]
    .into_iter()
    .map(JsValue::from_str)
    .collect()
}

/// Refuses the first of `keys` that is not in `known`, a host's own options
/// record (`serveGateway`'s, its `limits`; `record` names it, empty at the
/// top), with the spelling it most likely meant: the core's rule for every record.
#[wasm_bindgen(js_name = checkOptionKeys)]
pub fn check_option_keys(record: &str, keys: Vec<String>, known: Vec<String>) -> JsResult<()> {
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    topwire::options::check_keys(record, &keys, &known).map_err(js_err)
}
