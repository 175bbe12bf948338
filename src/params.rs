//! Application parameters: from JSON-like values to the text TOP receives.
//!
//! Untyped methods follow the wire rules alone (objects and lists of objects
//! become JSON, lists of scalars are comma-joined). Typed methods are first
//! checked against their [`ApiSpec`]: every problem names the field path,
//! what was expected and what came.

use crate::error::ValidationError;
use crate::spec::{field_names, ApiSpec, Field, Struct, Type};
use crate::time::parse_timestamp;
use crate::value::{format_float, Value};

/// Names TOP reserves for system parameters; they are set through the
/// client and the prepare options, never as application parameters.
pub(crate) const SYSTEM_PARAMS: [&str; 11] = [
    "app_key",
    "format",
    "method",
    "partner_id",
    "session",
    "sign",
    "sign_method",
    "simplify",
    "target_app_key",
    "timestamp",
    "v",
];

/// Renders application parameters to `(name, wire text)` pairs in the
/// caller's order, leaving out absent and empty values.
pub(crate) fn render(
    spec: Option<&ApiSpec>,
    params: &Value,
    allow_unknown: bool,
) -> Result<Vec<(String, String)>, ValidationError> {
    let pairs: &[(String, Value)] = match params {
        Value::Object(pairs) => pairs,
        Value::Null => &[],
        other => {
            return Err(ValidationError::new(
                "params",
                "an object of parameters",
                other.describe(),
            ))
        }
    };
    let mut out = Vec::with_capacity(pairs.len());
    for (i, (name, value)) in pairs.iter().enumerate() {
        check_name(name, pairs.get(..i).unwrap_or_default())?;
        let field = spec.and_then(|s| s.request_field(name));
        let text = match (spec, field) {
            (_, Some(field)) => render_typed(field, value, name, allow_unknown)?,
            (Some(spec), None) if !allow_unknown => return Err(unknown_field(name, spec.request)),
            _ => render_untyped(value, name)?,
        };
        // A value whose text is empty (a list of one empty string) is as
        // absent as an empty string: neither signed nor sent.
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            out.push((name.clone(), text));
        }
    }
    if let Some(spec) = spec {
        check_required(spec.request, |name| out.iter().any(|(k, _)| k == name), "")?;
    }
    Ok(out)
}

fn check_name(name: &str, earlier: &[(String, Value)]) -> Result<(), ValidationError> {
    if name.is_empty() {
        return Err(ValidationError::new(
            "params",
            "non-empty parameter names",
            "an empty name",
        ));
    }
    if SYSTEM_PARAMS.contains(&name) {
        let hint = match name {
            "session" => "the session option",
            "timestamp" => "the timestamp option",
            _ => "a client option",
        };
        return Err(ValidationError::new(
            name,
            format!("to be set through {hint}"),
            "it as an application parameter",
        ));
    }
    if earlier.iter().any(|(k, _)| k == name) {
        return Err(ValidationError::new(
            name,
            "each parameter once",
            "it twice",
        ));
    }
    Ok(())
}

fn unknown_field(path: &str, fields: &[Field]) -> ValidationError {
    ValidationError::new(
        path,
        format!(
            "one of the documented fields ({}); pass allow_unknown to send others",
            field_names(fields)
        ),
        "an unknown field",
    )
}

fn check_required(
    fields: &[Field],
    present: impl Fn(&str) -> bool,
    prefix: &str,
) -> Result<(), ValidationError> {
    match fields.iter().find(|f| f.required && !present(f.name)) {
        Some(f) => Err(ValidationError::new(
            format!("{prefix}{}", f.name),
            expected(f),
            "nothing",
        )),
        None => Ok(()),
    }
}

