//! PyO3 glue for topwire: Python values to core values and back, core errors
//! to the exception classes of `topwire._errors`. No TOP knowledge lives here:
//! every rule about the protocol is the core's, and the records the binding
//! fills (client settings, SPI and gateway inputs) are the core's too.
//!
//! The crate is built as `topwire._native` by maturin (which also switches on
//! PyO3's `extension-module`); the public API is the pure-Python facade in
//! `py/topwire/__init__.py`. Here: params to values, data back, `TopClient`.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyMemoryView,
    PyString, PyTuple, PyType,
};
use pyo3::PyClassInitializer;
use topwire::options::ClientConfig;
use topwire::path::Path;
use topwire::{FileItem, PrepareOptions, Value};

mod args;
mod batch;
mod errors;
mod gateway;
mod prepared;
mod reply;
mod spi;
mod tmc;

use args::{arg, body_bytes, convert, credential, epoch_ms, opt_arg};
use errors::{hide_secret, invalid, refuse_unknown_keywords, to_py_err, OrRaise};
use prepared::{PyPreparedBatch, PyPreparedRequest};

/// Deepest nesting of parameters accepted from Python, as in every language;
/// deeper (or cyclic) structures are a ValidationError instead of a stack overflow.
const MAX_DEPTH: usize = topwire::MAX_DEPTH;

static FILE_ITEM: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `the int 123…`: a label and a value's text cut at 40 characters.
fn describe(label: &str, text: PyResult<Bound<'_, PyString>>) -> String {
    let shown = text
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cut: String = shown.chars().take(40).collect();
    let more = if cut.len() < shown.len() { "…" } else { "" };
    format!("the {label} {cut}{more}")
}

// ---------------------------------------------------------------- Python -> Value

/// A ValidationError at `path` (the core's path type, rendered only now);
/// the whole value being wrong names `params`.
fn bad(py: Python<'_>, path: &Path<'_>, expected: &str, got: String) -> PyErr {
    let field = path.render();
    let field = if field.is_empty() { "params" } else { &field };
    to_py_err(py, invalid(field, expected, got))
}

/// What a str holding a lone surrogate (which no UTF-8 text can hold) is
/// refused as, in every language.
const LONE: (&str, &str) = (
    "well-formed text",
    "a lone surrogate (half of a UTF-16 pair)",
);

/// A str as UTF-8 text of its own. It cannot borrow the str's UTF-8: the
/// abi3 build for Python 3.9 has no `PyUnicode_AsUTF8AndSize` (limited API
/// from 3.10), so PyO3's `to_cow` encodes a bytes object and copies it into
/// a `String`, which is moved into the value here, never copied again.
fn py_str(s: &Bound<'_, PyString>, path: &Path<'_>) -> PyResult<String> {
    let lone = |_| bad(s.py(), path, LONE.0, LONE.1.into());
    s.to_cow().map(Cow::into_owned).map_err(lone)
}

/// Deeper (or cyclic) structures are a ValidationError, not a stack overflow.
fn check_depth(py: Python<'_>, path: &Path<'_>, depth: usize) -> PyResult<()> {
    if depth >= MAX_DEPTH {
        let got = "deeper nesting (a cycle?)".to_owned();
        return Err(bad(py, path, "at most 64 levels of nesting", got));
    }
    Ok(())
}

/// A list's or tuple's items, each named by its index.
fn items<'py>(
    iter: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &Path<'_>,
    depth: usize,
) -> PyResult<Value> {
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        out.push(to_value(&item, &Path::Item(path, i), depth + 1)?);
    }
    Ok(Value::List(out))
}

