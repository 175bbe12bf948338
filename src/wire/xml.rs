//! TOP's XML replies as [`Value`] trees, read with `quick-xml`.
//!
//! An element with children becomes an object: a repeated child name
//! becomes a list (at the place of its first child), and so does every child
//! of an element marked `list="true"`, as TOP marks its lists. An element
//! with only text becomes a string (an empty element, `""`). Whitespace between child elements is layout; other text
//! beside child elements (mixed content, which TOP never sends) is a
//! [`DecodeError`] rather than dropped. Attributes other than `list` carry no
//! data in TOP replies and are ignored.
//!
//! Strict where it matters for hostile input: a DTD (and so any entity
//! definition or external entity) is refused, only the five predefined
//! entities and character references of XML characters are read, nesting is
//! bounded and the tree is built with an explicit stack. Time grows with the
//! body's size (times the log of an element's child count, for merging
//! repeated names), however many distinct siblings there are.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use crate::wire::error::DecodeError;
use crate::wire::order;
use crate::wire::snippet::snippet;
use crate::wire::value::{quote_truncated, Value};

/// Deepest element nesting accepted; TOP replies are a few levels deep.
const MAX_DEPTH: usize = 64;

/// An element whose end tag has not been read yet.
struct Element {
    name: String,
    /// `list="true"`: every child is an item of a list, even a lone one.
    list: bool,
    /// Closed children in document order, same names not yet merged.
    children: Vec<(String, Value)>,
    text: String,
    /// Whether some text is more than whitespace (it must then be alone).
    has_text: bool,
}

impl Element {
    fn new(start: &BytesStart<'_>) -> Result<Element, DecodeError> {
        Ok(Element {
            name: element_name(start)?,
            list: is_list(start)?,
            children: Vec::new(),
            text: String::new(),
            has_text: false,
        })
    }

    fn add_child(&mut self, name: String, value: Value) -> Result<(), DecodeError> {
        if self.has_text {
            return Err(self.mixed());
        }
        self.children.push((name, value));
        Ok(())
    }

    fn push_text(&mut self, s: &str) -> Result<(), DecodeError> {
        if !self.has_text && !is_layout(s) {
            self.has_text = true;
            if self.list || !self.children.is_empty() {
                return Err(self.mixed());
            }
        }
        self.text.push_str(s);
        Ok(())
    }

    fn mixed(&self) -> DecodeError {
        DecodeError::new(format!(
            "XML response mixes text with elements in <{}>",
            self.name
        ))
    }

    fn into_value(self) -> Value {
        if self.children.is_empty() && !self.list {
            Value::String(self.text.into())
        } else {
            Value::Object(merge_repeated(self.children, self.list))
        }
    }
}

