//! Checking a JSON reply without building it: one streaming pass over the
//! text that accepts the reply when its own text is the data, as
//! [`parse_reply`](crate::client::response::parse_reply) would return it.
//!
//! Accepted: a wrapped reply (`{"x_response": {...}}`) or a simplified one
//! (an object without `error_response` that is not another method's
//! wrapper), well-formed as a native JSON parser reads it, whose typed
//! fields already hold their documented types (so typing would change
//! nothing). The pass reports where the data's text lies and where its
//! integers beyond 2^53 are, which a JS host turns into bigints, and it can
//! drive a [`Builder`] that makes the host's own values as it goes.
//!
//! Anything else is not accepted, and the caller parses the reply as it
//! always has (`parse_reply`): XML, an `error_response` (an [`ApiError`]),
//! replies that typing changes (a wrapped list, a number sent as text), a
//! raw control character or a lone surrogate (read as the Java SDK reads
//! them), and every malformed reply, whose error that path words. The
//! errors are therefore the same by construction; the property test in
//! `tests/reply_check.rs` checks that the pass accepts exactly the replies
//! the tree-building parse returns as their own text.
//!
//! [`ApiError`]: crate::wire::error::ApiError

use std::borrow::Cow;
use std::ops::Range;

use crate::api::spec::{Field, Type};
use crate::client::response::{trimmed, ReplyMethod};
use crate::wire::json_scan::{beyond_2_pow_53, Scanner};

/// Deepest nesting the reader accepts (`json.rs`): deeper replies go to it.
const MAX_DEPTH: usize = 127;

/// Makes a host's values as the pass reads the data, in document order. A
/// container's members come between its `begin_*` and `end_*`; a key comes
/// before each member of an object. Builders only convert: the pass has
/// checked the text, and it may still give up after a builder began, in
/// which case the builder's work is dropped.
pub trait Builder {
    /// Whether the builder wants values (a builder that does not is spared
    /// the decoding of strings).
    const BUILDS: bool = true;
    /// `{`.
    fn begin_object(&mut self);
    /// A member's key, decoded.
    fn key(&mut self, key: &str);
    /// `}`.
    fn end_object(&mut self);
    /// `[`.
    fn begin_list(&mut self);
    /// `]`.
    fn end_list(&mut self);
    /// `null`.
    fn null(&mut self);
    /// `true` or `false`.
    fn boolean(&mut self, b: bool);
    /// A string, decoded.
    fn string(&mut self, s: &str);
    /// A number as its JSON text (`integral`: no fraction or exponent).
    fn number(&mut self, text: &str, integral: bool);
}

/// The builder of hosts that read the data's text themselves.
impl Builder for () {
    const BUILDS: bool = false;
    fn begin_object(&mut self) {}
    fn key(&mut self, _: &str) {}
    fn end_object(&mut self) {}
    fn begin_list(&mut self) {}
    fn end_list(&mut self) {}
    fn null(&mut self) {}
    fn boolean(&mut self, _: bool) {}
    fn string(&mut self, _: &str) {}
    fn number(&mut self, _: &str, _: bool) {}
}

/// An accepted reply: where its data's JSON text lies in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verbatim {
    /// Byte range of the body whose JSON text is exactly the data.
    pub span: Range<usize>,
    /// Byte ranges (in the body) of the integers in the data beyond 2^53 - 1
    /// in size, in document order: a JS number would round them.
    pub big_integers: Vec<Range<usize>>,
    /// Where (in the body) the strings of the data that start with U+0000
    /// open, in document order (see [`Verbatim::marked_text`]).
    nul_strings: Vec<usize>,
}

impl Verbatim {
    /// Whether a JS host must mark the text ([`Verbatim::marked_text`]).
    pub fn needs_marks(&self) -> bool {
        !self.big_integers.is_empty()
    }

