//! A reply's data made Python objects straight from the core's streaming
//! check (`topwire::check_reply`), with no `Value` tree in between.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};

use crate::convert;

/// Replies up to this size are checked holding the GIL, their objects made
/// in the same pass: releasing the GIL and taking it back would cost more
/// than reading them. A larger one is checked with the GIL released first
/// (the core's work lets other threads run, as `prepare` does), then read
/// again to make its objects.
const SMALL_REPLY: usize = 4 * 1024;

/// The data of a reply the core's check accepts, as Python objects; `None`
/// when the core must build it (see `topwire::check_reply`).
pub(crate) fn checked_data<'py>(
    py: Python<'py>,
    method: &topwire::ReplyMethod,
    body: &[u8],
) -> PyResult<Option<Bound<'py, PyAny>>> {
    if body.len() > SMALL_REPLY
        && py
            .detach(|| topwire::check_reply(method, body, &mut ()))
            .is_none()
    {
        return Ok(None);
    }
    let mut builder = PyBuilder::new(py);
    match topwire::check_reply(method, body, &mut builder) {
        Some(_) => builder.finish(),
        None => Ok(None),
    }
}

enum Frame<'py> {
    Dict(Bound<'py, PyDict>, Option<Bound<'py, PyString>>),
    List(Bound<'py, PyList>),
}

/// Builds dicts, lists, strings, ints and floats as the check reads them,
/// converting as `to_python` converts the core's values.
pub(crate) struct PyBuilder<'py> {
    py: Python<'py>,
    stack: Vec<Frame<'py>>,
    done: Option<Bound<'py, PyAny>>,
    error: Option<PyErr>,
}

impl<'py> PyBuilder<'py> {
    pub(crate) fn new(py: Python<'py>) -> Self {
        PyBuilder {
            py,
            stack: Vec::new(),
            done: None,
            error: None,
        }
    }

    /// The data, once the check accepted the reply.
    pub(crate) fn finish(self) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.done),
        }
    }

    fn put(&mut self, v: PyResult<Bound<'py, PyAny>>) {
        if self.error.is_some() {
            return;
        }
        let placed = v.and_then(|v| match self.stack.last_mut() {
            Some(Frame::Dict(d, key)) => match key.take() {
                Some(k) => d.set_item(k, v),
                None => Ok(()),
            },
            Some(Frame::List(l)) => l.append(v),
            None => {
                self.done = Some(v);
                Ok(())
            }
        });
        if let Err(e) = placed {
            self.error = Some(e);
        }
    }

    fn end(&mut self) {
        let v = match self.stack.pop() {
            Some(Frame::Dict(d, _)) => d.into_any(),
            Some(Frame::List(l)) => l.into_any(),
            None => return,
        };
        self.put(Ok(v));
    }
}

impl topwire::Builder for PyBuilder<'_> {
    fn begin_object(&mut self) {
        self.stack.push(Frame::Dict(PyDict::new(self.py), None));
    }
    fn key(&mut self, key: &str) {
        if let Some(Frame::Dict(_, k)) = self.stack.last_mut() {
            *k = Some(PyString::new(self.py, key));
        }
    }
    fn end_object(&mut self) {
        self.end();
    }
    fn begin_list(&mut self) {
        self.stack.push(Frame::List(PyList::empty(self.py)));
    }
    fn end_list(&mut self) {
        self.end();
    }
    fn null(&mut self) {
        self.put(Ok(self.py.None().into_bound(self.py)));
    }
    fn boolean(&mut self, b: bool) {
        self.put(Ok(PyBool::new(self.py, b).to_owned().into_any()));
    }
    fn string(&mut self, s: &str) {
        self.put(Ok(PyString::new(self.py, s).into_any()));
    }
    fn number(&mut self, text: &str, integral: bool) {
        let v = number(self.py, text, integral);
        self.put(v);
    }
}

/// A JSON number as `to_python` makes it.
fn number<'py>(py: Python<'py>, text: &str, integral: bool) -> PyResult<Bound<'py, PyAny>> {
    if !integral {
        // JSON number text (the core checked it), so parsing cannot fail.
        return Ok(PyFloat::new(py, text.parse().unwrap_or(f64::NAN)).into_any());
    }
    if let Ok(i) = text.parse::<i64>() {
        return Ok(i.into_pyobject(py)?.into_any());
    }
    if let Ok(u) = text.parse::<u64>() {
        return Ok(u.into_pyobject(py)?.into_any());
    }
    // An integer beyond 64 bits stays exact as a Python int.
    convert(py)?.call_method1("big_int", (text,))
}
