//! Batch calls: many API calls in one signed `/router/batch` request, and
//! its reply split back into one result per call (the Java SDK's
//! `BatchTaobaoClient`). Each sub-call is checked, rendered and parsed by
//! the client's own single-call code; this module only lays the calls out
//! as lines and splits the reply.
//!
//! The body is one line per call (its application parameters form-encoded,
//! then `method=` and, when it has its own, `session=`), the lines joined by
//! the separator with none at the end. The query carries the system
//! parameters without `method`; the signature covers them and then the
//! body exactly as sent.

use std::borrow::Cow;
use std::fmt;

pub use crate::client::redact::redacted_lines;
use crate::client::response::{parse_reply, Parsed, ReplyMethod};
use crate::client::top_client::{PrepareOptions, PreparedRequest, TopClient};
use crate::rules::time::format_timestamp;
use crate::wire::error::{ApiError, DecodeError, Error, ValidationError};
use crate::wire::urlencode::append_encoded;
use crate::wire::value::Value;

// What the client's prepared request of a batch carries (its content type,
// separator and header) is declared with the request, which this module builds on.
pub use crate::client::top_client::{BATCH_CONTENT_TYPE, DEFAULT_SEPARATOR, SEPARATOR_HEADER};
/// The path of the batch endpoint, which replaces `/router/rest`.
pub const BATCH_PATH: &str = "/router/batch";
/// The path of single calls.
const REST_PATH: &str = "/router/rest";

/// One call of a batch: `{ method, params, session? }` as hosts give it.
/// Hosts' records are read by [`crate::options::batch_calls`].
#[derive(Clone, PartialEq)]
pub struct BatchCall {
    /// The API method, e.g. `taobao.eticket.merchant.ma.available`.
    pub method: String,
    /// Its application parameters: an object (or null for none).
    pub params: Value,
    /// Its own session, sent in its line; overrides the batch's.
    pub session: Option<String>,
}

impl BatchCall {
    /// A call with the batch's session.
    pub fn new(method: &str, params: Value) -> BatchCall {
        BatchCall {
            method: method.to_owned(),
            params,
            session: None,
        }
    }

    /// The call with its own session.
    pub fn with_session(mut self, session: &str) -> BatchCall {
        self.session = Some(session.to_owned());
        self
    }
}

// Params may hold a customer's card secret: Debug shows the method only.
impl fmt::Debug for BatchCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchCall")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

/// Options of [`TopClient::prepare_batch`]; hosts give them as `{ session,
/// timestamp, separator, batchUrl }` (strict, read by
/// [`crate::options::batch_options`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchOptions {
    /// The session of every call that has none of its own (sent in the query).
    pub session: Option<String>,
    /// The batch's time in epoch milliseconds.
    pub timestamp_ms: i64,
    /// A separator other than [`DEFAULT_SEPARATOR`] (see [`check_separator`]).
    pub separator: Option<String>,
    /// Where to send the batch, for a gateway URL that does not end in
    /// `/router/rest`.
    pub batch_url: Option<String>,
}

impl TopClient {
    /// Builds one signed `/router/batch` request carrying `calls`.
    ///
    /// Every call is checked as [`TopClient::prepare`] checks it (errors name
    /// it: `calls[2].isv_ma_list[0].num`); a file parameter is refused (TOP
    /// batches anything but uploads), and so is an empty list of calls.
    pub fn prepare_batch(
        &self,
        calls: &[BatchCall],
        options: &BatchOptions,
    ) -> Result<PreparedRequest, ValidationError> {
        if calls.is_empty() {
            return Err(ValidationError::new(
                "calls",
                "at least one call",
                "an empty list",
            ));
        }
        let separator = match options.separator.as_deref() {
            None => DEFAULT_SEPARATOR,
            Some(s) => check_separator(s)?,
        };
        let url = self.batch_url(options.batch_url.as_deref())?;
        let timestamp = format_timestamp(options.timestamp_ms)?;
        let shared = options
            .session
            .as_deref()
            .filter(|s| !crate::rules::java::is_blank(s));
        let mut body = String::new();
        for (i, call) in calls.iter().enumerate() {
            if i > 0 {
                body.push_str(separator);
            }
            self.append_line(&mut body, call, shared, options.timestamp_ms)
                .map_err(|e| at_call(i, e))?;
        }
        let header = (separator != DEFAULT_SEPARATOR).then(|| separator.to_owned());
        self.prepare_signed_text(url.as_ref(), shared, &timestamp, body, header)
    }

