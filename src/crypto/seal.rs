//! The one age sealing path: recipients, sealing and opening of bytes and streams.
//!
//! Every record body, part and object in a vault is an age v1 file (binary, not armored)
//! encrypted to a list of recipients (FORMAT.md, "Sealed values"). Streams are hashed with
//! SHA-256 while they are encrypted, on a second thread, so the hash costs no wall time on a
//! machine with two cores.
//!
//! Never writes plaintext anywhere: sealing reads plaintext and writes ciphertext; opening
//! writes plaintext only to the writer the caller gives.
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::sync::Arc;

use ring::digest;
use zeroize::Zeroizing;

use crate::crypto::agewriter::AgeWriter;
pub use crate::crypto::recipients::{Recipient, Recipients};
use crate::error::{Error, Result};
use crate::words;

/// Size of the chunks streamed through the hasher and the encryptor.
const CHUNK: usize = 1 << 20;

/// Seals a small value in memory.
pub fn seal_bytes(to: &Recipients, plaintext: &[u8]) -> Result<Vec<u8>> {
    let out = Vec::with_capacity(plaintext.len() + 256);
    let mut w = AgeWriter::new(to, out).map_err(|e| Error::io(words!("d-crypto-sealing"), e))?;
    w.write_all(plaintext)
        .map_err(|e| Error::io(words!("d-crypto-sealing"), e))?;
    w.finish()
        .map_err(|e| Error::io(words!("d-crypto-sealing"), e))
}

/// Why an age value did not open.
#[derive(Debug)]
pub enum OpenFailure {
    /// None of our identities is a recipient.
    NotForUs,
    /// The value is malformed, truncated or fails authentication.
    Corrupt(crate::error::Words),
    /// The scrypt work factor is above what we accept.
    ExcessiveWork { required: u8 },
    /// Reading the ciphertext or writing the plaintext failed.
    Io(io::Error),
}

/// Maps age's error without ever formatting `ExcessiveWork` (its `Display` underflows and
/// panics in debug builds of age 0.12.1; docs/DESIGN.md, "Known traps").
fn classify(e: age::DecryptError) -> OpenFailure {
    use age::DecryptError as D;
    match e {
        D::NoMatchingKeys => OpenFailure::NotForUs,
        D::ExcessiveWork { required, .. } => OpenFailure::ExcessiveWork { required },
        D::Io(io)
            if io.kind() == io::ErrorKind::InvalidData
                || io.kind() == io::ErrorKind::UnexpectedEof =>
        {
            OpenFailure::Corrupt(crate::words!("d-age-ciphertext", why = io.to_string()))
        }
        D::Io(io) => OpenFailure::Io(io),
        D::DecryptionFailed => OpenFailure::Corrupt(crate::words!("d-age-payload")),
        D::InvalidHeader => OpenFailure::Corrupt(crate::words!("d-age-header")),
        D::InvalidMac => OpenFailure::Corrupt(crate::words!("d-age-mac")),
        D::KeyDecryptionFailed => OpenFailure::Corrupt(crate::words!("d-age-file-key")),
        D::UnknownFormat => OpenFailure::Corrupt(crate::words!("d-age-version")),
        _ => OpenFailure::Corrupt(crate::words!("d-age-failed")),
    }
}

/// Opens a small sealed value in memory.
pub fn open_bytes(
    identities: &[&dyn age::Identity],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenFailure> {
    let d = age::Decryptor::new_buffered(ciphertext).map_err(classify)?;
    let mut r = d.decrypt(identities.iter().copied()).map_err(classify)?;
    let mut out = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    r.read_to_end(&mut out)
        .map_err(|e| classify(age::DecryptError::Io(e)))?;
    Ok(out)
}

/// Size and SHA-256 of a stream of plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digest {
    pub size: u64,
    pub sha256: [u8; 32],
}

type Chunk = Arc<Zeroizing<Vec<u8>>>;

/// How many chunk buffers a stream uses at most.
const POOL: usize = 6;

/// Hashes chunks on a helper thread while the caller encrypts or writes them, and hands
/// their buffers back for reuse (allocating and zeroing 1 MiB per chunk cost more than the
/// hashing).
pub struct ConcurrentHasher {
    tx: Option<mpsc::SyncSender<Chunk>>,
    back: mpsc::Receiver<Chunk>,
    allocated: usize,
    handle: Option<std::thread::JoinHandle<Digest>>,
}

impl ConcurrentHasher {
    pub fn new() -> Self {
        let (tx, rx) = mpsc::sync_channel::<Chunk>(POOL);
        let (back_tx, back) = mpsc::channel::<Chunk>();
        let handle = std::thread::spawn(move || {
            let mut ctx = digest::Context::new(&digest::SHA256);
            let mut size = 0u64;
            for chunk in rx {
                ctx.update(&chunk);
                size += chunk.len() as u64;
                let _ = back_tx.send(chunk);
            }
            let mut sha256 = [0u8; 32];
            sha256.copy_from_slice(ctx.finish().as_ref());
            Digest { size, sha256 }
        });
        ConcurrentHasher {
            tx: Some(tx),
            back,
            allocated: 0,
            handle: Some(handle),
        }
    }

