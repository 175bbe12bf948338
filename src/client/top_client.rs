//! The client value and `prepare`: from a method and parameters to a signed,
//! ready-to-send HTTP request. No connection, no clock, no state that
//! changes between calls, so one client can be shared freely.

use std::borrow::Cow;
use std::fmt;

use crate::api::apis;
use crate::api::spec::check_method;
use crate::client::params::{render, Rendered};
use crate::client::response;
use crate::client::response::{Parsed, ReplyMethod};
#[cfg(not(feature = "small"))]
use crate::rules::sign::Keyed;
#[cfg(feature = "small")]
use crate::rules::sign::Running;
use crate::rules::sign::{check_credentials, SignMethod, Signer};
use crate::rules::time::timestamp_text;
use crate::wire::error::{Error, ValidationError};
use crate::wire::multipart::{self, Multipart};
use crate::wire::urlencode::{encode_into, encode_pairs_into, into_text};
use crate::wire::value::{quote_truncated, Value, ValueRef};

/// The default gateway: `https://eco.taobao.com/router/rest`.
pub const DEFAULT_GATEWAY: &str = "https://eco.taobao.com/router/rest";

/// The separator TOP uses unless a request names another: `\r\n-S-\r\n`.
pub const DEFAULT_SEPARATOR: &str = "\r\n-S-\r\n";
/// The request header naming a separator other than the default.
pub const SEPARATOR_HEADER: &str = "top-api-separator";
/// The `Content-Type` of a batch's body.
pub const BATCH_CONTENT_TYPE: &str = "text/plain;charset=UTF-8";

/// The HTTP method of every prepared request.
pub const HTTP_METHOD: &str = "POST";

/// The content type of the request body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=utf-8";

/// Response format asked of the gateway.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// `json` (the default).
    #[default]
    Json,
    /// `xml`.
    Xml,
}

impl Format {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }

    /// Parses `json` or `xml`, naming the field `format` on error.
    pub fn parse(name: &str) -> Result<Format, ValidationError> {
        match name {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            other => Err(ValidationError::new(
                "format",
                "\"json\" or \"xml\"",
                quote_truncated(other),
            )),
        }
    }
}

/// Client settings as the bindings receive them: every field optional and
/// textual, parsed and checked by [`TopClient::with_options`].
#[derive(Clone, Debug, Default)]
pub struct ClientOptions<'a> {
    /// `md5`, `hmac` or `hmac-sha256` (default).
    pub sign_method: Option<&'a str>,
    /// `json` (default) or `xml`.
    pub format: Option<&'a str>,
    /// Ask for simplified JSON (no `*_response` wrapper).
    pub simplify: Option<bool>,
    /// Gateway URL; default [`DEFAULT_GATEWAY`].
    pub gateway: Option<&'a str>,
    /// Sent as `partner_id`.
    pub partner_id: Option<&'a str>,
    /// Sent as `target_app_key`.
    pub target_app_key: Option<&'a str>,
}

/// Per-call options of [`TopClient::prepare`]; hosts give them as
/// `{ session, timestamp, allowUnknown }` (strict, see [`crate::options`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PrepareOptions {
    /// The seller's authorization token, for APIs that need one.
    pub session: Option<String>,
    /// The call's time in epoch milliseconds; the bindings pass the host's
    /// clock when the caller gives none.
    #[serde(rename = "timestamp")]
    pub timestamp_ms: i64,
    /// Send fields a typed API's description does not know (new fields the
    /// platform added); by default they are an error, so a typo is not sent.
    pub allow_unknown: bool,
}

/// The headers of a prepared request without files.
pub const FORM_HEADERS: &[(&str, &str)] = &[("Content-Type", FORM_CONTENT_TYPE)];

