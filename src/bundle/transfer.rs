//! Transfer bundles: a collector hands its sealed records to headquarters
//! (FORMAT.md, "Transfer bundles").
//!
//! The collector cannot open what it holds, so it sends the sealed record bodies and object
//! files exactly as stored, inside the usual container (age to its recipients, a signed
//! manifest). Headquarters opens them with its own key and adds them as ordinary records,
//! keeping their ids, each part checked against the SHA-256 taken at collection.
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use super::export::{sha256_hex, ExportReport};
use super::tar_entries::{append, header};
use super::Selection;
use crate::crypto::seal::{OpenFailure, StreamError};
use crate::error::Words;
use crate::error::{Error, Refusal, Result};
use crate::format::id::ObjectId;
use crate::format::manifest::{
    self, reject, BundleKind, FileEntry, Manifest, Sender, TransferRecord,
};
use crate::format::record::{PartKind, RecordBody, Storage};
use crate::storage::durable::ThreadedWriter;
use crate::vault::add::{Arrival, Prepared, SealedPart};
use crate::vault::custody::LogBatch;
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

/// One record as a collector sends it.
struct Outgoing {
    id: RecordId,
    body: crate::storage::store::Bytes,
    objects: Vec<(ObjectId, FileEntry)>,
}

fn hash_file(f: fs::File) -> io::Result<(u64, String)> {
    let (sha, len) = crate::crypto::seal::sha256_read(f)?;
    Ok((len, hex::encode(sha)))
}

impl Vault {
    /// The part facts a collector sealed into its `record-added` event (FORMAT.md 14.2).
    fn open_sealed_facts(
        &self,
        sealed: &serde_json::Value,
    ) -> Result<serde_json::Value, crate::error::Words> {
        use base64::Engine as _;
        let bytes = sealed
            .as_str()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .ok_or_else(|| words!("d-transfer-facts-base64"))?;
        let ids = self
            .identities()
            .map_err(|e| words!("d-transfer-facts-keys", why = e))?;
        let plain = crate::crypto::seal::open_bytes(&ids, &bytes)
            .map_err(|_| words!("d-transfer-facts-not-open"))?;
        serde_json::from_slice(&plain).map_err(|_| words!("d-transfer-do-parse"))
    }
}

impl Vault {
    /// On a collector: writes the selected sealed records to `out` as a transfer bundle for
    /// its recipients, and with `remove_after` deletes them once the bundle is durable.
    pub fn export_transfer(
        &self,
        selection: &Selection,
        out: &Path,
        remove_after: bool,
    ) -> Result<ExportReport> {
        self.export_transfer_then(selection, out, remove_after, &|_, _| Ok(()))
    }

