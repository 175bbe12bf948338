//! The runner of tests/vectors/tmc.json through the C ABI (a part of
//! shared_cases.rs). The vectors are snake_case with absent message fields
//! null; the C ABI's JSON is camelCase with absent fields left out.

use topwire::Value;

use super::common::tmc::{decode_frame, encode_frame, Session};
use super::support::{hex, need_str, str_of, to_hex, Outcome};
use super::{check_error, same, unexpected};

const CONNECT_AT: i64 = 1_394_864_359_897;

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A vector record in the C ABI's form: camelCase keys, null members left out.
fn c_form(v: &Value) -> Value {
    match v {
        Value::Object(pairs) => Value::Object(
            pairs
                .iter()
                .filter(|(_, x)| !matches!(x, Value::Null))
                .map(|(k, x)| (camel(k).into(), c_form(x)))
                .collect(),
        ),
        Value::List(items) => Value::List(items.iter().map(c_form).collect()),
        other => other.clone(),
    }
}

fn session(case: &Value) -> Session {
    let s = case.get("session").unwrap();
    let options = c_form(s).to_json();
    Session::new(&options).unwrap()
}

fn online(case: &Value) -> Session {
    let mut s = session(case);
    let connect = decode_frame(&s.connect(CONNECT_AT)).unwrap();
    if !matches!(case.get("online"), Some(Value::Bool(false))) {
        let ack = Value::object([
            ("type", Value::from("connectack")),
            ("flag", connect.get("flag").unwrap().clone()),
            ("token", case.get("token").unwrap().clone()),
        ]);
        let events = s
            .receive(&encode_frame(&ack.to_json()).unwrap(), CONNECT_AT)
            .unwrap();
        assert_eq!(
            events.to_json(),
            format!(
                r#"[{{"type":"connected","token":{}}}]"#,
                case.get("token").unwrap().to_json()
            )
        );
    }
    s
}

pub fn run_tmc(case: &Value) -> Outcome {
    let bytes = hex(need_str(case, "bytes")?)?;
    match need_str(case, "op")? {
        "codec" => {
            let want = c_form(case.get("frame").unwrap());
            let got = decode_frame(&bytes).map_err(|f| unexpected(&f))?;
            same("decoded frame", &got, &want)?;
            let encoded = encode_frame(&got.to_json()).map_err(|f| unexpected(&f))?;
            let expected = str_of(case, "encodes_to").unwrap_or(need_str(case, "bytes")?);
            same(
                "encoded",
                &Value::from(to_hex(&encoded)),
                &Value::from(expected),
            )
        }
        "decode_error" => match decode_frame(&bytes) {
            Ok(v) => Err(format!("expected an error, got {}", v.to_json())),
            Err(f) => check_error(&f, case.get("error").unwrap()),
        },
        "connect" => {
            let now = match case.get("now") {
                Some(Value::Int(n)) => *n,
                _ => return Err("no `now`".to_owned()),
            };
            let sent = session(case).connect(now);
            same(
                "connect",
                &Value::from(to_hex(&sent)),
                &Value::from(need_str(case, "bytes")?),
            )
        }
        "receive" => {
            let mut s = online(case);
            match (s.receive(&bytes, CONNECT_AT + 1), case.get("error")) {
                (Err(f), Some(want)) => check_error(&f, want),
                (Err(f), None) => Err(unexpected(&f)),
                (Ok(v), Some(_)) => Err(format!("expected an error, got {}", v.to_json())),
                (Ok(events), None) => same("events", &events, &c_form(case.get("events").unwrap())),
            }
        }
        "confirm" | "fail" => {
            let s = online(case);
            let id = match case.get("id") {
                Some(Value::Int(n)) => *n,
                _ => return Err("no `id`".to_owned()),
            };
            let sent = match str_of(case, "reason") {
                Some(reason) => s.fail(id, reason),
                None => s.confirm(id),
            }
            .map_err(|f| unexpected(&f))?;
            same(
                "frame",
                &Value::from(to_hex(&sent)),
                &Value::from(need_str(case, "bytes")?),
            )
        }
        other => Err(format!("unknown op {other:?}")),
    }
}
