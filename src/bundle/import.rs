//! Verifying and importing bundles (FORMAT.md 13.5).
//!
//! The bundle is decrypted and read as one stream. The manifest and its signature come
//! first and are checked before anything else is trusted; then every file is checked
//! against the manifest as it streams by: listed, not seen before, a regular file, of the
//! stated size and SHA-256. Parts of new records are sealed into pending objects on the
//! way; only when the whole bundle has verified are the records committed, all in one
//! transaction. Any failure deletes what was written: nothing is imported.
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use ring::digest;

use crate::error::{Error, Result};
use crate::format::id::ObjectId;
use crate::format::manifest::{self, reject, Manifest};
use crate::format::record::{Part, PartKind, Provenance, RecordBody};
use crate::vault::add::{Arrival, SealedPart, INLINE_BUDGET};
use crate::vault::Vault;
use crate::RecordId;

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
    pub records: Vec<ImportedRecord>,
    pub added: usize,
    pub dry_run: bool,
    /// When this vault first imported this bundle (`YYYY-MM-DD`), if it did.
    pub already_imported: Option<String>,
    /// Records of the bundle that were imported here before and removed since.
    pub removed_since: Vec<String>,
}

fn damaged_stream(e: io::Error) -> Error {
    reject(format!("the bundle is truncated or was altered ({e})"))
}

/// Reads a whole small entry, refusing more than `max` bytes.
fn read_small(r: &mut dyn Read, max: u64, what: &str) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    r.take(max + 1)
        .read_to_end(&mut v)
        .map_err(damaged_stream)?;
    if v.len() as u64 > max {
        return Err(reject(format!("{what} is too large")));
    }
    Ok(v)
}

fn entry_path(e: &tar::Entry<'_, impl Read>) -> Result<String> {
    let p = e.path_bytes();
    String::from_utf8(p.into_owned()).map_err(|_| reject("a file name in the bundle is not UTF-8"))
}

fn check_regular(e: &tar::Entry<'_, impl Read>, path: &str) -> Result<()> {
    match e.header().entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => Ok(()),
        t => Err(reject(format!(
            "{path:?} is not a regular file ({t:?}): links and devices are refused"
        ))),
    }
}

struct Hashing<'a, R> {
    inner: R,
    ctx: &'a mut digest::Context,
    n: &'a mut u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.ctx.update(&buf[..n]);
        *self.n += n as u64;
        Ok(n)
    }
}

