//! Adding records (FORMAT.md, "Write ordering").
//!
//! Order: each large part is marked pending (durably), streamed through age into a
//! temporary object file, fsynced and renamed into `objects/`; then the record body,
//! catalog entry and search chunks are inserted, and the pending marks removed, in one sled
//! transaction; then sled is flushed and its files fsynced. A crash before the transaction
//! leaves only pending objects, which the next open deletes; after it, the whole record.
use std::io::Read;
use std::path::PathBuf;

use zeroize::Zeroizing;

pub use super::input::PartInput;
use super::Vault;
use crate::crypto::seal::{self, StreamError};
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result};
use crate::format::catalog::{self, CatalogEntry, PartSummary};
use crate::format::event::{Kept, PartFact};
use crate::format::id::{ObjectId, RecordId};
use crate::format::record::{Metadata, Part, PartKind, RecordBody, Storage};
use crate::storage::journal::Ops;
use crate::words;

/// Parts up to this size may be stored inside the record body…
pub(crate) const INLINE_PART_MAX: usize = 16 * 1024;
/// …as long as all inline parts of a record stay under this, keeping sled values small.
pub(crate) const INLINE_BUDGET: usize = 24 * 1024;

/// A record to add.
pub struct NewRecord {
    pub meta: Metadata,
    pub testimony: Option<PartInput>,
    pub attachments: Vec<PartInput>,
    /// Who the witness is, sealed to the identity custodians only.
    pub identity: Option<PartInput>,
    /// Who other persons the case names are, each (code, file) sealed to the identity
    /// custodians only, as part `identity-CODE` (FORMAT.md 7.1).
    pub person_identities: Vec<(String, PartInput)>,
    /// Persons, relations, consent and status events (FORMAT.md 7.4).
    pub case: crate::format::case::Case,
}

/// Largest identity part: who the witness is and how to reach them.
pub const MAX_IDENTITY: usize = 16 * 1024;

/// How a record came to this vault, for its first custody event here.
pub(crate) enum Arrival {
    /// Added on this device, by `add` or `ingest`.
    Added(&'static str),
    /// Brought by a bundle with its chain of custody so far.
    Received {
        foreign: Vec<crate::vault::custody::CustodyEntry>,
        /// The sender's fingerprint.
        from: String,
        /// The bundle's id.
        bundle: String,
        private: Kept,
    },
}

/// The largest sealed body `add` and `ingest` make. A vault that receives the record adds
/// to its body (a provenance entry, its own recipients, and up to 24 KiB of inline parts
/// where cleaning made images small enough), and must still keep it under
/// [`crate::storage::store::MAX_VALUE`] (FORMAT.md 7.1).
pub(crate) const MADE_BODY_MAX: usize = 64 * 1024;

/// A record whose objects are written and whose values are sealed, not yet committed.
pub(crate) struct Prepared {
    pub id: RecordId,
    pub(crate) arrival: Arrival,
    /// The parts as custody events state them (identity parts left out).
    pub(crate) facts: Vec<PartFact>,
    /// On a collector: `facts` sealed to the content recipients, base64, for the event.
    pub(crate) sealed_facts: Option<String>,
    /// SHA-256 of the sealed identity, kept in the log's private details.
    pub(crate) identity_sealed: Option<String>,
    pub(crate) record: Vec<u8>,
    pub(crate) catalog: Vec<u8>,
    /// The testimony's distinct normalized words, for the search index.
    pub(crate) words: Option<Zeroizing<String>>,
    pub(crate) objects: Vec<ObjectId>,
    /// Set when testimony text was longer than the search index holds.
    pub index_truncated: bool,
}

/// A part sealed for a record that is not committed yet.
#[derive(Clone)]
pub(crate) struct SealedPart {
    pub part: Part,
    /// Normalized testimony text for the search index.
    pub index_text: Option<Zeroizing<String>>,
    pub index_truncated: bool,
}

/// The parts of a record as custody events state them: index, kind, size and SHA-256 of
/// each testimony and attachment. Identity parts are left out: the events travel in
/// bundles, which say nothing of identities.
pub(crate) fn part_facts(parts: &[Part]) -> Vec<PartFact> {
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind != PartKind::Identity)
        .map(|(i, p)| PartFact {
            index: i,
            kind: p.kind.as_str().to_owned(),
            sha256: hex::encode(p.sha256),
            size: p.size,
        })
        .collect()
}

