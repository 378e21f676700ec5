//! Sealed bundles: signed, encrypted, redacted exports that partners open with standard
//! tools, and their verified import (FORMAT.md, "Bundles").
//!
//! A bundle is one age file whose plaintext is a tar stream: `MANIFEST.json`, its SSHSIG
//! signature `MANIFEST.json.sig`, `SHA256SUMS`, then each record's files under
//! `records/<id>/`. [`export`] writes them; [`import`] checks every byte before it adds
//! anything; [`redact`] removes image metadata. What redaction removes is decided in one
//! place, [`partner_view::redact_record`].
use ring::hmac;

use crate::format::event::{Happened, Kept, Kind};
use crate::format::manifest;
use crate::words;

mod consent;
pub mod export;
mod export_write;
pub(crate) mod gzip;
pub mod import;
mod options;
pub mod partner_view;
pub mod redact;
mod selection;
pub mod stamps;
mod tar_entries;
pub mod transfer;

pub use export::{ExportOptions, ExportReport};
pub use import::{ImportOptions, ImportReport};
pub use selection::Selection;

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
    log: &mut crate::vault::custody::LogBatch<'_>,
    id: crate::RecordId,
    as_id: &crate::RecordId,
    bundle_id: &crate::RecordId,
    to: &[String],
    contact: &str,
) -> crate::Result<Vec<crate::vault::custody::CustodyEntry>> {
    let mut chain = log.chain(id)?;
    chain.push(log.append_entry(
        Happened::RecordExported {
            as_id: as_id.to_hex(),
            bundle: bundle_id.to_hex(),
            to: to.to_vec(),
        },
        Some(id),
        Some(Kept::Contact {
            contact: contact.to_owned(),
        }),
    )?);
    Ok(chain)
}

/// Appends the `bundle-exported` event and commits the export's events.
pub(crate) fn log_bundle_exported(
    mut log: crate::vault::custody::LogBatch<'_>,
    bundle_id: &crate::RecordId,
    sha256: &str,
    to: &[String],
    contact: &str,
    ids: &[crate::RecordId],
) -> crate::Result<()> {
    log.append(
        Happened::BundleExported {
            bundle: bundle_id.to_hex(),
            sha256: sha256.to_owned(),
            records: ids.len(),
            to: to.to_vec(),
        },
        None,
        // The ids are not listed: each has its `record-exported` event, and a list of
        // 10,000 would be one value too large to keep in one piece (store::MAX_VALUE).
        Some(Kept::Contact {
            contact: contact.to_owned(),
        }),
    )?;
    log.commit()
}

/// Checks a record's chain of custody as a bundle brings it (FORMAT.md, "Custody in
/// bundles"): every signature and link; that it ends with this bundle's export of this
/// record, signed by the bundle's signer; and that every part the bundle holds for the record
/// is one the exporting vault held, by SHA-256 (of the original, for a cleaned image).
pub(crate) fn check_incoming_chain(
    chain: &[crate::vault::custody::CustodyEntry],
    record_id: &str,
    bundle_id: &str,
    signer: &[u8; 32],
    part_hashes: &[String],
) -> crate::Result<Vec<crate::vault::custody::Event>> {
    let short = &record_id[..record_id.len().min(crate::format::id::SHORT_LEN)];
    let events = crate::vault::custody::verify_chain(chain).map_err(|b| {
        manifest::reject(words!("d-bundle-record-why", id = short, why = b.words()))
    })?;
    for (i, (entry, ev)) in chain.iter().zip(&events).enumerate() {
        canonical_event(&entry.event, ev).map_err(|why| {
            manifest::reject(words!(
                "d-bundle-event",
                id = short,
                event = i + 1,
                why = why
            ))
        })?;
    }
    let last = events.last().expect("a verified chain is not empty");
    if last.kind != Kind::RecordExported
        || last.detail("as") != Some(record_id)
        || last.detail("bundle") != Some(bundle_id)
        || crate::crypto::sshsig::parse_ed25519_line(&last.signer).as_ref() != Some(signer)
    {
        return Err(manifest::reject(words!("d-bundle-chain-end", id = short)));
    }
    // The parts the record was last added or imported with, and those recognised since.
    let held = events
        .iter()
        .rposition(|e| e.kind == Kind::RecordAdded || e.kind == Kind::RecordImported)
        .expect("a verified chain starts with record-added");
    let mut known: std::collections::HashSet<&str> = events[held].details["parts"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["sha256"].as_str()).collect())
        .unwrap_or_default();
    known.extend(
        events[held..]
            .iter()
            .filter(|e| e.kind == Kind::TextRecognised)
            .filter_map(|e| e.details["part"]["sha256"].as_str()),
    );
    if let Some(h) = part_hashes.iter().find(|h| !known.contains(h.as_str())) {
        return Err(manifest::reject(words!(
            "d-bundle-part-unrecorded",
            id = short,
            sha256 = &h[..h.len().min(12)]
        )));
    }
    Ok(events)
}

/// How part `index` of a body was recognised, as a bundle states it (`None` unless it is
/// recognised text).
pub(crate) fn recognised_in(
    body: &crate::format::record::RecordBody,
    index: usize,
) -> Option<crate::format::manifest::ManifestRecognised> {
    let d = body.derived.iter().find(|d| d.part as usize == index)?;
    Some(crate::format::manifest::ManifestRecognised {
        source: body.parts.get(d.source as usize)?.name.clone(),
        source_sha256: hex::encode(d.source_sha256),
        engine: d.engine.clone(),
        version: d.version.clone(),
        languages: d.languages.clone(),
        pages: d.pages,
    })
}

