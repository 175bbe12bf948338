//! The local TOP gateway for Python: the core's `Gateway`, a request read
//! into the core's `GatewayInput` record (borrowing the caller's strings).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use topwire::gateway::GatewayResponse;
use topwire::options::{GatewayInput, GatewayOptions};

use crate::args::{arg, now_ms_of_clock, opt_arg, text_pairs, StrPairs};
use crate::errors::to_py_err;

/// `(status, headers, body)` of a gateway reply.
pub(crate) type Reply<'py> = (u16, Vec<(String, String)>, Bound<'py, PyBytes>);

/// The local TOP gateway, sans I/O: the reply TOP would send to a request.
/// Immutable; `handle` runs without the GIL, so server threads share one.
#[pyclass(frozen, subclass, module = "topwire", name = "Gateway")]
pub(crate) struct PyGateway {
    pub(crate) inner: topwire::gateway::Gateway,
}

#[pymethods]
impl PyGateway {
    #[new]
    #[pyo3(signature = (config=None, *, app_key=None, app_secret=None))]
    fn new(
        py: Python<'_>,
        config: Option<Bound<'_, PyString>>,
        app_key: Option<Bound<'_, PyString>>,
        app_secret: Option<Bound<'_, PyString>>,
    ) -> PyResult<Self> {
        let options = GatewayOptions {
            app_key: opt_arg(&app_key, "app_key")?.map(Into::into),
            app_secret: opt_arg(&app_secret, "app_secret")?.map(Into::into),
        };
        let config = opt_arg(&config, "config")?;
        let inner = options
            .gateway(config.as_deref())
            .map_err(|e| to_py_err(py, e.into()))?;
        Ok(PyGateway { inner })
    }

    /// One HTTP request's reply `(status, [(header, value)], body)`; the
    /// Python class's `handle` converts the arguments.
    fn _handle<'py>(
        &self,
        py: Python<'py>,
        method: Bound<'py, PyString>,
        target: Bound<'py, PyString>,
        headers: StrPairs<'py>,
        body: &[u8],
        now_ms: Option<i64>,
    ) -> PyResult<Reply<'py>> {
        let request = input(&method, &target, &headers, body)?;
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        let reply = py.detach(|| request.handle(&self.inner, now));
        Ok(reply_out(py, reply))
    }

    /// The app keys it accepts (never the secrets).
    #[getter]
    fn app_keys(&self) -> Vec<&str> {
        self.inner.config().app_keys()
    }
}

/// A request as the core's record: `method`, `target` and the headers as
/// UTF-8 (errors name them), the body borrowed.
pub(crate) fn input<'a>(
    method: &'a Bound<'_, PyString>,
    target: &'a Bound<'_, PyString>,
    headers: &'a StrPairs<'_>,
    body: &'a [u8],
) -> PyResult<GatewayInput<'a>> {
    Ok(GatewayInput {
        method: arg(method, "method")?,
        url: arg(target, "target")?,
        headers: text_pairs("headers", headers)?,
        body: body.into(),
    })
}

pub(crate) fn reply_out(py: Python<'_>, reply: GatewayResponse) -> Reply<'_> {
    let payload = PyBytes::new(py, reply.body.as_bytes());
    (reply.status, reply.headers, payload)
}
