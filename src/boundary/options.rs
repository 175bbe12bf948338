//! The records hosts hand to the core and get back, declared once with serde:
//! client options, per-call options, SPI and gateway inputs in, the prepared
//! request, gateway replies and error records out. The wasm glue reads them
//! with serde-wasm-bindgen, a C ABI with serde_json; the camelCase names a JS
//! or JSON caller writes come from the `rename_all` here and nowhere else.
//!
//! Options are strict: an unknown key is a [`ValidationError`] naming it, with
//! the right spelling when one is close ([`did_you_mean`]), so a typo such as
//! `sign_method` or `sesion` is refused instead of silently ignored.

use std::borrow::Cow;
use std::fmt;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::client::batch::{BatchCall, BatchOptions};
use crate::client::top_client::{ClientOptions, PreparedRequest, TopClient};
use crate::local_gateway::gateway::{Gateway, GatewayConfig, GatewayRequest, GatewayResponse};
use crate::spi::verify::{verify_spi, SpiRequest, DEFAULT_SPI_SKEW_MS};
use crate::wire::did_you_mean::{camel_case, snake_case};
pub use crate::wire::did_you_mean::{closest, did_you_mean, unknown_key};
use crate::wire::error::{Error, ValidationError};
use crate::wire::value::{Value, ValueRef};

/// Settings of a [`TopClient`] as a host gives them (`new TopClient({...})`).
/// [`TopClient::settings`] gives them back, the secret left out.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClientConfig {
    /// The app key (required).
    pub app_key: Option<String>,
    /// The app secret (required; never printed or serialized).
    #[serde(skip_serializing)]
    pub app_secret: Option<String>,
    /// `md5`, `hmac` or `hmac-sha256` (default).
    pub sign_method: Option<String>,
    /// `json` (default) or `xml`.
    pub format: Option<String>,
    /// Ask for simplified JSON (no `*_response` wrapper).
    pub simplify: Option<bool>,
    /// Gateway URL; default [`crate::DEFAULT_GATEWAY`].
    pub gateway: Option<String>,
    /// Sent as `partner_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    /// Sent as `target_app_key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_app_key: Option<String>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("app_key", &self.app_key)
            .field("app_secret", &"***")
            .field("sign_method", &self.sign_method)
            .field("format", &self.format)
            .field("simplify", &self.simplify)
            .field("gateway", &self.gateway)
            .finish_non_exhaustive()
    }
}

impl TopClient {
    /// The public settings, as a host gives them; the secret left empty.
    /// (Declared beside the record, so the client need not import it.)
    pub fn settings(&self) -> ClientConfig {
        ClientConfig {
            app_key: Some(self.app_key().to_owned()),
            app_secret: None,
            sign_method: Some(self.sign_method().as_str().to_owned()),
            format: Some(self.format().as_str().to_owned()),
            simplify: Some(self.simplify()),
            gateway: Some(self.gateway().to_owned()),
            partner_id: self.partner_id().map(str::to_owned),
            target_app_key: self.target_app_key().map(str::to_owned),
        }
    }
}

impl ClientConfig {
    /// The client these settings describe, every setting checked. Errors
    /// name the key as a JS or JSON caller wrote it (`appSecret`,
    /// `signMethod`), and a key left out is "none", not an empty string.
    pub fn client(&self) -> Result<TopClient, ValidationError> {
        let (Some(app_key), Some(app_secret)) = (&self.app_key, &self.app_secret) else {
            let (key, what) = match self.app_key {
                None => ("appKey", "a non-empty app key"),
                Some(_) => ("appSecret", "a non-empty app secret"),
            };
            return Err(ValidationError::new(key, what, "none"));
        };
        let options = ClientOptions {
            sign_method: self.sign_method.as_deref(),
            format: self.format.as_deref(),
            simplify: self.simplify,
            gateway: self.gateway.as_deref(),
            partner_id: self.partner_id.as_deref(),
            target_app_key: self.target_app_key.as_deref(),
        };
        TopClient::with_options(app_key, app_secret, &options).map_err(|mut e| {
            e.field = camel_case(&e.field);
            e
        })
    }

    /// [`ClientConfig::client`], its errors naming the setting as Python's
    /// keywords are written (`app_secret`, `sign_method`).
    pub fn client_snake_case(&self) -> Result<TopClient, ValidationError> {
        self.client().map_err(|mut e| {
            e.field = snake_case(&e.field);
            e
        })
    }
}

