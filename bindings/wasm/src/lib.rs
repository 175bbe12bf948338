//! wasm-bindgen glue of topwire: the core's records (`topwire::options`)
//! in and out as JSON text. No TOP knowledge lives here.
//!
//! The contract with the facade (`js/src/facade.js`): it reads the caller's
//! values once, in plain JS, and hands over JSON text (UTF-8 bytes) of plain
//! data: well-formed strings, safe integers, finite fractions, 64-bit
//! integers, booleans, null, arrays and objects. So no caller code (a
//! getter, a Proxy trap, `toJSON`) runs while wasm frames are on the stack.
//! Records come back as JSON text, prepared requests as a directory of
//! their fields in wasm memory (see `Client::request_out`); errors are
//! thrown as the JSON text of
//! `{ kind, message, ...fields }`, which the facade rethrows as its classes.
//! JSON text both ways is one `encodeInto` and one `JSON.parse` in JS, and
//! keeps a JSON library (or serde-wasm-bindgen) out of the wasm build.
//! Nothing here may panic: a trap would poison the instance.

use std::cell::Cell;
use std::ops::Range;

use serde::de::DeserializeOwned;
use serde::Serialize;
use topwire::options::{from_value, sign_pairs, ClientConfig, SpiInput};
use topwire::{Error, PrepareOptions, SignMethod, ValidationError, Value, ValueRef};
use wasm_bindgen::prelude::*;

// The local gateway is in the Node build only (see Cargo.toml).
#[cfg(feature = "gateway")]
mod gateway;
// TMC, the message channel, is in the Node build only too.
#[cfg(feature = "tmc")]
mod tmc;
// The local message channel rides on the gateway (Node build only).
#[cfg(all(feature = "gateway", feature = "tmc"))]
mod tmc_channel;

// Batch calls are in the Node build only (see Cargo.toml).
#[cfg(feature = "batch")]
mod batch;

type JsResult<T> = Result<T, JsValue>;

/// Talc instead of the default dlmalloc: `prepare` allocates and frees a
/// few dozen small blocks per call, which talc does in fewer instructions,
/// and its code is smaller (the browser build's size budget). The instance
/// is single-threaded (no `atomics`), as talc's wasm allocator requires.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A core record as JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(record: &T) -> String {
    // Records hold strings, integers, booleans, lists and maps, which always
    // convert; the fallback is never reached.
    topwire::record_json(record).unwrap_or_else(|_| "null".to_owned())
}

pub(crate) fn js_err(e: impl Into<Error>) -> JsValue {
    JsValue::from_str(&to_json(&e.into()))
}

/// The facade's JSON text as a value borrowing its strings from `text`
/// (only an escaped one is copied): a call is signed without an owned copy.
pub(crate) fn json(text: &[u8]) -> JsResult<ValueRef<'_>> {
    let text = std::str::from_utf8(text).unwrap_or_default();
    topwire::from_json_borrowed(text).map_err(|e| {
        js_err(ValidationError::new(
            "call",
            "JSON text from the facade",
            e.message,
        ))
    })
}

/// A record read from the facade's JSON text: a missing, unknown or
/// mistyped key is a ValidationError naming it.
fn read<T: DeserializeOwned>(text: &[u8]) -> JsResult<T> {
    from_value(json(text)?).map_err(js_err)
}

/// A TOP client held inside the wasm instance (the secret never leaves it).
#[wasm_bindgen]
pub struct Client {
    inner: topwire::TopClient,
    /// The last prepared request, kept for the facade to read in wasm
    /// memory, and the directory of its fields (see [`Client::request_out`]).
    last: Cell<Option<topwire::PreparedRequest>>,
    words: Cell<Vec<u32>>,
    /// The data of the last `parse` that returned no span, for
    /// [`Client::take_parsed`]: a number crosses without the externref
    /// table, so the common reply (a span) costs no JS value at all.
    parsed: Cell<Option<JsValue>>,
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
            .map_err(js_err)
    }
}

