//! `restore`: a vault rebuilt on a new device from its replica and its keyring (FORMAT.md
//! 16.5). The newest head that opens with the keyring names the journal's chunks and the
//! object files; they are fetched into a new vault directory, the database is rebuilt from
//! the journal as `rebuild` does, and the whole vault is checked. A restore that stops
//! goes on where it stopped when run again; a damaged or missing object costs only the
//! records that hold it, which the check names.
use std::fs;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};

use super::s3::{Client, RemoteError};
use super::{remote_error, Progress, Step, Throttle};
use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::error::{Error, Result, Words};
use crate::format::keyring::{self, Keyring, Passphrase};
use crate::format::replica::{
    chunk_key_id, content_name, head_key_id, Chunk, Head, Names, ESCROW, MAX_AHEAD, MAX_ESCROW,
    MAX_HEAD,
};
use crate::storage::store::{RebuildReport, Store};
use crate::vault::check::CheckReport;
use crate::vault::remotes::Remote;
use crate::vault::{Vault, VaultPaths};
use crate::words;

/// What a restore did.
#[derive(Debug, serde::Serialize)]
pub struct Restored {
    /// The head restored from: its counter and when its push ended.
    pub counter: u64,
    pub pushed_at: i64,
    /// Heads of this vault in the replica (pushes), the one used among them.
    pub heads: usize,
    pub objects: usize,
    pub bytes: u64,
    /// Object files the replica lacks, by name in the replica.
    pub missing_objects: Vec<String>,
    /// Journal chunks that are missing or damaged (their offsets).
    pub damaged_chunks: Vec<u64>,
    /// Records the push held that the restored vault lacks (lost with a damaged chunk).
    pub lost_records: Vec<String>,
    pub rebuild: RebuildReport,
    pub check: CheckReport,
}

/// The heads of the vault whose keys are `names` in a listing, newest first.
pub fn heads(client: &Client, names: &Names, remote: &str) -> Result<Vec<(u64, String)>> {
    let listed = client.list("").map_err(|e| remote_error(remote, e))?;
    let mut out: Vec<(u64, String)> = listed
        .into_iter()
        .filter_map(|l| names.head_counter(&l.name).map(|c| (c, l.name)))
        .collect();
    out.sort_unstable_by(|a, b| b.cmp(a));
    Ok(out)
}

/// The most journal chunks of a push a restore writes as zeros before it gives up.
const MAX_DAMAGED_CHUNKS: usize = 16;

/// One push found in a replica, for `restore --list`.
#[derive(Debug, serde::Serialize)]
pub struct Push {
    pub counter: u64,
    /// When it ended (Unix seconds).
    pub time: i64,
    pub records: usize,
    pub objects: usize,
    pub journal_bytes: u64,
    /// Its counter is more than a day ahead of this device's clock: never taken as the
    /// newest (only by `--push COUNTER`).
    pub ahead: bool,
}

/// The head called `name` with counter `c`, if it is there, opens with `catalog` and names
/// `vault_id`.
fn open_head(
    client: &Client,
    catalog: &SymmetricKey,
    vault_id: &[u8; 16],
    (c, name): (u64, &str),
    remote: &str,
) -> Result<Option<Head>> {
    let sealed = match client.get(name, MAX_HEAD) {
        Ok(Some(s)) => s,
        Ok(None) | Err(RemoteError::Damaged(_)) => return Ok(None),
        Err(e) => return Err(remote_error(remote, e)),
    };
    Ok(catalog
        .open(Domain::Replica, &head_key_id(c), &sealed)
        .ok()
        .and_then(|p| Head::decode(&p))
        .filter(|h| h.vault_id == *vault_id && h.counter == c))
}

/// Whether a head's counter is more than [`MAX_AHEAD`] ahead of this device's clock.
fn ahead(counter: u64) -> bool {
    counter > super::micros_now().saturating_add(MAX_AHEAD)
}

/// Every push of this vault in the replica, newest first.
pub fn pushes(
    client: &Client,
    keys: (&SymmetricKey, &SymmetricKey),
    vault_id: &[u8; 16],
    remote: &str,
) -> Result<Vec<Push>> {
    let mut out = Vec::new();
    for (c, name) in heads(client, &Names::new(keys.1), remote)? {
        if let Some(h) = open_head(client, keys.0, vault_id, (c, &name), remote)? {
            out.push(Push {
                counter: c,
                time: h.time,
                records: h.records.len(),
                objects: h.objects.len(),
                journal_bytes: h.journal_len(),
                ahead: ahead(c),
            });
        }
    }
    Ok(out)
}