/// The body of a prepared request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// `application/x-www-form-urlencoded` text: every call without a file.
    Form(String),
    /// `multipart/form-data`: a call that uploads a file. Text parameters
    /// are parts (and signed), files are parts of their own (not signed).
    Multipart(Multipart),
    /// `text/plain`: a batch's lines joined by its separator, signed as a
    /// whole after the query (see [`TopClient::prepare_batch`]).
    Text(String),
}

impl Body {
    /// The bytes to send.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Form(text) | Body::Text(text) => text.as_bytes(),
            Body::Multipart(m) => &m.bytes,
        }
    }

    /// The body's text, for a body without files (a form or a batch).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Body::Form(text) | Body::Text(text) => Some(text),
            Body::Multipart(_) => None,
        }
    }

    /// The urlencoded text, for a body without files.
    pub fn as_form(&self) -> Option<&str> {
        match self {
            Body::Form(text) => Some(text),
            Body::Multipart(_) | Body::Text(_) => None,
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether there are no bytes to send.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A signed request, ready for any HTTP client. Its `Debug` shows the body
/// with the values of secret fields (a customer's card secret) as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// Always `POST`.
    pub method: &'static str,
    /// Gateway URL with the system parameters and `sign` in the query.
    pub url: String,
    /// The body's `Content-Type`: [`FORM_CONTENT_TYPE`], or
    /// `multipart/form-data; charset=UTF-8; boundary=...` for an upload.
    pub content_type: Cow<'static, str>,
    /// The application parameters.
    pub body: Body,
    /// A batch's `top-api-separator` header, sent only for a separator
    /// other than the default.
    pub(crate) separator_header: Option<String>,
    /// Where the URL's query starts (just after the gateway URL, which has
    /// no query of its own: see [`TopClient::with_gateway`]).
    signed_query_start: usize,
}

impl PreparedRequest {
    /// The headers to send: the body's content type, and a batch's
    /// `top-api-separator` when it uses its own separator.
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        let mut headers = vec![("Content-Type", self.content_type.as_ref())];
        if let Some(separator) = &self.separator_header {
            headers.push((SEPARATOR_HEADER, separator.as_str()));
        }
        headers
    }

    /// Every signed parameter sent, sorted as signed, with `sign` last: for
    /// debugging, and for callers who send everything as a GET query. The
    /// files of an upload are not signed and not listed.
    ///
    /// Decoded from the URL's query and the body on demand (the encoding is
    /// lossless), so `prepare` does not pay for it.
    pub fn params(&self) -> Vec<(String, String)> {
        match &self.body {
            Body::Form(text) => decode_params(self.signed_query(), text),
            Body::Multipart(m) => decode_params(self.signed_query(), &m.signed_form),
            // A batch's body is signed as text after the query: the pairs
            // are the query's.
            Body::Text(_) => decode_params(self.signed_query(), ""),
        }
    }

    /// The URL's query: the system parameters and `sign`, all of it signed
    /// (a gateway URL has no query of its own).
    pub fn signed_query(&self) -> &str {
        self.url.get(self.signed_query_start..).unwrap_or("")
    }

    /// The body as debug output shows it: urlencoded text with the values
    /// of secret fields replaced by `***` (see [`crate::redact_body`]); a
    /// multipart body by its size only.
    pub fn redacted_body(&self) -> Cow<'_, str> {
        match &self.body {
            Body::Form(text) => crate::client::redact::redact_body(self.signed_query(), text),
            Body::Text(text) => crate::client::redact::redacted_lines(text, self.separator()),
            Body::Multipart(m) => {
                Cow::Owned(format!("<multipart/form-data, {} bytes>", m.bytes.len()))
            }
        }
    }

    /// A batch's `top-api-separator` header value: its separator when it is
    /// not the default (see [`Self::headers`]).
    #[inline]
    pub fn separator_header(&self) -> Option<&str> {
        self.separator_header.as_deref()
    }

    /// A batch's separator (the default unless a header names another).
    pub fn separator(&self) -> &str {
        self.separator_header
            .as_deref()
            .unwrap_or(DEFAULT_SEPARATOR)
    }

    /// Where [`Self::signed_query`] starts in [`Self::url`], in bytes (the URL
    /// is ASCII, so also in UTF-16 units): lets a binding hand over the
    /// params lazily through [`decode_params`].
    pub fn signed_query_start(&self) -> usize {
        self.signed_query_start
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("content_type", &self.content_type)
            .field("body", &self.redacted_body())
            .finish()
    }
}

