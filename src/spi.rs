//! Verifying inbound (SPI) calls: TOP calling the merchant.
//!
//! The rule is Java's `SpiUtils.checkSign`: the query's pairs, the form
//! fields not already in the query (urlencoded bodies), and the headers named
//! in `top-sign-list` are sorted by key and concatenated with empty values
//! included; `sign` (read from the query only) is left out. The expected sign
//! is upper-hex MD5(secret + that string + body + secret), where the body
//! counts for JSON, XML and text bodies. Always MD5, whatever `sign_method` says.

use subtle::ConstantTimeEq;

use crate::error::{Error, SignatureError, SignatureFailure, ValidationError};
use crate::sign::{digest_parts, SignMethod};
use crate::time::parse_timestamp;

/// Ten minutes, the gateway's own tolerance.
pub const DEFAULT_SPI_SKEW_MS: i64 = 10 * 60 * 1000;

/// An inbound HTTP call, as the host's server received it.
#[derive(Clone, Copy, Debug)]
pub struct SpiRequest<'a> {
    /// The raw query string, without the leading `?`.
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
    /// JSON, XML or text: appended after the sorted pairs.
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
    let query: Vec<(String, String)> = form_urlencoded::parse(req.query.as_bytes())
        .into_owned()
        .collect();
    let Some(remote_sign) = query
        .iter()
        .find(|(k, _)| k == "sign")
        .map(|(_, v)| v.as_str())
    else {
        return Err(failure(
            SignatureFailure::MissingSign,
            "the call has no `sign` query parameter",
        ));
    };

    let mut pairs: Vec<(String, String)> =
        query.iter().filter(|(k, _)| k != "sign").cloned().collect();
    let role = body_role(req)?;
    if matches!(role, BodyRole::Form) {
        for (k, v) in form_urlencoded::parse(req.body).into_owned() {
            if !query.iter().any(|(q, _)| *q == k) && !pairs.iter().any(|(p, _)| *p == k) {
                pairs.push((k, v));
            }
        }
    }
    pairs.extend(signed_headers(req.headers));
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    let body: &[u8] = if matches!(role, BodyRole::Appended) {
        req.body
    } else {
        &[]
    };
    let parts = pairs
        .iter()
        .flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()])
        .chain(std::iter::once(body));
    let expected = digest_parts(parts, secret, SignMethod::Md5);
    if !bool::from(expected.as_bytes().ct_eq(remote_sign.as_bytes())) {
        return Err(failure(
            SignatureFailure::Mismatch,
            "the call's `sign` does not match its parameters and body",
        ));
    }
    check_timestamp(&query, now_ms, max_skew_ms)
}

fn failure(reason: SignatureFailure, message: &str) -> Error {
    SignatureError {
        reason,
        message: message.to_owned(),
    }
    .into()
}

fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// The headers listed in `top-sign-list`, a missing one counting as empty.
fn signed_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let Some(list) = header(headers, "top-sign-list") else {
        return Vec::new();
    };
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            (
                name.to_owned(),
                header(headers, name).unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn body_role(req: &SpiRequest<'_>) -> Result<BodyRole, ValidationError> {
    let ctype = req
        .content_type
        .or_else(|| header(req.headers, "content-type"))
        .unwrap_or("");
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" | "text/xml" | "application/xml" | "text/plain" => Ok(BodyRole::Appended),
        "application/x-www-form-urlencoded" => Ok(BodyRole::Form),
        "" if req.body.is_empty() => Ok(BodyRole::None),
        _ => Err(ValidationError::new(
            "content_type",
            "application/json, text/xml, application/xml, text/plain or application/x-www-form-urlencoded",
            crate::value::quote_truncated(ctype),
        )),
    }
}

fn check_timestamp(query: &[(String, String)], now_ms: i64, max_skew_ms: i64) -> Result<(), Error> {
    let Some(ts) = query.iter().find(|(k, _)| k == "timestamp").map(|(_, v)| v) else {
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
