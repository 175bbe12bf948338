//! C ABI glue of topwire: UTF-8 JSON text and byte runs in, records and
//! owned buffers out. No TOP knowledge lives here: every rule about the
//! protocol is the core's; this crate only converts and guards the boundary.
//!
//! The header `include/topwire.h` is generated from this file by cbindgen
//! (`tests/header.rs` checks it is current; `TOPWIRE_BLESS=1` rewrites it).
//! The core forbids `unsafe`; here it is confined to `ffi.rs`, one checked
//! helper per kind of raw-pointer access.

#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod ffi;
mod options;
mod record;
mod tmc;

pub use tmc::*;

use std::borrow::Cow;
use std::ffi::{c_char, c_void};

use topwire::{Error, FileItem, PreparedRequest, TopClient, ValidationError, ValueRef};

use crate::ffi::{array, bytes, call, give, handle, opt_text, put, take, text};

/// What a call returned. Anything but `TOPWIRE_STATUS_OK` comes with an
/// error record (JSON text) in the call's `error` buffer, when one was given.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopwireStatus {
    /// Success: the outputs are filled.
    Ok = 0,
    /// Bad input (an argument, an option, a parameter): the record names the `field`.
    ValidationError = 1,
    /// The gateway answered with `error_response` (`code`, `sub_code`, `retryable`, ...).
    ApiError = 2,
    /// The body is not a TOP response for that method.
    DecodeError = 3,
    /// An inbound SPI call failed its check (`reason`).
    SignatureError = 4,
    /// A bug inside topwire was caught before it reached the host; nothing was changed.
    InternalError = 5,
}

/// Bytes owned by topwire: `len` bytes at `ptr`, not NUL-terminated. Free it
/// with `topwire_buffer_free` (on any thread); `ptr` is NULL when empty.
#[repr(C)]
#[derive(Debug)]
pub struct TopwireBuffer {
    /// The first byte.
    pub ptr: *mut u8,
    /// How many bytes.
    pub len: usize,
}

/// Bytes borrowed from a record topwire owns, valid until that record is freed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TopwireSlice {
    /// The first byte.
    pub ptr: *const u8,
    /// How many bytes.
    pub len: usize,
}

impl TopwireSlice {
    fn of(bytes: &[u8]) -> TopwireSlice {
        TopwireSlice {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }
}

/// A file to upload (TOP's `byte[]` parameters, e.g. `img_bytes`): the
/// request becomes `multipart/form-data`, the file an unsigned part.
/// Borrowed for the call only.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TopwireFile {
    /// The parameter's name (UTF-8): a top-level parameter.
    pub name: *const c_char,
    /// Its length in bytes.
    pub name_len: usize,
    /// The file's bytes (NULL with length 0: an empty file, which is not sent).
    pub content: *const c_void,
    /// How many bytes.
    pub content_len: usize,
    /// The file name sent with it (UTF-8), or NULL (length 0): the parameter's name.
    pub filename: *const c_char,
    /// Its length in bytes.
    pub filename_len: usize,
    /// Its content type (`image/png`), or NULL (length 0): `application/octet-stream`.
    pub content_type: *const c_char,
    /// Its length in bytes.
    pub content_type_len: usize,
}

/// A client: app key, secret and settings. Immutable once made.
pub struct TopwireClient {
    inner: TopClient,
}

/// A signed request, ready for any HTTP client. Every field borrows from the
/// record; free it with `topwire_request_free`.
#[repr(C)]
#[derive(Debug)]
pub struct TopwireRequest {
    /// The HTTP method (`POST`).
    pub method: TopwireSlice,
    /// The gateway URL with the system parameters and `sign` in its query.
    pub url: TopwireSlice,
    /// The headers to send, as a JSON object of strings.
    pub headers: TopwireSlice,
    /// The body to send, as bytes.
    pub body: TopwireSlice,
}

/// What a `TopwireRequest *` really points to: the view first (so the two
/// pointers are the same, repr(C)), then what it borrows from.
#[repr(C)]
struct Prepared {
    view: TopwireRequest,
    request: PreparedRequest,
    headers: Cow<'static, str>,
}

impl Prepared {
    fn boxed(request: PreparedRequest) -> Box<Prepared> {
        let headers = record::headers_json(&request.headers());
        let empty = TopwireSlice::of(&[]);
        let mut p = Box::new(Prepared {
            view: TopwireRequest {
                method: empty,
                url: empty,
                headers: empty,
                body: empty,
            },
            request,
            headers,
        });
        // The heap text the slices point to does not move with the box.
        p.view = TopwireRequest {
            method: TopwireSlice::of(p.request.method.as_bytes()),
            url: TopwireSlice::of(p.request.url.as_bytes()),
            headers: TopwireSlice::of(p.headers.as_bytes()),
            body: TopwireSlice::of(p.request.body.as_bytes()),
        };
        p
    }
}

