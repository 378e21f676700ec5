//! The bundle manifest (FORMAT.md, "Manifest"): what a bundle holds, signed by the sender.
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, Words};
use crate::words;

/// The `format` field of every manifest.
pub const FORMAT: &str = "amanat-bundle";
/// The manifest version of a bundle without time-stamp tokens.
pub const VERSION: u32 = 1;
/// The manifest version of a bundle that carries time-stamp tokens (FORMAT.md 13.2).
pub const VERSION_STAMPED: u32 = 2;
/// The manifest version of a bundle that carries recognised text, or records whose chain
/// logs it, with or without tokens (FORMAT.md 13.2).
pub const VERSION_RECOGNISED: u32 = 3;
/// The manifest version of a bundle that carries the testimony model (FORMAT.md 13.2),
/// with or without recognised text and tokens.
pub const VERSION_MODELLED: u32 = 4;
/// The manifest version of a partner bundle that carries `import.csv` (FORMAT.md 11.1,
/// 13.2), with or without the model, recognised text and tokens.
pub const VERSION_CSV: u32 = 5;
/// The manifest version of a partner bundle whose records are only in their `record.json`,
/// each followed by its parts, in a tar compressed with gzip (FORMAT.md 13.1, 13.2), with or
/// without anything of versions 2 to 5.
pub const VERSION_COMPACT: u32 = 6;

mod case;
pub mod compact;
pub mod csv;
mod names;
mod recognised;
mod timestamps;
pub use case::{ManifestLink, MODEL_KINDS};
pub use names::{bundle_file_name, canonical_id, canonical_sha256, check_name, check_path};
pub use recognised::ManifestRecognised;
/// Most time-stamp tokens a bundle may carry, and most references to them per event of a
/// record's chain (one per authority).
pub const MAX_TOKENS: usize = 1024;
pub const MAX_TOKENS_PER_EVENT: usize = 8;
/// Largest manifest accepted on import.
pub const MAX_MANIFEST: u64 = 64 << 20;
/// Largest signature file accepted on import.
pub const MAX_SIG: u64 = 16 << 10;
/// Largest record.json or SHA256SUMS accepted on import.
pub const MAX_SMALL_FILE: u64 = 64 << 20;
/// Most bytes of a part's `removed` (what cleaning removed, a short list of kinds).
pub const MAX_REMOVED: usize = 4096;
/// Most bytes of `record.json` files one version 6 bundle may list: an import holds every
/// record it read until it commits, and gzip makes a bundle a small fraction of it.
pub const MAX_RECORDS_JSON: u64 = 512 << 20;

pub const MANIFEST_PATH: &str = "MANIFEST.json";
pub const SIG_PATH: &str = "MANIFEST.json.sig";
pub const SUMS_PATH: &str = "SHA256SUMS";

/// The whole manifest.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// `partner` (readable records for a partner) or `transfer` (sealed records for HQ).
    pub kind: BundleKind,
    pub bundle_id: String,
    pub created: String,
    pub sender: Sender,
    /// SHA-256 (hex) of each recipient the bundle is encrypted to, as text.
    pub recipients: Vec<String>,
    /// True when identity parts were included on purpose (`--with-identities`).
    pub identities_included: bool,
    /// True when image metadata was kept on purpose (`--keep-metadata`).
    pub metadata_kept: bool,
    pub records: Vec<ManifestRecord>,
    /// In a transfer bundle: the sealed records, as the collector holds them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfer: Vec<TransferRecord>,
    pub files: Vec<FileEntry>,
    /// Version 2: the time-stamp tokens the records' `timestamps` refer to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<crate::format::stamp::BundleToken>,
}

/// A sealed record in a transfer bundle: its body and object files, still sealed to the
/// collector's recipients.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRecord {
    pub id: String,
    /// When the collector added it.
    pub collected: String,
    /// `records/<id>/record.age`.
    pub body: String,
    /// `records/<id>/objects/<object id>`.
    pub objects: Vec<String>,
    /// The record's chain of custody (FORMAT.md, "Custody in bundles").
    pub custody: Vec<crate::format::event::CustodyEntry>,
}

