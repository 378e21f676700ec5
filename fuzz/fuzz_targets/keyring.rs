//! The keyring: the file's slot framing and age header (work factor capped so that scrypt
//! stays cheap), and the parser of a slot's plaintext.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = amanat::format::keyring::parses_as_keyring(data);
    if data.len() == amanat::format::keyring::FILE_LEN {
        let cheap = (0..2)
            .all(|s| amanat::format::keyring::slot_work_factor(data, s).map_or(true, |w| w <= 2));
        if cheap {
            let pass = amanat::format::keyring::Passphrase::new("fuzz".into()).expect("non-empty");
            let _ =
                amanat::format::keyring::open_file(data, &pass, std::path::Path::new("keyring"));
        }
    }
});
