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
use super::{ImportOptions, Sealed};
use crate::bundle::stamps::{ProvenEvent, Tokens};
use crate::error::{Result, Words};
use crate::format::id::ObjectId;
use crate::format::manifest::{self, compact::record_json_id, reject, Manifest, ManifestRecord};
use crate::vault::add::INLINE_BUDGET;
use crate::vault::custody::LogItem;
use crate::vault::Vault;
use crate::words;

/// Records whose chains are verified together, on every core.
const CHAINS_AT_ONCE: usize = 256;

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

/// What the records of a version 6 bundle brought, in the bundle's order.
pub(super) struct Arrived {
    pub(super) records: Vec<ManifestRecord>,
    /// Each record's chain as `verify` shows it.
    pub(super) views: Vec<Vec<LogItem>>,
    /// What the tokens prove of each record's chain.
    pub(super) proofs: Vec<Vec<ProvenEvent>>,
    pub(super) sealed: Sealed,
}

/// The parts of a version 6 bundle's reading that outlive one entry.
struct Reading<'a> {
    m: &'a Manifest,
    listed: HashMap<&'a str, &'a manifest::FileEntry>,
    /// Each listed path's place in `files`.
    order: HashMap<&'a str, usize>,
    signer: &'a [u8; 32],
    tokens: &'a Tokens,
    arrived: Arrived,
    /// Records read whose chains are not verified yet start here.
    unchecked: usize,
}

impl Reading<'_> {
    /// A `record.json` (at `files[at]`) whose bytes matched their SHA-256: parsed, checked
    /// as a record of the bundle, and kept; the chains of every [`CHAINS_AT_ONCE`] records
    /// are verified together.
    fn take_record(&mut self, at: usize, path: &str, bytes: &[u8]) -> Result<()> {
        let r = serde_json::from_slice::<ManifestRecord>(bytes).map_err(|e| {
            reject(words!(
                "d-bundle-record-json-malformed",
                path = format!("{path:?}"),
                why = e.to_string()
            ))
        })?;
        let count = self.arrived.records.len();
        self.m.check_compact_record(count, at, &r, &self.listed)?;
        self.arrived.records.push(r);
        if self.arrived.records.len() - self.unchecked == CHAINS_AT_ONCE {
            self.check_chains()?;
        }
        Ok(())
    }

    /// Verifies the chains of the records read since the last time, on every core, and
    /// what the tokens prove of them.
    fn check_chains(&mut self) -> Result<()> {
        let batch = &self.arrived.records[self.unchecked..];
        let (bundle_id, signer) = (&self.m.bundle_id, self.signer);
        let checked = crate::vault::map_on_cores(batch, 64, |r| -> Result<_> {
            let events = partner_chain(r, bundle_id, signer)?;
            let view: Vec<LogItem> = (r.custody.iter().zip(&events))
                .map(|(e, ev)| LogItem::from_event(None, ev, e.hash(), None))
                .collect();
            Ok((view, self.tokens.prove(r)?))
        });
        for c in checked {
            let (view, proof) = c?;
            self.arrived.views.push(view);
            self.arrived.proofs.push(proof);
        }
        self.unchecked = self.arrived.records.len();
        Ok(())
    }
}

impl Vault {
    /// Every file of a version 6 bundle after the manifest and its signature, in the order
    /// `files` lists them: each of the listed size and SHA-256, each `record.json` a record
    /// that follows every rule of FORMAT.md 13.2 and 13.5, each part sealed for a new
    /// record. `present` says which records (in order) are here already.
    pub(super) fn read_compact<R: Read>(
        &self,
        mut entries: super::entries::BundleEntries<'_, R>,
        m: &Manifest,
        (signer, tokens): (&[u8; 32], &Tokens),
        present: &[bool],
        opts: &ImportOptions,
        objects: &mut Vec<ObjectId>,
    ) -> Result<Arrived> {
        let mut reading = Reading {
            m,
            listed: m.files.iter().map(|f| (f.path.as_str(), f)).collect(),
            order: (m.files.iter().enumerate())
                .map(|(i, f)| (f.path.as_str(), i))
                .collect(),
            signer,
            tokens,
            arrived: Arrived {
                records: Vec::new(),
                views: Vec::new(),
                proofs: Vec::new(),
                sealed: HashMap::new(),
            },
            unchecked: 0,
        };
        let mut next = 0;
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
                let ri = reading.arrived.records.len().wrapping_sub(1);
                let listed_part =
                    || reject(words!("d-bundle-not-listed", path = format!("{path:?}")));
                let p = (reading.arrived.records.get(ri))
                    .and_then(|r| r.parts.get(part))
                    .ok_or_else(listed_part)?;
                part += 1;
                if opts.dry_run || present[ri] {
                    io::copy(&mut reader, &mut io::sink()).map_err(damaged_stream)?;
                } else {
                    let s = self.seal_incoming(p, &mut reader, &mut budget, objects)?;
                    reading.arrived.sealed.insert((ri, part - 1), s);
                }
            }
            digest.check(want, &path)?;
            if path == manifest::SUMS_PATH {
                super::checks::same_sums(m, &path, &copy.unwrap_or_default()).map_err(reject)?;
            } else if json {
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
        let arrived = reading.arrived;
        m.check_compact_end(&arrived.records)?;
        if let Some(csv) = m.files.iter().find(|f| f.path == manifest::csv::CSV_PATH) {
            // `import.csv` must be what `export --csv` writes of these records, byte for byte.
            let written = manifest::csv::write(&arrived.records)
                .map_err(|_| reject(words!("d-bundle-csv-differs")))?;
            if super::super::export::sha256_hex(&written) != csv.sha256 {
                return Err(reject(words!("d-bundle-csv-differs")));
            }
        }
        Ok(arrived)
    }
}