/// Keeps a copy of the first bytes read, for indexing the testimony.
struct Tee<R> {
    inner: R,
    kept: Zeroizing<Vec<u8>>,
    cap: usize,
    overflow: bool,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let room = self.cap - self.kept.len();
        self.kept.extend_from_slice(&buf[..n.min(room)]);
        if n > room {
            self.overflow = true;
        }
        Ok(n)
    }
}

/// The indexable text of a testimony: valid UTF-8 only (an audio testimony is not indexed).
pub(crate) fn indexable_text(bytes: &[u8], truncated: bool) -> Option<Zeroizing<String>> {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        // Cut inside a character at the cap: keep what precedes it.
        Err(e) if truncated && e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid prefix")
        }
        Err(_) => return None,
    };
    Some(crate::format::text::index_words(valid))
}

impl Vault {
    /// Adds one record; returns once it is durable.
    pub fn add(&self, rec: NewRecord) -> Result<RecordId> {
        let p = self.prepare(rec, "add")?;
        let id = p.id;
        self.commit(vec![p])?;
        self.store.sync()?;
        Ok(id)
    }

    /// Seals a record and writes its objects; nothing is visible until [`Vault::commit`].
    pub(crate) fn prepare(&self, mut rec: NewRecord, via: &'static str) -> Result<Prepared> {
        if rec.identity.is_some() && rec.meta.witness.is_none() {
            // Records of one witness are linked by the code, never by the identity.
            rec.meta.witness = Some(crate::format::record::random_witness_code());
        }
        self.check_new(&rec)?;
        // Open every input before writing anything, so a missing file changes nothing.
        let mut inputs = Vec::new();
        if let Some(t) = rec.testimony {
            let (name, r) = t.open()?;
            inputs.push((PartKind::Testimony, name, r));
        }
        for a in rec.attachments {
            // Two parts of one name were refused by check_new.
            let (name, r) = a.open()?;
            inputs.push((PartKind::Attachment, name, r));
        }
        if let Some(i) = rec.identity {
            // Its file name could itself name the witness: the part is called "identity".
            let (_, r) = i.open()?;
            inputs.push((PartKind::Identity, "identity".into(), r));
        }
        for (code, i) in rec.person_identities {
            let (_, r) = i.open()?;
            let name = crate::format::record::identity_part_name(Some(&code));
            inputs.push((PartKind::Identity, name, r));
        }
        let mut objects = Vec::new();
        let result = self.seal_parts(rec.meta, rec.case, inputs, &mut objects, via);
        if result.is_err() && !objects.is_empty() {
            // Best effort: whatever is not deleted now stays pending for the next sweep.
            let _ = self.store.delete_objects(&objects);
        }
        result
    }

    fn seal_parts(
        &self,
        meta: Metadata,
        case: crate::format::case::Case,
        inputs: Vec<(PartKind, String, Box<dyn Read + Send>)>,
        objects: &mut Vec<ObjectId>,
        via: &'static str,
    ) -> Result<Prepared> {
        let mut budget = INLINE_BUDGET;
        let mut parts = Vec::with_capacity(inputs.len());
        let mut search_text = None;
        let mut index_truncated = false;
        for (kind, name, mut reader) in inputs {
            let sealed = self.seal_part(kind, name, &mut reader, &mut budget, objects)?;
            if let Some(text) = sealed.index_text {
                search_text = Some(text);
                index_truncated = sealed.index_truncated;
            }
            parts.push(sealed.part);
        }
        let body = RecordBody {
            id: RecordId::random(),
            created: jiff::Timestamp::now().as_second(),
            meta,
            parts,
            provenance: vec![],
            derived: vec![],
            case,
            links: vec![],
            unpadded: false,
        };
        self.seal_record(
            body,
            search_text.as_deref().map(|s| s.as_str()),
            std::mem::take(objects),
            index_truncated,
            Arrival::Added(via),
        )
    }

