//! The shipped header must be what cbindgen generates from `src/lib.rs`
//! today: `TOPWIRE_BLESS=1 cargo test -p topwire-c --test header` rewrites
//! it; without that, a stale header fails here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

#[test]
fn header_is_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the crate")
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = dir.join("include/topwire.h");
    if std::env::var_os("TOPWIRE_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == generated,
        "bindings/c/include/topwire.h is stale: run `TOPWIRE_BLESS=1 cargo test -p topwire-c --test header` (or `make types`)"
    );
}
