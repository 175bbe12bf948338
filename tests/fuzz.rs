//! Property tests over `prepare`, `parse`, timestamps and the gateway.
//!
//! `make test` runs a fixed number of cases (PROPTEST_CASES, 2000 by default);
//! `make fuzz PROPTEST_CASES=100000` runs longer. Beyond "never panics", each
//! property checks a real invariant: what `prepare` sends is what it signed,
//! the gateway accepts it, timestamps round-trip.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use topwire::gateway::{CannedReply, Gateway, GatewayConfig, GatewayRequest};
use topwire::{ClientOptions, Error, PrepareOptions, TopClient, Value};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (i64::MAX as u64..=u64::MAX).prop_map(Value::UInt),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[a-z0-9 中文+&=%?#]{0,12}".prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..6).prop_map(Value::object),
        ]
    })
}

fn params() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z][a-z0-9_]{0,10}", value(), 0..8).prop_map(Value::object)
}

/// File content, often holding what a boundary is made of.
fn file_content() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..16),
            Just(b"topwire-boundary-".to_vec()),
            (0u64..4).prop_map(|k| format!("--topwire-boundary-{k:016x}").into_bytes()),
            Just(b"\r\n--".to_vec()),
        ],
        0..6,
    )
    .prop_map(|chunks| chunks.concat())
}

const METHODS: [&str; 4] = [
    "taobao.user.seller.get",
    "taobao.travel.ticket.order.verify",
    "taobao.eticket.merchant.ma.resend",
    "alibaba.alsc.daodian.ticket.reserve",
];

fn gateway() -> Gateway {
    let mut config = GatewayConfig {
        apps: vec![("k".into(), "s".into())],
        ..Default::default()
    };
    config.replies.push((
        "taobao.user.seller.get".into(),
        CannedReply::Data(Value::object([("ok", Value::Bool(true))])),
    ));
    Gateway::new(config)
}

