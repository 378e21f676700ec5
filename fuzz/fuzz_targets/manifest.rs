//! Manifest parsing and validation: arbitrary bytes as MANIFEST.json.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = amanat::format::manifest::Manifest::parse(data);
});
