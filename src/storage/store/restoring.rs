//! A vault directory a restore is filling (FORMAT.md 16.5): its layout made before the
//! database, and the `restoring` mark that keeps every other command out until it is done.
use std::fs;
use std::io;
use std::path::Path;

use super::*;

impl Store {
    /// The files and directories of a vault without its database, for a restore to fill
    /// before the database is rebuilt from the journal it fetched (FORMAT.md 16.5). Does
    /// only what is still missing, so a restore that stopped can go on.
    pub fn prepare_restore(root: &Path) -> Result<()> {
        fs::create_dir_all(root).map_err(|e| Error::io(words!("d-creating", path = root), e))?;
        for d in ["objects", "tmp"] {
            match fs::create_dir(root.join(d)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(words!("d-store-creating-vault"), e)),
            }
        }
        prepare_objects(root)?;
        if !root.join("VERSION").exists() {
            crate::storage::durable::write_atomic(
                &root.join("VERSION"),
                format!("{VERSION_LINE}\n").as_bytes(),
            )?;
        }
        crate::storage::durable::sync_dir(root)
    }

    /// Whether a restore into `root` has not finished (FORMAT.md 16.5).
    pub fn is_restoring(root: &Path) -> bool {
        root.join(RESTORING_FILE).exists()
    }

    /// Marks `root` as being filled by a restore, durably.
    pub fn mark_restoring(root: &Path) -> Result<()> {
        crate::storage::durable::write_atomic(&root.join(RESTORING_FILE), b"")
    }

    /// Ends a restore: the vault may be opened.
    pub fn restored(root: &Path) -> Result<()> {
        fs::remove_file(root.join(RESTORING_FILE))
            .map_err(|e| Error::io(words!("d-store-finishing-restore"), e))?;
        crate::storage::durable::sync_dir(root)
    }
}
