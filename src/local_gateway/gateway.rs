//! A local TOP gateway, sans I/O: given an HTTP request, the reply TOP would send.
//!
//! Users test their integration against it without reaching Taobao (as
//! stripe-mock does for Stripe). It checks what the real gateway checks, in
//! the same order, and answers with TOP's own error codes; valid calls of the
//! typed APIs get the documentation's sample response, other methods a
//! configured canned reply. The Node and Python packages only wrap it in an
//! HTTP server.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::api::apis;
use crate::api::spec::{response_key, Field, Type};
pub use crate::client::batch::BATCH_PATH;
use crate::client::batch::{DEFAULT_SEPARATOR, SEPARATOR_HEADER};
use crate::client::params::{is_absent, render};
use crate::rules::sign::{sign, SignMethod};
use crate::rules::time::parse_timestamp;
use crate::wire::error::ValidationError;
use crate::wire::json::from_json;
use crate::wire::multipart;
use crate::wire::value::{FileItem, Value, ValueRef};

/// The path TOP serves single calls on; batches go to [`BATCH_PATH`], any
/// other path is a 404.
pub const GATEWAY_PATH: &str = "/router/rest";

/// The app key a gateway accepts when its configuration names none.
pub const DEFAULT_APP_KEY: &str = "12345678";
/// The secret of [`DEFAULT_APP_KEY`].
pub const DEFAULT_APP_SECRET: &str = "topwire-local-secret";

/// Answers some methods from the host's state (see [`Gateway::handle_served`]):
/// given the method and the call's parameters, the reply data, or `None`
/// for the usual reply.
pub type Served<'a> = dyn FnMut(&str, &[(String, String)]) -> Option<Value> + 'a;

/// A canned reply for a method that is not typed.
#[derive(Clone, Debug, PartialEq)]
pub enum CannedReply {
    /// Answer with this object (the content of `{method}_response`).
    Data(Value),
    /// Answer with this `error_response`.
    Error {
        /// Gateway error code.
        code: i64,
        /// Gateway message.
        msg: String,
        /// Business error code.
        sub_code: Option<String>,
        /// Business error message.
        sub_msg: Option<String>,
    },
}

/// What the gateway accepts and how it answers. Build it with
/// [`GatewayConfig::from_json`] (the config file both packages read) or by hand.
#[derive(Clone, PartialEq)]
pub struct GatewayConfig {
    /// `(app_key, secret)` pairs it accepts.
    pub apps: Vec<(String, String)>,
    /// The sessions it accepts; empty accepts any non-empty session.
    pub sessions: Vec<String>,
    /// Allowed clock skew of a call's timestamp (TOP: 10 minutes).
    pub max_skew_ms: i64,
    /// Replies for methods that are not typed, by method name.
    pub replies: Vec<(String, CannedReply)>,
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.apps.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("GatewayConfig")
            .field("app_keys", &keys)
            .field("sessions", &self.sessions.len())
            .field("max_skew_ms", &self.max_skew_ms)
            .field(
                "replies",
                &self.replies.iter().map(|(m, _)| m).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            apps: vec![(DEFAULT_APP_KEY.to_owned(), DEFAULT_APP_SECRET.to_owned())],
            sessions: Vec::new(),
            max_skew_ms: crate::spi::verify::DEFAULT_SPI_SKEW_MS,
            replies: Vec::new(),
        }
    }
}

