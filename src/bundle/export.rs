//! Writing bundles (FORMAT.md, "Bundles" and "Redaction").
//!
//! Two passes. The first opens every selected record, decides what is redacted and computes
//! every file's size and SHA-256 (from the hashes taken at ingest, or by cleaning an image),
//! so the signed manifest can come first in the stream. The second streams the tar through
//! age into a temporary file beside the destination, verifying every part against its hash
//! as it goes; only a bundle that was written whole is fsynced and renamed into place.
use super::tar_entries::read_head;
use std::io;
use std::path::Path;

use ring::digest;
use zeroize::Zeroizing;

use super::partner_view::{mentions_code, redact_record};
use super::redact::{self, Image};
use crate::crypto::seal::Recipients;
use crate::error::{Error, Refusal, Result};
use crate::format::manifest::{
    self, BundleKind, FileEntry, Manifest, ManifestPart, ManifestRecord, Sender,
};
use crate::format::record::{PartKind, RecordBody, Storage};
use crate::storage::durable::ThreadedWriter;
use crate::vault::contacts::Contact;
use crate::vault::custody::LogBatch;
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

/// Records whose bodies are opened together, on every core (a few hundred KiB of bodies).
pub(super) const BODIES_AT_ONCE: usize = 256;

/// Most bytes of record bodies kept from pass one for pass two (about 10,000 small records).
const KEPT_BODIES: usize = 48 << 20;

/// Largest image cleaned in memory; a larger one is refused unless `--keep-metadata`.
pub(super) const MAX_CLEAN: u64 = 256 << 20;

pub use super::options::{ExportOptions, ExportReport};

/// What pass one decided for one part.
pub(super) struct PlannedPart {
    pub(super) index: usize,
    pub(super) path: String,
    pub(super) clean: Option<Image>,
    pub(super) size: u64,
    pub(super) sha256: [u8; 32],
}

/// What an export found before reading anything: the contact, its recipients (and the
/// SHA-256 of each, as the manifest lists them), the records and what consent says of them.
struct Preflight {
    contact: Contact,
    recipients: Recipients,
    ids: Vec<RecordId>,
    consent: super::consent::ConsentCheck,
    to: Vec<String>,
}

pub(super) struct PlannedRecord {
    pub(super) id: RecordId,
    pub(super) bundle_id: RecordId,
    pub(super) json: Vec<u8>,
    pub(super) parts: Vec<PlannedPart>,
    /// The body as pass one opened it, when it was kept for pass two.
    pub(super) body: Option<RecordBody>,
}

/// Whether export sends a part: identity parts only with `--with-identities`, recognised
/// text only with `--with-ocr`.
fn sends(p: &crate::format::record::Part, opts: &ExportOptions) -> bool {
    (opts.with_identities || p.kind != PartKind::Identity)
        && (opts.with_ocr || p.kind != PartKind::Recognised)
}

/// About how much memory an opened body takes: its inline parts and a little more.
fn body_size(body: &RecordBody) -> usize {
    let inline = body.parts.iter().map(|p| match &p.storage {
        Storage::Inline(b) => b.len(),
        _ => 0,
    });
    inline.sum::<usize>() + 1024
}

pub(super) fn timestamp(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

pub(super) fn sha256_hex(b: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, b))
}

/// `import.csv` of the records (FORMAT.md 11.1), listed first among `files`.
fn csv_file(records: &[ManifestRecord], files: &mut Vec<FileEntry>) -> Result<Vec<u8>> {
    let csv = crate::format::manifest::csv::write(records).map_err(Error::Invalid)?;
    let entry = FileEntry {
        path: crate::format::manifest::csv::CSV_PATH.into(),
        size: csv.len() as u64,
        sha256: sha256_hex(&csv),
    };
    files.insert(0, entry);
    Ok(csv)
}

