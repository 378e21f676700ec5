//! Reading a bundle of manifest version 6 (FORMAT.md 13.1, 13.2, 13.5): a tar compressed with
//! gzip whose files come in the order the manifest lists them, each record in its
//! `record.json` followed by its parts. Each record is checked when its `record.json` has
//! streamed by and matched its SHA-256, its chain of custody a few hundred records at a time
//! on every core; parts are sealed into pending objects on the way, deleted if anything
//! fails before the commit.
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use super::checks::{
    check_regular, check_size, damaged_stream, partner_chain, read_small, EntryDigest,
};
use super::{From, ImportOptions, ImportedRecord, Sealed};
use crate::bundle::stamps::Tokens;
use crate::error::{Result, Words};
use crate::format::id::ObjectId;
use crate::format::manifest::csv::Rows;
use crate::format::manifest::{self, compact::record_json_id, reject, Manifest, ManifestRecord};
use crate::vault::add::INLINE_BUDGET;
use crate::vault::commit::RecordsCommit;
use crate::vault::custody::LogItem;
use crate::vault::Vault;
use crate::words;

/// Records whose chains are verified together, on every core, and which then go to the
/// journal together.
const CHAINS_AT_ONCE: usize = 256;

/// [`CHAINS_AT_ONCE`]; the tests set fewer (`AMANAT_RECORDS_AT_ONCE`), so that a bundle of a
/// few records goes to the journal in several parts.
fn records_at_once() -> usize {
    #[cfg(feature = "test-hooks")]
    if let Some(n) = std::env::var("AMANAT_RECORDS_AT_ONCE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    CHAINS_AT_ONCE
}

/// A bundle's decrypted stream: a tar, or (version 6) a tar compressed with gzip, told apart
/// by the gzip magic `1f 8b` (a tar's first entry is `MANIFEST.json`, whose name begins
/// with `M`).
pub(crate) enum Plaintext<R: Read> {
    Tar(BufReader<R>),
    Gzip(Box<crate::bundle::gzip::GzipReader<BufReader<R>>>),
}

impl<R: Read> Plaintext<R> {
    pub(crate) fn open(stream: R) -> Result<Plaintext<R>> {
        let mut r = BufReader::with_capacity(64 << 10, stream);
        let head = r.fill_buf().map_err(damaged_stream)?;
        Ok(match head.starts_with(&[0x1f, 0x8b]) {
            true => {
                let gz = crate::bundle::gzip::GzipReader::new(r).map_err(damaged_stream)?;
                Plaintext::Gzip(Box::new(gz))
            }
            false => Plaintext::Tar(r),
        })
    }

    pub(crate) fn compressed(&self) -> bool {
        matches!(self, Plaintext::Gzip(_))
    }

    /// Reads to the end, so that gzip checks its CRC and length and age authenticates its
    /// final chunk: after the tar's end nothing but zeros (its padding), which GNU tar would
    /// otherwise read on into after a lone zero block; after the compressed stream, nothing.
    pub(crate) fn finish(self) -> Result<()> {
        match self {
            Plaintext::Tar(mut r) => only_zeros(&mut r)?,
            Plaintext::Gzip(mut gz) => {
                only_zeros(&mut *gz)?;
                let mut rest = gz.into_inner();
                if io::copy(&mut rest, &mut io::sink()).map_err(damaged_stream)? > 0 {
                    return Err(reject(words!("d-bundle-after-gzip")));
                }
            }
        }
        Ok(())
    }
}

/// Reads `r` to its end, refusing any byte that is not zero.
fn only_zeros(r: &mut impl Read) -> Result<()> {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(damaged_stream(e)),
        };
        if buf[..n].iter().any(|&b| b != 0) {
            return Err(reject(words!("d-bundle-after-end")));
        }
    }
}

impl<R: Read> Read for Plaintext<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Plaintext::Tar(r) => r.read(buf),
            Plaintext::Gzip(g) => g.read(buf),
        }
    }
}

/// Why the file at `path` is not the next one (`files[next]`): listed later (so the next
/// one is missing), listed earlier (so it comes twice), or not listed at all.
fn out_of_place(m: &Manifest, order: &HashMap<&str, usize>, next: usize, path: &str) -> Words {
    let quoted = format!("{path:?}");
    match order.get(path) {
        Some(&at) if at > next => {
            words!(
                "d-bundle-missing",
                path = format!("{:?}", m.files[next].path)
            )
        }
        Some(_) => words!("d-bundle-twice", path = quoted),
        None => words!("d-bundle-not-listed", path = quoted),
    }
}

