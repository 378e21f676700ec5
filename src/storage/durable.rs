//! Durable file operations: write to a temporary name, fsync, rename, fsync the directory.
//!
//! Everything that reports success to a user goes through here, because sled's own flush
//! does not fsync (docs/DESIGN.md, "Durability").
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::words;

/// fsyncs a directory so that renames and new entries in it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(words!("d-syncing", path = dir), e))
}

/// fsyncs every file and directory below `dir` (used for sled's directory after `flush`).
pub fn sync_tree(dir: &Path) -> Result<()> {
    let ctx = |e| Error::io(words!("d-syncing", path = dir), e);
    for entry in fs::read_dir(dir).map_err(ctx)? {
        let entry = entry.map_err(ctx)?;
        let ty = entry.file_type().map_err(ctx)?;
        if ty.is_dir() {
            sync_tree(&entry.path())?;
        } else if ty.is_file() {
            match File::open(entry.path()) {
                Ok(f) => f.sync_all().map_err(ctx)?,
                // sled may remove a blob or snapshot between listing and opening.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(ctx(e)),
            }
        }
    }
    sync_dir(dir)
}

/// Writes `bytes` to `path` atomically: a temporary sibling, fsync, rename, fsync directory.
/// At every moment either the old file or the new one is at `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.tmp-{}",
        hex::encode(crate::crypto::random_bytes::<6>())
    ));
    let ctx = |e| Error::io(words!("d-writing", path = path), e);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(ctx)?;
        f.write_all(bytes).map_err(ctx)?;
        f.sync_all().map_err(ctx)?;
        drop(f);
        fs::rename(&tmp, path).map_err(ctx)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates the file `out` through a temporary sibling: `fill` writes into the file and
/// hands it back; only then is it fsynced, renamed over `out` (over the file a symbolic link
/// points to, not the link) and the directory fsynced. On failure the temporary file is
/// removed, so `out` never holds a partial file: plaintext that failed verification is never
/// left behind, and a half-written bundle never looks complete.
pub fn create_via_temp<T>(out: &Path, fill: impl FnOnce(File) -> Result<(File, T)>) -> Result<T> {
    let target = fs::canonicalize(out).unwrap_or_else(|_| out.to_owned());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.amanat-partial-{}",
        hex::encode(crate::crypto::random_bytes::<6>())
    ));
    // Where the file system allows it (ext4, xfs, btrfs, tmpfs), the file is written
    // unnamed (O_TMPFILE) and gets its temporary name only once `fill` returned: a process
    // killed while writing (decrypting a large part, say) leaves no file behind that holds
    // plaintext under a hidden name. Elsewhere (FAT on removable media) it has the name from
    // the start, and a kill leaves it.
    let unnamed = unnamed_file(&dir);
    let result = (|| {
        let f = match unnamed {
            Some(f) => f,
            None => OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| Error::output(out, e))?,
        };
        let (f, value) = fill(f)?;
        f.sync_all().map_err(|e| Error::output(out, e))?;
        if unnamed_is(&f) {
            // Straight to its name when nothing is there (no moment with a temporary name);
            // through the temporary name and a rename when it replaces a file.
            match name_unnamed(&f, &target) {
                Ok(()) => {
                    drop(f);
                    sync_dir(&dir)?;
                    return Ok(value);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    name_unnamed(&f, &tmp).map_err(|e| Error::output(out, e))?
                }
                Err(e) => return Err(Error::output(out, e)),
            }
        }
        drop(f);
        fs::rename(&tmp, &target).map_err(|e| Error::output(out, e))?;
        sync_dir(&dir)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// An unnamed file in `dir`, mode 0600, if the file system supports O_TMPFILE.
#[cfg(target_os = "linux")]
fn unnamed_file(dir: &Path) -> Option<File> {
    use rustix::fs::{Mode, OFlags};
    rustix::fs::open(
        dir,
        OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .ok()
    .map(File::from)
}

#[cfg(not(target_os = "linux"))]
fn unnamed_file(_dir: &Path) -> Option<File> {
    None
}

/// Whether `f` has no name (was made by [`unnamed_file`]).
fn unnamed_is(f: &File) -> bool {
    f.metadata().is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.nlink() == 0
    })
}

