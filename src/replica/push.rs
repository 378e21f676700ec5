//! `push`: sends a remote what the vault has sealed and the replica lacks, object files
//! first, then the journal in sealed chunks, then a head that names them all (FORMAT.md
//! 16.3). Needs nothing of the server but leave to write: what the replica holds is what
//! this device remembers having sent, saved as it goes, so a push that stops (a crash, a
//! node down, a full server) resumes where it stopped and never records as sent what was
//! not.
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::{client, micros_now, remote_error, unix_now, Progress, Step, Throttle};
use crate::error::Result;
use crate::format::id::RecordId;
use crate::format::replica::{
    chunk_key_id, content_name, head_key_id, Chunk, CHUNK, ESCROW, MAX_AHEAD,
};
use crate::vault::remotes::ReplicaState;
use crate::vault::Vault;

/// How often what has been sent is saved while objects go out.
const SAVE_EVERY_SECS: u64 = 2;

/// What a push sent.
#[derive(Debug, Default, serde::Serialize)]
pub struct Pushed {
    pub remote: String,
    /// Object files sent, and their bytes.
    pub objects: usize,
    pub object_bytes: u64,
    /// Journal chunks sent, and the journal bytes they hold.
    pub chunks: usize,
    pub journal_bytes: u64,
    /// Whether a new head was sent (false: the replica was up to date).
    pub head: bool,
    /// Records the replica now holds.
    pub records: usize,
}

