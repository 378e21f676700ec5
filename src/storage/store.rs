//! Where bytes live: the sled database and the sealed object files beside it
//! (FORMAT.md, "Layout" and "Write ordering").
//!
//! The store knows nothing of keys: it holds ciphertext only. It owns durability (sled's
//! flush does not fsync, so [`Store::sync`] fsyncs sled's files itself) and the sweep of
//! what a crash left behind. The object files themselves are in `store/objects.rs`, and
//! rewriting the whole database (erasure, migrations, replacements) in `store/rewrite.rs`.
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use sled::Transactional;

use crate::crypto::symmetric::SymmetricKey;
use crate::error::{Error, Result, Words};
use crate::format::id::ObjectId;
use crate::storage::durable::{sync_dir, sync_tree};
use crate::storage::journal::{self, Inspection, Journal, Ops, TreeId};
use crate::words;

mod group;
mod journaled;
mod keys;
mod objects;
mod restoring;
mod rewrite;
mod tree;
mod version;
pub(crate) use group::Grouped;
use objects::prepare_objects;
pub use objects::{ObjectWriter, SPARE_DIR};
use rewrite::wait_for_sled_release;
pub(crate) use tree::Rewrite;
pub use tree::{Bytes, Iter, Tree};

/// The file that marks a vault directory a restore is filling (FORMAT.md 16.5).
pub const RESTORING_FILE: &str = "restoring";
/// The directory of what a device remembers of its replicas (FORMAT.md 16.3).
pub const REPLICAS_DIR: &str = "replicas";

/// The first line of `<vault>/VERSION`.
pub const VERSION_LINE: &str = "amanat-vault 10";
/// Before groups of journal frames: marked current at its first unlock (FORMAT.md 3).
pub const VERSION_LINE_9: &str = "amanat-vault 9";
/// Before the testimony model: marked current at its first unlock (FORMAT.md 3).
pub const VERSION_LINE_8: &str = "amanat-vault 8";
/// The first line of a vault written before search folded scripts (FORMAT.md 3): marked as
/// the current format at its first unlock, before anything is written; the unlock then folds
/// its search index again.
pub const VERSION_LINE_7: &str = "amanat-vault 7";
/// Before replicas: marked current at its first unlock (FORMAT.md 3).
pub const VERSION_LINE_6: &str = "amanat-vault 6";
/// Before recognised text: marked current at its first unlock (FORMAT.md 3).
pub const VERSION_LINE_5: &str = "amanat-vault 5";
/// Before time-stamp tokens: marked current at its first unlock (FORMAT.md 3).
pub const VERSION_LINE_4: &str = "amanat-vault 4";
/// The first line of a vault written with sled's default log segments (FORMAT.md,
/// "Database"): its database is rewritten with the current segments when it is opened.
pub const VERSION_LINE_3: &str = "amanat-vault 3";
/// The first line of a vault written before padding (FORMAT.md, "Padding"): opened, and
/// marked as the current format at its first unlock (before anything padded is written).
pub const VERSION_LINE_2: &str = "amanat-vault 2";
/// The first line of a vault written before locators (FORMAT.md, "Version check"): opened,
/// and moved to the current format at its first unlock.
pub const VERSION_LINE_1: &str = "amanat-vault 1";
/// `meta` key set to `%x02` once the database is keyed by locators (FORMAT.md, "Locators").
pub(crate) const FORMAT_KEY: &[u8] = b"format";
/// The database format [`FORMAT_KEY`] names.
pub(crate) const FORMAT: u8 = 2;
/// `meta` key set to `%x01` once every value that can grow is stored in pieces (FORMAT.md,
/// "Pieces"): set by `init`, and by the first unlock of a vault of an earlier format.
pub(crate) const PIECES_KEY: &[u8] = b"pieces";
/// Beside the database: a sealed copy of the audit log's head, so that a database that
/// silently lost its newest writes (sled drops a damaged log tail when it opens) is noticed.
pub const HEAD_FILE: &str = "head";
/// Held locked (flock) by the process that has the vault open.
pub const LOCK_FILE: &str = "lock";
/// Where a replacement database is built before it is moved into place.
const STAGE: &str = "decoy";
/// `meta` key a removal sets (FORMAT.md, "Database", "Erasure"): sled's files, and with
/// [`ERASE_ALL`] the journal, still hold sealed values of a removed record.
pub(crate) const ERASE_KEY: &[u8] = b"erase";
/// `meta` key every transaction of a group of journal frames but the last sets to the
/// journal state of the group's first frame (FORMAT.md 15.2): the database is inside a group,
/// which the next open must finish from that frame, and never rewrite the journal from.
pub(crate) const GROUP_KEY: &[u8] = b"group";
/// The journal and sled's files hold removed values: rewrite the journal, then the database.
pub(crate) const ERASE_ALL: u8 = 1;
/// Only sled's files hold removed values: rewrite the database ([`Store::compact`]).
pub(crate) const ERASE_DB: u8 = 2;
/// sled's page cache; the 1 GiB default would show in RSS (docs/DESIGN.md, "Known traps").
const CACHE_CAPACITY: u64 = 32 * 1024 * 1024;
/// sled's log segment size. sled 0.34 writes any log entry (a value, or a whole tree node)
/// larger than a quarter of a segment to a file of its own under `db/blobs/`, born at the
/// second of the write and never changed after: with the default 512 KiB segments, a leaf of
/// long record bodies or a large search index segment did that, and the file's birth time
/// said when a record was added (FORMAT.md, "Database"). With 8 MiB segments the threshold
/// is 2 MiB, and no node comes near it: a leaf holds at most about 20 values (sled splits one
/// of more than 16, and a merge adds at most 3) of at most [`MAX_VALUE`]. Larger segments
/// would cost more at every open: sled reads the last segment and pads it to its end.
pub(crate) const SEGMENT_SIZE: usize = 8 * 1024 * 1024;
/// How much a bulk write (`rebuild`, a rewrite of the database) hands sled between flushes.
/// sled writes its log in segment-sized buffers on threads of its own and never makes a
/// writer wait for them: a writer faster than the disk piles buffers up in memory (800 MiB
/// in a `rebuild` of 100,000 records). A flush waits until they are written.
pub(crate) const BULK_FLUSH_BYTES: usize = 4 * SEGMENT_SIZE;
/// The largest value the store writes: `Store::apply` refuses a larger one, so that no
/// leaf of 20 (1.9 MiB) reaches sled's blob threshold of 2 MiB.
pub const MAX_VALUE: usize = 96 * 1024;

