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
        let trees = TreeId::JOURNALED
            .iter()
            .map(|t| db.open_tree(tree_name(*t)).map(|tree| (*t, tree)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        // A group of frames is one commit: one not whole in the journal is left out, not
        // replayed in part (FORMAT.md 15.5).
        let skip = groups_to_leave_out(&file, key)?;
        io::Seek::seek(&mut (&file), io::SeekFrom::Start(0))
            .map_err(|e| Error::io(words!("d-reading-journal"), e))?;
        let mut applied: Option<journal::FrameRead> = None;
        let reading = journal::read_frames(&mut (&file), key, &mut |f, ops| {
            if skip.contains(&f.seq) {
                return Ok(());
            }
            applied = Some(f);
            // Pending marks belong to the database they were made in: a new one has none.
            for op in ops.into_iter().filter(|o| o.tree != TreeId::Pending) {
                let (_, t) = trees
                    .iter()
                    .find(|(id, _)| *id == op.tree)
                    .expect("journaled tree");
                let r = match op.value {
                    Some(v) => t.insert(op.key, v).map(drop),
                    None => t.remove(op.key).map(drop),
                };
                r.map_err(|e| io::Error::other(e.to_string()))?;
            }
            Ok(())
        })
        .map_err(|e| Error::io(words!("d-reading-journal"), e))?;
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
        drop(trees);
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

/// Frame bodies above this many bytes are cut into a group of frames (FORMAT.md 15.3).
const GROUP_FRAME_BYTES: usize = 4 << 20;

/// [`GROUP_FRAME_BYTES`]; the tests set a smaller bound (`AMANAT_GROUP_FRAME_BYTES`) to
/// make small imports into groups.
fn group_frame_bytes() -> usize {
    #[cfg(feature = "test-hooks")]
    if let Some(n) = std::env::var("AMANAT_GROUP_FRAME_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    GROUP_FRAME_BYTES
}

impl Store {
    pub(super) fn commit(&self, ops: &Ops, key: &SymmetricKey) -> Result<()> {
        let limit = group_frame_bytes();
        if ops.encoded_len() > limit {
            return self.commit_group(ops, key, limit);
        }
        let mut slot = self.journal_slot();
        let JournalSlot::Open(j) = &mut *slot else {
            return Err(Error::VaultDamaged(words!("d-store-journal-not-open")));
        };
        let state = j
            .append(key, ops)
            .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
        crate::storage::faults::crash_point("journal-appended");
        match self.transact(&ops.0, state, Mark::Single) {
            Ok(()) => {
                j.committed(state);
                Ok(())
            }
            Err(e) => {
                let _ = j.abandon();
                Err(e)
            }
        }
    }

    /// Commits writes too large for one frame as a group of frames (FORMAT.md 15.3): all
    /// of them appended and fsynced first, then each committed in its own sled
    /// transaction. sled holds a transaction's every write (several times over) until it
    /// commits: one transaction for an import of 10,000 records took about 640 MB.
    fn commit_group(&self, ops: &Ops, key: &SymmetricKey, limit: usize) -> Result<()> {
        let mut slot = self.journal_slot();
        let JournalSlot::Open(j) = &mut *slot else {
            return Err(Error::VaultDamaged(words!("d-store-journal-not-open")));
        };
        let chunks = ops.chunks(limit);
        let frames = j
            .append_group(key, &chunks)
            .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
        crate::storage::faults::crash_point("group-frames-written");
        for (i, (chunk, (state, end))) in chunks.iter().zip(&frames).enumerate() {
            let done = if i == 1 && crate::storage::faults::crash_at("group-second-frame-fails") {
                Err(Error::DiskFull)
            } else {
                self.transact(chunk, *state, Mark::of(&frames, i))
            };
            if let Err(e) = done {
                if i == 0 {
                    // Nothing of the group committed: it is cut off again.
                    let _ = j.abandon();
                    return Err(e);
                }
                // Part of it committed: the whole group stays in the journal, fsynced, and
                // the next unlock commits it. Until then nothing is written, and no object
                // file removed: the caller's clean-up would take those of its records.
                j.set_roll(frames.clone());
                self.fenced
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(Error::VaultDamaged(words!(
                    "d-store-group-interrupted",
                    why = e
                )));
            }
            j.committed_to(*state, *end);
            if i == 0 && crate::storage::faults::crash_at("group-frame-applied") {
                // As sled's own flusher may have done before a crash: part of the group is
                // durable in the database.
                self.db.flush()?;
                crate::storage::faults::crash_point("group-frame-applied");
            }
        }
        Ok(())
    }

    /// Commits the frames of a group that an earlier process committed in part (found
    /// when the vault opened), before anything else reads or writes the vault: the
    /// import or other change it was is then whole (FORMAT.md 15.3).
    pub(crate) fn roll_forward(&self, key: &SymmetricKey) -> Result<usize> {
        let mut slot = self.journal_slot();
        let JournalSlot::Open(j) = &mut *slot else {
            return Ok(0);
        };
        let roll = j.take_roll();
        if roll.is_empty() {
            return Ok(0);
        }
        // Every frame must open under the magic its head shows before any is committed
        // again, and before anything after the group is cut off.
        if let Some((state, _)) = roll
            .iter()
            .find(|(s, e)| j.read_frame(key, *s, *e).is_none())
        {
            let seq = state.seq;
            j.set_roll(roll);
            return Err(Error::DatabaseDamaged(words!(
                "d-store-group-frame-damaged",
                frame = seq
            )));
        }
        for (i, (state, end)) in roll.iter().enumerate() {
            let ops = j.read_frame(key, *state, *end).expect("opened above");
            if let Err(e) = self.transact(&ops, *state, Mark::of(&roll, i)) {
                // The whole group stays to commit again at the next unlock.
                j.set_roll(roll.clone());
                return Err(e);
            }
            j.committed_to(*state, *end);
        }
        j.truncate_tail()
            .map_err(|e| Error::io(words!("d-store-repairing-journal"), e))?;
        drop(slot);
        self.fenced
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.sync()?;
        Ok(roll.len())
    }

    /// Applies `ops` in one sled transaction that also records `state` as the journal's
    /// last committed frame, and whether the database is inside a group (`mark`).
    fn transact(&self, ops: &[journal::Op], state: journal::State, mark: Mark) -> Result<()> {
        // Only the trees the writes touch (and `meta`) take part: each costs sled a lock and
        // an overlay.
        let mut slot_of = [usize::MAX; TREES];
        let mut trees: Vec<&sled::Tree> = Vec::with_capacity(TREES);
        for t in ops.iter().map(|o| o.tree).chain([TreeId::Meta]) {
            let i = tree_index(t);
            if slot_of[i] == usize::MAX {
                slot_of[i] = trees.len();
                trees.push(self.tree(t));
            }
        }
        trees[..]
            .transaction(|views| {
                for op in ops {
                    let t = &views[slot_of[tree_index(op.tree)]];
                    match &op.value {
                        Some(v) => t.insert(op.key.as_slice(), v.as_slice())?,
                        None => t.remove(op.key.as_slice())?,
                    };
                }
                let meta = &views[slot_of[tree_index(TreeId::Meta)]];
                meta.insert(journal::META_KEY, &state.encode()[..])?;
                match mark {
                    Mark::Single => {}
                    Mark::Inside(first) => {
                        meta.insert(GROUP_KEY, &first.encode()[..])?;
                    }
                    Mark::Last => {
                        meta.remove(GROUP_KEY)?;
                    }
                }
                Ok(())
            })
            .map_err(tree::from_transaction)
    }
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

/// What a transaction records of the group of frames it belongs to (FORMAT.md 15.2).
#[derive(Clone, Copy)]
enum Mark {
    /// A frame of its own.
    Single,
    /// A frame of a group but its last: `meta`/`group` names the group's first frame.
    Inside(journal::State),
    /// A group's last frame: `meta`/`group` goes.
    Last,
}

impl Mark {
    /// The mark of frame `i` of the group `frames`.
    fn of(frames: &[(journal::State, u64)], i: usize) -> Mark {
        if i + 1 == frames.len() {
            Mark::Last
        } else {
            Mark::Inside(frames[0].0)
        }
    }
}
