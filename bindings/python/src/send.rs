//! The senders' policy (`topwire.call`, `topwire.acall`): the core's retry
//! rule and its checks.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

use crate::errors::to_py_err;

/// Milliseconds to wait before retry `attempt` of a call that failed with
/// an ApiError of this `retryable` and `retry_after`; None: raise it
/// (`topwire.call`, `topwire.acall`).
#[pyfunction]
pub(crate) fn retry_delay_ms(
    retryable: bool,
    retry_after: Option<u64>,
    attempt: u32,
    retries: u32,
) -> Option<u64> {
    topwire::send::retry_wait_ms(retryable, retry_after, attempt, retries)
}

/// The retries a sender was given, checked (0 to the core's maximum).
#[pyfunction]
pub(crate) fn check_retries(py: Python<'_>, retries: &Bound<'_, PyAny>) -> PyResult<u32> {
    if retries.is_instance_of::<PyBool>() || !retries.is_instance_of::<PyInt>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "retries must be an int, not {}",
            retries.get_type().name()?
        )));
    }
    // Beyond i64 it is out of range anyway; f64 keeps the core's check one.
    #[allow(clippy::cast_precision_loss)]
    let n = retries.extract::<i64>().map_or(f64::MAX, |n| n as f64);
    topwire::send::check_retries(n).map_err(|e| to_py_err(py, e.into()))
}
