//! The chain of custody (FORMAT.md, "Audit log" and "Custody").
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
use std::collections::HashMap;
use std::sync::MutexGuard;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::crypto::seal::sha256;
use crate::crypto::sshkey;
use crate::crypto::sshsig;
use crate::crypto::symmetric::SymmetricKey;
use crate::error::{Error, Result};
use crate::format::id::RecordId;
use crate::storage::journal::{Ops, TreeId};
use crate::storage::store::Store;

/// The SSHSIG namespace of custody events.
pub const NAMESPACE: &str = "amanat-custody-v1";
/// The `amanat_custody` field of every event this version writes.
pub const VERSION: u32 = 1;

pub(crate) const DOMAIN_LOG: &[u8] = b"audit";
pub(crate) const DOMAIN_HEAD: &[u8] = b"audit-head";
pub(crate) const DOMAIN_CUSTODY: &[u8] = b"custody";
/// Key of the sealed head in the `meta` tree.
pub(crate) const HEAD_KEY: &[u8] = b"audit-head";
/// `prev` of the first event.
const GENESIS: [u8; 32] = [0; 32];

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

/// Verifies a record's whole custody chain (FORMAT.md, "Verifying a record's chain"):
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

/// What the log stores for one event (sealed; FORMAT.md, "Audit log").
#[derive(Serialize, Deserialize)]
pub(crate) struct Stored {
    pub event: String,
    pub sig: Vec<u8>,
    pub cosig: Option<Vec<u8>>,
    pub private: Option<Private>,
}

/// Details kept in the vault only, committed to by the event's `private` hash.
#[derive(Serialize, Deserialize)]
pub(crate) struct Private {
    pub salt: [u8; 16],
    pub text: String,
}

impl Private {
    fn commitment(&self) -> String {
        let mut b = Zeroizing::new(Vec::with_capacity(16 + self.text.len()));
        b.extend_from_slice(&self.salt);
        b.extend_from_slice(self.text.as_bytes());
        hex::encode(sha256(&b))
    }
}

impl Stored {
    /// Signs the event with the vault's key.
    fn sign(&mut self, pair: &sshsig::BatchSigner) {
        self.sig = pair.sign_raw(NAMESPACE, self.event.as_bytes()).to_vec();
    }

    /// The portable form: armored signatures.
    pub(crate) fn entry(&self) -> Result<CustodyEntry> {
        let bad = || Error::VaultDamaged("an audit event does not parse".into());
        let ev = Event::parse(&self.event).ok_or_else(bad)?;
        let armor = |line: &str, sig: &[u8]| -> Result<String> {
            let pk = sshsig::parse_ed25519_line(line).ok_or_else(bad)?;
            let sig: [u8; 64] = sig.try_into().map_err(|_| bad())?;
            Ok(sshsig::armor(&pk, NAMESPACE, &sig))
        };
        let cosignature = match (ev.new_signer(), &self.cosig) {
            (Some(line), Some(sig)) => Some(armor(line, sig)?),
            _ => None,
        };
        Ok(CustodyEntry {
            signature: armor(&ev.signer, &self.sig)?,
            cosignature,
            event: self.event.clone(),
        })
    }
}

/// The newest event: how many there are and the hash of the last.
#[derive(Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Debug)]
pub struct Head {
    pub next: u64,
    pub last: [u8; 32],
}

impl Head {
    const EMPTY: Head = Head {
        next: 0,
        last: GENESIS,
    };
}

/// Per record (sealed in the `custody` tree): its events in this log, the hash of its
/// newest event, and the events it brought from other vaults.
#[derive(Serialize, Deserialize, Default, Clone)]
pub(crate) struct RecordCustody {
    pub head: Option<[u8; 32]>,
    pub seqs: Vec<u64>,
    #[serde(with = "foreign_entries")]
    pub foreign: Vec<CustodyEntry>,
}

/// postcard is not self-describing, so entries are stored as plain tuples (the JSON form
/// skips an absent cosignature, which postcard cannot).
mod foreign_entries {
    use super::CustodyEntry;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Tuple = (String, String, Option<String>);

