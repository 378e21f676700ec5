//! Custody events as they are signed and as they travel (FORMAT.md 14): the exact JSON of an [`Event`], a [`CustodyEntry`] with its SSHSIG
//! signature(s), and the verification of a record's whole chain ([`verify_chain`]). How a
//! vault stores, appends and verifies its own log is `vault::custody`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::seal::sha256;
use crate::crypto::{sshkey, sshsig};

/// The SSHSIG namespace of custody events.
pub const NAMESPACE: &str = "amanat-custody-v1";
/// The `amanat_custody` field of every event this version writes.
pub const VERSION: u32 = 1;

/// Event kinds (FORMAT.md, "Event kinds").
pub mod kind {
    pub const VAULT_CREATED: &str = "vault-created";
    pub const RECORD_ADDED: &str = "record-added";
    pub const PART_READ: &str = "part-read";
    pub const IDENTITY_READ: &str = "identity-read";
    pub const RECORD_REMOVED: &str = "record-removed";
    pub const RECORD_EXPORTED: &str = "record-exported";
    pub const RECORD_IMPORTED: &str = "record-imported";
    pub const RECORD_RESEALED: &str = "record-resealed";
    pub const BUNDLE_EXPORTED: &str = "bundle-exported";
    pub const BUNDLE_IMPORTED: &str = "bundle-imported";
    pub const CONTACT_ADDED: &str = "contact-added";
    pub const CONTACT_REMOVED: &str = "contact-removed";
    pub const PASSPHRASE_CHANGED: &str = "passphrase-changed";
    pub const KEYS_ROTATED: &str = "keys-rotated";
    pub const DURESS_SET: &str = "duress-set";
}

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
        match self.kind.as_str() {
            kind::KEYS_ROTATED | kind::RECORD_RESEALED => self.details["new_signer"].as_str(),
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
    pub fn check(&self) -> std::result::Result<Event, String> {
        let ev = Event::parse(&self.event).ok_or("it is not a custody event")?;
        let named =
            sshsig::parse_ed25519_line(&ev.signer).ok_or("its signer is not an ssh-ed25519 key")?;
        let signer = sshsig::verify(&self.signature, NAMESPACE, self.event.as_bytes())
            .map_err(|e| format!("its signature: {e}"))?;
        if signer != named {
            return Err("it is signed by another key than the one it names".into());
        }
        match (ev.new_signer(), &self.cosignature) {
            (Some(new), Some(co)) => {
                let new = sshsig::parse_ed25519_line(new)
                    .ok_or("its new signer is not an ssh-ed25519 key")?;
                let cosigner = sshsig::verify(co, NAMESPACE, self.event.as_bytes())
                    .map_err(|e| format!("its cosignature: {e}"))?;
                if cosigner != new {
                    return Err("its cosignature is not by the new key it names".into());
                }
            }
            (Some(_), None) => return Err("the new key's signature is missing".into()),
            (None, Some(_)) => return Err("it carries an unexpected cosignature".into()),
            (None, None) => {}
        }
        Ok(ev)
    }
}

/// A link in a record's chain that did not hold: which entry (0-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub index: usize,
    pub why: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "custody event {} {}", self.index + 1, self.why)
    }
}

