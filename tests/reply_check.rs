//! The streaming check of replies (src/client/reply_check.rs) against the
//! tree-building parse (src/client/response.rs), on generated replies of
//! every typed API and of an untyped method: wrapped and simplified,
//! `error_response` in every shape, another method's wrapper, typed fields
//! right and wrong, lists wrapped as TOP wraps them, integers at and beyond
//! 2^53 and 64 bits, strings with every escape, raw control characters and
//! lone surrogates, deep nesting, and bytes cut, inserted or deleted.
//!
//! The check accepts exactly the replies whose own text the tree-building
//! parse returns as the data (`Parsed::verbatim`), reports the same span,
//! builds the same data, and names every integer a JS number would round;
//! everything it leaves to the tree-building parse (errors included) is
//! what that parse refuses or changes. The one deliberate exception: a
//! simplified reply whose first member is named like the method's wrapper
//! (`{"x_response": {...}, "other": 1}`) is left to the reader, and so are
//! escaped keys when the pass builds nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unreachable
)]

use proptest::prelude::*;
use topwire::spec::{Field, Type};
use topwire::{check_reply, parse_reply, Builder, ReplyMethod, Value};

/// Builds the core's `Value` from the pass, as the reader would.
#[derive(Default)]
struct ValueBuilder {
    stack: Vec<(Value, Option<String>)>,
    done: Option<Value>,
}

impl ValueBuilder {
    fn put(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some((Value::Object(pairs), key)) => pairs.push((key.take().unwrap().into(), v)),
            Some((Value::List(items), _)) => items.push(v),
            Some(_) => unreachable!(),
            None => self.done = Some(v),
        }
    }
}

impl Builder for ValueBuilder {
    fn begin_object(&mut self) {
        self.stack.push((Value::Object(Vec::new()), None));
    }
    fn key(&mut self, key: &str) {
        self.stack.last_mut().unwrap().1 = Some(key.to_owned());
    }
    fn end_object(&mut self) {
        let (v, _) = self.stack.pop().unwrap();
        self.put(v);
    }
    fn begin_list(&mut self) {
        self.stack.push((Value::List(Vec::new()), None));
    }
    fn end_list(&mut self) {
        self.end_object();
    }
    fn null(&mut self) {
        self.put(Value::Null);
    }
    fn boolean(&mut self, b: bool) {
        self.put(Value::Bool(b));
    }
    fn string(&mut self, s: &str) {
        self.put(Value::from(s.to_owned()));
    }
    fn number(&mut self, text: &str, integral: bool) {
        let v = match (integral, text.parse::<i64>(), text.parse::<u64>()) {
            (true, Ok(i), _) => Value::Int(i),
            (true, _, Ok(u)) => Value::UInt(u),
            _ => Value::Decimal(text.to_owned().into()),
        };
        self.put(v);
    }
}

/// The integers of `v` a JS number would round, in document order, as text.
fn big_integers(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Int(i) if i.unsigned_abs() > 9_007_199_254_740_991 => out.push(i.to_string()),
        Value::UInt(u) => out.push(u.to_string()),
        Value::Decimal(t) if v.as_big_integer().is_some() => out.push(t.to_string()),
        Value::List(items) => items.iter().for_each(|i| big_integers(i, out)),
        Value::Object(pairs) => pairs.iter().for_each(|(_, i)| big_integers(i, out)),
        _ => {}
    }
}