    pub fn serialize<S: Serializer>(v: &[CustodyEntry], s: S) -> Result<S::Ok, S::Error> {
        let t: Vec<Tuple> = v
            .iter()
            .map(|e| (e.event.clone(), e.signature.clone(), e.cosignature.clone()))
            .collect();
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CustodyEntry>, D::Error> {
        let t: Vec<Tuple> = Vec::deserialize(d)?;
        Ok(t.into_iter()
            .map(|(event, signature, cosignature)| CustodyEntry {
                event,
                signature,
                cosignature,
            })
            .collect())
    }
}

fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// Adds to `ops` the erasure of the private details of every event about `id`: its own
/// events, and identity reads, which name it in their private details only. A removal does
/// this in its transaction, so that the log keeps of a removed record only what its signed
/// events say (FORMAT.md, "Audit log", 14.3). The events' commitments stay, so the chain and
/// signatures still verify; an event whose private details are absent is accepted.
pub(crate) fn erase_private_of(
    store: &Store,
    key: &SymmetricKey,
    id: &RecordId,
    ops: &mut Ops,
) -> Result<usize> {
    let hex = id.to_hex();
    let mut erased = 0;
    for kv in store.audit.iter() {
        let (k, v) = kv?;
        // A damaged event is for `check` to report; it cannot name anything readable.
        let Ok(mut stored) = open_stored(key, &k, &v) else {
            continue;
        };
        let Some(private) = &stored.private else {
            continue;
        };
        let about = private.text.contains(&hex)
            || Event::parse(&stored.event).is_some_and(|e| e.record.as_deref() == Some(&hex));
        if about {
            stored.private = None;
            let plain = Zeroizing::new(
                postcard::to_allocvec(&stored)
                    .map_err(|e| Error::Invalid(format!("encoding an audit event: {e}")))?,
            );
            ops.insert(TreeId::Audit, &k, key.seal(DOMAIN_LOG, &k, &plain));
            erased += 1;
        }
    }
    Ok(erased)
}

/// Reads and opens event `seq`.
pub(crate) fn load(store: &Store, key: &SymmetricKey, seq: u64) -> Result<Option<Stored>> {
    let k = seq_key(seq);
    let Some(v) = store.audit.get(k)? else {
        return Ok(None);
    };
    open_stored(key, &k, &v).map(Some)
}

fn open_stored(key: &SymmetricKey, k: &[u8], v: &[u8]) -> Result<Stored> {
    let seq = k.try_into().map(u64::from_be_bytes).unwrap_or(u64::MAX);
    let damaged = || Error::VaultDamaged(format!("audit event {seq} does not authenticate"));
    let plain = key.open(DOMAIN_LOG, k, v).map_err(|_| damaged())?;
    postcard::from_bytes(&plain).map_err(|_| damaged())
}

/// Reads a record's custody state, joining its pieces (FORMAT.md 14.4).
pub(crate) fn record_state(
    store: &Store,
    key: &SymmetricKey,
    id: &RecordId,
) -> Result<Option<RecordCustody>> {
    let loc = store.loc(id);
    let pieces = crate::storage::pieces::read(&store.custody, &loc)?;
    if pieces.is_empty() {
        return Ok(None);
    }
    let plain = crate::storage::pieces::open(key, DOMAIN_CUSTODY, &loc, &id.0, &pieces)
        .ok_or_else(|| Error::damaged(id, "its custody record does not authenticate"))?;
    postcard::from_bytes(&plain)
        .map(Some)
        .map_err(|_| Error::damaged(id, "its custody record does not decode"))
}

/// The head as last committed; if it is unreadable, the newest readable event.
pub(crate) fn load_head(store: &Store, key: &SymmetricKey) -> Result<Head> {
    if let Some(v) = store.meta.get(HEAD_KEY)? {
        if let Ok(plain) = key.open(DOMAIN_HEAD, b"", &v) {
            if let Ok(h) = postcard::from_bytes::<Head>(&plain) {
                return Ok(h);
            }
        }
    }
    // Damaged or missing head: continue after the newest event that opens (check says why).
    for kv in store.audit.iter().rev() {
        let (k, v) = kv?;
        if let Ok(s) = open_stored(key, &k, &v) {
            let seq = u64::from_be_bytes(k.as_ref().try_into().unwrap_or([0xff; 8]));
            return Ok(Head {
                next: seq.saturating_add(1),
                last: sha256(s.event.as_bytes()),
            });
        }
    }
    Ok(Head::EMPTY)
}

/// The signing material a batch needs.
pub(crate) struct Signer<'v> {
    pub seed: &'v Zeroizing<[u8; 32]>,
    pub line: String,
}

