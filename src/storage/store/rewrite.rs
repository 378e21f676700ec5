//! Rewriting the whole database (FORMAT.md 15.6 step 3): after a removal (erasure), for a
//! migration (locators, log segments), and the replacement `rebuild` and `duress` make;
//! finishing what a crash left of one, and sweeping `tmp/`. Needs no keys: it copies
//! ciphertext.
use std::fs::{self, File};
use std::io;
use std::path::Path;

use super::*;

/// Waits (up to five seconds) until no sled handle holds the database in `dir`: sled's
/// background threads may keep its file open, and locked, for a moment after the last
/// handle is dropped, and a database moved and reopened before then reports itself in use.
pub(super) fn wait_for_sled_release(dir: &Path) {
    use rustix::fs::{flock, FlockOperation};
    let file = dir.join("db");
    for _ in 0..200 {
        match File::open(&file) {
            Ok(f) if flock(&f, FlockOperation::NonBlockingLockExclusive).is_ok() => return,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(25)),
            Err(_) => return,
        }
    }
}

/// How [`Store::rewrite_db`] maps a value's key, given its tree's name, key and value;
/// `None` leaves the value out.
type KeyMap<'a> = dyn Fn(&[u8], &[u8], &[u8]) -> Option<Vec<u8>> + 'a;

/// Overwrites every file below `dir` with zeros, removes them, then the directories.
pub(super) fn destroy_tree(dir: &Path) -> Result<()> {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                destroy_tree(&e.path())?;
            } else {
                crate::storage::durable::destroy_file(&e.path())?;
            }
        }
    }
    match fs::remove_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(words!("d-removing", path = dir), e)),
    }
}

/// The segment size the database in `root` was made with, from sled's `db/conf` (lines
/// `name: value`, then the CRC-32 of those lines, little-endian); `None` if there is none,
/// or it is damaged (its checksum fails, or the size is not one sled makes: a power of two).
/// A damaged conf is not a vault of an earlier format: sled's open then reports it.
pub(super) fn segment_size_of(root: &Path) -> Option<usize> {
    let conf = fs::read(root.join("db").join("conf")).ok()?;
    let (text, crc) = conf.split_at_checked(conf.len().checked_sub(4)?)?;
    if crc32fast::hash(text).to_le_bytes() != crc {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("segment_size: "))
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|s| s.is_power_of_two())
}

impl Store {
    /// Rewrites the database so that its files hold only current values (FORMAT.md,
    /// "Erasure"): sled 0.34 keeps old values in its log until it happens to reuse the space,
    /// so a removed record's sealed body would open with the vault's key long after `rm`.
    /// Every tree is copied, in key order, into a new database in `tmp/decoy`, which replaces
    /// `db/` as `rebuild` does (a crash between the two renames is finished by the next
    /// open); the old files are then overwritten with zeros and removed. Needs no keys: it
    /// copies ciphertext. `ERASE_KEY` is dropped if it says only the database was left
    /// (`ERASE_DB`), kept if the journal still needs its rewrite.
    pub fn compact(root: &Path) -> Result<()> {
        Store::rewrite_db(root, None, &|tree, k, v| {
            let drop = tree == tree_name(TreeId::Meta).as_bytes()
                && k == ERASE_KEY
                && v.first() == Some(&ERASE_DB);
            (!drop).then(|| k.to_vec())
        })
    }

    /// Moves a database written before locators to them (FORMAT.md 3,
    /// "Migration from version 1"): rewrites it as [`Store::compact`] does, with every key of `records`,
    /// `catalog` and `custody` (a record id) replaced by its locator, every key of `search`
    /// (`id ‖ seq`) by `locator ‖ seq`, and `meta`/`format` set. Values are unchanged: they
    /// are sealed with the record's id, not the key. A crash leaves the old database (the
    /// new one was still in `tmp/`) or the new one (the renames are finished at the next
    /// open); the journal is rewritten after, and `VERSION` last.
    pub(crate) fn migrate_to_locators(
        self,
        locator: &crate::format::locator::Locator,
    ) -> Result<Store> {
        let root = self.root.clone();
        self.close()?;
        let keyed = [
            tree_name(TreeId::Records).as_bytes(),
            tree_name(TreeId::Catalog).as_bytes(),
            tree_name(TreeId::Custody).as_bytes(),
            tree_name(TreeId::Search).as_bytes(),
        ];
        // `format` is set in the new database itself: if a crash comes after it is moved
        // into place, the next unlock must not move its keys again.
        Store::rewrite_db(&root, Some((FORMAT_KEY, &[FORMAT])), &|tree, k, _| {
            if !keyed.contains(&tree) {
                return Some(k.to_vec());
            }
            let id = crate::format::id::RecordId::from_slice(k.get(..16)?)?;
            let mut new = locator.loc(&id).to_vec();
            new.extend_from_slice(&k[16..]);
            Some(new)
        })?;
        crate::storage::faults::crash_point("migrated-db");
        Store::open_once(&root)
    }

