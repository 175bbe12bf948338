//! TOP's XML replies as [`Value`] trees.
//!
//! An element with children becomes an object (a repeated child name becomes
//! a list), an element with only text becomes a string. Attributes carry no
//! data in TOP replies and are ignored. The tree is built with an explicit
//! stack and its depth is bounded, so hostile input cannot exhaust memory
//! through nesting or the stack through recursion.
//!
//! The reader is our own rather than a general XML crate: TOP's replies use a
//! small subset (elements, text, the five predefined entities and character
//! references, CDATA, comments, a declaration; never a DTD), and a general
//! parser was a ninth of the browser's gzipped wasm. Anything outside that
//! subset is a [`DecodeError`], never a guess.

use crate::error::DecodeError;
use crate::response::snippet;
use crate::value::Value;

/// Deepest element nesting accepted; TOP replies are a few levels deep.
const MAX_DEPTH: usize = 64;

struct Element {
    name: String,
    children: Vec<(String, Value)>,
    text: String,
}

impl Element {
    fn new(name: String) -> Element {
        Element {
            name,
            children: Vec::new(),
            text: String::new(),
        }
    }

    fn into_value(self) -> Value {
        if self.children.is_empty() {
            Value::String(self.text)
        } else {
            Value::Object(self.children)
        }
    }
}

/// One piece of markup.
enum Token<'a> {
    /// `<name ...>`
    Start(&'a str),
    /// `<name .../>`
    Empty(&'a str),
    /// `</name>`
    End(&'a str),
    /// Character data, entities still escaped.
    Text(&'a str),
    /// `<![CDATA[...]]>` content, literal.
    CData(&'a str),
    /// A declaration, processing instruction or comment: no data.
    Skip,
}

/// Splits `text` into tokens, one at a time.
struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn next_token(&mut self) -> Result<Option<Token<'a>>, DecodeError> {
        let rest = self.text.get(self.pos..).unwrap_or("");
        if rest.is_empty() {
            return Ok(None);
        }
        if !rest.starts_with('<') {
            let len = rest.find('<').unwrap_or(rest.len());
            self.pos += len;
            return Ok(rest.get(..len).map(Token::Text));
        }
        let (token, len) = if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = find(body, "]]>", "CDATA section")?;
            (Token::CData(body.get(..end).unwrap_or("")), 9 + end + 3)
        } else if let Some(body) = rest.strip_prefix("<!--") {
            (Token::Skip, 4 + find(body, "-->", "comment")? + 3)
        } else if let Some(body) = rest.strip_prefix("<?") {
            (Token::Skip, 2 + find(body, "?>", "declaration")? + 2)
        } else if rest.starts_with("<!") {
            return Err(DecodeError::new(format!(
                "expected a TOP XML response, got {}",
                snippet(self.text)
            )));
        } else if let Some(body) = rest.strip_prefix("</") {
            let end = find(body, ">", "end tag")?;
            (
                Token::End(tag_name(body.get(..end).unwrap_or(""))?),
                2 + end + 1,
            )
        } else {
            let body = rest.get(1..).unwrap_or("");
            let end = tag_end(body)?;
            let inner = body.get(..end).unwrap_or("");
            match inner.strip_suffix('/') {
                Some(open) => (Token::Empty(tag_name(open)?), 1 + end + 1),
                None => (Token::Start(tag_name(inner)?), 1 + end + 1),
            }
        };
        self.pos += len;
        Ok(Some(token))
    }
}

/// Where `needle` starts in `hay`, or an error naming what is unclosed.
fn find(hay: &str, needle: &str, what: &str) -> Result<usize, DecodeError> {
    hay.find(needle).ok_or_else(|| {
        DecodeError::new(format!("XML response is truncated: a {what} is not closed"))
    })
}

/// The `>` closing a start tag, skipping any inside quoted attribute values.
fn tag_end(body: &str) -> Result<usize, DecodeError> {
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (None, '>') => return Ok(i),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '<') => break,
            _ => {}
        }
    }
    Err(DecodeError::new(
        "XML response has a start tag that is not closed",
    ))
}

/// The element name at the start of a tag's content (attributes follow it).
fn tag_name(inner: &str) -> Result<&str, DecodeError> {
    let name = inner
        .split(|c: char| c.is_ascii_whitespace())
        .next()
        .unwrap_or("");
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
    if !valid_start || name.contains(['<', '>', '"', '\'', '=', '&', '/']) {
        return Err(DecodeError::new(format!(
            "XML response has a bad element name {}",
            crate::value::quote_truncated(name)
        )));
    }
    Ok(name)
}

