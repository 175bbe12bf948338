//! The boundary records hosts hand to the core and get back (`options`),
//! declared once with serde. The top layer: it may import every folder.

pub mod options;
