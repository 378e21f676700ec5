//! Replacing the keyring file (FORMAT.md 5.3).
//!
//! The keyring file is only ever replaced by one protocol, `replace_keyring`: the new
//! file is written whole beside the old (`<keyring>.new`, atomically), then copied over the
//! old file *in place*, so the old bytes are overwritten where they lie, then the `.new` copy
//! is destroyed. A crash before `.new` exists changes nothing; after it, the next open finishes
//! the copy (`recover_keyring`). So at every moment one complete keyring opens, with the old
//! passphrase or the new one, never neither.
//!
//! A file whose presence recovery acts on (`.new`, `.rotating`) is never destroyed where it
//! lies: it is first renamed to a hidden temporary name (`retire`), so a crash while it is
//! being overwritten cannot leave a half-destroyed `.new` for the next open to copy over the
//! keyring.
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::format::keyring;
use crate::storage::durable::{destroy_file, sync_dir, write_atomic};
use crate::storage::faults::crash_point;
use crate::words;

/// The keyring's file name in the vault directory, where it lives unless told otherwise.
pub const DEFAULT_NAME: &str = "keyring";

/// An exclusive lock on the keyring file itself, held by every process while it writes the
/// keyring or a file beside it that holds keys (`.new`, `.rotating`), and by `shred` while it
/// destroys them. The lock is taken on the open keyring; [`KeyringLock::still_there`]
/// checks that the path still names that same file, so a writer whose keyring `shred`
/// destroyed (removed, or replaced by another file) finds out and writes nothing.
pub(crate) struct KeyringLock {
    file: fs::File,
    path: PathBuf,
}

impl KeyringLock {
    /// Locks the keyring at `path`, waiting for another holder. Fails with
    /// [`Error::Shredded`] if there is no keyring there (any more).
    pub(crate) fn acquire(path: &Path) -> Result<KeyringLock> {
        let lock = Self::open(path)?;
        rustix::fs::flock(&lock.file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| Error::io(words!("d-locking", path = path), e.into()))?;
        lock.still_there()?;
        Ok(lock)
    }

    /// The keyring at `path`, not locked: for a long command (text recognition) to see,
    /// with [`KeyringLock::still_there`], that `shred` destroyed it meanwhile, and stop.
    pub(crate) fn watch(path: &Path) -> Result<KeyringLock> {
        Self::open(path)
    }

    fn open(path: &Path) -> Result<KeyringLock> {
        let file = OpenOptions::new()
            .read(true)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::Shredded(path.to_owned()),
                _ => Error::io(words!("d-opening", path = path), e),
            })?;
        Ok(KeyringLock {
            file,
            path: path.to_owned(),
        })
    }

    /// Whether the path still names the locked file, which still has a name.
    pub(crate) fn still_there(&self) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        let held = self
            .file
            .metadata()
            .map_err(|e| Error::io(words!("d-reading", path = &self.path), e))?;
        match fs::metadata(&self.path) {
            Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() && held.nlink() > 0 => {
                Ok(())
            }
            _ => Err(Error::Shredded(self.path.clone())),
        }
    }
}

/// Destroys a file recovery would act on: renamed out of the way first (atomically, the
/// directory synced), then overwritten and removed under the temporary name, which
/// [`destroy_partials`] finishes off if a crash interrupts.
pub(crate) fn retire(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let hidden = dir.join(format!(
        ".{name}.tmp-{}",
        hex::encode(crate::crypto::random_bytes::<6>())
    ));
    fs::rename(path, &hidden).map_err(|e| Error::io(words!("d-removing", path = path), e))?;
    sync_dir(&dir)?;
    crash_point("keyring-file-retiring");
    destroy_file(&hidden)
}

fn next_path(keyring: &Path) -> PathBuf {
    let mut name = keyring.file_name().unwrap_or_default().to_os_string();
    name.push(".new");
    keyring.with_file_name(name)
}

/// Overwrites `path` with `bytes` in place (same inode, same blocks), then fsyncs.
fn overwrite_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    let ctx = |e| Error::io(words!("d-writing", path = path), e);
    // Never creates the file: only a keyring that exists is replaced, so nothing can bring
    // back a keyring `shred` removed.
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(false)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Shredded(path.to_owned()),
            _ => ctx(e),
        })?;
    if crate::storage::faults::crash_at("keyring-mid-overwrite") {
        f.write_all(&bytes[..bytes.len() / 2]).map_err(ctx)?;
        f.sync_all().map_err(ctx)?;
        std::process::abort();
    }
    if crate::storage::faults::crash_at("keyring-overwrite-fails") {
        f.write_all(&bytes[..bytes.len() / 2]).map_err(ctx)?;
        f.sync_all().map_err(ctx)?;
        return Err(ctx(std::io::Error::other(
            "a write error injected by a test",
        )));
    }
    f.write_all(bytes).map_err(ctx)?;
    f.set_len(bytes.len() as u64).map_err(ctx)?;
    f.sync_all().map_err(ctx)?;
    Ok(())
}