/// An inbound (SPI) call and how to check it, as a host gives it
/// (`verifySpi({...})`, the C ABI's JSON, Python's arguments). The body is
/// borrowed from the host; the text is owned (borrowed text, `Cow`, costs
/// the browser build about 170 B gzipped to save copying a few short strings).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SpiInput<'a> {
    /// The raw query string, with or without the leading `?`.
    pub query: String,
    /// The request headers as `(name, value)` pairs, names in any case.
    pub headers: Vec<(String, String)>,
    /// The raw body: bytes the binding hands over beside the record (never
    /// a key of it; a `body` key is refused as unknown), borrowed.
    #[serde(skip)]
    pub body: &'a [u8],
    /// The `Content-Type`; looked up in `headers` when absent.
    pub content_type: Option<String>,
    /// The app secret (never printed).
    pub secret: String,
    /// The host's clock, epoch milliseconds.
    pub now: i64,
    /// Allowed distance of the call's timestamp from `now`; default
    /// [`DEFAULT_SPI_SKEW_MS`].
    pub max_skew_ms: Option<i64>,
}

impl fmt::Debug for SpiInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpiInput")
            .field("query", &self.query)
            .field("content_type", &self.content_type)
            .field("secret", &"***")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl SpiInput<'_> {
    /// Checks the call (see [`verify_spi`]).
    pub fn verify(&self) -> Result<(), Error> {
        let headers = borrow_pairs(&self.headers);
        let req = SpiRequest {
            query: &self.query,
            headers: &headers,
            body: self.body,
            content_type: self.content_type.as_deref(),
        };
        verify_spi(&req, &self.secret, self.now, spi_skew(self.max_skew_ms))
    }
}

/// The allowed SPI clock skew: the caller's, else [`DEFAULT_SPI_SKEW_MS`].
pub fn spi_skew(max_skew_ms: Option<i64>) -> i64 {
    max_skew_ms.unwrap_or(DEFAULT_SPI_SKEW_MS)
}

/// The app a local gateway accepts instead of its configured ones
/// (`new Gateway(config, { appKey, appSecret })`, the servers' flags).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GatewayOptions {
    /// Accept only this app key (with `app_secret`).
    pub app_key: Option<String>,
    /// The secret of `app_key` (never printed).
    pub app_secret: Option<String>,
}

impl fmt::Debug for GatewayOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayOptions")
            .field("app_key", &self.app_key)
            .field("app_secret", &"***")
            .finish()
    }
}

impl GatewayOptions {
    /// `config` with these options applied: the app replaces the configured
    /// apps; an app key without its secret (or the reverse) is refused.
    pub fn apply(&self, config: GatewayConfig) -> Result<GatewayConfig, ValidationError> {
        match (&self.app_key, &self.app_secret) {
            (None, None) => Ok(config),
            (Some(key), Some(secret)) => config.with_app(key, secret),
            (Some(_), None) => Err(ValidationError::new(
                "app_secret",
                "the secret of app_key (app key and secret go together)",
                "none",
            )),
            (None, Some(_)) => Err(ValidationError::new(
                "app_key",
                "the app key of app_secret (app key and secret go together)",
                "none",
            )),
        }
    }

    /// The gateway of a config file's JSON text (none: the default config)
    /// with these options applied.
    pub fn gateway(&self, config_json: Option<&str>) -> Result<Gateway, ValidationError> {
        let config = match config_json {
            Some(text) => GatewayConfig::from_json(text)?,
            None => GatewayConfig::default(),
        };
        Ok(Gateway::new(self.apply(config)?))
    }
}

/// An HTTP request to the local gateway, as a host's server received it
/// (text owned, the body borrowed, as in [`SpiInput`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayInput<'a> {
    /// HTTP method.
    pub method: String,
    /// The request target (`/router/rest?...`) or a full URL.
    pub url: String,
    /// Headers as `(name, value)` pairs.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The raw body: bytes the binding hands over beside the record, borrowed.
    #[serde(skip)]
    pub body: &'a [u8],
}

impl GatewayInput<'_> {
    /// The gateway's reply to this request at `now_ms`.
    pub fn handle(&self, gateway: &Gateway, now_ms: i64) -> GatewayResponse {
        self.with_request(|req| gateway.handle(req, now_ms))
    }

    /// `f` of the core's request, which borrows from this record (the
    /// message channel answers through it too).
    pub fn with_request<R>(&self, f: impl FnOnce(&GatewayRequest<'_>) -> R) -> R {
        let headers = borrow_pairs(&self.headers);
        f(&GatewayRequest {
            method: &self.method,
            url: &self.url,
            headers: &headers,
            body: self.body,
        })
    }
}