/// What a field accepts, in words.
fn expected(field: &Field) -> String {
    let base = match &field.ty {
        Type::String => "a string".to_owned(),
        Type::Number => "an integer".to_owned(),
        Type::Boolean => "a boolean".to_owned(),
        Type::Date => "a time as \"yyyy-MM-dd HH:mm:ss\"".to_owned(),
        Type::Object(s) => format!("a {} object", s.name),
        Type::ObjectList(s) => {
            let min = if field.required { 1 } else { 0 };
            match field.max_items {
                Some(max) => format!("a list of {min} to {max} {} objects", s.name),
                None => format!("a list of {} objects", s.name),
            }
        }
    };
    if field.allowed.is_empty() {
        base
    } else {
        format!("{base}, one of {}", field.allowed.join(", "))
    }
}

// ---- untyped ----

fn render_untyped(value: &Value, path: &str) -> Result<Option<String>, ValidationError> {
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some(match value {
        Value::List(items) if items.iter().all(is_scalar) => {
            let parts: Result<Vec<String>, _> = items
                .iter()
                .enumerate()
                .map(|(i, v)| scalar_text(v, &format!("{path}[{i}]")))
                .collect();
            parts?.join(",")
        }
        Value::List(_) | Value::Object(_) => {
            check_finite(value, path)?;
            value.to_json()
        }
        scalar => scalar_text(scalar, path)?,
    }))
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Object(_))
}

fn scalar_text(v: &Value, path: &str) -> Result<String, ValidationError> {
    match v {
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::UInt(u) => Ok(u.to_string()),
        Value::Float(x) if x.is_finite() => Ok(format_float(*x)),
        Value::String(s) => Ok(s.clone()),
        other => Err(ValidationError::new(
            path,
            "a string, number or boolean",
            other.describe(),
        )),
    }
}

/// NaN and infinities have no JSON or decimal form: refuse them anywhere.
fn check_finite(v: &Value, path: &str) -> Result<(), ValidationError> {
    match v {
        Value::Float(x) if !x.is_finite() => {
            Err(ValidationError::new(path, "a finite number", v.describe()))
        }
        Value::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_finite(item, &format!("{path}[{i}]"))),
        Value::Object(pairs) => pairs
            .iter()
            .try_for_each(|(k, item)| check_finite(item, &format!("{path}.{k}"))),
        _ => Ok(()),
    }
}

// ---- typed ----

fn render_typed(
    field: &Field,
    value: &Value,
    path: &str,
    allow_unknown: bool,
) -> Result<Option<String>, ValidationError> {
    if value.is_empty() {
        return Ok(None);
    }
    let text = match &field.ty {
        Type::Object(s) | Type::ObjectList(s) => match value {
            // A caller may hand over the JSON text itself, as other SDKs require;
            // it is checked like a structure and sent exactly as given.
            Value::String(json) => {
                let parsed = crate::value::from_json(json)
                    .map_err(|_| ValidationError::new(path, expected(field), value.describe()))?;
                typed_json(field, s, &parsed, path, allow_unknown)?;
                json.clone()
            }
            _ => typed_json(field, s, value, path, allow_unknown)?.to_json(),
        },
        _ => scalar_typed(field, value, path)?,
    };
    if !field.allowed.is_empty() && !field.allowed.contains(&text.as_str()) {
        return Err(ValidationError::new(
            path,
            expected(field),
            value.describe(),
        ));
    }
    Ok(Some(text))
}

/// Checks a structure or list of structures and returns the normalised JSON
/// value to send (numbers as numbers, strings as strings, nulls dropped).
/// With `allow_unknown`, members the description does not know are sent as
/// given, like unknown top-level fields.
fn typed_json(
    field: &Field,
    s: &Struct,
    value: &Value,
    path: &str,
    allow_unknown: bool,
) -> Result<Value, ValidationError> {
    match (&field.ty, value) {
        (Type::Object(_), Value::Object(_)) => typed_struct(s, value, path, allow_unknown),
        (Type::ObjectList(_), Value::List(items)) => {
            if let Some(max) = field.max_items {
                if items.len() > max {
                    return Err(ValidationError::new(
                        path,
                        expected(field),
                        value.describe(),
                    ));
                }
            }
            let checked: Result<Vec<Value>, _> = items
                .iter()
                .enumerate()
                .map(|(i, item)| typed_struct(s, item, &format!("{path}[{i}]"), allow_unknown))
                .collect();
            Ok(Value::List(checked?))
        }
        _ => Err(ValidationError::new(
            path,
            expected(field),
            value.describe(),
        )),
    }
}

