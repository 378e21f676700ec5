//! `replica sweep`: the organisation's custodian job (FORMAT.md 16.4). Field devices hold
//! credentials that can only write to an inbox bucket; this job, on the organisation's
//! server with a key of its own, copies every new inbox object into an archive bucket that
//! no device can write. It never deletes and never overwrites: an object already in the
//! archive stays as it is, so neither a seized device's credentials nor a deletion from the
//! inbox can take anything from the archive. It holds no vault key and reads no content;
//! it checks what it can without keys: the name's form, the size the listing gave, and for a
//! transfer bundle that its bytes are what its name says (without keys, a journal chunk,
//! named by its hash too, cannot be told from an object file or a head, named otherwise).
use std::fs;

use super::s3::{Client, RemoteError};
use super::{Progress, Step, Throttle};
use crate::error::Words;
use crate::format::replica::{is_name, BUNDLES, ESCROW};
use crate::words;

/// What a sweep did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Swept {
    /// Objects copied into the archive, and their bytes.
    pub copied: usize,
    pub bytes: u64,
    /// Objects the archive already had.
    pub already: usize,
    /// Objects left in the inbox, with why.
    pub refused: Vec<(String, Words)>,
}

/// Copies what `inbox` has and `archive` lacks.
pub fn sweep(inbox: &Client, archive: &Client, progress: Progress) -> Result<Swept, SweepError> {
    let have: std::collections::HashMap<String, u64> = archive
        .list("")
        .map_err(SweepError::Archive)?
        .into_iter()
        .map(|l| (l.name, l.size))
        .collect();
    let listed = inbox.list("").map_err(SweepError::Inbox)?;
    let mut out = Swept::default();
    let total = listed.len() as u64;
    let throttle = Throttle::new();
    let spool = std::env::temp_dir().join(format!(
        "amanat-sweep-{}",
        hex::encode(crate::crypto::random_bytes::<8>())
    ));
    let result = (|| {
        for (i, l) in listed.iter().enumerate() {
            // Bundles and escrows are named by their SHA-256, and checked against it.
            let bundle = l
                .name
                .strip_prefix(BUNDLES)
                .or_else(|| l.name.strip_prefix(ESCROW));
            if !is_name(bundle.unwrap_or(&l.name)) {
                out.refused
                    .push((l.name.clone(), words!("d-sweep-not-name")));
            } else if let Some(&size) = have.get(&l.name) {
                if size == l.size {
                    out.already += 1;
                } else {
                    out.refused
                        .push((l.name.clone(), words!("d-sweep-differs")));
                }
            } else {
                match copy(inbox, archive, (&l.name, l.size), bundle, &spool)? {
                    Ok(n) => {
                        out.copied += 1;
                        out.bytes += n;
                    }
                    Err(why) => out.refused.push((l.name.clone(), why)),
                }
            }
            throttle.step(
                progress,
                Step {
                    done: i as u64 + 1,
                    total,
                    bytes: out.bytes,
                },
            );
        }
        Ok(())
    })();
    let _ = fs::remove_file(&spool);
    result.map(|()| out)
}

/// Which side of a sweep failed.
#[derive(Debug)]
pub enum SweepError {
    Inbox(RemoteError),
    Archive(RemoteError),
}

/// Copies one object through a spool file; the inner error is why it was refused.
fn copy(
    inbox: &Client,
    archive: &Client,
    (name, size): (&str, u64),
    bundle: Option<&str>,
    spool: &std::path::Path,
) -> Result<Result<u64, Words>, SweepError> {
    let mut f = fs::File::create(spool).map_err(|e| SweepError::Inbox(spooling(e)))?;
    if !inbox
        .get_to(name, &mut f, size)
        .map_err(SweepError::Inbox)?
    {
        return Ok(Err(words!("d-sweep-gone")));
    }
    drop(f);
    let (sum, n) = super::sha256_file(spool).map_err(|e| SweepError::Inbox(spooling(e)))?;
    let sha = hex::encode(sum);
    if bundle.is_some_and(|b| b != sha) {
        return Ok(Err(words!("d-name-not-bytes")));
    }
    archive.put_file(name, spool).map_err(SweepError::Archive)?;
    Ok(Ok(n))
}

fn spooling(e: std::io::Error) -> RemoteError {
    RemoteError::Local(words!("d-sweep-spooling", why = e.to_string()))
}
