//! Reading the log back ([`LogItem`]) and verifying it whole (FORMAT.md 14.3).
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::crypto::seal::sha256;
use crate::crypto::sshsig;
use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::error::{Error, Result, Words};
use crate::format::event::{Event, Kind, NAMESPACE};
use crate::format::id::RecordId;
use crate::storage::store::{Bytes, Store};
use crate::vault::map_on_cores;
use crate::words;

use super::log::*;
use super::stamps::{self, Proofs};
use crate::format::stamp::Stamp;

/// One event read back from the log, for `audit` and `show`.
#[derive(Debug, Clone, Serialize)]
pub struct LogItem {
    /// Position in this vault's log; `None` for an event made by another vault.
    pub seq: Option<u64>,
    pub kind: String,
    pub time: String,
    pub signer: String,
    pub record: Option<String>,
    pub details: Value,
    /// Details kept in this vault only.
    pub private: Option<Value>,
    /// SHA-256 of the signed event.
    pub hash: String,
}

impl LogItem {
    pub(crate) fn local(seq: u64, s: &Stored) -> Result<LogItem> {
        let ev = Event::parse(&s.event)
            .ok_or_else(|| Error::VaultDamaged(words!("d-custody-audit-event-parse", seq = seq)))?;
        Ok(LogItem::from_event(
            Some(seq),
            &ev,
            sha256(s.event.as_bytes()),
            s.private
                .as_ref()
                .and_then(|p| serde_json::from_str(&p.text).ok()),
        ))
    }

    pub(crate) fn from_event(
        seq: Option<u64>,
        ev: &Event,
        hash: [u8; 32],
        private: Option<Value>,
    ) -> LogItem {
        LogItem {
            seq,
            kind: ev.kind.clone(),
            time: ev.time.clone(),
            signer: ev.fingerprint(),
            record: ev.record.clone(),
            details: ev.details.clone(),
            private,
            hash: hex::encode(hash),
        }
    }
}

/// Where the log first failed verification.
#[derive(Debug, Clone, Serialize)]
pub struct LogBreak {
    /// The event's sequence number (for a missing tail: the first one missing).
    pub seq: u64,
    pub why: Words,
}

/// The result of verifying the whole log.
#[derive(Debug, Clone, Serialize)]
pub struct LogVerification {
    pub events: u64,
    pub broken: Option<LogBreak>,
    /// What the log's time-stamp tokens prove, when the log verified.
    #[serde(flatten)]
    pub proofs: Proofs,
}

