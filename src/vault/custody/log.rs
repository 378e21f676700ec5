//! How a vault keeps its log: each event sealed under its sequence number, the sealed head,
//! and each record's custody state (FORMAT.md, "Audit log").

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::seal::sha256;
use crate::crypto::sshsig;
use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::error::{Error, Result};
use crate::format::event::{CustodyEntry, Event, NAMESPACE};
use crate::format::id::RecordId;
use crate::storage::journal::{Ops, TreeId};
use crate::storage::store::Store;
use crate::words;

/// Key of the sealed head in the `meta` tree.
pub(crate) const HEAD_KEY: &[u8] = b"audit-head";

/// `prev` of the first event.
pub(super) const GENESIS: [u8; 32] = [0; 32];

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
    pub(super) fn commitment(&self) -> String {
        let mut b = Zeroizing::new(Vec::with_capacity(16 + self.text.len()));
        b.extend_from_slice(&self.salt);
        b.extend_from_slice(self.text.as_bytes());
        hex::encode(sha256(&b))
    }
}

impl Stored {
    /// Signs the event with the vault's key.
    pub(super) fn sign(&mut self, pair: &sshsig::BatchSigner) {
        self.sig = pair.sign_raw(NAMESPACE, self.event.as_bytes()).to_vec();
    }

    /// The portable form: armored signatures.
    pub(crate) fn entry(&self) -> Result<CustodyEntry> {
        let bad = || Error::VaultDamaged(words!("d-custody-audit-parse"));
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
    pub(super) const EMPTY: Head = Head {
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

pub(super) fn seq_key(seq: u64) -> [u8; 8] {
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
    for kv in store.audit().iter() {
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
            let plain =
                Zeroizing::new(postcard::to_allocvec(&stored).map_err(|e| {
                    Error::Invalid(words!("d-custody-encoding", why = e.to_string()))
                })?);
            ops.insert(TreeId::Audit, &k, key.seal(Domain::Audit, &k, &plain));
            erased += 1;
        }
    }
    Ok(erased)
}

/// Reads and opens event `seq`.
pub(crate) fn load(store: &Store, key: &SymmetricKey, seq: u64) -> Result<Option<Stored>> {
    let k = seq_key(seq);
    let Some(v) = store.audit().get(k)? else {
        return Ok(None);
    };
    open_stored(key, &k, &v).map(Some)
}

pub(crate) fn open_stored(key: &SymmetricKey, k: &[u8], v: &[u8]) -> Result<Stored> {
    let seq = k.try_into().map(u64::from_be_bytes).unwrap_or(u64::MAX);
    let damaged = || Error::VaultDamaged(words!("d-custody-audit-authenticate", seq = seq));
    let plain = key.open(Domain::Audit, k, v).map_err(|_| damaged())?;
    postcard::from_bytes(&plain).map_err(|_| damaged())
}

/// Reads a record's custody state, joining its pieces (FORMAT.md 14.4).
pub(crate) fn record_state(
    store: &Store,
    key: &SymmetricKey,
    id: &RecordId,
) -> Result<Option<RecordCustody>> {
    let loc = store.loc(id);
    let pieces = crate::storage::pieces::read(store.custody(), &loc)?;
    if pieces.is_empty() {
        return Ok(None);
    }
    let plain = crate::storage::pieces::open(key, Domain::Custody, &loc, &id.0, &pieces)
        .ok_or_else(|| Error::damaged(id, words!("d-custody-record-authenticate")))?;
    postcard::from_bytes(&plain)
        .map(Some)
        .map_err(|_| Error::damaged(id, words!("d-custody-record-decode")))
}

/// The head as last committed; if it is unreadable, the newest readable event.
pub(crate) fn load_head(store: &Store, key: &SymmetricKey) -> Result<Head> {
    if let Some(v) = store.meta().get(HEAD_KEY)? {
        if let Ok(plain) = key.open(Domain::AuditHead, b"", &v) {
            if let Ok(h) = postcard::from_bytes::<Head>(&plain) {
                return Ok(h);
            }
        }
    }
    // Damaged or missing head: continue after the newest event that opens (check says why).
    for kv in store.audit().iter().rev() {
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

/// Now, to the second, as events write it.
pub fn now() -> String {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
        .expect("now is a valid time")
        .to_string()
}
