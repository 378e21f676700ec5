//! Symmetric sealing of catalog entries (FORMAT.md, "Catalog sealing").
//!
//! `sealed = salt[16] || ChaCha20-Poly1305(key, nonce = 0^12, aad, plaintext) || tag[16]`
//! with `key = HKDF-SHA256-Expand(PRK = catalog key, info = "amanat-v1" || domain || 0x00 ||
//! key_id || salt)`. The random salt makes every entry's key fresh, so the fixed nonce never
//! repeats under one key; `domain || key_id` in both the info and the AAD binds the entry to
//! the tree and key it is stored under, so entries cannot be swapped between records.
//!
//! ring does not wipe its key schedules; the derived keys live only for one call.
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use zeroize::Zeroizing;

/// Bytes of salt in front of every sealed entry.
pub const SALT_LEN: usize = 16;
/// Overhead of sealing: salt plus tag.
pub const OVERHEAD: usize = SALT_LEN + 16;

/// A 256-bit symmetric key from the keyring. No `Debug`, `Clone` or `Copy`.
pub struct SymmetricKey(Zeroizing<[u8; 32]>);

/// The entry did not authenticate.
#[derive(Debug, PartialEq, Eq)]
pub struct Unauthentic;

impl SymmetricKey {
    pub fn from_bytes(b: [u8; 32]) -> Self {
        SymmetricKey(Zeroizing::new(b))
    }

    pub fn random() -> Self {
        SymmetricKey(Zeroizing::new(crate::id::random_bytes()))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    fn entry_key(&self, domain: &[u8], key_id: &[u8], salt: &[u8]) -> LessSafeKey {
        let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &self.0[..]);
        let info = [b"amanat-v1".as_slice(), domain, &[0u8], key_id, salt];
        let okm = prk
            .expand(&info, &aead::CHACHA20_POLY1305)
            .expect("32-byte output is within HKDF's limit");
        LessSafeKey::new(UnboundKey::from(okm))
    }

    /// Seals `plaintext` for storage under `domain`/`key_id`.
    pub fn seal(&self, domain: &[u8], key_id: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let salt: [u8; SALT_LEN] = crate::id::random_bytes();
        let key = self.entry_key(domain, key_id, &salt);
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.extend_from_slice(&salt);
        out.extend_from_slice(plaintext);
        let aad = aad(domain, key_id);
        let tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key([0; 12]),
                Aad::from(&aad[..]),
                &mut out[SALT_LEN..],
            )
            .expect("ChaCha20-Poly1305 accepts any length we store");
        out.extend_from_slice(tag.as_ref());
        out
    }

    /// Opens a value sealed by [`SymmetricKey::seal`] under the same `domain`/`key_id`.
    pub fn open(
        &self,
        domain: &[u8],
        key_id: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Unauthentic> {
        if sealed.len() < OVERHEAD {
            return Err(Unauthentic);
        }
        let (salt, rest) = sealed.split_at(SALT_LEN);
        let key = self.entry_key(domain, key_id, salt);
        let mut buf = Zeroizing::new(rest.to_vec());
        let aad = aad(domain, key_id);
        let n = key
            .open_in_place(
                Nonce::assume_unique_for_key([0; 12]),
                Aad::from(&aad[..]),
                &mut buf[..],
            )
            .map_err(|_| Unauthentic)?
            .len();
        buf.truncate(n);
        Ok(buf)
    }
}

fn aad(domain: &[u8], key_id: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(domain.len() + 1 + key_id.len());
    a.extend_from_slice(domain);
    a.push(0);
    a.extend_from_slice(key_id);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let k = SymmetricKey::random();
        let s = k.seal(b"catalog", b"id-1", b"entry");
        assert_eq!(&k.open(b"catalog", b"id-1", &s).unwrap()[..], b"entry");
        assert_eq!(k.open(b"catalog", b"id-2", &s), Err(Unauthentic));
        assert_eq!(k.open(b"search", b"id-1", &s), Err(Unauthentic));
        assert_eq!(
            SymmetricKey::random().open(b"catalog", b"id-1", &s),
            Err(Unauthentic)
        );
    }

    #[test]
    fn every_bit_flip_is_detected() {
        let k = SymmetricKey::random();
        let s = k.seal(b"d", b"k", b"abc");
        for i in 0..s.len() {
            let mut t = s.clone();
            t[i] ^= 0x10;
            assert_eq!(k.open(b"d", b"k", &t), Err(Unauthentic), "byte {i}");
        }
        assert_eq!(k.open(b"d", b"k", &s[..s.len() - 1]), Err(Unauthentic));
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let k = SymmetricKey::random();
        assert_ne!(k.seal(b"d", b"k", b"x"), k.seal(b"d", b"k", b"x"));
    }
}