/// Events about to be appended, and the record states they change. Holds the log's lock
/// until dropped, so events are numbered and chained in the order they are committed.
pub(crate) struct LogBatch<'v> {
    store: &'v Store,
    key: &'v SymmetricKey,
    /// Seals the journal frame of [`LogBatch::commit`] (the vault's catalog key).
    journal_key: &'v SymmetricKey,
    signer: Signer<'v>,
    guard: MutexGuard<'v, Head>,
    head: Head,
    stored: Vec<(u64, Stored)>,
    states: HashMap<RecordId, Option<RecordCustody>>,
    /// Built at the first signature of the batch.
    key_pair: Option<sshsig::BatchSigner>,
    /// Sign events at [`LogBatch::seal`], on every core, instead of one by one.
    defer: bool,
}

/// Sealed values of a batch, ready for a transaction.
pub(crate) struct SealedLog {
    audit: Vec<([u8; 8], Vec<u8>)>,
    custody: Ops,
    head: Vec<u8>,
}

impl SealedLog {
    /// Adds the batch's writes to a transaction.
    pub(crate) fn add_to(&self, ops: &mut Ops) {
        for (k, v) in &self.audit {
            ops.insert(TreeId::Audit, k, v.clone());
        }
        ops.extend(&self.custody);
        ops.insert(TreeId::Meta, HEAD_KEY, self.head.clone());
    }
}

/// Now, to the second, as events write it.
pub fn now() -> String {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
        .expect("now is a valid time")
        .to_string()
}

