//! Any serde record as a [`Value`], and so as JSON text: how the wasm glue
//! hands the records of [`crate::options`] to JS (one string, one
//! `JSON.parse`), without a JSON library in the wasm build. Records hold
//! strings, integers, booleans, options, lists and maps; floats and enums
//! with data are not part of them and are refused.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::value::Value;

/// A record as a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(record: &T) -> Result<Value, WriteError> {
    record.serialize(ValueSerializer)
}

/// A record that holds something [`to_value`] does not write.
#[derive(Debug)]
pub struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> WriteError {
        WriteError(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, WriteError> {
    Err(WriteError(format!("records hold no {what}")))
}

struct ValueSerializer;

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = WriteError;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Impossible<Value, WriteError>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Impossible<Value, WriteError>;

    fn serialize_bool(self, v: bool) -> Result<Value, WriteError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, WriteError> {
        Ok(Value::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, WriteError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, WriteError> {
        Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
    }
    fn serialize_f32(self, _: f32) -> Result<Value, WriteError> {
        unsupported("floats")
    }
    fn serialize_f64(self, _: f64) -> Result<Value, WriteError> {
        unsupported("floats")
    }
    fn serialize_char(self, v: char) -> Result<Value, WriteError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, WriteError> {
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Value, WriteError> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<Value, WriteError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, WriteError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, WriteError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, WriteError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, WriteError> {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Value, WriteError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Value, WriteError> {
        unsupported("enums with data")
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, WriteError> {
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<List, WriteError> {
        Ok(List(Vec::with_capacity(len)))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<List, WriteError> {
        Ok(List(Vec::with_capacity(len)))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        unsupported("enums with data")
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, WriteError> {
        Ok(Map(Vec::with_capacity(len.unwrap_or(0)), None))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map, WriteError> {
        Ok(Map(Vec::with_capacity(len), None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, WriteError> {
        unsupported("enums with data")
    }
}

struct List(Vec<Value>);

impl List {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.0.push(v.serialize(ValueSerializer)?);
        Ok(())
    }
}

impl ser::SerializeSeq for List {
    type Ok = Value;
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, WriteError> {
        Ok(Value::List(self.0))
    }
}

impl ser::SerializeTuple for List {
    type Ok = Value;
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, WriteError> {
        Ok(Value::List(self.0))
    }
}

impl ser::SerializeTupleStruct for List {
    type Ok = Value;
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.push(v)
    }
    fn end(self) -> Result<Value, WriteError> {
        Ok(Value::List(self.0))
    }
}

/// Pairs so far, and a key waiting for its value.
struct Map(Vec<(String, Value)>, Option<String>);

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        match key.serialize(ValueSerializer)? {
            Value::String(k) => {
                self.1 = Some(k);
                Ok(())
            }
            _ => unsupported("keys other than strings"),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        let key = self.1.take().unwrap_or_default();
        self.0.push((key, v.serialize(ValueSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Value, WriteError> {
        Ok(Value::Object(self.0))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Value;
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), WriteError> {
        self.0.push((key.to_owned(), v.serialize(ValueSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Value, WriteError> {
        Ok(Value::Object(self.0))
    }
}
