//! The JSON records handed to C: errors, and the prepared request's parts
//! that are structured (headers, signed params). Written with the core's
//! JSON writer, so every host reads the same text.

use std::borrow::Cow;
use std::sync::OnceLock;

use topwire::{Error, Value, ValueRef};

/// An error as a JSON object: `kind` (`ValidationError`, `ApiError`,
/// `DecodeError`, `SignatureError`), `message` (the text every language
/// shows), then the core's attributes of that kind under the names every
/// binding uses (absent optional ones `null`).
pub(crate) fn error_record(err: &Error) -> String {
    let head = [
        ("kind", Value::from(err.kind())),
        ("message", Value::from(err.to_string())),
    ];
    Value::object(head.into_iter().chain(err.attributes())).to_json()
}

/// The record of a caught panic: a bug in topwire, never the caller's input.
pub(crate) fn internal_record() -> String {
    Value::object([
        ("kind", Value::from("InternalError")),
        (
            "message",
            Value::from(
                "topwire failed internally (a bug: please report it); no state was changed",
            ),
        ),
    ])
    .to_json()
}

/// `[["key","value"],...]`: pairs in the order given.
pub(crate) fn pairs_json<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let items = pairs
        .iter()
        .map(|(k, v)| Value::List(vec![Value::from(k.as_ref()), Value::from(v.as_ref())]))
        .collect();
    Value::List(items).to_json()
}

/// `{"Name":"value",...}`: headers as one JSON object. The form headers of
/// almost every request are written once per process.
pub(crate) fn headers_json(headers: &[(&str, &str)]) -> Cow<'static, str> {
    static FORM: OnceLock<String> = OnceLock::new();
    let write = |h: &[(&str, &str)]| {
        ValueRef::object(h.iter().map(|(k, v)| (*k, ValueRef::from(*v)))).to_json()
    };
    if headers == topwire::FORM_HEADERS {
        return Cow::Borrowed(FORM.get_or_init(|| write(topwire::FORM_HEADERS)));
    }
    Cow::Owned(write(headers))
}

/// `[{"data": ...}, {"error": {...}}, ...]`: a batch's results in request
/// order, each data the reply's own text when it is exactly the data.
pub(crate) fn batch_json(
    items: Vec<Result<topwire::Parsed, topwire::ApiError>>,
    body: &[u8],
) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Ok(parsed) => {
                out.push_str("{\"data\":");
                match parsed
                    .verbatim
                    .and_then(|r| body.get(r))
                    .map(std::str::from_utf8)
                {
                    Some(Ok(text)) => out.push_str(text),
                    _ => out.push_str(&parsed.data.to_json()),
                }
            }
            Err(e) => {
                out.push_str("{\"error\":");
                out.push_str(&error_record(&Error::from(e)));
            }
        }
        out.push('}');
    }
    out.push(']');
    out
}
