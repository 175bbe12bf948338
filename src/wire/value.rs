//! The JSON-like value that goes into `prepare` and comes out of `parse`.
//!
//! It is our own type rather than `serde_json::Value` for three reasons:
//! objects keep their insertion order (what a JS object or Python dict holds)
//! without pulling an ordered map into the wasm build, integers keep the full
//! i64/u64 range apart from floats, and the JSON we emit for object parameters
//! formats numbers the same way at every depth.
//!
//! Its text (strings, object keys, decimal numbers) is a `Cow<'a, str>`, so a
//! value can borrow its text from what it was read from: [`ValueRef<'a>`] is
//! the value borrowing from input that lives for `'a`, and [`Value`] (the
//! same type at `'static`) the one that owns its text, what `parse` returns
//! and what Rust callers build and hold. `prepare` takes either, so a call's
//! params read from JSON text ([`crate::from_json_borrowed`],
//! [`crate::from_json_input_borrowed`]: the C ABI and the wasm glue) are
//! signed without an owned copy of any string; only a string holding an
//! escape is decoded into text of its own. [`ValueRef::into_owned`] detaches
//! a borrowed value from its input.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A parameter or response value whose text may borrow from its input for
/// `'a` (see the module's documentation); [`Value`] owns its text.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// `null` / `None` / `undefined`: treated as absent.
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// Any other number (a fraction, an exponent, an integer beyond u64), as
    /// its exact decimal text: topwire never converts it to binary floating
    /// point, so it is sent and returned without rounding. The hosts convert
    /// (JavaScript's `String(number)`, Python's `repr(float)`).
    Decimal(Cow<'a, str>),
    /// Text.
    String(Cow<'a, str>),
    /// A list.
    List(Vec<ValueRef<'a>>),
    /// An object, in insertion order.
    Object(Vec<(Cow<'a, str>, ValueRef<'a>)>),
    /// A file to upload (TOP's `byte[]`): a top-level parameter holding one
    /// makes `prepare` send a `multipart/form-data` request with the file as
    /// an unsigned part. `parse` never returns one.
    File(FileItem),
}

/// A value that owns its text: what `parse` returns and what Rust callers
/// build (`Value::from("text")`, `Value::object([...])`) and hold. Its
/// variants are [`ValueRef`]'s: `Value::String(text.into())`.
pub type Value = ValueRef<'static>;

/// A file part of an upload, as the Java SDK's `FileItem`: the content and,
/// optionally, the file name and content type sent with it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FileItem {
    /// The file's bytes.
    pub content: Vec<u8>,
    /// The file name sent in the part's `Content-Disposition`; the parameter's
    /// name when none is given.
    pub filename: Option<String>,
    /// The part's `Content-Type`; `application/octet-stream` when none is given.
    pub content_type: Option<String>,
}

impl FileItem {
    /// A file of these bytes, with the default name and content type.
    pub fn new(content: impl Into<Vec<u8>>) -> FileItem {
        FileItem {
            content: content.into(),
            filename: None,
            content_type: None,
        }
    }

    /// Sets the file name.
    pub fn with_filename(mut self, name: impl Into<String>) -> FileItem {
        self.filename = Some(name.into());
        self
    }

    /// Sets the content type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> FileItem {
        self.content_type = Some(content_type.into());
        self
    }
}

