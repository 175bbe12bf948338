//! Verifying inbound (SPI) calls: TOP calling the merchant.
//!
//! The rule is Java's `SpiUtils.checkSign`, followed step by step (each
//! function below names the Java method it mirrors): the headers named in
//! `top-sign-list` (URL-decoded), the query's pairs and, for urlencoded
//! bodies, the form fields not already in the query go into one map; its
//! keys, `sign` left out, are sorted in Java's (UTF-16) order and
//! concatenated with their values, empty ones included. The expected sign is
//! upper-hex MD5(secret + that string + body + secret), where the body counts
//! for JSON, XML and text bodies. Always MD5, whatever `sign_method` says.

use std::borrow::Cow;

use subtle::ConstantTimeEq;

use crate::rules::java::{self, Escapes};
use crate::rules::sign::{digest_parts, SignMethod};
use crate::rules::time::parse_timestamp;
use crate::wire::error::{Error, SignatureError, SignatureFailure, ValidationError};
use crate::wire::order;

/// Ten minutes, the gateway's own tolerance.
pub const DEFAULT_SPI_SKEW_MS: i64 = 10 * 60 * 1000;

/// An inbound HTTP call, as the host's server received it.
#[derive(Clone, Copy, Debug)]
pub struct SpiRequest<'a> {
    /// The raw query string, with or without the leading `?`.
    pub query: &'a str,
    /// The request headers, names in any case.
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body bytes.
    pub body: &'a [u8],
    /// The `Content-Type` header's value, if any (looked up in `headers` when absent).
    pub content_type: Option<&'a str>,
}

/// How the body takes part in the signature.
enum BodyRole {
    /// JSON, XML (`text/xml` or `application/xml`) or text: appended after the sorted pairs.
    Appended,
    /// Urlencoded form: its fields join the pairs.
    Form,
    /// No body.
    None,
}

/// Checks an inbound call's signature and timestamp.
///
/// `now_ms` is the host's clock in epoch milliseconds; `max_skew_ms` the
/// allowed distance of the call's `timestamp` from it ([`DEFAULT_SPI_SKEW_MS`]).
/// Returns a [`SignatureError`] saying which check failed, or a
/// [`ValidationError`] for input that is malformed rather than forged.
/// Time and memory are linear in the size of the call.
pub fn verify_spi(
    req: &SpiRequest<'_>,
    secret: &str,
    now_ms: i64,
    max_skew_ms: i64,
) -> Result<(), Error> {
    if secret.is_empty() {
        return Err(
            ValidationError::new("secret", "a non-empty app secret", "an empty string").into(),
        );
    }
    if max_skew_ms < 0 {
        return Err(ValidationError::new(
            "max_skew",
            "a non-negative duration",
            format!("{max_skew_ms} ms"),
        )
        .into());
    }
    let headers = HeaderIndex::new(req.headers);
    let ctype = req.content_type.or_else(|| headers.get("content-type"));
    let role = body_role(ctype, req.body)?;
    // Java fills one map: headers, then the query over them, then the form.
    let mut entries = header_entries(&headers)?;
    query_entries(
        req.query.strip_prefix('?').unwrap_or(req.query),
        matches!(role, BodyRole::Form),
        &mut entries,
    )?;
    if matches!(role, BodyRole::Form) {
        form_entries(req.body, &mut entries)?;
    }
    let body: &[u8] = match role {
        BodyRole::Appended => utf8_body(req.body)?.as_bytes(),
        _ => &[],
    };
    let signed = java_map(&entries);
    // `queryMap.get("sign")`: a sign sent only in the form does not count.
    let Some(remote_sign) = value_of(&signed, "sign", &[Source::Query]) else {
        return Err(failure(
            SignatureFailure::MissingSign,
            "the call has no `sign` query parameter",
        ));
    };
    let parts = signed
        .iter()
        .filter(|e| e.key != "sign")
        .flat_map(|e| [e.key.as_bytes(), e.value.as_bytes()])
        .chain(std::iter::once(body));
    let expected = digest_parts(parts, secret, SignMethod::Md5);
    if !bool::from(expected.as_bytes().ct_eq(remote_sign.as_bytes())) {
        return Err(failure(
            SignatureFailure::Mismatch,
            "the call's `sign` does not match its parameters and body",
        ));
    }
    let timestamp = value_of(&signed, "timestamp", &[Source::Query, Source::Form]);
    check_timestamp(timestamp, now_ms, max_skew_ms)
}

/// Where a pair came from, which decides which of a key's pairs Java keeps.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// A header named in `top-sign-list` (`getHeaderMap`).
    Header,
    /// A query pair as `getQueryMap` reads it.
    Query,
    /// A servlet parameter not in the query map (`getFormMap`).
    Form,
}

