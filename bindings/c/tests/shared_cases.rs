//! Every case of every file in `tests/vectors/` and `tests/fixtures/`, run
//! through the C ABI (the exported `extern "C"` functions, JSON text in and
//! out), the fourth place each case is checked after the Rust core, Node and
//! Python. A file with no runner, with no cases, or a duplicate case name
//! fails, as in `tests/shared_cases.rs`. Format: `tests/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "../../../tests/support/cases.rs"]
mod support;
#[path = "common/tmc_cases.rs"]
mod tmc_cases;

use common::Failure;
use support::{
    base64_decode, expect_or_error, json_eq, need_str, no_runner, run_every_case, str_of, CaseFile,
    Outcome,
};
use topwire::{from_json, Value};

/// Cases with no C form are left out (listed in the summary): a file inside
/// a structure or a batch call (C hands files over as top-level parts only),
/// and a batch sent to the local gateway, which the C library does not hold.
#[test]
fn shared_cases_through_the_c_abi() {
    run_every_case("shared cases through the C ABI", |from, case| {
        Some(match from {
            CaseFile::Vector("prepare.json")
                if has_nested_file(case.get("params").unwrap_or(&Value::Null)) =>
            {
                return None;
            }
            CaseFile::Vector("batch.json") if batch_without_c_form(case) => return None,
            CaseFile::Fixture => run_parse(case),
            CaseFile::Vector("sign.json") => run_sign(case),
            CaseFile::Vector("prepare.json") => run_prepare(case),
            CaseFile::Vector("timestamp.json") => run_timestamp(case),
            CaseFile::Vector("spi.json") => run_spi(case),
            CaseFile::Vector("batch.json") => run_batch(case),
            CaseFile::Vector("tmc.json") => tmc_cases::run_tmc(case),
            CaseFile::Vector(other) => no_runner(other),
        })
    });
}

/// A batch case C cannot express: a call with a file, or a batch sent to the
/// local gateway, which the C library does not hold.
fn batch_without_c_form(case: &Value) -> bool {
    str_of(case, "kind") == Some("gateway")
        || case
            .get("calls")
            .is_some_and(|c| c.to_json().contains("file_base64"))
}

// ---- reading cases ----

/// The members of `case` named in `keys` that are present, as a JSON object
/// under the C ABI's names (the records' camelCase; the case files use
/// snake_case, as the Node runner maps them too).
fn pick(case: &Value, keys: &[(&str, &str)]) -> String {
    let members = keys
        .iter()
        .filter_map(|(from, to)| case.get(from).map(|v| ((*to).to_owned(), v.clone())));
    Value::object(members).to_json()
}

fn at<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

fn same(what: &str, got: &Value, want: &Value) -> Outcome {
    if json_eq(got, want) {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n      got  {}\n      want {}",
            got.to_json(),
            want.to_json()
        ))
    }
}

// ---- errors ----

