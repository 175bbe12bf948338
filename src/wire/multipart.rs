//! `multipart/form-data` bodies (RFC 7578): written by `prepare` when a call
//! uploads a file, read by the local gateway.
//!
//! The core draws no random numbers, so the boundary is derived from the
//! content instead: `topwire-boundary-` and the smallest 16-hex-digit counter
//! that occurs in none of the parts (see [`choose_boundary`], which proves it
//! exists and is found in linear time).

use crate::wire::error::ValidationError;
use crate::wire::value::{quote_truncated, FileItem};

/// The content type of a part without one of its own, and of file parts
/// whose caller named none.
pub const DEFAULT_FILE_CONTENT_TYPE: &str = "application/octet-stream";

/// What every derived boundary starts with; 16 lowercase hex digits follow.
const BOUNDARY_PREFIX: &[u8] = b"topwire-boundary-";
const COUNTER_DIGITS: usize = 16;

/// RFC 2046 caps a boundary at 70 characters; a longer one is refused when read.
const MAX_BOUNDARY: usize = 70;
/// Parts in one `multipart/form-data` body (text parameters and files
/// together): far more than any TOP call has. `prepare` builds no body with
/// more, and the local gateway reads none with more.
pub const MAX_PARTS: usize = 1000;

/// A `multipart/form-data` body and its boundary.
#[derive(Clone, PartialEq, Eq)]
pub struct Multipart {
    /// The boundary between parts (also in the request's `Content-Type`).
    pub boundary: String,
    /// The whole body.
    pub bytes: Vec<u8>,
    /// The text parameters urlencoded, as a form body would carry them:
    /// what the signature covers besides the query, so the signed params
    /// are decoded from it without parsing the body.
    pub signed_form: String,
}

impl std::fmt::Debug for Multipart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Multipart")
            .field("boundary", &self.boundary)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("signed_form", &self.signed_form)
            .finish()
    }
}

impl Multipart {
    /// `multipart/form-data; charset=UTF-8; boundary=...`.
    pub fn content_type(&self) -> String {
        format!(
            "multipart/form-data; charset=UTF-8; boundary={}",
            self.boundary
        )
    }
}

