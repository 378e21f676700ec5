//! Recognised text in a bundle (FORMAT.md 13.2, manifest version 3): a part of kind
//! `recognised` says which part of its record it was recognised in, and how.
use serde::{Deserialize, Serialize};

use super::{reject, Manifest, VERSION_RECOGNISED};
use crate::error::Result;
use crate::format::event::Kind;
use crate::words;

/// How a recognised part was made, as a bundle states it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ManifestRecognised {
    /// The name of the part of the same record it was recognised in.
    pub source: String,
    /// SHA-256 of that part as the sender holds it: its `original_sha256` if the bundle
    /// holds a cleaned copy, else its `sha256`.
    pub source_sha256: String,
    pub engine: String,
    pub version: String,
    pub languages: Vec<String>,
    pub pages: u32,
}

impl Manifest {
    /// Whether the bundle needs version 3: a recognised part, or a chain of custody that
    /// logs one (`text-recognised`).
    pub fn holds_recognised_text(&self) -> bool {
        self.records.iter().any(|r| {
            r.parts.iter().any(|p| p.kind == "recognised")
                || r.custody.iter().any(|c| {
                    serde_json::from_str::<serde_json::Value>(&c.event)
                        .is_ok_and(|e| e["kind"] == Kind::TextRecognised.as_str())
                })
        })
    }

    /// Every recognised part names a source among the other parts of its record, by name
    /// and SHA-256, and its engine in plain words; no other part claims to be recognised;
    /// and only a version 3 manifest holds any of it.
    pub(super) fn validate_recognised(&self) -> Result<()> {
        let holds = self.holds_recognised_text();
        // Version 4 may hold recognised text or not; version 3 must, earlier ones must not.
        if (holds && self.version < VERSION_RECOGNISED)
            || (!holds && self.version == VERSION_RECOGNISED)
        {
            return Err(reject(if holds {
                words!("d-manifest-holds-recognised", version = self.version)
            } else {
                words!("d-manifest-holds-no-recognised", version = self.version)
            }));
        }
        self.records.iter().try_for_each(check_recognised)
    }
}

/// One record's recognised parts: each names its source among the record's other parts, by
/// name and SHA-256, and its engine in plain words; no other part claims to be recognised.
pub(super) fn check_recognised(r: &super::ManifestRecord) -> Result<()> {
    for p in &r.parts {
        let Some(how) = &p.recognised else {
            if p.kind == "recognised" {
                return Err(reject(words!(
                    "d-manifest-recognised-unsourced",
                    id = &r.id,
                    name = format!("{:?}", p.name)
                )));
            }
            continue;
        };
        let source = r
            .parts
            .iter()
            .find(|s| s.name == how.source)
            .filter(|s| s.kind == "testimony" || s.kind == "attachment");
        let fits = p.kind == "recognised"
            && source.is_some_and(|s| {
                s.original_sha256.as_deref().unwrap_or(&s.sha256) == how.source_sha256
            })
            && crate::format::record::engine_words(&how.engine, &how.version, &how.languages)
            && (1..=crate::format::record::MAX_RECOGNISED_PAGES).contains(&how.pages);
        if !fits {
            return Err(reject(words!(
                "d-manifest-recognised-bad",
                id = &r.id,
                name = format!("{:?}", p.name)
            )));
        }
    }
    Ok(())
}
