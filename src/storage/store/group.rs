//! Commits too large for one journal frame (FORMAT.md 15.1, 15.3): a group of frames,
//! appended and fsynced before any of them commits, then committed frame by frame, each in
//! its own sled transaction; and the roll forward of a group an earlier process committed in
//! part. A [`Grouped`] commit is written to the journal a frame at a time while its writes
//! are still being worked out (an import of many records), so they are never all in memory.
use std::sync::MutexGuard;

use super::*;
use crate::storage::journal::Op;

/// Frame bodies above this many bytes are cut into a group of frames (FORMAT.md 15.3): an
/// ingest's batch of 256 records stays one frame, fsynced with the next batches at the end.
const GROUP_BYTES: usize = 4 << 20;

/// The frames of a group: sled holds a transaction's writes several times over until it
/// commits (an import of 10,000 records held about 130 MB at its end with frames of 4 MiB,
/// 70 MB with frames of 1 MiB, in the same time).
const GROUP_FRAME_BYTES: usize = 1 << 20;

/// [`GROUP_BYTES`] and [`GROUP_FRAME_BYTES`]; the tests set a smaller bound for both
/// (`AMANAT_GROUP_FRAME_BYTES`) to make small imports into groups.
fn group_bytes() -> (usize, usize) {
    #[cfg(feature = "test-hooks")]
    if let Some(n) = std::env::var("AMANAT_GROUP_FRAME_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return (n, n);
    }
    (GROUP_BYTES, GROUP_FRAME_BYTES)
}

/// One commit on its way to the journal: the writes not yet in a frame, and the frames of
/// its group appended so far (not committed, not fsynced). Holds the journal until it is
/// finished or dropped; dropped unfinished, it cuts its frames off again, and the commit
/// never happened.
pub(crate) struct Grouped<'s> {
    store: &'s Store,
    key: &'s SymmetricKey,
    slot: MutexGuard<'s, JournalSlot>,
    pending: Ops,
    pending_len: usize,
    frames: Vec<(journal::State, u64)>,
    limit: usize,
    /// The group's commits began: nothing is cut off on drop any more.
    committing: bool,
}

impl Store {
    /// Starts a commit whose writes are given a part at a time ([`Grouped::push`]).
    /// `held`: other work goes on between the parts (an import reading its bundle, which
    /// marks the objects it writes pending and syncs them): the journal is made durable
    /// first, and those syncs then leave it alone.
    pub(crate) fn grouped<'s>(&'s self, key: &'s SymmetricKey, held: bool) -> Result<Grouped<'s>> {
        let mut slot = self.journal_slot();
        let JournalSlot::Open(j) = &mut *slot else {
            return Err(Error::VaultDamaged(words!("d-store-journal-not-open")));
        };
        if held {
            j.sync_frames()
                .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
            self.holding
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(Grouped {
            store: self,
            key,
            slot,
            pending: Ops::new(),
            pending_len: 0,
            frames: Vec::new(),
            limit: group_bytes().1,
            committing: false,
        })
    }

    /// Commits `ops` as one: in a frame of its own, or as a group of frames when they are
    /// too large for one.
    pub(super) fn commit(&self, ops: &Ops, key: &SymmetricKey) -> Result<()> {
        let mut g = self.grouped(key, false)?;
        let (group, frame) = group_bytes();
        let chunks = match ops.encoded_len() > group {
            true => ops.chunks(frame),
            false => vec![&ops.0[..]],
        };
        let (last, before) = chunks.split_last().expect("at least one chunk");
        for c in before {
            g.append(c, false)?;
        }
        g.finish_with(last)
    }
}

impl Grouped<'_> {
    fn journal(&mut self) -> Result<&mut Journal> {
        match &mut *self.slot {
            JournalSlot::Open(j) => Ok(j),
            JournalSlot::Rewrite(_) => Err(Error::VaultDamaged(words!("d-store-journal-not-open"))),
        }
    }

    /// Adds writes to the commit. Whenever those not yet in a frame pass a frame's size,
    /// they go to the journal as frames of the group.
    pub(crate) fn push(&mut self, ops: Ops) -> Result<()> {
        refuse_oversized(&ops, |_| true)?;
        for op in ops.0 {
            self.pending_len += journal::op_len(&op);
            self.pending.0.push(op);
        }
        while self.pending_len > self.limit {
            let cut = self.pending.chunks(self.limit)[0].len();
            let rest = self.pending.0.split_off(cut);
            let chunk = std::mem::replace(&mut self.pending.0, rest);
            self.append(&chunk, false)?;
            self.pending_len = self.pending.encoded_len();
        }
        Ok(())
    }

