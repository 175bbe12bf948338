//! The wire formats and what they carry: the `Value` type and the error
//! hierarchy, JSON (reader, writer, serde), XML, form encoding, multipart.
//! The bottom layer: it imports nothing from the other folders.

pub(crate) mod did_you_mean;
pub(crate) mod error;
pub(crate) mod json;
pub(crate) mod json_scan;
pub(crate) mod json_ser;
pub(crate) mod multipart;
pub(crate) mod order;
pub mod path;
pub(crate) mod snippet;
pub(crate) mod urlencode;
pub(crate) mod value;
pub(crate) mod value_serde;
pub(crate) mod xml;
