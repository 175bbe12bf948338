//! The API descriptions: their shape (`spec`), the typed APIs generated from
//! `apis/*.json` (`apis`) and the TypeScript/Python declarations made from them
//! (`codegen`). May import: `rules`, `wire`.

pub mod apis;
pub mod codegen;
pub mod spec;