/// A small deterministic generator, seeded by proptest.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "xyz",
            "中文",
            "é",
            " ",
            "\\n",
            "\\\"",
            "\\\\",
            "\\/",
            "\\t",
            "\\b",
            "\\f",
            "\\r",
            "\\u00e9",
            "\\u4e2d",
            "\\ud83d\\ude00",
            "😀",
            "\\u0041",
            "0",
            "true",
        ];
        const RARE: &[&str] = &[
            "\\ud800",
            "\\udc00x",
            "\n",
            "\u{1}",
            "\\u0000",
            "\\ud83d\\u0041",
        ];
        let mut s = String::from("\"");
        for _ in 0..self.below(5) {
            if self.chance(2) {
                s.push_str(self.pick(RARE));
            } else {
                s.push_str(self.pick(PIECES));
            }
        }
        s.push('"');
        s
    }

    fn integer(&mut self) -> String {
        const INTS: &[&str] = &[
            "0",
            "-0",
            "1",
            "-7",
            "12345678",
            "9007199254740991",
            "-9007199254740991",
            "9007199254740992",
            "-9007199254740992",
            "2106027287988611313",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901234567890",
        ];
        self.pick(INTS).to_owned()
    }

    fn number(&mut self) -> String {
        const OTHER: &[&str] = &["1.5", "-0.25e2", "1e3", "2E-3", "1e400", "0.0"];
        if self.chance(70) {
            self.integer()
        } else {
            self.pick(OTHER).to_owned()
        }
    }

    fn key(&mut self) -> String {
        const KEYS: &[&str] = &[
            "\"a\"",
            "\"b\"",
            "\"item\"",
            "\"__proto__\"",
            "\"k\\u0065y\"",
            "\"中\"",
            "\"\"",
            "\"error_response\"",
            "\"x_response\"",
        ];
        self.pick(KEYS).to_owned()
    }

    /// Any JSON value.
    fn untyped(&mut self, depth: usize) -> String {
        let deep = depth > 4;
        match self.below(if deep { 5 } else { 7 }) {
            0 => "null".to_owned(),
            1 => self.pick(&["true", "false"]).to_string(),
            2 => self.number(),
            3 | 4 => self.string(),
            5 => {
                let items: Vec<String> = (0..self.below(4))
                    .map(|_| self.untyped(depth + 1))
                    .collect();
                format!("[{}]", items.join(","))
            }
            _ => {
                let members: Vec<String> = (0..self.below(4))
                    .map(|_| format!("{}:{}", self.key(), self.untyped(depth + 1)))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }

    /// A value for a field of type `ty`: mostly of that type, as TOP's
    /// wrapped and simplified JSON write it, sometimes not.
    fn typed(&mut self, ty: &Type, depth: usize) -> String {
        if self.chance(5) {
            return "null".to_owned();
        }
        if self.chance(3) {
            return self.untyped(depth);
        }
        match ty {
            Type::String
            | Type::Date
            | Type::Json
            | Type::Bytes
            | Type::StringList
            | Type::NumberList => self.string(),
            Type::Number(_) if self.chance(10) => format!("\"{}\"", self.integer()),
            Type::Number(_) => self.integer(),
            Type::Boolean if self.chance(10) => self
                .pick(&["\"true\"", "\"false\"", "\"\"", "\" true\""])
                .to_string(),
            Type::Boolean => self.pick(&["true", "false"]).to_string(),
            Type::Object(s) if self.chance(5) => {
                self.pick(&["\"\"", "\" \\n \"", "[]"]).to_string()
            }
            Type::Object(s) => self.object(s.fields, depth + 1),
            Type::ObjectList(s) => {
                let items: Vec<String> = (0..self.below(3))
                    .map(|_| self.object(s.fields, depth + 2))
                    .collect();
                let list = format!("[{}]", items.join(","));
                match self.below(10) {
                    // As wrapped JSON writes lists.
                    0 | 1 => format!("{{\"item\":{list}}}"),
                    2 => self.object(s.fields, depth + 1),
                    3 => "[null]".to_owned(),
                    _ => list,
                }
            }
        }
    }

    /// An object of `fields` (some, in any order, repeated), with unknown members.
    fn object(&mut self, fields: &[Field], depth: usize) -> String {
        let mut members = Vec::new();
        if depth < 8 {
            for _ in 0..self.below(fields.len() + 3) {
                if fields.is_empty() || self.chance(15) {
                    members.push(format!("{}:{}", self.key(), self.untyped(depth + 1)));
                } else {
                    let f = &fields[self.below(fields.len())];
                    members.push(format!("\"{}\":{}", f.name, self.typed(&f.ty, depth)));
                }
            }
        }
        let ws = self.pick(&["", " ", "\n  "]).to_string();
        format!("{{{ws}{}{ws}}}", members.join(&format!(",{ws}")))
    }

    fn error_response(&mut self) -> String {
        let code = self
            .pick(&[
                "7", "\"27\"", "\" 15 \"", "\"x\"", "1.5", "[]", "null", "true",
            ])
            .to_string();
        let mut members = Vec::new();
        if !self.chance(10) {
            members.push(format!("\"code\":{code}"));
        }
        for (k, v) in [
            ("msg", "\"Remote service error\""),
            ("sub_code", "\"isp.top-remote-unknown-error\""),
            ("sub_msg", "\"This ban will last for 12 more seconds\""),
            ("request_id", "\"4gk1m4nvkxx1\""),
            ("sub_code", "5"),
            ("msg", "\"\""),
        ] {
            if self.chance(40) {
                members.push(format!("\"{k}\":{v}"));
            }
        }
        format!("{{{}}}", members.join(","))
    }

    /// A reply of `method` (wrapper key `key`, response `fields`).
    fn reply(&mut self, key: &str, fields: &[Field]) -> String {
        let data = self.object(fields, 1);
        let body = match self.below(12) {
            0..=4 => format!("{{\"{key}\":{data}}}"),
            5 | 6 => data,
            7 => format!("{{\"error_response\":{}}}", self.error_response()),
            8 => format!(
                "{{\"a\":1,\"error_response\":{},\"error_response\":{{}}}}",
                self.error_response()
            ),
            9 => format!("{{\"other_method_response\":{data}}}"),
            10 => format!("{{\"{key}\":{data},\"b\":2}}"),
            _ => format!("{{\"{key}\":{}}}", self.untyped(3)),
        };
        let body = match self.below(10) {
            0 => format!("\u{feff} \n{body}\n "),
            1 => format!("{}{body}{}", "[".repeat(130), "]".repeat(130)),
            _ => body,
        };
        self.mutate(body)
    }

    /// Sometimes a byte cut off, inserted or deleted.
    fn mutate(&mut self, body: String) -> String {
        if !self.chance(15) || body.is_empty() {
            return body;
        }
        let mut bytes = body.into_bytes();
        let at = self.below(bytes.len());
        match self.below(3) {
            0 => bytes.truncate(at),
            1 => bytes.insert(at, self.pick(b"{}[],:\" 1\\x\n")),
            _ => {
                bytes.remove(at);
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

const UNTYPED: &str = "taobao.some.untyped.get";

fn methods() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = topwire::apis::NAMES.to_vec();
    names.push(UNTYPED);
    names
}

fn fields_of(method: &str) -> &'static [Field] {
    topwire::apis::find(method).map_or(&[], |spec| spec.response)
}

fn wrapper_key(method: &str) -> String {
    let short = method.strip_prefix("taobao.").unwrap_or(method);
    format!("{}_response", short.replace('.', "_"))
}

/// The property, for one body.
fn agree(method: &str, body: &str) {
    let m = ReplyMethod::new(method).unwrap();
    let tree = parse_reply(&m, body.as_bytes());
    let mut builder = ValueBuilder::default();
    let checked = check_reply(&m, body.as_bytes(), &mut builder);
    // A pass that builds nothing (the wasm's) agrees, but for escaped keys,
    // which it leaves to the reader.
    let plain = check_reply(&m, body.as_bytes(), &mut ());
    assert!(
        plain == checked || (plain.is_none() && body.contains('\\')),
        "{body}"
    );
    match (&tree, checked) {
        (Ok(parsed), Some(v)) => {
            assert_eq!(parsed.verbatim, Some(v.span.clone()), "{body}");
            assert_eq!(builder.done.as_ref(), Some(&parsed.data), "{body}");
            let mut want = Vec::new();
            big_integers(&parsed.data, &mut want);
            let got: Vec<&str> = v.big_integers().map(|r| &body[r.clone()]).collect();
            assert_eq!(got, want, "{body}");
        }
        (Ok(parsed), None) => {
            let first_is_wrapper = body
                .trim_start_matches('\u{feff}')
                .trim_start()
                .strip_prefix('{')
                .is_some_and(|rest| {
                    rest.trim_start_matches([' ', '\t', '\n', '\r'])
                        .starts_with(&format!("\"{}\"", wrapper_key(method)))
                });
            assert!(parsed.verbatim.is_none() || first_is_wrapper, "{body}");
        }
        (Err(_), Some(v)) => panic!("accepted what parse refuses: {body} {v:?}"),
        (Err(_), None) => {}
    }
}

proptest! {
    // Twice the shared default: each case is one reply, cheap to check.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse::<u32>().ok()).unwrap_or(2000) * 2
    ))]

    #[test]
    fn the_check_accepts_what_parse_returns_verbatim(seed in any::<u64>(), which in any::<usize>()) {
        let methods = methods();
        let method = methods[which % methods.len()];
        let mut g = Gen(seed | 1);
        let body = g.reply(&wrapper_key(method), fields_of(method));
        agree(method, &body);
    }
}

