//! `prepare` and `parse` of the verify seed call through the C ABI (JSON
//! text in, the request record or data JSON out, everything freed), next to
//! the Rust calls of the same work in the same run. `make c-bench` prints
//! the ratio (budget: prepare within 1.5x of Rust).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::ptr;

use criterion::{criterion_group, criterion_main, Criterion};
use topwire::{from_json, from_json_input_borrowed, PrepareOptions, TopClient};
use topwire_c::{
    topwire_buffer_free, topwire_client_new, topwire_parse, topwire_prepare, topwire_request_free,
    TopwireBuffer, TopwireClient, TopwireRequest, TopwireStatus,
};

const METHOD: &str = "taobao.travel.ticket.order.verify";
const PARAMS: &str = r#"{"check_num":1,"order_id":12345678,"return_num":0,"total_num":1,"out_order_id":"12345","confirm_code":"2516352","voucher_infos":[{"confirm_code":"2516352","used_quantity":1,"used_date":"2020-01-11 14:00:00"}],"write_off_type":0}"#;
const OPTIONS: &str = r#"{"timestamp":1700000000000}"#;
const REPLY: &str =
    r#"{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"4gk1m4nvkxx1"}}"#;
const CLIENT: &str = r#"{"appKey":"12345678","appSecret":"0123456789abcdef0123456789abcdef"}"#;

fn empty() -> TopwireBuffer {
    TopwireBuffer {
        ptr: ptr::null_mut(),
        len: 0,
    }
}

fn c_client() -> *mut TopwireClient {
    let mut out = ptr::null_mut();
    let mut error = empty();
    // SAFETY: valid pointers and lengths.
    let status =
        unsafe { topwire_client_new(CLIENT.as_ptr().cast(), CLIENT.len(), &mut out, &mut error) };
    assert_eq!(status, TopwireStatus::Ok);
    out
}

/// One C prepare as a host does it: JSON in, the record read, then freed.
fn c_prepare(client: *mut TopwireClient, params: &str, options: &str) -> usize {
    let mut out: *mut TopwireRequest = ptr::null_mut();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe {
        topwire_prepare(
            client,
            METHOD.as_ptr().cast(),
            METHOD.len(),
            params.as_ptr().cast(),
            params.len(),
            options.as_ptr().cast(),
            options.len(),
            ptr::null(),
            0,
            &mut out,
            &mut error,
        )
    };
    assert_eq!(status, TopwireStatus::Ok);
    // SAFETY: a live record from topwire_prepare, freed once.
    unsafe {
        let len = (*out).url.len + (*out).body.len;
        topwire_request_free(out);
        len
    }
}

fn c_parse(client: *mut TopwireClient, body: &[u8]) -> usize {
    let mut out = empty();
    let mut error = empty();
    // SAFETY: valid pointers and lengths; a live client.
    let status = unsafe {
        topwire_parse(
            client,
            METHOD.as_ptr().cast(),
            METHOD.len(),
            body.as_ptr().cast(),
            body.len(),
            &mut out,
            &mut error,
        )
    };
    assert_eq!(status, TopwireStatus::Ok);
    let len = out.len;
    // SAFETY: filled by topwire, freed once.
    unsafe { topwire_buffer_free(&mut out) };
    len
}

fn benches(c: &mut Criterion) {
    let rust = TopClient::new("12345678", "0123456789abcdef0123456789abcdef").unwrap();
    let params = from_json(PARAMS).unwrap();
    let opts = PrepareOptions {
        timestamp_ms: 1_700_000_000_000,
        ..Default::default()
    };
    c.bench_function("rust_prepare/verify", |b| {
        b.iter(|| {
            rust.prepare(black_box(METHOD), black_box(&params), black_box(&opts))
                .unwrap()
        })
    });
    // What the JSON crossing costs: the params read (borrowed) as the C ABI reads them.
    c.bench_function("json_params/verify", |b| {
        b.iter(|| from_json_input_borrowed("params", black_box(PARAMS)).unwrap())
    });
    let client = c_client();
    c.bench_function("c_prepare/verify", |b| {
        b.iter(|| c_prepare(client, black_box(PARAMS), black_box(OPTIONS)))
    });
    c.bench_function("rust_parse/verify", |b| {
        b.iter(|| {
            rust.parse(black_box(METHOD), black_box(REPLY.as_bytes()))
                .unwrap()
        })
    });
    c.bench_function("c_parse/verify", |b| {
        b.iter(|| c_parse(client, black_box(REPLY.as_bytes())))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
