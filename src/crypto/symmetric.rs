//! Symmetric sealing of catalog entries (FORMAT.md 8.1).
//!
//! `sealed = salt[16] || ChaCha20-Poly1305(key, nonce = 0^12, aad, pad(plaintext)) || tag[16]`
//! with `key = HKDF-SHA256-Expand(PRK = catalog key, info = "amanat-v3" || domain || 0x00 ||
//! key_id || salt)` and `pad` the padding to size classes of [`crate::crypto::pad`]. Values written
//! by format 2 (unpadded, under `"amanat-v1"`) still open: the label tells the two apart,
//! since a value sealed under one never authenticates under the other. The random salt makes every entry's key fresh, so the fixed nonce never
//! repeats under one key; `domain || key_id` in both the info and the AAD binds the entry to
//! the tree and key it is stored under, so entries cannot be swapped between records.
//!
//! ring does not wipe its key schedules; the derived keys live only for one call.
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use zeroize::Zeroizing;

/// Bytes of salt in front of every sealed entry.
pub const SALT_LEN: usize = 16;
/// Overhead of sealing: salt plus tag (the padding aside).
pub const OVERHEAD: usize = SALT_LEN + 16;

/// The key-derivation label of padded values (format 3).
const LABEL: &[u8] = b"amanat-v3";
/// The label of format 2's unpadded values, which still open.
const LABEL_2: &[u8] = b"amanat-v1";

/// What a sealed value is, bound into its key and AAD by [`Domain::label`] (not the tree
/// names below, which differ for some) so that a value of one kind never
/// opens as another (FORMAT.md 8.1). Every symmetric value Amanat stores
/// is sealed under one of these; rotation re-seals by going through [`Domain::ALL`] with a
/// `match` that names every variant, so a new domain cannot be forgotten there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// Catalog entries (the `catalog` tree), under the catalog key.
    Catalog,
    /// A record's search text (the `search` tree, FORMAT.md 8.4), under the catalog key.
    Search,
    /// Search index segments (the `index` tree), under the catalog key.
    Index,
    /// Contacts (the `contacts` tree), under the catalog key.
    Contact,
    /// Bundles imported before (the `imported` tree), under the catalog key.
    Imported,
    /// Custody log events (the `audit` tree), under the audit key.
    Audit,
    /// The custody log's head (in the `meta` tree), under the audit key.
    AuditHead,
    /// Records' custody states (the `custody` tree), under the audit key.
    Custody,
    /// Journal frames (the `journal` file), under the catalog key.
    Journal,
    /// What a replica holds and a device remembers of it (FORMAT.md 16), under the
    /// catalog key. Not in the database: rotation does not re-seal it.
    Replica,
}

impl Domain {
    /// Every domain, in the order rotation re-seals them.
    pub const ALL: [Domain; 10] = [
        Domain::Catalog,
        Domain::Search,
        Domain::Contact,
        Domain::Index,
        Domain::Imported,
        Domain::Audit,
        Domain::Custody,
        Domain::AuditHead,
        Domain::Journal,
        Domain::Replica,
    ];

