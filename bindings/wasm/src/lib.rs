//! wasm-bindgen glue of topwire: JS values to core values and back, core
//! errors to JS values. No TOP knowledge lives here; the JS facade
//! (`js/src/facade.js`) turns the thrown error records into `Error` classes.
//!
//! Errors are thrown as plain objects `{ kind, message, ...fields }` (or a
//! real `TypeError` for an argument of the wrong JS type); nothing here may
//! panic, since a trap would poison the module instance.

use std::cell::Cell;
use std::ops::Range;

use js_sys::{Array, BigInt, Date, Object, Reflect, Uint8Array};
use topwire::{ClientOptions, Error, PrepareOptions, SignMethod, SpiRequest, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The local gateway is in the Node build only (see Cargo.toml).
#[cfg(feature = "gateway")]
mod gateway;

/// Largest integer a JS number holds exactly: 2^53 − 1.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
/// Nesting deeper than this is refused (it also stops cyclic objects).
const MAX_DEPTH: usize = 64;

type JsResult<T> = Result<T, JsValue>;

// ---- errors ----

fn set(obj: &Object, key: &str, value: JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

fn opt_str(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// A core error as a record the facade rethrows as the matching class.
fn error_record(e: &Error) -> JsValue {
    let o = Object::new();
    set(&o, "kind", e.kind().into());
    set(&o, "message", e.to_string().into());
    match e {
        Error::Validation(v) => {
            set(&o, "field", v.field.as_str().into());
            set(&o, "expected", v.expected.as_str().into());
            set(&o, "got", v.got.as_str().into());
        }
        Error::Api(a) => {
            set(&o, "code", int(a.code));
            set(&o, "msg", a.msg.as_str().into());
            set(&o, "subCode", opt_str(a.sub_code.as_deref()));
            set(&o, "subMsg", opt_str(a.sub_msg.as_deref()));
            set(&o, "requestId", opt_str(a.request_id.as_deref()));
            set(&o, "retryable", a.retryable.into());
            set(
                &o,
                "retryAfter",
                a.retry_after.map_or(JsValue::UNDEFINED, uint),
            );
        }
        Error::Decode(_) => {}
        Error::Signature(s) => set(&o, "reason", s.reason.as_str().into()),
    }
    o.into()
}

fn js_err(e: Error) -> JsValue {
    error_record(&e)
}

fn validation(field: &str, expected: &str, got: String) -> JsValue {
    error_record(&Error::Validation(topwire::ValidationError::new(
        field, expected, got,
    )))
}

fn type_error(msg: &str) -> JsValue {
    js_sys::TypeError::new(msg).into()
}

// ---- scalars ----

fn int(i: i64) -> JsValue {
    // The cast is exact inside the safe range, which the guard checks.
    #[allow(clippy::cast_precision_loss)]
    let x = i as f64;
    if x.abs() <= MAX_SAFE {
        JsValue::from_f64(x)
    } else {
        BigInt::from(i).into()
    }
}

fn uint(u: u64) -> JsValue {
    i64::try_from(u).map_or_else(|_| BigInt::from(u).into(), int)
}

/// A required string argument, or a TypeError naming it.
fn string_arg(v: &JsValue, name: &str) -> JsResult<String> {
    v.as_string()
        .ok_or_else(|| type_error(&format!("{name} must be a string, got {}", js_type(v))))
}

/// An optional string argument (`undefined` and `null` mean absent).
fn opt_string_arg(v: &JsValue, name: &str) -> JsResult<Option<String>> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        string_arg(v, name).map(Some)
    }
}

fn opt_bool_arg(v: &JsValue, name: &str) -> JsResult<Option<bool>> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| type_error(&format!("{name} must be a boolean, got {}", js_type(v))))
}

/// A JS type name for messages: `undefined`, `null`, `an array`, `a number`, ...
fn js_type(v: &JsValue) -> String {
    if v.is_null() {
        return "null".to_owned();
    }
    if Array::is_array(v) {
        return "an array".to_owned();
    }
    match v.js_typeof().as_string().as_deref() {
        Some("undefined") => "undefined".to_owned(),
        Some("object") => "an object".to_owned(),
        Some(t) => format!("a {t}"),
        None => "a value".to_owned(),
    }
}