/// Character data with line ends normalised (XML turns `\r\n` and a lone
/// `\r` into `\n`) and entity and character references resolved.
fn unescape(raw: &str) -> Result<std::borrow::Cow<'_, str>, DecodeError> {
    if raw.contains('\r') {
        let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
        return unescape(&normalised).map(|c| std::borrow::Cow::Owned(c.into_owned()));
    }
    if !raw.contains('&') {
        return Ok(std::borrow::Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let semi = after
            .find(';')
            .ok_or_else(|| DecodeError::new("XML response has an unterminated entity reference"))?;
        out.push_str(&resolve_entity(after.get(..semi).unwrap_or(""))?);
        rest = after.get(semi + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(std::borrow::Cow::Owned(out))
}

/// Parses an XML document into its root element's name and value.
pub(crate) fn parse(text: &str) -> Result<(String, Value), DecodeError> {
    let mut tokens = Tokens { text, pos: 0 };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    while let Some(token) = tokens.next_token()? {
        match token {
            Token::Start(name) => {
                if root.is_some() {
                    return Err(DecodeError::new(
                        "XML response has content after its root element",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(DecodeError::new(format!(
                        "XML response nests deeper than {MAX_DEPTH} elements"
                    )));
                }
                stack.push(Element::new(name.to_owned()));
            }
            Token::Empty(name) => close(&mut stack, &mut root, Element::new(name.to_owned()))?,
            Token::End(name) => {
                let Some(el) = stack.pop() else {
                    return Err(DecodeError::new(
                        "XML response closes an element it never opened",
                    ));
                };
                if el.name != name {
                    return Err(DecodeError::new(format!(
                        "XML response closes <{}> with </{name}>",
                        el.name
                    )));
                }
                close(&mut stack, &mut root, el)?;
            }
            Token::Text(raw) => push_text(&mut stack, &unescape(raw)?)?,
            Token::CData(data) => {
                push_text(&mut stack, &data.replace("\r\n", "\n").replace('\r', "\n"))?
            }
            Token::Skip => {}
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

/// Text between tags; whitespace-only text around child elements is layout.
fn push_text(stack: &mut [Element], s: &str) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(el) => {
            el.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(DecodeError::new(
            "XML response has text outside its root element",
        )),
    }
}

fn resolve_entity(name: &str) -> Result<String, DecodeError> {
    let predefined = match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "apos" => Some("'"),
        "quot" => Some("\""),
        _ => None,
    };
    if let Some(c) = predefined {
        return Ok(c.to_owned());
    }
    let code = name
        .strip_prefix("#x")
        .map(|hex| u32::from_str_radix(hex, 16))
        .or_else(|| name.strip_prefix('#').map(str::parse::<u32>));
    match code {
        Some(Ok(n)) => char::from_u32(n)
            .map(String::from)
            .ok_or_else(|| DecodeError::new(format!("bad XML character reference &{name};"))),
        _ => Err(DecodeError::new(format!("unknown XML entity &{name};"))),
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
            return Err(DecodeError::new(
                "XML response has more than one root element",
            ));
        }
        let name = el.name.clone();
        *root = Some((name, el.into_value()));
        return Ok(());
    };
    let name = el.name.clone();
    let value = el.into_value();
    match parent.children.iter_mut().find(|(k, _)| *k == name) {
        Some((_, Value::List(items))) => items.push(value),
        Some((_, existing)) => {
            let first = std::mem::replace(existing, Value::Null);
            *existing = Value::List(vec![first, value]);
        }
        None => parent.children.push((name, value)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_children_become_lists() {
        let (root, v) = parse("<r><a><i>1</i><i>2</i></a><b/><c>x &amp; &#x4E2D;</c></r>").unwrap();
        assert_eq!(root, "r");
        assert_eq!(v.to_json(), r#"{"a":{"i":["1","2"]},"b":"","c":"x & 中"}"#);
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn declarations_comments_cdata_and_attributes() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<!-- top -->\
                   <r a=\"x>y\" b='1'><list list=\"true\"><i>1</i></list>\
                   <c><![CDATA[<b> & ]]></c><e/><n:s>v</n:s><t>a\r\nb</t></r>";
        let (root, v) = parse(doc).unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            v.to_json(),
            r#"{"list":{"i":"1"},"c":"<b> & ","e":"","n:s":"v","t":"a\nb"}"#
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
            ("<a>&#xD800;</a>", "bad XML character reference"),
            ("<a><!-- open</a>", "comment is not closed"),
            ("<a b=\"c></a>", "start tag that is not closed"),
            ("<a></a>tail", "text outside its root"),
            ("<a></a><b></b>", "content after its root"),
            ("<a><b>", "truncated"),
            ("<1a></1a>", "bad element name"),
            ("</a>", "never opened"),
        ];
        for (doc, want) in cases {
            let err = parse(doc).unwrap_err().message;
            assert!(err.contains(want), "{doc}: {err}");
        }
    }
}