#[wasm_bindgen]
impl Client {
    /// A client from the JSON of `{ appKey, appSecret, signMethod, ... }` (strict keys).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &[u8]) -> JsResult<Client> {
        let config: ClientConfig = read(options)?;
        let inner = config.client().map_err(js_err)?;
        Ok(Client {
            inner,
            last: Cell::default(),
            words: Cell::default(),
            parsed: Cell::default(),
        })
    }

    /// The client's public settings (never the secret), as JSON.
    pub fn describe(&self) -> String {
        to_json(&self.inner.settings())
    }

    /// Signs a call given as the JSON of `[method, params, options]`
    /// (`options`: `{ session, timestamp, allowUnknown }`, the timestamp
    /// filled in). Returns where the prepared request lies in wasm memory
    /// (see [`Client::request_out`]).
    pub fn prepare(&self, call: &[u8]) -> JsResult<u32> {
        self.prepare_with(call, None)
    }

    /// Signs a call that uploads files: `call` as for [`Client::prepare`],
    /// each file in it marked `{ "\u0000topwire-file": [start, end],
    /// filename?, content_type? }` with its bytes `start..end` of `files`.
    /// Returns the prepared request as [`Client::prepare`] does; a
    /// multipart body is bytes.
    #[wasm_bindgen(js_name = prepareUpload)]
    pub fn prepare_upload(&self, call: &[u8], files: &[u8]) -> JsResult<u32> {
        self.prepare_with(call, Some(files))
    }

    /// Parses a response body given as text. Returns, when the body's own
    /// text is the data, the span of it to slice and hand to the native
    /// `JSON.parse`: a number, `end * 2^21 + start` in UTF-16 units (see
    /// [`span_out`]); else -1, and [`Client::take_parsed`] gives the data.
    pub fn parse(&self, method: &Method, body: &str) -> JsResult<f64> {
        self.parse_with(method, body.as_bytes(), Some(body))
    }

    /// Parses a response body given as bytes; a span is in bytes.
    #[wasm_bindgen(js_name = parseBytes)]
    pub fn parse_bytes(&self, method: &Method, body: &[u8]) -> JsResult<f64> {
        self.parse_with(method, body, None)
    }

    /// The data of the last `parse` that returned -1: JSON text (led by
    /// U+0000 when its bigints are marked for the facade's reviver: see
    /// [`topwire::Verbatim::marked_text`]) or objects.
    #[wasm_bindgen(js_name = takeParsed)]
    pub fn take_parsed(&self) -> JsValue {
        self.parsed.take().unwrap_or(JsValue::UNDEFINED)
    }
}

impl Client {
    /// `parse` and `parseBytes`: `text`, the body as a JS string gave it
    /// (a span then counts UTF-16 units).
    fn parse_with(&self, method: &Method, body: &[u8], text: Option<&str>) -> JsResult<f64> {
        let out = match topwire::check_reply(&method.inner, body, &mut ()) {
            Some(checked) => {
                let span = match text {
                    Some(text) => utf16_range(text, checked.span.clone()),
                    None => Some(checked.span.clone()),
                };
                verbatim_out(&checked, body, span.and_then(span_out))
            }
            None => {
                let parsed = self
                    .inner
                    .parse_reply(&method.inner, body)
                    .map_err(js_err)?;
                // The check takes every reply whose own text is the data
                // but a rare shape, which crosses as text.
                parsed_out(&parsed.data, None)
            }
        };
        Ok(match out.as_f64() {
            Some(packed) => packed,
            None => {
                self.parsed.set(Some(out));
                -1.0
            }
        })
    }
}

/// A reply the core checked without building it, as `parse` returns it:
/// the packed span when JS numbers hold every integer in it; else its text.
fn verbatim_out(checked: &topwire::Verbatim, body: &[u8], span: Option<f64>) -> JsValue {
    match span {
        Some(packed) if !checked.needs_marks() => JsValue::from_f64(packed),
        _ => text_out(checked, body),
    }
}

