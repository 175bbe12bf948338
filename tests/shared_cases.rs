//! Runs every case of every file in `tests/vectors/` and `tests/fixtures/`
//! (the cases the Node and Python suites run too; format in `tests/README.md`).
//! All failures are collected and reported together.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use topwire::gateway::{Gateway, GatewayConfig, GatewayRequest};
use topwire::{
    format_timestamp, from_json, parse_spanned, sign, string_to_sign, verify_spi, BatchCall,
    BatchOptions, ClientOptions, Error, FileItem, Parsed, PrepareOptions, PreparedRequest,
    SignMethod, SpiRequest, TopClient, Value, DEFAULT_SPI_SKEW_MS,
};

#[path = "support/cases.rs"]
mod support;
#[path = "common/tmc_cases.rs"]
mod tmc_cases;

use support::{
    base64_decode, expect_or_error, json_eq, need_str, no_runner, run_every_case, str_of, CaseFile,
    Outcome,
};

#[test]
fn shared_cases() {
    run_every_case("shared cases", |from, case| {
        Some(match from {
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

// ---- reading cases ----

fn int_of(case: &Value, key: &str) -> Result<Option<i64>, String> {
    match case.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(other) => Err(format!("`{key}` is not an i64: {other:?}")),
    }
}

fn bool_of(case: &Value, key: &str) -> Result<Option<bool>, String> {
    match case.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!("`{key}` is not a boolean: {other:?}")),
    }
}

fn pairs_of(case: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let Some(Value::List(items)) = case.get(key) else {
        return Err(format!("`{key}` is not a list of pairs"));
    };
    items
        .iter()
        .map(|item| match item {
            Value::List(kv) => match kv.as_slice() {
                [Value::String(k), Value::String(v)] => Ok((k.to_string(), v.to_string())),
                _ => Err(format!(
                    "`{key}` item is not a [string, string] pair: {item:?}"
                )),
            },
            _ => Err(format!("`{key}` item is not a pair: {item:?}")),
        })
        .collect()
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}:\n      got  {got:?}\n      want {want:?}"))
    }
}

// ---- errors ----

/// The error's attributes by their shared names.
fn error_attr(err: &Error, key: &str) -> Option<Value> {
    let opt = |o: &Option<String>| o.clone().map_or(Value::Null, Value::from);
    let v = match (err, key) {
        (_, "type") => Value::from(err.kind()),
        (_, "message") => Value::String(err.to_string().into()),
        (Error::Validation(e), "field") => Value::from(e.field.as_str()),
        (Error::Validation(e), "expected") => Value::from(e.expected.as_str()),
        (Error::Validation(e), "got") => Value::from(e.got.as_str()),
        (Error::Api(e), "code") => Value::Int(e.code),
        (Error::Api(e), "msg") => Value::from(e.msg.as_str()),
        (Error::Api(e), "sub_code") => opt(&e.sub_code),
        (Error::Api(e), "sub_msg") => opt(&e.sub_msg),
        (Error::Api(e), "request_id") => opt(&e.request_id),
        (Error::Api(e), "retryable") => Value::Bool(e.retryable),
        (Error::Api(e), "is_session_error") => Value::Bool(e.is_session_error()),
        (Error::Api(e), "retry_after") => e.retry_after.map_or(Value::Null, Value::from),
        (Error::Signature(e), "reason") => Value::from(e.reason.as_str()),
        _ => return None,
    };
    Some(v)
}

