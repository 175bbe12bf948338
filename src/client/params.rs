//! Application parameters: from JSON-like values to the text TOP receives.
//!
//! Untyped methods follow the wire rules alone (objects and lists of objects
//! become JSON, lists of scalars are comma-joined). Typed methods are first
//! checked against their [`ApiSpec`]: every problem names the field path,
//! what was expected and what came.

use crate::api::spec::{field_names, find_field_from, ApiSpec, Field, Rule, Struct, Type};
use crate::rules::java;
use crate::rules::time::parse_timestamp;
use crate::wire::error::ValidationError;
use crate::wire::path::Path;
use std::borrow::Cow;

// `Value` here is the value borrowing or owning its text alike: params read
// from a caller's JSON text are rendered without a copy of their strings.
use crate::wire::value::{write_json_string, FileItem, ValueRef as Value};

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

/// Whether `name` is one of [`SYSTEM_PARAMS`] (one `match`, which compares
/// lengths first, rather than eleven string comparisons).
fn is_system_param(name: &str) -> bool {
    matches!(
        name,
        "app_key"
            | "format"
            | "method"
            | "partner_id"
            | "session"
            | "sign"
            | "sign_method"
            | "simplify"
            | "target_app_key"
            | "timestamp"
            | "v"
    )
}

/// Application parameters ready to send: text (signed) and files (not signed).
#[derive(Debug, Default)]
pub(crate) struct Rendered<'a> {
    /// `(name, wire text)` in the caller's order.
    text: Vec<(&'a str, Text<'a>)>,
    /// The wire text rendering made (numbers, JSON, joined lists), one
    /// value after another: one buffer for them all.
    made: String,
    /// `(name, file)` in the caller's order: multipart parts.
    pub files: Vec<(&'a str, &'a FileItem)>,
}

/// Room for the text rendering makes: most calls' numbers and JSON fit
/// without growing it.
const MADE_CAPACITY: usize = 256;

/// Where a parameter's wire text is.
#[derive(Clone, Copy, Debug)]
enum Text<'a> {
    /// The caller's own text, sent as given.
    Given(&'a str),
    /// A span of [`Rendered::made`].
    Made(usize, usize),
}

impl<'a> Rendered<'a> {
    /// `(name, wire text)` in the caller's order.
    pub(crate) fn text(&self) -> Vec<(&str, &str)> {
        self.text
            .iter()
            .map(|&(name, text)| (name, self.resolve(text)))
            .collect()
    }

    /// The wire text of the parameter `name`, if it is sent.
    fn get(&self, name: &str) -> Option<&str> {
        self.text
            .iter()
            .find(|(k, _)| *k == name)
            .map(|&(_, text)| self.resolve(text))
    }

    fn resolve(&self, text: Text<'a>) -> &str {
        match text {
            Text::Given(s) => s,
            Text::Made(start, end) => self.made.get(start..end).unwrap_or_default(),
        }
    }

    /// Keeps the rendered `text`, kept as given or moved into [`Self::made`].
    fn keep(&mut self, text: Cow<'a, str>) -> Text<'a> {
        match text {
            Cow::Borrowed(s) => Text::Given(s),
            Cow::Owned(s) => {
                let start = self.made.len();
                self.made.push_str(&s);
                Text::Made(start, self.made.len())
            }
        }
    }
}

/// Renders application parameters to `(name, wire text)` pairs and files
/// in the caller's order, leaving out absent and empty values.
pub(crate) fn render<'a>(
    spec: Option<&ApiSpec>,
    params: &'a Value,
    allow_unknown: bool,
) -> Result<Rendered<'a>, ValidationError> {
    let pairs: &[(Cow<str>, Value)] = match params {
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
    let mut out = Rendered {
        text: Vec::with_capacity(pairs.len()),
        made: String::with_capacity(MADE_CAPACITY),
        files: Vec::new(),
    };
    // Callers mostly give the fields in their documented order: each lookup
    // starts after the last field found.
    let mut next_field = 0;
    for (name, value) in pairs {
        check_name(name)?;
        if is_blank_text(value) {
            continue;
        }
        let field = spec.and_then(|s| s.request_field_from(name, &mut next_field));
        if let Value::File(file) = value {
            match (spec, field) {
                (_, Some(f)) if !matches!(f.ty, Type::Bytes) => {
                    return Err(invalid(Path::Top(name), f, value))
                }
                (Some(spec), None) if !allow_unknown => {
                    return Err(unknown_field(name, spec.request))
                }
                _ => {}
            }
            // An empty file is as absent as an empty string.
            if !file.content.is_empty() {
                out.files.push((name.as_ref(), file));
            }
            continue;
        }
        let made_before = out.made.len();
        let text = match (spec, field) {
            (_, Some(field)) => render_typed(field, value, name, allow_unknown, &mut out)?,
            (Some(spec), None) if !allow_unknown => return Err(unknown_field(name, spec.request)),
            _ => render_untyped(value, name)?.map(|text| out.keep(text)),
        };
        // A value whose text is empty or whitespace only (a list of one
        // empty string) is as absent as an empty string: neither signed nor
        // sent, as the Java SDK's StringUtils.isEmpty decides.
        match text {
            Some(text) if !java::is_blank(out.resolve(text)) => {
                out.text.push((name.as_ref(), text));
            }
            _ => out.made.truncate(made_before),
        }
    }
    if let Some(spec) = spec {
        let present = |name: &str| {
            out.text.iter().any(|(k, _)| *k == name) || out.files.iter().any(|(k, _)| *k == name)
        };
        check_required(spec.request, present, String::new)
            .and_then(|()| check_rules(spec, &|name| out.get(name)))
            .map_err(|e| given_empty(e, spec, pairs))?;
    }
    Ok(out)
}