/// What a bundle is (FORMAT.md 13.2 and 13.6): records readable by a partner, or a
/// collector's sealed records for headquarters. A manifest naming any other kind parses,
/// keeping what it said, and is refused by its validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleKind {
    Partner,
    Transfer,
    Other(String),
}

impl BundleKind {
    /// The kind as the manifest spells it.
    pub fn as_str(&self) -> &str {
        match self {
            BundleKind::Partner => "partner",
            BundleKind::Transfer => "transfer",
            BundleKind::Other(s) => s,
        }
    }
}

impl Serialize for BundleKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BundleKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match String::deserialize(d)?.as_str() {
            "partner" => BundleKind::Partner,
            "transfer" => BundleKind::Transfer,
            other => BundleKind::Other(other.to_owned()),
        })
    }
}

/// The sender's signing key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// `ssh-ed25519 AAAA…`.
    pub signing_key: String,
    /// OpenSSH fingerprint, `SHA256:…`.
    pub fingerprint: String,
}

/// One record as exported.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRecord {
    pub id: String,
    pub created: String,
    pub title: String,
    pub tags: Vec<String>,
    /// The witness pseudonym for this partner (or the code itself in a transfer).
    pub witness: Option<String>,
    pub language: Option<String>,
    pub place: Option<String>,
    pub date: Option<String>,
    pub interviewer: Option<String>,
    pub note: Option<String>,
    pub parts: Vec<ManifestPart>,
    /// The record's chain of custody, oldest first, ending with this export
    /// (FORMAT.md, "Custody in bundles").
    pub custody: Vec<crate::format::event::CustodyEntry>,
    /// Version 2: which events of `custody` a token in `timestamps` covers, and how.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<crate::format::stamp::Covered>,
    /// Version 4: persons, relations, consent, status events and verification (FORMAT.md
    /// 7.4), codes as this partner sees them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<crate::format::case::Case>,
}

/// One part of an exported record.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestPart {
    /// `testimony`, `attachment`, `identity` or (version 3) `recognised`.
    pub kind: String,
    /// The part's file name in the vault.
    pub name: String,
    /// Where it is in the bundle.
    pub path: String,
    pub size: u64,
    /// SHA-256 of the bytes in the bundle.
    pub sha256: String,
    /// SHA-256 of the original, when the bundle holds a cleaned copy.
    pub original_sha256: Option<String>,
    /// What cleaning removed, e.g. `JPEG: APP1 EXIF (camera, time, GPS, thumbnail), APP1 XMP`.
    pub removed: Option<String>,
    /// Version 3, a part of kind `recognised`: what it was recognised in, and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognised: Option<ManifestRecognised>,
    /// Version 4: the part is a transcript or translation of another part of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<ManifestLink>,
}

/// A file in the bundle besides the manifest and its signature.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

fn check_time(field: String, t: &str) -> Result<()> {
    let bad = |_| reject(words!("d-manifest-not-a-time", field = field.clone()));
    t.parse::<jiff::Timestamp>().map(drop).map_err(bad)
}

/// Builds `SHA256SUMS` for `files` (in the format of `sha256sum -c`) and lists it first.
pub fn add_sums(files: &mut Vec<FileEntry>) -> String {
    let sums: String = files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    files.insert(
        0,
        FileEntry {
            path: SUMS_PATH.into(),
            size: sums.len() as u64,
            sha256: hex::encode(crate::crypto::seal::sha256(sums.as_bytes())),
        },
    );
    sums
}

/// Checks a manifest about to be written, and (version 6) the records of its
/// `record.json`, as its receiver will ([`Manifest::parse`],
/// [`Manifest::check_compact_record`]), so that a bundle no partner can import is not
/// written at all.
pub fn check_receivable(bytes: &[u8], records: &[ManifestRecord]) -> Result<()> {
    let refused = |e| Error::Invalid(words!("d-manifest-receiver-refuses", why = e));
    let m = Manifest::parse(bytes).map_err(refused)?;
    if m.version == VERSION_COMPACT {
        let listed = m.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let at = (m.files.iter().enumerate())
            .filter(|(_, f)| compact::record_json_id(&f.path).is_some())
            .map(|(i, _)| i);
        for (n, (r, at)) in records.iter().zip(at).enumerate() {
            m.check_compact_record(n, at, r, &listed).map_err(refused)?;
        }
        let timestamped = records.iter().any(|r| !r.timestamps.is_empty());
        m.check_compact_end(timestamped).map_err(refused)?;
    }
    Ok(())
}

