//! Options and inputs as they arrive from C: UTF-8 JSON text, read with the
//! core's own JSON reader (integers exact over 64 bits, other numbers kept
//! as their decimal text). Keys are snake_case, the names TOP, Rust and
//! Python use; an unknown key is a `ValidationError` naming it, so a typo
//! is never ignored.

use std::time::{SystemTime, UNIX_EPOCH};

use topwire::{from_json, ClientOptions, Error, PrepareOptions, TopClient, ValidationError, Value};

/// Keys of the client options object.
pub(crate) const CLIENT_KEYS: &[&str] = &[
    "app_key",
    "app_secret",
    "sign_method",
    "format",
    "simplify",
    "gateway",
    "partner_id",
    "target_app_key",
];

/// Keys of the prepare options object.
pub(crate) const PREPARE_KEYS: &[&str] = &["session", "timestamp_ms", "allow_unknown"];

/// Keys of the SPI request object.
pub(crate) const SPI_KEYS: &[&str] = &[
    "query",
    "headers",
    "content_type",
    "secret",
    "now_ms",
    "max_skew_ms",
];

/// JSON text of an argument, read by the core (a syntax error names the argument).
pub(crate) fn json(field: &str, text: &str) -> Result<Value, Error> {
    from_json(text).map_err(|e| ValidationError::new(field, "JSON text", e.message).into())
}

/// An object whose keys are all among `known` (null members count as absent).
struct Members<'v> {
    pairs: &'v [(String, Value)],
}

impl<'v> Members<'v> {
    fn of(field: &str, value: &'v Value, known: &[&str]) -> Result<Members<'v>, Error> {
        let Value::Object(pairs) = value else {
            return Err(ValidationError::new(field, "a JSON object", value.describe()).into());
        };
        if let Some((key, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            let expected = format!("one of {}", known.join(", "));
            return Err(ValidationError::new(key.as_str(), expected, "an unknown option").into());
        }
        Ok(Members { pairs })
    }

    fn get(&self, key: &str) -> Option<&'v Value> {
        let found = self.pairs.iter().rev().find(|(k, _)| k == key);
        found.map(|(_, v)| v).filter(|v| !matches!(v, Value::Null))
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        ValidationError::new(key, expected, got.describe()).into()
    }

    fn text(&self, key: &str) -> Result<Option<&'v str>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong(key, "true or false", other)),
        }
    }

    fn millis(&self, key: &str) -> Result<Option<i64>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(other) => Err(self.wrong(key, "an integer number of milliseconds", other)),
        }
    }
}

/// A client from its options object (`app_key` and `app_secret` required).
pub(crate) fn client(text: &str) -> Result<TopClient, Error> {
    let value = json("options", text)?;
    let m = Members::of("options", &value, CLIENT_KEYS)?;
    let options = ClientOptions {
        sign_method: m.text("sign_method")?,
        format: m.text("format")?,
        simplify: m.flag("simplify")?,
        gateway: m.text("gateway")?,
        partner_id: m.text("partner_id")?,
        target_app_key: m.text("target_app_key")?,
    };
    let app_key = m.text("app_key")?.unwrap_or_default();
    let app_secret = m.text("app_secret")?.unwrap_or_default();
    Ok(TopClient::with_options(app_key, app_secret, &options)?)
}

/// Prepare options; `None` (no text) takes every default, the clock included.
pub(crate) fn prepare(text: Option<&str>) -> Result<PrepareOptions, Error> {
    let value = match text {
        Some(t) => json("options", t)?,
        None => Value::Object(Vec::new()),
    };
    let m = Members::of("options", &value, PREPARE_KEYS)?;
    Ok(PrepareOptions {
        session: m.text("session")?.map(str::to_owned),
        timestamp_ms: m.millis("timestamp_ms")?.unwrap_or_else(now_ms),
        allow_unknown: m.flag("allow_unknown")?.unwrap_or(false),
    })
}

/// The inputs of `verify_spi` other than the body.
pub(crate) struct SpiInput {
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub secret: String,
    pub now_ms: i64,
    pub max_skew_ms: i64,
}

pub(crate) fn spi(text: &str) -> Result<SpiInput, Error> {
    let value = json("request", text)?;
    let m = Members::of("request", &value, SPI_KEYS)?;
    let headers = match m.get("headers") {
        None => Vec::new(),
        Some(h) => string_pairs("headers", h)?,
    };
    let query = m.text("query")?.unwrap_or_default();
    Ok(SpiInput {
        query: query.strip_prefix('?').unwrap_or(query).to_owned(),
        headers,
        content_type: m.text("content_type")?.map(str::to_owned),
        secret: m.text("secret")?.unwrap_or_default().to_owned(),
        now_ms: m.millis("now_ms")?.unwrap_or_else(now_ms),
        max_skew_ms: m
            .millis("max_skew_ms")?
            .unwrap_or(topwire::DEFAULT_SPI_SKEW_MS),
    })
}

/// Text pairs from a JSON object of strings or a list of `[key, value]`
/// string pairs (repeated keys allowed), as `sign` and SPI headers take them.
pub(crate) fn string_pairs(field: &str, value: &Value) -> Result<Vec<(String, String)>, Error> {
    let pair = |k: &str, v: &Value, at: String| match v {
        Value::String(s) => Ok((k.to_owned(), s.clone())),
        other => Err(Error::from(ValidationError::new(
            at,
            "a string",
            other.describe(),
        ))),
    };
    match value {
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| pair(k, v, format!("{field}.{k}")))
            .collect(),
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::List(kv) => match kv.as_slice() {
                    [Value::String(k), v] => pair(k, v, format!("{field}[{i}][1]")),
                    _ => Err(not_pair(format!("{field}[{i}]"), item)),
                },
                _ => Err(not_pair(format!("{field}[{i}]"), item)),
            })
            .collect(),
        other => Err(ValidationError::new(
            field,
            "an object of strings or a list of [key, value] pairs",
            other.describe(),
        )
        .into()),
    }
}

fn not_pair(at: String, item: &Value) -> Error {
    ValidationError::new(at, "a [key, value] pair of strings", item.describe()).into()
}

/// The host's clock, for a timestamp the caller did not give.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}
