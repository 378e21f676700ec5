//! Where a record's values are stored (FORMAT.md, "Locators").
//!
//! Record ids travel: in bundles (the custody events a partner receives name the sender's
//! ids) and in transfer bundles. If the database were keyed by them, anyone holding a
//! partner's copy and the seized device could tell, without the passphrase, that the device
//! holds those records. So every tree keyed by a record is keyed by its *locator*: the id
//! encrypted as one AES-256 block under a key derived from the keyring's pseudonym key
//! (which survives key rotation). A block cipher is a permutation, so the id comes back from
//! the locator with the same key: iterating a tree still yields ids, and nothing else about
//! the storage changes. Without the key, locators are random 16-byte strings.
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use ring::hkdf;
use zeroize::Zeroizing;

use crate::crypto::symmetric::SymmetricKey;
use crate::format::id::RecordId;

/// HKDF info of the locator key.
const INFO: &[u8] = b"amanat-locator-v1";
/// HKDF info of the key of `pending` marks (FORMAT.md, "Database"): the same permutation
/// for object ids, under its own key.
const PENDING_INFO: &[u8] = b"amanat-pending-v1";
/// HKDF info of the key that names a replica's heads (FORMAT.md 16.2).
const REPLICA_HEAD_INFO: &[u8] = b"amanat-replica-head-v1";

/// The keyed permutation of record ids. No `Debug`: it is key material (the `aes` crate
/// wipes its round keys on drop through its `zeroize` feature, as age builds it).
pub struct Locator(aes::Aes256);

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

impl Locator {
    /// The locator of a vault whose keyring holds `pseudonym_key`: AES-256 under
    /// HKDF-SHA256-Expand(PRK = pseudonym key, info = "amanat-locator-v1", 32 bytes), as
    /// catalog keys are derived (the pseudonym key is uniformly random).
    pub fn new(pseudonym_key: &SymmetricKey) -> Locator {
        Locator::derived(pseudonym_key, INFO)
    }

    /// The permutation that keys `pending` marks by object id ("amanat-pending-v1"): an
    /// object's id is its file's name, so a raw id in sled's log, written in the same
    /// transaction as its record's values, would tie each object file to its record.
    pub fn pending(pseudonym_key: &SymmetricKey) -> Locator {
        Locator::derived(pseudonym_key, PENDING_INFO)
    }

    /// The permutation that names the heads of a vault's replicas
    /// ("amanat-replica-head-v1"): a head's name is its counter, encrypted.
    pub fn replica_heads(pseudonym_key: &SymmetricKey) -> Locator {
        Locator::derived(pseudonym_key, REPLICA_HEAD_INFO)
    }

    fn derived(pseudonym_key: &SymmetricKey, info: &[u8]) -> Locator {
        let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &pseudonym_key.expose()[..]);
        let mut key = Zeroizing::new([0u8; 32]);
        prk.expand(&[info], Len32)
            .and_then(|okm| okm.fill(&mut key[..]))
            .expect("HKDF-SHA256 gives 32 bytes");
        Locator(aes::Aes256::new((&*key).into()))
    }

    /// The storage key of a record.
    pub fn loc(&self, id: &RecordId) -> [u8; 16] {
        self.loc_bytes(id.0)
    }

    /// The permutation of any 16 bytes (an object id, for [`Locator::pending`]).
    pub fn loc_bytes(&self, b: [u8; 16]) -> [u8; 16] {
        let mut block = aes::Block::from(b);
        self.0.encrypt_block(&mut block);
        block.into()
    }

    /// Its inverse.
    pub fn unloc_bytes(&self, b: [u8; 16]) -> [u8; 16] {
        let mut block = aes::Block::from(b);
        self.0.decrypt_block(&mut block);
        block.into()
    }

    /// The record a storage key names (its first 16 bytes, for keys that extend it).
    pub fn unloc(&self, key: &[u8]) -> Option<RecordId> {
        let b: [u8; 16] = key.get(..16)?.try_into().ok()?;
        Some(RecordId(self.unloc_bytes(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permutation_keyed_by_the_pseudonym_key() {
        let k = SymmetricKey::from_bytes([7; 32]);
        let l = Locator::new(&k);
        let id = RecordId([1; 16]);
        let loc = l.loc(&id);
        assert_ne!(loc, id.0);
        assert_eq!(l.unloc(&loc), Some(id));
        let mut longer = loc.to_vec();
        longer.extend_from_slice(&[0, 1]);
        assert_eq!(l.unloc(&longer), Some(id));
        assert_eq!(l.unloc(&loc[..15]), None);
        let other = Locator::new(&SymmetricKey::from_bytes([8; 32]));
        assert_ne!(other.loc(&id), loc);
        // Known answer, computed apart from this code (HMAC-SHA256 for the HKDF expand in
        // Python, AES-256-ECB with `openssl enc`), so that FORMAT.md 4.1 and the code cannot
        // drift apart unnoticed.
        assert_eq!(hex::encode(loc), "31e42b5cd34f28fe79411b8adb4e32ec");
    }
}