/// One pair on its way into Java's `params` map.
struct Entry<'a> {
    key: Cow<'a, str>,
    value: Cow<'a, str>,
    source: Source,
}

fn entry_key<'x>(e: &'x Entry<'_>) -> &'x str {
    &e.key
}

/// What Java's `HashMap` ends up holding, in `Arrays.sort` order, without a
/// map: `entries` (in arrival order) are sorted by key, stably, and each key
/// keeps the pair Java's `put` calls leave: the query's last, else the form's
/// first (`getParameter`), else the headers' last. One sort and one pass: no
/// lookup or scan per field.
fn java_map<'e, 'a>(entries: &'e [Entry<'a>]) -> Vec<&'e Entry<'a>> {
    let order = java::order_by_str(entries, entry_key);
    let sorted: Vec<&'e Entry<'a>> = order.iter().filter_map(|&i| entries.get(i)).collect();
    let mut kept = Vec::with_capacity(sorted.len());
    for group in sorted.chunk_by(|a, b| a.key == b.key) {
        let of = |source: Source| move |e: &&&Entry<'a>| e.source == source;
        let pick = (group.iter().rev().find(of(Source::Query)))
            .or_else(|| group.iter().find(of(Source::Form)))
            .or_else(|| group.iter().rev().find(of(Source::Header)));
        kept.extend(pick.copied());
    }
    kept
}

/// The kept value of `key`, when it came from one of `sources`.
fn value_of<'e>(map: &[&'e Entry<'_>], key: &str, sources: &[Source]) -> Option<&'e str> {
    map.iter()
        .find(|e| e.key == key && sources.contains(&e.source))
        .map(|e| e.value.as_ref())
}

fn failure(reason: SignatureFailure, message: &str) -> Error {
    SignatureError {
        reason,
        message: message.to_owned(),
    }
    .into()
}

/// The request headers by lower-case name, sorted, the first of repeated
/// ones kept (a servlet's `getHeader`): each lookup is a binary search.
/// (A sorted list rather than a hash map: no hashing code in the wasm build.)
struct HeaderIndex<'a>(Vec<(String, &'a str)>);

impl<'a> HeaderIndex<'a> {
    fn new(headers: &[(&str, &'a str)]) -> Self {
        let mut index: Vec<(String, &'a str)> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), *value))
            .collect();
        // Stable: the first of equal names stays first.
        order::sort_by_bytes(&mut index, |(name, _)| name.as_bytes());
        index.dedup_by(|later, first| later.0 == first.0);
        HeaderIndex(index)
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        let name = name.to_ascii_lowercase();
        let found = self.0.binary_search_by(|(k, _)| k.as_str().cmp(&name));
        found.ok().and_then(|i| self.0.get(i)).map(|(_, v)| *v)
    }
}

fn decode<'a>(
    text: &'a str,
    escapes: Escapes,
    field: &str,
) -> Result<Cow<'a, str>, ValidationError> {
    java::url_decode(text, escapes).map_err(|failure| {
        ValidationError::new(
            field,
            failure.expected(),
            crate::wire::value::quote_truncated(text),
        )
    })
}

/// `SpiUtils.getHeaderMap`: each name in `top-sign-list` (split as Java
/// splits, names kept as written) with its header's value, URL-decoded; a
/// missing or whitespace-only value counts as empty.
fn header_entries<'a>(headers: &HeaderIndex<'a>) -> Result<Vec<Entry<'a>>, ValidationError> {
    let mut entries = Vec::new();
    let Some(list) = headers.get("top-sign-list").filter(|l| !java::is_blank(l)) else {
        return Ok(entries);
    };
    for name in java::split(list, ',') {
        let value = match headers.get(name).filter(|v| !java::is_blank(v)) {
            Some(v) => decode(v, Escapes::UrlDecoder, &format!("headers.{name}"))?,
            None => Cow::Borrowed(""),
        };
        let key = Cow::Borrowed(name);
        entries.push(Entry {
            key,
            value,
            source: Source::Header,
        });
    }
    Ok(entries)
}

