//! The local TOP gateway for Python: the core's `Gateway`, a request read
//! into the core's `GatewayInput` record (borrowing the caller's body),
//! and its local message channel (the core's `TmcChannel`), whose frames
//! `topwire.gateway` carries over a WebSocket.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use topwire::gateway::GatewayResponse;
use topwire::options::{GatewayInput, GatewayOptions};
use topwire::tmc_channel::{ChannelEvent, ChannelOptions, ChannelOutput, Publish, TmcChannel};

use crate::args::{arg, now_ms_of_clock, opt_arg, text_pairs, StrPairs};
use crate::errors::{invalid, to_py_err, OrRaise};
use crate::{describe, to_python};

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
        let inner = options.gateway(config.as_deref()).or_raise(py)?;
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
    method: &Bound<'_, PyString>,
    target: &Bound<'_, PyString>,
    headers: &StrPairs<'_>,
    body: &'a [u8],
) -> PyResult<GatewayInput<'a>> {
    Ok(GatewayInput {
        method: arg(method, "method")?.into_owned(),
        url: arg(target, "target")?.into_owned(),
        headers: text_pairs("headers", headers)?,
        body,
    })
}

pub(crate) fn reply_out(py: Python<'_>, reply: GatewayResponse) -> Reply<'_> {
    let payload = PyBytes::new(py, reply.body.as_bytes());
    (reply.status, reply.headers, payload)
}

// ---------------------------------------------------------------- the message channel

/// `(frames, events, close)`: `[(connection, bytes)]`, `[dict]`, `[(connection, reason)]`.
type Output<'py> = (
    Vec<(u64, Bound<'py, PyBytes>)>,
    Vec<Bound<'py, PyAny>>,
    Vec<(u64, String)>,
);

/// The local message channel, sans I/O; `topwire.gateway` serves it at
/// `/tmc`. Calls hold the GIL, so server threads take turns.
#[pyclass(subclass, module = "topwire", name = "TmcChannel")]
pub(crate) struct PyTmcChannel {
    inner: TmcChannel,
}

#[pymethods]
impl PyTmcChannel {
    #[new]
    #[pyo3(signature = (gateway, *, redeliver_ms=None, first_id=None, batch=None))]
    fn new(
        py: Python<'_>,
        gateway: &PyGateway,
        redeliver_ms: Option<i64>,
        first_id: Option<i64>,
        batch: Option<usize>,
    ) -> PyResult<Self> {
        let defaults = ChannelOptions::default();
        let options = ChannelOptions {
            redeliver_ms: redeliver_ms.unwrap_or(defaults.redeliver_ms),
            first_id: first_id.unwrap_or(defaults.first_id),
            batch: batch.unwrap_or(defaults.batch),
        };
        let inner = TmcChannel::new(gateway.inner.config(), options).or_raise(py)?;
        Ok(PyTmcChannel { inner })
    }

    /// Queues a message; its id.
    #[pyo3(signature = (topic, content, *, group=None, id=None, user_id=None, nick=None,
                        data_id=None, gzip=false, published_ms=None, now_ms=None))]
    #[allow(clippy::too_many_arguments)]
    fn publish(
        &mut self,
        py: Python<'_>,
        topic: String,
        content: String,
        group: Option<String>,
        id: Option<&Bound<'_, PyAny>>,
        user_id: Option<&Bound<'_, PyAny>>,
        nick: Option<String>,
        data_id: Option<&Bound<'_, PyAny>>,
        gzip: bool,
        published_ms: Option<i64>,
        now_ms: Option<i64>,
    ) -> PyResult<i64> {
        let message = Publish {
            topic,
            content,
            group,
            id: int64(py, "id", id)?,
            user_id: int64(py, "user_id", user_id)?,
            nick,
            data_id: int64(py, "data_id", data_id)?,
            gzip,
            published_ms,
        };
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        self.inner.publish(message, now).or_raise(py)
    }

    /// A new WebSocket connection's number.
    fn open(&mut self) -> u64 {
        self.inner.open()
    }

    /// The connection is gone: its unconfirmed messages are queued again.
    fn closed(&mut self, connection: u64) {
        self.inner.closed(connection);
    }

    /// One binary WebSocket message: `(frames, events, close)`.
    #[pyo3(signature = (connection, data, now_ms=None))]
    fn receive<'py>(
        &mut self,
        py: Python<'py>,
        connection: u64,
        data: &[u8],
        now_ms: Option<i64>,
    ) -> PyResult<Output<'py>> {
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        output(py, self.inner.receive(connection, data, now))
    }

    /// Ready messages for the connections that pull: `(frames, events, close)`.
    #[pyo3(signature = (now_ms=None))]
    fn deliver<'py>(&mut self, py: Python<'py>, now_ms: Option<i64>) -> PyResult<Output<'py>> {
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        output(py, self.inner.deliver(now))
    }

    /// When an unconfirmed message falls due again (epoch ms), or None.
    fn next_deadline(&self) -> Option<i64> {
        self.inner.next_deadline()
    }

    /// `(state, attempts)` of a message (`queued`, `delivered`, `confirmed`), or None.
    fn message_state(&self, id: i64) -> Option<(&'static str, u32)> {
        self.inner
            .message_state(id)
            .map(|(state, attempts)| (state.as_str(), attempts))
    }

    /// An HTTP request answered as `Gateway` does, consume/confirm served
    /// from the queue: `((status, headers, body), events)`.
    #[allow(clippy::too_many_arguments)]
    fn _handle_http<'py>(
        &mut self,
        py: Python<'py>,
        gateway: &PyGateway,
        method: Bound<'py, PyString>,
        target: Bound<'py, PyString>,
        headers: StrPairs<'py>,
        body: &[u8],
        now_ms: Option<i64>,
    ) -> PyResult<(Reply<'py>, Vec<Bound<'py, PyAny>>)> {
        let request = input(&method, &target, &headers, body)?;
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        let (reply, events) =
            request.with_request(|req| self.inner.handle_http(&gateway.inner, req, now));
        Ok((reply_out(py, reply), events_out(py, &events)?))
    }
}

/// A 64-bit id given as a Python int: a ValidationError naming the field
/// beyond the range (TMC's ids are Java longs), not an OverflowError.
fn int64(py: Python<'_>, field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    match v.extract::<i64>() {
        Ok(n) if !v.is_instance_of::<pyo3::types::PyBool>() => Ok(Some(n)),
        _ => {
            let label = v.get_type().name().map(|n| n.to_string());
            let got = describe(&label.unwrap_or_default(), v.str());
            let expected = "an integer within the signed 64-bit range";
            Err(to_py_err(py, invalid(field, expected, got)))
        }
    }
}

fn events_out<'py>(py: Python<'py>, events: &[ChannelEvent]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let values = events.iter().map(|e| to_python(py, &e.to_value()));
    values.collect()
}

fn output(py: Python<'_>, out: ChannelOutput) -> PyResult<Output<'_>> {
    let frames = out.frames.iter().map(|(c, b)| (*c, PyBytes::new(py, b)));
    Ok((frames.collect(), events_out(py, &out.events)?, out.close))
}