proptest! {
    #[test]
    fn prepared_requests_are_signed_as_sent_and_accepted(
        p in params(),
        method in prop::sample::select(METHODS.to_vec()),
        sign_method in prop::sample::select(vec!["md5", "hmac", "hmac-sha256"]),
        format in prop::sample::select(vec!["json", "xml"]),
        session in proptest::option::of("[ -~中]{1,20}"),
        ts in 0i64..4_102_444_800_000,
    ) {
        let opts = ClientOptions { sign_method: Some(sign_method), format: Some(format), ..Default::default() };
        let client = TopClient::with_options("k", "s", &opts).unwrap();
        let options = PrepareOptions { session, timestamp_ms: ts, allow_unknown: false };
        match client.prepare(method, &p, &options) {
            Err(Error::Validation(e)) => prop_assert!(!e.field.is_empty()),
            Err(other) => prop_assert!(false, "prepare can only fail validation, got {other:?}"),
            Ok(req) => {
                // The sign covers exactly what the URL and body carry, decoded here independently.
                let query = req.url.split_once('?').unwrap().1;
                let mut sent: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
                sent.extend(form_urlencoded::parse(req.body.as_bytes()).into_owned());
                let sign_at = sent.iter().position(|(k, _)| k == "sign").unwrap();
                let (_, sign) = sent.remove(sign_at);
                let method_used = topwire::SignMethod::parse(sign_method).unwrap();
                prop_assert_eq!(&topwire::sign(&sent, "s", method_used).unwrap(), &sign);
                // params() lists the same pairs, sorted as signed, with sign last.
                sent.sort_by(|a, b| a.0.cmp(&b.0));
                sent.push(("sign".to_owned(), sign));
                prop_assert_eq!(req.params(), sent);
                // And the gateway, checking independently, accepts the signature and the time.
                let resp = gateway().handle(
                    &GatewayRequest { method: "POST", url: &req.url, headers: &[("Content-Type", topwire::FORM_CONTENT_TYPE)], body: req.body.as_bytes() },
                    ts,
                );
                match client.parse(method, resp.body.as_bytes()) {
                    Err(Error::Api(e)) => prop_assert!(![25, 31].contains(&e.code), "{}", resp.body),
                    other => prop_assert!(other.is_ok(), "{other:?}"),
                }
            }
        }
    }

    #[test]
    fn parse_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = topwire::parse("taobao.travel.ticket.order.verify", &body);
    }

    #[test]
    fn parse_never_panics_on_near_responses(
        inner in value(),
        method in prop::sample::select(METHODS.to_vec()),
        wrap in prop::sample::select(vec!["own", "error", "other", "bare"]),
        cut in any::<prop::sample::Index>(),
    ) {
        let key = match wrap {
            "own" => topwire::spec::response_key(method),
            "error" => "error_response".to_owned(),
            "other" => "other_method_response".to_owned(),
            _ => String::new(),
        };
        let json = if key.is_empty() { inner.to_json() } else { Value::object([(key.clone(), inner.clone())]).to_json() };
        if let Ok(topwire::Parsed { data, verbatim: Some(range) }) = topwire::parse_spanned(method, json.as_bytes()) {
            prop_assert_eq!(topwire::from_json(&json[range]).unwrap(), data);
        }
        let truncated = &json.as_bytes()[..cut.index(json.len() + 1)];
        let _ = topwire::parse(method, truncated);
        let xml = format!("<{k}>{}</{k}>", inner.to_json().replace('{', "<a>").replace('}', "</a>"), k = if key.is_empty() { "x" } else { &key });
        let _ = topwire::parse(method, xml.as_bytes());
    }

    #[test]
    fn uploads_round_trip_through_the_gateway(
        text in prop::collection::btree_map("[a-z][a-z0-9_]{0,6}", "[ -~中\r\n-]{0,24}", 0..4),
        files in prop::collection::vec((file_content(), "[a-zA-Z0-9_.中 -]{1,12}"), 1..3),
    ) {
        // Text and files in separate name spaces, so no name repeats.
        let mut p: Vec<(String, Value)> = text.into_iter().map(|(k, v)| (format!("t_{k}"), Value::String(v.into()))).collect();
        for (i, (content, filename)) in files.iter().enumerate() {
            let file = topwire::FileItem::new(content.clone()).with_filename(filename.clone());
            p.push((format!("f{i}"), Value::File(file)));
        }
        let client = TopClient::with_options("k", "s", &ClientOptions::default()).unwrap();
        let options = PrepareOptions { timestamp_ms: 1_700_000_000_000, ..Default::default() };
        let req = client.prepare("taobao.user.seller.get", &Value::object(p), &options).unwrap();
        let topwire::Body::Multipart(m) = &req.body else {
            prop_assert!(files.iter().all(|(c, _)| c.is_empty()), "files but a form body");
            return Ok(());
        };
        // The boundary occurs in the body only as its delimiters: one per part and the close.
        let parts = 1 + req.params().iter().filter(|(k, _)| k.starts_with("t_")).count()
            + files.iter().filter(|(c, _)| !c.is_empty()).count();
        let needle = format!("--{}", m.boundary);
        let found = m.bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count();
        prop_assert_eq!(found, parts);
        let headers = req.headers();
        let resp = gateway().handle(
            &GatewayRequest { method: "POST", url: &req.url, headers: &headers, body: m.bytes.as_slice() },
            1_700_000_000_000,
        );
        prop_assert!(client.parse("taobao.user.seller.get", resp.body.as_bytes()).is_ok(), "{}", resp.body);
    }

    #[test]
    fn multipart_reading_never_panics(
        body in prop::collection::vec(prop_oneof![any::<u8>(), Just(b'-'), Just(b'\r'), Just(b'\n'), Just(b'"')], 0..300),
        boundary in "[a-z-]{0,4}",
        prefix in prop::sample::select(vec!["", "--b\r\nContent-Disposition: form-data; name=\"", "\r\n--b\r\n"]),
    ) {
        let mut full = prefix.as_bytes().to_vec();
        full.extend(body);
        let ctype = format!("multipart/form-data; boundary=b{boundary}");
        let resp = gateway().handle(
            &GatewayRequest { method: "POST", url: "/router/rest", headers: &[("Content-Type", &ctype)], body: &full },
            1_700_000_000_000,
        );
        prop_assert!(resp.status == 200 || resp.status == 400);
    }

    #[test]
    fn timestamps_round_trip(ms in -62_135_625_600_000i64..253_402_271_999_999) {
        let text = topwire::format_timestamp(ms).unwrap();
        prop_assert_eq!(topwire::parse_timestamp(&text, "t").unwrap(), ms.div_euclid(1000) * 1000);
    }

    #[test]
    fn timestamps_out_of_range_are_errors(ms in prop_oneof![i64::MIN..-62_135_625_600_000i64, 253_402_272_000_000i64..i64::MAX]) {
        prop_assert!(topwire::format_timestamp(ms).is_err());
    }
}

