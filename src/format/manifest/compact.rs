//! Manifest version 6 (FORMAT.md 13.1, 13.2): the manifest lists files, not records. Each
//! record is in its `records/<id>/record.json` alone, listed in `files` and followed there,
//! and in the tar, by its parts; a reader checks each record as it streams by.
use std::collections::HashMap;

use super::{
    canonical_id, csv, reject, FileEntry, Manifest, ManifestRecord, MAX_RECORDS_JSON, SUMS_PATH,
    VERSION_COMPACT,
};
use crate::error::Result;
use crate::words;
use crate::RecordId;

/// The id in a `records/<id>/record.json` path, if it is one (and not a part's file named
/// `record.json`, `records/<id>/parts/record.json`).
pub fn record_json_id(path: &str) -> Option<&str> {
    let id = path
        .strip_prefix("records/")?
        .strip_suffix("/record.json")?;
    (!id.contains('/')).then_some(id)
}

impl Manifest {
    /// Version 6: each record's id, in the order of `files`.
    pub fn compact_ids(&self) -> Vec<RecordId> {
        (self.files.iter())
            .filter_map(|f| record_json_id(&f.path))
            .map(|id| RecordId::from_hex(id).expect("validated"))
            .collect()
    }

    /// Version 6: `files` is `SHA256SUMS`, then `import.csv` if the bundle has one, then for
    /// each record its `record.json` and after it the files of its parts, and nothing else.
    pub(super) fn validate_compact(&self) -> Result<()> {
        if self.version != VERSION_COMPACT {
            return Ok(());
        }
        let mut files = self.files.iter().peekable();
        if files.next().map(|f| f.path.as_str()) != Some(SUMS_PATH) {
            return Err(reject(words!(
                "d-manifest-compact-order",
                path = "SHA256SUMS"
            )));
        }
        files.next_if(|f| f.path == csv::CSV_PATH);
        let mut record: Option<&str> = None;
        let mut records_json = 0u64;
        for (i, f) in files.enumerate() {
            let path = f.path.as_str();
            if let Some(id) = record_json_id(path) {
                canonical_id(&format!("files[{i}]"), id)?;
                record = Some(id);
                records_json = records_json.saturating_add(f.size);
                if records_json > MAX_RECORDS_JSON {
                    return Err(reject(words!(
                        "d-manifest-records-too-large",
                        bytes = self.records_json_bytes(),
                        most = MAX_RECORDS_JSON
                    )));
                }
                continue;
            }
            let of_record = record.is_some_and(|id| {
                path.strip_prefix("records/")
                    .and_then(|p| p.strip_prefix(id))
                    .is_some_and(|p| p.starts_with("/parts/"))
            });
            if !of_record {
                let path = format!("{path:?}");
                return Err(reject(words!("d-manifest-compact-order", path = path)));
            }
        }
        Ok(())
    }

    /// Version 6: how many bytes of `record.json` files the manifest lists.
    fn records_json_bytes(&self) -> u64 {
        (self.files.iter())
            .filter(|f| record_json_id(&f.path).is_some())
            .fold(0u64, |n, f| n.saturating_add(f.size))
    }

    /// Version 6: a record as read from its `record.json` at `files[at]`, after its bytes
    /// matched the listed SHA-256: the record the path names, its parts exactly the files
    /// listed after it, in order, and every rule a record of an earlier version follows.
    /// `n` is its place among the bundle's records, for the errors.
    pub fn check_compact_record(
        &self,
        n: usize,
        at: usize,
        r: &ManifestRecord,
        listed: &HashMap<&str, &FileEntry>,
    ) -> Result<()> {
        let path = &self.files[at].path;
        if record_json_id(path) != Some(r.id.as_str()) {
            let path = format!("{path:?}");
            return Err(reject(words!("d-bundle-record-json-id", path = path)));
        }
        self.check_record_fields(n, r, listed)?;
        self.check_record_timestamps(r)?;
        super::recognised::check_recognised(r)?;
        super::case::check_model(r)?;
        let following = self.files[at + 1..]
            .iter()
            .take_while(|f| record_json_id(&f.path).is_none());
        if !following
            .map(|f| &f.path)
            .eq(r.parts.iter().map(|p| &p.path))
        {
            return Err(reject(words!("d-manifest-compact-parts", id = &r.id)));
        }
        Ok(())
    }

    /// Version 6, once every record was read (`timestamped`: some record refers to a
    /// token): the tokens, if the bundle has any, are referred to by some record (as
    /// version 2 requires of its manifest).
    pub fn check_compact_end(&self, timestamped: bool) -> Result<()> {
        if !self.timestamps.is_empty() && !timestamped {
            return Err(reject(words!("d-manifest-timestamps-unused")));
        }
        Ok(())
    }
}
