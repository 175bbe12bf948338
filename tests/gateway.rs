//! The local gateway, driven by requests that `prepare` builds (and by hand-
//! written ones), answered replies parsed back with `parse`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use topwire::gateway::{
    Gateway, GatewayConfig, GatewayRequest, GatewayResponse, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use topwire::{ApiError, ClientOptions, Error, PrepareOptions, PreparedRequest, TopClient, Value};

const NOW: i64 = 1_700_000_000_000;
const VERIFY: &str = "taobao.travel.ticket.order.verify";
const RESEND: &str = "taobao.eticket.merchant.ma.resend";
const RESERVE: &str = "alibaba.alsc.daodian.ticket.reserve";

fn client(opts: ClientOptions<'_>) -> TopClient {
    let opts = ClientOptions {
        gateway: Some("http://127.0.0.1:8080/router/rest"),
        ..opts
    };
    TopClient::with_options(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, &opts).unwrap()
}

fn send(gw: &Gateway, req: &PreparedRequest, now: i64) -> GatewayResponse {
    gw.handle(
        &GatewayRequest {
            method: req.method,
            url: &req.url,
            headers: &req.headers(),
            body: req.body.as_bytes(),
        },
        now,
    )
}

fn call(
    gw: &Gateway,
    c: &TopClient,
    method: &str,
    params: &str,
    session: Option<&str>,
) -> Result<Value, Error> {
    let params = topwire::from_json(params).unwrap();
    let opts = PrepareOptions {
        session: session.map(str::to_owned),
        timestamp_ms: NOW,
        allow_unknown: true,
    };
    let req = c.prepare(method, &params, &opts).unwrap();
    let resp = send(gw, &req, NOW);
    assert_eq!(resp.status, 200, "{}", resp.body);
    c.parse(method, resp.body.as_bytes())
}

fn api_error(r: Result<Value, Error>) -> ApiError {
    match r {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an ApiError, got {other:?}"),
    }
}

const VERIFY_PARAMS: &str = r#"{"order_id": 12345678, "check_num": 1, "voucher_infos": [{"confirm_code": "2516352", "used_quantity": 1, "used_date": "2020-01-11 14:00:00"}], "write_off_type": 0}"#;
const RESEND_PARAMS: &str = r#"{"biz_type": 3001, "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "111.png"}], "outer_id": "1753340805138544", "token": "31231231231"}"#;
const RESERVE_PARAMS: &str = r#"{"ticket_reverse_top_request": {"ticket_use_trans_id": "2106027287988611313", "biz_date": "2022-08-11 11:11:11", "request_id": "20190729111040030200660600011777", "ticket_id": "2208191159703216457"}}"#;

#[test]
fn seed_calls_get_the_sample_responses_in_every_format() {
    let gw = Gateway::default();
    for (format, simplify) in [("json", false), ("json", true), ("xml", false)] {
        for sign_method in ["md5", "hmac", "hmac-sha256"] {
            let c = client(ClientOptions {
                format: Some(format),
                simplify: Some(simplify),
                sign_method: Some(sign_method),
                ..Default::default()
            });
            let v = call(&gw, &c, VERIFY, VERIFY_PARAMS, None).unwrap();
            assert_eq!(
                v.get("is_success"),
                Some(&Value::Bool(true)),
                "{format} {simplify} {sign_method}"
            );
            assert!(v
                .get("request_id")
                .and_then(Value::as_str)
                .is_some_and(|s| s.len() == 13));

            let v = call(&gw, &c, RESEND, RESEND_PARAMS, Some("session-1")).unwrap();
            assert_eq!(
                v.get("ret_code").and_then(Value::as_str),
                Some("isv.success-all")
            );
            assert_eq!(v.get("ret_msg").and_then(Value::as_str), Some("操作成功"));
            assert_eq!(
                v.get("resp_body")
                    .and_then(|b| b.get("attribute_map"))
                    .and_then(Value::as_str),
                Some("{}")
            );

            let v = call(&gw, &c, RESERVE, RESERVE_PARAMS, None).unwrap();
            let result = v.get("result").unwrap();
            assert_eq!(result.get("success"), Some(&Value::Bool(true)));
            assert_eq!(result.get("retry"), Some(&Value::Bool(false)));
            // A success carries no error text (the platform's own sample did).
            assert_eq!(result.get("error_msg"), None);
        }
    }
}

