//! SPI: checking a call TOP forwards to the app (its signature, timestamp
//! and parameters, as the Java SDK checks them). May import: `rules`, `wire`.

pub(crate) mod verify;