/// Refuses a manifest larger than an import reads ([`MAX_MANIFEST`]): at about
/// 3 KiB a record, some 20,000 records of one bundle.
pub fn check_written_size(records: usize, bytes: usize) -> Result<()> {
    if bytes as u64 > MAX_MANIFEST {
        return Err(Error::Refused(crate::error::Refusal::ManifestTooLarge {
            records,
            bytes: bytes as u64,
            max: MAX_MANIFEST,
        }));
    }
    Ok(())
}

/// A bundle rejected: the reason, for the user.
pub fn reject(why: Words) -> Error {
    Error::BundleRejected(why)
}

impl Manifest {
    /// Parses and checks the manifest: version first, then every path and cross-reference.
    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        // The format and version first, read on their own: the rest is parsed once, straight
        // into the manifest (a tree of JSON values of it would be several times its size).
        #[derive(Deserialize)]
        struct Head {
            format: Option<serde_json::Value>,
            version: Option<serde_json::Value>,
        }
        let v: Head = serde_json::from_slice(bytes)
            .map_err(|e| reject(words!("d-manifest-not-json", why = e.to_string())))?;
        if v.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(reject(words!("d-manifest-not-amanat")));
        }
        match v.version.as_ref().and_then(|f| f.as_u64()) {
            Some(n) if (u64::from(VERSION)..=u64::from(VERSION_COMPACT)).contains(&n) => {}
            Some(n) => {
                return Err(Error::UnsupportedFormat(words!(
                    "d-manifest-version",
                    version = n,
                    first = VERSION,
                    last = VERSION_COMPACT
                )))
            }
            None => return Err(reject(words!("d-manifest-no-version"))),
        }
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| reject(words!("d-manifest-malformed", why = e.to_string())))?;
        m.validate()?;
        m.validate_compact()?;
        m.validate_timestamps()?;
        m.validate_recognised()?;
        m.validate_model()?;
        Ok(m)
    }

    // This function is long because it is the list of FORMAT.md's rules for a manifest,
    // checked in the order the spec gives them, each a few lines.
    fn validate(&self) -> Result<()> {
        match self.kind {
            // Version 6 holds its records in their `record.json` only.
            BundleKind::Partner if self.version == VERSION_COMPACT => {
                if !self.records.is_empty() || !self.transfer.is_empty() {
                    return Err(reject(words!("d-manifest-compact-records")));
                }
            }
            BundleKind::Partner if self.transfer.is_empty() => {}
            BundleKind::Transfer if self.records.is_empty() && self.version < VERSION_COMPACT => {}
            _ => {
                return Err(reject(words!(
                    "d-manifest-kind",
                    kind = format!("{:?}", self.kind.as_str())
                )))
            }
        }
        // Every id and hash in its one canonical spelling: two spellings of one id are
        // equal as bytes and different as strings, and the checks below compare strings.
        canonical_id("bundle_id", &self.bundle_id)?;
        check_time("created".into(), &self.created)?;
        for (i, t) in self.transfer.iter().enumerate() {
            canonical_id(&format!("transfer[{i}].id"), &t.id)?;
        }
        for (i, r) in self.records.iter().enumerate() {
            canonical_id(&format!("records[{i}].id"), &r.id)?;
        }
        let mut seen = std::collections::HashMap::new();
        for (i, f) in self.files.iter().enumerate() {
            check_path(&f.path)?;
            if seen.insert(f.path.as_str(), f).is_some() {
                return Err(reject(words!(
                    "d-manifest-listed-twice",
                    path = format!("{:?}", f.path)
                )));
            }
            canonical_sha256(&format!("files[{i}].sha256"), &f.sha256)?;
        }
        // The CSV for Uwazi is in a partner bundle of version 5, and only there.
        let csv = seen.contains_key(crate::format::manifest::csv::CSV_PATH);
        let csv_version = self.version == VERSION_CSV || (csv && self.version == VERSION_COMPACT);
        if csv != csv_version || (csv && self.kind != BundleKind::Partner) {
            return Err(reject(words!(
                "d-manifest-csv-version",
                version = self.version
            )));
        }
        let mut ids = std::collections::HashSet::new();
        let mut check_id = |field: String, id: &str| -> Result<()> {
            canonical_id(&field, id)?;
            let bytes = crate::RecordId::from_hex(id).expect("canonical");
            if !ids.insert(bytes) {
                return Err(reject(words!(
                    "d-manifest-record-twice",
                    field = field,
                    id = id
                )));
            }
            Ok(())
        };
        for (i, t) in self.transfer.iter().enumerate() {
            check_id(format!("transfer[{i}].id"), &t.id)?;
            if t.body != format!("records/{}/record.age", t.id)
                || !seen.contains_key(t.body.as_str())
            {
                return Err(reject(words!("d-manifest-no-body", id = &t.id)));
            }
            for o in &t.objects {
                if !o.starts_with(&format!("records/{}/objects/", t.id))
                    || !seen.contains_key(o.as_str())
                {
                    return Err(reject(words!(
                        "d-manifest-object-unlisted",
                        path = format!("{o:?}")
                    )));
                }
            }
        }
        for (i, r) in self.records.iter().enumerate() {
            check_id(format!("records[{i}].id"), &r.id)?;
            self.check_record_fields(i, r, &seen)?;
        }
        Ok(())
    }

    /// One record's own rules (FORMAT.md 13.2): its `record.json` and every part listed in
    /// `files` as the part says, the parts' names and kinds, and its metadata within what
    /// `add` takes. `listed` is `files` by path.
    fn check_record_fields(
        &self,
        i: usize,
        r: &ManifestRecord,
        seen: &std::collections::HashMap<&str, &FileEntry>,
    ) -> Result<()> {
        let rj = format!("records/{}/record.json", r.id);
        if !seen.contains_key(rj.as_str()) {
            return Err(reject(words!("d-manifest-file-unlisted", path = rj)));
        }
        if r.parts.len() > crate::format::record::MAX_PARTS {
            return Err(reject(words!(
                "d-manifest-too-many-parts",
                id = &r.id,
                count = r.parts.len(),
                most = crate::format::record::MAX_PARTS
            )));
        }
        let mut names = std::collections::HashSet::new();
        let mut paths = std::collections::HashSet::new();
        for (j, p) in r.parts.iter().enumerate() {
            let path = || format!("{:?}", p.path);
            // One file stands for one part: import seals each file into the part it names.
            if !paths.insert(p.path.as_str()) {
                return Err(reject(words!(
                    "d-manifest-file-two-parts",
                    id = &r.id,
                    path = path()
                )));
            }
            canonical_sha256(&format!("records[{i}].parts[{j}].sha256"), &p.sha256)?;
            if let Some(o) = &p.original_sha256 {
                canonical_sha256(&format!("records[{i}].parts[{j}].original_sha256"), o)?;
            }
            let unlisted = || reject(words!("d-manifest-part-unlisted", path = path()));
            let entry = seen.get(p.path.as_str()).ok_or_else(unlisted)?;
            if entry.size != p.size || entry.sha256 != p.sha256 {
                return Err(reject(words!("d-manifest-part-disagrees", path = path())));
            }
            if !p.path.starts_with(&format!("records/{}/parts/", r.id)) {
                return Err(reject(words!("d-manifest-part-outside", path = path())));
            }
            check_name(&p.name)?;
            if p.removed.as_ref().is_some_and(|r| r.len() > MAX_REMOVED) {
                return Err(reject(words!(
                    "d-manifest-part-removed",
                    path = path(),
                    most = MAX_REMOVED as u64
                )));
            }
            if !names.insert(p.name.as_str()) {
                return Err(reject(words!(
                    "d-manifest-part-name-twice",
                    id = &r.id,
                    name = format!("{:?}", p.name)
                )));
            }
            match p.kind.as_str() {
                "testimony" | "attachment" => {}
                "recognised" if self.version >= VERSION_RECOGNISED => {}
                "recognised" => {
                    return Err(reject(words!(
                        "d-manifest-holds-recognised",
                        version = self.version
                    )))
                }
                "identity" if self.identities_included => {}
                "identity" => return Err(reject(words!("d-manifest-identity-unexpected"))),
                other => {
                    return Err(reject(words!(
                        "d-manifest-part-kind",
                        kind = format!("{other:?}")
                    )))
                }
            }
        }
        if r.title.trim().is_empty() {
            return Err(reject(words!("d-manifest-no-title", id = &r.id)));
        }
        if let Some(d) = &r.date {
            crate::format::record::parse_date(d)
                .map_err(|_| reject(words!("d-manifest-bad-date", id = &r.id)))?;
        }
        // What the record will be stored with, checked before any file is read (and
        // by `verify` as by `import`).
        r.metadata().validate().map_err(|e| {
            reject(words!(
                "d-manifest-record-invalid",
                field = format!("records[{i}]"),
                id = &r.id,
                why = e
            ))
        })?;
        check_time(format!("records[{i}].created"), &r.created)?;
        Ok(())
    }
}

