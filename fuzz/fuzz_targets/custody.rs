//! A record's chain of custody as a bundle brings it: JSON entries, events, signatures.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chain) = serde_json::from_slice::<Vec<amanat::vault::custody::CustodyEntry>>(data) {
        let _ = amanat::vault::custody::verify_chain(&chain);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = amanat::vault::custody::Event::parse(s);
    }
});