    /// [`Vault::export_transfer`], with `sent` called once the bundle is written and
    /// before any record is removed: a bundle sent on (to an inbox) must have arrived
    /// before the collector lets go of its records. If `sent` fails, nothing is removed.
    pub fn export_transfer_then(
        &self,
        selection: &Selection,
        out: &Path,
        remove_after: bool,
        sent: &dyn Fn(&Path, &ExportReport) -> Result<()>,
    ) -> Result<ExportReport> {
        if !self.is_collector() {
            return Err(Error::Refused(Refusal::TransferNeedsCollector));
        }
        if !matches!(selection, Selection::All | Selection::Ids(_)) {
            return Err(Error::Refused(Refusal::CollectorSelection));
        }
        if out.exists() {
            return Err(Error::Output {
                path: out.to_owned(),
                reason: words!("d-transfer-already-exists"),
            });
        }
        let ids = self.select(selection)?;
        if ids.is_empty() {
            return Err(selection.matched_nothing());
        }
        let bundle_id = RecordId::random();
        let (content_texts, content) = self.content_recipients();
        let to: Vec<String> = content_texts
            .iter()
            .map(|r| sha256_hex(r.as_bytes()))
            .collect();
        let mut log = self.log();
        let mut outgoing = Vec::new();
        let mut transfer = Vec::new();
        let mut files = Vec::new();
        for id in &ids {
            let (record, o) =
                self.plan_transfer_record(id, &bundle_id, &to, &mut log, &mut files)?;
            transfer.push(record);
            outgoing.push(o);
        }
        let sums = manifest::add_sums(&mut files);
        let created = jiff::Timestamp::now();
        let keys = self.keys();
        let m = Manifest {
            timestamps: vec![],
            format: manifest::FORMAT.into(),
            version: manifest::VERSION,
            kind: BundleKind::Transfer,
            bundle_id: bundle_id.to_hex(),
            created: created.to_string(),
            sender: Sender {
                signing_key: keys.signing_key.clone(),
                fingerprint: keys.fingerprint.clone(),
            },
            recipients: to.clone(),
            identities_included: false,
            metadata_kept: false,
            records: vec![],
            transfer,
            files,
        };
        let manifest_json = serde_json::to_vec_pretty(&m).expect("manifests serialize");
        manifest::check_written_size(m.transfer.len(), manifest_json.len())?;
        let sig = self.sign_manifest(&manifest_json);
        let mut report = ExportReport {
            bundle_id: bundle_id.to_hex(),
            records: outgoing.len(),
            files: m.files.len(),
            bytes: m.files.iter().map(|f| f.size).sum(),
            ..Default::default()
        };

        let mtime = created.as_second().max(0) as u64;
        let werr = |e: io::Error| Error::output(out, e);
        report.sha256 = crate::storage::durable::create_via_temp(out, |file| {
            let age_w =
                crate::crypto::agewriter::AgeWriter::new(content, ThreadedWriter::hashing(file))
                    .map_err(|e| {
                        Error::Invalid(words!(
                            "d-transfer-cannot-encrypt-collector-s",
                            e = e.to_string()
                        ))
                    })?;
            let mut tar = tar::Builder::new(age_w);
            append(&mut tar, manifest::MANIFEST_PATH, &manifest_json, mtime).map_err(werr)?;
            append(&mut tar, manifest::SIG_PATH, sig.as_bytes(), mtime).map_err(werr)?;
            append(&mut tar, manifest::SUMS_PATH, sums.as_bytes(), mtime).map_err(werr)?;
            for o in &outgoing {
                self.write_outgoing(&mut tar, o, mtime, out)?;
            }
            let hashing = tar.into_inner().map_err(werr)?.finish().map_err(werr)?;
            let (file, sha) = hashing.finish_hashed().map_err(werr)?;
            let sha = hex::encode(sha.expect("a hashing writer"));
            super::log_bundle_exported(log, &bundle_id, &sha, &to, "headquarters", &ids)?;
            Ok((file, sha))
        })?;
        sent(out, &report)?;
        crate::storage::faults::crash_point("transfer-sent");
        if remove_after {
            for o in &outgoing {
                let objects: Vec<ObjectId> = o.objects.iter().map(|(oid, _)| *oid).collect();
                self.remove_with_objects(o.id, &objects)?;
            }
            // Nothing of the records handed over may stay in the journal.
            self.rewrite_journal()?;
        }
        Ok(report)
    }

    /// Pass one of a transfer for one record: its sealed body and objects as they are
    /// stored, their file entries (added to `files`), and its chain of custody ending with
    /// the transfer (logged in `log`).
    fn plan_transfer_record(
        &self,
        id: &RecordId,
        bundle_id: &RecordId,
        to: &[String],
        log: &mut LogBatch<'_>,
        files: &mut Vec<FileEntry>,
    ) -> Result<(TransferRecord, Outgoing)> {
        let (body, entry) = self.sealed_record(id)?;
        let body_path = format!("records/{}/record.age", id.to_hex());
        files.push(FileEntry {
            path: body_path.clone(),
            size: body.len() as u64,
            sha256: sha256_hex(&body),
        });
        let mut objects = Vec::new();
        for o in &entry.objects {
            let oid = ObjectId(*o);
            let (size, sha256) = self
                .open_object(&oid)
                .and_then(hash_file)
                .map_err(|_| Error::damaged(id, words!("d-transfer-object-missing")))?;
            let f = FileEntry {
                path: format!("records/{}/objects/{}", id.to_hex(), oid.to_hex()),
                size,
                sha256,
            };
            files.push(f.clone());
            objects.push((oid, f));
        }
        let record = TransferRecord {
            id: id.to_hex(),
            collected: jiff::Timestamp::from_second(entry.created)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            body: body_path,
            objects: objects.iter().map(|(_, f)| f.path.clone()).collect(),
            custody: super::log_export(log, *id, id, bundle_id, to, "headquarters")?,
        };
        Ok((
            record,
            Outgoing {
                id: *id,
                body,
                objects,
            },
        ))
    }

