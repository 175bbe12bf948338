//! Safe wrappers over the exported `extern "C"` functions, called exactly as
//! a C host calls them: pointers and lengths in, buffers and records out,
//! every buffer freed with `topwire_buffer_free`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod tmc;

use std::ffi::c_char;
use std::ptr;

use topwire::{from_json, Value};
use topwire_c::{
    topwire_buffer_free, topwire_client_free, topwire_client_new, topwire_parse,
    topwire_parse_batch, topwire_prepare, topwire_prepare_batch, topwire_request_free,
    topwire_request_params, topwire_sign, topwire_string_to_sign, topwire_verify_spi,
    TopwireBuffer, TopwireClient, TopwireFile, TopwireRequest, TopwireSlice, TopwireStatus,
};

/// A failed call: its status and its error record.
#[derive(Debug)]
pub struct Failure {
    pub status: TopwireStatus,
    pub record: Value,
}

pub fn empty() -> TopwireBuffer {
    TopwireBuffer {
        ptr: ptr::null_mut(),
        len: 0,
    }
}

/// Copies a buffer's bytes out and frees it.
pub fn take_bytes(mut buf: TopwireBuffer) -> Vec<u8> {
    let out = if buf.ptr.is_null() {
        Vec::new()
    } else {
        // SAFETY: a buffer topwire filled: `len` bytes at `ptr`.
        unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec()
    };
    // SAFETY: filled by topwire, freed once.
    unsafe { topwire_buffer_free(&mut buf) };
    assert!(
        buf.ptr.is_null() && buf.len == 0,
        "free leaves an empty buffer"
    );
    out
}

pub fn take_text(buf: TopwireBuffer) -> String {
    String::from_utf8(take_bytes(buf)).expect("topwire returned text that is not UTF-8")
}

/// The status as a result, the error record read as JSON.
pub fn outcome(status: TopwireStatus, error: TopwireBuffer) -> Result<(), Failure> {
    let record = take_text(error);
    if status == TopwireStatus::Ok {
        assert!(record.is_empty(), "an error record after success: {record}");
        return Ok(());
    }
    let record = from_json(&record).unwrap_or_else(|e| panic!("error record {record:?}: {e}"));
    Err(Failure { status, record })
}

fn raw(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

fn opt_raw(s: Option<&str>) -> (*const c_char, usize) {
    s.map_or((ptr::null(), 0), raw)
}

/// An owned client handle, freed on drop.
#[derive(Debug)]
pub struct Client(pub *mut TopwireClient);

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: made by topwire_client_new, freed once.
        unsafe { topwire_client_free(self.0) }
    }
}

// SAFETY: the header says a client may be used from several threads at once.
unsafe impl Send for Client {}
// SAFETY: as above.
unsafe impl Sync for Client {}

pub fn client(options_json: &str) -> Result<Client, Failure> {
    let (p, n) = raw(options_json);
    let mut out: *mut TopwireClient = ptr::null_mut();
    let mut error = empty();
    // SAFETY: valid pointers and lengths.
    let status = unsafe { topwire_client_new(p, n, &mut out, &mut error) };
    outcome(status, error)?;
    assert!(!out.is_null());
    Ok(Client(out))
}

/// A prepared request copied out of topwire's record.
#[derive(Debug)]
pub struct Prepared {
    pub method: String,
    pub url: String,
    pub headers: Value,
    pub body: Vec<u8>,
    pub params: Value,
}

fn slice(s: TopwireSlice) -> Vec<u8> {
    // SAFETY: a slice of a live request record.
    unsafe { std::slice::from_raw_parts(s.ptr, s.len) }.to_vec()
}

pub fn prepare(
    client: &Client,
    method: &str,
    params_json: Option<&str>,
    options_json: Option<&str>,
) -> Result<Prepared, Failure> {
    prepare_files(client, method, params_json, options_json, &[])
}