/// JSON text for the facade: led by U+0000 and marked when it holds
/// integers beyond 2^53 (see [`topwire::Verbatim::marked_text`]).
fn text_out(checked: &topwire::Verbatim, body: &[u8]) -> JsValue {
    if !checked.needs_marks() {
        let text = body.get(checked.span.clone()).unwrap_or_default();
        return JsValue::from_str(std::str::from_utf8(text).unwrap_or_default());
    }
    let mut out = String::from("\u{0}");
    out.push_str(&checked.marked_text(body));
    JsValue::from_str(&out)
}

/// [`Client::request_out`]'s `flags`: every field but a multipart body is
/// ASCII text (the facade then slices it without UTF-8 decoding).
const OUT_ASCII: u32 = 1;
/// The body is bytes (a multipart body), not text.
const OUT_BODY_BYTES: u32 = 2;
/// The signed form is a field of its own (else the body is the signed form).
const OUT_SIGNED_FORM: u32 = 4;

impl Client {
    /// `prepare` and `prepareUpload`: the call's `[method, params, options]`,
    /// with the file markers in params replaced by `files` for an upload.
    fn prepare_with(&self, call: &[u8], files: Option<&[u8]>) -> JsResult<u32> {
        let mut parts = match json(call)? {
            ValueRef::List(parts) => parts.into_iter(),
            other => vec![other].into_iter(),
        };
        let method = parts.next().unwrap_or(ValueRef::Null);
        let mut params = parts.next().unwrap_or(ValueRef::Null);
        if let Some(files) = files {
            params = attach_files(params, files)?;
        }
        let options: PrepareOptions =
            from_value(parts.next().unwrap_or(ValueRef::Null)).map_err(js_err)?;
        let method = method.as_str().unwrap_or_default();
        self.inner
            .prepare(method, &params, &options)
            .map(|req| self.request_out(req))
            .map_err(js_err)
    }

    /// Keeps a prepared request in the client and returns where its
    /// directory lies in wasm memory: one crossing, after which the facade
    /// reads the fields in place (js/src/facade.js `requestAt`), instead of
    /// a JS array pushed field by field and a UTF-8 decode per string.
    ///
    /// The directory, u32 words: `[flags, constants, signedQueryStart,
    /// count, (address, length) × count]`, the fields being the method,
    /// URL, body (urlencoded text, a batch's text or a multipart body's
    /// bytes), the signed form (the urlencoded text the signed params
    /// decode from, empty for a batch, whose body is signed as a whole;
    /// present only with [`OUT_SIGNED_FORM`]), then the headers as name,
    /// value. Bit `i` of `constants` marks field `i` as a constant of the
    /// program (always at that address, with that text), which the facade
    /// makes a JS string once. Valid until the client's next call.
    pub(crate) fn request_out(&self, req: topwire::PreparedRequest) -> u32 {
        let (body, signed_form, mut flags) = match &req.body {
            topwire::Body::Form(text) => (Field::Ascii(text), None, 0),
            topwire::Body::Text(text) => (Field::Text(text), Some(""), OUT_SIGNED_FORM),
            topwire::Body::Multipart(m) => (
                Field::Bytes(&m.bytes),
                Some(m.signed_form.as_str()),
                OUT_BODY_BYTES | OUT_SIGNED_FORM,
            ),
        };
        let content_type = match &req.content_type {
            std::borrow::Cow::Borrowed(constant) => Field::Constant(constant),
            std::borrow::Cow::Owned(text) => Field::Text(text),
        };
        let mut fields = vec![Field::Constant(req.method), Field::Ascii(&req.url), body];
        fields.extend(signed_form.map(Field::Text));
        fields.extend([Field::Constant("Content-Type"), content_type]);
        if let Some(separator) = req.separator_header() {
            fields.extend([
                Field::Constant(topwire::batch::SEPARATOR_HEADER),
                Field::Text(separator),
            ]);
        }
        if fields.iter().all(Field::is_ascii) {
            flags |= OUT_ASCII;
        }
        let mut words = self.words.take();
        words.clear();
        words.extend([flags, 0, addr(req.signed_query_start()), 0]);
        let mut constants = 0;
        for (i, field) in fields.iter().enumerate() {
            let bytes = field.bytes();
            if let Field::Constant(_) = field {
                constants |= 1 << i;
            }
            words.extend([addr(bytes.as_ptr() as usize), addr(bytes.len())]);
        }
        if let Some([_, c, _, n]) = words.first_chunk_mut() {
            *c = constants;
            *n = addr(fields.len());
        }
        let at = addr(words.as_ptr() as usize);
        // The fields' bytes live on the heap (or in the program's data):
        // moving the request into the client does not move them.
        drop(fields);
        self.last.set(Some(req));
        self.words.set(words);
        at
    }
}

