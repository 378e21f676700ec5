//! The search index: the testimony words of up to 256 records in one sealed segment
//! (FORMAT.md, "Search index").
//!
//! A query then scans each segment's distinct words, a few hundred small values for a
//! large vault, instead of the search text of every record. Segments are sealed with the
//! catalog key like catalog entries; this module only encodes, decodes and matches them.
use std::collections::HashMap;

use zeroize::{Zeroize, Zeroizing};

use crate::format::id::RecordId;
use crate::format::text::{FxBuild, Query};

/// Key of the sealed pointer to the segment that new records join.
pub const OPEN_KEY: &[u8] = b"open";
/// Most records in one segment.
pub const SEGMENT_RECORDS: usize = 256;
/// A record joins a non-empty segment only while the segment's words stay under this many
/// bytes, so a rewrite for one added record stays small.
pub const SEGMENT_TEXT: usize = 512 * 1024;
/// Version byte in front of every segment written now: its words are normalized as search
/// compares them since format 8 (FORMAT.md 8.3).
pub const VERSION: u8 = 2;
/// Version byte of a segment written by format 7 or earlier, whose words were folded by case
/// only: read by folding its words first ([`Segment::decode`], [`matches()`]).
pub const VERSION_CASE_ONLY: u8 = 1;
/// Set in the `meta` tree once every record is in the index (FORMAT.md 8.4), to
/// [`FOLDED`], or to `%x01` by format 7 and earlier, whose words were not folded yet.
pub const META_KEY: &str = "index";
/// `meta` key set to `%x01` once every record's search words hold its witness and person
/// codes (FORMAT.md 3, "Migration from version 8"); a new vault has it from `init`.
pub const CODES_KEY: &str = "codes";
/// The value of `meta`/[`META_KEY`] once every record is in the index and every word is
/// normalized as format 8 compares (FORMAT.md 8.3).
pub const FOLDED: u8 = 2;
/// A posting list of this many records or more is stored as a bitmap.
const LIST_MAX: usize = 32;
/// The tag byte of a bitmap posting.
const BITMAP: u8 = 0xff;

/// A segment being changed: its records, and for each distinct word the indices (into
/// `ids`) of the records whose testimony holds it. Words are wiped when it is dropped.
#[derive(Default)]
pub struct Segment {
    pub ids: Vec<RecordId>,
    words: HashMap<String, Vec<u8>, FxBuild>,
    text_len: usize,
}

impl Drop for Segment {
    fn drop(&mut self) {
        for (mut w, _) in self.words.drain() {
            w.zeroize();
        }
    }
}

impl Segment {
    /// Whether a record with `words` (as [`crate::format::text::index_words`] makes them) fits.
    pub fn has_room_for(&self, words: &str) -> bool {
        self.ids.is_empty()
            || (self.ids.len() < SEGMENT_RECORDS && self.text_len + words.len() < SEGMENT_TEXT)
    }

    /// Adds a record whose distinct words are `words`, joined by single spaces.
    pub fn add(&mut self, id: RecordId, words: &str) {
        assert!(
            self.ids.len() < SEGMENT_RECORDS,
            "a segment holds 256 records"
        );
        let r = self.ids.len() as u8;
        self.ids.push(id);
        for w in words.split(' ').filter(|w| !w.is_empty()) {
            match self.words.get_mut(w) {
                Some(p) => {
                    if p.last() != Some(&r) {
                        p.push(r);
                    }
                }
                None => {
                    self.text_len += w.len() + 1;
                    self.words.insert(w.to_owned(), vec![r]);
                }
            }
        }
    }

    /// Removes a record; returns whether it was in the segment.
    pub fn remove(&mut self, id: &RecordId) -> bool {
        let Some(i) = self.ids.iter().position(|x| x == id) else {
            return false;
        };
        self.ids.remove(i);
        let i = i as u8;
        let mut emptied = Vec::new();
        for (w, p) in self.words.iter_mut() {
            p.retain(|&r| r != i);
            for r in p.iter_mut() {
                if *r > i {
                    *r -= 1;
                }
            }
            if p.is_empty() {
                emptied.push(w.clone());
            }
        }
        for mut w in emptied {
            if let Some((mut k, _)) = self.words.remove_entry(&w) {
                self.text_len -= k.len() + 1;
                k.zeroize();
            }
            w.zeroize();
        }
        true
    }

