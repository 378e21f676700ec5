//! What a replica on object storage holds (FORMAT.md 16): the names of its objects and the
//! head each push leaves, which says what a restore must fetch.
//!
//! Names reveal nothing to the server. An object file keeps its vault ciphertext and is
//! named by a keyed hash of its id; a piece of the journal is sealed again and named by the
//! SHA-256 of what is stored, so the organisation's sweep can check it without keys; a
//! head's name is its counter encrypted, so that a restore that holds the keyring finds
//! the newest head in a listing, and nobody else can tell heads from other objects by name.
use ring::{hkdf, hmac};
use serde::{Deserialize, Serialize};

use crate::crypto::symmetric::SymmetricKey;
use crate::format::locator::Locator;

/// The version byte in front of a head's postcard.
pub const HEAD_VERSION: u8 = 1;
/// The most journal bytes one stored piece holds.
pub const CHUNK: u64 = 8 << 20;
/// The most a head may hold: chunks and objects (a head is read into memory).
pub const MAX_HEAD: u64 = 64 << 20;
/// HKDF info of the key that names object files in a replica.
const NAMES_INFO: &[u8] = b"amanat-replica-names-v1";
/// The second half of a head's counter block.
const HEAD_MAGIC: &[u8; 8] = b"amanat-h";
/// The second block of a head's name.
const HEAD_TAIL: &[u8; 8] = b"amanat-t";
/// How far ahead of the reader's clock a head's counter may be (one day, in microseconds):
/// a later one is not taken as the newest (FORMAT.md 16.5).
pub const MAX_AHEAD: u64 = 86_400_000_000;
/// Where transfer bundles wait in an inbox (FORMAT.md 16.4).
pub const BUNDLES: &str = "bundles/";
/// Where keyrings escrowed to headquarters are (FORMAT.md 16.6).
pub const ESCROW: &str = "escrow/";
/// The most an escrowed keyring may be (a keyring is 4 KiB, sealed to a few recipients).
pub const MAX_ESCROW: u64 = 64 << 10;

/// A stretch of the journal as stored: bytes `offset..offset + len` of the journal file,
/// sealed, in the object named `name` (the SHA-256 of the stored bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub offset: u64,
    pub len: u64,
    pub name: [u8; 32],
}

/// What one push left in the replica, and what a restore fetches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub vault_id: [u8; 16],
    /// Orders the heads of one vault: above every earlier head's (microseconds since 1970
    /// when the push began, or one more than the last head, whichever is larger).
    pub counter: u64,
    /// When the push ended (Unix seconds).
    pub time: i64,
    /// The id of the journal file the chunks are from.
    pub journal: [u8; 16],
    /// Bytes of it the chunks hold, from its first byte, in order and without gaps.
    pub chunks: Vec<Chunk>,
    /// Every object file the vault had, by id, ascending.
    pub objects: Vec<[u8; 16]>,
    /// The size of each of `objects`, in the same order (empty in what a device remembers
    /// while a push is under way).
    pub object_sizes: Vec<u64>,
    /// The locators of the records the journal holds, ascending (for `replica check`).
    pub records: Vec<[u8; 16]>,
}

impl Head {
    /// The journal bytes the chunks hold.
    pub fn journal_len(&self) -> u64 {
        self.chunks.last().map_or(0, |c| c.offset + c.len)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![HEAD_VERSION];
        out.extend_from_slice(&postcard::to_allocvec(self).expect("a head serializes"));
        out
    }

    /// A head, if `b` is one and holds together: chunks contiguous from offset 0, none
    /// empty or longer than [`CHUNK`], objects ascending without repeats and each with its
    /// size.
    pub fn decode(b: &[u8]) -> Option<Head> {
        let (&HEAD_VERSION, rest) = b.split_first()? else {
            return None;
        };
        let h: Head = postcard::from_bytes(rest).ok()?;
        let mut at = 0;
        for c in &h.chunks {
            if c.offset != at || c.len == 0 || c.len > CHUNK {
                return None;
            }
            at += c.len;
        }
        let ascending = |v: &[[u8; 16]]| v.windows(2).all(|w| w[0] < w[1]);
        if !ascending(&h.objects)
            || !ascending(&h.records)
            || h.object_sizes.len() != h.objects.len()
        {
            return None;
        }
        Some(h)
    }
}

/// The key id a head is sealed under: `"head" ‖ u64be(counter)`.
pub fn head_key_id(counter: u64) -> Vec<u8> {
    let mut k = b"head".to_vec();
    k.extend_from_slice(&counter.to_be_bytes());
    k
}