/// The signed parameters of a prepared request from its signed query and
/// body: sorted as signed, `sign` last (what [`PreparedRequest::params`] returns).
pub fn decode_params(signed_query: &str, body: &str) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(signed_query.as_bytes())
        .chain(form_urlencoded::parse(body.as_bytes()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let sign_at = params.iter().position(|(k, _)| k == "sign");
    let sign = sign_at.map(|i| params.remove(i));
    crate::rules::java::sort_by_str(&mut params, |(k, _)| k.as_str());
    params.extend(sign);
    params
}

/// The signed parameters of a prepared request from its signed query, its
/// `Content-Type` and its body, urlencoded or (for an upload) multipart:
/// the query's pairs and the text parts, sorted as signed, `sign` last.
/// For bindings that hand the body over as bytes.
pub fn decode_request_params(
    signed_query: &str,
    content_type: &str,
    body: &[u8],
) -> Vec<(String, String)> {
    match multipart::boundary_of(content_type) {
        Some(Ok(boundary)) => multipart_params(signed_query, body, &boundary),
        _ => decode_params(signed_query, &String::from_utf8_lossy(body)),
    }
}

/// The signed query's pairs and a multipart body's text parts (files are
/// not signed), sorted as signed, `sign` last.
fn multipart_params(signed_query: &str, body: &[u8], boundary: &str) -> Vec<(String, String)> {
    let mut params = decode_params(signed_query, "");
    let sign = params.pop();
    let parts = multipart::parse(body, boundary).unwrap_or_default();
    params.extend(
        parts
            .into_iter()
            .filter(|p| p.filename.is_none())
            .map(|p| (p.name, String::from_utf8_lossy(p.data).into_owned())),
    );
    crate::rules::java::sort_by_str(&mut params, |(k, _)| k.as_str());
    params.extend(sign);
    params
}

/// The app secret (and, without the `small` feature, the digests keyed with it): only
/// handed to the digests, never printed.
#[derive(Clone)]
struct Secret {
    text: String,
    #[cfg(not(feature = "small"))]
    keyed: Keyed,
}

impl Secret {
    fn new(text: &str) -> Result<Secret, ValidationError> {
        Ok(Secret {
            text: text.to_owned(),
            #[cfg(not(feature = "small"))]
            keyed: Keyed::new(text).ok_or_else(unusable_secret)?,
        })
    }

    /// A signer keyed with the secret for `method`, to be fed the string to sign.
    fn signer(&self, method: SignMethod) -> Result<Signer, ValidationError> {
        #[cfg(not(feature = "small"))]
        let digest = Some(self.keyed.start(method));
        #[cfg(feature = "small")]
        let digest = Running::new(&self.text, method);
        digest.map(Signer::new).ok_or_else(unusable_secret)
    }
}

/// HMAC takes keys of any length, so this never happens; it keeps the core
/// free of panics.
fn unusable_secret() -> ValidationError {
    ValidationError::new("app_secret", "a usable key", "none")
}

/// The keyed digests follow from the text.
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.text == other.text
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// An application's credentials and settings. Immutable; cheap to clone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopClient {
    app_key: String,
    app_secret: Secret,
    sign_method: SignMethod,
    format: Format,
    simplify: bool,
    gateway: String,
    partner_id: Option<String>,
    target_app_key: Option<String>,
}

