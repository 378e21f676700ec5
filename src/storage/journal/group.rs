//! Groups of frames (FORMAT.md 15.1, 15.3, format 10): a commit too large for one frame is
//! appended as several, fsynced, and only then committed frame by frame; a group the
//! database holds in part is finished at the next unlock (roll forward), and one the
//! journal ends with before its last frame was written is left out by `rebuild`.
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

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

/// Where a group of frames that never got its last frame starts, if the journal ends with
/// one (a crash while a group was written, before any of it committed): `rebuild` replays
/// the journal up to there. Reads only the frames' heads; damage stops the walk (the
/// reader reports it).
pub fn unfinished_group(file: &File) -> Option<u64> {
    let len = file.metadata().ok()?.len();
    let (mut at, mut start, mut last) = (HEADER_LEN, None, 0);
    loop {
        if let Some(h) = head_at(file, at, len) {
            match (h.grouped, start) {
                (true, None) => start = Some(at),
                (false, _) => start = None,
                (true, Some(_)) => {}
            }
            (at, last) = (h.end, h.seq);
        } else if confirm_at(file, at, len).is_some() {
            at += CONFIRM_LEN;
        } else {
            // Only at the end of what was written: damage in the middle is the reader's.
            return start.filter(|_| at == len || torn(file, at, len, last));
        }
    }
}

impl Journal {
    /// The frames of a group left to commit, as [`inspect`] found them.
    pub fn set_roll(&mut self, roll: Vec<(State, u64)>) {
        self.roll = roll;
    }

    /// Takes the frames left to commit (see [`Journal::set_roll`]).
    pub fn take_roll(&mut self) -> Vec<(State, u64)> {
        std::mem::take(&mut self.roll)
    }

    /// Reads and opens the frame at `state` (ending at `end`): its writes.
    pub fn read_frame(&self, key: &SymmetricKey, state: State, end: u64) -> Option<Vec<Op>> {
        let mut sealed = vec![0u8; (end - state.at).checked_sub(FRAME_HEAD)? as usize];
        self.file
            .read_exact_at(&mut sealed, state.at + FRAME_HEAD)
            .ok()?;
        let body = key
            .open(Domain::Journal, &aad(&state.jid, state.seq), &sealed)
            .ok()?;
        decode_ops(&body)
    }

    /// Appends `chunks` as one group of frames (`AJG1` each, the last `AJF1`) and fsyncs
    /// them, before any of them commits: from the first commit on, the next open can
    /// finish the group from the journal alone. Returns each frame's state and end; each
    /// must then be committed in order ([`Journal::committed_to`]).
    pub fn append_group(
        &mut self,
        key: &SymmetricKey,
        chunks: &[&[Op]],
    ) -> io::Result<Vec<(State, u64)>> {
        if !self.roll.is_empty() {
            return Err(io::Error::other("a group of frames is not yet committed"));
        }
        let mut at = self.end;
        let mut out = Vec::with_capacity(chunks.len());
        for (i, ops) in chunks.iter().enumerate() {
            let seq = self.state.seq + 1 + i as u64;
            let magic = if i + 1 < chunks.len() {
                GROUP_MAGIC
            } else {
                FRAME_MAGIC
            };
            let bytes = frame_of(magic, key, &self.state.jid, seq, &encode_ops(ops));
            if let Err(e) = self.file.write_all_at(&bytes, at) {
                let _ = self.abandon();
                return Err(e);
            }
            let state = State {
                jid: self.state.jid,
                seq,
                at,
            };
            at += bytes.len() as u64;
            out.push((state, at));
            if i == 0 && chunks.len() > 1 {
                crate::storage::faults::crash_point("group-first-frame-written");
            }
        }
        self.appended_end = at;
        if let Err(e) = self.file.sync_data() {
            let _ = self.abandon();
            return Err(e);
        }
        Ok(out)
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
