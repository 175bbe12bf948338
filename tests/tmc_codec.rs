//! Properties of the TMC frame codec: decode(encode(x)) == x for every frame
//! the Java encoder writes, and encode(decode(b)) == b for the bytes it
//! writes. The fuzz target (no panic on any bytes, errors naming a byte
//! inside the input) is in tests/fuzz.rs.

#![cfg(feature = "tmc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use topwire::tmc::{decode_frame, encode_frame, Frame, FrameKind, TmcValue};

fn value() -> impl Strategy<Value = TmcValue> {
    prop_oneof![
        Just(TmcValue::Null),
        any::<String>().prop_map(TmcValue::String),
        "[a-z0-9 中文{}\":,]{0,12}".prop_map(TmcValue::String),
        any::<u8>().prop_map(TmcValue::Byte),
        any::<i16>().prop_map(TmcValue::Int16),
        any::<i32>().prop_map(TmcValue::Int32),
        any::<i64>().prop_map(TmcValue::Int64),
        any::<i64>().prop_map(TmcValue::Date),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(TmcValue::Bytes),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-f0-9-]{1,36}"]
}

/// A frame as the Java encoder writes them: Flag and StatusCode absent or
/// > 0, Token and StatusPhrase absent or non-empty.
fn canonical_frame() -> impl Strategy<Value = Frame> {
    (
        prop::sample::select(FrameKind::ALL.to_vec()),
        prop::option::of(1..=i32::MAX),
        prop::option::of(text().prop_filter("non-empty", |s| !s.is_empty())),
        prop::option::of(1..=i32::MAX),
        prop::option::of(text().prop_filter("non-empty", |s| !s.is_empty())),
        prop::collection::vec((any::<String>(), value()), 0..8),
    )
        .prop_map(
            |(kind, flag, token, status_code, status_phrase, content)| Frame {
                kind,
                flag,
                token,
                status_code,
                status_phrase,
                content,
            },
        )
}

proptest! {
    #[test]
    fn decode_of_encode_is_the_frame(frame in canonical_frame()) {
        let bytes = encode_frame(&frame).unwrap();
        prop_assert_eq!(decode_frame(&bytes).unwrap(), frame);
    }

    #[test]
    fn encode_of_decode_is_the_bytes(frame in canonical_frame()) {
        let bytes = encode_frame(&frame).unwrap();
        let again = encode_frame(&decode_frame(&bytes).unwrap()).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn every_cut_of_a_frame_is_an_error(frame in canonical_frame(), cut in any::<prop::sample::Index>()) {
        let bytes = encode_frame(&frame).unwrap();
        let cut = cut.index(bytes.len());
        let e = decode_frame(&bytes[..cut]).unwrap_err();
        prop_assert!(e.message.starts_with("TMC frame, byte "), "{}", e.message);
    }

    #[test]
    fn non_canonical_headers_encode_in_java_form(
        flag in any::<i32>(),
        status in any::<i32>(),
        token in prop::option::of(text()),
    ) {
        let frame = Frame { flag: Some(flag), status_code: Some(status), token: token.clone(), ..Frame::new(FrameKind::ConnectAck) };
        let back = decode_frame(&encode_frame(&frame).unwrap()).unwrap();
        prop_assert_eq!(back.flag, Some(flag).filter(|f| *f > 0));
        prop_assert_eq!(back.status_code, Some(status).filter(|s| *s > 0));
        prop_assert_eq!(back.token, token.filter(|t| !t.is_empty()));
    }
}