impl TopClient {
    /// A client with the defaults: hmac-sha256, json, not simplified, the
    /// default gateway.
    pub fn new(app_key: &str, app_secret: &str) -> Result<TopClient, ValidationError> {
        check_credentials(app_key, app_secret)?;
        Ok(TopClient {
            app_key: app_key.to_owned(),
            app_secret: Secret::new(app_secret)?,
            sign_method: SignMethod::default(),
            format: Format::default(),
            simplify: false,
            gateway: DEFAULT_GATEWAY.to_owned(),
            partner_id: None,
            target_app_key: None,
        })
    }

    /// A client from textual options, as the bindings receive them.
    pub fn with_options(
        app_key: &str,
        app_secret: &str,
        options: &ClientOptions<'_>,
    ) -> Result<TopClient, ValidationError> {
        let mut client = TopClient::new(app_key, app_secret)?;
        if let Some(m) = options.sign_method {
            client.sign_method = SignMethod::parse(m)?;
        }
        if let Some(f) = options.format {
            client.format = Format::parse(f)?;
        }
        if let Some(g) = options.gateway {
            client = client.with_gateway(g)?;
        }
        client.partner_id = options
            .partner_id
            .filter(|s| !crate::rules::java::is_blank(s))
            .map(str::to_owned);
        client.target_app_key = options
            .target_app_key
            .filter(|s| !crate::rules::java::is_blank(s))
            .map(str::to_owned);
        client.with_simplify(options.simplify.unwrap_or(false))
    }

    /// Sets the sign method.
    pub fn with_sign_method(mut self, method: SignMethod) -> TopClient {
        self.sign_method = method;
        self
    }

    /// Sets the response format (simplify is turned off for xml).
    pub fn with_format(mut self, format: Format) -> TopClient {
        self.format = format;
        if format == Format::Xml {
            self.simplify = false;
        }
        self
    }

    /// Asks for simplified JSON; an error with the xml format, which TOP does not simplify.
    pub fn with_simplify(mut self, simplify: bool) -> Result<TopClient, ValidationError> {
        if simplify && self.format == Format::Xml {
            return Err(ValidationError::new(
                "simplify",
                "false with format \"xml\" (TOP simplifies JSON only)",
                "true",
            ));
        }
        self.simplify = simplify;
        Ok(self)
    }

    /// Sets the gateway URL: any `http://` or `https://` URL (mock gateways and
    /// proxies included), without a query or a fragment.
    ///
    /// TOP checks the signature over every parameter it receives, the URL's
    /// query included; a query of the gateway URL's own (`?proxy_token=...`)
    /// is not part of the call topwire signs, so every call through it would
    /// fail with error 25. Such a URL is refused here, naming the field.
    pub fn with_gateway(mut self, url: &str) -> Result<TopClient, ValidationError> {
        if url.contains('?') {
            return Err(ValidationError::new(
                "gateway",
                "a URL without a query (TOP checks the signature over every parameter \
                 it receives, and a query of the gateway URL is not signed)",
                "a URL with a query",
            ));
        }
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
        let host_ok = url
            .split("://")
            .nth(1)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
        // ASCII only (hosts in punycode, paths percent-encoded), which also
        // makes byte offsets into the prepared URL valid UTF-16 offsets.
        let ascii_ok = url.bytes().all(|b| b.is_ascii_graphic());
        if !scheme_ok || !host_ok || !ascii_ok || url.contains('#') {
            return Err(ValidationError::new(
                "gateway",
                "an ASCII http:// or https:// URL without a fragment",
                quote_truncated(url),
            ));
        }
        self.gateway = url.to_owned();
        Ok(self)
    }

    /// Sets `partner_id` (free text naming the integration).
    pub fn with_partner_id(mut self, partner_id: &str) -> TopClient {
        self.partner_id = Some(partner_id.to_owned()).filter(|s| !crate::rules::java::is_blank(s));
        self
    }

