//! The core's own JSON reader (src/wire/json.rs) against serde_json, the
//! well-kept crate it stands in for (the form encoder's differential test
//! against form_urlencoded is in src/wire/urlencode.rs).
//!
//! Every generated document serde_json accepts must read to the same value,
//! every one it rejects must be rejected, except for the deliberate
//! differences, each also pinned by a plain test below:
//!
//! 1. Numbers keep their exact text (`Value::Decimal`): compared here as the
//!    f64 serde_json makes of them. A number beyond f64's range (`1e400`) is
//!    read, where serde_json refuses it.
//! 2. A lone surrogate escape (`"\ud83d"`) reads as U+FFFD, where serde_json
//!    refuses it (`JSON.parse` and `json.loads` read it). The generator
//!    writes serde_json's copy of a document with `\ufffd` in its place.
//! 3. Repeated object keys are all kept, in order; serde_json keeps the last
//!    value, which is what `Value::get` (and a JS object or Python dict) sees.
//! 4. A raw control character (U+0000..U+001F) inside a string is read as
//!    that character, as the Java SDK's reader reads TOP's free-text fields;
//!    serde_json refuses it. The generator notes where it wrote one, and
//!    serde_json reads a copy with each of them escaped (`\u0001`), so both
//!    must read the same text. Edits never touch them (as with difference 2),
//!    but a deleted quote can bring whitespace into a string: escaped alike.
//!    Outside strings a control character is refused by both.
//!
//! Nesting is bounded alike: 127 levels are read, 128 refused.
//!
//! The borrowing reader (`from_json_borrowed`, which the wasm glue reads a
//! call with) must read every document exactly as `from_json` does, its
//! borrowed text lying inside the input. The strict reader of a caller's
//! text (`from_json_input`, the C ABI's, and its borrowing twin) must agree
//! with serde_json on the same text, without the differences above but the
//! first (a lone surrogate or raw control character is refused by both),
//! and the two must agree with each other, refusals included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use std::borrow::Cow;

use topwire::{from_json, from_json_borrowed, from_json_input, from_json_input_borrowed};
use topwire::{Value, ValueRef};

/// One piece of a generated string's content.
#[derive(Clone, Debug)]
enum Unit {
    Char(char),
    /// `\n`, `\"`, `\/` and the like.
    Escape(&'static str),
    /// `\uXXXX` of any code unit, surrogates included.
    Code(u16),
}

/// A generated document: our text, serde_json's (lone surrogate escapes
/// written as `\ufffd`, the same length) and where the lone escapes lie.
#[derive(Clone, Debug, Default)]
struct Doc {
    ours: String,
    theirs: String,
    lone: Vec<std::ops::Range<usize>>,
    /// Where raw control characters lie inside strings (difference 4).
    controls: Vec<usize>,
}

impl Doc {
    /// serde_json's copy with every raw control character inside a string
    /// escaped: those generated there, and whitespace an edit brought into a
    /// string (a deleted quote turns `",\n\t"` into string content).
    fn theirs_escaped(&self) -> String {
        let mut out = String::with_capacity(self.theirs.len());
        let (mut in_string, mut escaped) = (false, false);
        for c in self.theirs.chars() {
            if in_string && !escaped && u32::from(c) < 0x20 {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
                continue;
            }
            out.push(c);
            if escaped {
                escaped = false;
            } else if in_string && c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = !in_string;
            }
        }
        out
    }

    fn push(&mut self, s: &str) {
        self.ours.push_str(s);
        self.theirs.push_str(s);
    }

    fn string(&mut self, units: &[Unit]) {
        self.push("\"");
        let mut i = 0;
        while let Some(unit) = units.get(i) {
            match unit {
                // Difference 4: escaped in serde_json's copy when it reads it.
                Unit::Char(c) if u32::from(*c) < 0x20 => {
                    self.controls.push(self.ours.len());
                    self.push(&c.to_string());
                }
                Unit::Char(c) => self.push(&c.to_string()),
                Unit::Escape(e) => self.push(e),
                Unit::Code(hi @ 0xD800..=0xDBFF) => match units.get(i + 1) {
                    Some(Unit::Code(lo @ 0xDC00..=0xDFFF)) => {
                        self.push(&format!("\\u{hi:04x}\\u{lo:04X}"));
                        i += 1;
                    }
                    _ => self.lone(*hi),
                },
                Unit::Code(lo @ 0xDC00..=0xDFFF) => self.lone(*lo),
                Unit::Code(c) => self.push(&format!("\\u{c:04x}")),
            }
            i += 1;
        }
        self.push("\"");
    }

