//! Committing prepared records with their custody events and their words in the search
//! index, as one commit given a part at a time: each part's writes go to the journal as
//! frames of one group (FORMAT.md 15.3) as soon as they are worked out, so that an import
//! of many records never holds them all, and nothing of them is visible before the end.
use zeroize::Zeroizing;

use super::add::{Arrival, Prepared};
use super::custody::LogBatch;
use super::index::IndexAdding;
use super::Vault;
use crate::error::Result;
use crate::format::event::{AddedParts, Happened, Kept};
use crate::format::id::{ObjectId, RecordId};
use crate::storage::journal::{Ops, TreeId};
use crate::storage::store::Grouped;

/// A commit of records under way. Holds the audit log and the journal until finished or
/// dropped; dropped unfinished (after an error, say), nothing of it was committed.
pub(crate) struct RecordsCommit<'v> {
    vault: &'v Vault,
    log: LogBatch<'v>,
    group: Grouped<'v>,
    index: IndexAdding,
    /// The objects of the records added so far.
    objects: Vec<ObjectId>,
}

impl Vault {
    /// Holds the audit log. Every commit that logs holds it until it has committed (a group
    /// of journal frames commits one frame at a time, the log's head in its last): what is
    /// read while it is held is never part of a commit. `serve` runs requests side by side.
    pub(crate) fn hold_log(&self) -> std::sync::MutexGuard<'_, crate::vault::custody::Head> {
        self.audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a batch of audit events; it holds the log until committed or dropped.
    pub(crate) fn log(&self) -> LogBatch<'_> {
        let guard = self.hold_log();
        LogBatch::new(
            &self.store,
            &self.keyring.audit_key,
            &self.keyring.catalog_key,
            crate::vault::custody::Signer {
                seed: self.keyring.signing_seed(),
                line: crate::crypto::sshkey::ed25519_line(&self.keyring.signing_public),
            },
            guard,
        )
    }

    /// Starts a commit of records ([`RecordsCommit::add`], then [`RecordsCommit::finish`]).
    /// `held`: other work goes on between its parts (an import reading its bundle).
    pub(crate) fn records_commit(&self, held: bool) -> Result<RecordsCommit<'_>> {
        let log = self.log();
        let group = self.store.grouped(&self.keyring.catalog_key, held)?;
        Ok(RecordsCommit {
            vault: self,
            log,
            group,
            index: IndexAdding::default(),
            objects: Vec::new(),
        })
    }
}

impl RecordsCommit<'_> {
    /// Logs `batch`'s records, adds their words to the index, and passes their writes on
    /// to the journal. After an error the commit cannot go on: the objects of every record
    /// given to it are deleted, and it is to be dropped.
    pub(crate) fn add(&mut self, batch: Vec<Prepared>) -> Result<()> {
        for p in &batch {
            self.objects.extend_from_slice(&p.objects);
        }
        let added = self.add_logged(batch);
        if added.is_err() {
            // Whatever is not deleted now stays pending for the next sweep.
            let _ = self.vault.store.destroy_objects(&self.objects);
        }
        added
    }

    fn add_logged(&mut self, mut batch: Vec<Prepared>) -> Result<()> {
        let v = self.vault;
        if batch.len() > 1 {
            self.log.defer_signatures();
        }
        let words: Vec<(RecordId, Zeroizing<String>)> = batch
            .iter_mut()
            .filter_map(|p| p.words.take().map(|w| (p.id, w)))
            .collect();
        let (log, index) = (&mut self.log, &mut self.index);
        let mut ops = Ops::new();
        // The index's writes are worked out on another core while this one logs the
        // records and signs their events (for a batch, each takes a while). Joining before
        // the signing left the index on the critical path of ingest: 0.33 s of waiting at
        // 10,000 records.
        let (sealed, indexed) = std::thread::scope(|sc| {
            let mut index_ops = Ops::new();
            let indexing = sc.spawn(|| index.add(v, &words, &mut index_ops).map(|()| index_ops));
            let sealed = log_records(log, &mut batch).and_then(|()| log.seal_part());
            (sealed, indexing.join().expect("index updates do not panic"))
        });
        ops.0.extend(indexed?.0);
        let sealed = sealed?;
        for prep in &mut batch {
            let loc = v.store.loc(&prep.id);
            ops.insert(TreeId::Records, loc, std::mem::take(&mut prep.record));
            ops.insert(TreeId::Catalog, loc, std::mem::take(&mut prep.catalog));
            for o in &prep.objects {
                ops.remove(TreeId::Pending, v.store.pending_key(o));
            }
        }
        sealed.add_to(&mut ops);
        self.group.push(ops)
    }

    /// Logs what `more` appends after the records' own events, and commits the whole,
    /// with `extra` writes. Not yet durable: call `store.sync()` before reporting success.
    pub(crate) fn finish(
        self,
        extra: Ops,
        more: impl FnOnce(&mut LogBatch<'_>) -> Result<()>,
    ) -> Result<()> {
        let RecordsCommit {
            vault: v,
            mut log,
            group,
            index,
            objects,
        } = self;
        let done = (|| {
            more(&mut log)?;
            let sealed = log.seal()?;
            let mut ops = Ops::new();
            index.finish(v, &mut ops)?;
            ops.0.extend(extra.0);
            sealed.add_to(&mut ops);
            group.finish(ops)
        })();
        match done {
            Ok(()) => {
                log.committed();
                Ok(())
            }
            Err(e) => {
                // Removes nothing while the store is fenced (a group committed in part,
                // which the next unlock finishes).
                let _ = v.store.destroy_objects(&objects);
                Err(e)
            }
        }
    }
}

/// Appends the events of `batch`'s records to `log`: `record-added`, or for a record from
/// a bundle its chain and `record-imported`.
fn log_records(log: &mut LogBatch<'_>, batch: &mut [Prepared]) -> Result<()> {
    for prep in batch {
        let private = prep.identity_sealed.as_ref().map(|h| Kept::IdentitySealed {
            identity_sealed_sha256: h.clone(),
        });
        match std::mem::replace(&mut prep.arrival, Arrival::Added("")) {
            Arrival::Added(via) => {
                log.fresh(prep.id);
                let parts = match &prep.sealed_facts {
                    Some(sealed) => AddedParts::Sealed(sealed.clone()),
                    None => AddedParts::Listed(prep.facts.clone()),
                };
                log.append(
                    Happened::RecordAdded {
                        via: via.to_owned(),
                        parts,
                    },
                    Some(prep.id),
                    private,
                )?;
            }
            Arrival::Received {
                foreign,
                from,
                bundle,
                private,
            } => {
                log.receive(prep.id, foreign)?;
                log.append(
                    Happened::RecordImported {
                        from,
                        bundle,
                        parts: prep.facts.clone(),
                    },
                    Some(prep.id),
                    Some(private),
                )?;
            }
        }
    }
    Ok(())
}