    /// Sets `target_app_key`.
    pub fn with_target_app_key(mut self, key: &str) -> TopClient {
        self.target_app_key = Some(key.to_owned()).filter(|s| !crate::rules::java::is_blank(s));
        self
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        &self.app_key
    }
    /// The sign method.
    pub fn sign_method(&self) -> SignMethod {
        self.sign_method
    }
    /// The response format.
    pub fn format(&self) -> Format {
        self.format
    }
    /// Whether simplified JSON is asked for.
    pub fn simplify(&self) -> bool {
        self.simplify
    }
    /// The gateway URL.
    pub fn gateway(&self) -> &str {
        &self.gateway
    }
    /// The partner id, if set.
    pub fn partner_id(&self) -> Option<&str> {
        self.partner_id.as_deref()
    }
    /// The target app key, if set.
    pub fn target_app_key(&self) -> Option<&str> {
        self.target_app_key.as_deref()
    }

    /// Builds the signed request for `method`.
    ///
    /// `params` is an object (or null for none). Typed APIs are validated
    /// against their description; other methods are rendered by the wire
    /// rules alone. Owned and borrowed values alike (see [`ValueRef`]).
    pub fn prepare(
        &self,
        method: &str,
        params: &ValueRef<'_>,
        options: &PrepareOptions,
    ) -> Result<PreparedRequest, Error> {
        let call = self.checked_call(method, params, options)?;
        let timestamp = timestamp_text(options.timestamp_ms)?;
        let app = call.rendered.text();
        let signed = signing_order(&app)?;
        let system = self.system_params(Some(method), call.session, timestamp.as_str());

        let mut signer = self.app_secret.signer(self.sign_method)?;
        sign_merged(&mut signer, system.as_slice(), &signed);
        let (mut url, signed_query_start) = unsigned_url(&self.gateway, system.as_slice());
        signer.finish_hex(&self.app_secret.text, &mut url);
        let (content_type, body) = if call.rendered.files.is_empty() {
            let mut body = Vec::new();
            encode_pairs_into(&mut body, &app);
            (
                Cow::Borrowed(FORM_CONTENT_TYPE),
                Body::Form(into_text(body)),
            )
        } else {
            let m = multipart::encode(&app, &call.rendered.files)?;
            (Cow::Owned(m.content_type()), Body::Multipart(m))
        };
        Ok(PreparedRequest {
            method: HTTP_METHOD,
            url: into_text(url),
            content_type,
            body,
            separator_header: None,
            signed_query_start,
        })
    }

    /// The form body [`Self::prepare`] would send for a call, checked as it
    /// checks the call but not signed: a batch's line (see
    /// [`crate::batch`]). `None` for a call with files.
    pub(crate) fn checked_form(
        &self,
        method: &str,
        params: &ValueRef<'_>,
        options: &PrepareOptions,
    ) -> Result<Option<String>, Error> {
        let call = self.checked_call(method, params, options)?;
        // The checks of prepare, in its order.
        timestamp_text(options.timestamp_ms)?;
        let app = call.rendered.text();
        signing_order(&app)?;
        if !call.rendered.files.is_empty() {
            return Ok(None);
        }
        let mut body = Vec::new();
        encode_pairs_into(&mut body, &app);
        Ok(Some(into_text(body)))
    }

