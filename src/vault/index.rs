//! The search index kept in step with the records (FORMAT.md, "Search index"): segments
//! filled as records are committed, rewritten without a record when it is removed, and
//! scanned by `search`.
use zeroize::Zeroizing;

use super::Vault;
use crate::crypto::random_bytes;
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result, Words};
use crate::format::catalog;
use crate::format::id::RecordId;
use crate::format::index::{self, Segment, OPEN_KEY};
use crate::format::text::Query;
use crate::storage::journal::{Ops, TreeId};
use crate::words;

type SegmentKey = [u8; 16];

/// What [`Vault::index_matches`] found: (record, term bits), sorted by record.
pub(crate) struct IndexMatches(Vec<(RecordId, u64)>);

impl IndexMatches {
    /// The terms `id` holds (one bit per term).
    pub(crate) fn get(&self, id: &RecordId) -> u64 {
        self.0
            .binary_search_by_key(id, |(x, _)| *x)
            .map_or(0, |i| self.0[i].1)
    }
}

fn damaged_segment(k: &[u8]) -> Error {
    Error::VaultDamaged(words!("d-index-segment-damaged", segment = hex::encode(k)))
}

impl Vault {
    /// The writes that store `seg` (or, with `None`, remove it), in pieces (FORMAT.md 8.3).
    fn write_segment(&self, k: &SegmentKey, seg: Option<&Segment>, ops: &mut Ops) -> Result<()> {
        let old = crate::storage::pieces::read(self.store.index(), k)?;
        let plain = seg.map(|s| s.encode());
        crate::storage::pieces::write(
            ops,
            TreeId::Index,
            &self.keyring.catalog_key,
            Domain::Index,
            k,
            k,
            plain.as_deref().map(|p| p.as_slice()),
            &old,
        );
        Ok(())
    }

    /// A segment's plaintext from its pieces; `None` if it does not open.
    fn open_pieces(
        &self,
        k: &[u8],
        pieces: &[(crate::storage::store::Bytes, crate::storage::store::Bytes)],
    ) -> Option<Zeroizing<Vec<u8>>> {
        crate::storage::pieces::open(&self.keyring.catalog_key, Domain::Index, k, k, pieces)
    }

    /// The segment new records join, if there is one and it opens. A damaged one is left
    /// for `check` to report; new records then go to a new segment.
    fn open_segment(&self) -> Result<Option<(SegmentKey, Segment)>> {
        let key = &self.keyring.catalog_key;
        let Some(p) = self.store.index().get(OPEN_KEY)? else {
            return Ok(None);
        };
        let Some(k) = key
            .open(Domain::Index, OPEN_KEY, &p)
            .ok()
            .and_then(|k| SegmentKey::try_from(k.as_slice()).ok())
        else {
            return Ok(None);
        };
        let Some(plain) =
            self.open_pieces(&k, &crate::storage::pieces::read(self.store.index(), &k)?)
        else {
            return Ok(None);
        };
        // A full segment takes no more records: not worth decoding (ingest fills one per
        // batch).
        if index::record_count(&plain) == Some(index::SEGMENT_RECORDS) {
            return Ok(None);
        }
        Ok(Segment::decode(&plain).map(|seg| (k, seg)))
    }

