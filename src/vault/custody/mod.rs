//! The chain of custody (FORMAT.md 14).
//!
//! Every operation that reads or changes the vault appends an **event**: a JSON object
//! signed with the vault's signing key (SSHSIG, namespace [`NAMESPACE`]) that names the
//! SHA-256 of the vault's previous event (`prev`) and, for an event about a record, of that
//! record's previous event (`record_prev`). The first link makes the whole log one chain; the
//! second makes each record's events a chain of their own, which travels with the record in
//! bundles and is extended by every vault that imports it.
//!
//! Events are sealed with the audit key and stored under their sequence number; a sealed
//! *head* names the newest one, so removing events from the end is detected as well as
//! removing, altering, reordering or replaying them anywhere else. Details that must never
//! leave the vault (where a part was written, a contact's name) are kept out of the signed
//! JSON, which holds only their salted SHA-256 (`private`); the log keeps them beside it.
use crate::crypto::seal::sha256;
use crate::crypto::sshkey;
use crate::error::{Error, Result, Words};
use crate::format::id::RecordId;
use crate::words;

mod batch;
mod log;
mod stamps;
#[cfg(feature = "test-hooks")]
pub mod tamper;
mod verify;

pub use crate::format::event::{
    verify_chain, AddedParts, BrokenLink, CustodyEntry, Event, Happened, Kind, PartFact, NAMESPACE,
};
pub(crate) use batch::LogBatch;
pub(crate) use log::open_stored;
pub(crate) use log::{erase_private_of, load, load_head, record_state, Signer, HEAD_KEY};
pub use log::{now, Head};
pub use stamps::{Coverage, Flagged, Proofs, StampInfo, CLOCK_SKEW_SECS};
pub(crate) use verify::{file_head, verify_log};
pub use verify::{LogBreak, LogItem, LogVerification, Trust};

impl crate::vault::Vault {
    /// The whole log in order, or with `record` the record's history: the events it
    /// brought from other vaults, then this vault's.
    pub fn audit_log(&self, record: Option<RecordId>) -> Result<Vec<LogItem>> {
        let key = &self.keyring.audit_key;
        if let Some(id) = record {
            if let Some(st) = record_state(&self.store, key, &id)? {
                let mut out = Vec::new();
                for e in &st.foreign {
                    let ev = Event::parse(&e.event)
                        .ok_or_else(|| Error::damaged(id, words!("d-custody-event-parse")))?;
                    out.push(LogItem::from_event(None, &ev, e.hash(), None));
                }
                for seq in st.seqs {
                    let s = load(&self.store, key, seq)?.ok_or_else(|| {
                        Error::damaged(id, words!("d-custody-event-missing", seq = seq))
                    })?;
                    out.push(LogItem::local(seq, &s)?);
                }
                return Ok(out);
            }
        }
        // The whole log (or a removed record's events in it).
        let want = record.map(|r| r.to_hex());
        let mut out = Vec::new();
        for kv in self.store.audit().iter() {
            let (k, v) = kv?;
            let s = open_stored(key, &k, &v)?;
            let seq = u64::from_be_bytes(k.as_ref().try_into().unwrap_or([0xff; 8]));
            let item = LogItem::local(seq, &s)?;
            let about = item.record.clone().or_else(|| {
                item.private
                    .as_ref()
                    .and_then(|p| p["record"].as_str().map(str::to_owned))
            });
            if want.is_none() || about == want {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Verifies the whole audit log (`audit --verify`, part of `check`), trusting every
    /// time-stamp authority this vault was given, removed since or not. Waits for a commit
    /// under way, which holds the log until it has committed.
    pub fn verify_audit(&self) -> Result<LogVerification> {
        let _commits = self.hold_log();
        self.verify_audit_held()
    }

    /// [`Vault::verify_audit`] for a caller that holds the log.
    pub(crate) fn verify_audit_held(&self) -> Result<LogVerification> {
        verify_log(
            &self.store,
            &self.keyring.audit_key,
            &self.keyring.vault_id,
            &sshkey::ed25519_line(&self.keyring.signing_public),
            Trust::Vault(&self.trusted_certificates()?),
        )
    }

    /// Verifies the whole audit log, trusting for time-stamp tokens only the DER
    /// certificates `trusted` (an examiner's own, not the vault's list, which whoever holds
    /// the keys can change).
    pub fn verify_audit_trusting(&self, trusted: &[Vec<u8>]) -> Result<LogVerification> {
        let _commits = self.hold_log();
        verify_log(
            &self.store,
            &self.keyring.audit_key,
            &self.keyring.vault_id,
            &sshkey::ed25519_line(&self.keyring.signing_public),
            Trust::Only(trusted),
        )
    }

    /// What is wrong with a record's custody state, if anything: missing, not opening,
    /// its chain from other vaults not verifying, or its head not naming its newest event.
    pub(crate) fn custody_damage(&self, id: RecordId) -> Result<Option<Words>> {
        let key = &self.keyring.audit_key;
        let st = match record_state(&self.store, key, &id) {
            Ok(Some(st)) => st,
            Ok(None) => return Ok(Some(words!("d-custody-chain-missing"))),
            Err(Error::Damaged { what, .. }) => return Ok(Some(what)),
            Err(e) => return Err(e),
        };
        if !st.foreign.is_empty() {
            if let Err(b) = verify_chain(&st.foreign) {
                return Ok(Some(words!("d-custody-foreign-chain", why = b.words())));
            }
        }
        let mut newest = st.foreign.last().map(CustodyEntry::hash);
        for &seq in st.seqs.iter().rev() {
            let ev = match load(&self.store, key, seq) {
                Ok(Some(s)) => s,
                _ => return Ok(Some(words!("d-custody-event-damaged", seq = seq))),
            };
            if Event::parse(&ev.event).is_some_and(|e| !batch::is_leaf(&e.kind)) {
                newest = Some(sha256(ev.event.as_bytes()));
                break;
            }
        }
        if newest != st.head {
            return Ok(Some(words!("d-custody-head-stale")));
        }
        Ok(None)
    }
}