/// The key id a chunk is sealed under: `"chunk" ‖ journal id ‖ u64be(offset)`.
pub fn chunk_key_id(journal: &[u8; 16], offset: u64) -> Vec<u8> {
    let mut k = b"chunk".to_vec();
    k.extend_from_slice(journal);
    k.extend_from_slice(&offset.to_be_bytes());
    k
}

/// The name of stored bytes that are named by their content: lower-case hex SHA-256.
pub fn content_name(bytes: &[u8]) -> [u8; 32] {
    crate::crypto::seal::sha256(bytes)
}

/// Whether `name` is 64 lower-case hex digits (every name of a replica but a bundle's).
pub fn is_name(name: &str) -> bool {
    crate::format::id::is_canonical_hex(name, 32)
}

/// The keyed names of one vault's replica objects.
pub struct Names {
    heads: Locator,
    objects: hmac::Key,
}

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

impl Names {
    /// Both derived from the pseudonym key, which survives key rotation.
    pub fn new(pseudonym_key: &SymmetricKey) -> Names {
        let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, &pseudonym_key.expose()[..]);
        let mut key = zeroize::Zeroizing::new([0u8; 32]);
        prk.expand(&[NAMES_INFO], Len32)
            .and_then(|okm| okm.fill(&mut key[..]))
            .expect("HKDF-SHA256 gives 32 bytes");
        Names {
            heads: Locator::replica_heads(pseudonym_key),
            objects: hmac::Key::new(hmac::HMAC_SHA256, &key[..]),
        }
    }

    /// An object file's name: hex HMAC-SHA256(names key, `"object"` ‖ id).
    pub fn object(&self, id: &[u8; 16]) -> String {
        let mut m = b"object".to_vec();
        m.extend_from_slice(id);
        hex::encode(hmac::sign(&self.objects, &m))
    }

    /// A head's name: hex of AES(counter ‖ `"amanat-h"`) ‖ AES(counter ‖ `"amanat-t"`).
    pub fn head(&self, counter: u64) -> String {
        let block = |magic: &[u8; 8]| {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&counter.to_be_bytes());
            b[8..].copy_from_slice(magic);
            self.heads.loc_bytes(b)
        };
        format!(
            "{}{}",
            hex::encode(block(HEAD_MAGIC)),
            hex::encode(block(HEAD_TAIL))
        )
    }

    /// The counter a name holds, if it is the name of one of this vault's heads.
    pub fn head_counter(&self, name: &str) -> Option<u64> {
        if !is_name(name) {
            return None;
        }
        let raw = hex::decode(name).ok()?;
        let first: [u8; 16] = raw[..16].try_into().ok()?;
        let plain = self.heads.unloc_bytes(first);
        if &plain[8..] != HEAD_MAGIC {
            return None;
        }
        let counter = u64::from_be_bytes(plain[..8].try_into().ok()?);
        (self.head(counter) == name).then_some(counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_name_gives_back_its_counter_only_under_its_key() {
        let n = Names::new(&SymmetricKey::from_bytes([3; 32]));
        let name = n.head(1_733_400_000_000_000);
        assert!(is_name(&name));
        assert_eq!(n.head_counter(&name), Some(1_733_400_000_000_000));
        let other = Names::new(&SymmetricKey::from_bytes([4; 32]));
        assert_eq!(other.head_counter(&name), None);
        assert_eq!(n.head_counter(&n.object(&[1; 16])), None);
        assert_ne!(n.object(&[1; 16]), other.object(&[1; 16]));
    }

    #[test]
    fn a_head_with_a_gap_or_unsorted_objects_is_refused() {
        let c = |offset, len| Chunk {
            offset,
            len,
            name: [0; 32],
        };
        let good = Head {
            chunks: vec![c(0, 10), c(10, 5)],
            objects: vec![[1; 16], [2; 16]],
            object_sizes: vec![100, 200],
            ..Head::default()
        };
        assert_eq!(Head::decode(&good.encode()), Some(good.clone()));
        assert_eq!(good.journal_len(), 15);
        let gap = Head {
            chunks: vec![c(0, 10), c(11, 5)],
            ..good.clone()
        };
        assert_eq!(Head::decode(&gap.encode()), None);
        let unsorted = Head {
            objects: vec![[2; 16], [1; 16]],
            ..good.clone()
        };
        assert_eq!(Head::decode(&unsorted.encode()), None);
        let unsized_ = Head {
            object_sizes: vec![100],
            ..good.clone()
        };
        assert_eq!(Head::decode(&unsized_.encode()), None);
        assert_eq!(Head::decode(b""), None);
        assert_eq!(Head::decode(&[2]), None);
    }
}
