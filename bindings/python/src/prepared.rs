//! The prepared-request classes: `PreparedRequest` and its batch subclass
//! `PreparedBatch`, read-only views of the core's prepared request.

use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyBytes, PyDict};

/// A signed request, ready for any HTTP client.
#[pyclass(frozen, eq, subclass, module = "topwire", name = "PreparedRequest")]
#[derive(PartialEq)]
pub(crate) struct PyPreparedRequest {
    pub(crate) inner: topwire::PreparedRequest,
}

#[pymethods]
impl PyPreparedRequest {
    /// The HTTP method: `"POST"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method
    }

    /// The gateway URL with the system parameters and `sign` in the query.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The headers to send (a new dict on each access).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.inner.headers().into_py_dict(py)
    }

    /// The body's content type: urlencoded, or multipart for an upload.
    #[getter]
    fn content_type(&self) -> &str {
        &self.inner.content_type
    }

    /// The body: urlencoded application parameters, or for an upload the
    /// `multipart/form-data` parts.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.body.as_bytes())
    }

    /// The body as logs may show it: the values of secret fields (a
    /// customer's card secret) as `***`, an upload by its size.
    #[getter]
    fn redacted_body(&self) -> String {
        self.inner.redacted_body().into_owned()
    }

    /// Whether the body is `multipart/form-data` (the call uploads a file).
    #[getter]
    fn is_multipart(&self) -> bool {
        matches!(self.inner.body, topwire::Body::Multipart(_))
    }

    /// Every parameter sent, sorted as signed, `sign` last.
    #[getter]
    fn params(&self) -> Vec<(String, String)> {
        self.inner.params()
    }

    fn __repr__(&self) -> String {
        format!(
            "PreparedRequest(method={:?}, url={:?}, body={} bytes)",
            self.inner.method,
            self.inner.url,
            self.inner.body.len()
        )
    }
}

/// A signed batch: a PreparedRequest plus `methods`, the calls' methods in
/// order, which `parse_batch` takes it for.
#[pyclass(frozen, extends = PyPreparedRequest, module = "topwire", name = "PreparedBatch")]
pub(crate) struct PyPreparedBatch {
    /// The calls' methods, in request order.
    #[pyo3(get)]
    pub(crate) methods: Vec<String>,
}

#[pymethods]
impl PyPreparedBatch {
    /// The separator the reply is split on.
    #[getter]
    fn separator<'py>(slf: PyRef<'py, Self>) -> String {
        slf.as_super().inner.separator().to_owned()
    }
}