    /// Splits a batch reply (default separator) and parses each part as
    /// [`TopClient::parse`] parses the reply of that call's method; see
    /// [`TopClient::parse_batch_separated`].
    pub fn parse_batch(
        &self,
        methods: &[&str],
        body: &[u8],
    ) -> Result<Vec<Result<Value, ApiError>>, Error> {
        self.parse_batch_separated(methods, DEFAULT_SEPARATOR, body)
    }

    /// Splits a batch reply on `separator` and parses part *i* as the reply
    /// of `methods[i]`: its data, or its own `error_response` as that
    /// call's [`ApiError`]. A reply with another number of parts than
    /// calls is the batch failing as a whole (a bad signature, say): its
    /// `error_response` is returned as the error, or a [`DecodeError`] if
    /// it has none. A part that is no TOP reply at all is a [`DecodeError`]
    /// naming it.
    pub fn parse_batch_separated(
        &self,
        methods: &[&str],
        separator: &str,
        body: &[u8],
    ) -> Result<Vec<Result<Value, ApiError>>, Error> {
        let parsed = self.parse_batch_spanned(methods, separator, body)?;
        let mut out = Vec::with_capacity(parsed.len());
        for item in parsed {
            out.push(item.map(|p| p.data));
        }
        Ok(out)
    }