/// A call signed by hand with md5, as a raw HTTP client would send it.
fn hand_signed(extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("app_key", DEFAULT_APP_KEY),
        ("timestamp", "2023-11-15 06:13:20"),
        ("v", "2.0"),
        ("sign_method", "md5"),
        ("format", "json"),
    ];
    params.extend_from_slice(extra);
    let sign = topwire::sign(&params, DEFAULT_APP_SECRET, topwire::SignMethod::Md5).unwrap();
    let mut query = form_urlencoded::Serializer::new(String::from("/router/rest?"));
    query.extend_pairs(params.iter()).append_pair("sign", &sign);
    query.finish()
}

fn get(gw: &Gateway, url: &str, now: i64) -> Result<Value, Error> {
    let resp = gw.handle(
        &GatewayRequest {
            method: "GET",
            url,
            headers: &[],
            body: b"",
        },
        now,
    );
    topwire::parse("taobao.any.method", resp.body.as_bytes())
}

#[test]
fn checks_answer_with_tops_codes() {
    let gw = Gateway::default();
    let c = client(ClientOptions::default());
    // 40: a required argument is missing.
    let url = hand_signed(&[
        ("method", RESEND),
        ("session", "s"),
        ("outer_id", "1"),
        ("token", "t"),
    ]);
    let e = api_error(get(&gw, &url, NOW));
    assert_eq!(
        (e.code, e.msg.as_str(), e.sub_code.as_deref()),
        (
            40,
            "Missing required arguments:isv_ma_list",
            Some("isv.missing-parameter")
        )
    );
    // 40 too for a required list sent as "[]" or a whitespace-only value
    // (the Java SDK never sends those) and for a missing member of JSON
    // text; 41 for a bad one.
    for (list, code, msg) in [
        ("[]", 40, "Missing required arguments:isv_ma_list"),
        (" \u{3000}", 40, "Missing required arguments:isv_ma_list"),
        (
            r#"[{"code":"a"}]"#,
            40,
            "Missing required arguments:isv_ma_list[0].num",
        ),
        (
            r#"[{"code":"a","num":"x"}]"#,
            41,
            "Invalid arguments:isv_ma_list[0].num",
        ),
    ] {
        let url = hand_signed(&[
            ("method", RESEND),
            ("session", "s"),
            ("outer_id", "1"),
            ("token", "t"),
            ("isv_ma_list", list),
        ]);
        let e = api_error(get(&gw, &url, NOW));
        assert_eq!((e.code, e.msg.as_str()), (code, msg), "{list}");
    }
    // 26: the API needs a session.
    let list = r#"[{"code":"a","num":1}]"#;
    let url = hand_signed(&[
        ("method", RESEND),
        ("outer_id", "1"),
        ("token", "t"),
        ("isv_ma_list", list),
    ]);
    assert_eq!(api_error(get(&gw, &url, NOW)).code, 26);
    // 31: eleven minutes late.
    assert_eq!(api_error(get(&gw, &url, NOW + 11 * 60_000)).code, 31);
    // 25: the signature does not cover what was sent.
    let tampered = url.replace("outer_id=1", "outer_id=2");
    assert_eq!(api_error(get(&gw, &tampered, NOW)).code, 25);
    // 22: a method nobody configured.
    let e = api_error(call(
        &gw,
        &c,
        "taobao.user.seller.get",
        r#"{"fields": "nick"}"#,
        None,
    ));
    assert_eq!((e.code, e.msg.as_str()), (22, "Invalid method"));
}