/// The newest head (or the one of `counter`) that opens with `catalog_key` and names
/// `vault_id`, with how many heads there are. A head more than a day ahead of this
/// device's clock is passed over unless asked for by its counter: one forged with a huge
/// counter would otherwise win every restore.
pub fn newest_head(
    client: &Client,
    keys: (&SymmetricKey, &SymmetricKey),
    vault_id: &[u8; 16],
    counter: Option<u64>,
    remote: &str,
) -> Result<(Head, usize)> {
    let (catalog, pseudonym) = keys;
    let all = heads(client, &Names::new(pseudonym), remote)?;
    for (c, name) in &all {
        let wanted = match counter {
            Some(want) => want == *c,
            None => !ahead(*c),
        };
        if !wanted {
            continue;
        }
        if let Some(h) = open_head(client, catalog, vault_id, (*c, name), remote)? {
            return Ok((h, all.len()));
        }
    }
    Err(Error::Remote {
        remote: remote.to_owned(),
        what: match counter {
            Some(c) => words!("d-restore-no-push", push = c),
            None => words!("d-restore-no-push-any"),
        },
    })
}

/// The pushes of the vault whose keyring is at `keyring_file` that `remote`'s bucket holds.
pub fn list(keyring_file: &Path, pass: &Passphrase, remote: &Remote) -> Result<Vec<Push>> {
    let k = keyring::open_slots(&read_keyring(keyring_file)?, pass, keyring_file)?.keyring;
    let client = super::client(remote)?;
    pushes(
        &client,
        (&k.catalog_key, &k.pseudonym_key),
        &k.vault_id,
        &remote.name,
    )
}

/// The keyrings escrowed to headquarters (FORMAT.md 16.6) that open with `identities`
/// (headquarters' key) and whose signing key has `fingerprint` (the device's, as `amanat
/// keys` printed it when headquarters enrolled it): nothing else ties an escrow to the
/// device, since anyone who can write to the inbox can put one there, sealed to
/// headquarters' public key, naming the vault's id (plaintext on the device's disk). A
/// decoy's escrow is never taken.
pub fn escrowed(
    remote: &Remote,
    identities: &[&dyn age::Identity],
    fingerprint: &str,
) -> Result<Vec<Keyring>> {
    let client = super::client(remote)?;
    let err = |e| remote_error(&remote.name, e);
    let mut found: Vec<Keyring> = Vec::new();
    for l in client.list(ESCROW).map_err(err)? {
        let sealed = match client.get(&l.name, MAX_ESCROW) {
            Ok(Some(s)) => s,
            Ok(None) | Err(RemoteError::Damaged(_)) => continue,
            Err(e) => return Err(err(e)),
        };
        let Ok(plain) = crate::crypto::seal::open_bytes(identities, &sealed) else {
            continue;
        };
        if let Some(k) = Keyring::from_escrow(&plain) {
            if !k.duress && k.fingerprint() == fingerprint {
                found.push(k);
            }
        }
    }
    if found.is_empty() {
        return Err(Error::Remote {
            remote: remote.name.clone(),
            what: words!("d-restore-no-escrow", fingerprint = fingerprint),
        });
    }
    Ok(found)
}

/// Of `keyrings` (one device's escrows: a rotation escrows anew), the one that opens the
/// head of `counter`, or the newest head.
pub fn escrowed_for(
    remote: &Remote,
    keyrings: Vec<Keyring>,
    counter: Option<u64>,
) -> Result<Keyring> {
    let client = super::client(remote)?;
    let mut best: Option<(u64, Keyring)> = None;
    for k in keyrings {
        let keys = (&k.catalog_key, &k.pseudonym_key);
        if let Ok((head, _)) = newest_head(&client, keys, &k.vault_id, counter, &remote.name) {
            if best.as_ref().is_none_or(|(c, _)| head.counter > *c) {
                best = Some((head.counter, k));
            }
        }
    }
    best.map(|(_, k)| k).ok_or_else(|| Error::Remote {
        remote: remote.name.clone(),
        what: match counter {
            Some(c) => words!("d-restore-escrow-no-push", push = c),
            None => words!("d-restore-escrow-no-push-any"),
        },
    })
}

/// The pushes that open with any of `keyrings`, newest first.
pub fn pushes_of(remote: &Remote, keyrings: &[Keyring]) -> Result<Vec<Push>> {
    let client = super::client(remote)?;
    let mut out: Vec<Push> = Vec::new();
    for k in keyrings {
        let keys = (&k.catalog_key, &k.pseudonym_key);
        for p in pushes(&client, keys, &k.vault_id, &remote.name)? {
            if !out.iter().any(|q| q.counter == p.counter) {
                out.push(p);
            }
        }
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.counter));
    Ok(out)
}

/// The bytes of the keyring file at `path`.
pub fn read_keyring(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::KeyringMissing(path.to_owned()),
        _ => Error::input(path, e),
    })
}

