//! TOP request signatures: md5, hmac (HMAC-MD5) and hmac-sha256.
//!
//! The string to sign is every `key` + `value`, sorted by key as Java's
//! `Arrays.sort` sorts strings (UTF-16 code units), with no separator. The digests are fed pair by pair instead of building
//! that string, which keeps `prepare` close to the cost of the bare hash.

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

use crate::rules::java;
use crate::wire::error::ValidationError;

/// The three sign methods TOP accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignMethod {
    /// `md5`: MD5(secret + S + secret).
    Md5,
    /// `hmac`: HMAC-MD5 keyed with the secret.
    Hmac,
    /// `hmac-sha256`: HMAC-SHA256 keyed with the secret (the default).
    #[default]
    HmacSha256,
}

impl SignMethod {
    /// The wire name: `md5`, `hmac` or `hmac-sha256`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Md5 => "md5",
            SignMethod::Hmac => "hmac",
            SignMethod::HmacSha256 => "hmac-sha256",
        }
    }

    /// Parses a wire name (exact, lower case), naming the field `sign_method` on error.
    pub fn parse(name: &str) -> Result<SignMethod, ValidationError> {
        match name {
            "md5" => Ok(SignMethod::Md5),
            "hmac" => Ok(SignMethod::Hmac),
            "hmac-sha256" => Ok(SignMethod::HmacSha256),
            other => Err(ValidationError::new(
                "sign_method",
                "one of \"md5\", \"hmac\", \"hmac-sha256\"",
                crate::wire::value::quote_truncated(other),
            )),
        }
    }
}

/// Computes the `sign` of a parameter list.
///
/// Pairs whose key is `sign`, or whose key or value is empty or whitespace
/// only, are left out (they are not sent either), as the Java SDK's
/// `StringUtils.areNotEmpty(key, value)` leaves them out. Keys are sorted by UTF-16 code units (Java's `Arrays.sort`); the digest is
/// returned in upper-case hex.
///
/// ```
/// use topwire::{sign, SignMethod};
/// let params = [("method", "taobao.user.seller.get"), ("timestamp", "2013-05-06 13:52:03"),
///     ("format", "xml"), ("app_key", "test"), ("v", "2.0"), ("fields", "nick"),
///     ("sign_method", "md5"), ("session", "test")];
/// assert_eq!(sign(&params, "test", SignMethod::Md5).unwrap(), "72CB4D809B375A54502C09360D879C64");
/// ```
///
/// An empty secret is a [`ValidationError`] naming `secret` for `hmac` and
/// `hmac-sha256`, as Java's `SecretKeySpec` refuses it (`Empty key`); `md5`
/// has no key, and Java signs with it.
pub fn sign<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    secret: &str,
    method: SignMethod,
) -> Result<String, ValidationError> {
    if secret.is_empty() && method != SignMethod::Md5 {
        let expected = format!("a non-empty secret ({} needs a key)", method.as_str());
        return Err(ValidationError::new("secret", expected, "an empty string"));
    }
    let canonical = string_to_sign(params);
    Ok(digest_parts([canonical.as_bytes()], secret, method))
}

/// The canonical string the signature covers (for debugging error 25).
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut out = String::new();
    for (k, v) in signed_pairs(params) {
        out.push_str(k);
        out.push_str(v);
    }
    out
}

/// The pairs that are signed, sorted by key as Java sorts them (stable for repeated keys).
fn signed_pairs<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, v)| !java::is_blank(k) && !java::is_blank(v) && *k != "sign")
        .collect();
    java::sort_by_str(&mut pairs, |(k, _)| *k);
    pairs
}

/// Digests a sequence of byte slices that together form the string to sign.
pub(crate) fn digest_parts<'a, I>(parts: I, secret: &str, method: SignMethod) -> String
where
    I: IntoIterator<Item = &'a [u8]>,
{
    // HMAC accepts keys of any length, so this never fails; the empty result
    // only exists to keep the core free of panics.
    let Some(mut digest) = Running::new(secret, method) else {
        return String::new();
    };
    for p in parts {
        digest.update(p);
    }
    let mut out = Vec::with_capacity(64);
    digest.finish_hex(secret, &mut out);
    crate::wire::urlencode::into_text(out)
}

/// A digest of the string to sign, being fed.
#[derive(Clone)]
pub(crate) enum Running {
    /// MD5(secret + S + secret): the secret is fed first and again at the end.
    Md5(Md5),
    /// HMAC-MD5 keyed with the secret.
    HmacMd5(Hmac<Md5>),
    /// HMAC-SHA256 keyed with the secret.
    HmacSha256(Hmac<Sha256>),
}

impl Running {
    /// A digest keyed with `secret`. `None` never happens (HMAC takes keys
    /// of any length); it keeps the core free of panics.
    pub(crate) fn new(secret: &str, method: SignMethod) -> Option<Running> {
        let key = secret.as_bytes();
        Some(match method {
            SignMethod::Md5 => Running::Md5(Md5::new_with_prefix(key)),
            SignMethod::Hmac => Running::HmacMd5(KeyInit::new_from_slice(key).ok()?),
            SignMethod::HmacSha256 => Running::HmacSha256(KeyInit::new_from_slice(key).ok()?),
        })
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Running::Md5(h) => h.update(bytes),
            Running::HmacMd5(mac) => mac.update(bytes),
            Running::HmacSha256(mac) => mac.update(bytes),
        }
    }

    /// Appends the signature in upper-case hex.
    fn finish_hex(self, secret: &str, out: &mut Vec<u8>) {
        use crate::wire::urlencode::push_upper_hex;
        match self {
            Running::Md5(mut h) => {
                h.update(secret.as_bytes());
                push_upper_hex(out, &h.finalize());
            }
            Running::HmacMd5(mac) => push_upper_hex(out, &mac.finalize().into_bytes()),
            Running::HmacSha256(mac) => push_upper_hex(out, &mac.finalize().into_bytes()),
        }
    }
}

