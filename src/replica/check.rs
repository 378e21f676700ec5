//! `replica check`: what a replica is missing or holds damaged, per record (FORMAT.md
//! 16.5). Reads the newest head of this vault, fetches every chunk of the journal it names
//! (checked by its SHA-256 and its seal) and every object file (compared, by SHA-256, with
//! the vault's own copy), and names the records whose objects are missing or differ, and
//! the records no push has sent yet. Needs credentials that can list and read.
use ring::digest;

use super::restore::newest_head;
use super::{remote_error, Progress, Step, Throttle};
use crate::error::Result;
use crate::vault::Vault;

/// What `replica check` found.
#[derive(Debug, Default, serde::Serialize)]
pub struct ReplicaCheck {
    pub remote: String,
    /// The newest head: its counter and when its push ended.
    pub counter: u64,
    pub pushed_at: i64,
    pub chunks: usize,
    /// Offsets of journal chunks that are missing or do not open.
    pub damaged_chunks: Vec<u64>,
    pub objects: usize,
    /// Objects missing from the replica, by record: `(record id, object name)`; the record
    /// is empty for a collector (which cannot tell) or an object no record holds now.
    pub missing: Vec<(String, String)>,
    /// Objects whose replica differs from the vault's copy, as `missing`.
    pub damaged: Vec<(String, String)>,
    /// Records no push has sent yet.
    pub not_pushed: Vec<String>,
}

impl ReplicaCheck {
    /// Whether the replica holds every record of the vault, whole.
    pub fn ok(&self) -> bool {
        self.damaged_chunks.is_empty()
            && self.missing.is_empty()
            && self.damaged.is_empty()
            && self.not_pushed.is_empty()
    }
}

/// Checks the replica of the remote called `name`.
pub fn check(v: &Vault, name: &str, progress: Progress) -> Result<ReplicaCheck> {
    let (_, remote) = v.remote(name)?;
    let client = super::client(&remote)?;
    let err = |e| remote_error(name, e);
    let keys = v.replica_keys();
    let (head, _) = newest_head(&client, keys, &v.vault_id(), None, name)?;
    let mut out = ReplicaCheck {
        remote: name.to_owned(),
        counter: head.counter,
        pushed_at: head.time,
        chunks: head.chunks.len(),
        objects: head.objects.len(),
        not_pushed: super::push::missing_from(v, &head.records)?
            .iter()
            .map(ToString::to_string)
            .collect(),
        ..ReplicaCheck::default()
    };
    let total = (head.chunks.len() + head.objects.len()) as u64;
    let throttle = Throttle::new();
    let mut done = 0;
    let mut bytes = 0;
    for c in &head.chunks {
        let ok = super::restore::open_chunk(&client, keys.0, &head.journal, c)
            .map_err(err)?
            .is_some();
        if !ok {
            out.damaged_chunks.push(c.offset);
        }
        done += 1;
        bytes += c.len;
        throttle.step(progress, Step { done, total, bytes });
    }
    let owners: std::collections::HashMap<[u8; 16], String> = v
        .objects_by_record()?
        .into_iter()
        .flatten()
        .flat_map(|(r, objects)| objects.into_iter().map(move |o| (o, r.to_string())))
        .collect();
    let owner = |id: &[u8; 16]| owners.get(id).cloned().unwrap_or_default();
    // Objects of the vault the head does not name: their records are not (all) replicated,
    // whatever the head's record list says.
    for id in v.object_ids()? {
        if head.objects.binary_search(&id).is_err() {
            let rec = owner(&id);
            if !rec.is_empty() {
                out.not_pushed.push(rec);
            }
        }
    }
    out.not_pushed.sort_unstable();
    out.not_pushed.dedup();
    let names = v.replica_names();
    for (id, &size) in head.objects.iter().zip(&head.object_sizes) {
        let name = names.object(id);
        let fetched = std::cell::RefCell::new((digest::Context::new(&digest::SHA256), 0u64));
        let got = client.get_with(
            &name,
            size,
            &mut || {
                *fetched.borrow_mut() = (digest::Context::new(&digest::SHA256), 0);
                Ok(())
            },
            &mut |b| {
                let mut f = fetched.borrow_mut();
                f.0.update(b);
                f.1 += b.len() as u64;
                Ok(())
            },
        );
        let (remote_hash, n) = fetched.into_inner();
        match got {
            Ok(false) => out.missing.push((owner(id), name)),
            Err(super::RemoteError::Damaged(_)) => out.damaged.push((owner(id), name)),
            Err(e) => return Err(err(e)),
            Ok(true) => {
                let local = super::sha256_file(&v.object_file(id)).ok();
                let same =
                    n == size && local.is_none_or(|(l, _)| remote_hash.finish().as_ref() == l);
                if !same {
                    out.damaged.push((owner(id), name));
                }
            }
        }
        done += 1;
        bytes += n;
        throttle.step(progress, Step { done, total, bytes });
    }
    Ok(out)
}
