//! The boundary itself, as a C host meets it: statuses, error records,
//! null pointers, invalid UTF-8, exact numbers, ownership, threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::ffi::CStr;
use std::ptr;

use common::{empty, outcome, take_text, Failure};
use topwire::{from_json, Value};
use topwire_c::{
    topwire_buffer_free, topwire_client_free, topwire_client_new, topwire_parse,
    topwire_parse_batch, topwire_prepare, topwire_prepare_batch, topwire_request_free,
    topwire_verify_spi, topwire_version, TopwireBuffer, TopwireClient, TopwireRequest,
    TopwireStatus,
};

const OPTIONS: &str = r#"{"appKey":"12345678","appSecret":"s3cr3t-app-secret","signMethod":"md5"}"#;
const VERIFY: &str = "taobao.travel.ticket.order.verify";
const TS: &str = r#"{"timestamp":1700000000000}"#;

fn record(f: &Failure) -> String {
    f.record.to_json()
}

fn field(f: &Failure) -> &str {
    f.record.get("field").and_then(Value::as_str).unwrap_or("")
}

#[test]
fn version_is_the_crate_version() {
    // SAFETY: a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(topwire_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn a_call_prepares_exactly_what_the_core_prepares() {
    let client = common::client(OPTIONS).unwrap();
    let params = r#"{"order_id":12345678,"check_num":1}"#;
    let req = common::prepare(&client, VERIFY, Some(params), Some(TS)).unwrap();
    let core = topwire::TopClient::new("12345678", "s3cr3t-app-secret")
        .unwrap()
        .with_sign_method(topwire::SignMethod::Md5);
    let options = topwire::PrepareOptions {
        timestamp_ms: 1_700_000_000_000,
        ..Default::default()
    };
    let want = core
        .prepare(VERIFY, &from_json(params).unwrap(), &options)
        .unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, want.url);
    assert_eq!(req.body, want.body.as_bytes());
    assert_eq!(
        req.headers.to_json(),
        r#"{"Content-Type":"application/x-www-form-urlencoded;charset=utf-8"}"#
    );
    let last = match &req.params {
        Value::List(pairs) => pairs.last().unwrap().to_json(),
        other => panic!("{other:?}"),
    };
    assert!(last.starts_with(r#"["sign",""#), "{last}");
}

#[test]
fn numbers_cross_exactly_both_ways() {
    let client = common::client(OPTIONS).unwrap();
    let params = r#"{"big":18446744073709551615,"id":2106027287988611313,"neg":-9223372036854775808,
        "huge":123456789012345678901234567890,"fraction":0.1000000000000000055511151231257827,"exp":1E400}"#;
    let req = common::prepare(&client, "taobao.custom.call", Some(params), Some(TS)).unwrap();
    assert_eq!(
        String::from_utf8(req.body).unwrap(),
        "big=18446744073709551615&id=2106027287988611313&neg=-9223372036854775808\
         &huge=123456789012345678901234567890&fraction=0.1000000000000000055511151231257827&exp=1E400"
    );
    let reply = r#"{"custom_call_response":{"id":2106027287988611313,"big":123456789012345678901234567890,"price":0.30000000000000000001}}"#;
    let data = common::parse(&client, "taobao.custom.call", reply.as_bytes()).unwrap();
    assert_eq!(
        data,
        r#"{"id":2106027287988611313,"big":123456789012345678901234567890,"price":0.30000000000000000001}"#
    );
}

#[test]
fn api_errors_carry_every_field() {
    let client = common::client(OPTIONS).unwrap();
    let body = r#"{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 23 more seconds","request_id":"abc"}}"#;
    let f = common::parse(&client, VERIFY, body.as_bytes()).unwrap_err();
    assert_eq!(f.status, TopwireStatus::ApiError);
    assert_eq!(
        record(&f),
        r#"{"kind":"ApiError","message":"TOP error 7: App Call Limited (accesscontrol.limited-by-app-access-count: This ban will last for 23 more seconds) [request_id abc]","code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 23 more seconds","request_id":"abc","retryable":true,"retry_after":23,"is_session_error":false}"#
    );
    let f = common::parse(
        &client,
        VERIFY,
        br#"{"error_response":{"code":25,"msg":"Invalid signature"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        record(&f),
        r#"{"kind":"ApiError","message":"TOP error 25: Invalid signature","code":25,"msg":"Invalid signature","sub_code":null,"sub_msg":null,"request_id":null,"retryable":false,"retry_after":null,"is_session_error":false}"#
    );
}