/// Whole epoch milliseconds from the facade's number (a Date's getTime(),
/// the caller's number or bigint, or Date.now()). Out-of-range instants are
/// the core's to refuse; only NaN and infinities are refused here.
fn epoch_ms(ms: f64, field: &str) -> JsResult<i64> {
    if !ms.is_finite() {
        return Err(validation(
            field,
            "a valid Date or finite epoch milliseconds",
            format!("the number {}", number_text(ms)),
        ));
    }
    // `as` saturates at the i64 bounds, which the core then refuses by range.
    #[allow(clippy::cast_possible_truncation)]
    Ok(ms.floor() as i64)
}

/// A number as JavaScript writes it (`String(x)`): shortest round-trip text.
fn number_text(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_else(|_| "NaN".to_owned())
}

fn body_bytes(v: &JsValue) -> JsResult<Vec<u8>> {
    if let Some(s) = v.as_string() {
        Ok(s.into_bytes())
    } else if let Some(a) = v.dyn_ref::<Uint8Array>() {
        Ok(a.to_vec())
    } else if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        Ok(Uint8Array::new(b).to_vec())
    } else {
        Err(type_error(&format!(
            "body must be a string, a Uint8Array or an ArrayBuffer, got {}",
            js_type(v)
        )))
    }
}

// ---- JS -> Value ----

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn to_value(v: &JsValue, path: &str, depth: usize) -> JsResult<Value> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(x) = v.as_f64() {
        return number(x, path);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if v.is_bigint() {
        if let Ok(i) = i64::try_from(v.clone()) {
            return Ok(Value::Int(i));
        }
        if let Ok(u) = u64::try_from(v.clone()) {
            return Ok(Value::UInt(u));
        }
        let text = v
            .dyn_ref::<BigInt>()
            .and_then(|b| b.to_string(10).ok())
            .map(String::from)
            .unwrap_or_default();
        return Err(validation(
            path,
            "an integer within 64 bits",
            format!("the bigint {text}"),
        ));
    }
    if depth >= MAX_DEPTH {
        return Err(validation(
            path,
            "at most 64 levels of nesting",
            "deeper nesting (a cycle?)".to_owned(),
        ));
    }
    if Array::is_array(v) {
        let arr: &Array = v.unchecked_ref();
        let mut items = Vec::with_capacity(arr.length() as usize);
        for (i, item) in arr.iter().enumerate() {
            items.push(to_value(&item, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::List(items));
    }
    if v.is_object() && !v.is_function() && is_plain(v) {
        let obj: &Object = v.unchecked_ref();
        let keys = Object::keys(obj);
        let mut pairs = Vec::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let item = Reflect::get(obj, &key)?;
            let value = to_value(&item, &child(path, &name), depth + 1)?;
            pairs.push((name, value));
        }
        return Ok(Value::Object(pairs));
    }
    let got = if v.dyn_ref::<Date>().is_some() {
        "a Date".to_owned()
    } else {
        js_type(v)
    };
    Err(validation(
        if path.is_empty() { "params" } else { path },
        "a string, number, bigint, boolean, array or plain object",
        got,
    ))
}

/// A plain object: its prototype is `Object.prototype` or `null`.
fn is_plain(v: &JsValue) -> bool {
    let proto: JsValue = Object::get_prototype_of(v).into();
    proto.is_null() || Object::get_prototype_of(&proto).is_null()
}

fn number(x: f64, path: &str) -> JsResult<Value> {
    if x.is_finite() && x.fract() == 0.0 {
        if x.abs() <= MAX_SAFE {
            // Integral and within ±2^53: exact.
            #[allow(clippy::cast_possible_truncation)]
            return Ok(Value::Int(x as i64));
        }
        return Err(validation(
            if path.is_empty() { "params" } else { path },
            "a safe integer (at most 2^53 - 1 in size), a bigint or a decimal string",
            format!(
                "the number {}, which a JS number cannot hold exactly",
                number_text(x)
            ),
        ));
    }
    // Fractions, NaN and infinities, as JavaScript writes them: the core
    // sends that text as is, or refuses it by field.
    Ok(Value::Decimal(number_text(x)))
}

// ---- Value -> JS ----

fn has_unsafe(v: &Value) -> bool {
    match v {
        Value::Int(i) => i.unsigned_abs() > 9_007_199_254_740_991,
        Value::UInt(_) => true,
        Value::Decimal(_) => v.as_big_integer().is_some(),
        Value::List(items) => items.iter().any(has_unsafe),
        Value::Object(pairs) => pairs.iter().any(|(_, v)| has_unsafe(v)),
        _ => false,
    }
}

fn to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => int(*i),
        Value::UInt(u) => uint(*u),
        Value::Decimal(t) if v.as_big_integer().is_some() => BigInt::new(&JsValue::from_str(t))
            .map_or_else(|_| js_sys::parse_float(t).into(), Into::into),
        Value::Decimal(t) => js_sys::parse_float(t).into(),
        Value::String(s) => s.as_str().into(),
        // Parsing never makes one; a file's bytes if one ever comes back.
        Value::File(f) => Uint8Array::from(f.content.as_slice()).into(),
        Value::List(items) => items.iter().map(to_js).collect::<Array>().into(),
        Value::Object(pairs) => {
            let o = Object::new();
            for (k, item) in pairs {
                let key = JsValue::from_str(k);
                let value = to_js(item);
                if k == "__proto__" {
                    // An own data property, as JSON.parse makes it.
                    let desc = Object::new();
                    set(&desc, "value", value);
                    set(&desc, "enumerable", true.into());
                    set(&desc, "writable", true.into());
                    set(&desc, "configurable", true.into());
                    Object::define_property(&o, &key, &desc);
                } else {
                    let _ = Reflect::set(&o, &key, &value);
                }
            }
            o.into()
        }
    }
}