    fn lone(&mut self, unit: u16) {
        let start = self.ours.len();
        self.ours.push_str(&format!("\\u{unit:04x}"));
        self.theirs.push_str("\\ufffd");
        self.lone.push(start..self.ours.len());
    }
}

/// A JSON-shaped tree to write out.
#[derive(Clone, Debug)]
enum Tree {
    Literal(&'static str),
    Number(String),
    Str(Vec<Unit>),
    List(Vec<Tree>),
    Object(Vec<(Vec<Unit>, Tree)>),
}

fn units() -> impl Strategy<Value = Vec<Unit>> {
    let unit = prop_oneof![
        4 => "[a-z0-9 ]".prop_map(|s| Unit::Char(s.chars().next().unwrap())),
        // Any character but a raw backslash, which would make the escape
        // after it text in one copy only.
        1 => any::<char>().prop_filter("backslash", |c| *c != '\\').prop_map(Unit::Char),
        1 => prop::sample::select(vec!["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"])
            .prop_map(Unit::Escape),
        1 => any::<u16>().prop_map(Unit::Code),
        1 => (0xD800u16..0xE000).prop_map(Unit::Code),
    ];
    prop::collection::vec(unit, 0..6)
}

fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof!["0", "[1-9][0-9]{0,3}", "[1-9][0-9]{17,24}"];
    let frac = prop::option::of("\\.[0-9]{1,4}");
    let exp = prop::option::of("[eE][+-]?[0-9]{1,3}");
    (prop::bool::ANY, int, frac, exp).prop_map(|(neg, i, f, e)| {
        format!(
            "{}{i}{}{}",
            if neg { "-" } else { "" },
            f.unwrap_or_default(),
            e.unwrap_or_default()
        )
    })
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["true", "false", "null"]).prop_map(Tree::Literal),
        number().prop_map(Tree::Number),
        units().prop_map(Tree::Str),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::List),
            // Keys from a small set, so some repeat.
            prop::collection::vec(
                (
                    prop_oneof![
                        units(),
                        "[ab]".prop_map(|k| vec![Unit::Char(k.chars().next().unwrap())])
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(Tree::Object),
        ]
    })
}

fn write(tree: &Tree, ws: &mut impl Iterator<Item = &'static str>, doc: &mut Doc) {
    doc.push(ws.next().unwrap_or(""));
    match tree {
        Tree::Literal(l) => doc.push(l),
        Tree::Number(n) => doc.push(n),
        Tree::Str(units) => doc.string(units),
        Tree::List(items) => {
            doc.push("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    doc.push(",");
                }
                write(item, ws, doc);
            }
            doc.push("]");
        }
        Tree::Object(pairs) => {
            doc.push("{");
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    doc.push(",");
                }
                doc.push(ws.next().unwrap_or(""));
                doc.string(key);
                doc.push(ws.next().unwrap_or(""));
                doc.push(":");
                write(item, ws, doc);
            }
            doc.push("}");
        }
    }
    doc.push(ws.next().unwrap_or(""));
}

/// A byte-level edit, applied to both copies alike.
#[derive(Clone, Debug)]
enum Edit {
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, char),
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let significant =
        prop::sample::select("{}[]\":,\\ 0-9eE.+-tfnu\u{1}".chars().collect::<Vec<_>>());
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (any::<prop::sample::Index>(), significant).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