impl GatewayConfig {
    /// Reads the JSON config file format:
    ///
    /// ```json
    /// {"apps": {"12345678": "secret"}, "sessions": ["s1"], "max_skew_seconds": 600,
    ///  "responses": {"taobao.user.seller.get": {"user": {"nick": "tb"}}},
    ///  "errors": {"taobao.trade.get": {"code": 15, "msg": "Remote service error", "sub_code": "isp.down"}}}
    /// ```
    /// Every key is optional; `apps` defaults to [`DEFAULT_APP_KEY`].
    pub fn from_json(text: &str) -> Result<GatewayConfig, ValidationError> {
        // Members are named under `config` (`config.apps.k`), as in JavaScript.
        let root = crate::wire::json::from_json_input("config", text).map_err(|e| {
            let field = match e.field.as_str() {
                whole if whole == "config" || whole.starts_with("config[") => e.field,
                member => format!("config.{member}"),
            };
            let got = match e.expected.as_str() {
                "JSON text" => format!("invalid JSON ({})", e.got),
                _ => e.got,
            };
            ValidationError::new(field, e.expected, got)
        })?;
        let Value::Object(pairs) = &root else {
            return Err(ValidationError::new(
                "config",
                "a JSON object",
                root.describe(),
            ));
        };
        let mut config = GatewayConfig::default();
        for (key, value) in pairs {
            match key.as_ref() {
                "apps" => config.apps = string_map(value, "config.apps")?,
                "sessions" => config.sessions = string_list(value, "config.sessions")?,
                "max_skew_seconds" => match value {
                    Value::Int(s) if *s >= 0 => config.max_skew_ms = s.saturating_mul(1000),
                    other => {
                        return Err(ValidationError::new(
                            "config.max_skew_seconds",
                            "a non-negative integer",
                            other.describe(),
                        ))
                    }
                },
                "responses" => {
                    for (method, data) in object(value, "config.responses")? {
                        object(data, &format!("config.responses.{method}"))?;
                        config
                            .replies
                            .push((method.to_string(), CannedReply::Data(data.clone())));
                    }
                }
                "errors" => {
                    for (method, err) in object(value, "config.errors")? {
                        config.replies.push((
                            method.to_string(),
                            canned_error(err, &format!("config.errors.{method}"))?,
                        ));
                    }
                }
                other => {
                    // With the spelling most likely meant (`sesions`: sessions), as for every record.
                    const KNOWN: [&str; 5] = [
                        "apps",
                        "sessions",
                        "max_skew_seconds",
                        "responses",
                        "errors",
                    ];
                    return Err(crate::wire::did_you_mean::unknown_key(
                        format!("config.{other}"),
                        other,
                        &KNOWN,
                    ));
                }
            }
        }
        if config.apps.is_empty() {
            return Err(ValidationError::new(
                "config.apps",
                "at least one app key",
                "none",
            ));
        }
        Ok(config)
    }

    /// Accepts only this app (the servers' `--app-key`/`--app-secret` flags).
    pub fn with_app(
        mut self,
        app_key: &str,
        app_secret: &str,
    ) -> Result<GatewayConfig, ValidationError> {
        crate::rules::sign::check_credentials(app_key, app_secret)?;
        self.apps = vec![(app_key.to_owned(), app_secret.to_owned())];
        Ok(self)
    }

    /// The app keys it accepts (for the servers' start-up line; secrets stay hidden).
    pub fn app_keys(&self) -> Vec<&str> {
        self.apps.iter().map(|(k, _)| k.as_str()).collect()
    }
}

fn object<'a>(
    v: &'a Value,
    path: &str,
) -> Result<&'a [(Cow<'static, str>, Value)], ValidationError> {
    match v {
        Value::Object(pairs) => Ok(pairs),
        other => Err(ValidationError::new(path, "an object", other.describe())),
    }
}

fn string_map(v: &Value, path: &str) -> Result<Vec<(String, String)>, ValidationError> {
    object(v, path)?
        .iter()
        .map(|(k, item)| match item {
            Value::String(s) if !s.is_empty() => Ok((k.to_string(), s.to_string())),
            other => Err(ValidationError::new(
                format!("{path}.{k}"),
                "a non-empty string",
                other.describe(),
            )),
        })
        .collect()
}

fn string_list(v: &Value, path: &str) -> Result<Vec<String>, ValidationError> {
    match v {
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.to_string()),
                other => Err(ValidationError::new(
                    format!("{path}[{i}]"),
                    "a string",
                    other.describe(),
                )),
            })
            .collect(),
        other => Err(ValidationError::new(
            path,
            "a list of strings",
            other.describe(),
        )),
    }
}