/// Writes text parameters (in order) then files (in order) as parts.
/// Names, file names and content types go into part headers, so quotes,
/// backslashes and control characters in them are refused rather than
/// escaped in a way some server would read differently.
pub(crate) fn encode(
    text: &[(&str, &str)],
    files: &[(&str, &FileItem)],
) -> Result<Multipart, ValidationError> {
    let parts = text.len() + files.len();
    if parts > MAX_PARTS {
        return Err(ValidationError::new(
            "params",
            format!("at most {MAX_PARTS} parts in an upload (text parameters and files together)"),
            format!("{parts} parts"),
        ));
    }
    let mut heads: Vec<(&str, Option<&str>, &str)> = Vec::with_capacity(files.len());
    for (name, _) in text {
        check_header_text(name, name, "a parameter name")?;
    }
    for (name, file) in files {
        check_header_text(name, name, "a parameter name")?;
        let filename = file.filename.as_deref().unwrap_or(name);
        if filename.is_empty() {
            return Err(ValidationError::new(
                format!("{name}.filename"),
                "a non-empty file name",
                "an empty string",
            ));
        }
        check_header_text(&format!("{name}.filename"), filename, "a file name")?;
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or(DEFAULT_FILE_CONTENT_TYPE);
        check_content_type(name, content_type)?;
        heads.push((name, Some(filename), content_type));
    }
    let pieces = text
        .iter()
        .flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()])
        .chain(
            heads
                .iter()
                .flat_map(|(k, f, c)| [k.as_bytes(), f.unwrap_or("").as_bytes(), c.as_bytes()]),
        )
        .chain(files.iter().map(|(_, f)| f.content.as_slice()));
    let boundary = choose_boundary(pieces);

    let size = text
        .iter()
        .map(|(k, v)| k.len() + v.len() + 160)
        .sum::<usize>()
        + files
            .iter()
            .map(|(k, f)| k.len() + f.content.len() + 240)
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    for (name, value) in text {
        open_part(&mut out, &boundary, name, None);
        out.extend_from_slice(b"Content-Type: text/plain; charset=UTF-8\r\n\r\n");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for ((name, filename, content_type), (_, file)) in heads.iter().zip(files) {
        open_part(&mut out, &boundary, name, *filename);
        out.extend_from_slice(b"Content-Type: ");
        out.extend_from_slice(content_type.as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&file.content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    let mut signed_form = String::new();
    crate::wire::urlencode::append_pairs(&mut signed_form, text);
    Ok(Multipart {
        boundary,
        bytes: out,
        signed_form,
    })
}

fn open_part(out: &mut Vec<u8>, boundary: &str, name: &str, filename: Option<&str>) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
    out.extend_from_slice(name.as_bytes());
    out.push(b'"');
    if let Some(f) = filename {
        out.extend_from_slice(b"; filename=\"");
        out.extend_from_slice(f.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"\r\n");
}

/// Text that goes between quotes in a part header.
fn check_header_text(field: &str, text: &str, what: &str) -> Result<(), ValidationError> {
    if text
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return Err(ValidationError::new(
            field,
            format!("{what} without quotes, backslashes or control characters (it is sent in a multipart header)"),
            quote_truncated(text),
        ));
    }
    Ok(())
}

/// `type/subtype`, optionally with `; parameters`, in printable ASCII.
fn check_content_type(name: &str, ct: &str) -> Result<(), ValidationError> {
    let is_token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let essence = ct.split(';').next().unwrap_or("").trim();
    let well_formed = essence
        .split_once('/')
        .is_some_and(|(t, s)| is_token(t) && is_token(s))
        && ct.bytes().all(|b| (0x20..0x7f).contains(&b));
    if well_formed {
        Ok(())
    } else {
        Err(ValidationError::new(
            format!("{name}.content_type"),
            "a MIME type such as \"image/png\"",
            quote_truncated(ct),
        ))
    }
}

/// The boundary `topwire-boundary-{k:016x}` for the smallest `k` whose
/// boundary occurs in none of the pieces.
///
/// Why it exists and is found in linear time: a candidate occurs in a piece
/// only where the piece holds [`BOUNDARY_PREFIX`] followed by that
/// candidate's 16 digits. Collect the counter after every occurrence of the
/// prefix: `m` occurrences rule out at most `m` of the `m + 1` candidates
/// `0..=m`, so one of those is free, and a bitmap of `m + 1` entries finds
/// the smallest. Nor can a boundary straddle a piece and the framing
/// around it: every piece is framed by `"`, a space, CR or LF, none of which
/// a boundary contains. So the boundary occurs in the body only as the
/// delimiters `encode` writes.
pub(crate) fn choose_boundary<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> String {
    let mut taken: Vec<u64> = Vec::new();
    for piece in pieces {
        let mut from = 0;
        while let Some(at) = find(piece, BOUNDARY_PREFIX, from) {
            let digits_at = at + BOUNDARY_PREFIX.len();
            if let Some(k) = piece
                .get(digits_at..digits_at + COUNTER_DIGITS)
                .and_then(parse_counter)
            {
                taken.push(k);
            }
            from = at + 1;
        }
    }
    let mut used = vec![false; taken.len() + 1];
    for k in taken {
        if let Some(slot) = usize::try_from(k).ok().and_then(|k| used.get_mut(k)) {
            *slot = true;
        }
    }
    let free = used.iter().position(|u| !u).unwrap_or(used.len());
    format!("topwire-boundary-{free:016x}")
}

/// 16 lowercase hex digits, as written by [`choose_boundary`].
fn parse_counter(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        Some(acc << 4 | u64::from(d))
    })
}

/// The first occurrence of `needle` in `hay` at or after `from`. Needles
/// here are at most 74 bytes, so this is linear in `hay`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while let Some(rest) = hay.get(i..) {
        let at = i + rest.iter().position(|&b| b == first)?;
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

// ---- reading ----

/// One part of a received body.
#[derive(Debug)]
pub(crate) struct Part<'a> {
    /// The form field's name.
    pub name: String,
    /// The file name, for file parts.
    pub filename: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The content.
    pub data: &'a [u8],
}