/// A required field "got nothing" when it was given as an empty list or
/// object (absent, as the wire rules say): the error says what it got.
fn given_empty(
    mut e: ValidationError,
    spec: &ApiSpec,
    pairs: &[(Cow<str>, Value)],
) -> ValidationError {
    let given = pairs.iter().find(|(k, _)| *k == e.field).map(|(_, v)| v);
    if let (Some(v @ (Value::List(_) | Value::Object(_))), Some(field)) =
        (given, spec.request_field(&e.field))
    {
        if e.got == "nothing" {
            e.got = describe(field, v);
        }
    }
    e
}

/// Absent as Java's `StringUtils.isEmpty` decides, at every depth: null,
/// empty or whitespace-only text, an empty list or object.
fn is_absent_value(v: &Value) -> bool {
    match v {
        Value::String(s) => java::is_blank(s),
        other => other.is_empty(),
    }
}

/// Empty or whitespace-only text (Java's `StringUtils.isEmpty`): the Java
/// SDK neither signs nor sends it, so it counts as absent.
fn is_blank_text(value: &Value) -> bool {
    matches!(value, Value::String(s) if java::is_blank(s))
}

/// Whether a received parameter counts as absent for `field`: empty, blank
/// text, or, for a structured field, JSON text of an empty list or object.
pub(crate) fn is_absent(field: &Field, value: &Value) -> bool {
    match value {
        Value::String(text) => {
            java::is_blank(text)
                || matches!(field.ty, Type::Object(_) | Type::ObjectList(_))
                    && crate::wire::json::parse_borrowed(text)
                        .is_ok_and(|v| is_empty_structure(field, &v))
        }
        other => other.is_empty(),
    }
}

/// `[]` for a list field, `{}` for an object field: as absent as when the
/// caller passes the empty structure itself (`[]` for an object is wrong).
fn is_empty_structure(field: &Field, value: &Value) -> bool {
    match (&field.ty, value) {
        (Type::ObjectList(_), Value::List(items)) => items.is_empty(),
        (Type::Object(_), Value::Object(pairs)) => pairs.is_empty(),
        _ => false,
    }
}

/// The rules across fields ([`Rule`]), over the wire text about to be sent
/// (`text` finds a parameter's): the local gateway, which only has that
/// text, checks the same way.
fn check_rules<'a>(
    spec: &ApiSpec,
    text: &impl Fn(&str) -> Option<&'a str>,
) -> Result<(), ValidationError> {
    for rule in spec.rules.iter().filter(|r| rule_applies(spec, r, text)) {
        let why = match &rule.when {
            Some(c) => format!(" (required when {} is {})", c.field, c.is),
            None => " (required)".to_owned(),
        };
        for path in rule.require {
            check_rule_path(spec, path, text, &why)?;
        }
    }
    Ok(())
}

fn rule_applies<'a>(spec: &ApiSpec, rule: &Rule, text: &impl Fn(&str) -> Option<&'a str>) -> bool {
    let Some(c) = &rule.when else { return true };
    let default = spec.request_field(c.field).and_then(|f| f.default);
    text(c.field).or(default) == Some(c.is)
}