/// Pushes to the remote called `name`.
pub fn push(v: &Vault, name: &str, progress: Progress) -> Result<Pushed> {
    let (key, remote) = v.remote(name)?;
    let client = client(&remote)?;
    let err = |e| remote_error(name, e);
    let mut state = v.replica_state(&key)?;
    let (journal, journal_len) = v.journal_extent()?;
    let present = v.object_ids()?;
    // Objects since removed (or replaced by a rotation) are no longer the vault's.
    state
        .head
        .objects
        .retain(|o| present.binary_search(o).is_ok());
    let todo: Vec<[u8; 16]> = present
        .iter()
        .filter(|o| state.head.objects.binary_search(o).is_err())
        .copied()
        .collect();
    if state.head.journal != journal || state.head.journal_len() > journal_len {
        // A new journal file (a removal or rotation rewrote it): sent whole.
        state.head.journal = journal;
        state.head.chunks.clear();
    }
    let from = state.head.journal_len();
    // The vault is locked for this command: what it holds now is what the head will name.
    let records = v.record_locators()?;
    let mut out = Pushed {
        remote: name.to_owned(),
        records: records.len(),
        ..Pushed::default()
    };
    if todo.is_empty() && from == journal_len && state.head_sent {
        return Ok(out);
    }
    state.head_sent = false;
    let chunks = (journal_len - from).div_ceil(CHUNK);
    let total = todo.len() as u64 + chunks + 1;
    let throttle = Throttle::new();
    let bytes = AtomicU64::new(0);
    let step = |done: u64| {
        throttle.step(
            progress,
            Step {
                done,
                total,
                bytes: bytes.load(Ordering::Relaxed),
            },
        )
    };

    let target = Target {
        v,
        client: &client,
        key: &key,
        name,
    };
    let (objects, object_bytes) = send_objects(&target, &mut state, &todo, &bytes, &step)?;
    out.objects = objects;
    out.object_bytes = object_bytes;
    crate::storage::faults::crash_point("replica-objects-sent");

    let mut offset = from;
    while offset < journal_len {
        let len = CHUNK.min(journal_len - offset);
        let plain = v.read_journal(offset, len)?;
        let sealed = v.seal_replica(&chunk_key_id(&journal, offset), &plain);
        let name = content_name(&sealed);
        client.put(&hex::encode(name), &sealed).map_err(err)?;
        state.head.chunks.push(Chunk { offset, len, name });
        v.save_replica_state(&key, &state)?;
        bytes.fetch_add(sealed.len() as u64, Ordering::Relaxed);
        out.chunks += 1;
        out.journal_bytes += len;
        offset += len;
        step(objects as u64 + out.chunks as u64);
        crate::storage::faults::crash_point("replica-chunk-sent");
    }

    if remote.escrow {
        let (fingerprint, sealed) = v.escrow()?;
        if state.escrowed != Some(fingerprint) {
            let name = format!("{ESCROW}{}", hex::encode(content_name(&sealed)));
            client.put(&name, &sealed).map_err(err)?;
            state.escrowed = Some(fingerprint);
            v.save_replica_state(&key, &state)?;
        }
    }
    state.head.vault_id = v.vault_id();
    // One more than the last head, unless that was dated ahead (restored from a head
    // forged with a huge counter): then the clock, so this head is not passed over.
    let now = micros_now();
    let last = state.head.counter;
    state.head.counter = if last > now.saturating_add(MAX_AHEAD) {
        now
    } else {
        now.max(last.saturating_add(1))
    };
    state.head.object_sizes = state
        .head
        .objects
        .iter()
        .map(|id| std::fs::metadata(v.object_file(id)).map(|m| m.len()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| crate::error::Error::io(crate::words!("d-reading-object"), e))?;
    state.head.time = unix_now();
    let counter = state.head.counter;
    crate::storage::faults::crash_point("replica-before-head");
    let previous = std::mem::replace(&mut state.head.records, records);
    let sealed = v.seal_replica(&head_key_id(counter), &state.head.encode());
    if let Err(e) = client.put(&v.replica_names().head(counter), &sealed) {
        state.head.records = previous;
        return Err(err(e));
    }
    state.head_sent = true;
    v.save_replica_state(&key, &state)?;
    out.head = true;
    step(total);
    Ok(out)
}

/// Sends the object files `todo` on a few connections at once, saving what has been sent
/// every few seconds and at the end, whatever happens. Returns how many and their bytes.
fn send_objects(
    t: &Target,
    state: &mut ReplicaState,
    todo: &[[u8; 16]],
    bytes: &AtomicU64,
    step: &(dyn Fn(u64) + Sync),
) -> Result<(usize, u64)> {
    let names = t.v.replica_names();
    let state = Mutex::new(state);
    let last_save = Mutex::new(Instant::now());
    let count = AtomicUsize::new(0);
    let before = bytes.load(Ordering::Relaxed);
    let result: Result<()> = super::in_parallel(todo, |id| {
        let path = t.v.object_file(id);
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        t.client
            .put_file(&names.object(id), &path)
            .map_err(|e| remote_error(t.name, e))?;
        bytes.fetch_add(len, Ordering::Relaxed);
        let n = count.fetch_add(1, Ordering::Relaxed) + 1;
        {
            let mut s = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            s.head.objects.push(*id);
            let mut last = last_save
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.elapsed().as_secs() >= SAVE_EVERY_SECS {
                save_sorted(t, &mut s)?;
                *last = Instant::now();
            }
        }
        step(n as u64);
        crate::storage::faults::crash_point("replica-object-sent");
        Ok(())
    });
    let state = state
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    save_sorted(t, state)?;
    result?;
    Ok((count.into_inner(), bytes.load(Ordering::Relaxed) - before))
}

/// Saves the state with its objects in order and without repeats.
fn save_sorted(t: &Target, state: &mut ReplicaState) -> Result<()> {
    state.head.objects.sort_unstable();
    state.head.objects.dedup();
    t.v.save_replica_state(t.key, state)
}

/// Where a push sends.
struct Target<'a> {
    v: &'a Vault,
    client: &'a super::s3::Client,
    key: &'a [u8; 16],
    name: &'a str,
}

/// Records of the vault that no push to the remote called `name` has sent yet, by id.
pub fn not_pushed(v: &Vault, name: &str) -> Result<(ReplicaState, Vec<RecordId>)> {
    let (key, _) = v.remote(name)?;
    let state = v.replica_state(&key)?;
    let out = missing_from(v, &state.head.records)?;
    Ok((state, out))
}

/// Records of the vault whose locators are not among `records`, by id.
pub fn missing_from(v: &Vault, records: &[[u8; 16]]) -> Result<Vec<RecordId>> {
    let mut out: Vec<RecordId> = v
        .record_locators()?
        .iter()
        .filter(|l| records.binary_search(l).is_err())
        .filter_map(|l| v.record_at(l))
        .collect();
    out.sort_by_key(|id| id.to_string());
    Ok(out)
}
