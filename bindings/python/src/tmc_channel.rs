//! The local message channel (the core's `TmcChannel`) for Python's local
//! gateway, which carries its frames over a WebSocket. Conversions only.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use topwire::tmc_channel::{ChannelEvent, ChannelOptions, ChannelOutput, Publish, TmcChannel};

use crate::args::{now_ms_of_clock, StrPairs};
use crate::errors::to_py_err;
use crate::gateway::{input, reply_out, PyGateway, Reply};
use crate::{describe, to_python};

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
        let inner = TmcChannel::new(gateway.inner.config(), options)
            .map_err(|e| to_py_err(py, e.into()))?;
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
        self.inner
            .publish(message, now)
            .map_err(|e| to_py_err(py, e.into()))
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
            let label = v
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            let expected = "an integer within the signed 64-bit range";
            let e = topwire::ValidationError::new(field, expected, describe(&label, v.str()));
            Err(to_py_err(py, e.into()))
        }
    }
}

fn events_out<'py>(py: Python<'py>, events: &[ChannelEvent]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    events
        .iter()
        .map(|e| to_python(py, &e.to_value()))
        .collect()
}

fn output(py: Python<'_>, out: ChannelOutput) -> PyResult<Output<'_>> {
    let frames = out
        .frames
        .iter()
        .map(|(c, bytes)| (*c, PyBytes::new(py, bytes)))
        .collect();
    Ok((frames, events_out(py, &out.events)?, out.close))
}