    /// Pass two of a transfer for one record: its sealed body and objects into the tar
    /// stream, each object checked against the SHA-256 the manifest states.
    fn write_outgoing<W: Write>(
        &self,
        tar: &mut tar::Builder<W>,
        o: &Outgoing,
        mtime: u64,
        out: &Path,
    ) -> Result<()> {
        let werr = |e: io::Error| Error::output(out, e);
        append(
            tar,
            &format!("records/{}/record.age", o.id.to_hex()),
            &o.body,
            mtime,
        )
        .map_err(werr)?;
        for (oid, f) in &o.objects {
            let file = self
                .open_object(oid)
                .map_err(|e| Error::io(words!("d-reading-object"), e))?;
            let mut h = header(f.size, mtime);
            let mut hashing = HashRead {
                inner: file.take(f.size),
                ctx: ring::digest::Context::new(&ring::digest::SHA256),
            };
            tar.append_data(&mut h, &f.path, &mut hashing)
                .map_err(werr)?;
            if hex::encode(hashing.ctx.finish()) != f.sha256 {
                return Err(Error::damaged(o.id, words!("d-transfer-object-changed")));
            }
        }
        Ok(())
    }
}

struct HashRead<R> {
    inner: R,
    ctx: ring::digest::Context,
}

impl<R: Read> Read for HashRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.ctx.update(&buf[..n]);
        Ok(n)
    }
}

/// Headquarters' side: the records of a transfer bundle as they stream by.
pub(crate) struct Incoming {
    /// Opened bodies by record index, for records not yet in the vault.
    bodies: HashMap<usize, RecordBody>,
    /// Re-sealed objects: (record index, part index) → part.
    parts: HashMap<(usize, usize), SealedPart>,
    /// Path → (record index, object id).
    objects: HashMap<String, (usize, ObjectId)>,
    /// Path → record index, for bodies.
    bodies_at: HashMap<String, usize>,
}

impl Incoming {
    /// Whether `path` is a sealed record body.
    pub(crate) fn is_body(&self, path: &str) -> bool {
        self.bodies_at.contains_key(path)
    }

    /// Whether `path` is a sealed body or object (not `SHA256SUMS`).
    pub(crate) fn takes(&self, path: &str) -> bool {
        self.is_body(path) || self.objects.contains_key(path)
    }

    /// The title and witness code of a record whose body was opened.
    pub(crate) fn describe(&self, ri: usize) -> Option<(String, Option<String>, usize, u64)> {
        self.bodies.get(&ri).map(|b| {
            (
                b.meta.title.clone(),
                b.meta.witness.clone(),
                b.parts.len(),
                b.parts.iter().map(|p| p.size).sum(),
            )
        })
    }

    pub(crate) fn new(m: &Manifest) -> Incoming {
        let mut objects = HashMap::new();
        let mut bodies_at = HashMap::new();
        for (ri, t) in m.transfer.iter().enumerate() {
            bodies_at.insert(t.body.clone(), ri);
            for o in &t.objects {
                let oid = o
                    .rsplit('/')
                    .next()
                    .and_then(ObjectId::from_hex)
                    .expect("validated");
                objects.insert(o.clone(), (ri, oid));
            }
        }
        Incoming {
            bodies: HashMap::new(),
            parts: HashMap::new(),
            objects,
            bodies_at,
        }
    }
}

