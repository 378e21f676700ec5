//! Sealed bundles: signed, encrypted, redacted exports that partners open with standard
//! tools, and their verified import (FORMAT.md, "Bundles").
//!
//! A bundle is one age file whose plaintext is a tar stream: `MANIFEST.json`, its SSHSIG
//! signature `MANIFEST.json.sig`, `SHA256SUMS`, then each record's files under
//! `records/<id>/`. [`export`] writes them; [`import`] checks every byte before it adds
//! anything; [`redact`] removes image metadata. What redaction removes is decided in one
//! place, [`export::redact_record`].
use ring::hmac;

pub mod export;
pub mod import;
pub mod manifest;
pub mod redact;
pub mod transfer;

pub use export::{ExportOptions, ExportReport, Selection};
pub use import::{ImportOptions, ImportReport};

/// Crockford base32 alphabet, for pseudonyms that read well aloud.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn crockford(bytes: &[u8], chars: usize) -> String {
    let mut out = String::with_capacity(chars);
    let mut acc: u64 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | b as u64;
        bits += 8;
        while bits >= 5 && out.len() < chars {
            bits -= 5;
            out.push(CROCKFORD[((acc >> bits) & 31) as usize] as char);
        }
    }
    out
}

/// The per-partner pseudonym of a witness code: `P-` and 10 Crockford base32 characters of
/// HMAC-SHA256(pseudonym key, "amanat-witness-v1" || 0 || contact name || 0 || code).
/// Stable for one partner, unlinkable between partners without the key.
pub fn witness_pseudonym(key: &[u8; 32], contact: &str, code: &str) -> String {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&k);
    for part in [
        b"amanat-witness-v1".as_slice(),
        &[0],
        contact.as_bytes(),
        &[0],
        code.as_bytes(),
    ] {
        ctx.update(part);
    }
    format!("P-{}", crockford(ctx.sign().as_ref(), 10))
}

/// The per-partner id of a record: the first 16 bytes of HMAC-SHA256(pseudonym key,
/// "amanat-record-v1" || 0 || contact name || 0 || record id). Ids seen on a seized vault
/// cannot be matched with a partner's copy, and two partners' copies cannot be matched by
/// id; the sender can recompute the mapping.
pub fn partner_record_id(key: &[u8; 32], contact: &str, id: &crate::RecordId) -> crate::RecordId {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&k);
    for part in [
        b"amanat-record-v1".as_slice(),
        &[0],
        contact.as_bytes(),
        &[0],
        &id.0,
    ] {
        ctx.update(part);
    }
    let tag = ctx.sign();
    crate::RecordId(tag.as_ref()[..16].try_into().expect("16 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_per_partner_and_differ_between_partners() {
        let key = [7u8; 32];
        let a1 = witness_pseudonym(&key, "UN OHCHR", "W-17");
        assert_eq!(a1, witness_pseudonym(&key, "UN OHCHR", "W-17"));
        assert_ne!(a1, witness_pseudonym(&key, "Lawyers", "W-17"));
        assert_ne!(a1, witness_pseudonym(&key, "UN OHCHR", "W-18"));
        assert_ne!(a1, witness_pseudonym(&[8u8; 32], "UN OHCHR", "W-17"));
        assert!(a1.starts_with("P-") && a1.len() == 12 && !a1.contains("W-17"));
    }

    #[test]
    fn crockford_encodes_known_bits() {
        assert_eq!(crockford(&[0, 0], 3), "000");
        assert_eq!(crockford(&[0xFF, 0xFF], 3), "ZZZ");
    }
}
