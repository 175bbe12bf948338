//! Batch calls: `(method, params[, session])` tuples to the core's calls,
//! and a batch reply's results to data or (returned) ApiErrors.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use topwire::path::Path;
use topwire::{BatchCall, TopClient, Value};

use crate::args::body_bytes;
use crate::errors::{hide_secret, invalid, to_py_err, under, OrRaise};
use crate::{to_python, to_value};

/// The calls of `TopClient.prepare_batch`, each named `calls[i]` in errors.
pub(crate) fn calls(py: Python<'_>, calls: &Bound<'_, PyAny>) -> PyResult<Vec<BatchCall>> {
    let calls = calls.try_iter()?.enumerate();
    calls.map(|(i, item)| batch_call(py, i, &item?)).collect()
}

/// `TopClient._parse_batch`: per call, its data or its ApiError.
pub(crate) fn parse<'py>(
    py: Python<'py>,
    client: &TopClient,
    methods: &[String],
    separator: Option<&str>,
    body: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let bytes = body_bytes(body)?;
    let names: Vec<&str> = methods.iter().map(String::as_str).collect();
    let separator = separator.unwrap_or(topwire::batch::DEFAULT_SEPARATOR);
    let items = py
        .detach(|| client.parse_batch_separated(&names, separator, &bytes))
        .or_raise(py)?;
    let out = PyList::empty(py);
    for item in items {
        match item {
            Ok(data) => out.append(to_python(py, &data)?)?,
            Err(e) => out.append(to_py_err(py, e.into()).value(py))?,
        }
    }
    Ok(out)
}

/// A batch call `(method, params)` or `(method, params, session)`; errors
/// name it `calls[i]`.
fn batch_call(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyResult<BatchCall> {
    let at = format!("calls[{i}]");
    let refuse =
        |field: &str, expected: &str, got: &str| to_py_err(py, invalid(field, expected, got));
    let shape = "a (method, params) or (method, params, session) tuple";
    let Some(t) = item
        .cast::<PyTuple>()
        .ok()
        .filter(|t| (2..=3).contains(&t.len()))
    else {
        return Err(refuse(
            &at,
            shape,
            &format!("a {}", item.get_type().name()?),
        ));
    };
    let method: String = t
        .get_item(0)?
        .extract()
        .map_err(|_| refuse(&format!("{at}.method"), "a str", "another value"))?;
    let params = t.get_item(1)?;
    let params = if params.is_none() {
        Value::Null
    } else {
        to_value(&params, &Path::Root, 0)
            .map_err(|e| hide_secret(py, &method, e))
            .map_err(|e| under(py, &at, e))?
    };
    let mut call = BatchCall::new(&method, params);
    if let Ok(session) = t.get_item(2) {
        call.session = session
            .extract()
            .map_err(|_| refuse(&format!("{at}.session"), "a str or None", "another value"))?;
    }
    Ok(call)
}
