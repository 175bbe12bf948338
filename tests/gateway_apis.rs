//! The local gateway on every typed API: valid calls get the description's
//! sample reply in TOP's shape for each format; required fields, list
//! limits and the rules across fields are answered with 40 / 41 naming the
//! field, never quoting a secret.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use topwire::apis::{find, ALL};
use topwire::gateway::{Gateway, GatewayRequest, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};
use topwire::{ApiError, ClientOptions, Error, PrepareOptions, TopClient, Value};

const NOW: i64 = 1_700_000_000_000;
const CARD_SECRET: &str = "KaMi-7731-secret";

/// A valid call of every typed API but img.upload (a multipart upload).
fn valid_calls() -> Vec<(&'static str, String)> {
    vec![
        ("taobao.eticket.merchant.ma.send", format!(r#"{{"certificate_type": 1, "isv_ka_list": [{{"ka_no": "K1", "ka_mi": "{CARD_SECRET}", "num": 1}}], "outer_id": "o1", "token": "t1"}}"#)),
        ("taobao.eticket.merchant.ma.resend", r#"{"isv_ma_list": [{"code": "abc124", "num": 1}], "outer_id": "o1", "token": "t1"}"#.into()),
        ("taobao.eticket.merchant.ma.failsend", r#"{"outer_id": "o2", "sub_err_code": "isv.fail-send-no-stock", "sub_err_msg": "库存不足", "token": "t2"}"#.into()),
        ("taobao.eticket.merchant.ma.available", r#"{"code": "abc124", "consume_num": 1, "outer_id": "o1", "token": "t1"}"#.into()),
        ("taobao.eticket.merchant.ma.consume", r#"{"code": "abc124", "consume_num": 1, "outer_id": "o1", "serial_num": "s1", "token": "t1"}"#.into()),
        ("taobao.eticket.merchant.ma.reverse", r#"{"code": "abc124", "outer_id": "o1", "reverse_num": 1, "serial_num": "s1", "token": "t1"}"#.into()),
        ("taobao.eticket.merchant.ma.delay", r#"{"biz_type": 3001, "end_date": "2025-01-31 23:59:59", "outer_id": "o1", "attribute_map": {"k": "v"}}"#.into()),
        ("taobao.eticket.merchant.tbma.get", r#"{"query_tb_ma_callback_req": {"code": "abc124"}}"#.into()),
        ("taobao.travel.ticket.order.verify", r#"{"order_id": 12345678, "check_num": 1}"#.into()),
        ("taobao.travel.ticket.order.refund", r#"{"order_id": 12345678, "refund_status": 1, "refund_num": 1}"#.into()),
        ("alibaba.alsc.daodian.ticket.reserve", r#"{"ticket_reverse_top_request": {"request_id": "r1", "ticket_id": "2208191159703216457"}}"#.into()),
        ("alibaba.alsc.daodian.ticket.consult", r#"{"consult_request": {"request_id": "r1", "shop_id": "s1", "ticket_code": "839201746512"}}"#.into()),
        ("taobao.tmc.messages.consume", r#"{"group_name": "default", "quantity": 100}"#.into()),
        ("taobao.tmc.messages.confirm", r#"{"s_message_ids": [7104300007405429232, 2131800080537681929]}"#.into()),
        ("taobao.tmc.user.permit", r#"{"topics": ["taobao_trade_TradePaid"]}"#.into()),
    ]
}

fn client(format: &str, simplify: bool) -> TopClient {
    let opts = ClientOptions {
        format: Some(format),
        simplify: Some(simplify),
        ..Default::default()
    };
    TopClient::with_options(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, &opts).unwrap()
}

/// The gateway's raw reply to a call prepared by `c`.
fn raw(gw: &Gateway, c: &TopClient, method: &str, params: &str) -> String {
    let opts = PrepareOptions {
        session: Some("session-1".into()),
        timestamp_ms: NOW,
        allow_unknown: false,
    };
    let req = c
        .prepare(method, &topwire::from_json(params).unwrap(), &opts)
        .unwrap();
    let resp = gw.handle(
        &GatewayRequest {
            method: req.method,
            url: &req.url,
            headers: &req.headers(),
            body: req.body.as_bytes(),
        },
        NOW,
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.body
}

fn without_request_id(v: Value) -> Value {
    match v {
        Value::Object(pairs) => Value::Object(
            pairs
                .into_iter()
                .filter(|(k, _)| k != "request_id")
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn every_typed_api_is_described_and_callable() {
    assert_eq!(ALL.len(), 16);
    let mut names: Vec<&str> = valid_calls().iter().map(|(m, _)| *m).collect();
    names.push("taobao.eticket.merchant.img.upload");
    names.sort_unstable();
    let mut all: Vec<&str> = ALL.iter().map(|s| s.name).collect();
    all.sort_unstable();
    assert_eq!(names, all);
}

#[test]
fn valid_calls_get_the_sample_reply_in_every_format() {
    let gw = Gateway::default();
    for (format, simplify) in [("json", false), ("json", true), ("xml", false)] {
        let c = client(format, simplify);
        for (method, params) in valid_calls() {
            let body = raw(&gw, &c, method, &params);
            let data = c
                .parse(method, body.as_bytes())
                .unwrap_or_else(|e| panic!("{method} {format}: {e}\n{body}"));
            let example = topwire::from_json(find(method).unwrap().example_response()).unwrap();
            assert_eq!(
                without_request_id(data),
                example,
                "{method} {format} simplify={simplify}\n{body}"
            );
        }
    }
}

#[test]
fn json_text_parameters_with_raw_control_characters_are_read_as_java_reads_them() {
    // A structured field given as JSON text whose string holds a raw line
    // break: prepare checks it and sends it as given; the gateway reads it.
    let gw = Gateway::default();
    let c = client("json", false);
    let params =
        r#"{"isv_ma_list": "[{\"code\":\"a\nb\",\"num\":1}]", "outer_id": "o1", "token": "t1"}"#;
    let body = raw(&gw, &c, "taobao.eticket.merchant.ma.resend", params);
    let data = c.parse("taobao.eticket.merchant.ma.resend", body.as_bytes());
    assert!(data.is_ok(), "{body}");
}

#[test]
fn lists_in_replies_take_tops_shape_per_format() {
    let gw = Gateway::default();
    let consult = "alibaba.alsc.daodian.ticket.consult";
    let params =
        r#"{"consult_request": {"request_id": "r1", "shop_id": "s1", "ticket_code": "c"}}"#;
    let wrapped = raw(&gw, &client("json", false), consult, params);
    assert!(
        wrapped
            .contains(r#""ticket_info_list":{"ticket_info":[{"ticket_id":"2208191159703216457""#),
        "{wrapped}"
    );
    let simplified = raw(&gw, &client("json", true), consult, params);
    assert!(simplified.starts_with(r#"{"result":"#), "{simplified}");
    assert!(
        simplified.contains(r#""ticket_info_list":[{"ticket_id":"#),
        "{simplified}"
    );
    let xml = raw(&gw, &client("xml", false), consult, params);
    assert!(
        xml.contains("<ticket_info_list><ticket_info><ticket_id>2208191159703216457</ticket_id>"),
        "{xml}"
    );
    assert_eq!(xml.matches("<ticket_info>").count(), 2, "{xml}");
}

#[test]
fn img_upload_answers_with_a_file_name_in_every_format() {
    let gw = Gateway::default();
    let method = "taobao.eticket.merchant.img.upload";
    let png = topwire::FileItem {
        content: b"\x89PNG\r\n\x1a\n-qr-".to_vec(),
        filename: Some("qr.png".into()),
        content_type: Some("image/png".into()),
    };
    let params = Value::object([("img_bytes", Value::File(png.clone()))]);
    for (format, simplify) in [("json", false), ("json", true), ("xml", false)] {
        let c = client(format, simplify);
        let opts = PrepareOptions {
            session: Some("s".into()),
            timestamp_ms: NOW,
            allow_unknown: false,
        };
        let req = c.prepare(method, &params, &opts).unwrap();
        let resp = gw.handle(
            &GatewayRequest {
                method: req.method,
                url: &req.url,
                headers: &req.headers(),
                body: req.body.as_bytes(),
            },
            NOW,
        );
        let data = c.parse(method, resp.body.as_bytes()).unwrap();
        let name = data
            .get("resp_body")
            .and_then(|b| b.get("file_name"))
            .and_then(Value::as_str);
        assert_eq!(
            name,
            Some(topwire::gateway::uploaded_file_name(&png).as_str()),
            "{format}"
        );
        assert_eq!(
            data.get("ret_code").and_then(Value::as_str),
            Some("isv.success-all")
        );
    }
}

#[test]
fn img_upload_sample_reply_names_the_file() {
    let spec = find("taobao.eticket.merchant.img.upload").unwrap();
    let example = topwire::from_json(spec.example_response()).unwrap();
    let name = example
        .get("resp_body")
        .and_then(|b| b.get("file_name"))
        .and_then(Value::as_str);
    assert!(name.is_some_and(|n| !n.is_empty()), "{example:?}");
}

/// A call signed by hand (md5) with raw text parameters: what a client that
/// skips topwire's own checks would send.
fn hand_signed(gw: &Gateway, method: &str, app: &[(&str, &str)]) -> ApiError {
    let mut params = vec![
        ("method", method),
        ("app_key", DEFAULT_APP_KEY),
        ("session", "s"),
        ("timestamp", "2023-11-15 06:13:20"),
        ("v", "2.0"),
        ("sign_method", "md5"),
        ("format", "json"),
    ];
    params.extend_from_slice(app);
    let sign = topwire::sign(&params, DEFAULT_APP_SECRET, topwire::SignMethod::Md5).unwrap();
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(params.iter()).append_pair("sign", &sign);
    let body = body.finish();
    let resp = gw.handle(
        &GatewayRequest {
            method: "POST",
            url: "/router/rest",
            headers: &[(
                "Content-Type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )],
            body: body.as_bytes(),
        },
        NOW,
    );
    assert!(!resp.body.contains(CARD_SECRET), "{}", resp.body);
    match topwire::parse(method, resp.body.as_bytes()) {
        Err(Error::Api(e)) => *e,
        other => panic!("{method}: expected an ApiError, got {other:?}"),
    }
}

fn fault(e: &ApiError) -> (i64, &str, Option<&str>, Option<&str>) {
    (
        e.code,
        e.msg.as_str(),
        e.sub_code.as_deref(),
        e.sub_msg.as_deref(),
    )
}

const SEND: &str = "taobao.eticket.merchant.ma.send";

#[test]
fn ma_send_rules_across_fields_are_40_naming_the_field() {
    let gw = Gateway::default();
    let ids = [("outer_id", "o1"), ("token", "t1")];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        ids.iter().chain(extra).copied().collect()
    };
    // certificate_type left out counts as its default, 0: ordinary codes.
    let e = hand_signed(&gw, SEND, &with(&[]));
    assert_eq!(
        fault(&e),
        (40, "Missing required arguments:isv_ma_list", Some("isv.missing-parameter"),
         Some("isv_ma_list: expected a list of 1 to 200 IsvMa objects (required when certificate_type is 0), got nothing"))
    );
    let e = hand_signed(
        &gw,
        SEND,
        &with(&[
            ("certificate_type", "1"),
            ("isv_ma_list", r#"[{"code":"c","num":1}]"#),
        ]),
    );
    assert_eq!(
        fault(&e),
        (40, "Missing required arguments:isv_ka_list", Some("isv.missing-parameter"),
         Some("isv_ka_list: expected a list of 1 to 200 IsvKa objects (required when certificate_type is 1), got nothing"))
    );
    let e = hand_signed(
        &gw,
        SEND,
        &with(&[
            ("certificate_type", "1"),
            (
                "isv_ka_list",
                r#"[{"ka_no":"K1","ka_mi":"KaMi-7731-secret","num":1},{"ka_no":"K2","num":1}]"#,
            ),
        ]),
    );
    assert_eq!(
        fault(&e),
        (40, "Missing required arguments:isv_ka_list[1].ka_mi", Some("isv.missing-parameter"),
         Some("isv_ka_list[1].ka_mi: expected a string (required when certificate_type is 1), got nothing"))
    );
    let e = hand_signed(
        &gw,
        SEND,
        &with(&[("certificate_type", "0"), ("isv_ma_list", r#"[{"num":1}]"#)]),
    );
    assert_eq!(
        fault(&e),
        (
            40,
            "Missing required arguments:isv_ma_list[0].code",
            Some("isv.missing-parameter"),
            Some("isv_ma_list[0].code: expected a string, got nothing")
        )
    );
    let e = hand_signed(
        &gw,
        SEND,
        &with(&[
            ("certificate_type", "2"),
            ("isv_ma_list", r#"[{"code":"c","num":1}]"#),
        ]),
    );
    assert_eq!(
        fault(&e),
        (
            41,
            "Invalid arguments:certificate_type",
            Some("isv.invalid-parameter"),
            Some("certificate_type: expected an integer, one of 0, 1, got the string \"2\"")
        )
    );
}

#[test]
fn integer_bounds_and_id_lists_are_41_naming_the_bound() {
    let gw = Gateway::default();
    let consume = "taobao.tmc.messages.consume";
    for (quantity, got) in [("5", "\"5\""), ("300", "\"300\"")] {
        let e = hand_signed(&gw, consume, &[("quantity", quantity)]);
        let sub_msg = format!("quantity: expected an integer from 10 to 200, got the string {got}");
        assert_eq!(
            fault(&e),
            (
                41,
                "Invalid arguments:quantity",
                Some("isv.invalid-parameter"),
                Some(sub_msg.as_str())
            )
        );
    }
    let ids = |n: u64| {
        (0..n)
            .map(|i| (7_104_300_007_405_429_232 + i).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let confirm = "taobao.tmc.messages.confirm";
    let e = hand_signed(&gw, confirm, &[("s_message_ids", &ids(201))]);
    assert_eq!(
        fault(&e),
        (
            41,
            "Invalid arguments:s_message_ids",
            Some("isv.invalid-parameter"),
            Some("s_message_ids: expected a list of 1 to 200 integers, or their comma-joined text, got a list of 201 item(s)")
        )
    );
    let e = hand_signed(&gw, confirm, &[("s_message_ids", "1,x")]);
    assert_eq!(
        fault(&e),
        (
            41,
            "Invalid arguments:s_message_ids[1]",
            Some("isv.invalid-parameter"),
            Some("s_message_ids[1]: expected an integer, got the string \"x\"")
        )
    );
    let e = hand_signed(&gw, confirm, &[("group_name", "default")]);
    assert_eq!(
        (e.code, e.msg.as_str()),
        (40, "Missing required arguments:s_message_ids")
    );
    // At the bounds and the limit, the calls pass.
    let c = client("json", true);
    let params = format!(r#"{{"s_message_ids": "{}"}}"#, ids(200));
    assert!(raw(&gw, &c, confirm, &params).starts_with(r#"{"is_success":true,"#));
    for quantity in [10, 200] {
        let body = raw(&gw, &c, consume, &format!(r#"{{"quantity": {quantity}}}"#));
        assert!(body.starts_with(r#"{"messages":["#), "{body}");
    }
}

#[test]
fn whitespace_only_members_do_not_satisfy_required_rules() {
    // Java's StringUtils.isEmpty at every depth, as prepare applies it.
    let gw = Gateway::default();
    let list = r#"[{"ka_no":"   ","ka_mi":"  ","num":1}]"#;
    let app = [
        ("outer_id", "o1"),
        ("token", "t1"),
        ("certificate_type", "1"),
        ("isv_ka_list", list),
    ];
    let e = hand_signed(&gw, SEND, &app);
    assert_eq!(
        fault(&e),
        (40, "Missing required arguments:isv_ka_list[0].ka_no", Some("isv.missing-parameter"),
         Some("isv_ka_list[0].ka_no: expected a string (required when certificate_type is 1), got nothing"))
    );
    let list = r#"[{"code":"\u3000","num":1}]"#;
    let e = hand_signed(
        &gw,
        SEND,
        &[("outer_id", "o1"), ("token", "t1"), ("isv_ma_list", list)],
    );
    assert_eq!(
        fault(&e),
        (
            40,
            "Missing required arguments:isv_ma_list[0].code",
            Some("isv.missing-parameter"),
            Some("isv_ma_list[0].code: expected a string, got nothing")
        )
    );
}

#[test]
fn list_limits_are_41_naming_the_field() {
    let gw = Gateway::default();
    let items = |n: usize| format!("[{}]", vec![r#"{"code":"c","num":1}"#; n].join(","));
    let ok = items(200);
    let e = hand_signed(
        &gw,
        "taobao.eticket.merchant.ma.resend",
        &[
            ("isv_ma_list", &items(201)),
            ("outer_id", "o"),
            ("token", "t"),
        ],
    );
    assert_eq!(
        fault(&e),
        (
            41,
            "Invalid arguments:isv_ma_list",
            Some("isv.invalid-parameter"),
            Some(
                "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got a list of 201 item(s)"
            )
        )
    );
    let e = hand_signed(
        &gw,
        "taobao.eticket.merchant.ma.consume",
        &[
            ("code", "c"),
            ("consume_num", "1"),
            ("isv_ma_list", &items(21)),
            ("outer_id", "o"),
            ("serial_num", "s"),
            ("token", "t"),
        ],
    );
    assert_eq!(
        fault(&e),
        (
            41,
            "Invalid arguments:isv_ma_list",
            Some("isv.invalid-parameter"),
            Some("isv_ma_list: expected a list of 0 to 20 IsvMa objects, got a list of 21 item(s)")
        )
    );
    // 200 is within the limit: the only fault left is the missing token.
    let e = hand_signed(
        &gw,
        "taobao.eticket.merchant.ma.resend",
        &[("isv_ma_list", &ok), ("outer_id", "o")],
    );
    assert_eq!(
        (e.code, e.msg.as_str()),
        (40, "Missing required arguments:token")
    );
}

#[test]
fn card_secrets_never_appear_in_the_gateways_errors() {
    let gw = Gateway::default();
    let bad_lists = [
        // ka_mi of the wrong type, an unknown member, text that is not JSON.
        r#"[{"ka_no":"K1","ka_mi":{"pw":"KaMi-7731-secret"},"num":1}]"#.to_owned(),
        r#"[{"ka_no":"K1","ka_mi":"KaMi-7731-secret","num":"x"}]"#.to_owned(),
        format!("not json {CARD_SECRET}"),
        format!(r#"["{CARD_SECRET}"]"#),
    ];
    for list in &bad_lists {
        let e = hand_signed(
            &gw,
            SEND,
            &[
                ("certificate_type", "1"),
                ("isv_ka_list", list),
                ("outer_id", "o"),
                ("token", "t"),
            ],
        );
        assert_eq!(e.code, 41, "{e:?}");
        assert!(
            e.msg.ends_with("isv_ka_list") || e.msg.contains("isv_ka_list["),
            "{e:?}"
        );
    }
}
