//! Bulk ingest from JSON Lines, for migrating an existing archive (FORMAT.md, "Ingest").
//!
//! Each line is one record. Lines are parsed and checked first; records are then sealed
//! on every core and committed in batches, each record all-or-nothing, and everything is
//! fsynced once before success is reported.
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::record::Metadata;
use crate::vault::{NewRecord, PartInput, Vault};

/// Records sealed and committed together.
const BATCH: usize = 256;

/// One line of an ingest file. Unknown fields are refused, so a typo is not silently lost.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestLine {
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub witness: Option<String>,
    pub language: Option<String>,
    pub place: Option<String>,
    pub date: Option<String>,
    pub interviewer: Option<String>,
    pub note: Option<String>,
    /// Path of the testimony file, relative to the ingest file's directory.
    pub testimony: Option<PathBuf>,
    #[serde(default)]
    pub attachments: Vec<PathBuf>,
    /// Path of a file saying who the witness is; sealed to the identity custodians only.
    pub identity: Option<PathBuf>,
}

/// Parses one line; the error says what is wrong with it.
pub fn parse_line(line: &str) -> std::result::Result<IngestLine, String> {
    let l: IngestLine = serde_json::from_str(line).map_err(|e| e.to_string())?;
    Ok(l)
}

impl IngestLine {
    fn into_record(self, base: &Path) -> NewRecord {
        let resolve = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        NewRecord {
            meta: Metadata {
                title: self.title,
                tags: self.tags,
                witness: self.witness,
                language: self.language,
                place: self.place,
                date: self.date,
                interviewer: self.interviewer,
                note: self.note,
            },
            testimony: self.testimony.map(|p| PartInput::Path(resolve(p))),
            attachments: self
                .attachments
                .into_iter()
                .map(|p| PartInput::Path(resolve(p)))
                .collect(),
            identity: self.identity.map(|p| PartInput::Path(resolve(p))),
        }
    }
}

/// A line that was not ingested.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LineError {
    pub line: usize,
    pub error: String,
}

/// What an ingest did.
#[derive(Debug, Default, serde::Serialize)]
pub struct IngestReport {
    pub added: usize,
    pub failed: Vec<LineError>,
    /// Record ids in the order of their lines.
    pub ids: Vec<String>,
    /// Lines whose testimony was longer than the search index holds.
    pub index_truncated: Vec<usize>,
    /// Witness codes assigned to lines that gave an identity but no code: (line, code).
    pub assigned_witness: Vec<(usize, String)>,
}

/// Ingests `text` (the contents of a JSON Lines file whose directory is `base`).
/// With `strict`, any bad line stops the ingest before anything is written.
/// `progress` is called with (records done, records total).
pub fn ingest(
    vault: &Vault,
    text: &str,
    base: &Path,
    strict: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    let mut todo = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line).and_then(|l| {
            let mut rec = l.into_record(base);
            if rec.identity.is_some() && rec.meta.witness.is_none() {
                let code = crate::record::random_witness_code();
                report.assigned_witness.push((n, code.clone()));
                rec.meta.witness = Some(code);
            }
            rec.meta.validate().map_err(|e| e.to_string())?;
            Ok(rec)
        }) {
            Ok(rec) => todo.push((n, rec)),
            Err(e) => report.failed.push(LineError { line: n, error: e }),
        }
    }
    if strict {
        if let Some(f) = report.failed.first() {
            return Err(Error::Invalid(format!(
                "line {}: {} (--strict: nothing was ingested)",
                f.line, f.error
            )));
        }
        // Strict also means every file must be readable before anything is written.
        for (n, rec) in &todo {
            for p in rec.testimony.iter().chain(rec.attachments.iter()) {
                if let PartInput::Path(p) = p {
                    std::fs::File::open(p).map_err(|e| {
                        Error::Invalid(format!(
                            "line {n}: cannot read {}: {e} (--strict: nothing was ingested)",
                            p.display()
                        ))
                    })?;
                }
            }
        }
    }
    let total = todo.len();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut done = 0;
    let mut rest = todo;
    // Batch N is committed while batch N+1 is sealed.
    let mut pending: Option<Vec<crate::vault::add::Prepared>> = None;
    while !rest.is_empty() || pending.is_some() {
        let batch: Vec<_> = rest.drain(..rest.len().min(BATCH)).collect();
        let mut slots: Vec<Vec<(usize, NewRecord)>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, item) in batch.into_iter().enumerate() {
            slots[i % threads].push(item);
        }
        let to_commit = pending.take();
        let (committed, prepared) = std::thread::scope(|s| {
            let committer = to_commit.map(|b| {
                let n = b.len();
                s.spawn(move || vault.commit(b).map(|()| n))
            });
            let hs: Vec<_> = slots
                .into_iter()
                .map(|slot| {
                    s.spawn(move || {
                        slot.into_iter()
                            .map(|(n, r)| (n, vault.prepare(r, "ingest")))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let prepared: Vec<_> = hs
                .into_iter()
                .flat_map(|h| h.join().expect("sealing threads do not panic"))
                .collect();
            let committed = committer.map(|h| h.join().expect("the commit thread does not panic"));
            (committed, prepared)
        });
        if let Some(c) = committed {
            match c {
                Ok(n) => {
                    report.added += n;
                    done += n;
                    progress(done, total);
                }
                Err(e) => {
                    vault.discard(prepared.into_iter().filter_map(|(_, r)| r.ok()).collect());
                    return Err(e);
                }
            }
        }
        let mut ok = Vec::new();
        let mut ok_lines = Vec::new();
        let mut stop = None;
        for (n, r) in prepared {
            match r {
                Ok(p) => {
                    if p.index_truncated {
                        report.index_truncated.push(n);
                    }
                    ok_lines.push((n, p.id));
                    ok.push(p);
                }
                // The vault cannot take more: stop, keeping what was committed.
                Err(e @ (Error::DiskFull | Error::Io { .. } | Error::InUse)) => stop = Some(e),
                Err(e) if strict => {
                    stop = Some(Error::Invalid(format!("line {n}: {e} (--strict: stopped)")))
                }
                Err(e) => report.failed.push(LineError {
                    line: n,
                    error: e.to_string(),
                }),
            }
        }
        if let Some(e) = stop {
            vault.discard(ok);
            vault.sync()?;
            return Err(e);
        }
        ok_lines.sort();
        report
            .ids
            .extend(ok_lines.into_iter().map(|(_, id)| id.to_hex()));
        if !ok.is_empty() {
            pending = Some(ok);
        }
    }
    vault.sync()?;
    report.failed.sort_by_key(|f| f.line);
    Ok(report)
}