    /// The data's text for a JS host's `JSON.parse` with a reviver: each
    /// integer beyond 2^53 written as the string of U+0000 and its digits
    /// (`"\u0000-12345678901234567890"`), and each string of the data that
    /// itself starts with U+0000 given one more U+0000 in front. A reviver
    /// turns a string led by U+0000 into the bigint of the rest, or, when
    /// a second U+0000 follows, into the rest: exact and linear, whatever
    /// the nesting or repeated keys.
    pub fn marked_text(&self, body: &[u8]) -> String {
        let text = body
            .get(self.span.clone())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        let base = self.span.start;
        let mut out = String::with_capacity(text.len() + 10 * self.big_integers.len());
        let mut at = 0;
        // Both lists are in document order: merged as they go.
        let mut bigs = self.big_integers.iter().peekable();
        let mut nuls = self.nul_strings.iter().peekable();
        loop {
            let big = match (bigs.peek(), nuls.peek()) {
                (Some(r), Some(&&q)) => r.start < q,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let (start, end) = match (big, bigs.peek(), nuls.peek()) {
                (true, Some(r), _) => (r.start - base, r.end - base),
                (_, _, Some(&&q)) => (q + 1 - base, q + 1 - base),
                _ => break,
            };
            out.push_str(text.get(at..start).unwrap_or_default());
            if big {
                bigs.next();
                out.push_str("\"\\u0000");
                out.push_str(text.get(start..end).unwrap_or_default());
                out.push('"');
            } else {
                nuls.next();
                out.push_str("\\u0000");
            }
            at = end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        out
    }
}

/// Scans JSON text of any value (the data a reply's parse built, written
/// out) for what [`Verbatim::marked_text`] marks; `None` if it is not JSON
/// text as a native parser reads it.
pub fn scan_json(text: &str) -> Option<Verbatim> {
    let mut pass = Pass {
        s: Scanner::new(text),
        b: &mut (),
        big: Vec::new(),
        nul_strings: Vec::new(),
    };
    pass.s.skip_ws();
    pass.typed(None, 0)?;
    pass.end_of_text().then_some(Verbatim {
        span: 0..text.len(),
        big_integers: pass.big,
        nul_strings: pass.nul_strings,
    })
}

/// Checks a reply of `method` in one pass, driving `builder` with its data;
/// `None` when the reply is not its own data (see the module's
/// documentation): the caller then parses it with `parse_reply`.
pub fn check_reply<B: Builder>(
    method: &ReplyMethod,
    body: &[u8],
    builder: &mut B,
) -> Option<Verbatim> {
    let (text, offset) = trimmed(body).ok()?;
    if !text.starts_with('{') {
        return None;
    }
    let mut pass = Pass {
        s: Scanner::new(text),
        b: builder,
        big: Vec::new(),
        nul_strings: Vec::new(),
    };
    let span = pass.root(method.key(), method.fields())?;
    Some(Verbatim {
        span: span.start + offset..span.end + offset,
        big_integers: pass
            .big
            .into_iter()
            .map(|r| r.start + offset..r.end + offset)
            .collect(),
        nul_strings: pass.nul_strings.into_iter().map(|q| q + offset).collect(),
    })
}

struct Pass<'a, 'b, B> {
    s: Scanner<'a>,
    b: &'b mut B,
    big: Vec<Range<usize>>,
    nul_strings: Vec<usize>,
}

impl<'a, B: Builder> Pass<'a, '_, B> {
    /// The root object: the range of the data's text in it.
    fn root(&mut self, key: &str, fields: &[Field]) -> Option<Range<usize>> {
        let whole = 0..self.s.len();
        self.s.pos = 1;
        self.s.skip_ws();
        if self.s.eat(b'}') {
            self.b.begin_object();
            self.b.end_object();
            return self.end_of_text().then_some(whole);
        }
        let first = self.member_key()?;
        if first == "error_response" {
            return None;
        }
        if first == key {
            // A wrapped reply, unless more members follow (then it is a
            // simplified reply with a member named like the wrapper: rare,
            // left to the reader).
            let start = self.s.pos;
            if self.s.peek() != Some(b'{') {
                return None;
            }
            self.object(fields, 1)?;
            let span = start..self.s.pos;
            self.s.skip_ws();
            return (self.s.eat(b'}') && self.end_of_text()).then_some(span);
        }
        // A simplified reply: the root is the data.
        self.b.begin_object();
        self.b.key(&first);
        self.typed(field_type(fields, &first), 1)?;
        let mut members = 1;
        loop {
            self.s.skip_ws();
            if self.s.eat(b'}') {
                break;
            }
            if !self.s.eat(b',') {
                return None;
            }
            self.s.skip_ws();
            let name = self.member_key()?;
            if name == "error_response" {
                return None;
            }
            self.b.key(&name);
            self.typed(field_type(fields, &name), 1)?;
            members += 1;
        }
        self.b.end_object();
        // One member named like a wrapper is another method's reply.
        if members == 1 && first.ends_with("_response") {
            return None;
        }
        self.end_of_text().then_some(whole)
    }

    fn end_of_text(&mut self) -> bool {
        self.s.skip_ws();
        self.s.at_end()
    }

    /// A key and its colon, the cursor on the key's quote; the cursor left
    /// on the member's value.
    fn member_key(&mut self) -> Option<Cow<'a, str>> {
        if self.s.peek() != Some(b'"') {
            return None;
        }
        let token = self.s.string()?;
        // Escaped keys are rare: a pass that builds nothing leaves them to
        // the reader rather than carry the decoder (the browser's wasm).
        let key = match (token.escaped, B::BUILDS) {
            (false, _) => Cow::Borrowed(self.s.slice(token.content)),
            (true, true) => self.s.content(&token),
            (true, false) => return None,
        };
        self.s.skip_ws();
        if !self.s.eat(b':') {
            return None;
        }
        self.s.skip_ws();
        Some(key)
    }

