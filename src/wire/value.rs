//! The JSON-like value that goes into `prepare` and comes out of `parse`.
//!
//! It is our own type rather than `serde_json::Value` for three reasons:
//! objects keep their insertion order (what a JS object or Python dict holds)
//! without pulling an ordered map into the wasm build, integers keep the full
//! i64/u64 range apart from floats, and the JSON we emit for object parameters
//! formats numbers the same way at every depth.

use std::fmt::Write as _;

/// A parameter or response value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
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
    Decimal(String),
    /// Text.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// An object, in insertion order.
    Object(Vec<(String, Value)>),
    /// A file to upload (TOP's `byte[]`): a top-level parameter holding one
    /// makes `prepare` send a `multipart/form-data` request with the file as
    /// an unsigned part. `parse` never returns one.
    File(FileItem),
}

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

impl Value {
    /// Builds an object from `(key, value)` pairs.
    pub fn object<K: Into<String>, I: IntoIterator<Item = (K, Value)>>(pairs: I) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Looks up a key of an object (the last one wins if a key repeats).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(pairs) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The text of an integer too large for u64 (a [`Value::Decimal`] with no
    /// fraction or exponent), for hosts that can hold it exactly (JS bigint,
    /// Python int).
    pub fn as_big_integer(&self) -> Option<&str> {
        match self {
            Value::Decimal(t) => {
                let digits = t.strip_prefix('-').unwrap_or(t);
                let integral = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                integral.then_some(t.as_str())
            }
            _ => None,
        }
    }

    /// Whether this value counts as absent for sending: null, `""`, `[]`, `{}`.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::List(items) => items.is_empty(),
            Value::Object(pairs) => pairs.is_empty(),
            Value::File(file) => file.content.is_empty(),
            _ => false,
        }
    }

    /// A short description for error messages: the type and, for scalars, the value.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Int(i) => format!("the number {i}"),
            Value::UInt(u) => format!("the number {u}"),
            Value::Decimal(t) => format!("the number {}", quote_free(t)),
            Value::String(s) if s.is_empty() => "an empty string".to_owned(),
            Value::String(s) => format!("the string {}", quote_truncated(s)),
            Value::List(items) if items.is_empty() => "an empty list".to_owned(),
            Value::List(items) => format!("a list of {} item(s)", items.len()),
            Value::Object(pairs) if pairs.is_empty() => "an empty object".to_owned(),
            Value::Object(_) => "an object".to_owned(),
            Value::File(file) => format!("a file of {} byte(s)", file.content.len()),
        }
    }

    /// Compact JSON text of this value (UTF-8 kept as is, object order kept).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}
impl From<u64> for Value {
    fn from(u: u64) -> Self {
        i64::try_from(u).map_or(Value::UInt(u), Value::Int)
    }
}
impl From<f64> for Value {
    /// The number's shortest round-trip decimal text; NaN and the infinities
    /// have none, and `prepare` refuses them.
    fn from(x: f64) -> Self {
        Value::Decimal(format!("{x}"))
    }
}
impl From<FileItem> for Value {
    fn from(file: FileItem) -> Self {
        Value::File(file)
    }
}
impl From<Vec<u8>> for Value {
    /// A file of these bytes (see [`Value::File`]).
    fn from(content: Vec<u8>) -> Self {
        Value::File(FileItem::new(content))
    }
}
impl From<&[u8]> for Value {
    /// A file of these bytes (see [`Value::File`]).
    fn from(content: &[u8]) -> Self {
        Value::File(FileItem::new(content))
    }
}
impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
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

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        // Text that is not a JSON number is refused before serialisation;
        // `null` is the JSON-legal fallback should one ever slip through.
        Value::Decimal(t) if is_number(t) => out.push_str(t),
        Value::Decimal(_) => out.push_str("null"),
        // Files are parts of their own, refused inside structures before
        // serialisation; like a bad number, `null` is the fallback.
        Value::File(_) => out.push_str("null"),
        Value::String(s) => write_json_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(pairs) => {
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
        assert_eq!(v, Value::Decimal("0.1".to_owned()));
        assert_eq!(
            Value::List(vec![v, Value::from(f64::NAN)]).to_json(),
            "[0.1,null]"
        );
        assert_eq!(
            Value::from(1e21).describe(),
            "the number 1000000000000000000000"
        );
        assert_eq!(
            Value::Decimal("NaN".to_owned()).describe(),
            "the number NaN"
        );
    }

    #[test]
    fn big_integers_are_recognised_by_their_text() {
        let big = Value::Decimal("-123456789012345678901".to_owned());
        assert_eq!(big.as_big_integer(), Some("-123456789012345678901"));
        for not in ["1.5", "1e30", "-", ""] {
            assert_eq!(
                Value::Decimal(not.to_owned()).as_big_integer(),
                None,
                "{not}"
            );
        }
        assert_eq!(Value::Int(1).as_big_integer(), None);
    }

    #[test]
    fn describe_truncates_long_strings() {
        let long = "x".repeat(100);
        let d = Value::String(long).describe();
        assert!(d.ends_with("…\""), "{d}");
        assert!(d.chars().count() < 60);
    }
}
