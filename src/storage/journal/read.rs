//! Reading a whole journal forward, for `rebuild` and the journal's own rewrite: frame by
//! frame, holding at most one in memory, skipping damage to the next frame's magic.
use std::fs::File;
use std::io::{self, Read};

use super::*;
use crate::error::Words;
use crate::words;

/// What reading a whole journal found.
#[derive(Debug, Default)]
pub struct Reading {
    /// The vault id frame 0 names.
    pub vault_id: Option<[u8; 16]>,
    /// Frames read, frame 0 included.
    pub frames: u64,
    /// The last frame's number.
    pub last: u64,
    /// Where the last frame starts, and the journal's id: with `last`, the state a database
    /// that applied every frame records (FORMAT.md 15.3).
    pub last_at: u64,
    pub jid: [u8; 16],
    /// Damage: each a frame number (or range) and what was wrong, in file order.
    pub damage: Vec<Words>,
}

/// A forward reader over the journal that holds at most one frame (and some read-ahead)
/// in memory.
struct Stream<R> {
    inner: R,
    buf: Vec<u8>,
    /// Where the unread bytes start in `buf`.
    pos: usize,
    /// File offset of `buf[pos]`.
    at: u64,
    eof: bool,
}

impl<R: Read> Stream<R> {
    /// The bytes read ahead, not yet consumed.
    fn data(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Makes at least `n` bytes available; false if the file ends first.
    fn fill(&mut self, n: usize) -> io::Result<bool> {
        if self.buf.len() - self.pos >= n {
            return Ok(true);
        }
        // Move what is left to the front once, not at every frame.
        self.buf.drain(..self.pos);
        self.pos = 0;
        while self.buf.len() < n && !self.eof {
            // In steps: a damaged length field must not allocate what the file does not hold.
            let want = (n - self.buf.len()).clamp(64 << 10, 4 << 20);
            let old = self.buf.len();
            self.buf.resize(old + want, 0);
            let got = loop {
                match self.inner.read(&mut self.buf[old..]) {
                    Ok(g) => break g,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.buf.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(old + got);
            self.eof = got == 0;
        }
        Ok(self.buf.len() >= n)
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
        self.at += n as u64;
    }

    /// Skips to the next frame magic after the current byte; false at the end.
    fn skip_to_frame(&mut self) -> io::Result<bool> {
        self.consume(1.min(self.data().len()));
        loop {
            let next = [FRAME_MAGIC, GROUP_MAGIC]
                .iter()
                .filter_map(|m| memchr::memmem::find(self.data(), &m[..]))
                .min();
            if let Some(i) = next {
                self.consume(i);
                return Ok(true);
            }
            // Keep a possible partial magic at the end.
            let keep = self.data().len().min(FRAME_MAGIC.len() - 1);
            self.consume(self.data().len() - keep);
            if !self.fill(keep + 1)? {
                let n = self.data().len();
                self.consume(n);
                return Ok(false);
            }
        }
    }
}

/// Reads every frame of a journal in order, handing the operations of each intact frame to
/// `apply`. A frame that does not authenticate is reported and skipped: the reader looks for
/// the next frame magic after it.
pub fn read_all(
    input: &mut dyn Read,
    key: &SymmetricKey,
    apply: &mut dyn FnMut(Vec<Op>) -> io::Result<()>,
) -> io::Result<Reading> {
    read_frames(input, key, &mut |_, ops| apply(ops))
}

/// An intact frame as [`read_frames`] hands it over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameRead {
    pub seq: u64,
    /// Its offset in the file.
    pub at: u64,
    /// An `AJG1` frame: of a group, and not its last.
    pub grouped: bool,
}

/// [`read_all`], telling `apply` which frame each set of operations is.
pub fn read_frames(
    input: &mut dyn Read,
    key: &SymmetricKey,
    apply: &mut dyn FnMut(FrameRead, Vec<Op>) -> io::Result<()>,
) -> io::Result<Reading> {
    let mut s = Stream {
        // Stream reads ahead in steps of 64 KiB to 4 MiB itself.
        inner: input,
        buf: Vec::new(),
        pos: 0,
        at: 0,
        eof: false,
    };
    let mut r = Reading::default();
    if !s.fill(HEADER_LEN as usize)? || &s.data()[..FILE_MAGIC.len()] != FILE_MAGIC {
        r.damage.push(words!("d-journal-header"));
        return Ok(r);
    }
    let jid: [u8; 16] = s.data()[FILE_MAGIC.len()..HEADER_LEN as usize]
        .try_into()
        .expect("16 bytes");
    s.consume(HEADER_LEN as usize);
    r.jid = jid;
    let mut expect = 0u64;
    let mut skipping_from: Option<u64> = None;
    loop {
        if !s.fill(1)? {
            break;
        }
        if s.fill(CONFIRM_LEN as usize)? && s.data().starts_with(CONFIRM_MAGIC) {
            let seq = u64::from_be_bytes(s.data()[4..12].try_into().expect("8 bytes"));
            if skipping_from.is_none() && (r.frames == 0 || seq != r.last) {
                r.damage
                    .push(words!("d-journal-confirmation", byte = s.at, frame = seq));
            }
            s.consume(CONFIRM_LEN as usize);
            continue;
        }
        let mut parsed = None;
        if s.fill(FRAME_HEAD as usize)?
            && (s.data().starts_with(FRAME_MAGIC) || s.data().starts_with(GROUP_MAGIC))
        {
            let seq = u64::from_be_bytes(s.data()[4..12].try_into().expect("8 bytes"));
            let n = u32::from_be_bytes(s.data()[12..16].try_into().expect("4 bytes")) as u64;
            let size = (FRAME_HEAD + n) as usize;
            if n <= MAX_FRAME && s.fill(size)? {
                let sealed = &s.data()[FRAME_HEAD as usize..size];
                let magic = &s.data()[..4];
                if let Ok(body) = key.open(Domain::Journal, &aad_of(magic, &jid, seq), sealed) {
                    parsed = Some((seq, size, body, magic == GROUP_MAGIC));
                }
            }
        }
        let Some((seq, size, body, grouped)) = parsed else {
            skipping_from.get_or_insert(s.at);
            if !s.skip_to_frame()? {
                break;
            }
            continue;
        };
        let damaged_before = skipping_from.take();
        if let Some(from) = damaged_before {
            let lost = if seq == expect + 1 {
                words!("d-journal-frame-lost", frame = expect)
            } else if seq > expect {
                words!("d-journal-frames-lost", first = expect, last = seq - 1)
            } else {
                words!("d-journal-no-frame-lost")
            };
            r.damage.push(words!(
                "d-journal-bytes-damaged",
                from = from,
                to = s.at,
                lost = lost
            ));
        }
        if seq < expect {
            r.damage.push(words!(
                "d-journal-frame-again",
                frame = seq,
                after = expect - 1
            ));
            s.consume(size);
            continue;
        }
        if seq > expect && damaged_before.is_none() {
            r.damage.push(words!(
                "d-journal-frames-missing",
                first = expect,
                last = seq - 1
            ));
        }
        if seq == 0 {
            r.vault_id = body.as_slice().try_into().ok();
        } else {
            let ops = decode_ops(&body).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, "a journal frame is malformed")
            })?;
            let at = s.at;
            apply(FrameRead { seq, at, grouped }, ops)?;
        }
        r.frames += 1;
        r.last = seq;
        r.last_at = s.at;
        expect = seq + 1;
        s.consume(size);
    }
    if let Some(from) = skipping_from {
        r.damage.push(words!(
            "d-journal-end-damaged",
            from = from,
            to = s.at,
            first = expect
        ));
    }
    Ok(r)
}

/// Opens frame 0 at its place after the header: the vault id, if the frame authenticates
/// under `key`.
pub fn vault_of(file: &File, key: &SymmetricKey) -> Option<[u8; 16]> {
    let jid = file_id(file)?;
    let len = file.metadata().ok()?.len();
    let (seq, end) = frame_at(file, HEADER_LEN, len)?;
    if seq != 0 {
        return None;
    }
    let mut sealed = vec![0u8; (end - HEADER_LEN - FRAME_HEAD) as usize];
    file.read_exact_at(&mut sealed, HEADER_LEN + FRAME_HEAD)
        .ok()?;
    let body = key.open(Domain::Journal, &aad(&jid, 0), &sealed).ok()?;
    body.as_slice().try_into().ok()
}