impl Vault {
    /// Verifies a bundle and, unless `dry_run`, imports its records atomically.
    pub fn import_bundle(&self, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
        let ids = self.identities()?;
        let file = File::open(path).map_err(|e| Error::input(path, e))?;
        let dec = age::Decryptor::new_buffered(crate::crypto::seal::buffered(file))
            .map_err(|_| reject("it is not an age file, or its header is damaged"))?;
        let stream = dec.decrypt(ids.into_iter()).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => reject("it is not encrypted to this vault's key"),
            _ => reject("its header does not authenticate"),
        })?;
        self.import_stream(stream, opts)
    }

    /// Verifies and imports a bundle's decrypted tar stream (the part of
    /// [`Vault::import_bundle`] after age; also the entry point of the fuzz target).
    pub fn import_stream(&self, stream: impl Read, opts: &ImportOptions) -> Result<ImportReport> {
        let mut objects: Vec<ObjectId> = Vec::new();
        let result = self.import_inner(stream, opts, &mut objects);
        if result.is_err() && !objects.is_empty() {
            // Whatever is not deleted now stays pending for the next sweep.
            let _ = self.discard_objects(&objects);
        }
        result
    }

    // This function is long because it reads the tar stream once, in the bundle's order,
    // and each check needs what the checks before it established (the manifest, the signer,
    // the chains, the parts seen); the entries iterator borrows the archive, so the phases
    // cannot be separate functions without a reader type of their own, which is open work
    // (issue 16).
    fn import_inner(
        &self,
        stream: impl Read,
        opts: &ImportOptions,
        objects: &mut Vec<ObjectId>,
    ) -> Result<ImportReport> {
        let mut archive = tar::Archive::new(stream);
        let mut entries = archive.entries().map_err(damaged_stream)?;

        // The manifest and its signature come first.
        let mut next = |what: &str| -> Result<tar::Entry<'_, _>> {
            entries
                .next()
                .ok_or_else(|| reject(format!("the bundle ends before {what}")))?
                .map_err(damaged_stream)
        };
        let mut e = next(manifest::MANIFEST_PATH)?;
        if entry_path(&e)? != manifest::MANIFEST_PATH {
            return Err(reject("the first file is not MANIFEST.json"));
        }
        check_regular(&e, manifest::MANIFEST_PATH)?;
        let manifest_bytes = read_small(&mut e, manifest::MAX_MANIFEST, "MANIFEST.json")?;
        drop(e);
        let mut e = next(manifest::SIG_PATH)?;
        if entry_path(&e)? != manifest::SIG_PATH {
            return Err(reject("the second file is not MANIFEST.json.sig"));
        }
        check_regular(&e, manifest::SIG_PATH)?;
        let sig = read_small(&mut e, manifest::MAX_SIG, "MANIFEST.json.sig")?;
        drop(e);
        let sig = String::from_utf8(sig).map_err(|_| reject("the signature is not text"))?;
        let signer = crate::crypto::sshsig::verify(
            &sig,
            crate::crypto::sshsig::NAMESPACE_BUNDLE,
            &manifest_bytes,
        )
        .map_err(|e| reject(format!("the manifest's signature: {e}")))?;
        let fingerprint = crate::crypto::sshkey::fingerprint(&signer);

        // Whom the signature is from.
        let (contact_name, new_contact) = match &opts.from {
            Some(name) => {
                let c = self.contact(name)?;
                match c.signing_public() {
                    Some(pk) if pk == signer => (c.name.clone(), false),
                    Some(_) => {
                        return Err(reject(format!(
                            "it is signed by {fingerprint}, not by {name} ({})",
                            c.fingerprint().unwrap_or_default()
                        )))
                    }
                    None => {
                        return Err(Error::Invalid(format!(
                            "contact {name:?} has no signing key: add one with `amanat contact add`"
                        )))
                    }
                }
            }
            None => match self.contact_by_signer(&signer)? {
                Some(c) => (c.name.clone(), false),
                None if opts.trust_signer => (format!("signer-{}", &fingerprint[7..15]), true),
                None => return Err(Error::UnknownSigner(fingerprint)),
            },
        };

        let m = Manifest::parse(&manifest_bytes)?;
        if crate::crypto::sshsig::parse_ed25519_line(&m.sender.signing_key) != Some(signer) {
            return Err(reject(
                "the manifest names a different sender than the key that signed it",
            ));
        }
        // Every record's chain of custody, before any file is trusted.
        let mut chains = Vec::with_capacity(m.records.len() + m.transfer.len());
        for t in &m.transfer {
            chains.push((
                &t.custody,
                super::check_incoming_chain(&t.custody, &t.id, &m.bundle_id, &signer, &[])?,
            ));
        }
        for r in &m.records {
            // Identity parts are never in a chain of custody (it travels without them).
            let hashes: Vec<String> = r
                .parts
                .iter()
                .filter(|p| p.kind != "identity")
                .map(|p| {
                    p.original_sha256
                        .clone()
                        .unwrap_or_else(|| p.sha256.clone())
                })
                .collect();
            chains.push((
                &r.custody,
                super::check_incoming_chain(&r.custody, &r.id, &m.bundle_id, &signer, &hashes)?,
            ));
        }
        let custody_view = |i: usize| -> Vec<crate::vault::custody::LogItem> {
            let (entries, events) = &chains[i];
            entries
                .iter()
                .zip(events.iter())
                .map(|(e, ev)| crate::vault::custody::LogItem::from_event(None, ev, e.hash(), None))
                .collect()
        };
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
        let is_transfer = m.kind == "transfer";
        for t in &m.transfer {
            let id = RecordId::from_hex(&t.id).expect("validated");
            present.push(self.holds(&id)?);
        }
        // A bundle imported before: records of it removed here since come back only when
        // asked for (FORMAT.md, "Imported bundles").
        let bundle_keys = self.bundle_keys(&RecordId::from_hex(&m.bundle_id).expect("validated"));
        let remembered = self.remembered(&bundle_keys)?;
        let bundle_ids: Vec<RecordId> = m
            .records
            .iter()
            .map(|r| &r.id)
            .chain(m.transfer.iter().map(|t| &t.id))
            .map(|id| RecordId::from_hex(id).expect("validated"))
            .collect();
        let record_tags: Vec<[u8; 32]> =
            bundle_ids.iter().map(|id| bundle_keys.record(id)).collect();
        let removed_since: Vec<String> = match &remembered {
            Some(r) => bundle_ids
                .iter()
                .zip(&record_tags)
                .zip(&present)
                .filter(|((_, t), p)| !**p && r.records.contains(t))
                .map(|((id, _), _)| id.to_hex())
                .collect(),
            None => vec![],
        };
        if !removed_since.is_empty() && !opts.restore_removed && !opts.dry_run {
            return Err(Error::RemovedSince {
                bundle: m.bundle_id[..crate::format::id::SHORT_LEN].to_string(),
                date: remembered
                    .as_ref()
                    .expect("removed records were remembered")
                    .date(),
                ids: removed_since
                    .iter()
                    .map(|i| i[..crate::format::id::SHORT_LEN].to_string())
                    .collect(),
            });
        }
        let mut incoming = super::transfer::Incoming::new(&m);

        let mut seen: HashSet<String> = HashSet::new();
        let mut sealed: HashMap<(usize, usize), SealedPart> = HashMap::new();
        let mut budgets = vec![INLINE_BUDGET; m.records.len()];
        for e in entries {
            let mut e = e.map_err(damaged_stream)?;
            let path = entry_path(&e)?;
            check_regular(&e, &path)?;
            let Some(want) = expected.get(path.as_str()) else {
                return Err(reject(format!("{path:?} is not listed in the manifest")));
            };
            if !seen.insert(path.clone()) {
                return Err(reject(format!("{path:?} appears twice")));
            }
            let size = e
                .header()
                .size()
                .map_err(|_| reject(format!("{path:?} has a bad size")))?;
            if size != want.size {
                return Err(reject(format!(
                    "{path:?} is {size} bytes, the manifest says {}",
                    want.size
                )));
            }
            let mut ctx = digest::Context::new(&digest::SHA256);
            let mut n = 0u64;
            let mut reader = Hashing {
                inner: &mut e,
                ctx: &mut ctx,
                n: &mut n,
            };
            if is_transfer {
                if incoming.takes(&path) && (!opts.dry_run || incoming.is_body(&path)) {
                    self.take_transfer_file(
                        &m,
                        &mut incoming,
                        &present,
                        &path,
                        &mut reader,
                        objects,
                    )?;
                }
                io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
            } else {
                match part_of.get(path.as_str()) {
                    Some(&(ri, pi)) if !opts.dry_run && !present[ri] => {
                        let p = &m.records[ri].parts[pi];
                        let kind = PartKind::parse(&p.kind).expect("validated");
                        let s = self
                            .seal_part(kind, p.name.clone(), &mut reader, &mut budgets[ri], objects)
                            .map_err(|e| match e {
                                Error::Input { reason, .. } => reject(format!(
                                    "the bundle is truncated or was altered ({reason})"
                                )),
                                other => other,
                            })?;
                        sealed.insert((ri, pi), s);
                    }
                    _ => {
                        io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
                    }
                }
            }
            if n != want.size || hex::encode(ctx.finish()) != want.sha256 {
                return Err(reject(format!(
                    "{path:?} does not match its SHA-256 in the manifest"
                )));
            }
        }
        // Read to the end so that age authenticates the final chunk.
        io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(damaged_stream)?;
        if let Some(missing) = m.files.iter().find(|f| !seen.contains(&f.path)) {
            return Err(reject(format!(
                "{:?} is missing: the bundle is incomplete",
                missing.path
            )));
        }

        let now = jiff::Timestamp::now().as_second();
        let mut report = ImportReport {
            bundle_id: m.bundle_id.clone(),
            created: m.created.clone(),
            signer: fingerprint.clone(),
            contact: contact_name.clone(),
            new_contact,
            identities_included: m.identities_included,
            records: vec![],
            added: 0,
            dry_run: opts.dry_run,
            already_imported: remembered.as_ref().map(|r| r.date()),
            removed_since,
        };
        let mut batch = Vec::new();
        for (ri, t) in m.transfer.iter().enumerate() {
            let (title, witness, parts, bytes) = incoming
                .describe(ri)
                .unwrap_or_else(|| ("(already here)".into(), None, t.objects.len(), 0));
            report.records.push(ImportedRecord {
                id: t.id.clone(),
                title,
                witness,
                parts,
                bytes,
                present: present[ri],
                custody: custody_view(ri),
            });
        }
        if is_transfer && !opts.dry_run {
            let template = Provenance {
                signer: fingerprint.clone(),
                contact: contact_name.clone(),
                bundle_id: m.bundle_id.clone(),
                imported: now,
                bundle_record_id: String::new(),
            };
            let arrival = |custody: &Vec<crate::vault::custody::CustodyEntry>| Arrival::Received {
                foreign: custody.clone(),
                from: fingerprint.clone(),
                bundle: m.bundle_id.clone(),
                private: serde_json::json!({ "contact": contact_name }),
            };
            batch = self.finish_transfer(&m, incoming, &present, &template, arrival)?;
            report.added = batch.len();
        }
        for (ri, r) in m.records.iter().enumerate() {
            report.records.push(ImportedRecord {
                id: r.id.clone(),
                title: r.title.clone(),
                witness: r.witness.clone(),
                parts: r.parts.len(),
                bytes: r.parts.iter().map(|p| p.size).sum(),
                present: present[ri],
                custody: custody_view(m.transfer.len() + ri),
            });
            if opts.dry_run || present[ri] {
                continue;
            }
            let mut parts: Vec<Part> = Vec::new();
            let mut search = None;
            for pi in 0..r.parts.len() {
                let s = sealed
                    .remove(&(ri, pi))
                    .expect("every listed part was seen");
                if s.index_text.is_some() {
                    search = s.index_text.clone();
                }
                parts.push(s.part.clone());
            }
            let meta = r.metadata();
            meta.validate()
                .map_err(|e| reject(format!("record {}: {e}", r.id)))?;
            let created = r
                .created
                .parse::<jiff::Timestamp>()
                .map(|t| t.as_second())
                .map_err(|_| reject(format!("record {} has a bad creation time", r.id)))?;
            let id = RecordId::from_hex(&r.id).expect("validated");
            let record_objects: Vec<ObjectId> = parts.iter().filter_map(|p| p.object()).collect();
            let body = RecordBody {
                id,
                created,
                meta,
                parts,
                provenance: vec![Provenance {
                    signer: fingerprint.clone(),
                    contact: contact_name.clone(),
                    bundle_id: m.bundle_id.clone(),
                    imported: now,
                    bundle_record_id: r.id.clone(),
                }],
                unpadded: false,
            };
            batch.push(self.seal_record(
                body,
                search.as_deref().map(|s| s.as_str()),
                record_objects,
                false,
                Arrival::Received {
                    foreign: r.custody.clone(),
                    from: fingerprint.clone(),
                    bundle: m.bundle_id.clone(),
                    private: serde_json::json!({ "contact": contact_name }),
                },
            )?);
            report.added += 1;
        }
        // What to remember of the bundle: every record id it holds (a bundle id seen again
        // with other records adds them), when it was first imported.
        let remember = match &remembered {
            Some(r) => {
                let mut r = r.clone();
                for t in &record_tags {
                    if !r.records.contains(t) {
                        r.records.push(*t);
                    }
                }
                (Some(&r) != remembered.as_ref()).then_some(r)
            }
            None => Some(crate::vault::imported::Remembered {
                imported: now,
                records: record_tags.clone(),
            }),
        };
        if !opts.dry_run && batch.is_empty() && remember.is_none() {
            // Imported before, every record still here: nothing to do, nothing to log.
            objects.clear();
            return Ok(report);
        }
        if !opts.dry_run {
            let added = report.added;
            let mut extra = crate::storage::journal::Ops::new();
            if let Some(r) = &remember {
                self.remember(&bundle_keys, r, &mut extra)?;
            }
            self.commit_logged_with(batch, extra, |log| {
                log.append(
                    crate::format::event::Happened::BundleImported {
                        bundle: m.bundle_id.clone(),
                        from: fingerprint.clone(),
                        kind: m.kind.clone(),
                        records: m.records.len() + m.transfer.len(),
                        added,
                    },
                    None,
                    Some(serde_json::json!({ "contact": contact_name })),
                )
            })?;
            objects.clear();
            if new_contact {
                let line = crate::crypto::sshkey::ed25519_line(&signer);
                self.contact_add(&contact_name, &[], Some(&line))?;
            }
            self.sync()?;
        }
        Ok(report)
    }
}
