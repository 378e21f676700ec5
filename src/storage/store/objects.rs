//! Object files (FORMAT.md, "Objects", "Object times", "Write ordering"): where each lives,
//! how it is written into a spare file and placed, how its pending mark is kept, how objects
//! are removed or swept after a crash, and how their times are set when a command closes.
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::Store;
use crate::error::{Error, Result};
use crate::format::id::ObjectId;
use crate::storage::durable::{sync_dir, sync_tree, ThreadedWriter};
use crate::words;

/// Empty files made ahead of time, which new objects are written into (FORMAT.md, "Object
/// times"): a file's birth time cannot be changed, so an object must not be born when its
/// record is added.
pub const SPARE_DIR: &str = "spare";
/// A close that finds fewer spare files than this makes more, up to [`SPARE_HIGH`].
const SPARE_LOW: usize = 64;
/// How many spare files a vault keeps.
const SPARE_HIGH: usize = 192;
/// How many a command makes when it runs out in the middle (a large ingest).
const SPARE_BATCH: usize = 64;

/// Makes all 256 `objects/<hh>/` directories that are missing (a vault of format 2 made
/// them as it needed them) and tops `spare/` up to [`SPARE_HIGH`] files when it has fewer
/// than [`SPARE_LOW`].
pub(super) fn prepare_objects(root: &Path) -> Result<()> {
    let objects = root.join("objects");
    let mut made = false;
    for i in 0..=255u8 {
        match fs::create_dir(objects.join(hex::encode([i]))) {
            Ok(()) => made = true,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io(words!("d-store-creating-object-dir"), e)),
        }
    }
    if made {
        sync_dir(&objects)?;
    }
    let dir = root.join(SPARE_DIR);
    let have = list_spares(&dir).len();
    if have < SPARE_LOW {
        make_spares(&dir, SPARE_HIGH - have)?;
    }
    Ok(())
}

fn list_spares(dir: &Path) -> Vec<std::ffi::OsString> {
    fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name())
                .collect()
        })
        .unwrap_or_default()
}

/// Makes `n` empty spare files with random names in `dir` (made if missing).
fn make_spares(dir: &Path, n: usize) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let ctx = |e| Error::io(words!("d-store-making-spares"), e);
    match fs::create_dir(dir) {
        Ok(()) => {
            if let Some(root) = dir.parent() {
                sync_dir(root)?;
            }
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(ctx(e)),
    }
    for _ in 0..n {
        let name = hex::encode(crate::crypto::random_bytes::<16>());
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.join(name))
            .map_err(ctx)?;
    }
    sync_dir(dir)
}

/// Sets the access and modification times of every object file, every `objects/<hh>/`
/// directory, `objects/`, `spare/` and `tmp/` to now (FORMAT.md, "Object times"), so that
/// the file system's times (the change time included, which the call also sets) say when
/// the vault last wrote or removed an object, not when each was written: a partner's
/// bundle states when each record was added, to the second.
fn blur_object_times(root: &Path) -> Result<()> {
    let objects = &root.join("objects");
    let ctx = |e: io::Error| Error::io(words!("d-store-object-times"), e);
    let entries = match fs::read_dir(objects) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ctx(e)),
    };
    let mut dirs = Vec::new();
    for dir in entries {
        let dir = dir.map_err(ctx)?;
        if dir.file_type().map_err(ctx)?.is_dir() {
            dirs.push(dir.path());
        }
    }
    // One call per file: spread over the cores (100,000 objects take about 0.4 s on one).
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let per = dirs.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let workers: Vec<_> = dirs
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().try_for_each(|d| touch_dir(d))))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
    .map_err(ctx)?;
    for d in [objects.clone(), root.join(SPARE_DIR), root.join("tmp")] {
        match touch(rustix::fs::CWD, &d, rustix::fs::AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(e) => return Err(ctx(e.into())),
        }
    }
    Ok(())
}

/// Sets the times of every file in `dir`, then of `dir`, to now.
fn touch_dir(dir: &Path) -> io::Result<()> {
    let fd = File::open(dir)?;
    for f in fs::read_dir(dir)? {
        let f = f?;
        match touch(&fd, f.file_name(), rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
            // Removed meanwhile (another thread's removal, by the same process).
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(e) => return Err(e.into()),
        }
    }
    touch(rustix::fs::CWD, dir, rustix::fs::AtFlags::empty()).map_err(Into::into)
}