impl<'v> LogBatch<'v> {
    pub(crate) fn new(
        store: &'v Store,
        key: &'v SymmetricKey,
        journal_key: &'v SymmetricKey,
        signer: Signer<'v>,
        guard: MutexGuard<'v, Head>,
    ) -> LogBatch<'v> {
        let head = *guard;
        LogBatch {
            store,
            key,
            journal_key,
            signer,
            guard,
            head,
            stored: Vec::new(),
            states: HashMap::new(),
            key_pair: None,
            defer: false,
        }
    }

    /// Leaves the signatures of events appended from now on (unless cosigned) to
    /// [`LogBatch::seal`], which makes them on every core: for batches of many events.
    /// The signed texts are fixed at append, so the log is the same either way.
    pub(crate) fn defer_signatures(&mut self) {
        self.defer = true;
    }

    /// Signs the events whose signature was deferred.
    fn sign_pending(&mut self) {
        let LogBatch {
            stored,
            key_pair,
            signer,
            ..
        } = self;
        for (_, s) in stored.iter_mut().filter(|(_, s)| s.sig.is_empty()) {
            s.sign(key_pair.get_or_insert_with(|| sshsig::BatchSigner::new(signer.seed)));
        }
    }

    /// A record that has no custody state yet (just added): spares reading one.
    pub(crate) fn fresh(&mut self, id: RecordId) {
        self.states.entry(id).or_insert(None);
    }

    fn state(&mut self, id: &RecordId) -> Result<&mut Option<RecordCustody>> {
        if !self.states.contains_key(id) {
            let s = match record_state(self.store, self.key, id) {
                Ok(s) => s,
                // A damaged state (check reports it) must not block removing or reading the
                // record: rebuild what the log itself knows.
                Err(Error::Damaged { .. }) => Some(self.rebuild_state(id)?),
                Err(e) => return Err(e),
            };
            self.states.insert(*id, s);
        }
        Ok(self.states.get_mut(id).expect("inserted above"))
    }

    /// A record's custody state as this vault's log records it (the chain it was imported
    /// with, which only the state held, is lost).
    fn rebuild_state(&self, id: &RecordId) -> Result<RecordCustody> {
        let want = id.to_hex();
        let mut st = RecordCustody::default();
        for kv in self.store.audit.iter() {
            let (k, v) = kv?;
            let Ok(s) = open_stored(self.key, &k, &v) else {
                continue;
            };
            let Some(ev) = Event::parse(&s.event) else {
                continue;
            };
            if ev.record.as_deref() == Some(want.as_str()) {
                st.seqs.push(u64::from_be_bytes(
                    k.as_ref().try_into().unwrap_or([0xff; 8]),
                ));
                if ev.kind != kind::RECORD_EXPORTED {
                    st.head = Some(sha256(s.event.as_bytes()));
                }
                if ev.kind == kind::RECORD_REMOVED {
                    st = RecordCustody::default();
                }
            }
        }
        Ok(st)
    }

    /// Appends an event, signed now; about `record` if given. `private` details stay in the
    /// vault. Returns the event in its portable form.
    pub(crate) fn append(
        &mut self,
        kind: &str,
        record: Option<RecordId>,
        details: Value,
        private: Option<Value>,
    ) -> Result<()> {
        self.append_signed(kind, record, details, private, None)
    }

    /// As [`LogBatch::append`], returning the event in the form bundles carry it.
    pub(crate) fn append_entry(
        &mut self,
        kind: &str,
        record: Option<RecordId>,
        details: Value,
        private: Option<Value>,
    ) -> Result<CustodyEntry> {
        self.append_signed(kind, record, details, private, None)?;
        self.sign_pending();
        self.stored.last().expect("just appended").1.entry()
    }

    /// As [`LogBatch::append`], also signed by `cosigner` (a key handover).
    pub(crate) fn append_signed(
        &mut self,
        kind: &str,
        record: Option<RecordId>,
        details: Value,
        private: Option<Value>,
        cosigner: Option<&Zeroizing<[u8; 32]>>,
    ) -> Result<()> {
        let record_prev = match record {
            Some(id) => self
                .state(&id)?
                .as_ref()
                .and_then(|s| s.head)
                .map(hex::encode),
            None => None,
        };
        let private = private.map(|p| Private {
            salt: random_bytes(),
            text: p.to_string(),
        });
        let event = Event {
            amanat_custody: VERSION,
            kind: kind.to_owned(),
            time: now(),
            signer: self.signer.line.clone(),
            prev: hex::encode(self.head.last),
            record: record.map(|r| r.to_hex()),
            record_prev,
            details,
            private: private.as_ref().map(Private::commitment),
        };
        let text = serde_json::to_string(&event).expect("events serialize");
        let cosig = cosigner.map(|seed| {
            sshsig::sign_raw(seed, NAMESPACE, text.as_bytes())
                .1
                .to_vec()
        });
        let hash = sha256(text.as_bytes());
        let seq = self.head.next;
        if let Some(id) = record {
            let st = self.state(&id)?.get_or_insert_with(RecordCustody::default);
            // An export is a leaf: each bundle carries the record's history and its own
            // export, never the record's exports to anyone else.
            if kind != kind::RECORD_EXPORTED {
                st.head = Some(hash);
            }
            st.seqs.push(seq);
        }
        let stored = Stored {
            event: text,
            // Empty until signed (an Ed25519 signature is never empty).
            sig: vec![],
            cosig,
            private,
        };
        self.stored.push((seq, stored));
        if !self.defer || cosigner.is_some() {
            self.sign_pending();
        }
        self.head = Head {
            next: seq + 1,
            last: hash,
        };
        Ok(())
    }

    /// A record arriving from another vault brings its chain; its own events follow it.
    pub(crate) fn receive(&mut self, id: RecordId, foreign: Vec<CustodyEntry>) -> Result<()> {
        let head = foreign.last().map(CustodyEntry::hash);
        *self.state(&id)? = Some(RecordCustody {
            head,
            seqs: vec![],
            foreign,
        });
        Ok(())
    }

    /// The record is gone; its events stay in the log.
    pub(crate) fn forget(&mut self, id: RecordId) -> Result<()> {
        *self.state(&id)? = None;
        Ok(())
    }

    /// The record's chain so far, oldest first, including events of this batch, without
    /// its exports (leaves of the chain, see [`LogBatch::append`]).
    pub(crate) fn chain(&mut self, id: RecordId) -> Result<Vec<CustodyEntry>> {
        self.sign_pending();
        let Some(st) = self.state(&id)?.clone() else {
            return Ok(vec![]);
        };
        let mut out = st.foreign;
        for seq in st.seqs {
            let entry = match self.stored.iter().find(|(q, _)| *q == seq) {
                Some((_, s)) => s.entry()?,
                None => load(self.store, self.key, seq)?
                    .ok_or_else(|| {
                        Error::damaged(id, format!("its custody event {seq} is missing"))
                    })?
                    .entry()?,
            };
            let export =
                Event::parse(&entry.event).is_some_and(|e| e.kind == kind::RECORD_EXPORTED);
            if !export {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Signs what is still unsigned and seals everything for one transaction; a batch of
    /// many events is signed and sealed on two cores.
    pub(crate) fn seal(&mut self) -> Result<SealedLog> {
        let LogBatch {
            stored,
            key_pair,
            signer,
            key,
            ..
        } = self;
        if stored.iter().any(|(_, s)| s.sig.is_empty()) {
            key_pair.get_or_insert_with(|| sshsig::BatchSigner::new(signer.seed));
        }
        let (pair, key) = (key_pair.as_ref(), *key);
        let work = |items: &mut [(u64, Stored)]| -> Vec<([u8; 8], Vec<u8>)> {
            items
                .iter_mut()
                .map(|(seq, s)| {
                    if s.sig.is_empty() {
                        s.sign(pair.expect("built above for unsigned events"));
                    }
                    let k = seq_key(*seq);
                    let plain =
                        Zeroizing::new(postcard::to_allocvec(&*s).expect("events serialize"));
                    (k, key.seal(DOMAIN_LOG, &k, &plain))
                })
                .collect()
        };
        let audit = if stored.len() >= 32 {
            let mid = stored.len() / 2;
            let (a, b) = stored.split_at_mut(mid);
            std::thread::scope(|sc| {
                let second = sc.spawn(|| work(b));
                let mut all = work(a);
                all.extend(second.join().expect("sealing does not panic"));
                all
            })
        } else {
            work(stored)
        };
        let mut custody = Ops::new();
        for (id, st) in &self.states {
            let loc = self.store.loc(id);
            let old = crate::storage::pieces::read(&self.store.custody, &loc)?;
            let plain = st
                .as_ref()
                .map(|st| Zeroizing::new(postcard::to_allocvec(st).expect("custody serializes")));
            crate::storage::pieces::write(
                &mut custody,
                TreeId::Custody,
                self.key,
                DOMAIN_CUSTODY,
                &loc,
                &id.0,
                plain.as_deref().map(|p| p.as_slice()),
                &old,
            );
        }
        let head = self.key.seal(
            DOMAIN_HEAD,
            b"",
            &postcard::to_allocvec(&self.head).expect("heads serialize"),
        );
        Ok(SealedLog {
            audit,
            custody,
            head,
        })
    }

    /// The transaction that carried [`LogBatch::seal`]'s values succeeded.
    pub(crate) fn committed(mut self) {
        *self.guard = self.head;
        let copy = self.key.seal(
            DOMAIN_HEAD,
            b"",
            &postcard::to_allocvec(&self.head).expect("heads serialize"),
        );
        self.store.note_head(copy);
    }

    /// Commits the batch on its own and makes it durable.
    pub(crate) fn commit(mut self) -> Result<()> {
        let mut ops = Ops::new();
        self.seal()?.add_to(&mut ops);
        let s = self.store;
        s.apply(&ops, self.journal_key)?;
        self.committed();
        s.sync()
    }
}

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
            .ok_or_else(|| Error::VaultDamaged(format!("audit event {seq} does not parse")))?;
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
    pub why: String,
}

/// The result of verifying the whole log.
#[derive(Debug, Clone, Serialize)]
pub struct LogVerification {
    pub events: u64,
    pub broken: Option<LogBreak>,
}

/// Verifies the log (FORMAT.md, "Verifying the log"): numbering without gaps, every event
/// opening, parsing and signed by the key that held the vault at that point, each naming its
/// predecessor's hash, private details matching their commitment, each record's events
/// linked in order, and the sealed head naming the last event.
pub(crate) fn verify_log(
    store: &Store,
    key: &SymmetricKey,
    vault_id: &[u8; 16],
    current_signer: &str,
) -> Result<LogVerification> {
    let v = verify_chain_of_log(store, key, vault_id, current_signer)?;
    if v.broken.is_some() {
        return Ok(v);
    }
    if let Some(f) = file_head(store, key) {
        if f.next > v.events {
            return Ok(LogVerification {
                events: v.events,
                broken: Some(LogBreak {
                    seq: v.events,
                    why: format!(
                        "is missing{}: the database lost its newest writes (the head file beside it records {} events); records added or changed by them may be missing, so restore from a backup",
                        if f.next - 1 > v.events {
                            format!(", with every event after it up to {}", f.next - 1)
                        } else {
                            String::new()
                        },
                        f.next
                    ),
                }),
            });
        }
    }
    Ok(v)
}

/// The head recorded in the head file, if it exists and opens with `key`.
pub(crate) fn file_head(store: &Store, key: &SymmetricKey) -> Option<Head> {
    let bytes = store.head_file()?;
    let plain = key.open(DOMAIN_HEAD, b"", &bytes).ok()?;
    postcard::from_bytes(&plain).ok()
}

fn verify_chain_of_log(
    store: &Store,
    key: &SymmetricKey,
    vault_id: &[u8; 16],
    current_signer: &str,
) -> Result<LogVerification> {
    let mut expected_seq = 0u64;
    let mut last = GENESIS;
    let mut signer: Option<String> = None;
    let mut record_heads: HashMap<String, [u8; 32]> = HashMap::new();
    // Record id → (seq, record_prev) of its newest import with no local head before it.
    let mut first_imports: HashMap<String, (u64, Option<String>)> = HashMap::new();
    let fail = |seq: u64, why: String, events: u64| {
        Ok(LogVerification {
            events,
            broken: Some(LogBreak { seq, why }),
        })
    };
    for kv in store.audit.iter() {
        let (k, v) = kv?;
        let Ok(kb) = <[u8; 8]>::try_from(k.as_ref()) else {
            return fail(expected_seq, "a log key is malformed".into(), expected_seq);
        };
        let seq = u64::from_be_bytes(kb);
        if seq != expected_seq {
            return fail(
                expected_seq,
                format!("is missing (the log jumps to event {seq})"),
                expected_seq,
            );
        }
        let Ok(s) = open_stored(key, &k, &v) else {
            return fail(
                seq,
                "does not authenticate: it was altered or damaged".into(),
                seq,
            );
        };
        let Some(ev) = Event::parse(&s.event) else {
            return fail(seq, "does not parse".into(), seq);
        };
        let Some(pk) = sshsig::parse_ed25519_line(&ev.signer) else {
            return fail(seq, "names no valid signer".into(), seq);
        };
        if let Some(want) = &signer {
            if *want != ev.signer {
                return fail(
                    seq,
                    "is signed by a key that did not hold the vault".into(),
                    seq,
                );
            }
        }
        if !sshsig::verify_raw(&pk, NAMESPACE, s.event.as_bytes(), &s.sig) {
            return fail(
                seq,
                "has a signature that does not verify: it was altered".into(),
                seq,
            );
        }
        if ev.prev != hex::encode(last) {
            return fail(
                seq,
                "does not follow the event before it: an event was removed, reordered or replayed"
                    .into(),
                seq,
            );
        }
        if seq == 0
            && (ev.kind != kind::VAULT_CREATED
                || ev.detail("vault") != Some(hex::encode(vault_id).as_str()))
        {
            return fail(0, "is not this vault's creation".into(), 0);
        }
        if seq > 0 && ev.kind == kind::VAULT_CREATED {
            return fail(
                seq,
                "claims to create the vault again: it was replayed".into(),
                seq,
            );
        }
        match (&ev.private, &s.private) {
            (None, None) => {}
            (Some(c), Some(p)) if *c == p.commitment() => {}
            // Erased with the record the event is about (a removal).
            (Some(_), None) => {}
            _ => return fail(seq, "has private details that do not match it".into(), seq),
        }
        signer = Some(ev.signer.clone());
        if let Some(new) = ev.new_signer() {
            let ok = match (sshsig::parse_ed25519_line(new), &s.cosig) {
                (Some(npk), Some(co)) => {
                    sshsig::verify_raw(&npk, NAMESPACE, s.event.as_bytes(), co)
                }
                _ => false,
            };
            if !ok {
                return fail(
                    seq,
                    "hands over to a new key without that key's signature".into(),
                    seq,
                );
            }
            if ev.kind == kind::KEYS_ROTATED {
                signer = Some(new.to_owned());
            }
        }
        let hash = sha256(s.event.as_bytes());
        if let Some(r) = &ev.record {
            let want = match record_heads.get(r) {
                Some(h) => Some(*h),
                None if ev.kind == kind::RECORD_IMPORTED => {
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
                return fail(
                    seq,
                    "does not follow the record's previous event: one was removed or replayed"
                        .into(),
                    seq,
                );
            }
            match ev.kind.as_str() {
                // An export is a leaf of the record's chain; after a removal, the same id may
                // come back only by a new import, which starts from the imported chain.
                kind::RECORD_EXPORTED => {}
                kind::RECORD_REMOVED => {
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
        return fail(0, "is missing: the log is empty".into(), 0);
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
        return fail(
            seq,
            "does not follow the chain of custody its record arrived with".into(),
            expected_seq,
        );
    }
    let head = store
        .meta
        .get(HEAD_KEY)?
        .and_then(|v| key.open(DOMAIN_HEAD, b"", &v).ok())
        .and_then(|p| postcard::from_bytes::<Head>(&p).ok());
    match head {
        None => {
            return fail(
                expected_seq,
                "the log's head is missing or damaged".into(),
                expected_seq,
            )
        }
        Some(h) if h.next > expected_seq => {
            return fail(
                expected_seq,
                format!(
                    "is missing: the log ends at event {} but {} were written",
                    expected_seq - 1,
                    h.next
                ),
                expected_seq,
            )
        }
        Some(h) if h.next != expected_seq || h.last != last => {
            return fail(
                expected_seq - 1,
                "does not match the log's head: the newest events were altered".into(),
                expected_seq,
            )
        }
        Some(_) => {}
    }
    if signer.as_deref() != Some(current_signer) {
        return fail(
            expected_seq - 1,
            "leaves the log signed by another key than the vault's".into(),
            expected_seq,
        );
    }
    Ok(LogVerification {
        events: expected_seq,
        broken: None,
    })
}

/// Direct edits of a stored log, for tests that show tampering is detected. Each re-seals
/// what it writes with the audit key, as an attacker who holds the keyring could.
#[doc(hidden)]
pub mod tamper {
    use super::*;
    use crate::vault::Vault;

    fn put(v: &Vault, seq: u64, s: &Stored) {
        let k = seq_key(seq);
        let plain = postcard::to_allocvec(s).unwrap();
        let sealed = v.keyring.audit_key.seal(DOMAIN_LOG, &k, &plain);
        v.store.audit.insert(k, sealed).unwrap();
        v.store.sync().unwrap();
    }

    fn get(v: &Vault, seq: u64) -> Stored {
        load(&v.store, &v.keyring.audit_key, seq).unwrap().unwrap()
    }

    /// Number of events in the log.
    pub fn len(v: &Vault) -> u64 {
        v.store.audit.len() as u64
    }

    /// The event text at `seq`.
    pub fn event_text(v: &Vault, seq: u64) -> String {
        get(v, seq).event
    }

    /// Rewrites the event text at `seq` (keeping its old signature).
    pub fn alter(v: &Vault, seq: u64, f: impl FnOnce(String) -> String) {
        let mut s = get(v, seq);
        s.event = f(s.event);
        put(v, seq, &s);
    }

    /// Removes event `seq`, leaving a gap.
    pub fn remove(v: &Vault, seq: u64) {
        v.store.audit.remove(seq_key(seq)).unwrap();
        v.store.sync().unwrap();
    }

    /// Removes event `seq` and renumbers the ones after it, closing the gap.
    pub fn remove_and_renumber(v: &Vault, seq: u64) {
        let n = len(v);
        for i in seq..n - 1 {
            let s = get(v, i + 1);
            put(v, i, &s);
        }
        remove(v, n - 1);
    }

    /// Swaps two events.
    pub fn swap(v: &Vault, a: u64, b: u64) {
        let (sa, sb) = (get(v, a), get(v, b));
        put(v, a, &sb);
        put(v, b, &sa);
    }

    /// Copies event `from` over event `to` (a replay).
    pub fn replay(v: &Vault, from: u64, to: u64) {
        let s = get(v, from);
        put(v, to, &s);
    }

    /// Appends a copy of event `from` at the end and moves the head to it.
    pub fn replay_at_end(v: &Vault, from: u64) {
        let s = get(v, from);
        let n = len(v);
        let hash = sha256(s.event.as_bytes());
        put(v, n, &s);
        let head = Head {
            next: n + 1,
            last: hash,
        };
        let sealed =
            v.keyring
                .audit_key
                .seal(DOMAIN_HEAD, b"", &postcard::to_allocvec(&head).unwrap());
        v.store.meta.insert(HEAD_KEY, sealed).unwrap();
        v.store.sync().unwrap();
    }

    /// Flips one bit of the sealed bytes of event `seq`.
    pub fn flip(v: &Vault, seq: u64) {
        let k = seq_key(seq);
        let mut b = v.store.audit.get(k).unwrap().unwrap().to_vec();
        let i = b.len() / 2;
        b[i] ^= 1;
        v.store.audit.insert(k, b).unwrap();
        v.store.sync().unwrap();
    }
}

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
                        .ok_or_else(|| Error::damaged(id, "a custody event does not parse"))?;
                    out.push(LogItem::from_event(None, &ev, e.hash(), None));
                }
                for seq in st.seqs {
                    let s = load(&self.store, key, seq)?.ok_or_else(|| {
                        Error::damaged(id, format!("its custody event {seq} is missing"))
                    })?;
                    out.push(LogItem::local(seq, &s)?);
                }
                return Ok(out);
            }
        }
        // The whole log (or a removed record's events in it).
        let want = record.map(|r| r.to_hex());
        let mut out = Vec::new();
        for kv in self.store.audit.iter() {
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

    /// Verifies the whole audit log (`audit --verify`, part of `check`).
    pub fn verify_audit(&self) -> Result<LogVerification> {
        verify_log(
            &self.store,
            &self.keyring.audit_key,
            &self.keyring.vault_id,
            &sshkey::ed25519_line(&self.keyring.signing_public),
        )
    }

    /// What is wrong with a record's custody state, if anything: missing, not opening,
    /// its chain from other vaults not verifying, or its head not naming its newest event.
    pub(crate) fn custody_damage(&self, id: RecordId) -> Result<Option<String>> {
        let key = &self.keyring.audit_key;
        let st = match record_state(&self.store, key, &id) {
            Ok(Some(st)) => st,
            Ok(None) => return Ok(Some("its chain of custody is missing".into())),
            Err(Error::Damaged { what, .. }) => return Ok(Some(what)),
            Err(e) => return Err(e),
        };
        if !st.foreign.is_empty() {
            if let Err(b) = verify_chain(&st.foreign) {
                return Ok(Some(format!("its chain of custody from other vaults: {b}")));
            }
        }
        let mut newest = st.foreign.last().map(CustodyEntry::hash);
        for &seq in st.seqs.iter().rev() {
            let ev = match load(&self.store, key, seq) {
                Ok(Some(s)) => s,
                _ => {
                    return Ok(Some(format!(
                        "its custody event {seq} is missing or damaged"
                    )))
                }
            };
            if Event::parse(&ev.event).is_some_and(|e| e.kind != kind::RECORD_EXPORTED) {
                newest = Some(sha256(ev.event.as_bytes()));
                break;
            }
        }
        if newest != st.head {
            return Ok(Some(
                "its custody record does not name its newest event".into(),
            ));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            prev: hex::encode(GENESIS),
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