#[test]
fn bad_app_key_missing_method_and_wrong_path() {
    let gw = Gateway::default();
    // 29: an app key the gateway does not know.
    let other = TopClient::new("999", "x").unwrap();
    let req = other
        .prepare(
            VERIFY,
            &Value::Null,
            &PrepareOptions {
                timestamp_ms: NOW,
                ..Default::default()
            },
        )
        .unwrap();
    let e = api_error(other.parse(VERIFY, send(&gw, &req, NOW).body.as_bytes()));
    assert_eq!((e.code, e.msg.as_str()), (29, "Invalid app key"));
    // 21: no method at all; the gateway's default format is xml.
    let resp = gw.handle(
        &GatewayRequest {
            method: "POST",
            url: "/router/rest",
            headers: &[],
            body: b"",
        },
        NOW,
    );
    assert!(resp.body.contains("<code>21</code>"), "{}", resp.body);
    // 404 off the router path.
    assert_eq!(
        gw.handle(
            &GatewayRequest {
                method: "GET",
                url: "/",
                headers: &[],
                body: b""
            },
            NOW
        )
        .status,
        404
    );
}

#[test]
fn bad_value_is_41_naming_the_field() {
    let gw = Gateway::default();
    let c = client(ClientOptions::default());
    // The client would refuse write_off_type 2 itself; send the raw text through allow_unknown's untyped path by hand.
    let params = [
        ("method", VERIFY),
        ("app_key", DEFAULT_APP_KEY),
        ("timestamp", "2023-11-15 06:13:20"),
        ("v", "2.0"),
        ("sign_method", "hmac-sha256"),
        ("format", "json"),
        ("write_off_type", "2"),
    ];
    let sign = topwire::sign(&params, DEFAULT_APP_SECRET, topwire::SignMethod::HmacSha256).unwrap();
    let mut query = form_urlencoded::Serializer::new(String::from("http://127.0.0.1/router/rest?"));
    query.extend_pairs(params.iter()).append_pair("sign", &sign);
    let url = query.finish();
    let resp = gw.handle(
        &GatewayRequest {
            method: "POST",
            url: &url,
            headers: &[],
            body: b"",
        },
        NOW,
    );
    let e = api_error(c.parse(VERIFY, resp.body.as_bytes()));
    assert_eq!(
        (e.code, e.msg.as_str(), e.sub_code.as_deref()),
        (
            41,
            "Invalid arguments:write_off_type",
            Some("isv.invalid-parameter")
        )
    );
    assert_eq!(
        e.sub_msg.as_deref(),
        Some("write_off_type: expected an integer, one of 0, 1, got the string \"2\"")
    );
}