/// Restores the vault at `paths` (a new or empty directory, or one a restore left) from
/// `remote`'s bucket, with the keyring at `keyring` (copied into the vault), then opens and
/// checks it.
pub fn restore(
    paths: &VaultPaths,
    keyring_file: &Path,
    pass: &Passphrase,
    remote: &Remote,
    counter: Option<u64>,
    progress: Progress,
) -> Result<(Vault, Restored)> {
    let bytes = read_keyring(keyring_file)?;
    let from = Sealed {
        bytes: &bytes,
        path: keyring_file,
        pass,
    };
    restore_sealed(paths, from, remote, counter, progress)
}

/// A keyring file's bytes, where they came from, and the passphrase that opens them.
pub struct Sealed<'a> {
    pub bytes: &'a [u8],
    pub path: &'a Path,
    pub pass: &'a Passphrase,
}

/// [`restore`] with the keyring's bytes in hand (one made from an escrow, say). A restore
/// that goes on keeps the keyring it wrote the first time.
pub fn restore_sealed(
    paths: &VaultPaths,
    from: Sealed,
    remote: &Remote,
    counter: Option<u64>,
    progress: Progress,
) -> Result<(Vault, Restored)> {
    let root = &paths.root;
    let resuming = Store::is_restoring(root);
    if !resuming && fs::read_dir(root).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Error::VaultExists(root.clone()));
    }
    let (pass, bytes) = (from.pass, from.bytes);
    let opened = keyring::open_slots(bytes, pass, from.path)?;
    let (k, slot) = (opened.keyring, opened.slot);
    let client = super::client(remote)?;
    let (head, heads) = newest_head(
        &client,
        (&k.catalog_key, &k.pseudonym_key),
        &k.vault_id,
        counter,
        &remote.name,
    )?;
    Store::prepare_restore(root)?;
    Store::mark_restoring(root)?;
    if !paths.keyring.exists() {
        crate::storage::durable::write_atomic(&paths.keyring, bytes)?;
    }

    let total = head.objects.len() as u64 + head.chunks.len() as u64;
    let throttle = Throttle::new();
    let done = AtomicU64::new(0);
    let fetched = AtomicU64::new(0);
    let step = |b: u64| {
        let done = done.fetch_add(1, Ordering::Relaxed) + 1;
        let bytes = fetched.fetch_add(b, Ordering::Relaxed) + b;
        throttle.step(progress, Step { done, total, bytes });
    };
    let err = |e| remote_error(&remote.name, e);
    // Written beside the vault's files, then renamed into place: held whole in memory, the
    // journal of 100,000 records (400 MB) would be the restore's largest cost.
    let staged = root.join("tmp").join("journal-restored");
    let mut out =
        fs::File::create(&staged).map_err(|e| Error::io(words!("d-writing-journal"), e))?;
    let damaged_chunks = fetch_journal(&client, &k, &head, &mut out, &step).map_err(err)?;
    out.sync_all()
        .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
    drop(out);
    let missing_objects = fetch_objects(&client, &k, root, &head, &step).map_err(err)?;
    crate::storage::durable::sync_tree(&root.join("objects"))?;
    fs::rename(&staged, root.join(crate::storage::journal::FILE))
        .map_err(|e| Error::io(words!("d-writing-journal"), e))?;
    crate::storage::durable::sync_dir(root)?;

    let (vault, rebuild) = crate::vault::rebuild::rebuild_restored(paths.clone(), k, slot)?;
    remember(&vault, remote, &head)?;
    let have = vault.record_locators()?;
    let lost_records = head
        .records
        .iter()
        .filter(|l| have.binary_search(l).is_err())
        .filter_map(|l| vault.record_at(l))
        .map(|id| id.to_string())
        .collect();
    let check = vault.check(&|_| {})?;
    crate::storage::faults::crash_point("restore-checked");
    Store::restored(root)?;
    Ok((
        vault,
        Restored {
            counter: head.counter,
            pushed_at: head.time,
            heads,
            objects: head.objects.len() - missing_objects.len(),
            bytes: fetched.into_inner(),
            missing_objects,
            damaged_chunks,
            lost_records,
            rebuild,
            check,
        },
    ))
}

/// The journal bytes a chunk holds, if the replica has it whole: its bytes are what its
/// name says, open under the catalog key for their journal and offset, and are as long as
/// the head says. `None` if missing or damaged.
pub(crate) fn open_chunk(
    client: &Client,
    catalog: &SymmetricKey,
    journal: &[u8; 16],
    c: &Chunk,
) -> std::result::Result<Option<zeroize::Zeroizing<Vec<u8>>>, RemoteError> {
    let got = match client.get(&hex::encode(c.name), c.len * 2 + (1 << 20)) {
        Err(RemoteError::Damaged(_)) => None,
        other => other?,
    };
    Ok(got
        .filter(|s| content_name(s) == c.name)
        .and_then(|s| {
            catalog
                .open(Domain::Replica, &chunk_key_id(journal, c.offset), &s)
                .ok()
        })
        .filter(|p| p.len() as u64 == c.len))
}

