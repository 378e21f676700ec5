//! The checks of an import, each in the order the stream brings what it checks: the signed
//! manifest, the sender, every chain of custody, what this vault knew of the bundle, every
//! file; and the records built from what verified.
use std::collections::{HashMap, HashSet};
use std::io::{self, Read};

use ring::digest;

use super::{From, ImportOptions, Known, Sealed};
use crate::error::{Error, Result, Words};
use crate::format::event::{CustodyEntry, Event, Kept};
use crate::format::id::ObjectId;
use crate::format::manifest::{self, reject, BundleKind, Manifest};
use crate::format::record::{Part, PartKind, Provenance, RecordBody};
use crate::vault::add::{Arrival, Prepared, SealedPart, INLINE_BUDGET};
use crate::vault::imported::Remembered;
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

pub(crate) fn damaged_stream(e: io::Error) -> Error {
    reject(words!("d-bundle-truncated", why = e.to_string()))
}

/// What `SHA256SUMS` and each `records/<id>/record.json` hold is what the manifest says
/// (FORMAT.md 13.1, 13.2): a partner who checks a bundle with `sha256sum` and reads its
/// records with a text editor sees what Amanat imports, even from a sender who signed
/// something else.
fn same_as_manifest(
    m: &Manifest,
    record: Option<&manifest::ManifestRecord>,
    path: &str,
    copy: &[u8],
) -> std::result::Result<(), Words> {
    if path == crate::format::manifest::csv::CSV_PATH {
        // A partner reads it with other tools: it must be the manifest's records, as
        // `export --csv` writes them, byte for byte.
        // Records the writer refuses (a tag holding `|`) can have no CSV of theirs.
        let written = crate::format::manifest::csv::write(&m.records)
            .map_err(|_| words!("d-bundle-csv-differs"))?;
        return match copy == written.as_slice() {
            true => Ok(()),
            false => Err(words!("d-bundle-csv-differs")),
        };
    }
    let Some(record) = record else {
        return same_sums(m, path, copy);
    };
    let said = serde_json::from_slice::<serde_json::Value>(copy).ok();
    match said.is_some() && said == serde_json::to_value(record).ok() {
        true => Ok(()),
        false => Err(words!(
            "d-bundle-record-json-differs",
            path = format!("{path:?}")
        )),
    }
}

/// `SHA256SUMS` (at `path`) is the first file `files` lists, and holds exactly the lines of
/// the others, in order.
pub(super) fn same_sums(m: &Manifest, path: &str, copy: &[u8]) -> std::result::Result<(), Words> {
    let sums: String = m.files[1..]
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    match copy == sums.as_bytes() && m.files[0].path == path {
        true => Ok(()),
        false => Err(words!("d-bundle-sums-differ")),
    }
}

/// Reads a whole small entry, refusing more than `max` bytes.
pub(super) fn read_small(r: &mut dyn Read, max: u64, what: &str) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    r.take(max + 1)
        .read_to_end(&mut v)
        .map_err(damaged_stream)?;
    if v.len() as u64 > max {
        return Err(reject(words!("d-bundle-too-large", what = what)));
    }
    Ok(v)
}

pub(super) fn entry_path(e: &tar::Entry<'_, impl Read>) -> Result<String> {
    let p = e.path_bytes();
    String::from_utf8(p.into_owned()).map_err(|_| reject(words!("d-bundle-name-not-utf8")))
}

/// The entry is of the size the manifest lists for it.
pub(super) fn check_size(e: &tar::Entry<'_, impl Read>, path: &str, want: u64) -> Result<()> {
    let size = e
        .header()
        .size()
        .map_err(|_| reject(words!("d-bundle-bad-size", path = format!("{path:?}"))))?;
    if size != want {
        return Err(reject(words!(
            "d-bundle-size-differs",
            path = format!("{path:?}"),
            size = size,
            want = want
        )));
    }
    Ok(())
}

pub(super) fn check_regular(e: &tar::Entry<'_, impl Read>, path: &str) -> Result<()> {
    match e.header().entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => Ok(()),
        t => Err(reject(words!(
            "d-bundle-not-regular",
            path = format!("{path:?}"),
            kind = format!("{t:?}")
        ))),
    }
}

pub(super) struct Hashing<'a, R> {
    inner: R,
    ctx: &'a mut digest::Context,
    n: &'a mut u64,
}

/// The SHA-256 and length of an entry, taken as it is read.
pub(super) struct EntryDigest {
    ctx: digest::Context,
    n: u64,
}

impl EntryDigest {
    pub(super) fn new() -> EntryDigest {
        EntryDigest {
            ctx: digest::Context::new(&digest::SHA256),
            n: 0,
        }
    }