    /// Every segment with its plaintext, or `None` where it does not open (damage, which
    /// `check` reports). The `open` pointer is not a segment.
    fn segments(
        &self,
    ) -> impl Iterator<Item = Result<(SegmentKey, Option<Zeroizing<Vec<u8>>>)>> + '_ {
        crate::storage::pieces::group(self.store.index().iter()).filter_map(move |kv| match kv {
            Err(e) => Some(Err(e)),
            Ok((k, pieces)) => {
                let k = SegmentKey::try_from(k.as_ref()).ok()?;
                Some(Ok((k, self.open_pieces(&k, &pieces))))
            }
        })
    }

    /// The segment that lists `id`, with its plaintext (damaged segments are passed over).
    pub(crate) fn segment_holding(
        &self,
        id: &RecordId,
    ) -> Result<Option<(SegmentKey, Zeroizing<Vec<u8>>)>> {
        for seg in self.segments() {
            if let (k, Some(plain)) = seg? {
                if index::record_ids(&plain).is_some_and(|mut ids| ids.any(|x| x == *id)) {
                    return Ok(Some((k, plain)));
                }
            }
        }
        Ok(None)
    }

    /// Adds the words of records being committed to the index, as writes in `ops`: to the
    /// open segment while it has room, then to new ones. The caller holds the audit log,
    /// which orders commits.
    pub(crate) fn index_add(
        &self,
        records: &[(RecordId, Zeroizing<String>)],
        ops: &mut Ops,
    ) -> Result<()> {
        let mut adding = IndexAdding::default();
        adding.add(self, records, ops)?;
        adding.finish(self, ops)
    }

    /// Removes a record from the segment that holds it (rewritten without the record's
    /// words, or removed if it held only that record), as writes in `ops`.
    pub(crate) fn index_remove(&self, id: &RecordId, ops: &mut Ops) -> Result<()> {
        let Some((k, plain)) = self.segment_holding(id)? else {
            return Ok(());
        };
        let mut seg = Segment::decode(&plain).ok_or_else(|| damaged_segment(&k))?;
        seg.remove(id);
        let seg = (!seg.ids.is_empty()).then_some(seg);
        self.write_segment(&k, seg.as_ref(), ops)
    }

    /// Adds `words` to those the index holds for `id` (recognised text joining a record),
    /// as writes in `ops`: in the segment holding the record while it has room; otherwise
    /// the record moves, with all its words, to a new segment, which new records then join.
    pub(crate) fn index_extend(&self, id: &RecordId, words: &str, ops: &mut Ops) -> Result<()> {
        let Some((k, plain)) = self.segment_holding(id)? else {
            return self.index_add(&[(*id, Zeroizing::new(words.trim().to_owned()))], ops);
        };
        let mut seg = Segment::decode(&plain).ok_or_else(|| damaged_segment(&k))?;
        let mut all = seg.words_of(id).unwrap_or_default();
        all.push(' ');
        all.push_str(words);
        seg.remove(id);
        if seg.has_room_for(&all) {
            seg.add(*id, &all);
            return self.write_segment(&k, Some(&seg), ops);
        }
        self.write_segment(&k, (!seg.ids.is_empty()).then_some(&seg), ops)?;
        let fresh: SegmentKey = random_bytes();
        let mut moved = Segment::default();
        moved.add(*id, &all);
        self.write_segment(&fresh, Some(&moved), ops)?;
        self.name_open_segment(&fresh, ops);
        Ok(())
    }

    /// Names `k` the segment new records join, as a write in `ops`.
    fn name_open_segment(&self, k: &SegmentKey, ops: &mut Ops) {
        let key = &self.keyring.catalog_key;
        ops.insert(
            TreeId::Index,
            OPEN_KEY,
            key.seal(Domain::Index, OPEN_KEY, k),
        );
    }

    /// Which terms of `query` each record holds in its words, from every segment: sorted by
    /// record id, records with none left out. Both cores scan their share of the segments.
    pub(crate) fn index_matches(&self, query: &Query) -> Result<IndexMatches> {
        let parts: Vec<Result<Vec<(RecordId, u64)>>> = std::thread::scope(|s| {
            let handles: Vec<_> = super::read::key_ranges(super::read::threads())
                .into_iter()
                .map(|(lo, hi)| {
                    s.spawn(move || {
                        let mut out = Vec::new();
                        let range = match hi {
                            Some(hi) => self.store.index().range(lo..hi),
                            None => self.store.index().range(lo..),
                        };
                        // A segment's pieces share its 16-byte key as a prefix, so a range
                        // (cut at a shorter prefix) holds all of them.
                        for kv in crate::storage::pieces::group(range) {
                            let (k, pieces) = kv?;
                            if k.len() != 16 {
                                continue;
                            }
                            let found = self
                                .open_pieces(&k, &pieces)
                                .and_then(|plain| index::matches(&plain, query))
                                .ok_or_else(|| damaged_segment(&k))?;
                            out.extend(found);
                        }
                        out.sort_unstable_by_key(|(id, _)| *id);
                        Ok(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("index scans do not panic"))
                .collect()
        });
        let mut all = Vec::new();
        for part in parts {
            all.extend(part?);
        }
        // Runs sorted on each core: merged in one cheap pass of the sort.
        all.sort_by_key(|(id, _)| *id);
        // A record in two segments (only after damage) holds the words of both.
        all.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 |= b.1;
            }
            same
        });
        Ok(IndexMatches(all))
    }

    /// Problems of the index, for `check`: segments that do not open, records listed that
    /// are not in the vault or listed twice, a pointer that does not open.
    pub(crate) fn index_damage(&self) -> Result<Vec<(String, Words)>> {
        let key = &self.keyring.catalog_key;
        let mut damage = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut unreadable = false;
        for kv in crate::storage::pieces::group(self.store.index().iter()) {
            let (k, pieces) = kv?;
            if k.as_ref() == OPEN_KEY {
                if key.open(Domain::Index, OPEN_KEY, &pieces[0].1).is_err() {
                    damage.push(("index".into(), words!("d-index-pointer")));
                }
                continue;
            }
            let ids = match self.open_pieces(&k, &pieces) {
                Some(plain) if k.len() == 16 && Segment::decode(&plain).is_some() => {
                    index::record_ids(&plain)
                        .expect("decoded")
                        .collect::<Vec<_>>()
                }
                _ => {
                    damage.push((hex::encode(&k), words!("d-index-segment-authenticate")));
                    unreadable = true;
                    continue;
                }
            };
            for id in ids {
                if !seen.insert(id) {
                    damage.push((id.to_hex(), words!("d-index-listed-twice")));
                } else if !self.store.records().contains_key(self.store.loc(&id))? {
                    let record = id.to_string();
                    let w = words!("d-index-not-in-vault", record = record);
                    damage.push((hex::encode(&k), w));
                }
            }
        }
        // Every record has words (its title at least), so every record is in the index once
        // it is complete; one that is not would never be found. (Those of a segment that
        // does not open are not named again.)
        if !self.keyring.collector
            && !unreadable
            && self.store.meta().get(index::META_KEY)?.is_some()
        {
            for k in self.store.records().iter().keys() {
                let k = k?;
                match self.store.unloc(&k) {
                    Some(id) if !seen.contains(&id) => {
                        damage.push((id.to_hex(), words!("d-index-missing")))
                    }
                    _ => {}
                }
            }
        }
        Ok(damage)
    }

    /// Completes the index of a vault from before it (or one rebuilt from an older
    /// journal): every record not in it yet is added, with the testimony words earlier
    /// versions kept per record in the `search` tree, whose chunks go in the same
    /// transaction (256 records per transaction). Chunks that do not open stay: search
    /// still reads them and `check` reports them. The last transaction sets `meta`/`index`,
    /// after which this does nothing. Returns the records added.
    ///
    /// First, the words of an index written by format 7 or earlier are folded as search now
    /// compares them ([`Vault::refold_segments`]); a complete index then only needs
    /// `meta`/`index` set to [`index::FOLDED`].
    pub(crate) fn complete_index(&self) -> Result<usize> {
        let flag = self.store.meta().get(index::META_KEY)?;
        if self.keyring.collector || flag.as_deref() == Some(&[index::FOLDED][..]) {
            return Ok(0);
        }
        let refolded = self.refold_segments()?;
        self.refolded_at_unlock
            .store(refolded, std::sync::atomic::Ordering::Relaxed);
        if flag.is_some() {
            let mut ops = Ops::new();
            ops.insert(TreeId::Meta, index::META_KEY, [index::FOLDED]);
            let _log = self.log();
            self.apply(&ops)?;
            self.store.sync()?;
            return Ok(0);
        }
        let key = &self.keyring.catalog_key;
        // Records already indexed (by an interrupted run) are skipped: this may resume.
        let mut indexed = std::collections::HashSet::new();
        for seg in self.segments() {
            if let (_, Some(plain)) = seg? {
                indexed.extend(index::record_ids(&plain).into_iter().flatten());
            }
        }
        let mut added = 0;
        let mut batch: Vec<(RecordId, Zeroizing<String>)> = Vec::new();
        let mut ops = Ops::new();
        for kv in self.store.catalog().iter() {
            let (k, v) = kv?;
            let Some(id) = self
                .store
                .unloc(&k)
                .filter(|id| k.len() == 16 && !indexed.contains(id))
            else {
                continue;
            };
            // A damaged entry is left for `check` to report.
            let Some(entry) = key
                .open(Domain::Catalog, &id.0, &v)
                .ok()
                .and_then(|p| catalog::CatalogEntry::decode(&p))
            else {
                continue;
            };
            let Some(meta) = &entry.meta else { continue };
            let mut chunks = Vec::new();
            let mut keys = Vec::new();
            for kv in self.store.search().scan_prefix(self.store.loc(&id)) {
                let (k, v) = kv?;
                let kid = self.store.search_key_id(&k).unwrap_or_default();
                chunks.push(key.open(Domain::Search, &kid, &v).ok());
                keys.push(k);
            }
            let text: Option<Vec<&str>> = chunks
                .iter()
                .map(|c| c.as_ref().and_then(|c| std::str::from_utf8(c).ok()))
                .collect();
            let testimony = text.map(|parts| catalog::unchunk_text(&parts));
            if testimony.is_some() {
                for k in keys {
                    ops.remove(TreeId::Search, k);
                }
            }
            let words =
                catalog::record_words(meta, entry.case(), testimony.as_deref().map(|t| t.as_str()));
            if !words.is_empty() {
                batch.push((id, words));
            }
            if batch.len() == index::SEGMENT_RECORDS {
                added += batch.len();
                self.commit_to_index(std::mem::take(&mut batch), std::mem::take(&mut ops))?;
                crate::storage::faults::crash_point("index-batch");
            }
        }
        // Search text of records no longer in the vault (left by damage) goes too.
        for k in self.store.search().iter().keys() {
            let k = k?;
            if !self.store.catalog().contains_key(&k[..16.min(k.len())])? {
                ops.remove(TreeId::Search, k);
            }
        }
        added += batch.len();
        ops.insert(TreeId::Meta, index::META_KEY, [index::FOLDED]);
        self.commit_to_index(batch, ops)?;
        self.store.sync()?;
        Ok(added)
    }

    /// Writes every segment of format 7 or earlier in the current form, its words normalized
    /// as search now compares them (FORMAT.md 3, "Migration from version 7"), 64 segments
    /// per transaction; a segment that does not open is left for `check`. Segments already
    /// moved are skipped, so a move that a crash interrupted resumes. Search is right
    /// meanwhile: it folds a segment not moved yet as it reads it. Returns the segments
    /// rewritten.
    fn refold_segments(&self) -> Result<usize> {
        // The keys only: each segment is opened once, below, as it is moved.
        let keys: Vec<SegmentKey> = crate::storage::pieces::group(self.store.index().iter())
            .filter_map(|kv| match kv {
                Err(e) => Some(Err(e)),
                Ok((k, _)) => SegmentKey::try_from(k.as_ref()).ok().map(Ok),
            })
            .collect::<Result<_>>()?;
        let mut rewritten = 0;
        let mut ops = Ops::new();
        for (i, k) in keys.iter().enumerate() {
            let pieces = crate::storage::pieces::read(self.store.index(), k)?;
            // Segments already in the current form are left as they are.
            let Some(seg) = self
                .open_pieces(k, &pieces)
                .filter(|plain| index::is_case_only(plain))
                .and_then(|plain| Segment::decode(&plain))
            else {
                continue;
            };
            self.write_segment(k, Some(&seg), &mut ops)?;
            rewritten += 1;
            if ((i + 1) % 64 == 0 || i + 1 == keys.len()) && !ops.is_empty() {
                let _log = self.log();
                self.apply(&std::mem::take(&mut ops))?;
                crate::storage::faults::crash_point("refold-batch");
            }
        }
        Ok(rewritten)
    }

    /// Adds to the search words of every record its witness code and its persons' codes, which
    /// search finds since format 9 (FORMAT.md 3, "Migration from version 8"): segment by
    /// segment, 64 per transaction, a record whose words hold them already left as it is, so
    /// that a move a crash interrupted resumes; a record whose segment has no room for them
    /// is moved as a record gaining recognised text is. The last transaction sets
    /// `meta`/`codes`, after which this does nothing. Returns the records whose words grew.
    pub(crate) fn index_codes(&self) -> Result<usize> {
        if self.keyring.collector || self.store.meta().get(index::CODES_KEY)?.is_some() {
            return Ok(0);
        }
        let mut codes = std::collections::HashMap::new();
        for l in self.list(&super::Filter::default())?.items {
            let Some(m) = &l.entry.meta else { continue };
            let case = l.entry.case();
            let all: Vec<&str> = case.codes(m.witness.as_deref()).collect();
            if !all.is_empty() {
                codes.insert(l.id, crate::format::text::index_words(&all.join(" ")));
            }
        }
        let keys: Vec<SegmentKey> = crate::storage::pieces::group(self.store.index().iter())
            .filter_map(|kv| match kv {
                Err(e) => Some(Err(e)),
                Ok((k, _)) => SegmentKey::try_from(k.as_ref()).ok().map(Ok),
            })
            .collect::<Result<_>>()?;
        let (mut grown, mut homeless, mut ops) = (0, Vec::new(), Ops::new());
        for (i, k) in keys.iter().enumerate() {
            let pieces = crate::storage::pieces::read(self.store.index(), k)?;
            // A segment that does not open is left for `check`.
            let Some(mut seg) = self
                .open_pieces(k, &pieces)
                .and_then(|plain| Segment::decode(&plain))
            else {
                continue;
            };
            let mut changed = false;
            for id in seg.ids.clone() {
                let Some(new) = codes.get(&id) else { continue };
                let old = seg.words_of(&id).unwrap_or_default();
                let have: std::collections::HashSet<&str> = old.split(' ').collect();
                if new.split(' ').all(|w| have.contains(w)) {
                    continue;
                }
                let all = Zeroizing::new(format!("{} {}", old.as_str(), new.as_str()));
                seg.remove(&id);
                if seg.has_room_for(&all) {
                    seg.add(id, &all);
                    grown += 1;
                    changed = true;
                } else {
                    seg.add(id, &old);
                    homeless.push(id);
                }
            }
            if changed {
                self.write_segment(k, Some(&seg), &mut ops)?;
            }
            if ((i + 1) % 64 == 0 || i + 1 == keys.len()) && !ops.is_empty() {
                let _log = self.log();
                self.apply(&std::mem::take(&mut ops))?;
                crate::storage::faults::crash_point("codes-batch");
            }
        }
        for id in homeless {
            let mut ops = Ops::new();
            self.index_extend(&id, &codes[&id], &mut ops)?;
            let _log = self.log();
            self.apply(&ops)?;
            grown += 1;
        }
        let mut ops = Ops::new();
        ops.insert(TreeId::Meta, index::CODES_KEY, [1u8]);
        let _log = self.log();
        self.apply(&ops)?;
        self.store.sync()?;
        Ok(grown)
    }

    fn commit_to_index(
        &self,
        batch: Vec<(RecordId, Zeroizing<String>)>,
        mut ops: Ops,
    ) -> Result<()> {
        let _log = self.log();
        self.index_add(&batch, &mut ops)?;
        self.apply(&ops)
    }
}