fn typed_struct(
    s: &Struct,
    value: &Value,
    path: &str,
    allow_unknown: bool,
) -> Result<Value, ValidationError> {
    let Value::Object(pairs) = value else {
        return Err(ValidationError::new(
            path,
            format!("a {} object", s.name),
            value.describe(),
        ));
    };
    let mut out = Vec::with_capacity(pairs.len());
    for (name, item) in pairs {
        let item_path = format!("{path}.{name}");
        let Some(field) = s.fields.iter().find(|f| f.name == name) else {
            if !allow_unknown {
                return Err(unknown_field(&item_path, s.fields));
            }
            if !matches!(item, Value::Null) {
                check_finite(item, &item_path)?;
                out.push((name.clone(), item.clone()));
            }
            continue;
        };
        if let Some(v) = typed_member(field, item, &item_path, allow_unknown)? {
            out.push((name.clone(), v));
        }
    }
    let present = |n: &str| {
        out.iter()
            .any(|(k, v): &(String, Value)| k == n && !v.is_empty())
    };
    check_required(s.fields, present, &format!("{path}."))?;
    Ok(Value::Object(out))
}

/// A member of a structure, as the JSON value to send (None when null).
fn typed_member(
    field: &Field,
    value: &Value,
    path: &str,
    allow_unknown: bool,
) -> Result<Option<Value>, ValidationError> {
    if matches!(value, Value::Null) {
        return Ok(None);
    }
    let v = match &field.ty {
        Type::Object(s) | Type::ObjectList(s) => typed_json(field, s, value, path, allow_unknown)?,
        Type::Number => Value::Int(integer(field, value, path)?),
        Type::Boolean => Value::Bool(boolean(field, value, path)?),
        Type::String | Type::Date => Value::String(scalar_typed(field, value, path)?),
    };
    Ok(Some(v))
}

/// A scalar field's wire text.
fn scalar_typed(field: &Field, value: &Value, path: &str) -> Result<String, ValidationError> {
    let wrong = || ValidationError::new(path, expected(field), value.describe());
    match (&field.ty, value) {
        (Type::Number, _) => integer(field, value, path).map(|i| i.to_string()),
        (Type::Boolean, _) => boolean(field, value, path).map(|b| b.to_string()),
        (Type::String, Value::String(s)) => Ok(s.clone()),
        // Ids documented as String are often held as integers; their text is exact.
        (Type::String, Value::Int(i)) => Ok(i.to_string()),
        (Type::String, Value::UInt(u)) => Ok(u.to_string()),
        (Type::Date, Value::String(s)) => parse_timestamp(s, path).map(|_| s.clone()),
        _ => Err(wrong()),
    }
}

/// A TOP Number (Java Long): an integer or decimal text within i64.
fn integer(field: &Field, value: &Value, path: &str) -> Result<i64, ValidationError> {
    let wrong = || ValidationError::new(path, expected(field), value.describe());
    match value {
        Value::Int(i) => Ok(*i),
        Value::UInt(_) => Err(ValidationError::new(
            path,
            "an integer within the signed 64-bit range",
            value.describe(),
        )),
        Value::String(s) => parse_i64(s).ok_or_else(wrong),
        _ => Err(wrong()),
    }
}

/// Strict decimal: optional `-`, digits only, within i64.
fn parse_i64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn boolean(field: &Field, value: &Value, path: &str) -> Result<bool, ValidationError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        _ => Err(ValidationError::new(
            path,
            expected(field),
            value.describe(),
        )),
    }
}