fn canned_error(v: &Value, path: &str) -> Result<CannedReply, ValidationError> {
    object(v, path)?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    match v.get("code") {
        Some(Value::Int(code)) => Ok(CannedReply::Error {
            code: *code,
            msg: text("msg").unwrap_or_else(|| "Remote service error".to_owned()),
            sub_code: text("sub_code"),
            sub_msg: text("sub_msg"),
        }),
        other => Err(ValidationError::new(
            format!("{path}.code"),
            "an integer",
            other.map_or_else(|| "nothing".to_owned(), Value::describe),
        )),
    }
}

/// An HTTP request as the host's server received it.
#[derive(Clone, Copy, Debug)]
pub struct GatewayRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The request target: path and query (`/router/rest?...`), or a full URL.
    pub url: &'a str,
    /// Headers, names in any case.
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body.
    pub body: &'a [u8],
}

/// The reply to send back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayResponse {
    /// HTTP status (200 for every TOP answer, errors included, as TOP does).
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Response body.
    pub body: String,
}

/// A TOP error the gateway answers with.
struct TopFault {
    code: i64,
    msg: String,
    sub_code: Option<String>,
    sub_msg: Option<String>,
}

fn fault(code: i64, msg: &str) -> TopFault {
    TopFault {
        code,
        msg: msg.to_owned(),
        sub_code: None,
        sub_msg: None,
    }
}

/// The local gateway. Immutable: share one between server threads.
#[derive(Clone, Debug, Default)]
pub struct Gateway {
    config: GatewayConfig,
}

impl Gateway {
    /// A gateway with this configuration.
    pub fn new(config: GatewayConfig) -> Gateway {
        Gateway { config }
    }

    /// The configuration.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// Answers one HTTP request. `now_ms` is the host's clock.
    ///
    /// Every TOP answer (data or `error_response`) carries a `request_id`
    /// derived from the request (see [`request_id`]): the core draws no
    /// random numbers, so the same request gets the same id.
    pub fn handle(&self, req: &GatewayRequest<'_>, now_ms: i64) -> GatewayResponse {
        self.handle_served(req, now_ms, &mut |_, _| None)
    }

    /// [`Gateway::handle`], with some methods answered from the host's
    /// state: after every check passed (signature, session, the typed
    /// API's fields), `served(method, params)` may give the reply data
    /// instead of the sample. The local message channel serves
    /// `taobao.tmc.messages.consume`/`confirm` from its queue this way.
    pub fn handle_served(
        &self,
        req: &GatewayRequest<'_>,
        now_ms: i64,
        served: &mut Served<'_>,
    ) -> GatewayResponse {
        let target = split_target(req.url);
        if let Some((_, query)) = target.filter(|(p, _)| *p == BATCH_PATH) {
            return self.handle_batch(req, query, now_ms, served);
        }
        let Some((_, query)) = target.filter(|(p, _)| *p == GATEWAY_PATH) else {
            return plain(
                404,
                "not found: the TOP gateway serves /router/rest and /router/batch\n",
            );
        };
        if !req.method.eq_ignore_ascii_case("POST") && !req.method.eq_ignore_ascii_case("GET") {
            return plain(405, "method not allowed: use POST or GET\n");
        }
        let mut body_pairs = Vec::new();
        let mut files = Vec::new();
        let content_type = header(req.headers, "content-type").unwrap_or("");
        if is_form(content_type) {
            body_pairs.extend(form_urlencoded::parse(req.body).into_owned());
        } else if let Some(boundary) = multipart::boundary_of(content_type) {
            let read = boundary.and_then(|b| read_multipart(req.body, &b));
            match read {
                Ok((text, uploaded)) => {
                    body_pairs = text;
                    files = uploaded;
                }
                Err(why) => return plain(400, &format!("bad request: {why}\n")),
            }
        }
        let received = Received::read(query.as_bytes(), body_pairs);
        let get = |k: &str| param(&received.params, k);
        let xml = get("format") != Some("json");
        let simplify = !xml && get("simplify") == Some("true");
        let id = request_id(req);
        match self.answer(&received, &files, now_ms, served) {
            Ok((method, data)) => reply_data(&method, data, &id, xml, simplify),
            Err(f) => reply_error(&f, &id, xml),
        }
    }