#[test]
fn config_file_sets_apps_sessions_and_canned_replies() {
    let config = GatewayConfig::from_json(
        r#"{"apps": {"k1": "s1"}, "sessions": ["good"], "max_skew_seconds": 60,
            "responses": {"taobao.user.seller.get": {"user": {"nick": "tb", "uid": 9007199254740993}}},
            "errors": {"taobao.trade.get": {"code": 15, "msg": "Remote service error", "sub_code": "isp.down", "sub_msg": "try later"}}}"#,
    )
    .unwrap();
    assert!(
        !format!("{config:?}").contains("s1"),
        "the secret must not be printed"
    );
    let gw = Gateway::new(config);
    let c = TopClient::with_options("k1", "s1", &ClientOptions::default()).unwrap();
    let v = call(
        &gw,
        &c,
        "taobao.user.seller.get",
        r#"{"fields": "nick"}"#,
        None,
    )
    .unwrap();
    assert_eq!(
        v.get("user").and_then(|u| u.get("uid")),
        Some(&Value::Int(9_007_199_254_740_993))
    );
    let e = api_error(call(&gw, &c, "taobao.trade.get", "{}", None));
    assert_eq!(
        (e.code, e.sub_code.as_deref(), e.retryable),
        (15, Some("isp.down"), true)
    );
    let e = api_error(call(&gw, &c, RESEND, RESEND_PARAMS, Some("bad")));
    assert_eq!(e.code, 27);
    assert!(call(&gw, &c, RESEND, RESEND_PARAMS, Some("good")).is_ok());

    for (bad, field) in [
        ("[]", "config"),
        (r#"{"apps": {}}"#, "config.apps"),
        (r#"{"apps": {"k": 1}}"#, "config.apps.k"),
        (r#"{"errors": {"m": {"msg": "x"}}}"#, "config.errors.m.code"),
        (r#"{"port": 1}"#, "config.port"),
    ] {
        assert_eq!(
            GatewayConfig::from_json(bad).err().map(|e| e.field),
            Some(field.to_owned()),
            "{bad}"
        );
    }
    // A misspelled key is refused with the spelling it most likely meant.
    let e = GatewayConfig::from_json(r#"{"sesions": ["s"]}"#).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.expected.as_str(), e.got.as_str()),
        (
            "config.sesions",
            "a known option (did you mean sessions?)",
            "an unknown option"
        )
    );
    let e = GatewayConfig::from_json(r#"{"port": 1}"#).unwrap_err();
    assert_eq!(
        e.expected,
        "one of apps, sessions, max_skew_seconds, responses, errors"
    );
}

const UPLOAD: &str = "taobao.custom.upload";

fn upload_gateway() -> Gateway {
    Gateway::new(
        GatewayConfig::from_json(
            r#"{"responses": {"taobao.custom.upload": {"resp_body": {"file_name": "sample.png"}, "ret_code": "isv.success-all"}}}"#,
        )
        .unwrap(),
    )
}

fn upload_request(c: &TopClient, content: &[u8]) -> PreparedRequest {
    let params = Value::object([
        ("title", Value::from("二维码")),
        (
            "img",
            Value::File(
                topwire::FileItem::new(content.to_vec())
                    .with_filename("qr.PNG")
                    .with_content_type("image/png"),
            ),
        ),
    ]);
    let opts = PrepareOptions {
        timestamp_ms: NOW,
        ..Default::default()
    };
    c.prepare(UPLOAD, &params, &opts).unwrap()
}

#[test]
fn multipart_uploads_are_checked_and_named_by_content() {
    let gw = upload_gateway();
    let c = client(ClientOptions::default());
    let req = upload_request(&c, b"abc");
    assert!(req
        .content_type
        .starts_with("multipart/form-data; charset=UTF-8; boundary="));
    let resp = send(&gw, &req, NOW);
    assert_eq!(resp.status, 200, "{}", resp.body);
    let v = c.parse(UPLOAD, resp.body.as_bytes()).unwrap();
    // SHA-256("abc") starts ba7816bf8f01cfea414140de5dae2223 (FIPS 180-2 example).
    assert_eq!(
        v.get("resp_body").and_then(|b| b.get("file_name")),
        Some(&Value::from("twba7816bf8f01cfea414140de5dae2223.png"))
    );
    // Files are not signed: other content passes and gets another name.
    let other = upload_request(&c, b"abd");
    let v = c
        .parse(UPLOAD, send(&gw, &other, NOW).body.as_bytes())
        .unwrap();
    let name = v
        .get("resp_body")
        .and_then(|b| b.get("file_name"))
        .and_then(Value::as_str);
    assert!(
        name.is_some_and(|n| n.starts_with("tw") && n != "twba7816bf8f01cfea414140de5dae2223.png")
    );
}

#[test]
fn multipart_text_parts_are_signed() {
    let gw = upload_gateway();
    let c = client(ClientOptions::default());
    let req = upload_request(&c, b"abc");
    let topwire::Body::Multipart(m) = &req.body else {
        panic!("not multipart")
    };
    let text = String::from_utf8_lossy(&m.bytes).replace("二维码", "二维玛");
    let tampered = GatewayRequest {
        method: "POST",
        url: &req.url,
        headers: &req.headers(),
        body: text.as_bytes(),
    };
    let e = api_error(c.parse(UPLOAD, gw.handle(&tampered, NOW).body.as_bytes()));
    assert_eq!(e.code, 25);
    // The signed params of a multipart request are its query and text parts.
    let names: Vec<String> = req.params().into_iter().map(|(k, _)| k).collect();
    assert!(names.contains(&"title".to_owned()) && !names.contains(&"img".to_owned()));
    assert_eq!(names.last().map(String::as_str), Some("sign"));
}

#[test]
fn prepare_builds_no_upload_the_gateway_refuses() {
    // One limit (topwire::MAX_PARTS), for building and reading bodies alike.
    let gw = upload_gateway();
    let c = client(ClientOptions::default());
    let opts = PrepareOptions {
        timestamp_ms: NOW,
        ..Default::default()
    };
    let upload = |parts: usize| {
        let mut pairs = vec![("note".to_owned(), Value::from("x"))];
        pairs.extend((1..parts).map(|i| {
            let file = topwire::FileItem::new(format!("file {i}").into_bytes());
            (format!("f{i}"), Value::File(file))
        }));
        c.prepare(UPLOAD, &Value::object(pairs), &opts)
    };
    let most = upload(topwire::MAX_PARTS).unwrap();
    let resp = send(&gw, &most, NOW);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(
        c.parse(UPLOAD, resp.body.as_bytes()).is_ok(),
        "{}",
        resp.body
    );
    match upload(topwire::MAX_PARTS + 1) {
        Err(topwire::Error::Validation(e)) => {
            assert_eq!(e.field, "params");
            assert_eq!(
                e.to_string(),
                "params: expected at most 1000 parts in an upload (text parameters and files together), got 1001 parts"
            );
        }
        other => panic!("expected a ValidationError, got {other:?}"),
    }
    // A body of one part more, built by hand, is what the gateway refuses.
    let topwire::Body::Multipart(m) = &most.body else {
        panic!("not multipart")
    };
    let boundary = m.boundary.clone();
    let mut body = m.bytes.clone();
    let close = format!("--{boundary}--\r\n");
    body.truncate(body.len() - close.len());
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"extra\"; filename=\"e\"\r\n\r\ne\r\n{close}").as_bytes(),
    );
    let resp = gw.handle(
        &GatewayRequest {
            method: "POST",
            url: &most.url,
            headers: &most.headers(),
            body: &body,
        },
        NOW,
    );
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert!(resp.body.contains("more than 1000 parts"), "{}", resp.body);
}

#[test]
fn java_sdk_multipart_layout_is_accepted() {
    let gw = upload_gateway();
    let url = hand_signed(&[("method", UPLOAD), ("title", "t")]);
    let url = url.replace("&title=t", "");
    let body = b"\r\n--JavaB\r\nContent-Disposition:form-data;name=\"title\"\r\nContent-Type:text/plain\r\n\r\nt\r\n--JavaB\r\nContent-Disposition:form-data;name=\"img\";filename=\"a.jpg\"\r\nContent-Type:image/jpeg\r\n\r\nabc\r\n--JavaB--\r\n";
    let resp = gw.handle(
        &GatewayRequest {
            method: "POST",
            url: &url,
            headers: &[(
                "content-type",
                "multipart/form-data;charset=UTF-8;boundary=JavaB",
            )],
            body,
        },
        NOW,
    );
    let v = topwire::parse(UPLOAD, resp.body.as_bytes()).unwrap();
    assert_eq!(
        v.get("resp_body").and_then(|b| b.get("file_name")),
        Some(&Value::from("twba7816bf8f01cfea414140de5dae2223.jpg"))
    );
}

#[test]
fn malformed_multipart_is_a_400() {
    let gw = upload_gateway();
    for (ctype, body, why) in [
        ("multipart/form-data", &b"--x\r\n"[..], "without a boundary"),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv",
            "closing delimiter",
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--x--",
            "not UTF-8",
        ),
    ] {
        let resp = gw.handle(
            &GatewayRequest {
                method: "POST",
                url: "/router/rest",
                headers: &[("Content-Type", ctype)],
                body,
            },
            NOW,
        );
        assert_eq!(resp.status, 400, "{}", resp.body);
        assert!(resp.body.contains(why), "{}", resp.body);
    }
}

/// Objects compare as maps (key order is not checked).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| json_eq(v, w)))
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| json_eq(v, w))
        }
        _ => a == b,
    }
}

