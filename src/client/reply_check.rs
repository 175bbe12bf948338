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
    /// What [`Verbatim::marked_text`] marks, in document order (body
    /// offsets): an integer beyond 2^53 - 1 in size as its range; a string
    /// of the data led by U+0000 as the empty range after its quote.
    marks: Vec<Range<usize>>,
    /// Whether a mark is an integer.
    big: bool,
}

impl Verbatim {
    /// The integers of the data beyond 2^53 - 1 in size, which a JS number
    /// would round: their ranges in the body, in document order.
    pub fn big_integers(&self) -> impl Iterator<Item = &Range<usize>> {
        self.marks.iter().filter(|r| !r.is_empty())
    }

    /// Whether a JS host must read the data with its marks
    /// ([`Verbatim::marked_text`]): whether it holds a big integer.
    pub fn needs_marks(&self) -> bool {
        self.big
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
        let mut out = String::with_capacity(text.len() + 10 * self.marks.len());
        let mut at = 0;
        for r in &self.marks {
            let (start, end) = (r.start - base, r.end - base);
            out.push_str(text.get(at..start).unwrap_or_default());
            if r.is_empty() {
                out.push_str("\\u0000");
            } else {
                out.push_str("\"\\u0000");
                out.push_str(text.get(start..end).unwrap_or_default());
                out.push('"');
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
    let mut nothing = ();
    let mut pass = Pass::new(text, 0, &mut nothing);
    pass.s.skip_ws();
    pass.typed(None, 0)?;
    pass.end_of_text().then_some(Verbatim {
        span: 0..text.len(),
        marks: pass.marks,
        big: pass.big,
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
    let mut pass = Pass::new(text, offset, builder);
    let span = pass.root(method.key(), method.fields())?;
    Some(Verbatim {
        span: span.start + offset..span.end + offset,
        marks: pass.marks,
        big: pass.big,
    })
}

struct Pass<'a, 'b, B> {
    s: Scanner<'a>,
    b: &'b mut B,
    /// Where the scanned text starts in the body.
    offset: usize,
    /// See [`Verbatim`].
    marks: Vec<Range<usize>>,
    big: bool,
    /// Counting the members of a simplified reply's root (which must not
    /// hold an `error_response`).
    root_members: Option<usize>,
}

impl<'a, 'b, B: Builder> Pass<'a, 'b, B> {
    fn new(text: &'a str, offset: usize, b: &'b mut B) -> Self {
        Pass {
            s: Scanner::new(text),
            b,
            offset,
            marks: Vec::new(),
            big: false,
            root_members: None,
        }
    }

    /// The root object: the range of the data's text in it.
    fn root(&mut self, key: &str, fields: &[Field]) -> Option<Range<usize>> {
        let mut lone_wrapper = false;
        self.s.pos = 1;
        self.s.skip_ws();
        if self.s.peek() == Some(b'"') {
            let first = self.member_key()?;
            if first == "error_response" {
                return None;
            }
            if first == key {
                // A wrapped reply, unless more members follow (then it is a
                // simplified reply with a member named like the wrapper:
                // rare, left to the reader).
                let start = self.s.pos;
                if self.s.peek() != Some(b'{') {
                    return None;
                }
                self.object(fields, 1)?;
                let span = start..self.s.pos;
                self.s.skip_ws();
                return (self.s.eat(b'}') && self.end_of_text()).then_some(span);
            }
            lone_wrapper = first.ends_with("_response");
        }
        // A simplified reply: the root is the data, read from the start
        // (`object` counts its members and refuses an `error_response`).
        self.s.pos = 0;
        self.root_members = Some(0);
        self.object(fields, 0)?;
        // One member named like a wrapper is another method's reply.
        if lone_wrapper && self.root_members == Some(1) {
            return None;
        }
        self.end_of_text().then_some(0..self.s.len())
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
                if depth == 1 {
                    if let Some(n) = &mut self.root_members {
                        if name == "error_response" {
                            return None;
                        }
                        *n += 1;
                    }
                }
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
            let after = self.offset + quote + 1;
            self.marks.push(after..after);
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
            self.marks
                .push(range.start + self.offset..range.end + self.offset);
            self.big = true;
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
