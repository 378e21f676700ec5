//! Where bytes live: the sled database and the sealed object files beside it
//! (FORMAT.md, "Layout" and "Write ordering").
//!
//! The store knows nothing of keys: it holds ciphertext only. It owns durability (sled's
//! flush does not fsync, so [`Store::sync`] fsyncs sled's files itself) and the sweep of
//! objects left behind by a crash.
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::durable::{sync_dir, sync_tree, ThreadedWriter};
use crate::error::{Error, Result};
use crate::id::ObjectId;

/// The first line of `<vault>/VERSION`.
pub const VERSION_LINE: &str = "amanat-vault 1";
/// Beside the database: a sealed copy of the audit log's head, so that a database that
/// silently lost its newest writes (sled drops a damaged log tail when it opens) is noticed.
pub const HEAD_FILE: &str = "head";
/// sled's page cache; the 1 GiB default would show in RSS (DESIGN.md).
const CACHE_CAPACITY: u64 = 32 * 1024 * 1024;

/// The vault directory's contents, opened and locked.
pub struct Store {
    root: PathBuf,
    db: sled::Db,
    /// Record id → sealed record body.
    pub records: sled::Tree,
    /// Record id → sealed catalog entry.
    pub catalog: sled::Tree,
    /// Record id ‖ u16 → sealed chunk of search text.
    pub search: sled::Tree,
    /// Object id → empty: objects that may exist on disk without a committed record.
    pub pending: sled::Tree,
    /// Plaintext vault facts: `vault-id`.
    pub meta: sled::Tree,
    /// Random id → sealed contact.
    pub contacts: sled::Tree,
    /// u64 sequence number → sealed audit event.
    pub audit: sled::Tree,
    /// Record id → sealed custody state of the record.
    pub custody: sled::Tree,
    /// A sealed copy of the audit log's head, written to `<vault>/head` at the next sync.
    head_copy: std::sync::Mutex<Option<Vec<u8>>>,
}

fn db_config(root: &Path) -> sled::Config {
    sled::Config::new()
        .path(root.join("db"))
        .cache_capacity(CACHE_CAPACITY)
        .mode(sled::Mode::LowSpace)
}

impl Store {
    /// Creates a new store in `root`, which must not exist or be empty.
    pub fn create(root: &Path, vault_id: &[u8; 16]) -> Result<Store> {
        match fs::read_dir(root) {
            Ok(mut it) => {
                if it.next().is_some() {
                    return Err(Error::VaultExists(root.to_owned()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(root)
                    .map_err(|e| Error::io(format!("creating {}", root.display()), e))?;
            }
            Err(e) => return Err(Error::io(format!("reading {}", root.display()), e)),
        }
        for d in ["objects", "tmp"] {
            fs::create_dir(root.join(d)).map_err(|e| Error::io("creating the vault", e))?;
        }
        crate::durable::write_atomic(
            &root.join("VERSION"),
            format!("{VERSION_LINE}\n").as_bytes(),
        )?;
        let store = Store::open_db(root)?;
        store.meta.insert("vault-id", &vault_id[..])?;
        store.sync()?;
        if let Some(parent) = root.parent() {
            if !parent.as_os_str().is_empty() {
                sync_dir(parent)?;
            }
        }
        Ok(store)
    }

    /// Opens an existing store: version check first, then the lock, then the sweep.
    pub fn open(root: &Path) -> Result<Store> {
        let version = match fs::read_to_string(root.join("VERSION")) {
            Ok(v) => v,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::NoVault(root.to_owned()))
            }
            Err(e) => return Err(Error::io(format!("reading {}", root.display()), e)),
        };
        let line = version.lines().next().unwrap_or("");
        if line != VERSION_LINE {
            return Err(Error::UnsupportedFormat(format!(
                "{} says {line:?}, this Amanat understands {VERSION_LINE:?}",
                root.join("VERSION").display()
            )));
        }
        Store::finish_replacement(root)?;
        if !root.join("db").is_dir() {
            return Err(Error::VaultDamaged(
                "the database directory is missing".into(),
            ));
        }
        let store = Store::open_db(root)?;
        store.sweep()?;
        Ok(store)
    }

    /// Replaces the database and objects by an empty store with the same vault id (a
    /// duress unlock). The empty store is built in `tmp/decoy` and moved into place; the old
    /// directories go to `tmp/`, which every open empties. A crash between the moves is
    /// finished by the next open ([`Store::finish_replacement`]).
    pub fn replace_with_empty(root: &Path, vault_id: &[u8; 16]) -> Result<()> {
        let tmp = root.join("tmp");
        let stage = tmp.join("decoy");
        if stage.exists() {
            fs::remove_dir_all(&stage).map_err(|e| Error::io("clearing tmp/decoy", e))?;
        }
        drop(Store::create(&stage, vault_id)?);
        let ctx = |e| Error::io("replacing the vault", e);
        let tag = hex::encode(crate::id::random_bytes::<6>());
        for d in ["db", "objects"] {
            if root.join(d).exists() {
                fs::rename(root.join(d), tmp.join(format!("wipe-{d}-{tag}"))).map_err(ctx)?;
            }
            crate::vault::lifecycle::crash_point("store-moved-aside");
            fs::rename(stage.join(d), root.join(d)).map_err(ctx)?;
        }
        sync_dir(root)?;
        sync_dir(&tmp)
    }

    /// Completes [`Store::replace_with_empty`] if a crash left `db` or `objects` missing.
    fn finish_replacement(root: &Path) -> Result<()> {
        let stage = root.join("tmp").join("decoy");
        let mut moved = false;
        for d in ["db", "objects"] {
            if !root.join(d).exists() && stage.join(d).is_dir() {
                fs::rename(stage.join(d), root.join(d))
                    .map_err(|e| Error::io("finishing an interrupted replacement", e))?;
                moved = true;
            }
        }
        if moved {
            sync_dir(root)?;
        }
        Ok(())
    }

    fn open_db(root: &Path) -> Result<Store> {
        let db = db_config(root).open()?;
        Ok(Store {
            root: root.to_owned(),
            records: db.open_tree("records")?,
            catalog: db.open_tree("catalog")?,
            search: db.open_tree("search")?,
            pending: db.open_tree("pending")?,
            meta: db.open_tree("meta")?,
            contacts: db.open_tree("contacts")?,
            audit: db.open_tree("audit")?,
            custody: db.open_tree("custody")?,
            head_copy: std::sync::Mutex::new(None),
            db,
        })
    }

    /// The vault directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The vault id stored at creation.
    pub fn vault_id(&self) -> Result<[u8; 16]> {
        let v = self
            .meta
            .get("vault-id")?
            .ok_or_else(|| Error::VaultDamaged("the vault id is missing".into()))?;
        v.as_ref()
            .try_into()
            .map_err(|_| Error::VaultDamaged("the vault id is malformed".into()))
    }

    /// Flushes sled and fsyncs its files and every directory in it.
    pub fn sync(&self) -> Result<()> {
        self.db.flush()?;
        sync_tree(&self.root.join("db"))?;
        // Only after the database is durable: the copy may lag it, never lead it.
        let pending = self
            .head_copy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(bytes) = pending {
            crate::durable::write_atomic(&self.root.join(HEAD_FILE), &bytes)?;
        }
        Ok(())
    }

    /// Remembers the sealed head of the audit log to write beside the database at the next
    /// [`Store::sync`] (FORMAT.md, "Head file").
    pub(crate) fn note_head(&self, sealed: Vec<u8>) {
        *self
            .head_copy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(sealed);
    }

    /// The head file's bytes, if any.
    pub(crate) fn head_file(&self) -> Option<Vec<u8>> {
        fs::read(self.root.join(HEAD_FILE)).ok()
    }

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
        let mut b = sled::Batch::default();
        for id in ids {
            b.insert(&id.0[..], &[][..]);
        }
        self.pending.apply_batch(b)?;
        self.sync()
    }