/// The calls of a batch as a host gives them (`[{ method, params, session? }]`),
/// every failure a [`ValidationError`] named under `calls` (`calls[1].sesion`,
/// an unknown key, with its likely spelling). Read by hand rather than with
/// serde: a derived reader of these records costs the browser build about
/// 5 KB gzipped.
pub fn batch_calls(value: Value) -> Result<Vec<BatchCall>, ValidationError> {
    const KNOWN: &[&str] = &["method", "params", "session"];
    let Value::List(items) = value else {
        return Err(ValidationError::new(
            "calls",
            "an array of calls",
            value.describe(),
        ));
    };
    let mut calls = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("calls[{i}]");
        let Value::Object(pairs) = item else {
            return Err(ValidationError::new(
                at,
                "{ method, params, session? }",
                item.describe(),
            ));
        };
        let mut call = BatchCall::new("", Value::Null);
        let mut method = None;
        for (key, v) in pairs {
            let field = format!("{at}.{key}");
            match key.as_ref() {
                "method" => method = Some(text_of(v, &field)?),
                "params" => call.params = v,
                "session" => call.session = opt_text(v, &field)?,
                _ => return Err(unknown_key(field, &key, KNOWN)),
            }
        }
        call.method = method
            .ok_or_else(|| ValidationError::new(format!("{at}.method"), "a value", "none"))?;
        calls.push(call);
    }
    Ok(calls)
}

/// The options of a batch as a host gives them (`{ session, timestamp,
/// separator, batchUrl }`, strict keys, null for absent), read by hand as
/// [`batch_calls`] is.
pub fn batch_options(value: Value) -> Result<BatchOptions, ValidationError> {
    const KNOWN: &[&str] = &["session", "timestamp", "separator", "batchUrl"];
    let mut options = BatchOptions::default();
    let pairs = match value {
        Value::Null => return Ok(options),
        Value::Object(pairs) => pairs,
        other => {
            return Err(ValidationError::new(
                "options",
                "an object",
                other.describe(),
            ))
        }
    };
    for (key, v) in pairs {
        match key.as_ref() {
            "session" => options.session = opt_text(v, &key)?,
            "separator" => options.separator = opt_text(v, &key)?,
            "batchUrl" => options.batch_url = opt_text(v, &key)?,
            "timestamp" => match v {
                Value::Int(ms) => options.timestamp_ms = ms,
                other => {
                    let got = other.describe();
                    return Err(ValidationError::new(
                        key,
                        "epoch milliseconds (an integer)",
                        got,
                    ));
                }
            },
            _ => return Err(unknown_key(key.clone().into_owned(), &key, KNOWN)),
        }
    }
    Ok(options)
}

fn text_of(v: Value, field: &str) -> Result<String, ValidationError> {
    match v {
        Value::String(s) => Ok(s.into_owned()),
        other => Err(ValidationError::new(field, "a string", other.describe())),
    }
}

fn opt_text(v: Value, field: &str) -> Result<Option<String>, ValidationError> {
    match v {
        Value::Null => Ok(None),
        other => text_of(other, field).map(Some),
    }
}

/// A TMC session's settings as a host gives them (`new TmcSession({...})`,
/// the C ABI's JSON): the app, then [`crate::tmc::TmcOptions`], each
/// absent one at its default. Unknown keys are refused.
#[cfg(feature = "tmc")]
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TmcSessionConfig {
    /// The app key (required).
    pub app_key: String,
    /// The app secret (required; never printed).
    pub app_secret: String,
    /// The message group; default `default`.
    pub group_name: Option<String>,
    /// Sent as `sdk`; default `topwire-<version>`.
    pub sdk: Option<String>,
    /// Sent as `intranet_ip`, when given.
    pub intranet_ip: Option<String>,
    /// Default 15000.
    pub pull_interval_ms: Option<i64>,
    /// Default 45000.
    pub ping_interval_ms: Option<i64>,
    /// Default 10000.
    pub reconnect_interval_ms: Option<i64>,
    /// The most bytes a gzip content inflates to; default 16 MiB.
    pub max_content_bytes: Option<u64>,
}

#[cfg(feature = "tmc")]
impl fmt::Debug for TmcSessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcSessionConfig")
            .field("app_key", &self.app_key)
            .field("app_secret", &"***")
            .field("group_name", &self.group_name)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tmc")]