    /// Normalizes every word again ([`crate::format::text::normalize`]): words stored by a
    /// version that folded less (format 7 and earlier) become what a query now looks for.
    /// Words that become one share the records of each; a word that becomes nothing (only
    /// ъ and ь) goes. Returns whether anything changed.
    pub fn refold(&mut self) -> bool {
        let mut changed = false;
        let mut words: HashMap<String, Vec<u8>, FxBuild> =
            HashMap::with_capacity_and_hasher(self.words.len(), FxBuild::default());
        for (mut w, p) in self.words.drain() {
            let mut folded = crate::format::text::normalize(&w);
            changed |= folded != w;
            w.zeroize();
            // Split again as index_words does (NFKC can put a space inside a word); an
            // empty word is no word.
            for piece in folded.split_whitespace() {
                let entry = words.entry(piece.to_owned()).or_default();
                entry.extend_from_slice(&p);
                entry.sort_unstable();
                entry.dedup();
            }
            folded.zeroize();
        }
        self.text_len = words.keys().map(|w| w.len() + 1).sum();
        self.words = words;
        changed
    }

    /// The words of one record, in byte order, joined by spaces.
    pub fn words_of(&self, id: &RecordId) -> Option<Zeroizing<String>> {
        let i = self.ids.iter().position(|x| x == id)? as u8;
        let mut words: Vec<&str> = self
            .words
            .iter()
            .filter(|(_, p)| p.contains(&i))
            .map(|(w, _)| w.as_str())
            .collect();
        words.sort_unstable();
        Some(Zeroizing::new(words.join(" ")))
    }

    /// The plaintext to seal:
    /// `%x01 n:u16be id[16]*n count:u32be len:u32be words[len] posting*count`.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut words: Vec<(&String, &Vec<u8>)> = self.words.iter().collect();
        // Sorted, so equal segments encode alike.
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let text_len = words.iter().map(|(w, _)| w.len() + 1).sum::<usize>();
        let mut out = Zeroizing::new(Vec::with_capacity(
            11 + 16 * self.ids.len() + text_len + 8 * words.len(),
        ));
        out.push(VERSION);
        out.extend_from_slice(&(self.ids.len() as u16).to_be_bytes());
        for id in &self.ids {
            out.extend_from_slice(&id.0);
        }
        out.extend_from_slice(&(words.len() as u32).to_be_bytes());
        out.extend_from_slice(&(text_len.saturating_sub(1) as u32).to_be_bytes());
        for (i, (w, _)) in words.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(w.as_bytes());
        }
        for (_, p) in &words {
            if p.len() < LIST_MAX {
                out.push(p.len() as u8 - 1);
                out.extend_from_slice(p);
            } else {
                out.push(BITMAP);
                let mut bits = [0u8; 32];
                for &r in p.iter() {
                    bits[r as usize / 8] |= 1 << (r % 8);
                }
                out.extend_from_slice(&bits);
            }
        }
        out
    }

    /// Decodes a segment's plaintext for changing it; `None` if it is malformed. The words
    /// of a segment of format 7 or earlier are normalized as search now compares them, so
    /// whatever changes a segment writes it in the current form.
    pub fn decode(plain: &[u8]) -> Option<Segment> {
        let mut seg = Segment::decode_as_stored(plain)?;
        if plain.first() == Some(&VERSION_CASE_ONLY) {
            seg.refold();
        }
        Some(seg)
    }

    fn decode_as_stored(plain: &[u8]) -> Option<Segment> {
        let v = View::parse(plain)?;
        let text = std::str::from_utf8(v.text).ok()?;
        let mut seg = Segment {
            ids: v
                .ids
                .chunks_exact(16)
                .map(|c| RecordId::from_slice(c).expect("16 bytes"))
                .collect(),
            words: HashMap::with_capacity_and_hasher(v.count, FxBuild::default()),
            text_len: 0,
        };
        let mut postings = Postings::new(v.postings, v.n);
        for w in text.split(' ').filter(|_| v.count > 0) {
            let mut p = Vec::new();
            postings.next_into(&mut |r| p.push(r))?;
            seg.text_len += w.len() + 1;
            if seg.words.insert(w.to_owned(), p).is_some() {
                return None;
            }
        }
        postings.finished().then_some(seg)
    }
}

/// A segment's plaintext, split into its parts without copying.
struct View<'a> {
    n: usize,
    ids: &'a [u8],
    count: usize,
    text: &'a [u8],
    postings: &'a [u8],
}

fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if b.len() < n {
        return None;
    }
    let (head, rest) = b.split_at(n);
    *b = rest;
    Some(head)
}

