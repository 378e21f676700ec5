//! Recovering from damage to sled's own files: the database is recreated from the journal
//! (FORMAT.md, "Journal"), and the journal from the database.
use std::fs::{self, File};
use std::io;

use super::{lifecycle, Vault, VaultPaths};
use crate::error::{Error, Result};
use crate::format::keyring::{self, Passphrase};
use crate::storage::store::{self, RebuildReport, Store};
use crate::words;

/// Recreates the database of the vault at `paths` from its journal, without reading sled's
/// files, and opens the result. Works when the database does not open at all.
///
/// The duress passphrase does here what it does at any unlock: if the decoy does not own
/// the vault yet, the real vault is destroyed first, and the decoy's empty vault is what
/// gets rebuilt.
pub fn rebuild(paths: VaultPaths, pass: &Passphrase) -> Result<(Vault, RebuildReport)> {
    if Store::is_restoring(&paths.root) {
        return Err(Error::RestoreUnfinished(paths.root.clone()));
    }
    rebuild_any(paths, pass)
}

/// [`rebuild`] of a directory a restore is filling (the restore's own last step), with the
/// keyring the restore opened from `slot`: one key derivation for the whole restore. The
/// journal is the one that keyring's heads named, so even a decoy's (whose vault was
/// pushed after a duress unlock) is rebuilt as it is, with nothing to take over.
pub fn rebuild_restored(
    paths: VaultPaths,
    k: keyring::Keyring,
    slot: usize,
) -> Result<(Vault, RebuildReport)> {
    Store::check_version(&paths.root)?;
    rebuild_with(paths, k, slot)
}

fn rebuild_any(paths: VaultPaths, pass: &Passphrase) -> Result<(Vault, RebuildReport)> {
    Store::check_version(&paths.root)?;
    crate::storage::keyring_file::recover_keyring(&paths.keyring)?;
    let bytes = match fs::read(&paths.keyring) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::KeyringMissing(paths.keyring.clone()))
        }
        Err(e) => return Err(Error::io(words!("d-reading", path = &paths.keyring), e)),
    };
    let opened = keyring::open_slots(&bytes, pass, &paths.keyring)?;
    let k = opened.keyring;
    let journal_vault = File::open(paths.root.join(crate::storage::journal::FILE))
        .ok()
        .and_then(|f| crate::storage::journal::vault_of(&f, &k.catalog_key));
    if k.duress && journal_vault != Some(k.vault_id) {
        // Another process using the vault would see its files moved away: refuse first.
        drop(store::lock(&paths.root)?);
        let decoy = lifecycle::duress_takeover(paths.clone(), k, &bytes, opened.slot, pass)?;
        let (k, slot) = (decoy.keyring.duplicate()?, decoy.slot);
        drop(decoy);
        return rebuild_with(paths, k, slot);
    }
    rebuild_with(paths, k, opened.slot)
}

fn rebuild_with(
    paths: VaultPaths,
    k: keyring::Keyring,
    slot: usize,
) -> Result<(Vault, RebuildReport)> {
    let report = Store::rebuild(&paths.root, &k.catalog_key, &k.vault_id)?;
    let store = super::upgraded(Store::open(&paths.root)?, &k)?;
    let vault = Vault::assemble(paths, store, k, slot)?;
    vault.finish_upgrade()?;
    Ok((vault, report))
}

impl Vault {
    /// Writes the journal anew from the database (FORMAT.md, "Journal", "Rewriting"): to
    /// repair a damaged journal, or to drop the sealed bytes removed records left in it.
    /// Returns its size in bytes.
    pub fn rewrite_journal(&self) -> Result<u64> {
        self.store
            .rewrite_journal(&self.keyring.catalog_key, &self.keyring.vault_id)
    }
}

/// What the journal holds, for tests that prove what it no longer holds.
#[cfg(feature = "test-hooks")]
pub mod testing {
    use crate::storage::journal::{self, TreeId};

    /// Every (tree, key) an intact frame of the journal writes or removes, in order.
    pub fn journal_keys(v: &super::Vault) -> Vec<(TreeId, Vec<u8>, bool)> {
        let mut out = Vec::new();
        let mut f = std::fs::File::open(v.store.root().join(journal::FILE)).unwrap();
        journal::read_all(&mut f, &v.keyring.catalog_key, &mut |ops| {
            out.extend(ops.into_iter().map(|o| (o.tree, o.key, o.value.is_some())));
            Ok(())
        })
        .unwrap();
        out
    }
}
