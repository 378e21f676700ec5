//! Custody events as they are signed and as they travel (FORMAT.md 14): the exact JSON of an [`Event`], a [`CustodyEntry`] with its SSHSIG
//! signature(s), and the verification of a record's whole chain ([`verify_chain`]). How a
//! vault stores, appends and verifies its own log is `vault::custody`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::seal::sha256;
use crate::crypto::{sshkey, sshsig};
use crate::error::Words;
use crate::words;

mod happened;
#[cfg(test)]
mod tests;

pub use happened::{facts, AddedParts, Happened, Kept, Kind, PartFact};

/// The SSHSIG namespace of custody events.
pub const NAMESPACE: &str = "amanat-custody-v1";
/// The `amanat_custody` field of every event this version writes.
pub const VERSION: u32 = 1;

/// One event, as signed. Field order is the order of the JSON.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub amanat_custody: u32,
    pub kind: String,
    /// RFC 3339, UTC, whole seconds.
    pub time: String,
    /// The signing key, as an `ssh-ed25519 …` line.
    pub signer: String,
    /// Hex SHA-256 of the previous event of the signing vault's log (zeros for the first).
    pub prev: String,
    /// The record, as this vault knows it.
    pub record: Option<String>,
    /// Hex SHA-256 of the record's previous event, wherever it was made.
    pub record_prev: Option<String>,
    /// What happened, without anything that must stay in the vault.
    pub details: Value,
    /// Hex SHA-256 of `salt ‖ private details`, kept in the log only.
    pub private: Option<String>,
}

impl Event {
    /// Parses the exact signed text.
    pub fn parse(text: &str) -> Option<Event> {
        let e: Event = serde_json::from_str(text).ok()?;
        (e.amanat_custody == VERSION && e.details.is_object()).then_some(e)
    }

    /// The key this event hands over to, for the events that must also be signed by it.
    pub fn new_signer(&self) -> Option<&str> {
        match Kind::parse(&self.kind) {
            Some(Kind::KeysRotated | Kind::RecordResealed) => self.details["new_signer"].as_str(),
            _ => None,
        }
    }

    /// A detail as text.
    pub fn detail(&self, name: &str) -> Option<&str> {
        self.details.get(name).and_then(Value::as_str)
    }

    /// The signer's fingerprint (`SHA256:…`), or the line itself if it does not parse.
    pub fn fingerprint(&self) -> String {
        match sshsig::parse_ed25519_line(&self.signer) {
            Some(pk) => sshkey::fingerprint(&pk),
            None => self.signer.clone(),
        }
    }
}

/// A custody event as it travels in a bundle: the exact signed JSON and its armored SSHSIG
/// signature(s), checkable with `ssh-keygen -Y verify -n amanat-custody-v1`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CustodyEntry {
    pub event: String,
    pub signature: String,
    /// For a key handover: the signature of the new key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cosignature: Option<String>,
}

impl CustodyEntry {
    /// SHA-256 of the signed event, as `prev` and `record_prev` name it.
    pub fn hash(&self) -> [u8; 32] {
        sha256(self.event.as_bytes())
    }

    /// Checks the signature(s) against the key(s) the event names; returns the event.
    pub fn check(&self) -> std::result::Result<Event, Words> {
        let ev = Event::parse(&self.event).ok_or_else(|| words!("d-chain-not-event"))?;
        let named = sshsig::parse_ed25519_line(&ev.signer)
            .ok_or_else(|| words!("d-chain-signer-not-ed25519"))?;
        let signer = sshsig::verify(&self.signature, NAMESPACE, self.event.as_bytes())
            .map_err(|e| words!("d-chain-signature", why = e.words()))?;
        if signer != named {
            return Err(words!("d-chain-signed-by-other"));
        }
        match (ev.new_signer(), &self.cosignature) {
            (Some(new), Some(co)) => {
                let new = sshsig::parse_ed25519_line(new)
                    .ok_or_else(|| words!("d-chain-new-signer-not-ed25519"))?;
                let cosigner = sshsig::verify(co, NAMESPACE, self.event.as_bytes())
                    .map_err(|e| words!("d-chain-cosignature", why = e.words()))?;
                if cosigner != new {
                    return Err(words!("d-chain-cosigned-by-other"));
                }
            }
            (Some(_), None) => return Err(words!("d-chain-cosignature-missing")),
            (None, Some(_)) => return Err(words!("d-chain-cosignature-unexpected")),
            (None, None) => {}
        }
        Ok(ev)
    }
}

/// A link in a record's chain that did not hold: which entry (0-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub index: usize,
    pub why: Words,
}

impl BrokenLink {
    /// Which event did not hold and why, in words.
    pub fn words(&self) -> Words {
        words!(
            "d-chain-broken",
            event = self.index + 1,
            why = self.why.clone()
        )
    }
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.words().fmt(f)
    }
}

/// Verifies a record's whole custody chain (FORMAT.md 14.5):
/// every signature, every `record_prev` link, and that the record and the signer change only
/// where one vault exported it and the next imported it (or a vault handed over to new keys).
pub fn verify_chain(entries: &[CustodyEntry]) -> std::result::Result<Vec<Event>, BrokenLink> {
    let broken = |index: usize, why: Words| BrokenLink { index, why };
    let mut out: Vec<Event> = Vec::with_capacity(entries.len());
    let mut expected_signer: Option<String> = None;
    for (i, entry) in entries.iter().enumerate() {
        let ev = entry.check().map_err(|w| broken(i, w))?;
        if ev.record.is_none() {
            return Err(broken(i, words!("d-chain-no-record")));
        }
        match out.last() {
            None => {
                if ev.kind != Kind::RecordAdded || ev.record_prev.is_some() {
                    return Err(broken(i, words!("d-chain-not-first")));
                }
            }
            Some(prev) => {
                if ev.record_prev.as_deref() != Some(&hex::encode(entries[i - 1].hash())) {
                    return Err(broken(i, words!("d-chain-does-not-follow")));
                }
                let handed_over = prev.kind == Kind::RecordExported
                    && ev.kind == Kind::RecordImported
                    && prev.detail("as") == ev.record.as_deref()
                    && prev.detail("bundle") == ev.detail("bundle")
                    && ev.detail("from") == Some(prev.fingerprint().as_str());
                if prev.kind == Kind::RecordExported && !handed_over {
                    return Err(broken(i, words!("d-chain-not-the-import")));
                }
                if ev.record != prev.record && !handed_over {
                    return Err(broken(i, words!("d-chain-other-record")));
                }
                let want = expected_signer.as_deref().unwrap_or(&prev.signer);
                if ev.signer != want && !handed_over {
                    return Err(broken(i, words!("d-chain-signer-did-not-hold")));
                }
            }
        }
        expected_signer = ev.new_signer().map(str::to_owned);
        out.push(ev);
    }
    if out.is_empty() {
        return Err(broken(0, words!("d-chain-empty")));
    }
    Ok(out)
}
