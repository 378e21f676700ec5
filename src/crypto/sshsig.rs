//! OpenSSH signatures (`PROTOCOL.sshsig`) with Ed25519, made with ed25519-dalek (see
//! [`BatchSigner`]) and checked with ring.
//!
//! Signed data: `"SSHSIG" || string(namespace) || string("") || string("sha512") ||
//! string(SHA-512(message))`. Signature blob: `"SSHSIG" || u32(1) || string(public key blob)
//! || string(namespace) || string("") || string("sha512") || string(string("ssh-ed25519") ||
//! string(signature))`, base64 inside `-----BEGIN SSH SIGNATURE-----` armor. Such a signature
//! verifies with `ssh-keygen -Y verify`.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::digest;
use ring::signature::{self, UnparsedPublicKey};
use zeroize::Zeroizing;

use crate::crypto::sshkey::{ed25519_blob, put_string};
use crate::error::Words;
use crate::words;

/// The namespace of bundle manifests.
pub const NAMESPACE_BUNDLE: &str = "amanat-bundle-v1";

const MAGIC: &[u8] = b"SSHSIG";
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";

/// Why a signature did not verify.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("the signature is malformed")]
    Malformed,
    #[error("the signature is for namespace {0:?}, not the expected one")]
    Namespace(String),
    #[error("the signature uses an unsupported key or hash")]
    Unsupported,
    #[error("the signature does not match the signed data")]
    Invalid,
}

impl SigError {
    /// Why, in words (the `Display` is their English).
    pub fn words(&self) -> Words {
        match self {
            SigError::Malformed => words!("d-sig-malformed"),
            SigError::Namespace(ns) => words!("d-sig-namespace", namespace = format!("{ns:?}")),
            SigError::Unsupported => words!("d-sig-unsupported"),
            SigError::Invalid => words!("d-sig-invalid"),
        }
    }
}

fn signed_data(namespace: &str, message: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(128);
    d.extend_from_slice(MAGIC);
    put_string(&mut d, namespace.as_bytes());
    put_string(&mut d, b"");
    put_string(&mut d, b"sha512");
    put_string(&mut d, digest::digest(&digest::SHA512, message).as_ref());
    d
}

/// Signs `message` in `namespace` with the Ed25519 key whose seed is given; returns the
/// armored signature.
pub fn sign(seed: &Zeroizing<[u8; 32]>, namespace: &str, message: &[u8]) -> String {
    let (public, sig) = sign_raw(seed, namespace, message);
    armor(&public, namespace, &sig)
}

/// Signs as [`sign`] does; returns the public key and the bare 64-byte Ed25519 signature.
pub fn sign_raw(
    seed: &Zeroizing<[u8; 32]>,
    namespace: &str,
    message: &[u8],
) -> ([u8; 32], [u8; 64]) {
    let signer = BatchSigner::new(seed);
    (signer.public(), signer.sign_raw(namespace, message))
}

/// An Ed25519 signing key built from its seed once for a batch of signatures.
///
/// Signing is ed25519-dalek's, over curve25519-dalek's constant-time table of the base
/// point: about 20 µs a signature here where ring's took 35 (docs/BENCHMARKS.md). Ed25519
/// is deterministic, so the signatures are byte for byte those of ring (tests compare
/// them), and the key is wiped when the signer is dropped, which ring's key pair was not.
/// Verification stays with ring.
pub struct BatchSigner(ed25519_dalek::SigningKey);

