//! Writing age v1 files (<https://age-encryption.org/v1>) with ring's primitives.
//!
//! The `age` crate encrypts the payload with the RustCrypto ChaCha20-Poly1305 and wraps file
//! keys for X25519 recipients with curve25519-dalek's portable ladder; on this project's
//! machines that made `add` of a large file reach only 0.6–0.7x of the Go `age` CLI, and
//! the ladder was the largest single cost of `ingest` (docs/BENCHMARKS.md). ring's
//! assembly implementations of the same primitives are several times faster. The format is
//! unchanged: every file written here is read by the `age` crate (which checks the header
//! MAC and every chunk) and by the Go `age` CLI in the tests.
//!
//! What is written, exactly (FORMAT.md, section 6):
//!
//! - a random 16-byte file key;
//! - for each `age1…` recipient an `X25519` stanza: an ephemeral key pair, the shared secret
//!   with the recipient (by precomputed tables, see `RecipientTable`; by ring's ladder
//!   for a key that has none, where ring refuses an all-zero secret), `wrap key =
//!   HKDF-SHA256(salt = ephemeral share ‖ recipient, ikm = shared secret, info =
//!   "age-encryption.org/v1/X25519")`,
//!   body = ChaCha20-Poly1305(wrap key, nonce 0, file key); for each `ssh-ed25519` recipient
//!   the stanza the `age` crate makes (its own `wrap_file_key`);
//! - the header MAC, HMAC-SHA256 keyed with `HKDF(salt = "", ikm = file key, info =
//!   "header")` over the header up to and including `---`;
//! - a random 16-byte nonce, then the STREAM payload under `HKDF(salt = nonce, ikm = file
//!   key, info = "payload")`: 64 KiB chunks, each sealed with the nonce `counter (11 bytes,
//!   big-endian) ‖ last-chunk flag`; the last chunk is full or shorter but never empty unless
//!   the whole plaintext is.
use std::io::{self, Write};

use base64::prelude::{Engine, BASE64_STANDARD_NO_PAD};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{agreement, hkdf, hmac};
use zeroize::Zeroizing;

use crate::crypto::recipients::{RecipientTable, Recipients};
use crate::error::{Error, Result};
use crate::words;

/// Plaintext bytes per payload chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const X25519_INFO: &[u8] = b"age-encryption.org/v1/X25519";

fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    hkdf::Salt::new(hkdf::HKDF_SHA256, salt)
        .extract(ikm)
        .expand(&[info], hkdf::HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut out[..]))
        .expect("32 bytes is HKDF-SHA256's output length");
    out
}

fn chacha(key: &[u8; 32]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&aead::CHACHA20_POLY1305, key).expect("32-byte key"))
}

/// One stanza: `-> TAG ARGS…`, then the body in base64 lines of 64 columns, the last line
/// shorter than 64 (empty if need be).
fn push_stanza(out: &mut Vec<u8>, tag: &str, args: &[String], body: &[u8]) {
    out.extend_from_slice(b"-> ");
    out.extend_from_slice(tag.as_bytes());
    for a in args {
        out.push(b' ');
        out.extend_from_slice(a.as_bytes());
    }
    out.push(b'\n');
    let b64 = BASE64_STANDARD_NO_PAD.encode(body);
    let mut rest = b64.as_bytes();
    loop {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.extend_from_slice(line);
        out.push(b'\n');
        if line.len() < 64 {
            break;
        }
        rest = tail;
    }
}

fn wrap_failed() -> Error {
    Error::Invalid(words!("d-crypto-wrap-failed"))
}

/// The ephemeral share and the wrap key of a new X25519 stanza to `recipient`.
pub(crate) fn x25519_wrap(
    recipient: &[u8; 32],
    table: Option<&RecipientTable>,
) -> Result<([u8; 32], Zeroizing<[u8; 32]>)> {
    let rng = SystemRandom::new();
    let salt = |share: &[u8; 32]| {
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(share);
        salt[32..].copy_from_slice(recipient);
        salt
    };
    if let Some(t) = table {
        let mut esk = Zeroizing::new([0u8; 32]);
        rng.fill(&mut esk[..]).map_err(|_| wrap_failed())?;
        let (share, shared) = t.agree(&esk);
        // Cannot happen for a key with a table (it is not of small order); refused as ring
        // refuses it.
        if *shared == [0u8; 32] {
            return Err(wrap_failed());
        }
        return Ok((share, hkdf32(&salt(&share), &shared[..], X25519_INFO)));
    }
    let esk = agreement::EphemeralPrivateKey::generate(&agreement::X25519, &rng)
        .map_err(|_| wrap_failed())?;
    let epk = esk.compute_public_key().map_err(|_| wrap_failed())?;
    let share: [u8; 32] = epk.as_ref().try_into().map_err(|_| wrap_failed())?;
    // ring rejects a shared secret of all zeroes (a low-order recipient key).
    let wrap_key = agreement::agree_ephemeral(
        esk,
        &agreement::UnparsedPublicKey::new(&agreement::X25519, recipient),
        |shared| hkdf32(&salt(&share), shared, X25519_INFO),
    )
    .map_err(|_| wrap_failed())?;
    Ok((share, wrap_key))
}