/// The content can be megabytes of binary: debug output shows its size only.
impl std::fmt::Debug for FileItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileItem")
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl<'a> ValueRef<'a> {
    /// Builds an object from `(key, value)` pairs.
    pub fn object<K: Into<Cow<'a, str>>, I: IntoIterator<Item = (K, ValueRef<'a>)>>(
        pairs: I,
    ) -> ValueRef<'a> {
        ValueRef::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The same value owning its text: borrowed text is copied, owned text
    /// moved (no list or object is reallocated).
    pub fn into_owned(self) -> Value {
        match self {
            ValueRef::Null => ValueRef::Null,
            ValueRef::Bool(b) => ValueRef::Bool(b),
            ValueRef::Int(i) => ValueRef::Int(i),
            ValueRef::UInt(u) => ValueRef::UInt(u),
            ValueRef::Decimal(t) => ValueRef::Decimal(Cow::Owned(t.into_owned())),
            ValueRef::String(s) => ValueRef::String(Cow::Owned(s.into_owned())),
            ValueRef::List(items) => {
                ValueRef::List(items.into_iter().map(ValueRef::into_owned).collect())
            }
            ValueRef::Object(pairs) => ValueRef::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
            ValueRef::File(file) => ValueRef::File(file),
        }
    }

    /// Looks up a key of an object (the last one wins if a key repeats).
    pub fn get(&self, key: &str) -> Option<&ValueRef<'a>> {
        match self {
            ValueRef::Object(pairs) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ValueRef::String(s) => Some(s),
            _ => None,
        }
    }

    /// The text of an integer too large for u64 (a [`Value::Decimal`] with no
    /// fraction or exponent), for hosts that can hold it exactly (JS bigint,
    /// Python int).
    pub fn as_big_integer(&self) -> Option<&str> {
        match self {
            ValueRef::Decimal(t) => {
                let digits = t.strip_prefix('-').unwrap_or(t);
                let integral = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                integral.then_some(t.as_ref())
            }
            _ => None,
        }
    }

    /// Whether this value counts as absent for sending: null, `""`, `[]`, `{}`.
    pub fn is_empty(&self) -> bool {
        match self {
            ValueRef::Null => true,
            ValueRef::String(s) => s.is_empty(),
            ValueRef::List(items) => items.is_empty(),
            ValueRef::Object(pairs) => pairs.is_empty(),
            ValueRef::File(file) => file.content.is_empty(),
            _ => false,
        }
    }

    /// A short description for error messages: the type and, for scalars, the value.
    pub fn describe(&self) -> String {
        match self {
            ValueRef::Null => "null".to_owned(),
            ValueRef::Bool(b) => format!("the boolean {b}"),
            ValueRef::Int(i) => format!("the number {i}"),
            ValueRef::UInt(u) => format!("the number {u}"),
            ValueRef::Decimal(t) => format!("the number {}", quote_free(t)),
            ValueRef::String(s) if s.is_empty() => "an empty string".to_owned(),
            ValueRef::String(s) => format!("the string {}", quote_truncated(s)),
            ValueRef::List(items) if items.is_empty() => "an empty list".to_owned(),
            ValueRef::List(items) => format!("a list of {} item(s)", items.len()),
            ValueRef::Object(pairs) if pairs.is_empty() => "an empty object".to_owned(),
            ValueRef::Object(_) => "an object".to_owned(),
            ValueRef::File(file) => format!("a file of {} byte(s)", file.content.len()),
        }
    }

    /// Compact JSON text of this value (UTF-8 kept as is, object order kept).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

impl From<&str> for ValueRef<'_> {
    /// The text copied (a [`Cow`] makes a value that borrows it).
    fn from(s: &str) -> Self {
        ValueRef::String(Cow::Owned(s.to_owned()))
    }
}
impl From<String> for ValueRef<'_> {
    fn from(s: String) -> Self {
        ValueRef::String(Cow::Owned(s))
    }
}
impl<'a> From<Cow<'a, str>> for ValueRef<'a> {
    fn from(s: Cow<'a, str>) -> Self {
        ValueRef::String(s)
    }
}
impl From<bool> for ValueRef<'_> {
    fn from(b: bool) -> Self {
        ValueRef::Bool(b)
    }
}
impl From<i64> for ValueRef<'_> {
    fn from(i: i64) -> Self {
        ValueRef::Int(i)
    }
}
impl From<i32> for ValueRef<'_> {
    fn from(i: i32) -> Self {
        ValueRef::Int(i64::from(i))
    }
}
impl From<u64> for ValueRef<'_> {
    fn from(u: u64) -> Self {
        i64::try_from(u).map_or(ValueRef::UInt(u), ValueRef::Int)
    }
}
impl From<f64> for ValueRef<'_> {
    /// The number's shortest round-trip decimal text; NaN and the infinities
    /// have none, and `prepare` refuses them.
    fn from(x: f64) -> Self {
        ValueRef::Decimal(Cow::Owned(format!("{x}")))
    }
}
impl From<FileItem> for ValueRef<'_> {
    fn from(file: FileItem) -> Self {
        ValueRef::File(file)
    }
}
impl From<Vec<u8>> for ValueRef<'_> {
    /// A file of these bytes (see [`Value::File`]).
    fn from(content: Vec<u8>) -> Self {
        ValueRef::File(FileItem::new(content))
    }
}
impl From<&[u8]> for ValueRef<'_> {
    /// A file of these bytes (see [`Value::File`]).
    fn from(content: &[u8]) -> Self {
        ValueRef::File(FileItem::new(content))
    }
}
impl<'a> From<Vec<ValueRef<'a>>> for ValueRef<'a> {
    fn from(items: Vec<ValueRef<'a>>) -> Self {
        ValueRef::List(items)
    }
}