impl Vault {
    /// Exports the selected records to `out` as a bundle for a contact: pass one plans
    /// every file and builds the signed manifest, pass two streams the files into the age
    /// file under a temporary name, which takes its name once the export is logged.
    pub fn export(&self, opts: &ExportOptions, out: &Path) -> Result<ExportReport> {
        let Preflight {
            contact,
            recipients,
            ids,
            consent,
            to,
        } = self.export_preflight(opts, out)?;
        // Pass one: plan every file and build the manifest.
        let bundle_id = RecordId::random();
        // A token over the log as it is before the export's events (they are chained to the
        // bundle's hash, so no token in it can cover them), stored with those events.
        let pending = match self.tsas()?.is_empty() {
            true => None,
            false => Some(self.ask_for_stamps(None)?),
        };
        let mut log = self.log();
        let mut stamped = match &pending {
            Some(p) => {
                let new = self.append_stamps(p, &mut log)?;
                super::stamps::StampedLog::load(self, p, new)?
            }
            None => None,
        };
        let mut report = ExportReport {
            bundle_id: bundle_id.to_hex(),
            timestamping: pending.map(|p| p.report),
            consent_unrecorded: consent.unrecorded,
            ..Default::default()
        };
        let known = super::partner_view::KnownCodes::of(self)?;
        let mut planned = Vec::new();
        let mut records = Vec::new();
        let mut files = Vec::new();
        // Bodies opened in pass one and kept for pass two, up to a budget: opening one again
        // is an X25519 agreement, the larger part of an export of many small records.
        let mut kept_bytes = 0;
        for chunk in ids.chunks(BODIES_AT_ONCE) {
            let opened = self.open_to_plan(chunk, opts, &known);
            for (id, opened) in chunk.iter().zip(opened) {
                let (body, mentions) = opened?;
                self.log_override(&consent, &mut log, &body, &contact, opts, &mut report)?;
                let (rec, mut plan, rec_files) = self.plan_record(
                    id,
                    (&body, &mentions),
                    (&contact, &known),
                    opts,
                    &bundle_id,
                    &to,
                    &mut log,
                    &mut stamped,
                    &mut report,
                )?;
                let size = body_size(&body);
                if kept_bytes + size <= KEPT_BODIES {
                    kept_bytes += size;
                    plan.body = Some(body);
                }
                files.extend(rec_files);
                records.push(rec);
                planned.push(plan);
            }
        }
        let csv = opts
            .csv
            .then(|| csv_file(&records, &mut files))
            .transpose()?;
        // SHA256SUMS lets a partner check every file with `sha256sum -c`.
        let sums = manifest::add_sums(&mut files);
        let created = jiff::Timestamp::now();
        let mut manifest = self.partner_manifest(&bundle_id, created, files, &to, opts);
        manifest.timestamps = stamped.map(|s| s.tokens()).unwrap_or_default();
        report.timestamps = manifest.timestamps.len();
        let manifest_json = serde_json::to_vec_pretty(&manifest).expect("manifests serialize");
        // The manifest is read whole before its signature is checked, so an import reads
        // no more than MAX_MANIFEST of it: a larger one would make a bundle no one can import.
        manifest::check_written_size(records.len(), manifest_json.len())?;
        manifest::check_receivable(&manifest_json, &records)?;
        drop(records);
        let sig = self.sign_manifest(&manifest_json);
        report.records = planned.len();
        report.files = manifest.files.len();
        report.bytes = manifest.files.iter().map(|f| f.size).sum();

        // Pass two: stream everything into a temporary file, then rename.
        let mtime = created.as_second().max(0) as u64;
        let mut not_cleaned = Vec::new();
        let sha = crate::storage::durable::create_via_temp(out, |file| {
            let hashing = ThreadedWriter::hashing(file);
            let age_w =
                crate::crypto::agewriter::AgeWriter::new(&recipients, hashing).map_err(|e| {
                    Error::Invalid(words!(
                        "d-cannot-encrypt-to",
                        name = format!("{:?}", contact.name),
                        why = e.to_string()
                    ))
                })?;
            let mut head = vec![
                (manifest::MANIFEST_PATH, &manifest_json[..]),
                (manifest::SIG_PATH, sig.as_bytes()),
                (manifest::SUMS_PATH, sums.as_bytes()),
            ];
            if let Some(csv) = &csv {
                head.push((crate::format::manifest::csv::CSV_PATH, csv));
            }
            let age_w = self.write_tar(age_w, &head, &planned, mtime, out, &mut not_cleaned)?;
            let werr = |e: io::Error| Error::output(out, e);
            let hashing = age_w.finish().map_err(werr)?;
            let (file, sha) = hashing.finish_hashed().map_err(werr)?;
            let sha = hex::encode(sha.expect("a hashing writer"));
            // Logged before the bundle takes its name: no bundle leaves unrecorded.
            super::log_bundle_exported(log, &bundle_id, &sha, &to, &contact.name, &ids)?;
            Ok((file, sha))
        })?;
        report.sha256 = sha;
        report.not_cleaned = not_cleaned;
        Ok(report)
    }