/// The TOP calls of tests/http/raw_cases.json (those with a `request`), run
/// through the core's gateway directly; the Node and Python suites send
/// every case of the file, as raw bytes, to their HTTP servers.
#[test]
fn shared_http_cases_through_the_core() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/http/raw_cases.json");
    let doc = topwire::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let Some(Value::Int(now)) = doc.get("now_ms") else {
        panic!("now_ms")
    };
    let config = GatewayConfig::from_json(&doc.get("config").unwrap().to_json()).unwrap();
    let gw = Gateway::new(config);
    let Some(Value::List(cases)) = doc.get("cases") else {
        panic!("cases")
    };
    let mut ran = 0;
    for case in cases {
        let Some(req) = case.get("request") else {
            continue;
        };
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let text = |k: &str| req.get(k).and_then(Value::as_str).unwrap();
        let Some(Value::List(header_list)) = req.get("headers") else {
            panic!("{name}: headers")
        };
        let headers: Vec<(&str, &str)> = header_list
            .iter()
            .map(|h| match h {
                Value::List(p) => (p[0].as_str().unwrap(), p[1].as_str().unwrap()),
                other => panic!("{name}: header {other:?}"),
            })
            .collect();
        let resp = gw.handle(
            &GatewayRequest {
                method: text("method"),
                url: text("target"),
                headers: &headers,
                body: text("body").as_bytes(),
            },
            *now,
        );
        let Some(Value::List(replies)) = case.get("replies") else {
            panic!("{name}: replies")
        };
        let want = &replies[0];
        assert_eq!(
            Some(&Value::Int(i64::from(resp.status))),
            want.get("status"),
            "{name}"
        );
        if let Some(json) = want.get("json") {
            let got = topwire::from_json(&resp.body).unwrap();
            assert!(json_eq(&got, json), "{name}: got {}", resp.body);
        }
        if let Some(body) = want.get("text") {
            assert_eq!(Some(resp.body.as_str()), body.as_str(), "{name}");
        }
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} TOP calls in {path}");
}

