//! Any serde record as JSON text: how the wasm glue hands the records of
//! [`crate::options`] to JS (one string, one `JSON.parse`), written straight
//! into one `String` and without a JSON library in the wasm build. Records
//! hold strings, integers, booleans, options, lists and maps; floats, bytes
//! and enums with data are not part of them and are refused.

use std::fmt::{self, Write as _};

use serde::ser::{self, Impossible, Serialize};

use crate::wire::value::write_json_string;

/// A record as compact JSON text.
pub fn record_json<T: Serialize + ?Sized>(record: &T) -> Result<String, WriteError> {
    let mut out = String::with_capacity(256);
    record.serialize(Json { out: &mut out })?;
    Ok(out)
}

/// A record that holds something [`record_json`] does not write.
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

struct Json<'a> {
    out: &'a mut String,
}

impl<'a> Json<'a> {
    fn int(self, v: impl fmt::Display) -> Result<(), WriteError> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
    fn open(self, bracket: char) -> Compound<'a> {
        self.out.push(bracket);
        Compound {
            out: self.out,
            first: true,
        }
    }
}

impl<'a> ser::Serializer for Json<'a> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Impossible<(), WriteError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), WriteError> {
        self.int(v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), WriteError> {
        unsupported("floats")
    }
    fn serialize_f64(self, _: f64) -> Result<(), WriteError> {
        unsupported("floats")
    }
    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        write_json_string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        write_json_string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), WriteError> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), WriteError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WriteError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), WriteError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), WriteError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), WriteError> {
        unsupported("enums with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('['))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('['))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('['))
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
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('{'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('{'))
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

/// A list or object being written: whether a comma comes before the next item.
struct Compound<'a> {
    out: &'a mut String,
    first: bool,
}

impl Compound<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        v.serialize(Json { out: self.out })
    }
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_json_string(key, self.out);
        self.out.push(':');
    }
    fn close(self, bracket: char) -> Result<(), WriteError> {
        self.out.push(bracket);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.item(v)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close(']')
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.item(v)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close(']')
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        self.item(v)
    }
    fn end(self) -> Result<(), WriteError> {
        self.close(']')
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        // Keys are written as JSON strings, whatever serializes them.
        self.item(key)?;
        self.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), WriteError> {
        v.serialize(Json { out: self.out })
    }
    fn end(self) -> Result<(), WriteError> {
        self.close('}')
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), WriteError> {
        self.key(key);
        v.serialize(Json { out: self.out })
    }
    fn end(self) -> Result<(), WriteError> {
        self.close('}')
    }
}
