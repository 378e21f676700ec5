//! The bundle reader: arbitrary bytes as a decrypted bundle's tar stream, verified (not
//! imported) by a vault that knows one sender. Must never panic, hang or allocate without
//! bound; every input is either a report or an error.
#![no_main]
use std::sync::OnceLock;

use amanat::bundle::ImportOptions;
use amanat::format::keyring::Passphrase;
use amanat::{InitOptions, LockedVault, Vault, VaultPaths};
use libfuzzer_sys::fuzz_target;

struct World {
    _dir: tempfile::TempDir,
    vault: Vault,
}

fn world() -> &'static std::sync::Mutex<World> {
    static W: OnceLock<std::sync::Mutex<World>> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let pass = Passphrase::new("fuzz".into()).unwrap();
        let opts = InitOptions {
            work_factor: Some(1),
            ..Default::default()
        };
        let vault =
            LockedVault::init(VaultPaths::new(dir.path().join("v"), None), &pass, &opts).unwrap();
        // A fixed sender, so that inputs carrying its signature get past the signer check.
        let seed = zeroize::Zeroizing::new([9u8; 32]);
        let line = amanat::crypto::sshkey::ed25519_line(&public(&seed));
        vault.contact_add("sender", &[], Some(&line)).unwrap();
        std::sync::Mutex::new(World { _dir: dir, vault })
    })
}

fn public(seed: &[u8; 32]) -> [u8; 32] {
    // The public key of the fixed seed, derived by signing and parsing the result.
    let sig = amanat::crypto::sshsig::sign(&zeroize::Zeroizing::new(*seed), "x", b"");
    amanat::crypto::sshsig::verify(&sig, "x", b"").unwrap()
}

fuzz_target!(|data: &[u8]| {
    let w = world().lock().unwrap();
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let _ = w.vault.import_stream(data, &opts);
});