impl<'a> View<'a> {
    fn parse(plain: &'a [u8]) -> Option<View<'a>> {
        let mut b = plain;
        if ![[VERSION], [VERSION_CASE_ONLY]].contains(&take(&mut b, 1)?.try_into().ok()?) {
            return None;
        }
        let n = u16::from_be_bytes(take(&mut b, 2)?.try_into().ok()?) as usize;
        if n == 0 || n > SEGMENT_RECORDS {
            return None;
        }
        let ids = take(&mut b, 16 * n)?;
        let count = u32::from_be_bytes(take(&mut b, 4)?.try_into().ok()?) as usize;
        let len = u32::from_be_bytes(take(&mut b, 4)?.try_into().ok()?) as usize;
        let text = take(&mut b, len)?;
        // `count` words joined by single spaces: none empty, so no space at either end or
        // next to another.
        // (A segment whose records have no indexable words has none.)
        let spaces = memchr::memchr_iter(b' ', text).count();
        let well_formed = if count == 0 {
            text.is_empty()
        } else {
            spaces + 1 == count
                && text.first() != Some(&b' ')
                && text.last() != Some(&b' ')
                && memchr::memmem::find(text, b"  ").is_none()
        };
        if !well_formed {
            return None;
        }
        Some(View {
            n,
            ids,
            count,
            text,
            postings: b,
        })
    }
}

/// Reads posting lists one word at a time, checking each.
struct Postings<'a> {
    b: &'a [u8],
    n: usize,
}

impl<'a> Postings<'a> {
    fn new(b: &'a [u8], n: usize) -> Self {
        Postings { b, n }
    }

    /// Calls `f` with each record index of the next word's list, in ascending order.
    fn next_into(&mut self, f: &mut dyn FnMut(u8)) -> Option<()> {
        let tag = take(&mut self.b, 1)?[0];
        if tag == BITMAP {
            let bits = take(&mut self.b, 32)?;
            let mut any = false;
            for (i, byte) in bits.iter().enumerate() {
                for j in 0..8 {
                    if byte & (1 << j) != 0 {
                        let r = i * 8 + j;
                        if r >= self.n {
                            return None;
                        }
                        any = true;
                        f(r as u8);
                    }
                }
            }
            return any.then_some(());
        }
        if tag as usize >= LIST_MAX {
            return None;
        }
        let list = take(&mut self.b, tag as usize + 1)?;
        let mut last = None;
        for &r in list {
            if r as usize >= self.n || last.is_some_and(|l| l >= r) {
                return None;
            }
            last = Some(r);
            f(r);
        }
        Some(())
    }

    /// Skips the next word's list.
    fn skip(&mut self) -> Option<()> {
        let tag = take(&mut self.b, 1)?[0];
        let len = if tag == BITMAP { 32 } else { tag as usize + 1 };
        take(&mut self.b, len).map(drop)
    }

    fn finished(&self) -> bool {
        self.b.is_empty()
    }
}

/// Whether a segment's plaintext was written before format 8 (its words folded by case
/// only): the first unlock moves it ([`Segment::decode`] folds it).
pub fn is_case_only(plain: &[u8]) -> bool {
    plain.first() == Some(&VERSION_CASE_ONLY)
}

/// How many records a segment's plaintext holds; `None` if it is malformed.
pub fn record_count(plain: &[u8]) -> Option<usize> {
    View::parse(plain).map(|v| v.n)
}

/// The records of a segment's plaintext (for finding the segment that holds a record).
pub fn record_ids(plain: &[u8]) -> Option<impl Iterator<Item = RecordId> + '_> {
    let v = View::parse(plain)?;
    Some(
        v.ids
            .chunks_exact(16)
            .map(|c| RecordId::from_slice(c).expect("16 bytes")),
    )
}

