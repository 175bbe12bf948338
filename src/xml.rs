//! TOP's XML replies as [`Value`] trees.
//!
//! An element with children becomes an object (a repeated child name becomes
//! a list), an element with only text becomes a string. Attributes carry no
//! data in TOP replies and are ignored. The tree is built with an explicit
//! stack and its depth is bounded, so hostile input cannot exhaust memory
//! through nesting or the stack through recursion.

use quick_xml::events::Event;
use quick_xml::Reader;

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

/// Parses an XML document into its root element's name and value.
pub(crate) fn parse(text: &str) -> Result<(String, Value), DecodeError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            DecodeError::new(format!(
                "response is not well-formed XML at byte {} ({e}): {}",
                reader.error_position(),
                snippet(text)
            ))
        })?;
        match event {
            Event::Start(start) => {
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
                stack.push(Element::new(start.name().as_ref().to_owned()));
            }
            Event::Empty(start) => {
                let el = Element::new(start.name().as_ref().to_owned());
                close(&mut stack, &mut root, el)?;
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(DecodeError::new(
                        "XML response closes an element it never opened",
                    ));
                };
                close(&mut stack, &mut root, el)?;
            }
            Event::Text(t) => {
                // Entity references arrive as their own events, so text is literal.
                push_text(&mut stack, &t.xml10_content())?;
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_entity(&r.xml10_content())?;
                push_text(&mut stack, &resolved)?;
            }
            Event::CData(c) => {
                push_text(&mut stack, &c.xml10_content())?;
            }
            Event::DocType(_) => {
                return Err(DecodeError::new(format!(
                    "expected a TOP XML response, got {}",
                    snippet(text)
                )))
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
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
    if let Some(c) = quick_xml::escape::resolve_predefined_entity(name) {
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
}