/// Which certificates time-stamp tokens are checked against.
#[derive(Clone, Copy)]
pub enum Trust<'a> {
    /// The vault's authorities: those configured, and every one its log says was added
    /// (removing an authority does not take away what its tokens proved).
    Vault(&'a [Vec<u8>]),
    /// Only these (an examiner's own).
    Only(&'a [Vec<u8>]),
}

/// Verifies the log (FORMAT.md 14.3): numbering without gaps, every event
/// opening, parsing and signed by the key that held the vault at that point, each naming its
/// predecessor's hash, private details matching their commitment, each record's events
/// linked in order, and the sealed head naming the last event.
pub(crate) fn verify_log(
    store: &Store,
    key: &SymmetricKey,
    vault_id: &[u8; 16],
    current_signer: &str,
    trusted: Trust<'_>,
) -> Result<LogVerification> {
    let v = verify_chain_of_log(store, key, vault_id, current_signer, trusted)?;
    if v.broken.is_some() {
        return Ok(v);
    }
    if let Some(f) = file_head(store, key) {
        if f.next > v.events {
            return Ok(LogVerification {
                events: v.events,
                proofs: Proofs::default(),
                broken: Some(LogBreak {
                    seq: v.events,
                    why: if f.next - 1 > v.events {
                        words!(
                            "d-custody-lost-writes-up-to",
                            last = f.next - 1,
                            written = f.next
                        )
                    } else {
                        words!("d-custody-lost-writes", written = f.next)
                    },
                }),
            });
        }
    }
    Ok(v)
}

/// The head recorded in the head file, if it exists and opens with `key`.
pub(crate) fn file_head(store: &Store, key: &SymmetricKey) -> Option<Head> {
    let bytes = store.head_file()?;
    let plain = key.open(Domain::AuditHead, b"", &bytes).ok()?;
    postcard::from_bytes(&plain).ok()
}

/// Events verified a chunk at a time: opening, parsing and checking signatures is most of
/// the work, and is done on every core; the checks that need the events before it run in
/// order after.
const CHUNK: usize = 4096;

/// One event of the log as stored, opened, parsed, and its signatures checked against the
/// keys it names itself (whether those were the right keys is for the checks in order).
struct Opened {
    key: Bytes,
    /// `None`: it does not authenticate.
    stored: Option<Stored>,
    /// `None`: it does not parse.
    event: Option<Event>,
    signer_valid: bool,
    /// Its signature verifies with the key it names as signer.
    signed: bool,
    /// It names a new signer, and that key's signature on it verifies.
    cosigned: bool,
    /// Its leaf in the tree time-stamp tokens cover (FORMAT.md 14.6).
    leaf: Option<[u8; 32]>,
}

fn open_one(key: &SymmetricKey, k: Bytes, v: &[u8]) -> Opened {
    let stored = open_stored(key, &k, v).ok();
    let event = stored.as_ref().and_then(|s| Event::parse(&s.event));
    let (mut signer_valid, mut signed, mut cosigned) = (false, false, false);
    if let (Some(s), Some(ev)) = (&stored, &event) {
        if let Some(pk) = sshsig::parse_ed25519_line(&ev.signer) {
            signer_valid = true;
            signed = sshsig::verify_raw(&pk, NAMESPACE, s.event.as_bytes(), &s.sig);
        }
        if let (Some(npk), Some(co)) = (
            ev.new_signer().and_then(sshsig::parse_ed25519_line),
            &s.cosig,
        ) {
            cosigned = sshsig::verify_raw(&npk, NAMESPACE, s.event.as_bytes(), co);
        }
    }
    let leaf = stored
        .as_ref()
        .and_then(|s| s.entry().ok())
        .map(|e| crate::format::stamp::leaf(&e));
    Opened {
        key: k,
        leaf,
        stored,
        event,
        signer_valid,
        signed,
        cosigned,
    }
}

/// The log's events in order, each [`Opened`], [`CHUNK`] at a time on every core.
fn opened<'a>(
    store: &'a Store,
    key: &'a SymmetricKey,
) -> impl Iterator<Item = Result<Opened>> + 'a {
    let mut raw = store.audit().iter();
    let mut ready = Vec::new().into_iter();
    let mut failed: Option<Error> = None;
    std::iter::from_fn(move || loop {
        if let Some(o) = ready.next() {
            return Some(Ok(o));
        }
        if let Some(e) = failed.take() {
            return Some(Err(e));
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        for kv in raw.by_ref().take(CHUNK) {
            match kv {
                Ok(kv) => chunk.push(kv),
                Err(e) => {
                    // After the events read before it.
                    failed = Some(e);
                    break;
                }
            }
        }
        if chunk.is_empty() && failed.is_none() {
            return None;
        }
        ready = map_on_cores(&chunk, 64, |(k, v)| open_one(key, k.clone(), v)).into_iter();
    })
}

