//! Bulk ingest from JSON Lines, for migrating an existing archive (FORMAT.md, "Ingest").
//!
//! Each line is one record. Lines are parsed and checked first; records are then sealed
//! on every core and committed in batches, each record all-or-nothing, and everything is
//! fsynced once before success is reported.
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Refusal, Result, Words};
use crate::format::record::Metadata;
use crate::i18n::words::Arg;
use crate::vault::add::Prepared;
use crate::vault::{NewRecord, PartInput, Vault};
use crate::words;

/// Records sealed and committed together.
const BATCH: usize = 256;

/// How an ingest file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON object a line ([`IngestLine`]).
    JsonLines,
    /// A CSV as `export --csv` writes it (FORMAT.md 11.1).
    Csv,
}

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
    /// Who other persons the case names are: code → path of a file, each sealed to the
    /// identity custodians only (FORMAT.md 7.1).
    #[serde(default)]
    pub identities: std::collections::BTreeMap<String, PathBuf>,
    /// Persons, relations, consent and status events (FORMAT.md 7.4, 11), as `show --json`
    /// gives them.
    #[serde(default)]
    pub case: crate::format::case::Case,
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
            person_identities: self
                .identities
                .into_iter()
                .map(|(code, p)| (code, PartInput::Path(resolve(p))))
                .collect(),
            case: self.case,
        }
    }
}

/// Why a line was not ingested, in the words of the layer that refused it (serde's, or an
/// error's).
fn reason(why: impl Into<Arg>) -> Words {
    let why: Arg = why.into();
    words!("d-io-other", why = why)
}

/// Whether the file `path` named on line `line` opens and is not a directory, for a strict
/// ingest.
fn readable(line: usize, path: &Path) -> Result<()> {
    let cannot = |why: Words| {
        Error::Refused(Refusal::Strict {
            line,
            why: words!("d-ingest-cannot-read", path = path, why = why),
            stopped: false,
        })
    };
    let unreadable = |e: std::io::Error| cannot(reason(e.to_string()));
    let f = std::fs::File::open(path).map_err(unreadable)?;
    // A directory opens, and fails only when read, after earlier batches committed.
    if f.metadata().map_err(unreadable)?.is_dir() {
        return Err(cannot(words!("d-read-is-directory")));
    }
    Ok(())
}

/// A line that was not ingested.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LineError {
    pub line: usize,
    pub error: Words,
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
// This function is long because it is one streaming loop over the input lines with its
// batching, progress and strict/lenient error handling, which share the loop's state.
pub fn ingest(
    vault: &Vault,
    text: &str,
    shape: Shape,
    base: &Path,
    strict: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    let mut todo = Vec::new();
    let lines = match shape {
        Shape::JsonLines => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| (i + 1, parse_line(line).map_err(reason)))
            .collect(),
        Shape::Csv => super::ingest_csv::rows(text, base)?,
    };
    for (n, line) in lines {
        match line.and_then(|l| {
            let mut rec = l.into_record(base);
            if rec.identity.is_some() && rec.meta.witness.is_none() {
                let code = crate::format::record::random_witness_code();
                report.assigned_witness.push((n, code.clone()));
                rec.meta.witness = Some(code);
            }
            // Every rule add checks, before anything is written: a strict ingest stops here.
            vault.check_new(&rec).map_err(reason)?;
            Ok(rec)
        }) {
            Ok(rec) => todo.push((n, rec)),
            Err(e) => report.failed.push(LineError { line: n, error: e }),
        }
    }
    if strict {
        if let Some(f) = report.failed.first() {
            return Err(Error::Refused(Refusal::Strict {
                line: f.line,
                why: f.error.clone(),
                stopped: false,
            }));
        }
        // Strict also means every file must be readable before anything is written.
        for (n, rec) in &todo {
            let identities = rec.identity.iter();
            let persons = rec.person_identities.iter().map(|(_, p)| p);
            for p in rec
                .testimony
                .iter()
                .chain(&rec.attachments)
                .chain(identities)
                .chain(persons)
            {
                if let PartInput::Path(p) = p {
                    readable(*n, p)?;
                }
            }
        }
    }
    let total = todo.len();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // A pipeline: every core seals records and hands them over a bounded channel; this
    // thread commits them in batches as they arrive. Batch N commits while the sealing
    // threads go on, with no barrier between batches (waiting for the slower side of each
    // batch cost a fifth of ingest).
    let queue = std::sync::Mutex::new(todo.into_iter());
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<Prepared>)>(2 * BATCH);
    let mut ok_lines: Vec<(usize, crate::format::id::RecordId)> = Vec::new();
    let outcome = std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (queue, stop) = (&queue, &stop);
            s.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let next = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .next();
                    let Some((n, rec)) = next else { break };
                    if let Err(std::sync::mpsc::SendError((_, Ok(p)))) =
                        tx.send((n, vault.prepare(rec, "ingest")))
                    {
                        vault.discard(vec![p]);
                    }
                }
            });
        }
        drop(tx);
        let mut batch: Vec<Prepared> = Vec::with_capacity(BATCH);
        let mut batch_lines = Vec::with_capacity(BATCH);
        let mut done = 0;
        let mut failure: Option<(Error, bool)> = None;
        let mut closed = false;
        while failure.is_none() && !closed {
            // Wait for one record, then take what is ready, up to a batch.
            let mut next = rx.recv().ok();
            closed = next.is_none();
            while let Some((n, r)) = next.take() {
                match r {
                    Ok(p) => {
                        if p.index_truncated {
                            report.index_truncated.push(n);
                        }
                        batch_lines.push((n, p.id));
                        batch.push(p);
                    }
                    // The vault cannot take more: stop, keeping what was committed.
                    Err(e @ (Error::DiskFull | Error::Io { .. } | Error::InUse)) => {
                        failure = Some((e, true));
                        break;
                    }
                    Err(e) if strict => {
                        let e = Error::Refused(Refusal::Strict {
                            line: n,
                            why: reason(e),
                            stopped: true,
                        });
                        failure = Some((e, true));
                        break;
                    }
                    Err(e) => report.failed.push(LineError {
                        line: n,
                        error: reason(e),
                    }),
                }
                if batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(item) => next = Some(item),
                        Err(std::sync::mpsc::TryRecvError::Disconnected) => closed = true,
                        Err(std::sync::mpsc::TryRecvError::Empty) => {}
                    }
                }
            }
            if failure.is_some() || batch.is_empty() || (batch.len() < BATCH && !closed) {
                continue;
            }
            let n = batch.len();
            match vault.commit(std::mem::take(&mut batch)) {
                Ok(()) => {
                    report.added += n;
                    done += n;
                    ok_lines.append(&mut batch_lines);
                    progress(done, total);
                }
                Err(e) => failure = Some((e, false)),
            }
        }
        let Some((e, sync)) = failure else {
            return Ok(());
        };
        // Stop the sealing threads and drop what they sealed: it is not committed.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        vault.discard(batch);
        for (_, r) in rx.iter() {
            if let Ok(p) = r {
                vault.discard(vec![p]);
            }
        }
        if sync {
            vault.sync()?;
        }
        Err(e)
    });
    outcome?;
    ok_lines.sort();
    report.ids = ok_lines.into_iter().map(|(_, id)| id.to_hex()).collect();
    report.index_truncated.sort();
    vault.sync()?;
    report.failed.sort_by_key(|f| f.line);
    // A code is reported only for a line that was ingested.
    let failed: std::collections::HashSet<usize> = report.failed.iter().map(|f| f.line).collect();
    report.assigned_witness.retain(|(n, _)| !failed.contains(n));
    Ok(report)
}