/// Replaces the keyring file by `new`, destroying the old bytes in place. `committed` runs
/// once the new file is durable beside the old one, from which point the change will complete
/// even across a crash (it logs the change); if it fails, nothing changes.
///
/// The whole replacement holds the [`KeyringLock`], and checks before each step that the
/// keyring is still there: a `shred` that ran first leaves nothing to replace, and one that
/// starts meanwhile waits, then destroys the result. A `.new` written after the keyring was
/// destroyed is destroyed again, never left.
pub(crate) fn replace_keyring(
    path: &Path,
    new: &[u8],
    committed: impl FnOnce() -> Result<()>,
) -> Result<()> {
    crash_point("keyring-replace-start");
    let lock = KeyringLock::acquire(path)?;
    let next = next_path(path);
    write_atomic(&next, new)?;
    crash_point("keyring-new-written");
    if let Err(e) = lock.still_there().and_then(|()| committed()) {
        let _ = retire(&next);
        return Err(e);
    }
    crash_point("keyring-committed");
    // The change is logged: from here the new keyring must win. If the keyring is gone
    // (`shred`), `.new` is destroyed so nothing brings it back; if the copy over it fails
    // (a full disk, a failing stick, the file possibly half written), `.new` is kept and the
    // next open finishes the copy, as after a crash.
    lock.still_there().inspect_err(|_| {
        let _ = retire(&next);
    })?;
    overwrite_in_place(path, new).inspect_err(|e| {
        if matches!(e, Error::Shredded(_)) {
            let _ = retire(&next);
        }
    })?;
    crash_point("keyring-overwritten");
    retire(&next)
}

/// Writes `bytes` (a keyring file) to `dest`, a new file beside the keyring (`.rotating`),
/// under the [`KeyringLock`]: nothing is written once the keyring is gone.
pub(crate) fn write_beside_keyring(keyring: &Path, dest: &Path, bytes: &[u8]) -> Result<()> {
    let lock = KeyringLock::acquire(keyring)?;
    write_atomic(dest, bytes)?;
    if let Err(e) = lock.still_there() {
        let _ = retire(dest);
        return Err(e);
    }
    Ok(())
}

/// Finishes a keyring replacement a crash interrupted, and destroys what a crash left of
/// one that had not begun. Needs no passphrase. A `.new` that is not a whole keyring file
/// (both slots scrypt messages) is never copied over the keyring: it is destroyed.
///
/// A `.new` beside no keyring is destroyed: the keyring was shredded (and a writer that raced
/// the shred was killed before it could destroy its copy); copying it into place would undo
/// the shred.
pub(crate) fn recover_keyring(path: &Path) -> Result<()> {
    let next = next_path(path);
    if fs::symlink_metadata(&next).is_err() {
        return destroy_partials(path);
    }
    let lock = match KeyringLock::acquire(path) {
        Ok(lock) => lock,
        Err(Error::Shredded(_)) => {
            retire(&next)?;
            return destroy_partials(path);
        }
        Err(e) => return Err(e),
    };
    match fs::read(&next) {
        Ok(new) if keyring::is_keyring_file(&new) => {
            lock.still_there()?;
            overwrite_in_place(path, &new)?;
            retire(&next)?;
        }
        Ok(_) => retire(&next)?,
        Err(_) => {}
    }
    drop(lock);
    destroy_partials(path)
}

/// Destroys temporary files beside the keyring that a crash left: of an interrupted
/// `write_atomic` of the keyring or `<keyring>.new`, and of an interrupted [`retire`] of
/// `<keyring>.new` or `<keyring>.rotating` (all named `.<keyring name>….tmp-…`).
fn destroy_partials(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefixes = [
        format!(".{name}.tmp-"),
        format!(".{name}.new.tmp-"),
        format!(".{name}.rotating.tmp-"),
    ];
    if let Ok(entries) = fs::read_dir(&dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
                destroy_file(&e.path())?;
            }
        }
    }
    Ok(())
}