/// Applies an edit at a character boundary; `None` when it would touch a
/// lone surrogate escape or what is next to it (see `touches`: the two
/// copies differ there, and an edit could change what the escape means).
fn apply(doc: &mut Doc, edit: &Edit) -> Option<()> {
    let at = |i: &prop::sample::Index, len: usize| {
        let bounds: Vec<usize> = (0..=len)
            .filter(|&b| doc.ours.is_char_boundary(b))
            .collect();
        bounds[i.index(bounds.len())]
    };
    // The backslashes just before a lone escape count as part of it: one
    // more or fewer there changes which backslash starts the escape. So do
    // the six characters on either side: an edit there can turn a
    // neighbouring `\uXXXX` into the other half of a pair.
    let controls: Vec<std::ops::Range<usize>> = doc.controls.iter().map(|&c| c..c + 1).collect();
    let touches = |pos: usize| {
        doc.lone.iter().chain(&controls).any(|r| {
            let run = doc.ours.get(..r.start).map_or(0, |head| {
                head.bytes().rev().take_while(|&b| b == b'\\').count()
            });
            r.start - run <= pos + 7 && pos <= r.end + 6
        })
    };
    let mut inserted_control = None;
    let (pos, shift) = match edit {
        Edit::Delete(i) if !doc.ours.is_empty() => {
            let pos = at(i, doc.ours.len() - 1);
            if touches(pos) {
                return None;
            }
            let c = doc.ours.remove(pos);
            doc.theirs.remove(pos);
            (pos, -(c.len_utf8() as isize))
        }
        Edit::Insert(i, c) => {
            let pos = at(i, doc.ours.len());
            // A control character after a backslash would be an escape in
            // one copy only once escaped (difference 4).
            let after_backslash = doc.ours.get(..pos).is_some_and(|h| h.ends_with('\\'));
            if touches(pos) || (*c < ' ' && after_backslash) {
                return None;
            }
            inserted_control = (*c < ' ').then_some(pos);
            doc.ours.insert(pos, *c);
            doc.theirs.insert(pos, *c);
            (pos, c.len_utf8() as isize)
        }
        Edit::Truncate(i) => {
            let pos = at(i, doc.ours.len());
            if touches(pos) {
                return None;
            }
            doc.ours.truncate(pos);
            doc.theirs.truncate(pos);
            doc.lone.retain(|r| r.end <= pos);
            doc.controls.retain(|&c| c < pos);
            return Some(());
        }
        Edit::Delete(_) => return Some(()),
    };
    for r in doc.lone.iter_mut().filter(|r| r.start > pos) {
        *r = r.start.checked_add_signed(shift)?..r.end.checked_add_signed(shift)?;
    }
    for c in doc.controls.iter_mut().filter(|c| **c >= pos) {
        *c = c.checked_add_signed(shift)?;
    }
    if let Some(at) = inserted_control {
        let i = doc.controls.partition_point(|&c| c < at);
        doc.controls.insert(i, at);
    }
    Some(())
}

/// Whether our value is what serde_json read (see the differences above).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Int(a), J::Number(n)) => n.as_i64() == Some(*a) || n.as_f64() == Some(*a as f64),
        (Value::UInt(a), J::Number(n)) => n.as_u64() == Some(*a),
        (Value::Decimal(t), J::Number(n)) => {
            !n.is_i64() && !n.is_u64() && t.parse::<f64>().ok() == n.as_f64()
        }
        (Value::String(a), J::String(b)) => a == b,
        (Value::List(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(pairs), J::Object(map)) => {
            let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_ref()).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len() == map.len()
                && map
                    .iter()
                    .all(|(k, v)| ours.get(k).is_some_and(|mine| same(mine, v)))
        }
        _ => false,
    }
}

/// Whether a string or key anywhere in the value holds U+FFFD (what a lone
/// surrogate escape reads as).
fn has_replacement(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\u{FFFD}'),
        Value::List(items) => items.iter().any(has_replacement),
        Value::Object(pairs) => pairs
            .iter()
            .any(|(k, v)| k.contains('\u{FFFD}') || has_replacement(v)),
        _ => false,
    }
}

/// Every borrowed text (string, key, number) of `v` as a byte range of
/// `input`, `None` if one lies outside it.
fn borrowed_ranges(v: &ValueRef<'_>, input: &str, out: &mut Vec<(usize, usize)>) -> Option<()> {
    match v {
        ValueRef::String(t) | ValueRef::Decimal(t) => note(t, input, out),
        ValueRef::List(items) => items
            .iter()
            .try_for_each(|item| borrowed_ranges(item, input, out)),
        ValueRef::Object(pairs) => pairs.iter().try_for_each(|(k, item)| {
            note(k, input, out)?;
            borrowed_ranges(item, input, out)
        }),
        _ => Some(()),
    }
}