    /// A buffer to read the next chunk into: a recycled one, or a new one while the pool
    /// is not full. The caller must have dropped its handles on earlier chunks.
    pub fn buffer(&mut self) -> Zeroizing<Vec<u8>> {
        let recycled = if self.allocated < POOL {
            self.back.try_recv().ok()
        } else {
            self.back.recv().ok()
        };
        match recycled.map(Arc::try_unwrap) {
            Some(Ok(buf)) => buf,
            _ => {
                self.allocated += 1;
                Zeroizing::new(Vec::with_capacity(CHUNK))
            }
        }
    }

    pub fn update(&self, chunk: Chunk) {
        if let Some(tx) = &self.tx {
            // The hasher only stops when we drop the sender, so sending cannot fail.
            let _ = tx.send(chunk);
        }
    }

    pub fn finish(mut self) -> Digest {
        drop(self.tx.take());
        self.handle
            .take()
            .expect("finish is called once")
            .join()
            .expect("the hashing thread does not panic")
    }
}

impl Default for ConcurrentHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads up to `CHUNK` bytes (fewer only at end of input).
fn read_chunk(input: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    buf.resize(CHUNK, 0);
    let mut filled = 0;
    while filled < CHUNK {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(())
}

/// Errors of a stream operation, separating the two sides so callers can blame the right one.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
}

/// Seals `prefix` followed by the rest of `input` to `to`, then the padding of their length
/// ([`crate::crypto::pad`]), writing ciphertext to `output`: an object file (FORMAT.md, "Objects").
/// Returns the plaintext's size and SHA-256 (of the content, not the padding), computed
/// concurrently with the encryption.
pub fn seal_stream<W: Write>(
    to: &Recipients,
    prefix: &[u8],
    input: &mut dyn Read,
    output: W,
) -> Result<(Digest, W), StreamError> {
    let mut w = AgeWriter::new(to, output).map_err(StreamError::Write)?;
    let mut hasher = ConcurrentHasher::new();
    let mut size = prefix.len() as u64;
    if !prefix.is_empty() {
        hasher.update(Arc::new(Zeroizing::new(prefix.to_vec())));
        w.write_all(prefix).map_err(StreamError::Write)?;
    }
    loop {
        let mut buf = hasher.buffer();
        read_chunk(input, &mut buf).map_err(StreamError::Read)?;
        if buf.is_empty() {
            break;
        }
        size += buf.len() as u64;
        let chunk = Arc::new(buf);
        hasher.update(Arc::clone(&chunk));
        w.write_all(&chunk).map_err(StreamError::Write)?;
    }
    crate::crypto::pad::write_padding(&mut w, size).map_err(StreamError::Write)?;
    let out = w.finish().map_err(StreamError::Write)?;
    Ok((hasher.finish(), out))
}

/// Copies an opened part's plaintext to `output`, hashing it on a helper thread. Plaintext
/// may have been written before a read fails (a part that does not authenticate), so callers
/// that write to a file must write to a temporary name and commit only on success.
pub fn copy_hashing(input: &mut dyn Read, output: &mut dyn Write) -> Result<Digest, StreamError> {
    let mut hasher = ConcurrentHasher::new();
    loop {
        let mut buf = hasher.buffer();
        read_chunk(input, &mut buf).map_err(StreamError::Read)?;
        if buf.is_empty() {
            break;
        }
        let chunk = Arc::new(buf);
        hasher.update(Arc::clone(&chunk));
        output.write_all(&chunk).map_err(StreamError::Write)?;
    }
    Ok(hasher.finish())
}