/// A field of a prepared request, for [`Client::request_out`].
enum Field<'a> {
    /// A text of the program, at the same address on every call.
    Constant(&'static str),
    /// Text the core builds ASCII only (the URL, a form body: checked or
    /// percent-encoded), so it is not scanned again on every call.
    Ascii(&'a str),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl Field<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Field::Constant(s) | Field::Ascii(s) | Field::Text(s) => s.as_bytes(),
            Field::Bytes(b) => b,
        }
    }

    fn is_ascii(&self) -> bool {
        match self {
            Field::Bytes(_) | Field::Ascii(_) => true,
            other => other.bytes().is_ascii(),
        }
    }
}

/// An address or length in wasm memory, which is within 32 bits.
fn addr(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The instance's memory, where the facade reads prepared requests.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Data the core built, as `parse` returns it: the span when the body's
/// own text is the data and JS numbers hold every integer in it; else the
/// data's JSON text (see [`text_out`]).
pub(crate) fn parsed_out(data: &Value, span: Option<Range<usize>>) -> JsValue {
    let text = data.to_json();
    // The writer's text is always JSON as a native parser reads it.
    let Some(checked) = topwire::scan_json(&text) else {
        return JsValue::from_str(&text);
    };
    match span.and_then(span_out) {
        Some(packed) if !checked.needs_marks() => JsValue::from_f64(packed),
        _ => text_out(&checked, text.as_bytes()),
    }
}

/// A span as one number, `end * 2^21 + start`: exact in an f64 while the
/// data starts in the first 2 MiB of the body and ends in the first 4 GiB
/// (the wrapper key comes first, so it always does in practice).
fn span_out(r: Range<usize>) -> Option<f64> {
    const START_BITS: u32 = 21;
    let start = u32::try_from(r.start)
        .ok()
        .filter(|s| *s < 1 << START_BITS)?;
    let end = u32::try_from(r.end).ok()?;
    Some(f64::from(end) * f64::from(1u32 << START_BITS) + f64::from(start))
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A byte range of `text` in UTF-16 units, the unit of JS string offsets
/// (`None` if it does not fall on character boundaries).
fn utf16_range(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if text.is_ascii() {
        return text.get(r.clone()).map(|_| r);
    }
    let start = utf16_len(text.get(..r.start)?);
    Some(start..start + utf16_len(text.get(r)?))
}

/// Data with big integers as objects: bigints where JS numbers would round
/// (TMC's messages, in the Node build only).
#[cfg(feature = "tmc")]
pub(crate) fn to_js_value(v: &Value) -> JsValue {
    use js_sys::{Array, BigInt, Object, Reflect};
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) if i.unsigned_abs() <= 9_007_199_254_740_991 => {
            // Exact: within ±2^53.
            #[allow(clippy::cast_precision_loss)]
            JsValue::from_f64(*i as f64)
        }
        Value::Int(i) => BigInt::from(*i).into(),
        Value::UInt(u) => BigInt::from(*u).into(),
        Value::Decimal(t) => match v.as_big_integer() {
            Some(digits) => BigInt::new(&JsValue::from_str(digits))
                .map_or_else(|_| js_sys::parse_float(t).into(), Into::into),
            None => js_sys::parse_float(t).into(),
        },
        Value::String(s) => s.as_ref().into(),
        // Parsing never makes one; a file's bytes if one ever comes back.
        Value::File(f) => js_sys::Uint8Array::from(f.content.as_slice()).into(),
        Value::List(items) => items.iter().map(to_js_value).collect::<Array>().into(),
        Value::Object(pairs) => {
            let o = Object::new();
            for (k, item) in pairs {
                let desc = Object::new();
                // An own data property, as JSON.parse makes it (even `__proto__`).
                let _ = Reflect::set(&desc, &"value".into(), &to_js_value(item));
                for flag in ["enumerable", "writable", "configurable"] {
                    let _ = Reflect::set(&desc, &flag.into(), &true.into());
                }
                Object::define_property(&o, &k.as_ref().into(), &desc);
            }
            o.into()
        }
    }
}

