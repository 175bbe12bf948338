//! Core errors as Python exceptions: one table, `topwire._errors`, whose
//! class of each name the core's `Error::kind` picks, its attributes the
//! core's. Keyword typos are TypeErrors worded by the core.

use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict};
use topwire::{Error, ValidationError};

use crate::to_python;

/// The Python exception for a core error: an instance of the class of the
/// same name in `topwire._errors`, its attributes the core's.
pub(crate) fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = err.attributes().into_iter();
        let kwargs = kwargs.map(|(name, value)| Ok((name, to_python(py, &value)?)));
        let kwargs = kwargs.collect::<PyResult<Vec<_>>>()?.into_py_dict(py)?;
        let class = py.import("topwire._errors")?.getattr(err.kind())?;
        let exception = class.call((err.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exception))
    };
    build().unwrap_or_else(|import_failure| import_failure)
}

pub(crate) fn invalid(field: &str, expected: &str, got: impl Into<String>) -> Error {
    ValidationError::new(field, expected, got).into()
}

/// The `(field, expected, got)` of a ValidationError raised by a conversion.
fn fields(py: Python<'_>, err: &PyErr) -> [Option<String>; 3] {
    let value = err.value(py);
    let text = |name: &str| value.getattr(name).and_then(|v| v.extract::<String>()).ok();
    [text("field"), text("expected"), text("got")]
}

/// A conversion error about a value that is, or may hold, one of
/// `method`'s secrets (a card secret as an int beyond 64 bits) describes it
/// without showing it.
pub(crate) fn hide_secret(py: Python<'_>, method: &str, err: PyErr) -> PyErr {
    match fields(py, &err) {
        [Some(field), Some(expected), _] if topwire::is_secret_path(method, &field) => {
            to_py_err(py, invalid(&field, &expected, topwire::SECRET_NOT_SHOWN))
        }
        _ => err,
    }
}

/// A conversion error of a batch call's params, named under `at` (`calls[i]`).
pub(crate) fn under(py: Python<'_>, at: &str, err: PyErr) -> PyErr {
    match fields(py, &err) {
        [Some(field), Some(expected), Some(got)] => {
            to_py_err(py, invalid(&format!("{at}.{field}"), &expected, got))
        }
        _ => err,
    }
}

/// A TypeError for a keyword option none of `known` names, with its likely
/// spelling (the senders' keywords, as TopClient's).
#[pyfunction]
pub(crate) fn unknown_keyword(key: &str, known: Vec<String>) -> PyErr {
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let err = topwire::options::unknown_key(key.to_owned(), key, &known);
    pyo3::exceptions::PyTypeError::new_err(err.to_string())
}

/// A keyword option nobody declared (`signmethod=`) is a TypeError, as
/// Python's own, but worded by the core with the likely spelling
/// (`did you mean sign_method?`), as in every language.
pub(crate) fn refuse_unknown_keywords(
    unknown: Option<&Bound<'_, PyDict>>,
    known: &[&str],
) -> PyResult<()> {
    let Some((key, _)) = unknown.and_then(|d| d.iter().next()) else {
        return Ok(());
    };
    let known = known.iter().map(|k| (*k).to_owned()).collect();
    Err(unknown_keyword(&key.str()?.to_string_lossy(), known))
}

/// A core result as a Python one: its error raised as the class of its kind.
pub(crate) trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Error>> OrRaise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e.into()))
    }
}
