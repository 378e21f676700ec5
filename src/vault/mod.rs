//! The vault: a locked vault (database open, keys sealed) and an unlocked one.
//!
//! Operations that need keys exist only on [`Vault`], which can only be had from
//! [`LockedVault::unlock`] or [`LockedVault::init`]. Its store and keyring are private to
//! this module and its submodules. Each submodule holds one capability, as `impl Vault`
//! methods:
//!
//! | module | operations |
//! | --- | --- |
//! | this one | `init`, `open`, `unlock`, `keys`, `count`, `resolve`, `close` |
//! | `add` | `add` (and the sealing every arrival goes through) |
//! | [`ingest`] | [`ingest::ingest`] of JSON lines, over a vault |
//! | [`read`] | `list`, `search`, `show`, `get`, `get_to_file` |
//! | `parts` | opening a body, and parts checked against their hashes (for the others) |
//! | [`case`] | `describe`, `withdraw_consent`: persons, consent, status, verification, linked parts |
//! | [`check`] | `check`, `remove`, `remove_all` |
//! | [`custody`] | `audit_log`, `verify_audit`: the chain of custody |
//! | [`contacts`] | `contact_add`, `contact_remove`, `contacts`, `contact` |
//! | [`lifecycle`] | `change_passphrase`, `set_duress`, and `shred` (no keys needed) |
//! | [`rotate`] | `rotate`, `rotation_pending` |
//! | [`rebuild`] | `rebuild` of the database from the journal, `rewrite_journal` |
//! | [`timestamps`] | `tsa_add`, `tsa_remove`, `tsas`, `timestamp`, `log_tree` |
//! | `for_bundles` | what [`crate::bundle`] may ask beyond the operations above |
//!
//! [`crate::bundle`] adds `export`, `export_transfer`, `import_bundle` and `import_stream`.
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::crypto::seal::Recipients;
use crate::error::{Error, Result, Words};
use crate::format::id::{IdPrefix, RecordId};
use crate::format::keyring::{self, Keyring, Passphrase};
use crate::storage::store::Store;
use crate::words;

pub(crate) mod add;
mod admit;
pub mod case;
pub mod check;
pub(crate) mod commit;
pub mod contacts;
pub mod custody;
mod filter;
mod for_bundles;
pub(crate) mod imported;
mod index;
pub mod ingest;
mod ingest_csv;
mod input;
pub mod lifecycle;
mod parts;
pub mod passphrase;
pub mod read;
pub mod rebuild;
pub mod recognise;
pub mod remotes;
mod repiece;
pub mod rotate;
mod settings;
pub mod timestamps;
pub mod vocab;

pub use add::{NewRecord, PartInput};
pub use check::CheckReport;
pub(crate) use read::map_on_cores;
pub use read::{Expanded, Filter, Listing, PartView, RecordView, Scan};

/// Where a vault and its keyring are.
#[derive(Debug, Clone)]
pub struct VaultPaths {
    pub root: PathBuf,
    pub keyring: PathBuf,
}

impl VaultPaths {
    /// The keyring defaults to `<root>/keyring`.
    pub fn new(root: impl Into<PathBuf>, keyring: Option<PathBuf>) -> VaultPaths {
        let root = root.into();
        let keyring =
            keyring.unwrap_or_else(|| root.join(crate::storage::keyring_file::DEFAULT_NAME));
        VaultPaths { root, keyring }
    }
}

/// Choices made at `init`.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// scrypt work factor (log2 N); `None` calibrates to about one second.
    pub work_factor: Option<u8>,
    /// Extra content recipients (an HQ or backup key), or a collector's recipients.
    pub recipients: Vec<String>,
    /// Identity custodians; empty means the content recipients.
    pub identity_recipients: Vec<String>,
    /// Make a collector that holds no decryption key.
    pub collector: bool,
}

/// A vault whose database is open and locked against other processes, keys still sealed.
pub struct LockedVault {
    paths: VaultPaths,
    store: Store,
}