    /// Seals one part: inline if it fits the record's remaining inline budget, else as a
    /// pending object. Keeps the normalized text of a testimony for the search index.
    pub(crate) fn seal_part(
        &self,
        kind: PartKind,
        name: String,
        reader: &mut dyn Read,
        budget: &mut usize,
        objects: &mut Vec<ObjectId>,
    ) -> Result<SealedPart> {
        let searched = matches!(kind, PartKind::Testimony | PartKind::Recognised);
        self.seal_part_searched(kind, name, reader, budget, objects, searched)
    }

    /// As [`Vault::seal_part`], keeping the part's text for the search index if `searched`
    /// (a testimony, recognised text, a transcript or a translation: FORMAT.md 7.4).
    pub(crate) fn seal_part_searched(
        &self,
        kind: PartKind,
        name: String,
        reader: &mut dyn Read,
        budget: &mut usize,
        objects: &mut Vec<ObjectId>,
        searched: bool,
    ) -> Result<SealedPart> {
        let mut tee = Tee {
            inner: reader,
            kept: Zeroizing::new(Vec::new()),
            cap: if searched && kind != PartKind::Identity && !self.keyring.collector {
                catalog::MAX_SEARCH_TEXT
            } else {
                0
            },
            overflow: false,
        };
        let read_err = |e: std::io::Error| Error::Input {
            path: PathBuf::from(&name),
            reason: words!("d-io-other", why = e.to_string()),
        };
        if kind == PartKind::Identity {
            let (plain, ended) = seal::read_up_to(&mut tee, MAX_IDENTITY).map_err(read_err)?;
            if !ended {
                let w = words!("d-add-identity-too-large", kib = MAX_IDENTITY / 1024);
                return Err(Error::Invalid(w));
            }
            let sealed = seal::seal_bytes(&self.custodians, &plain)?;
            return Ok(SealedPart {
                part: Part {
                    kind,
                    name,
                    size: sealed.len() as u64,
                    sha256: seal::sha256(&sealed),
                    storage: Storage::Sealed(sealed),
                },
                index_text: None,
                index_truncated: false,
            });
        }
        let (head, ended) =
            seal::read_up_to(&mut tee, (*budget).min(INLINE_PART_MAX)).map_err(read_err)?;
        let part = if ended {
            *budget -= head.len();
            Part {
                kind,
                size: head.len() as u64,
                sha256: seal::sha256(&head),
                storage: Storage::Inline(head.to_vec()),
                name: name.clone(),
            }
        } else {
            let oid = ObjectId::random();
            self.store.mark_pending(&[oid])?;
            objects.push(oid);
            let mut w = self.store.object_writer(oid)?;
            let (digest, _) = seal::seal_stream(&self.content, &head, &mut tee, w.writer())
                .map_err(|e| match e {
                    StreamError::Read(e) => read_err(e),
                    StreamError::Write(e) => Error::io(words!("d-writing-object"), e),
                })?;
            drop(head);
            let sealed_size = w.commit()?;
            Part {
                kind,
                size: digest.size,
                sha256: digest.sha256,
                storage: Storage::Object {
                    id: oid.0,
                    sealed_size,
                },
                name: name.clone(),
            }
        };
        let index_text = if tee.cap > 0 {
            indexable_text(&tee.kept, tee.overflow)
        } else {
            None
        };
        Ok(SealedPart {
            part,
            index_text,
            index_truncated: tee.overflow,
        })
    }

