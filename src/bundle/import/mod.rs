//! Verifying and importing bundles (FORMAT.md 13.5).
//!
//! The bundle is decrypted and read as one stream. The manifest and its signature come
//! first and are checked before anything else is trusted; then every file is checked
//! against the manifest as it streams by: listed, not seen before, a regular file, of the
//! stated size and SHA-256. Parts of new records are sealed into pending objects on the
//! way. Only when the whole bundle has verified are the records committed, all as one commit
//! (a group of journal frames, FORMAT.md 15.3), which for a version 6 bundle is written to
//! the journal a few hundred records at a time as they are checked. Any failure deletes what
//! was written and cuts those frames off: nothing is imported.
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::format::event::Kept;

mod checks;
mod compact;
mod entries;
use crate::format::id::ObjectId;
use crate::format::manifest::{self, reject, BundleKind, Manifest};
use crate::format::record::Provenance;
use crate::vault::add::{Arrival, SealedPart};
use crate::vault::commit::RecordsCommit;
use crate::vault::custody::LogItem;
use crate::vault::imported::{BundleKeys, Remembered};
use crate::vault::Vault;
use crate::words;
use crate::RecordId;
pub(crate) use checks::damaged_stream;
use checks::{check_chains, merged_memory, read_signed_head};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The contact the bundle must be signed by; else any known contact.
    pub from: Option<String>,
    /// Accept an unknown signer and record it as a new contact.
    pub trust_signer: bool,
    /// Verify only; write nothing.
    pub dry_run: bool,
    /// Bring back records of a bundle imported before that were removed here since.
    pub restore_removed: bool,
}

/// One record of a bundle as verify and import report it.
#[derive(Debug, serde::Serialize)]
pub struct ImportedRecord {
    pub id: String,
    pub title: String,
    pub witness: Option<String>,
    pub parts: usize,
    pub bytes: u64,
    /// Already in this vault: skipped.
    pub present: bool,
    /// The record's chain of custody as the bundle brings it, verified.
    pub custody: Vec<crate::vault::custody::LogItem>,
    /// What the bundle's time-stamp tokens prove of the chain's events (FORMAT.md 14.6).
    pub timestamps: Vec<crate::bundle::stamps::ProvenEvent>,
    /// A partner record's persons, consent, status events and verification, as the bundle
    /// states them (FORMAT.md 13.2); `None` when it states none, and for a transfer record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<crate::format::case::Case>,
}

impl ImportedRecord {
    /// A partner record as the report shows it, with its chain of custody as verified and
    /// what the tokens prove of it.
    fn partner(
        r: &manifest::ManifestRecord,
        present: bool,
        custody: Vec<LogItem>,
        timestamps: Vec<crate::bundle::stamps::ProvenEvent>,
    ) -> ImportedRecord {
        ImportedRecord {
            id: r.id.clone(),
            title: r.title.clone(),
            witness: r.witness.clone(),
            parts: r.parts.len(),
            bytes: r.parts.iter().map(|p| p.size).sum(),
            present,
            custody,
            timestamps,
            case: r.case.clone(),
        }
    }
}

/// What verify or import found.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
    pub bundle_id: String,
    pub created: String,
    pub signer: String,
    pub contact: String,
    pub new_contact: bool,
    pub identities_included: bool,
    /// The bundle carries `import.csv` (FORMAT.md 11.1), checked against the manifest.
    pub csv: bool,
    pub records: Vec<ImportedRecord>,
    pub added: usize,
    pub dry_run: bool,
    /// When this vault first imported this bundle (`YYYY-MM-DD`), if it did.
    pub already_imported: Option<String>,
    /// Records of the bundle that were imported here before and removed since.
    pub removed_since: Vec<String>,
}

