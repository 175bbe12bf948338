//! A [`Value`] read from any serde format (JS values through
//! serde-wasm-bindgen, JSON through serde_json): the number rules and the
//! nesting limit every host's params go through, written once.
//!
//! Numbers: integers come exact (i64, u64; serde-wasm-bindgen hands a JS
//! number over as an integer when it is a safe one). A float is a fraction,
//! kept as the decimal text JavaScript writes for it; an integral float
//! beyond 2^53, NaN and the infinities are refused, since sending them would
//! round or drop the caller's number.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

use crate::wire::value::{Value, ValueRef};

/// Nesting deeper than this is refused (it also stops cyclic host objects).
pub const MAX_DEPTH: usize = 64;

/// Largest integer a binary64 float holds exactly: 2^53 − 1.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Nested(0).deserialize(d)
    }
}

/// Reads one value at a nesting depth.
#[derive(Clone, Copy)]
struct Nested(usize);

impl<'de> DeserializeSeed<'de> for Nested {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Nested {
    fn deeper<E: de::Error>(self) -> Result<Nested, E> {
        if self.0 >= MAX_DEPTH {
            return Err(E::invalid_value(
                Unexpected::Other("deeper nesting (a cycle?)"),
                &"at most 64 levels of nesting",
            ));
        }
        Ok(Nested(self.0 + 1))
    }
}

/// A float's text as JavaScript's `String(x)` writes it (fractions only:
/// integral floats never get here within the safe range).
fn float_text(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-6 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl<'de> Visitor<'de> for Nested {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, bigint, boolean, array or plain object")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        if !x.is_finite() {
            let text = if x.is_nan() {
                "the number NaN"
            } else {
                "an infinite number"
            };
            return Err(E::invalid_value(
                Unexpected::Other(text),
                &"a finite number",
            ));
        }
        if x.fract() == 0.0 {
            if x.abs() <= MAX_SAFE {
                // Integral and within ±2^53: exact.
                #[allow(clippy::cast_possible_truncation)]
                return Ok(Value::Int(x as i64));
            }
            return Err(E::invalid_value(
                Unexpected::Other(&format!(
                    "the number {}, which a float cannot hold exactly",
                    float_text(x)
                )),
                &"a safe integer (at most 2^53 - 1 in size), a bigint or a decimal string",
            ));
        }
        Ok(Value::Decimal(Cow::Owned(float_text(x))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            pairs.push((Cow::Owned(key), value));
        }
        Ok(Value::Object(pairs))
    }
}

/// A [`Value`] written to any serde format (records hold values, such as
/// an error's attributes). Numbers beyond 64 bits are written as their text.
impl serde::Serialize for ValueRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            ValueRef::Null => s.serialize_unit(),
            ValueRef::Bool(b) => s.serialize_bool(*b),
            ValueRef::Int(i) => s.serialize_i64(*i),
            ValueRef::UInt(u) => s.serialize_u64(*u),
            ValueRef::Decimal(t) | ValueRef::String(t) => s.serialize_str(t),
            ValueRef::File(f) => s.serialize_bytes(&f.content),
            ValueRef::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            ValueRef::Object(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

// ---- records read out of a Value ----

/// Why a record could not be read from a [`Value`]: where (`a.b[0]`; empty
/// at the top) and what, kept as parts so no message is parsed back.
#[derive(Debug)]
pub struct ReadError {
    /// Where the offending value sits.
    pub path: String,
    /// What was wrong there.
    pub problem: Problem,
}

/// What was wrong with a record's value.
#[derive(Debug)]
pub enum Problem {
    /// A key the record does not have, and the keys it has.
    Unknown(String, &'static [&'static str]),
    /// A key the record needs.
    Missing(&'static str),
    /// A value of the wrong kind: what came, what was expected.
    Wrong(String, String),
    /// Anything else serde reports.
    Other(String),
}

impl ReadError {
    fn new(problem: Problem) -> ReadError {
        ReadError {
            path: String::new(),
            problem,
        }
    }

    /// The same error one level further down: under `segment` (`key` or `[i]`).
    fn under(mut self, segment: &str) -> ReadError {
        let sep = if self.path.is_empty() || self.path.starts_with('[') || segment.is_empty() {
            ""
        } else {
            "."
        };
        self.path = format!("{segment}{sep}{}", self.path);
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::Unknown(key, _) => write!(f, "unknown field `{key}`"),
            Problem::Missing(key) => write!(f, "missing field `{key}`"),
            Problem::Wrong(got, expected) => write!(f, "{got}, expected {expected}"),
            Problem::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> ReadError {
        ReadError::new(Problem::Other(msg.to_string()))
    }

    // serde's own wording would print the value (a secret, perhaps) and pull
    // float formatting into the wasm build; the kind of value is enough.
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> ReadError {
        ReadError::new(Problem::Wrong(kind(&unexp).to_owned(), exp.to_string()))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> ReadError {
        Self::invalid_type(unexp, exp)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> ReadError {
        ReadError::new(Problem::Unknown(field.to_owned(), expected))
    }

    fn missing_field(field: &'static str) -> ReadError {
        ReadError::new(Problem::Missing(field))
    }
}

/// What kind of value serde found, in a JSON caller's words.
fn kind<'a>(unexp: &Unexpected<'a>) -> &'a str {
    match unexp {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        Unexpected::Other(other) => other,
        _ => "another kind of value",
    }
}

/// A [`Value`] as a serde data source: how the bindings that receive JSON
/// text (the wasm glue) read the records of [`crate::options`].
/// Its text may borrow from the JSON text (see [`ValueRef`]).
pub struct ValueDeserializer<'a>(pub ValueRef<'a>);

/// Text handed to a visitor, lent whether owned or borrowed: one visitor
/// method per record field in the wasm build, where two would double it.
fn visit_text<'de, V: Visitor<'de>>(v: V, text: Cow<'_, str>) -> Result<V::Value, ReadError> {
    v.visit_str(&text)
}

impl<'de> Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::Null => v.visit_unit(),
            ValueRef::Bool(b) => v.visit_bool(b),
            ValueRef::Int(i) => v.visit_i64(i),
            ValueRef::UInt(u) => v.visit_u64(u),
            // No record field takes a fraction; refused without float parsing.
            ValueRef::Decimal(_) => Err(de::Error::invalid_type(decimal_kind(&self.0), &v)),
            ValueRef::String(s) => visit_text(v, s),
            ValueRef::File(f) => v.visit_byte_buf(f.content),
            ValueRef::List(items) => v.visit_seq(Items {
                iter: items.into_iter(),
                index: 0,
            }),
            ValueRef::Object(pairs) => v.visit_map(Pairs {
                iter: pairs.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::Null => v.visit_none(),
            other => v.visit_some(ValueDeserializer(other)),
        }
    }

    // Each record field asks for the one kind it takes: answering only that
    // kind (any other is one shared error path) keeps each visitor's copy
    // of this code small, which is most of what serde costs the wasm build.
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::Bool(b) => v.visit_bool(b),
            other => Err(mismatch(&other, &v)),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::Int(i) => v.visit_i64(i),
            ValueRef::UInt(u) => v.visit_u64(u),
            other => Err(mismatch(&other, &v)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::String(s) => visit_text(v, s),
            other => Err(mismatch(&other, &v)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::List(items) => v.visit_seq(Items {
                iter: items.into_iter(),
                index: 0,
            }),
            other => Err(mismatch(&other, &v)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        match self.0 {
            ValueRef::Object(pairs) => v.visit_map(Pairs {
                iter: pairs.into_iter(),
                value: None,
            }),
            other => Err(mismatch(&other, &v)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        self.deserialize_string(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ReadError> {
        self.deserialize_string(v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, ReadError> {
        self.deserialize_seq(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ReadError> {
        self.deserialize_map(v)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct newtype_struct
        tuple_struct enum ignored_any
    }
}

/// A number that is neither i64 nor u64, in the words every language uses.
fn decimal_kind(v: &ValueRef<'_>) -> Unexpected<'static> {
    match v.as_big_integer() {
        Some(_) => Unexpected::Other("an integer beyond 64 bits"),
        None => Unexpected::Other("a number with a fraction"),
    }
}

/// A value of the wrong kind for a field: one out-of-line path for all.
#[cold]
#[inline(never)]
fn mismatch(found: &ValueRef<'_>, expected: &dyn de::Expected) -> ReadError {
    let kind = match found {
        ValueRef::Null => Unexpected::Unit,
        ValueRef::Bool(b) => Unexpected::Bool(*b),
        ValueRef::Int(_) | ValueRef::UInt(_) => Unexpected::Signed(0),
        ValueRef::Decimal(_) => decimal_kind(found),
        ValueRef::String(_) => Unexpected::Str(""),
        ValueRef::File(_) => Unexpected::Bytes(&[]),
        ValueRef::List(_) => Unexpected::Seq,
        ValueRef::Object(_) => Unexpected::Map,
    };
    de::Error::invalid_type(kind, expected)
}

struct Items<'a> {
    iter: std::vec::IntoIter<ValueRef<'a>>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = ReadError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        let Some(item) = self.iter.next() else {
            return Ok(None);
        };
        let at = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer(item))
            .map(Some)
            .map_err(|e| e.under(&format!("[{at}]")))
    }
}

struct Pairs<'a> {
    iter: std::vec::IntoIter<(Cow<'a, str>, ValueRef<'a>)>,
    value: Option<(Cow<'a, str>, ValueRef<'a>)>,
}

impl<'de> MapAccess<'de> for Pairs<'_> {
    type Error = ReadError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        let out = seed.deserialize(de::value::StrDeserializer::<ReadError>::new(&key))?;
        self.value = Some((key, value));
        Ok(Some(out))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let (key, value) = self
            .value
            .take()
            .unwrap_or((Cow::Borrowed(""), ValueRef::Null));
        seed.deserialize(ValueDeserializer(value))
            .map_err(|e| e.under(&key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_text_is_javascripts() {
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(-1.5), "-1.5");
        assert_eq!(float_text(1e-7), "1e-7");
        assert_eq!(float_text(1.25e-7), "1.25e-7");
        assert_eq!(float_text(123456.789), "123456.789");
        assert_eq!(float_text(0.000001), "0.000001");
    }
}