    /// The bodies of `ids`, each with whether each part it sends names a code
    /// ([`mentions_code`]), opened and searched on every core.
    fn open_to_plan(
        &self,
        ids: &[RecordId],
        opts: &ExportOptions,
        known: &super::partner_view::KnownCodes,
    ) -> Vec<Result<(RecordBody, Vec<bool>)>> {
        crate::vault::map_on_cores(ids, 16, |id| {
            let body = self.open_body(*id)?;
            let mentions = (0..body.parts.len())
                .map(|i| match sends(&body.parts[i], opts) {
                    true => mentions_code(self, *id, &body, i, known),
                    false => Ok(false),
                })
                .collect::<Result<Vec<bool>>>()?;
            Ok((body, mentions))
        })
    }

    /// What must hold before anything of an export is read: a full vault, a contact with a
    /// recipient, the custodian's key for identity parts, no file at `out`, and records
    /// selected, whose consent covers the contact unless overridden.
    fn export_preflight(&self, opts: &ExportOptions, out: &Path) -> Result<Preflight> {
        if self.is_collector() {
            return Err(Error::CannotOpen(words!("d-collector-cannot-export")));
        }
        let contact = self.contact(&opts.to)?;
        if contact.recipients.is_empty() {
            return Err(Error::Invalid(words!(
                "d-contact-no-recipient",
                name = format!("{:?}", contact.name)
            )));
        }
        if opts.with_identities && !self.holds_custodian_key() {
            return Err(Error::Refused(Refusal::IdentitiesNeedCustodian));
        }
        if out.exists() {
            return Err(Error::Output {
                path: out.to_owned(),
                reason: words!("d-transfer-already-exists"),
            });
        }
        let recipients = Recipients::parse_all(&contact.recipients)?;
        let ids = self.select(&opts.selection)?;
        if ids.is_empty() {
            return Err(opts.selection.matched_nothing());
        }
        let consent = self.check_consent(&ids, &contact, opts)?;
        let to = contact
            .recipients
            .iter()
            .map(|r| sha256_hex(r.as_bytes()))
            .collect();
        Ok(Preflight {
            contact,
            recipients,
            ids,
            consent,
            to,
        })
    }

    /// The manifest of a partner bundle (version 6: its records are in their `record.json`
    /// alone), before its tokens are set.
    fn partner_manifest(
        &self,
        bundle_id: &RecordId,
        created: jiff::Timestamp,
        files: Vec<FileEntry>,
        to: &[String],
        opts: &ExportOptions,
    ) -> Manifest {
        let keys = self.keys();
        Manifest {
            format: manifest::FORMAT.into(),
            version: manifest::VERSION_COMPACT,
            timestamps: vec![],
            kind: BundleKind::Partner,
            bundle_id: bundle_id.to_hex(),
            created: created.to_string(),
            sender: Sender {
                signing_key: keys.signing_key.clone(),
                fingerprint: keys.fingerprint.clone(),
            },
            recipients: to.to_vec(),
            identities_included: opts.with_identities,
            metadata_kept: opts.keep_metadata,
            records: vec![],
            transfer: vec![],
            files,
        }
    }

    /// Pass one for one record: what the partner sees of it (redacted), its parts as they
    /// will be written, its chain of custody ending with this export (logged in `log`), and
    /// the manifest's file entries for it.
    #[allow(clippy::too_many_arguments)]
    fn plan_record(
        &self,
        id: &RecordId,
        (body, mentions): (&RecordBody, &[bool]),
        (contact, known): (&Contact, &super::partner_view::KnownCodes),
        opts: &ExportOptions,
        bundle_id: &RecordId,
        to: &[String],
        log: &mut LogBatch<'_>,
        stamped: &mut Option<super::stamps::StampedLog>,
        report: &mut ExportReport,
    ) -> Result<(ManifestRecord, PlannedRecord, Vec<FileEntry>)> {
        let pid = super::partner_record_id(self.pseudonym_key(), &contact.name, id);
        let mut rec = redact_record(self, contact, body, &pid, known);
        let mut parts = Vec::new();
        let mut used = std::collections::HashSet::new();
        let mut sent = Vec::new();
        for (index, p) in body.parts.iter().enumerate() {
            if !sends(p, opts) {
                continue;
            }
            // A person's identity goes out under the partner's pseudonym for them.
            let name = match body.identity_of(index) {
                None => p.name.clone(),
                Some(c) if Some(c) == body.meta.witness.as_deref() => "identity".to_owned(),
                Some(c) => crate::format::record::identity_part_name(Some(
                    &super::witness_pseudonym(self.pseudonym_key(), &contact.name, c),
                )),
            };
            let mut fname = manifest::bundle_file_name(&name);
            if !used.insert(fname.clone()) {
                fname = format!("{index}-{fname}");
                used.insert(fname.clone());
            }
            let path = format!("records/{}/parts/{fname}", pid.to_hex());
            if mentions[index] {
                report
                    .mentions_witness_code
                    .push((pid.to_hex(), p.name.clone()));
            }
            let (mut shown, planned) = self.plan_part(id, body, index, path, &pid, opts, report)?;
            shown.name = name;
            rec.parts.push(shown);
            parts.push(planned);
            sent.push(index);
        }
        super::partner_view::link_parts(self, contact, body, &sent, &mut rec);
        for field in super::partner_view::metadata_mentions(self, body, &rec, known) {
            let at = (pid.to_hex(), field.to_owned());
            report.metadata_mentions_code.push(at);
        }
        rec.custody = super::log_export(log, *id, &pid, bundle_id, to, &contact.name)?;
        if let Some(s) = stamped {
            rec.timestamps = s.cover(&rec.custody);
        }
        let mut files = Vec::new();
        let json = serde_json::to_vec_pretty(&rec).expect("records serialize");
        files.push(FileEntry {
            path: format!("records/{}/record.json", pid.to_hex()),
            size: json.len() as u64,
            sha256: sha256_hex(&json),
        });
        for (mp, pp) in rec.parts.iter().zip(&parts) {
            files.push(FileEntry {
                path: pp.path.clone(),
                size: mp.size,
                sha256: mp.sha256.clone(),
            });
        }
        let planned = PlannedRecord {
            id: *id,
            bundle_id: pid,
            json,
            parts,
            body: None,
        };
        Ok((rec, planned, files))
    }

