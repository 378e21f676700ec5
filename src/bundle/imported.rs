//! Bundles this vault imported, remembered so that importing one again does not silently
//! bring back records removed since (FORMAT.md, "Imported bundles").
//!
//! Nothing here is matchable without the keys: the `imported` tree's key is a keyed hash of
//! the bundle id, and the value (sealed with the catalog key) holds only when the bundle was
//! first imported and a keyed hash of each of its record ids, never an id, a title or a
//! sender. The hashing key is derived from the pseudonym key, which survives key rotation,
//! so rotation re-seals the values and leaves their keys as they are.
use ring::{hkdf, hmac};

use crate::error::Result;
use crate::journal::{Ops, TreeId};
use crate::vault::Vault;
use crate::RecordId;

/// Sealing domain of the values (FORMAT.md 8.1).
pub(crate) const DOMAIN: &[u8] = b"imported";
const VERSION: u8 = 1;
const HKDF_INFO: &[u8] = b"amanat-imported-v1";
const BUNDLE_LABEL: &[u8] = b"amanat-imported-bundle-v1";
const RECORD_LABEL: &[u8] = b"amanat-imported-record-v1";
/// Record hashes in one value of the `imported` tree (128 KiB of them).
pub(crate) const PIECE_RECORDS: usize = 4096;

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
    /// is damaged, which `check` reports; the next import rewrites it). The entry may be in
    /// several pieces ([`PIECE_RECORDS`]).
    pub(crate) fn remembered(&self, keys: &BundleKeys) -> Result<Option<Remembered>> {
        let mut all: Option<Remembered> = None;
        for kv in self.store.imported.scan_prefix(keys.slot) {
            let (k, v) = kv?;
            let Some(piece) = self
                .keyring
                .catalog_key
                .open(DOMAIN, &k, &v)
                .ok()
                .and_then(|p| Remembered::decode(&p))
            else {
                return Ok(None);
            };
            match &mut all {
                None => all = Some(piece),
                Some(r) => r.records.extend(piece.records),
            }
        }
        Ok(all)
    }

    /// Adds the writes that remember a bundle to a transaction: the first
    /// [`PIECE_RECORDS`] record hashes under the bundle's key, each further piece under
    /// `key ‖ u16be(i)` (a bundle of 100,000 records in one value would be 3 MiB, which
    /// sled would write to a file of its own).
    pub(crate) fn remember(&self, keys: &BundleKeys, r: &Remembered, ops: &mut Ops) {
        let pieces: Vec<&[[u8; 32]]> = if r.records.is_empty() {
            vec![&[]]
        } else {
            r.records.chunks(PIECE_RECORDS).collect()
        };
        for (i, records) in pieces.into_iter().enumerate() {
            let mut k = keys.slot.to_vec();
            if i > 0 {
                k.extend_from_slice(&(i as u16).to_be_bytes());
            }
            let piece = Remembered {
                imported: r.imported,
                records: records.to_vec(),
            };
            let sealed = self.keyring.catalog_key.seal(DOMAIN, &k, &piece.encode());
            ops.insert(TreeId::Imported, k, sealed);
        }
    }

    /// Keys of `imported` entries that do not open, for `check`.
    pub(crate) fn damaged_imported(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for kv in self.store.imported.iter() {
            let (k, v) = kv?;
            let ok = self
                .keyring
                .catalog_key
                .open(DOMAIN, &k, &v)
                .ok()
                .and_then(|p| Remembered::decode(&p))
                .is_some();
            if !ok {
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