/// The X25519 stanza for a recipient's public key.
fn x25519_stanza(
    out: &mut Vec<u8>,
    recipient: &[u8; 32],
    table: Option<&RecipientTable>,
    file_key: &[u8; 16],
) -> Result<()> {
    let (share, wrap_key) = x25519_wrap(recipient, table)?;
    let mut body = file_key.to_vec();
    chacha(&wrap_key)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key([0; 12]),
            Aad::empty(),
            &mut body,
        )
        .map_err(|_| wrap_failed())?;
    push_stanza(
        out,
        "X25519",
        &[BASE64_STANDARD_NO_PAD.encode(share)],
        &body,
    );
    Ok(())
}

/// The whole header for `to`, MAC included.
fn header(to: &Recipients, file_key: &[u8; 16]) -> Result<Vec<u8>> {
    let mut h = b"age-encryption.org/v1\n".to_vec();
    for r in to.list() {
        match r.x25519_bytes() {
            Some(pk) => x25519_stanza(&mut h, pk, r.x25519_table(), file_key)?,
            None => {
                let fk = age_core::format::FileKey::new(Box::new(*file_key));
                let (stanzas, _) = r.as_age().wrap_file_key(&fk).map_err(|e| {
                    Error::Invalid(words!(
                        "d-crypto-encrypt-to",
                        recipient = r.as_str(),
                        why = e.to_string()
                    ))
                })?;
                for s in stanzas {
                    push_stanza(&mut h, &s.tag, &s.args, &s.body);
                }
            }
        }
    }
    h.extend_from_slice(b"---");
    let mac_key = hkdf32(&[], file_key, b"header");
    let mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &mac_key[..]), &h);
    h.push(b' ');
    h.extend_from_slice(BASE64_STANDARD_NO_PAD.encode(mac.as_ref()).as_bytes());
    h.push(b'\n');
    Ok(h)
}

/// Encrypts what is written to it into an age file on `inner`. [`AgeWriter::finish`] must
/// be called, or the file is truncated (and does not decrypt).
pub struct AgeWriter<W: Write> {
    inner: W,
    key: LessSafeKey,
    counter: u64,
    /// Plaintext of the current chunk, then (briefly) its ciphertext and tag, at
    /// `buf[SKEW..SKEW + len]`.
    buf: Zeroizing<Vec<u8>>,
    len: usize,
}

/// Where a chunk starts in its buffer. Copies between two buffers at the same offset modulo
/// the page size run at a fraction of their speed on this machine (4K aliasing): with
/// mimalloc, whose large blocks are page-aligned, a 1 GiB add took 40% more CPU in its
/// copies until the chunk was moved off the page boundary.
const SKEW: usize = 1088;