/// The details each kind of event in a record's chain carries (FORMAT.md, "Event kinds").
/// Other kinds are about the vault, not a record, and never travel in a chain.
fn chain_details(kind: &str) -> Option<&'static [&'static str]> {
    Some(match Kind::parse(kind)? {
        Kind::RecordAdded => &["parts", "via"],
        Kind::PartRead => &["kind", "part"],
        Kind::RecordExported => &["as", "bundle", "to"],
        Kind::RecordImported => &["bundle", "from", "parts"],
        Kind::RecordResealed => &["new_signer"],
        Kind::TextRecognised => &[
            "engine",
            "languages",
            "part",
            "source",
            "source_sha256",
            "version",
        ],
        Kind::RecordDescribed => &["what"],
        Kind::VerificationSet => &["level"],
        Kind::ConsentOverridden => &["scope"],
        Kind::ConsentWithdrawn => &["erased"],
        _ => return None,
    })
}

/// An event from another vault as Amanat writes them, and nothing else (FORMAT.md, "Custody
/// in bundles"): its text is exactly its compact serialization (no field added, missing,
/// reordered or spelled twice), its kind is one a record's chain holds with exactly that
/// kind's details, and every id and hash in it is in its one canonical spelling. The
/// signature proves only who wrote an event; this is what lets the rest of the vault compare
/// its ids and hashes as text.
fn canonical_event(
    text: &str,
    ev: &crate::vault::custody::Event,
) -> std::result::Result<(), crate::error::Words> {
    use crate::format::id::is_canonical_hex;
    if serde_json::to_string(ev).ok().as_deref() != Some(text) {
        return Err(words!("d-event-not-exact"));
    }
    let Some(mut keys) = chain_details(&ev.kind) else {
        return Err(words!("d-event-kind", kind = format!("{:?}", ev.kind)));
    };
    let details = ev
        .details
        .as_object()
        .ok_or_else(|| words!("d-event-no-details"))?;
    // A collector's `record-added` carries its parts sealed to headquarters instead.
    if ev.kind == Kind::RecordAdded && details.contains_key("parts_sealed") {
        keys = &["parts_sealed", "via"];
        let base64 = details["parts_sealed"].as_str().is_some_and(|b| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(b).is_ok()
        });
        if !base64 {
            return Err(words!("d-event-sealed-not-base64"));
        }
    }
    if details.len() != keys.len() || keys.iter().any(|k| !details.contains_key(*k)) {
        return Err(words!("d-event-details", kind = ev.kind.to_string()));
    }
    if ev.time.parse::<jiff::Timestamp>().is_err() {
        return Err(words!("d-event-time"));
    }
    if !is_canonical_hex(&ev.prev, 32)
        || ev
            .record_prev
            .as_deref()
            .is_some_and(|h| !is_canonical_hex(h, 32))
        || ev
            .private
            .as_deref()
            .is_some_and(|h| !is_canonical_hex(h, 32))
    {
        return Err(words!("d-event-hash"));
    }
    if !ev
        .record
        .as_deref()
        .is_some_and(|r| is_canonical_hex(r, crate::format::id::ID_LEN))
    {
        return Err(words!("d-event-record"));
    }
    for k in ["as", "bundle"] {
        if let Some(v) = details.get(k) {
            if !v
                .as_str()
                .is_some_and(|s| is_canonical_hex(s, crate::format::id::ID_LEN))
            {
                return Err(words!("d-event-id", key = format!("{k:?}")));
            }
        }
    }
    if let Some(parts) = details.get("parts") {
        let ok = parts.as_array().is_some_and(|a| {
            a.iter().all(|p| {
                p["sha256"]
                    .as_str()
                    .is_some_and(|h| is_canonical_hex(h, 32))
            })
        });
        if !ok {
            return Err(words!("d-event-parts"));
        }
    }
    if !model_words(ev) {
        return Err(words!("d-event-model"));
    }
    if ev.kind == Kind::TextRecognised {
        let as_written = match crate::format::event::Happened::of(ev) {
            Some(crate::format::event::Happened::TextRecognised {
                part,
                source,
                source_sha256,
                engine,
                version,
                languages,
            }) => {
                part.kind == "recognised"
                    && part.index > source
                    && part.index < crate::format::record::MAX_PARTS
                    && is_canonical_hex(&part.sha256, 32)
                    && is_canonical_hex(&source_sha256, 32)
                    && crate::format::record::engine_words(&engine, &version, &languages)
            }
            _ => false,
        };
        if !as_written {
            return Err(words!("d-event-recognised"));
        }
    }
    if let Some(from) = details.get("from") {
        if !from.as_str().is_some_and(|f| f.starts_with("SHA256:")) {
            return Err(words!("d-event-from"));
        }
    }
    Ok(())
}

/// Whether an event of the testimony model says only what the format's words say
/// (FORMAT.md 14.2); true for events of other kinds.
fn model_words(ev: &crate::vault::custody::Event) -> bool {
    use crate::format::event::Happened;
    match Happened::of(ev) {
        Some(Happened::RecordDescribed { what }) => {
            ["persons", "relations", "consent", "statuses", "links"].contains(&what.as_str())
        }
        Some(Happened::VerificationSet { level }) => {
            crate::format::case::Level::parse(&level).is_some()
        }
        Some(Happened::ConsentOverridden { scope }) => {
            scope.is_empty() || crate::format::case::Scope::parse(&scope).is_some()
        }
        Some(Happened::ConsentWithdrawn { .. }) => true,
        _ => !crate::format::manifest::MODEL_KINDS
            .iter()
            .any(|k| ev.kind == *k),
    }
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
