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

/// Appends the `record-exported` event of one record and returns the record's whole chain,
/// ending with it, as the bundle carries it. The contact's name stays in the vault.
pub(crate) fn log_export(
    log: &mut crate::audit::LogBatch<'_>,
    id: crate::RecordId,
    as_id: &crate::RecordId,
    bundle_id: &crate::RecordId,
    to: &[String],
    contact: &str,
) -> crate::Result<Vec<crate::audit::CustodyEntry>> {
    let mut chain = log.chain(id)?;
    chain.push(log.append_entry(
        crate::audit::kind::RECORD_EXPORTED,
        Some(id),
        serde_json::json!({
            "as": as_id.to_hex(),
            "bundle": bundle_id.to_hex(),
            "to": to,
        }),
        Some(serde_json::json!({ "contact": contact })),
    )?);
    Ok(chain)
}

/// Appends the `bundle-exported` event and commits the export's events.
pub(crate) fn log_bundle_exported(
    mut log: crate::audit::LogBatch<'_>,
    bundle_id: &crate::RecordId,
    sha256: &str,
    to: &[String],
    contact: &str,
    ids: &[crate::RecordId],
) -> crate::Result<()> {
    log.append(
        crate::audit::kind::BUNDLE_EXPORTED,
        None,
        serde_json::json!({
            "bundle": bundle_id.to_hex(),
            "sha256": sha256,
            "records": ids.len(),
            "to": to,
        }),
        Some(serde_json::json!({
            "contact": contact,
            "records": ids.iter().map(|i| i.to_hex()).collect::<Vec<_>>(),
        })),
    )?;
    log.commit()
}

/// Checks a record's chain of custody as a bundle brings it (FORMAT.md, "Custody in
/// bundles"): every signature and link; that it ends with this bundle's export of this
/// record, signed by the bundle's signer; and that every part the bundle holds for the record
/// is one the exporting vault held, by SHA-256 (of the original, for a cleaned image).
pub(crate) fn check_incoming_chain(
    chain: &[crate::audit::CustodyEntry],
    record_id: &str,
    bundle_id: &str,
    signer: &[u8; 32],
    part_hashes: &[String],
) -> crate::Result<Vec<crate::audit::Event>> {
    use crate::audit::kind;
    let short = &record_id[..record_id.len().min(crate::id::SHORT_LEN)];
    let events = crate::audit::verify_chain(chain)
        .map_err(|b| manifest::reject(format!("record {short}: {b}")))?;
    let last = events.last().expect("a verified chain is not empty");
    if last.kind != kind::RECORD_EXPORTED
        || last.detail("as") != Some(record_id)
        || last.detail("bundle") != Some(bundle_id)
        || crate::sshsig::parse_ed25519_line(&last.signer).as_ref() != Some(signer)
    {
        return Err(manifest::reject(format!(
            "record {short}: its chain of custody does not end with the sender exporting it in this bundle"
        )));
    }
    let held = events
        .iter()
        .rev()
        .find(|e| e.kind == kind::RECORD_ADDED || e.kind == kind::RECORD_IMPORTED)
        .expect("a verified chain starts with record-added");
    let known: std::collections::HashSet<&str> = held.details["parts"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["sha256"].as_str()).collect())
        .unwrap_or_default();
    if let Some(h) = part_hashes.iter().find(|h| !known.contains(h.as_str())) {
        return Err(manifest::reject(format!(
            "record {short}: a part (SHA-256 {}…) is not one its chain of custody records",
            &h[..h.len().min(12)]
        )));
    }
    Ok(events)
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