    /// Pass one for one part: what the manifest says of it and how pass two writes it. An
    /// image is cleaned of its metadata here, to know its size and SHA-256 (pass two cleans
    /// it again and checks it is the same).
    #[allow(clippy::too_many_arguments)]
    fn plan_part(
        &self,
        id: &RecordId,
        body: &RecordBody,
        index: usize,
        path: String,
        pid: &RecordId,
        opts: &ExportOptions,
        report: &mut ExportReport,
    ) -> Result<(ManifestPart, PlannedPart)> {
        let p = &body.parts[index];
        if p.kind == PartKind::Identity {
            // Only with --with-identities, on a custodian's device (checked above).
            let plain = super::partner_view::identity_plaintext(self, *id, body, index)?;
            let sha256 = crate::crypto::seal::sha256(&plain);
            let shown = ManifestPart {
                of: None,
                kind: p.kind.as_str().to_string(),
                name: p.name.clone(),
                path: path.clone(),
                size: plain.len() as u64,
                sha256: hex::encode(sha256),
                original_sha256: None,
                removed: None,
                recognised: None,
            };
            let planned = PlannedPart {
                index,
                path,
                clean: None,
                size: plain.len() as u64,
                sha256,
            };
            return Ok((shown, planned));
        }
        let mut head = [0u8; 16];
        let n = read_head(&mut *self.open_part(*id, p)?, &mut head).map_err(|_| {
            Error::damaged(
                id,
                words!("d-part-not-decrypt", part = format!("{:?}", p.name)),
            )
        })?;
        let head = &head[..n];
        let image = redact::sniff_image(head).filter(|_| !opts.keep_metadata);
        let (size, sha256, removed) = match image {
            Some(kind) => {
                if p.size > MAX_CLEAN {
                    return Err(Error::Refused(Refusal::ImageTooLarge {
                        image: p.name.clone(),
                        record: id.short(),
                    }));
                }
                let orig = super::partner_view::read_verified(self, *id, body, index)?;
                let clean = redact::strip(kind, &orig).map_err(|why| {
                    Error::Refused(Refusal::ImageNotCleanable {
                        image: p.name.clone(),
                        record: id.short(),
                        why,
                    })
                })?;
                let bytes = Zeroizing::new(clean.bytes);
                report.cleaned.push((pid.to_hex(), p.name.clone()));
                (
                    bytes.len() as u64,
                    crate::crypto::seal::sha256(&bytes),
                    Some(clean.removed),
                )
            }
            // Formats not cleaned are named in pass two, which reads every byte.
            None => (p.size, p.sha256, None),
        };
        let shown = ManifestPart {
            of: None,
            kind: p.kind.as_str().to_string(),
            name: p.name.clone(),
            path: path.clone(),
            size,
            sha256: hex::encode(sha256),
            original_sha256: removed.as_ref().map(|_| hex::encode(p.sha256)),
            removed,
            recognised: super::recognised_in(body, index),
        };
        let planned = PlannedPart {
            index,
            path,
            clean: image,
            size,
            sha256,
        };
        Ok((shown, planned))
    }
}