    /// A reader of `inner` that takes the digest of what it reads.
    pub(super) fn reading<R: Read>(&mut self, inner: R) -> Hashing<'_, R> {
        Hashing {
            inner,
            ctx: &mut self.ctx,
            n: &mut self.n,
        }
    }

    /// Whether what was read (or written) is of the listed size and SHA-256.
    pub(super) fn matches(self, want: &manifest::FileEntry) -> bool {
        self.n == want.size && hex::encode(self.ctx.finish()) == want.sha256
    }

    /// The entry at `path` was of the listed size and SHA-256.
    pub(super) fn check(self, want: &manifest::FileEntry, path: &str) -> Result<()> {
        if !self.matches(want) {
            return Err(reject(words!(
                "d-bundle-sha-differs",
                path = format!("{path:?}")
            )));
        }
        Ok(())
    }
}

/// The digest of what is written to it (the CSV of the records read, to compare with the
/// bundle's `import.csv` without keeping either).
impl io::Write for EntryDigest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.ctx.update(buf);
        self.n += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
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
    /// Whom the signature is from: the contact `opts.from` names (whose key must be the
    /// signer), else the contact with that key, else (with `trust_signer`) a new contact.
    /// Returns its name and whether it is new.
    pub(super) fn sender_of(
        &self,
        opts: &ImportOptions,
        signer: &[u8; 32],
        fingerprint: &str,
    ) -> Result<(String, bool)> {
        Ok(match &opts.from {
            Some(name) => {
                let c = self.contact(name)?;
                match c.signing_public() {
                    Some(pk) if pk == *signer => (c.name.clone(), false),
                    Some(_) => {
                        return Err(reject(words!(
                            "d-bundle-signed-by-other",
                            signer = fingerprint,
                            name = name,
                            expected = c.fingerprint().unwrap_or_default()
                        )))
                    }
                    None => {
                        return Err(Error::Invalid(words!(
                            "d-contact-no-signing-key",
                            name = format!("{name:?}")
                        )))
                    }
                }
            }
            None => match self.contact_by_signer(signer)? {
                Some(c) => (c.name.clone(), false),
                None if opts.trust_signer => (format!("signer-{}", &fingerprint[7..15]), true),
                None => return Err(Error::UnknownSigner(fingerprint.to_owned())),
            },
        })
    }

    /// A bundle imported before: what this vault remembers of it, the keyed tags of the
    /// records it holds, and which of them were removed here since. Those come back only
    /// when asked for (FORMAT.md 13.7); otherwise the import is refused before any file is
    /// read.
    pub(super) fn known_before(
        &self,
        m: &Manifest,
        bundle_ids: &[RecordId],
        present: &[bool],
        opts: &ImportOptions,
    ) -> Result<Known> {
        let bundle_keys = self.bundle_keys(&RecordId::from_hex(&m.bundle_id).expect("validated"));
        let remembered = self.remembered(&bundle_keys)?;
        let record_tags: Vec<[u8; 32]> =
            bundle_ids.iter().map(|id| bundle_keys.record(id)).collect();
        let removed_since: Vec<String> = match &remembered {
            Some(r) => {
                let known: HashSet<&[u8; 32]> = r.records.iter().collect();
                bundle_ids
                    .iter()
                    .zip(&record_tags)
                    .zip(present)
                    .filter(|((_, t), p)| !**p && known.contains(t))
                    .map(|((id, _), _)| id.to_hex())
                    .collect()
            }
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
        Ok(Known {
            bundle_keys,
            remembered,
            record_tags,
            removed_since,
        })
    }

    /// Every file after the manifest and its signature, as it streams by: listed, not seen
    /// before, a regular file, of the stated size and SHA-256. Parts of new records are
    /// sealed into pending objects (named in `objects`) on the way. Returns the paths seen
    /// and the sealed parts by (record, part).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read_files<R: Read>(
        &self,
        mut entries: super::entries::BundleEntries<'_, R>,
        m: &Manifest,
        expected: &HashMap<&str, &manifest::FileEntry>,
        part_of: &HashMap<&str, (usize, usize)>,
        present: &[bool],
        opts: &ImportOptions,
        incoming: &mut crate::bundle::transfer::Incoming,
        objects: &mut Vec<ObjectId>,
    ) -> Result<(HashSet<String>, Sealed)> {
        let is_transfer = m.kind == BundleKind::Transfer;
        let mut seen: HashSet<String> = HashSet::new();
        let mut sealed: HashMap<(usize, usize), SealedPart> = HashMap::new();
        let mut budgets = vec![INLINE_BUDGET; m.records.len()];
        let record_json: HashMap<String, usize> = (m.records.iter().enumerate())
            .map(|(i, r)| (format!("records/{}/record.json", r.id), i))
            .collect();
        while let Some((path, mut e)) = entries.next_entry()? {
            check_regular(&e, &path)?;
            let Some(want) = expected.get(path.as_str()) else {
                return Err(reject(words!(
                    "d-bundle-not-listed",
                    path = format!("{path:?}")
                )));
            };
            if !seen.insert(path.clone()) {
                return Err(reject(words!("d-bundle-twice", path = format!("{path:?}"))));
            }
            check_size(&e, &path, want.size)?;
            let mut digest = EntryDigest::new();
            let mut reader = digest.reading(&mut e);
            let record = record_json.get(path.as_str()).map(|&i| &m.records[i]);
            if path == manifest::SUMS_PATH
                || path == crate::format::manifest::csv::CSV_PATH
                || record.is_some()
            {
                let copy = read_small(&mut reader, manifest::MAX_SMALL_FILE, &path)?;
                same_as_manifest(m, record, &path, &copy).map_err(reject)?;
            }
            if is_transfer {
                if incoming.takes(&path) {
                    let objects = (!opts.dry_run).then_some(&mut *objects);
                    self.take_transfer_file(m, incoming, present, &path, &mut reader, objects)?;
                }
                io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
            } else {
                match part_of.get(path.as_str()) {
                    Some(&(ri, pi)) if !opts.dry_run && !present[ri] => {
                        let p = &m.records[ri].parts[pi];
                        let s = self.seal_incoming(p, &mut reader, &mut budgets[ri], objects)?;
                        sealed.insert((ri, pi), s);
                    }
                    _ => {
                        io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
                    }
                }
            }
            digest.check(want, &path)?;
        }
        Ok((seen, sealed))
    }

    /// A part of a new partner record, sealed into a pending object (named in `objects`) as
    /// it streams by; small ones go inline while the record's `budget` lasts.
    pub(super) fn seal_incoming(
        &self,
        p: &manifest::ManifestPart,
        reader: &mut dyn Read,
        budget: &mut usize,
        objects: &mut Vec<ObjectId>,
    ) -> Result<SealedPart> {
        let kind = PartKind::parse(&p.kind).expect("validated");
        // A transcript or translation is searched as a testimony is.
        let searched = p.of.is_some() || matches!(kind, PartKind::Testimony | PartKind::Recognised);
        self.seal_part_searched(kind, p.name.clone(), reader, budget, objects, searched)
            .map_err(|e| match e {
                Error::Input { reason, .. } => reject(words!("d-bundle-truncated", why = reason)),
                other => other,
            })
    }

    /// A new partner record, from the manifest's description and its parts as sealed on
    /// the way in: validated, with its provenance, ready to commit.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn partner_record(
        &self,
        r: &manifest::ManifestRecord,
        ri: usize,
        sealed: &mut Sealed,
        from: &From,
        bundle_id: &str,
        now: i64,
    ) -> Result<Prepared> {
        let mut parts: Vec<Part> = Vec::new();
        let mut search = None;
        for pi in 0..r.parts.len() {
            let s = sealed
                .remove(&(ri, pi))
                .ok_or_else(|| reject(words!("d-bundle-part-absent", id = &r.id, part = pi)))?;
            // The testimony's words and those of recognised text, together.
            if let Some(t) = &s.index_text {
                let acc = search.get_or_insert_with(|| zeroize::Zeroizing::new(String::new()));
                acc.push(' ');
                acc.push_str(t);
            }
            parts.push(s.part.clone());
        }
        let derived = recognised_parts(r, &parts, now);
        let links = r.links();
        let meta = r.metadata();
        meta.validate()
            .map_err(|e| reject(words!("d-bundle-record-why", id = &r.id, why = e)))?;
        let created = r
            .created
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_second())
            .map_err(|_| reject(words!("d-bundle-bad-created", id = &r.id)))?;
        let id = RecordId::from_hex(&r.id).expect("validated");
        let record_objects: Vec<ObjectId> = parts.iter().filter_map(|p| p.object()).collect();
        let body = RecordBody {
            id,
            created,
            meta,
            parts,
            provenance: vec![Provenance {
                signer: from.fingerprint.clone(),
                contact: from.contact.clone(),
                bundle_id: bundle_id.to_owned(),
                imported: now,
                bundle_record_id: r.id.clone(),
            }],
            derived,
            case: r.case.clone().unwrap_or_default(),
            links,
            unpadded: false,
        };
        self.seal_record(
            body,
            search.as_deref().map(|s| s.as_str()),
            record_objects,
            false,
            Arrival::Received {
                foreign: r.custody.clone(),
                from: from.fingerprint.clone(),
                bundle: bundle_id.to_owned(),
                private: Kept::Contact {
                    contact: from.contact.clone(),
                },
            },
        )
    }
}