    /// The bytes bound into the key and the AAD (FORMAT.md 8.1).
    pub const fn label(self) -> &'static [u8] {
        match self {
            Domain::Catalog => b"catalog",
            Domain::Search => b"search",
            Domain::Index => b"index",
            Domain::Contact => b"contact",
            Domain::Imported => b"imported",
            Domain::Audit => b"audit",
            Domain::AuditHead => b"audit-head",
            Domain::Custody => b"custody",
            Domain::Journal => b"journal",
            Domain::Replica => b"replica",
        }
    }
}

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
        SymmetricKey(Zeroizing::new(crate::crypto::random_bytes()))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    fn entry_key(&self, label: &[u8], domain: Domain, key_id: &[u8], salt: &[u8]) -> LessSafeKey {
        let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &self.0[..]);
        let info = [label, domain.label(), &[0u8], key_id, salt];
        let okm = prk
            .expand(&info, &aead::CHACHA20_POLY1305)
            .expect("32-byte output is within HKDF's limit");
        LessSafeKey::new(UnboundKey::from(okm))
    }

    /// Seals `plaintext`, padded to its size class, for storage under `domain`/`key_id`.
    pub fn seal(&self, domain: Domain, key_id: &[u8], plaintext: &[u8]) -> Vec<u8> {
        self.seal_under(LABEL, domain, key_id, plaintext, true)
    }

    /// `salt ‖ ChaCha20-Poly1305(plaintext, padded if `pad`) ‖ tag` under `label`'s key.
    fn seal_under(
        &self,
        label: &[u8],
        domain: Domain,
        key_id: &[u8],
        plaintext: &[u8],
        pad: bool,
    ) -> Vec<u8> {
        let salt: [u8; SALT_LEN] = crate::crypto::random_bytes();
        let key = self.entry_key(label, domain, key_id, &salt);
        let padded = crate::crypto::pad::padded_len(plaintext.len() as u64) as usize;
        let mut out = Vec::with_capacity(SALT_LEN + padded + 16);
        out.extend_from_slice(&salt);
        out.extend_from_slice(plaintext);
        if pad {
            crate::crypto::pad::pad_after(&mut out, SALT_LEN);
        }
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
        domain: Domain,
        key_id: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Unauthentic> {
        if sealed.len() < OVERHEAD {
            return Err(Unauthentic);
        }
        if let Ok(padded) = self.open_under(LABEL, domain, key_id, sealed) {
            let n = crate::crypto::pad::unpad(&padded).ok_or(Unauthentic)?.len();
            let mut buf = padded;
            buf.truncate(n);
            return Ok(buf);
        }
        self.open_under(LABEL_2, domain, key_id, sealed)
    }

    fn open_under(
        &self,
        label: &[u8],
        domain: Domain,
        key_id: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Unauthentic> {
        let (salt, rest) = sealed.split_at(SALT_LEN);
        let key = self.entry_key(label, domain, key_id, salt);
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

    /// Seals as format 2 did, unpadded under `"amanat-v1"`: for tests of older vaults.
    #[cfg(test)]
    pub(crate) fn seal_unpadded(&self, domain: Domain, key_id: &[u8], plaintext: &[u8]) -> Vec<u8> {
        self.seal_under(LABEL_2, domain, key_id, plaintext, false)
    }
}

fn aad(domain: Domain, key_id: &[u8]) -> Vec<u8> {
    let domain = domain.label();
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
        let s = k.seal(Domain::Catalog, b"id-1", b"entry");
        assert_eq!(&k.open(Domain::Catalog, b"id-1", &s).unwrap()[..], b"entry");
        assert_eq!(k.open(Domain::Catalog, b"id-2", &s), Err(Unauthentic));
        assert_eq!(k.open(Domain::Search, b"id-1", &s), Err(Unauthentic));
        assert_eq!(
            SymmetricKey::random().open(Domain::Catalog, b"id-1", &s),
            Err(Unauthentic)
        );
    }

    #[test]
    fn values_are_padded_and_older_unpadded_ones_still_open() {
        let k = SymmetricKey::random();
        let a = k.seal(Domain::Catalog, b"id", b"short title");
        let b = k.seal(Domain::Catalog, b"id", &[b'x'; 400]);
        assert_eq!(a.len(), b.len(), "lengths within a class look alike");
        assert_eq!(a.len(), OVERHEAD + crate::crypto::pad::MIN_LEN as usize);
        let old = k.seal_unpadded(Domain::Catalog, b"id", b"from format 2");
        assert_eq!(old.len(), OVERHEAD + 13);
        assert_eq!(
            &k.open(Domain::Catalog, b"id", &old).unwrap()[..],
            b"from format 2"
        );
        assert_eq!(k.open(Domain::Catalog, b"id2", &old), Err(Unauthentic));
        // A padded plaintext sealed under the old label is returned as it is, padding and
        // all; one whose padding is wrong under the new label is refused.
        let out = k.seal_under(LABEL, Domain::Catalog, b"id", &[1u8; 600], false);
        assert_eq!(k.open(Domain::Catalog, b"id", &out), Err(Unauthentic));
    }

    #[test]
    fn every_domain_is_listed_once_with_a_label_of_its_own() {
        // The match names every variant: a new domain does not compile until it has a
        // place here, and then this test fails until it is in `ALL`.
        let place = |d: Domain| match d {
            Domain::Catalog => 0,
            Domain::Search => 1,
            Domain::Contact => 2,
            Domain::Index => 3,
            Domain::Imported => 4,
            Domain::Audit => 5,
            Domain::Custody => 6,
            Domain::AuditHead => 7,
            Domain::Journal => 8,
            Domain::Replica => 9,
        };
        let places: Vec<usize> = Domain::ALL.iter().map(|d| place(*d)).collect();
        assert_eq!(places, (0..Domain::ALL.len()).collect::<Vec<_>>());
        let labels: std::collections::HashSet<&[u8]> =
            Domain::ALL.iter().map(|d| d.label()).collect();
        assert_eq!(labels.len(), Domain::ALL.len());
    }

    #[test]
    fn every_bit_flip_is_detected() {
        let k = SymmetricKey::random();
        let s = k.seal(Domain::Index, b"k", b"abc");
        for i in 0..s.len() {
            let mut t = s.clone();
            t[i] ^= 0x10;
            assert_eq!(
                k.open(Domain::Index, b"k", &t),
                Err(Unauthentic),
                "byte {i}"
            );
        }
        assert_eq!(
            k.open(Domain::Index, b"k", &s[..s.len() - 1]),
            Err(Unauthentic)
        );
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let k = SymmetricKey::random();
        assert_ne!(
            k.seal(Domain::Index, b"k", b"x"),
            k.seal(Domain::Index, b"k", b"x")
        );
    }
}
