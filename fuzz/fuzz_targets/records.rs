//! Decoding of what the vault stores once opened: record bodies and catalog entries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let id = amanat::RecordId::from_slice(&[7u8; 16]).expect("16 bytes");
    if let Ok(body) = amanat::format::record::RecordBody::decode(id, data) {
        // A decoded body must re-encode and decode to the same parts.
        let again =
            amanat::format::record::RecordBody::decode(id, &body.encode()).expect("re-decodes");
        assert_eq!(again.parts.len(), body.parts.len());
    }
    let _ = amanat::format::catalog::CatalogEntry::decode(data);
});