impl Vault {
    /// Takes one transfer-bundle file: a sealed body (opened with this vault's key) or an
    /// object (decrypted and re-sealed for this vault into pending `objects`, checked against
    /// its part's SHA-256; without `objects`, as `verify` does, only decrypted and checked).
    /// `reader` yields the file's bytes; the caller checks their size and hash.
    pub(crate) fn take_transfer_file(
        &self,
        m: &Manifest,
        incoming: &mut Incoming,
        present: &[bool],
        path: &str,
        reader: &mut dyn Read,
        objects: Option<&mut Vec<ObjectId>>,
    ) -> Result<()> {
        if let Some(&ri) = incoming.bodies_at.get(path) {
            let mut sealed = Vec::new();
            reader
                .take(manifest::MAX_SMALL_FILE + 1)
                .read_to_end(&mut sealed)
                .map_err(super::import::damaged_stream)?;
            if present[ri] {
                return Ok(());
            }
            let id = RecordId::from_hex(&m.transfer[ri].id).expect("validated");
            let plain = crate::crypto::seal::open_bytes(&self.identities()?, &sealed).map_err(
                |f| match f {
                    OpenFailure::NotForUs => {
                        reject(words!("d-transfer-not-for-us", id = id.short()))
                    }
                    _ => reject(words!("d-record-not-open", id = id.short())),
                },
            )?;
            let body = RecordBody::decode(id, &plain)
                .map_err(|_| reject(words!("d-record-not-decode", id = id.short())))?;
            check_collected(&body)
                .and_then(|()| self.check_collected_chain(&body, &m.transfer[ri].custody))
                .map_err(|why| reject(words!("d-bundle-record-why", id = id.short(), why = why)))?;
            incoming.bodies.insert(ri, body);
            return Ok(());
        }
        let quoted = format!("{path:?}");
        let Some(&(ri, oid)) = incoming.objects.get(path) else {
            return Err(reject(words!("d-transfer-part-any-record", path = &quoted)));
        };
        if present[ri] {
            io::copy(reader, &mut io::sink()).map_err(super::import::damaged_stream)?;
            return Ok(());
        }
        let body = incoming
            .bodies
            .get(&ri)
            .ok_or_else(|| reject(words!("d-transfer-comes-before-record-s", path = &quoted)))?;
        let (pi, part) = body
            .parts
            .iter()
            .enumerate()
            .find(|(_, p)| p.object() == Some(oid))
            .ok_or_else(|| reject(words!("d-transfer-named-record", path = &quoted)))?;
        let dec = age::Decryptor::new_buffered(io::BufReader::with_capacity(1 << 20, &mut *reader))
            .map_err(|_| reject(words!("d-transfer-sealed-object", path = &quoted)))?;
        let plain = dec
            .decrypt(self.identities()?.into_iter())
            .map_err(|_| reject(words!("d-transfer-sealed-this-vault-s", path = &quoted)))?;
        // A collector of format 2 sent unpadded objects; the padding is checked either way.
        let mut plain = crate::crypto::pad::Unpadded::new(plain, part.size);
        let undecryptable = |reason: Words| {
            reject(words!(
                "d-transfer-does-decrypt",
                path = &quoted,
                reason = reason
            ))
        };
        let (size, sha256, sealed) = match objects {
            Some(objects) => {
                let mut budget = 0; // objects stay objects
                let sealed = self
                    .seal_part(
                        part.kind,
                        part.name.clone(),
                        &mut plain,
                        &mut budget,
                        objects,
                    )
                    .map_err(|e| match e {
                        Error::Input { reason, .. } => undecryptable(reason),
                        other => other,
                    })?;
                (sealed.part.size, sealed.part.sha256, Some(sealed))
            }
            None => {
                let d = crate::crypto::seal::copy_hashing(&mut plain, &mut io::sink()).map_err(
                    |e| match e {
                        StreamError::Read(e) | StreamError::Write(e) => {
                            undecryptable(words!("d-io-other", why = e.to_string()))
                        }
                    },
                )?;
                (d.size, d.sha256, None)
            }
        };
        drop(plain);
        io::copy(reader, &mut io::sink()).map_err(super::import::damaged_stream)?;
        if size != part.size || sha256 != part.sha256 {
            return Err(reject(words!(
                "d-transfer-does-match-sha-256",
                path = &quoted
            )));
        }
        if let Some(sealed) = sealed {
            incoming.parts.insert((ri, pi), sealed);
        }
        Ok(())
    }

    /// The parts of a collected body must be the ones the collector's chain of custody
    /// recorded when it added the record (their index, kind, size and SHA-256; objects are
    /// checked against the body as they stream by).
    fn check_collected_chain(
        &self,
        body: &RecordBody,
        custody: &[crate::vault::custody::CustodyEntry],
    ) -> std::result::Result<(), crate::error::Words> {
        let recorded = crate::format::event::facts(&crate::vault::add::part_facts(&body.parts));
        let added = custody.iter().rev().find_map(|e| {
            crate::vault::custody::Event::parse(&e.event)
                .filter(|ev| ev.kind == crate::format::event::Kind::RecordAdded)
        });
        let sent = match added {
            Some(ev) => match ev.details.get("parts_sealed") {
                Some(sealed) => Some(
                    self.open_sealed_facts(sealed)
                        .map_err(|why| words!("d-transfer-recorded-parts", why = why))?,
                ),
                None => Some(ev.details["parts"].clone()),
            },
            None => None,
        };
        if sent.as_ref() != Some(&recorded) {
            return Err(words!("d-transfer-parts-ones-chain-custody"));
        }
        Ok(())
    }

