//! The client: `prepare` (`TopClient`, parameters validated and rendered),
//! `parse` (replies read and typed by their description), batches of calls,
//! the senders' retry policy and the redaction of secrets for logs.
//! May import: `api`, `rules`, `wire`.

pub mod batch;
pub(crate) mod params;
pub(crate) mod redact;
pub(crate) mod reply_check;
pub(crate) mod response;
pub mod send;
pub(crate) mod shape;
pub(crate) mod top_client;
