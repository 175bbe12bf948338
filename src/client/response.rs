//! `parse`: from the gateway's reply to data, an [`ApiError`] or a [`DecodeError`].
//!
//! The body decides what it is, whatever the request asked for: its first
//! character JSON or XML (the gateway answers some failures in XML whatever
//! was asked), and a JSON object with the single key `{name}_response` a
//! wrapped reply, any other object but an `error_response` or another
//! method's `*_response` a simplified one. Known APIs are then typed by
//! their description, so JSON, simplified JSON and XML give the same data.

use std::ops::Range;

use crate::api::apis;
use crate::api::spec::{check_method, response_key, ApiSpec, Field};
use crate::client::shape::shape;
use crate::wire::error::{ApiError, DecodeError, Error, ValidationError};
use crate::wire::snippet::{looks_like_html, snippet};
use crate::wire::value::Value;
use crate::wire::xml;

/// Parses a response body of `method`: wrapped JSON, simplified JSON or XML,
/// as the body says.
pub fn parse(method: &str, body: &[u8]) -> Result<Value, Error> {
    parse_spanned(method, body).map(|p| p.data)
}

/// A successful reply: its data, and where that data's JSON text lies in
/// the body when it can be read as it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The response data (inside the `*_response` wrapper), typed for known APIs.
    pub data: Value,
    /// Byte range of `body` whose JSON text is exactly `data`: set for JSON
    /// replies that typing left untouched. A host with a fast native JSON
    /// parser (a browser's or Node's `JSON.parse`) reads that slice instead of
    /// converting `data` value by value; the check it still owns is whether
    /// its numbers can hold every integer in `data`.
    pub verbatim: Option<Range<usize>>,
}

/// A method whose replies are to be parsed: the name checked, its wrapper
/// key and API description looked up once. Bindings keep one per method
/// name, so parsing a reply does none of that work again.
#[derive(Clone, Debug)]
pub struct ReplyMethod {
    key: String,
    spec: Option<&'static ApiSpec>,
}

impl ReplyMethod {
    /// Checks a method name (`taobao.travel.ticket.order.verify`).
    pub fn new(name: &str) -> Result<ReplyMethod, ValidationError> {
        check_method(name)?;
        Ok(ReplyMethod {
            key: response_key(name),
            spec: apis::find(name),
        })
    }
}

/// The body as text without a byte-order mark and surrounding whitespace,
/// and where that text starts in it.
pub(crate) fn trimmed(body: &[u8]) -> Result<(&str, usize), DecodeError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        DecodeError::new(format!(
            "response body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let offset = text.len() - trimmed.len();
    Ok((trimmed.trim_end(), offset))
}

/// [`parse`], also telling where the data's JSON text lies in the body.
pub fn parse_spanned(method: &str, body: &[u8]) -> Result<Parsed, Error> {
    parse_reply(&ReplyMethod::new(method)?, body)
}

impl ReplyMethod {
    /// The wrapper key of its replies (`travel_ticket_order_verify_response`).
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// The fields of its replies' description (none for an unknown method).
    pub(crate) fn fields(&self) -> &'static [Field] {
        self.spec.map_or(&[], |spec| spec.response)
    }
}

/// [`parse_spanned`] with the method checked beforehand.
pub fn parse_reply(method: &ReplyMethod, body: &[u8]) -> Result<Parsed, Error> {
    let key = method.key.as_str();
    let (text, offset) = trimmed(body)?;
    let (inner, span) = match text.as_bytes().first() {
        None => return Err(DecodeError::new("response body is empty").into()),
        Some(b'{') => unwrap_json(text, key)?,
        // An HTML error page (proxy, load balancer) is said to be one, whether
        // or not it happens to be well-formed XML.
        Some(b'<') if looks_like_html(text) => {
            return Err(DecodeError::new(format!(
                "expected a TOP XML response, got {}",
                snippet(text)
            ))
            .into())
        }
        Some(b'<') => (unwrap_xml(text, key)?, None),
        Some(_) => {
            return Err(DecodeError::new(format!(
                "expected a JSON or XML TOP response, got {}",
                snippet(text)
            ))
            .into())
        }
    };
    let (data, changed) = match method.spec {
        Some(spec) => shape(inner, spec.response)?,
        None => (inner, false),
    };
    let verbatim = span
        .filter(|_| !changed)
        .map(|r| r.start + offset..r.end + offset);
    Ok(Parsed { data, verbatim })
}

