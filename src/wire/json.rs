//! A JSON (RFC 8259) reader producing [`Value`]s, in two modes.
//!
//! Our own rather than serde_json for the browser's sake: serde's error
//! machinery formats floats through `Display`, which links all of core's
//! float-formatting tables into the wasm build. `tests/json_differential.rs`
//! checks it against serde_json. What it reads: objects (key order kept,
//! repeated keys kept), arrays, strings with every escape (surrogate pairs
//! joined), numbers (integers in i64/u64 as such, any other number as its
//! exact text: no float conversion, so nothing is rounded and the wasm build
//! carries no float code), `true`, `false`, `null`. Nesting is bounded, so
//! hostile input cannot exhaust the stack.
//!
//! TOP's replies (and JSON text inside a parameter, which TOP reads with the
//! same reader) are read as the Java SDK's JSON reader reads them: a raw
//! control character (U+0000..U+001F) inside a string is that character, as
//! TOP sends them in free-text fields; a lone surrogate escape, which
//! `JSON.parse` and `json.loads` accept but no UTF-8 text can hold, becomes
//! U+FFFD as in a lossy UTF-16 decoder. Every other rule is strict. A
//! caller's own arguments (the C ABI's JSON) are read strictly: raw control
//! characters and lone surrogates are refused, naming where they were, and
//! nesting is bounded as for parameters in every language ([`MAX_INPUT_DEPTH`]).
//!
//! Either mode reads into values that own their text ([`Value`]: replies,
//! whose values outlive the body) or that borrow it from the input
//! ([`ValueRef`]: a call's params, signed while the caller's text is still
//! there): a string without an escape (or, in the Java mode, a raw control
//! character) is then a slice of the input, a decimal number's text too, and
//! only a string that must be decoded is copied. One reader does both: what
//! it keeps of a plain run is a function chosen by the caller.

use std::borrow::Cow;
use std::ops::Range;

use crate::wire::error::{DecodeError, ValidationError};
use crate::wire::value::{scan_number, Value, ValueRef};

/// Deepest nesting of arrays and objects read in a reply: 128 levels are
/// refused, as serde_json refuses them (tests/json_differential.rs).
const MAX_DEPTH: usize = 127;

/// Deepest nesting of a caller's arguments, as every binding bounds parameters.
pub(crate) const MAX_INPUT_DEPTH: usize = crate::wire::value_serde::MAX_DEPTH;

/// How a text is read (see the module's documentation).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// TOP's replies and JSON text in parameters, as the Java SDK reads them.
    Java,
    /// A caller's arguments: strict, lone surrogates refused.
    Input,
}

/// Why a caller's JSON text is refused beyond its syntax (see [`parse_input`]),
/// and where: the keys and indices are collected as the error unwinds.
struct InputFault {
    expected: &'static str,
    got: &'static str,
    path: Vec<Segment>,
}

enum Segment {
    Key(String),
    Index(usize),
}

/// Bytes that end a string's plain run: the quote, the backslash and the
/// control characters: one table look-up per byte instead of three tests in
/// the reader's inner loop.
// Indexing in a const initialiser is checked at compile time, not at run time.
#[allow(clippy::indexing_slicing)]
pub(crate) const ENDS_RUN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// What the reader keeps of a run of text it can take as it stands: a copy
/// ([`copy`]) or the slice itself ([`Cow::Borrowed`]). A function pointer
/// rather than a type parameter: one copy of the reader in the wasm build.
type Keep<'t, 'o> = fn(&'t str) -> Cow<'o, str>;

/// Text of its own, for values that outlive the input.
fn copy(run: &str) -> Cow<'static, str> {
    Cow::Owned(run.to_owned())
}

/// Parses JSON text into a [`Value`], as the Java SDK reads it.
pub(crate) fn parse(text: &str) -> Result<Value, DecodeError> {
    read(text, false).map(|s| s.value)
}

/// [`parse`] into values borrowing their text from `text`.
pub(crate) fn parse_borrowed(text: &str) -> Result<ValueRef<'_>, DecodeError> {
    Reader::borrowing(text, Mode::Java).document()
}

/// Parses a caller's JSON text (an argument named `field`) strictly: a
/// syntax error names `field`; a lone surrogate escape or nesting deeper
/// than [`MAX_INPUT_DEPTH`] names the member it is in (`isv_ma_list[0].code`),
/// or `field` at the top.
pub(crate) fn parse_input(field: &str, text: &str) -> Result<Value, ValidationError> {
    input(field, Reader::owning(text, false, Mode::Input))
}

