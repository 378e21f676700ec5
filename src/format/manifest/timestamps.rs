//! Time-stamp tokens in a bundle (FORMAT.md 13.2, manifest versions 2 and 3).
use super::{reject, Manifest, MAX_TOKENS, MAX_TOKENS_PER_EVENT, VERSION, VERSION_RECOGNISED};
use crate::error::Result;

impl Manifest {
    /// A version 1 manifest carries no token; a version 2 one at least one (version 3, either),
    /// each well
    /// formed, and each record's references to them well formed, no two the same.
    pub(super) fn validate_timestamps(&self) -> Result<()> {
        let covered = self.records.iter().any(|r| !r.timestamps.is_empty());
        match self.version {
            VERSION if self.timestamps.is_empty() && !covered => return Ok(()),
            VERSION => return Err(reject("a version 1 manifest carries time-stamp tokens")),
            VERSION_RECOGNISED if self.timestamps.is_empty() && !covered => return Ok(()),
            _ if self.timestamps.is_empty() || !covered => {
                return Err(reject(
                    "a version 2 or 3 manifest carries no time-stamp token it uses, or uses one it does not carry",
                ))
            }
            _ => {}
        }
        let distinct: std::collections::HashSet<&str> =
            self.timestamps.iter().map(|t| t.token.as_str()).collect();
        if self.timestamps.len() > MAX_TOKENS
            || distinct.len() != self.timestamps.len()
            || !self.timestamps.iter().all(|t| t.well_formed())
        {
            return Err(reject(
                "the manifest's time-stamp tokens are too many, repeated or malformed",
            ));
        }
        for r in &self.records {
            if r.timestamps.len() > MAX_TOKENS_PER_EVENT * r.custody.len() {
                return Err(reject(format!(
                    "record {} names too many time-stamps",
                    r.id
                )));
            }
            let mut seen = std::collections::HashSet::new();
            for c in &r.timestamps {
                if !c.well_formed(self.timestamps.len(), r.custody.len())
                    || !seen.insert((c.entry, c.token))
                {
                    return Err(reject(format!(
                        "record {} names a time-stamp that is out of range, repeated or malformed",
                        r.id
                    )));
                }
            }
        }
        Ok(())
    }
}
