//! Ids, hashes, file names and paths as a bundle may spell them (FORMAT.md 13.1, 13.2).
use super::{reject, SUMS_PATH};
use crate::error::Result;
use crate::words;

/// A record or bundle id as a bundle gives it: exactly 32 lower-case hex digits.
pub fn canonical_id(field: &str, id: &str) -> Result<()> {
    if crate::format::id::is_canonical_hex(id, crate::format::id::ID_LEN) {
        Ok(())
    } else {
        Err(reject(words!(
            "d-manifest-not-id",
            field = field,
            value = format!("{:?}", shorten(id))
        )))
    }
}

/// A SHA-256 as a bundle gives it: exactly 64 lower-case hex digits.
pub fn canonical_sha256(field: &str, h: &str) -> Result<()> {
    if crate::format::id::is_canonical_hex(h, 32) {
        Ok(())
    } else {
        Err(reject(words!(
            "d-manifest-not-sha256",
            field = field,
            value = format!("{:?}", shorten(h))
        )))
    }
}

/// At most 70 characters of untrusted text, for an error message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(70).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A part's file name: not empty, no separators, not `.`/`..`, no control characters.
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > 255
        || name.contains('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
    {
        return Err(reject(words!(
            "d-manifest-unsafe-name",
            name = format!("{name:?}")
        )));
    }
    Ok(())
}

/// Paths allowed in a bundle: `SHA256SUMS`, `records/<32 hex>/record.json`,
/// `records/<32 hex>/parts/<name>`. Anything else (absolute, `..`, other directories) is
/// rejected.
pub fn check_path(path: &str) -> Result<()> {
    if path == SUMS_PATH || path == crate::format::manifest::csv::CSV_PATH {
        return Ok(());
    }
    let parts: Vec<&str> = path.split('/').collect();
    let ok = match parts.as_slice() {
        ["records", id, "record.json"] => crate::RecordId::from_hex(id).is_some(),
        ["records", id, "parts", name] => {
            crate::RecordId::from_hex(id).is_some() && check_name(name).is_ok()
        }
        ["records", id, "record.age"] => crate::RecordId::from_hex(id).is_some(),
        ["records", id, "objects", o] => {
            crate::RecordId::from_hex(id).is_some()
                && crate::format::id::ObjectId::from_hex(o).is_some()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(reject(words!(
            "d-manifest-path",
            path = format!("{path:?}")
        )))
    }
}

/// The file name a part gets in the bundle: its name with characters that trouble
/// `tar`, shells or `sha256sum -c` (separators, control characters, backslashes) replaced.
pub fn bundle_file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    match s.as_str() {
        "" | "." | ".." => format!("_{s}"),
        _ => s,
    }
}