/// Writes the journal the head's chunks hold to `out`; returns the offsets of chunks
/// missing or damaged (written as zeros, which the rebuild skips as damage and reports).
fn fetch_journal(
    client: &Client,
    k: &Keyring,
    head: &Head,
    out: &mut fs::File,
    step: &(dyn Fn(u64) + Sync),
) -> std::result::Result<Vec<u64>, RemoteError> {
    use std::io::Write;
    let mut damaged = Vec::new();
    let write = |out: &mut fs::File, b: &[u8]| {
        out.write_all(b).map_err(|e| {
            RemoteError::Local(words!(
                "d-s3-local",
                what = words!("d-writing-journal"),
                why = e.to_string()
            ))
        })
    };
    for c in &head.chunks {
        let plain = open_chunk(client, &k.catalog_key, &head.journal, c)?;
        match plain {
            Some(p) => write(out, &p)?,
            _ => {
                damaged.push(c.offset);
                // A head that names chunks the replica never held would have zeros
                // written for each: a head of 64 MiB can name terabytes.
                if damaged.len() > MAX_DAMAGED_CHUNKS {
                    return Err(RemoteError::Damaged(words!(
                        "d-restore-chunks",
                        max = MAX_DAMAGED_CHUNKS
                    )));
                }
                write(out, &vec![0; c.len as usize])?;
            }
        }
        step(c.len);
    }
    Ok(damaged)
}

/// Fetches the object files a restore lacks (several at once), each into `tmp/`, fsynced,
/// then renamed into `objects/`. Returns the names of those the replica does not have, or
/// has at another size than the head says (which are not written).
fn fetch_objects(
    client: &Client,
    k: &Keyring,
    root: &Path,
    head: &Head,
    step: &(dyn Fn(u64) + Sync),
) -> std::result::Result<Vec<String>, RemoteError> {
    let names = Names::new(&k.pseudonym_key);
    let missing = std::sync::Mutex::new(Vec::new());
    let local = |what: Words, e: std::io::Error| {
        RemoteError::Local(words!("d-s3-local", what = what, why = e.to_string()))
    };
    let objects: Vec<([u8; 16], u64)> = head
        .objects
        .iter()
        .copied()
        .zip(head.object_sizes.iter().copied())
        .collect();
    super::in_parallel(&objects, |(id, size)| {
        let path = object_path(root, id);
        if fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
            step(0);
            return Ok(());
        }
        let name = names.object(id);
        let tmp = root.join("tmp").join(hex::encode(id));
        let mut f = fs::File::create(&tmp).map_err(|e| local(words!("d-writing-object"), e))?;
        let got = match client.get_to(&name, &mut f, *size) {
            Err(RemoteError::Damaged(_)) => false,
            other => other?,
        };
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if !got || len != *size {
            drop(f);
            let _ = fs::remove_file(&tmp);
            missing
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(name);
            step(0);
            return Ok(());
        }
        f.sync_all()
            .map_err(|e| local(words!("d-writing-object"), e))?;
        drop(f);
        fs::rename(&tmp, &path).map_err(|e| local(words!("d-writing-object"), e))?;
        step(len);
        Ok(())
    })?;
    Ok(missing
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

fn object_path(root: &Path, id: &[u8; 16]) -> PathBuf {
    let h = hex::encode(id);
    root.join("objects").join(&h[..2]).join(h)
}

/// If the restored vault names the remote it came from, remembers which objects that
/// replica holds, and its journal when the rebuild kept the one the chunks hold (it was
/// read whole), so the next push sends only what is new.
fn remember(v: &Vault, remote: &Remote, head: &Head) -> Result<()> {
    let (journal, len) = v.journal_extent()?;
    let kept = journal == head.journal && len >= head.journal_len();
    for (key, r) in v.remotes()? {
        if r.endpoint == remote.endpoint && r.bucket == remote.bucket {
            let mut state = v.replica_state(&key)?;
            state.head.objects = head.objects.clone();
            if !ahead(head.counter) {
                state.head.counter = state.head.counter.max(head.counter);
                if kept {
                    state.head.journal = head.journal;
                    state.head.chunks = head.chunks.clone();
                    state.head_sent = true;
                }
            }
            v.save_replica_state(&key, &state)?;
        }
    }
    Ok(())
}
