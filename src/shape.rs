//! Typing a known API's response by its description.
//!
//! XML gives only text, wrapped JSON wraps lists as `{"field": {"item": [...]}}`
//! and simplified JSON does not: this pass turns all three into the same
//! data, with each documented field in its documented type. Fields the
//! description does not know are kept as they came.

use crate::error::DecodeError;
use crate::path::Path;
use crate::spec::{Field, Type};
use crate::value::Value;

/// Types the members of a response object.
pub(crate) fn shape(value: Value, fields: &[Field]) -> Result<Value, DecodeError> {
    shape_object(value, fields, Path::Root)
}

fn shape_object(value: Value, fields: &[Field], path: Path<'_>) -> Result<Value, DecodeError> {
    let pairs = match value {
        Value::Object(pairs) => pairs,
        // An empty XML element stands for an empty structure.
        Value::String(s) if s.is_empty() => Vec::new(),
        other => return Err(mismatch(path, "an object", &other)),
    };
    pairs
        .into_iter()
        .map(|(name, v)| {
            let typed = match fields.iter().find(|f| f.name == name) {
                Some(field) => shape_field(field, v, Path::Member(&path, &name))?,
                None => v,
            };
            Ok((name, typed))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Object)
}

fn shape_field(field: &Field, v: Value, path: Path<'_>) -> Result<Value, DecodeError> {
    if matches!(v, Value::Null) {
        return Ok(v);
    }
    match &field.ty {
        Type::String | Type::Date => Ok(as_text(v)),
        Type::Number => as_integer(v, path),
        Type::Boolean => as_bool(v, path),
        Type::Object(s) => shape_object(v, s.fields, path),
        Type::ObjectList(s) => unwrap_list(v, s.fields)
            .into_iter()
            .enumerate()
            .map(|(i, item)| shape_object(item, s.fields, Path::Item(&path, i)))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
    }
}

/// Text fields stay text: numbers and booleans are written out exactly,
/// structures as their JSON.
fn as_text(v: Value) -> Value {
    match v {
        Value::String(_) => v,
        Value::Int(i) => Value::String(i.to_string()),
        Value::UInt(u) => Value::String(u.to_string()),
        Value::Decimal(t) => Value::String(t),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::List(_) | Value::Object(_) => Value::String(v.to_json()),
        Value::Null => Value::Null,
    }
}

fn as_integer(v: Value, path: Path<'_>) -> Result<Value, DecodeError> {
    match &v {
        Value::Int(_) | Value::UInt(_) => Ok(v),
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

fn as_bool(v: Value, path: Path<'_>) -> Result<Value, DecodeError> {
    match &v {
        Value::Bool(_) => Ok(v),
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) if s.trim() == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s.trim() == "false" => Ok(Value::Bool(false)),
        _ => Err(mismatch(path, "a boolean", &v)),
    }
}

/// The items of a list field, however the reply wrapped them: a plain list,
/// `{"item_type": [...]}` or `{"item_type": {...}}` (one XML item), a bare
/// single item, or an empty element.
fn unwrap_list(v: Value, item_fields: &[Field]) -> Vec<Value> {
    match v {
        Value::List(items) => items,
        Value::String(s) if s.is_empty() => Vec::new(),
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

fn mismatch(path: Path<'_>, expected: &str, got: &Value) -> DecodeError {
    let path = path.render();
    DecodeError::new(format!(
        "response field `{path}`: expected {expected}, got {}",
        got.describe()
    ))
}
