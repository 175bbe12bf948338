//! PyO3 glue for topwire: Python values to core values and back, core errors
//! to the exception classes of `topwire._errors`. No TOP knowledge lives here:
//! every rule about the protocol is the core's.
//!
//! The crate is built as `topwire._native` by maturin (which also switches on
//! PyO3's `extension-module`); the public API is the pure-Python facade in
//! `py/topwire/__init__.py`.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    IntoPyDict, PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping,
    PyMemoryView, PyString, PyTuple, PyType,
};
use pyo3::PyClassInitializer;
use topwire::gateway::GatewayRequest;
use topwire::path::Path;
use topwire::{
    ClientOptions, Error, FileItem, PrepareOptions, SignMethod, SpiRequest, ValidationError, Value,
};

mod tmc;

/// Deepest nesting of parameters accepted from Python, as in every language;
/// deeper (or cyclic) structures are a ValidationError instead of a stack overflow.
const MAX_DEPTH: usize = topwire::MAX_DEPTH;

mod tmc_channel;

static FILE_ITEM: PyOnceLock<Py<PyType>> = PyOnceLock::new();

// ---------------------------------------------------------------- errors

/// The Python exception for a core error: an instance of the class of the
/// same name in `topwire._errors`, its attributes the core's.
fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
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

/// A conversion error about a value that is, or may hold, one of
/// `method`'s secrets (a card secret as an int beyond 64 bits) describes it
/// without showing it.
fn hide_secret(py: Python<'_>, method: &str, err: PyErr) -> PyErr {
    let value = err.value(py);
    let text = |name: &str| value.getattr(name).and_then(|v| v.extract::<String>()).ok();
    match (text("field"), text("expected")) {
        (Some(field), Some(expected)) if topwire::is_secret_path(method, &field) => {
            to_py_err(py, invalid(&field, &expected, topwire::SECRET_NOT_SHOWN))
        }
        _ => err,
    }
}

fn invalid(field: &str, expected: &str, got: impl Into<String>) -> Error {
    ValidationError::new(field, expected, got).into()
}

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

/// A str argument as UTF-8: a lone surrogate is a ValidationError naming
/// the argument, not the bare UnicodeEncodeError PyO3 would raise.
fn arg<'a>(s: &'a Bound<'_, PyString>, field: &str) -> PyResult<Cow<'a, str>> {
    s.to_cow()
        .map_err(|_| to_py_err(s.py(), invalid(field, LONE.0, LONE.1)))
}

/// [`arg`] for an optional argument.
fn opt_arg<'a>(s: &'a Option<Bound<'_, PyString>>, field: &str) -> PyResult<Option<Cow<'a, str>>> {
    s.as_ref().map(|s| arg(s, field)).transpose()
}

/// `(name, value)` str pairs as UTF-8 (see [`arg`]): a bad name is
/// `{field}[i]`, a bad value `{field}.{name}`, as in JavaScript.
fn text_pairs(
    field: &str,
    pairs: &[(Bound<'_, PyString>, Bound<'_, PyString>)],
) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(pairs.len());
    for (i, (k, v)) in pairs.iter().enumerate() {
        let name = arg(k, &format!("{field}[{i}]"))?.into_owned();
        let value = arg(v, &format!("{field}.{name}"))?.into_owned();
        out.push((name, value));
    }
    Ok(out)
}

/// Str pairs as the native functions take them from `topwire._convert.pairs`.
type StrPairs<'py> = Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>;

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
    if depth >= MAX_DEPTH {
        let got = "deeper nesting (a cycle?)".to_owned();
        return Err(bad(py, path, "at most 64 levels of nesting", got));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut pairs = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            pairs.push(pair(&k, &v, path, depth)?);
        }
        return Ok(Value::Object(pairs));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(to_value(&item?, &Path::Item(path, i), depth + 1)?);
        }
        return Ok(Value::List(items));
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

// ---------------------------------------------------------------- time

fn now_ms_of_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Epoch milliseconds: `None` is now, an `int` is taken as is; anything
/// else (an aware `datetime`, or an error to raise) is `topwire._convert`'s.
fn epoch_ms(py: Python<'_>, field: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(now_ms_of_clock()),
        Some(v) if v.is_exact_instance_of::<PyInt>() && v.extract::<i64>().is_ok() => v.extract(),
        Some(v) => convert(py)?.call_method1("epoch_ms", (field, v))?.extract(),
    }
}

