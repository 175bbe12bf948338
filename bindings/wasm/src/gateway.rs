//! The local TOP gateway for the Node build: the core's `Gateway` held
//! inside the wasm instance, so its secrets never leave it.

use js_sys::{Array, Object};
use topwire::gateway::{GatewayConfig, GatewayRequest};
use wasm_bindgen::prelude::*;

use crate::{
    borrow_pairs, epoch_ms, js_err, opt_body_bytes, opt_pairs_arg, opt_string_arg, set, string_arg,
    type_error, JsResult,
};

/// The local TOP gateway, sans I/O, held inside the wasm instance (its
/// secrets never leave it): the reply TOP would send to a request.
#[wasm_bindgen]
pub struct Gateway {
    inner: topwire::gateway::Gateway,
}

#[wasm_bindgen]
impl Gateway {
    /// A gateway from optional config JSON text and an optional app
    /// (`appKey` and `appSecret` together, replacing the configured apps).
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue, app_key: &JsValue, app_secret: &JsValue) -> JsResult<Gateway> {
        let config = opt_string_arg(config, "config")?;
        let app_key = opt_string_arg(app_key, "appKey")?;
        let app_secret = opt_string_arg(app_secret, "appSecret")?;
        let core = |e: topwire::ValidationError| js_err(e.into());
        let mut cfg = match config {
            Some(text) => GatewayConfig::from_json(&text).map_err(core)?,
            None => GatewayConfig::default(),
        };
        cfg = match (app_key, app_secret) {
            (None, None) => cfg,
            (Some(key), Some(secret)) => cfg.with_app(&key, &secret).map_err(core)?,
            _ => return Err(type_error("appKey and appSecret must be given together")),
        };
        Ok(Gateway {
            inner: topwire::gateway::Gateway::new(cfg),
        })
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

    /// Answers one HTTP request: `{ status, headers: [name, value][], body: string }`.
    /// `url` is the request target (path and query) or a full URL; `headers`
    /// are `[name, value]` pairs; `body` a string, Uint8Array or ArrayBuffer.
    pub fn handle(
        &self,
        method: &JsValue,
        url: &JsValue,
        headers: &JsValue,
        body: &JsValue,
        now_ms: f64,
    ) -> JsResult<JsValue> {
        let method = string_arg(method, "method")?;
        let url = string_arg(url, "url")?;
        let headers = opt_pairs_arg(headers, "headers")?;
        let header_refs = borrow_pairs(&headers);
        let body = opt_body_bytes(body)?;
        let now_ms = epoch_ms(now_ms, "nowMs")?;
        let request = GatewayRequest {
            method: &method,
            url: &url,
            headers: &header_refs,
            body: &body,
        };
        let reply = self.inner.handle(&request, now_ms);
        let o = Object::new();
        set(&o, "status", reply.status.into());
        let pairs: Array = reply
            .headers
            .iter()
            .map(|(k, v)| -> JsValue { Array::of2(&k.as_str().into(), &v.as_str().into()).into() })
            .collect();
        set(&o, "headers", pairs.into());
        set(&o, "body", reply.body.as_str().into());
        Ok(o.into())
    }
}

/// `[DEFAULT_APP_KEY, DEFAULT_APP_SECRET]`: the app a gateway accepts when
/// nothing names one (public, local-only values).
#[wasm_bindgen(js_name = gatewayDefaults)]
pub fn gateway_defaults() -> Array {
    Array::of2(
        &topwire::gateway::DEFAULT_APP_KEY.into(),
        &topwire::gateway::DEFAULT_APP_SECRET.into(),
    )
}