/// A borrowed text's range in `input` (see [`borrowed_ranges`]): the `Cow`
/// itself, since whether it borrows is the question.
#[allow(clippy::ptr_arg)]
fn note(t: &Cow<'_, str>, input: &str, out: &mut Vec<(usize, usize)>) -> Option<()> {
    if let Cow::Borrowed(s) = t {
        let start = (s.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
        (start + s.len() <= input.len()).then_some(())?;
        out.push((start, s.len()));
    }
    Some(())
}

/// The borrowing reader reads `text` as the owned one does, its borrowed
/// text inside `text` and each piece where it reads as itself.
fn check_borrowed(text: &str) -> Result<(), TestCaseError> {
    let (owned, borrowed) = (from_json(text), from_json_borrowed(text));
    match (&owned, &borrowed) {
        (Ok(a), Ok(b)) => {
            prop_assert_eq!(a, b, "{:?}", text);
            let mut ranges = Vec::new();
            prop_assert!(
                borrowed_ranges(b, text, &mut ranges).is_some(),
                "{text:?}: {b:?}"
            );
            for (start, len) in ranges {
                // A borrowed string is the text between its quotes.
                let quoted = text.get(start.saturating_sub(1)..start + len + 1);
                let number = text
                    .get(start..start + len)
                    .is_some_and(|n| n.parse::<f64>().is_ok());
                prop_assert!(
                    number || quoted.is_some_and(|q| q.starts_with('"') && q.ends_with('"')),
                    "{text:?} at {start}"
                );
            }
        }
        (Err(a), Err(b)) => prop_assert_eq!(&a.message, &b.message, "{:?}", text),
        _ => prop_assert!(false, "{text:?}: owned {owned:?}, borrowed {borrowed:?}"),
    }
    Ok(())
}

/// The strict readers of a caller's text on `text`: each other's twins,
/// and serde_json's peers on the same text.
fn check_input(text: &str) -> Result<(), TestCaseError> {
    let owned = from_json_input("params", text);
    let borrowed = from_json_input_borrowed("params", text);
    match (&owned, &borrowed) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{:?}", text),
        (Err(a), Err(b)) => prop_assert_eq!(
            (&a.field, &a.expected, &a.got),
            (&b.field, &b.expected, &b.got),
            "{:?}",
            text
        ),
        _ => prop_assert!(false, "{text:?}: owned {owned:?}, borrowed {borrowed:?}"),
    }
    match (&borrowed, serde_json::from_str::<serde_json::Value>(text)) {
        (Ok(a), Ok(b)) => prop_assert!(same(&a.clone().into_owned(), &b), "{text:?}: {a:?} {b:?}"),
        (Err(_), Err(_)) => {}
        // Difference 1.
        (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
        (Ok(a), Err(e)) => prop_assert!(false, "{text:?}: ours {a:?}, serde refused: {e}"),
        (Err(e), Ok(b)) => prop_assert!(false, "{text:?}: ours refused ({e:?}), serde {b:?}"),
    }
    Ok(())
}

fn check(doc: &Doc) -> Result<(), TestCaseError> {
    check_borrowed(&doc.ours)?;
    check_input(&doc.ours)?;
    let theirs = serde_json::from_str::<serde_json::Value>(&doc.theirs_escaped());
    let ours = from_json(&doc.ours);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => prop_assert!(same(a, b), "{:?}\nours   {a:?}\nserde  {b:?}", doc.ours),
        (Err(_), Err(_)) => {}
        // serde_json refuses numbers beyond f64's range: difference 1.
        (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
        // An edit can break a pair into a lone surrogate (`\ud800\udc00`
        // losing a backslash, or `\ud800:\udc00` gaining a character),
        // which serde_json refuses ("lone leading surrogate", or "unexpected
        // end of hex escape" when no `\u` follows) and we read as U+FFFD:
        // difference 2. Only when our value holds that replacement, so a
        // truly cut-off escape we accepted would still fail here.
        (Ok(a), Err(e))
            if (e.to_string().contains("surrogate") || e.to_string().contains("hex escape"))
                && has_replacement(a) => {}
        (Ok(a), Err(e)) => prop_assert!(false, "{:?}: ours {a:?}, serde refused: {e}", doc.ours),
        (Err(e), Ok(b)) => prop_assert!(false, "{:?}: ours refused ({e}), serde {b:?}", doc.ours),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn json_reader_agrees_with_serde_json(
        tree in tree(),
        ws in prop::collection::vec(prop::sample::select(vec!["", "", "", " ", "\n\t", "\r\n  "]), 64),
        edits in prop::collection::vec(edit(), 0..3),
    ) {
        let mut doc = Doc::default();
        write(&tree, &mut ws.into_iter().cycle(), &mut doc);
        check(&doc)?;
        for e in &edits {
            if apply(&mut doc, e).is_none() {
                break;
            }
            check(&doc)?;
        }
    }
}

#[test]
fn difference_1_numbers_keep_their_text() {
    assert_eq!(
        from_json("1e400").unwrap(),
        Value::Decimal("1e400".to_owned().into())
    );
    assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
    let long = "0.10000000000000000000000000000001";
    assert_eq!(
        from_json(long).unwrap(),
        Value::Decimal(long.to_owned().into())
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(long).unwrap(),
        serde_json::json!(0.1)
    );
}

#[test]
fn difference_2_lone_surrogates_read_as_replacement_characters() {
    assert_eq!(
        from_json(r#""\ud83d""#).unwrap(),
        Value::String("\u{FFFD}".to_owned().into())
    );
    assert!(serde_json::from_str::<serde_json::Value>(r#""\ud83d""#).is_err());
}

#[test]
fn difference_3_repeated_keys_are_kept() {
    let ours = from_json(r#"{"a":1,"a":2}"#).unwrap();
    assert_eq!(
        ours,
        Value::object([("a", Value::Int(1)), ("a", Value::Int(2))])
    );
    assert_eq!(ours.get("a"), Some(&Value::Int(2)));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(r#"{"a":1,"a":2}"#).unwrap(),
        serde_json::json!({"a": 2})
    );
}

#[test]
fn difference_4_raw_control_characters_are_read() {
    let raw = "{\"msg\":\"line1\nline2\u{0}\"}";
    assert_eq!(
        from_json(raw).unwrap(),
        Value::object([("msg", Value::from("line1\nline2\u{0}"))])
    );
    assert!(serde_json::from_str::<serde_json::Value>(raw).is_err());
    // Outside strings, refused alike.
    assert!(from_json("[\u{1}1]").is_err());
    assert!(serde_json::from_str::<serde_json::Value>("[\u{1}1]").is_err());
}

#[test]
fn a_string_without_escapes_is_borrowed() {
    let text = r#"{"plain":"text","esc":"a\nb","n":-1.5e3,"i":7,"l":["x","\u00e9"]}"#;
    for value in [
        from_json_borrowed(text).unwrap(),
        from_json_input_borrowed("params", text).unwrap(),
    ] {
        let ValueRef::Object(pairs) = &value else {
            panic!("{value:?}")
        };
        let at = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
        // Keys, plain strings and decimal numbers are slices of the input.
        for (i, (key, _)) in pairs.iter().enumerate() {
            let Cow::Borrowed(k) = key else {
                panic!("key {i} copied: {key:?}")
            };
            assert_eq!(&text[at(k) - 1..at(k) + k.len() + 1], format!("\"{k}\""));
        }
        match value.get("plain") {
            Some(ValueRef::String(Cow::Borrowed(s))) => assert_eq!(&text[at(s)..at(s) + 4], "text"),
            other => panic!("plain: {other:?}"),
        }
        match value.get("n") {
            Some(ValueRef::Decimal(Cow::Borrowed(n))) => assert_eq!(*n, "-1.5e3"),
            other => panic!("n: {other:?}"),
        }
        // A string with an escape is decoded into text of its own.
        assert_eq!(
            value.get("esc"),
            Some(&ValueRef::String(Cow::Owned("a\nb".to_owned())))
        );
        match value.get("l") {
            Some(ValueRef::List(items)) => {
                assert!(matches!(&items[0], ValueRef::String(Cow::Borrowed("x"))));
                assert!(matches!(&items[1], ValueRef::String(Cow::Owned(s)) if s == "é"));
            }
            other => panic!("l: {other:?}"),
        }
        // Detached from the input, the same value.
        assert_eq!(value.clone().into_owned(), from_json(text).unwrap());
    }
}

#[test]
fn same_depth_limit() {
    for depth in [127, 128, 129, 200] {
        let doc = "[".repeat(depth) + &"]".repeat(depth);
        assert_eq!(
            from_json(&doc).is_ok(),
            serde_json::from_str::<serde_json::Value>(&doc).is_ok(),
            "depth {depth}"
        );
    }
}