/// `topwire._convert`: the converters of rare kinds of values (datetimes,
/// bytes-likes, integers beyond 64 bits) and their errors.
fn convert(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("topwire._convert")
}

// ---------------------------------------------------------------- bytes and pairs

/// A reply body's bytes: `bytes` borrowed, `str` as UTF-8; anything else
/// (`bytearray`, `memoryview`, an error to raise) is `topwire._convert.body`'s.
fn body_bytes<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    match value.cast::<PyString>().map(|s| s.to_cow()) {
        Ok(Ok(Cow::Borrowed(text))) => Ok(Cow::Borrowed(text.as_bytes())),
        Ok(Ok(Cow::Owned(text))) => Ok(Cow::Owned(text.into_bytes())),
        _ => {
            let converted = convert(value.py())?.call_method1("body", ("body", value, true))?;
            Ok(Cow::Owned(converted.cast::<PyBytes>()?.as_bytes().to_vec()))
        }
    }
}

/// Owned `(name, value)` pairs borrowed as the core's `(&str, &str)` pairs.
fn borrow_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

// ---------------------------------------------------------------- classes

/// A signed request, ready for any HTTP client.
#[pyclass(frozen, eq, subclass, module = "topwire", name = "PreparedRequest")]
#[derive(PartialEq)]
struct PyPreparedRequest {
    inner: topwire::PreparedRequest,
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

    /// Whether the body is `multipart/form-data` (the call uploads a file).
    /// The body as logs may show it: the values of secret fields (a
    /// customer's card secret) as `***`, an upload by its size.
    #[getter]
    fn redacted_body(&self) -> String {
        self.inner.redacted_body().into_owned()
    }

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
struct PyPreparedBatch {
    methods: Vec<String>,
}

#[pymethods]
impl PyPreparedBatch {
    /// The calls' methods, in request order.
    #[getter]
    fn methods(&self) -> Vec<String> {
        self.methods.clone()
    }

    /// The separator the reply is split on.
    #[getter]
    fn separator<'py>(slf: PyRef<'py, Self>) -> String {
        slf.as_super().inner.separator().to_owned()
    }
}

/// A batch call `(method, params)` or `(method, params, session)`; errors
/// name it `calls[i]`.
fn batch_call(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyResult<topwire::BatchCall> {
    let at = format!("calls[{i}]");
    let shape = "a (method, params) or (method, params, session) tuple";
    let Some(t) = item
        .cast::<PyTuple>()
        .ok()
        .filter(|t| (2..=3).contains(&t.len()))
    else {
        let got = format!("a {}", item.get_type().name()?);
        return Err(to_py_err(py, invalid(&at, shape, got)));
    };
    let method: String = t.get_item(0)?.extract().map_err(|_| {
        to_py_err(
            py,
            invalid(&format!("{at}.method"), "a str", "another value"),
        )
    })?;
    let params = t.get_item(1)?;
    let params = if params.is_none() {
        Value::Null
    } else {
        to_value(&params, &Path::Root, 0)
            .map_err(|e| hide_secret(py, &method, e))
            .map_err(|e| under(py, &at, e))?
    };
    let mut call = topwire::BatchCall::new(&method, params);
    if let Ok(session) = t.get_item(2) {
        call.session = session.extract().map_err(|_| {
            to_py_err(
                py,
                invalid(&format!("{at}.session"), "a str or None", "another value"),
            )
        })?;
    }
    Ok(call)
}

/// A conversion error of a batch call's params, named under `calls[i]`.
fn under(py: Python<'_>, at: &str, err: PyErr) -> PyErr {
    let value = err.value(py);
    let text = |name: &str| value.getattr(name).and_then(|v| v.extract::<String>()).ok();
    match (text("field"), text("expected"), text("got")) {
        (Some(field), Some(expected), Some(got)) => {
            to_py_err(py, invalid(&format!("{at}.{field}"), &expected, got))
        }
        _ => err,
    }
}

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

/// A keyword option nobody declared (`signmethod=`) is a TypeError, as
/// Python's own, but worded by the core with the likely spelling
/// (`did you mean sign_method?`), as in every language.
fn refuse_unknown_keywords(unknown: Option<&Bound<'_, PyDict>>, known: &[&str]) -> PyResult<()> {
    let Some((key, _)) = unknown.and_then(|d| d.iter().next()) else {
        return Ok(());
    };
    let key = key.str()?.to_string_lossy().into_owned();
    let err = topwire::options::unknown_key(key.clone(), &key, known);
    Err(pyo3::exceptions::PyTypeError::new_err(err.to_string()))
}

/// An app key or secret: a `str`; `None` (an unset environment variable)
/// is a ValidationError naming the argument, another type a TypeError.
fn credential(
    py: Python<'_>,
    field: &str,
    what: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    if value.is_none() {
        return Err(to_py_err(
            py,
            invalid(field, &format!("a non-empty {what} (a str)"), "None"),
        ));
    }
    match value.cast::<PyString>() {
        Ok(s) => arg(s, field).map(Cow::into_owned),
        Err(_) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{field} must be the {what} as a str, not {}",
            value.get_type().name()?
        ))),
    }
}