/// `SpiUtils.getQueryMap`: the raw query split on `&`, each piece on `=` (as
/// Java splits: [`java::split_pair`]), both sides URL-decoded. A piece Java
/// skips (`a=b=c`) is still a servlet parameter, split at its first `=`,
/// which `getFormMap` signs in a form call (`with_servlet`).
fn query_entries<'a>(
    query: &'a str,
    with_servlet: bool,
    entries: &mut Vec<Entry<'a>>,
) -> Result<(), ValidationError> {
    for piece in java::split(query, '&') {
        let (key, value, source) = match java::split_pair(piece) {
            Some((key, value)) => (key, value, Source::Query),
            None if with_servlet => match piece.split_once('=') {
                Some((name, value)) if !name.is_empty() => (name, value, Source::Form),
                _ => continue,
            },
            None => continue,
        };
        let key = decode(key, Escapes::UrlDecoder, "query")?;
        let value = decode(value, Escapes::UrlDecoder, "query")?;
        let value = if source == Source::Form {
            blank_as_empty(value)
        } else {
            value
        };
        entries.push(Entry { key, value, source });
    }
    Ok(())
}

/// `SpiUtils.getFormMap` for the body: a servlet's parameters (pieces split
/// at their first `=`, nameless ones skipped), whitespace-only values empty.
fn form_entries<'a>(body: &'a [u8], entries: &mut Vec<Entry<'a>>) -> Result<(), ValidationError> {
    let body = std::str::from_utf8(body).map_err(|_| {
        ValidationError::new("body", "URL-encoded UTF-8 text", "bytes that are not UTF-8")
    })?;
    entries.reserve(body.bytes().filter(|b| *b == b'&').count() + 1);
    for piece in body.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = decode(name, Escapes::Strict, "body")?;
        if key.is_empty() {
            continue;
        }
        let value = blank_as_empty(decode(value, Escapes::Strict, "body")?);
        entries.push(Entry {
            key,
            value,
            source: Source::Form,
        });
    }
    Ok(())
}

/// `StringUtils.isEmpty(value) ? "" : value`.
fn blank_as_empty(value: Cow<'_, str>) -> Cow<'_, str> {
    if java::is_blank(&value) {
        Cow::Borrowed("")
    } else {
        value
    }
}

/// Java reads the body as text and signs that text's bytes: bytes that are
/// not UTF-8 would be signed as U+FFFD, which topwire refuses instead.
fn utf8_body(body: &[u8]) -> Result<&str, ValidationError> {
    std::str::from_utf8(body)
        .map_err(|_| ValidationError::new("body", "UTF-8 text", "bytes that are not UTF-8"))
}

const BODY_TYPES: &str =
    "application/json, text/xml, application/xml, text/plain or application/x-www-form-urlencoded (charset UTF-8)";

/// `SpiUtils.checkSign`'s dispatch: the content type must start with one of
/// the four types Java accepts (as written, case-sensitive). Java signs in
/// the content type's charset; only UTF-8 is supported here.
fn body_role(ctype: Option<&str>, body: &[u8]) -> Result<BodyRole, ValidationError> {
    let text = ctype.unwrap_or("");
    let refuse = || {
        ValidationError::new(
            "content_type",
            BODY_TYPES,
            crate::wire::value::quote_truncated(text),
        )
    };
    if !is_utf8_charset(text) {
        return Err(refuse());
    }
    // The current SDK's SpiUtils also signs an `application/xml` body.
    if [
        "application/json",
        "text/xml",
        "application/xml",
        "text/plain",
    ]
    .iter()
    .any(|t| text.starts_with(t))
    {
        Ok(BodyRole::Appended)
    } else if text.starts_with("application/x-www-form-urlencoded") {
        Ok(BodyRole::Form)
    } else if text.is_empty() && body.is_empty() {
        Ok(BodyRole::None)
    } else {
        Err(refuse())
    }
}

/// `WebUtils.getResponseCharset`: the first `;`-separated parameter starting
/// with `charset` decides (UTF-8 when there is none or its value is blank).
fn is_utf8_charset(ctype: &str) -> bool {
    let Some(param) = ctype
        .split(';')
        .map(str::trim)
        .find(|p| p.starts_with("charset"))
    else {
        return true;
    };
    match param.split_once('=') {
        Some((_, name)) if !java::is_blank(name) => {
            let name = name.trim();
            name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    }
}

fn check_timestamp(ts: Option<&str>, now_ms: i64, max_skew_ms: i64) -> Result<(), Error> {
    let Some(ts) = ts else {
        return Err(failure(
            SignatureFailure::MissingTimestamp,
            "the call has no `timestamp` query parameter",
        ));
    };
    let at = parse_timestamp(ts, "timestamp")?;
    let skew = now_ms.saturating_sub(at).saturating_abs();
    if skew > max_skew_ms {
        return Err(SignatureError {
            reason: SignatureFailure::StaleTimestamp,
            message: format!(
                "the call's timestamp {ts} is {} s away from now, more than the {} s allowed",
                skew / 1000,
                max_skew_ms / 1000
            ),
        }
        .into());
    }
    Ok(())
}