/// A version 6 bundle read and verified whole, its new records in the journal as frames
/// of one group that is not committed yet (FORMAT.md 15.3).
pub(super) struct Arrived<'v> {
    pub(super) records: Vec<ImportedRecord>,
    pub(super) added: usize,
    /// `None` for a dry run.
    pub(super) commit: Option<RecordsCommit<'v>>,
}

/// The parts of a version 6 bundle's reading that outlive one entry.
struct Reading<'a, 'v> {
    vault: &'v Vault,
    m: &'a Manifest,
    listed: HashMap<&'a str, &'a manifest::FileEntry>,
    /// Each listed path's place in `files`.
    order: HashMap<&'a str, usize>,
    from: &'a From,
    tokens: &'a Tokens,
    /// Which records (in the bundle's order) are here already.
    present: &'a [bool],
    now: i64,
    /// Records read whose chains are not verified yet.
    unchecked: Vec<ManifestRecord>,
    /// Records read so far.
    count: usize,
    sealed: Sealed,
    /// The CSV of the records read, hashed, when the bundle carries `import.csv`.
    csv: Option<Rows<EntryDigest>>,
    /// Some record refers to a time-stamp token.
    timestamped: bool,
    arrived: Arrived<'v>,
}

impl Reading<'_, '_> {
    /// A `record.json` (at `files[at]`) whose bytes matched their SHA-256: parsed, checked
    /// as a record of the bundle, and kept until its chain is verified with those of the
    /// next records, [`CHAINS_AT_ONCE`] at a time, once their parts have all arrived.
    fn take_record(&mut self, at: usize, path: &str, bytes: &[u8]) -> Result<()> {
        let r = serde_json::from_slice::<ManifestRecord>(bytes).map_err(|e| {
            reject(words!(
                "d-bundle-record-json-malformed",
                path = format!("{path:?}"),
                why = e.to_string()
            ))
        })?;
        self.m
            .check_compact_record(self.count, at, &r, &self.listed)?;
        if let Some(csv) = &mut self.csv {
            csv.row(&r)
                .map_err(|_| reject(words!("d-bundle-csv-differs")))?;
        }
        self.timestamped |= !r.timestamps.is_empty();
        self.unchecked.push(r);
        self.count += 1;
        Ok(())
    }

    /// Verifies the chains of the records read since the last time, on every core, and
    /// what the tokens prove of them; then the new ones among them join the commit, and
    /// only what the report says of each is kept.
    fn check_chains(&mut self) -> Result<()> {
        let (bundle_id, signer) = (&self.m.bundle_id, &self.from.signer);
        let checked = crate::vault::map_on_cores(&self.unchecked, 64, |r| -> Result<_> {
            let events = partner_chain(r, bundle_id, signer)?;
            let view: Vec<LogItem> = (r.custody.iter().zip(&events))
                .map(|(e, ev)| LogItem::from_event(None, ev, e.hash(), None))
                .collect();
            Ok((view, self.tokens.prove(r)?))
        });
        let first = self.count - self.unchecked.len();
        let mut batch = Vec::new();
        for (i, (r, c)) in self.unchecked.drain(..).zip(checked).enumerate() {
            let (custody, timestamps) = c?;
            let ri = first + i;
            let new = self.arrived.commit.is_some() && !self.present[ri];
            if new {
                let from = self.from;
                let now = self.now;
                let p = self
                    .vault
                    .partner_record(&r, ri, &mut self.sealed, from, bundle_id, now);
                batch.push(p?);
            }
            let present = self.present[ri];
            (self.arrived.records).push(ImportedRecord::partner(&r, present, custody, timestamps));
        }
        self.arrived.added += batch.len();
        match &mut self.arrived.commit {
            Some(c) if !batch.is_empty() => c.add(batch),
            _ => Ok(()),
        }
    }
}

