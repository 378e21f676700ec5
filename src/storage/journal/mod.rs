//! The journal: a second copy of every committed database write, kept outside sled
//! (FORMAT.md, "Journal").
//!
//! sled 0.34's files are all or nothing: one flipped byte in them and sled refuses the whole
//! database, or silently drops its newest writes. The journal does not depend on them. Every
//! write the vault commits is first appended here as one sealed frame and fsynced, then
//! committed to sled in a transaction that also records the frame's number and offset; after
//! sled is fsynced a confirmation marker follows the frame. So at every open:
//!
//! - sled's recorded frame is the journal's last confirmed one: all is well;
//! - a frame after it is unconfirmed: its transaction never reported success, and it is cut
//!   off (before the sweep deletes its pending objects);
//! - a *confirmed* frame after it: sled lost writes it had made durable. The vault refuses to
//!   open and `amanat rebuild` recreates the database from the journal.
//!
//! Frames are sealed with a key derived from the catalog key, so the journal shows neither
//! record ids nor which frame touched which record; each frame is bound to its journal and
//! its number. A damaged frame costs only its own writes: the reader finds the next frame by
//! its magic and goes on.
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;

use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::words;

mod group;
mod read;
#[cfg(test)]
mod tests;

use group::{aad_of, group_frames, head_at};
pub use group::{broken_groups, may_hold_groups};
pub use read::{read_all, read_frames, vault_of, FrameRead, Reading};

/// The journal's file name in the vault directory.
pub const FILE: &str = "journal";
/// The first bytes of the file, followed by the 16-byte journal id.
pub const FILE_MAGIC: &[u8; 17] = b"amanat-journal 1\n";
/// Bytes before the first frame.
pub const HEADER_LEN: u64 = FILE_MAGIC.len() as u64 + 16;
const FRAME_MAGIC: &[u8; 4] = b"AJF1";
/// A frame of a group whose last frame (an `AJF1`) follows (FORMAT.md 15.1, format 10).
const GROUP_MAGIC: &[u8; 4] = b"AJG1";
const CONFIRM_MAGIC: &[u8; 4] = b"AJC1";
/// magic, sequence number (u64), sealed length (u32).
pub const FRAME_HEAD: u64 = 16;
/// magic, sequence number.
pub const CONFIRM_LEN: u64 = 12;
/// No frame is larger (a sanity bound for damaged length fields).
const MAX_FRAME: u64 = 1 << 30;
/// Snapshot frames are cut after this many bytes of operations.
const SNAPSHOT_FRAME: usize = 4 << 20;
/// The sled meta key holding the journal state of the last committed frame.
pub const META_KEY: &[u8] = b"journal";

/// The sled trees, as frames name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeId {
    Records = 1,
    Catalog = 2,
    /// Search text of records added before the search index (FORMAT.md 8.4); moved into
    /// `index` at unlock.
    Search = 3,
    Meta = 4,
    Contacts = 5,
    Audit = 6,
    Custody = 7,
    /// Not journaled: pending marks only matter to the sweep of the database they are in.
    Pending = 8,
    Index = 9,
    /// Bundles imported, by keyed hash of their id (FORMAT.md, "Imported bundles").
    Imported = 10,
}

impl TreeId {
    /// Every journaled tree, in the order snapshots write them.
    pub const JOURNALED: [TreeId; 9] = [
        TreeId::Meta,
        TreeId::Contacts,
        TreeId::Records,
        TreeId::Catalog,
        TreeId::Search,
        TreeId::Audit,
        TreeId::Custody,
        TreeId::Index,
        TreeId::Imported,
    ];

    fn from_u8(b: u8) -> Option<TreeId> {
        Some(match b {
            1 => TreeId::Records,
            2 => TreeId::Catalog,
            3 => TreeId::Search,
            4 => TreeId::Meta,
            5 => TreeId::Contacts,
            6 => TreeId::Audit,
            7 => TreeId::Custody,
            // From format 10 ([`encode_ops`]).
            8 => TreeId::Pending,
            9 => TreeId::Index,
            10 => TreeId::Imported,
            _ => return None,
        })
    }
}

/// One write: an insert, or with `value: None` a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub tree: TreeId,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// The writes of one transaction.
#[derive(Default)]
pub struct Ops(pub(crate) Vec<Op>);

impl Ops {
    pub fn new() -> Ops {
        Ops::default()
    }

