//! Writing bundles (FORMAT.md, "Bundles" and "Redaction").
//!
//! Two passes. The first opens every selected record, decides what is redacted and computes
//! every file's size and SHA-256 (from the hashes taken at ingest, or by cleaning an image),
//! so the signed manifest can come first in the stream. The second streams the tar through
//! age into a temporary file beside the destination, verifying every part against its hash
//! as it goes; only a bundle that was written whole is fsynced and renamed into place.
use super::tar_entries::{append, header, read_head};
use std::io::{self, Read, Write};
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
const BODIES_AT_ONCE: usize = 256;

/// Largest image cleaned in memory; a larger one is refused unless `--keep-metadata`.
pub(super) const MAX_CLEAN: u64 = 256 << 20;

pub use super::options::{ExportOptions, ExportReport};

/// What pass one decided for one part.
struct PlannedPart {
    index: usize,
    path: String,
    clean: Option<Image>,
    size: u64,
    sha256: [u8; 32],
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

struct PlannedRecord {
    id: RecordId,
    bundle_id: RecordId,
    json: Vec<u8>,
    parts: Vec<PlannedPart>,
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
        for chunk in ids.chunks(BODIES_AT_ONCE) {
            for (id, body) in chunk.iter().zip(self.open_bodies(chunk)) {
                let body = body?;
                self.log_override(&consent, &mut log, &body, &contact, opts, &mut report)?;
                let (rec, plan, rec_files) = self.plan_record(
                    id,
                    body,
                    (&contact, &known),
                    opts,
                    &bundle_id,
                    &to,
                    &mut log,
                    &mut stamped,
                    &mut report,
                )?;
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
        let mut manifest = self.partner_manifest(&bundle_id, created, records, files, &to, opts);
        manifest.timestamps = stamped.map(|s| s.tokens()).unwrap_or_default();
        report.timestamps = manifest.timestamps.len();
        manifest.version = manifest.needed_version();
        let manifest_json = serde_json::to_vec_pretty(&manifest).expect("manifests serialize");
        // The manifest is read whole before its signature is checked, so an import reads
        // no more than MAX_MANIFEST of it: a larger one would make a bundle no one can import.
        manifest::check_written_size(manifest.records.len(), manifest_json.len())?;
        manifest::check_receivable(&manifest_json)?;
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
            let mut tar = tar::Builder::new(age_w);
            let werr = |e: io::Error| Error::output(out, e);
            append(&mut tar, manifest::MANIFEST_PATH, &manifest_json, mtime).map_err(werr)?;
            append(&mut tar, manifest::SIG_PATH, sig.as_bytes(), mtime).map_err(werr)?;
            append(&mut tar, manifest::SUMS_PATH, sums.as_bytes(), mtime).map_err(werr)?;
            if let Some(csv) = &csv {
                append(&mut tar, crate::format::manifest::csv::CSV_PATH, csv, mtime)
                    .map_err(werr)?;
            }
            for chunk in planned.chunks(BODIES_AT_ONCE) {
                let ids: Vec<RecordId> = chunk.iter().map(|r| r.id).collect();
                for (rec, body) in chunk.iter().zip(self.open_bodies(&ids)) {
                    self.write_record(&mut tar, rec, &body?, mtime, out, &mut not_cleaned)?;
                }
            }
            let age_w = tar.into_inner().map_err(werr)?;
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

    /// The manifest of a partner bundle, before its version and tokens are set.
    fn partner_manifest(
        &self,
        bundle_id: &RecordId,
        created: jiff::Timestamp,
        records: Vec<ManifestRecord>,
        files: Vec<FileEntry>,
        to: &[String],
        opts: &ExportOptions,
    ) -> Manifest {
        let keys = self.keys();
        Manifest {
            format: manifest::FORMAT.into(),
            version: manifest::VERSION,
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
            records,
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
        body: RecordBody,
        (contact, known): (&Contact, &super::partner_view::KnownCodes),
        opts: &ExportOptions,
        bundle_id: &RecordId,
        to: &[String],
        log: &mut LogBatch<'_>,
        stamped: &mut Option<super::stamps::StampedLog>,
        report: &mut ExportReport,
    ) -> Result<(ManifestRecord, PlannedRecord, Vec<FileEntry>)> {
        let pid = super::partner_record_id(self.pseudonym_key(), &contact.name, id);
        let mut rec = redact_record(self, contact, &body, &pid, known);
        let mut parts = Vec::new();
        let mut used = std::collections::HashSet::new();
        let mut sent = Vec::new();
        for (index, p) in body.parts.iter().enumerate() {
            if (p.kind == PartKind::Identity && !opts.with_identities)
                || (p.kind == PartKind::Recognised && !opts.with_ocr)
            {
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
            if mentions_code(self, *id, &body, index, known)? {
                report
                    .mentions_witness_code
                    .push((pid.to_hex(), p.name.clone()));
            }
            let (mut shown, planned) =
                self.plan_part(id, &body, index, path, &pid, opts, report)?;
            shown.name = name;
            rec.parts.push(shown);
            parts.push(planned);
            sent.push(index);
        }
        super::partner_view::link_parts(self, contact, &body, &sent, &mut rec);
        for field in super::partner_view::metadata_mentions(self, &body, &rec, known) {
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

    /// Pass two for one record: its `record.json` and every planned part into the tar
    /// stream, each checked against the SHA-256 the manifest states; formats that are not
    /// cleaned but carry metadata are named in `not_cleaned`.
    fn write_record<W: Write>(
        &self,
        tar: &mut tar::Builder<W>,
        rec: &PlannedRecord,
        body: &RecordBody,
        mtime: u64,
        out: &Path,
        not_cleaned: &mut Vec<(String, String, String)>,
    ) -> Result<()> {
        let werr = |e: io::Error| Error::output(out, e);
        append(
            tar,
            &format!("records/{}/record.json", rec.bundle_id.to_hex()),
            &rec.json,
            mtime,
        )
        .map_err(werr)?;
        for pp in &rec.parts {
            let p = &body.parts[pp.index];
            let damaged = || {
                Error::damaged(
                    rec.id,
                    words!("d-part-sha-differs", part = format!("{:?}", p.name)),
                )
            };
            if p.kind == PartKind::Identity {
                let plain = super::partner_view::identity_plaintext(self, rec.id, body, pp.index)?;
                if crate::crypto::seal::sha256(&plain) != pp.sha256 {
                    return Err(damaged());
                }
                append(tar, &pp.path, &plain, mtime).map_err(werr)?;
            } else if let Some(kind) = pp.clean {
                let orig = super::partner_view::read_verified(self, rec.id, body, pp.index)?;
                let clean =
                    Zeroizing::new(redact::strip(kind, &orig).map_err(|_| damaged())?.bytes);
                if crate::crypto::seal::sha256(&clean) != pp.sha256 {
                    return Err(damaged());
                }
                append(tar, &pp.path, &clean, mtime).map_err(werr)?;
            } else if let Storage::Inline(bytes) = &p.storage {
                // In the body already opened: checked, then written, with no thread.
                if bytes.len() as u64 != pp.size || crate::crypto::seal::sha256(bytes) != pp.sha256
                {
                    return Err(damaged());
                }
                let mut sniffer = redact::Sniffer::default();
                let sniffing = redact::SniffingReader {
                    inner: &bytes[..],
                    sniffer: &mut sniffer,
                };
                tar.append_data(&mut header(pp.size, mtime), &pp.path, sniffing)
                    .map_err(werr)?;
                if let Some(fmt) = sniffer.name() {
                    not_cleaned.push((rec.bundle_id.to_hex(), p.name.clone(), fmt));
                }
            } else {
                // Decrypt and hash on a helper thread while this one encrypts.
                let source = self.open_part(rec.id, p)?;
                // and name its format from its content as it goes by.
                let mut sniffer = redact::Sniffer::default();
                let digest = std::thread::scope(|scope| {
                    let (mut pipe, hasher) =
                        crate::crypto::seal::spawn_hashing_reader(scope, source);
                    let mut h = header(pp.size, mtime);
                    let sniffing = redact::SniffingReader {
                        inner: (&mut pipe).take(pp.size),
                        sniffer: &mut sniffer,
                    };
                    let written = tar.append_data(&mut h, &pp.path, sniffing);
                    drop(pipe);
                    let digest = hasher.join().expect("the reader thread does not panic");
                    match (written, digest) {
                        (Ok(()), Ok(d)) => Ok(d),
                        (_, Err(e)) if e.kind() == io::ErrorKind::InvalidData => Err(damaged()),
                        (Err(e), _) => Err(werr(e)),
                        (Ok(()), Err(e)) => Err(Error::io(words!("d-reading-part"), e)),
                    }
                })?;
                if digest.size != pp.size || digest.sha256 != pp.sha256 {
                    return Err(damaged());
                }
                if let Some(fmt) = sniffer.name() {
                    not_cleaned.push((rec.bundle_id.to_hex(), p.name.clone(), fmt));
                }
            }
        }
        Ok(())
    }
}