fn to_value(obj: &Bound<'_, PyAny>, path: &Path<'_>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return py_str(s, path).map(Value::from);
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Int(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::UInt(u));
        }
        let got = describe("number", obj.str());
        return Err(bad(py, path, "an integer within 64 bits", got));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        // `float.__repr__` of the value (shortest round-trip text), also for
        // subclasses such as numpy.float64, whose own repr may say anything.
        // The core sends that text unchanged, or refuses `inf`/`nan` by field.
        let exact = PyFloat::new(py, f.value());
        return Ok(Value::Decimal(exact.repr()?.to_cow()?.into_owned().into()));
    }
    // Dicts and lists first: the common containers are never files, so
    // they skip the file checks below (a class check each).
    if let Ok(d) = obj.cast::<PyDict>() {
        check_depth(py, path, depth)?;
        let mut pairs = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            pairs.push(pair(&k, &v, path, depth)?);
        }
        return Ok(Value::Object(pairs));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        check_depth(py, path, depth)?;
        return items(list.iter(), path, depth);
    }
    if let Some(content) = buffer_bytes(obj)? {
        return Ok(Value::File(FileItem::new(content)));
    }
    if obj.is_instance(FILE_ITEM.import(py, "topwire._file", "FileItem")?)? {
        let mut file = FileItem::new(obj.getattr("data")?.cast::<PyBytes>()?.as_bytes().to_vec());
        // A file name from os.fsdecode may hold a lone surrogate: named, not a UnicodeEncodeError.
        let text = |name: &str| -> PyResult<Option<String>> {
            let attr = obj.getattr(name)?;
            let Ok(s) = attr.cast::<PyString>() else {
                return Ok(None);
            };
            py_str(s, &Path::Member(path, name)).map(Some)
        };
        file.filename = text("filename")?;
        file.content_type = text("content_type")?;
        return Ok(Value::File(file));
    }
    if let Some(file) = file_tuple(obj, path)? {
        return Ok(Value::File(file));
    }
    check_depth(py, path, depth)?;
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return items(tuple.iter(), path, depth);
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let pairs = m.items()?.iter().map(|item| {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            pair(&k, &v, path, depth)
        });
        return pairs.collect::<PyResult<_>>().map(Value::Object);
    }
    let expected = "a str, int, float, bool, None, list, tuple, mapping, bytes or FileItem";
    let got = format!("a {}", obj.get_type().name()?);
    Err(bad(py, path, expected, got))
}

/// The bytes of a `bytes`, `bytearray` or `memoryview` (a file to upload).
fn buffer_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(b.as_bytes().to_vec()));
    }
    if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
        let copied = obj.py().get_type::<PyBytes>().call1((obj,))?;
        return Ok(Some(copied.cast::<PyBytes>()?.as_bytes().to_vec()));
    }
    Ok(None)
}

/// `(filename, data)` or `(filename, data, content_type)`, as `requests`
/// takes files: a tuple of a str and bytes-like data (any other tuple is a list).
fn file_tuple(obj: &Bound<'_, PyAny>, path: &Path<'_>) -> PyResult<Option<FileItem>> {
    let Some(t) = obj.cast::<PyTuple>().ok().filter(|t| t.len() <= 3) else {
        return Ok(None);
    };
    let (Ok(name), Ok(data)) = (t.get_item(0), t.get_item(1)) else {
        return Ok(None);
    };
    let (Ok(name), Some(content)) = (name.cast::<PyString>(), buffer_bytes(&data)?) else {
        return Ok(None);
    };
    let mut file =
        FileItem::new(content).with_filename(py_str(name, &Path::Member(path, "filename"))?);
    if let Ok(ct) = t.get_item(2) {
        let Ok(ct) = ct.cast::<PyString>() else {
            let got = format!("a {} content type", ct.get_type().name()?);
            let expected = "(filename, data, content_type) with a str content type";
            return Err(bad(obj.py(), path, expected, got));
        };
        file = file.with_content_type(py_str(ct, &Path::Member(path, "content_type"))?);
    }
    Ok(Some(file))
}

fn pair(
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    path: &Path<'_>,
    depth: usize,
) -> PyResult<(Cow<'static, str>, Value)> {
    let Ok(k) = key.cast::<PyString>() else {
        let label = key.get_type().name()?.to_string();
        let got = format!("the key {}", describe(&label, key.repr()));
        return Err(bad(key.py(), path, "string keys", got));
    };
    let name = py_str(k, path)?;
    let value = to_value(value, &Path::Member(path, &name), depth + 1)?;
    Ok((Cow::Owned(name), value))
}

// ---------------------------------------------------------------- Value -> Python

fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::UInt(u) => u.into_pyobject(py)?.into_any(),
        // An integer beyond 64 bits stays exact as a Python int.
        Value::Decimal(t) if value.as_big_integer().is_some() => {
            convert(py)?.call_method1("big_int", (t,))?
        }
        // JSON number text (the core checked it), so parsing cannot fail.
        Value::Decimal(t) => PyFloat::new(py, t.parse().unwrap_or(f64::NAN)).into_any(),
        Value::String(s) => PyString::new(py, s).into_any(),
        // Parsing never makes one; its bytes if one ever comes back.
        Value::File(f) => PyBytes::new(py, &f.content).into_any(),
        Value::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(pairs) => {
            let dict = PyDict::new(py);
            for (k, v) in pairs {
                dict.set_item(PyString::new(py, k), to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

// ---------------------------------------------------------------- TopClient

/// The keyword options of `TopClient(...)` and `prepare(...)`.
const CLIENT_KEYWORDS: &[&str] = &[
    "sign_method",
    "format",
    "simplify",
    "gateway",
    "partner_id",
    "target_app_key",
];
const PREPARE_KEYWORDS: &[&str] = &["session", "timestamp", "allow_unknown"];

/// An application's credentials and settings: immutable, shareable between threads.
#[pyclass(frozen, subclass, module = "topwire", name = "TopClient")]
struct PyTopClient {
    inner: topwire::TopClient,
}

#[pymethods]
impl PyTopClient {
    /// The core's settings record, filled from the arguments, makes the client.
    #[new]
    #[pyo3(signature = (app_key, app_secret, *, sign_method=None, format=None, simplify=None,
                        gateway=None, partner_id=None, target_app_key=None, **unknown))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        app_key: &Bound<'_, PyAny>,
        app_secret: &Bound<'_, PyAny>,
        sign_method: Option<Bound<'_, PyString>>,
        format: Option<Bound<'_, PyString>>,
        simplify: Option<bool>,
        gateway: Option<Bound<'_, PyString>>,
        partner_id: Option<Bound<'_, PyString>>,
        target_app_key: Option<Bound<'_, PyString>>,
        unknown: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        refuse_unknown_keywords(unknown, CLIENT_KEYWORDS)?;
        // Fields in the order they are checked: the settings, then the app.
        let config = ClientConfig {
            sign_method: opt_arg(&sign_method, "sign_method")?.map(Into::into),
            format: opt_arg(&format, "format")?.map(Into::into),
            simplify,
            gateway: opt_arg(&gateway, "gateway")?.map(Into::into),
            partner_id: opt_arg(&partner_id, "partner_id")?.map(Into::into),
            target_app_key: opt_arg(&target_app_key, "target_app_key")?.map(Into::into),
            app_key: Some(credential("app_key", "app key", app_key)?),
            app_secret: Some(credential("app_secret", "app secret", app_secret)?),
        };
        config
            .client_snake_case()
            .map(|inner| PyTopClient { inner })
            .or_raise(py)
    }

    /// Builds the signed request for `method`.
    #[pyo3(signature = (method, params=None, *, session=None, timestamp=None, allow_unknown=false,
                        **unknown))]
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        py: Python<'_>,
        method: Bound<'_, PyString>,
        params: Option<&Bound<'_, PyAny>>,
        session: Option<Bound<'_, PyString>>,
        timestamp: Option<&Bound<'_, PyAny>>,
        allow_unknown: bool,
        unknown: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPreparedRequest> {
        refuse_unknown_keywords(unknown, PREPARE_KEYWORDS)?;
        let method = arg(&method, "method")?;
        let method = method.as_ref();
        let session = opt_arg(&session, "session")?.map(Cow::into_owned);
        let params = match params.filter(|p| !p.is_none()) {
            None => Value::Null,
            // Anything else than a mapping is refused by the core, naming `params`.
            Some(p) => to_value(p, &Path::Root, 0).map_err(|e| hide_secret(py, method, e))?,
        };
        let options = PrepareOptions {
            session,
            timestamp_ms: epoch_ms(py, "timestamp", timestamp)?,
            allow_unknown,
        };
        let client = &self.inner;
        py.detach(|| client.prepare(method, &params, &options))
            .map(|inner| PyPreparedRequest { inner })
            .map_err(|e| to_py_err(py, e))
    }

    /// Parses a response body of `method` into plain dicts and lists.
    fn parse<'py>(
        &self,
        py: Python<'py>,
        method: Bound<'py, PyString>,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let method = arg(&method, "method")?;
        let method =
            topwire::ReplyMethod::new(method.as_ref()).map_err(|e| to_py_err(py, e.into()))?;
        let bytes = body_bytes(body)?;
        // The common reply is its own data: its objects made as the core's
        // check reads it. Anything else is built by the core, then converted.
        if let Some(data) = reply::checked_data(py, &method, &bytes)? {
            return Ok(data);
        }
        let client = &self.inner;
        let parsed = py
            .detach(|| client.parse_reply(&method, &bytes))
            .map_err(|e| to_py_err(py, e))?;
        to_python(py, &parsed.data)
    }

    /// Builds one signed `/router/batch` request carrying `calls`.
    #[pyo3(signature = (calls, *, session=None, timestamp=None, separator=None, batch_url=None))]
    fn prepare_batch(
        &self,
        py: Python<'_>,
        calls: &Bound<'_, PyAny>,
        session: Option<String>,
        timestamp: Option<&Bound<'_, PyAny>>,
        separator: Option<String>,
        batch_url: Option<String>,
    ) -> PyResult<Py<PyPreparedBatch>> {
        let calls = batch::calls(py, calls)?;
        let options = topwire::BatchOptions {
            session,
            timestamp_ms: epoch_ms(py, "timestamp", timestamp)?,
            separator,
            batch_url,
        };
        let client = &self.inner;
        let inner = py
            .detach(|| client.prepare_batch(&calls, &options))
            .or_raise(py)?;
        let methods = calls.into_iter().map(|c| c.method).collect();
        let init = PyClassInitializer::from(PyPreparedRequest { inner })
            .add_subclass(PyPreparedBatch { methods });
        Py::new(py, init)
    }

    /// Parses a batch reply: per call, its data or its `ApiError` (returned,
    /// not raised); a failure of the whole batch raises.
    #[pyo3(signature = (methods, separator, body))]
    fn _parse_batch<'py>(
        &self,
        py: Python<'py>,
        methods: Vec<String>,
        separator: Option<String>,
        body: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        batch::parse(py, &self.inner, &methods, separator.as_deref(), body)
    }

    /// `(app_key, sign_method, format, simplify, gateway, partner_id,
    /// target_app_key)`: the Python class's properties and repr read these.
    #[allow(clippy::type_complexity)]
    fn _settings(&self) -> (&str, &str, &str, bool, &str, Option<&str>, Option<&str>) {
        let c = &self.inner;
        let (sign_method, format) = (c.sign_method().as_str(), c.format().as_str());
        (
            c.app_key(),
            sign_method,
            format,
            c.simplify(),
            c.gateway(),
            c.partner_id(),
            c.target_app_key(),
        )
    }
}