#[test]
fn each_error_kind_has_its_status() {
    let client = common::client(OPTIONS).unwrap();
    let f = common::parse(&client, VERIFY, b"<html>busy</html>").unwrap_err();
    assert_eq!(f.status, TopwireStatus::DecodeError);
    assert_eq!(f.record.get("kind"), Some(&Value::from("DecodeError")));
    let f = common::verify_spi(
        r#"{"query":"timestamp=2023-11-15 06:13:20","secret":"x","now":1700000000000}"#,
        b"",
    )
    .unwrap_err();
    assert_eq!(f.status, TopwireStatus::SignatureError);
    assert_eq!(f.record.get("reason"), Some(&Value::from("missing_sign")));
    let f = common::prepare(&client, VERIFY, Some(r#"{"order_id":"x"}"#), Some(TS)).unwrap_err();
    assert_eq!(f.status, TopwireStatus::ValidationError);
    assert_eq!(field(&f), "order_id");
}

#[test]
fn options_are_checked_by_name() {
    let f = common::client(r#"{"appKey":"1","appSecret":"s","sign_method":"md5"}"#).unwrap_err();
    assert_eq!(f.status, TopwireStatus::ValidationError);
    assert_eq!(field(&f), "sign_method");
    assert_eq!(
        f.record.get("expected"),
        Some(&Value::from("a known option (did you mean signMethod?)"))
    );
    let f = common::client(r#"{"appKey":"1","appSecret":"s","simplify":"yes"}"#).unwrap_err();
    assert_eq!(
        record(&f),
        r#"{"kind":"ValidationError","message":"simplify: expected a boolean, got a string","field":"simplify","expected":"a boolean","got":"a string"}"#
    );
    let f = common::client(r#"{"appKey":"1"}"#).unwrap_err();
    assert_eq!(
        record(&f),
        r#"{"kind":"ValidationError","message":"appSecret: expected a non-empty app secret, got none","field":"appSecret","expected":"a non-empty app secret","got":"none"}"#
    );
    let f = common::client(r#"{"appKey":"1","appSecret":"s","signMethod":"sha1"}"#).unwrap_err();
    assert_eq!(field(&f), "signMethod");
    let f = common::client("[1]").unwrap_err();
    assert_eq!(field(&f), "options");
    let f = common::client(r#"{"appKey":"1","#).unwrap_err();
    assert_eq!(field(&f), "options");
    let client = common::client(OPTIONS).unwrap();
    let f = common::prepare(&client, VERIFY, None, Some(r#"{"sesion":"s"}"#)).unwrap_err();
    assert_eq!(field(&f), "sesion");
    let f = common::prepare(&client, VERIFY, None, Some(r#"{"timestamp":1.5}"#)).unwrap_err();
    assert_eq!(field(&f), "timestamp");
}

#[test]
fn the_secret_never_appears_in_a_record() {
    let secret = "s3cr3t-app-secret";
    let f = common::client(&format!(
        r#"{{"appKey":"1","appSecret":"{secret}","format":"x"}}"#
    ))
    .unwrap_err();
    assert_eq!(field(&f), "format");
    assert!(!record(&f).contains(secret), "{}", record(&f));
    let client = common::client(OPTIONS).unwrap();
    let f = common::prepare(&client, VERIFY, Some("[]"), Some(TS)).unwrap_err();
    assert_eq!(field(&f), "params");
    assert!(!record(&f).contains(secret), "{}", record(&f));
}

/// Calls `topwire_prepare` with raw arguments, as a careless C caller might.
fn raw_prepare(
    client: *const TopwireClient,
    method: (*const u8, usize),
    params: (*const u8, usize),
    out: *mut *mut TopwireRequest,
) -> Result<(), Failure> {
    let mut error = empty();
    let (o, on) = (TS.as_ptr(), TS.len());
    // SAFETY: every non-null pointer is valid for its length.
    let status = unsafe {
        topwire_prepare(
            client,
            method.0.cast(),
            method.1,
            params.0.cast(),
            params.1,
            o.cast(),
            on,
            ptr::null(),
            0,
            out,
            &mut error,
        )
    };
    let result = outcome(status, error);
    if result.is_ok() && !out.is_null() {
        // SAFETY: `out` now holds a request made by this call.
        unsafe { topwire_request_free(*out) };
    }
    result
}

#[test]
fn null_pointers_are_errors_naming_the_argument() {
    let client = common::client(OPTIONS).unwrap();
    let m = (VERIFY.as_ptr(), VERIFY.len());
    let none = (ptr::null(), 0);
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let f = raw_prepare(ptr::null(), m, none, &mut out).unwrap_err();
    assert_eq!(
        (f.status, field(&f)),
        (TopwireStatus::ValidationError, "client")
    );
    let f = raw_prepare(client.0, (ptr::null(), 5), none, &mut out).unwrap_err();
    assert_eq!(field(&f), "method");
    let f = raw_prepare(client.0, m, none, ptr::null_mut()).unwrap_err();
    assert_eq!(field(&f), "out");
    assert!(out.is_null(), "nothing written on failure");
    // Null params mean none.
    raw_prepare(client.0, m, none, &mut out).unwrap();
    assert!(!out.is_null());
    // ... only with length 0: a length says something was meant and lost.
    let f = raw_prepare(client.0, m, (ptr::null(), 2), &mut out).unwrap_err();
    assert_eq!(
        (
            f.status,
            field(&f),
            f.record.get("got").and_then(Value::as_str)
        ),
        (
            TopwireStatus::ValidationError,
            "params",
            Some("a null pointer with a non-zero length")
        )
    );
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let mut error = empty();
    // SAFETY: null options with a length are what is being refused.
    let status = unsafe {
        topwire_prepare(
            client.0,
            m.0.cast(),
            m.1,
            ptr::null(),
            0,
            ptr::null(),
            7,
            ptr::null(),
            0,
            &mut out,
            &mut error,
        )
    };
    let f = outcome(status, error).unwrap_err();
    assert_eq!(field(&f), "options");
    assert!(record(&f).contains("a null pointer with a non-zero length"));
    assert!(out.is_null(), "nothing written on failure");

    let mut data = empty();
    let mut error = empty();
    // SAFETY: a null body with a length is what is being refused.
    let status = unsafe {
        topwire_parse(
            client.0,
            VERIFY.as_ptr().cast(),
            VERIFY.len(),
            ptr::null(),
            3,
            &mut data,
            &mut error,
        )
    };
    let f = outcome(status, error).unwrap_err();
    assert_eq!(field(&f), "body");
    assert!(data.ptr.is_null());

    let mut handle: *mut TopwireClient = ptr::null_mut();
    let mut error = empty();
    // SAFETY: null options are what is being refused.
    let status = unsafe { topwire_client_new(ptr::null(), 0, &mut handle, &mut error) };
    assert_eq!(field(&outcome(status, error).unwrap_err()), "options");
    assert!(handle.is_null());

    // A null `error` still gets the status.
    // SAFETY: null body with length 0 is an empty body.
    let status = unsafe { topwire_verify_spi(ptr::null(), 0, ptr::null(), 0, ptr::null_mut()) };
    assert_eq!(status, TopwireStatus::ValidationError);
}

#[test]
fn invalid_utf8_is_an_error_not_a_guess() {
    let client = common::client(OPTIONS).unwrap();
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let bad = b"taobao.\xff.verify";
    let f = raw_prepare(
        client.0,
        (bad.as_ptr(), bad.len()),
        (ptr::null(), 0),
        &mut out,
    )
    .unwrap_err();
    assert_eq!(
        record(&f),
        r#"{"kind":"ValidationError","message":"method: expected UTF-8 text, got invalid UTF-8 at byte 7","field":"method","expected":"UTF-8 text","got":"invalid UTF-8 at byte 7"}"#
    );
    let params = b"{\"order_id\":\"\xc3\"}";
    let m = (VERIFY.as_ptr(), VERIFY.len());
    let f = raw_prepare(client.0, m, (params.as_ptr(), params.len()), &mut out).unwrap_err();
    assert_eq!(field(&f), "params");
    // A NUL is an ordinary byte, not the end of the text.
    let nul = b"taobao.time.get\0.x";
    let f = raw_prepare(
        client.0,
        (nul.as_ptr(), nul.len()),
        (ptr::null(), 0),
        &mut out,
    )
    .unwrap_err();
    assert_eq!(field(&f), "method");
    assert!(
        record(&f).contains(r#"\"taobao.time.get\\0.x\""#),
        "{}",
        record(&f)
    );
    // A reply that is not UTF-8 is the core's DecodeError.
    let f = common::parse(&client, VERIFY, b"{\"a\":\"\xff\"}").unwrap_err();
    assert_eq!(f.status, TopwireStatus::DecodeError);
}

#[test]
fn freeing_is_idempotent_and_null_safe() {
    let mut error = empty();
    let options = "{}";
    let mut handle: *mut TopwireClient = ptr::null_mut();
    // SAFETY: valid pointers; the call fails (no app key).
    let status = unsafe { topwire_client_new(options.as_ptr().cast(), 2, &mut handle, &mut error) };
    assert_eq!(status, TopwireStatus::ValidationError);
    assert!(!error.ptr.is_null() && error.len > 0);
    // SAFETY: a buffer topwire filled; freeing it twice leaves it empty.
    unsafe {
        topwire_buffer_free(&mut error);
        topwire_buffer_free(&mut error);
        topwire_buffer_free(ptr::null_mut());
        topwire_client_free(ptr::null_mut());
        topwire_request_free(ptr::null_mut());
    }
    assert!(error.ptr.is_null() && error.len == 0);
    let _: TopwireBuffer = error;
}

#[test]
fn one_client_serves_several_threads_at_once() {
    let client = common::client(OPTIONS).unwrap();
    let params = r#"{"order_id":2106027287988611313,"check_num":1}"#;
    let reply = br#"{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"r"}}"#;
    let want = common::prepare(&client, VERIFY, Some(params), Some(TS)).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..200 {
                    let got = common::prepare(&client, VERIFY, Some(params), Some(TS)).unwrap();
                    assert_eq!((&got.url, &got.body), (&want.url, &want.body));
                    let data = common::parse(&client, VERIFY, reply).unwrap();
                    assert_eq!(data, r#"{"is_success":true,"request_id":"r"}"#);
                }
            });
        }
    });
}

#[test]
fn sign_and_spi_take_json_inputs() {
    let pairs = r#"[["method","taobao.user.seller.get"],["timestamp","2013-05-06 13:52:03"],["format","xml"],["app_key","test"],["v","2.0"],["fields","nick"],["sign_method","md5"],["session","test"]]"#;
    assert_eq!(
        common::sign(pairs, "test", "md5").unwrap(),
        "72CB4D809B375A54502C09360D879C64"
    );
    let object = r#"{"method":"taobao.user.seller.get","timestamp":"2013-05-06 13:52:03","format":"xml","app_key":"test","v":"2.0","fields":"nick","sign_method":"md5","session":"test"}"#;
    assert_eq!(
        common::sign(object, "test", "md5").unwrap(),
        "72CB4D809B375A54502C09360D879C64"
    );
    let f = common::sign(r#"{"a":[1]}"#, "test", "md5").unwrap_err();
    assert_eq!(field(&f), "a");
    let f = common::sign("{}", "test", "sha1").unwrap_err();
    assert_eq!(field(&f), "sign_method");
    let f = common::verify_spi(r#"{"query":"","secret":"x","headerz":[]}"#, b"").unwrap_err();
    assert_eq!(field(&f), "headerz");
    let text = take_text(empty());
    assert!(text.is_empty());
}

#[test]
fn lone_surrogates_are_refused_naming_the_member() {
    let lone = |f: &Failure| {
        assert_eq!(f.status, TopwireStatus::ValidationError, "{}", record(f));
        assert_eq!(
            f.record.get("got"),
            Some(&Value::from("a lone surrogate (half of a UTF-16 pair)"))
        );
    };
    let f = common::client(r#"{"appKey":"1","appSecret":"x\ud800"}"#).unwrap_err();
    lone(&f);
    assert_eq!(field(&f), "appSecret");
    let client = common::client(OPTIONS).unwrap();
    let f = common::prepare(
        &client,
        "taobao.custom.call",
        Some(r#"{"a":{"b":["x\udc00"]}}"#),
        Some(TS),
    )
    .unwrap_err();
    lone(&f);
    assert_eq!(field(&f), "a.b[0]");
    let f = common::prepare(
        &client,
        VERIFY,
        None,
        Some(r#"{"session":"\ud83d","timestamp":1}"#),
    )
    .unwrap_err();
    lone(&f);
    assert_eq!(field(&f), "session");
    let f = common::sign(r#"{"k":"x\ud800"}"#, "secret", "md5").unwrap_err();
    lone(&f);
    assert_eq!(field(&f), "k");
    // A pair is text, not a lone half.
    assert!(common::sign(r#"{"k":"x\ud83d\ude00"}"#, "secret", "md5").is_ok());
}

#[test]
fn parameters_nest_64_levels_as_in_every_language() {
    let client = common::client(OPTIONS).unwrap();
    let nested = |levels: usize| format!("{}1{}", r#"{"k":"#.repeat(levels), "}".repeat(levels));
    common::prepare(&client, "taobao.custom.call", Some(&nested(64)), Some(TS)).unwrap();
    let f =
        common::prepare(&client, "taobao.custom.call", Some(&nested(65)), Some(TS)).unwrap_err();
    assert_eq!(f.status, TopwireStatus::ValidationError);
    assert_eq!(
        f.record.get("expected"),
        Some(&Value::from("at most 64 levels of nesting"))
    );
    assert_eq!(field(&f), vec!["k"; 64].join("."));
}

#[test]
fn files_make_a_multipart_request_of_bytes() {
    let client = common::client(OPTIONS).unwrap();
    let png = b"\x89PNG\r\n\x1a\n\x00\xff".to_vec();
    let file = common::File {
        name: "img_bytes".to_owned(),
        content: png.clone(),
        filename: Some("qr.png".to_owned()),
        content_type: Some("image/png".to_owned()),
    };
    let options = r#"{"timestamp":1700000000000,"session":"s"}"#;
    let req = common::prepare_files(
        &client,
        "taobao.eticket.merchant.img.upload",
        None,
        Some(options),
        &[file],
    )
    .unwrap();
    let content_type = req
        .headers
        .get("Content-Type")
        .and_then(Value::as_str)
        .unwrap();
    let boundary = content_type.rsplit("boundary=").next().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"img_bytes\"; filename=\"qr.png\"\r\nContent-Type: image/png\r\n\r\n"
    );
    let mut want = head.into_bytes();
    want.extend_from_slice(&png);
    want.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(req.body, want, "{:?}", String::from_utf8_lossy(&req.body));

    let bad = common::File {
        name: "img_bytes".to_owned(),
        content: vec![1],
        filename: Some("a\"b".to_owned()),
        content_type: None,
    };
    let f =
        common::prepare_files(&client, "taobao.custom.upload", None, Some(TS), &[bad]).unwrap_err();
    assert_eq!(field(&f), "img_bytes.filename");
    let f = common::prepare_files(
        &client,
        "taobao.custom.upload",
        Some("[1]"),
        Some(TS),
        &[common::File {
            name: "f".to_owned(),
            content: vec![1],
            filename: None,
            content_type: None,
        }],
    )
    .unwrap_err();
    assert_eq!(field(&f), "params");
}

#[test]
fn batch_calls_cross_the_abi() {
    let client = common::client(OPTIONS).unwrap();
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let mut error = empty();
    // SAFETY: null calls with a length are what is being refused.
    let status = unsafe {
        topwire_prepare_batch(
            client.0,
            ptr::null(),
            2,
            ptr::null(),
            0,
            &mut out,
            &mut error,
        )
    };
    assert_eq!(field(&outcome(status, error).unwrap_err()), "calls");
    assert!(out.is_null(), "nothing written on failure");
    let f = common::prepare_batch(&client, r#"{"method":"taobao.time.get"}"#, None).unwrap_err();
    assert_eq!(
        (field(&f), f.record.get("expected").and_then(Value::as_str)),
        ("calls", Some("an array of calls"))
    );
    // Null options: every default, the clock's timestamp included.
    let req = common::prepare_batch(
        &client,
        r#"[{"method":"taobao.time.get","params":null}]"#,
        None,
    )
    .unwrap();
    assert_eq!(req.body, b"method=taobao.time.get");
    assert!(req
        .url
        .starts_with("https://eco.taobao.com/router/batch?app_key=12345678&"));

    let mut data = empty();
    let mut error = empty();
    let methods = r#"["taobao.time.get"]"#;
    // SAFETY: a null separator (the default) and a null body with a length.
    let status = unsafe {
        topwire_parse_batch(
            client.0,
            methods.as_ptr().cast(),
            methods.len(),
            ptr::null(),
            0,
            ptr::null(),
            3,
            &mut data,
            &mut error,
        )
    };
    assert_eq!(field(&outcome(status, error).unwrap_err()), "body");
    let f = common::parse_batch(&client, r#"["taobao.time.get", 1]"#, None, b"{}").unwrap_err();
    assert_eq!(field(&f), "methods[1]");
    // A 64-bit id crosses exactly, the reply's own text handed back.
    let body = br#"{"time_get_response":{"id":18446744073709551615}}#S#{"error_response":{"code":7,"msg":"App Call Limited"}}"#;
    let text = common::parse_batch(
        &client,
        r#"["taobao.time.get","taobao.time.get"]"#,
        Some("#S#"),
        body,
    )
    .unwrap();
    assert_eq!(
        text,
        r#"[{"data":{"id":18446744073709551615}},{"error":{"kind":"ApiError","message":"TOP error 7: App Call Limited","code":7,"msg":"App Call Limited","sub_code":null,"sub_msg":null,"request_id":null,"retryable":true,"retry_after":null,"is_session_error":false}}]"#
    );
}

// ---- TMC ----

#[test]
fn a_tmc_session_through_the_c_abi() {
    use common::tmc::{decode_frame, encode_frame, Session};
    let t0 = 1_700_000_000_000;
    let mut s = Session::new(r#"{"appKey":"12345678","appSecret":"SECRET","pullIntervalMs":1000}"#)
        .unwrap();
    let connect = decode_frame(&s.connect(t0)).unwrap();
    assert_eq!(s.next_deadline(), None);
    let ack = format!(
        r#"{{"type":"connectack","flag":{},"token":"tok"}}"#,
        connect.get("flag").unwrap().to_json()
    );
    s.receive(&encode_frame(&ack).unwrap(), t0).unwrap();
    assert_eq!(
        s.state().to_json(),
        r#"{"appKey":"12345678","groupName":"default","state":"online","token":"tok"}"#
    );
    // A pull at once, as JSON with the frame's bytes.
    let actions = s.poll(t0);
    let Some(Value::List(pull)) = (match &actions {
        Value::List(a) => a.first(),
        _ => None,
    })
    .and_then(|a| a.get("bytes")) else {
        panic!("{}", actions.to_json())
    };
    let pull: Vec<u8> = pull
        .iter()
        .map(|b| match b {
            Value::Int(n) => u8::try_from(*n).unwrap(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        decode_frame(&pull).unwrap().to_json(),
        r#"{"type":"send","token":"tok","content":[["__kind","byte",1]]}"#
    );
    assert_eq!(s.next_deadline(), Some(t0 + 1000));
    // A message: its id exact in the JSON, its confirm exact in the frame.
    let data = r#"{"type":"send","token":"tok","content":[["__kind","byte",3],["id","int64",2131800080537681929],["topic","string","t"],["content","string","{}"]]}"#;
    let events = s.receive(&encode_frame(data).unwrap(), t0).unwrap();
    assert_eq!(
        events.to_json(),
        r#"[{"type":"message","message":{"id":2131800080537681929,"topic":"t","content":"{}","compressed":false,"extra":[]}}]"#
    );
    let confirm = decode_frame(&s.confirm(2_131_800_080_537_681_929).unwrap()).unwrap();
    assert!(
        confirm
            .to_json()
            .ends_with(r#"["id","int64",2131800080537681929]]}"#),
        "{}",
        confirm.to_json()
    );
    // Closed: a reconnect after 10 s; confirm is refused meanwhile.
    s.closed(t0 + 5);
    assert_eq!(s.next_deadline(), Some(t0 + 10_005));
    assert_eq!(s.poll(t0 + 10_005).to_json(), r#"[{"type":"reconnect"}]"#);
    let e = s.confirm(1).unwrap_err();
    assert_eq!(e.status, TopwireStatus::ValidationError);
    assert_eq!(field(&e), "session");
    // Options are strict; the secret never shows.
    let e = Session::new(r#"{"appKey":"k","appSecret":"hush-hush","pullInterval":1}"#).unwrap_err();
    assert_eq!(field(&e), "pullInterval");
    assert!(!record(&e).contains("hush-hush"));
    let e = decode_frame(&[2, 2, 9, 0]).unwrap_err();
    assert_eq!(e.status, TopwireStatus::DecodeError);
}