/// The vault directory's contents, opened and locked.
pub struct Store {
    root: PathBuf,
    db: sled::Db,
    /// Record id → sealed record body.
    records: sled::Tree,
    /// Record id → sealed catalog entry.
    catalog: sled::Tree,
    /// Record id ‖ u16 → sealed chunk of search text (vaults from before the index; moved
    /// into `index` at unlock).
    search: sled::Tree,
    /// Segment id → sealed segment of the search index; `open` → the segment being filled.
    index: sled::Tree,
    /// Object id → empty: objects that may exist on disk without a committed record.
    pending: sled::Tree,
    /// Plaintext vault facts: `vault-id`.
    meta: sled::Tree,
    /// Random id → sealed contact.
    contacts: sled::Tree,
    /// u64 sequence number → sealed audit event.
    audit: sled::Tree,
    /// Record id → sealed custody state of the record.
    custody: sled::Tree,
    /// Keyed hash of an imported bundle's id → what a re-import of it must know (sealed).
    imported: sled::Tree,
    /// A sealed copy of the audit log's head, written to `<vault>/head` at the next sync.
    head_copy: std::sync::Mutex<Option<Vec<u8>>>,
    /// The keyed permutation of record ids into keys (FORMAT.md, "Locators"), set at unlock.
    locator: std::sync::OnceLock<crate::format::locator::Locator>,
    /// The keyed permutation of object ids into `pending` keys, set at unlock.
    pending_locator: std::sync::OnceLock<crate::format::locator::Locator>,
    /// The journal, once the vault is unlocked (FORMAT.md, "Journal").
    journal: std::sync::Mutex<JournalSlot>,
    /// Objects were written or removed: their times are blurred at close
    /// ([`Store::blur_object_times`]).
    objects_touched: std::sync::atomic::AtomicBool,
    /// A group of frames failed after its first transaction: the database holds part of
    /// it, which the next open finishes. Until then no object file is removed (the records
    /// the rest of the group adds need theirs) and nothing more is written.
    fenced: std::sync::atomic::AtomicBool,
    /// A commit holds the journal while other work goes on (an import reading its bundle,
    /// [`Grouped`]): no transaction commits until its group's frames are fsynced.
    holding: std::sync::atomic::AtomicBool,
    /// Names of the spare files not yet taken, listed at the first object write.
    spares: std::sync::Mutex<Option<Vec<std::ffi::OsString>>>,
    _lock: File,
}