/// [`parse_input`] into values borrowing their text from `text`.
pub(crate) fn parse_input_borrowed<'t>(
    field: &str,
    text: &'t str,
) -> Result<ValueRef<'t>, ValidationError> {
    input(field, Reader::borrowing(text, Mode::Input))
}

/// A caller's text read by `reader`: a refusal names the member (see
/// [`parse_input`]).
fn input<'o>(field: &str, mut reader: Reader<'_, 'o>) -> Result<ValueRef<'o>, ValidationError> {
    match reader.document() {
        Ok(value) => Ok(value),
        Err(e) => match reader.fault {
            Some(fault) => Err(ValidationError::new(
                fault_path(field, &fault.path),
                fault.expected,
                fault.got,
            )),
            None => Err(ValidationError::new(field, "JSON text", e.message)),
        },
    }
}

/// `a.b[2].c` from the segments collected innermost first; `field` when empty.
fn fault_path(field: &str, path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path.iter().rev() {
        match seg {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() || out.starts_with('[') {
        out.insert_str(0, field);
    }
    out
}

/// JSON text read by [`parse_spanned`].
pub(crate) struct Spanned {
    pub(crate) value: Value,
    /// When the root is an object, the byte range of each member's value
    /// text (in member order): `parse` uses them to hand a response's inner
    /// object to hosts that parse JSON natively.
    pub(crate) root_spans: Vec<Range<usize>>,
    /// Whether a lone surrogate became U+FFFD or a raw control character
    /// was read: the text then is not the value as a host's native parser
    /// would read it (`JSON.parse` refuses raw control characters).
    pub(crate) not_native: bool,
}

/// Parses JSON text into a [`Value`], telling where the root's members lie.
pub(crate) fn parse_spanned(text: &str) -> Result<Spanned, DecodeError> {
    read(text, true)
}

/// Spans are recorded only when asked for: plain parsing (params handed over
/// as JSON text) saves their allocations.
fn read(text: &str, spans: bool) -> Result<Spanned, DecodeError> {
    let mut reader = Reader::owning(text, spans, Mode::Java);
    let value = reader.document()?;
    Ok(Spanned {
        value,
        root_spans: reader.root_spans,
        not_native: reader.not_native,
    })
}

/// Reads text that lives for `'t` into values whose text lives for `'o`:
/// `'t` itself when borrowing, `'static` when copying (see [`Keep`]).
struct Reader<'t, 'o> {
    bytes: &'t [u8],
    text: &'t str,
    keep: Keep<'t, 'o>,
    /// Whether objects give back their spare room: values that outlive
    /// the input do (a reply of many small objects), borrowed ones, read to
    /// be rendered and dropped, need not.
    trim: bool,
    pos: usize,
    /// Whether to record `root_spans`.
    spans: bool,
    /// Where the root object's member values lie (see [`parse_spanned`]).
    root_spans: Vec<Range<usize>>,
    /// See [`Spanned::not_native`].
    not_native: bool,
    mode: Mode,
    /// Set when [`Mode::Input`] refuses a well-formed text.
    fault: Option<InputFault>,
}

impl<'t> Reader<'t, 'static> {
    /// A reader of values owning their text.
    fn owning(text: &'t str, spans: bool, mode: Mode) -> Reader<'t, 'static> {
        Reader::new(text, spans, mode, copy, true)
    }
}

impl<'t> Reader<'t, 't> {
    /// A reader of values borrowing their text from `text`.
    fn borrowing(text: &'t str, mode: Mode) -> Reader<'t, 't> {
        Reader::new(text, false, mode, Cow::Borrowed, false)
    }
}

impl<'t, 'o> Reader<'t, 'o> {
    fn new(text: &'t str, spans: bool, mode: Mode, keep: Keep<'t, 'o>, trim: bool) -> Self {
        Reader {
            bytes: text.as_bytes(),
            text,
            keep,
            trim,
            pos: 0,
            spans,
            root_spans: Vec::new(),
            not_native: false,
            mode,
            fault: None,
        }
    }