    pub fn insert(&mut self, tree: TreeId, key: impl AsRef<[u8]>, value: impl Into<Vec<u8>>) {
        self.0.push(Op {
            tree,
            key: key.as_ref().to_vec(),
            value: Some(value.into()),
        });
    }

    pub fn remove(&mut self, tree: TreeId, key: impl AsRef<[u8]>) {
        self.0.push(Op {
            tree,
            key: key.as_ref().to_vec(),
            value: None,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends copies of `other`'s writes.
    pub fn extend(&mut self, other: &Ops) {
        self.0.extend(other.0.iter().cloned());
    }

    /// The writes cut where their frame bodies pass about `limit` bytes each (one write
    /// larger than that is a frame of its own).
    pub(crate) fn chunks(&self, limit: usize) -> Vec<&[Op]> {
        let mut out = Vec::new();
        let (mut start, mut size) = (0, 0);
        for (i, op) in self.0.iter().enumerate() {
            let n = op_len(op);
            if size > 0 && size + n > limit {
                out.push(&self.0[start..i]);
                (start, size) = (i, 0);
            }
            size += n;
        }
        out.push(&self.0[start..]);
        out
    }

    /// The size of the frame body.
    pub(crate) fn encoded_len(&self) -> usize {
        self.0.iter().map(op_len).sum()
    }
}

/// The bytes `op` takes in a frame body.
pub(crate) fn op_len(op: &Op) -> usize {
    4 + op.key.len() + op.value.as_ref().map_or(0, |v| 4 + v.len())
}

/// A frame body holding `ops`. Pending marks are journaled too (format 10): a group that
/// the next open finishes must clear the marks of the objects its records hold, or the
/// sweep would take them, and mark those a rotation replaced (FORMAT.md 15.1). `rebuild`
/// skips them: a new database has no pending objects.
pub(crate) fn encode_ops(ops: &[Op]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ops.iter().map(op_len).sum());
    for op in ops {
        encode_op(&mut out, op.tree, &op.key, op.value.as_deref());
    }
    out
}

/// `tree u8 | kind u8 (0 insert, 1 remove) | key_len u16 | key | [value_len u32 | value]`.
fn encode_op(out: &mut Vec<u8>, tree: TreeId, key: &[u8], value: Option<&[u8]>) {
    out.push(tree as u8);
    out.push(u8::from(value.is_none()));
    out.extend_from_slice(&(key.len() as u16).to_be_bytes());
    out.extend_from_slice(key);
    if let Some(v) = value {
        out.extend_from_slice(&(v.len() as u32).to_be_bytes());
        out.extend_from_slice(v);
    }
}

/// Parses a frame body; `None` if it is malformed.
pub fn decode_ops(mut b: &[u8]) -> Option<Vec<Op>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (&tree, rest) = b.split_first()?;
        let (&kind, rest) = rest.split_first()?;
        let tree = TreeId::from_u8(tree)?;
        let klen = u16::from_be_bytes(rest.get(..2)?.try_into().ok()?) as usize;
        let key = rest.get(2..2 + klen)?.to_vec();
        let rest = &rest[2 + klen..];
        let (value, rest) = match kind {
            0 => {
                let vlen = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
                (Some(rest.get(4..4 + vlen)?.to_vec()), &rest[4 + vlen..])
            }
            1 => (None, rest),
            _ => return None,
        };
        out.push(Op { tree, key, value });
        b = rest;
    }
    Some(out)
}

/// What sled records of the journal in the transaction of each frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub jid: [u8; 16],
    /// The frame's number.
    pub seq: u64,
    /// The frame's offset in the file.
    pub at: u64,
}

impl State {
    pub fn encode(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out[..16].copy_from_slice(&self.jid);
        out[16..24].copy_from_slice(&self.seq.to_be_bytes());
        out[24..].copy_from_slice(&self.at.to_be_bytes());
        out
    }

    pub fn decode(b: &[u8]) -> Option<State> {
        if b.len() != 32 {
            return None;
        }
        Some(State {
            jid: b[..16].try_into().ok()?,
            seq: u64::from_be_bytes(b[16..24].try_into().ok()?),
            at: u64::from_be_bytes(b[24..].try_into().ok()?),
        })
    }
}