impl Vault {
    /// Verifies a bundle and, unless `dry_run`, imports its records atomically.
    pub fn import_bundle(&self, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
        let ids = self.identities()?;
        let file = File::open(path).map_err(|e| Error::input(path, e))?;
        let dec = age::Decryptor::new_buffered(crate::crypto::seal::buffered(file))
            .map_err(|_| reject(words!("d-bundle-not-age")))?;
        let stream = dec.decrypt(ids.into_iter()).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => reject(words!("d-bundle-not-for-us")),
            _ => reject(words!("d-bundle-header")),
        })?;
        self.import_stream(stream, opts)
    }

    /// Verifies and imports a bundle's decrypted tar stream (the part of
    /// [`Vault::import_bundle`] after age; also the entry point of the fuzz target).
    pub fn import_stream(&self, stream: impl Read, opts: &ImportOptions) -> Result<ImportReport> {
        let mut objects: Vec<ObjectId> = Vec::new();
        let result = compact::Plaintext::open(stream)
            .and_then(|plain| self.import_inner(plain, opts, &mut objects));
        if result.is_err() && !objects.is_empty() {
            // Whatever is not deleted now stays pending for the next sweep.
            let _ = self.discard_objects(&objects);
        }
        result
    }

    /// Verifies a bundle's decrypted tar stream, then, unless `dry_run`, commits its new
    /// records all at once.
    fn import_inner(
        &self,
        stream: compact::Plaintext<impl Read>,
        opts: &ImportOptions,
        objects: &mut Vec<ObjectId>,
    ) -> Result<ImportReport> {
        let now = jiff::Timestamp::now().as_second();
        match self.verify_stream(stream, opts, now, objects)? {
            Checked::Whole(verified) => self.commit_verified(*verified, opts, now, objects),
            Checked::Streamed(s) => {
                let mut report = report_head(&s.m, &s.from, &s.known, opts);
                report.records = s.arrived.records;
                report.added = s.arrived.added;
                let records = report.records.len();
                let done = Done {
                    m: &s.m,
                    from: &s.from,
                    known: &s.known,
                    records,
                    now,
                };
                self.finish_import(s.arrived.commit, report, done, objects)
            }
        }
    }

    /// Reads the whole stream once, in the bundle's order, trusting nothing before it is
    /// checked: the manifest and its signature, the sender, every record's chain of
    /// custody, what this vault remembers of the bundle, then every file.
    fn verify_stream(
        &self,
        stream: compact::Plaintext<impl Read>,
        opts: &ImportOptions,
        now: i64,
        objects: &mut Vec<ObjectId>,
    ) -> Result<Checked<'_>> {
        let compressed = stream.compressed();
        let mut archive = tar::Archive::new(stream);
        let mut entries = entries::BundleEntries::new(&mut archive)?;
        let (manifest_bytes, signer) = read_signed_head(&mut entries)?;
        let fingerprint = crate::crypto::sshkey::fingerprint(&signer);
        let (contact, new_contact) = self.sender_of(opts, &signer, &fingerprint)?;
        let m = Manifest::parse(&manifest_bytes)?;
        if crate::crypto::sshsig::parse_ed25519_line(&m.sender.signing_key) != Some(signer) {
            return Err(reject(words!("d-bundle-sender-differs")));
        }
        let from = From {
            signer,
            fingerprint,
            contact,
            new_contact,
        };
        match (compressed, m.version == manifest::VERSION_COMPACT) {
            (true, false) => {
                return Err(reject(words!("d-bundle-gzip-not-6", version = m.version)));
            }
            (false, true) => return Err(reject(words!("d-bundle-6-not-gzip"))),
            _ => {}
        }
        // The commit holds the audit log, which orders commits, from here on: which records
        // are here already is read under it, so that two imports of one bundle at once (in
        // `serve`) do not both add them.
        let commit = (!opts.dry_run)
            .then(|| self.records_commit(true))
            .transpose()?;
        // Compressed: version 6, as checked above.
        if compressed {
            let certificates = self.trusted_certificates()?;
            let tokens = crate::bundle::stamps::check_tokens(&m, &certificates)?;
            let ids = m.compact_ids();
            let present = (ids.iter().map(|id| self.holds(id))).collect::<Result<Vec<_>>>()?;
            let known = self.known_before(&m, &ids, &present, opts)?;
            let signed = (&from, &tokens);
            let arrived =
                self.read_compact(entries, &m, signed, &present, opts, now, objects, commit)?;
            // Before the commit: gzip's CRC and length, age's last chunk, nothing after.
            archive.into_inner().finish()?;
            return Ok(Checked::Streamed(Box::new(Streamed {
                m,
                from,
                known,
                arrived,
            })));
        }
        let views = check_chains(&m, &signer)?
            .into_iter()
            .map(|(entries, events)| {
                entries
                    .iter()
                    .zip(events.iter())
                    .map(|(e, ev)| LogItem::from_event(None, ev, e.hash(), None))
                    .collect()
            })
            .collect();
        let proofs = crate::bundle::stamps::check(&m, &self.trusted_certificates()?)?;
        let expected: HashMap<&str, &manifest::FileEntry> =
            m.files.iter().map(|f| (f.path.as_str(), f)).collect();
        // Which part each path is: (record index, part index).
        let mut part_of: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut present = Vec::with_capacity(m.records.len());
        for (ri, r) in m.records.iter().enumerate() {
            let id = RecordId::from_hex(&r.id).expect("validated");
            present.push(self.holds(&id)?);
            for (pi, p) in r.parts.iter().enumerate() {
                part_of.insert(p.path.as_str(), (ri, pi));
            }
        }
        for t in &m.transfer {
            let id = RecordId::from_hex(&t.id).expect("validated");
            present.push(self.holds(&id)?);
        }
        let bundle_ids: Vec<RecordId> = (m.records.iter().map(|r| &r.id))
            .chain(m.transfer.iter().map(|t| &t.id))
            .map(|id| RecordId::from_hex(id).expect("validated"))
            .collect();
        let known = self.known_before(&m, &bundle_ids, &present, opts)?;
        let mut incoming = crate::bundle::transfer::Incoming::new(&m);
        let (seen, sealed) = self.read_files(
            entries,
            &m,
            &expected,
            &part_of,
            &present,
            opts,
            &mut incoming,
            objects,
        )?;
        // Read to the end so that age authenticates the final chunk.
        archive.into_inner().finish()?;
        if let Some(missing) = m.files.iter().find(|f| !seen.contains(&f.path)) {
            return Err(reject(words!(
                "d-bundle-missing",
                path = format!("{:?}", missing.path)
            )));
        }
        drop(expected);
        drop(part_of);
        Ok(Checked::Whole(Box::new(Verified {
            commit,
            m,
            from,
            views,
            proofs,
            present,
            known,
            incoming,
            sealed,
        })))
    }

    /// Adds a verified bundle's new records (unless `dry_run`), with what this vault
    /// remembers of the bundle and the `bundle-imported` event, all at once.
    fn commit_verified(
        &self,
        mut v: Verified<'_>,
        opts: &ImportOptions,
        now: i64,
        objects: &mut Vec<ObjectId>,
    ) -> Result<ImportReport> {
        let m = &v.m;
        let mut report = report_head(m, &v.from, &v.known, opts);
        let mut batch = Vec::new();
        for (ri, t) in m.transfer.iter().enumerate() {
            let (title, witness, parts, bytes) = v
                .incoming
                .describe(ri)
                .unwrap_or_else(|| ("(already here)".into(), None, t.objects.len(), 0));
            report.records.push(ImportedRecord {
                id: t.id.clone(),
                title,
                witness,
                parts,
                bytes,
                present: v.present[ri],
                custody: std::mem::take(&mut v.views[ri]),
                timestamps: vec![],
                case: None,
            });
        }
        if m.kind == BundleKind::Transfer && !opts.dry_run {
            let template = Provenance {
                signer: v.from.fingerprint.clone(),
                contact: v.from.contact.clone(),
                bundle_id: m.bundle_id.clone(),
                imported: now,
                bundle_record_id: String::new(),
            };
            let arrival = |custody: &Vec<crate::vault::custody::CustodyEntry>| Arrival::Received {
                foreign: custody.clone(),
                from: v.from.fingerprint.clone(),
                bundle: m.bundle_id.clone(),
                private: Kept::Contact {
                    contact: v.from.contact.clone(),
                },
            };
            batch = self.finish_transfer(m, v.incoming, &v.present, &template, arrival)?;
            report.added = batch.len();
        }
        for (ri, r) in m.records.iter().enumerate() {
            report.records.push(ImportedRecord::partner(
                r,
                v.present[ri],
                std::mem::take(&mut v.views[m.transfer.len() + ri]),
                std::mem::take(&mut v.proofs[ri]),
            ));
            if opts.dry_run || v.present[ri] {
                continue;
            }
            batch.push(self.partner_record(r, ri, &mut v.sealed, &v.from, &m.bundle_id, now)?);
            report.added += 1;
        }
        let mut commit = v.commit.take();
        if let Some(c) = commit.as_mut().filter(|_| !batch.is_empty()) {
            c.add(batch)?;
        }
        let records = m.records.len() + m.transfer.len();
        let done = Done {
            m,
            from: &v.from,
            known: &v.known,
            records,
            now,
        };
        self.finish_import(commit, report, done, objects)
    }

    /// Commits an import's records (given to `commit` already) with what this vault
    /// remembers of the bundle and the `bundle-imported` event; `None` for a dry run.
    fn finish_import(
        &self,
        commit: Option<RecordsCommit<'_>>,
        report: ImportReport,
        done: Done<'_>,
        objects: &mut Vec<ObjectId>,
    ) -> Result<ImportReport> {
        let Done {
            m,
            from,
            known,
            records,
            now,
        } = done;
        let Some(commit) = commit else {
            return Ok(report);
        };
        let remember = merged_memory(&known.remembered, &known.record_tags, now);
        if report.added == 0 && remember.is_none() {
            // Imported before, every record still here: nothing to do, nothing to log.
            objects.clear();
            return Ok(report);
        }
        let mut extra = crate::storage::journal::Ops::new();
        if let Some(r) = &remember {
            self.remember(&known.bundle_keys, r, &mut extra)?;
        }
        commit.finish(extra, |log| {
            log.append(
                crate::format::event::Happened::BundleImported {
                    bundle: m.bundle_id.clone(),
                    from: from.fingerprint.clone(),
                    kind: m.kind.as_str().to_owned(),
                    records,
                    added: report.added,
                },
                None,
                Some(Kept::Contact {
                    contact: from.contact.clone(),
                }),
            )
        })?;
        objects.clear();
        if from.new_contact {
            let line = crate::crypto::sshkey::ed25519_line(&from.signer);
            self.contact_add(&from.contact, &[], Some(&line))?;
        }
        self.sync()?;
        Ok(report)
    }
}