/// The `boundary` parameter of a `multipart/form-data` content type, or
/// `None` for any other content type.
pub(crate) fn boundary_of(content_type: &str) -> Option<Result<String, String>> {
    let mut params = content_type.split(';');
    let essence = params.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let boundary = params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    });
    Some(match boundary {
        Some(b) if !b.is_empty() && b.len() <= MAX_BOUNDARY => Ok(b),
        Some(_) => Err("the boundary must be 1 to 70 characters".to_owned()),
        None => Err("multipart/form-data without a boundary".to_owned()),
    })
}

/// The parts of a `multipart/form-data` body. Linear in the body (the
/// delimiter is at most 74 bytes); anything malformed is an error naming
/// what is wrong, never a panic.
pub(crate) fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, String> {
    let dash = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    // The first delimiter opens the body or follows a preamble (the Java
    // SDK starts the body with CRLF).
    let mut at = if body.starts_with(dash.as_bytes()) {
        dash.len()
    } else {
        find(body, delimiter.as_bytes(), 0)
            .map(|i| i + delimiter.len())
            .ok_or("no boundary delimiter in the body")?
    };
    let mut parts = Vec::new();
    loop {
        let rest = body.get(at..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break that ends the delimiter line.
        let pad = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if rest.get(pad..pad + 2) != Some(b"\r\n") {
            return Err("a boundary delimiter not followed by CRLF".to_owned());
        }
        let start = at + pad + 2;
        let end = find(body, delimiter.as_bytes(), start)
            .ok_or("the body ends without the closing delimiter")?;
        let part = body.get(start..end).unwrap_or_default();
        if parts.len() == MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} parts"));
        }
        parts.push(read_part(part)?);
        at = end + delimiter.len();
    }
}

/// A part: header lines, an empty line, the content.
fn read_part(part: &[u8]) -> Result<Part<'_>, String> {
    let (head, data) = if part.starts_with(b"\r\n") {
        (&[][..], part.get(2..).unwrap_or_default())
    } else {
        let split =
            find(part, b"\r\n\r\n", 0).ok_or("a part without an empty line after its headers")?;
        (
            part.get(..split).unwrap_or_default(),
            part.get(split + 4..).unwrap_or_default(),
        )
    };
    let head = std::str::from_utf8(head).map_err(|_| "a part header that is not UTF-8")?;
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let (name, value) = line.split_once(':').ok_or_else(|| {
            format!(
                "a part header line without a colon: {}",
                quote_truncated(line)
            )
        })?;
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            disposition = Some(value.trim());
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let disposition = disposition.ok_or("a part without Content-Disposition")?;
    let (kind, params) = disposition.split_once(';').unwrap_or((disposition, ""));
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return Err(format!(
            "a part whose Content-Disposition is not form-data: {}",
            quote_truncated(kind.trim())
        ));
    }
    let name = disposition_param(params, "name")?.ok_or("a part without a name")?;
    let filename = disposition_param(params, "filename")?;
    Ok(Part {
        name,
        filename,
        content_type,
        data,
    })
}