fn aad(jid: &[u8; 16], seq: u64) -> [u8; 24] {
    let mut a = [0u8; 24];
    a[..16].copy_from_slice(jid);
    a[16..].copy_from_slice(&seq.to_be_bytes());
    a
}

/// A whole frame: head and sealed body.
fn frame(key: &SymmetricKey, jid: &[u8; 16], seq: u64, body: &[u8]) -> Vec<u8> {
    frame_of(FRAME_MAGIC, key, jid, seq, body)
}

/// A whole frame with `magic`: `AJF1`, or `AJG1` for a frame of a group but its last.
fn frame_of(magic: &[u8; 4], key: &SymmetricKey, jid: &[u8; 16], seq: u64, body: &[u8]) -> Vec<u8> {
    let sealed = key.seal(Domain::Journal, &aad_of(magic, jid, seq), body);
    let mut out = Vec::with_capacity(FRAME_HEAD as usize + sealed.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&(sealed.len() as u32).to_be_bytes());
    out.extend_from_slice(&sealed);
    out
}

fn confirm(seq: u64) -> [u8; CONFIRM_LEN as usize] {
    let mut c = [0u8; CONFIRM_LEN as usize];
    c[..4].copy_from_slice(CONFIRM_MAGIC);
    c[4..].copy_from_slice(&seq.to_be_bytes());
    c
}

/// Reads the head of the frame at `at`: its number and the offset just after it.
pub fn frame_at(file: &File, at: u64, len: u64) -> Option<(u64, u64)> {
    head_at(file, at, len).map(|h| (h.seq, h.end))
}

/// The sequence number of a confirmation marker at `at`, if there is one.
pub fn confirm_at(file: &File, at: u64, len: u64) -> Option<u64> {
    if at + CONFIRM_LEN > len {
        return None;
    }
    let mut c = [0u8; CONFIRM_LEN as usize];
    file.read_exact_at(&mut c, at).ok()?;
    (&c[..4] == CONFIRM_MAGIC).then(|| u64::from_be_bytes(c[4..].try_into().expect("8 bytes")))
}

/// The journal id in the file's header, if the header is intact.
pub fn file_id(file: &File) -> Option<[u8; 16]> {
    let mut h = [0u8; HEADER_LEN as usize];
    file.read_exact_at(&mut h, 0).ok()?;
    if &h[..FILE_MAGIC.len()] != FILE_MAGIC {
        return None;
    }
    h[FILE_MAGIC.len()..].try_into().ok()
}

/// What the journal looks like next to the database's record of it, at open.
pub enum Inspection {
    /// The journal matches; writes continue at `end`. `roll` lists the frames, after the
    /// database's, of a group it committed in part: the unlock commits them (roll forward).
    Matches {
        state: State,
        end: u64,
        roll: Vec<(State, u64)>,
    },
    /// The database holds part of a group of frames whose last frame the journal lacks
    /// (damage: a group is fsynced before any of it commits).
    GroupUnfinished { database: u64 },
    /// The journal is missing, from another generation, or damaged at its end: it is
    /// rewritten from the database once the vault is unlocked. The reason says which.
    Rewrite(crate::error::Words),
    /// The journal holds confirmed writes the database lacks.
    DatabaseBehind { database: u64, journal: u64 },
}

/// Compares the journal with the state sled recorded (FORMAT.md 15.3). `group` is the
/// state of the first frame of the group the database is inside, if it is inside one.
pub fn inspect(file: Option<&File>, state: Option<State>, group: Option<State>) -> Inspection {
    match inspect_frames(file, state, group) {
        // A database inside a group finishes it from the journal; rewriting the journal
        // from it would keep part of the group for good.
        Inspection::Rewrite(_) if group.is_some() => Inspection::GroupUnfinished {
            database: state.map_or(0, |s| s.seq),
        },
        found => found,
    }
}