/// What an import report says before its records.
fn report_head(m: &Manifest, from: &From, known: &Known, opts: &ImportOptions) -> ImportReport {
    ImportReport {
        bundle_id: m.bundle_id.clone(),
        created: m.created.clone(),
        signer: from.fingerprint.clone(),
        contact: from.contact.clone(),
        new_contact: from.new_contact,
        identities_included: m.identities_included,
        csv: (m.files.iter()).any(|f| f.path == crate::format::manifest::csv::CSV_PATH),
        records: vec![],
        added: 0,
        dry_run: opts.dry_run,
        already_imported: known.remembered.as_ref().map(|r| r.date()),
        removed_since: known.removed_since.clone(),
    }
}

/// What the end of an import needs of the bundle.
struct Done<'a> {
    m: &'a Manifest,
    from: &'a From,
    known: &'a Known,
    /// The records the bundle carries.
    records: usize,
    now: i64,
}

/// The parts of new records sealed on the way in, by (record, part).
type Sealed = HashMap<(usize, usize), SealedPart>;

/// Who signed a bundle, as checked.
struct From {
    signer: [u8; 32],
    fingerprint: String,
    /// The contact's name (for a signer trusted now, the name it will be added under).
    contact: String,
    new_contact: bool,
}

/// What this vault knew of a bundle before this import.
struct Known {
    bundle_keys: BundleKeys,
    remembered: Option<Remembered>,
    /// The keyed tags of the bundle's records.
    record_tags: Vec<[u8; 32]>,
    /// Records of it imported before and removed since.
    removed_since: Vec<String>,
}

/// A bundle whose every byte has verified.
enum Checked<'v> {
    /// Versions 1 to 5: every record in hand, to commit.
    Whole(Box<Verified<'v>>),
    /// Version 6: the new records are in the journal already, waiting for the commit.
    Streamed(Box<Streamed<'v>>),
}

/// A version 6 bundle whose every byte has verified.
struct Streamed<'v> {
    m: Manifest,
    from: From,
    known: Known,
    arrived: compact::Arrived<'v>,
}

/// A bundle of version 1 to 5 whose every byte has verified, and what its import needs.
struct Verified<'v> {
    /// `None` for a dry run.
    commit: Option<RecordsCommit<'v>>,
    m: Manifest,
    from: From,
    /// Each record's chain of custody as `verify` shows it: transfer records, then partner
    /// records.
    views: Vec<Vec<LogItem>>,
    /// What the tokens prove, per partner record.
    proofs: Vec<Vec<crate::bundle::stamps::ProvenEvent>>,
    /// Whether each record (partner records, then transfer records) is here already.
    present: Vec<bool>,
    known: Known,
    incoming: crate::bundle::transfer::Incoming,
    sealed: Sealed,
}