/// Gives an unnamed file the name `to` (through /proc/self/fd, which needs no privilege).
#[cfg(target_os = "linux")]
fn name_unnamed(f: &File, to: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let proc = format!("/proc/self/fd/{}", f.as_raw_fd());
    rustix::fs::linkat(
        rustix::fs::CWD,
        proc.as_str(),
        rustix::fs::CWD,
        to,
        rustix::fs::AtFlags::SYMLINK_FOLLOW,
    )
    .map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn name_unnamed(_f: &File, _to: &Path) -> io::Result<()> {
    Err(io::Error::other("unnamed files are Linux only"))
}

/// Overwrites a file's bytes in place with zeros, fsyncs, then removes it.
///
/// On flash storage with wear levelling the old bytes may survive in remapped blocks; the
/// threat model says so. This is still the best a program can do from user space.
pub fn destroy_file(path: &Path) -> Result<()> {
    let ctx = |e| Error::io(words!("d-destroying", path = path), e);
    let len = match fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ctx(e)),
    };
    let mut f = OpenOptions::new().write(true).open(path).map_err(ctx)?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n]).map_err(ctx)?;
        left -= n as u64;
    }
    f.sync_all().map_err(ctx)?;
    drop(f);
    fs::remove_file(path).map_err(ctx)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// What the writer thread hands back: the file, and the SHA-256 of what it wrote if asked.
type Written = io::Result<(File, Option<[u8; 32]>)>;

/// Writes on a helper thread, so that the kernel's copy into the page cache overlaps the
/// caller's work (encryption). Only ciphertext goes through it.
pub struct ThreadedWriter {
    buf: Vec<u8>,
    tx: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    back: std::sync::mpsc::Receiver<Vec<u8>>,
    handle: Option<std::thread::JoinHandle<Written>>,
}

const WRITE_CHUNK: usize = 1 << 20;
/// Bytes after which the writer asks the kernel to start writing back.
const WRITEBACK_WINDOW: u64 = 32 << 20;

impl ThreadedWriter {
    pub fn new(file: File) -> ThreadedWriter {
        ThreadedWriter::spawn(file, false)
    }

    /// Also computes the SHA-256 of everything written, on the writer thread.
    pub fn hashing(file: File) -> ThreadedWriter {
        ThreadedWriter::spawn(file, true)
    }

    fn spawn(mut file: File, hash: bool) -> ThreadedWriter {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (back_tx, back) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let mut ctx = hash.then(|| ring::digest::Context::new(&ring::digest::SHA256));
            let (mut written, mut started) = (0u64, 0u64);
            for mut chunk in rx {
                file.write_all(&chunk)?;
                written += chunk.len() as u64;
                if written - started >= WRITEBACK_WINDOW {
                    // Start writing back what is written so far, without waiting for it: the
                    // final fsync then finds little left to do (Linux starts writeback of
                    // dirty pages on DONTNEED, and keeps pages still under writeback).
                    let _ = rustix::fs::fadvise(
                        &file,
                        started,
                        std::num::NonZeroU64::new(written - started),
                        rustix::fs::Advice::DontNeed,
                    );
                    started = written;
                }
                if let Some(c) = ctx.as_mut() {
                    c.update(&chunk);
                }
                chunk.clear();
                let _ = back_tx.send(chunk);
            }
            let sha = ctx.map(|c| c.finish().as_ref().try_into().expect("32 bytes"));
            Ok((file, sha))
        });
        ThreadedWriter {
            buf: Vec::with_capacity(WRITE_CHUNK),
            tx: Some(tx),
            back,
            handle: Some(handle),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let next = self
            .back
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(WRITE_CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        let sent = self
            .tx
            .as_ref()
            .map(|tx| tx.send(full).is_ok())
            .unwrap_or(false);
        if sent {
            Ok(())
        } else {
            // The writer stopped on an error: report it.
            Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("the writer thread stopped")))
        }
    }

    fn join(&mut self) -> Written {
        drop(self.tx.take());
        match self.handle.take() {
            Some(h) => h
                .join()
                .map_err(|_| io::Error::other("the writer thread panicked"))?,
            None => Err(io::Error::other("the writer thread already stopped")),
        }
    }

    /// Writes what is buffered, waits for the writer, and returns the file.
    pub fn finish(self) -> io::Result<File> {
        Ok(self.finish_hashed()?.0)
    }

    /// Like [`ThreadedWriter::finish`], with the SHA-256 if this writer was made hashing.
    pub fn finish_hashed(mut self) -> Written {
        self.send()?;
        self.join()
    }
}

impl Write for ThreadedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // Never grow a buffer past its capacity: growing copies it (mimalloc, unlike glibc's
        // mremap, moves large blocks), which cost a third more CPU on a 1 GiB add.
        if !self.buf.is_empty() && self.buf.len() + data.len() > self.buf.capacity() {
            self.send()?;
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= WRITE_CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for ThreadedWriter {
    fn drop(&mut self) {
        let _ = self.join();
    }
}