/// A number's text for messages (`NaN` and `Infinity` read as they are), cut
/// to 40 characters.
fn quote_free(t: &str) -> String {
    let quoted = quote_truncated(t);
    quoted.trim_matches('"').to_owned()
}

/// `"text"`, cut to 40 characters with an ellipsis, for error messages.
pub(crate) fn quote_truncated(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out.push('"');
    out
}

fn write_json(v: &ValueRef<'_>, out: &mut String) {
    match v {
        ValueRef::Null => out.push_str("null"),
        ValueRef::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        ValueRef::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        // Text that is not a JSON number is refused before serialisation;
        // `null` is the JSON-legal fallback should one ever slip through.
        ValueRef::Decimal(t) if is_number(t) => out.push_str(t),
        ValueRef::Decimal(_) => out.push_str("null"),
        // Files are parts of their own, refused inside structures before
        // serialisation; like a bad number, `null` is the fallback.
        ValueRef::File(_) => out.push_str("null"),
        ValueRef::String(s) => write_json_string(s, out),
        ValueRef::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        ValueRef::Object(pairs) => {
            out.push('{');
            for (i, (k, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// JSON string escaping as `JSON.stringify` and Java's fastjson do it:
/// quotes, backslashes and control characters; everything else stays UTF-8.
pub(crate) fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut rest = s;
    // Copy runs that need no escape whole; most text has none at all.
    while let Some(i) = rest
        .bytes()
        .position(|b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0c}' => out.push_str("\\f"),
                c => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

/// Whether `text` is exactly one JSON number: the rule for the text of a
/// [`Value::Decimal`].
pub(crate) fn is_number(text: &str) -> bool {
    matches!(scan_number(text.as_bytes(), 0), Ok((end, _)) if end == text.len())
}

/// Reads the JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`) that starts
/// at `start`: where it ends and whether it is an integer, or the position
/// where it breaks off. The one copy of the rule: the JSON reader reads
/// numbers with it too.
pub(crate) fn scan_number(b: &[u8], start: usize) -> Result<(usize, bool), usize> {
    let mut i = start + usize::from(b.get(start) == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits_end(b, i),
        _ => return Err(i),
    }
    let mut integral = true;
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(i);
        }
        i = digits_end(b, i);
        integral = false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(i);
        }
        i = digits_end(b, i);
        integral = false;
    }
    Ok((i, integral))
}

/// Where the run of ASCII digits from `from` ends.
fn digits_end(b: &[u8], from: usize) -> usize {
    from + b
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_text() {
        let v = Value::from(0.1);
        assert_eq!(v, Value::Decimal("0.1".into()));
        assert_eq!(
            Value::List(vec![v, Value::from(f64::NAN)]).to_json(),
            "[0.1,null]"
        );
        assert_eq!(
            Value::from(1e21).describe(),
            "the number 1000000000000000000000"
        );
        assert_eq!(Value::Decimal("NaN".into()).describe(), "the number NaN");
    }

    #[test]
    fn big_integers_are_recognised_by_their_text() {
        let big = Value::Decimal("-123456789012345678901".into());
        assert_eq!(big.as_big_integer(), Some("-123456789012345678901"));
        for not in ["1.5", "1e30", "-", ""] {
            assert_eq!(Value::Decimal(not.into()).as_big_integer(), None, "{not}");
        }
        assert_eq!(Value::Int(1).as_big_integer(), None);
    }

    #[test]
    fn describe_truncates_long_strings() {
        let long = "x".repeat(100);
        let d = Value::from(long).describe();
        assert!(d.ends_with("…\""), "{d}");
        assert!(d.chars().count() < 60);
    }
}
