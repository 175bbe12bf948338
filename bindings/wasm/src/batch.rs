//! Batch calls for the Node build: `prepareBatch` and `parseBatch` of the
//! core's `prepare_batch` / `parse_batch`. Left out of the browser builds,
//! where they would add about 7 KB gzipped to a build kept under 90 KB
//! (secrets belong on servers; see Cargo.toml).

use topwire::{Error, Value};
use wasm_bindgen::prelude::*;

use crate::{attach_files, js_err, json, parsed_out, to_json, Client, JsResult};

/// A batch body with secret values as `***`, for `util.inspect` of a prepared batch.
#[wasm_bindgen(js_name = redactBatch)]
pub fn redact_batch(body: &str, separator: &str) -> String {
    topwire::batch::redacted_lines(body, separator).into_owned()
}

#[wasm_bindgen]
impl Client {
    /// Signs a batch given as the JSON of `[calls, options]` (`calls`:
    /// `[{ method, params, session? }]`; `options`: `{ session, timestamp,
    /// separator, batchUrl }`, the timestamp filled in) and, when a call
    /// holds files (which a batch refuses, naming them), their bytes.
    /// Returns the prepared request as [`Client::prepare`] does (its
    /// signed form empty: a batch's body is signed as text after the
    /// query, so its signed params are the query's alone).
    #[wasm_bindgen(js_name = prepareBatch)]
    pub fn prepare_batch(&self, call: &[u8], files: Option<Vec<u8>>) -> JsResult<u32> {
        let mut parts = match json(call)?.into_owned() {
            Value::List(parts) => parts.into_iter(),
            other => vec![other].into_iter(),
        };
        let mut calls = parts.next().unwrap_or(Value::Null);
        if let Some(files) = files {
            calls = attach_files(calls, &files)?;
        }
        let calls = topwire::options::batch_calls(calls).map_err(js_err)?;
        let options =
            topwire::options::batch_options(parts.next().unwrap_or(Value::Null)).map_err(js_err)?;
        let req = self.inner.prepare_batch(&calls, &options).map_err(js_err)?;
        Ok(self.request_out(req))
    }

    /// Parses a batch reply given as text; `call` is the JSON of `[methods,
    /// separator]` (`null`: the default). Returns one `[ok, out]` per call:
    /// `out` as [`Client::parse`] returns data, or an error record's JSON.
    /// A failure of the whole batch is thrown.
    #[wasm_bindgen(js_name = parseBatch)]
    pub fn parse_batch(&self, call: &[u8], body: &str) -> JsResult<js_sys::Array> {
        // Spans are byte offsets: JS string offsets only for ASCII text
        // (converting them one by one would be quadratic in the body).
        self.parse_batch_with(call, body.as_bytes(), body.is_ascii())
    }

    /// Parses a batch reply given as bytes; spans are in bytes.
    #[wasm_bindgen(js_name = parseBatchBytes)]
    pub fn parse_batch_bytes(&self, call: &[u8], body: &[u8]) -> JsResult<js_sys::Array> {
        self.parse_batch_with(call, body, true)
    }
}

impl Client {
    fn parse_batch_with(&self, call: &[u8], body: &[u8], spans: bool) -> JsResult<js_sys::Array> {
        let mut parts = match json(call)?.into_owned() {
            Value::List(parts) => parts.into_iter(),
            other => vec![other].into_iter(),
        };
        let names = match parts.next() {
            Some(Value::List(items)) => items,
            _ => Vec::new(),
        };
        let names: Vec<&str> = names
            .iter()
            .map(|v| v.as_str().unwrap_or_default())
            .collect();
        let separator = parts.next();
        let separator = separator
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or(topwire::batch::DEFAULT_SEPARATOR);
        let items = self
            .inner
            .parse_batch_spanned(&names, separator, body)
            .map_err(js_err)?;
        let out = js_sys::Array::new();
        for item in items {
            let pair = match item {
                Ok(parsed) => {
                    let span = parsed.verbatim.filter(|_| spans);
                    [JsValue::TRUE, parsed_out(&parsed.data, span)]
                }
                Err(e) => [JsValue::FALSE, JsValue::from_str(&to_json(&Error::from(e)))],
            };
            out.push(&pair.iter().collect::<js_sys::Array>());
        }
        Ok(out)
    }
}