/// Parsed data for the facade: JSON text (which `JSON.parse` turns into
/// objects fastest) unless an integer needs a bigint, then the objects.
fn data_out(v: &Value) -> JsValue {
    if has_unsafe(v) {
        to_js(v)
    } else {
        JsValue::from_str(&v.to_json())
    }
}

// ---- the API ----

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Strings packed into one for one crossing: `"len,len,...;" + parts`,
/// lengths in UTF-16 units. The facade slices them back.
fn pack_parts<'a>(parts: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let lens: Vec<String> = parts
        .clone()
        .into_iter()
        .map(|p| utf16_len(p).to_string())
        .collect();
    let mut out = lens.join(",");
    out.push(';');
    parts.into_iter().for_each(|p| out.push_str(p));
    out
}

/// A prepared request for the facade: `method \n start \n url \n body`. The
/// URL and body are percent-encoded ASCII, so no newline occurs in them; the
/// signed params are decoded only if the program reads them (`decodeParams`).
fn pack(req: &topwire::PreparedRequest) -> String {
    let start = req.signed_query_start().to_string();
    let mut out = String::with_capacity(req.url.len() + req.body.len() + 16);
    for part in [req.method, start.as_str(), req.url.as_str()] {
        out.push_str(part);
        out.push('\n');
    }
    // JS values never become files yet, so the body is always a form.
    out.push_str(req.body.as_form().unwrap_or_default());
    out
}

/// The signed params of a prepared request, from its signed query and body.
#[wasm_bindgen(js_name = decodeParams)]
pub fn decode_params(signed_query: &str, body: &str) -> String {
    let params = topwire::decode_params(signed_query, body);
    pack_parts(params.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]))
}

/// The headers every prepared request carries.
#[wasm_bindgen(js_name = requestHeaders)]
pub fn request_headers() -> String {
    pack_parts(topwire::FORM_HEADERS.iter().flat_map(|(k, v)| [*k, *v]))
}

