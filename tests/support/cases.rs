//! The shared cases' discovery and reading, written once for the two Rust
//! runners that include this file with `#[path]`: the core's
//! (`tests/shared_cases.rs`) and the C ABI's (`bindings/c/tests/shared_cases.rs`).
//! Each runner brings only what it does with a case of each file; the rules
//! of `tests/README.md` (a file with no cases, a duplicate case name, a file
//! with no runner all fail) are kept here, the same for both.

// Each runner uses its own part of the helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use topwire::{from_json, Value};

/// A case's result: what differs from the expected values, if anything.
pub type Outcome = Result<(), String>;

/// Where a case comes from: a reply fixture (`tests/fixtures/`, every one run
/// by `parse`) or a vector file of `tests/vectors/`, by its file name.
#[derive(Clone, Copy)]
pub enum CaseFile<'a> {
    Fixture,
    Vector(&'a str),
}

/// The workspace's `tests/` folder, wherever the including crate lives.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests"))
        .find(|tests| tests.join("vectors").is_dir())
        .unwrap_or_else(|| panic!("no tests/vectors above {}", env!("CARGO_MANIFEST_DIR")))
}

/// The `.json` files of a folder, sorted by name.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Reads a case file with topwire's own JSON reader (object order and
/// integers beyond 2^53 kept exactly): its `cases`, after checking it has a
/// `description`.
fn load(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        doc.get("description").and_then(Value::as_str).is_some(),
        "{}: no description",
        path.display()
    );
    match doc.get("cases") {
        Some(Value::List(cases)) => cases.clone(),
        _ => panic!("{}: no cases array", path.display()),
    }
}

/// Runs `run` on every case of every file of `tests/vectors/` and
/// `tests/fixtures/`, then fails with every failure at once. `run` gives
/// `None` for a case its language cannot express (listed, not failed); for
/// a vector file it has no runner for, it gives an error (see [`no_runner`]).
/// `who` names the runner in the summary and the failure message.
pub fn run_every_case(who: &str, mut run: impl FnMut(CaseFile<'_>, &Value) -> Option<Outcome>) {
    let mut failures: Vec<String> = Vec::new();
    let mut counts: Vec<String> = Vec::new();
    let mut not_run: Vec<String> = Vec::new();
    for (dir, is_fixture) in [("vectors", false), ("fixtures", true)] {
        let files = json_files(&tests_dir().join(dir));
        assert!(!files.is_empty(), "no case files in tests/{dir}");
        for path in files {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let cases = load(&path);
            assert!(!cases.is_empty(), "{dir}/{file} has no cases");
            counts.push(format!("{dir}/{file}: {}", cases.len()));
            let mut names: Vec<&str> = Vec::new();
            for case in &cases {
                let name = str_of(case, "name").unwrap_or("<unnamed>");
                if names.contains(&name) {
                    failures.push(format!("{dir}/{file}: duplicate case name {name:?}"));
                }
                names.push(name);
                let from = if is_fixture {
                    CaseFile::Fixture
                } else {
                    CaseFile::Vector(&file)
                };
                match run(from, case) {
                    None => not_run.push(format!("{dir}/{file} :: {name}")),
                    Some(Ok(())) => {}
                    Some(Err(why)) => failures.push(format!("{dir}/{file} :: {name}\n    {why}")),
                }
            }
        }
    }
    eprintln!("{who}: {}", counts.join(", "));
    if !not_run.is_empty() {
        eprintln!("{who}: {} case(s) not run: {not_run:?}", not_run.len());
    }
    assert!(
        failures.is_empty(),
        "{} shared case(s) failed ({who}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The outcome for a vector file a runner does not know: every runner must
/// fail on one, so a new file cannot go unchecked.
pub fn no_runner(file: &str) -> Outcome {
    Err(format!("no runner for tests/vectors/{file}"))
}

// ---- reading cases ----

pub fn str_of<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

pub fn need_str<'a>(case: &'a Value, key: &str) -> Result<&'a str, String> {
    str_of(case, key).ok_or_else(|| format!("case has no string `{key}`"))
}

/// The case's `expect` (`Ok`) or `error` (`Err`): exactly one must be there.
pub fn expect_or_error(case: &Value) -> Result<Result<&Value, &Value>, String> {
    match (case.get("expect"), case.get("error")) {
        (Some(e), None) => Ok(Ok(e)),
        (None, Some(err)) => Ok(Err(err)),
        _ => Err("case needs exactly one of `expect` and `error`".to_owned()),
    }
}

/// JSON equality: objects compare as maps (as in the Node and Python
/// runners), everything else exactly (an integer never equals a float).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && json_eq(v, v2)))
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        _ => a == b,
    }
}

pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .ok_or_else(|| format!("bad base64 character {:?}", char::from(c)))?;
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    Ok(out)
}

pub fn hex(text: &str) -> Result<Vec<u8>, String> {
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad hex at {i}"))
        })
        .collect()
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
