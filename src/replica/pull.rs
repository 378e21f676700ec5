//! Transfer bundles through an inbox (FORMAT.md 16.4): a collector sends its transfer
//! bundle straight to the organisation's inbox, named by its SHA-256 under `bundles/`, and
//! removes its records only once the upload is confirmed; headquarters `pull`s every bundle
//! waiting there (from the archive the sweep filled, or the inbox), verifies and imports
//! each all or nothing, and remembers which it has imported.
use std::fs;
use std::path::Path;

use super::{client, remote_error, Progress, Step, Throttle};
use crate::bundle::import::ImportOptions;
use crate::bundle::{ExportReport, Selection};
use crate::error::{Error, Result};
use crate::format::replica::{is_name, BUNDLES};
use crate::vault::Vault;
use crate::words;

/// Writes a transfer bundle of `selection`, sends it to the remote called `name`, and
/// only then (with `remove_after`) removes the records. The bundle's file is written in
/// the vault's `tmp/` (it is sealed) and removed once sent; `keep` writes it there too.
pub fn export_to_remote(
    v: &Vault,
    name: &str,
    selection: &Selection,
    remove_after: bool,
    keep: Option<&Path>,
) -> Result<ExportReport> {
    let (_, remote) = v.remote(name)?;
    let client = client(&remote)?;
    let tmp = v.transit_path(&format!(
        "outgoing-{}.age",
        hex::encode(crate::crypto::random_bytes::<8>())
    ));
    let out = keep.unwrap_or(&tmp);
    let result = v.export_transfer_then(selection, out, remove_after, &|path, report| {
        client
            .put_file(&format!("{BUNDLES}{}", report.sha256), path)
            .map_err(|e| remote_error(name, e))
    });
    let _ = fs::remove_file(&tmp);
    result
}

/// What a pull did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Pulled {
    pub remote: String,
    /// Bundles imported now: `(sha256, records added)`.
    pub imported: Vec<(String, usize)>,
    /// Bundles imported by an earlier pull.
    pub already: usize,
    /// Bundles that failed, left for the next pull: `(name, why)`.
    pub failed: Vec<(String, crate::error::Words)>,
}

/// Imports every transfer bundle waiting in the remote called `name`.
/// Only bundles signed by a known contact are imported: a device that holds only the inbox
/// key can put a bundle there, and trusting its signer would let it in.
pub fn pull(v: &Vault, name: &str, progress: Progress) -> Result<Pulled> {
    let (key, remote) = v.remote(name)?;
    let client = client(&remote)?;
    let err = |e| remote_error(name, e);
    let mut state = v.replica_state(&key)?;
    let listed = client.list(BUNDLES).map_err(err)?;
    let mut out = Pulled {
        remote: name.to_owned(),
        ..Pulled::default()
    };
    let throttle = Throttle::new();
    let total = listed.len() as u64;
    let mut bytes = 0;
    for (i, l) in listed.iter().enumerate() {
        let Some(sha) = l.name.strip_prefix(BUNDLES).filter(|s| is_name(s)) else {
            out.failed
                .push((l.name.clone(), words!("d-sweep-not-name")));
            continue;
        };
        let sum: [u8; 32] = hex::decode(sha)
            .ok()
            .and_then(|b| b.try_into().ok())
            .expect("64 hex digits");
        if state.pulled.contains(&sum) {
            out.already += 1;
            continue;
        }
        let path = v.transit_path(&format!("incoming-{sha}.age"));
        let got = fetch(&client, (&l.name, l.size), &path).map_err(err);
        let result = got.and_then(|ok| {
            if !ok {
                return Err(Error::BundleRejected(words!("d-pull-gone")));
            }
            let (got, _) =
                super::sha256_file(&path).map_err(|e| Error::io(words!("d-pull-reading"), e))?;
            if got != sum {
                return Err(Error::BundleRejected(words!("d-name-not-bytes")));
            }
            v.import_bundle(
                &path,
                &ImportOptions {
                    from: None,
                    trust_signer: false,
                    dry_run: false,
                    restore_removed: false,
                },
            )
        });
        let _ = fs::remove_file(&path);
        match result {
            Ok(r) => {
                crate::storage::faults::crash_point("pull-imported");
                state.pulled.push(sum);
                v.save_replica_state(&key, &state)?;
                out.imported.push((sha.to_owned(), r.added));
            }
            Err(e @ Error::Remote { .. }) => return Err(e),
            Err(e) => out.failed.push((l.name.clone(), e.into())),
        }
        bytes += l.size;
        throttle.step(
            progress,
            Step {
                done: i as u64 + 1,
                total,
                bytes,
            },
        );
    }
    Ok(out)
}

fn fetch(
    client: &super::s3::Client,
    (name, size): (&str, u64),
    path: &Path,
) -> std::result::Result<bool, super::RemoteError> {
    let mut f = fs::File::create(path).map_err(|e| {
        super::RemoteError::Local(words!(
            "d-s3-local",
            what = words!("d-writing", path = path),
            why = e.to_string()
        ))
    })?;
    client.get_to(name, &mut f, size)
}
