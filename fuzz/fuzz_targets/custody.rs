//! A record's chain of custody as a bundle brings it: JSON entries, events, signatures.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chain) = serde_json::from_slice::<Vec<amanat::audit::CustodyEntry>>(data) {
        let _ = amanat::audit::verify_chain(&chain);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = amanat::audit::Event::parse(s);
    }
});