    /// Runs TOP's checks; on success returns the method and the reply data.
    /// `received` holds the query's pairs and the form's or the text parts'
    /// (what the signature covers); `files` the uploaded file parts.
    fn answer(
        &self,
        received: &Received,
        files: &[(String, FileItem)],
        now_ms: i64,
        served: &mut Served<'_>,
    ) -> Result<(String, Value), TopFault> {
        let params = &received.params;
        let get = |k: &str| param(params, k);
        let method = get("method").ok_or_else(|| fault(21, "Missing method"))?;
        self.check_system(received, None, now_ms)?;
        let data = self.call(method, params, files, get("session"))?;
        let data = served(method, params).unwrap_or(data);
        Ok((method.to_owned(), data))
    }

    /// `POST /router/batch`: the system parameters checked once (the
    /// signature covering the query and then the body as sent), then each
    /// line answered as the same call sent alone (its method, session and
    /// arguments checked, the same sample reply), the answers joined by the
    /// request's separator. A failure of the whole batch (a bad signature,
    /// a malformed body) is one `error_response`.
    fn handle_batch(
        &self,
        req: &GatewayRequest<'_>,
        query: &str,
        now_ms: i64,
        served: &mut Served<'_>,
    ) -> GatewayResponse {
        if !req.method.eq_ignore_ascii_case("POST") {
            return plain(405, "method not allowed: a batch is sent with POST\n");
        }
        let received = Received::read(query.as_bytes(), Vec::new());
        let get = |k: &str| param(&received.params, k);
        let xml = get("format") != Some("json");
        let simplify = !xml && get("simplify") == Some("true");
        let separator = header(req.headers, SEPARATOR_HEADER)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_SEPARATOR);
        let lines = self
            .check_system(&received, Some(req.body), now_ms)
            .and_then(|()| batch_lines(req.body, separator));
        let lines = match lines {
            Ok(lines) => lines,
            Err(f) => return reply_error(&f, &request_id(req), xml),
        };
        let mut body = String::new();
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 {
                body.push_str(separator);
            }
            let id = request_id_of(req, Some(i));
            let reply = match self.answer_line(&received.params, line, served) {
                Ok((method, data)) => reply_data(&method, data, &id, xml, simplify),
                Err(f) => reply_error(&f, &id, xml),
            };
            body.push_str(&reply.body);
        }
        top_reply(xml, body)
    }

    /// One call of a batch: its line's parameters over the query's (its
    /// own `session` overrides the batch's), checked and answered as a
    /// single call would be.
    fn answer_line(
        &self,
        query: &[(String, String)],
        mut params: Vec<(String, String)>,
        served: &mut Served<'_>,
    ) -> Result<(String, Value), TopFault> {
        let named: std::collections::HashSet<String> =
            params.iter().map(|(k, _)| k.clone()).collect();
        params.extend(
            query
                .iter()
                .filter(|(k, _)| !named.contains(k) && k != "sign")
                .cloned(),
        );
        let method = param(&params, "method")
            .ok_or_else(|| fault(21, "Missing method"))?
            .to_owned();
        let data = self.call(&method, &params, &[], param(&params, "session"))?;
        let data = served(&method, &params).unwrap_or(data);
        Ok((method, data))
    }

    /// TOP's checks of the system parameters (app key, timestamp, version,
    /// format, signature) in TOP's order. `signed_body`: a batch's body,
    /// which its signature covers after the parameters.
    fn check_system(
        &self,
        received: &Received,
        signed_body: Option<&[u8]>,
        now_ms: i64,
    ) -> Result<(), TopFault> {
        let params = &received.params;
        let get = |k: &str| param(params, k);
        let app_key = get("app_key").ok_or_else(|| fault(28, "Missing app key"))?;
        let secret = self
            .secret(app_key)
            .ok_or_else(|| fault(29, "Invalid app key"))?;
        let timestamp = get("timestamp").ok_or_else(|| fault(30, "Missing timestamp"))?;
        let at = call_time(timestamp).ok_or_else(|| fault(31, "Invalid timestamp"))?;
        if now_ms.saturating_sub(at).saturating_abs() > self.config.max_skew_ms {
            return Err(TopFault {
                sub_msg: Some(format!(
                    "timestamp {timestamp} is too far from the gateway's time"
                )),
                ..fault(31, "Invalid timestamp")
            });
        }
        match get("v") {
            None => return Err(fault(32, "Missing version")),
            Some("2.0") => {}
            Some(_) => return Err(fault(34, "Unsupported version")),
        }
        if !matches!(get("format"), None | Some("json") | Some("xml")) {
            return Err(fault(23, "Invalid format"));
        }
        let remote = get("sign").ok_or_else(|| fault(24, "Missing signature"))?;
        let method_used = SignMethod::parse(get("sign_method").unwrap_or("md5"))
            .map_err(|_| fault(25, "Invalid signature"))?;
        // An app configured with an empty secret cannot be called with hmac
        // (no client can sign with an empty key): a wrong signature.
        let expected = match signed_body {
            None => {
                sign(params, secret, method_used).map_err(|_| fault(25, "Invalid signature"))?
            }
            Some(_) if secret.is_empty() && method_used != SignMethod::Md5 => {
                return Err(fault(25, "Invalid signature"))
            }
            // A batch signs the query's parameters, then its body as sent.
            Some(body) => {
                let canonical = crate::rules::sign::string_to_sign(params);
                crate::rules::sign::digest_parts([canonical.as_bytes(), body], secret, method_used)
            }
        };
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            expected.as_bytes(),
            remote.as_bytes(),
        )) {
            return Err(TopFault {
                sub_msg: received.repeated.as_ref().map(|name| {
                    format!("{name} was sent more than once: TOP reads only its first value")
                }),
                ..fault(25, "Invalid signature")
            });
        }
        Ok(())
    }

    fn secret(&self, app_key: &str) -> Option<&str> {
        self.config
            .apps
            .iter()
            .find(|(k, _)| k == app_key)
            .map(|(_, s)| s.as_str())
    }

    /// The method-level checks and the reply data.
    fn call(
        &self,
        method: &str,
        params: &[(String, String)],
        files: &[(String, FileItem)],
        session: Option<&str>,
    ) -> Result<Value, TopFault> {
        if let Some((_, reply)) = self.config.replies.iter().find(|(m, _)| m == method) {
            return match reply {
                CannedReply::Data(v) => {
                    let mut data = v.clone();
                    if let Some((_, file)) = files.first() {
                        name_upload(&mut data, file);
                    }
                    Ok(data)
                }
                CannedReply::Error {
                    code,
                    msg,
                    sub_code,
                    sub_msg,
                } => Err(TopFault {
                    code: *code,
                    msg: msg.clone(),
                    sub_code: sub_code.clone(),
                    sub_msg: sub_msg.clone(),
                }),
            };
        }
        let spec = apis::find(method).ok_or_else(|| fault(22, "Invalid method"))?;
        if let Some(s) = session {
            if !self.config.sessions.is_empty() && !self.config.sessions.iter().any(|ok| ok == s) {
                return Err(fault(27, "Invalid session"));
            }
        } else if spec.session_required {
            return Err(fault(26, "Missing session"));
        }
        let system = crate::client::params::SYSTEM_PARAMS;
        let app: Vec<(Cow<str>, ValueRef)> = params
            .iter()
            .filter(|(k, _)| !system.contains(&k.as_str()))
            .map(|(k, v)| {
                (
                    Cow::Borrowed(k.as_str()),
                    ValueRef::from(Cow::Borrowed(v.as_str())),
                )
            })
            .chain(
                files
                    .iter()
                    .map(|(k, f)| (Cow::Borrowed(k.as_str()), ValueRef::File(f.clone()))),
            )
            .collect();
        if let Some(missing) = spec
            .request
            .iter()
            .find(|f| f.required && !app.iter().any(|(k, v)| k == f.name && !is_absent(f, v)))
        {
            return Err(TopFault {
                sub_code: Some("isv.missing-parameter".to_owned()),
                sub_msg: Some(format!("{} is required", missing.name)),
                ..fault(40, &format!("Missing required arguments:{}", missing.name))
            });
        }
        render(Some(spec), &ValueRef::Object(app), true).map_err(argument_fault)?;
        let mut data =
            from_json(spec.example_response()).map_err(|_| fault(15, "Remote service error"))?;
        if let Some((_, file)) = files.first() {
            name_upload(&mut data, file);
        }
        Ok(data)
    }
}