const IMG_UPLOAD: &str = "taobao.eticket.merchant.img.upload";

#[test]
fn typed_img_upload_answers_with_the_file_name_and_checks_img_bytes() {
    let gw = Gateway::default();
    let c = client(ClientOptions::default());
    let opts = PrepareOptions {
        session: Some("s".to_owned()),
        timestamp_ms: NOW,
        ..Default::default()
    };
    let image = topwire::FileItem::new(b"abc".to_vec()).with_filename("qr.png");
    let params = Value::object([("img_bytes", Value::File(image))]);
    let req = c.prepare(IMG_UPLOAD, &params, &opts).unwrap();
    let v = c
        .parse(IMG_UPLOAD, send(&gw, &req, NOW).body.as_bytes())
        .unwrap();
    // SHA-256("abc") starts ba7816bf8f01cfea414140de5dae2223 (FIPS 180-2 example).
    assert_eq!(
        v.get("resp_body").and_then(|b| b.get("file_name")),
        Some(&Value::from("twba7816bf8f01cfea414140de5dae2223.png"))
    );
    assert_eq!(
        v.get("ret_code").and_then(Value::as_str),
        Some("isv.success-all")
    );
    // Text where the description says byte[]: refused before sending...
    let text = Value::object([("img_bytes", Value::from("qr.png"))]);
    let e = c.prepare(IMG_UPLOAD, &text, &opts).unwrap_err();
    assert!(
        matches!(&e, Error::Validation(v) if v.field == "img_bytes"),
        "{e:?}"
    );
    // ...and by the gateway when sent anyway: text is 41, no file at all 40.
    for (extra, code) in [
        (&[("session", "s"), ("img_bytes", "qr.png")][..], 41),
        (&[("session", "s")][..], 40),
    ] {
        let mut pairs = vec![("method", IMG_UPLOAD)];
        pairs.extend_from_slice(extra);
        let e = api_error(get(&gw, &hand_signed(&pairs), NOW));
        assert_eq!(e.code, code, "{e:?}");
    }
}
