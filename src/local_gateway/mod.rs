//! The local gateway: a stand-in for TOP's gateway that checks and answers
//! calls as TOP does, and its message channel, for tests and demos.
//! May import: `client`, `spi`, `tmc`, `api`, `rules`, `wire`.

pub mod gateway;
#[cfg(feature = "tmc")]
pub mod tmc_channel;
