//! The testimony model in a bundle (FORMAT.md 13.2, manifest version 4): a record's
//! persons, relations, consent, status events and verification (`case`), and which parts
//! are transcripts or translations of which (a part's `of`).
use serde::{Deserialize, Serialize};

use super::{reject, Manifest, ManifestRecord, VERSION_MODELLED};
use crate::error::Result;
use crate::format::case::{is_pseudonym, LinkKind, PartLink};
use crate::format::event::Kind;
use crate::words;

/// What a part is of another part of its record, as a bundle states it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ManifestLink {
    /// The name of the part it is made from.
    pub part: String,
    pub kind: LinkKind,
    pub language: Option<String>,
    pub translator: Option<String>,
}

/// The event kinds of the testimony model, which only a version 4 bundle's chains hold.
pub const MODEL_KINDS: [Kind; 4] = [
    Kind::RecordDescribed,
    Kind::VerificationSet,
    Kind::ConsentOverridden,
    Kind::ConsentWithdrawn,
];

impl ManifestRecord {
    /// The record's links, by part index, as its body will hold them.
    pub fn links(&self) -> Vec<PartLink> {
        self.parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let of = p.of.as_ref()?;
                Some(PartLink {
                    part: i as u32,
                    of: self.parts.iter().position(|s| s.name == of.part)? as u32,
                    kind: of.kind,
                    language: of.language.clone(),
                    translator: of.translator.clone(),
                })
            })
            .collect()
    }

    fn holds_model(&self) -> bool {
        self.case.is_some()
            || self.parts.iter().any(|p| p.of.is_some())
            || self.custody.iter().any(|c| {
                serde_json::from_str::<serde_json::Value>(&c.event).is_ok_and(|e| {
                    MODEL_KINDS
                        .iter()
                        .any(|k| e["kind"].as_str() == Some(k.as_str()))
                })
            })
    }
}

impl Manifest {
    /// Whether the bundle needs version 4: a record with a `case`, a part with `of`, or a
    /// chain that logs either.
    pub fn holds_model(&self) -> bool {
        self.records.iter().any(ManifestRecord::holds_model)
    }

    /// Every record's case follows FORMAT.md 7.4 (an empty one is left out, not written),
    /// every `of` names another part of its record, and only a version 4 manifest holds
    /// any of it.
    pub(super) fn validate_model(&self) -> Result<()> {
        let holds = self.holds_model();
        // Version 5 may hold the model or not; version 4 must, earlier ones must not.
        if (holds && self.version < VERSION_MODELLED)
            || (!holds && self.version == VERSION_MODELLED)
        {
            return Err(reject(words!(
                "d-manifest-model-version",
                version = self.version
            )));
        }
        self.records.iter().try_for_each(check_model)
    }
}

/// One record's case and links under FORMAT.md 7.4's rules, and its identity parts named as
/// 13.4 says.
pub(super) fn check_model(r: &ManifestRecord) -> Result<()> {
    let bad = |why| reject(words!("d-manifest-case", id = &r.id, why = why));
    if let Some(c) = &r.case {
        if c.is_empty() {
            return Err(bad(words!("d-manifest-case-empty")));
        }
        c.check(r.witness.as_deref()).map_err(bad)?;
        if c.consent
            .as_ref()
            .is_some_and(|k| !k.organisations.is_empty())
        {
            return Err(bad(words!("d-manifest-case-organisations")));
        }
        if let Some(code) = c
            .codes(r.witness.as_deref())
            .find(|c| !crate::format::case::is_pseudonym(c))
        {
            let code = format!("{code:?}");
            return Err(bad(words!("d-manifest-case-code", code = code)));
        }
        // A day of slack for the sender's time zone.
        let tomorrow = jiff::Zoned::now()
            .date()
            .tomorrow()
            .unwrap_or(jiff::civil::Date::MAX);
        c.check_dates(tomorrow).map_err(bad)?;
    }
    // A partner's bundle gives every code as a pseudonym, the witness's too, with a
    // case or without: else a sender could name the receiver's own witness, and
    // plant a record, or an identity, beside theirs.
    if let Some(w) = r.witness.as_deref().filter(|w| !is_pseudonym(w)) {
        let code = format!("{w:?}");
        return Err(bad(words!("d-manifest-case-code", code = code)));
    }
    // An identity part is the testifier's (`identity`, of a record with a witness)
    // or a person's the case names (`identity-` and the person's pseudonym), one each.
    let identities = r.parts.iter().filter(|p| p.kind == "identity");
    for (i, p) in identities.clone().enumerate() {
        let person = p.name.strip_prefix(crate::format::record::IDENTITY_OF);
        let named = match person {
            None => p.name == "identity" && r.witness.is_some(),
            Some(code) => r.case.as_ref().is_some_and(|c| {
                c.persons.iter().any(|x| x.code == code) && r.witness.as_deref() != Some(code)
            }),
        };
        if !named || identities.clone().take(i).any(|q| q.name == p.name) {
            let name = format!("{:?}", p.name);
            return Err(bad(words!("d-manifest-identity-name", name = name)));
        }
    }
    // No other part may be named as an identity part would be.
    let reserved = |n: &str| r.case.as_ref().map_or(n == "identity", |c| c.reserves(n));
    if let Some(p) = r
        .parts
        .iter()
        .find(|p| p.kind != "identity" && reserved(&p.name))
    {
        let name = format!("{:?}", p.name);
        return Err(bad(words!("d-manifest-identity-name", name = name)));
    }
    let links = r.links();
    if links.len() != r.parts.iter().filter(|p| p.of.is_some()).count() {
        return Err(bad(words!("d-case-link")));
    }
    let linkable: Vec<bool> = r
        .parts
        .iter()
        .map(|p| p.kind == "testimony" || p.kind == "attachment")
        .collect();
    PartLink::check_all(&links, &linkable).map_err(bad)?;
    Ok(())
}