fn check_rule_path<'a>(
    spec: &ApiSpec,
    path: &str,
    text: &impl Fn(&str) -> Option<&'a str>,
    why: &str,
) -> Result<(), ValidationError> {
    let (top, member) = match path.split_once("[].") {
        Some((top, member)) => (top, Some(member)),
        None => (path, None),
    };
    let Some(field) = spec.request_field(top) else {
        return Ok(());
    };
    let Some(wire) = text(top) else {
        let expected = format!("{}{why}", expected_as(field, true));
        return Err(ValidationError::new(top, expected, "nothing"));
    };
    let (Some(member), Type::ObjectList(s)) = (member, &field.ty) else {
        return Ok(());
    };
    let Some(member_field) = s.fields.iter().find(|f| f.name == member) else {
        return Ok(());
    };
    // Already checked as a list of structures when it was rendered.
    let Ok(Value::List(items)) = crate::wire::json::parse_borrowed(wire) else {
        return Ok(());
    };
    for (i, item) in items.iter().enumerate() {
        if item.get(member).is_none_or(is_absent_value) {
            return Err(ValidationError::new(
                format!("{top}[{i}].{member}"),
                format!("{}{why}", expected_as(member_field, true)),
                "nothing",
            ));
        }
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), ValidationError> {
    if name.is_empty() {
        return Err(ValidationError::new(
            "params",
            "non-empty parameter names",
            "an empty name",
        ));
    }
    if is_system_param(name) {
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

/// `prefix` names the enclosing value; it is only written for an error.
fn check_required(
    fields: &[Field],
    present: impl Fn(&str) -> bool,
    prefix: impl Fn() -> String,
) -> Result<(), ValidationError> {
    match fields.iter().find(|f| f.required && !present(f.name)) {
        Some(f) => Err(ValidationError::new(
            format!("{}{}", prefix(), f.name),
            expected(f),
            "nothing",
        )),
        None => Ok(()),
    }
}

/// What a field accepts, in words.
fn expected(field: &Field) -> String {
    expected_as(field, field.required)
}

/// What a field accepts, in words, for a field required or not.
fn expected_as(field: &Field, required: bool) -> String {
    let base = match &field.ty {
        Type::String => "a string".to_owned(),
        Type::Number(Some(_)) if crate::api::apis::BOUNDS => format!("an integer{}", bounds(field)),
        Type::Number(_) => "an integer".to_owned(),
        Type::Boolean => "a boolean".to_owned(),
        Type::Date => "a time as \"yyyy-MM-dd HH:mm:ss\"".to_owned(),
        Type::Json => "JSON: an object, a list or their JSON text".to_owned(),
        Type::Object(s) => format!("a {} object", s.name),
        Type::ObjectList(s) => {
            let min = if required { 1 } else { 0 };
            match field.max_items {
                Some(max) => format!("a list of {min} to {max} {} objects", s.name),
                None => format!("a list of {} objects", s.name),
            }
        }
        // No code for lists of plain values in builds whose APIs have none.
        Type::StringList | Type::NumberList if !crate::api::apis::SCALAR_LISTS => String::new(),
        Type::StringList | Type::NumberList => {
            let min = if required { 1 } else { 0 };
            let items = if matches!(field.ty, Type::NumberList) {
                format!("integers{}", bounds(field))
            } else {
                "strings without commas".to_owned()
            };
            match field.max_items {
                Some(max) => {
                    format!("a list of {min} to {max} {items}, or their comma-joined text")
                }
                None => format!("a list of {items}, or their comma-joined text"),
            }
        }
        Type::Bytes => "file content (bytes)".to_owned(),
    };
    if field.allowed.is_empty() {
        base
    } else {
        format!("{base}, one of {}", field.allowed.join(", "))
    }
}

/// An integer field's bounds in words (` from 10 to 200`), empty without.
fn bounds(field: &Field) -> String {
    if !crate::api::apis::BOUNDS {
        // No API of this build has bounds: no code for them either.
        return String::new();
    }
    match field.bounds() {
        Some(b) if b.min == i64::MIN => format!(" of at most {}", b.max),
        Some(b) if b.max == i64::MAX => format!(" of at least {}", b.min),
        Some(b) => format!(" from {} to {}", b.min, b.max),
        None => String::new(),
    }
}

// ---- untyped ----

fn render_untyped<'a>(
    value: &'a Value,
    path: &str,
) -> Result<Option<Cow<'a, str>>, ValidationError> {
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some(match value {
        Value::List(items) if items.iter().all(is_scalar) => {
            let parts: Result<Vec<Cow<'a, str>>, _> = items
                .iter()
                .enumerate()
                .map(|(i, v)| scalar_text(v, &format!("{path}[{i}]")))
                .collect();
            Cow::Owned(parts?.join(","))
        }
        Value::List(_) | Value::Object(_) => {
            check_finite(value, path)?;
            Cow::Owned(value.to_json())
        }
        scalar => scalar_text(scalar, path)?,
    }))
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Object(_))
}

