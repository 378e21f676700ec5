//! Groups of frames (FORMAT.md 15.1, 15.3, format 10): a commit too large for one frame is
//! appended as several, fsynced, and only then committed frame by frame; a group the
//! database holds in part is finished at the next unlock (roll forward), and one the
//! journal ends with before its last frame was written is left out by `rebuild`.
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::read::FrameRead;
use super::*;

/// A frame's head, as read at its offset.
#[derive(Clone, Copy, Debug)]
pub(super) struct Head {
    pub(super) seq: u64,
    /// The offset just after the frame.
    pub(super) end: u64,
    /// An `AJG1` frame: one of a group, and not its last.
    pub(super) grouped: bool,
}

pub(super) fn head_at(file: &File, at: u64, len: u64) -> Option<Head> {
    if at + FRAME_HEAD > len {
        return None;
    }
    let mut h = [0u8; FRAME_HEAD as usize];
    file.read_exact_at(&mut h, at).ok()?;
    let grouped = &h[..4] == GROUP_MAGIC;
    if &h[..4] != FRAME_MAGIC && !grouped {
        return None;
    }
    let seq = u64::from_be_bytes(h[4..12].try_into().ok()?);
    let n = u32::from_be_bytes(h[12..].try_into().ok()?) as u64;
    let end = at + FRAME_HEAD + n;
    (end <= len).then_some(Head { seq, end, grouped })
}

/// The frames of the group whose first frame is `first`, each with its end, up to its last
/// (`AJF1`) frame; `None` unless every one is there, in sequence.
pub(super) fn group_frames(file: &File, first: State, len: u64) -> Option<Vec<(State, u64)>> {
    let mut out = Vec::new();
    let (mut at, mut seq) = (first.at, first.seq);
    loop {
        let h = head_at(file, at, len)?;
        if h.seq != seq {
            return None;
        }
        out.push((
            State {
                jid: first.jid,
                seq,
                at,
            },
            h.end,
        ));
        if !h.grouped {
            return Some(out);
        }
        (at, seq) = (h.end, seq + 1);
    }
}

/// The `key_id` a frame is sealed under: [`aad`], and for an `AJG1` frame a byte `%x01`
/// after it, so that a frame whose magic was flipped (`F` and `G` differ in one bit) does
/// not open (FORMAT.md 15.1).
pub(super) fn aad_of(magic: &[u8], jid: &[u8; 16], seq: u64) -> Vec<u8> {
    let mut a = aad(jid, seq).to_vec();
    if magic == GROUP_MAGIC {
        a.push(1);
    }
    a
}

/// Whether the journal may hold a group of frames: whether its bytes hold the group magic
/// anywhere (sealed bytes hold it by chance once in about 4 GiB, which costs only the
/// careful reading that follows).
pub fn may_hold_groups(file: &File) -> io::Result<bool> {
    let mut buf = vec![0u8; 4 << 20];
    let (mut at, mut keep) = (0u64, 0usize);
    loop {
        let n = file.read_at(&mut buf[keep..], at)?;
        if n == 0 {
            return Ok(false);
        }
        if memchr::memmem::find(&buf[..keep + n], GROUP_MAGIC).is_some() {
            return Ok(true);
        }
        at += n as u64;
        // The last bytes may hold the start of the magic.
        let tail = (keep + n).saturating_sub(GROUP_MAGIC.len() - 1);
        buf.copy_within(tail..keep + n, 0);
        keep = keep + n - tail;
    }
}