/// Records joining the index over the parts of one commit ([`Vault::index_add`] a part at a
/// time): the open segment stays here between parts, and only segments that filled up are
/// written before [`IndexAdding::finish`].
#[derive(Default)]
pub(crate) struct IndexAdding {
    /// The segment records join, once some have (read, or made).
    open: Option<(SegmentKey, Segment)>,
    /// The segment that was open before the commit.
    was_open: Option<SegmentKey>,
}

impl IndexAdding {
    /// Adds `records`' words; a segment that fills up is written to `ops`, and a new one
    /// opened. The caller holds the audit log, which orders commits.
    pub(crate) fn add(
        &mut self,
        v: &Vault,
        records: &[(RecordId, Zeroizing<String>)],
        ops: &mut Ops,
    ) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let (k, seg) = match &mut self.open {
            Some(open) => open,
            None => {
                let opened = v.open_segment()?;
                self.was_open = opened.as_ref().map(|(k, _)| *k);
                self.open
                    .insert(opened.unwrap_or_else(|| (random_bytes(), Segment::default())))
            }
        };
        for (id, words) in records {
            if !seg.has_room_for(words) {
                v.write_segment(k, Some(seg), ops)?;
                (*k, *seg) = (random_bytes(), Segment::default());
            }
            seg.add(*id, words);
        }
        Ok(())
    }

    /// Writes the segment records joined last, and names it the open one if it is new.
    pub(crate) fn finish(self, v: &Vault, ops: &mut Ops) -> Result<()> {
        // Read (or made) only by an `add` of records, which joined it.
        let Some((k, seg)) = self.open else {
            return Ok(());
        };
        v.write_segment(&k, Some(&seg), ops)?;
        if self.was_open != Some(k) {
            v.name_open_segment(&k, ops);
        }
        Ok(())
    }
}