/// The library's version (`0.1.0`), a static NUL-terminated string. Thread-safe.
#[no_mangle]
pub extern "C" fn topwire_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Frees a buffer topwire returned and sets it to {NULL, 0}; NULL, or a
/// buffer already freed this way, is a no-op.
///
/// # Safety
/// `buffer` is NULL or points to a `TopwireBuffer` filled by topwire.
#[no_mangle]
pub unsafe extern "C" fn topwire_buffer_free(buffer: *mut TopwireBuffer) {
    // SAFETY: the caller's contract (a buffer topwire filled, or NULL).
    if let Some(b) = unsafe { buffer.as_mut() } {
        // SAFETY: its pointer and length are those topwire made.
        unsafe { b.release() };
    }
}

/// Makes a client from its options, a JSON object: `appKey` and
/// `appSecret` (required), `signMethod` (`md5`, `hmac`, `hmac-sha256`),
/// `format` (`json`, `xml`), `simplify` (boolean), `gateway` (URL),
/// `partnerId`, `targetAppKey`. Free it with `topwire_client_free`.
///
/// # Safety
/// `options` points to `options_len` bytes; `out` to a writable pointer;
/// `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_client_new(
    options: *const c_char,
    options_len: usize,
    out: *mut *mut TopwireClient,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let text = unsafe { text("options", options, options_len) }?;
        let inner = options::client(text)?;
        // SAFETY: as above.
        unsafe { put("out", out, give(TopwireClient { inner })) }
    })
}

/// Frees a client; NULL is a no-op. No other call may be using it.
///
/// # Safety
/// `client` is NULL or from `topwire_client_new`, and not freed before.
#[no_mangle]
pub unsafe extern "C" fn topwire_client_free(client: *mut TopwireClient) {
    // SAFETY: the caller's contract.
    unsafe { take(client) }
}

/// Signs a call of `method` (e.g. `taobao.travel.ticket.order.verify`).
/// `params` is a JSON object of the API's parameters (NULL and 0: none); integers
/// are exact over 64 bits and other numbers are sent as written. `options`
/// is NULL (with length 0) or a JSON object: `session`, `timestamp` (epoch milliseconds;
/// default: the system clock), `allowUnknown` (boolean). `files` points to
/// `files_len` uploads (NULL and 0: none), added to `params` after its
/// members. On success `*out` is a request to free with `topwire_request_free`.
///
/// # Safety
/// Each pointer + length pair is readable (or NULL where allowed), those in
/// `files` too; `client` is live; `out` is writable; `error` is NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn topwire_prepare(
    client: *const TopwireClient,
    method: *const c_char,
    method_len: usize,
    params: *const c_char,
    params_len: usize,
    options: *const c_char,
    options_len: usize,
    files: *const TopwireFile,
    files_len: usize,
    out: *mut *mut TopwireRequest,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let client = unsafe { handle("client", client) }?;
        // SAFETY: see above.
        let method = unsafe { text("method", method, method_len) }?;
        // SAFETY: see above.
        let params = match unsafe { opt_text("params", params, params_len) }? {
            Some(t) => options::json("params", t)?,
            None => topwire::ValueRef::Null,
        };
        // SAFETY: see above.
        let params = with_files(params, unsafe { array("files", files, files_len) }?)?;
        // SAFETY: see above.
        let opts = options::prepare(unsafe { opt_text("options", options, options_len) }?)?;
        let request = client.inner.prepare(method, &params, &opts)?;
        let prepared = Box::into_raw(Prepared::boxed(request));
        // SAFETY: writes the view's address (the record's own, repr(C)).
        unsafe { put("out", out, prepared.cast::<TopwireRequest>()) }.inspect_err(|_| {
            // SAFETY: just made by `Box::into_raw` and never given out.
            drop(unsafe { Box::from_raw(prepared) });
        })
    })
}

/// Every parameter the request sends, sorted as signed with `sign` last, as
/// a JSON list of `[name, value]` string pairs (for debugging error 25, or
/// to send everything as a GET query). Free `*out` with `topwire_buffer_free`.
///
/// # Safety
/// `request` is live (from `topwire_prepare`); `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_request_params(
    request: *const TopwireRequest,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: a `TopwireRequest *` from `topwire_prepare` is a `Prepared *`.
        let prepared = unsafe { handle("request", request.cast::<Prepared>()) }?;
        let json = record::pairs_json(&prepared.request.params());
        // SAFETY: the caller's contract.
        unsafe { put("out", out, TopwireBuffer::new(json.into_bytes())) }
    })
}