    /// [`TopClient::parse_batch_separated`], also telling where each data's
    /// JSON text lies in the body (see [`Parsed::verbatim`]): for bindings
    /// whose host parses JSON natively.
    pub fn parse_batch_spanned(
        &self,
        methods: &[&str],
        separator: &str,
        body: &[u8],
    ) -> Result<Vec<Result<Parsed, ApiError>>, Error> {
        let methods = methods
            .iter()
            .enumerate()
            .map(|(i, m)| {
                ReplyMethod::new(m).map_err(|e| ValidationError {
                    field: format!("methods[{i}]"),
                    ..e
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        parse_batch_reply(&methods, separator, body)
    }

    /// `gateway` with `/router/rest` replaced by `/router/batch`, or the
    /// caller's batch URL.
    fn batch_url<'a>(&'a self, given: Option<&'a str>) -> Result<Cow<'a, str>, ValidationError> {
        if let Some(url) = given {
            // The gateway URL's own checks, naming this option.
            self.clone()
                .with_gateway(url)
                .map_err(|e| ValidationError {
                    field: "batch_url".to_owned(),
                    ..e
                })?;
            return Ok(Cow::Borrowed(url));
        }
        let gateway = self.gateway();
        match gateway.strip_suffix(REST_PATH) {
            Some(base) => Ok(Cow::Owned(format!("{base}{BATCH_PATH}"))),
            None => Err(ValidationError::new(
                "batch_url",
                format!(
                    "a batch URL: the gateway does not end in {REST_PATH}, so the \
                     {BATCH_PATH} endpoint cannot be derived from it"
                ),
                "none",
            )),
        }
    }

    /// Appends one call's line. The call is checked and its parameters
    /// encoded by [`TopClient::prepare`]'s own code as if sent alone (with
    /// the batch's session when it has none of its own), but not signed:
    /// the line is that call's form body, then its method and its own
    /// session.
    fn append_line(
        &self,
        body: &mut String,
        call: &BatchCall,
        shared: Option<&str>,
        timestamp_ms: i64,
    ) -> Result<(), ValidationError> {
        if let Value::Object(pairs) = &call.params {
            if let Some((name, _)) = pairs
                .iter()
                .find(|(_, v)| matches!(v, Value::File(f) if !f.content.is_empty()))
            {
                return Err(no_files(name));
            }
        }
        let own = call
            .session
            .as_deref()
            .filter(|s| !crate::rules::java::is_blank(s));
        let alone = PrepareOptions {
            session: own.or(shared).map(str::to_owned),
            timestamp_ms,
            allow_unknown: false,
        };
        // Checked and encoded as prepare would for the call alone; not signed.
        let form = match self.checked_form(&call.method, &call.params, &alone) {
            Ok(Some(form)) => form,
            // A multipart body: a file, which the check above names.
            Ok(None) => return Err(no_files("params")),
            Err(Error::Validation(e)) => return Err(e),
            Err(other) => {
                return Err(ValidationError::new(
                    "params",
                    "a call to send",
                    other.to_string(),
                ))
            }
        };
        body.push_str(&form);
        if !form.is_empty() {
            body.push('&');
        }
        body.push_str("method=");
        append_encoded(body, &call.method);
        if let Some(s) = own {
            body.push_str("&session=");
            append_encoded(body, s);
        }
        Ok(())
    }
}

/// A file in a batch: TOP batches any call but uploads.
fn no_files(field: &str) -> ValidationError {
    ValidationError::new(
        field,
        "text (TOP batches any call but file uploads)",
        "a file",
    )
}

/// Checks a separator other than the default, which must be sendable as
/// the `top-api-separator` header as it is and can never occur inside a
/// line: visible ASCII only (no spaces, which HTTP clients trim, and no
/// CR or LF, which a header cannot hold), starting with a character that
/// form encoding never leaves in a line (anything but ASCII letters,
/// digits and `* - . _ + % = &`, e.g. `#`, `|`, `~`, `!`, `;`).
///
/// Why the first character suffices: every line is made of those
/// characters only, so an occurrence of the separator can only start
/// inside a separator that was put there; searching from the start of a
/// line, the first one found is the one that ends that line. The default
/// separator starts with CR, so the same holds for it.
pub fn check_separator(separator: &str) -> Result<&str, ValidationError> {
    if separator == DEFAULT_SEPARATOR {
        return Ok(separator);
    }
    let expected = "visible ASCII text starting with a character form encoding always \
                    escapes (not a letter, digit or one of * - . _ + % = &), e.g. \"#SEP#\"";
    let visible = !separator.is_empty() && separator.bytes().all(|b| b.is_ascii_graphic());
    let first_escaped = separator.bytes().next().is_some_and(|b| !in_line(b));
    if visible && first_escaped {
        Ok(separator)
    } else {
        Err(ValidationError::new(
            "separator",
            expected,
            crate::wire::value::quote_truncated(separator),
        ))
    }
}

/// Whether `b` may occur in a form-encoded line (or the empty line `N`).
fn in_line(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_' | b'+' | b'%' | b'=' | b'&')
}

/// A batch reply split on `separator`, each part parsed as the reply of
/// its method (see [`TopClient::parse_batch_separated`]); spans of the
/// parts' data are into `body`. For bindings that keep checked methods.
pub fn parse_batch_reply(
    methods: &[ReplyMethod],
    separator: &str,
    body: &[u8],
) -> Result<Vec<Result<Parsed, ApiError>>, Error> {
    let Some(first_method) = methods.first() else {
        return Err(ValidationError::new("methods", "at least one method", "an empty list").into());
    };
    if separator.is_empty() {
        return Err(ValidationError::new("separator", "a non-empty separator", "\"\"").into());
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        DecodeError::new(format!(
            "batch reply is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    // A literal split (Java's String.split reads the separator as a regular
    // expression); std's substring search is linear in the body.
    let parts: Vec<&str> = text.split(separator).collect();
    if parts.len() != methods.len() {
        return Err(whole_batch_failure(first_method, &parts, methods.len()));
    }
    let mut out = Vec::with_capacity(parts.len());
    let mut offset = 0;
    for (i, (part, method)) in parts.iter().zip(methods).enumerate() {
        match parse_reply(method, part.as_bytes()) {
            Ok(mut parsed) => {
                parsed.verbatim = parsed.verbatim.map(|r| r.start + offset..r.end + offset);
                out.push(Ok(parsed));
            }
            Err(Error::Api(e)) => out.push(Err(*e)),
            Err(e) => {
                return Err(DecodeError::new(format!("reply {i} of the batch: {e}")).into());
            }
        }
        offset += part.len() + separator.len();
    }
    Ok(out)
}

/// The error of a reply whose number of parts is not the number of calls:
/// its (first part's) `error_response`, else a [`DecodeError`].
fn whole_batch_failure(method: &ReplyMethod, parts: &[&str], calls: usize) -> Error {
    let first = parts.first().copied().unwrap_or_default();
    match parse_reply(method, first.as_bytes()) {
        Err(Error::Api(e)) => Error::Api(e),
        _ => DecodeError::new(format!(
            "expected a batch reply of {calls} parts (one per call), got {} and no \
             error_response first: {}",
            parts.len(),
            crate::wire::snippet::snippet(first)
        ))
        .into(),
    }
}

/// An error of call `i`, its field named under `calls[i]`.
fn at_call(i: usize, mut e: ValidationError) -> ValidationError {
    e.field = format!("calls[{i}].{}", e.field);
    e
}
