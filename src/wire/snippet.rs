//! The start of a body, quoted for an error message, and what it looks
//! like: shared by the JSON and XML readers of replies.

use crate::wire::value::quote_truncated;

/// Whether a body starts like an HTML page.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let lower: String = text
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    lower.starts_with("<!doctype html") || lower.starts_with("<html")
}

/// The start of a body, for error messages: what it looks like, quoted.
pub(crate) fn snippet(text: &str) -> String {
    let what = if looks_like_html(text) {
        "an HTML page "
    } else {
        "a body "
    };
    format!("{what}starting {}", quote_truncated(text))
}