/// Verifies a record's whole custody chain (FORMAT.md 14.5):
/// every signature, every `record_prev` link, and that the record and the signer change only
/// where one vault exported it and the next imported it (or a vault handed over to new keys).
pub fn verify_chain(entries: &[CustodyEntry]) -> std::result::Result<Vec<Event>, BrokenLink> {
    let broken = |index: usize, why: String| BrokenLink { index, why };
    let mut out: Vec<Event> = Vec::with_capacity(entries.len());
    let mut expected_signer: Option<String> = None;
    for (i, entry) in entries.iter().enumerate() {
        let ev = entry.check().map_err(|w| broken(i, w))?;
        if ev.record.is_none() {
            return Err(broken(i, "names no record".into()));
        }
        match out.last() {
            None => {
                if ev.kind != kind::RECORD_ADDED || ev.record_prev.is_some() {
                    return Err(broken(i, "is not where the record was first added".into()));
                }
            }
            Some(prev) => {
                if ev.record_prev.as_deref() != Some(&hex::encode(entries[i - 1].hash())) {
                    return Err(broken(
                        i,
                        "does not follow the event before it (one was removed, reordered or altered)".into(),
                    ));
                }
                let handed_over = prev.kind == kind::RECORD_EXPORTED
                    && ev.kind == kind::RECORD_IMPORTED
                    && prev.detail("as") == ev.record.as_deref()
                    && prev.detail("bundle") == ev.detail("bundle")
                    && ev.detail("from") == Some(prev.fingerprint().as_str());
                if prev.kind == kind::RECORD_EXPORTED && !handed_over {
                    return Err(broken(
                        i,
                        "follows an export without being that bundle's import".into(),
                    ));
                }
                if ev.record != prev.record && !handed_over {
                    return Err(broken(i, "is about another record".into()));
                }
                let want = expected_signer.as_deref().unwrap_or(&prev.signer);
                if ev.signer != want && !handed_over {
                    return Err(broken(
                        i,
                        "is signed by a key that did not hold the record".into(),
                    ));
                }
            }
        }
        expected_signer = ev.new_signer().map(str::to_owned);
        out.push(ev);
    }
    if out.is_empty() {
        return Err(broken(0, "is missing: the chain is empty".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zeroize::Zeroizing;

    struct Key {
        seed: Zeroizing<[u8; 32]>,
        line: String,
    }

    fn key(n: u8) -> Key {
        let seed = Zeroizing::new([n; 32]);
        let (pk, _) = sshsig::sign_raw(&seed, NAMESPACE, b"");
        Key {
            seed,
            line: sshkey::ed25519_line(&pk),
        }
    }

    fn fp(k: &Key) -> String {
        sshkey::fingerprint(&sshsig::parse_ed25519_line(&k.line).unwrap())
    }

    fn entry(
        k: &Key,
        kind: &str,
        record: &str,
        prev: Option<&CustodyEntry>,
        details: Value,
    ) -> CustodyEntry {
        let ev = Event {
            amanat_custody: VERSION,
            kind: kind.into(),
            time: "2026-11-29T00:00:00Z".into(),
            signer: k.line.clone(),
            prev: hex::encode([0u8; 32]),
            record: Some(record.into()),
            record_prev: prev.map(|p| hex::encode(p.hash())),
            details,
            private: None,
        };
        let text = serde_json::to_string(&ev).unwrap();
        CustodyEntry {
            signature: sshsig::sign(&k.seed, NAMESPACE, text.as_bytes()),
            cosignature: None,
            event: text,
        }
    }

    /// A added it, exported it to B as "r2" in bundle "b1"; B imported it and exported it.
    fn path() -> (Key, Key, Vec<CustodyEntry>) {
        let (a, b) = (key(1), key(2));
        let e0 = entry(&a, kind::RECORD_ADDED, "r1", None, json!({"parts": []}));
        let e1 = entry(&a, kind::PART_READ, "r1", Some(&e0), json!({"part": 0}));
        let e2 = entry(
            &a,
            kind::RECORD_EXPORTED,
            "r1",
            Some(&e1),
            json!({"as": "r2", "bundle": "b1"}),
        );
        let e3 = entry(
            &b,
            kind::RECORD_IMPORTED,
            "r2",
            Some(&e2),
            json!({"from": fp(&a), "bundle": "b1", "parts": []}),
        );
        let e4 = entry(
            &b,
            kind::RECORD_EXPORTED,
            "r2",
            Some(&e3),
            json!({"as": "r3", "bundle": "b2"}),
        );
        (a, b, vec![e0, e1, e2, e3, e4])
    }

    fn broken_at(chain: &[CustodyEntry]) -> usize {
        verify_chain(chain).expect_err("must not verify").index
    }

    #[test]
    fn a_genuine_path_verifies() {
        let (_, _, chain) = path();
        let events = verify_chain(&chain).unwrap();
        assert_eq!(events.len(), 5);
        assert_eq!(events[3].kind, kind::RECORD_IMPORTED);
    }

    #[test]
    fn removed_reordered_or_altered_events_break_the_chain() {
        let (_, _, chain) = path();
        let mut c = chain.clone();
        c.remove(1);
        assert_eq!(broken_at(&c), 1);
        let mut c = chain.clone();
        c.swap(1, 2);
        assert_eq!(broken_at(&c), 1);
        let mut c = chain.clone();
        c[1].event = c[1].event.replace("\"part\":0", "\"part\":1");
        assert_eq!(broken_at(&c), 1);
        let mut c = chain.clone();
        c.remove(0);
        assert_eq!(broken_at(&c), 0);
        assert_eq!(broken_at(&[]), 0);
        // A replayed event (a copy of an earlier one) does not link.
        let mut c = chain.clone();
        c.push(chain[1].clone());
        assert_eq!(broken_at(&c), 5);
    }

    #[test]
    fn a_handover_must_name_the_bundle_and_the_sender() {
        let (a, b, chain) = path();
        let c = key(3);
        // Imported from someone else than the exporter.
        let mut bad = chain[..3].to_vec();
        bad.push(entry(
            &b,
            kind::RECORD_IMPORTED,
            "r2",
            Some(&chain[2]),
            json!({"from": fp(&c), "bundle": "b1"}),
        ));
        assert_eq!(broken_at(&bad), 3);
        // From another bundle.
        let mut bad = chain[..3].to_vec();
        bad.push(entry(
            &b,
            kind::RECORD_IMPORTED,
            "r2",
            Some(&chain[2]),
            json!({"from": fp(&a), "bundle": "b9"}),
        ));
        assert_eq!(broken_at(&bad), 3);
        // A third key signing an event of A's without any handover.
        let mut bad = chain[..2].to_vec();
        bad.push(entry(&c, kind::PART_READ, "r1", Some(&chain[1]), json!({})));
        assert_eq!(broken_at(&bad), 2);
        // The exporter keeps writing after its export: not part of the path.
        let mut bad = chain[..3].to_vec();
        bad.push(entry(&a, kind::PART_READ, "r1", Some(&chain[2]), json!({})));
        assert_eq!(broken_at(&bad), 3);
        // A signature by another key than the one the event names.
        let mut bad = chain.clone();
        bad[1].signature = sshsig::sign(&c.seed, NAMESPACE, bad[1].event.as_bytes());
        assert_eq!(broken_at(&bad), 1);
    }

    #[test]
    fn a_key_handover_needs_the_new_keys_signature() {
        let (a, _, chain) = path();
        let n = key(4);
        let mut e = entry(
            &a,
            kind::RECORD_RESEALED,
            "r1",
            Some(&chain[1]),
            json!({"new_signer": n.line}),
        );
        let mut c = chain[..2].to_vec();
        c.push(e.clone());
        assert_eq!(broken_at(&c), 2);
        e.cosignature = Some(sshsig::sign(&n.seed, NAMESPACE, e.event.as_bytes()));
        c[2] = e.clone();
        c.push(entry(&n, kind::PART_READ, "r1", Some(&e), json!({})));
        verify_chain(&c).unwrap();
        // …and after it, the old key no longer speaks for the record.
        c.pop();
        c.push(entry(&a, kind::PART_READ, "r1", Some(&e), json!({})));
        assert_eq!(broken_at(&c), 3);
    }
}