pub(crate) fn scalar_text<'a>(v: &'a Value, path: &str) -> Result<Cow<'a, str>, ValidationError> {
    match v {
        Value::Bool(b) => Ok(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Int(i) => Ok(Cow::Owned(i.to_string())),
        Value::UInt(u) => Ok(Cow::Owned(u.to_string())),
        Value::Decimal(t) if crate::wire::value::is_number(t) => Ok(Cow::Borrowed(t.as_ref())),
        Value::Decimal(_) => Err(ValidationError::new(path, "a finite number", v.describe())),
        Value::String(s) => Ok(Cow::Borrowed(s.as_ref())),
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
        Value::Decimal(t) if !crate::wire::value::is_number(t) => {
            Err(ValidationError::new(path, "a finite number", v.describe()))
        }
        Value::File(_) => Err(ValidationError::new(
            path,
            "a JSON value (files are top-level parameters only)",
            v.describe(),
        )),
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

fn invalid(path: Path<'_>, field: &Field, value: &Value) -> ValidationError {
    ValidationError::new(path.render(), expected(field), describe(field, value))
}

/// What came, in words: the value itself, unless the field is or holds a
/// secret, whose content no message may show.
fn describe(field: &Field, value: &Value) -> String {
    if !field.holds_secret() {
        return value.describe();
    }
    let kind = match value {
        Value::Null => return "null".to_owned(),
        Value::List(items) => return format!("a list of {} item(s)", items.len()),
        Value::Object(_) => return "an object".to_owned(),
        // Says only its size.
        Value::File(_) => return value.describe(),
        Value::String(s) if s.is_empty() => return "an empty string".to_owned(),
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => "a number",
        Value::String(_) => "a string",
    };
    format!("{kind} (secret, not shown)")
}

/// Renders a typed parameter, its made text into `out` (see [`Rendered::made`]).
fn render_typed<'a>(
    field: &Field,
    value: &'a Value,
    name: &str,
    allow_unknown: bool,
    out: &mut Rendered<'a>,
) -> Result<Option<Text<'a>>, ValidationError> {
    let path = Path::Top(name);
    if value.is_empty() {
        // Empty is absent where the description says a structure of that
        // kind, or any JSON; a container where it says a scalar is wrong.
        let container = matches!(value, Value::List(_) | Value::Object(_));
        if container && !matches!(field.ty, Type::Json) && !is_empty_structure(field, value) {
            return Err(invalid(path, field, value));
        }
        return Ok(None);
    }
    let text = match &field.ty {
        Type::Object(_) | Type::ObjectList(_) => match value {
            // A caller may hand over the JSON text itself, as other SDKs require;
            // it is checked like a structure (an empty one is absent, so a
            // required `"[]"` is missing) and sent exactly as given.
            Value::String(json) => {
                let parsed = crate::wire::json::parse_borrowed(json)
                    .map_err(|_| invalid(path, field, value))?;
                if is_empty_structure(field, &parsed) {
                    return Ok(None);
                }
                // Checked only: what it would be sent as is dropped.
                let start = out.made.len();
                write_structured(field, &parsed, path, allow_unknown, &mut out.made)?;
                out.made.truncate(start);
                Text::Given(json.as_ref())
            }
            _ => {
                let start = out.made.len();
                write_structured(field, value, path, allow_unknown, &mut out.made)?;
                Text::Made(start, out.made.len())
            }
        },
        Type::Json => out.keep(json_text(field, value, path)?),
        Type::StringList | Type::NumberList if crate::api::apis::SCALAR_LISTS => {
            out.keep(scalar_list(field, value, path)?)
        }
        Type::Number(_) => {
            let start = out.made.len();
            push_integer(&mut out.made, integer(field, value, path)?);
            Text::Made(start, out.made.len())
        }
        _ => out.keep(scalar_typed(field, value, path)?),
    };
    if !field.allowed.is_empty() && !field.allowed.contains(&out.resolve(text)) {
        return Err(invalid(path, field, value));
    }
    Ok(Some(text))
}

