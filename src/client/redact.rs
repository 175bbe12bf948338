//! What debug views show of a prepared request: the values of secret fields
//! (a customer's card secret, `ka_mi`) replaced by `***`. The request itself
//! carries them, since TOP needs them; `Debug`, Python's `repr` and Node's
//! `util.inspect` show this redacted form instead. Work is done only when a
//! view is asked for and the method has secret fields, so `prepare` does
//! not pay for it.

use std::borrow::Cow;

use crate::api::apis;
use crate::api::spec::{Field, Type};
use crate::wire::json::from_json;
use crate::wire::urlencode::append_pairs;
use crate::wire::value::Value;

/// What stands in for a secret value.
pub(crate) const MASK: &str = "***";

/// The body of a prepared request (urlencoded application parameters) with
/// every secret value replaced by `***`. `signed_query` is the signed part
/// of its URL, which names the method.
pub fn redact_body<'a>(signed_query: &str, body: &'a str) -> Cow<'a, str> {
    let method = form_urlencoded::parse(signed_query.as_bytes())
        .find(|(k, _)| k == "method")
        .map(|(_, v)| v.into_owned());
    let spec = method.as_deref().and_then(apis::find);
    let Some(spec) = spec.filter(|s| s.request.iter().any(Field::holds_secret)) else {
        return Cow::Borrowed(body);
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| {
            let v = match spec.request_field(&k) {
                Some(field) if field.holds_secret() => redact_text(field, &v),
                _ => v.into_owned(),
            };
            (k.into_owned(), v)
        })
        .collect();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut out = String::with_capacity(body.len());
    append_pairs(&mut out, &pairs);
    Cow::Owned(out)
}

/// What an error says instead of a value that is, or may hold, a secret
/// (the bindings use it for values they cannot convert).
pub const SECRET_NOT_SHOWN: &str = "a value (secret, not shown)";

/// Whether the value at `path` of `method`'s parameters (as errors name it:
/// `isv_ka_list[0].ka_mi`) is, or may hold, a secret: a secret field, or a
/// structure or list whose members include one.
pub fn is_secret_path(method: &str, path: &str) -> bool {
    let Some(spec) = apis::find(method) else {
        return false;
    };
    let mut fields = spec.request;
    let mut last = None;
    for segment in path.split('.') {
        let name = segment.split('[').next().unwrap_or(segment);
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            return false;
        };
        if field.secret {
            return true;
        }
        fields = match &field.ty {
            Type::Object(s) | Type::ObjectList(s) => s.fields,
            _ => &[],
        };
        last = Some(field);
    }
    last.is_some_and(Field::holds_secret)
}

/// A field's wire text with its secrets masked; text that cannot be read as
/// the documented structure is masked whole.
fn redact_text(field: &Field, text: &str) -> String {
    if field.secret {
        return MASK.to_owned();
    }
    match from_json(text) {
        Ok(mut value) => {
            mask(field, &mut value);
            value.to_json()
        }
        Err(_) => MASK.to_owned(),
    }
}

/// Masks the secret members of a value of `field`'s type.
pub(crate) fn mask(field: &Field, value: &mut Value) {
    if field.secret {
        if !matches!(value, Value::Null) {
            *value = Value::String(MASK.to_owned().into());
        }
        return;
    }
    let (Type::Object(s) | Type::ObjectList(s)) = &field.ty else {
        return;
    };
    let mask_object = |v: &mut Value| {
        if let Value::Object(pairs) = v {
            for (name, member) in pairs {
                if let Some(f) = s.fields.iter().find(|f| f.name == name) {
                    mask(f, member);
                }
            }
        }
    };
    match value {
        Value::List(items) => items.iter_mut().for_each(mask_object),
        other => mask_object(other),
    }
}

/// A batch body with the values of secret fields replaced by `***`, line by
/// line (each line names its method), for debug views.
pub fn redacted_lines<'a>(body: &'a str, separator: &str) -> Cow<'a, str> {
    let lines: Vec<Cow<'_, str>> = body
        .split(separator)
        .map(|line| redact_body(line, line))
        .collect();
    if lines.iter().all(|l| matches!(l, Cow::Borrowed(_))) {
        return Cow::Borrowed(body);
    }
    Cow::Owned(lines.join(separator))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEND: &str = "method=taobao.eticket.merchant.ma.send&v=2.0";

    #[test]
    fn masks_card_secrets_and_keeps_the_rest() {
        let body = "isv_ka_list=%5B%7B%22ka_no%22%3A%22n1%22%2C%22ka_mi%22%3A%22pw%22%2C%22num%22%3A1%7D%5D&token=t";
        let shown = redact_body(SEND, body);
        let decoded: Vec<(String, String)> = form_urlencoded::parse(shown.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            decoded,
            vec![
                (
                    "isv_ka_list".to_owned(),
                    r#"[{"ka_no":"n1","ka_mi":"***","num":1}]"#.to_owned()
                ),
                ("token".to_owned(), "t".to_owned()),
            ]
        );
    }

    #[test]
    fn secret_paths() {
        let send = "taobao.eticket.merchant.ma.send";
        for path in ["isv_ka_list", "isv_ka_list[3]", "isv_ka_list[0].ka_mi"] {
            assert!(is_secret_path(send, path), "{path}");
        }
        for path in [
            "isv_ka_list[0].ka_no",
            "isv_ma_list[0].code",
            "token",
            "nope",
            "",
        ] {
            assert!(!is_secret_path(send, path), "{path}");
        }
        assert!(!is_secret_path("taobao.custom.get", "ka_mi"));
    }

    #[test]
    fn text_that_is_not_json_is_masked_whole() {
        let shown = redact_body(SEND, "isv_ka_list=pw-not-json&outer_id=o");
        assert_eq!(shown, "isv_ka_list=***&outer_id=o");
    }

    #[test]
    fn methods_without_secrets_are_shown_as_they_are() {
        let body = "ka_mi=x";
        assert!(matches!(
            redact_body("method=taobao.custom.get", body),
            Cow::Borrowed("ka_mi=x")
        ));
        assert!(matches!(
            redact_body("method=taobao.eticket.merchant.ma.resend", body),
            Cow::Borrowed(_)
        ));
    }
}