// This function is long because it checks FORMAT.md's rules for the log (numbering,
// sealing, signatures, links, private details, each record's chain, the head) in one pass
// over the events, keeping per-record state between them.
fn verify_chain_of_log(
    store: &Store,
    key: &SymmetricKey,
    vault_id: &[u8; 16],
    current_signer: &str,
    trusted: Trust<'_>,
) -> Result<LogVerification> {
    let mut added_certs: Vec<Vec<u8>> = Vec::new();
    let mut expected_seq = 0u64;
    let mut leaves: Vec<[u8; 32]> = Vec::new();
    let mut times: Vec<i64> = Vec::new();
    let mut stamps: Vec<Stamp> = Vec::new();
    let mut last = GENESIS;
    let mut signer: Option<String> = None;
    let mut record_heads: HashMap<String, [u8; 32]> = HashMap::new();
    let mut overrides: HashMap<String, [u8; 32]> = HashMap::new();
    // Record id → (seq, record_prev) of its newest import with no local head before it.
    let mut first_imports: HashMap<String, (u64, Option<String>)> = HashMap::new();
    let fail = |seq: u64, why: Words, events: u64| {
        Ok(LogVerification {
            events,
            broken: Some(LogBreak { seq, why }),
            proofs: Proofs::default(),
        })
    };
    for o in opened(store, key) {
        let o = o?;
        let Ok(kb) = <[u8; 8]>::try_from(o.key.as_ref()) else {
            return fail(expected_seq, words!("d-custody-log-key"), expected_seq);
        };
        let seq = u64::from_be_bytes(kb);
        if seq != expected_seq {
            return fail(
                expected_seq,
                words!("d-custody-log-jumps", seq = seq),
                expected_seq,
            );
        }
        let Some(s) = o.stored else {
            return fail(seq, words!("d-custody-log-authenticate"), seq);
        };
        let Some(ev) = o.event else {
            return fail(seq, words!("d-custody-log-parse"), seq);
        };
        if !o.signer_valid {
            return fail(seq, words!("d-custody-log-no-signer"), seq);
        }
        if let Some(want) = &signer {
            if *want != ev.signer {
                return fail(seq, words!("d-custody-log-wrong-signer"), seq);
            }
        }
        if !o.signed {
            return fail(seq, words!("d-custody-log-signature"), seq);
        }
        if ev.prev != hex::encode(last) {
            return fail(seq, words!("d-custody-log-prev"), seq);
        }
        if seq == 0
            && (ev.kind != Kind::VaultCreated
                || ev.detail("vault") != Some(hex::encode(vault_id).as_str()))
        {
            return fail(0, words!("d-custody-log-not-creation"), 0);
        }
        if seq > 0 && ev.kind == Kind::VaultCreated {
            return fail(seq, words!("d-custody-log-created-again"), seq);
        }
        match (&ev.private, &s.private) {
            (None, None) => {}
            (Some(c), Some(p)) if *c == p.commitment() => {}
            // Erased with the record the event is about (a removal).
            (Some(_), None) => {}
            _ => return fail(seq, words!("d-custody-log-private"), seq),
        }
        signer = Some(ev.signer.clone());
        if let Some(new) = ev.new_signer() {
            if !o.cosigned {
                return fail(seq, words!("d-custody-log-handover"), seq);
            }
            if ev.kind == Kind::KeysRotated {
                signer = Some(new.to_owned());
            }
        }
        let Some(time) = event_time(&ev.time) else {
            return fail(seq, words!("d-custody-log-time"), seq);
        };
        if ev.kind == Kind::TsaAdded {
            added_certs.extend(crate::format::stamp::added_certificates(
                s.private.as_ref().map(|p| p.text.as_str()),
            ));
        }
        if ev.kind == Kind::Timestamped {
            match Stamp::of(seq, &ev) {
                Some(st) => stamps.push(st),
                None => return fail(seq, words!("d-custody-log-stamp"), seq),
            }
        }
        let Some(leaf) = o.leaf else {
            return fail(seq, words!("d-custody-log-signature-length"), seq);
        };
        times.push(time);
        leaves.push(leaf);
        let hash = sha256(s.event.as_bytes());
        if let Some(r) = &ev.record {
            // An export that follows an override of consent links to it (FORMAT.md 14.4).
            let leaf = (ev.kind == Kind::RecordExported)
                .then(|| overrides.remove(r))
                .flatten();
            let want = match leaf.or_else(|| record_heads.get(r).copied()) {
                Some(h) => Some(h),
                None if ev.kind == Kind::RecordImported => {
                    // The chain it links to is in the record's custody state, which is the
                    // state of the record's *last* import: the same id may have been
                    // removed and imported again since, with another chain. Checked after
                    // the whole log, against the last import of each id.
                    first_imports.insert(r.clone(), (seq, ev.record_prev.clone()));
                    ev.record_prev
                        .as_deref()
                        .and_then(|h| hex::decode(h).ok().and_then(|v| v.try_into().ok()))
                }
                None => None,
            };
            if ev.record_prev.as_deref() != want.map(hex::encode).as_deref() {
                return fail(seq, words!("d-custody-log-record-prev"), seq);
            }
            match Kind::parse(&ev.kind) {
                // An export is a leaf of the record's chain; after a removal, the same id may
                // come back only by a new import, which starts from the imported chain.
                Some(Kind::RecordExported) => {}
                Some(Kind::ConsentOverridden) => {
                    overrides.insert(r.clone(), hash);
                }
                Some(Kind::RecordRemoved) => {
                    record_heads.remove(r);
                }
                _ => {
                    record_heads.insert(r.clone(), hash);
                }
            }
        }
        last = hash;
        expected_seq += 1;
    }
    if expected_seq == 0 {
        return fail(0, words!("d-custody-log-empty"), 0);
    }
    // Each record's last arrival by import links to the chain it arrived with. (An earlier
    // import of an id removed since is checked by nothing: its chain left with it.)
    let mut broken_import: Option<u64> = None;
    for (r, (seq, record_prev)) in &first_imports {
        let Some(id) = RecordId::from_hex(r) else {
            continue;
        };
        // Removed since, or a damaged state (check reports that record): nothing to
        // check against.
        let Ok(Some(st)) = record_state(store, key, &id) else {
            continue;
        };
        let want = st.foreign.last().map(|e| hex::encode(e.hash()));
        if record_prev.as_deref() != want.as_deref() {
            broken_import = Some(broken_import.map_or(*seq, |b| b.min(*seq)));
        }
    }
    if let Some(seq) = broken_import {
        return fail(seq, words!("d-custody-log-import-chain"), expected_seq);
    }
    let head = store
        .meta()
        .get(HEAD_KEY)?
        .and_then(|v| key.open(Domain::AuditHead, b"", &v).ok())
        .and_then(|p| postcard::from_bytes::<Head>(&p).ok());
    match head {
        None => {
            return fail(
                expected_seq,
                words!("d-custody-log-head-missing"),
                expected_seq,
            )
        }
        Some(h) if h.next > expected_seq => {
            return fail(
                expected_seq,
                words!(
                    "d-custody-log-ends",
                    last = expected_seq - 1,
                    written = h.next
                ),
                expected_seq,
            )
        }
        Some(h) if h.next != expected_seq || h.last != last => {
            return fail(
                expected_seq - 1,
                words!("d-custody-log-head-mismatch"),
                expected_seq,
            )
        }
        Some(_) => {}
    }
    if signer.as_deref() != Some(current_signer) {
        return fail(
            expected_seq - 1,
            words!("d-custody-log-other-key"),
            expected_seq,
        );
    }
    let trusted = match trusted {
        Trust::Only(c) => c.to_vec(),
        Trust::Vault(c) => [c, &added_certs[..]].concat(),
    };
    match stamps::check(leaves, &times, &stamps, &trusted) {
        Ok(proofs) => Ok(LogVerification {
            events: expected_seq,
            broken: None,
            proofs,
        }),
        Err((seq, why)) => fail(seq, why, expected_seq),
    }
}

/// An event's time in Unix seconds.
fn event_time(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}
