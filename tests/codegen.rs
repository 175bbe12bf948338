//! The shipped TypeScript and Python declarations must be what the core
//! generates from its API descriptions. `make types` (TOPWIRE_BLESS=1)
//! rewrites them; without it a stale file fails here with a diff hint.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use std::fs;
use std::path::PathBuf;

use topwire::codegen::{
    python_overloads, python_sender_overloads, python_types, typescript, PY_OVERLOADS_BEGIN,
    PY_OVERLOADS_END, PY_SENDERS_BEGIN, PY_SENDERS_END,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("TOPWIRE_BLESS").is_some()
}

fn check_whole(rel: &str, expected: &str) {
    let path = root().join(rel);
    if bless() {
        fs::write(&path, expected).unwrap();
        return;
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{rel} is not what the core generates: run `make types`"
    );
}

#[test]
fn typescript_declarations_are_current() {
    check_whole("js/types/apis.d.ts", &typescript());
}

#[test]
fn python_typed_dicts_are_current() {
    check_whole("py/topwire/apis.py", &python_types());
}

#[test]
fn python_stub_overloads_are_current() {
    check_block(PY_OVERLOADS_BEGIN, PY_OVERLOADS_END, &python_overloads());
}

#[test]
fn python_stub_sender_overloads_are_current() {
    check_block(PY_SENDERS_BEGIN, PY_SENDERS_END, &python_sender_overloads());
}

/// The stub's text between the `begin` and `end` marker lines must be `generated`.
fn check_block(begin_marker: &str, end_marker: &str, generated: &str) {
    let rel = "py/topwire/__init__.pyi";
    let path = root().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    let begin = text
        .find(begin_marker)
        .expect("stub lacks the begin marker")
        + begin_marker.len()
        + 1;
    let end = text.find(end_marker).expect("stub lacks the end marker");
    if bless() {
        let new = format!("{}{}{}", &text[..begin], generated, &text[end..]);
        fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        text[begin..end] == *generated,
        "{rel}'s generated block after {begin_marker:?} is not what the core generates: run `make types`"
    );
}