/// A TOP client held inside the wasm instance (the secret never leaves it).
#[wasm_bindgen]
pub struct Client {
    inner: topwire::TopClient,
    /// The data of the last `parse` that could not be a span (see `takeData`).
    data: Cell<Option<JsValue>>,
}

/// A checked method name, which the facade keeps per name: parsing a reply
/// then neither passes the name nor checks it again.
#[wasm_bindgen]
pub struct Method {
    inner: topwire::ReplyMethod,
}

#[wasm_bindgen]
impl Method {
    /// Checks the name; throws a ValidationError record naming `method`.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str) -> JsResult<Method> {
        topwire::ReplyMethod::new(name)
            .map(|inner| Method { inner })
            .map_err(|e| js_err(e.into()))
    }
}

#[wasm_bindgen]
impl Client {
    /// Builds a client; every option may be `undefined`.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        app_key: &JsValue,
        app_secret: &JsValue,
        sign_method: &JsValue,
        format: &JsValue,
        simplify: &JsValue,
        gateway: &JsValue,
        partner_id: &JsValue,
        target_app_key: &JsValue,
    ) -> JsResult<Client> {
        let app_key = string_arg(app_key, "appKey")?;
        let app_secret = string_arg(app_secret, "appSecret")?;
        let sign_method = opt_string_arg(sign_method, "signMethod")?;
        let format = opt_string_arg(format, "format")?;
        let gateway = opt_string_arg(gateway, "gateway")?;
        let partner_id = opt_string_arg(partner_id, "partnerId")?;
        let target_app_key = opt_string_arg(target_app_key, "targetAppKey")?;
        let options = ClientOptions {
            sign_method: sign_method.as_deref(),
            format: format.as_deref(),
            simplify: opt_bool_arg(simplify, "simplify")?,
            gateway: gateway.as_deref(),
            partner_id: partner_id.as_deref(),
            target_app_key: target_app_key.as_deref(),
        };
        topwire::TopClient::with_options(&app_key, &app_secret, &options)
            .map(|inner| Client {
                inner,
                data: Cell::new(None),
            })
            .map_err(|e| js_err(e.into()))
    }

    /// The client's public settings (never the secret), for inspection.
    pub fn describe(&self) -> JsValue {
        let c = &self.inner;
        let o = Object::new();
        set(&o, "appKey", c.app_key().into());
        set(&o, "signMethod", c.sign_method().as_str().into());
        set(&o, "format", c.format().as_str().into());
        set(&o, "simplify", c.simplify().into());
        set(&o, "gateway", c.gateway().into());
        set(&o, "partnerId", opt_str(c.partner_id()));
        set(&o, "targetAppKey", opt_str(c.target_app_key()));
        o.into()
    }

    /// Signs a call. `call` is the JSON text `[method, session, params]`
    /// (the facade's encoding of plain data, one crossing instead of one per
    /// value); returns the packed request (see `pack`).
    pub fn prepare(&self, call: &[u8], timestamp_ms: f64, allow_unknown: bool) -> JsResult<String> {
        let call = std::str::from_utf8(call)
            .map_err(|_| type_error("prepare: malformed call encoding"))?;
        let Ok(Value::List(items)) = topwire::from_json(call) else {
            return Err(type_error("prepare: malformed call encoding"));
        };
        let mut items = items.into_iter();
        let method = match items.next() {
            Some(Value::String(m)) => m,
            _ => return Err(type_error("prepare: malformed call encoding")),
        };
        let session = match items.next() {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let params = items.next().unwrap_or(Value::Null);
        self.prepare_value(&method, &params, session, timestamp_ms, allow_unknown)
    }

    /// Signs a call whose params the facade could not encode as JSON
    /// (bigints beyond 64 bits, unsafe numbers, NaN, Dates, cycles...): the
    /// values are walked here, and the offending one is named.
    #[wasm_bindgen(js_name = prepareValues)]
    pub fn prepare_values(
        &self,
        method: &str,
        params: &JsValue,
        session: Option<String>,
        timestamp_ms: f64,
        allow_unknown: bool,
    ) -> JsResult<String> {
        let params = to_value(params, "", 0)?;
        self.prepare_value(method, &params, session, timestamp_ms, allow_unknown)
    }

    /// Parses a response body given as text. The result is a number: a
    /// span of `body` in UTF-16 units (see [`span_out`]) whose slice is the
    /// data as JSON text, for the native `JSON.parse`; or -1, and `takeData`
    /// gives the data. A number crosses the boundary without allocating.
    pub fn parse(&self, method: &Method, body: &str) -> JsResult<f64> {
        let parsed = self
            .inner
            .parse_reply(&method.inner, body.as_bytes())
            .map_err(js_err)?;
        let span = parsed.verbatim.and_then(|r| utf16_range(body, r));
        Ok(self.parsed_out(&parsed.data, span))
    }

    /// Parses a response body given as bytes; a span is in bytes.
    #[wasm_bindgen(js_name = parseBytes)]
    pub fn parse_bytes(&self, method: &Method, body: &[u8]) -> JsResult<f64> {
        let parsed = self
            .inner
            .parse_reply(&method.inner, body)
            .map_err(js_err)?;
        Ok(self.parsed_out(&parsed.data, parsed.verbatim))
    }

    /// The data of the last `parse` that returned -1: JSON text, or objects
    /// when an integer needs a bigint.
    #[wasm_bindgen(js_name = takeData)]
    pub fn take_data(&self) -> JsValue {
        self.data.take().unwrap_or(JsValue::UNDEFINED)
    }
}