/// Where an unfinished rotation keeps the new keyring.
pub(crate) fn rotating_path(keyring: &Path) -> PathBuf {
    let mut name = keyring.file_name().unwrap_or_default().to_os_string();
    name.push(".rotating");
    keyring.with_file_name(name)
}

/// What `shred` destroyed.
#[derive(Debug, Default, serde::Serialize)]
pub struct ShredReport {
    /// Keyring files overwritten and removed.
    pub keyring_files: usize,
    /// Whether the database and objects were removed too (`--all`).
    pub removed_all: bool,
}

/// How long `shred` waits for a command that is writing the keyring at that moment (which
/// takes well under a second). After that it destroys the files anyway: a writer checks that
/// the keyring is still there before each step, and destroys what it wrote if not.
const SHRED_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The file a path names, through any symbolic links; the path itself if it names nothing.
fn real_path(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Makes the vault unopenable: overwrites the keyring (both slots, so also a duress slot)
/// in place, fsyncs and removes it, with any copy a passphrase change or a rotation left;
/// with `all`, then removes the database and the objects. Needs no passphrase and no vault
/// lock: in an emergency there may be no time for either, and without the keyring the rest
/// is ciphertext. It does take the keyring's own lock (`KeyringLock`, waiting at most
/// `SHRED_WAIT`), so that a `passwd`, `rotate` or duress unlock that is writing the
/// keyring finishes first and its result is destroyed, and none of them can write a
/// keyring afterwards.
///
/// Symbolic links are followed: the files destroyed are the real ones, and the links are
/// removed too. Finding no keyring is an error ([`Error::NoKeyringToShred`]), after `all`
/// has removed what it can.
pub fn shred(root: &Path, keyring_path: &Path, all: bool) -> Result<ShredReport> {
    let mut report = ShredReport::default();
    let keyring = real_path(keyring_path);
    let lock = lock_for_shred(&keyring);
    // Writers put `.new`, `.rotating` and their temporary files beside the keyring path as
    // it was given, which may be a symbolic link to the real file elsewhere: destroy what is
    // beside either (each side file resolved too, should it be a link).
    let mut beside = vec![keyring.clone()];
    for base in [&keyring, keyring_path] {
        beside.push(next_path(base));
        beside.push(rotating_path(base));
    }
    beside.dedup();
    for p in &beside {
        if fs::symlink_metadata(p).is_ok() {
            let real = real_path(p);
            destroy_file(&real)?;
            if real != *p && fs::symlink_metadata(p).is_ok() {
                remove_link(p)?;
            }
            report.keyring_files += 1;
        }
    }
    destroy_partials(&keyring)?;
    if keyring != keyring_path {
        destroy_partials(keyring_path)?;
    }
    drop(lock);
    if keyring != keyring_path && fs::symlink_metadata(keyring_path).is_ok() {
        remove_link(keyring_path)?;
    }
    let is_vault = root.join("VERSION").exists();
    if report.keyring_files == 0 && !is_vault {
        return Err(Error::NoVault(root.to_owned()));
    }
    if all && fs::symlink_metadata(root).is_ok() {
        // The keyring may live inside the vault directory: it is already destroyed.
        let real = real_path(root);
        fs::remove_dir_all(&real).map_err(|e| Error::io(words!("d-removing", path = &real), e))?;
        sync_parent(&real)?;
        // A link to the vault is left to remove; the vault named by a relative path is gone.
        if real != root && fs::symlink_metadata(root).is_ok() {
            remove_link(root)?;
        }
        report.removed_all = true;
    }
    if report.keyring_files == 0 {
        return Err(Error::NoKeyringToShred {
            looked: keyring_path.to_owned(),
            removed_all: report.removed_all,
        });
    }
    Ok(report)
}

/// The keyring's lock for `shred`, if it can be had within [`SHRED_WAIT`].
fn lock_for_shred(keyring: &Path) -> Option<KeyringLock> {
    let lock = KeyringLock::open(keyring).ok()?;
    let start = std::time::Instant::now();
    loop {
        match rustix::fs::flock(
            &lock.file,
            rustix::fs::FlockOperation::NonBlockingLockExclusive,
        ) {
            Ok(()) => return Some(lock),
            Err(_) if start.elapsed() < SHRED_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            Err(_) => return None,
        }
    }
}

/// Removes a symbolic link (not what it points to), and syncs its directory.
fn remove_link(link: &Path) -> Result<()> {
    fs::remove_file(link).map_err(|e| Error::io(words!("d-removing", path = link), e))?;
    sync_parent(link)
}

fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}
