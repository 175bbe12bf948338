//! The host records of `topwire::options`, read as a C ABI or any JSON host
//! reads them (serde_json): strict keys with a suggestion, fields named in
//! every error, the number rules of `Value`.

use topwire::options::{from_deserializer, ClientConfig, GatewayOptions, SpiInput};
use topwire::{Error, PrepareOptions, TopClient, ValidationError, Value};

fn read<T: for<'de> serde::Deserialize<'de>>(json: &str) -> Result<T, ValidationError> {
    let mut de = serde_json::Deserializer::from_str(json);
    from_deserializer(&mut de)
}

#[test]
fn client_options_in_camel_case() {
    let c: ClientConfig =
        read(r#"{"appKey":"k","appSecret":"s","signMethod":"md5","targetAppKey":"t"}"#).unwrap();
    let client = c.client().unwrap();
    assert_eq!(client.sign_method().as_str(), "md5");
    assert_eq!(client.target_app_key(), Some("t"));
    assert!(!format!("{c:?}").contains("\"s\""));
}

#[test]
fn unknown_keys_are_refused_with_the_right_spelling() {
    let e =
        read::<ClientConfig>(r#"{"appKey":"k","appSecret":"s","sign_method":"md5"}"#).unwrap_err();
    assert_eq!(e.field, "sign_method");
    assert_eq!(e.expected, "a known option (did you mean signMethod?)");
    assert_eq!(e.got, "an unknown option");
    let e = read::<PrepareOptions>(r#"{"sesion":"abc"}"#).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.expected.as_str()),
        ("sesion", "a known option (did you mean session?)")
    );
    let e = read::<SpiInput>(r#"{"query":"","secret":"s","now":1,"maxSkew":5}"#).unwrap_err();
    assert_eq!(e.expected, "a known option (did you mean maxSkewMs?)");
}

#[test]
fn wrong_types_name_the_field_and_never_echo_the_value() {
    let e = read::<ClientConfig>(r#"{"appKey":"k","appSecret":1234567}"#).unwrap_err();
    assert_eq!(e.field, "appSecret");
    assert_eq!(
        (e.expected.as_str(), e.got.as_str()),
        ("a string", "a number")
    );
    assert!(!e.to_string().contains("1234567"), "{e}");
    let e = read::<PrepareOptions>(r#"{"allowUnknown":"yes"}"#).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.expected.as_str(), e.got.as_str()),
        ("allowUnknown", "a boolean", "a string")
    );
}

#[test]
fn prepare_options_take_the_timestamp() {
    let o: PrepareOptions =
        read(r#"{"session":"s","timestamp":1700000000000,"allowUnknown":true}"#).unwrap();
    assert_eq!(
        o,
        PrepareOptions {
            session: Some("s".into()),
            timestamp_ms: 1_700_000_000_000,
            allow_unknown: true
        }
    );
}

#[test]
fn app_key_and_secret_go_together() {
    let only_key: GatewayOptions = read(r#"{"appKey":"k"}"#).unwrap();
    let e = only_key.gateway(None).unwrap_err();
    assert_eq!((e.field.as_str(), e.got.as_str()), ("app_secret", "none"));
    let both: GatewayOptions = read(r#"{"appKey":"k","appSecret":"s"}"#).unwrap();
    assert_eq!(both.gateway(None).unwrap().config().app_keys(), ["k"]);
    let neither = GatewayOptions::default().gateway(None).unwrap();
    assert_eq!(
        neither.config().app_keys(),
        [topwire::gateway::DEFAULT_APP_KEY]
    );
}

#[test]
fn values_keep_numbers_exact_or_refuse_them() {
    let v: Value = read(r#"{"a":[1,-2,18446744073709551615,0.5,1e-7],"b":null}"#).unwrap();
    let expected = Value::object([
        (
            "a",
            Value::List(vec![
                Value::Int(1),
                Value::Int(-2),
                Value::UInt(u64::MAX),
                Value::Decimal("0.5".into()),
                Value::Decimal("1e-7".into()),
            ]),
        ),
        ("b", Value::Null),
    ]);
    assert_eq!(v, expected);
    let e = read::<Value>(r#"{"a":{"b":[1e300]}}"#).unwrap_err();
    assert_eq!(e.field, "a.b[0]");
    assert!(e.expected.starts_with("a safe integer"), "{e}");
    let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
    let e = read::<Value>(&deep).unwrap_err();
    assert_eq!(e.expected, "at most 64 levels of nesting");
}

#[test]
fn spi_query_may_keep_its_question_mark() {
    let input: SpiInput = read(r#"{"query":"?a=1","secret":"s","now":0}"#).unwrap();
    match input.verify() {
        Err(Error::Signature(e)) => assert_eq!(e.reason.as_str(), "missing_sign"),
        other => panic!("{other:?}"),
    }
}

/// The wasm glue's route: JSON text read by the core's own reader, records
/// read out of the Value, records written back as JSON text.
#[test]
fn records_through_values() {
    use topwire::options::{from_value, GatewayInput};
    let read = |json: &str| topwire::from_json(json).unwrap();
    let e = from_value::<ClientConfig>(read(r#"{"appKey":"k","appSecret":"s","sign_method":1}"#))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "sign_method: expected a known option (did you mean signMethod?), got an unknown option"
    );
    let e = from_value::<GatewayInput>(read(r#"{"method":"GET","url":"/","headers":[["a",1]]}"#))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "headers[0][1]: expected a string, got a number"
    );
    let e = from_value::<GatewayInput>(read(r#"{"method":"GET"}"#)).unwrap_err();
    assert_eq!(e.to_string(), "url: expected a value, got none");
    let e = from_value::<PrepareOptions>(read(r#"{"timestamp":1.5}"#)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "timestamp: expected an integer within the signed 64-bit range, got a number with a fraction"
    );
    let e = from_value::<PrepareOptions>(read(r#"{"timestamp":123456789012345678901234567890}"#))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "timestamp: expected an integer within the signed 64-bit range, got an integer beyond 64 bits"
    );
    // No Rust type names, and the key as the caller wrote it.
    let e = from_value::<ClientConfig>(read("[1]")).unwrap_err();
    assert_eq!(e.to_string(), "options: expected an object, got an array");
    let e = from_value::<ClientConfig>(read(r#"{"appKey":"k"}"#))
        .unwrap()
        .client()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "appSecret: expected a non-empty app secret, got none"
    );
    let e = from_value::<ClientConfig>(read(r#"{"appKey":"k","appSecret":""}"#))
        .unwrap()
        .client();
    assert_eq!(
        e.unwrap_err().to_string(),
        "appSecret: expected a non-empty app secret, got an empty string"
    );
    let e = from_value::<ClientConfig>(read(
        r#"{"appKey":"k","appSecret":"s","signMethod":"SHA1"}"#,
    ))
    .unwrap()
    .client()
    .unwrap_err();
    assert_eq!(e.field, "signMethod");
    let o: PrepareOptions = from_value(read(r#"{"session":null,"timestamp":5}"#)).unwrap();
    assert_eq!((o.session, o.timestamp_ms), (None, 5));

    let client = TopClient::new("k", "secret-value").unwrap();
    let settings = topwire::record_json(&client.settings()).unwrap();
    assert_eq!(
        settings,
        r#"{"appKey":"k","signMethod":"hmac-sha256","format":"json","simplify":false,"gateway":"https://eco.taobao.com/router/rest"}"#
    );
    let options = PrepareOptions {
        timestamp_ms: 1_700_000_000_000,
        ..Default::default()
    };
    let req = client
        .prepare(
            "taobao.x.y",
            &Value::object([("a", Value::from(1))]),
            &options,
        )
        .unwrap();
    let record = topwire::from_json(&topwire::record_json(&req).unwrap()).unwrap();
    assert_eq!(record.get("body"), Some(&Value::from("a=1")));
    assert_eq!(record.get("method"), Some(&Value::from("POST")));
    let start = usize::try_from(match record.get("signedQueryStart") {
        Some(Value::Int(i)) => *i,
        other => panic!("{other:?}"),
    })
    .unwrap();
    assert!(req.url[start..].starts_with("app_key=k&"));
    let err = Error::from(ValidationError::new("f", "e", "g"));
    assert_eq!(
        topwire::record_json(&err).unwrap(),
        r#"{"kind":"ValidationError","message":"f: expected e, got g","field":"f","expected":"e","got":"g"}"#
    );
}

/// Python fills the same records from its arguments, the body borrowed as
/// every host hands it over: they check and answer as the ones read from JSON.
#[test]
fn records_filled_by_a_host_act_as_read_ones() {
    use topwire::gateway::Gateway;
    use topwire::options::{from_value, GatewayInput};

    let body = b"hello".to_vec();
    let json = r#"{"query":"a=1&timestamp=2023-11-15%2006%3A13%3A20&sign=X","secret":"s",
        "headers":[["Content-Type","text/plain"]],"now":1700028800000}"#;
    let mut read_one: SpiInput = read(json).unwrap();
    read_one.body = &body;
    let filled = SpiInput {
        query: "a=1&timestamp=2023-11-15%2006%3A13%3A20&sign=X".into(),
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: b"hello",
        secret: "s".into(),
        now: 1_700_028_800_000,
        ..SpiInput::default()
    };
    assert_eq!(filled, read_one);
    match (filled.verify(), read_one.verify()) {
        (Err(Error::Signature(a)), Err(Error::Signature(b))) => {
            assert_eq!(
                (a.reason.as_str(), b.reason.as_str()),
                ("mismatch", "mismatch")
            );
        }
        other => panic!("{other:?}"),
    }

    let gateway = Gateway::new(Default::default());
    let body = b"b=2".to_vec();
    let json = r#"{"method":"POST","url":"/router/rest?a=1"}"#;
    let mut read_one: GatewayInput = from_value(topwire::from_json(json).unwrap()).unwrap();
    read_one.body = &body;
    let filled = GatewayInput {
        method: "POST".into(),
        url: "/router/rest?a=1".into(),
        headers: Vec::new(),
        body: b"b=2",
    };
    let now = 1_700_000_000_000;
    assert_eq!(filled.handle(&gateway, now), read_one.handle(&gateway, now));
    let via = filled.with_request(|req| (req.method.to_owned(), req.body.to_vec()));
    assert_eq!(via, ("POST".to_owned(), body));
}

/// JS and JSON hosts name a bad setting as they wrote it (`signMethod`),
/// Python as its keywords are written (`sign_method`): one check, two spellings.
#[test]
fn client_settings_errors_in_either_spelling() {
    let config = ClientConfig {
        app_key: Some("k".into()),
        app_secret: Some("s".into()),
        sign_method: Some("SHA1".into()),
        ..ClientConfig::default()
    };
    let camel = config.client().unwrap_err();
    let snake = config.client_snake_case().unwrap_err();
    assert_eq!(
        (camel.field.as_str(), snake.field.as_str()),
        ("signMethod", "sign_method")
    );
    assert_eq!((camel.expected, camel.got), (snake.expected, snake.got));
    let missing = ClientConfig {
        app_key: Some("k".into()),
        ..ClientConfig::default()
    };
    assert_eq!(missing.client().unwrap_err().field, "appSecret");
    assert_eq!(missing.client_snake_case().unwrap_err().field, "app_secret");
}

#[cfg(feature = "tmc")]
#[test]
fn tmc_settings_errors_in_either_spelling() {
    use topwire::options::TmcSessionConfig;
    let config = TmcSessionConfig {
        app_key: "k".into(),
        app_secret: "s".into(),
        pull_interval_ms: Some(0),
        ..TmcSessionConfig::default()
    };
    let (camel, snake) = (config.session(), config.session_snake_case());
    assert_eq!(
        camel.err().map(|e| e.field).as_deref(),
        Some("pullIntervalMs")
    );
    assert_eq!(
        snake.err().map(|e| e.field).as_deref(),
        Some("pull_interval_ms")
    );
}