fn check_error(got: &Error, want: &Value) -> Outcome {
    let Value::Object(keys) = want else {
        return Err(format!("`error` is not an object: {want:?}"));
    };
    if want.get("type").is_none() {
        return Err("`error` has no `type`".to_owned());
    }
    let mut problems = Vec::new();
    for (key, expected) in keys {
        match error_attr(got, key) {
            Some(actual) if json_eq(&actual, expected) => {}
            Some(actual) => problems.push(format!(
                "error.{key}:\n      got  {}\n      want {}",
                actual.to_json(),
                expected.to_json()
            )),
            None => problems.push(format!(
                "error.{key}: the {} has no such attribute",
                got.kind()
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    (error was: {got:?})",
            problems.join("\n    ")
        ))
    }
}

fn unexpected_error(err: &Error) -> String {
    format!("unexpected {}: {err}", err.kind())
}

// ---- runners ----

fn run_sign(case: &Value) -> Outcome {
    let params = pairs_of(case, "params")?;
    let secret = need_str(case, "secret")?;
    let method = SignMethod::parse(need_str(case, "sign_method")?).map_err(|e| e.to_string())?;
    same(
        "string_to_sign",
        string_to_sign(&params).as_str(),
        need_str(case, "string_to_sign")?,
    )?;
    match (sign(&params, secret, method), case.get("error")) {
        (Ok(got), None) => same("sign", got.as_str(), need_str(case, "sign")?),
        (Err(e), Some(want)) => check_error(&e.into(), want),
        (Err(e), None) => Err(unexpected_error(&e.into())),
        (Ok(_), Some(_)) => Err("expected an error, the call succeeded".to_owned()),
    }
}

fn run_timestamp(case: &Value) -> Outcome {
    let ms = int_of(case, "timestamp_ms")?.ok_or("no timestamp_ms")?;
    match (format_timestamp(ms), case.get("error")) {
        (Ok(text), None) => same("text", text.as_str(), need_str(case, "text")?),
        (Err(e), Some(want)) => check_error(&Error::Validation(e), want),
        (Ok(text), Some(_)) => Err(format!("expected an error, got {text:?}")),
        (Err(e), None) => Err(unexpected_error(&Error::Validation(e))),
    }
}

fn build_client(case: &Value) -> Result<TopClient, Error> {
    let c = case.get("client").cloned().unwrap_or(Value::Null);
    let s = |k: &str| str_of(&c, k);
    let options = ClientOptions {
        sign_method: s("sign_method"),
        format: s("format"),
        simplify: bool_of(&c, "simplify").ok().flatten(),
        gateway: s("gateway"),
        partner_id: s("partner_id"),
        target_app_key: s("target_app_key"),
    };
    Ok(TopClient::with_options(
        s("app_key").unwrap_or_default(),
        s("app_secret").unwrap_or_default(),
        &options,
    )?)
}

fn run_prepare(case: &Value) -> Outcome {
    let expected = expect_or_error(case)?;
    let method = need_str(case, "method")?;
    // The params go through topwire's JSON reader, like the bindings' values.
    let params = from_json(&case.get("params").cloned().unwrap_or(Value::Null).to_json())
        .map_err(|e| format!("params: {e}"))?;
    let params = with_files(params)?;
    let options = PrepareOptions {
        session: str_of(case, "session").map(str::to_owned),
        timestamp_ms: int_of(case, "timestamp_ms")?.ok_or("no timestamp_ms")?,
        allow_unknown: bool_of(case, "allow_unknown")?.unwrap_or(false),
    };
    let result = build_client(case).and_then(|client| client.prepare(method, &params, &options));
    let want = match (result, expected) {
        (Err(e), Err(want)) => return check_error(&e, want),
        (Err(e), Ok(_)) => return Err(unexpected_error(&e)),
        (Ok(req), Err(_)) => return Err(format!("expected an error, got {}", req.url)),
        (Ok(req), Ok(want)) => (req, want),
    };
    let (req, want) = want;
    same("method", req.method, need_str(want, "method")?)?;
    same("url", req.url.as_str(), need_str(want, "url")?)?;
    match str_of(want, "body_base64") {
        Some(b64) => same("body", req.body.as_bytes(), base64_decode(b64)?.as_slice())?,
        None => same("body", req.body.as_form(), Some(need_str(want, "body")?))?,
    }
    same_headers_and_params(&req, want)
}

/// A prepared request's headers and signed params against a case's.
fn same_headers_and_params(req: &PreparedRequest, want: &Value) -> Outcome {
    let headers = Value::Object(
        req.headers()
            .iter()
            .map(|(k, v)| ((*k).to_owned().into(), Value::from(*v)))
            .collect(),
    );
    if !json_eq(&headers, want.get("headers").unwrap_or(&Value::Null)) {
        return Err(format!("headers: got {}", headers.to_json()));
    }
    same("params", req.params(), pairs_of(want, "params")?)
}

/// A case of `tests/vectors/batch.json`, by its `kind`.
fn run_batch(case: &Value) -> Outcome {
    match need_str(case, "kind")? {
        "prepare" => run_batch_prepare(case),
        "parse" => run_batch_parse(case),
        "gateway" => run_batch_gateway(case),
        other => Err(format!("no runner for batch cases of kind {other:?}")),
    }
}

fn run_batch_prepare(case: &Value) -> Outcome {
    let expected = expect_or_error(case)?;
    let Some(Value::List(items)) = case.get("calls") else {
        return Err("no calls".to_owned());
    };
    let mut calls = Vec::new();
    for item in items {
        let params = with_files(
            from_json(&item.get("params").cloned().unwrap_or(Value::Null).to_json())
                .map_err(|e| format!("params: {e}"))?,
        )?;
        let mut call = BatchCall::new(need_str(item, "method")?, params);
        call.session = str_of(item, "session").map(str::to_owned);
        calls.push(call);
    }
    let o = case.get("options").cloned().unwrap_or(Value::Null);
    let options = BatchOptions {
        session: str_of(&o, "session").map(str::to_owned),
        timestamp_ms: int_of(&o, "timestamp_ms")?.ok_or("no timestamp_ms")?,
        separator: str_of(&o, "separator").map(str::to_owned),
        batch_url: str_of(&o, "batch_url").map(str::to_owned),
    };
    let result = build_client(case)
        .and_then(|client| client.prepare_batch(&calls, &options).map_err(Error::from));
    let (req, want) = match (result, expected) {
        (Err(e), Err(want)) => return check_error(&e, want),
        (Err(e), Ok(_)) => return Err(unexpected_error(&e)),
        (Ok(req), Err(_)) => return Err(format!("expected an error, got {}", req.url)),
        (Ok(req), Ok(want)) => (req, want),
    };
    same("method", req.method, need_str(want, "method")?)?;
    same("url", req.url.as_str(), need_str(want, "url")?)?;
    same("body", req.body.as_text(), Some(need_str(want, "body")?))?;
    same_headers_and_params(&req, want)
}

fn run_batch_parse(case: &Value) -> Outcome {
    let client = TopClient::new("12345678", "secret").map_err(|e| e.to_string())?;
    let Some(Value::List(names)) = case.get("methods") else {
        return Err("no methods".to_owned());
    };
    let methods: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
    let separator = str_of(case, "separator").unwrap_or(topwire::batch::DEFAULT_SEPARATOR);
    let body = need_str(case, "body")?;
    let result = client.parse_batch_separated(&methods, separator, body.as_bytes());
    let (items, want) = match (result, expect_or_error(case)?) {
        (Err(e), Err(want)) => return check_error(&e, want),
        (Err(e), Ok(_)) => return Err(unexpected_error(&e)),
        (Ok(items), Err(_)) => return Err(format!("expected an error, got {} items", items.len())),
        (Ok(items), Ok(Value::List(want))) => (items, want),
        (Ok(_), Ok(other)) => return Err(format!("expect is not a list: {other:?}")),
    };
    same("number of items", items.len(), want.len())?;
    for (i, (item, w)) in items.into_iter().zip(want).enumerate() {
        match (item, w.get("data"), w.get("error")) {
            (Ok(data), Some(d), None) if json_eq(&data, d) => {}
            (Err(e), None, Some(err)) => {
                check_error(&Error::from(e), err).map_err(|why| format!("item {i}: {why}"))?;
            }
            (got, _, _) => return Err(format!("item {i}: got {got:?}, want {}", w.to_json())),
        }
    }
    Ok(())
}

fn run_batch_gateway(case: &Value) -> Outcome {
    let config =
        GatewayConfig::from_json(&case.get("config").cloned().unwrap_or(Value::Null).to_json())
            .map_err(|e| e.to_string())?;
    let req = case.get("request").ok_or("no request")?;
    let headers = pairs_of(req, "headers")?;
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = GatewayRequest {
        method: need_str(req, "method")?,
        url: need_str(req, "target")?,
        headers: &headers,
        body: need_str(req, "body")?.as_bytes(),
    };
    let now = int_of(case, "now_ms")?.ok_or("no now_ms")?;
    let reply = Gateway::new(config).handle(&request, now);
    let want = case.get("reply").ok_or("no reply")?;
    same(
        "status",
        i64::from(reply.status),
        int_of(want, "status")?.unwrap_or(0),
    )?;
    same("body", reply.body.as_str(), need_str(want, "body")?)
}

/// Objects with a `file_base64` key are files (`tests/README.md`), at any depth.
fn with_files(v: Value) -> Result<Value, String> {
    Ok(match v {
        Value::Object(pairs) => {
            if let Some(b64) = pairs
                .iter()
                .find(|(k, _)| k == "file_base64")
                .and_then(|(_, v)| v.as_str())
            {
                let text = |key: &str| {
                    pairs
                        .iter()
                        .find(|(k, _)| k == key)
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_owned)
                };
                return Ok(Value::File(FileItem {
                    content: base64_decode(b64)?,
                    filename: text("filename"),
                    content_type: text("content_type"),
                }));
            }
            Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| with_files(v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            )
        }
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(with_files)
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    })
}

