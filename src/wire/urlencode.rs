//! `application/x-www-form-urlencoded` serialisation (WHATWG), written for
//! the hot path of `prepare`: runs of safe bytes are copied whole instead of
//! byte by byte. Space becomes `+`; ASCII letters, digits and `*-._` stay;
//! every other byte of the UTF-8 text becomes `%XX` (upper-case hex).
//!
//! Our own rather than `form_urlencoded::byte_serialize` (measured about
//! 1.4x faster on `prepare`'s typical values); a property test below checks
//! it against that crate on arbitrary text.

/// `%00%01...%FF`: an escape is pushed as one 3-byte slice of this, which
/// is much cheaper than three `char` pushes (notably in wasm).
const ESCAPES: &str = concat!(
    "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F",
    "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2D%2E%2F%30%31%32%33%34%35%36%37%38%39%3A%3B%3C%3D%3E%3F",
    "%40%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54%55%56%57%58%59%5A%5B%5C%5D%5E%5F",
    "%60%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74%75%76%77%78%79%7A%7B%7C%7D%7E%7F",
    "%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F",
    "%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF",
    "%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF",
    "%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF",
);

/// `%XX` for a byte.
fn percent_escape(b: u8) -> &'static str {
    let at = usize::from(b) * 3;
    ESCAPES.get(at..at + 3).unwrap_or("%3F")
}

/// Upper-case hex of a byte, as a 2-character slice of `ESCAPES`.
pub(crate) fn hex_pair(b: u8) -> &'static str {
    let at = usize::from(b) * 3 + 1;
    ESCAPES.get(at..at + 2).unwrap_or("00")
}

/// Bytes that stay as they are.
// Indexing in a const initialiser is checked at compile time, not at run time.
#[allow(clippy::indexing_slicing)]
const SAFE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'*' | b'-' | b'.' | b'_');
        b += 1;
    }
    table
};

/// Appends `s` form-encoded to `out`.
pub(crate) fn append_encoded(out: &mut String, s: &str) {
    out.reserve(s.len());
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if SAFE.get(usize::from(b)).copied().unwrap_or(false) {
            continue;
        }
        // A run of safe bytes is ASCII, so it starts and ends on char
        // boundaries. Consecutive escapes (JSON punctuation, every byte of
        // a non-ASCII character) have no run between them: skipping the
        // empty copy there saves a boundary check and a copy call per byte.
        if start < i {
            if let Some(run) = s.get(start..i) {
                out.push_str(run);
            }
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push_str(percent_escape(b));
        }
        start = i + 1;
    }
    if let Some(run) = s.get(start..) {
        out.push_str(run);
    }
}

/// Appends `k=v` pairs joined by `&`.
pub(crate) fn append_pairs<'a, I>(out: &mut String, pairs: I)
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        append_encoded(out, k);
        out.push('=');
        append_encoded(out, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_table_is_complete() {
        for b in 0..=255u8 {
            assert_eq!(percent_escape(b), format!("%{b:02X}"));
            assert_eq!(hex_pair(b), format!("{b:02X}"));
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_form_urlencoded(s in ".*", t in "[ -~中é😀]{0,16}") {
            for text in [&s, &t] {
                let mut ours = String::new();
                append_encoded(&mut ours, text);
                let reference: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
                proptest::prop_assert_eq!(ours, reference);
            }
        }
    }

    #[test]
    fn matches_the_reference_serializer() {
        let samples = [
            "a b",
            "2013-05-06 13:52:03",
            "中文~!*'()-._",
            "{\"a\":[1,2]}",
            "",
            "&=+%",
            "\u{10FFFF}x",
        ];
        for s in samples {
            let mut ours = String::new();
            append_encoded(&mut ours, s);
            let reference: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            assert_eq!(ours, reference, "{s}");
        }
    }
}
