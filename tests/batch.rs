//! Batch calls end to end: `prepare_batch` of random typed calls sent to the
//! local gateway, and `parse_batch` of its answer, give what the same calls
//! give one by one; the debug view hides card secrets; a batch signed with
//! the wrong secret fails as a whole.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    // The per-call results are `Result<Value, ApiError>`, as parse_batch gives them.
    clippy::result_large_err
)]

use proptest::prelude::*;
use topwire::gateway::{
    Gateway, GatewayConfig, GatewayRequest, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use topwire::{
    ApiError, BatchCall, BatchOptions, ClientOptions, Error, PrepareOptions, PreparedRequest,
    TopClient, Value,
};

const NOW: i64 = 1_700_000_000_000;
const CARD_SECRET: &str = "KaMi-7731-secret";

/// Calls of typed APIs, valid ones and ones the gateway refuses (an unknown
/// session: 27), and untyped ones answered from the config.
fn calls() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    vec![
        (
            "taobao.eticket.merchant.ma.available",
            r#"{"code": "abc124", "consume_num": 1, "outer_id": "o1", "token": "t1"}"#,
            None,
        ),
        (
            "taobao.eticket.merchant.ma.available",
            r#"{"code": "a\r\n-S-\r\nb #SEP# |x|", "consume_num": 2, "outer_id": "o1", "token": "t1"}"#,
            None,
        ),
        (
            "taobao.eticket.merchant.ma.send",
            r#"{"certificate_type": 1, "isv_ka_list": [{"ka_no": "K1", "ka_mi": "KaMi-7731-secret", "num": 1}], "outer_id": "o1", "token": "t1"}"#,
            None,
        ),
        (
            "taobao.eticket.merchant.ma.resend",
            r#"{"isv_ma_list": [{"code": "abc124", "num": 1}], "outer_id": "o1", "token": "t1"}"#,
            Some("session-2"),
        ),
        (
            "taobao.eticket.merchant.ma.consume",
            r#"{"code": "abc124", "consume_num": 1, "outer_id": "o1", "serial_num": "s1", "token": "t1"}"#,
            Some("not-a-session"),
        ),
        (
            "taobao.eticket.merchant.ma.delay",
            r#"{"biz_type": 3001, "end_date": "2025-01-31 23:59:59", "outer_id": "o1", "attribute_map": {"k": "v"}}"#,
            None,
        ),
        (
            "taobao.eticket.merchant.tbma.get",
            r#"{"query_tb_ma_callback_req": {"code": "abc124"}}"#,
            None,
        ),
        (
            "taobao.travel.ticket.order.verify",
            r#"{"order_id": 2106027287988611313, "check_num": 1}"#,
            None,
        ),
        (
            "alibaba.alsc.daodian.ticket.consult",
            r#"{"consult_request": {"request_id": "r1", "shop_id": "s1", "ticket_code": "839201746512"}}"#,
            None,
        ),
        ("taobao.time.get", "null", None),
        ("taobao.trade.get", r#"{"tid": 1}"#, None),
        ("taobao.unknown.thing", r#"{"x": "y"}"#, None),
    ]
}

fn gateway() -> Gateway {
    let config = GatewayConfig::from_json(
        r#"{"sessions": ["session-1", "session-2"],
            "responses": {"taobao.time.get": {"time": "2023-11-15 06:13:20"}},
            "errors": {"taobao.trade.get": {"code": 15, "msg": "Remote service error", "sub_code": "isp.remote-error"}}}"#,
    )
    .unwrap();
    Gateway::new(config)
}

fn client(format: &str, simplify: bool) -> TopClient {
    let opts = ClientOptions {
        format: Some(format),
        simplify: Some(simplify),
        gateway: Some("http://127.0.0.1:8080/router/rest"),
        ..Default::default()
    };
    TopClient::with_options(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, &opts).unwrap()
}

fn send(gw: &Gateway, req: &PreparedRequest) -> String {
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

/// A reply's result without its request id (each request gets its own).
fn comparable(result: Result<Value, ApiError>) -> Result<Value, ApiError> {
    match result {
        Ok(Value::Object(pairs)) => Ok(Value::Object(
            pairs
                .into_iter()
                .filter(|(k, _)| k != "request_id")
                .collect(),
        )),
        Ok(other) => Ok(other),
        Err(e) => Err(ApiError {
            request_id: None,
            ..e
        }),
    }
}

fn single(gw: &Gateway, c: &TopClient, call: &BatchCall, shared: &str) -> Result<Value, ApiError> {
    let options = PrepareOptions {
        session: Some(call.session.clone().unwrap_or_else(|| shared.to_owned())),
        timestamp_ms: NOW,
        allow_unknown: false,
    };
    let req = c.prepare(&call.method, &call.params, &options).unwrap();
    match c.parse(&call.method, send(gw, &req).as_bytes()) {
        Ok(v) => Ok(v),
        Err(Error::Api(e)) => Err(*e),
        Err(other) => panic!("{other}"),
    }
}

// Cases: PROPTEST_CASES (`make test`: 2000 with a fixed seed; `make fuzz`: more, fresh).
proptest! {
    /// The gateway's answer to a batch, parsed, is what the calls give one by one.
    #[test]
    fn a_batch_gives_what_its_calls_give_alone(
        picks in prop::collection::vec(0..12usize, 1..8),
        format in 0..3usize,
        separator in prop::sample::select(vec![None, Some("#SEP#"), Some("|x|"), Some("\r\n-S-\r\n")]),
    ) {
        let all = calls();
        let c = match format { 0 => client("json", false), 1 => client("json", true), _ => client("xml", false) };
        let gw = gateway();
        let batch: Vec<BatchCall> = picks.iter().map(|&i| {
            let (method, params, session) = all[i];
            let mut call = BatchCall::new(method, topwire::from_json(params).unwrap());
            call.session = session.map(str::to_owned);
            call
        }).collect();
        let options = BatchOptions {
            session: Some("session-1".into()),
            timestamp_ms: NOW,
            separator: separator.map(str::to_owned),
            batch_url: None,
        };
        let req = c.prepare_batch(&batch, &options).unwrap();
        prop_assert!(req.url.starts_with("http://127.0.0.1:8080/router/batch?"));
        let reply = send(&gw, &req);
        let methods: Vec<&str> = batch.iter().map(|b| b.method.as_str()).collect();
        let got = c.parse_batch_separated(&methods, req.separator(), reply.as_bytes()).unwrap();
        prop_assert_eq!(got.len(), batch.len());
        for (item, call) in got.into_iter().zip(&batch) {
            prop_assert_eq!(comparable(item), comparable(single(&gw, &c, call, "session-1")));
        }
    }
}

#[test]
fn a_batch_signed_with_another_secret_fails_as_a_whole() {
    let other = TopClient::new(DEFAULT_APP_KEY, "another-secret").unwrap();
    let other = other
        .with_gateway("http://127.0.0.1:8080/router/rest")
        .unwrap();
    let calls = vec![
        BatchCall::new("taobao.time.get", Value::Null),
        BatchCall::new("taobao.time.get", Value::Null),
    ];
    let options = BatchOptions {
        timestamp_ms: NOW,
        ..Default::default()
    };
    let req = other.prepare_batch(&calls, &options).unwrap();
    let reply = send(&gateway(), &req);
    let err = other.parse_batch(&["taobao.time.get", "taobao.time.get"], reply.as_bytes());
    match err {
        Err(Error::Api(e)) => assert_eq!((e.code, e.msg.as_str()), (25, "Invalid signature")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn debug_views_hide_card_secrets_and_params_are_the_query() {
    let c = client("json", false);
    let (method, params, _) = calls()[2];
    let call = BatchCall::new(method, topwire::from_json(params).unwrap());
    assert!(!format!("{call:?}").contains(CARD_SECRET));
    let options = BatchOptions {
        session: Some("session-1".into()),
        timestamp_ms: NOW,
        separator: Some("#SEP#".into()),
        batch_url: None,
    };
    let req = c.prepare_batch(&[call.clone(), call], &options).unwrap();
    assert!(req.body.as_text().unwrap().contains("KaMi-7731-secret"));
    let shown = format!("{req:?}");
    assert!(!shown.contains(CARD_SECRET), "{shown}");
    assert_eq!(shown.matches("%22***%22").count(), 2, "{shown}");
    assert_eq!(
        req.headers(),
        vec![
            ("Content-Type", "text/plain;charset=UTF-8"),
            ("top-api-separator", "#SEP#")
        ]
    );
    let names: Vec<String> = req.params().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        names,
        [
            "app_key",
            "format",
            "session",
            "sign_method",
            "timestamp",
            "v",
            "sign"
        ]
    );
}

#[test]
fn a_method_list_is_checked_by_index() {
    let c = client("json", false);
    let err = c
        .parse_batch(&["taobao.time.get", "no way"], b"{}")
        .unwrap_err();
    match err {
        Error::Validation(e) => assert_eq!(e.field, "methods[1]"),
        other => panic!("{other:?}"),
    }
    let err = c.parse_batch(&[], b"{}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "methods: expected at least one method, got an empty list"
    );
}
