//! `restore`: a lost vault rebuilt on a new device from its replica, with a copy of its
//! keyring, or with headquarters' key from the keyring the vault escrowed.
use std::path::{Path, PathBuf};

use amanat::replica::restore::{Restored, Sealed};
use amanat::replica::{self};
use amanat::{Error, VaultPaths};
use clap::Args;

use super::replica::{bar, on_step, remote_of, Connection};
use super::safe::Safe;
use super::{print, print_json, Global, NewPassphrase};

#[derive(Args)]
pub struct RestoreArgs {
    /// Bucket holding the replica (the archive, or the inbox)
    #[arg(long)]
    bucket: String,
    #[command(flatten)]
    connection: Connection,
    /// Restore an earlier push, by the counter --list shows
    #[arg(long, value_name = "COUNTER")]
    push: Option<u64>,
    /// List the pushes of this vault the replica holds (newest first) and restore nothing.
    /// After a seizure, restore a push made before it: whoever holds a device's key and
    /// passphrase can add a push
    #[arg(long, conflicts_with = "push")]
    list: bool,
    /// Headquarters' age identity file, instead of --keyring: restore with the keyring the
    /// vault escrowed (`remote add --escrow-keyring`), under a new passphrase
    #[arg(long, value_name = "FILE", conflicts_with = "list")]
    identity: Option<PathBuf>,
    /// With --identity: the vault to restore (32 hex digits), when the key opens the
    /// keyrings of several
    #[arg(long, value_name = "HEX", requires = "identity")]
    vault_id: Option<String>,
    /// With --identity: a file whose first line is the restored vault's new passphrase
    /// [default: asked for, or generated]
    #[arg(long, value_name = "FILE", requires = "identity")]
    new_passphrase_file: Option<PathBuf>,
    /// With --identity: scrypt work factor of the new keyring [default: calibrated]; below
    /// 16 is weak and only for tests
    #[arg(long, value_name = "N", requires = "identity")]
    kdf_work_factor: Option<u8>,
    /// With --identity: accept a weak new passphrase
    #[arg(long, requires = "identity")]
    allow_weak_passphrase: bool,
    /// Print a JSON summary
    #[arg(long)]
    json: bool,
}

pub fn restore(g: &Global, a: RestoreArgs) -> anyhow::Result<u8> {
    let paths = super::vault_paths(g)?;
    let in_vault = VaultPaths::new(paths.root.clone(), None);
    let remote = remote_of("restore", &a.bucket, &a.connection, false)?;
    let (bytes, source, pass) = match &a.identity {
        Some(file) => from_escrow(&a, file, &remote)?,
        None => {
            let source = g.keyring.clone().ok_or_else(|| {
                Error::Invalid(
                    "restore needs the vault's keyring: pass --keyring BACKUP (a copy of the lost vault's keyring), or --identity with headquarters' key if the vault escrowed it"
                        .into(),
                )
            })?;
            let pass = super::passphrase(g, "Passphrase of the keyring")?;
            if a.list {
                return list(&source, &pass, &remote, a.json);
            }
            let bytes = std::fs::read(&source).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::KeyringMissing(source.clone()),
                _ => Error::input(&source, e),
            })?;
            (bytes, source, pass)
        }
    };
    let b = bar("restoring");
    let from = Sealed {
        bytes: &bytes,
        path: &source,
        pass: &pass,
    };
    let result = replica::restore::restore_sealed(&in_vault, from, &remote, a.push, &on_step(&b));
    b.finish_and_clear();
    let (vault, r) = result?;
    report(&r, a.json, &in_vault)?;
    vault.close_at_exit()?;
    Ok(if ok(&r) { 0 } else { 1 })
}

/// The keyring an escrow holds, sealed under a new passphrase.
fn from_escrow(
    a: &RestoreArgs,
    file: &Path,
    remote: &amanat::vault::remotes::Remote,
) -> anyhow::Result<(Vec<u8>, PathBuf, amanat::Passphrase)> {
    let identities = age::IdentityFile::from_file(file.display().to_string())
        .map_err(|e| Error::input(file, e))?
        .into_identities()
        .map_err(|e| {
            Error::Invalid(format!(
                "{} is not an age identity file: {e}",
                file.display()
            ))
        })?;
    let refs: Vec<&dyn age::Identity> = identities
        .iter()
        .map(|i| i.as_ref() as &dyn age::Identity)
        .collect();
    let vault = match &a.vault_id {
        Some(h) => Some(
            hex::decode(h)
                .ok()
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .ok_or_else(|| Error::Invalid(format!("--vault-id {h:?} is not 32 hex digits")))?,
        ),
        None => None,
    };
    let keyring = replica::restore::from_escrow(remote, &refs, vault)?;
    let pass = super::new_passphrase(NewPassphrase {
        file: a.new_passphrase_file.as_deref(),
        flag: "--new-passphrase-file",
        prompt: "New passphrase for the restored vault",
        allow_weak: a.allow_weak_passphrase,
        not: None,
    })?;
    let bytes = amanat::format::keyring::seal_file(&keyring, &pass, a.kdf_work_factor)?;
    Ok((bytes, file.to_owned(), pass))
}

fn list(
    source: &Path,
    pass: &amanat::Passphrase,
    remote: &amanat::vault::remotes::Remote,
    json: bool,
) -> anyhow::Result<u8> {
    let pushes = replica::restore::list(source, pass, remote)?;
    if json {
        print_json(&pushes)?;
        return Ok(0);
    }
    let lines: String = pushes
        .iter()
        .map(|p| {
            format!(
                "{}  {}  {} records, {} object files, {} KiB of journal{}\n",
                p.counter,
                super::listing::timestamp(p.time),
                p.records,
                p.objects,
                p.journal_bytes.div_ceil(1024),
                if p.ahead {
                    "  (dated ahead of this clock: never taken as the newest)"
                } else {
                    ""
                }
            )
        })
        .collect();
    print(&lines)?;
    Ok(0)
}

fn ok(r: &Restored) -> bool {
    r.check.ok()
        && r.missing_objects.is_empty()
        && r.damaged_chunks.is_empty()
        && r.lost_records.is_empty()
}

fn report(r: &Restored, json: bool, paths: &VaultPaths) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    let mut out = String::new();
    for name in &r.missing_objects {
        out.push_str(&format!("MISSING object {name}\n"));
    }
    for o in &r.damaged_chunks {
        out.push_str(&format!("DAMAGED journal chunk at offset {o}\n"));
    }
    for id in &r.lost_records {
        out.push_str(&format!(
            "LOST record {id}: its part of the journal is damaged\n"
        ));
    }
    for (id, what) in &r.check.damaged {
        out.push_str(&format!("DAMAGED {id}: {}\n", Safe(what)));
    }
    print(&out)?;
    eprintln!(
        "Restored {} records and {} object files ({:.1} MiB) from the push of {} (one of {}) into {}; its keyring is {}.",
        r.check.records,
        r.objects,
        r.bytes as f64 / (1 << 20) as f64,
        super::listing::timestamp(r.pushed_at),
        r.heads,
        paths.root.display(),
        paths.keyring.display()
    );
    if ok(r) {
        eprintln!("check: every record verified.");
    }
    Ok(())
}
