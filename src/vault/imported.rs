//! Bundles this vault imported, remembered so that importing one again does not silently
//! bring back records removed since (FORMAT.md, "Imported bundles").
//!
//! Nothing here is matchable without the keys: the `imported` tree's key is a keyed hash of
//! the bundle id, and the value (sealed with the catalog key) holds only when the bundle was
//! first imported and a keyed hash of each of its record ids, never an id, a title or a
//! sender. The hashing key is derived from the pseudonym key, which survives key rotation,
//! so rotation re-seals the values and leaves their keys as they are.
use ring::{hkdf, hmac};

use crate::crypto::symmetric::Domain;
use crate::error::Result;
use crate::storage::journal::{Ops, TreeId};
use crate::vault::Vault;
use crate::RecordId;

const VERSION: u8 = 1;
const HKDF_INFO: &[u8] = b"amanat-imported-v1";
const BUNDLE_LABEL: &[u8] = b"amanat-imported-bundle-v1";
const RECORD_LABEL: &[u8] = b"amanat-imported-record-v1";

/// What a vault keeps of a bundle it imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    /// When it was first imported (Unix seconds).
    pub imported: i64,
    /// The keyed hash of each record id the bundle holds.
    pub records: Vec<[u8; 32]>,
}

impl Remembered {
    fn encode(&self) -> Vec<u8> {
        let mut v = vec![VERSION];
        v.extend(postcard::to_allocvec(self).expect("remembered bundles serialize"));
        v
    }

    fn decode(b: &[u8]) -> Option<Remembered> {
        match b.split_first() {
            Some((&VERSION, rest)) => postcard::from_bytes(rest).ok(),
            _ => None,
        }
    }

    /// The first import's date, `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        jiff::Timestamp::from_second(self.imported)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|_| "an unknown date".into())
    }
}

/// The hashing key: HKDF-SHA256(salt = "", IKM = pseudonym key, info = "amanat-imported-v1").
fn hash_key(pseudonym: &[u8; 32]) -> hmac::Key {
    hkdf::Salt::new(hkdf::HKDF_SHA256, b"")
        .extract(pseudonym)
        .expand(&[HKDF_INFO], hmac::HMAC_SHA256)
        .expect("32 bytes are within HKDF's limit")
        .into()
}

fn tag(key: &hmac::Key, label: &[u8], id: &RecordId) -> [u8; 32] {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(label);
    ctx.update(&[0]);
    ctx.update(&id.0);
    ctx.sign().as_ref().try_into().expect("SHA-256 is 32 bytes")
}

/// The keys of one bundle: where it is remembered, and how its records are.
pub(crate) struct BundleKeys {
    key: hmac::Key,
    /// The `imported` tree's key of the bundle.
    pub slot: [u8; 32],
}

impl BundleKeys {
    /// The keyed hash of a record id.
    pub fn record(&self, id: &RecordId) -> [u8; 32] {
        tag(&self.key, RECORD_LABEL, id)
    }
}

impl Vault {
    pub(crate) fn bundle_keys(&self, bundle: &RecordId) -> BundleKeys {
        let key = hash_key(self.keyring.pseudonym_key.expose());
        let slot = tag(&key, BUNDLE_LABEL, bundle);
        BundleKeys { key, slot }
    }

    /// What this vault remembers of a bundle: `None` if it never imported it (or its entry
    /// is damaged, which `check` reports; the next import rewrites it).
    pub(crate) fn remembered(&self, keys: &BundleKeys) -> Result<Option<Remembered>> {
        let pieces = crate::storage::pieces::read(self.store.imported(), &keys.slot)?;
        Ok(self.open_entry(&keys.slot, &pieces))
    }

    fn open_entry(
        &self,
        k: &[u8],
        pieces: &[(crate::storage::store::Bytes, crate::storage::store::Bytes)],
    ) -> Option<Remembered> {
        crate::storage::pieces::open(&self.keyring.catalog_key, Domain::Imported, k, k, pieces)
            .and_then(|p| Remembered::decode(&p))
    }

    /// Adds the writes that remember a bundle to a transaction, in pieces (a bundle of
    /// 100,000 records has 3 MiB of record hashes: FORMAT.md 13.7).
    pub(crate) fn remember(&self, keys: &BundleKeys, r: &Remembered, ops: &mut Ops) -> Result<()> {
        let old = crate::storage::pieces::read(self.store.imported(), &keys.slot)?;
        crate::storage::pieces::write(
            ops,
            TreeId::Imported,
            &self.keyring.catalog_key,
            Domain::Imported,
            &keys.slot,
            &keys.slot,
            Some(&r.encode()),
            &old,
        );
        Ok(())
    }

    /// Keys of `imported` entries that do not open, for `check`.
    pub(crate) fn damaged_imported(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for kv in crate::storage::pieces::group(self.store.imported().iter()) {
            let (k, pieces) = kv?;
            if self.open_entry(&k, &pieces).is_none() {
                out.push(hex::encode(&k[..k.len().min(5)]));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_refuse_unknown_versions() {
        let r = Remembered {
            imported: 1_700_000_000,
            records: vec![[1; 32], [2; 32]],
        };
        assert_eq!(Remembered::decode(&r.encode()), Some(r.clone()));
        let mut v = r.encode();
        v[0] = 2;
        assert_eq!(Remembered::decode(&v), None);
        assert_eq!(r.date(), "2023-11-14");
    }

    #[test]
    fn hashes_depend_on_the_key_and_label_and_hide_the_id() {
        let id = RecordId([9; 16]);
        let k1 = hash_key(&[1; 32]);
        let k2 = hash_key(&[2; 32]);
        assert_ne!(tag(&k1, BUNDLE_LABEL, &id), tag(&k2, BUNDLE_LABEL, &id));
        assert_ne!(tag(&k1, BUNDLE_LABEL, &id), tag(&k1, RECORD_LABEL, &id));
        assert_eq!(tag(&k1, BUNDLE_LABEL, &id), tag(&k1, BUNDLE_LABEL, &id));
        assert!(!tag(&k1, BUNDLE_LABEL, &id).windows(16).any(|w| w == id.0));
    }
}
