//! Recognised text (FORMAT.md 7.3): the text Tesseract reads in a record's scans, sealed as
//! parts of their own, searched with the record, and logged in its chain of custody.
//!
//! Each part is decrypted into memory, checked against its SHA-256 from ingest, and given to
//! the recogniser on a pipe ([`crate::ocr`]); its text comes back the same way and is sealed
//! like any part. Parts are recognised on every core at once; each record's new parts,
//! body, catalog entry, index words and `text-recognised` events are committed in one
//! transaction once its last part is done, so a crash loses at most the records not yet
//! committed, and a record is never half recognised.
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use zeroize::Zeroizing;

use super::Vault;
use crate::crypto::seal;
use crate::error::{Error, Result, Words};
use crate::format::event::{Happened, PartFact};
use crate::format::id::{ObjectId, RecordId};
use crate::format::record::{Derivation, Part, PartKind, Storage};
use crate::ocr::{Engine, Slots};
use crate::storage::journal::TreeId;
use crate::words;

/// Largest part given to the recogniser: it is held in memory, decrypted, while it is read.
pub const MAX_OCR_INPUT: u64 = 512 << 20;

/// What a run of recognition did.
#[derive(Debug, Default, serde::Serialize)]
pub struct OcrReport {
    /// Records looked at.
    pub records: usize,
    pub recognised: Vec<RecognisedPart>,
    /// Parts recognised before, left as they are.
    pub already: usize,
    /// Parts that are not images or PDFs.
    pub not_scans: usize,
    /// Scans in which no text was found: nothing is stored, a later run tries again.
    pub no_text: usize,
    pub failed: Vec<OcrFailure>,
    /// Pages recognised (an image is one).
    pub pages: u64,
}

/// A part this run added.
#[derive(Debug, serde::Serialize)]
pub struct RecognisedPart {
    pub record: String,
    /// The scan's part name, and the name of the part holding its text.
    pub source: String,
    pub name: String,
    pub languages: Vec<String>,
    pub pages: u32,
    pub characters: usize,
}

/// A part that could not be recognised (the others were).
#[derive(Debug, serde::Serialize)]
pub struct OcrFailure {
    pub record: String,
    pub part: String,
    pub error: Words,
}

/// How far a run is: parts planned, then each page and each part as they are done.
#[derive(Debug, Clone, Copy)]
pub enum OcrProgress {
    Planned { parts: usize },
    Page,
    PartDone,
}

/// One part to look at.
struct Job {
    record: usize,
    id: RecordId,
    index: usize,
    part: Part,
    languages: std::sync::Arc<Vec<String>>,
}

/// What became of a job.
enum Outcome {
    Text(crate::ocr::Recognised),
    NotScan,
    Failed(Error),
}

