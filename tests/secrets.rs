//! The app secret never leaves the digest functions: not through Debug, not
//! through any error message, whatever goes wrong.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use topwire::gateway::GatewayConfig;
use topwire::{ClientOptions, PrepareOptions, TopClient};

const SECRET: &str = "S3CRET-never-printed";

#[test]
fn debug_of_client_and_gateway_config_hides_the_secret() {
    let client = TopClient::with_options(
        "12345678",
        SECRET,
        &ClientOptions {
            partner_id: Some("p"),
            ..Default::default()
        },
    )
    .unwrap();
    let debug = format!("{client:?} {client:#?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(
        debug.contains("12345678") && debug.contains("***"),
        "{debug}"
    );
    let config = GatewayConfig::from_json(&format!(r#"{{"apps": {{"k": "{SECRET}"}}}}"#)).unwrap();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains(SECRET) && debug.contains("\"k\""),
        "{debug}"
    );
}

#[test]
fn no_error_message_mentions_the_secret() {
    let client = TopClient::new("12345678", SECRET).unwrap();
    let bad_calls: [(&str, &str); 5] = [
        ("taobao.eticket.merchant.ma.resend", "{}"),
        (
            "taobao.travel.ticket.order.verify",
            r#"{"write_off_type": 7}"#,
        ),
        (
            "taobao.travel.ticket.order.verify",
            &format!(r#"{{"confirm_code": {{"x": "{SECRET}"}}}}"#),
        ),
        ("bad method!", "{}"),
        ("taobao.user.get", r#"{"sign": "x"}"#),
    ];
    for (method, params) in bad_calls {
        let err = client
            .prepare(
                method,
                &topwire::from_json(params).unwrap(),
                &PrepareOptions::default(),
            )
            .unwrap_err();
        let text = format!("{err} {err:?}");
        // The third call puts the secret's text in a parameter on purpose: only
        // a description of the value may appear, never the client's secret field.
        if !params.contains(SECRET) {
            assert!(!text.contains(SECRET), "{text}");
        }
    }
    for body in [
        &b"<html>"[..],
        b"{\"error_response\":{\"code\":25,\"msg\":\"Invalid signature\"}}",
        b"",
    ] {
        let err = client.parse("taobao.user.get", body).unwrap_err();
        assert!(!format!("{err} {err:?}").contains(SECRET));
    }
    let err = TopClient::with_options(
        "k",
        SECRET,
        &ClientOptions {
            sign_method: Some(SECRET),
            ..Default::default()
        },
    )
    .unwrap_err();
    // A secret pasted into the wrong option is quoted back: that is the caller's own input, in the field it was given for.
    assert_eq!(err.field, "sign_method");
}
