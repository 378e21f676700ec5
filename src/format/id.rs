//! Record and object identifiers: 128 random bits, shown as lower-case hex.
//!
//! Ids are never sequential and carry no time, so nothing on disk orders records by when
//! they were added (FORMAT.md, "Identifiers").
use std::fmt;

use crate::crypto::random_bytes;

/// Length of a record or object id in bytes.
pub const ID_LEN: usize = 16;

/// How many hex digits listings show of an id.
pub const SHORT_LEN: usize = 10;

/// A record's id.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct RecordId(pub [u8; ID_LEN]);

/// A sealed object file's id.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ObjectId(pub [u8; ID_LEN]);

/// Whether `s` is exactly `bytes` bytes as lower-case hex (the only form ids and hashes
/// take on disk and in bundles).
pub fn is_canonical_hex(s: &str, bytes: usize) -> bool {
    s.len() == bytes * 2
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

macro_rules! id_impl {
    ($t:ident) => {
        impl $t {
            /// A fresh random id.
            pub fn random() -> Self {
                $t(random_bytes())
            }
            /// Lower-case hex of the whole id.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }
            /// Parses the canonical form only: exactly 32 lower-case hex digits. Two
            /// spellings of one id (`ab…` and `AB…`) would be equal as bytes and different
            /// as strings; everything that compares ids as text relies on there being one.
            pub fn from_hex(s: &str) -> Option<Self> {
                if !is_canonical_hex(s, ID_LEN) {
                    return None;
                }
                let v = hex::decode(s).ok()?;
                Some($t(v.try_into().ok()?))
            }
            /// Parses a 16-byte key.
            pub fn from_slice(b: &[u8]) -> Option<Self> {
                Some($t(b.try_into().ok()?))
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.to_hex())
            }
        }
    };
}
id_impl!(RecordId);
id_impl!(ObjectId);

impl RecordId {
    /// The prefix listings show.
    pub fn short(&self) -> String {
        self.to_hex()[..SHORT_LEN].to_string()
    }
}

/// A validated id prefix typed by a user: 1 to 32 hex digits.
#[derive(Debug, Clone)]
pub struct IdPrefix {
    digits: String,
}

impl IdPrefix {
    /// Parses a prefix; `None` if it is empty, too long or not hex.
    pub fn parse(s: &str) -> Option<Self> {
        let digits = s.trim().to_ascii_lowercase();
        if digits.is_empty()
            || digits.len() > ID_LEN * 2
            || !digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        Some(IdPrefix { digits })
    }

    /// The smallest key that can match, for a range scan.
    pub fn lower_bound(&self) -> Vec<u8> {
        let mut d = self.digits.clone();
        if d.len() % 2 == 1 {
            d.push('0');
        }
        hex::decode(d).expect("validated hex")
    }

    /// Whether `id` starts with this prefix.
    pub fn matches(&self, id: &[u8]) -> bool {
        hex::encode(id).starts_with(&self.digits)
    }

    /// The digits as typed (lower-cased).
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_odd_length_matches_by_nibble() {
        let id = RecordId::from_hex("abcdef0123456789abcdef0123456789").unwrap();
        let p = IdPrefix::parse("ABC").unwrap();
        assert!(p.matches(&id.0));
        assert_eq!(p.lower_bound(), vec![0xab, 0xc0]);
        assert!(!IdPrefix::parse("abd").unwrap().matches(&id.0));
    }

    #[test]
    fn prefix_rejects_non_hex_and_overlong() {
        assert!(IdPrefix::parse("xyz").is_none());
        assert!(IdPrefix::parse("").is_none());
        assert!(IdPrefix::parse(&"a".repeat(33)).is_none());
    }

    #[test]
    fn only_the_canonical_spelling_parses() {
        let id = "abcdef0123456789abcdef0123456789";
        assert!(RecordId::from_hex(id).is_some());
        for bad in [
            id.to_uppercase(),
            "Abcdef0123456789abcdef0123456789".into(),
            id[1..].to_string(),
            format!("{id}0"),
            format!(" {}", &id[1..]),
            "+bcdef0123456789abcdef0123456789".into(),
        ] {
            assert!(RecordId::from_hex(&bad).is_none(), "{bad}");
            assert!(ObjectId::from_hex(&bad).is_none(), "{bad}");
        }
        assert!(is_canonical_hex(&"0f".repeat(32), 32));
        assert!(!is_canonical_hex(&"0F".repeat(32), 32));
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(RecordId::random(), RecordId::random());
    }
}