/// The reading end of [`spawn_hashing_reader`].
pub struct PipeReader {
    rx: mpsc::Receiver<io::Result<Zeroizing<Vec<u8>>>>,
    back: mpsc::Sender<Zeroizing<Vec<u8>>>,
    cur: Zeroizing<Vec<u8>>,
    pos: usize,
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(Ok(next)) => {
                    let done = std::mem::replace(&mut self.cur, next);
                    let _ = self.back.send(done);
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads (and so decrypts) `input` on a helper thread of `scope`, hashing it there, while
/// the caller consumes the plaintext from the returned pipe. The handle yields the size and
/// SHA-256 of everything read. Drop the pipe before joining if you stop reading early.
pub fn spawn_hashing_reader<'s, 'e: 's>(
    scope: &'s std::thread::Scope<'s, 'e>,
    mut input: Box<dyn Read + Send + 'e>,
) -> (
    PipeReader,
    std::thread::ScopedJoinHandle<'s, io::Result<Digest>>,
) {
    let (tx, rx) = mpsc::sync_channel::<io::Result<Zeroizing<Vec<u8>>>>(3);
    let (back, back_rx) = mpsc::channel::<Zeroizing<Vec<u8>>>();
    let handle = scope.spawn(move || {
        let mut ctx = digest::Context::new(&digest::SHA256);
        let mut size = 0u64;
        loop {
            let mut buf = back_rx
                .try_recv()
                .unwrap_or_else(|_| Zeroizing::new(Vec::new()));
            if let Err(e) = read_chunk(&mut input, &mut buf) {
                let kind = e.kind();
                let msg = e.to_string();
                let _ = tx.send(Err(e));
                return Err(io::Error::new(kind, msg));
            }
            if buf.is_empty() {
                break;
            }
            ctx.update(&buf);
            size += buf.len() as u64;
            if tx.send(Ok(buf)).is_err() {
                return Err(io::Error::other("the consumer stopped reading"));
            }
        }
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(ctx.finish().as_ref());
        Ok(Digest { size, sha256 })
    });
    (
        PipeReader {
            rx,
            back,
            cur: Zeroizing::new(Vec::new()),
            pos: 0,
        },
        handle,
    )
}

/// SHA-256 of a byte slice.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    out
}

/// The SHA-256 of everything `r` yields, and its length, read in 1 MiB pieces.
pub fn sha256_read(mut r: impl Read) -> io::Result<([u8; 32], u64)> {
    let mut ctx = digest::Context::new(&digest::SHA256);
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            let mut out = [0u8; 32];
            out.copy_from_slice(ctx.finish().as_ref());
            return Ok((out, len));
        }
        ctx.update(&buf[..n]);
        len += n as u64;
    }
}

/// Reads at most `limit` bytes; returns them and whether the input ended within the limit.
pub fn read_up_to(input: &mut dyn Read, limit: usize) -> io::Result<(Zeroizing<Vec<u8>>, bool)> {
    let mut buf = Zeroizing::new(Vec::with_capacity(limit.min(CHUNK) + 1));
    let n = input.take(limit as u64 + 1).read_to_end(&mut buf)?;
    let ended = n <= limit;
    Ok((buf, ended))
}

/// A `BufRead` adaptor is what age's fast header parser wants; re-exported for callers.
pub fn buffered<R: Read>(r: R) -> impl BufRead {
    BufReader::with_capacity(CHUNK, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (age::x25519::Identity, Recipients) {
        let id = age::x25519::Identity::generate();
        let r = Recipients::parse_all(&[id.to_public().to_string()]).unwrap();
        (id, r)
    }

    #[test]
    fn bytes_round_trip() {
        let (id, to) = pair();
        let c = seal_bytes(&to, b"testimony").unwrap();
        assert_eq!(&open_bytes(&[&id], &c).unwrap()[..], b"testimony");
    }

    #[test]
    fn stream_round_trip_hashes_plaintext() {
        let (id, to) = pair();
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let (d, ct) = seal_stream(&to, &data[..5], &mut &data[5..], Vec::new()).unwrap();
        assert_eq!(d.size, data.len() as u64);
        assert_eq!(d.sha256, sha256(&data));
        let plain = open_bytes(&[&id], &ct).unwrap();
        // The object's plaintext is the content padded to its class.
        assert_eq!(
            plain.len() as u64,
            crate::crypto::pad::padded_len(data.len() as u64)
        );
        assert_eq!(crate::crypto::pad::unpad(&plain), Some(&data[..]));
        let mut out = Vec::new();
        let mut unpadded = crate::crypto::pad::Unpadded::new(&plain[..], data.len() as u64);
        let d2 = copy_hashing(&mut unpadded, &mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(d2, d);
    }

    #[test]
    fn other_identity_is_not_for_us() {
        let (_, to) = pair();
        let c = seal_bytes(&to, b"x").unwrap();
        let other = age::x25519::Identity::generate();
        assert!(matches!(
            open_bytes(&[&other], &c),
            Err(OpenFailure::NotForUs)
        ));
    }

    #[test]
    fn flipped_byte_is_corrupt() {
        let (id, to) = pair();
        let mut c = seal_bytes(&to, b"some testimony text").unwrap();
        let n = c.len();
        c[n - 3] ^= 1;
        assert!(matches!(
            open_bytes(&[&id], &c),
            Err(OpenFailure::Corrupt(_))
        ));
    }

    #[test]
    fn recipients_parse_and_refuse() {
        assert!(Recipient::parse("ssh-rsa AAAA").is_err());
        assert!(Recipient::parse("age1notvalid").is_err());
        let id = age::x25519::Identity::generate();
        let s = id.to_public().to_string();
        assert_eq!(Recipient::parse(&format!("  {s} ")).unwrap().as_str(), s);
    }
}
