//! The typed APIs. Each is described by a file in `apis/` (format in
//! `apis/README.md`); `build.rs` turns those files into the statics below,
//! so adding an API is adding a file and running `make types`, which
//! regenerates the TypeScript and Python declarations. Validation, response
//! typing and the local gateway's sample replies follow from the same data.

use crate::api::spec::{ApiSpec, Condition, Field, Rule, Struct, Type};

include!(concat!(env!("OUT_DIR"), "/apis.rs"));

/// The description of a method, if it is typed.
pub fn find(method: &str) -> Option<&'static ApiSpec> {
    ALL.iter().copied().find(|spec| spec.name == method)
}

impl ApiSpec {
    /// A sample response of the documented shape: the inner object as
    /// compact JSON text. The local gateway answers valid calls with it.
    /// (Looked up by name rather than held in the table, so builds without
    /// the gateway, such as the browsers' wasm, leave the samples out; and
    /// declared here beside the data, so the descriptions need not import it.)
    pub fn example_response(&self) -> &'static str {
        example_response(self.name)
    }
}
