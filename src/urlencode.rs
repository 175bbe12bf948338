//! `application/x-www-form-urlencoded` serialisation (WHATWG), written for
//! the hot path of `prepare`: runs of safe bytes are copied whole instead of
//! byte by byte. Space becomes `+`; ASCII letters, digits and `*-._` stay;
//! every other byte of the UTF-8 text becomes `%XX` (upper-case hex).

const HEX: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F',
];

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
        // boundaries; the empty "runs" between the bytes of one encoded
        // character may not, and `get` skips those.
        if let Some(run) = s.get(start..i) {
            out.push_str(run);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or('0'));
            out.push(HEX.get(usize::from(b & 0x0f)).copied().unwrap_or('0'));
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
