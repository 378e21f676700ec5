//! The journal as the database sees it: attaching it at unlock, writing it anew from the
//! database, verifying it, and recreating the database from it (`rebuild`).
use std::fs;
use std::path::Path;

use super::*;

impl Store {
    /// After unlock: checks that the journal is sealed with `key` for this vault, and
    /// rewrites it from the database if it is not, or if opening found it missing or
    /// damaged. Returns why it was rewritten, unless it was simply created.
    pub fn attach_journal(
        &self,
        key: &SymmetricKey,
        vault_id: &[u8; 16],
    ) -> Result<Option<crate::error::Words>> {
        let reason = match &*self.journal_slot() {
            JournalSlot::Open(j) => {
                if journal::vault_of(j.file(), key) == Some(*vault_id) {
                    return Ok(None);
                }
                Some(crate::words!("d-journal-other-keys"))
            }
            JournalSlot::Rewrite(reason) => reason.clone(),
        };
        self.rewrite_journal(key, vault_id)?;
        Ok(reason)
    }

    /// Writes a new journal holding the database as it is (FORMAT.md, "Journal",
    /// "Rewriting"): after a key rotation, to drop what removed records left in it, or to
    /// repair it. Returns the new journal's size in bytes.
    pub fn rewrite_journal(&self, key: &SymmetricKey, vault_id: &[u8; 16]) -> Result<u64> {
        let mut slot = self.journal_slot();
        if matches!(&*slot, JournalSlot::Open(j) if j.rolling())
            || self.fenced.load(std::sync::atomic::Ordering::Relaxed)
        {
            // A journal written from a database inside a group would keep part of it.
            let database = match &*slot {
                JournalSlot::Open(j) => j.seq(),
                JournalSlot::Rewrite(_) => 0,
            };
            return Err(Error::VaultDamaged(words!(
                "d-store-group-unfinished",
                database = database
            )));
        }
        let tmp = self.root.join("tmp").join(format!(
            "journal-{}",
            hex::encode(crate::crypto::random_bytes::<6>())
        ));
        let ctx = |e| Error::io(words!("d-writing-journal"), e);
        let written = (|| {
            let f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(ctx)?;
            let mut w = io::BufWriter::with_capacity(1 << 20, f);
            let items = TreeId::JOURNALED.into_iter().flat_map(|t| {
                self.tree(t).iter().filter_map(move |kv| match kv {
                    Ok((k, _))
                        if t == TreeId::Meta
                            && [journal::META_KEY, ERASE_KEY, GROUP_KEY].contains(&k.as_ref()) =>
                    {
                        None
                    }
                    Ok((k, v)) => Some(Ok((t, k.to_vec(), v.to_vec()))),
                    Err(e) => Some(Err(io::Error::other(e.to_string()))),
                })
            });
            let state = journal::write_snapshot(&mut w, key, vault_id, items).map_err(ctx)?;
            let f = w.into_inner().map_err(|e| ctx(e.into_error()))?;
            f.sync_all().map_err(ctx)?;
            Ok(state)
        })();
        let state = match written {
            Ok(s) => s,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let path = self.root.join(journal::FILE);
        // The old journal is moved aside and overwritten, not left to the file system: it may
        // hold a removed record's values (a crash before it is destroyed leaves it in `tmp/`,
        // which the next open empties).
        let old = self.root.join("tmp").join(format!(
            "erase-journal-{}",
            hex::encode(crate::crypto::random_bytes::<6>())
        ));
        let had_old = match fs::rename(&path, &old) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(ctx(e)),
        };
        fs::rename(&tmp, &path).map_err(ctx)?;
        sync_dir(&self.root)?;
        crate::storage::faults::crash_point("journal-rewritten");
        if had_old {
            crate::storage::durable::destroy_file(&old)?;
        }
        self.meta.insert(journal::META_KEY, &state.encode()[..])?;
        if self.erase_pending()? == Some(ERASE_ALL) {
            self.meta.insert(ERASE_KEY, &[ERASE_DB][..])?;
        }
        self.db.flush()?;
        sync_tree(&self.root.join("db"))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(ctx)?;
        let end = file.metadata().map_err(ctx)?.len();
        *slot = JournalSlot::Open(Journal::new(file, state, end));
        Ok(end)
    }