/// Appends an integer's decimal text: through itoa (no core::fmt on the hot
/// path), or through core::fmt with the `small` feature (the size-budgeted
/// browser build), which has core::fmt's integer code anyway.
fn push_integer(out: &mut String, n: i64) {
    #[cfg(not(feature = "small"))]
    out.push_str(itoa::Buffer::new().format(n));
    #[cfg(feature = "small")]
    {
        use std::fmt::Write as _;
        let _ = write!(out, "{n}");
    }
}

/// A `Json` field: an object or list is sent as its JSON; text must be JSON
/// and is sent exactly as given.
fn json_text<'a>(
    field: &Field,
    value: &'a Value,
    path: Path<'_>,
) -> Result<Cow<'a, str>, ValidationError> {
    match value {
        Value::String(json) if crate::wire::json::parse_borrowed(json).is_ok() => {
            Ok(Cow::Borrowed(json.as_ref()))
        }
        Value::List(_) | Value::Object(_) => {
            check_finite(value, &path.render())?;
            Ok(Cow::Owned(value.to_json()))
        }
        _ => Err(invalid(path, field, value)),
    }
}

/// Checks a structure or list of structures and writes the normalised JSON
/// to send (numbers as numbers, strings as strings, nulls dropped) in one pass.
fn write_structured(
    field: &Field,
    value: &Value,
    path: Path<'_>,
    allow_unknown: bool,
    out: &mut String,
) -> Result<(), ValidationError> {
    match (&field.ty, value) {
        (Type::Object(s), Value::Object(_)) => write_struct(s, value, path, allow_unknown, out),
        (Type::ObjectList(s), Value::List(items)) => {
            if field.max_items.is_some_and(|max| items.len() > max) {
                return Err(invalid(path, field, value));
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_struct(s, item, Path::Item(&path, i), allow_unknown, out)?;
            }
            out.push(']');
            Ok(())
        }
        _ => Err(invalid(path, field, value)),
    }
}

/// With `allow_unknown`, members the description does not know are sent as
/// given, like unknown top-level fields.
fn write_struct(
    s: &Struct,
    value: &Value,
    path: Path<'_>,
    allow_unknown: bool,
    out: &mut String,
) -> Result<(), ValidationError> {
    let Value::Object(pairs) = value else {
        let holds_secret = s.fields.iter().any(Field::holds_secret);
        let got = if holds_secret && matches!(value, Value::String(_)) {
            "a string (may hold a secret, not shown)".to_owned()
        } else {
            value.describe()
        };
        return Err(ValidationError::new(
            path.render(),
            format!("a {} object", s.name),
            got,
        ));
    };
    out.push('{');
    let mut first = true;
    let mut next_field = 0;
    for (name, item) in pairs {
        let member = Path::Member(&path, name);
        let field = find_field_from(s.fields, name, &mut next_field);
        if field.is_none() && !allow_unknown {
            return Err(unknown_field(&member.render(), s.fields));
        }
        if matches!(item, Value::Null) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        match field {
            Some(field) => {
                // A documented name is a plain identifier: nothing to escape.
                out.push('"');
                out.push_str(field.name);
                out.push_str("\":");
                write_member(field, item, member, allow_unknown, out)?;
            }
            None => {
                write_json_string(name, out);
                out.push(':');
                check_finite(item, &member.render())?;
                out.push_str(&item.to_json());
            }
        }
    }
    out.push('}');
    let present = |n: &str| pairs.iter().any(|(k, v)| k == n && !is_absent_value(v));
    check_required(s.fields, present, || format!("{}.", path.render()))
}

/// A member of a structure, written as the JSON value to send.
fn write_member(
    field: &Field,
    value: &Value,
    path: Path<'_>,
    allow_unknown: bool,
    out: &mut String,
) -> Result<(), ValidationError> {
    match &field.ty {
        Type::Object(_) | Type::ObjectList(_) => {
            write_structured(field, value, path, allow_unknown, out)
        }
        Type::Number(_) => {
            push_integer(out, integer(field, value, path)?);
            Ok(())
        }
        Type::Boolean => {
            out.push_str(if boolean(field, value, path)? {
                "true"
            } else {
                "false"
            });
            Ok(())
        }
        Type::String | Type::Date => {
            write_json_string(&scalar_typed(field, value, path)?, out);
            Ok(())
        }
        Type::Json => {
            // JSON text inside a structure is sent as the value it holds.
            out.push_str(&json_text(field, value, path)?);
            Ok(())
        }
        Type::StringList | Type::NumberList if crate::api::apis::SCALAR_LISTS => {
            write_json_string(&scalar_list(field, value, path)?, out);
            Ok(())
        }
        // A file cannot travel inside a JSON structure (nor a list of plain
        // values, in builds whose APIs have none).
        Type::Bytes | Type::StringList | Type::NumberList => Err(invalid(path, field, value)),
    }
}

