//! SSHSIG parsing and verification: arbitrary text as MANIFEST.json.sig.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ =
            amanat::crypto::sshsig::verify(s, amanat::crypto::sshsig::NAMESPACE_BUNDLE, b"message");
    }
});