    /// Appends `ops` as the group's next frame (`last`: its `AJF1`).
    fn append(&mut self, ops: &[Op], last: bool) -> Result<()> {
        let after = self.frames.last().copied();
        let key = self.key;
        let f = (self.journal()?)
            .append_grouped(key, ops, last, after)
            .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
        self.frames.push(f);
        Ok(())
    }

    /// Commits everything pushed, and `ops`, as one.
    pub(crate) fn finish(mut self, ops: Ops) -> Result<()> {
        self.push(ops)?;
        let rest = std::mem::take(&mut self.pending);
        self.finish_with(&rest.0)
    }

    /// Commits the frames appended and `last`: a single frame when no other was appended
    /// (fsynced at the next sync, 15.3), else the group's last frame; the group is then
    /// fsynced and each frame committed in its own transaction, read back from the journal.
    fn finish_with(mut self, last: &[Op]) -> Result<()> {
        let (store, key) = (self.store, self.key);
        if self.frames.is_empty() {
            let j = self.journal()?;
            let state = j
                .append(key, last)
                .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
            crate::storage::faults::crash_point("journal-appended");
            return match store.transact(last, state, Mark::Single) {
                Ok(()) => {
                    j.committed(state);
                    Ok(())
                }
                Err(e) => {
                    let _ = j.abandon();
                    Err(e)
                }
            };
        }
        self.append(last, true)?;
        (self.journal()?)
            .sync_group()
            .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
        crate::storage::faults::crash_point("group-frames-written");
        self.committing = true;
        let frames = std::mem::take(&mut self.frames);
        let j = self.journal()?;
        match store.commit_frames(j, key, &frames, true) {
            Ok(()) => Ok(()),
            Err((0, e)) => {
                // Nothing of the group committed: it is cut off again.
                let _ = j.abandon();
                Err(e)
            }
            Err((_, e)) => {
                // Part of it committed: the whole group stays in the journal, fsynced, and
                // the next unlock commits it. Until then nothing is written, and no object
                // file removed: the caller's clean-up would take those of its records.
                j.set_roll(frames);
                store
                    .fenced
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Err(Error::VaultDamaged(words!(
                    "d-store-group-interrupted",
                    why = e
                )))
            }
        }
    }
}

impl Drop for Grouped<'_> {
    fn drop(&mut self) {
        self.store
            .holding
            .store(false, std::sync::atomic::Ordering::SeqCst);
        if !self.committing && !self.frames.is_empty() {
            // Frames of a commit that never began: cut off, as a crash would leave them
            // for the next open to cut.
            if let JournalSlot::Open(j) = &mut *self.slot {
                let _ = j.abandon();
            }
        }
    }
}

impl Store {
    /// Commits each frame of a group in order, each read back from the journal and in its
    /// own transaction. On failure, returns which frame failed.
    fn commit_frames(
        &self,
        j: &mut Journal,
        key: &SymmetricKey,
        frames: &[(journal::State, u64)],
        hooks: bool,
    ) -> std::result::Result<(), (usize, Error)> {
        for (i, (state, end)) in frames.iter().enumerate() {
            let damaged =
                || Error::DatabaseDamaged(words!("d-store-group-frame-damaged", frame = state.seq));
            let done = if hooks
                && i == 1
                && crate::storage::faults::crash_at("group-second-frame-fails")
            {
                Err(Error::DiskFull)
            } else {
                (j.read_frame(key, *state, *end).ok_or_else(damaged))
                    .and_then(|ops| self.transact(&ops, *state, Mark::of(frames, i)))
            };
            done.map_err(|e| (i, e))?;
            j.committed_to(*state, *end);
            if hooks && i == 0 {
                // Part of the group is in the database: what a request of `serve` sees now.
                crate::storage::faults::pause_point("group-frame-committed");
            }
            if hooks && i == 0 && crate::storage::faults::crash_at("group-frame-applied") {
                // As sled's own flusher may have done before a crash: part of the group is
                // durable in the database.
                self.db.flush().map_err(|e| (i, e.into()))?;
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
        if let Err((_, e)) = self.commit_frames(j, key, &roll, false) {
            // The whole group stays to commit again at the next unlock.
            j.set_roll(roll);
            return Err(e);
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