impl Client {
    /// The span when the body's own text is the data and JS numbers hold
    /// every integer in it; else -1, with the data kept for `takeData`.
    fn parsed_out(&self, data: &Value, span: Option<Range<usize>>) -> f64 {
        match span.and_then(span_out) {
            Some(packed) if !has_unsafe(data) => packed,
            _ => {
                self.data.set(Some(data_out(data)));
                -1.0
            }
        }
    }
}

/// A span as one number, `end * 2^21 + start`: exact in an f64 while the
/// data starts in the first 2 MiB of the body and ends in the first 4 GiB
/// (the wrapper key comes first, so it always does in practice). One number
/// crosses the boundary without allocating; `None` falls back to JSON text.
fn span_out(r: Range<usize>) -> Option<f64> {
    const START_BITS: u32 = 21;
    let start = u32::try_from(r.start)
        .ok()
        .filter(|s| *s < 1 << START_BITS)?;
    let end = u32::try_from(r.end).ok()?;
    Some(f64::from(end) * f64::from(1u32 << START_BITS) + f64::from(start))
}

/// A byte range of `text` in UTF-16 units, the unit of JS string offsets
/// (`None` if it does not fall on character boundaries: the data is then
/// sent the slow way rather than sliced wrong).
fn utf16_range(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if text.is_ascii() {
        return text.get(r.clone()).map(|_| r);
    }
    let start = utf16_len(text.get(..r.start)?);
    Some(start..start + utf16_len(text.get(r)?))
}

impl Client {
    fn prepare_value(
        &self,
        method: &str,
        params: &Value,
        session: Option<String>,
        timestamp_ms: f64,
        allow_unknown: bool,
    ) -> JsResult<String> {
        let options = PrepareOptions {
            session,
            timestamp_ms: epoch_ms(timestamp_ms, "timestamp")?,
            allow_unknown,
        };
        self.inner
            .prepare(method, params, &options)
            .map(|req| pack(&req))
            .map_err(js_err)
    }
}

/// Owned `(name, value)` pairs borrowed as the core's `(&str, &str)` pairs.
fn borrow_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Like [`pairs_arg`], with `undefined`/`null` meaning none.
fn opt_pairs_arg(v: &JsValue, name: &str) -> JsResult<Vec<(String, String)>> {
    if v.is_undefined() || v.is_null() {
        Ok(Vec::new())
    } else {
        pairs_arg(v, name)
    }
}

