//! What an export is asked to do, and what it reports having done.
use super::Selection;

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The contact's name.
    pub to: String,
    pub selection: Selection,
    /// Include identity parts (needs the custodian key on this device).
    pub with_identities: bool,
    /// Keep image metadata (EXIF, GPS, …) instead of removing it.
    pub keep_metadata: bool,
    /// Include the text recognised in scans (left out otherwise).
    pub with_ocr: bool,
    /// Send records whose consent does not cover the contact, for this reason (logged in
    /// each such record's chain of custody, the reason kept in the vault).
    pub override_consent: Option<String>,
    /// Also carry `import.csv`, the records' metadata for Uwazi (FORMAT.md 11.1).
    pub csv: bool,
}

/// What an export did.
#[derive(Debug, Default, serde::Serialize)]
pub struct ExportReport {
    pub bundle_id: String,
    pub records: usize,
    pub files: usize,
    /// Bytes of plaintext in the bundle's files.
    pub bytes: u64,
    /// SHA-256 of the bundle file as written.
    pub sha256: String,
    /// Images whose metadata was removed: (bundle record id, part name).
    pub cleaned: Vec<(String, String)>,
    /// Parts in formats that can carry metadata that Amanat does not remove:
    /// (bundle record id, part name, format).
    pub not_cleaned: Vec<(String, String, String)>,
    /// Parts whose file name or text names a code of their record (its witness's or a
    /// person's), exported as they are: (bundle record id, part name). (The name stayed from
    /// when only the witness code was looked for.)
    pub mentions_witness_code: Vec<(String, String)>,
    /// Fields of a record's metadata (title, tags, place, interviewer, note, status place,
    /// verification) that still hold a code of the record inside a longer word, exported as
    /// they are: (bundle record id, field).
    pub metadata_mentions_code: Vec<(String, String)>,
    /// Records sent although their consent did not cover the contact (`--override-consent`):
    /// bundle record ids.
    pub consent_overridden: Vec<String>,
    /// Records sent without any consent recorded.
    pub consent_unrecorded: usize,
    /// What asking the time-stamp authorities before the export came to; `None` when none
    /// is configured (the bundle then carries no token).
    pub timestamping: Option<crate::vault::timestamps::Timestamping>,
    /// How many time-stamp tokens the bundle carries.
    pub timestamps: usize,
}