/// Which terms of `query` occur in the testimony words of each record of a segment: one
/// bit per term, as [`Query::mark`] sets them; records with none are left out. `None` if
/// the plaintext is malformed.
pub fn matches(plain: &[u8], query: &Query) -> Option<Vec<(RecordId, u64)>> {
    if plain.first() == Some(&VERSION_CASE_ONLY) {
        // Written before format 8 and not moved yet (an interrupted move, an older binary's
        // writes, a journal replayed from before the move): its words folded first, so that
        // search finds what it holds whatever state the vault is in.
        let current = Segment::decode(plain)?.encode();
        return matches(&current, query);
    }
    let v = View::parse(plain)?;
    // (word index, term bit) of every occurrence of a term.
    let mut hits: Vec<(u32, u64)> = Vec::new();
    let mut starts: Option<Vec<u32>> = None;
    for (finder, bit) in query.finders() {
        for pos in finder.find_iter(v.text) {
            let starts = starts.get_or_insert_with(|| {
                std::iter::once(0)
                    .chain(memchr::memchr_iter(b' ', v.text).map(|s| s as u32 + 1))
                    .collect()
            });
            let word = starts.partition_point(|&s| s as usize <= pos) - 1;
            hits.push((word as u32, *bit));
        }
    }
    if hits.is_empty() {
        return Some(vec![]);
    }
    hits.sort_unstable();
    let mut found = [0u64; SEGMENT_RECORDS];
    let mut postings = Postings::new(v.postings, v.n);
    let mut next = hits.iter().peekable();
    for word in 0..v.count as u32 {
        let Some(&&(w, _)) = next.peek() else { break };
        if w != word {
            postings.skip()?;
            continue;
        }
        let mut bits = 0;
        while let Some(&&(w, b)) = next.peek() {
            if w != word {
                break;
            }
            bits |= b;
            next.next();
        }
        postings.next_into(&mut |r| found[r as usize] |= bits)?;
    }
    Some(
        v.ids
            .chunks_exact(16)
            .zip(found)
            .filter(|(_, f)| *f != 0)
            .map(|(c, f)| (RecordId::from_slice(c).expect("16 bytes"), f))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> RecordId {
        RecordId([n; 16])
    }

    fn query(q: &str) -> Query {
        Query::new(&crate::format::text::terms(q))
    }

    #[test]
    fn a_segment_finds_substrings_of_words_per_record() {
        let mut s = Segment::default();
        s.add(id(1), "лагерь teacher ürümqi");
        s.add(id(2), "teacher school");
        s.add(id(3), "乌鲁木齐 night");
        let plain = s.encode();
        let q = query("teach");
        assert_eq!(matches(&plain, &q).unwrap(), vec![(id(1), 1), (id(2), 1)]);
        let q = query("木齐 NIGHT school");
        assert_eq!(matches(&plain, &q).unwrap(), vec![(id(2), 4), (id(3), 3)]);
        assert!(matches(&plain, &query("absent")).unwrap().is_empty());
    }

    #[test]
    fn removing_a_record_forgets_its_words_and_renumbers_the_rest() {
        let mut s = Segment::default();
        for n in 0..40 {
            s.add(id(n), &format!("common w{n}"));
        }
        s.add(id(99), "only-here common");
        assert!(s.remove(&id(0)));
        assert!(!s.remove(&id(0)));
        assert!(s.remove(&id(99)));
        let plain = s.encode();
        assert!(memchr::memmem::find(&plain, b"only-here").is_none());
        assert!(memchr::memmem::find(&plain, b"w0 ").is_none());
        let got = matches(&plain, &query("common")).unwrap();
        assert_eq!(got.len(), 39);
        assert_eq!(got[0], (id(1), 1));
        let got = matches(&plain, &query("w39")).unwrap();
        assert_eq!(got, vec![(id(39), 1)]);
        let again = Segment::decode(&plain).unwrap();
        assert_eq!(again.encode(), plain);
    }

    #[test]
    fn malformed_segments_are_refused() {
        let mut s = Segment::default();
        s.add(id(1), "a b");
        let plain = s.encode();
        assert!(Segment::decode(&plain).is_some());
        for cut in 0..plain.len() {
            assert!(Segment::decode(&plain[..cut]).is_none(), "cut at {cut}");
        }
        let mut bad = plain.to_vec();
        *bad.last_mut().unwrap() = 1; // a record index past the segment's one record
        assert!(Segment::decode(&bad).is_none());
        assert!(matches(&bad, &query("b")).is_none());
        let mut trailing = plain.to_vec();
        trailing.push(0);
        assert!(Segment::decode(&trailing).is_none());
    }

    #[test]
    fn a_full_segment_has_no_room() {
        let mut s = Segment::default();
        assert!(s.has_room_for(&"x".repeat(SEGMENT_TEXT * 2)));
        for n in 0..SEGMENT_RECORDS {
            s.add(RecordId([n as u8; 16]), "w");
        }
        assert!(!s.has_room_for("w"));
        let plain = s.encode();
        let got = matches(&plain, &query("w")).unwrap();
        assert_eq!(got.len(), SEGMENT_RECORDS);
    }

    proptest! {
        /// A segment answers every term as a substring search over each record's words does.
        #[test]
        fn segment_matches_equal_a_scan_of_each_records_words(
            texts in proptest::collection::vec("[abcй乌 ]{0,30}", 1..60),
            q in "[abcй乌]{1,3}( [abcй乌]{1,3}){0,2}",
            remove in proptest::collection::vec(any::<u8>(), 0..5),
        ) {
            let mut s = Segment::default();
            let mut kept = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                let words = crate::format::text::index_words(t);
                s.add(id(i as u8), &words);
                kept.push((id(i as u8), words));
            }
            for r in remove {
                let victim = id(r % texts.len() as u8);
                s.remove(&victim);
                kept.retain(|(x, _)| *x != victim);
            }
            let query = query(&q);
            let plain = s.encode();
            let mut want = Vec::new();
            for (x, words) in &kept {
                let mut found = 0;
                query.mark(words.as_bytes(), &mut found);
                if found != 0 {
                    want.push((*x, found));
                }
            }
            if kept.is_empty() {
                prop_assert!(View::parse(&plain).is_none());
            } else {
                prop_assert_eq!(matches(&plain, &query).unwrap(), want);
                let again = Segment::decode(&plain).unwrap();
                prop_assert_eq!(again.encode(), plain);
            }
        }
    }
}