    /// Builds headquarters' records from what [`Vault::take_transfer_file`] gathered.
    pub(crate) fn finish_transfer(
        &self,
        m: &Manifest,
        mut incoming: Incoming,
        present: &[bool],
        provenance: &crate::format::record::Provenance,
        arrival: impl Fn(&Vec<crate::vault::custody::CustodyEntry>) -> Arrival,
    ) -> Result<Vec<Prepared>> {
        let mut batch = Vec::new();
        for (ri, t) in m.transfer.iter().enumerate() {
            if present[ri] {
                continue;
            }
            let mut body = incoming
                .bodies
                .remove(&ri)
                .ok_or_else(|| reject(words!("d-transfer-no-body", id = t.id.to_string())))?;
            let mut search = None;
            let mut new_objects = Vec::new();
            for (pi, part) in body.parts.iter_mut().enumerate() {
                match &part.storage {
                    Storage::Object { .. } => {
                        let s = incoming.parts.remove(&(ri, pi)).ok_or_else(|| {
                            reject(words!("d-transfer-missing-object", id = t.id.to_string()))
                        })?;
                        if s.index_text.is_some() {
                            search = s.index_text.clone();
                        }
                        if let Some(o) = s.part.object() {
                            new_objects.push(o);
                        }
                        *part = s.part.clone();
                    }
                    Storage::Inline(bytes) if part.kind == PartKind::Testimony => {
                        search = crate::vault::add::indexable_text(bytes, false);
                    }
                    _ => {}
                }
            }
            let mut p = provenance.clone();
            p.bundle_record_id = t.id.clone();
            body.provenance.push(p);
            batch.push(self.seal_record(
                body,
                search.as_deref().map(|s| s.as_str()),
                new_objects,
                false,
                arrival(&t.custody),
            )?);
        }
        Ok(batch)
    }
}

/// A collector's sealed body is kept as it arrives, so it must be a record as `add` makes
/// one (FORMAT.md 13.6): metadata within `add`'s limits, at most the parts a record holds,
/// part names that are safe file names and distinct, every inline part and sealed identity
/// of the size and SHA-256 it states, and no provenance (a collector adds records; it
/// imports none, and a line of provenance would be shown at headquarters as if it had).
fn check_collected(body: &RecordBody) -> std::result::Result<(), crate::error::Words> {
    body.meta
        .validate()
        .map_err(|e| words!("d-transfer-metadata-what-record-may", e = e))?;
    crate::format::record::check_part_count(body.parts.len())
        .map_err(|e| words!("d-transfer-holds-too-many-parts", e = e))?;
    let mut names = std::collections::HashSet::new();
    for p in &body.parts {
        manifest::check_name(&p.name)
            .map_err(|_| words!("d-transfer-unsafe-name", name = format!("{:?}", p.name)))?;
        if !names.insert(p.name.as_str()) {
            return Err(words!(
                "d-transfer-two-parts",
                name = format!("{:?}", p.name)
            ));
        }
        let bytes = match &p.storage {
            Storage::Inline(b) | Storage::Sealed(b) => b,
            Storage::Object { .. } => continue,
        };
        if bytes.len() as u64 != p.size || crate::crypto::seal::sha256(bytes) != p.sha256 {
            return Err(words!(
                "d-transfer-part-differs",
                name = format!("{:?}", p.name)
            ));
        }
    }
    // So that a collector's key, seized, cannot plant a partner's pseudonym or an identity
    // that add would not have made.
    body.check_identity_parts()?;
    if !body.provenance.is_empty() {
        return Err(words!("d-transfer-says-was-imported-from"));
    }
    if !body.derived.is_empty() || body.parts.iter().any(|p| p.kind == PartKind::Recognised) {
        return Err(words!("d-transfer-holds-recognised-text-which"));
    }
    Ok(())
}
