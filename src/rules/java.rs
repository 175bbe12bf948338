//! The few Java library behaviours TOP's official SDK relies on, so that
//! topwire draws the same lines: which text counts as empty
//! (`StringUtils.isEmpty`), how `String.split` drops trailing empty pieces,
//! how `URLDecoder.decode` reads `+` and `%XX`, and the UTF-16 order in which
//! `Arrays.sort` puts keys.
//!
//! The decoder is written here rather than taken from `form_urlencoded`:
//! that crate keeps a malformed escape (`%zz`) as literal text, where Java
//! throws, and a call Java refuses must not be accepted. Well-formed input
//! decodes the same (a differential test below holds it to that).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::wire::order;

/// Java's `Character.isWhitespace` for one UTF-16 unit: Unicode space,
/// line and paragraph separators except the no-break ones (U+00A0, U+2007,
/// U+202F), plus U+0009–U+000D and U+001C–U+001F. U+0085 is not whitespace,
/// nor U+180E (since Java 9's Unicode 8 tables).
pub(crate) fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The Java SDK's `StringUtils.isEmpty`: empty, or whitespace only.
pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(is_whitespace)
}

/// `s.split(sep)` as Java splits: trailing empty pieces are dropped, but a
/// string without the separator is one piece (even when empty).
pub(crate) fn split(s: &str, sep: char) -> Vec<&str> {
    let mut pieces: Vec<&str> = s.split(sep).collect();
    if pieces.len() > 1 {
        while pieces.last().is_some_and(|p| p.is_empty()) {
            pieces.pop();
        }
    }
    pieces
}

/// Orders strings as Java's `String.compareTo` does: by UTF-16 code units
/// (a character beyond U+FFFF sorts before U+E000..U+FFFF, unlike in UTF-8).
/// The tests' reference for [`order_by_str`].
#[cfg(test)]
pub(crate) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `piece.split("=")` read as `SpiUtils.getQueryMap` reads it: two parts
/// are a pair, one part a key with an empty value, more (`a=b=c`) or none
/// (`=`) nothing. Trailing empty parts do not count (`a==` is `a`).
pub(crate) fn split_pair(piece: &str) -> Option<(&str, &str)> {
    if !piece.contains('=') {
        return Some((piece, ""));
    }
    let trimmed = piece.trim_end_matches('=');
    match trimmed.split_once('=') {
        _ if trimmed.is_empty() => None,
        None => Some((trimmed, "")),
        Some((key, value)) if !value.contains('=') => Some((key, value)),
        Some(_) => None,
    }
}

/// The positions of `items` in the order `Arrays.sort` puts Java strings
/// (see [`cmp_java`]), equal strings in their given order.
pub(crate) fn order_by_str<T>(items: &[T], key: for<'x> fn(&'x T) -> &'x str) -> Vec<usize> {
    // The keys first, so the sort itself is one non-generic function (see
    // crate::order: one copy in the wasm build, whatever the item type).
    let keys: Vec<&[u8]> = items.iter().map(|item| key(item).as_bytes()).collect();
    order::positions_by(&keys, cmp_java_bytes)
}

/// Sorts `items` stably by `key` as `Arrays.sort` sorts Java strings (UTF-16
/// code units): the one order of every signed key list (`sign`, `prepare`,
/// the gateway's check, SPI), as TOP and the Java SDK sort them.
pub(crate) fn sort_by_str<T>(items: &mut Vec<T>, key: for<'x> fn(&'x T) -> &'x str) {
    let order = order_by_str(items, key);
    order::reorder(items, &order);
}

/// Orders strings as Java's `String.compareTo` does (UTF-16 code units),
/// from their UTF-8 bytes and without converting them. The two orders
/// differ only between a character beyond U+FFFF (lead byte 0xF0 or more),
/// which UTF-16 writes as surrogates (0xD800..), and one in U+E000..U+FFFF
/// (lead byte 0xEE or 0xEF). At the first byte where two strings differ,
/// both are at the start of a character or both inside characters of the
/// same lead byte, so that byte decides, but for that one pair of leads.
pub(crate) fn cmp_java(a: &str, b: &str) -> Ordering {
    cmp_java_bytes(a.as_bytes(), b.as_bytes())
}

/// [`cmp_java`] on the UTF-8 bytes of two strings.
fn cmp_java_bytes(a: &[u8], b: &[u8]) -> Ordering {
    match a.iter().zip(b).find(|(x, y)| x != y) {
        None => a.len().cmp(&b.len()),
        Some((&x, &y)) => match (x, y) {
            (0xF0.., 0xEE..=0xEF) => Ordering::Less,
            (0xEE..=0xEF, 0xF0..) => Ordering::Greater,
            _ => x.cmp(&y),
        },
    }
}