/// An unlocked vault.
pub struct Vault {
    paths: VaultPaths,
    store: Store,
    keyring: Keyring,
    identity: Option<crate::crypto::identity::Identity>,
    content: Recipients,
    custodians: Recipients,
    /// The audit log's newest event; its lock orders appends.
    audit: std::sync::Mutex<crate::vault::custody::Head>,
    /// Which slot of the keyring file holds this vault's keyring.
    slot: usize,
    /// Why the journal had to be rewritten from the database at unlock, if it had to.
    journal_rewritten: Option<Words>,
    /// Records the unlock added to the search index (a vault from before it).
    indexed_at_unlock: usize,
    /// Search index segments of format 7 or earlier the unlock wrote in the current form.
    refolded_at_unlock: std::sync::atomic::AtomicUsize,
    /// This unlock moved a vault of format 1 or 2 to format 3: what it held is unpadded
    /// until `rotate` re-seals it.
    moved_to_padding: bool,
}

/// The public keys of a vault, as `amanat keys` prints them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeysInfo {
    /// The vault's own `age1…` recipient (absent on a collector).
    pub recipient: Option<String>,
    /// The signing key as an `ssh-ed25519 …` line.
    pub signing_key: String,
    /// OpenSSH fingerprint of the signing key.
    pub fingerprint: String,
    /// A line for an OpenSSH `allowed_signers` file.
    pub allowed_signers: String,
    pub content_recipients: Vec<String>,
    pub identity_recipients: Vec<String>,
    pub collector: bool,
}

/// The public keys of a keyring.
pub(crate) fn keys_of(k: &Keyring) -> KeysInfo {
    let pk = &k.signing_public;
    let line = crate::crypto::sshkey::ed25519_line(pk);
    KeysInfo {
        recipient: k.own_recipient(),
        // The principal is named after the signing key, which the partner is given anyway,
        // not after the vault id, which the database holds in the clear: a partner's
        // allowed_signers line must not match a seized device.
        allowed_signers: format!(
            "amanat-{} {line}",
            hex::encode(&crate::crypto::seal::sha256(pk)[..4])
        ),
        signing_key: line,
        fingerprint: crate::crypto::sshkey::fingerprint(pk),
        content_recipients: k.content_recipients.clone(),
        identity_recipients: k.identity_recipients.clone(),
        collector: k.collector,
    }
}