    /// The whole text as one value.
    fn document(&mut self) -> Result<ValueRef<'o>, DecodeError> {
        self.skip_ws();
        let value = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error("trailing characters"));
        }
        Ok(value)
    }

    /// Refuses a caller's text for `got` (see [`InputFault`]).
    fn refuse(&mut self, expected: &'static str, got: &'static str) -> DecodeError {
        self.fault = Some(InputFault {
            expected,
            got,
            path: Vec::new(),
        });
        self.error(got)
    }

    /// Notes the member an input fault lies in, as the error unwinds.
    fn unwinding(&mut self, seg: impl FnOnce() -> Segment) {
        if let Some(fault) = &mut self.fault {
            fault.path.push(seg());
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// "`what` at line L column C", as JSON errors are usually reported.
    fn error(&self, what: &str) -> DecodeError {
        let before = self.bytes.get(..self.pos).unwrap_or(self.bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        DecodeError::new(format!("{what} at line {line} column {column}"))
    }

    fn expect(&mut self, literal: &str, value: ValueRef<'o>) -> Result<ValueRef<'o>, DecodeError> {
        if self.bytes.get(self.pos..self.pos + literal.len()) == Some(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error("expected value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<ValueRef<'o>, DecodeError> {
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(ValueRef::String),
            Some(b't') => self.expect("true", ValueRef::Bool(true)),
            Some(b'f') => self.expect("false", ValueRef::Bool(false)),
            Some(b'n') => self.expect("null", ValueRef::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn enter(&mut self, depth: usize) -> Result<usize, DecodeError> {
        if self.mode == Mode::Input && depth >= MAX_INPUT_DEPTH {
            return Err(self.refuse("at most 64 levels of nesting", "deeper nesting (a cycle?)"));
        }
        if depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(depth + 1)
    }

    fn array(&mut self, depth: usize) -> Result<ValueRef<'o>, DecodeError> {
        let depth = self.enter(depth)?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(ValueRef::List(items));
        }
        loop {
            match self.value(depth) {
                Ok(item) => items.push(item),
                Err(e) => {
                    let i = items.len();
                    self.unwinding(|| Segment::Index(i));
                    return Err(e);
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(ValueRef::List(items));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<ValueRef<'o>, DecodeError> {
        let depth = self.enter(depth)?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(ValueRef::Object(Vec::new()));
        }
        // Room for a typical call's parameters at once: growing from the
        // default four reallocates and moves every member. Trimmed on
        // return, so a reply of many small objects keeps no spare room.
        let mut pairs = Vec::with_capacity(8);
        loop {
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("key must be a string")),
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let start = self.pos;
            let value = match self.value(depth) {
                Ok(value) => value,
                Err(e) => {
                    self.unwinding(|| Segment::Key(key.into_owned()));
                    return Err(e);
                }
            };
            pairs.push((key, value));
            if depth == 1 && self.spans {
                self.root_spans.push(start..self.pos);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    if self.trim {
                        pairs.shrink_to_fit();
                    }
                    return Ok(ValueRef::Object(pairs));
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// A string, the opening quote under the cursor: kept as [`Keep`] says
    /// when it has no escape (or raw control character), else decoded.
    fn string(&mut self) -> Result<Cow<'o, str>, DecodeError> {
        self.pos += 1;
        let mut out: Option<String> = None;
        loop {
            // The run up to the next quote, backslash or control character;
            // it ends before an ASCII byte, so it is whole UTF-8.
            let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
            let len = rest
                .iter()
                .position(|&b| ENDS_RUN.get(usize::from(b)).copied().unwrap_or(true))
                .unwrap_or(rest.len());
            let run = self.text.get(self.pos..self.pos + len).unwrap_or("");
            self.pos += len;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    // Most strings have no escape: borrowed, or one
                    // allocation of the exact size.
                    return Ok(match out {
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                        None => (self.keep)(run),
                    });
                }
                Some(b'\\') => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(run);
                    self.pos += 1;
                    self.escape(s)?;
                }
                None => return Err(self.error("EOF while parsing a string")),
                // As the Java SDK's reader reads TOP's free-text fields.
                Some(c) if self.mode == Mode::Java => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(run);
                    s.push(char::from(c));
                    self.pos += 1;
                    self.not_native = true;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), DecodeError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{08}',
            Some(b'f') => '\u{0c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let c = self.unicode_escape()?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// After `\u`: four hex digits, and a second escape for a surrogate
    /// pair. A surrogate that is not half of a pair reads as U+FFFD; what
    /// follows it is read on its own (it may start a pair itself).
    fn unicode_escape(&mut self) -> Result<char, DecodeError> {
        let first = self.hex4()?;
        if !(0xD800..0xE000).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let second = match self.bytes.get(self.pos..self.pos + 2) {
            Some(b"\\u") if first < 0xDC00 => {
                let (pos, ok) = (self.pos, self.text.get(self.pos + 2..self.pos + 6));
                let low = ok
                    .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|d| u32::from_str_radix(d, 16).ok())
                    .filter(|c| (0xDC00..0xE000).contains(c));
                if low.is_some() {
                    self.pos = pos + 6;
                }
                low
            }
            _ => None,
        };
        match second {
            Some(low) => {
                let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
            }
            None if self.mode == Mode::Input => Err(self.refuse(
                "well-formed text",
                "a lone surrogate (half of a UTF-16 pair)",
            )),
            None => {
                self.not_native = true;
                Ok(char::REPLACEMENT_CHARACTER)
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let code = digits.and_then(|d| u32::from_str_radix(d, 16).ok());
        match code {
            Some(code) => {
                self.pos += 4;
                Ok(code)
            }
            None => Err(self.error("invalid escape")),
        }
    }

    /// A number: integers exact when they fit i64 or u64, anything else f64.
    fn number(&mut self) -> Result<ValueRef<'o>, DecodeError> {
        let start = self.pos;
        let (end, integral) = scan_number(self.bytes, start).map_err(|at| {
            self.pos = at;
            self.error("invalid number")
        })?;
        self.pos = end;
        let text = self.text.get(start..self.pos).unwrap_or("");
        if integral {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(ValueRef::Int(i));
            }
            if let Ok(u) = text.parse::<u64>() {
                return Ok(ValueRef::UInt(u));
            }
        }
        Ok(ValueRef::Decimal((self.keep)(text)))
    }
}

/// Parses JSON text into a [`Value`] as the Java SDK reads TOP's JSON
/// (objects keep their key order; integers are exact over the i64/u64
/// range; a raw control character inside a string is that character; a
/// lone surrogate escape reads as U+FFFD). Nesting of 128 levels or more is
/// refused, as serde_json does, so hostile input cannot exhaust the stack.
pub fn from_json(text: &str) -> Result<Value, DecodeError> {
    parse(text)
}

/// Parses a caller's JSON text (the argument `field`, e.g. the C ABI's
/// `params`) strictly, as RFC 8259 says: a syntax error names `field`; a
/// lone surrogate escape (`"x\ud800"`, text no UTF-8 can hold) or nesting
/// beyond 64 levels (the limit for parameters in every language) is refused
/// naming the member it is in, as JavaScript and Python refuse them.
pub fn from_json_input(field: &str, text: &str) -> Result<Value, ValidationError> {
    parse_input(field, text)
}

/// [`from_json`] into a value that borrows its text from `text` (strings
/// without escapes, object keys, decimal numbers): nothing is copied but
/// what an escape makes different from the input. Hand it to
/// [`crate::TopClient::prepare`] as it is; [`ValueRef::into_owned`] keeps it
/// beyond `text`.
pub fn from_json_borrowed(text: &str) -> Result<ValueRef<'_>, DecodeError> {
    parse_borrowed(text)
}

/// [`from_json_input`] into a value that borrows its text from `text`, as
/// [`from_json_borrowed`] does: the same errors, limits and nesting bound.
pub fn from_json_input_borrowed<'t>(
    field: &str,
    text: &'t str,
) -> Result<ValueRef<'t>, ValidationError> {
    parse_input_borrowed(field, text)
}

#[cfg(test)]
mod tests {
    use super::{from_json, parse};
    use crate::wire::value::Value;

    #[test]
    fn json_round_trip_keeps_order_and_big_integers() {
        let text = r#"{"b":1,"a":[18446744073709551615,-9223372036854775808,1.5,"中\n"],"c":{}}"#;
        let v = from_json(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(v.get("a").map(Value::is_empty), Some(false));
    }

    #[test]
    fn reads_what_json_allows() {
        let text = r#" {"b":1,"a":[18446744073709551615,-9223372036854775808,1.5,-0.25e2,"中\n\u00e9\ud83d\ude00\/"],"c":{},"d":[],"e":null,"t":true,"f":false,"b":2} "#;
        let v = parse(text).unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"b":1,"a":[18446744073709551615,-9223372036854775808,1.5,-0.25e2,"中\né😀/"],"c":{},"d":[],"e":null,"t":true,"f":false,"b":2}"#
        );
        let big = "123456789012345678901234567890";
        assert_eq!(parse(big).unwrap(), Value::Decimal(big.to_owned().into()));
        assert_eq!(
            parse("1e999").unwrap(),
            Value::Decimal("1e999".to_owned().into())
        );
        // The value layer's number rule and this reader agree.
        let number = |t: &str| {
            matches!(
                parse(t),
                Ok(Value::Int(_) | Value::UInt(_) | Value::Decimal(_))
            )
        };
        for good in ["0", "-0", "-0.5", "1e5", "2E-3", "1E+2", "0.0e-0", big] {
            assert!(
                crate::wire::value::is_number(good) && number(good),
                "{good}"
            );
        }
        for bad in [
            "", "-", "01", "-01", "1.", "1.e5", ".5", "+1", "NaN", "inf", "1e", "1e+", "0x10",
            "1-", " 1", "1 ",
        ] {
            assert!(!crate::wire::value::is_number(bad), "{bad}");
            assert!(bad.trim() != bad || !number(bad), "{bad}");
        }
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        for (text, want) in [
            (r#""\ud83d""#, "\u{FFFD}"),
            (r#""a\ud83d""#, "a\u{FFFD}"),
            (r#""\udc00x""#, "\u{FFFD}x"),
            (r#""\ud83d\ud83d\ude00""#, "\u{FFFD}😀"),
            (r#""\ud83d\u0041""#, "\u{FFFD}A"),
            (r#""\ude00\ud83d""#, "\u{FFFD}\u{FFFD}"),
            (r#""\ud83d\n""#, "\u{FFFD}\n"),
        ] {
            let read = super::parse_spanned(text).unwrap();
            assert_eq!(read.value, Value::String(want.to_owned().into()), "{text}");
            assert!(read.not_native, "{text}");
        }
        assert!(
            !super::parse_spanned(r#""\ud83d\ude00""#)
                .unwrap()
                .not_native
        );
        assert!(parse(r#""\ud83d\u00""#).is_err());
    }

    #[test]
    fn raw_control_characters_read_as_themselves_in_replies() {
        let read = super::parse_spanned("{\"msg\":\"line1\nline2\ttab\u{0}\u{1f}\"}").unwrap();
        assert_eq!(
            read.value.get("msg"),
            Some(&Value::String(
                "line1\nline2\ttab\u{0}\u{1f}".to_owned().into()
            ))
        );
        assert!(read.not_native);
        let key = parse("{\"a\rb\":\"\u{7}\"}").unwrap();
        assert_eq!(key, Value::object([("a\rb", Value::from("\u{7}"))]));
        assert!(
            !super::parse_spanned("{\"msg\":\"a\\nb\"}")
                .unwrap()
                .not_native
        );
        // Outside strings, a control character is still an error.
        assert!(parse("{\"a\":\u{1}1}").is_err());
    }

    #[test]
    fn a_callers_text_is_read_strictly_and_refusals_name_the_member() {
        let input = |text: &str| super::parse_input("params", text);
        let err = input(r#"{"a":{"b":["x","y\ud800"]}}"#).unwrap_err();
        assert_eq!(err.field, "a.b[1]");
        assert_eq!(err.expected, "well-formed text");
        assert_eq!(err.got, "a lone surrogate (half of a UTF-16 pair)");
        assert_eq!(input(r#""\udc00""#).unwrap_err().field, "params");
        assert_eq!(input(r#"[1,"\udc00"]"#).unwrap_err().field, "params[1]");
        let raw = input("{\"a\":\"x\ny\"}").unwrap_err();
        assert_eq!(
            (raw.field.as_str(), raw.expected.as_str()),
            ("params", "JSON text")
        );
        assert!(raw.got.contains("control character"), "{}", raw.got);
        assert_eq!(
            input(r#"{"a":"\ud83d\ude00"}"#).unwrap(),
            Value::object([("a", Value::from("😀"))])
        );
        // 64 levels, as every binding bounds parameters; the 65th is refused.
        let nest = |n: usize| format!("{}{}", "{\"k\":".repeat(n), "1".to_owned() + &"}".repeat(n));
        assert!(input(&nest(64)).is_ok());
        let deep = input(&nest(65)).unwrap_err();
        assert_eq!(deep.expected, "at most 64 levels of nesting");
        assert_eq!(deep.field, vec!["k"; 64].join("."));
    }

    #[test]
    fn refuses_what_json_does_not() {
        for (bad, want) in [
            ("", "EOF while parsing a value at line 1 column 1"),
            ("{\"a\":1,}", "key must be a string"),
            ("[1,]", "expected value"),
            ("[1 2]", "expected `,` or `]`"),
            ("{\"a\" 1}", "expected `:`"),
            ("\"\\x\"", "invalid escape"),
            ("01", "trailing characters"),
            ("-", "invalid number"),
            ("1.", "invalid number"),
            ("tru", "expected value"),
            ("{\"a\":1}\n x", "trailing characters at line 2 column 2"),
            ("\"abc", "EOF while parsing a string"),
        ] {
            let err = parse(bad).unwrap_err().message;
            assert!(err.contains(want), "{bad:?}: {err}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("recursion limit"));
        assert!(parse(&("[".repeat(128) + &"]".repeat(128))).is_err());
        assert!(parse(&("[".repeat(127) + &"]".repeat(127))).is_ok());
    }
}
