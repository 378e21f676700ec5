//! Time-stamp tokens in a bundle (FORMAT.md 13.2, manifest versions 2 and 3).
use super::{
    reject, Manifest, MAX_TOKENS, MAX_TOKENS_PER_EVENT, VERSION, VERSION_COMPACT, VERSION_CSV,
    VERSION_MODELLED, VERSION_RECOGNISED,
};
use crate::error::Result;
use crate::words;

impl Manifest {
    /// A version 1 manifest carries no token; a version 2 one at least one (version 3, either),
    /// each well
    /// formed, and each record's references to them well formed, no two the same.
    pub(super) fn validate_timestamps(&self) -> Result<()> {
        let covered = self.records.iter().any(|r| !r.timestamps.is_empty());
        match self.version {
            VERSION if self.timestamps.is_empty() && !covered => return Ok(()),
            VERSION => return Err(reject(words!("d-manifest-v1-timestamps"))),
            VERSION_RECOGNISED | VERSION_MODELLED | VERSION_CSV
                if self.timestamps.is_empty() && !covered =>
            {
                return Ok(())
            }
            // The records are read one by one after the manifest; the stream's end checks
            // that some record refers to the tokens (`compact::Reading::finish`).
            VERSION_COMPACT if self.timestamps.is_empty() => return Ok(()),
            VERSION_COMPACT => {}
            _ if self.timestamps.is_empty() || !covered => {
                return Err(reject(words!("d-manifest-timestamps-unused")))
            }
            _ => {}
        }
        let distinct: std::collections::HashSet<&str> =
            self.timestamps.iter().map(|t| t.token.as_str()).collect();
        if self.timestamps.len() > MAX_TOKENS
            || distinct.len() != self.timestamps.len()
            || !self.timestamps.iter().all(|t| t.well_formed())
        {
            return Err(reject(words!("d-manifest-timestamps-malformed")));
        }
        self.records
            .iter()
            .try_for_each(|r| self.check_record_timestamps(r))
    }

    /// One record's references to the bundle's tokens: no more than [`MAX_TOKENS_PER_EVENT`]
    /// an event, each to a token and an event there are, no two the same.
    pub(super) fn check_record_timestamps(&self, r: &super::ManifestRecord) -> Result<()> {
        if r.timestamps.len() > MAX_TOKENS_PER_EVENT * r.custody.len() {
            return Err(reject(words!("d-manifest-record-timestamps", id = &r.id)));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &r.timestamps {
            if !c.well_formed(self.timestamps.len(), r.custody.len())
                || !seen.insert((c.entry, c.token))
            {
                return Err(reject(words!(
                    "d-manifest-record-timestamp-bad",
                    id = &r.id
                )));
            }
        }
        Ok(())
    }
}