/// Children with one entry per name, where the first of that name was: a
/// repeated name (or any name under `list="true"`) holds the list of its
/// values in order. Done once per element by sorting, so many distinct
/// names cost n log n rather than a scan per child.
fn merge_repeated(children: Vec<(String, Value)>, list: bool) -> Vec<(Cow<'static, str>, Value)> {
    // Sorted by name, then position.
    let names: Vec<&[u8]> = children.iter().map(|(k, _)| k.as_bytes()).collect();
    let order: Vec<(&str, usize)> = order::positions(&names)
        .into_iter()
        .filter_map(|i| children.get(i).map(|(k, _)| (k.as_str(), i)))
        .collect();
    // For each child, the first child of its name, and how many share it.
    let mut first = vec![0; children.len()];
    let mut count = vec![0; children.len()];
    let (mut leader, mut previous) = (0, None);
    for &(k, i) in &order {
        if previous != Some(k) {
            (leader, previous) = (i, Some(k));
        }
        if let (Some(f), Some(c)) = (first.get_mut(i), count.get_mut(leader)) {
            *f = leader;
            *c += 1;
        }
    }
    drop((order, names));
    let mut merged: Vec<(Cow<'static, str>, Value)> = Vec::new();
    // Where each leader's entry went in `merged`.
    let mut slot = vec![0; children.len()];
    for (i, (k, v)) in children.into_iter().enumerate() {
        let lead = first.get(i).copied().unwrap_or(i);
        if lead == i {
            let many = list || count.get(i).is_some_and(|c| *c > 1);
            if let Some(s) = slot.get_mut(i) {
                *s = merged.len();
            }
            merged.push((k.into(), if many { Value::List(vec![v]) } else { v }));
        } else if let Some((_, Value::List(items))) =
            slot.get(lead).and_then(|s| merged.get_mut(*s))
        {
            items.push(v);
        }
    }
    merged
}

/// Whitespace as XML counts it: what pretty-printing puts between tags.
fn is_layout(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Parses an XML document into its root element's name and value.
pub(crate) fn parse(text: &str) -> Result<(String, Value), DecodeError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let event = reader.read_event().map_err(|e| malformed(text, &e))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(after_root());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(DecodeError::new(format!(
                        "XML response nests deeper than {MAX_DEPTH} elements"
                    )));
                }
                stack.push(Element::new(&start)?);
            }
            Event::Empty(start) => close(&mut stack, &mut root, Element::new(&start)?)?,
            Event::End(_) => match stack.pop() {
                // quick-xml checked that the end tag matches.
                Some(el) => close(&mut stack, &mut root, el)?,
                None => return Err(never_opened()),
            },
            Event::Text(t) => push_text(&mut stack, &content(&t)?)?,
            Event::CData(t) => push_text(&mut stack, &content(&t)?)?,
            Event::GeneralRef(r) => push_text(&mut stack, reference(&r, &mut [0; 4])?)?,
            Event::DocType(_) => {
                return Err(DecodeError::new(format!(
                    "expected a TOP XML response, got {}",
                    snippet(text)
                )))
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    match (root, stack.is_empty()) {
        (Some(root), true) => Ok(root),
        _ => Err(DecodeError::new(format!(
            "XML response is truncated: {}",
            snippet(text)
        ))),
    }
}

/// Text between tags; outside the root only layout is allowed.
fn push_text(stack: &mut [Element], s: &str) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(el) => el.push_text(s),
        None if is_layout(s) => Ok(()),
        None => Err(DecodeError::new(
            "XML response has text outside its root element",
        )),
    }
}

/// Attaches a closed element to its parent, or makes it the root.
fn close(
    stack: &mut [Element],
    root: &mut Option<(String, Value)>,
    el: Element,
) -> Result<(), DecodeError> {
    let Some(parent) = stack.last_mut() else {
        if root.is_some() {
            return Err(after_root());
        }
        let name = el.name.clone();
        *root = Some((name, el.into_value()));
        return Ok(());
    };
    let name = el.name.clone();
    parent.add_child(name, el.into_value())
}

/// The text of `&name;`: a predefined entity or a character reference to an
/// XML character (so not `&#0;`, a lone surrogate or U+FFFE).
fn reference<'b>(r: &BytesRef<'_>, buf: &'b mut [u8; 4]) -> Result<&'b str, DecodeError> {
    let name = std::str::from_utf8(r).unwrap_or("");
    let text = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ if name.starts_with('#') => match char_ref(name) {
            Some(c) => c.encode_utf8(buf),
            None => {
                return Err(DecodeError::new(format!(
                    "XML response has a character reference to no XML character: &{name};"
                )))
            }
        },
        _ => return Err(DecodeError::new(format!("unknown XML entity &{name};"))),
    };
    Ok(text)
}

/// The character `&#N;` or `&#xN;` refers to, if it is one XML allows.
/// (Read here: quick-xml's reader of them costs 0.4 KB of gzipped wasm.)
fn char_ref(name: &str) -> Option<char> {
    let (digits, radix) = match name.strip_prefix("#x") {
        Some(hex) => (hex, 16),
        None => (name.strip_prefix('#')?, 10),
    };
    // `from_str_radix` would also take a sign.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?)?;
    let xml_char = matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}';
    xml_char.then_some(c)
}