    /// Starts writing a sealed object: a file in `tmp/` until [`ObjectWriter::commit`].
    pub fn object_writer(&self, id: ObjectId) -> Result<ObjectWriter> {
        let tmp = self.root.join("tmp").join(id.to_hex());
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| Error::io("creating an object", e))?;
        Ok(ObjectWriter {
            tmp,
            dest: self.object_path(&id),
            file: Some(ThreadedWriter::new(file)),
        })
    }

    /// Removes object files (already marked pending) and then their pending marks.
    pub fn delete_objects(&self, ids: &[ObjectId]) -> Result<()> {
        for id in ids {
            match fs::remove_file(self.object_path(id)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("removing an object", e)),
            }
        }
        let mut b = sled::Batch::default();
        for id in ids {
            b.remove(&id.0[..]);
        }
        self.pending.apply_batch(b)?;
        Ok(())
    }

    /// Deletes what a crash may have left: every file in `tmp/`, and every object still
    /// marked pending (its record never committed, or its removal never finished).
    /// Returns how many files were removed.
    pub fn sweep(&self) -> Result<usize> {
        let mut removed = 0;
        let tmp = self.root.join("tmp");
        if let Ok(entries) = fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let gone = if e.file_type().is_ok_and(|t| t.is_dir()) {
                    fs::remove_dir_all(e.path())
                } else {
                    fs::remove_file(e.path())
                };
                if gone.is_ok() {
                    removed += 1;
                }
            }
        }
        let pending: Vec<ObjectId> = self
            .pending
            .iter()
            .keys()
            .filter_map(|k| k.ok().and_then(|k| ObjectId::from_slice(&k)))
            .collect();
        for id in &pending {
            if self.object_path(id).exists() {
                removed += 1;
            }
        }
        if !pending.is_empty() {
            self.delete_objects(&pending)?;
        }
        if removed > 0 || !pending.is_empty() {
            self.sync()?;
            sync_dir(&tmp)?;
        }
        Ok(removed)
    }

    /// Opens an object for reading.
    pub fn open_object(&self, id: &ObjectId) -> io::Result<File> {
        File::open(self.object_path(id))
    }

    /// Every object file present, for `check`.
    pub fn list_objects(&self) -> Result<Vec<ObjectId>> {
        let mut out = Vec::new();
        let objects = self.root.join("objects");
        let ctx = |e| Error::io("listing objects", e);
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
        let f = w.finish().map_err(|e| Error::io("writing an object", e))?;
        f.sync_all()
            .map_err(|e| Error::io("syncing an object", e))?;
        let size = f
            .metadata()
            .map_err(|e| Error::io("writing an object", e))?
            .len();
        drop(f);
        let dir = self
            .dest
            .parent()
            .expect("objects have a parent")
            .to_owned();
        let new_dir = !dir.exists();
        if new_dir {
            fs::create_dir_all(&dir).map_err(|e| Error::io("creating an object directory", e))?;
        }
        fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io("placing an object", e))?;
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
