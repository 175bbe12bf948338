//! A customer's card secret (`ka_mi` of `taobao.eticket.merchant.ma.send`)
//! is sent, but never shown: not in a ValidationError's message or `got`,
//! not in the Debug output of a prepared request.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use topwire::{from_json, Error, PrepareOptions, TopClient};

const SEND: &str = "taobao.eticket.merchant.ma.send";
const CARD_SECRET: &str = "KaMi-7731-secret";

fn prepare(params: &str) -> Result<topwire::PreparedRequest, Error> {
    let client = TopClient::new("12345678", "app-secret").unwrap();
    let opts = PrepareOptions {
        session: Some("s".into()),
        timestamp_ms: 1_700_000_000_000,
        allow_unknown: false,
    };
    client.prepare(SEND, &from_json(params).unwrap(), &opts)
}

#[test]
fn the_secret_is_sent_but_debug_shows_stars() {
    let req = prepare(&format!(
        r#"{{"certificate_type": 1, "isv_ka_list": [{{"ka_no": "K1", "ka_mi": "{CARD_SECRET}", "num": 1}}], "outer_id": "o", "token": "t"}}"#
    ))
    .unwrap();
    let body = req.body.as_form().unwrap();
    assert!(body.contains(CARD_SECRET), "{body}");
    let sent = req.params();
    assert!(sent
        .iter()
        .any(|(k, v)| k == "isv_ka_list" && v.contains(CARD_SECRET)));
    for shown in [
        format!("{req:?}"),
        format!("{req:#?}"),
        req.redacted_body().into_owned(),
    ] {
        assert!(!shown.contains(CARD_SECRET), "{shown}");
        // The rest stays readable: card number, count, token.
        assert!(shown.contains("%22ka_mi%22%3A%22***%22"), "{shown}");
        assert!(shown.contains("K1") && shown.contains("token=t"), "{shown}");
    }
}

#[test]
fn validation_errors_describe_the_secret_without_showing_it() {
    let cases = [
        (
            r#"{"certificate_type": 1, "isv_ka_list": [{"ka_no": "K1", "ka_mi": true, "num": 1}], "outer_id": "o", "token": "t"}"#.to_owned(),
            "isv_ka_list[0].ka_mi: expected a string, got a boolean (secret, not shown)",
        ),
        (
            format!(r#"{{"certificate_type": 1, "isv_ka_list": "not json {CARD_SECRET}", "outer_id": "o", "token": "t"}}"#),
            "isv_ka_list: expected a list of 0 to 200 IsvKa objects, got a string (secret, not shown)",
        ),
        (
            format!(r#"{{"certificate_type": 1, "isv_ka_list": ["{CARD_SECRET}"], "outer_id": "o", "token": "t"}}"#),
            "isv_ka_list[0]: expected a IsvKa object, got a string (may hold a secret, not shown)",
        ),
        (
            format!(r#"{{"certificate_type": 1, "isv_ka_list": [{{"ka_no": "K1", "ka_mi": "{CARD_SECRET}"}}], "outer_id": "o", "token": "t"}}"#),
            "isv_ka_list[0].num: expected an integer (required when certificate_type is 1), got nothing",
        ),
        (
            format!(r#"{{"certificate_type": 1, "isv_ka_list": [{{"ka_no": "K1", "ka_mi": "{CARD_SECRET}", "kami": 1, "num": 1}}], "outer_id": "o", "token": "t"}}"#),
            "isv_ka_list[0].kami: expected one of the documented fields (ka_no, ka_mi, num); pass allow_unknown to send others, got an unknown field",
        ),
    ];
    for (params, message) in cases {
        let err = prepare(&params).unwrap_err();
        let Error::Validation(v) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(err.to_string(), message);
        assert!(!format!("{err:?} {}", v.got).contains(CARD_SECRET));
    }
}