/// A store dropped without `Store::close` or [`Store::close_at_exit`] (a command that
/// failed after writing objects, a panic) still sets the objects' times: otherwise each
/// would keep the second its record was added (FORMAT.md, "Object times").
impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.blur_if_touched();
    }
}

enum JournalSlot {
    Open(Journal),
    /// To be rewritten from the database at unlock; the reason, unless it is simply new.
    Rewrite(Option<Words>),
}

/// What [`Store::rebuild`] did.
#[derive(Debug, Default, serde::Serialize)]
pub struct RebuildReport {
    /// Journal frames replayed, frame 0 included.
    pub frames: u64,
    /// Records in the rebuilt database.
    pub records: usize,
    /// Damage found in the journal: writes that could not be replayed.
    pub damage: Vec<Words>,
}

/// Takes the vault's process lock, or says who holds it.
pub fn lock(root: &Path) -> Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(root.join(LOCK_FILE))
        .map_err(|e| Error::io(words!("d-opening", path = &root.join(LOCK_FILE)), e))?;
    use rustix::fs::{flock, FlockOperation};
    match flock(&f, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(f),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(Error::InUse),
        Err(e) => Err(Error::io(words!("d-store-locking-vault"), e.into())),
    }
}

/// How many trees there are (the highest `TreeId`).
const TREES: usize = TreeId::Imported as usize;

fn tree_index(t: TreeId) -> usize {
    t as usize - 1
}

/// sled's name of each tree.
fn tree_name(t: TreeId) -> &'static str {
    match t {
        TreeId::Records => "records",
        TreeId::Catalog => "catalog",
        TreeId::Search => "search",
        TreeId::Meta => "meta",
        TreeId::Contacts => "contacts",
        TreeId::Audit => "audit",
        TreeId::Custody => "custody",
        TreeId::Pending => "pending",
        TreeId::Index => "index",
        TreeId::Imported => "imported",
    }
}

fn db_config(root: &Path) -> sled::Config {
    db_config_sized(root, SEGMENT_SIZE)
}

/// The vault's sled database opened as the store opens it, without the lock or any check:
/// for tests that damage values in place, as bit rot or an attacker would.
#[cfg(feature = "test-hooks")]
pub fn open_raw_db(root: &Path) -> sled::Result<sled::Db> {
    db_config(root).open()
}

/// sled 0.34 writes each snapshot (which it does whenever it opens a database) to
/// `snap.<lsn>.generating` and renames it once synced, but reads a `.generating` file as a
/// finished snapshot: one left by a process killed or a power loss in that moment would
/// make every later open fail as damage. Such files are removed before sled opens; the log
/// they would summarise is all there, and sled makes a new snapshot.
pub(crate) fn clear_unfinished_snapshots(db: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(db) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(e.path())
                .map_err(|err| Error::io(words!("d-removing", path = &e.path()), err))?;
        }
    }
    Ok(())
}

/// sled refuses to open a database with a segment size other than the one it was made with.
fn db_config_sized(root: &Path, segment_size: usize) -> sled::Config {
    sled::Config::new()
        .path(root.join("db"))
        .cache_capacity(CACHE_CAPACITY)
        .segment_size(segment_size)
        .mode(sled::Mode::LowSpace)
}