/// Like [`body_bytes`], with `undefined`/`null` meaning an empty body.
fn opt_body_bytes(v: &JsValue) -> JsResult<Vec<u8>> {
    if v.is_undefined() || v.is_null() {
        Ok(Vec::new())
    } else {
        body_bytes(v)
    }
}

/// Reads `[key, value][]` pairs of strings (values may be numbers or
/// booleans, written as text).
fn pairs_arg(v: &JsValue, name: &str) -> JsResult<Vec<(String, String)>> {
    let Some(arr) = v.dyn_ref::<Array>() else {
        return Err(type_error(&format!(
            "{name} must be an object or an array of [key, value] pairs, got {}",
            js_type(v)
        )));
    };
    let mut out = Vec::with_capacity(arr.length() as usize);
    for pair in arr.iter() {
        let bad = || type_error(&format!("{name} must hold [key, value] pairs of strings"));
        let p = pair.dyn_ref::<Array>().ok_or_else(bad)?;
        if p.length() != 2 {
            return Err(bad());
        }
        let k = p.get(0).as_string().ok_or_else(bad)?;
        let value = p.get(1);
        let text = match to_value(&value, &k, 0)? {
            Value::String(s) => s,
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::Decimal(t) => t,
            _ => return Err(bad()),
        };
        out.push((k, text));
    }
    Ok(out)
}

fn sign_method_arg(v: &JsValue) -> JsResult<SignMethod> {
    let name = string_arg(v, "signMethod")?;
    SignMethod::parse(&name).map_err(|e| js_err(e.into()))
}

/// `sign(pairs, secret, signMethod)`: the bare algorithm.
#[wasm_bindgen]
pub fn sign(params: &JsValue, secret: &JsValue, sign_method: &JsValue) -> JsResult<String> {
    let pairs = pairs_arg(params, "params")?;
    let secret = string_arg(secret, "secret")?;
    let method = sign_method_arg(sign_method)?;
    Ok(topwire::sign(&pairs, &secret, method))
}

/// `stringToSign(pairs)`: what the signature covers, for debugging error 25.
#[wasm_bindgen(js_name = stringToSign)]
pub fn string_to_sign(params: &JsValue) -> JsResult<String> {
    let pairs = pairs_arg(params, "params")?;
    Ok(topwire::string_to_sign(&pairs))
}

/// Checks an inbound (SPI) call; throws a SignatureError record on failure.
#[wasm_bindgen(js_name = verifySpi)]
pub fn verify_spi(
    query: &JsValue,
    headers: &JsValue,
    body: &JsValue,
    content_type: &JsValue,
    secret: &JsValue,
    now_ms: f64,
    max_skew_ms: Option<f64>,
) -> JsResult<()> {
    let query = string_arg(query, "query")?;
    let query = query.strip_prefix('?').unwrap_or(&query);
    let headers = opt_pairs_arg(headers, "headers")?;
    let header_refs = borrow_pairs(&headers);
    let body = opt_body_bytes(body)?;
    let content_type = opt_string_arg(content_type, "contentType")?;
    let secret = string_arg(secret, "secret")?;
    let now_ms = epoch_ms(now_ms, "now")?;
    let max_skew_ms = match max_skew_ms {
        None => topwire::DEFAULT_SPI_SKEW_MS,
        Some(ms) => epoch_ms(ms, "max_skew")?,
    };
    let req = SpiRequest {
        query,
        headers: &header_refs,
        body: &body,
        content_type: content_type.as_deref(),
    };
    topwire::verify_spi(&req, &secret, now_ms, max_skew_ms).map_err(js_err)
}

/// The size of the instance's linear memory in bytes (for the memory benchmark).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    let pages = core::arch::wasm32::memory_size(0);
    #[cfg(not(target_arch = "wasm32"))]
    let pages = 0usize;
    // Pages of 64 KiB; a u32-sized count is exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let bytes = (pages * 65_536) as f64;
    bytes
}
