//! The local message channel (src/local_gateway/tmc_channel.rs): the handshake, delivery
//! on pull, confirms, failures, redelivery and the HTTP methods over one
//! queue. Frames are built here from the protocol notes' fields; the CONNECT
//! signs come from the notes' formula (md5 of secret + key/value pairs + secret).
#![cfg(feature = "tmc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use topwire::gateway::{
    Gateway, GatewayConfig, GatewayRequest, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use topwire::tmc::{decode_frame, encode_frame, Frame, FrameKind, TmcMessage, TmcValue};
use topwire::tmc_channel::{
    ChannelEvent, ChannelOptions, MessageState, Publish, TmcChannel, FIRST_MESSAGE_ID,
};
use topwire::{ClientOptions, PrepareOptions, TopClient, Value};

const NOW: i64 = 1_700_000_000_000;
const REDELIVER: i64 = 5_000;

fn channel() -> TmcChannel {
    let options = ChannelOptions {
        redeliver_ms: REDELIVER,
        ..ChannelOptions::default()
    };
    TmcChannel::new(&GatewayConfig::default(), options).unwrap()
}

/// MD5 of secret + app_key..group_name..timestamp.. + secret, upper hex,
/// written out here from the protocol notes.
fn connect_sign(secret: &str, app_key: &str, group: &str, timestamp: &str) -> String {
    use md5::{Digest, Md5};
    let text = format!("{secret}app_key{app_key}group_name{group}timestamp{timestamp}{secret}");
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn connect(secret: &str, timestamp: i64) -> Vec<u8> {
    let ts = timestamp.to_string();
    let text = |s: &str| TmcValue::String(s.to_owned());
    let frame = Frame {
        flag: Some(7),
        content: vec![
            ("app_key".into(), text(DEFAULT_APP_KEY)),
            ("group_name".into(), text("default")),
            ("timestamp".into(), text(&ts)),
            (
                "sign".into(),
                text(&connect_sign(secret, DEFAULT_APP_KEY, "default", &ts)),
            ),
            ("sdk".into(), text("test")),
        ],
        ..Frame::new(FrameKind::Connect)
    };
    encode_frame(&frame).unwrap()
}

fn send(token: &str, kind: u8, rest: Vec<(&str, TmcValue)>) -> Vec<u8> {
    let mut content = vec![("__kind".to_owned(), TmcValue::Byte(kind))];
    content.extend(rest.into_iter().map(|(k, v)| (k.to_owned(), v)));
    let frame = Frame {
        token: Some(token.to_owned()),
        content,
        ..Frame::new(FrameKind::Send)
    };
    encode_frame(&frame).unwrap()
}

/// Opens a connection and signs in; returns it and its token.
fn online(ch: &mut TmcChannel) -> (u64, String) {
    let c = ch.open();
    let out = ch.receive(c, &connect(DEFAULT_APP_SECRET, NOW), NOW);
    assert!(out.close.is_empty(), "{:?}", out.close);
    let ack = decode_frame(&out.frames[0].1).unwrap();
    assert_eq!(ack.kind, FrameKind::ConnectAck);
    assert_eq!(ack.flag, Some(7));
    assert_eq!(ack.status_code, None);
    (c, ack.token.unwrap())
}

fn publish(ch: &mut TmcChannel, topic: &str, content: &str) -> i64 {
    let p = Publish {
        topic: topic.into(),
        content: content.into(),
        ..Publish::default()
    };
    ch.publish(p, NOW).unwrap()
}

fn messages(frames: &[(u64, Vec<u8>)]) -> Vec<TmcMessage> {
    frames
        .iter()
        .map(|(_, b)| TmcMessage::from_frame(&decode_frame(b).unwrap(), 1 << 20).unwrap())
        .collect()
}

#[test]
fn a_signed_connect_gets_a_token_and_a_bad_one_a_status() {
    let mut ch = channel();
    let (c, token) = online(&mut ch);
    assert_eq!(token.len(), 36);
    assert_eq!(token.matches('-').count(), 4);
    // Deterministic: the same handshake on a fresh channel, the same token.
    assert_eq!(online(&mut channel()).1, token);
    let other = ch.open();
    assert_ne!(c, other);
    for (secret, at, why) in [
        ("another-secret", NOW, "the sign does not match"),
        (
            DEFAULT_APP_SECRET,
            NOW - 11 * 60_000,
            "too far from the server's time",
        ),
    ] {
        let out = ch.receive(other, &connect(secret, at), NOW);
        let ack = decode_frame(&out.frames[0].1).unwrap();
        assert_eq!(ack.kind, FrameKind::ConnectAck);
        assert_eq!(ack.status_code, Some(401));
        assert!(
            ack.status_phrase.as_deref().unwrap().contains(why),
            "{ack:?}"
        );
        assert_eq!(ack.token, None);
        assert_eq!(out.close.len(), 1);
        assert!(matches!(out.events[0], ChannelEvent::Refused { .. }));
        assert!(!format!("{out:?}").contains(DEFAULT_APP_SECRET));
    }
    // Bytes that are no frame close the connection, naming the offset.
    let out = ch.receive(other, &[2, 9], NOW);
    assert!(out.close[0].1.contains("byte 1"), "{:?}", out.close);
}

#[test]
fn pull_delivers_exact_ids_gzip_and_the_fields() {
    let mut ch = channel();
    let (c, token) = online(&mut ch);
    let first = publish(
        &mut ch,
        "taobao_trade_TradePaid",
        r#"{"tid":2131800080537681929}"#,
    );
    assert_eq!(first, FIRST_MESSAGE_ID);
    assert_eq!(first, 9_007_199_254_740_993);
    let zipped = ch
        .publish(
            Publish {
                topic: "taobao_trade_TradeCreate".into(),
                content: r#"{"tid":1}"#.into(),
                gzip: true,
                user_id: Some(2_206_611_234),
                nick: Some("tb_seller".into()),
                data_id: Some(1),
                ..Publish::default()
            },
            NOW + 1,
        )
        .unwrap();
    assert_eq!(zipped, first + 1);
    let explicit = ch
        .publish(
            Publish {
                topic: "t".into(),
                content: "{}".into(),
                id: Some(7_104_300_007_405_429_232),
                ..Publish::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(explicit, 7_104_300_007_405_429_232);
    // An id already published is refused.
    let again = Publish {
        topic: "t".into(),
        id: Some(first),
        ..Publish::default()
    };
    assert_eq!(ch.publish(again, NOW).unwrap_err().field, "id");
    // Nothing is sent before the consumer pulls.
    assert!(ch.deliver(NOW).frames.is_empty());
    let out = ch.receive(c, &send(&token, 1, vec![]), NOW);
    let got = messages(&out.frames);
    assert_eq!(
        got.iter().map(|m| m.id).collect::<Vec<_>>(),
        [first, zipped, explicit]
    );
    assert_eq!(got[0].content, r#"{"tid":2131800080537681929}"#);
    assert!(!got[0].compressed);
    assert_eq!(got[0].published, Some(NOW));
    assert_eq!(got[0].publisher.as_deref(), Some(DEFAULT_APP_KEY));
    assert!(got[1].compressed);
    assert_eq!(got[1].content, r#"{"tid":1}"#);
    assert_eq!(
        (got[1].user_id, got[1].nick.as_deref(), got[1].data_id),
        (Some(2_206_611_234), Some("tb_seller"), Some(1))
    );
    let raw = decode_frame(&out.frames[1].1).unwrap();
    assert!(matches!(raw.get("content"), Some(TmcValue::Bytes(b)) if b.starts_with(&[0x1f, 0x8b])));
    assert_eq!(raw.token.as_deref(), Some(token.as_str()));
    assert_eq!(ch.message_state(first), Some((MessageState::Delivered, 1)));
}

#[test]
fn confirms_are_honoured_failures_and_silence_redelivered() {
    let mut ch = channel();
    let (c, token) = online(&mut ch);
    let a = publish(&mut ch, "t", "{}");
    let b = publish(&mut ch, "t", "{}");
    let d = publish(&mut ch, "t", "{}");
    assert_eq!(
        messages(&ch.receive(c, &send(&token, 1, vec![]), NOW).frames).len(),
        3
    );
    assert_eq!(ch.next_deadline(), Some(NOW + REDELIVER));
    // Confirm a; fail b (it comes straight back); leave d unanswered.
    let out = ch.receive(c, &send(&token, 2, vec![("id", TmcValue::Int64(a))]), NOW);
    assert_eq!(out.events, [ChannelEvent::Confirmed { id: a }]);
    let fail = vec![
        ("id", TmcValue::Int64(b)),
        ("msg", TmcValue::String("on purpose".into())),
    ];
    let out = ch.receive(c, &send(&token, 20, fail), NOW);
    assert_eq!(
        out.events[0],
        ChannelEvent::Failed {
            id: b,
            reason: "on purpose".into()
        }
    );
    assert_eq!(
        messages(&out.frames)
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [b]
    );
    assert_eq!(ch.message_state(b), Some((MessageState::Delivered, 2)));
    // A frame with another token is dropped.
    assert_eq!(
        ch.receive(
            c,
            &send("not-the-token", 2, vec![("id", TmcValue::Int64(d))]),
            NOW
        ),
        Default::default()
    );
    // Before the delay nothing comes back; after it, d (and b, still unconfirmed).
    assert!(ch.deliver(NOW + REDELIVER - 1).frames.is_empty());
    let again = messages(&ch.deliver(NOW + REDELIVER).frames);
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), [b, d]);
    assert_eq!(ch.message_state(d), Some((MessageState::Delivered, 2)));
    assert_eq!(ch.message_state(a), Some((MessageState::Confirmed, 1)));
    // A confirmed message never comes back.
    ch.receive(c, &send(&token, 2, vec![("id", TmcValue::Int64(b))]), NOW);
    ch.receive(c, &send(&token, 2, vec![("id", TmcValue::Int64(d))]), NOW);
    assert_eq!(ch.next_deadline(), None);
    assert!(ch.deliver(NOW + 10 * REDELIVER).frames.is_empty());
}

#[test]
fn a_dropped_connection_gives_its_messages_to_the_next() {
    let mut ch = channel();
    let (c, token) = online(&mut ch);
    let a = publish(&mut ch, "t", "{}");
    assert_eq!(
        messages(&ch.receive(c, &send(&token, 1, vec![]), NOW).frames)[0].id,
        a
    );
    ch.closed(c);
    assert_eq!(ch.message_state(a), Some((MessageState::Queued, 1)));
    let (c2, token2) = online(&mut ch);
    assert_ne!(c, c2);
    assert_ne!(token, token2);
    let out = ch.receive(c2, &send(&token2, 1, vec![]), NOW);
    assert_eq!(messages(&out.frames)[0].id, a);
    // Once pulling, new messages arrive as they are published.
    let b = publish(&mut ch, "t", "{}");
    let out = ch.deliver(NOW);
    assert_eq!(out.frames[0].0, c2);
    assert_eq!(messages(&out.frames)[0].id, b);
}

fn http(
    ch: &mut TmcChannel,
    gw: &Gateway,
    method: &str,
    params: &str,
    simplify: bool,
    now: i64,
) -> Value {
    let options = ClientOptions {
        simplify: Some(simplify),
        format: Some(if simplify { "json" } else { "xml" }),
        ..ClientOptions::default()
    };
    let client = TopClient::with_options(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, &options).unwrap();
    let opts = PrepareOptions {
        timestamp_ms: now,
        ..PrepareOptions::default()
    };
    let req = client
        .prepare(method, &topwire::from_json(params).unwrap(), &opts)
        .unwrap();
    let (resp, _) = ch.handle_http(
        gw,
        &GatewayRequest {
            method: req.method,
            url: &req.url,
            headers: &req.headers(),
            body: req.body.as_bytes(),
        },
        now,
    );
    client.parse(method, resp.body.as_bytes()).unwrap()
}

#[test]
fn http_consume_and_confirm_share_the_queue() {
    let mut ch = channel();
    let gw = Gateway::default();
    let a = publish(
        &mut ch,
        "taobao_trade_TradePaid",
        r#"{"tid":2131800080537681929}"#,
    );
    let b = publish(&mut ch, "t", "{}");
    let consume = "taobao.tmc.messages.consume";
    // XML first, then simplified JSON once the delay has passed: the same
    // two messages, redelivered because nobody confirmed them.
    for (attempt, simplify) in [(1, false), (2, true)] {
        let now = NOW + (attempt - 1) * REDELIVER;
        let data = http(&mut ch, &gw, consume, r#"{"quantity": 10}"#, simplify, now);
        let Some(Value::List(list)) = data.get("messages") else {
            panic!("{data:?}")
        };
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].get("id"), Some(&Value::Int(a)));
        assert_eq!(list[1].get("id"), Some(&Value::Int(b)));
        let content = list[0].get("content").and_then(Value::as_str);
        assert_eq!(content, Some(r#"{"tid":2131800080537681929}"#));
        assert_eq!(
            list[0].get("pub_time").and_then(Value::as_str),
            Some("2023-11-15 06:13:20")
        );
        assert_eq!(
            list[0].get("pub_app_key").and_then(Value::as_str),
            Some(DEFAULT_APP_KEY)
        );
        assert_eq!(
            ch.message_state(a),
            Some((MessageState::Delivered, attempt as u32))
        );
        // Handed out and not confirmed: not handed out again before the delay.
        let none = http(&mut ch, &gw, consume, "{}", simplify, now + REDELIVER - 1);
        assert_eq!(none.get("messages"), None, "{none:?}");
    }
    let ids = format!(r#"{{"s_message_ids": [{a}, {b}]}}"#);
    let done = http(
        &mut ch,
        &gw,
        "taobao.tmc.messages.confirm",
        &ids,
        false,
        NOW,
    );
    assert_eq!(done.get("is_success"), Some(&Value::Bool(true)));
    assert_eq!(ch.message_state(a), Some((MessageState::Confirmed, 2)));
    assert_eq!(ch.message_state(b), Some((MessageState::Confirmed, 2)));
    let none = http(&mut ch, &gw, consume, "{}", true, NOW + 10 * REDELIVER);
    assert_eq!(none.get("messages"), None);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// tests/http/tmc_channel.json (written by scripts/oracle.py), run on the
/// core's channel directly; the Node and Python suites run it over a
/// WebSocket against their gateway servers.
#[test]
fn shared_channel_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/http/tmc_channel.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let options = ChannelOptions {
            redeliver_ms: doc["redeliver_ms"].as_i64().unwrap(),
            ..ChannelOptions::default()
        };
        let mut ch = TmcChannel::new(&GatewayConfig::default(), options).unwrap();
        let mut now = doc["now_ms"].as_i64().unwrap();
        let mut sockets: Vec<(String, u64)> = Vec::new();
        for step in case["steps"].as_array().unwrap() {
            if let Some(at) = step.get("clock") {
                now = at.as_i64().unwrap();
            } else if let Some(p) = step.get("publish") {
                let text = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                let int = |k: &str| p.get(k).and_then(serde_json::Value::as_i64);
                let publish = Publish {
                    topic: text("topic").unwrap(),
                    content: text("content").unwrap(),
                    nick: text("nick"),
                    user_id: int("user_id"),
                    data_id: int("data_id"),
                    id: int("id"),
                    ..Publish::default()
                };
                assert_eq!(
                    ch.publish(publish, now).unwrap(),
                    step["id"].as_i64().unwrap(),
                    "{name}"
                );
            } else {
                let socket = step["send"].as_str().unwrap();
                let c = match sockets.iter().find(|(s, _)| s == socket) {
                    Some((_, c)) => *c,
                    None => {
                        let c = ch.open();
                        sockets.push((socket.to_owned(), c));
                        c
                    }
                };
                let out = ch.receive(c, &unhex(step["hex"].as_str().unwrap()), now);
                let want: Vec<String> = step["expect"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["hex"].as_str().unwrap().to_owned())
                    .collect();
                let got: Vec<String> = out.frames.iter().map(|(_, b)| hex(b)).collect();
                assert_eq!(got, want, "{name}");
                assert!(out.frames.iter().all(|(to, _)| *to == c), "{name}");
                let close: Vec<(u64, String)> = step
                    .get("close")
                    .map(|cl| vec![(c, cl["reason"].as_str().unwrap().to_owned())])
                    .unwrap_or_default();
                assert_eq!(out.close, close, "{name}");
            }
        }
    }
}

#[test]
fn groups_keep_their_messages_apart() {
    let mut ch = channel();
    let gw = Gateway::default();
    let vip = ch
        .publish(
            Publish {
                topic: "t".into(),
                content: "{}".into(),
                group: Some("vip".into()),
                ..Publish::default()
            },
            NOW,
        )
        .unwrap();
    let plain = publish(&mut ch, "t", "{}");
    // A default-group consumer gets only the default group's message.
    let (c, token) = online(&mut ch);
    let got = messages(&ch.receive(c, &send(&token, 1, vec![]), NOW).frames);
    assert_eq!(got.iter().map(|m| m.id).collect::<Vec<_>>(), [plain]);
    // Polling the vip group gets the other one, and only it.
    let consume = "taobao.tmc.messages.consume";
    let data = http(
        &mut ch,
        &gw,
        consume,
        r#"{"group_name": "vip", "quantity": 10}"#,
        true,
        NOW,
    );
    let Some(Value::List(list)) = data.get("messages") else {
        panic!("{data:?}")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].get("id"), Some(&Value::Int(vip)));
    let none = http(&mut ch, &gw, consume, r#"{"group_name": "vip"}"#, true, NOW);
    assert_eq!(none.get("messages"), None);
    assert_eq!(ch.next_deadline(), Some(NOW + REDELIVER));
}

#[test]
fn a_thousand_messages_confirmed_leave_nothing_due() {
    let mut ch = channel();
    let (c, token) = online(&mut ch);
    let ids: Vec<i64> = (0..1000).map(|_| publish(&mut ch, "t", "{}")).collect();
    let mut seen = Vec::new();
    // Pulls hand out a batch (32) at a time, oldest first.
    while seen.len() < ids.len() {
        let batch = messages(&ch.receive(c, &send(&token, 1, vec![]), NOW).frames);
        assert!(!batch.is_empty() && batch.len() <= 32, "{}", batch.len());
        for m in batch {
            ch.receive(
                c,
                &send(&token, 2, vec![("id", TmcValue::Int64(m.id))]),
                NOW,
            );
            seen.push(m.id);
        }
    }
    assert_eq!(seen, ids);
    assert_eq!(ch.next_deadline(), None);
    assert!(ch.deliver(NOW + 10 * REDELIVER).frames.is_empty());
    assert_eq!(
        ch.message_state(ids[999]),
        Some((MessageState::Confirmed, 1))
    );
}
