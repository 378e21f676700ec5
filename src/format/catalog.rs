//! The catalog: one sealed index entry per record, for listing and search without an
//! X25519 operation per record (FORMAT.md, "Catalog").
//!
//! Entries are sealed with [`crate::crypto::symmetric`] under the keyring's catalog key. The
//! catalog is a cache of what the sealed records say; `check` compares the two.
//! The words search looks for are kept in the search index ([`crate::format::index`]), so that
//! `list` never reads them.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::format::case::Case;
use crate::format::record::{Metadata, PartKind};

/// Version byte in front of every catalog entry.
pub const ENTRY_VERSION: u8 = 2;
/// Entries written by format 8 and before: without `case` (read as `None`).
pub const ENTRY_VERSION_UNMODELLED: u8 = 1;
/// Largest plaintext of one search-text chunk.
pub const SEARCH_CHUNK: usize = 32 * 1024;
/// How much testimony text is indexed for search.
pub const MAX_SEARCH_TEXT: usize = 4 * 1024 * 1024;

/// A part as the catalog describes it.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct PartSummary {
    #[zeroize(skip)]
    pub kind: PartKind,
    pub name: String,
    pub size: u64,
}

/// One record's catalog entry.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct CatalogEntry {
    /// When the record was added (Unix seconds, UTC).
    pub created: i64,
    /// Metadata; `None` on a collector, which must not be able to read it.
    pub meta: Option<Metadata>,
    /// Parts; empty on a collector.
    pub parts: Vec<PartSummary>,
    /// Bytes the record occupies in the vault (sealed body plus objects).
    pub sealed_size: u64,
    /// The record's object files, so a collector (which cannot open the body) can move and
    /// remove them.
    #[zeroize(skip)]
    pub objects: Vec<[u8; 16]>,
    /// The record's persons, consent, status events and verification (entry version 2);
    /// `None` when it has none, and on a collector.
    pub case: Option<Case>,
}

impl CatalogEntry {
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![ENTRY_VERSION]);
        out.extend_from_slice(&Zeroizing::new(
            postcard::to_allocvec(self).expect("catalog entries serialize"),
        ));
        out
    }

    pub fn decode(b: &[u8]) -> Option<CatalogEntry> {
        match b.split_first() {
            Some((&ENTRY_VERSION, rest)) => postcard::from_bytes(rest).ok(),
            Some((&ENTRY_VERSION_UNMODELLED, rest)) => {
                let mut v = Zeroizing::new(Vec::with_capacity(rest.len() + 1));
                v.extend_from_slice(rest);
                v.push(0);
                postcard::from_bytes(&v).ok()
            }
            _ => None,
        }
    }

    /// The record's case, empty if it has none.
    pub fn case(&self) -> &Case {
        static EMPTY: std::sync::OnceLock<Case> = std::sync::OnceLock::new();
        self.case
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(Case::default))
    }

    /// The date used by `--since`/`--until`: the interview date, else the day it was added.
    pub fn effective_date(&self) -> Option<jiff::civil::Date> {
        if let Some(d) = self.meta.as_ref().and_then(|m| m.date.as_deref()) {
            if let Ok(d) = d.parse() {
                return Some(d);
            }
        }
        jiff::Timestamp::from_second(self.created)
            .ok()
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
    }
}

/// The words the search index holds for a record: the distinct normalized words of its
/// title, tags, place, note, witness code and the codes of the persons it names (7.4), then those of its testimony (`testimony`, as
/// [`crate::format::text::index_words`] makes them), joined by single spaces; a word in both may
/// appear twice (the index keeps it once).
pub fn record_words(meta: &Metadata, case: &Case, testimony: Option<&str>) -> Zeroizing<String> {
    let mut fields = Zeroizing::new(String::new());
    for f in [Some(&meta.title), meta.place.as_ref(), meta.note.as_ref()]
        .into_iter()
        .flatten()
        .chain(&meta.tags)
        .map(String::as_str)
        .chain(case.codes(meta.witness.as_deref()))
    {
        fields.push_str(f);
        fields.push(' ');
    }
    let mut words = crate::format::text::index_words(&fields);
    if let Some(t) = testimony.filter(|t| !t.is_empty()) {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(t);
    }
    words
}

/// Key of search chunk `seq` of a record: `id || u16be(seq)`.
pub fn search_key(id: &[u8; 16], seq: u16) -> [u8; 18] {
    let mut k = [0u8; 18];
    k[..16].copy_from_slice(id);
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// Bytes by which consecutive search chunks overlap (at most).
const OVERLAP: usize = 256;

/// Splits normalized text into chunks of at most [`SEARCH_CHUNK`] bytes on char boundaries.
/// A term spanning a boundary would be missed, so chunks overlap by up to 256 bytes.
/// Vaults no longer store text this way; [`unchunk_text`] reads what older ones stored.
pub fn chunk_text(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + SEARCH_CHUNK).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&text[start..end]);
        if end == text.len() {
            break;
        }
        let mut next = end.saturating_sub(OVERLAP).max(start + 1);
        while !text.is_char_boundary(next) {
            next += 1;
        }
        start = next;
    }
    out
}

/// The text [`chunk_text`] cut into `chunks`: each chunk after the first starts where
/// `chunk_text` started it, computed from the text reassembled so far.
pub fn unchunk_text(chunks: &[&str]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::new());
    let mut start = 0;
    for (i, c) in chunks.iter().enumerate() {
        if i > 0 {
            let end = text.len();
            let mut next = end.saturating_sub(OVERLAP).max(start + 1).min(end);
            while !text.is_char_boundary(next) {
                next += 1;
            }
            text.truncate(next);
            start = next;
        }
        text.push_str(c);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchunking_restores_the_text() {
        for text in [
            String::new(),
            "abc".into(),
            "слово ".repeat(20_000),
            "乌鲁木齐 teacher ".repeat(9_000),
            "x".repeat(SEARCH_CHUNK * 3 + 5),
        ] {
            assert_eq!(*unchunk_text(&chunk_text(&text)), text);
        }
    }

    #[test]
    fn chunks_cover_text_with_overlap() {
        let text = "қ".repeat(40_000); // 80,000 bytes
        let chunks = chunk_text(&text);
        assert!(chunks.len() >= 3);
        assert!(chunks.iter().all(|c| c.len() <= SEARCH_CHUNK));
        let first_end = chunks[0].len();
        assert!(first_end > SEARCH_CHUNK - 4);
        assert!(chunk_text("").is_empty());
        assert_eq!(chunk_text("abc"), vec!["abc"]);
    }

    #[test]
    fn entry_round_trips() {
        let mut meta = Metadata::default();
        meta.title = "t".into();
        let e = CatalogEntry {
            created: 5,
            meta: Some(meta),
            parts: vec![PartSummary {
                kind: PartKind::Testimony,
                name: "a".into(),
                size: 3,
            }],
            sealed_size: 99,
            objects: vec![[1; 16]],
            case: None,
        };
        let d = CatalogEntry::decode(&e.encode()).unwrap();
        assert_eq!(d.meta.as_ref().unwrap().title, "t");
        assert_eq!(d.sealed_size, 99);
        assert!(CatalogEntry::decode(&[3, 0]).is_none());
        // An entry of format 8 (version 1) ends before `case`.
        let enc = e.encode();
        let mut v1 = vec![ENTRY_VERSION_UNMODELLED];
        v1.extend_from_slice(&enc[1..enc.len() - 1]);
        let d = CatalogEntry::decode(&v1).unwrap();
        assert!(d.case.is_none() && d.sealed_size == 99);
    }
}