impl Vault {
    /// Every file of a version 6 bundle after the manifest and its signature, in the order
    /// `files` lists them: each of the listed size and SHA-256, each `record.json` a record
    /// that follows every rule of FORMAT.md 13.2 and 13.5, each part sealed for a new
    /// record. `present` says which records (in order) are here already. Unless `dry_run`,
    /// the new records go to the journal a few hundred at a time, as frames of one group
    /// that the caller commits once the bundle's stream has verified to its end.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read_compact<'v, R: Read>(
        &'v self,
        mut entries: super::entries::BundleEntries<'_, R>,
        m: &Manifest,
        (from, tokens): (&From, &Tokens),
        present: &[bool],
        opts: &ImportOptions,
        now: i64,
        objects: &mut Vec<ObjectId>,
        commit: Option<RecordsCommit<'v>>,
    ) -> Result<Arrived<'v>> {
        let mut reading = Reading {
            vault: self,
            m,
            listed: m.files.iter().map(|f| (f.path.as_str(), f)).collect(),
            order: (m.files.iter().enumerate())
                .map(|(i, f)| (f.path.as_str(), i))
                .collect(),
            from,
            tokens,
            present,
            now,
            unchecked: Vec::new(),
            count: 0,
            sealed: HashMap::new(),
            csv: match m.files.iter().any(|f| f.path == manifest::csv::CSV_PATH) {
                true => Some(
                    Rows::new(EntryDigest::new())
                        .map_err(|_| reject(words!("d-bundle-csv-differs")))?,
                ),
                false => None,
            },
            timestamped: false,
            arrived: Arrived {
                records: Vec::new(),
                added: 0,
                commit,
            },
        };
        let (mut next, at_once) = (0, records_at_once());
        // The part the next file is, of the last record read.
        let mut part = 0;
        let mut budget = INLINE_BUDGET;
        while let Some((path, mut e)) = entries.next_entry()? {
            check_regular(&e, &path)?;
            let Some(want) = m.files.get(next).filter(|f| f.path == path) else {
                return Err(reject(out_of_place(m, &reading.order, next, &path)));
            };
            check_size(&e, &path, want.size)?;
            let mut digest = EntryDigest::new();
            let mut reader = digest.reading(&mut e);
            let json = record_json_id(&path).is_some();
            let mut copy = None;
            if json || path == manifest::SUMS_PATH {
                copy = Some(read_small(&mut reader, manifest::MAX_SMALL_FILE, &path)?);
            } else if path == manifest::csv::CSV_PATH {
                // Checked against the records at the end.
                io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
            } else {
                // A part of the last record read: the manifest lists nothing else here.
                let ri = reading.count.wrapping_sub(1);
                let listed_part =
                    || reject(words!("d-bundle-not-listed", path = format!("{path:?}")));
                let p = (reading.unchecked.last())
                    .and_then(|r| r.parts.get(part))
                    .ok_or_else(listed_part)?;
                part += 1;
                if opts.dry_run || present[ri] {
                    io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
                } else {
                    let s = self.seal_incoming(p, &mut reader, &mut budget, objects)?;
                    reading.sealed.insert((ri, part - 1), s);
                }
            }
            digest.check(want, &path)?;
            if path == manifest::SUMS_PATH {
                super::checks::same_sums(m, &path, &copy.unwrap_or_default()).map_err(reject)?;
            } else if json {
                // The records before it have all their parts now.
                if reading.unchecked.len() >= at_once {
                    reading.check_chains()?;
                }
                reading.take_record(next, &path, &copy.unwrap_or_default())?;
                (part, budget) = (0, INLINE_BUDGET);
            }
            next += 1;
        }
        if let Some(missing) = m.files.get(next) {
            return Err(reject(words!(
                "d-bundle-missing",
                path = format!("{:?}", missing.path)
            )));
        }
        reading.check_chains()?;
        m.check_compact_end(reading.timestamped)?;
        let Reading { csv, arrived, .. } = reading;
        if let (Some(listed), Some(csv)) = (
            m.files.iter().find(|f| f.path == manifest::csv::CSV_PATH),
            csv,
        ) {
            // `import.csv` must be what `export --csv` writes of these records, byte for byte.
            let written = csv
                .finish()
                .map_err(|_| reject(words!("d-bundle-csv-differs")))?;
            if listed.size > manifest::MAX_SMALL_FILE || !written.matches(listed) {
                return Err(reject(words!("d-bundle-csv-differs")));
            }
        }
        Ok(arrived)
    }
}
