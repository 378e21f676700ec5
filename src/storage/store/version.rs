//! `<vault>/VERSION` (FORMAT.md 3): which format a vault is in, and marking it as moved.
use std::fs;
use std::io;
use std::path::Path;

use super::*;

impl Store {
    /// Writes `VERSION` for the current format, atomically (the last step of a migration).
    pub(crate) fn write_version(root: &Path) -> Result<()> {
        crate::storage::durable::write_atomic(
            &root.join("VERSION"),
            format!("{VERSION_LINE}\n").as_bytes(),
        )
    }

    /// Whether `VERSION` names the format before locators.
    pub(crate) fn is_version_1(root: &Path) -> bool {
        Store::version_is(root, VERSION_LINE_1)
    }

    /// Whether `VERSION` names the format before padding (and after locators).
    pub(crate) fn is_version_2(root: &Path) -> bool {
        Store::version_is(root, VERSION_LINE_2)
    }

    /// Whether the first line of `VERSION` is `line`.
    pub(crate) fn version_is(root: &Path, line: &str) -> bool {
        fs::read_to_string(root.join("VERSION")).is_ok_and(|v| v.lines().next() == Some(line))
    }

    /// Whether the vault is of a format (2, 4 to 9) that moves to the current one by
    /// replacing `VERSION` at its first unlock, before anything is written (FORMAT.md 3).
    pub fn moves_at_unlock(root: &Path) -> bool {
        Store::is_version_2(root)
            || [
                VERSION_LINE_4,
                VERSION_LINE_5,
                VERSION_LINE_6,
                VERSION_LINE_7,
                VERSION_LINE_8,
                VERSION_LINE_9,
            ]
            .into_iter()
            .any(|v| Store::version_is(root, v))
    }

    /// Reads `<vault>/VERSION`: a vault, and one this version understands.
    pub fn check_version(root: &Path) -> Result<()> {
        let version = match fs::read_to_string(root.join("VERSION")) {
            Ok(v) => v,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::NoVault(root.to_owned()))
            }
            Err(e) => return Err(Error::io(words!("d-reading", path = root), e)),
        };
        let line = version.lines().next().unwrap_or("");
        let known = [
            VERSION_LINE,
            VERSION_LINE_9,
            VERSION_LINE_8,
            VERSION_LINE_7,
            VERSION_LINE_6,
            VERSION_LINE_5,
            VERSION_LINE_4,
            VERSION_LINE_3,
            VERSION_LINE_2,
            VERSION_LINE_1,
        ];
        if !known.contains(&line) {
            return Err(Error::UnsupportedFormat(words!(
                "d-store-version",
                path = &root.join("VERSION"),
                found = format!("{line:?}"),
                known = format!("{VERSION_LINE:?}")
            )));
        }
        Ok(())
    }
}