/// The record's field for a case's error key: `type` is the record's
/// `kind`; a `null` in the case means absent (null or missing in the record).
fn check_error(got: &Failure, want: &Value) -> Outcome {
    let Value::Object(keys) = want else {
        return Err(format!("`error` is not an object: {}", want.to_json()));
    };
    let expected_status = match str_of(want, "type") {
        Some("ValidationError") => 1,
        Some("ApiError") => 2,
        Some("DecodeError") => 3,
        Some("SignatureError") => 4,
        other => return Err(format!("`error.type` is not a known kind: {other:?}")),
    };
    let mut problems = Vec::new();
    if got.status as i32 != expected_status {
        problems.push(format!("status {:?}, want {expected_status}", got.status));
    }
    for (key, expected) in keys {
        let name = if key == "type" { "kind" } else { key.as_ref() };
        let actual = got.record.get(name).cloned().unwrap_or(Value::Null);
        if !json_eq(&actual, expected) {
            problems.push(format!(
                "error.{key}:\n      got  {}\n      want {}",
                actual.to_json(),
                expected.to_json()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    (record was: {})",
            problems.join("\n    "),
            got.record.to_json()
        ))
    }
}

fn unexpected(f: &Failure) -> String {
    format!("unexpected error: {}", f.record.to_json())
}

/// Compares a call's outcome with the case's `expect` or `error`.
fn judge<T>(
    got: Result<T, Failure>,
    case: &Value,
    check: impl FnOnce(T, &Value) -> Outcome,
) -> Outcome {
    match (got, expect_or_error(case)?) {
        (Ok(v), Ok(want)) => check(v, want),
        (Err(f), Err(want)) => check_error(&f, want),
        (Err(f), Ok(_)) => Err(unexpected(&f)),
        (Ok(_), Err(_)) => Err("expected an error, the call succeeded".to_owned()),
    }
}

// ---- runners ----

fn run_sign(case: &Value) -> Outcome {
    let params = case.get("params").ok_or("no params")?.to_json();
    let text = common::string_to_sign(&params).map_err(|f| unexpected(&f))?;
    same(
        "string_to_sign",
        &Value::String(text.into()),
        case.get("string_to_sign").ok_or("no string_to_sign")?,
    )?;
    let sign = common::sign(
        &params,
        need_str(case, "secret")?,
        need_str(case, "sign_method")?,
    );
    match (sign, case.get("error")) {
        (Ok(sign), None) => same(
            "sign",
            &Value::String(sign.into()),
            case.get("sign").ok_or("no sign")?,
        ),
        (Err(f), Some(want)) => check_error(&f, want),
        (Err(f), None) => Err(unexpected(&f)),
        (Ok(_), Some(_)) => Err("expected an error, the call succeeded".to_owned()),
    }
}

const CLIENT_KEYS: &[(&str, &str)] = &[
    ("app_key", "appKey"),
    ("app_secret", "appSecret"),
    ("sign_method", "signMethod"),
    ("format", "format"),
    ("simplify", "simplify"),
    ("gateway", "gateway"),
    ("partner_id", "partnerId"),
    ("target_app_key", "targetAppKey"),
];

const PREPARE_KEYS: &[(&str, &str)] = &[
    ("session", "session"),
    ("timestamp_ms", "timestamp"),
    ("allow_unknown", "allowUnknown"),
];

const SPI_KEYS: &[(&str, &str)] = &[
    ("query", "query"),
    ("headers", "headers"),
    ("content_type", "contentType"),
    ("secret", "secret"),
    ("now_ms", "now"),
    ("max_skew_ms", "maxSkewMs"),
];

fn run_prepare(case: &Value) -> Outcome {
    let method = need_str(case, "method")?;
    let client_json = pick(case.get("client").unwrap_or(&Value::Null), CLIENT_KEYS);
    let (params, files) = split_files(case.get("params").unwrap_or(&Value::Null))?;
    let params = params.to_json();
    let options = pick(case, PREPARE_KEYS);
    let got = common::client(&client_json)
        .and_then(|c| common::prepare_files(&c, method, Some(&params), Some(&options), &files));
    let case = &option_keys_as_written(case);
    judge(got, case, |req, want| {
        same(
            "method",
            &Value::String(req.method.into()),
            at(want, "method"),
        )?;
        same("url", &Value::String(req.url.into()), at(want, "url"))?;
        match str_of(want, "body_base64") {
            Some(b64) if req.body == base64_decode(b64)? => {}
            Some(_) => {
                return Err(format!(
                    "body: got {:?}",
                    String::from_utf8_lossy(&req.body)
                ))
            }
            None => {
                let body = String::from_utf8(req.body).map_err(|e| e.to_string())?;
                same("body", &Value::String(body.into()), at(want, "body"))?;
            }
        }
        same("headers", &req.headers, at(want, "headers"))?;
        same("params", &req.params, at(want, "params"))
    })
}

const BATCH_OPTION_KEYS: &[(&str, &str)] = &[
    ("session", "session"),
    ("timestamp_ms", "timestamp"),
    ("separator", "separator"),
    ("batch_url", "batchUrl"),
];

/// `tests/vectors/batch.json` through `topwire_prepare_batch` and
/// `topwire_parse_batch` (the `gateway` kind has no C form).
fn run_batch(case: &Value) -> Outcome {
    match need_str(case, "kind")? {
        "prepare" => {
            let client_json = pick(case.get("client").unwrap_or(&Value::Null), CLIENT_KEYS);
            let calls = case.get("calls").ok_or("no calls")?.to_json();
            let options = pick(
                case.get("options").unwrap_or(&Value::Null),
                BATCH_OPTION_KEYS,
            );
            let got = common::client(&client_json)
                .and_then(|c| common::prepare_batch(&c, &calls, Some(&options)));
            judge(got, case, |req, want| {
                same(
                    "method",
                    &Value::String(req.method.into()),
                    at(want, "method"),
                )?;
                same("url", &Value::String(req.url.into()), at(want, "url"))?;
                let body = String::from_utf8(req.body).map_err(|e| e.to_string())?;
                same("body", &Value::String(body.into()), at(want, "body"))?;
                same("headers", &req.headers, at(want, "headers"))?;
                same("params", &req.params, at(want, "params"))
            })
        }
        "parse" => {
            let client =
                common::client(r#"{"appKey":"k","appSecret":"s"}"#).map_err(|f| unexpected(&f))?;
            let methods = case.get("methods").ok_or("no methods")?.to_json();
            let body = need_str(case, "body")?;
            let got = common::parse_batch(
                &client,
                &methods,
                str_of(case, "separator"),
                body.as_bytes(),
            );
            judge(got, case, |text, want| {
                let items = from_json(&text).map_err(|e| e.to_string())?;
                let Value::List(items) = items else {
                    return Err(format!("not a list: {text}"));
                };
                let Value::List(want) = want else {
                    return Err("expect is not a list".to_owned());
                };
                if items.len() != want.len() {
                    return Err(format!("{} items, want {}", items.len(), want.len()));
                }
                for (item, w) in items.iter().zip(want) {
                    match (
                        item.get("data"),
                        w.get("data"),
                        item.get("error"),
                        w.get("error"),
                    ) {
                        (Some(got), Some(d), None, None) => same("data", got, d)?,
                        (None, None, Some(record), Some(err)) => {
                            let failure = common::Failure {
                                status: topwire_c::TopwireStatus::ApiError,
                                record: record.clone(),
                            };
                            check_error(&failure, err)?;
                        }
                        _ => return Err(format!("item {} for {}", item.to_json(), w.to_json())),
                    }
                }
                Ok(())
            })
        }
        other => Err(format!("no C ABI runner for batch cases of kind {other:?}")),
    }
}

/// A case whose error names a client option (`sign_method`): in C, as in
/// JavaScript, the error names the key as the caller wrote it (`signMethod`).
fn option_keys_as_written(case: &Value) -> Value {
    let Some(field) = case.get("error").and_then(|e| str_of(e, "field")) else {
        return case.clone();
    };
    let Some((_, key)) = CLIENT_KEYS.iter().find(|(snake, _)| *snake == field) else {
        return case.clone();
    };
    let rename = |v: &Value| match v {
        Value::String(s) if s == field => Value::from(*key),
        Value::String(s) => Value::String(
            s.replacen(&format!("{field}: "), &format!("{key}: "), 1)
                .into(),
        ),
        other => other.clone(),
    };
    let Value::Object(members) = case else {
        return case.clone();
    };
    let members = members.iter().map(|(k, v)| match (k.as_ref(), v) {
        ("error", Value::Object(e)) => {
            let e = e.iter().map(|(ek, ev)| match ek.as_ref() {
                "field" | "message" => (ek.clone(), rename(ev)),
                _ => (ek.clone(), ev.clone()),
            });
            (k.clone(), Value::Object(e.collect()))
        }
        _ => (k.clone(), v.clone()),
    });
    Value::Object(members.collect())
}

/// The case's files (objects with `file_base64`, `tests/README.md`) as C
/// uploads, taken out of the params.
fn split_files(params: &Value) -> Result<(Value, Vec<common::File>), String> {
    let Value::Object(members) = params else {
        return Ok((params.clone(), Vec::new()));
    };
    let mut kept = Vec::new();
    let mut files = Vec::new();
    for (name, v) in members {
        match file_of(v)? {
            Some(mut f) => {
                f.name = name.to_string();
                files.push(f);
            }
            None => kept.push((name.clone(), v.clone())),
        }
    }
    Ok((Value::Object(kept), files))
}

/// Whether a file sits inside a list or object. In C a file is a top-level
/// parameter by construction (`TopwireFile.name`), so the cases checking that
/// the core refuses nested files have no C form; they are listed as such.
fn has_nested_file(params: &Value) -> bool {
    fn any_file(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                v.get("file_base64").is_some() || m.iter().any(|(_, x)| any_file(x))
            }
            Value::List(items) => items.iter().any(any_file),
            _ => false,
        }
    }
    match params {
        Value::Object(m) => m.iter().any(|(_, v)| match v {
            Value::Object(inner) => inner.iter().any(|(_, x)| any_file(x)),
            Value::List(items) => items.iter().any(any_file),
            _ => false,
        }),
        _ => false,
    }
}