    /// Seals a record body and its catalog entry, ready to commit.
    pub(crate) fn seal_record(
        &self,
        body: RecordBody,
        search_text: Option<&str>,
        objects: Vec<ObjectId>,
        index_truncated: bool,
        arrival: Arrival,
    ) -> Result<Prepared> {
        let id = body.id;
        let facts = part_facts(&body.parts);
        // A collector's chain of custody must start at collection, but must not let whoever
        // coerces its passphrase confirm which documents it holds: the parts' sizes and
        // hashes go into its event sealed to headquarters (FORMAT.md 14.2, `parts_sealed`).
        let sealed_facts = if self.keyring.collector {
            use base64::Engine as _;
            let plain = zeroize::Zeroizing::new(
                serde_json::to_vec(&crate::format::event::facts(&facts)).map_err(|e| {
                    Error::Invalid(words!("d-add-encoding-facts", why = e.to_string()))
                })?,
            );
            Some(
                base64::engine::general_purpose::STANDARD
                    .encode(seal::seal_bytes(&self.content, &plain)?),
            )
        } else {
            None
        };
        let identity_sealed = body
            .parts
            .iter()
            .find(|p| p.kind == PartKind::Identity)
            .map(|p| hex::encode(p.sha256));
        // A collector cannot search, and must not keep what it could search with.
        let words = (!self.keyring.collector)
            .then(|| catalog::record_words(&body.meta, &body.case, search_text));
        let record = seal::seal_bytes(&self.content, &body.encode())?;
        if matches!(arrival, Arrival::Added(_)) && record.len() > MADE_BODY_MAX {
            return Err(Error::Invalid(words!(
                "d-add-description-too-large",
                kib = record.len().div_ceil(1024),
                max = MADE_BODY_MAX / 1024
            )));
        }
        let entry = self.catalog_entry(&body, record.len());
        drop(body);
        let key = &self.keyring.catalog_key;
        let catalog = key.seal(Domain::Catalog, &id.0, &entry.encode());
        Ok(Prepared {
            id,
            arrival,
            facts,
            sealed_facts,
            identity_sealed,
            record,
            catalog,
            words: words.filter(|w| !w.is_empty()),
            objects,
            index_truncated,
        })
    }

    /// A record's catalog entry (FORMAT.md 8.2), its body sealed in `sealed_len` bytes. On
    /// a collector it keeps no metadata and no part names.
    pub(crate) fn catalog_entry(&self, body: &RecordBody, sealed_len: usize) -> CatalogEntry {
        let objects_size: u64 = body
            .parts
            .iter()
            .map(|p| match p.storage {
                Storage::Object { sealed_size, .. } => sealed_size,
                Storage::Inline(_) | Storage::Sealed(_) => 0,
            })
            .sum();
        let collector = self.keyring.collector;
        CatalogEntry {
            created: body.created,
            meta: (!collector).then(|| body.meta.clone()),
            case: (!collector && !body.case.is_empty()).then(|| body.case.clone()),
            parts: if collector {
                vec![]
            } else {
                body.parts
                    .iter()
                    .map(|p| PartSummary {
                        kind: p.kind,
                        name: p.name.clone(),
                        size: p.size,
                    })
                    .collect()
            },
            sealed_size: sealed_len as u64 + objects_size,
            objects: body
                .parts
                .iter()
                .filter_map(|p| p.object())
                .map(|o| o.0)
                .collect(),
        }
    }

    /// Makes prepared records visible, with their custody events, all in one sled
    /// transaction. Not yet durable: call `store.sync()` before reporting success.
    pub(crate) fn commit(&self, batch: Vec<Prepared>) -> Result<()> {
        self.commit_logged(batch, |_| Ok(()))
    }

    /// As [`Vault::commit`], with more events appended by `more` after the records' own.
    pub(crate) fn commit_logged(
        &self,
        batch: Vec<Prepared>,
        more: impl FnOnce(&mut crate::vault::custody::LogBatch<'_>) -> Result<()>,
    ) -> Result<()> {
        self.commit_logged_with(batch, Ops::new(), more)
    }

    /// As [`Vault::commit_logged`], with `extra` writes in the same transaction.
    pub(crate) fn commit_logged_with(
        &self,
        batch: Vec<Prepared>,
        extra: Ops,
        more: impl FnOnce(&mut crate::vault::custody::LogBatch<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut c = self.records_commit(false)?;
        c.add(batch)?;
        c.finish(extra, more)
    }

    /// Makes everything committed so far durable.
    pub fn sync(&self) -> Result<()> {
        self.store.sync()
    }
}

impl Vault {
    /// Drops prepared records that will not be committed, deleting their objects.
    pub(crate) fn discard(&self, batch: Vec<Prepared>) {
        for p in batch {
            // Whatever is not deleted now stays pending for the next sweep.
            let _ = self.store.delete_objects(&p.objects);
        }
    }
}