/// Frees a prepared request; NULL is a no-op.
///
/// # Safety
/// `request` is NULL or from `topwire_prepare`, and not freed before.
#[no_mangle]
pub unsafe extern "C" fn topwire_request_free(request: *mut TopwireRequest) {
    // SAFETY: the caller's contract; a `TopwireRequest *` from
    // `topwire_prepare` is the address of a boxed `Prepared`.
    unsafe { take(request.cast::<Prepared>()) }
}

/// Parses the gateway's reply to `method` (JSON, simplified JSON or XML,
/// the body decides): on success `*out` holds the data as JSON text
/// (integers exact, other numbers as the reply wrote them); an
/// `error_response` is `TOPWIRE_STATUS_API_ERROR` with its record.
///
/// # Safety
/// Each pointer + length pair is readable (`body` may be NULL when
/// `body_len` is 0); `client` is live; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_parse(
    client: *const TopwireClient,
    method: *const c_char,
    method_len: usize,
    body: *const c_void,
    body_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let client = unsafe { handle("client", client) }?;
        // SAFETY: see above.
        let method = unsafe { text("method", method, method_len) }?;
        // SAFETY: see above.
        let body = unsafe { bytes("body", body.cast::<u8>(), body_len) }?;
        let method = topwire::ReplyMethod::new(method)?;
        // The reply's own text when the core's streaming check finds it to
        // be the data (its integers exact as written): copied as it stands,
        // with no tree built. Otherwise the data is built and written anew.
        let verbatim = topwire::check_reply(&method, body, &mut ()).map(|v| v.span);
        let json: Box<[u8]> = match verbatim.and_then(|r| body.get(r)) {
            Some(slice) => slice.into(),
            None => {
                let parsed = client.inner.parse_reply(&method, body)?;
                match parsed.verbatim.and_then(|r| body.get(r)) {
                    Some(slice) => slice.into(),
                    None => parsed.data.to_json().into_bytes().into(),
                }
            }
        };
        // SAFETY: the caller's contract.
        unsafe { put("out", out, TopwireBuffer::new(json)) }
    })
}

/// Signs many calls as one `/router/batch` request. `calls` is a JSON array
/// of `{"method": ..., "params": {...}, "session": ...}` (`session`
/// optional: the call's own, sent in its line); `options` is NULL or a JSON
/// object: `session` (for calls without their own), `timestamp` (epoch
/// milliseconds; default: the system clock), `separator` (default
/// `\r\n-S-\r\n`), `batchUrl` (default: the gateway with `/router/rest`
/// replaced by `/router/batch`). Errors name the call: `calls[2].num`.
/// On success `*out` is a request as `topwire_prepare` gives (its headers
/// carry `top-api-separator` for a separator of the caller's own); free it
/// with `topwire_request_free`.
///
/// # Safety
/// Each pointer + length pair is readable (or NULL where allowed); `client`
/// is live; `out` is writable; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_prepare_batch(
    client: *const TopwireClient,
    calls: *const c_char,
    calls_len: usize,
    options: *const c_char,
    options_len: usize,
    out: *mut *mut TopwireRequest,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let client = unsafe { handle("client", client) }?;
        // SAFETY: see above.
        let calls = options::json("calls", unsafe { text("calls", calls, calls_len) }?)?;
        let calls = topwire::options::batch_calls(calls.into_owned())?;
        // SAFETY: see above.
        let opts = options::batch(unsafe { opt_text("options", options, options_len) }?)?;
        let request = client.inner.prepare_batch(&calls, &opts)?;
        let prepared = Box::into_raw(Prepared::boxed(request));
        // SAFETY: writes the view's address (the record's own, repr(C)).
        unsafe { put("out", out, prepared.cast::<TopwireRequest>()) }.inspect_err(|_| {
            // SAFETY: just made by `Box::into_raw` and never given out.
            drop(unsafe { Box::from_raw(prepared) });
        })
    })
}

/// Parses the reply to a batch: `methods` is a JSON array of the calls'
/// methods in request order, `separator` NULL (the default) or the one the
/// request used. On success `*out` is a JSON array with one object per
/// call: `{"data": ...}` (as `topwire_parse` gives it) or `{"error":
/// {...}}` (the call's own `error_response`, an error record). A failure
/// of the whole batch (one `error_response` for all, e.g. a bad signature)
/// is `TOPWIRE_STATUS_API_ERROR` with its record, as from `topwire_parse`.
///
/// # Safety
/// Each pointer + length pair is readable (or NULL where allowed); `client`
/// is live; `out` writable; `error` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn topwire_parse_batch(
    client: *const TopwireClient,
    methods: *const c_char,
    methods_len: usize,
    separator: *const c_char,
    separator_len: usize,
    body: *const c_void,
    body_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let client = unsafe { handle("client", client) }?;
        // SAFETY: see above.
        let names = options::json("methods", unsafe { text("methods", methods, methods_len) }?)?;
        let names = options::method_names(&names)?;
        // SAFETY: see above.
        let separator = unsafe { opt_text("separator", separator, separator_len) }?
            .unwrap_or(topwire::batch::DEFAULT_SEPARATOR);
        // SAFETY: see above.
        let body = unsafe { bytes("body", body.cast::<u8>(), body_len) }?;
        let items = client.inner.parse_batch_spanned(&names, separator, body)?;
        let json = record::batch_json(items, body);
        // SAFETY: the caller's contract.
        unsafe { put("out", out, TopwireBuffer::new(json.into_bytes())) }
    })
}

