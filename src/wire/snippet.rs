//! The start of a body, quoted for an error message, and what it looks
//! like: shared by the JSON and XML readers of replies.

use crate::wire::value::quote_truncated;

/// Whether a body starts like an HTML page (`<!DOCTYPE html`, `<html`, in
/// any case), compared in place.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let starts = |prefix: &str| {
        text.as_bytes()
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    starts("<!doctype html") || starts("<html")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_in_any_case() {
        for html in [
            "<!DOCTYPE html>",
            "<!doctype HTML><p>",
            "<HTML>",
            "<html lang=en>",
        ] {
            assert!(looks_like_html(html), "{html}");
        }
        for not in [
            "",
            "<",
            "<htm",
            " <html>",
            "<!doctype xml",
            "<xml/>",
            "{\"a\":1}",
            "é<html>",
        ] {
            assert!(!looks_like_html(not), "{not}");
        }
        assert_eq!(
            snippet("<HTML><body>"),
            "an HTML page starting \"<HTML><body>\""
        );
        assert_eq!(snippet("oops"), "a body starting \"oops\"");
    }
}