    /// Reads the whole journal: every frame must authenticate and the last must be the one
    /// the database recorded. Returns what is wrong, for `check`.
    pub fn verify_journal(&self, key: &SymmetricKey) -> Result<Vec<Words>> {
        let slot = self.journal_slot();
        let JournalSlot::Open(j) = &*slot else {
            return Ok(vec![words!("d-journal-not-open")]);
        };
        let mut f = File::open(self.root.join(journal::FILE))
            .map_err(|e| Error::io(words!("d-reading-journal"), e))?;
        let reading = journal::read_all(&mut f, key, &mut |_| Ok(()))
            .map_err(|e| Error::io(words!("d-reading-journal"), e))?;
        let mut problems = reading.damage;
        if reading.last != j.seq() {
            problems.push(words!(
                "d-journal-ends-elsewhere",
                journal = reading.last,
                database = j.seq()
            ));
        }
        Ok(problems)
    }

    /// Recreates the database of the vault at `root` from its journal without reading
    /// sled's files: replays every intact frame into a new database, then moves it into
    /// place (the old one goes to `tmp/`). `vault_id` comes from the unlocked keyring.
    pub fn rebuild(root: &Path, key: &SymmetricKey, vault_id: &[u8; 16]) -> Result<RebuildReport> {
        Store::check_version(root)?;
        let _lock = lock(root)?;
        let file = File::open(root.join(journal::FILE)).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                Error::VaultDamaged(words!("d-store-no-journal"))
            } else {
                Error::io(words!("d-reading-journal"), e)
            }
        })?;
        if journal::vault_of(&file, key) != Some(*vault_id) {
            return Err(Error::VaultDamaged(words!("d-store-journal-other-vault")));
        }
        let tmp = root.join("tmp");
        let stage = tmp.join(STAGE);
        if stage.exists() {
            fs::remove_dir_all(&stage)
                .map_err(|e| Error::io(words!("d-store-clearing-stage"), e))?;
        }
        fs::create_dir_all(&stage).map_err(|e| Error::io(words!("d-store-creating-stage"), e))?;
        let db = db_config(&stage).open()?;
        // A group of frames is one commit: one not whole in the journal is left out, not
        // replayed in part (FORMAT.md 15.5).
        let skip = groups_to_leave_out(&file, key)?;
        io::Seek::seek(&mut (&file), io::SeekFrom::Start(0))
            .map_err(|e| Error::io(words!("d-reading-journal"), e))?;
        let (reading, applied) = replay(&file, key, &skip, &db)?;
        let meta = db.open_tree("meta")?;
        meta.insert("vault-id", &vault_id[..])?;
        // A journal read whole is kept: the database now holds exactly what it says, so the
        // next open finds them matching, and writes go on after its last frame. Writing it
        // again cost as much as the replay, and pushed the whole journal to every replica
        // again. A damaged one is rewritten from the database when the vault next opens.
        if reading.damage.is_empty() && reading.frames > 0 {
            // The last frame replayed: a group left out at the end is cut off at the open.
            let (seq, at) = match applied {
                _ if skip.is_empty() => (reading.last, reading.last_at),
                Some(f) => (f.seq, f.at),
                None => (0, journal::HEADER_LEN),
            };
            let state = journal::State {
                jid: reading.jid,
                seq,
                at,
            };
            meta.insert(journal::META_KEY, &state.encode()[..])?;
        }
        let records = db.open_tree("records")?.len();
        db.flush()?;
        drop(meta);
        drop(db);
        wait_for_sled_release(&stage.join("db"));
        sync_tree(&stage.join("db"))?;
        let ctx = |e| Error::io(words!("d-store-placing-rebuilt"), e);
        if root.join("db").exists() {
            let tag = hex::encode(crate::crypto::random_bytes::<6>());
            // Named to be overwritten by the sweep, not just unlinked: it may hold values of
            // a removal a crash interrupted, under the keys still in use (FORMAT.md 15.5).
            fs::rename(root.join("db"), tmp.join(format!("erase-db-{tag}"))).map_err(ctx)?;
        }
        crate::storage::faults::crash_point("rebuild-moved-aside");
        fs::rename(stage.join("db"), root.join("db")).map_err(ctx)?;
        sync_dir(root)?;
        sync_dir(&tmp)?;
        let mut damage = reading.damage;
        if !damage.is_empty() {
            // What was left out around the damage, range by range (a group the journal
            // simply ends with, unfinished, is no damage: it never committed).
            let mut left: Vec<u64> = skip.into_iter().collect();
            left.sort_unstable();
            for run in left.chunk_by(|a, b| b == &(a + 1)) {
                let (first, last) = (run[0], run[run.len() - 1]);
                damage.push(words!(
                    "d-journal-group-left-out",
                    first = first,
                    last = last
                ));
            }
        }
        Ok(RebuildReport {
            frames: reading.frames,
            records,
            damage,
        })
    }
}

