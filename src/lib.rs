//! # topwire
//!
//! A sans-I/O core for the Taobao Open Platform (TOP): it turns an API call
//! into a signed, ready-to-send HTTP request and the gateway's reply into data
//! or a typed error. It never opens a socket, reads a clock or draws a random
//! number, so any HTTP client, sync or async, can carry its requests; the
//! same core runs in Node and browsers (wasm) and in Python.
//!
//! ```
//! use topwire::{TopClient, PrepareOptions, Value};
//!
//! let client = TopClient::new("12345678", "app-secret")?;
//! let params = Value::object([("order_id", Value::from(12345678)), ("check_num", Value::from(1))]);
//! let options = PrepareOptions { timestamp_ms: 1_700_000_000_000, ..Default::default() };
//! let req = client.prepare("taobao.travel.ticket.order.verify", &params, &options)?;
//! assert!(req.url.starts_with("https://eco.taobao.com/router/rest?app_key=12345678&"));
//! assert_eq!(req.body.as_bytes(), b"order_id=12345678&check_num=1");
//!
//! // ... send req.method, req.url, req.headers() and req.body.as_bytes() with any HTTP client ...
//! let body = br#"{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"abc"}}"#;
//! let data = client.parse("taobao.travel.ticket.order.verify", body)?;
//! assert_eq!(data.get("is_success"), Some(&Value::Bool(true)));
//! # Ok::<(), topwire::Error>(())
//! ```
//!
//! Many calls travel in one signed `/router/batch` request with
//! [`TopClient::prepare_batch`]; [`TopClient::parse_batch`] splits the reply
//! into one result per call (see [`batch`]).
//!
//! Errors form one hierarchy ([`Error`]): [`ValidationError`] for bad input,
//! [`ApiError`] for the gateway's `error_response`, [`DecodeError`] for a body
//! that is not a TOP response, [`SignatureError`] for an inbound call that
//! fails its check. No public function panics.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The core by layer, the bottom first: each folder imports only folders
// listed above it (tests/layers.rs holds which, and checks them).

// The value type, errors and wire formats.
mod wire;
// Signatures, timestamps, the Java SDK's rules.
mod rules;
// The API descriptions and what is generated from them.
mod api;
// Prepare and parse.
mod client;
// Inbound calls from TOP.
mod spi;
// The message channel.
#[cfg(feature = "tmc")]
pub mod tmc;
// The local TOP gateway (and its message channel).
mod local_gateway;
// The records hosts exchange with the core.
mod boundary;

pub use api::{apis, codegen, spec};
pub use boundary::options;
pub use client::batch;
pub use client::send;
pub use local_gateway::gateway;
#[cfg(feature = "tmc")]
pub use local_gateway::tmc_channel;
pub use wire::path;

pub use client::batch::{parse_batch_reply, BatchCall, BatchOptions};
pub use client::redact::{is_secret_path, redact_body, SECRET_NOT_SHOWN};
pub use client::reply_check::{check_reply, scan_json, Builder, Verbatim};
pub use client::response::{parse, parse_reply, parse_spanned, Parsed, ReplyMethod};
pub use client::top_client::{
    decode_params, decode_request_params, Body, ClientOptions, Format, PrepareOptions,
    PreparedRequest, TopClient, DEFAULT_GATEWAY, FORM_CONTENT_TYPE, FORM_HEADERS, HTTP_METHOD,
};
pub use rules::sign::{sign, string_to_sign, SignMethod};
pub use rules::time::{format_timestamp, parse_timestamp};
pub use spi::verify::{verify_spi, SpiRequest, DEFAULT_SPI_SKEW_MS};
pub use wire::error::{
    ApiError, DecodeError, Error, SignatureError, SignatureFailure, ValidationError,
};
pub use wire::json::{from_json, from_json_borrowed, from_json_input, from_json_input_borrowed};
pub use wire::json_ser::{record_json, WriteError};
pub use wire::multipart::{Multipart, DEFAULT_FILE_CONTENT_TYPE, MAX_PARTS};
pub use wire::value::{FileItem, Value, ValueRef};
pub use wire::value_serde::{Problem, ReadError, ValueDeserializer, MAX_DEPTH};