fn run_spi(case: &Value) -> Outcome {
    let expected = expect_or_error(case)?;
    let headers = pairs_of(case, "headers")?;
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = SpiRequest {
        query: need_str(case, "query")?,
        headers: &header_refs,
        body: need_str(case, "body")?.as_bytes(),
        content_type: str_of(case, "content_type"),
    };
    let now = int_of(case, "now_ms")?.ok_or("no now_ms")?;
    let skew = int_of(case, "max_skew_ms")?.unwrap_or(DEFAULT_SPI_SKEW_MS);
    match (
        verify_spi(&req, need_str(case, "secret")?, now, skew),
        expected,
    ) {
        (Ok(()), Ok(want)) => same("expect", Some("ok"), want.as_str()),
        (Err(e), Err(want)) => check_error(&e, want),
        (Err(e), Ok(_)) => Err(unexpected_error(&e)),
        (Ok(()), Err(_)) => Err("expected an error, got ok".to_owned()),
    }
}

fn run_parse(case: &Value) -> Outcome {
    let expected = expect_or_error(case)?;
    let body = match (str_of(case, "body"), str_of(case, "body_base64")) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(b64)) => base64_decode(b64)?,
        _ => return Err("case needs exactly one of `body` and `body_base64`".to_owned()),
    };
    // The body decides what it is; the client's `simplify` option does not
    // (the Node and Python runners make their client with it).
    bool_of(case, "simplify")?;
    let parsed = parse_spanned(need_str(case, "method")?, &body);
    if let Ok(Parsed {
        data,
        verbatim: Some(range),
    }) = &parsed
    {
        verbatim_is_data(&body, range, data)?;
    }
    match (parsed.map(|p| p.data), expected) {
        (Ok(data), Ok(want)) if json_eq(&data, want) => Ok(()),
        (Ok(data), Ok(want)) => Err(format!(
            "data:\n      got  {}\n      want {}",
            data.to_json(),
            want.to_json()
        )),
        (Err(e), Err(want)) => check_error(&e, want),
        (Err(e), Ok(_)) => Err(unexpected_error(&e)),
        (Ok(data), Err(_)) => Err(format!("expected an error, got {}", data.to_json())),
    }
}

/// The range `parse_spanned` hands to native JSON parsers must hold exactly
/// the data.
fn verbatim_is_data(
    body: &[u8],
    range: &std::ops::Range<usize>,
    data: &Value,
) -> Result<(), String> {
    let slice = body
        .get(range.clone())
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(|| format!("verbatim range {range:?} is not UTF-8 text of the body"))?;
    match from_json(slice) {
        Ok(v) if &v == data => Ok(()),
        _ => Err(format!(
            "verbatim range {range:?} holds {slice:?}, not the data {}",
            data.to_json()
        )),
    }
}