/// The manifest and its signature, the bundle's first two files, read and checked: returns
/// the manifest's bytes and the key that signed them.
pub(super) fn read_signed_head<R: Read>(
    entries: &mut super::entries::BundleEntries<'_, R>,
) -> Result<(Vec<u8>, [u8; 32])> {
    let mut next = |what: &str| {
        entries
            .next_entry()?
            .ok_or_else(|| reject(words!("d-bundle-ends-before", what = what)))
    };
    let (path, mut e) = next(manifest::MANIFEST_PATH)?;
    if path != manifest::MANIFEST_PATH {
        return Err(reject(words!("d-bundle-first-not-manifest")));
    }
    check_regular(&e, manifest::MANIFEST_PATH)?;
    let manifest_bytes = read_small(&mut e, manifest::MAX_MANIFEST, "MANIFEST.json")?;
    drop(e);
    let (path, mut e) = next(manifest::SIG_PATH)?;
    if path != manifest::SIG_PATH {
        return Err(reject(words!("d-bundle-second-not-sig")));
    }
    check_regular(&e, manifest::SIG_PATH)?;
    let sig = read_small(&mut e, manifest::MAX_SIG, "MANIFEST.json.sig")?;
    drop(e);
    let sig = String::from_utf8(sig).map_err(|_| reject(words!("d-bundle-sig-not-text")))?;
    let signer = crate::crypto::sshsig::verify(
        &sig,
        crate::crypto::sshsig::NAMESPACE_BUNDLE,
        &manifest_bytes,
    )
    .map_err(|e| reject(words!("d-bundle-sig-bad", why = e.words())))?;

    Ok((manifest_bytes, signer))
}

