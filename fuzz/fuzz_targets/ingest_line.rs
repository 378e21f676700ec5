//! One line of an ingest file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = amanat::vault::ingest::parse_line(s);
    }
});