    /// Everything [`Self::prepare`] checks before the timestamp: the
    /// method, the parameters (rendered) and the session.
    fn checked_call<'a>(
        &self,
        method: &str,
        params: &'a ValueRef<'_>,
        options: &'a PrepareOptions,
    ) -> Result<CheckedCall<'a>, Error> {
        let spec = apis::find(method);
        // A typed method's name is well formed (the build checks it).
        if spec.is_none() {
            check_method(method)?;
            if !options.allow_unknown {
                check_not_misspelled(method)?;
            }
        }
        let rendered = render(spec, params, options.allow_unknown)?;
        // Blank system values are dropped as the Java SDK's TaobaoHashMap drops them.
        let session = options
            .session
            .as_deref()
            .filter(|s| !crate::rules::java::is_blank(s));
        if spec.is_some_and(|s| s.session_required) && session.is_none() {
            return Err(ValidationError::new(
                "session",
                format!("a session: {method} acts for a seller"),
                "none",
            )
            .into());
        }
        Ok(CheckedCall { rendered, session })
    }

    /// The signed request of a batch whose body is already built: the
    /// system parameters (no `method`: each line names its own) in the
    /// query, signed with the body appended (see [`crate::batch`]).
    pub(crate) fn prepare_signed_text(
        &self,
        url: &str,
        session: Option<&str>,
        timestamp: &str,
        body: String,
        separator_header: Option<String>,
    ) -> Result<PreparedRequest, ValidationError> {
        // No `method` in a batch's query: each line names its own.
        let system = self.system_params(None, session, timestamp);
        // The string to sign: the system parameters (already in signing
        // order), then the body exactly as sent.
        let mut signer = self.app_secret.signer(self.sign_method)?;
        sign_merged(&mut signer, system.as_slice(), &[]);
        signer.write(body.as_bytes());
        let (mut url, signed_query_start) = unsigned_url(url, system.as_slice());
        signer.finish_hex(&self.app_secret.text, &mut url);
        Ok(PreparedRequest {
            method: HTTP_METHOD,
            url: into_text(url),
            content_type: Cow::Borrowed(BATCH_CONTENT_TYPE),
            body: Body::Text(body),
            separator_header,
            signed_query_start,
        })
    }

    /// Parses a response body of `method`, in whichever format the body is
    /// (see [`crate::parse`]).
    pub fn parse(&self, method: &str, body: &[u8]) -> Result<Value, Error> {
        response::parse(method, body)
    }

    /// [`TopClient::parse`], also telling where the data's JSON text lies in
    /// the body (see [`Parsed::verbatim`]): for bindings whose host parses
    /// JSON natively.
    pub fn parse_spanned(&self, method: &str, body: &[u8]) -> Result<Parsed, Error> {
        response::parse_spanned(method, body)
    }

    /// [`TopClient::parse_spanned`] with the method checked beforehand.
    pub fn parse_reply(&self, method: &ReplyMethod, body: &[u8]) -> Result<Parsed, Error> {
        response::parse_reply(method, body)
    }

    /// The system parameters, already in signing order (`method` left out
    /// for a batch, whose lines name their own).
    // Inlined into `prepare`, its one caller in the browser build (smaller there).
    #[inline(always)]
    pub(crate) fn system_params<'a>(
        &'a self,
        method: Option<&'a str>,
        session: Option<&'a str>,
        timestamp: &'a str,
    ) -> SystemParams<'a> {
        let all = [
            ("app_key", Some(self.app_key.as_str())),
            ("format", Some(self.format.as_str())),
            ("method", method),
            ("partner_id", self.partner_id.as_deref()),
            ("session", session),
            ("sign_method", Some(self.sign_method.as_str())),
            ("simplify", self.simplify.then_some("true")),
            ("target_app_key", self.target_app_key.as_deref()),
            ("timestamp", Some(timestamp)),
            ("v", Some("2.0")),
        ];
        let mut p = SystemParams::default();
        for (name, value) in all {
            p.push(name, value);
        }
        p
    }
}

/// A call checked and rendered, before its timestamp and signature.
struct CheckedCall<'a> {
    rendered: Rendered<'a>,
    /// The session sent, if any (a blank one is not).
    session: Option<&'a str>,
}

/// How many system parameters there are.
const SYSTEM_PARAMS_MAX: usize = 10;

/// The system parameters of a call, in signing order, held on the stack.
#[derive(Default)]
pub(crate) struct SystemParams<'a> {
    pairs: [(&'a str, &'a str); SYSTEM_PARAMS_MAX],
    len: usize,
}

impl<'a> SystemParams<'a> {
    /// Adds `name` when it has a value.
    #[inline(always)]
    fn push(&mut self, name: &'a str, value: Option<&'a str>) {
        if let (Some(value), Some(slot)) = (value, self.pairs.get_mut(self.len)) {
            *slot = (name, value);
            self.len += 1;
        }
    }

