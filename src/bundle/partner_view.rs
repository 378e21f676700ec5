//! What of a record a partner sees ([`redact_record`]: the one place that decides it), and
//! the check that a testimony does not name its own witness code.
use zeroize::Zeroizing;

use super::export::timestamp;
use crate::error::{Error, Result};
use crate::format::manifest::ManifestRecord;
use crate::format::record::{PartKind, RecordBody};
use crate::vault::contacts::Contact;
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

/// The one place that decides what of a record a partner sees: everything but identity
/// parts, with the witness code replaced by the partner's pseudonym, also where the code
/// was written into the title, tags, place, interviewer or note.
pub fn redact_record(
    vault: &Vault,
    contact: &Contact,
    body: &RecordBody,
    bundle_id: &RecordId,
) -> ManifestRecord {
    let m = &body.meta;
    let key = vault.pseudonym_key();
    let pseudonym = m
        .witness
        .as_deref()
        .map(|w| super::witness_pseudonym(key, &contact.name, w));
    let scrub = |s: &str| match (&m.witness, &pseudonym) {
        (Some(code), Some(p)) if !code.is_empty() => s.replace(code.as_str(), p),
        _ => s.to_owned(),
    };
    let scrub_opt = |s: &Option<String>| s.as_deref().map(scrub);
    ManifestRecord {
        timestamps: vec![],
        id: bundle_id.to_hex(),
        created: timestamp(body.created),
        title: scrub(&m.title),
        tags: m.tags.iter().map(|t| scrub(t)).collect(),
        witness: pseudonym.clone(),
        language: m.language.clone(),
        place: scrub_opt(&m.place),
        date: m.date.clone(),
        interviewer: scrub_opt(&m.interviewer),
        note: scrub_opt(&m.note),
        parts: vec![],
        custody: vec![],
    }
}

/// Largest testimony searched for its own witness code before export.
const MAX_MENTION_SCAN: u64 = 16 << 20;

/// Whether a text testimony mentions the record's witness code (which export cannot
/// change without altering the evidence, so it warns instead).
pub(super) fn mentions_code(
    vault: &Vault,
    id: RecordId,
    body: &RecordBody,
    index: usize,
) -> Result<bool> {
    let (p, Some(code)) = (&body.parts[index], body.meta.witness.as_deref()) else {
        return Ok(false);
    };
    let text = matches!(p.kind, PartKind::Testimony | PartKind::Recognised);
    if !text || p.size > MAX_MENTION_SCAN || code.is_empty() {
        return Ok(false);
    }
    let mut buf = Zeroizing::new(Vec::new());
    vault.open_part(id, p)?.read_to_end(&mut buf).map_err(|_| {
        Error::damaged(
            id,
            words!("d-part-not-decrypt", part = format!("{:?}", p.name)),
        )
    })?;
    Ok(buf.windows(code.len()).any(|w| w == code.as_bytes()))
}