    /// Rewrites a database made with other log segments than [`SEGMENT_SIZE`] (every vault
    /// before format 4) as [`Store::compact`] does, then marks a format 3 vault as format 4
    /// (FORMAT.md 3). Needs no keys. The new files are all born
    /// now, the old ones (blob files included) are overwritten and removed. A crash before
    /// the new database is in place leaves the old one, which the next open rewrites again;
    /// a crash after it leaves `VERSION` to write.
    pub(super) fn move_to_large_segments(root: &Path) -> Result<()> {
        if segment_size_of(root).is_some_and(|s| s != SEGMENT_SIZE) {
            Store::rewrite_db(root, None, &|_, k, _| Some(k.to_vec()))?;
            crate::storage::faults::crash_point("resegmented-db");
        }
        if Store::version_is(root, VERSION_LINE_3) {
            Store::write_version(root)?;
        }
        Ok(())
    }

    /// Copies every tree into a new database in `tmp/decoy`, each key through `key` (`None`
    /// leaves the value out), with `meta` inserted into `meta`, and moves it into place as `rebuild` does; the old database's
    /// files are then overwritten with zeros and removed. Needs no keys.
    pub(super) fn rewrite_db(
        root: &Path,
        meta: Option<(&[u8], &[u8])>,
        key: &KeyMap<'_>,
    ) -> Result<()> {
        let lock = lock(root)?;
        let tmp = root.join("tmp");
        let stage = tmp.join(STAGE);
        if stage.exists() {
            fs::remove_dir_all(&stage)
                .map_err(|e| Error::io(words!("d-store-clearing-stage"), e))?;
        }
        fs::create_dir_all(&stage).map_err(|e| Error::io(words!("d-store-creating-stage"), e))?;
        clear_unfinished_snapshots(&root.join("db"))?;
        {
            let old =
                db_config_sized(root, segment_size_of(root).unwrap_or(SEGMENT_SIZE)).open()?;
            let new = db_config(&stage).open()?;
            // Flushed as it goes, so that sled's log buffers wait for the disk.
            let mut unflushed = 0;
            for name in old.tree_names() {
                let from = old.open_tree(&name)?;
                let to = new.open_tree(&name)?;
                let mut batch = sled::Batch::default();
                let mut n = 0;
                for kv in from.iter() {
                    let (k, v) = kv?;
                    let Some(k) = key(&name, &k, &v) else {
                        continue;
                    };
                    unflushed += k.len() + v.len();
                    batch.insert(k, v);
                    n += 1;
                    if n == 4096 || unflushed >= BULK_FLUSH_BYTES {
                        to.apply_batch(std::mem::take(&mut batch))?;
                        n = 0;
                        if unflushed >= BULK_FLUSH_BYTES {
                            new.flush()?;
                            unflushed = 0;
                        }
                    }
                }
                to.apply_batch(batch)?;
            }
            if let Some((k, v)) = meta {
                new.open_tree(tree_name(TreeId::Meta))?.insert(k, v)?;
            }
            while new.flush()? > 0 {}
        }
        wait_for_sled_release(&stage.join("db"));
        wait_for_sled_release(&root.join("db"));
        sync_tree(&stage.join("db"))?;
        let ctx = |e| Error::io(words!("d-store-placing-rewritten"), e);
        // Named `erase-…`: if a crash leaves it, the sweep overwrites it too.
        let wipe = tmp.join(format!(
            "erase-db-{}",
            hex::encode(crate::crypto::random_bytes::<6>())
        ));
        fs::rename(root.join("db"), &wipe).map_err(ctx)?;
        crate::storage::faults::crash_point("erase-db-moved-aside");
        fs::rename(stage.join("db"), root.join("db")).map_err(ctx)?;
        sync_dir(root)?;
        sync_dir(&tmp)?;
        destroy_tree(&wipe)?;
        drop(lock);
        Ok(())
    }