// ---- the TMC frame decoder ----

/// Bytes that look like a frame: version 2, a known type, header types and
/// lengths drawn near the boundaries, so the fuzzer gets past the first bytes.
#[cfg(feature = "tmc")]
fn near_frame() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        (0i16..8).prop_map(|h| h.to_le_bytes().to_vec()),
        prop_oneof![Just(-1i32), Just(0), 0..40, Just(i32::MAX)]
            .prop_map(|n| n.to_le_bytes().to_vec()),
        (0u8..9).prop_map(|f| vec![f]),
        prop::collection::vec(any::<u8>(), 0..12),
    ];
    (0u8..4, prop::collection::vec(piece, 0..12)).prop_map(|(kind, pieces)| {
        let mut out = vec![2, kind];
        out.extend(pieces.concat());
        out
    })
}

#[cfg(feature = "tmc")]
proptest! {
    #[test]
    fn decode_frame_never_panics(bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..64), near_frame()]) {
        match topwire::tmc::decode_frame(&bytes) {
            // What it read, it writes back byte for byte when Java would have written it so.
            Ok(frame) => {
                let again = topwire::tmc::encode_frame(&frame).unwrap();
                prop_assert!(again.len() <= bytes.len());
            }
            Err(e) => {
                let at: usize = e.message.trim_start_matches("TMC frame, byte ").split(':').next().unwrap().parse().unwrap();
                prop_assert!(at <= bytes.len(), "{} for {} bytes", e.message, bytes.len());
            }
        }
    }
}

// An online session fed data frames of its own token whose entries are
// drawn at random (ids of any format, contents as text or as bytes that
// may or may not be gzip): a message or a DecodeError, never a panic.
#[cfg(feature = "tmc")]
proptest! {
    #[test]
    fn session_receive_never_panics(
        entries in prop::collection::vec((
            prop::sample::select(vec!["id", "topic", "content", "time", "outtime", "userid", "dataid", "nick", "x"]),
            prop_oneof![
                any::<i64>().prop_map(topwire::tmc::TmcValue::Int64),
                any::<i64>().prop_map(topwire::tmc::TmcValue::Date),
                any::<String>().prop_map(topwire::tmc::TmcValue::String),
                prop::collection::vec(any::<u8>(), 0..40).prop_map(topwire::tmc::TmcValue::Bytes),
                "[a-z{}\":0-9]{0,20}".prop_map(|t| topwire::tmc::TmcValue::Bytes(topwire::tmc::gzip(&t))),
                Just(topwire::tmc::TmcValue::Null),
            ],
        ), 0..8),
    ) {
        use topwire::tmc::{connect_ack, decode_frame, encode_frame, Event, Frame, FrameKind, TmcOptions, TmcSession, TmcValue};
        let mut session = TmcSession::new("k", "s", TmcOptions::default()).unwrap();
        let flag = decode_frame(&session.connect(0)).unwrap().flag;
        session.receive(&encode_frame(&connect_ack(flag, "t")).unwrap(), 0).unwrap();
        let mut content = vec![("__kind".to_owned(), TmcValue::Byte(3))];
        content.extend(entries.into_iter().map(|(k, v)| (k.to_owned(), v)));
        let frame = Frame { token: Some("t".into()), content, ..Frame::new(FrameKind::Send) };
        match session.receive(&encode_frame(&frame).unwrap(), 1) {
            Ok(events) => {
                let [Event::Message(m)] = events.as_slice() else { panic!("{events:?}") };
                prop_assert_eq!(Some(&TmcValue::Int64(m.id)), frame.get("id"));
            }
            Err(e) => prop_assert!(e.message.starts_with("TMC data frame"), "{}", e.message),
        }
    }
}