impl ManifestRecord {
    /// The record's metadata as this vault will store it.
    pub fn metadata(&self) -> crate::format::record::Metadata {
        crate::format::record::Metadata {
            title: self.title.clone(),
            tags: self.tags.clone(),
            witness: self.witness.clone(),
            language: self.language.clone(),
            place: self.place.clone(),
            date: self.date.clone(),
            interviewer: self.interviewer.clone(),
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_confined() {
        let id = "0123456789abcdef0123456789abcdef";
        assert!(check_path(&format!("records/{id}/record.json")).is_ok());
        assert!(check_path(&format!("records/{id}/parts/scan 1.jpg")).is_ok());
        assert!(check_path(SUMS_PATH).is_ok());
        for bad in [
            "/etc/passwd".to_string(),
            format!("records/{id}/../../x"),
            format!("records/{id}/parts/.."),
            format!("records/{id}/parts/a/b"),
            "records/xyz/record.json".into(),
            "MANIFEST.json".into(),
            format!("./records/{id}/record.json"),
        ] {
            assert!(check_path(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(bundle_file_name("a\nb/c.jpg"), "a_b_c.jpg");
        assert_eq!(bundle_file_name(".."), "_..");
        assert!(check_name(&bundle_file_name("x\\y")).is_ok());
    }

    #[test]
    fn a_bundle_kind_reads_back_as_written_and_any_other_is_refused_by_name() {
        for (kind, text) in [
            (BundleKind::Partner, "\"partner\""),
            (BundleKind::Transfer, "\"transfer\""),
        ] {
            assert_eq!(serde_json::to_string(&kind).unwrap(), text);
            assert_eq!(serde_json::from_str::<BundleKind>(text).unwrap(), kind);
        }
        let other: BundleKind = serde_json::from_str("\"archive\"").unwrap();
        assert_eq!(other, BundleKind::Other("archive".into()));
        let m = Manifest {
            timestamps: vec![],
            format: FORMAT.into(),
            version: VERSION,
            kind: other,
            bundle_id: "0123456789abcdef0123456789abcdef".into(),
            created: "2026-12-05T00:00:00Z".into(),
            sender: Sender {
                signing_key: String::new(),
                fingerprint: String::new(),
            },
            recipients: vec![],
            identities_included: false,
            metadata_kept: false,
            records: vec![],
            transfer: vec![],
            files: vec![],
        };
        let err = m.validate().unwrap_err().to_string();
        assert!(
            err.contains("unsupported or inconsistent bundle kind \"archive\""),
            "{err}"
        );
    }
}
