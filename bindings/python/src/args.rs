//! Python arguments to what the core takes: str as UTF-8 (a lone surrogate
//! a ValidationError naming the argument, not PyO3's UnicodeEncodeError),
//! `(str, str)` pairs, reply bodies, times. The rare kinds (datetimes,
//! bytearrays) are `topwire._convert`'s.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString};

use crate::errors::{invalid, to_py_err};
use crate::LONE;

/// Str pairs as the native functions take them from `topwire._convert.pairs`.
pub(crate) type StrPairs<'py> = Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>;

/// A str argument as UTF-8, the field named only when it is refused.
fn text_at<'a>(
    s: &'a Bound<'_, PyString>,
    field: impl FnOnce() -> String,
) -> PyResult<Cow<'a, str>> {
    s.to_cow()
        .map_err(|_| to_py_err(s.py(), invalid(&field(), LONE.0, LONE.1)))
}

/// A str argument as UTF-8 (see [`text_at`]).
pub(crate) fn arg<'a>(s: &'a Bound<'_, PyString>, field: &str) -> PyResult<Cow<'a, str>> {
    text_at(s, || field.to_owned())
}

/// [`arg`] for an optional argument.
pub(crate) fn opt_arg<'a>(
    s: &'a Option<Bound<'_, PyString>>,
    field: &str,
) -> PyResult<Option<Cow<'a, str>>> {
    s.as_ref().map(|s| arg(s, field)).transpose()
}

/// `(name, value)` str pairs as UTF-8 (see [`arg`]): a bad name is
/// `{field}[i]`, a bad value `{field}.{name}`, as in JavaScript.
pub(crate) fn text_pairs(field: &str, pairs: &StrPairs<'_>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(pairs.len());
    for (i, (k, v)) in pairs.iter().enumerate() {
        let name = text_at(k, || format!("{field}[{i}]"))?;
        let value = text_at(v, || format!("{field}.{name}"))?;
        out.push((name.into_owned(), value.into_owned()));
    }
    Ok(out)
}

/// An app key or secret: a `str`; `None` (an unset environment variable)
/// is a ValidationError naming the argument, another type a TypeError.
pub(crate) fn credential(field: &str, what: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_none() {
        let expected = format!("a non-empty {what} (a str)");
        return Err(to_py_err(value.py(), invalid(field, &expected, "None")));
    }
    match value.cast::<PyString>() {
        Ok(s) => arg(s, field).map(Cow::into_owned),
        Err(_) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{field} must be the {what} as a str, not {}",
            value.get_type().name()?
        ))),
    }
}

pub(crate) fn now_ms_of_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Epoch milliseconds: `None` is now, an `int` is taken as is; anything
/// else (an aware `datetime`, or an error to raise) is `topwire._convert`'s.
pub(crate) fn epoch_ms(
    py: Python<'_>,
    field: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<i64> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(now_ms_of_clock()),
        Some(v) if v.is_exact_instance_of::<PyInt>() && v.extract::<i64>().is_ok() => v.extract(),
        Some(v) => convert(py)?.call_method1("epoch_ms", (field, v))?.extract(),
    }
}

/// `topwire._convert`: the converters of rare kinds of values (datetimes,
/// bytes-likes, integers beyond 64 bits) and their errors.
pub(crate) fn convert(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("topwire._convert")
}

/// A reply body's bytes: `bytes` borrowed, `str` as UTF-8; anything else
/// (`bytearray`, `memoryview`, an error to raise) is `topwire._convert.body`'s.
pub(crate) fn body_bytes<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    match value.cast::<PyString>().map(|s| s.to_cow()) {
        Ok(Ok(Cow::Borrowed(text))) => Ok(Cow::Borrowed(text.as_bytes())),
        Ok(Ok(Cow::Owned(text))) => Ok(Cow::Owned(text.into_bytes())),
        _ => {
            let converted = convert(value.py())?.call_method1("body", ("body", value, true))?;
            Ok(Cow::Owned(converted.cast::<PyBytes>()?.as_bytes().to_vec()))
        }
    }
}
