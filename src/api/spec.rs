//! The shape of an API description: what `prepare` validates against, what
//! `parse` types responses with, and what the TypeScript and Python
//! declarations are generated from. The descriptions themselves are in
//! [`crate::apis`].

use crate::wire::error::ValidationError;
use crate::wire::value::quote_truncated;

/// One TOP API, described once: generated at build time from its file in
/// `apis/` (see `apis/README.md`), so nothing is parsed at run time.
#[derive(Debug)]
pub struct ApiSpec {
    /// The method name, e.g. `taobao.travel.ticket.order.verify`.
    pub name: &'static str,
    /// A one-line summary from the platform's documentation.
    pub summary: &'static str,
    /// The platform's documentation id of the API's page.
    pub doc_id: u32,
    /// Whether the call needs a seller `session`.
    pub session_required: bool,
    /// The application parameters.
    pub request: &'static [Field],
    /// Rules across fields, checked after each field on its own.
    pub rules: &'static [Rule],
    /// The documented response fields (inside the `*_response` wrapper).
    pub response: &'static [Field],
}

/// One request or response field.
#[derive(Debug)]
pub struct Field {
    /// Wire name (snake_case, as in TOP's documentation).
    pub name: &'static str,
    /// The field's type.
    pub ty: Type,
    /// Whether the field must be present and non-empty.
    pub required: bool,
    /// The platform's default when the field is left out (topwire does not
    /// send defaults; rules and the local gateway apply them).
    pub default: Option<&'static str>,
    /// Largest number of items, for lists.
    pub max_items: Option<usize>,
    /// The only values allowed, as wire text; empty means any.
    pub allowed: &'static [&'static str],
    /// The value is someone's secret (a customer's card secret): it is sent,
    /// but no error message and no debug output ever shows it.
    pub secret: bool,
    /// What the field means, from the documentation.
    pub doc: &'static str,
}

/// The smallest and largest integer a field allows (the platform's
/// `minValue`/`maxValue`); `i64::MIN`/`i64::MAX` where it states none.
#[derive(Debug)]
pub struct Bounds {
    /// The smallest allowed.
    pub min: i64,
    /// The largest allowed.
    pub max: i64,
}

/// A field type, in TOP's own vocabulary.
#[derive(Debug)]
pub enum Type {
    /// `String`.
    String,
    /// `Number`: a Java Long, 64-bit signed, within its bounds if it has
    /// any (held here, so the many fields without bounds stay small).
    Number(Option<&'static Bounds>),
    /// `Boolean`.
    Boolean,
    /// A `String` holding a time as `yyyy-MM-dd HH:mm:ss`.
    Date,
    /// `Json`: free-form JSON, sent as its text.
    Json,
    /// A structure, sent as a JSON string.
    Object(&'static Struct),
    /// A list of structures, sent as a JSON array string.
    ObjectList(&'static Struct),
    /// `String[]`: a list of strings, sent comma-joined (so no item may
    /// hold a comma).
    StringList,
    /// `Number[]`: a list of 64-bit integers, sent comma-joined (message
    /// ids of `taobao.tmc.messages.confirm`).
    NumberList,
    /// `byte[]`: a file ([`crate::Value::File`]), sent as an unsigned part
    /// of a `multipart/form-data` request.
    Bytes,
}

/// A named structure (`IsvMa`, `VoucherInfoDto`, ...).
#[derive(Debug)]
pub struct Struct {
    /// The documented type name, used in messages.
    pub name: &'static str,
    /// The name of the generated TypeScript and Python type; differs from
    /// `name` where two APIs document different structures under one name.
    pub type_name: &'static str,
    /// Its fields.
    pub fields: &'static [Field],
}

/// A requirement that holds across fields: when `when` holds (or always),
/// every path in `require` must be present and non-empty.
#[derive(Debug)]
pub struct Rule {
    /// The condition; `None` means always.
    pub when: Option<Condition>,
    /// Paths that must be present: `field`, or `list[].member` for a member
    /// of every item of a list of structures.
    pub require: &'static [&'static str],
}

/// `field` has the wire value `is` (its documented default when absent).
#[derive(Debug)]
pub struct Condition {
    /// The top-level field tested.
    pub field: &'static str,
    /// The wire value that makes the rule apply.
    pub is: &'static str,
}

impl Field {
    /// An optional field with nothing else set.
    pub const fn new(name: &'static str, ty: Type, doc: &'static str) -> Field {
        Field {
            name,
            ty,
            required: false,
            default: None,
            max_items: None,
            allowed: &[],
            secret: false,
            doc,
        }
    }

    /// The field's integer bounds, if it has any.
    pub fn bounds(&self) -> Option<&'static Bounds> {
        match self.ty {
            Type::Number(bounds) => bounds,
            _ => None,
        }
    }

    /// Whether this field's value is, or contains, a secret.
    pub fn holds_secret(&self) -> bool {
        self.secret
            || match &self.ty {
                Type::Object(s) | Type::ObjectList(s) => s.fields.iter().any(Field::holds_secret),
                _ => false,
            }
    }
}

impl ApiSpec {
    /// The wrapper key of a non-simplified response, e.g. `travel_ticket_order_verify_response`.
    pub fn response_key(&self) -> String {
        response_key(self.name)
    }

    /// The request field with this wire name.
    pub fn request_field(&self, name: &str) -> Option<&'static Field> {
        self.request.iter().find(|f| f.name == name)
    }

    /// [`Self::request_field`] for a caller going through its fields: see
    /// [`find_field_from`].
    pub(crate) fn request_field_from(
        &self,
        name: &str,
        next: &mut usize,
    ) -> Option<&'static Field> {
        find_field_from(self.request, name, next)
    }
}

/// The field named `name`, looked for at position `*next` first, then from
/// the start; `*next` becomes the position after it. Callers mostly give a
/// structure's fields in their documented order, so the first comparison
/// finds it: the whole list is only read for a field out of order or unknown.
pub(crate) fn find_field_from<'f>(
    fields: &'f [Field],
    name: &str,
    next: &mut usize,
) -> Option<&'f Field> {
    let at = match fields.get(*next) {
        Some(field) if field.name == name => *next,
        _ => fields.iter().position(|f| f.name == name)?,
    };
    *next = at + 1;
    fields.get(at)
}

/// The wrapper key TOP puts around a method's response: a leading `taobao.`
/// removed, dots turned into underscores, plus `_response`.
pub fn response_key(method: &str) -> String {
    let base = method.strip_prefix("taobao.").unwrap_or(method);
    let mut key = String::with_capacity(base.len() + 9);
    // Byte by byte: `str::replace` costs a pattern searcher on every parse.
    key.extend(base.chars().map(|c| if c == '.' { '_' } else { c }));
    key.push_str("_response");
    key
}

/// Field names joined for "expected one of ..." messages.
pub(crate) fn field_names(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

/// A method name is dotted lower-case words (`taobao.trade.get`); anything
/// else would be rejected by the gateway with error 22.
pub(crate) fn check_method(method: &str) -> Result<(), ValidationError> {
    // Letters, digits, `_` and dots, with no empty part between dots: one
    // pass, as this runs on every prepare and parse.
    let mut prev = b'.';
    let ok = method.bytes().all(|b| {
        let fine = b.is_ascii_alphanumeric() || b == b'_' || (b == b'.' && prev != b'.');
        prev = b;
        fine
    }) && prev != b'.';
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "method",
            "a TOP method name such as \"taobao.trade.get\"",
            quote_truncated(method),
        ))
    }
}