impl<W: Write> AgeWriter<W> {
    /// Writes the header and the payload nonce to `inner`.
    pub fn new(to: &Recipients, mut inner: W) -> Result<AgeWriter<W>, io::Error> {
        let file_key: Zeroizing<[u8; 16]> = Zeroizing::new(crate::crypto::random_bytes());
        let h = header(to, &file_key).map_err(|e| io::Error::other(e.to_string()))?;
        let nonce: [u8; 16] = crate::crypto::random_bytes();
        inner.write_all(&h)?;
        inner.write_all(&nonce)?;
        let payload_key = hkdf32(&nonce, &file_key[..], b"payload");
        Ok(AgeWriter {
            inner,
            key: chacha(&payload_key),
            counter: 0,
            // Grown as data arrives: a small record does not pay for a whole chunk.
            buf: Zeroizing::new(Vec::with_capacity(SKEW + CHUNK + TAG)),
            len: 0,
        })
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        let mut n = [0u8; 12];
        n[3..11].copy_from_slice(&self.counter.to_be_bytes());
        n[11] = u8::from(last);
        let end = SKEW + self.len;
        if self.buf.len() < end + TAG {
            self.buf.resize(end + TAG, 0);
        }
        let tag = self
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(n),
                Aad::empty(),
                &mut self.buf[SKEW..end],
            )
            .map_err(|_| io::Error::other("chunk encryption failed"))?;
        self.buf[end..end + TAG].copy_from_slice(tag.as_ref());
        self.inner.write_all(&self.buf[SKEW..end + TAG])?;
        self.len = 0;
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| io::Error::other("the age stream is too long"))?;
        Ok(())
    }

    /// Seals the last chunk and returns the inner writer (not flushed to disk).
    pub fn finish(mut self) -> io::Result<W> {
        self.seal_chunk(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for AgeWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        // A full chunk is sealed only once more data follows: the last chunk must carry
        // the flag, and only an empty plaintext may end with an empty chunk.
        if self.len == CHUNK {
            self.seal_chunk(false)?;
        }
        let n = data.len().min(CHUNK - self.len);
        let at = SKEW + self.len;
        if self.buf.len() < at + n {
            self.buf.resize(at + n, 0);
        }
        self.buf[at..at + n].copy_from_slice(&data[..n]);
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::seal::{open_bytes, Recipient};
    use curve25519_dalek::montgomery::MontgomeryPoint;
    use std::io::Read;

    fn round_trip(to: &Recipients, id: &dyn age::Identity, len: usize) {
        let plain: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let mut w = AgeWriter::new(to, Vec::new()).unwrap();
        // Odd write sizes cross chunk boundaries everywhere.
        for piece in plain.chunks(10_007) {
            w.write_all(piece).unwrap();
        }
        let out = w.finish().unwrap();
        let chunks = len.div_ceil(CHUNK).max(1);
        let header_end = out.windows(4).position(|w| w == b"--- ").unwrap();
        let header_len = header_end + 4 + 43 + 1;
        assert_eq!(out.len(), header_len + 16 + len + chunks * TAG, "len {len}");
        let back = open_bytes(&[id], &out).unwrap();
        assert_eq!(&back[..], &plain[..], "len {len}");
        // A flipped payload byte, or a cut, fails authentication.
        let mut bad = out.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(open_bytes(&[id], &bad).is_err());
        if len > 0 {
            assert!(open_bytes(&[id], &out[..out.len() - TAG - 1]).is_err());
        }
    }

    #[test]
    fn the_age_crate_reads_what_it_writes_at_every_chunk_boundary() {
        let id = age::x25519::Identity::generate();
        let to =
            Recipients::new(vec![Recipient::parse(&id.to_public().to_string()).unwrap()]).unwrap();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5] {
            round_trip(&to, &id, len);
        }
    }

    #[test]
    fn ssh_ed25519_and_several_recipients_each_open_it() {
        let a = age::x25519::Identity::generate();
        // A throwaway key from the real ssh-keygen (the interoperability tests need it too).
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id");
        let st = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(st.success());
        let ssh_public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        let ssh_id = age::ssh::Identity::from_buffer(
            std::io::BufReader::new(std::fs::File::open(&key).unwrap()),
            None,
        )
        .unwrap();
        let to = Recipients::parse_all(&[a.to_public().to_string(), ssh_public.trim().to_string()])
            .unwrap();
        round_trip(&to, &a, 1000);
        round_trip(&to, &ssh_id, 1000);
        // And through the age crate's streaming reader.
        let mut w = AgeWriter::new(&to, Vec::new()).unwrap();
        w.write_all(b"hello").unwrap();
        let out = w.finish().unwrap();
        let d = age::Decryptor::new(&out[..]).unwrap();
        let mut r = d
            .decrypt(std::iter::once(&ssh_id as &dyn age::Identity))
            .unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello");
    }

    /// X25519 by the Montgomery ladder: the reference for the tables.
    fn ladder(k: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
        MontgomeryPoint(*u).mul_clamped(*k).0
    }

    #[test]
    fn a_recipient_table_computes_x25519_exactly() {
        use curve25519_dalek::constants::{EIGHT_TORSION, X25519_BASEPOINT};
        let rng = SystemRandom::new();
        let random = || {
            let mut b = [0u8; 32];
            rng.fill(&mut b).unwrap();
            b
        };
        for i in 0..64 {
            let secret = random();
            let honest = X25519_BASEPOINT.mul_clamped(secret);
            // Also keys with a small-order component, which the clamped scalar removes.
            let recipient = match i % 2 {
                0 => honest.0,
                _ => {
                    (honest.to_edwards(0).unwrap() + EIGHT_TORSION[1 + i % 7])
                        .to_montgomery()
                        .0
                }
            };
            let table = RecipientTable::new(&recipient).expect("a point of the curve");
            let esk = random();
            let (share, shared) = table.agree(&esk);
            assert_eq!(share, ladder(&esk, &X25519_BASEPOINT.0));
            assert_eq!(*shared, ladder(&esk, &recipient));
            // And what the recipient computes from the share is the same secret.
            if i % 2 == 0 {
                assert_eq!(*shared, ladder(&secret, &share));
            }
        }
    }

    #[test]
    fn small_order_and_twist_keys_take_rings_ladder_which_refuses_them() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        for t in EIGHT_TORSION.iter() {
            let u = t.to_montgomery().0;
            assert!(RecipientTable::new(&u).is_none());
            assert!(x25519_wrap(&u, None).is_err(), "u = {}", hex::encode(u));
        }
        // u = 2 is not on the curve (2^3 + 486662·2^2 + 2 is not a square mod p): a point
        // of the twist, which keeps the ladder.
        let mut twist = [0u8; 32];
        twist[0] = 2;
        assert!(RecipientTable::new(&twist).is_none());
        assert!(x25519_wrap(&twist, None).is_ok());
    }

    #[test]
    fn long_bodies_wrap_at_64_columns() {
        let mut out = Vec::new();
        push_stanza(&mut out, "t", &["a".into()], &[7u8; 48]);
        assert_eq!(
            out,
            format!("-> t a\n{}\n\n", "BwcH".repeat(16)).into_bytes()
        );
        out.clear();
        push_stanza(&mut out, "t", &[], &[7u8; 50]);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].len(), 64);
        assert!(lines[2].len() < 64);
    }
}
