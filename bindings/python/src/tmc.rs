//! TMC for Python (`topwire.tmc`): the frame codec and the session, each a
//! conversion of the core's. A frame is a dict `{"type", "flag", "token",
//! "status_code", "status_phrase", "content"}` (absent headers `None`,
//! `content` a list of `(key, format, value)` tuples); `int64` and `date`
//! values are ints, `bytes` values bytes: the core's records in its Python
//! style (`Style::PYTHON`), entries as tuples.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use topwire::options::TmcSessionConfig;
use topwire::path::Path;
use topwire::tmc::{self, Action, Event, Frame, Style, TmcMessage, TmcValue};
use topwire::Value;

use crate::args::{convert, epoch_ms};
use crate::errors::{to_py_err, OrRaise};
use crate::{to_python, to_value};

/// `[(key, format, value), ...]`.
fn entries_out<'py>(
    py: Python<'py>,
    entries: &[(String, TmcValue)],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (k, v) in entries {
        let value = to_python(py, &tmc::tmc_value_to_value(v, Style::PYTHON))?;
        let item = (PyString::new(py, k), v.format(), value);
        list.append(PyTuple::new(py, item.into_pyobject(py)?)?)?;
    }
    Ok(list)
}

/// The core's frame record, its entries made tuples.
fn frame_out<'py>(py: Python<'py>, f: &Frame) -> PyResult<Bound<'py, PyDict>> {
    let d = to_python(py, &tmc::frame_to_value(f, Style::PYTHON))?.cast_into::<PyDict>()?;
    d.set_item("content", entries_out(py, &f.content)?)?;
    Ok(d)
}

/// Reads one TMC frame (one binary WebSocket message) into a dict; raises
/// DecodeError naming the byte where the bytes stop being a frame.
#[pyfunction]
pub fn tmc_decode_frame<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let frame = tmc::decode_frame(data).or_raise(py)?;
    frame_out(py, &frame)
}

/// Writes a frame dict as the Java encoder does.
#[pyfunction]
pub fn tmc_encode_frame<'py>(
    py: Python<'py>,
    frame: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let value = to_value(frame, &Path::Root, 0)?;
    let frame = tmc::frame_from_value(&value, Style::PYTHON).or_raise(py)?;
    let bytes = tmc::encode_frame(&frame).or_raise(py)?;
    Ok(PyBytes::new(py, &bytes))
}

/// A message TOP pushed.
#[pyclass(frozen, eq, module = "topwire.tmc", name = "TmcMessage")]
#[derive(PartialEq)]
pub struct PyTmcMessage {
    inner: TmcMessage,
}

#[pymethods]
impl PyTmcMessage {
    /// The id to confirm (exact; usually beyond 2^53).
    #[getter]
    fn id(&self) -> i64 {
        self.inner.id
    }

    #[getter]
    fn topic(&self) -> &str {
        &self.inner.topic
    }

    /// The content text (inflated if it came gzip-compressed).
    #[getter]
    fn content(&self) -> &str {
        &self.inner.content
    }

    /// Whether the content came as a gzip byte array.
    #[getter]
    fn compressed(&self) -> bool {
        self.inner.compressed
    }

    /// Published (`time`), epoch milliseconds.
    #[getter]
    fn published(&self) -> Option<i64> {
        self.inner.published
    }

    /// Expires (`outtime`), epoch milliseconds.
    #[getter]
    fn out_time(&self) -> Option<i64> {
        self.inner.out_time
    }

    #[getter]
    fn publisher(&self) -> Option<&str> {
        self.inner.publisher.as_deref()
    }

    #[getter]
    fn nick(&self) -> Option<&str> {
        self.inner.nick.as_deref()
    }

    #[getter]
    fn user_id(&self) -> Option<i64> {
        self.inner.user_id
    }

    /// The business id (`dataid`), e.g. a trade id.
    #[getter]
    fn data_id(&self) -> Option<i64> {
        self.inner.data_id
    }

    /// Every other entry of the data frame: `[(key, format, value)]`.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        entries_out(py, &self.inner.extra)
    }

    /// The content's JSON, read by the core (ints exact).
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.inner.data().or_raise(py)?;
        to_python(py, &value)
    }

    fn __repr__(&self) -> String {
        format!(
            "TmcMessage(id={}, topic={:?}, content={} chars)",
            self.inner.id,
            self.inner.topic,
            self.inner.content.chars().count()
        )
    }
}

/// The core's event record; a message event holds the message object.
fn event_out<'py>(py: Python<'py>, e: Event) -> PyResult<Bound<'py, PyAny>> {
    let Event::Message(m) = e else {
        return to_python(py, &tmc::event_to_value(&e, Style::PYTHON));
    };
    let d = PyDict::new(py);
    d.set_item("type", "message")?;
    d.set_item("message", Bound::new(py, PyTmcMessage { inner: m })?)?;
    Ok(d.into_any())
}