/// How many bytes of the string to sign [`Signer`] gathers before it feeds
/// the digest: two blocks of the hashes, so a feed is whole blocks mostly,
/// and little to set up and move for each signature.
const SIGNER_BUFFER: usize = 128;

/// Feeds a digest the string to sign in pieces (each key and value as it
/// comes), gathered in a buffer on the stack: feeding the digest dozens of
/// short slices costs more than copying them, and a heap buffer for the
/// whole string costs an allocation.
pub(crate) struct Signer {
    digest: Running,
    buf: [u8; SIGNER_BUFFER],
    len: usize,
}

impl Signer {
    pub(crate) fn new(digest: Running) -> Signer {
        Signer {
            digest,
            buf: [0; SIGNER_BUFFER],
            len: 0,
        }
    }

    /// Appends `bytes` to the string to sign.
    #[inline]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > SIGNER_BUFFER {
            self.flush();
        }
        match self.buf.get_mut(self.len..self.len + bytes.len()) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            // Longer than the whole buffer.
            None => self.digest.update(bytes),
        }
    }

    fn flush(&mut self) {
        if let Some(gathered) = self.buf.get(..self.len) {
            self.digest.update(gathered);
        }
        self.len = 0;
    }

    /// Appends the signature in upper-case hex to `out`.
    pub(crate) fn finish_hex(mut self, secret: &str, out: &mut Vec<u8>) {
        self.flush();
        self.digest.finish_hex(secret, out);
    }
}

/// The three digests keyed with an app secret once, when a client is made,
/// and cloned for each signature: HMAC's key blocks and md5's secret prefix
/// are not hashed again on every call. Not with the `small` feature (the
/// size-budgeted browser build), where the cached states cost more code
/// than the build may spend.
#[cfg(not(feature = "small"))]
#[derive(Clone)]
pub(crate) struct Keyed {
    md5: Running,
    hmac_md5: Running,
    hmac_sha256: Running,
}

#[cfg(not(feature = "small"))]
impl Keyed {
    /// `None` never happens (HMAC takes keys of any length); it keeps the
    /// core free of panics.
    pub(crate) fn new(secret: &str) -> Option<Keyed> {
        Some(Keyed {
            md5: Running::new(secret, SignMethod::Md5)?,
            hmac_md5: Running::new(secret, SignMethod::Hmac)?,
            hmac_sha256: Running::new(secret, SignMethod::HmacSha256)?,
        })
    }

    /// A digest keyed for `method`, ready for the string to sign.
    pub(crate) fn start(&self, method: SignMethod) -> Running {
        match method {
            SignMethod::Md5 => self.md5.clone(),
            SignMethod::Hmac => self.hmac_md5.clone(),
            SignMethod::HmacSha256 => self.hmac_sha256.clone(),
        }
    }
}

/// Upper-case hex of a digest.
pub(crate) fn upper_hex(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    crate::wire::urlencode::push_upper_hex(&mut out, bytes);
    crate::wire::urlencode::into_text(out)
}

/// An app key and secret must both be given.
pub(crate) fn check_credentials(app_key: &str, app_secret: &str) -> Result<(), ValidationError> {
    let missing = |field: &str, what: &str| ValidationError::new(field, what, "an empty string");
    if app_key.is_empty() {
        return Err(missing("app_key", "a non-empty app key"));
    }
    if app_secret.is_empty() {
        return Err(missing("app_secret", "a non-empty app secret"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [(&str, &str); 8] = [
        ("method", "taobao.user.seller.get"),
        ("timestamp", "2013-05-06 13:52:03"),
        ("format", "xml"),
        ("app_key", "test"),
        ("v", "2.0"),
        ("fields", "nick"),
        ("sign_method", "md5"),
        ("session", "test"),
    ];

    #[test]
    fn known_answers_from_protocol_md() {
        assert_eq!(
            sign(&KNOWN, "test", SignMethod::Md5).unwrap(),
            "72CB4D809B375A54502C09360D879C64"
        );
        let mut hmac = KNOWN;
        hmac[6].1 = "hmac";
        assert_eq!(
            sign(&hmac, "test", SignMethod::Hmac).unwrap(),
            "FA15A9D5B42AB2D6F3397843851ED09A"
        );
        hmac[6].1 = "hmac-sha256";
        assert_eq!(
            sign(&hmac, "test", SignMethod::HmacSha256).unwrap(),
            "267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34"
        );
    }

    #[test]
    fn sign_and_empty_values_are_not_signed() {
        let mut with_extra: Vec<(&str, &str)> = KNOWN.to_vec();
        with_extra.push(("sign", "X"));
        with_extra.push(("empty", ""));
        assert_eq!(string_to_sign(&with_extra), string_to_sign(&KNOWN));
    }

    #[test]
    fn an_empty_key_is_refused_as_java_refuses_it() {
        for method in [SignMethod::Hmac, SignMethod::HmacSha256] {
            let err = sign(&KNOWN, "", method).unwrap_err();
            assert_eq!(err.field, "secret");
            assert_eq!(err.got, "an empty string");
        }
        // MD5(secret + S + secret) has no key: Java signs with an empty secret.
        assert!(sign(&KNOWN, "", SignMethod::Md5).is_ok());
    }

    #[test]
    fn parse_rejects_unknown_names() {
        assert_eq!(SignMethod::parse("hmac-sha256"), Ok(SignMethod::HmacSha256));
        let err = SignMethod::parse("HMAC").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("sign_method: expected one of \"md5\", \"hmac\", \"hmac-sha256\", got \"HMAC\"")
        );
    }
}