/// `utimensat(at, path, {UTIME_NOW, UTIME_NOW}, flags)`: access and modification times (and
/// so the change time) to now.
fn touch<P: rustix::path::Arg, Fd: std::os::fd::AsFd>(
    at: Fd,
    path: P,
    flags: rustix::fs::AtFlags,
) -> rustix::io::Result<()> {
    use rustix::fs::{Timespec, Timestamps, UTIME_NOW};
    let now = || Timespec {
        tv_sec: 0,
        tv_nsec: UTIME_NOW,
    };
    let times = Timestamps {
        last_access: now(),
        last_modification: now(),
    };
    rustix::fs::utimensat(at, path, &times, flags)
}

impl Store {
    /// Path of an object file: `objects/<first two hex digits>/<32 hex digits>`.
    pub fn object_path(&self, id: &ObjectId) -> PathBuf {
        let h = id.to_hex();
        self.root.join("objects").join(&h[..2]).join(h)
    }

    /// Notes that objects are about to be written (or deleted), durably, so a crash before
    /// their record commits leaves them for the sweep.
    pub fn mark_pending(&self, ids: &[ObjectId]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.objects_touched
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let mut b = sled::Batch::default();
        for id in ids {
            b.insert(&self.pending_key(id)[..], &[][..]);
        }
        self.pending.apply_batch(b)?;
        if self.holding.load(std::sync::atomic::Ordering::SeqCst) {
            // A commit holds the journal (and made it durable when it began): no
            // transaction commits before its frames are fsynced, so sled's files alone make
            // the marks durable.
            self.db.flush()?;
            return sync_tree(&self.root.join("db"));
        }
        self.sync()
    }

    /// Starts writing a sealed object: a file in `tmp/` until [`ObjectWriter::commit`].
    pub fn object_writer(&self, id: ObjectId) -> Result<ObjectWriter> {
        let tmp = self.root.join("tmp").join(id.to_hex());
        if tmp.exists() {
            return Err(Error::io(
                words!("d-store-creating-object"),
                io::Error::from(io::ErrorKind::AlreadyExists),
            ));
        }
        let file = self.take_spare(&tmp)?;
        Ok(ObjectWriter {
            tmp,
            dest: self.object_path(&id),
            file: Some(ThreadedWriter::new(file)),
        })
    }

    /// After a command that wrote or removed objects: spare files made up for the next
    /// commands, and every object's times set to now.
    pub(super) fn blur_if_touched(&self) -> Result<()> {
        if self
            .objects_touched
            .swap(false, std::sync::atomic::Ordering::Relaxed)
        {
            prepare_objects(&self.root)?;
            blur_object_times(&self.root)?;
        }
        Ok(())
    }

    /// A spare file, moved out of `spare/` to `to` and opened for writing; new spare files
    /// are made only if none is left (FORMAT.md, "Object times"). Picked at random, so
    /// that the order of inode numbers among spares made together says nothing.
    fn take_spare(&self, to: &Path) -> Result<File> {
        use std::os::unix::fs::OpenOptionsExt;
        let dir = self.root.join(SPARE_DIR);
        let ctx = |e| Error::io(words!("d-store-taking-spare"), e);
        let mut spares = self
            .spares
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let list = spares.get_or_insert_with(|| list_spares(&dir));
        if list.is_empty() {
            make_spares(&dir, SPARE_BATCH)?;
            *list = list_spares(&dir);
        }
        if list.is_empty() {
            return Err(ctx(io::Error::other("no spare file could be made")));
        }
        let r = u64::from_le_bytes(crate::crypto::random_bytes());
        let name = list.swap_remove((r % list.len() as u64) as usize);
        drop(spares);
        fs::rename(dir.join(name), to).map_err(ctx)?;
        OpenOptions::new()
            .write(true)
            .truncate(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(to)
            .map_err(ctx)
    }

    /// Removes object files (already marked pending) and then their pending marks.
    pub fn delete_objects(&self, ids: &[ObjectId]) -> Result<()> {
        self.remove_objects(ids, false)
    }

    /// As [`Store::delete_objects`], overwriting each file with zeros before removing it:
    /// for a removed record, whose sealed bytes the file system would otherwise keep until
    /// it reuses the blocks (THREAT-MODEL.md, "Physical erasure", says what remains).
    pub fn destroy_objects(&self, ids: &[ObjectId]) -> Result<()> {
        self.remove_objects(ids, true)
    }

    fn remove_objects(&self, ids: &[ObjectId], overwrite: bool) -> Result<()> {
        if self.fenced.load(std::sync::atomic::Ordering::Relaxed) {
            // Left for the sweep of the next open, after it has finished the group: the
            // objects of its records are then no longer pending.
            return Ok(());
        }
        self.objects_touched
            .store(true, std::sync::atomic::Ordering::Relaxed);
        for id in ids {
            if overwrite {
                // `objects/<hh>/` stays: all 256 always exist, so none names anything.
                crate::storage::durable::destroy_file(&self.object_path(id))?;
                continue;
            }
            match fs::remove_file(self.object_path(id)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(words!("d-store-removing-object"), e)),
            }
        }
        let mut b = sled::Batch::default();
        for id in ids {
            b.remove(&self.pending_key(id)[..]);
        }
        self.pending.apply_batch(b)?;
        Ok(())
    }