impl Vault {
    /// Recognises the text of every image and PDF part of `ids` that has none yet, in
    /// `languages` if given, else the record's own language, else the vault's default
    /// ([`Vault::ocr_languages`]), else [`crate::ocr::FALLBACK_LANGUAGES`]. A part that fails is
    /// reported and the rest go on; an error is returned only when nothing could start
    /// (the recogniser or a language's data missing, a record that does not open).
    pub fn recognise(
        &self,
        ids: &[RecordId],
        languages: Option<&[String]>,
        engine: &Engine,
        progress: &(dyn Fn(OcrProgress) + Sync),
    ) -> Result<OcrReport> {
        if self.keyring.collector {
            return Err(Error::CannotOpen(words!("d-recognise-collector")));
        }
        let default = self.ocr_languages()?;
        let mut report = OcrReport {
            records: ids.len(),
            ..OcrReport::default()
        };
        let jobs = self.plan(ids, languages, default.as_deref(), &mut report)?;
        for langs in jobs.iter().map(|j| &j.languages) {
            engine.require(langs)?;
        }
        progress(OcrProgress::Planned { parts: jobs.len() });
        let mut left: Vec<usize> = vec![0; ids.len()];
        for j in &jobs {
            left[j.record] += 1;
        }
        let slots = Slots::new(super::read::threads());
        // `shred` may destroy the keyring while this runs (for hours): then it stops.
        let keyring = crate::storage::keyring_file::KeyringLock::watch(&self.paths.keyring)?;
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
        let on_page = || progress(OcrProgress::Page);
        std::thread::scope(|s| -> Result<()> {
            for _ in 0..super::read::threads().min(jobs.len()) {
                let tx = tx.clone();
                let (jobs, next, slots, on_page, keyring) =
                    (&jobs, &next, &slots, &on_page, &keyring);
                s.spawn(move || loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(n) else { break };
                    if keyring.still_there().is_err() {
                        slots.cancel();
                        break;
                    }
                    let out = self.recognise_one(job, engine, slots, on_page);
                    if tx.send((n, out)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut done: Vec<Vec<(usize, crate::ocr::Recognised)>> =
                (0..ids.len()).map(|_| Vec::new()).collect();
            for (n, out) in rx {
                let job = &jobs[n];
                progress(OcrProgress::PartDone);
                match out {
                    Outcome::Text(t) if t.text.trim().is_empty() => report.no_text += 1,
                    Outcome::Text(t) => done[job.record].push((n, t)),
                    Outcome::NotScan => report.not_scans += 1,
                    Outcome::Failed(e) => report.failed.push(OcrFailure {
                        record: job.id.to_hex(),
                        part: job.part.name.clone(),
                        error: e.into(),
                    }),
                }
                left[job.record] -= 1;
                if keyring.still_there().is_err() {
                    slots.cancel();
                    next.store(usize::MAX / 2, Ordering::Relaxed);
                    return Err(Error::KeyringGone(self.paths.keyring.clone()));
                }
                if left[job.record] == 0 && !done[job.record].is_empty() {
                    let mut texts = std::mem::take(&mut done[job.record]);
                    // Parts in the order of their sources, whichever finished first.
                    texts.sort_by_key(|(n, _)| jobs[*n].index);
                    let texts = texts
                        .into_iter()
                        .map(|(n, t)| (&jobs[n], t))
                        .collect::<Vec<_>>();
                    let names: Vec<String> =
                        texts.iter().map(|(j, _)| j.part.name.clone()).collect();
                    match self.commit_recognised(job.id, texts, engine, &mut report) {
                        Ok(()) => {}
                        // This record cannot take its text (too many parts, too large a
                        // body, damage): its parts fail, the others go on.
                        Err(e @ (Error::Invalid(_) | Error::Damaged { .. })) => {
                            let error = Words::from(e);
                            report
                                .failed
                                .extend(names.into_iter().map(|part| OcrFailure {
                                    record: job.id.to_hex(),
                                    part,
                                    error: error.clone(),
                                }));
                        }
                        // Stops the workers: what is committed stays, the rest is not started.
                        Err(e) => {
                            next.store(usize::MAX / 2, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                }
            }
            Ok(())
        })?;
        // Workers that found the keyring gone stopped without a word.
        if keyring.still_there().is_err() {
            return Err(Error::KeyringGone(self.paths.keyring.clone()));
        }
        self.store.sync()?;
        Ok(report)
    }

    /// Which parts of `ids` to look at, in which languages.
    fn plan(
        &self,
        ids: &[RecordId],
        languages: Option<&[String]>,
        default: Option<&[String]>,
        report: &mut OcrReport,
    ) -> Result<Vec<Job>> {
        let fallback: Vec<String> = crate::ocr::FALLBACK_LANGUAGES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut jobs = Vec::new();
        // Bodies are opened a thousand at a time: `--all` of a large vault holds only the
        // parts to look at, not every body.
        let opened = ids.chunks(1024).flat_map(|chunk| self.open_bodies(chunk));
        for (record, (id, body)) in ids.iter().zip(opened).enumerate() {
            let body = body?;
            let own = body
                .meta
                .language
                .as_deref()
                .map(|l| crate::ocr::languages(l, false))
                .transpose()?
                .filter(|l| !l.is_empty());
            let langs = std::sync::Arc::new(
                languages
                    .map(<[String]>::to_vec)
                    .or(own)
                    .or_else(|| default.map(<[String]>::to_vec))
                    .unwrap_or_else(|| fallback.clone()),
            );
            for (index, part) in body.parts.iter().enumerate() {
                if matches!(part.kind, PartKind::Identity | PartKind::Recognised) {
                    continue;
                }
                if body.derived.iter().any(|d| d.source as usize == index) {
                    report.already += 1;
                    continue;
                }
                // A part inside the body is told apart here; an object only once decrypted.
                if let Storage::Inline(bytes) = &part.storage {
                    if crate::ocr::detect(bytes).is_none() {
                        report.not_scans += 1;
                        continue;
                    }
                }
                if part.size > MAX_OCR_INPUT {
                    report.failed.push(OcrFailure {
                        record: id.to_hex(),
                        part: part.name.clone(),
                        error: words!("d-recognise-too-large", mib = MAX_OCR_INPUT >> 20),
                    });
                    continue;
                }
                jobs.push(Job {
                    record,
                    id: *id,
                    index,
                    part: part.clone(),
                    languages: langs.clone(),
                });
            }
        }
        Ok(jobs)
    }

    /// Decrypts one part, checks it, and recognises it if it is a scan.
    fn recognise_one(
        &self,
        job: &Job,
        engine: &Engine,
        slots: &Slots,
        on_page: &(dyn Fn() + Sync),
    ) -> Outcome {
        let bytes = match self.scan_bytes(job.id, &job.part) {
            Ok(Some(b)) => b,
            Ok(None) => return Outcome::NotScan,
            Err(e) => return Outcome::Failed(e),
        };
        let source = crate::ocr::detect(&bytes).expect("checked by scan_bytes");
        match engine.recognise(&bytes, source, &job.languages, slots, on_page) {
            Ok(t) => Outcome::Text(t),
            Err(e) => Outcome::Failed(e),
        }
    }

    /// A part's plaintext if it is an image or a PDF (by its first bytes), whole and checked
    /// against its size and SHA-256 from ingest; `None` for anything else.
    fn scan_bytes(&self, id: RecordId, part: &Part) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let mut r = self.open_part(id, part)?;
        let mut bytes = Zeroizing::new(Vec::with_capacity(part.size.min(1 << 20) as usize));
        let name = format!("{:?}", part.name);
        let damaged = |e: std::io::Error| {
            let w = words!("d-parts-not-authentic", part = &name, why = e.to_string());
            Error::damaged(id, w)
        };
        (&mut r).take(16).read_to_end(&mut bytes).map_err(damaged)?;
        if crate::ocr::detect(&bytes).is_none() {
            return Ok(None);
        }
        bytes.reserve(part.size as usize);
        r.read_to_end(&mut bytes).map_err(damaged)?;
        if bytes.len() as u64 != part.size || seal::sha256(&bytes) != part.sha256 {
            return Err(Error::damaged(
                id,
                words!("d-part-sha-differs", part = name),
            ));
        }
        Ok(Some(bytes))
    }

    /// Adds a record's recognised texts as parts, with their words and events, in one
    /// transaction (not yet durable: the caller syncs).
    fn commit_recognised(
        &self,
        id: RecordId,
        texts: Vec<(&Job, crate::ocr::Recognised)>,
        engine: &Engine,
        report: &mut OcrReport,
    ) -> Result<()> {
        let mut body = self.open_body(id)?;
        crate::format::record::check_part_count(body.parts.len() + texts.len())?;
        let inline: usize = body
            .parts
            .iter()
            .map(|p| match &p.storage {
                Storage::Inline(b) => b.len(),
                _ => 0,
            })
            .sum();
        let mut budget = super::add::INLINE_BUDGET.saturating_sub(inline);
        let mut objects: Vec<ObjectId> = Vec::new();
        let mut events = Vec::new();
        let mut added = Vec::new();
        let mut words = Zeroizing::new(String::new());
        let now = jiff::Timestamp::now().as_second();
        let sealed = (|| -> Result<()> {
            for (job, text) in &texts {
                let source = &body.parts[job.index];
                let name = unique_name(&body.parts, &source.name);
                let mut reader: &[u8] = text.text.as_bytes();
                // Sealing keeps the text's search words (its first 4 MiB), as for a testimony.
                let sealed = self.seal_part(
                    PartKind::Recognised,
                    name.clone(),
                    &mut reader,
                    &mut budget,
                    &mut objects,
                )?;
                let part = sealed.part;
                let index = body.parts.len();
                events.push(Happened::TextRecognised {
                    part: PartFact {
                        index,
                        kind: PartKind::Recognised.as_str().to_owned(),
                        sha256: hex::encode(part.sha256),
                        size: part.size,
                    },
                    source: job.index,
                    source_sha256: hex::encode(source.sha256),
                    engine: "tesseract".into(),
                    version: engine.version().to_owned(),
                    languages: job.languages.to_vec(),
                });
                body.derived.push(Derivation {
                    part: index as u32,
                    source: job.index as u32,
                    source_sha256: source.sha256,
                    engine: "tesseract".into(),
                    version: engine.version().to_owned(),
                    languages: job.languages.to_vec(),
                    pages: text.pages,
                    at: now,
                });
                added.push(RecognisedPart {
                    record: id.to_hex(),
                    source: source.name.clone(),
                    name,
                    languages: job.languages.to_vec(),
                    pages: text.pages,
                    characters: text.text.chars().count(),
                });
                body.parts.push(part);
                if let Some(w) = sealed.index_text {
                    words.push(' ');
                    words.push_str(&w);
                }
            }
            Ok(())
        })();
        let committed =
            sealed.and_then(|()| self.write_recognised(id, &body, &objects, events, &words));
        match committed {
            Ok(()) => {
                report.pages += added.iter().map(|a| u64::from(a.pages)).sum::<u64>();
                report.recognised.extend(added);
                Ok(())
            }
            Err(e) => {
                // Overwritten (the text is sealed to the keys in use); whatever is not
                // removed now stays pending for the next sweep.
                let _ = self.store.destroy_objects(&objects);
                Err(e)
            }
        }
    }

    /// The transaction of [`Vault::commit_recognised`]: body, catalog entry, index, events.
    fn write_recognised(
        &self,
        id: RecordId,
        body: &crate::format::record::RecordBody,
        new_objects: &[ObjectId],
        events: Vec<Happened>,
        words: &str,
    ) -> Result<()> {
        let mut ops = self.rewrite_ops(body, words, |kib| {
            words!("d-recognise-body-too-large", kib = kib, record = id.short())
        })?;
        for o in new_objects {
            ops.remove(TreeId::Pending, self.store.pending_key(o));
        }
        let mut log = self.log();
        for e in events {
            log.append(e, Some(id), None)?;
        }
        log.seal()?.add_to(&mut ops);
        crate::storage::faults::crash_point("before-recognised-commit");
        self.apply(&ops)?;
        log.committed();
        Ok(())
    }
}

/// `NAME.ocr.txt`, or `NAME.ocr-2.txt` and on if a part of the record has that name; `NAME`
/// cut short (at a character) where the whole would pass the 255 bytes a name may have.
fn unique_name(parts: &[Part], source: &str) -> String {
    let taken = |n: &str| parts.iter().any(|p| p.name == n);
    let mut cut = source.len().min(240);
    while !source.is_char_boundary(cut) {
        cut -= 1;
    }
    let source = &source[..cut];
    let first = format!("{source}.ocr.txt");
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|i| format!("{source}.ocr-{i}.txt"))
        .find(|n| !taken(n))
        .expect("some name is free")
}