fn inspect_frames(file: Option<&File>, state: Option<State>, group: Option<State>) -> Inspection {
    let (Some(file), Some(state)) = (file, state) else {
        return Inspection::Rewrite(words!("d-journal-journal-missing"));
    };
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return Inspection::Rewrite(words!("d-journal-journal-cannot-read"));
    };
    if file_id(file) != Some(state.jid) {
        return Inspection::Rewrite(words!("d-journal-journal-one-database-names"));
    }
    let Some(head) = head_at(file, state.at, len) else {
        return Inspection::Rewrite(words!("d-journal-journal-lacks-database-s"));
    };
    if head.seq != state.seq {
        return Inspection::Rewrite(words!("d-journal-journal-s-frame-numbers"));
    }
    let (mut seq, mut end) = (head.seq, head.end);
    // Inside a group: every frame of it, from its first, is committed again at unlock (a
    // group's writes, replayed in order, give the same database however much of them it
    // holds). Its frames were fsynced before its first transaction, so all must be here.
    let roll = match group {
        Some(first) if head.grouped => {
            let Some(frames) = group_frames(file, first, len) else {
                return Inspection::GroupUnfinished {
                    database: state.seq,
                };
            };
            let &(last, last_end) = frames.last().expect("a group has frames");
            if first.jid != state.jid || last.seq < state.seq {
                return Inspection::GroupUnfinished {
                    database: state.seq,
                };
            }
            (seq, end) = (last.seq, last_end);
            frames
        }
        None if !head.grouped => Vec::new(),
        // A group's frame without the database's mark of it, or the mark on a frame of no
        // group: neither is what a writer leaves.
        _ => {
            return Inspection::GroupUnfinished {
                database: state.seq,
            }
        }
    };
    if confirm_at(file, end, len) == Some(seq) {
        end += CONFIRM_LEN;
    }
    // Anything further is a frame whose transaction never finished, unless a confirmation
    // follows it or a later frame: a confirmation vouches for every frame before it (a
    // batch of frames is confirmed once, after its last), so the database lost them.
    let (mut at, mut last) = (end, seq);
    while let Some((next, next_end)) = frame_at(file, at, len) {
        if next <= last {
            break;
        }
        if confirm_at(file, next_end, len) == Some(next) {
            return Inspection::DatabaseBehind {
                database: seq,
                journal: next,
            };
        }
        (at, last) = (next_end, next);
    }
    if !torn(file, at, len, last) {
        return Inspection::Rewrite(words!("d-journal-journal-damaged-after-last"));
    }
    Inspection::Matches { state, end, roll }
}

/// Whether the bytes from `at` to the end are what a crash can leave after frame `last`:
/// nothing, zeros (space the file system allocated but never wrote), part of that frame's
/// confirmation, or the start of a frame. Anything else (a confirmation with a flipped
/// byte) is damage.
fn torn(file: &File, at: u64, len: u64, last: u64) -> bool {
    let n = (len - at).min(FRAME_HEAD) as usize;
    let mut tail = vec![0u8; n];
    if file.read_exact_at(&mut tail, at).is_err() {
        return false;
    }
    let c = confirm(last);
    let prefix_of = |whole: &[u8]| tail.len() <= whole.len() && whole.starts_with(&tail);
    let frame_start = [FRAME_MAGIC, GROUP_MAGIC]
        .iter()
        .any(|m| tail.starts_with(&m[..]) || m.starts_with(&tail[..]));
    tail.iter().all(|&b| b == 0) || (len - at < CONFIRM_LEN && prefix_of(&c)) || frame_start
}

/// The open journal of an unlocked vault.
pub struct Journal {
    file: File,
    state: State,
    /// Where the next frame goes.
    end: u64,
    /// Where the frame appended but not yet committed ends.
    appended_end: u64,
    /// The last frame is committed in sled but not yet confirmed here.
    unconfirmed: bool,
    /// Frames of a group that the database committed in part, to commit at unlock
    /// ([`Inspection::Matches`]); nothing is appended before they are.
    roll: Vec<(State, u64)>,
}

impl Journal {
    pub fn new(file: File, state: State, end: u64) -> Journal {
        Journal {
            file,
            state,
            end,
            appended_end: end,
            unconfirmed: false,
            roll: Vec::new(),
        }
    }

