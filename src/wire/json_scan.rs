//! A JSON scanner that checks text without building values: the tokens of
//! RFC 8259 as byte ranges of the text, for the streaming check of replies
//! (`client::reply_check`).
//!
//! It accepts a subset of what the reader of `json.rs` accepts: only text
//! that a native JSON parser (`JSON.parse`, `json.loads`) reads as the
//! reader reads it. Where the reader departs from RFC 8259 for TOP's sake (a
//! raw control character inside a string, a lone surrogate escape) or
//! refuses the text, the scanner gives up (`None`), and the caller falls
//! back to the reader, which reads such text (or words its error) as it
//! always has. So the scanner has no error messages of its own.

use std::borrow::Cow;
use std::ops::Range;

use crate::wire::json::ENDS_RUN;
use crate::wire::value::scan_number;

/// A string token: its content's range (inside the quotes) and whether
/// escapes must be decoded to read it.
#[derive(Clone, Debug)]
pub(crate) struct StrToken {
    pub(crate) content: Range<usize>,
    pub(crate) escaped: bool,
    /// Whether the string's first character is an escaped U+0000 (hosts
    /// marking values with a leading NUL need to know).
    pub(crate) nul_lead: bool,
}

/// A cursor over JSON text.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The text's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Steps over `b` if it is under the cursor.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    /// Steps over `literal` (`true`, `false`, `null`) if it is under the cursor.
    pub(crate) fn literal(&mut self, literal: &str) -> Option<()> {
        let end = self.pos + literal.len();
        (self.bytes.get(self.pos..end) == Some(literal.as_bytes())).then(|| self.pos = end)
    }

    /// A number under the cursor: its range and whether it is integral.
    pub(crate) fn number(&mut self) -> Option<(Range<usize>, bool)> {
        let start = self.pos;
        let (end, integral) = scan_number(self.bytes, start).ok()?;
        self.pos = end;
        Some((start..end, integral))
    }

    /// The text of a range the scanner returned.
    pub(crate) fn slice(&self, r: Range<usize>) -> &'a str {
        self.text.get(r).unwrap_or_default()
    }

    /// A string, the opening quote under the cursor. `None` for what the
    /// reader refuses or reads otherwise than a native parser: a raw
    /// control character, a lone surrogate, a bad escape, the end of text.
    pub(crate) fn string(&mut self) -> Option<StrToken> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        let mut nul_lead = false;
        loop {
            let rest = self.bytes.get(self.pos..)?;
            let len = rest
                .iter()
                .position(|&b| ENDS_RUN.get(usize::from(b)).copied().unwrap_or(true))?;
            self.pos += len;
            match self.peek()? {
                b'"' => {
                    let content = start..self.pos;
                    self.pos += 1;
                    return Some(StrToken {
                        content,
                        escaped,
                        nul_lead,
                    });
                }
                b'\\' => {
                    let first = self.pos == start;
                    escaped = true;
                    self.pos += 1;
                    let unit = self.escape()?;
                    nul_lead |= first && unit == 0;
                }
                _ => return None,
            }
        }
    }

    /// After a backslash: a valid escape, and surrogates only in pairs.
    /// The escaped code unit (the first of a pair); 1 for a one-letter escape.
    fn escape(&mut self) -> Option<u32> {
        match self.peek()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                self.pos += 1;
                Some(1)
            }
            b'u' => {
                self.pos += 1;
                let unit = self.hex4()?;
                if (0xDC00..0xE000).contains(&unit) {
                    return None;
                }
                if (0xD800..0xDC00).contains(&unit) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return None;
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                }
                Some(unit)
            }
            _ => None,
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A string token's text, its escapes decoded by the reader itself
    /// (`json.rs`), which reads every string [`Scanner::string`] accepts
    /// exactly as a native parser does.
    pub(crate) fn content(&self, s: &StrToken) -> Cow<'a, str> {
        if !s.escaped {
            return Cow::Borrowed(self.slice(s.content.clone()));
        }
        // The token with its quotes, which the scanner checked are there.
        let quoted = self.slice(s.content.start.saturating_sub(1)..s.content.end + 1);
        match crate::wire::json::parse_borrowed(quoted) {
            Ok(crate::wire::value::ValueRef::String(text)) => text,
            // Not reached: the scanner accepted the string.
            _ => Cow::Borrowed(self.slice(s.content.clone())),
        }
    }
}

/// Whether an integer's text (`-?\d+`) is beyond what a binary64 number
/// holds exactly (2^53 - 1 in size): a JS host needs a bigint for it.
pub(crate) fn beyond_2_pow_53(text: &str) -> bool {
    const MAX_SAFE: &str = "9007199254740991";
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.len() > MAX_SAFE.len() || (digits.len() == MAX_SAFE.len() && digits > MAX_SAFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Option<(String, StrToken)> {
        let mut s = Scanner::new(text);
        let token = s.string()?;
        s.at_end().then(|| (s.content(&token).into_owned(), token))
    }

    #[test]
    fn strings_decode_as_the_reader_reads_them() {
        for text in [
            r#""plain""#,
            r#""中文 é""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\ud83d\ude00\u0041""#,
            r#""\u0000x""#,
        ] {
            let want = crate::wire::json::parse(text).unwrap();
            let (got, _) = string(text).unwrap();
            assert_eq!(crate::wire::value::Value::from(got), want, "{text}");
        }
        assert!(string(r#""\u0000x""#).unwrap().1.nul_lead);
        assert!(!string(r#""x\u0000""#).unwrap().1.nul_lead);
    }

    #[test]
    fn gives_up_where_the_reader_departs_from_native_parsers() {
        for text in [
            "\"a\nb\"",
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""abc"#,
        ] {
            assert!(string(text).is_none(), "{text}");
        }
    }

    #[test]
    fn big_integers_are_those_beyond_2_pow_53() {
        for (text, big) in [
            ("9007199254740991", false),
            ("-9007199254740991", false),
            ("9007199254740992", true),
            ("-9007199254740992", true),
            ("12345678901234567", true),
            ("0", false),
            ("1234567890123456", false),
        ] {
            assert_eq!(beyond_2_pow_53(text), big, "{text}");
        }
    }
}