/// TOP's answer to a parameter that breaks the API's description: 40 for
/// one that is missing (a required member, or one a rule requires), 41 for
/// one that is invalid (wrong type, too many items, a value not allowed).
/// The message names the field; secret values are never quoted.
fn argument_fault(e: ValidationError) -> TopFault {
    if e.got == "nothing" {
        TopFault {
            sub_code: Some("isv.missing-parameter".to_owned()),
            sub_msg: Some(e.to_string()),
            ..fault(40, &format!("Missing required arguments:{}", e.field))
        }
    } else {
        TopFault {
            sub_code: Some("isv.invalid-parameter".to_owned()),
            sub_msg: Some(e.to_string()),
            ..fault(41, &format!("Invalid arguments:{}", e.field))
        }
    }
}

/// An upload's reply names the stored file (`resp_body.file_name`, as
/// `img.upload` does): the gateway keeps nothing, so the name is derived from
/// the content, and the same image always gets the same name.
fn name_upload(data: &mut Value, file: &FileItem) {
    let Value::Object(pairs) = data else { return };
    let Some((_, Value::Object(body))) = pairs.iter_mut().find(|(k, _)| k == "resp_body") else {
        return;
    };
    let Some((_, name)) = body.iter_mut().find(|(k, _)| k == "file_name") else {
        return;
    };
    *name = Value::String(uploaded_file_name(file).into());
}