#[test]
fn replies_of_every_kind() {
    const M: &str = "taobao.travel.ticket.order.verify";
    for body in [
        r#"{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"x"}}"#,
        r#"{"is_success":true}"#,
        r#"{}"#,
        r#"{"travel_ticket_order_verify_response":{"is_success":"true"}}"#,
        r#"{"error_response":{"code":7,"msg":"App Call Limited"}}"#,
        r#"{"travel_ticket_order_verify_response":{"n":12345678901234567890,"m":[-9007199254740993,1]}}"#,
        "{\"travel_ticket_order_verify_response\":{\"s\":\"a\nb\"}}",
        r#"{"travel_ticket_order_verify_response":{"s":"\ud800"}}"#,
        r#"<travel_ticket_order_verify_response/>"#,
        r#"{"other_response":{}}"#,
        r#"{"travel_ticket_order_verify_response":{},"b":1}"#,
    ] {
        agree(M, body);
    }
}

#[test]
fn big_integers_are_marked_for_a_reviver() {
    let m = ReplyMethod::new(UNTYPED).unwrap();
    let body = r#"{"some_untyped_get_response":{"a":[12345678901234567890, 1],"b":{"c":-9007199254740992}}}"#;
    let v = check_reply(&m, body.as_bytes(), &mut ()).unwrap();
    assert!(v.needs_marks());
    assert_eq!(
        v.marked_text(body.as_bytes()),
        r#"{"a":["\u000012345678901234567890", 1],"b":{"c":"\u0000-9007199254740992"}}"#
    );
    // A string of the data led by U+0000 gets a second one, so a reviver
    // tells it from a marked integer.
    let body = r#"{"some_untyped_get_response":{"k":"\u0000x","b":12345678901234567890}}"#;
    let v = check_reply(&m, body.as_bytes(), &mut ()).unwrap();
    assert_eq!(
        v.marked_text(body.as_bytes()),
        r#"{"k":"\u0000\u0000x","b":"\u000012345678901234567890"}"#
    );
    // Any JSON text, as the data a tree-building parse wrote out.
    let text = r#"[{"a":"\u0000"},18446744073709551616,9007199254740991]"#;
    let v = topwire::scan_json(text).unwrap();
    assert_eq!(
        v.marked_text(text.as_bytes()),
        r#"[{"a":"\u0000\u0000"},"\u000018446744073709551616",9007199254740991]"#
    );
    assert!(topwire::scan_json("[1,").is_none());
    let plain = r#"{"a":1}"#;
    assert!(!topwire::scan_json(plain).unwrap().needs_marks());
}