impl LockedVault {
    /// Creates a vault and its keyring. The keyring is written last, so a vault directory
    /// without one is an interrupted `init`.
    pub fn init(paths: VaultPaths, pass: &Passphrase, opts: &InitOptions) -> Result<Vault> {
        if paths.keyring.exists() {
            return Err(Error::VaultExists(paths.keyring.clone()));
        }
        // Validate everything before touching the disk.
        let extra = Recipients::parse_all(&opts.recipients)
            .map(|r| r.texts())
            .or_else(|e| {
                if opts.recipients.is_empty() {
                    Ok(vec![])
                } else {
                    Err(e)
                }
            })?;
        let custodians = Recipients::parse_all(&opts.identity_recipients)
            .map(|r| r.texts())
            .or_else(|e| {
                if opts.identity_recipients.is_empty() {
                    Ok(vec![])
                } else {
                    Err(e)
                }
            })?;
        let keyring = Keyring::generate(opts.collector, extra, custodians)?;
        let (sealed, slot) = keyring::seal_file_slot(&keyring, pass, opts.work_factor)?;

        let store = Store::create(&paths.root, &keyring.vault_id)?;
        if let Some(dir) = paths.keyring.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
            }
        }
        let keyring_path = paths.keyring.clone();
        let vault = Vault::assemble(paths, store, keyring, slot)?;
        // The log's first event, before the keyring exists: a vault without a keyring is an
        // interrupted init, so no usable vault ever lacks it.
        vault.log_created(pass)?;
        crate::storage::durable::write_atomic(&keyring_path, &sealed)?;
        Ok(vault)
    }

    /// Opens the vault at `paths.root`, taking its lock and sweeping crash leftovers.
    pub fn open(paths: VaultPaths) -> Result<LockedVault> {
        if !paths.root.exists() {
            return Err(Error::NoVault(paths.root.clone()));
        }
        if Store::is_restoring(&paths.root) {
            // A restore that stopped: until it runs again and finishes, the directory holds
            // what the replica held, and a write here would be undone by that run.
            return Err(Error::RestoreUnfinished(paths.root.clone()));
        }
        // Private whatever the umask was when it was made (versions before session 7 left
        // it to the umask); what is inside cannot be reached through it by anyone else.
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(&paths.root, fs::Permissions::from_mode(0o700));
        }
        let store = Store::open(&paths.root)?;
        // Before anything asks whether the keyring is there: finish or destroy what a crash
        // left of a replacement (a `.new` beside a shredded keyring is destroyed).
        crate::storage::keyring_file::recover_keyring(&paths.keyring)?;
        Ok(LockedVault { paths, store })
    }

    /// Whether the keyring file is where it should be.
    pub fn keyring_present(&self) -> bool {
        self.paths.keyring.exists()
    }

    /// Unlocks with the passphrase.
    pub fn unlock(self, pass: &Passphrase) -> Result<Vault> {
        self.unlock_inner(pass, false)
    }

    /// Unlocks a vault whose key rotation was interrupted, to finish it with
    /// [`Vault::rotate`] (and only for that).
    pub fn unlock_for_rotation(self, pass: &Passphrase) -> Result<Vault> {
        self.unlock_inner(pass, true)
    }

    /// Unlocks with the passphrase; when the passphrase (or the keyring file) is what is
    /// wrong, gives the locked vault back with the error, so that `serve` keeps the vault's
    /// lock across attempts. An error after the keyring opened gives nothing back.
    pub fn try_unlock(
        self,
        pass: &Passphrase,
    ) -> std::result::Result<Vault, Box<(Error, Option<LockedVault>)>> {
        match self.open_keyring(pass) {
            Ok((bytes, opened)) => self
                .unlock_opened(pass, &bytes, opened, false)
                .map_err(|e| Box::new((e, None))),
            Err(e) => Err(Box::new((e, Some(self)))),
        }
    }

    fn open_keyring(&self, pass: &Passphrase) -> Result<(Vec<u8>, keyring::Opened)> {
        crate::storage::keyring_file::recover_keyring(&self.paths.keyring)?;
        let bytes = match fs::read(&self.paths.keyring) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::KeyringMissing(self.paths.keyring.clone()))
            }
            Err(e) => {
                return Err(Error::io(
                    words!("d-reading", path = &self.paths.keyring),
                    e,
                ))
            }
        };
        let opened = keyring::open_slots(&bytes, pass, &self.paths.keyring)?;
        Ok((bytes, opened))
    }

    fn unlock_inner(self, pass: &Passphrase, allow_rotating: bool) -> Result<Vault> {
        let (bytes, opened) = self.open_keyring(pass)?;
        self.unlock_opened(pass, &bytes, opened, allow_rotating)
    }

    fn unlock_opened(
        self,
        pass: &Passphrase,
        bytes: &[u8],
        opened: keyring::Opened,
        allow_rotating: bool,
    ) -> Result<Vault> {
        if !allow_rotating
            && rotate::rotating_path(&self.paths.keyring).exists()
            && !opened.keyring.duress
        {
            return Err(Error::RotationUnfinished);
        }
        if opened.keyring.vault_id != self.store.vault_id()? {
            return Err(Error::KeyringMismatch(self.paths.keyring.clone()));
        }
        let unpadded_before =
            Store::is_version_1(&self.paths.root) || Store::is_version_2(&self.paths.root);
        if Store::moves_at_unlock(&self.paths.root) {
            // Before anything is written (by this unlock or a duress one): what this
            // version writes, an older reader could not read or would take for damage
            // (FORMAT.md 3 says what each version added).
            crate::storage::faults::crash_point("before-version-10");
            Store::write_version(&self.paths.root)?;
        }
        if opened.keyring.duress {
            return self.duress_unlock(opened.keyring, bytes, opened.slot, pass);
        }
        let store = upgraded(self.store, &opened.keyring)?;
        let mut vault = Vault::assemble(self.paths, store, opened.keyring, opened.slot)?;
        vault.finish_upgrade()?;
        vault.moved_to_padding = unpadded_before;
        if vault.store.erase_pending()? == Some(crate::storage::store::ERASE_ALL) {
            // A removal whose journal rewrite a crash interrupted: the journal still holds
            // the removed record's values.
            vault.rewrite_journal()?;
        }
        if !allow_rotating {
            vault.store_in_pieces()?;
            vault.indexed_at_unlock = vault.complete_index()?;
            vault.index_codes()?;
        }
        Ok(vault)
    }

    /// The vault directory.
    pub fn root(&self) -> &Path {
        &self.paths.root
    }

    /// Where the vault and its keyring are.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }
}