/// `tw` + the first 32 hex digits of the content's SHA-256, with the upload's
/// extension (`tw3f...9c.png`).
pub fn uploaded_file_name(file: &FileItem) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(&file.content);
    let hex =
        crate::rules::sign::upper_hex(digest.get(..16).unwrap_or_default()).to_ascii_lowercase();
    let ext = file
        .filename
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, ext)| ext)
        .filter(|ext| {
            (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    match ext {
        Some(ext) => format!("tw{hex}.{}", ext.to_ascii_lowercase()),
        None => format!("tw{hex}"),
    }
}

/// The text parameters and the files of a multipart body.
type Uploaded = (Vec<(String, String)>, Vec<(String, FileItem)>);

/// Text parts become parameters (signed), parts with a file name files.
fn read_multipart(body: &[u8], boundary: &str) -> Result<Uploaded, String> {
    let parts = multipart::parse(body, boundary)
        .map_err(|why| format!("malformed multipart body: {why}"))?;
    let mut text = Vec::new();
    let mut files = Vec::new();
    for part in parts {
        match part.filename {
            Some(filename) => files.push((
                part.name,
                FileItem {
                    content: part.data.to_vec(),
                    filename: Some(filename),
                    content_type: part.content_type,
                },
            )),
            None => match std::str::from_utf8(part.data) {
                Ok(value) => text.push((part.name, value.to_owned())),
                Err(_) => {
                    return Err(format!(
                        "the multipart text part {:?} is not UTF-8 (a file needs a filename)",
                        part.name
                    ))
                }
            },
        }
    }
    Ok((text, files))
}

/// A parameter's value; an empty one counts as absent, as TOP counts it.
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The parameters of a call as a Java servlet reads them: the query's pairs,
/// then the form body's, and for a name sent more than once only its first
/// value (`getParameter`). TOP signs what it reads, so a client that signed
/// both values gets error 25.
struct Received {
    params: Vec<(String, String)>,
    /// A name sent more than once (the first one found), to explain a 25.
    repeated: Option<String>,
}

impl Received {
    fn read(query: &[u8], body: Vec<(String, String)>) -> Received {
        let mut seen = std::collections::HashSet::new();
        let mut received = Received {
            params: Vec::new(),
            repeated: None,
        };
        for (k, v) in form_urlencoded::parse(query).into_owned().chain(body) {
            if seen.contains(&k) {
                received.repeated.get_or_insert(k);
            } else {
                seen.insert(k.clone());
                received.params.push((k, v));
            }
        }
        received
    }
}

/// A call's time: TOP's `yyyy-MM-dd HH:mm:ss` (GMT+8), or epoch milliseconds
/// as digits, which the official Python SDK and py-taobao-open send.
fn call_time(text: &str) -> Option<i64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>().ok()
    } else {
        parse_timestamp(text, "timestamp").ok()
    }
}