    /// An object typed by `fields` (`[]`: untyped), the cursor on `{`;
    /// `depth` the nesting it is in.
    fn object(&mut self, fields: &[Field], depth: usize) -> Option<()> {
        let depth = self.enter(depth)?;
        self.b.begin_object();
        if !self.s.eat(b'}') {
            loop {
                let name = self.member_key()?;
                let ty = field_type(fields, &name);
                self.b.key(&name);
                self.typed(ty, depth)?;
                self.s.skip_ws();
                if self.s.eat(b'}') {
                    break;
                }
                if !self.s.eat(b',') {
                    return None;
                }
                self.s.skip_ws();
            }
        }
        self.b.end_object();
        Some(())
    }

    /// A list, the cursor on `[`: its items typed as `item` (an object of
    /// those fields) or untyped.
    fn list(&mut self, item: Option<&[Field]>, depth: usize) -> Option<()> {
        let depth = self.enter(depth)?;
        self.b.begin_list();
        if !self.s.eat(b']') {
            loop {
                match item {
                    // Typing turns anything but an object into an error.
                    Some(fields) if self.s.peek() == Some(b'{') => self.object(fields, depth)?,
                    Some(_) => return None,
                    None => self.typed(None, depth)?,
                }
                self.s.skip_ws();
                if self.s.eat(b']') {
                    break;
                }
                if !self.s.eat(b',') {
                    return None;
                }
                self.s.skip_ws();
            }
        }
        self.b.end_list();
        Some(())
    }

    /// Steps into a container: its depth, `None` beyond the reader's limit.
    fn enter(&mut self, depth: usize) -> Option<usize> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.s.pos += 1;
        self.s.skip_ws();
        Some(depth + 1)
    }

    /// A value of type `ty` (`None`: a field the description does not know,
    /// or inside one), the cursor on it. `None` when the value is not of
    /// its type as it stands: typing would change it or refuse it.
    fn typed(&mut self, ty: Option<&Type>, depth: usize) -> Option<()> {
        let byte = self.s.peek()?;
        // Null is absent, for every type.
        if byte == b'n' {
            self.s.literal("null")?;
            self.b.null();
            return Some(());
        }
        match (byte, ty) {
            (b'{', None) => self.object(&[], depth),
            (b'{', Some(Type::Object(s))) => self.object(s.fields, depth),
            (b'[', None) => self.list(None, depth),
            (b'[', Some(Type::ObjectList(s))) => self.list(Some(s.fields), depth),
            (
                b'"',
                None
                | Some(
                    Type::String
                    | Type::Date
                    | Type::Json
                    | Type::Bytes
                    | Type::StringList
                    | Type::NumberList,
                ),
            ) => self.string(),
            (b't', None | Some(Type::Boolean)) => {
                self.s.literal("true")?;
                self.b.boolean(true);
                Some(())
            }
            (b'f', None | Some(Type::Boolean)) => {
                self.s.literal("false")?;
                self.b.boolean(false);
                Some(())
            }
            (b'-' | b'0'..=b'9', None) => self.number(false),
            (b'-' | b'0'..=b'9', Some(Type::Number(_))) => self.number(true),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<()> {
        let quote = self.s.pos;
        let token = self.s.string()?;
        if token.nul_lead {
            self.nul_strings.push(quote);
        }
        if B::BUILDS {
            self.b.string(&self.s.content(&token));
        }
        Some(())
    }

    /// A number; `integer`: a Number field, which must hold a 64-bit integer.
    fn number(&mut self, integer: bool) -> Option<()> {
        let (range, integral) = self.s.number()?;
        let text = self.s.slice(range.clone());
        if integer && !(integral && fits_64_bits(text)) {
            return None;
        }
        if integral && beyond_2_pow_53(text) {
            self.big.push(range);
        }
        self.b.number(text, integral);
        Some(())
    }
}

/// The type of the field `name`, if the description knows it.
fn field_type<'f>(fields: &'f [Field], name: &str) -> Option<&'f Type> {
    fields.iter().find(|f| f.name == name).map(|f| &f.ty)
}

/// Whether an integer's text fits i64 or u64, as the reader keeps integers.
fn fits_64_bits(text: &str) -> bool {
    text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok()
}