/// A scalar field's wire text.
fn scalar_typed<'a>(
    field: &Field,
    value: &'a Value,
    path: Path<'_>,
) -> Result<Cow<'a, str>, ValidationError> {
    match (&field.ty, value) {
        (Type::Number(_), _) => integer(field, value, path).map(|i| Cow::Owned(i.to_string())),
        (Type::Boolean, _) => {
            boolean(field, value, path).map(|b| Cow::Borrowed(if b { "true" } else { "false" }))
        }
        (Type::String, Value::String(s)) => Ok(Cow::Borrowed(s.as_ref())),
        // Ids documented as String are often held as integers; their text is exact.
        (Type::String, Value::Int(i)) => Ok(Cow::Owned(i.to_string())),
        (Type::String, Value::UInt(u)) => Ok(Cow::Owned(u.to_string())),
        (Type::Date, Value::String(s)) => match parse_timestamp(s, "") {
            Ok(_) => Ok(Cow::Borrowed(s.as_ref())),
            Err(e) => Err(ValidationError {
                field: path.render(),
                got: describe(field, value),
                ..e
            }),
        },
        _ => Err(invalid(path, field, value)),
    }
}

/// A `String[]` or `Number[]` field: a list of scalars, or their
/// comma-joined text (what the gateway receives), sent comma-joined. Each
/// item is checked on its own and named by its index; an empty item or a
/// comma inside one would change the list TOP reads, so both are refused.
fn scalar_list<'a>(
    field: &Field,
    value: &'a Value,
    path: Path<'_>,
) -> Result<Cow<'a, str>, ValidationError> {
    let pieces: Vec<Value>;
    let items = match value {
        Value::List(items) => items.as_slice(),
        Value::String(joined) => {
            pieces = joined.split(',').map(Value::from).collect();
            pieces.as_slice()
        }
        Value::Int(_) | Value::UInt(_) => std::slice::from_ref(value),
        _ => return Err(invalid(path, field, value)),
    };
    if field.max_items.is_some_and(|max| items.len() > max) {
        let got = format!("a list of {} item(s)", items.len());
        return Err(ValidationError::new(path.render(), expected(field), got));
    }
    // Each item as a field of its own: a Number or a String.
    let ty = match field.ty {
        Type::NumberList => Type::Number(None),
        _ => Type::String,
    };
    let item_field = Field {
        secret: field.secret,
        ..Field::new(field.name, ty, "")
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let at = Path::Item(&path, i);
        let text = scalar_typed(&item_field, item, at)?;
        if java::is_blank(&text) || text.contains(',') {
            let expected = "a non-empty string without commas";
            return Err(ValidationError::new(
                at.render(),
                expected,
                describe(field, item),
            ));
        }
        if i > 0 {
            out.push(',');
        }
        out.push_str(&text);
    }
    Ok(Cow::Owned(out))
}

/// A TOP Number (Java Long): an integer or decimal text within i64, and
/// within the field's bounds.
fn integer(field: &Field, value: &Value, path: Path<'_>) -> Result<i64, ValidationError> {
    let n = unbounded_integer(field, value, path)?;
    if crate::api::apis::BOUNDS && field.bounds().is_some_and(|b| n < b.min || n > b.max) {
        // What the field expects names its bounds.
        return Err(invalid(path, field, value));
    }
    Ok(n)
}

fn unbounded_integer(field: &Field, value: &Value, path: Path<'_>) -> Result<i64, ValidationError> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::UInt(_) => Err(ValidationError::new(
            path.render(),
            "an integer within the signed 64-bit range",
            describe(field, value),
        )),
        Value::String(s) => parse_i64(s).ok_or_else(|| invalid(path, field, value)),
        _ => Err(invalid(path, field, value)),
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

fn boolean(field: &Field, value: &Value, path: Path<'_>) -> Result<bool, ValidationError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        _ => Err(invalid(path, field, value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_param_names_match_the_list() {
        for name in SYSTEM_PARAMS {
            assert!(is_system_param(name), "{name}");
        }
        for name in ["", "App_key", "sign_methods", "timestamps", "vv", "fields"] {
            assert!(!is_system_param(name), "{name}");
        }
    }
}