/// The signed params of a prepared request, from its signed query and body:
/// the JSON of `[name, value][]`, sorted as signed, `sign` last.
#[wasm_bindgen(js_name = decodeParams)]
pub fn decode_params(signed_query: &str, body: &str) -> String {
    to_json(&topwire::decode_params(signed_query, body))
}

/// The key the facade marks a file with (js/src/facade.js `FILE`).
const FILE_MARK: &str = "\u{0}topwire-file";

/// The params with each file marker replaced by the file: its bytes from
/// `files`, its name and content type from the marker.
pub(crate) fn attach_files<'t>(v: ValueRef<'t>, files: &[u8]) -> JsResult<ValueRef<'t>> {
    let malformed = || {
        js_err(ValidationError::new(
            "call",
            "file markers from the facade",
            "a malformed one".to_owned(),
        ))
    };
    Ok(match v {
        ValueRef::Object(pairs) if pairs.iter().any(|(k, _)| k == FILE_MARK) => {
            let mut file = topwire::FileItem::default();
            for (k, item) in pairs {
                match (k.as_ref(), item) {
                    (FILE_MARK, ValueRef::List(range)) => {
                        let at = |i: usize| match range.get(i) {
                            Some(ValueRef::Int(n)) => usize::try_from(*n).ok(),
                            _ => None,
                        };
                        let bytes = at(0)
                            .zip(at(1))
                            .and_then(|(start, end)| files.get(start..end))
                            .ok_or_else(malformed)?;
                        file.content = bytes.to_vec();
                    }
                    ("filename", ValueRef::String(name)) => file.filename = Some(name.into_owned()),
                    ("content_type", ValueRef::String(t)) => {
                        file.content_type = Some(t.into_owned())
                    }
                    _ => return Err(malformed()),
                }
            }
            ValueRef::File(file)
        }
        ValueRef::Object(pairs) => ValueRef::Object(
            pairs
                .into_iter()
                .map(|(k, item)| attach_files(item, files).map(|item| (k, item)))
                .collect::<JsResult<_>>()?,
        ),
        ValueRef::List(items) => ValueRef::List(
            items
                .into_iter()
                .map(|item| attach_files(item, files))
                .collect::<JsResult<_>>()?,
        ),
        other => other,
    })
}

/// The body with secret values as `***`, for `util.inspect` of a prepared request.
#[wasm_bindgen(js_name = redactBody)]
pub fn redact_body(signed_query: &str, body: &str) -> String {
    topwire::redact_body(signed_query, body).into_owned()
}

/// Whether the parameter at `path` (`isv_ka_list[0].ka_mi`) of `method` is,
/// or may hold, a secret: the facade's own errors then do not show it.
#[wasm_bindgen(js_name = isSecretPath)]
pub fn is_secret_path(method: &str, path: &str) -> bool {
    topwire::is_secret_path(method, path)
}

/// `[name, value]` pairs of a params object, each value a scalar.
fn sign_input(params: ValueRef<'_>) -> JsResult<Vec<(String, String)>> {
    match params {
        ValueRef::Object(pairs) => sign_pairs(&pairs).map_err(js_err),
        other => Err(js_err(ValidationError::new(
            "params",
            "an object or [key, value] pairs",
            other.describe(),
        ))),
    }
}