/// The error for the first value over [`MAX_VALUE`] in a tree `bounded` says is bounded.
fn refuse_oversized(ops: &Ops, bounded: impl Fn(TreeId) -> bool) -> Result<()> {
    let big = ops
        .0
        .iter()
        .find(|o| bounded(o.tree) && o.value.as_ref().is_some_and(|v| v.len() > MAX_VALUE));
    match big {
        Some(op) => Err(Error::TooLarge {
            tree: tree_name(op.tree),
            len: op.value.as_ref().map_or(0, |v| v.len()),
            max: MAX_VALUE / 1024,
        }),
        None => Ok(()),
    }
}

impl Store {
    /// Creates a new store in `root`, which must not exist or be empty.
    pub fn create(root: &Path, vault_id: &[u8; 16]) -> Result<Store> {
        match fs::read_dir(root) {
            Ok(mut it) => {
                if it.next().is_some() {
                    return Err(Error::VaultExists(root.to_owned()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(root)
                    .map_err(|e| Error::io(words!("d-creating", path = root), e))?;
            }
            Err(e) => return Err(Error::io(words!("d-reading", path = root), e)),
        }
        for d in ["objects", "tmp"] {
            fs::create_dir(root.join(d))
                .map_err(|e| Error::io(words!("d-store-creating-vault"), e))?;
        }
        prepare_objects(root)?;
        crate::storage::durable::write_atomic(
            &root.join("VERSION"),
            format!("{VERSION_LINE}\n").as_bytes(),
        )?;
        let store = Store::open_db(root, lock(root)?)?;
        store.meta.insert("vault-id", &vault_id[..])?;
        store.meta.insert(FORMAT_KEY, &[FORMAT][..])?;
        // Nothing in it was written in one piece by an earlier version.
        store.meta.insert(PIECES_KEY, &[1u8][..])?;
        // A new vault's search index is complete: it has no records.
        store.meta.insert(
            crate::format::index::META_KEY,
            &[crate::format::index::FOLDED][..],
        )?;
        store
            .meta
            .insert(crate::format::index::CODES_KEY, &[1u8][..])?;
        store.sync()?;
        if let Some(parent) = root.parent() {
            if !parent.as_os_str().is_empty() {
                sync_dir(parent)?;
            }
        }
        Ok(store)
    }

    /// Opens an existing store: version check first, then the lock, then the sweep.
    pub fn open(root: &Path) -> Result<Store> {
        let store = Store::open_once(root)?;
        if store.erase_pending()?.is_some() {
            // A removal whose database rewrite did not happen (a crash, or a process that
            // did not close the vault): do it now, before anything else reads the vault.
            store.close()?;
            Store::compact(root)?;
            return Store::open_once(root);
        }
        Ok(store)
    }

    fn open_once(root: &Path) -> Result<Store> {
        Store::check_version(root)?;
        Store::finish_replacement(root)?;
        if !root.join("db").is_dir() {
            return Err(Error::DatabaseDamaged(words!("d-store-db-missing")));
        }
        Store::move_to_large_segments(root).map_err(|e| match e {
            Error::InUse => Error::InUse,
            e @ (Error::DatabaseDamaged(_) | Error::DiskFull) => e,
            other => Error::DatabaseDamaged(words!(
                "d-store-db-not-moved",
                path = &root.join("db"),
                why = other
            )),
        })?;
        let lock = lock(root)?;
        // Before sled opens: what a failed command left in `tmp/` (an object whose commit
        // failed on a full disk) would otherwise leave no room for sled, which writes out
        // its last log segment whenever it opens.
        Store::sweep_tmp(root)?;
        let store = Store::open_db(root, lock).map_err(|e| match e {
            Error::InUse => Error::InUse,
            e @ Error::DatabaseDamaged(_) => e,
            other => Error::DatabaseDamaged(words!(
                "d-store-db-does-not-open",
                path = &root.join("db"),
                why = other
            )),
        })?;
        store.inspect_journal()?;
        Ok(store)
    }

    /// Asks for the database to be rewritten when the vault closes ([`Store::compact`]), as
    /// after a removal: for `rotate`, whose old values (sealed with keys it destroyed and,
    /// before format 3, unpadded) would otherwise stay in sled's log with their sizes.
    pub(crate) fn compact_at_close(&self) -> Result<()> {
        if self.erase_pending()?.is_none() {
            self.meta.insert(ERASE_KEY, &[ERASE_DB][..])?;
            self.db.flush()?;
        }
        Ok(())
    }

    /// What a removal left to erase, if anything ([`ERASE_KEY`]).
    pub(crate) fn erase_pending(&self) -> Result<Option<u8>> {
        Ok(self.meta.get(ERASE_KEY)?.and_then(|v| v.first().copied()))
    }

    /// Closes the store and waits until sled has let go of its files, so that the database
    /// can be reopened or rewritten by this process.
    pub(crate) fn close(self) -> Result<()> {
        self.blur_if_touched()?;
        while self.db.flush()? > 0 {}
        let db_dir = self.root.join("db");
        drop(self);
        wait_for_sled_release(&db_dir);
        Ok(())
    }

    /// Whether the database is keyed by locators ([`FORMAT_KEY`]).
    pub(crate) fn has_locators(&self) -> Result<bool> {
        Ok(self
            .meta
            .get(FORMAT_KEY)?
            .is_some_and(|v| v.first() == Some(&FORMAT)))
    }

    /// Compares the journal with the database's record of it: cuts off a frame whose
    /// transaction never finished, refuses a database that lost confirmed writes.
    fn inspect_journal(&self) -> Result<()> {
        let state = self
            .meta
            .get(journal::META_KEY)?
            .and_then(|v| journal::State::decode(&v));
        let group = self
            .meta
            .get(GROUP_KEY)?
            .map(|v| journal::State::decode(&v));
        if group == Some(None) {
            return Err(Error::DatabaseDamaged(words!(
                "d-store-group-unfinished",
                database = state.map_or(0, |s| s.seq)
            )));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.root.join(journal::FILE))
            .ok();
        let slot = match journal::inspect(file.as_ref(), state, group.flatten()) {
            Inspection::Matches { state, end, roll } => {
                let mut j = Journal::new(file.expect("inspected"), state, end);
                if roll.is_empty() {
                    j.truncate_tail()
                        .map_err(|e| Error::io(words!("d-store-repairing-journal"), e))?;
                }
                // Else cut after the roll forward, once every frame of the group has opened
                // under the magic it shows: until then nothing in the file is given up.
                j.set_roll(roll);
                JournalSlot::Open(j)
            }
            Inspection::Rewrite(reason) => JournalSlot::Rewrite(state.map(|_| reason)),
            Inspection::GroupUnfinished { database } => {
                return Err(Error::DatabaseDamaged(words!(
                    "d-store-group-unfinished",
                    database = database
                )))
            }
            Inspection::DatabaseBehind { database, journal } => {
                return Err(Error::DatabaseDamaged(words!(
                    "d-store-db-behind",
                    database = database,
                    journal = journal
                )))
            }
        };
        *self.journal_slot() = slot;
        Ok(())
    }

    fn journal_slot(&self) -> std::sync::MutexGuard<'_, JournalSlot> {
        self.journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn open_db(root: &Path, lock: File) -> Result<Store> {
        clear_unfinished_snapshots(&root.join("db"))?;
        let db = db_config(root).open()?;
        Ok(Store {
            root: root.to_owned(),
            records: db.open_tree(tree_name(TreeId::Records))?,
            catalog: db.open_tree(tree_name(TreeId::Catalog))?,
            search: db.open_tree(tree_name(TreeId::Search))?,
            pending: db.open_tree(tree_name(TreeId::Pending))?,
            index: db.open_tree(tree_name(TreeId::Index))?,
            meta: db.open_tree(tree_name(TreeId::Meta))?,
            contacts: db.open_tree(tree_name(TreeId::Contacts))?,
            audit: db.open_tree(tree_name(TreeId::Audit))?,
            custody: db.open_tree(tree_name(TreeId::Custody))?,
            imported: db.open_tree(tree_name(TreeId::Imported))?,
            head_copy: std::sync::Mutex::new(None),
            locator: std::sync::OnceLock::new(),
            pending_locator: std::sync::OnceLock::new(),
            journal: std::sync::Mutex::new(JournalSlot::Rewrite(None)),
            objects_touched: std::sync::atomic::AtomicBool::new(false),
            fenced: std::sync::atomic::AtomicBool::new(false),
            holding: std::sync::atomic::AtomicBool::new(false),
            spares: std::sync::Mutex::new(None),
            _lock: lock,
            db,
        })
    }

    /// The vault directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The vault id stored at creation.
    pub fn vault_id(&self) -> Result<[u8; 16]> {
        let v = self
            .meta
            .get("vault-id")?
            .ok_or_else(|| Error::VaultDamaged(words!("d-store-vault-id-missing")))?;
        v.as_ref()
            .try_into()
            .map_err(|_| Error::VaultDamaged(words!("d-store-vault-id-malformed")))
    }

    /// Ends this process's use of the store, for a process about to exit: flushes what sled
    /// still buffers, as dropping it would, then leaves sled's cache (ciphertext only) and
    /// the lock to the operating system rather than freeing the cache node by node, which
    /// took about 30 ms after reading 100,000 records. The store can no longer be opened
    /// in this process: the lock and sled's own file lock stay held until it exits.
    pub fn close_at_exit(self) -> Result<()> {
        self.blur_if_touched()?;
        while self.db.flush()? > 0 {}
        std::mem::forget(self);
        Ok(())
    }

    /// Flushes sled and fsyncs its files and every directory in it.
    pub fn sync(&self) -> Result<()> {
        // Only frames committed before the flush are durable in sled after it.
        let committed = match &mut *self.journal_slot() {
            JournalSlot::Open(j) => {
                j.sync_frames()
                    .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
                Some(j.seq())
            }
            JournalSlot::Rewrite(_) => None,
        };
        self.db.flush()?;
        sync_tree(&self.root.join("db"))?;
        crate::storage::faults::crash_point("database-synced");
        if let (Some(seq), JournalSlot::Open(j)) = (committed, &mut *self.journal_slot()) {
            j.confirm(seq)
                .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
        }
        // Only after the database is durable: the copy may lag it, never lead it.
        let pending = self
            .head_copy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(bytes) = pending {
            crate::storage::durable::write_atomic(&self.root.join(HEAD_FILE), &bytes)?;
        }
        Ok(())
    }

    /// Remembers the sealed head of the audit log to write beside the database at the next
    /// [`Store::sync`] (FORMAT.md 14.3).
    pub(crate) fn note_head(&self, sealed: Vec<u8>) {
        *self
            .head_copy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(sealed);
    }

    /// Commits `ops` in one sled transaction, after appending them to the journal as one
    /// frame sealed with `key` (the catalog key). Not yet durable: see [`Store::sync`].
    /// Refuses any value over [`MAX_VALUE`] before anything is written.
    pub(crate) fn apply(&self, ops: &Ops, key: &SymmetricKey) -> Result<()> {
        refuse_oversized(ops, |_| true)?;
        self.commit(ops, key)
    }

    /// [`Store::apply`] for a key rotation's re-sealing: a record body or catalog entry that
    /// an earlier format wrote larger than [`MAX_VALUE`] (a record of hundreds of parts) is
    /// re-sealed at its size. Refusing it would stop a rotation half way, with the vault
    /// locked until it finishes; its leaf may then go to a blob file born at the rotation,
    /// whose database rewrite dates the database to that moment anyway (THREAT-MODEL.md).
    pub(crate) fn apply_resealed(&self, ops: &Ops, key: &SymmetricKey) -> Result<()> {
        refuse_oversized(ops, |t| !matches!(t, TreeId::Records | TreeId::Catalog))?;
        self.commit(ops, key)
    }

    fn tree(&self, t: TreeId) -> &sled::Tree {
        match t {
            TreeId::Records => &self.records,
            TreeId::Catalog => &self.catalog,
            TreeId::Search => &self.search,
            TreeId::Meta => &self.meta,
            TreeId::Contacts => &self.contacts,
            TreeId::Audit => &self.audit,
            TreeId::Custody => &self.custody,
            TreeId::Pending => &self.pending,
            TreeId::Index => &self.index,
            TreeId::Imported => &self.imported,
        }
    }

    /// The head file's bytes, if any.
    pub(crate) fn head_file(&self) -> Option<Vec<u8>> {
        fs::read(self.root.join(HEAD_FILE)).ok()
    }
}