/// Up to this many pairs, [`sort_pairs`] sorts by insertion natively: no
/// allocation, and fewer comparisons than setting up the general sort. Not
/// with the `small` feature (the size-budgeted browser build): the general
/// sort is there anyway.
const INSERTION_SORT_MAX: usize = if cfg!(feature = "small") { 0 } else { 24 };

/// Sorts `(key, value)` pairs stably by key as `Arrays.sort` sorts Java
/// strings: the order of the string to sign.
pub(crate) fn sort_pairs(pairs: &mut Vec<(&str, &str)>) {
    if pairs.len() > INSERTION_SORT_MAX {
        sort_by_str(pairs, |(k, _)| *k);
        return;
    }
    for i in 1..pairs.len() {
        let mut j = i;
        while j > 0 {
            let (Some(before), Some(at)) = (pairs.get(j - 1), pairs.get(j)) else {
                break;
            };
            if cmp_java(before.0, at.0) != Ordering::Greater {
                break;
            }
            pairs.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Why a piece of text could not be URL-decoded.
#[derive(Debug, PartialEq)]
pub(crate) enum DecodeFailure {
    /// A `%` not followed by two hex digits.
    Escape,
    /// The decoded bytes are not UTF-8.
    Utf8,
}

impl DecodeFailure {
    /// What was expected, for a `ValidationError`.
    pub(crate) fn expected(&self) -> &'static str {
        match self {
            DecodeFailure::Escape => "URL-encoded text (every % followed by two hex digits)",
            DecodeFailure::Utf8 => "URL-encoded UTF-8 text",
        }
    }
}

/// Which decoder's reading of an escape to follow.
#[derive(Clone, Copy)]
pub(crate) enum Escapes {
    /// `URLDecoder.decode`: the two characters go through
    /// `Integer.parseInt(_, 16)`, which also takes a sign: `%+F` is byte
    /// 0x0F and `%-0` byte 0.
    UrlDecoder,
    /// A servlet container's form parser: two hex digits only.
    Strict,
}

/// URL-decodes `s`: `+` is a space, `%XX` a byte, the bytes read as UTF-8.
/// Borrowed when there is nothing to decode. A malformed escape or bytes
/// that are not UTF-8 are refused (Java throws on the first; for the second
/// it substitutes U+FFFD, which topwire does not do silently).
pub(crate) fn url_decode(s: &str, escapes: Escapes) -> Result<Cow<'_, str>, DecodeFailure> {
    if !s.bytes().any(|b| b == b'+' || b == b'%') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let (Some(hi), Some(lo)) = (bytes.next(), bytes.next()) else {
                    return Err(DecodeFailure::Escape);
                };
                out.push(escape_value(hi, lo, escapes).ok_or(DecodeFailure::Escape)?);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| DecodeFailure::Utf8)
}