/// The `request_id` of every TOP answer: the first 13 hex digits of the MD5
/// of `METHOD target\nbody`. Deterministic (the core draws no random
/// numbers), the same for a replayed request and different for any other.
pub fn request_id(req: &GatewayRequest<'_>) -> String {
    request_id_of(req, None)
}

/// [`request_id`]; the answer to call `i` of a batch hashes `#i` after the body.
fn request_id_of(req: &GatewayRequest<'_>, part: Option<usize>) -> String {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    h.update(req.method.as_bytes());
    h.update(b" ");
    h.update(req.url.as_bytes());
    h.update(b"\n");
    h.update(req.body);
    if let Some(i) = part {
        h.update(format!("#{i}").as_bytes());
    }
    h.finalize()
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(13)
        .map(|n| char::from_digit(u32::from(n), 16).unwrap_or('0'))
        .collect()
}

/// The calls of a batch body: each line's parameters (a line `N` has none),
/// followed by those of a leading `#PUBLIC#` line it does not name itself;
/// a name given twice in a line keeps its first value, as a servlet reads it.
fn batch_lines(body: &[u8], separator: &str) -> Result<Vec<Vec<(String, String)>>, TopFault> {
    let malformed = |why: String| TopFault {
        sub_code: Some("isv.invalid-parameter".to_owned()),
        sub_msg: Some(why),
        ..fault(41, "Invalid arguments:batch body")
    };
    let text = std::str::from_utf8(body)
        .map_err(|_| malformed("the batch body is not UTF-8 text".to_owned()))?;
    if text.is_empty() {
        return Err(TopFault {
            sub_code: Some("isv.missing-parameter".to_owned()),
            sub_msg: Some("the batch body holds no calls".to_owned()),
            ..fault(40, "Missing required arguments:batch body")
        });
    }
    let mut lines = text.split(separator).peekable();
    let public: Vec<(String, String)> = match lines.peek().and_then(|l| l.strip_prefix("#PUBLIC#"))
    {
        Some(shared) => {
            let pairs = form_urlencoded::parse(shared.as_bytes())
                .into_owned()
                .collect();
            lines.next();
            pairs
        }
        None => Vec::new(),
    };
    let mut calls = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            return Err(malformed(format!(
                "call {i} of the batch is an empty line (a call without parameters is the line N)"
            )));
        }
        let own = if line == "N" { "" } else { line };
        let mut seen = std::collections::HashSet::new();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(own.as_bytes())
            .into_owned()
            .chain(public.iter().cloned())
            .filter(|(k, _)| seen.insert(k.clone()))
            .collect();
        calls.push(pairs);
    }
    if calls.is_empty() {
        return Err(TopFault {
            sub_code: Some("isv.missing-parameter".to_owned()),
            sub_msg: Some("the batch body holds no calls".to_owned()),
            ..fault(40, "Missing required arguments:batch body")
        });
    }
    Ok(calls)
}

/// Path and query of a request target: origin form (`/router/rest?...`) or
/// absolute form (`http://host/router/rest?...`); `None` for anything else
/// (`*`, `host:443`, another scheme), which no TOP path matches.
fn split_target(url: &str) -> Option<(&str, &str)> {
    let origin = if url.starts_with('/') {
        url
    } else {
        let (scheme, rest) = url.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("/")
    };
    let without_fragment = origin.split('#').next().unwrap_or("");
    Some(
        without_fragment
            .split_once('?')
            .unwrap_or((without_fragment, "")),
    )
}

fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

fn is_form(content_type: &str) -> bool {
    content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
}

fn plain(status: u16, body: &str) -> GatewayResponse {
    GatewayResponse {
        status,
        headers: vec![(
            "Content-Type".to_owned(),
            "text/plain;charset=utf-8".to_owned(),
        )],
        body: body.to_owned(),
    }
}

fn top_reply(xml: bool, body: String) -> GatewayResponse {
    let ctype = if xml {
        "text/xml;charset=utf-8"
    } else {
        "application/json;charset=utf-8"
    };
    GatewayResponse {
        status: 200,
        headers: vec![("Content-Type".to_owned(), ctype.to_owned())],
        body,
    }
}

fn reply_data(
    method: &str,
    data: Value,
    request_id: &str,
    xml: bool,
    simplify: bool,
) -> GatewayResponse {
    let data = match apis::find(method) {
        // Wrapped JSON and XML put each list inside an element named after
        // its item type; simplified JSON does not.
        Some(spec) if !simplify => wrap_lists(data, spec.response),
        _ => data,
    };
    let mut inner = match data {
        Value::Object(pairs) => pairs,
        other => vec![("result".into(), other)],
    };
    inner.push((
        "request_id".into(),
        Value::String(request_id.to_owned().into()),
    ));
    let key = response_key(method);
    let body = if xml {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?>");
        write_xml(&key, &Value::Object(inner), &mut out);
        out
    } else if simplify {
        Value::Object(inner).to_json()
    } else {
        Value::object([(key, Value::Object(inner))]).to_json()
    };
    top_reply(xml, body)
}

/// TOP's wrapped shape of a reply: a list field `ticket_info_list` of
/// `TicketInfo` items becomes `{"ticket_info": [...]}`, at every depth.
fn wrap_lists(value: Value, fields: &[Field]) -> Value {
    let Value::Object(pairs) = value else {
        return value;
    };
    let pairs = pairs
        .into_iter()
        .map(|(name, v)| {
            let v = match fields.iter().find(|f| f.name == name).map(|f| &f.ty) {
                Some(Type::Object(s)) => wrap_lists(v, s.fields),
                Some(Type::ObjectList(s)) => match v {
                    Value::List(items) => Value::object([(
                        item_element(s.name),
                        Value::List(items.into_iter().map(|i| wrap_lists(i, s.fields)).collect()),
                    )]),
                    other => other,
                },
                _ => v,
            };
            (name, v)
        })
        .collect();
    Value::Object(pairs)
}

/// `TicketInfo` → `ticket_info`.
fn item_element(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len() + 4);
    for (i, c) in type_name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn reply_error(f: &TopFault, request_id: &str, xml: bool) -> GatewayResponse {
    let mut pairs = vec![
        ("code".into(), Value::Int(f.code)),
        ("msg".into(), Value::String(f.msg.clone().into())),
    ];
    for (k, v) in [("sub_code", &f.sub_code), ("sub_msg", &f.sub_msg)] {
        if let Some(v) = v {
            pairs.push((k.into(), Value::String(v.clone().into())));
        }
    }
    pairs.push((
        "request_id".into(),
        Value::String(request_id.to_owned().into()),
    ));
    let body = if xml {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?>");
        write_xml("error_response", &Value::Object(pairs), &mut out);
        out
    } else {
        let mut out = String::from("{\"error_response\":");
        out.push_str(&Value::Object(pairs).to_json());
        out.push('}');
        out
    };
    top_reply(xml, body)
}

/// TOP-style XML: objects as nested elements, a list as the element repeated.
fn write_xml(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::List(items) => items.iter().for_each(|item| write_xml(name, item, out)),
        Value::Null => {}
        _ => {
            let _ = write!(out, "<{name}>");
            match v {
                Value::Object(pairs) => pairs.iter().for_each(|(k, item)| write_xml(k, item, out)),
                Value::String(s) => escape_xml(s, out),
                scalar => escape_xml(scalar.to_json().trim_matches('"'), out),
            }
            let _ = write!(out, "</{name}>");
        }
    }
}

fn escape_xml(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}
