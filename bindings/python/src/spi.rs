//! Signatures: `sign` and `string_to_sign` of `(name, value)` pairs, and
//! checking an inbound (SPI) call, its arguments read into the core's
//! `SpiInput` record (borrowing the caller's body).

use pyo3::prelude::*;
use pyo3::types::PyString;
use topwire::options::SpiInput;
use topwire::SignMethod;

use crate::args::{arg, now_ms_of_clock, opt_arg, text_pairs, StrPairs};
use crate::errors::OrRaise;

/// The `sign` of `(name, value)` pairs: upper-case hex digest.
#[pyfunction]
pub(crate) fn sign(
    py: Python<'_>,
    pairs: StrPairs<'_>,
    secret: Bound<'_, PyString>,
    method: Bound<'_, PyString>,
) -> PyResult<String> {
    let pairs = text_pairs("params", &pairs)?;
    let secret = arg(&secret, "secret")?;
    let method = SignMethod::parse(&arg(&method, "sign_method")?).or_raise(py)?;
    py.detach(|| topwire::sign(&pairs, &secret, method))
        .or_raise(py)
}

/// The canonical string the signature covers (for debugging error 25).
#[pyfunction]
pub(crate) fn string_to_sign(pairs: StrPairs<'_>) -> PyResult<String> {
    Ok(topwire::string_to_sign(&text_pairs("params", &pairs)?))
}

/// Checks an inbound (SPI) call; `topwire.verify_spi` converts the arguments.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_spi(
    py: Python<'_>,
    query: Bound<'_, PyString>,
    headers: StrPairs<'_>,
    body: &[u8],
    secret: Bound<'_, PyString>,
    content_type: Option<Bound<'_, PyString>>,
    now_ms: Option<i64>,
    max_skew_ms: Option<i64>,
) -> PyResult<()> {
    // Fields in the order they are checked.
    let input = SpiInput {
        query: arg(&query, "query")?.into_owned(),
        secret: arg(&secret, "secret")?.into_owned(),
        content_type: opt_arg(&content_type, "content_type")?.map(Into::into),
        headers: text_pairs("headers", &headers)?,
        body,
        now: now_ms.unwrap_or_else(now_ms_of_clock),
        max_skew_ms,
    };
    py.detach(|| input.verify()).or_raise(py)
}