fn escape_value(hi: u8, lo: u8, escapes: Escapes) -> Option<u8> {
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    match (hi, escapes) {
        (b'+', Escapes::UrlDecoder) => digit(lo),
        (b'-', Escapes::UrlDecoder) => digit(lo).filter(|d| *d == 0),
        _ => Some(digit(hi)? * 16 + digit(lo)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whitespace_follows_java() {
        for c in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1f}', ' ', '\u{3000}', '\u{2028}',
        ] {
            assert!(is_whitespace(c), "{c:?}");
        }
        for c in [
            '\u{a0}', '\u{2007}', '\u{202f}', '\u{85}', '\u{180e}', '\u{feff}', 'a', '\0',
        ] {
            assert!(!is_whitespace(c), "{c:?}");
        }
        assert!(is_blank("") && is_blank(" \u{3000}\n"));
        assert!(!is_blank(" \u{a0}"));
    }

    #[test]
    fn split_pair_reads_pieces_as_get_query_map() {
        for piece in [
            "", "a", "a=", "a==", "=", "==", "=b", "=b=", "a=b", "a=b=c", "a==b", "==a",
        ] {
            let java = match split(piece, '=').as_slice() {
                [k, v] => Some((*k, *v)),
                [k] => Some((*k, "")),
                _ => None,
            };
            assert_eq!(split_pair(piece), java, "{piece:?}");
        }
    }

    #[test]
    fn split_drops_trailing_empty_pieces() {
        assert_eq!(split("", '='), vec![""]);
        assert_eq!(split("a", '='), vec!["a"]);
        assert_eq!(split("a=", '='), vec!["a"]);
        assert_eq!(split("a==", '='), vec!["a"]);
        assert_eq!(split("=", '='), Vec::<&str>::new());
        assert_eq!(split("=b", '='), vec!["", "b"]);
        assert_eq!(split("a=b=c", '='), vec!["a", "b", "c"]);
        assert_eq!(split("a==b", '='), vec!["a", "", "b"]);
    }

    #[test]
    fn utf16_order_differs_from_utf8_above_the_surrogates() {
        assert_eq!(cmp_utf16("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
        let keys = ["\u{FF21}", "\u{1F600}", "a", "\u{FF21}"];
        assert_eq!(order_by_str(&keys, |k| k), [2, 1, 0, 3]);
        let keys = ["\u{e9}", "b", "a", "b"];
        assert_eq!(order_by_str(&keys, |k| k), [2, 1, 3, 0]);
    }

    proptest! {
        /// Both sorts agree on keys below U+E000, whatever else they hold.
        #[test]
        fn byte_order_is_utf16_order_below_u_e000(a in "[\\x00-\\u{D7FF}]*", b in "[\\x00-\\u{D7FF}]*") {
            prop_assert_eq!(cmp_utf16(&a, &b), a.as_bytes().cmp(b.as_bytes()));
        }

        /// The byte-wise comparison is `String.compareTo`.
        #[test]
        fn cmp_java_is_utf16_order(a in "[a\u{e9}\u{D7FF}\u{E000}\u{FF21}\u{FFFF}\u{10000}\u{1F600}]{0,4}", b in "[a\u{e9}\u{D7FF}\u{E000}\u{FF21}\u{FFFF}\u{10000}\u{1F600}]{0,4}", c in "\\PC{0,6}", d in "\\PC{0,6}") {
            prop_assert_eq!(cmp_java(&a, &b), cmp_utf16(&a, &b));
            prop_assert_eq!(cmp_java(&c, &d), cmp_utf16(&c, &d));
            let (ac, bc) = (format!("{a}{c}"), format!("{a}{d}"));
            prop_assert_eq!(cmp_java(&ac, &bc), cmp_utf16(&ac, &bc));
        }

        /// Small or large, pairs are sorted stably by `String.compareTo`.
        #[test]
        fn sort_pairs_is_a_stable_utf16_sort(keys in proptest::collection::vec("[a\u{e9}\u{FF21}\u{1F600}]{0,2}", 0..40)) {
            let values: Vec<String> = (0..keys.len()).map(|i| i.to_string()).collect();
            let mut pairs: Vec<(&str, &str)> = keys.iter().map(String::as_str).zip(values.iter().map(String::as_str)).collect();
            let mut expected = pairs.clone();
            expected.sort_by(|x, y| cmp_utf16(x.0, y.0));
            sort_pairs(&mut pairs);
            prop_assert_eq!(pairs, expected);
        }

        /// Either way, the order is a stable sort by `String.compareTo`.
        #[test]
        fn order_by_str_is_a_stable_utf16_sort(keys in proptest::collection::vec("[a\u{e9}\u{FF21}\u{1F600}]{0,2}", 0..30)) {
            let mut expected: Vec<usize> = (0..keys.len()).collect();
            expected.sort_by(|&i, &j| cmp_utf16(&keys[i], &keys[j]));
            prop_assert_eq!(order_by_str(&keys, |k| k.as_str()), expected);
        }
    }

    #[test]
    fn url_decoder_quirks() {
        let d = |s| url_decode(s, Escapes::UrlDecoder);
        assert_eq!(d("a+b%20c%E4%B8%AD").as_deref(), Ok("a b c中"));
        assert_eq!(d("%+F%-0").as_deref(), Ok("\u{f}\0"));
        assert_eq!(d("%-1"), Err(DecodeFailure::Escape));
        assert_eq!(d("%4"), Err(DecodeFailure::Escape));
        assert_eq!(d("%zz"), Err(DecodeFailure::Escape));
        assert_eq!(d("%FF"), Err(DecodeFailure::Utf8));
        assert_eq!(
            url_decode("%+F", Escapes::Strict),
            Err(DecodeFailure::Escape)
        );
    }

    proptest! {
        /// Differential: on what `form_urlencoded` encodes, both decoders agree.
        #[test]
        fn decodes_like_form_urlencoded(text in "\\PC*") {
            let encoded: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            let ours = url_decode(&encoded, Escapes::UrlDecoder);
            let theirs: String = form_urlencoded::parse(format!("k={encoded}").as_bytes())
                .map(|(_, v)| v.into_owned())
                .collect();
            prop_assert_eq!(ours.as_deref(), Ok(theirs.as_str()));
            prop_assert_eq!(ours.as_deref(), Ok(text.as_str()));
        }
    }
}
