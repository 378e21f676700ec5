//! Key lifecycle and emergencies (FORMAT.md 5.3 and 5.4).
//!
//!
//! The keyring file itself is replaced by the protocol of `storage::keyring_file`.
use std::fs::{self};

use super::{LockedVault, Vault, VaultPaths};
use crate::error::{Error, Result};
use crate::format::event::Happened;
use crate::format::keyring::{self, Keyring, Passphrase};
use crate::storage::faults::crash_point;
pub use crate::storage::keyring_file::ShredReport;
use crate::storage::keyring_file::{replace_keyring, rotating_path};
use crate::storage::store::Store;
use crate::words;

/// Emergency: destroys the keyring at once so nothing can be opened; with `all`, removes
/// the vault too. See `storage::keyring_file::shred`.
pub fn shred(paths: &VaultPaths, all: bool) -> Result<ShredReport> {
    crate::storage::keyring_file::shred(&paths.root, &paths.keyring, all)
}

impl Vault {
    /// Re-seals the keyring under a new passphrase and destroys the old keyring's bytes. The
    /// work factor is kept unless one is given; a different one gives up a duress slot
    /// ([`keyring::reseal_file`]), and the result says whether it did.
    pub fn change_passphrase(&self, new: &Passphrase, work_factor: Option<u8>) -> Result<bool> {
        let path = &self.paths.keyring;
        let file = fs::read(path).map_err(|e| Error::io(words!("d-reading", path = path), e))?;
        let sealed = keyring::reseal_file(&file, self.slot, &self.keyring, new, work_factor)?;
        replace_keyring(path, &sealed.file, || {
            let mut log = self.log();
            let happened = Happened::PassphraseChanged {
                weak_passphrase: super::is_weak(new),
            };
            log.append(happened, None, None)?;
            log.commit()
        })?;
        Ok(sealed.duress_dropped)
    }

    /// Registers a duress passphrase: the keyring's second slot becomes a decoy keyring,
    /// sealed at the same work factor as the real one. `pass` is the current passphrase
    /// (the real slot is re-sealed to remember that a duress slot exists).
    pub fn set_duress(&self, pass: &Passphrase, duress: &Passphrase) -> Result<()> {
        if pass.same_as(duress) {
            return Err(Error::Invalid(words!("d-lifecycle-duress-same")));
        }
        let path = &self.paths.keyring;
        let file = fs::read(path).map_err(|e| Error::io(words!("d-reading", path = path), e))?;
        // The file must still be the one this vault was opened from.
        let opened = keyring::open_slots(&file, pass, path)?;
        if opened.slot != self.slot || opened.keyring.vault_id != self.keyring.vault_id {
            return Err(Error::KeyringMismatch(path.clone()));
        }
        let mut real = self.keyring.duplicate()?;
        real.has_duress = true;
        let decoy = self.decoy_keyring()?;
        let sealed = keyring::with_duress(&file, self.slot, &real, pass, &decoy, duress)?;
        replace_keyring(path, &sealed, || {
            let mut log = self.log();
            let happened = Happened::DuressSet {
                weak_passphrase: super::is_weak(duress),
            };
            log.append(happened, None, None)?;
            log.commit()
        })
    }

    /// A decoy that looks like this vault's keyring: same kind, same extra recipients.
    fn decoy_keyring(&self) -> Result<Keyring> {
        let own = self.keyring.own_recipient();
        let others = |list: &[String]| -> Vec<String> {
            list.iter()
                .filter(|r| Some(*r) != own.as_ref())
                .cloned()
                .collect()
        };
        let custodians = if self.keyring.identity_recipients == self.keyring.content_recipients {
            vec![]
        } else {
            others(&self.keyring.identity_recipients)
        };
        let mut decoy = Keyring::generate(
            self.keyring.collector,
            others(&self.keyring.content_recipients),
            custodians,
        )?;
        decoy.vault_id = self.keyring.vault_id;
        decoy.duress = true;
        Ok(decoy)
    }
}

impl LockedVault {
    /// The duress passphrase opened the decoy: destroy the real keyring slot, replace the
    /// database and objects by an empty vault, and open that with the decoy's keys. Done
    /// once; later unlocks with the duress passphrase find the decoy's own vault and open it.
    pub(super) fn duress_unlock(
        self,
        decoy: Keyring,
        file: &[u8],
        slot: usize,
        pass: &Passphrase,
    ) -> Result<Vault> {
        let LockedVault { paths, store } = self;
        let decoys_own = crate::vault::custody::load(&store, &decoy.audit_key, 0)
            .ok()
            .flatten()
            .is_some();
        if decoys_own {
            let store = super::upgraded(store, &decoy)?;
            let vault = Vault::assemble(paths, store, decoy, slot)?;
            vault.finish_upgrade()?;
            // The decoy's own index folds like the real one's (FORMAT.md 3).
            vault.complete_index()?;
            return Ok(vault);
        }
        drop(store);
        duress_takeover(paths, decoy, file, slot, pass)
    }
}

/// What a duress passphrase does to a vault the decoy does not own yet: the real keyring
/// slot is destroyed, the database, journal and objects are replaced by an empty store, and
/// the decoy opens it. `pass` is the duress passphrase: the decoy's `vault-created` says
/// whether it is weak, as an ordinary vault's would.
pub(super) fn duress_takeover(
    paths: VaultPaths,
    decoy: Keyring,
    file: &[u8],
    slot: usize,
    pass: &Passphrase,
) -> Result<Vault> {
    let only = keyring::only_decoy(file, slot)?;
    replace_keyring(&paths.keyring, &only, || Ok(()))?;
    crate::storage::keyring_file::retire(&rotating_path(&paths.keyring))?;
    crash_point("duress-keyring-destroyed");
    Store::replace_with_empty(&paths.root, &decoy.vault_id)?;
    let store = Store::open(&paths.root)?;
    let vault = Vault::assemble(paths, store, decoy, slot)?;
    vault.log_created(pass)?;
    Ok(vault)
}