/// An application's credentials and settings: immutable, shareable between threads.
#[pyclass(frozen, subclass, module = "topwire", name = "TopClient")]
struct PyTopClient {
    inner: topwire::TopClient,
}

#[pymethods]
impl PyTopClient {
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
        let (sign_method, format) = (
            opt_arg(&sign_method, "sign_method")?,
            opt_arg(&format, "format")?,
        );
        let gateway = opt_arg(&gateway, "gateway")?;
        let partner_id = opt_arg(&partner_id, "partner_id")?;
        let target_app_key = opt_arg(&target_app_key, "target_app_key")?;
        let options = ClientOptions {
            sign_method: sign_method.as_deref(),
            format: format.as_deref(),
            simplify,
            gateway: gateway.as_deref(),
            partner_id: partner_id.as_deref(),
            target_app_key: target_app_key.as_deref(),
        };
        let app_key = credential(py, "app_key", "app key", app_key)?;
        let app_secret = credential(py, "app_secret", "app secret", app_secret)?;
        topwire::TopClient::with_options(&app_key, &app_secret, &options)
            .map(|inner| PyTopClient { inner })
            .map_err(|e| to_py_err(py, e.into()))
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
        let method = method.as_ref();
        let bytes = body_bytes(body)?;
        let client = &self.inner;
        let value = py
            .detach(|| client.parse(method, &bytes))
            .map_err(|e| to_py_err(py, e))?;
        to_python(py, &value)
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
        let mut batch = Vec::new();
        for (i, item) in calls.try_iter()?.enumerate() {
            batch.push(batch_call(py, i, &item?)?);
        }
        let options = topwire::BatchOptions {
            session,
            timestamp_ms: epoch_ms(py, "timestamp", timestamp)?,
            separator,
            batch_url,
        };
        let client = &self.inner;
        let inner = py
            .detach(|| client.prepare_batch(&batch, &options))
            .map_err(|e| to_py_err(py, e.into()))?;
        let methods = batch.into_iter().map(|c| c.method).collect();
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
        let bytes = body_bytes(body)?;
        let names: Vec<&str> = methods.iter().map(String::as_str).collect();
        let separator = separator
            .as_deref()
            .unwrap_or(topwire::batch::DEFAULT_SEPARATOR);
        let client = &self.inner;
        let items = py
            .detach(|| client.parse_batch_separated(&names, separator, &bytes))
            .map_err(|e| to_py_err(py, e))?;
        let out = PyList::empty(py);
        for item in items {
            match item {
                Ok(data) => out.append(to_python(py, &data)?)?,
                Err(e) => out.append(to_py_err(py, e.into()).value(py))?,
            }
        }
        Ok(out)
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

/// `(status, headers, body)` of a gateway reply.
type Reply<'py> = (u16, Vec<(String, String)>, Bound<'py, PyBytes>);