/// A `key="value"` (or unquoted `key=value`) parameter of Content-Disposition.
fn disposition_param(params: &str, key: &str) -> Result<Option<String>, String> {
    let mut rest = params;
    while let Some((k, after)) = rest.split_once('=') {
        let k = k.trim_start_matches([';', ' ', '\t']).trim();
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| format!("an unclosed quote in Content-Disposition {key}"))?;
            (
                quoted.get(..close).unwrap_or(""),
                quoted.get(close + 1..).unwrap_or(""),
            )
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (
                after.get(..end).unwrap_or("").trim(),
                after.get(end..).unwrap_or(""),
            )
        };
        if k.eq_ignore_ascii_case(key) {
            return Ok(Some(value.to_owned()));
        }
        rest = tail;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundary_of_pieces(pieces: &[&[u8]]) -> String {
        choose_boundary(pieces.iter().copied())
    }

    #[test]
    fn boundary_avoids_every_counter_in_the_content() {
        assert_eq!(
            boundary_of_pieces(&[b"plain"]),
            "topwire-boundary-0000000000000000"
        );
        let tricky =
            b"topwire-boundary-0000000000000000 topwire-boundary-0000000000000001topwire-boundary-";
        assert_eq!(
            boundary_of_pieces(&[tricky]),
            "topwire-boundary-0000000000000002"
        );
        // A counter far away rules nothing out among the first candidates.
        assert_eq!(
            boundary_of_pieces(&[b"topwire-boundary-ffffffffffffffff"]),
            "topwire-boundary-0000000000000000"
        );
    }

    #[test]
    fn boundary_never_occurs_in_adversarial_content() {
        // Every candidate from 0 to 299, each in its own piece and all in one.
        let all: Vec<String> = (0..300u64)
            .map(|k| format!("topwire-boundary-{k:016x}"))
            .collect();
        let joined = all.concat();
        let mut pieces: Vec<&[u8]> = all.iter().map(|s| s.as_bytes()).collect();
        pieces.push(joined.as_bytes());
        let b = boundary_of_pieces(&pieces);
        assert_eq!(b, "topwire-boundary-000000000000012c");
        assert!(pieces.iter().all(|p| find(p, b.as_bytes(), 0).is_none()));
    }

    #[test]
    fn encode_then_parse_round_trips() {
        let file = FileItem::new(b"\x89PNG\r\n--\r\n".to_vec())
            .with_filename("qr.png")
            .with_content_type("image/png");
        let text = vec![("a", "中文"), ("b", "")];
        let m = encode(&text, &[("img", &file)]).unwrap();
        let parts = parse(&m.bytes, &m.boundary).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].name, "a");
        assert_eq!(parts[0].data, "中文".as_bytes());
        assert_eq!(parts[1].data, b"");
        assert_eq!(parts[2].filename.as_deref(), Some("qr.png"));
        assert_eq!(parts[2].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[2].data, file.content.as_slice());
    }

    #[test]
    fn reads_the_java_sdk_layout() {
        let body = b"\r\n--XyZ\r\nContent-Disposition:form-data;name=\"k\"\r\nContent-Type:text/plain\r\n\r\nv\r\n--XyZ\r\nContent-Disposition:form-data;name=\"f\";filename=\"a.jpg\"\r\nContent-Type:image/jpeg\r\n\r\n\xff\xd8\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].data), ("k", &b"v"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("a.jpg"));
        assert_eq!(parts[1].data, b"\xff\xd8");
    }

    #[test]
    fn malformed_bodies_are_errors() {
        for (body, why) in [
            (&b""[..], "no boundary"),
            (
                b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
                "closing",
            ),
            (b"--B\r\nno colon\r\n\r\nx\r\n--B--", "colon"),
            (
                b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--",
                "Content-Disposition",
            ),
            (
                b"--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",
                "not form-data",
            ),
            (
                b"--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--B--",
                "unclosed",
            ),
            (b"--Bjunk", "CRLF"),
        ] {
            let e = parse(body, "B").unwrap_err();
            assert!(e.contains(why), "{e}");
        }
        assert!(boundary_of("multipart/form-data").unwrap().is_err());
        assert!(
            boundary_of(&format!("multipart/form-data; boundary={}", "x".repeat(71)))
                .unwrap()
                .is_err()
        );
        assert_eq!(
            boundary_of("Multipart/Form-Data; charset=UTF-8; boundary=\"ab\"").unwrap(),
            Ok("ab".to_owned())
        );
        assert!(boundary_of("application/x-www-form-urlencoded").is_none());
    }

    #[test]
    fn header_text_is_checked() {
        let file = FileItem::new(b"x".to_vec()).with_filename("a\"b");
        let e = encode(&[], &[("img", &file)]).unwrap_err();
        assert_eq!(e.field, "img.filename");
        let file = FileItem::new(b"x".to_vec()).with_content_type("image/png\r\nX: y");
        assert_eq!(
            encode(&[], &[("img", &file)]).unwrap_err().field,
            "img.content_type"
        );
        let file = FileItem::new(b"x".to_vec()).with_content_type("png");
        assert_eq!(
            encode(&[], &[("img", &file)]).unwrap_err().field,
            "img.content_type"
        );
        let e = encode(&[("a\nb", "v")], &[("img", &file)]).unwrap_err();
        assert_eq!(e.field, "a\nb");
    }
}
