//! Search index segments as the vault opens them (FORMAT.md 8.3): decoding for a change,
//! matching a query, listing records. Must never panic on any plaintext; a segment that
//! decodes re-encodes to bytes that decode to the same segment.
#![no_main]
use libfuzzer_sys::fuzz_target;

use amanat::format::index::{self, Segment};

fuzz_target!(|data: &[u8]| {
    let query = amanat::format::text::Query::new(&amanat::format::text::terms("a б 乌"));
    let matched = index::matches(data, &query);
    let ids = index::record_ids(data).map(|i| i.count());
    if let Some(seg) = Segment::decode(data) {
        // What decodes also matches and lists its records.
        assert!(matched.is_some());
        assert_eq!(ids, Some(seg.ids.len()));
        let plain = seg.encode();
        let again = Segment::decode(&plain).expect("an encoded segment decodes");
        assert_eq!(again.encode(), plain);
        // The same records in the same order hold the same words.
        assert_eq!(index::matches(&plain, &query), matched);
    }
});