/// Milliseconds of a duration argument (seconds or a timedelta), if given.
fn interval(py: Python<'_>, field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    convert(py)?
        .call_method1("duration_ms", (field, v))?
        .extract()
        .map(Some)
}

/// A TMC client session without I/O (see `topwire.tmc`).
#[pyclass(module = "topwire.tmc", name = "TmcSession")]
pub struct PyTmcSession {
    inner: tmc::TmcSession,
}

#[pymethods]
impl PyTmcSession {
    #[new]
    #[pyo3(signature = (app_key, app_secret, *, group_name="default", sdk=None, intranet_ip=None,
                        pull_interval=None, ping_interval=None, reconnect_interval=None,
                        max_content_bytes=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        app_key: String,
        app_secret: String,
        group_name: &str,
        sdk: Option<String>,
        intranet_ip: Option<String>,
        pull_interval: Option<&Bound<'_, PyAny>>,
        ping_interval: Option<&Bound<'_, PyAny>>,
        reconnect_interval: Option<&Bound<'_, PyAny>>,
        max_content_bytes: Option<u64>,
    ) -> PyResult<Self> {
        // The core's settings record; what is not given takes its default.
        let config = TmcSessionConfig {
            app_key,
            app_secret,
            group_name: Some(group_name.to_owned()),
            sdk,
            intranet_ip,
            pull_interval_ms: interval(py, "pull_interval", pull_interval)?,
            ping_interval_ms: interval(py, "ping_interval", ping_interval)?,
            reconnect_interval_ms: interval(py, "reconnect_interval", reconnect_interval)?,
            max_content_bytes,
        };
        let rename = |mut e: topwire::ValidationError| {
            // The core names intervals in ms; Python takes them in seconds.
            if let Some(name) = e.field.strip_suffix("_ms") {
                e.field = name.to_owned();
            }
            to_py_err(py, e.into())
        };
        config
            .session_snake_case()
            .map(|inner| PyTmcSession { inner })
            .map_err(rename)
    }

    /// `"closed"`, `"connecting"` or `"online"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state_name()
    }

    /// The token while online, else None.
    #[getter]
    fn token(&self) -> Option<&str> {
        self.inner.token()
    }

    #[getter]
    fn app_key(&self) -> &str {
        self.inner.app_key()
    }

    #[getter]
    fn group_name(&self) -> &str {
        &self.inner.options().group_name
    }

    /// The CONNECT frame to send on a freshly opened socket.
    #[pyo3(signature = (now=None))]
    fn connect<'py>(
        &mut self,
        py: Python<'py>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let now = epoch_ms(py, "now", now)?;
        Ok(PyBytes::new(py, &self.inner.connect(now)))
    }

    /// The events of one binary message (frames of another token dropped).
    #[pyo3(signature = (data, now=None))]
    fn receive<'py>(
        &mut self,
        py: Python<'py>,
        data: &[u8],
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = epoch_ms(py, "now", now)?;
        let inner = &mut self.inner;
        let events = py.detach(|| inner.receive(data, now)).or_raise(py)?;
        let events = events.into_iter().map(|e| event_out(py, e));
        PyList::new(py, events.collect::<PyResult<Vec<_>>>()?)
    }

    /// The frame confirming message `id`, once handled.
    fn confirm<'py>(&self, py: Python<'py>, id: i64) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.inner.confirm(id).or_raise(py)?))
    }

    /// The frame failing message `id` (`reason` cut to 128 UTF-16 units, as
    /// Java counts); the server delivers it again.
    #[pyo3(signature = (id, reason=""))]
    fn fail<'py>(&self, py: Python<'py>, id: i64, reason: &str) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.inner.fail(id, reason).or_raise(py)?))
    }

    /// What is due: `{"type": "send", "bytes"}`, `{"type": "ping"}`, `{"type": "reconnect"}`.
    #[pyo3(signature = (now=None))]
    fn poll<'py>(
        &mut self,
        py: Python<'py>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = epoch_ms(py, "now", now)?;
        let record = |a: &Action| tmc::action_to_value(a, Style::PYTHON);
        let actions = Value::List(self.inner.poll(now).iter().map(record).collect());
        Ok(to_python(py, &actions)?.cast_into()?)
    }

    /// When to call `poll` next (epoch ms), or None.
    fn next_deadline(&self) -> Option<i64> {
        self.inner.next_deadline()
    }

    /// The socket closed (or could not open).
    #[pyo3(signature = (now=None))]
    fn closed(&mut self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let now = epoch_ms(py, "now", now)?;
        self.inner.closed(now);
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!(
            "TmcSession(app_key={:?}, group_name={:?}, state={:?})",
            self.inner.app_key(),
            self.inner.options().group_name,
            self.inner.state_name()
        )
    }
}