    /// Overwrites and removes every object still marked pending (its record never
    /// committed, or its removal never finished), once the unlock has set the permutation
    /// of their marks. A mark written by format 2 is the raw object id: both readings are
    /// tried (a random 16-byte key names an existing object by chance with probability
    /// 2^-128). Returns how many objects were removed.
    pub(crate) fn sweep_pending(&self) -> Result<usize> {
        let marks: Vec<sled::IVec> = self.pending.iter().keys().collect::<sled::Result<_>>()?;
        if marks.is_empty() {
            return Ok(0);
        }
        let p = self
            .pending_locator
            .get()
            .expect("swept after the unlock sets the permutation");
        let mut removed = 0;
        for k in &marks {
            let Ok(raw) = <[u8; 16]>::try_from(&k[..]) else {
                continue;
            };
            for id in [ObjectId(p.unloc_bytes(raw)), ObjectId(raw)] {
                let path = self.object_path(&id);
                if path.exists() {
                    // A removal's objects left by a crash, or a failed add's: overwritten.
                    crate::storage::durable::destroy_file(&path)?;
                    removed += 1;
                }
            }
        }
        self.objects_touched
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let mut b = sled::Batch::default();
        for k in marks {
            b.remove(k);
        }
        self.pending.apply_batch(b)?;
        self.sync()?;
        Ok(removed)
    }

    /// Opens an object for reading.
    ///
    /// With `O_NOATIME` where the file system allows it: reading an object for `get` or an
    /// export would otherwise stamp its access time with the moment a bundle was made.
    pub fn open_object(&self, id: &ObjectId) -> io::Result<File> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.object_path(id);
        let noatime = rustix::fs::OFlags::NOATIME.bits() as i32;
        match OpenOptions::new()
            .read(true)
            .custom_flags(noatime)
            .open(&path)
        {
            // Not the file's owner (EPERM), or a file system without the flag.
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::PERM.raw_os_error()) => {
                File::open(path)
            }
            r => r,
        }
    }

    /// Every object file present, for `check`.
    pub fn list_objects(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        let objects = self.root.join("objects");
        let ctx = |e| Error::io(words!("d-store-listing-objects"), e);
        for dir in fs::read_dir(&objects).map_err(ctx)? {
            let dir = dir.map_err(ctx)?;
            if !dir.file_type().map_err(ctx)?.is_dir() {
                continue;
            }
            for f in fs::read_dir(dir.path()).map_err(ctx)? {
                let f = f.map_err(ctx)?;
                if let Some(id) = f.file_name().to_str().and_then(ObjectId::from_hex) {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }
}

/// A sealed object being written. Dropped without commit, it removes its temporary file.
pub struct ObjectWriter {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<ThreadedWriter>,
}

impl ObjectWriter {
    /// The writer to stream ciphertext into.
    pub fn writer(&mut self) -> &mut ThreadedWriter {
        self.file.as_mut().expect("not yet committed")
    }

    /// fsyncs the object, renames it into `objects/`, fsyncs the directories. Returns the
    /// object's size in bytes.
    pub fn commit(mut self) -> Result<u64> {
        let w = self.file.take().expect("committed once");
        let f = w
            .finish()
            .map_err(|e| Error::io(words!("d-writing-object"), e))?;
        f.sync_all()
            .map_err(|e| Error::io(words!("d-store-syncing-object"), e))?;
        let size = f
            .metadata()
            .map_err(|e| Error::io(words!("d-writing-object"), e))?
            .len();
        drop(f);
        let dir = self
            .dest
            .parent()
            .expect("objects have a parent")
            .to_owned();
        let new_dir = !dir.exists();
        if new_dir {
            fs::create_dir_all(&dir)
                .map_err(|e| Error::io(words!("d-store-creating-object-dir"), e))?;
        }
        fs::rename(&self.tmp, &self.dest)
            .map_err(|e| Error::io(words!("d-store-placing-object"), e))?;
        sync_dir(&dir)?;
        if new_dir {
            sync_dir(dir.parent().expect("objects/"))?;
        }
        Ok(size)
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}