/// The `sign` of a parameter list: `params` is a JSON object of strings,
/// numbers and booleans (written as `prepare` writes them), or a list of
/// `[name, value]` string pairs; `sign_method` is `md5`, `hmac` or
/// `hmac-sha256`. `*out` gets the upper-case hex digest.
///
/// # Safety
/// Each pointer + length pair is readable; `out` writable; `error` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn topwire_sign(
    params: *const c_char,
    params_len: usize,
    secret: *const c_char,
    secret_len: usize,
    sign_method: *const c_char,
    sign_method_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let params = unsafe { text("params", params, params_len) }?;
        // SAFETY: see above.
        let secret = unsafe { text("secret", secret, secret_len) }?;
        // SAFETY: see above.
        let method = unsafe { text("sign_method", sign_method, sign_method_len) }?;
        let pairs = options::sign_params("params", &options::json("params", params)?)?;
        let method = topwire::SignMethod::parse(method)?;
        let sign = topwire::sign(&pairs, secret, method)?;
        // SAFETY: the caller's contract.
        unsafe { put("out", out, TopwireBuffer::new(sign.into_bytes())) }
    })
}

/// The text `topwire_sign` digests (between the secrets), for debugging
/// error 25: `params` as in `topwire_sign`.
///
/// # Safety
/// `params` is readable; `out` writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_string_to_sign(
    params: *const c_char,
    params_len: usize,
    out: *mut TopwireBuffer,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let params = unsafe { text("params", params, params_len) }?;
        let pairs = options::sign_params("params", &options::json("params", params)?)?;
        let text = topwire::string_to_sign(&pairs);
        // SAFETY: the caller's contract.
        unsafe { put("out", out, TopwireBuffer::new(text.into_bytes())) }
    })
}

/// Checks an inbound (SPI) call from TOP. `request` is a JSON object:
/// `query` (the raw query string, `?` optional), `headers` (`[name, value]`
/// pairs), `contentType` (absent: looked up in `headers`), `secret`, `now`
/// (epoch milliseconds; default: the system clock), `maxSkewMs` (default
/// 600000). `body` is the raw body (not a key of the JSON). A forged or stale call is
/// `TOPWIRE_STATUS_SIGNATURE_ERROR` with a `reason`.
///
/// # Safety
/// Each pointer + length pair is readable (`body` may be NULL when
/// `body_len` is 0); `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn topwire_verify_spi(
    request: *const c_char,
    request_len: usize,
    body: *const c_void,
    body_len: usize,
    error: *mut TopwireBuffer,
) -> TopwireStatus {
    call(error, || {
        // SAFETY: the caller's contract, checked for null and length.
        let body = unsafe { bytes("body", body.cast::<u8>(), body_len) }?;
        // SAFETY: see above.
        let text = unsafe { text("request", request, request_len) }?;
        options::spi(text, body)?.verify()
    })
}

/// `params` with each file appended as a top-level member.
fn with_files<'t>(params: ValueRef<'t>, files: &[TopwireFile]) -> Result<ValueRef<'t>, Error> {
    if files.is_empty() {
        return Ok(params);
    }
    let mut members = match params {
        ValueRef::Object(m) => m,
        ValueRef::Null => Vec::new(),
        other => {
            let expected = "an object of parameters (there are files to add to it)";
            return Err(ValidationError::new("params", expected, other.describe()).into());
        }
    };
    for (i, f) in files.iter().enumerate() {
        let at = |what: &str| format!("files[{i}].{what}");
        // SAFETY: each file's pointer + length pairs follow the header's rule.
        let (name, content, filename, content_type) = unsafe {
            (
                text(&at("name"), f.name, f.name_len)?,
                bytes(&at("content"), f.content.cast::<u8>(), f.content_len)?,
                opt_text(&at("filename"), f.filename, f.filename_len)?,
                opt_text(&at("content_type"), f.content_type, f.content_type_len)?,
            )
        };
        let item = FileItem {
            content: content.to_vec(),
            filename: filename.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
        };
        members.push((name.to_owned().into(), ValueRef::File(item)));
    }
    Ok(ValueRef::Object(members))
}
