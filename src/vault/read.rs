//! Reading: list and search from the catalog, show and get from sealed records.
//!
//! `list` and `search` cost no X25519 operation: they open catalog entries with the
//! symmetric catalog key, on as many threads as there are cores. `show`, `get` and `check`
//! open the record body with age.
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::Vault;
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Refusal, Result};
use crate::format::catalog::CatalogEntry;
use crate::format::event::{Happened, Kept};
use crate::format::id::RecordId;
use crate::format::record::{Metadata, Storage};
use crate::storage::store::Bytes;
use crate::words;

pub use super::filter::{Expanded, Filter};

/// One record as `list` and `search` return it. The entry is boxed so that collecting,
/// sorting and splitting 100,000 listings moves 24 bytes each, not the entry's ~280.
pub struct Listing {
    pub id: RecordId,
    pub entry: Box<CatalogEntry>,
}

/// Result of a catalog scan: the records kept, and catalog entries that did not open.
pub struct Scan {
    pub items: Vec<Listing>,
    pub damaged: Vec<RecordId>,
}

/// A part as `show` describes it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartView {
    pub index: usize,
    pub kind: &'static str,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub stored: &'static str,
    /// For recognised text: the part it was recognised in, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recognised: Option<RecognisedFrom>,
    /// For a transcript or translation: of which part (its index), and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<crate::format::case::PartLink>,
}

/// How a recognised part was made (FORMAT.md 7.3), as `show` gives it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecognisedFrom {
    /// Index of the part it was recognised in.
    pub source: usize,
    pub engine: String,
    pub version: String,
    pub languages: Vec<String>,
    pub pages: u32,
    /// When, RFC 3339 UTC.
    pub at: String,
}

/// A record as `show` describes it (no part contents).
pub struct RecordView {
    pub id: RecordId,
    pub created: i64,
    pub meta: Metadata,
    pub parts: Vec<PartView>,
    /// Bundles the record arrived in: (contact, signer fingerprint, bundle id, imported).
    pub provenance: Vec<(String, String, String, i64)>,
    /// Persons, relations, consent, status events and verification (FORMAT.md 7.4).
    pub case: crate::format::case::Case,
    /// The status events of every person the record names, from every record of the vault,
    /// oldest first.
    pub timeline: Vec<crate::vault::case::Dated>,
}

/// The search tree, walked in step with the catalog during a scan (both keyed by the
/// record's locator: `at` is the catalog key being looked at).
pub(crate) struct SearchCursor {
    iter: std::iter::Peekable<crate::storage::store::Iter>,
    at: [u8; 16],
}

impl SearchCursor {
    /// Skips search chunks of records before the current one (left by damage; normally
    /// none).
    fn skip_before(&mut self, _id: &RecordId) -> Result<()> {
        while let Some(Ok((k, _))) = self.iter.peek() {
            if k.len() >= 16 && k[..16] < self.at[..] {
                self.iter.next();
            } else {
                break;
            }
        }
        if let Some(Err(_)) = self.iter.peek() {
            self.iter.next().expect("peeked")?;
        }
        Ok(())
    }

    /// The next search chunk of `id`, if any.
    fn next_of(&mut self, _id: &RecordId) -> Result<Option<(Bytes, Bytes)>> {
        match self.iter.peek() {
            Some(Ok((k, _))) if k.len() >= 16 && k[..16] == self.at[..] => {
                Ok(Some(self.iter.next().expect("peeked")?))
            }
            Some(Err(_)) => Err(self.iter.next().expect("peeked").unwrap_err()),
            _ => Ok(None),
        }
    }
}

/// Splits the 16-byte key space into `n` ranges by the first byte.
pub(super) fn key_ranges(n: usize) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let n = n.clamp(1, 16);
    (0..n)
        .map(|i| {
            let lo = vec![(i * 256 / n) as u8];
            let hi = (i + 1 < n).then(|| vec![((i + 1) * 256 / n) as u8]);
            (lo, hi)
        })
        .collect()
}

pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `f` of every item, on every core (each thread a run of at least `min` items), in order.
pub(crate) fn map_on_cores<'a, T: Sync, R: Send>(
    items: &'a [T],
    min: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Vec<R> {
    let per = items.len().div_ceil(threads()).max(min).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker does not panic"))
            .collect()
    })
}