    /// Replaces the database and objects by an empty store with the same vault id (a
    /// duress unlock). The empty store is built in `tmp/decoy` and moved into place; the old
    /// directories go to `tmp/`, which every open empties. A crash between the moves is
    /// finished by the next open (`Store::finish_replacement`).
    pub fn replace_with_empty(root: &Path, vault_id: &[u8; 16]) -> Result<()> {
        let tmp = root.join("tmp");
        let stage = tmp.join(STAGE);
        if stage.exists() {
            fs::remove_dir_all(&stage)
                .map_err(|e| Error::io(words!("d-store-clearing-stage"), e))?;
        }
        drop(Store::create(&stage, vault_id)?);
        wait_for_sled_release(&stage.join("db"));
        let ctx = |e| Error::io(words!("d-store-replacing-vault"), e);
        let tag = hex::encode(crate::crypto::random_bytes::<6>());
        // The journal goes first: a journal without its database is rewritten at the next
        // unlock, a database without its journal is not rebuilt from it.
        if root.join(journal::FILE).exists() {
            fs::rename(
                root.join(journal::FILE),
                tmp.join(format!("wipe-journal-{tag}")),
            )
            .map_err(ctx)?;
        }
        // `spare/` too: its files' birth times would tell of the real vault's past writes.
        for d in ["db", "objects", SPARE_DIR] {
            if root.join(d).exists() {
                fs::rename(root.join(d), tmp.join(format!("wipe-{d}-{tag}"))).map_err(ctx)?;
            }
            crate::storage::faults::crash_point("store-moved-aside");
            fs::rename(stage.join(d), root.join(d)).map_err(ctx)?;
        }
        // What the vault remembered of its replicas names its remotes' entries: the decoy
        // has none.
        if root.join(REPLICAS_DIR).exists() {
            fs::rename(
                root.join(REPLICAS_DIR),
                tmp.join(format!("wipe-{REPLICAS_DIR}-{tag}")),
            )
            .map_err(ctx)?;
        }
        sync_dir(root)?;
        sync_dir(&tmp)
    }

    /// Completes [`Store::replace_with_empty`] if a crash left `db` or `objects` missing.
    pub(super) fn finish_replacement(root: &Path) -> Result<()> {
        let stage = root.join("tmp").join(STAGE);
        let mut moved = false;
        for d in ["db", "objects", SPARE_DIR] {
            if !root.join(d).exists() && stage.join(d).is_dir() {
                fs::rename(stage.join(d), root.join(d))
                    .map_err(|e| Error::io(words!("d-store-finishing-replacement"), e))?;
                moved = true;
            }
        }
        if moved {
            sync_dir(root)?;
        }
        Ok(())
    }

    /// Deletes what a crash may have left in `tmp/`; objects still marked pending wait for
    /// the unlock (`Store::sweep_pending`), whose keys their marks need. Returns how many
    /// files were removed.
    pub fn sweep_tmp(root: &Path) -> Result<usize> {
        let mut removed = 0;
        let tmp = root.join("tmp");
        if !tmp.exists() {
            // A copy that dropped empty directories: every rewrite (an erasure's, the
            // journal's) stages in `tmp/`, so it is made again before anything needs it.
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new()
                .mode(0o700)
                .create(&tmp)
                .map_err(|e| Error::io(words!("d-creating", path = &tmp), e))?;
            sync_dir(root)?;
        }
        if let Ok(entries) = fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                // A database `rebuild` left half-built may hold a removal's values: it
                // replays a journal that a crash kept from its rewrite.
                let erase = name.starts_with("erase-") || name == STAGE;
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                let removing = |err| Error::io(words!("d-removing", path = &e.path()), err);
                // What an erasure moved aside (an old database or journal, which still opens
                // with the vault's keys), and a staged database, are overwritten, not just
                // unlinked; the rest of `tmp/` is ciphertext whose keys are gone or never
                // held anything removed.
                let gone = match (erase, is_dir) {
                    (true, true) => destroy_tree(&e.path()),
                    (true, false) => crate::storage::durable::destroy_file(&e.path()),
                    (false, true) => fs::remove_dir_all(e.path()).map_err(removing),
                    (false, false) => fs::remove_file(e.path()).map_err(removing),
                };
                if gone.is_ok() {
                    removed += 1;
                }
            }
        }
        if removed > 0 {
            sync_dir(&tmp)?;
        }
        Ok(removed)
    }
}