/// Every record's chain of custody, verified before any file is trusted: for each
/// transfer record, then each partner record, its entries and their events.
pub(super) fn check_chains<'m>(
    m: &'m Manifest,
    signer: &[u8; 32],
) -> Result<Vec<(&'m Vec<CustodyEntry>, Vec<Event>)>> {
    let mut chains = Vec::with_capacity(m.records.len() + m.transfer.len());
    for t in &m.transfer {
        chains.push((
            &t.custody,
            crate::bundle::check_incoming_chain(&t.custody, &t.id, &m.bundle_id, signer, &[])?,
        ));
    }
    let check = |r: &'m manifest::ManifestRecord| -> Result<(&'m Vec<CustodyEntry>, Vec<Event>)> {
        Ok((&r.custody, partner_chain(r, &m.bundle_id, signer)?))
    };
    // Every signature verified on every core; the first record (in the manifest's order)
    // whose chain fails is the one reported.
    let checked = crate::vault::map_on_cores(&m.records, 64, check);
    for c in checked {
        chains.push(c?);
    }
    Ok(chains)
}

/// A partner record's chain of custody, verified (FORMAT.md 14.5): its events.
pub(super) fn partner_chain(
    r: &manifest::ManifestRecord,
    bundle_id: &str,
    signer: &[u8; 32],
) -> Result<Vec<Event>> {
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
    crate::bundle::check_incoming_chain(&r.custody, &r.id, bundle_id, signer, &hashes)
}

/// What to remember of a bundle: every record id it holds (a bundle id seen again with other
/// records adds them), and when it was first imported. `None` when nothing changes.
pub(super) fn merged_memory(
    remembered: &Option<Remembered>,
    record_tags: &[[u8; 32]],
    now: i64,
) -> Option<Remembered> {
    match remembered {
        Some(r) => {
            let mut r = r.clone();
            let mut known: HashSet<[u8; 32]> = r.records.iter().copied().collect();
            for t in record_tags {
                if known.insert(*t) {
                    r.records.push(*t);
                }
            }
            (Some(&r) != remembered.as_ref()).then_some(r)
        }
        None => Some(Remembered {
            imported: now,
            records: record_tags.to_vec(),
        }),
    }
}

/// What the manifest says of each recognised part of `r`, for its body, with its source as
/// stored here (a cleaned image has the SHA-256 of its cleaned copy). The manifest was
/// validated: every recognised part names a source among the record's parts.
fn recognised_parts(
    r: &manifest::ManifestRecord,
    parts: &[Part],
    now: i64,
) -> Vec<crate::format::record::Derivation> {
    r.parts
        .iter()
        .enumerate()
        .filter_map(|(pi, p)| {
            let how = p.recognised.as_ref()?;
            let source = r.parts.iter().position(|s| s.name == how.source)?;
            Some(crate::format::record::Derivation {
                part: pi as u32,
                source: source as u32,
                source_sha256: parts[source].sha256,
                engine: how.engine.clone(),
                version: how.version.clone(),
                languages: how.languages.clone(),
                pages: how.pages,
                at: now,
            })
        })
        .collect()
}
