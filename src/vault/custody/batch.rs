//! Appending events: a [`LogBatch`] numbers, chains, signs and seals them, and commits
//! them with the change they describe.
use std::collections::HashMap;
use std::sync::MutexGuard;

use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::crypto::seal::sha256;
use crate::crypto::sshsig;
use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::error::{Error, Result};
use crate::format::event::{CustodyEntry, Event, Happened, Kept, Kind, NAMESPACE, VERSION};
use crate::format::id::RecordId;
use crate::storage::journal::{Ops, TreeId};
use crate::storage::store::Store;
use crate::words;

use super::log::*;

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
    /// How many of `stored`, from the first, are signed.
    signed: usize,
    /// A `consent-overridden` event of this batch per record, which the record's next
    /// export follows: both are leaves of the record's chain (FORMAT.md 14.4).
    leaves: HashMap<RecordId, ([u8; 32], u64)>,
}

/// Sealed values of a batch, ready for a transaction.
pub(crate) struct SealedLog {
    audit: Vec<([u8; 8], Vec<u8>)>,
    custody: Ops,
    /// The log's new head; none for a part of a batch ([`LogBatch::seal_part`]).
    head: Option<Vec<u8>>,
}

impl SealedLog {
    /// Adds the batch's writes to a transaction.
    pub(crate) fn add_to(&self, ops: &mut Ops) {
        for (k, v) in &self.audit {
            ops.insert(TreeId::Audit, k, v.clone());
        }
        ops.extend(&self.custody);
        if let Some(head) = &self.head {
            ops.insert(TreeId::Meta, HEAD_KEY, head.clone());
        }
    }
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
            signed: 0,
            leaves: HashMap::new(),
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
            signed,
            ..
        } = self;
        // Every event before `signed` is signed: a batch of many events is not walked again
        // at each one.
        for (_, s) in stored[*signed..]
            .iter_mut()
            .filter(|(_, s)| s.sig.is_empty())
        {
            s.sign(key_pair.get_or_insert_with(|| sshsig::BatchSigner::new(signer.seed)));
        }
        *signed = stored.len();
    }

    /// The event of this batch numbered `seq`, if it is one of the batch's (they are numbered
    /// in a row).
    fn in_batch(&self, seq: u64) -> Option<&Stored> {
        let first = self.stored.first()?.0;
        let i = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.stored.get(i).map(|(_, s)| s)
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
        for kv in self.store.audit().iter() {
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
                if !is_leaf(&ev.kind) {
                    st.head = Some(sha256(s.event.as_bytes()));
                }
                if ev.kind == Kind::RecordRemoved {
                    st = RecordCustody::default();
                }
            }
        }
        Ok(st)
    }

    /// Appends an event, signed now; about `record` if given. `private` details stay in the
    /// vault. Returns the event in its portable form.
    /// The place in the log the next event appended will have.
    pub(crate) fn next_seq(&self) -> u64 {
        self.head.next
    }

    pub(crate) fn append(
        &mut self,
        happened: Happened,
        record: Option<RecordId>,
        private: Option<Kept>,
    ) -> Result<()> {
        self.append_signed(happened, record, private, None)
    }

    /// As [`LogBatch::append`], returning the event in the form bundles carry it.
    pub(crate) fn append_entry(
        &mut self,
        happened: Happened,
        record: Option<RecordId>,
        private: Option<Kept>,
    ) -> Result<CustodyEntry> {
        self.append_signed(happened, record, private, None)?;
        self.sign_pending();
        self.stored.last().expect("just appended").1.entry()
    }

    /// As [`LogBatch::append`], also signed by `cosigner` (a key handover).
    pub(crate) fn append_signed(
        &mut self,
        happened: Happened,
        record: Option<RecordId>,
        private: Option<Kept>,
        cosigner: Option<&Zeroizing<[u8; 32]>>,
    ) -> Result<()> {
        let kind = happened.kind();
        let leaf = record
            .filter(|_| kind == Kind::RecordExported)
            .and_then(|id| self.leaves.remove(&id));
        let record_prev = match (record, leaf) {
            // An export sent although consent did not cover it follows the override.
            (Some(_), Some((leaf, _))) => Some(hex::encode(leaf)),
            (Some(id), None) => self
                .state(&id)?
                .as_ref()
                .and_then(|s| s.head)
                .map(hex::encode),
            (None, _) => None,
        };
        let private = private.map(|p| Private {
            salt: random_bytes(),
            text: p.value().to_string(),
        });
        let event = Event {
            amanat_custody: VERSION,
            kind: kind.as_str().to_owned(),
            time: now(),
            signer: self.signer.line.clone(),
            prev: hex::encode(self.head.last),
            record: record.map(|r| r.to_hex()),
            record_prev,
            details: happened.details(),
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
            // export, never the record's exports to anyone else; so is the override of
            // consent an export follows.
            if !is_leaf(kind.as_str()) {
                st.head = Some(hash);
            }
            st.seqs.push(seq);
            if kind == Kind::ConsentOverridden {
                self.leaves.insert(id, (hash, seq));
            }
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
            let entry = match self.in_batch(seq) {
                Some(s) => s.entry()?,
                None => load(self.store, self.key, seq)?
                    .ok_or_else(|| {
                        Error::damaged(id, words!("d-custody-event-missing", seq = seq))
                    })?
                    .entry()?,
            };
            // Leaves are left out, but for the override this export follows.
            let pending = self.leaves.get(&id).is_some_and(|&(_, s)| s == seq);
            let leaf = Event::parse(&entry.event).is_some_and(|e| is_leaf(&e.kind));
            if !leaf || pending {
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
                    (k, key.seal(Domain::Audit, &k, &plain))
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
            let old = crate::storage::pieces::read(self.store.custody(), &loc)?;
            let plain = st
                .as_ref()
                .map(|st| Zeroizing::new(postcard::to_allocvec(st).expect("custody serializes")));
            crate::storage::pieces::write(
                &mut custody,
                TreeId::Custody,
                self.key,
                Domain::Custody,
                &loc,
                &id.0,
                plain.as_deref().map(|p| p.as_slice()),
                &old,
            );
        }
        let head = self.key.seal(
            Domain::AuditHead,
            b"",
            &postcard::to_allocvec(&self.head).expect("heads serialize"),
        );
        Ok(SealedLog {
            audit,
            custody,
            head: Some(head),
        })
    }

    /// Seals the events appended so far and the custody states they changed, for a part of
    /// a commit that goes to the journal before its end (an import of many records): they
    /// leave the batch, whose later events must not concern those records again. The
    /// log's head goes with [`LogBatch::seal`], at the end.
    pub(crate) fn seal_part(&mut self) -> Result<SealedLog> {
        let mut part = self.seal()?;
        part.head = None;
        self.stored.clear();
        self.signed = 0;
        self.states.clear();
        Ok(part)
    }

    /// The transaction that carried [`LogBatch::seal`]'s values succeeded.
    pub(crate) fn committed(mut self) {
        *self.guard = self.head;
        let copy = self.key.seal(
            Domain::AuditHead,
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

/// Whether events of this kind are leaves of a record's chain: an export, and an override
/// of consent (which only its export follows), are carried by their own bundle only.
pub(crate) fn is_leaf(kind: &str) -> bool {
    *kind == Kind::RecordExported || *kind == Kind::ConsentOverridden
}