    /// Cuts off anything after the last committed frame (a frame whose transaction never
    /// finished).
    pub fn truncate_tail(&self) -> io::Result<()> {
        if self.file.metadata()?.len() > self.end {
            self.file.set_len(self.end)?;
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// Appends the frame of `ops`, not yet fsynced (see [`Journal::sync_frames`]). Returns
    /// the state sled must record with the transaction; [`Journal::committed`] or
    /// [`Journal::abandon`] must follow.
    pub fn append(&mut self, key: &SymmetricKey, ops: &[Op]) -> io::Result<State> {
        if !self.roll.is_empty() {
            return Err(io::Error::other("a group of frames is not yet committed"));
        }
        let seq = self.state.seq + 1;
        let bytes = frame(key, &self.state.jid, seq, &encode_ops(ops));
        if let Err(e) = self.file.write_all_at(&bytes, self.end) {
            // A full disk leaves no partial frame behind to be read as damage.
            let _ = self.abandon();
            return Err(e);
        }
        self.appended_end = self.end + bytes.len() as u64;
        Ok(State {
            jid: self.state.jid,
            seq,
            at: self.end,
        })
    }

    /// The transaction of the frame at `state` committed.
    pub fn committed(&mut self, state: State) {
        self.committed_to(state, self.appended_end);
    }

    /// Makes the frames appended so far durable; done before the database is flushed, so
    /// that what a caller reports as saved is in both.
    pub fn sync_frames(&mut self) -> io::Result<()> {
        if self.unconfirmed {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// The transaction failed: the frame is cut off again. What was appended after the last
    /// committed frame (a failed import's frames hold its records' catalog entries, sealed
    /// with the catalog key) is overwritten with zeros first, so that the file system's free
    /// blocks do not keep it (THREAT-MODEL.md, "Physical erasure").
    pub fn abandon(&mut self) -> io::Result<()> {
        let len = self.file.metadata()?.len();
        let zeros = vec![0u8; (len.saturating_sub(self.end)).min(1 << 20) as usize];
        let mut at = self.end;
        while at < len {
            let n = (len - at).min(zeros.len() as u64) as usize;
            self.file.write_all_at(&zeros[..n], at)?;
            at += n as u64;
        }
        if len > self.end {
            self.file.sync_data()?;
        }
        self.file.set_len(self.end)?;
        self.file.sync_data()
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// The number of the last committed frame.
    pub fn seq(&self) -> u64 {
        self.state.seq
    }

    /// The database is durable up to frame `seq`: confirm it, if it is the last frame (a
    /// later frame's transaction may not be durable yet).
    pub fn confirm(&mut self, seq: u64) -> io::Result<()> {
        // Inside a group left to finish, `end` is the start of a frame still needed.
        if !self.unconfirmed || self.state.seq != seq || !self.roll.is_empty() {
            return Ok(());
        }
        if let Err(e) = self
            .file
            .write_all_at(&confirm(self.state.seq), self.end)
            .and_then(|()| self.file.sync_data())
        {
            let _ = self.abandon();
            return Err(e);
        }
        self.end += CONFIRM_LEN;
        self.unconfirmed = false;
        Ok(())
    }
}

/// Seals `body` as frame `seq` of journal `jid` (for tests and fuzzing).
#[cfg(feature = "test-hooks")]
pub fn frame_for_tests(key: &SymmetricKey, jid: &[u8; 16], seq: u64, body: &[u8]) -> Vec<u8> {
    frame(key, jid, seq, body)
}

/// Writes a complete journal holding `items` (tree, key, value), returning its state: the
/// header, frame 0 naming the vault, then the items in frames of about 4 MiB, each
/// confirmed.
pub fn write_snapshot(
    out: &mut dyn Write,
    key: &SymmetricKey,
    vault_id: &[u8; 16],
    items: impl Iterator<Item = io::Result<(TreeId, Vec<u8>, Vec<u8>)>>,
) -> io::Result<State> {
    let jid: [u8; 16] = crate::crypto::random_bytes();
    out.write_all(FILE_MAGIC)?;
    out.write_all(&jid)?;
    let mut at = HEADER_LEN;
    let mut seq = 0;
    let mut emit = |seq: u64, body: &[u8], at: &mut u64| -> io::Result<u64> {
        let f = frame(key, &jid, seq, body);
        out.write_all(&f)?;
        out.write_all(&confirm(seq))?;
        let start = *at;
        *at += f.len() as u64 + CONFIRM_LEN;
        Ok(start)
    };
    let mut last = emit(0, vault_id, &mut at)?;
    let mut body = Vec::new();
    for item in items {
        let (tree, k, v) = item?;
        encode_op(&mut body, tree, &k, Some(&v));
        if body.len() >= SNAPSHOT_FRAME {
            seq += 1;
            last = emit(seq, &body, &mut at)?;
            body.clear();
        }
    }
    if !body.is_empty() {
        seq += 1;
        last = emit(seq, &body, &mut at)?;
    }
    Ok(State { jid, seq, at: last })
}