// ---------------------------------------------------------------- the module

/// Milliseconds to wait before retry `attempt` of a call that failed with
/// an ApiError of this `retryable` and `retry_after`; None: raise it
/// (`topwire.call`, `topwire.acall`).
#[pyfunction]
fn retry_delay_ms(
    retryable: bool,
    retry_after: Option<u64>,
    attempt: u32,
    retries: u32,
) -> Option<u64> {
    topwire::send::retry_wait_ms(retryable, retry_after, attempt, retries)
}

/// The retries a sender was given, checked (0 to the core's maximum).
#[pyfunction]
fn check_retries(py: Python<'_>, retries: &Bound<'_, PyAny>) -> PyResult<u32> {
    if retries.is_instance_of::<PyBool>() || !retries.is_instance_of::<PyInt>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "retries must be an int, not {}",
            retries.get_type().name()?
        )));
    }
    // Beyond i64 it is out of range anyway; f64 keeps the core's check one.
    #[allow(clippy::cast_precision_loss)]
    let n = retries.extract::<i64>().map_or(f64::MAX, |n| n as f64);
    topwire::send::check_retries(n).or_raise(py)
}

/// The native half of the `topwire` package; import `topwire` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTopClient>()?;
    m.add_class::<PyPreparedRequest>()?;
    m.add_class::<PyPreparedBatch>()?;
    m.add_class::<gateway::PyGateway>()?;
    m.add_class::<gateway::PyTmcChannel>()?;
    m.add_function(wrap_pyfunction!(spi::sign, m)?)?;
    m.add_function(wrap_pyfunction!(spi::string_to_sign, m)?)?;
    m.add_function(wrap_pyfunction!(spi::verify_spi, m)?)?;
    m.add_function(wrap_pyfunction!(retry_delay_ms, m)?)?;
    m.add_function(wrap_pyfunction!(check_retries, m)?)?;
    m.add_function(wrap_pyfunction!(errors::unknown_keyword, m)?)?;
    m.add("SEND_TIMEOUT_MS", topwire::send::DEFAULT_TIMEOUT_MS)?;
    m.add("SEND_RETRIES", topwire::send::DEFAULT_RETRIES)?;
    m.add_class::<tmc::PyTmcSession>()?;
    m.add_class::<tmc::PyTmcMessage>()?;
    m.add_function(wrap_pyfunction!(tmc::tmc_decode_frame, m)?)?;
    m.add_function(wrap_pyfunction!(tmc::tmc_encode_frame, m)?)?;
    m.add("DEFAULT_GATEWAY", topwire::DEFAULT_GATEWAY)?;
    m.add("GATEWAY_APP_KEY", topwire::gateway::DEFAULT_APP_KEY)?;
    m.add("GATEWAY_APP_SECRET", topwire::gateway::DEFAULT_APP_SECRET)?;
    m.add("GATEWAY_PATH", topwire::gateway::GATEWAY_PATH)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
