//! Options and inputs as they arrive from C: UTF-8 JSON text read with the
//! core's own JSON reader (integers exact over 64 bits, other numbers kept
//! as their decimal text), then into the records the core declares once for
//! every host (`topwire::options`): the same camelCase keys as in
//! JavaScript, strict (an unknown key is a `ValidationError` naming it, with
//! the likely spelling).

use std::time::{SystemTime, UNIX_EPOCH};

use topwire::options::{from_value, ClientConfig, SpiInput};
use topwire::{
    from_json_input_borrowed, Error, PrepareOptions, TopClient, ValidationError, ValueRef,
};

/// JSON text of an argument, read strictly by the core: a syntax error names
/// the argument, a lone surrogate escape or nesting beyond 64 levels the
/// member it is in (`appSecret`, `isv_ma_list[0].code`), as in JavaScript.
/// The value borrows its strings from `text` (only escaped ones are
/// copied): a call's params are signed without an owned copy of them.
pub(crate) fn json<'t>(field: &str, text: &'t str) -> Result<ValueRef<'t>, Error> {
    Ok(from_json_input_borrowed(field, text)?)
}

/// Whether an options object gives `key` (a null counts as not given).
fn gives(value: &ValueRef<'_>, key: &str) -> bool {
    value.get(key).is_some_and(|v| !matches!(v, ValueRef::Null))
}

/// A client from its options object (`appKey` and `appSecret` required).
pub(crate) fn client(text: &str) -> Result<TopClient, Error> {
    let config: ClientConfig = from_value(json("options", text)?)?;
    Ok(config.client()?)
}

/// Prepare options; `None` (no text) takes every default, the clock included.
pub(crate) fn prepare(text: Option<&str>) -> Result<PrepareOptions, Error> {
    let Some(text) = text else {
        return Ok(PrepareOptions {
            timestamp_ms: now_ms(),
            ..PrepareOptions::default()
        });
    };
    let value = json("options", text)?;
    let clock = !gives(&value, "timestamp");
    let mut options: PrepareOptions = from_value(value)?;
    if clock {
        options.timestamp_ms = now_ms();
    }
    Ok(options)
}

/// Batch options (`session`, `timestamp`, `separator`, `batchUrl`); `None`
/// (no text) takes every default, the clock included.
pub(crate) fn batch(text: Option<&str>) -> Result<topwire::BatchOptions, Error> {
    let value = match text {
        Some(text) => json("options", text)?,
        None => ValueRef::Null,
    };
    let clock = !gives(&value, "timestamp");
    let mut options = topwire::options::batch_options(value.into_owned())?;
    if clock {
        options.timestamp_ms = now_ms();
    }
    Ok(options)
}

/// The SPI record, its body the bytes C passed beside the JSON (borrowed).
pub(crate) fn spi<'a>(text: &str, body: &'a [u8]) -> Result<SpiInput<'a>, Error> {
    let value = json("request", text)?;
    if value.get("body").is_some() {
        let expected = "the body as bytes (the body argument), not in the JSON";
        return Err(ValidationError::new("body", expected, "a body in the JSON").into());
    }
    let clock = !gives(&value, "now");
    let mut input: SpiInput = from_value(value)?;
    input.body = body;
    if clock {
        input.now = now_ms();
    }
    Ok(input)
}

/// `sign`'s parameters: a JSON object (values written by the core's rules
/// for `prepare`'s scalars) or a list of `[key, value]` string pairs, which
/// may repeat a key.
pub(crate) fn sign_params(
    field: &str,
    value: &ValueRef<'_>,
) -> Result<Vec<(String, String)>, Error> {
    let pair = |k: &str, v: &ValueRef<'_>, at: String| match v {
        ValueRef::String(s) => Ok((k.to_owned(), s.to_string())),
        other => Err(Error::from(ValidationError::new(
            at,
            "a string",
            other.describe(),
        ))),
    };
    match value {
        ValueRef::Object(members) => Ok(topwire::options::sign_pairs(members)?),
        ValueRef::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                ValueRef::List(kv) => match kv.as_slice() {
                    [ValueRef::String(k), v] => pair(k, v, format!("{field}[{i}][1]")),
                    _ => Err(not_pair(format!("{field}[{i}]"), item)),
                },
                _ => Err(not_pair(format!("{field}[{i}]"), item)),
            })
            .collect(),
        other => Err(ValidationError::new(
            field,
            "an object of parameters or a list of [key, value] pairs",
            other.describe(),
        )
        .into()),
    }
}

/// A JSON array of method names, each named `methods[i]` when it is not text.
pub(crate) fn method_names<'a>(value: &'a ValueRef<'_>) -> Result<Vec<&'a str>, Error> {
    let ValueRef::List(items) = value else {
        let got = value.describe();
        return Err(ValidationError::new("methods", "an array of method names", got).into());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().ok_or_else(|| {
                ValidationError::new(format!("methods[{i}]"), "a string", v.describe()).into()
            })
        })
        .collect()
}

fn not_pair(at: String, item: &ValueRef<'_>) -> Error {
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
