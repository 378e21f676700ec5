//! The vault's X25519 identity for opening age files, with its public key computed once.
//!
//! The `age` crate's X25519 identity computes its own public key again (a base-point
//! multiplication) for every file it opens, to salt the key derivation: 8% of `check` and of
//! `export`, which open one file per record. This identity does exactly what that one does
//! with a stanza (the age v1 specification's X25519 recipient stanza; age-core's HKDF and
//! ChaCha20-Poly1305), with the public key kept beside the secret. A test opens the same
//! files with both and compares every outcome.
use age::DecryptError;
use age_core::format::{FileKey, Stanza, FILE_KEY_BYTES};
use age_core::primitives::{aead_decrypt, hkdf};
use base64::prelude::{Engine as _, BASE64_STANDARD_NO_PAD};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroize;

const TAG: &str = "X25519";
const LABEL: &[u8] = b"age-encryption.org/v1/X25519";
const SHARE_LEN: usize = 32;
const WRAPPED_LEN: usize = FILE_KEY_BYTES + 16;

/// An X25519 identity with its public key (wiped with the secret when dropped: the secret
/// is `StaticSecret`, which zeroizes itself).
pub struct Identity {
    secret: StaticSecret,
    public: PublicKey,
}

impl Identity {
    /// The identity of an `AGE-SECRET-KEY-1…` key.
    pub fn from_age(identity: &age::x25519::Identity) -> Identity {
        use age::secrecy::ExposeSecret as _;
        let text = identity.to_string();
        let (_, data) = bech32::decode(text.expose_secret())
            .expect("an age identity's own text is valid bech32");
        let mut bytes: [u8; 32] = data
            .as_slice()
            .try_into()
            .expect("an age identity is 32 bytes");
        let mut data = data;
        data.zeroize();
        let secret = StaticSecret::from(bytes);
        bytes.zeroize();
        let public = PublicKey::from(&secret);
        Identity { secret, public }
    }
}

impl age::Identity for Identity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, DecryptError>> {
        if stanza.tag != TAG {
            return None;
        }
        // The stanza's form exactly as the specification (and the age crate) requires: one
        // argument, the canonical unpadded base64 of 32 bytes, and a 32-byte body.
        let share = match &stanza.args[..] {
            [arg] => {
                let mut buf = [0u8; SHARE_LEN + 1];
                match BASE64_STANDARD_NO_PAD.decode_slice(arg, &mut buf) {
                    Ok(n) if n == SHARE_LEN => {
                        <[u8; SHARE_LEN]>::try_from(&buf[..SHARE_LEN]).expect("32 bytes")
                    }
                    _ => return Some(Err(DecryptError::InvalidHeader)),
                }
            }
            _ => return Some(Err(DecryptError::InvalidHeader)),
        };
        if stanza.body.len() != WRAPPED_LEN {
            return Some(Err(DecryptError::InvalidHeader));
        }
        let shared = self.secret.diffie_hellman(&PublicKey::from(share));
        if !shared.was_contributory() {
            return Some(Err(DecryptError::InvalidHeader));
        }
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(&share);
        salt[32..].copy_from_slice(self.public.as_bytes());
        let mut key = hkdf(&salt, LABEL, shared.as_bytes());
        let opened = aead_decrypt(&key, FILE_KEY_BYTES, &stanza.body);
        key.zeroize();
        // Not ours (another recipient's stanza): not an error, as in age.
        let mut plain = opened.ok()?;
        let file_key = FileKey::init_with_mut(|k| k.copy_from_slice(&plain));
        plain.zeroize();
        Some(Ok(file_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn open(id: &dyn age::Identity, file: &[u8]) -> Result<Vec<u8>, String> {
        let d = age::Decryptor::new(file).map_err(|e| format!("header: {e}"))?;
        let mut r = d
            .decrypt(std::iter::once(id))
            .map_err(|e| format!("decrypt: {e}"))?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(|e| format!("read: {e}"))?;
        Ok(out)
    }

    fn seal(to: &[&age::x25519::Recipient], plain: &[u8]) -> Vec<u8> {
        let rs: Vec<&dyn age::Recipient> = to.iter().map(|r| *r as &dyn age::Recipient).collect();
        let mut out = Vec::new();
        let mut w = age::Encryptor::with_recipients(rs.into_iter())
            .unwrap()
            .wrap_output(&mut out)
            .unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap();
        out
    }

    /// Every outcome the age crate's identity gives, this one gives: files to it alone, to
    /// it among others, to others only, and files whose stanza is altered in each field.
    #[test]
    fn opens_exactly_what_the_age_identity_opens() {
        let age_id = age::x25519::Identity::generate();
        let ours = Identity::from_age(&age_id);
        let other = age::x25519::Identity::generate();
        let (me, them) = (age_id.to_public(), other.to_public());
        let mut files = vec![
            seal(&[&me], b"testimony"),
            seal(&[&them, &me], b"two recipients"),
            seal(&[&them], b"not for us"),
            seal(&[&me], b""),
        ];
        // Each byte of the first file's header changed, one at a time.
        let good = files[0].clone();
        let header_end = good.windows(4).position(|w| w == b"\n---").unwrap();
        for i in 0..header_end {
            for flip in [1u8, 0x20] {
                let mut f = good.clone();
                f[i] ^= flip;
                files.push(f);
            }
        }
        let mut opened = 0;
        for f in &files {
            let a = open(&age_id, f);
            let b = open(&ours, f);
            assert_eq!(a, b, "a file opened differently");
            opened += usize::from(a.is_ok());
        }
        assert!(opened >= 3, "the good files open");
    }
}