impl TmcSessionConfig {
    /// The options these settings describe, the defaults filled in.
    pub fn options(&self) -> crate::tmc::TmcOptions {
        let d = crate::tmc::TmcOptions::default();
        crate::tmc::TmcOptions {
            group_name: self.group_name.clone().unwrap_or(d.group_name),
            sdk: self.sdk.clone().unwrap_or(d.sdk),
            intranet_ip: self.intranet_ip.clone(),
            pull_interval_ms: self.pull_interval_ms.unwrap_or(d.pull_interval_ms),
            ping_interval_ms: self.ping_interval_ms.unwrap_or(d.ping_interval_ms),
            reconnect_interval_ms: self
                .reconnect_interval_ms
                .unwrap_or(d.reconnect_interval_ms),
            max_content_bytes: self.max_content_bytes.map_or(d.max_content_bytes, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            }),
        }
    }

    /// The session these settings describe, every setting checked (the
    /// app key and secret named `appKey`, `appSecret` as the host wrote them).
    pub fn session(&self) -> Result<crate::tmc::TmcSession, ValidationError> {
        crate::tmc::TmcSession::new(&self.app_key, &self.app_secret, self.options()).map_err(
            |mut e| {
                e.field = camel_case(&e.field);
                e
            },
        )
    }

    /// [`TmcSessionConfig::session`], its errors naming the setting as
    /// Python's keywords are written (`app_secret`, `pull_interval_ms`).
    pub fn session_snake_case(&self) -> Result<crate::tmc::TmcSession, ValidationError> {
        self.session().map_err(|mut e| {
            e.field = snake_case(&e.field);
            e
        })
    }
}

/// `(name, value)` pairs (owned or borrowed) as the core's borrowed
/// `(&str, &str)` pairs.
pub fn borrow_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect()
}

// ---- records out ----

/// `{ method, url, headers: { name: value }, body, signedQueryStart }`; the
/// body is the form's (or a batch's) text, or null for a multipart upload, whose bytes
/// ([`crate::Body::as_bytes`]) a binding hands over beside the record.
impl Serialize for PreparedRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("method", self.method)?;
        m.serialize_entry("url", &self.url)?;
        m.serialize_entry("headers", &HeaderMap(&self.headers()))?;
        m.serialize_entry("body", &self.body.as_text())?;
        m.serialize_entry("signedQueryStart", &self.signed_query_start())?;
        m.end()
    }
}

struct HeaderMap<'a>(&'a [(&'a str, &'a str)]);

impl Serialize for HeaderMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

/// `{ status, headers: [name, value][], body }`.
impl Serialize for GatewayResponse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("status", &self.status)?;
        m.serialize_entry("headers", &self.headers)?;
        m.serialize_entry("body", &self.body)?;
        m.end()
    }
}

/// The error record hosts turn into their classes: `{ kind, message, ...fields }`,
/// the fields [`Error::attributes`] (the same every binding sets) with JS
/// names (`sub_code` -> `subCode`), absent ones left out.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind())?;
        m.serialize_entry("message", &self.to_string())?;
        for (name, value) in self.attributes() {
            if value != Value::Null {
                m.serialize_entry(&camel_case(name), &value)?;
            }
        }
        m.end()
    }
}

// ---- strict reading ----

/// Reads a record with any serde deserializer (serde-wasm-bindgen, serde_json),
/// every failure a [`ValidationError`] naming the field: an unknown key with
/// its likely spelling, a missing one, a value of the wrong type.
pub fn from_deserializer<'de, T, D>(de: D) -> Result<T, ValidationError>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        validation_error(&path, &e.inner().to_string())
    })
}

/// Reads a record out of a [`Value`] (JSON text the host wrote, read by the
/// core's own reader, owned or borrowed), every failure a [`ValidationError`]
/// naming the field.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: ValueRef<'_>,
) -> Result<T, ValidationError> {
    use crate::wire::value_serde::Problem;
    T::deserialize(crate::wire::value_serde::ValueDeserializer(value)).map_err(|e| {
        let field = |name: &str| join(&e.path, name);
        match e.problem {
            Problem::Unknown(key, known) => unknown_key(field(&key), &key, known),
            Problem::Missing(key) => ValidationError::new(field(key), "a value", "none"),
            Problem::Wrong(got, expected) => {
                ValidationError::new(at(&e.path), plain_expected(&expected), got)
            }
            Problem::Other(message) => ValidationError::new(at(&e.path), "a valid value", message),
        }
    })
}

/// `name` under `path` (`a.b` + `c`), unless the path names it already.
fn join(path: &str, name: &str) -> String {
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The field of a value at `path`: the path, or `options` at the top.
fn at(path: &str) -> &str {
    if path.is_empty() {
        "options"
    } else {
        path
    }
}

/// A host's own options record (`serveGateway`'s, its `limits`): the first
/// key not in `known` is a [`ValidationError`] naming `record.key` with the
/// spelling it most likely meant, as for the records declared here.
pub fn check_keys(record: &str, keys: &[String], known: &[&str]) -> Result<(), ValidationError> {
    match keys.iter().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(unknown_key(join(record, key), key, known)),
        None => Ok(()),
    }
}