/// Replays the journal's frames, except those in `skip`, into the new database `db`, as
/// [`Store::rebuild`] does; returns what the reading found and the last frame replayed.
fn replay(
    file: &File,
    key: &SymmetricKey,
    skip: &std::collections::HashSet<u64>,
    db: &sled::Db,
) -> Result<(journal::Reading, Option<journal::FrameRead>)> {
    let trees = TreeId::JOURNALED
        .iter()
        .map(|t| db.open_tree(tree_name(*t)).map(|tree| (*t, tree)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut applied: Option<journal::FrameRead> = None;
    let mut unflushed = 0;
    // A failure of the new database (a full disk, most likely) is said as such, not as a
    // failure to read the journal: it is kept here while the reader stops.
    let mut writing: Option<sled::Error> = None;
    let mut write = |r: sled::Result<()>| {
        r.map_err(|e| {
            writing = Some(e);
            io::Error::other("the new database could not be written")
        })
    };
    let reading = journal::read_frames(&mut &*file, key, &mut |f, ops| {
        if skip.contains(&f.seq) {
            return Ok(());
        }
        applied = Some(f);
        // Pending marks belong to the database they were made in: a new one has none.
        for op in ops.into_iter().filter(|o| o.tree != TreeId::Pending) {
            unflushed += op.key.len() + op.value.as_ref().map_or(0, Vec::len);
            let (_, t) = trees
                .iter()
                .find(|(id, _)| *id == op.tree)
                .expect("journaled tree");
            let r = match op.value {
                Some(v) => t.insert(op.key, v).map(drop),
                None => t.remove(op.key).map(drop),
            };
            write(r)?;
        }
        // sled's log buffers wait for the disk ([`BULK_FLUSH_BYTES`]).
        if unflushed >= BULK_FLUSH_BYTES {
            write(db.flush().map(drop))?;
            unflushed = 0;
        }
        Ok(())
    });
    if let Some(e) = writing {
        return Err(e.into());
    }
    let reading = reading.map_err(|e| Error::io(words!("d-reading-journal"), e))?;
    Ok((reading, applied))
}

/// The frames of the journal `rebuild` leaves out: those of every group that is not whole
/// ([`journal::broken_groups`]). Finding them takes a first reading, done only when the
/// journal may hold a group.
fn groups_to_leave_out(file: &File, key: &SymmetricKey) -> Result<std::collections::HashSet<u64>> {
    let ctx = |e| Error::io(words!("d-reading-journal"), e);
    if !journal::may_hold_groups(file).map_err(ctx)? {
        return Ok(Default::default());
    }
    let mut frames = Vec::new();
    journal::read_frames(&mut (&*file), key, &mut |f, _| {
        frames.push(f);
        Ok(())
    })
    .map_err(ctx)?;
    Ok(journal::broken_groups(&frames))
}