/// The frames `rebuild` must leave out, from the intact frames of a first reading in file
/// order (frame 0 aside): every frame of a group that is not whole (a frame of it missing or
/// damaged, or its last frame never written, as when a crash stopped the group being
/// written). A group's writes are one commit: replaying part of one would leave, say,
/// records without their catalog entries, or an import remembered whose records are
/// missing.
///
/// Where frames are missing, what they were cannot be known: the first frame after the gap
/// that is not a group's is then taken for the end of the broken group and left out too
/// (it may have been a commit of its own: damage costs it). A group that lost every frame
/// before its last cannot be told from a single frame: that last frame is replayed.
pub fn broken_groups(frames: &[FrameRead]) -> std::collections::HashSet<u64> {
    let mut skip = std::collections::HashSet::new();
    let mut run: Vec<u64> = Vec::new();
    let mut broken = false;
    let mut prev = 0;
    for f in frames {
        let follows = f.seq == prev + 1;
        if f.grouped {
            // A group's frames follow one another, and its first follows the commit before.
            broken |= !follows;
            run.push(f.seq);
        } else if !run.is_empty() {
            if broken || !follows {
                skip.extend(run.drain(..));
                skip.insert(f.seq);
            }
            run.clear();
            broken = false;
        }
        prev = f.seq;
    }
    skip.extend(run);
    skip
}

impl Journal {
    /// The frames of a group left to commit, as [`inspect`] found them.
    pub fn set_roll(&mut self, roll: Vec<(State, u64)>) {
        self.roll = roll;
    }

    /// Whether frames of a group are left to commit.
    pub fn rolling(&self) -> bool {
        !self.roll.is_empty()
    }

    /// Takes the frames left to commit (see [`Journal::set_roll`]).
    pub fn take_roll(&mut self) -> Vec<(State, u64)> {
        std::mem::take(&mut self.roll)
    }

    /// Reads and opens the frame at `state` (ending at `end`): its writes.
    pub fn read_frame(&self, key: &SymmetricKey, state: State, end: u64) -> Option<Vec<Op>> {
        let mut frame = vec![0u8; (end - state.at) as usize];
        self.file.read_exact_at(&mut frame, state.at).ok()?;
        let (head, sealed) = frame.split_at_checked(FRAME_HEAD as usize)?;
        let magic = &head[..4];
        let body = key
            .open(
                Domain::Journal,
                &aad_of(magic, &state.jid, state.seq),
                sealed,
            )
            .ok()?;
        decode_ops(&body)
    }

    /// Appends one frame of a group (FORMAT.md 15.3) after `after`, the frame of the group
    /// appended before it (`None` for the group's first, which follows the last committed
    /// frame): `AJG1`, or `AJF1` for the group's `last`. Not fsynced: the group is fsynced
    /// whole ([`Journal::sync_group`]) before any of it commits, so that from the first commit
    /// on the next open can finish it from the journal alone. Returns the frame's state and
    /// end; a failed write cuts the whole group off again.
    pub fn append_grouped(
        &mut self,
        key: &SymmetricKey,
        ops: &[Op],
        last: bool,
        after: Option<(State, u64)>,
    ) -> io::Result<(State, u64)> {
        if !self.roll.is_empty() {
            return Err(io::Error::other("a group of frames is not yet committed"));
        }
        let (seq, at) = after.map_or((self.state.seq + 1, self.end), |(s, e)| (s.seq + 1, e));
        let magic = if last { FRAME_MAGIC } else { GROUP_MAGIC };
        let bytes = frame_of(magic, key, &self.state.jid, seq, &encode_ops(ops));
        if let Err(e) = self.file.write_all_at(&bytes, at) {
            let _ = self.abandon();
            return Err(e);
        }
        let end = at + bytes.len() as u64;
        self.appended_end = end;
        if after.is_none() && !last {
            crate::storage::faults::crash_point("group-first-frame-written");
        }
        let state = State {
            jid: self.state.jid,
            seq,
            at,
        };
        Ok((state, end))
    }

    /// Makes the frames of a group appended so far durable, before the first of them
    /// commits; a failure cuts the group off again.
    pub fn sync_group(&mut self) -> io::Result<()> {
        if let Err(e) = self.file.sync_data() {
            let _ = self.abandon();
            return Err(e);
        }
        Ok(())
    }

    /// The transaction of the frame at `state`, ending at `end`, committed (a frame of a
    /// group, or one rolled forward).
    pub fn committed_to(&mut self, state: State, end: u64) {
        self.state = state;
        self.end = end;
        self.appended_end = self.appended_end.max(end);
        self.unconfirmed = true;
    }
}