/// The inner object of a JSON reply, and its text's range in `text` (none
/// when the reader replaced a lone surrogate or read a raw control
/// character: the text is not the data as a native JSON parser reads it).
fn unwrap_json(text: &str, key: &str) -> Result<(Value, Option<Range<usize>>), Error> {
    let read = crate::wire::json::parse_spanned(text).map_err(|e| {
        DecodeError::new(format!(
            "response is not valid JSON ({e}): {}",
            snippet(text)
        ))
    })?;
    let spans = if read.not_native {
        Vec::new()
    } else {
        read.root_spans
    };
    let whole = (!read.not_native).then_some(0..text.len());
    let Value::Object(mut pairs) = read.value else {
        return Err(DecodeError::new("expected a JSON object").into());
    };
    if let [(name, _)] = pairs.as_slice() {
        if name == "error_response" || name == key {
            let (name, inner) = pairs.swap_remove(0);
            return if name == "error_response" {
                Err(api_error(&inner)?.into())
            } else {
                Ok((expect_object(inner, key)?, spans.first().cloned()))
            };
        }
        // Another method's wrapper, not data named like one.
        if name.ends_with("_response") {
            return Err(wrong_root(name, key));
        }
    }
    if let Some((_, err)) = pairs.iter().find(|(k, _)| k == "error_response") {
        return Err(api_error(err)?.into());
    }
    Ok((Value::Object(pairs), whole))
}

fn unwrap_xml(text: &str, key: &str) -> Result<Value, Error> {
    let (root, inner) = xml::parse(text)?;
    if root == "error_response" {
        return Err(api_error(&inner)?.into());
    }
    if root != key {
        return Err(wrong_root(&root, key));
    }
    // `<x_response/>` and `<x_response>\n</x_response>` are an empty response.
    match inner {
        Value::String(s) if crate::client::shape::is_blank(&s) => Ok(Value::Object(Vec::new())),
        other => expect_object(other, key),
    }
}

fn expect_object(v: Value, key: &str) -> Result<Value, Error> {
    match v {
        Value::Object(_) => Ok(v),
        other => Err(DecodeError::new(format!(
            "expected `{key}` to hold an object, got {}",
            other.describe()
        ))
        .into()),
    }
}

fn wrong_root(name: &str, key: &str) -> Error {
    DecodeError::new(format!(
        "expected the response `{key}`, got `{name}` (a response to another method?)"
    ))
    .into()
}

/// Builds an [`ApiError`] from the children of `error_response`.
fn api_error(v: &Value) -> Result<ApiError, DecodeError> {
    let text = |k: &str| match v.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.to_string()),
        Some(Value::Int(i)) => Some(i.to_string()),
        Some(Value::UInt(u)) => Some(u.to_string()),
        _ => None,
    };
    let code = match v.get("code") {
        Some(Value::Int(i)) => *i,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| bad_code(v))?,
        _ => return Err(bad_code(v)),
    };
    let sub_code = text("sub_code");
    let sub_msg = text("sub_msg");
    let msg = text("msg").unwrap_or_default();
    let retryable =
        code == 7 || code == 10 || sub_code.as_deref().is_some_and(|s| s.starts_with("isp."));
    let retry_after = sub_msg
        .as_deref()
        .and_then(ban_seconds)
        .or_else(|| ban_seconds(&msg));
    Ok(ApiError {
        code,
        msg,
        sub_code,
        sub_msg,
        request_id: text("request_id"),
        retryable,
        retry_after,
    })
}

fn bad_code(v: &Value) -> DecodeError {
    let got = v
        .get("code")
        .map_or_else(|| "no code".to_owned(), Value::describe);
    DecodeError::new(format!(
        "error_response without an integer code (got {got})"
    ))
}

/// The N of `This ban will last for N more seconds`.
fn ban_seconds(msg: &str) -> Option<u64> {
    const LEAD: &str = "ban will last for ";
    let start = msg.find(LEAD)? + LEAD.len();
    let rest = msg.get(start..)?;
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(digits_end);
    if !tail.trim_start().starts_with("more second") {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_range_is_the_inner_object_when_typing_changed_nothing() {
        const M: &str = "taobao.travel.ticket.order.verify";
        let inner = r#"{"is_success":true,"request_id":"x"}"#;
        let body = format!("\u{feff} \n{{\"travel_ticket_order_verify_response\" : {inner} }}\n");
        let parsed = parse_spanned(M, body.as_bytes()).unwrap();
        assert_eq!(parsed.verbatim.map(|r| &body[r]), Some(inner));
        // Simplified replies are the object itself.
        let parsed = parse_spanned(M, inner.as_bytes()).unwrap();
        assert_eq!(parsed.verbatim, Some(0..inner.len()));
        // Typing turns the text "true" into a boolean: the text is not the data.
        let typed = r#"{"travel_ticket_order_verify_response":{"is_success":"true"}}"#;
        assert_eq!(parse_spanned(M, typed.as_bytes()).unwrap().verbatim, None);
        let xml = "<travel_ticket_order_verify_response><is_success>true</is_success></travel_ticket_order_verify_response>";
        assert_eq!(parse_spanned(M, xml.as_bytes()).unwrap().verbatim, None);
    }

    #[test]
    fn ban_wait() {
        assert_eq!(
            ban_seconds("This ban will last for 23 more seconds"),
            Some(23)
        );
        assert_eq!(ban_seconds("This ban will last for 1 more second"), Some(1));
        assert_eq!(ban_seconds("ban will last for many more seconds"), None);
        assert_eq!(ban_seconds("Remote service error"), None);
    }
}
