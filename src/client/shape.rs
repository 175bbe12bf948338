//! Typing a known API's response by its description.
//!
//! XML gives only text, wrapped JSON wraps lists as `{"field": {"item": [...]}}`
//! and simplified JSON does not: this pass turns all three into the same
//! data, with each documented field in its documented type. Fields the
//! description does not know are kept as they came. The pass reports whether
//! it changed anything: when it did not, a JSON reply's own text is the data,
//! which hosts with a native JSON parser read faster than converted values.

use crate::api::spec::{Field, Type};
use crate::wire::error::DecodeError;
use crate::wire::path::Path;
use crate::wire::value::Value;

/// Types the members of a response object; the flag says whether anything
/// had to change.
pub(crate) fn shape(value: Value, fields: &[Field]) -> Result<(Value, bool), DecodeError> {
    let mut changed = false;
    let value = shape_object(value, fields, Path::Root, &mut changed)?;
    Ok((value, changed))
}

fn shape_object(
    value: Value,
    fields: &[Field],
    path: Path<'_>,
    changed: &mut bool,
) -> Result<Value, DecodeError> {
    let mut pairs = match value {
        Value::Object(pairs) => pairs,
        // An empty XML element, pretty-printed or not, stands for an empty
        // structure.
        Value::String(s) if is_blank(&s) => {
            *changed = true;
            Vec::new()
        }
        other => return Err(mismatch(path, "an object", &other)),
    };
    for (name, v) in &mut pairs {
        if let Some(field) = fields.iter().find(|f| f.name == name) {
            let taken = std::mem::replace(v, Value::Null);
            *v = shape_field(field, taken, Path::Member(&path, name), changed)?;
        }
    }
    Ok(Value::Object(pairs))
}

fn shape_field(
    field: &Field,
    v: Value,
    path: Path<'_>,
    changed: &mut bool,
) -> Result<Value, DecodeError> {
    if matches!(v, Value::Null) {
        return Ok(v);
    }
    match &field.ty {
        // TOP sends Json fields as their text, like strings; a reply carries
        // files as text (TOP never returns `byte[]`).
        // Lists of scalars travel as their comma-joined text, in replies too.
        Type::String
        | Type::Date
        | Type::Json
        | Type::Bytes
        | Type::StringList
        | Type::NumberList => Ok(as_text(v, changed)),
        Type::Number(_) => as_integer(v, path, changed),
        Type::Boolean => as_bool(v, path, changed),
        Type::Object(s) => shape_object(v, s.fields, path, changed),
        Type::ObjectList(s) => unwrap_list(v, s.fields, changed)
            .into_iter()
            .enumerate()
            .map(|(i, item)| shape_object(item, s.fields, Path::Item(&path, i), changed))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
    }
}

/// Text fields stay text: numbers and booleans are written out exactly,
/// structures as their JSON.
fn as_text(v: Value, changed: &mut bool) -> Value {
    if matches!(v, Value::String(_)) {
        return v;
    }
    *changed = true;
    match v {
        Value::String(_) => v,
        Value::Int(i) => Value::String(i.to_string().into()),
        Value::UInt(u) => Value::String(u.to_string().into()),
        Value::Decimal(t) => Value::String(t),
        Value::Bool(b) => Value::String(b.to_string().into()),
        Value::List(_) | Value::Object(_) => Value::String(v.to_json().into()),
        Value::Null => Value::Null,
        // Parsing never makes one.
        file @ Value::File(_) => file,
    }
}

fn as_integer(v: Value, path: Path<'_>, changed: &mut bool) -> Result<Value, DecodeError> {
    if matches!(v, Value::Int(_) | Value::UInt(_)) {
        return Ok(v);
    }
    *changed = true;
    match &v {
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>()
                .map(Value::Int)
                .or_else(|_| t.parse::<u64>().map(Value::UInt))
                .map_err(|_| mismatch(path, "an integer", &v))
        }
        _ => Err(mismatch(path, "an integer", &v)),
    }
}

fn as_bool(v: Value, path: Path<'_>, changed: &mut bool) -> Result<Value, DecodeError> {
    if matches!(v, Value::Bool(_)) {
        return Ok(v);
    }
    *changed = true;
    match &v {
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) if s.trim() == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s.trim() == "false" => Ok(Value::Bool(false)),
        _ => Err(mismatch(path, "a boolean", &v)),
    }
}

/// The items of a list field, however the reply wrapped them: a plain list,
/// `{"item_type": [...]}` or `{"item_type": {...}}` (one XML item), a bare
/// single item, or an empty element.
fn unwrap_list(v: Value, item_fields: &[Field], changed: &mut bool) -> Vec<Value> {
    if let Value::List(items) = v {
        return items;
    }
    *changed = true;
    match v {
        Value::List(items) => items,
        Value::String(s) if is_blank(&s) => Vec::new(),
        // `<items list="true"></items>`: a list without items.
        Value::Object(pairs) if pairs.is_empty() => Vec::new(),
        Value::Object(mut pairs) => {
            let is_wrapper =
                matches!(pairs.as_slice(), [(k, _)] if !item_fields.iter().any(|f| f.name == k));
            if is_wrapper {
                match pairs.pop() {
                    Some((_, Value::List(items))) => items,
                    Some((_, item)) => vec![item],
                    None => Vec::new(),
                }
            } else {
                vec![Value::Object(pairs)]
            }
        }
        other => vec![other],
    }
}

/// Empty or XML whitespace only: how an empty element reads.
pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn mismatch(path: Path<'_>, expected: &str, got: &Value) -> DecodeError {
    let path = path.render();
    DecodeError::new(format!(
        "response field `{path}`: expected {expected}, got {}",
        got.describe()
    ))
}