/// The local TOP gateway, sans I/O: the reply TOP would send to a request.
/// Immutable; `handle` runs without the GIL, so server threads share one.
#[pyclass(frozen, subclass, module = "topwire", name = "Gateway")]
struct PyGateway {
    inner: topwire::gateway::Gateway,
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
        let options = topwire::options::GatewayOptions {
            app_key: opt_arg(&app_key, "app_key")?.map(Cow::into_owned),
            app_secret: opt_arg(&app_secret, "app_secret")?.map(Cow::into_owned),
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
        let (method, target) = (arg(&method, "method")?, arg(&target, "target")?);
        let (method, target) = (method.as_ref(), target.as_ref());
        let headers = text_pairs("headers", &headers)?;
        let now = now_ms.unwrap_or_else(now_ms_of_clock);
        let header_refs = borrow_pairs(&headers);
        let request = GatewayRequest {
            method,
            url: target,
            headers: &header_refs,
            body,
        };
        let reply = py.detach(|| self.inner.handle(&request, now));
        let payload = PyBytes::new(py, reply.body.as_bytes());
        Ok((reply.status, reply.headers, payload))
    }

    /// The app keys it accepts (never the secrets).
    #[getter]
    fn app_keys(&self) -> Vec<&str> {
        self.inner.config().app_keys()
    }
}

// ---------------------------------------------------------------- functions

/// The `sign` of `(name, value)` pairs: upper-case hex digest.
#[pyfunction]
fn sign(
    py: Python<'_>,
    pairs: StrPairs<'_>,
    secret: Bound<'_, PyString>,
    method: Bound<'_, PyString>,
) -> PyResult<String> {
    let pairs = text_pairs("params", &pairs)?;
    let secret = arg(&secret, "secret")?;
    let secret = secret.as_ref();
    let method =
        SignMethod::parse(&arg(&method, "sign_method")?).map_err(|e| to_py_err(py, e.into()))?;
    py.detach(|| topwire::sign(&pairs, secret, method))
        .map_err(|e| to_py_err(py, e.into()))
}

/// The canonical string the signature covers (for debugging error 25).
#[pyfunction]
fn string_to_sign(pairs: StrPairs<'_>) -> PyResult<String> {
    Ok(topwire::string_to_sign(&text_pairs("params", &pairs)?))
}

/// Checks an inbound (SPI) call; `topwire.verify_spi` converts the arguments.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn verify_spi(
    py: Python<'_>,
    query: Bound<'_, PyString>,
    headers: StrPairs<'_>,
    body: &[u8],
    secret: Bound<'_, PyString>,
    content_type: Option<Bound<'_, PyString>>,
    now_ms: Option<i64>,
    max_skew_ms: Option<i64>,
) -> PyResult<()> {
    let (query, secret) = (arg(&query, "query")?, arg(&secret, "secret")?);
    let (query, secret) = (query.as_ref(), secret.as_ref());
    let content_type = opt_arg(&content_type, "content_type")?;
    let content_type = content_type.as_deref();
    let headers = text_pairs("headers", &headers)?;
    let header_refs = borrow_pairs(&headers);
    let request = SpiRequest {
        query,
        headers: &header_refs,
        body,
        content_type,
    };
    let now_ms = now_ms.unwrap_or_else(now_ms_of_clock);
    let max_skew_ms = topwire::options::spi_skew(max_skew_ms);
    py.detach(|| topwire::verify_spi(&request, secret, now_ms, max_skew_ms))
        .map_err(|e| to_py_err(py, e))
}

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
    topwire::send::check_retries(n).map_err(|e| to_py_err(py, e.into()))
}

/// A TypeError for a keyword option none of `known` names, with its likely
/// spelling (the senders' keywords, as TopClient's).
#[pyfunction]
fn unknown_keyword(key: &str, known: Vec<String>) -> PyErr {
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let err = topwire::options::unknown_key(key.to_owned(), key, &known);
    pyo3::exceptions::PyTypeError::new_err(err.to_string())
}

/// The native half of the `topwire` package; import `topwire` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTopClient>()?;
    m.add_class::<PyPreparedRequest>()?;
    m.add_class::<PyPreparedBatch>()?;
    m.add_class::<PyGateway>()?;
    m.add_class::<tmc_channel::PyTmcChannel>()?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(string_to_sign, m)?)?;
    m.add_function(wrap_pyfunction!(verify_spi, m)?)?;
    m.add_function(wrap_pyfunction!(retry_delay_ms, m)?)?;
    m.add_function(wrap_pyfunction!(check_retries, m)?)?;
    m.add_function(wrap_pyfunction!(unknown_keyword, m)?)?;
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