fn file_of(v: &Value) -> Result<Option<common::File>, String> {
    let Some(b64) = v.get("file_base64").and_then(Value::as_str) else {
        return Ok(None);
    };
    Ok(Some(common::File {
        name: String::new(),
        content: base64_decode(b64)?,
        filename: str_of(v, "filename").map(str::to_owned),
        content_type: str_of(v, "content_type").map(str::to_owned),
    }))
}

/// Timestamps are checked through `prepare`, as every binding does: the
/// `timestamp` of the signed params.
fn run_timestamp(case: &Value) -> Outcome {
    let client = common::client(r#"{"appKey":"12345678","appSecret":"secret"}"#)
        .map_err(|f| unexpected(&f))?;
    let options = pick(case, &[("timestamp_ms", "timestamp")]);
    let got = common::prepare(&client, "taobao.time.get", None, Some(&options));
    match (got, case.get("error")) {
        (Ok(req), None) => {
            let Value::List(pairs) = &req.params else {
                return Err("params is not a list".to_owned());
            };
            let stamp = pairs
                .iter()
                .find(|p| p.as_list_key() == Some("timestamp"))
                .ok_or("no timestamp among the params")?;
            same(
                "text",
                &stamp.pair_value(),
                case.get("text").ok_or("no text")?,
            )
        }
        (Err(f), Some(want)) => check_error(&f, want),
        (Err(f), None) => Err(unexpected(&f)),
        (Ok(_), Some(_)) => Err("expected an error, the call succeeded".to_owned()),
    }
}

trait Pair {
    fn as_list_key(&self) -> Option<&str>;
    fn pair_value(&self) -> Value;
}

impl Pair for Value {
    fn as_list_key(&self) -> Option<&str> {
        match self {
            Value::List(kv) => kv.first().and_then(Value::as_str),
            _ => None,
        }
    }
    fn pair_value(&self) -> Value {
        match self {
            Value::List(kv) => kv.get(1).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }
}

fn run_spi(case: &Value) -> Outcome {
    let request = pick(case, SPI_KEYS);
    let body = need_str(case, "body")?.as_bytes();
    judge(common::verify_spi(&request, body), case, |(), want| {
        same("expect", &Value::from("ok"), want)
    })
}

fn run_parse(case: &Value) -> Outcome {
    let body = match (str_of(case, "body"), str_of(case, "body_base64")) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(b64)) => base64_decode(b64)?,
        _ => return Err("case needs exactly one of `body` and `body_base64`".to_owned()),
    };
    let simplify = case.get("simplify").cloned().unwrap_or(Value::Bool(false));
    let options = Value::object([
        ("appKey", Value::from("12345678")),
        ("appSecret", Value::from("secret")),
        ("simplify", simplify),
    ]);
    let client = common::client(&options.to_json()).map_err(|f| unexpected(&f))?;
    let got = common::parse(&client, need_str(case, "method")?, &body);
    judge(got, case, |json, want| {
        let data = from_json(&json).map_err(|e| format!("data is not JSON ({e}): {json}"))?;
        same("data", &data, want)
    })
}