/// `sign`: the bare algorithm over the JSON of `[params, secret, signMethod]`.
#[wasm_bindgen]
pub fn sign(call: &[u8]) -> JsResult<String> {
    let mut parts = match json(call)? {
        ValueRef::List(parts) => parts.into_iter(),
        other => vec![other].into_iter(),
    };
    let pairs = sign_input(parts.next().unwrap_or(ValueRef::Null))?;
    let mut text = || parts.next().and_then(|v| v.as_str().map(str::to_owned));
    let (secret, method) = (text().unwrap_or_default(), text().unwrap_or_default());
    let method = SignMethod::parse(&method).map_err(js_err)?;
    topwire::sign(&pairs, &secret, method).map_err(js_err)
}

/// `stringToSign`: what the signature covers, for debugging error 25.
#[wasm_bindgen(js_name = stringToSign)]
pub fn string_to_sign(params: &[u8]) -> JsResult<String> {
    Ok(topwire::string_to_sign(&sign_input(json(params)?)?))
}

/// Checks an inbound (SPI) call: the JSON of `{ query, headers,
/// contentType, secret, now, maxSkewMs }` and the body's bytes. Throws a
/// SignatureError record on failure.
#[wasm_bindgen(js_name = verifySpi)]
pub fn verify_spi(input: &[u8], body: &[u8]) -> JsResult<()> {
    let mut input: SpiInput = read(input)?;
    input.body = body;
    input.verify().map_err(js_err)
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

/// `[timeoutMs, retries]`: the defaults of `client.call` (topwire::send).
#[wasm_bindgen(js_name = sendDefaults)]
pub fn send_defaults() -> Box<[f64]> {
    // Both are small constants: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let timeout = topwire::send::DEFAULT_TIMEOUT_MS as f64;
    Box::new([timeout, f64::from(topwire::send::DEFAULT_RETRIES)])
}

/// The retries `client.call` was given, checked (a ValidationError record otherwise).
#[wasm_bindgen(js_name = checkRetries)]
pub fn check_retries(retries: f64) -> JsResult<u32> {
    topwire::send::check_retries(retries).map_err(js_err)
}

/// Milliseconds to wait before retry `attempt` of a call that failed with
/// an ApiError of this `retryable` and `retryAfter`; none: raise it.
#[wasm_bindgen(js_name = retryDelay)]
pub fn retry_delay(
    retryable: bool,
    retry_after: Option<f64>,
    attempt: u32,
    retries: u32,
) -> Option<f64> {
    // retryAfter came from the core's own u64 (seconds), through a JS number.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let after = retry_after.map(|s| s as u64);
    #[allow(clippy::cast_precision_loss)]
    topwire::send::retry_wait_ms(retryable, after, attempt, retries).map(|ms| ms as f64)
}

/// Refuses an option `key` none of `known` (comma-separated) names, with its
/// likely spelling (for the options the facade reads itself, such as
/// `client.call`'s). Text rather than an array: no array glue in the build.
#[wasm_bindgen(js_name = unknownOption)]
pub fn unknown_option(key: &str, known: &str) -> JsResult<()> {
    let known: Vec<&str> = known.split(',').collect();
    Err(js_err(topwire::options::unknown_key(
        key.to_owned(),
        key,
        &known,
    )))
}

/// Whole epoch milliseconds from the facade's number (NaN and infinities
/// refused; out-of-range instants are the core's to refuse).
#[cfg(any(feature = "gateway", feature = "tmc"))]
fn epoch_ms(ms: f64, field: &str) -> JsResult<i64> {
    if !ms.is_finite() {
        return Err(js_err(topwire::ValidationError::new(
            field,
            "a valid Date or finite epoch milliseconds",
            format!("the number {ms}"),
        )));
    }
    // `as` saturates at the i64 bounds, which the core then refuses by range.
    #[allow(clippy::cast_possible_truncation)]
    Ok(ms.floor() as i64)
}