/// A serde error message at `path` (`.` for the top) as a [`ValidationError`].
/// serde words its errors the same way in every format: `unknown field
/// `x`, expected one of `a`, `b``, `missing field `x``, `invalid type: Y,
/// expected Z`; serde_json adds ` at line L column C`.
pub fn validation_error(path: &str, message: &str) -> ValidationError {
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| message.get(..at).unwrap_or(message));
    let path = if path == "." { "" } else { path };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        // The expected names are the odd parts between backticks.
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        // serde_path_to_error puts an unknown key in the path already.
        return unknown_key(join(path, name), name, &known);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return ValidationError::new(join(path, name), "a value", "none");
    }
    let detail = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .or_else(|| message.strip_prefix("invalid length "));
    let field = at(path);
    match detail.and_then(|d| d.rsplit_once(", expected ")) {
        Some((got, expected)) => {
            ValidationError::new(field, plain_expected(expected), describe_unexpected(got))
        }
        None => ValidationError::new(field, "a valid value", message),
    }
}

/// What serde says a record wanted, without Rust's type names
/// (`struct ClientConfig`, `i64`), in the words of the records' documentation.
fn plain_expected(expected: &str) -> String {
    let words = match expected {
        e if e.starts_with("struct ") || e == "a map" => "an object",
        "i64" | "i32" | "i16" | "i8" | "isize" => "an integer within the signed 64-bit range",
        "u64" | "u32" | "u16" | "u8" | "usize" => "a non-negative integer within 64 bits",
        "a sequence" => "a list",
        "a tuple of size 2" => "a [name, value] pair",
        other => other,
    };
    words.to_owned()
}

/// serde's description of a wrong value, without the value itself (it may be
/// a secret): `string "..."` -> `a string`.
fn describe_unexpected(got: &str) -> String {
    let kind = got.split(['`', '"']).next().unwrap_or(got).trim();
    match kind {
        "string" => "a string".to_owned(),
        "integer" | "floating point" => "a number".to_owned(),
        "boolean" => "a boolean".to_owned(),
        "map" => "an object".to_owned(),
        "sequence" => "an array".to_owned(),
        "unit value" | "null" => "null".to_owned(),
        "byte array" => "bytes".to_owned(),
        other => other.to_owned(),
    }
}

/// `sign`'s parameters: each value a string, number or boolean (null: empty)
/// rendered by the same rules as `prepare`'s scalars.
pub fn sign_pairs(
    params: &[(Cow<'_, str>, ValueRef<'_>)],
) -> Result<Vec<(String, String)>, ValidationError> {
    params
        .iter()
        .map(|(k, v)| {
            let text = match v {
                ValueRef::Null => String::new(),
                other => crate::client::params::scalar_text(other, k)?.into_owned(),
            };
            Ok((k.to_string(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_records_refuse_unknown_keys() {
        let known = ["config", "clock", "limits"];
        let keys = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(check_keys("options", &keys(&["clock", "config"]), &known).is_ok());
        let e = check_keys("options", &keys(&["clock", "confg"]), &known).unwrap_err();
        assert_eq!(e.field, "options.confg");
        assert_eq!(e.expected, "a known option (did you mean config?)");
        assert_eq!(e.got, "an unknown option");
        let e = check_keys("limits", &keys(&["zzz"]), &known).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.expected.as_str()),
            ("limits.zzz", "one of config, clock, limits")
        );
    }

    #[test]
    fn serde_messages_become_validation_errors() {
        let e = validation_error(
            ".",
            "unknown field `sign_method`, expected one of `appKey`, `signMethod` at line 1 column 14",
        );
        assert_eq!(e.field, "sign_method");
        assert_eq!(e.expected, "a known option (did you mean signMethod?)");
        assert_eq!(e.got, "an unknown option");
        let e = validation_error(
            ".",
            "unknown field `zzz`, expected `appKey` or `signMethod`",
        );
        assert_eq!(e.expected, "one of appKey, signMethod");
        let e = validation_error(
            "appSecret",
            "invalid type: string \"s3cret\", expected a boolean",
        );
        assert_eq!(
            (e.field.as_str(), e.got.as_str()),
            ("appSecret", "a string")
        );
        assert!(!e.to_string().contains("s3cret"));
        let e = validation_error(".", "missing field `query`");
        assert_eq!((e.field.as_str(), e.got.as_str()), ("query", "none"));
    }
}