    pub(crate) fn as_slice(&self) -> &[(&'a str, &'a str)] {
        self.pairs.get(..self.len).unwrap_or_default()
    }
}

/// The application pairs in signing order (Java's order of their names),
/// or the error naming one given twice: sorted, a repeated name sits next
/// to itself (only a Rust caller's `Value::Object` can repeat one; JS
/// objects and dicts cannot). System names cannot be among them
/// (`render` refuses them).
fn signing_order<'a>(
    app: &[(&'a str, &'a str)],
) -> Result<Vec<(&'a str, &'a str)>, ValidationError> {
    let mut sorted = app.to_vec();
    crate::rules::java::sort_pairs(&mut sorted);
    if let Some(pair) = sorted
        .windows(2)
        .find(|w| w.first().map(|p| p.0) == w.get(1).map(|p| p.0))
    {
        let name = pair.first().map_or("", |p| p.0);
        return Err(ValidationError::new(
            name,
            "each parameter once",
            "it twice",
        ));
    }
    Ok(sorted)
}

/// Feeds the string to sign: every key and value of `system` and `app`,
/// both in signing order, merged. `system`'s names are ASCII: against an
/// ASCII string, byte order and UTF-16 order agree, so comparing bytes is
/// exact.
fn sign_merged(signer: &mut Signer, system: &[(&str, &str)], app: &[(&str, &str)]) {
    let mut app = app.iter().peekable();
    for (k, v) in system {
        while let Some((ak, av)) = app.next_if(|(ak, _)| ak.as_bytes() < k.as_bytes()) {
            signer.write(ak.as_bytes());
            signer.write(av.as_bytes());
        }
        signer.write(k.as_bytes());
        signer.write(v.as_bytes());
    }
    for (ak, av) in app {
        signer.write(ak.as_bytes());
        signer.write(av.as_bytes());
    }
}

/// `base?k=v&...&sign=` (the signature's hex to follow) and where its query
/// starts. System names are URL-safe ASCII: only values are encoded.
// Inlined into `prepare`, its one caller in the browser build (smaller there).
#[inline(always)]
fn unsigned_url(base: &str, system: &[(&str, &str)]) -> (Vec<u8>, usize) {
    let query: usize = system.iter().map(|(k, v)| k.len() + v.len() * 3 + 2).sum();
    let mut url = Vec::with_capacity(base.len() + query + 72);
    url.extend_from_slice(base.as_bytes());
    url.push(b'?');
    let signed_query_start = url.len();
    for (k, v) in system {
        url.extend_from_slice(k.as_bytes());
        url.push(b'=');
        encode_into(&mut url, v.as_bytes());
        url.push(b'&');
    }
    url.extend_from_slice(b"sign=");
    (url, signed_query_start)
}

/// How many edits away from a typed method an untyped one is taken for a
/// typo of it: a letter missing, extra, wrong or two swapped, twice at
/// most (`ma.consum`, `ma.cosnume`), so that another word is not
/// (`ma.query` is four edits from `ma.delay`).
pub const METHOD_TYPO_EDITS: usize = 2;

/// An untyped method a typo of a typed one (`taobao.eticket.merchant.ma.consum`)
/// would reach the gateway and come back as error 22; it is refused here,
/// naming the typed method, unless the caller allows unknown names.
fn check_not_misspelled(method: &str) -> Result<(), ValidationError> {
    match crate::wire::did_you_mean::closest(method, apis::NAMES, METHOD_TYPO_EDITS) {
        None => Ok(()),
        Some(typed) => Err(ValidationError::new(
            "method",
            format!(
                "a known method (did you mean {typed}?; allowUnknown / allow_unknown sends \
                 an untyped method as it is)"
            ),
            quote_truncated(method),
        )),
    }
}