/// The store, moved to locators if it was written before them (FORMAT.md 3,
/// "Migration from version 1"). [`Vault::finish_upgrade`] does the rest once the vault is assembled.
pub(crate) fn upgraded(store: Store, keyring: &Keyring) -> Result<Store> {
    if store.has_locators()? {
        return Ok(store);
    }
    store.migrate_to_locators(&crate::format::locator::Locator::new(
        &keyring.pseudonym_key,
    ))
}

impl Vault {
    /// Locks the vault again: its keys are dropped, and wiped as they go, while the
    /// database and the vault's lock stay held (`serve` between two unlocks).
    pub fn lock(self) -> LockedVault {
        LockedVault {
            paths: self.paths,
            store: self.store,
        }
    }

    /// The end of a migration from version 1: the journal is rewritten (it holds the old
    /// keys), then `VERSION` names the current format. Nothing for a later version.
    pub(crate) fn finish_upgrade(&self) -> Result<()> {
        if !Store::is_version_1(&self.paths.root) {
            return Ok(());
        }
        self.rewrite_journal()?;
        crate::storage::faults::crash_point("migrated-journal");
        Store::write_version(&self.paths.root)
    }

    fn assemble(paths: VaultPaths, store: Store, keyring: Keyring, slot: usize) -> Result<Vault> {
        let content = Recipients::parse_all(&keyring.content_recipients)?;
        let custodians = Recipients::parse_all(&keyring.identity_recipients)?;
        let identity = keyring
            .identity()
            .map(|i| crate::crypto::identity::Identity::from_age(&i));
        store.set_locator(crate::format::locator::Locator::new(&keyring.pseudonym_key));
        store.set_pending_locator(crate::format::locator::Locator::pending(
            &keyring.pseudonym_key,
        ));
        // Before the sweep: a group of frames committed in part clears its objects' marks.
        store.roll_forward(&keyring.catalog_key)?;
        store.sweep_pending()?;
        let head = crate::vault::custody::load_head(&store, &keyring.audit_key)?;
        let journal_rewritten = store.attach_journal(&keyring.catalog_key, &keyring.vault_id)?;
        Ok(Vault {
            paths,
            store,
            keyring,
            identity,
            content,
            custodians,
            audit: std::sync::Mutex::new(head),
            slot,
            journal_rewritten,
            indexed_at_unlock: 0,
            refolded_at_unlock: Default::default(),
            moved_to_padding: false,
        })
    }

    /// Ends this process's use of the vault, for a process about to exit: the keys are
    /// zeroized as on drop, the store is closed with [`Store::close_at_exit`].
    ///
    /// After a removal, closing also rewrites sled's files so that they keep no value of the
    /// removed record ([`Store::compact`]); see [`Vault::close`].
    pub fn close_at_exit(self) -> Result<()> {
        let Vault { store, paths, .. } = self;
        if store.erase_pending()?.is_some() {
            store.close()?;
            return Store::compact(&paths.root);
        }
        store.close_at_exit()
    }

    /// Closes the vault. After a removal (`rm`, `export --remove-after`) this rewrites the
    /// database so that sled's files keep no value of the removed records (FORMAT.md,
    /// "Erasure"); a vault dropped without closing has that done at its next open.
    pub fn close(self) -> Result<()> {
        let Vault { store, paths, .. } = self;
        let erase = store.erase_pending()?.is_some();
        store.close()?;
        if erase {
            Store::compact(&paths.root)?;
        }
        Ok(())
    }