/// The element name, checked to start as XML names do.
fn element_name(start: &BytesStart<'_>) -> Result<String, DecodeError> {
    let name = std::str::from_utf8(start.name().into_inner()).unwrap_or("");
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
    if !valid_start || name.contains(['<', '>', '"', '\'', '=', '&', '/']) {
        return Err(DecodeError::new(format!(
            "XML response has a bad element name {}",
            quote_truncated(name)
        )));
    }
    Ok(name.to_owned())
}

/// Whether a start tag has `list="true"`; malformed attributes are refused.
///
/// Read here rather than with quick-xml's attribute iterator, which costs
/// 1.2 KB of the browser's gzipped wasm: `name = "value"` or `'value'`,
/// separated by whitespace, is all the syntax there is.
fn is_list(start: &BytesStart<'_>) -> Result<bool, DecodeError> {
    let bad = || DecodeError::new("XML response has a malformed attribute in a start tag");
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let mut rest = start.attributes_raw();
    let mut list = false;
    loop {
        rest = rest.trim_ascii_start();
        if rest.is_empty() {
            return Ok(list);
        }
        let name_len = rest
            .iter()
            .position(|b| *b == b'=' || is_space(b))
            .ok_or_else(bad)?;
        let (name, after) = rest.split_at(name_len);
        let after = after
            .trim_ascii_start()
            .strip_prefix(b"=")
            .ok_or_else(bad)?;
        let after = after.trim_ascii_start();
        let quote = *after
            .first()
            .filter(|q| matches!(q, b'"' | b'\''))
            .ok_or_else(bad)?;
        let value_and_rest = after.get(1..).unwrap_or_default();
        let end = value_and_rest
            .iter()
            .position(|b| *b == quote)
            .ok_or_else(bad)?;
        let (value, tail) = value_and_rest.split_at(end);
        if name.is_empty() || tail.get(1).is_some_and(|b| !is_space(b)) {
            return Err(bad());
        }
        if name == b"list" {
            list = value == b"true";
        }
        rest = tail.get(1..).unwrap_or_default();
    }
}

/// Our own words for quick-xml's errors: its `Display` would link I/O and
/// encoding error formatting into the browser's wasm for nothing.
fn malformed(text: &str, e: &quick_xml::Error) -> DecodeError {
    use quick_xml::errors::{Error, IllFormedError, SyntaxError};
    let unclosed = match e {
        Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            return DecodeError::new(format!("XML response closes <{expected}> with </{found}>"))
        }
        Error::IllFormed(IllFormedError::UnmatchedEndTag(_)) => return never_opened(),
        Error::IllFormed(IllFormedError::UnclosedReference) => {
            return DecodeError::new("XML response has an unterminated entity reference")
        }
        Error::Syntax(SyntaxError::UnclosedComment) => "a comment",
        Error::Syntax(SyntaxError::UnclosedCData) => "a CDATA section",
        Error::Syntax(SyntaxError::UnclosedPI | SyntaxError::UnclosedXmlDecl) => "a declaration",
        Error::Syntax(SyntaxError::UnclosedDoctype) => "a DOCTYPE",
        Error::Syntax(_) => "a tag",
        _ => return DecodeError::new(format!("XML response is malformed: {}", snippet(text))),
    };
    DecodeError::new(format!(
        "XML response is malformed or truncated: {unclosed} is not closed"
    ))
}

/// Text or CDATA with line ends normalised as XML does (`\r\n` and a lone
/// `\r` become `\n`).
fn content(raw: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    // Slices of the `str` quick-xml was given, cut at markup: always UTF-8.
    let text =
        std::str::from_utf8(raw).map_err(|_| DecodeError::new("XML response is not UTF-8"))?;
    Ok(if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    })
}

fn after_root() -> DecodeError {
    DecodeError::new("XML response has content after its root element")
}

