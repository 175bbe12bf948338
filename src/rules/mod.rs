//! TOP's and Java's rules beside the wire formats: request signatures,
//! timestamps, and how the Java SDK sorts, blanks and escapes text.
//! May import: `wire`.

pub(crate) mod java;
pub(crate) mod sign;
pub(crate) mod time;