impl BatchSigner {
    pub fn new(seed: &Zeroizing<[u8; 32]>) -> BatchSigner {
        BatchSigner(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The public key.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// As [`sign_raw`], without building the key again.
    pub fn sign_raw(&self, namespace: &str, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.0.sign(&signed_data(namespace, message)).to_bytes()
    }
}

/// Checks a bare signature made by [`sign_raw`].
pub fn verify_raw(public: &[u8; 32], namespace: &str, message: &[u8], sig: &[u8]) -> bool {
    UnparsedPublicKey::new(&signature::ED25519, public)
        .verify(&signed_data(namespace, message), sig)
        .is_ok()
}

/// The armored SSHSIG form of a bare signature, as `ssh-keygen -Y verify` reads it.
pub fn armor(public: &[u8; 32], namespace: &str, sig: &[u8; 64]) -> String {
    let mut inner = Vec::new();
    put_string(&mut inner, b"ssh-ed25519");
    put_string(&mut inner, sig);
    let mut blob = Vec::new();
    blob.extend_from_slice(MAGIC);
    blob.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut blob, &ed25519_blob(public));
    put_string(&mut blob, namespace.as_bytes());
    put_string(&mut blob, b"");
    put_string(&mut blob, b"sha512");
    put_string(&mut blob, &inner);
    let b64 = STANDARD.encode(&blob);
    let mut out = String::from(BEGIN);
    out.push('\n');
    for line in b64.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SigError> {
        if self.0.len() < n {
            return Err(SigError::Malformed);
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, SigError> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn string(&mut self) -> Result<&'a [u8], SigError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

/// Parses an `ssh-ed25519` public key blob into the 32-byte key.
pub fn parse_ed25519_blob(blob: &[u8]) -> Option<[u8; 32]> {
    let mut c = Cursor(blob);
    if c.string().ok()? != b"ssh-ed25519" {
        return None;
    }
    let pk = c.string().ok()?;
    if !c.0.is_empty() {
        return None;
    }
    pk.try_into().ok()
}

/// Parses an `ssh-ed25519 BASE64 [comment]` line into the 32-byte key.
pub fn parse_ed25519_line(line: &str) -> Option<[u8; 32]> {
    let mut it = line.split_whitespace();
    if it.next()? != "ssh-ed25519" {
        return None;
    }
    parse_ed25519_blob(&STANDARD.decode(it.next()?).ok()?)
}

/// Verifies an armored signature over `message` in `namespace`; returns the signer's key.
/// The caller decides whether that key is one it trusts.
pub fn verify(armored: &str, namespace: &str, message: &[u8]) -> Result<[u8; 32], SigError> {
    let body = armored.trim();
    let body = body
        .strip_prefix(BEGIN)
        .and_then(|b| b.strip_suffix(END))
        .ok_or(SigError::Malformed)?;
    let b64: String = body.split_whitespace().collect();
    let blob = STANDARD.decode(b64).map_err(|_| SigError::Malformed)?;
    let mut c = Cursor(&blob);
    if c.take(6)? != MAGIC || c.u32()? != 1 {
        return Err(SigError::Malformed);
    }
    let public = parse_ed25519_blob(c.string()?).ok_or(SigError::Unsupported)?;
    let ns = c.string()?;
    if ns != namespace.as_bytes() {
        return Err(SigError::Namespace(
            String::from_utf8_lossy(ns).into_owned(),
        ));
    }
    let _reserved = c.string()?;
    if c.string()? != b"sha512" {
        return Err(SigError::Unsupported);
    }
    let mut inner = Cursor(c.string()?);
    if !c.0.is_empty() {
        return Err(SigError::Malformed);
    }
    if inner.string()? != b"ssh-ed25519" {
        return Err(SigError::Unsupported);
    }
    let sig = inner.string()?;
    if !inner.0.is_empty() {
        return Err(SigError::Malformed);
    }
    UnparsedPublicKey::new(&signature::ED25519, &public)
        .verify(&signed_data(namespace, message), sig)
        .map_err(|_| SigError::Invalid)?;
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    #[test]
    fn signatures_are_byte_for_byte_rings() {
        let rng = ring::rand::SystemRandom::new();
        for len in 0..200usize {
            let mut seed = Zeroizing::new([0u8; 32]);
            ring::rand::SecureRandom::fill(&rng, &mut seed[..]).unwrap();
            let message: Vec<u8> = (0..len * 7).map(|i| (i * 31 + len) as u8).collect();
            let ring_pair = Ed25519KeyPair::from_seed_unchecked(&seed[..]).unwrap();
            let signer = BatchSigner::new(&seed);
            assert_eq!(&signer.public()[..], ring_pair.public_key().as_ref());
            let ours = signer.sign_raw(NAMESPACE_BUNDLE, &message);
            let theirs = ring_pair.sign(&signed_data(NAMESPACE_BUNDLE, &message));
            assert_eq!(
                &ours[..],
                theirs.as_ref(),
                "seed {}",
                hex::encode(&seed[..])
            );
            assert!(verify_raw(
                &signer.public(),
                NAMESPACE_BUNDLE,
                &message,
                &ours
            ));
            assert_eq!(
                sign_raw(&seed, NAMESPACE_BUNDLE, &message),
                (signer.public(), ours)
            );
        }
    }

    fn key() -> (Zeroizing<[u8; 32]>, [u8; 32]) {
        let seed = Zeroizing::new([42u8; 32]);
        let pk = Ed25519KeyPair::from_seed_unchecked(&seed[..])
            .unwrap()
            .public_key()
            .as_ref()
            .try_into()
            .unwrap();
        (seed, pk)
    }

    #[test]
    fn sign_then_verify() {
        let (seed, pk) = key();
        let sig = sign(&seed, NAMESPACE_BUNDLE, b"manifest");
        assert!(sig.starts_with(BEGIN));
        assert_eq!(verify(&sig, NAMESPACE_BUNDLE, b"manifest"), Ok(pk));
        assert_eq!(
            verify(&sig, NAMESPACE_BUNDLE, b"manifesT"),
            Err(SigError::Invalid)
        );
        assert!(matches!(
            verify(&sig, "file", b"manifest"),
            Err(SigError::Namespace(_))
        ));
        assert_eq!(
            verify("garbage", NAMESPACE_BUNDLE, b"m"),
            Err(SigError::Malformed)
        );
    }

    #[test]
    fn every_flipped_character_is_rejected() {
        let (seed, _) = key();
        let sig = sign(&seed, NAMESPACE_BUNDLE, b"m");
        let bytes = sig.as_bytes();
        for i in BEGIN.len() + 1..bytes.len() - END.len() - 2 {
            if bytes[i] == b'\n' || bytes[i] == b'=' {
                continue;
            }
            let mut t = bytes.to_vec();
            t[i] = if t[i] == b'A' { b'B' } else { b'A' };
            let t = String::from_utf8(t).unwrap();
            assert!(
                verify(&t, NAMESPACE_BUNDLE, b"m").is_err(),
                "flip at {i} accepted"
            );
        }
    }

    #[test]
    fn ed25519_lines_parse() {
        let (_, pk) = key();
        let line = crate::crypto::sshkey::ed25519_line(&pk);
        assert_eq!(parse_ed25519_line(&format!("{line} comment")), Some(pk));
        assert_eq!(parse_ed25519_line("ssh-rsa AAAA"), None);
    }
}