fn never_opened() -> DecodeError {
    DecodeError::new("XML response closes an element it never opened")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_children_become_lists() {
        let (root, v) =
            parse("<r><a><i>1</i><i>2</i></a><b/><c>x &amp; &#x4E2D;&#65;&#x1F600;</c></r>")
                .unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            v.to_json(),
            r#"{"a":{"i":["1","2"]},"b":"","c":"x & 中A😀"}"#
        );
    }

    #[test]
    fn repeats_anywhere_join_the_list_of_their_first() {
        let (_, v) = parse("<r><a>1</a><a>2</a><b>x</b><a>3</a><c/><c/></r>").unwrap();
        assert_eq!(v.to_json(), r#"{"a":["1","2","3"],"b":"x","c":["",""]}"#);
        let mut doc = String::from("<r>");
        for i in 0..20 {
            doc.push_str(&format!("<k{i}>{i}</k{i}>"));
        }
        doc.push_str("<k3>again</k3><k19>x</k19></r>");
        let (_, v) = parse(&doc).unwrap();
        assert_eq!(v.get("k3").unwrap().to_json(), r#"["3","again"]"#);
        assert_eq!(v.get("k19").unwrap().to_json(), r#"["19","x"]"#);
        assert_eq!(v.get("k7").unwrap().to_json(), r#""7""#);
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).is_err());
        let ok = "<a>".repeat(64) + &"</a>".repeat(64);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn list_attribute_makes_lists_of_lone_items() {
        let (_, v) = parse(
            "<r><ts list=\"true\"><t><id>1</id></t></ts><e list=\"true\"/>\
             <f list=\"true\">\n  </f><g list=\"false\"><t>1</t></g>\
             <h a = 'x' \n list='true'/></r>",
        )
        .unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"ts":{"t":[{"id":"1"}]},"e":{},"f":{},"g":{"t":"1"},"h":{}}"#
        );
    }

    #[test]
    fn declarations_comments_cdata_and_attributes() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<!-- top -->\
                   <r a=\"x>y\" b='1'><list list=\"true\"><i>1</i></list>\
                   <c><![CDATA[<b> & ]]></c><e/><n:s>v</n:s><t>a\r\nb</t>\
                   <p>\n  </p></r>";
        let (root, v) = parse(doc).unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            v.to_json(),
            r#"{"list":{"i":["1"]},"c":"<b> & ","e":"","n:s":"v","t":"a\nb","p":"\n  "}"#
        );
    }

    #[test]
    fn malformed_documents_are_decode_errors() {
        let cases = [
            ("<a><b></a></b>", "closes <b> with </a>"),
            (
                "<!DOCTYPE html><html></html>",
                "expected a TOP XML response",
            ),
            ("<a>x &nbsp; y</a>", "unknown XML entity"),
            ("<a>x &y</a>", "unterminated entity"),
            ("<a>&#xD800;</a>", "no XML character: &#xD800;"),
            ("<a>&#0;</a>", "no XML character: &#0;"),
            ("<a>&#x1;</a>", "no XML character: &#x1;"),
            ("<a>&#xFFFE;</a>", "no XML character"),
            ("<a>&#99999999;</a>", "no XML character"),
            ("<a>&#x+41;</a>", "no XML character"),
            ("<a>&#;</a>", "no XML character"),
            ("<a>&#xG;</a>", "no XML character"),
            ("<a><!-- open</a>", "a comment is not closed"),
            ("<a><![CDATA[x</a>", "a CDATA section is not closed"),
            ("<a b=\"c></a>", "a tag is not closed"),
            ("<a b></a>", "malformed attribute"),
            ("<a b=c></a>", "malformed attribute"),
            ("<a b=\"c\"d=\"e\"></a>", "malformed attribute"),
            ("<a =\"c\"></a>", "malformed attribute"),
            ("<a b = 'c' list></a>", "malformed attribute"),
            ("<a></a>tail", "text outside its root"),
            ("<a></a><b></b>", "content after its root"),
            ("<a><b>", "truncated"),
            ("<1a></1a>", "bad element name"),
            ("</a>", "never opened"),
            ("<a>x<b>1</b></a>", "mixes text with elements in <a>"),
            ("<a><b>1</b>x</a>", "mixes text with elements in <a>"),
            ("<a><b>1</b><![CDATA[x]]></a>", "mixes text with elements"),
            ("<a list=\"true\">x</a>", "mixes text with elements"),
        ];
        for (doc, want) in cases {
            let err = parse(doc).unwrap_err().message;
            assert!(err.contains(want), "{doc}: {err}");
        }
    }
}
