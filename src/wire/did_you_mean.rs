//! The right spelling of an unknown key: options, records and the local
//! gateway's config all refuse a key they do not know, naming the one it
//! most likely meant.

use crate::wire::error::ValidationError;

/// An unknown key, with the known one it most likely meant (`field` names
/// where it was: the key itself, or its path in a record).
pub fn unknown_key(field: String, key: &str, known: &[&str]) -> ValidationError {
    let hint = match did_you_mean(key, known) {
        Some(right) => format!("a known option (did you mean {right}?)"),
        None if known.is_empty() => "no options here".to_owned(),
        None => format!("one of {}", known.join(", ")),
    };
    ValidationError::new(field, hint, "an unknown option")
}

/// The known name `key` was probably meant to be: the same letters in
/// another case or separator style (`sign_method` -> `signMethod`), else
/// the closest one at most a third of its length away (`sesion` -> `session`).
pub fn did_you_mean<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (fold(key).len() / 3).max(1);
    closest(key, known, limit)
}

/// The known name closest to `key` (case, `_` and `-` ignored) at most
/// `limit` edits away, if any.
pub fn closest<'a>(key: &str, known: &[&'a str], limit: usize) -> Option<&'a str> {
    let key = fold(key);
    known
        .iter()
        .map(|k| (edit_distance(&key, &fold(k)), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// A name as [`closest`] compares it: lower case, without `_` and `-`.
fn fold(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Levenshtein distance, with an adjacent swap counting as one edit.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    // Rows of the classic table; names are short, so this stays tiny.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let sub = prev.get(j).map_or(usize::MAX, |d| d + cost);
            let del = prev.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let ins = row.get(j).map_or(usize::MAX, |d| d + 1);
            let mut best = sub.min(del).min(ins);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                best = best.min(before.get(j - 1).map_or(usize::MAX, |d| d + 1));
            }
            row.push(best);
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev.last().copied().unwrap_or(0)
}

/// `sub_code` -> `subCode`: serde's `rename_all = "camelCase"` for names
/// that are not struct fields (option records, TMC records for JS).
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `subCode` -> `sub_code`: [`camel_case`] undone, for a host whose names
/// are snake_case (Python's keywords).
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_undoes_camel_case() {
        for name in ["app_key", "target_app_key", "sign_method", "format", "x"] {
            assert_eq!(snake_case(&camel_case(name)), name);
        }
        assert_eq!(snake_case("signMethod"), "sign_method");
    }

    #[test]
    fn suggestions() {
        let known = ["appKey", "appSecret", "signMethod", "session", "timestamp"];
        assert_eq!(did_you_mean("sign_method", &known), Some("signMethod"));
        assert_eq!(did_you_mean("SIGN-METHOD", &known), Some("signMethod"));
        assert_eq!(did_you_mean("sesion", &known), Some("session"));
        assert_eq!(did_you_mean("sessoin", &known), Some("session"));
        assert_eq!(did_you_mean("app_secret", &known), Some("appSecret"));
        assert_eq!(did_you_mean("colour", &known), None);
        assert_eq!(did_you_mean("", &known), None);
    }

    #[test]
    fn closest_keeps_to_its_limit() {
        let known = [
            "taobao.eticket.merchant.ma.send",
            "taobao.eticket.merchant.ma.delay",
        ];
        let near = |key: &str, limit: usize| closest(key, &known, limit);
        assert_eq!(near("taobao.eticket.merchant.ma.sned", 2), Some(known[0]));
        assert_eq!(near("taobao.eticket.merchant.ma.snd", 1), Some(known[0]));
        assert_eq!(near("taobao.eticket.merchant.ma.query", 3), None);
        assert_eq!(near("taobao.eticket.merchant.ma.dealy", 1), Some(known[1]));
    }
}