    /// How many segments of the search index the unlock moved to the search of format 8
    /// (FORMAT.md 3): more than none only at the first unlock of a vault of format 7 or
    /// earlier.
    pub fn refolded_at_unlock(&self) -> usize {
        self.refolded_at_unlock
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many records the unlock added to the search index: more than none only at the
    /// first unlock of a vault written before the index existed.
    pub fn indexed_at_unlock(&self) -> usize {
        self.indexed_at_unlock
    }

    /// Whether this unlock moved the vault from a format before padding (once only).
    pub fn moved_to_padding(&self) -> bool {
        self.moved_to_padding
    }

    /// Why the journal was rewritten from the database at unlock, if it was.
    pub fn journal_rewritten(&self) -> Option<&Words> {
        self.journal_rewritten.as_ref()
    }

    /// Commits `ops` atomically, journaled under the catalog key.
    pub(crate) fn apply(&self, ops: &crate::storage::journal::Ops) -> Result<()> {
        self.store.apply(ops, &self.keyring.catalog_key)
    }

    /// Logs the vault's first event, `vault-created`, for a vault that opens with `pass`.
    fn log_created(&self, pass: &Passphrase) -> Result<()> {
        let mut log = self.log();
        log.append(
            crate::format::event::Happened::VaultCreated {
                vault: hex::encode(self.keyring.vault_id),
                collector: self.keyring.collector,
                weak_passphrase: is_weak(pass),
            },
            None,
            None,
        )?;
        log.commit()
    }

    /// Where the vault is.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// Whether this is a collector, which cannot read what it holds.
    pub fn is_collector(&self) -> bool {
        self.keyring.collector
    }

    /// The public keys of this vault.
    pub fn keys(&self) -> KeysInfo {
        keys_of(&self.keyring)
    }

    /// The identities this device can open records with.
    pub(crate) fn identities(&self) -> Result<Vec<&dyn age::Identity>> {
        match &self.identity {
            Some(i) => Ok(vec![i as &dyn age::Identity]),
            None => Err(Error::CannotOpen(words!("d-vault-collector-no-key"))),
        }
    }

    /// Resolves a full id or any unambiguous prefix of one.
    ///
    /// Keys are locators (FORMAT.md, "Locators"), so a prefix is matched by turning every
    /// key of the catalog back into its id (one AES block each); a whole id is looked up
    /// directly.
    pub fn resolve(&self, typed: &str) -> Result<RecordId> {
        let prefix = IdPrefix::parse(typed).ok_or_else(|| Error::NoSuchRecord(typed.to_owned()))?;
        let mut found = Vec::new();
        if let Some(id) = RecordId::from_hex(typed.trim()) {
            if self.store.records().contains_key(self.store.loc(&id))? {
                found.push(id);
            }
        } else {
            // The catalog's values are small, so walking it is cheaper than `records`; a
            // record whose catalog entry is lost is still found in `records`.
            for tree in [&self.store.catalog(), &self.store.records()] {
                for k in tree.iter().keys() {
                    let k = k?;
                    let Some(id) = self.store.unloc(&k) else {
                        continue;
                    };
                    if prefix.matches(&id.0) {
                        found.push(id);
                        // Count them all for the message, but not without end on a short
                        // prefix.
                        if found.len() > 99 {
                            break;
                        }
                    }
                }
                if !found.is_empty() {
                    break;
                }
            }
        }
        match found.len() {
            0 => Err(Error::NoSuchRecord(typed.to_owned())),
            1 => Ok(found[0]),
            n => Err(Error::AmbiguousId {
                prefix: typed.to_owned(),
                count: n,
            }),
        }
    }

    /// Whether this device holds an identity custodian's key (its own key is a custodian).
    pub fn is_custodian(&self) -> bool {
        let own = self.keyring.own_recipient();
        own.is_some()
            && self
                .keyring
                .identity_recipients
                .iter()
                .any(|r| Some(r) == own.as_ref())
    }

    /// `(events in the database, events written)` when the database holds fewer audit
    /// events than the head file beside it records: it lost its newest writes.
    pub fn lost_writes(&self) -> Option<(u64, u64)> {
        let db = *self
            .audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let f = crate::vault::custody::file_head(&self.store, &self.keyring.audit_key)?;
        (f.next > db.next).then_some((db.next, f.next))
    }

    /// Number of records held.
    pub fn count(&self) -> usize {
        // Counted in the catalog, whose values are small: counting the records' tree reads
        // every sealed body (at 100,000 records, 45% of the memory `check` touched).
        self.store.catalog().len()
    }
}

/// Whether `pass` is estimated weak, for the `weak_passphrase` detail of its event
/// (FORMAT.md 14.2): the command line accepts one only when told to, and the custody log
/// keeps that fact, without the passphrase or its estimate.
pub(crate) fn is_weak(pass: &Passphrase) -> bool {
    crate::vault::passphrase::estimate(pass).is_weak()
}