impl Vault {
    /// Runs over every catalog entry in parallel ranges: `pre` says from the id alone
    /// whether the entry may be kept (those it refuses are not even opened), then `f`
    /// whether to keep it.
    fn scan<P, F>(&self, pre: P, f: F) -> Result<Scan>
    where
        P: Fn(&mut SearchCursor, &RecordId) -> Result<bool> + Sync,
        F: Fn(&CatalogEntry) -> bool + Sync,
    {
        let key = &self.keyring.catalog_key;
        let results: Vec<Result<Scan>> = std::thread::scope(|s| {
            let handles: Vec<_> = key_ranges(threads())
                .into_iter()
                .map(|(lo, hi)| {
                    let (pre, f) = (&pre, &f);
                    s.spawn(move || {
                        let mut out = Scan {
                            items: vec![],
                            damaged: vec![],
                        };
                        let (iter, search) = match hi {
                            Some(hi) => (
                                self.store.catalog().range(lo.clone()..hi.clone()),
                                self.store.search().range(lo..hi),
                            ),
                            None => (
                                self.store.catalog().range(lo.clone()..),
                                self.store.search().range(lo..),
                            ),
                        };
                        let mut cursor = SearchCursor {
                            iter: search.peekable(),
                            at: [0; 16],
                        };
                        for kv in iter {
                            let (k, v) = kv?;
                            let Some(id) = self.store.unloc(&k).filter(|_| k.len() == 16) else {
                                return Err(Error::VaultDamaged(words!("d-read-catalog-key")));
                            };
                            cursor.at.copy_from_slice(&k);
                            if !pre(&mut cursor, &id)? {
                                continue;
                            }
                            let entry = key
                                .open(Domain::Catalog, &id.0, &v)
                                .ok()
                                .and_then(|p| CatalogEntry::decode(&p));
                            match entry {
                                Some(entry) => {
                                    if f(&entry) {
                                        out.items.push(Listing {
                                            id,
                                            entry: Box::new(entry),
                                        });
                                    }
                                }
                                None => out.damaged.push(id),
                            }
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("scan threads do not panic"))
                .collect()
        });
        let mut all = Scan {
            items: vec![],
            damaged: vec![],
        };
        for r in results {
            let r = r?;
            all.items.extend(r.items);
            all.damaged.extend(r.damaged);
        }
        all.items.sort_by_cached_key(|l| (l.entry.created, l.id));
        Ok(all)
    }

    /// Lists records, oldest first.
    pub fn list(&self, filter: &Filter) -> Result<Scan> {
        let filter = &filter.expanded(self)?;
        let Some(status) = filter.status else {
            return self.scan(|_, _| Ok(true), |e| filter.keeps(e));
        };
        // Whose latest status is `status` is known only from every record: a first scan.
        let codes: std::collections::HashSet<String> = self
            .latest_statuses()?
            .into_iter()
            .filter(|(_, s)| *s == status)
            .map(|(c, _)| c)
            .collect();
        self.scan(
            |_, _| Ok(true),
            |e| {
                let case = e.case();
                let witness = e.meta.as_ref().and_then(|m| m.witness.as_deref());
                filter.keeps(e) && case.codes(witness).any(|c| codes.contains(c))
            },
        )
    }

    /// Finds records whose title, tags, place, note, testimony or recognised text contain every term
    /// of `query` (case-insensitive, Unicode-normalized substring match), from the search
    /// index: only the catalog entries of matching records are opened.
    pub fn search(&self, query: &str) -> Result<Scan> {
        let (query, indexed) = self.search_query(query)?;
        self.scan(
            |cursor, id| self.search_finds(cursor, id, &query, &indexed),
            |_| true,
        )
    }

    /// The ids of the records [`Vault::search`] finds, without opening their catalog
    /// entries (`serve` holds them open already): a keystroke of search as you type then
    /// costs the index, not the catalog.
    pub fn search_ids(&self, query: &str) -> Result<Vec<RecordId>> {
        let (query, indexed) = self.search_query(query)?;
        let mut cursor = SearchCursor {
            iter: self.store.search().range(Vec::new()..).peekable(),
            at: [0; 16],
        };
        let mut out = Vec::new();
        for kv in self.store.catalog().range(Vec::new()..) {
            let (k, _) = kv?;
            let Some(id) = self.store.unloc(&k).filter(|_| k.len() == 16) else {
                return Err(Error::VaultDamaged(words!("d-read-catalog-key")));
            };
            cursor.at.copy_from_slice(&k);
            if self.search_finds(&mut cursor, &id, &query, &indexed)? {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// A query's terms, and what the index says of every record for them.
    fn search_query(
        &self,
        query: &str,
    ) -> Result<(
        crate::format::text::Query,
        crate::vault::index::IndexMatches,
    )> {
        let terms = crate::format::text::terms(query);
        if terms.is_empty() {
            return Err(Error::Invalid(words!("d-read-empty-query")));
        }
        if self.keyring.collector {
            return Err(Error::CannotOpen(words!("d-read-collector-search")));
        }
        // Each term as itself, or as any label of the vocabulary term it is a label of.
        let thesaurus = self.thesaurus()?;
        let forms: Vec<Vec<String>> = terms.iter().map(|t| thesaurus.alternatives(t)).collect();
        let query = crate::format::text::Query::with_forms(&forms);
        let indexed = self.index_matches(&query)?;
        Ok((query, indexed))
    }

    /// Whether record `id` holds every term of `query`: by the index, and by the search
    /// text of records from before it, in the `search` tree (left there only when it does
    /// not open), walked alongside the catalog, both ordered by locator.
    fn search_finds(
        &self,
        cursor: &mut SearchCursor,
        id: &RecordId,
        query: &crate::format::text::Query,
        indexed: &crate::vault::index::IndexMatches,
    ) -> Result<bool> {
        let mut found = indexed.get(id);
        cursor.skip_before(id)?;
        while let Some((k, v)) = cursor.next_of(id)? {
            if found != query.all() {
                let kid = self.store.search_key_id(&k).unwrap_or_default();
                let plain = self
                    .keyring
                    .catalog_key
                    .open(Domain::Search, &kid, &v)
                    .map_err(|_| Error::damaged(*id, words!("d-read-search-text")))?;
                query.mark(&plain, &mut found);
            }
        }
        Ok(found == query.all())
    }

    /// Metadata and parts of a record.
    pub fn show(&self, id: RecordId) -> Result<RecordView> {
        let body = self.open_body(id)?;
        let parts = body
            .parts
            .iter()
            .enumerate()
            .map(|(index, p)| PartView {
                index,
                kind: p.kind.as_str(),
                name: p.name.clone(),
                size: p.size,
                sha256: hex::encode(p.sha256),
                stored: match p.storage {
                    Storage::Inline(_) => "inline",
                    Storage::Object { .. } => "object",
                    Storage::Sealed(_) => "sealed to the identity custodians",
                },
                recognised: body
                    .derived
                    .iter()
                    .find(|d| d.part as usize == index)
                    .map(|d| RecognisedFrom {
                        source: d.source as usize,
                        engine: d.engine.clone(),
                        version: d.version.clone(),
                        languages: d.languages.clone(),
                        pages: d.pages,
                        at: jiff::Timestamp::from_second(d.at)
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                    }),
                of: body
                    .links
                    .iter()
                    .find(|l| l.part as usize == index)
                    .cloned(),
            })
            .collect();
        let codes: Vec<String> = body
            .case
            .codes(body.meta.witness.as_deref())
            .map(str::to_owned)
            .collect();
        Ok(RecordView {
            id,
            created: body.created,
            meta: body.meta.clone(),
            timeline: self.timeline(&codes)?,
            case: body.case.clone(),
            parts,
            provenance: body
                .provenance
                .iter()
                .map(|p| {
                    (
                        p.contact.clone(),
                        p.signer.clone(),
                        p.bundle_id.clone(),
                        p.imported,
                    )
                })
                .collect(),
        })
    }

    /// Writes a part's plaintext to `out`, verifying its size and SHA-256, and logs that it
    /// was read (to standard output) once it was delivered whole and verified: a read that
    /// fails is not logged. Bytes may have been written before damage is found;
    /// [`Vault::get_to_file`] guards against that.
    pub fn get(&self, id: RecordId, part: &str, out: &mut dyn Write) -> Result<PartView> {
        self.get_for(id, part, out, "standard output")
    }

    /// [`Vault::get`] to `out`, logged as read to `to` (`serve` names the browser).
    pub fn get_for(
        &self,
        id: RecordId,
        part: &str,
        out: &mut dyn Write,
        to: &str,
    ) -> Result<PartView> {
        let view = self.read_part(id, part, out)?;
        out.flush().map_err(|e| Error::output(to, e))?;
        self.log_read(id, part, to)?;
        Ok(view)
    }

    /// Appends the custody event of a read that succeeded: an identity read names no record
    /// in its signed part, so it never travels with the record.
    fn log_read(&self, id: RecordId, part: &str, to: &str) -> Result<()> {
        let body = self.open_body(id)?;
        let i = body.find_part(part).ok_or_else(|| Error::NoSuchPart {
            id: id.short(),
            part: part.to_owned(),
        })?;
        let p = &body.parts[i];
        let mut log = self.log();
        if p.kind == crate::format::record::PartKind::Identity {
            if !self.is_custodian() {
                return Err(Error::CannotOpen(words!("d-parts-identity-not-custodian")));
            }
            log.append(
                Happened::IdentityRead {},
                None,
                Some(Kept::IdentityRead {
                    record: id.to_hex(),
                    part: i,
                    to: to.to_owned(),
                }),
            )?;
        } else {
            log.append(
                Happened::PartRead {
                    part: i,
                    kind: p.kind.as_str().to_owned(),
                },
                Some(id),
                Some(Kept::PartRead {
                    name: p.name.clone(),
                    to: to.to_owned(),
                }),
            )?;
        }
        log.commit()
    }

    /// Writes a part to `path`: into a temporary file beside it, renamed into place only
    /// once the whole part has verified, so a damaged part leaves no partial plaintext.
    /// A path that exists and is not a regular file (a terminal, a pipe, `/dev/null`) is
    /// written directly: it cannot be replaced and holds nothing to protect.
    pub fn get_to_file(
        &self,
        id: RecordId,
        part: &str,
        path: &Path,
        overwrite: bool,
    ) -> Result<PartView> {
        let fix_path = |e: Error| match e {
            Error::Output { reason, .. } => Error::Output {
                path: path.to_owned(),
                reason,
            },
            other => other,
        };
        // Where the part went, for the custody log (kept in the vault only).
        let to = std::path::absolute(path)
            .unwrap_or_else(|_| path.to_owned())
            .display()
            .to_string();
        match fs::metadata(path) {
            Ok(md) if !md.is_file() => {
                if md.is_dir() {
                    return Err(Error::Output {
                        path: path.to_owned(),
                        reason: words!("d-read-is-directory"),
                    });
                }
                let f = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| Error::output(path, e))?;
                let mut w = io::BufWriter::new(f);
                let view = self.read_part(id, part, &mut w).map_err(fix_path)?;
                w.flush().map_err(|e| Error::output(path, e))?;
                self.log_read(id, part, &to)?;
                return Ok(view);
            }
            Ok(_) if !overwrite => {
                return Err(Error::Refused(Refusal::OutputExists {
                    path: path.to_owned(),
                }))
            }
            _ => {}
        }
        // Logged once the part is verified and durable under its temporary name, before it
        // takes its real name: a get that fails is not logged, and no file appears unlogged.
        crate::storage::durable::create_via_temp(path, |f| {
            let mut w = crate::storage::durable::ThreadedWriter::new(f);
            let view = self.read_part(id, part, &mut w).map_err(fix_path)?;
            let f = w.finish().map_err(|e| Error::output(path, e))?;
            f.sync_all().map_err(|e| Error::output(path, e))?;
            crate::storage::faults::crash_point("part-written");
            self.log_read(id, part, &to)?;
            Ok((f, view))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::key_ranges;

    #[test]
    fn ranges_cover_the_key_space() {
        let r = key_ranges(2);
        assert_eq!(r[0], (vec![0], Some(vec![128])));
        assert_eq!(r[1], (vec![128], None));
        assert_eq!(key_ranges(1)[0], (vec![0], None));
    }
}
