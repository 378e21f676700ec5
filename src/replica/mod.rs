//! Sealed replicas of a vault on S3-compatible object storage (FORMAT.md 16), such as a
//! Garage cluster an organisation runs itself: `push` sends what the vault has sealed and
//! the replica lacks, `restore` rebuilds a vault from a replica and a keyring, `check` says
//! what a replica is missing, `sweep` copies a write-only inbox into an archive the device
//! cannot touch.
//!
//! A replica holds ciphertext only: object files as the vault sealed them, the journal
//! sealed again in pieces, and one sealed head per push. The keyring is never sent.
use std::time::Instant;

use crate::error::{Error, Result};
use crate::vault::remotes::Remote;

pub mod check;
pub mod pull;
pub mod push;
pub mod restore;
pub mod s3;
pub mod sweep;

pub use s3::RemoteError;

/// How far a long transfer is: `(done, total)` items and bytes sent or fetched.
pub type Progress<'a> = &'a (dyn Fn(Step) + Sync);

/// One step of a transfer, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
}

/// A client of `remote`'s bucket.
pub fn client(remote: &Remote) -> Result<s3::Client> {
    s3::Client::new(&endpoint(remote)).map_err(|e| remote_error(&remote.name, e))
}

fn endpoint(r: &Remote) -> s3::Endpoint<'_> {
    s3::Endpoint {
        url: &r.endpoint,
        bucket: &r.bucket,
        region: &r.region,
        access_key_id: &r.access_key_id,
        secret: &r.secret,
        timeout: r.timeout,
    }
}

/// The library's error for a failed request to the remote called `name`.
pub fn remote_error(name: &str, e: RemoteError) -> Error {
    Error::Remote {
        remote: name.to_owned(),
        what: e.words(),
    }
}

/// Calls `f` at most every 100 ms, and for the last step.
pub(crate) struct Throttle(std::sync::Mutex<Instant>);

impl Throttle {
    pub fn new() -> Throttle {
        Throttle(std::sync::Mutex::new(Instant::now()))
    }

    pub fn step(&self, progress: Progress, s: Step) {
        let mut last = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if s.done == s.total || last.elapsed().as_millis() >= 100 {
            *last = Instant::now();
            progress(s);
        }
    }
}

/// Requests sent at once by a transfer of many objects.
pub(crate) const WORKERS: usize = 4;

/// Calls `f` on every item, on [`WORKERS`] threads; stops at the first error, which it
/// returns.
pub(crate) fn in_parallel<T: Sync, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> std::result::Result<(), E> + Sync,
) -> std::result::Result<(), E> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed: std::sync::Mutex<Option<E>> = std::sync::Mutex::new(None);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..WORKERS.min(items.len()) {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    if let Err(e) = f(item) {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        failed
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .get_or_insert(e);
                        return;
                    }
                }
            });
        }
    });
    match failed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The SHA-256 of a file and its length.
pub(crate) fn sha256_file(path: &std::path::Path) -> std::io::Result<([u8; 32], u64)> {
    crate::crypto::seal::sha256_read(std::fs::File::open(path)?)
}

/// Seconds since 1970.
pub(crate) fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Microseconds since 1970: a new head's counter, at least.
pub(crate) fn micros_now() -> u64 {
    u64::try_from(jiff::Timestamp::now().as_microsecond()).unwrap_or(0)
}