/// A file to upload, owned by the test.
pub struct File {
    pub name: String,
    pub content: Vec<u8>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

pub fn prepare_files(
    client: &Client,
    method: &str,
    params_json: Option<&str>,
    options_json: Option<&str>,
    files: &[File],
) -> Result<Prepared, Failure> {
    let files: Vec<TopwireFile> = files
        .iter()
        .map(|f| {
            let (name, name_len) = raw(&f.name);
            let (filename, filename_len) = opt_raw(f.filename.as_deref());
            let (content_type, content_type_len) = opt_raw(f.content_type.as_deref());
            TopwireFile {
                name,
                name_len,
                content: f.content.as_ptr().cast(),
                content_len: f.content.len(),
                filename,
                filename_len,
                content_type,
                content_type_len,
            }
        })
        .collect();
    let (m, mn) = raw(method);
    let (p, pn) = opt_raw(params_json);
    let (o, on) = opt_raw(options_json);
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe {
        topwire_prepare(
            client.0,
            m,
            mn,
            p,
            pn,
            o,
            on,
            files.as_ptr(),
            files.len(),
            &mut out,
            &mut error,
        )
    };
    outcome(status, error)?;
    Ok(copy_request(out))
}

/// A batch prepared through `topwire_prepare_batch`.
pub fn prepare_batch(
    client: &Client,
    calls_json: &str,
    options_json: Option<&str>,
) -> Result<Prepared, Failure> {
    let (c, cn) = raw(calls_json);
    let (o, on) = opt_raw(options_json);
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe { topwire_prepare_batch(client.0, c, cn, o, on, &mut out, &mut error) };
    outcome(status, error)?;
    Ok(copy_request(out))
}

/// A batch reply parsed through `topwire_parse_batch`: the results' JSON text.
pub fn parse_batch(
    client: &Client,
    methods_json: &str,
    separator: Option<&str>,
    body: &[u8],
) -> Result<String, Failure> {
    let (m, mn) = raw(methods_json);
    let (s, sn) = opt_raw(separator);
    let mut out = empty();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe {
        topwire_parse_batch(
            client.0,
            m,
            mn,
            s,
            sn,
            body.as_ptr().cast(),
            body.len(),
            &mut out,
            &mut error,
        )
    };
    outcome(status, error)?;
    Ok(take_text(out))
}

/// Copies a request record out and frees it.
fn copy_request(out: *mut TopwireRequest) -> Prepared {
    // SAFETY: a live request record from topwire_prepare.
    let view = unsafe { &*out };
    let mut params = empty();
    let mut error = empty();
    // SAFETY: as above.
    let status = unsafe { topwire_request_params(out, &mut params, &mut error) };
    outcome(status, error).unwrap();
    let text = |s| String::from_utf8(slice(s)).unwrap();
    let prepared = Prepared {
        method: text(view.method),
        url: text(view.url),
        headers: from_json(&text(view.headers)).unwrap(),
        body: slice(view.body),
        params: from_json(&take_text(params)).unwrap(),
    };
    // SAFETY: freed once.
    unsafe { topwire_request_free(out) };
    prepared
}

pub fn parse(client: &Client, method: &str, body: &[u8]) -> Result<String, Failure> {
    let (m, mn) = raw(method);
    let mut out = empty();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe {
        topwire_parse(
            client.0,
            m,
            mn,
            body.as_ptr().cast(),
            body.len(),
            &mut out,
            &mut error,
        )
    };
    outcome(status, error)?;
    Ok(take_text(out))
}

pub fn sign(params_json: &str, secret: &str, sign_method: &str) -> Result<String, Failure> {
    let ((p, pn), (s, sn), (m, mn)) = (raw(params_json), raw(secret), raw(sign_method));
    let mut out = empty();
    let mut error = empty();
    // SAFETY: valid pointers and lengths.
    let status = unsafe { topwire_sign(p, pn, s, sn, m, mn, &mut out, &mut error) };
    outcome(status, error)?;
    Ok(take_text(out))
}

pub fn string_to_sign(params_json: &str) -> Result<String, Failure> {
    let (p, pn) = raw(params_json);
    let mut out = empty();
    let mut error = empty();
    // SAFETY: valid pointers and lengths.
    let status = unsafe { topwire_string_to_sign(p, pn, &mut out, &mut error) };
    outcome(status, error)?;
    Ok(take_text(out))
}

pub fn verify_spi(request_json: &str, body: &[u8]) -> Result<(), Failure> {
    let (r, rn) = raw(request_json);
    let mut error = empty();
    // SAFETY: valid pointers and lengths.
    let status = unsafe { topwire_verify_spi(r, rn, body.as_ptr().cast(), body.len(), &mut error) };
    outcome(status, error)
}
