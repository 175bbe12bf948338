//! The local gateway's sample replies (`example_response` of each file in
//! `apis/`) must say one thing: a reply that reports success carries no
//! error code or message, and a `ret_code` is the success one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;

fn check(name: &str, v: &Value, problems: &mut Vec<String>) {
    if let Value::Object(m) = v {
        let succeeded = m.get("success") == Some(&Value::Bool(true))
            || m.get("is_success") == Some(&Value::Bool(true));
        for key in ["error_code", "error_msg", "sub_code", "sub_msg"] {
            if succeeded && m.contains_key(key) {
                problems.push(format!("{name}: success with {key}"));
            }
        }
        if let Some(code) = m.get("ret_code") {
            if code != "isv.success-all" {
                problems.push(format!("{name}: ret_code {code} in a sample reply"));
            }
        }
        for child in m.values() {
            check(name, child, problems);
        }
    } else if let Value::Array(items) = v {
        for item in items {
            check(name, item, problems);
        }
    }
}

#[test]
fn sample_replies_are_consistent() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("apis");
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            check(
                &path.display().to_string(),
                &doc["example_response"],
                &mut problems,
            );
            seen += 1;
        }
    }
    assert!(seen >= 13, "{seen} API files");
    assert!(problems.is_empty(), "{problems:#?}");
}
