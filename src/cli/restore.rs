//! `restore`: a lost vault rebuilt on a new device from its replica, with a copy of its
//! keyring, or with headquarters' key from the keyring the vault escrowed.
use std::path::{Path, PathBuf};

use amanat::replica::restore::{Restored, Sealed};
use amanat::replica::{self};
use amanat::tr;
use amanat::{Error, VaultPaths};
use clap::Args;

use super::errors::invalid;
use super::replica::{bar, on_step, remote_of, Connection};
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
    /// Headquarters' key (an age identity file, or an unencrypted OpenSSH ed25519 private
    /// key), instead of --keyring: restore with the keyring the vault escrowed (`remote add
    /// --escrow-keyring`), under a new passphrase
    #[arg(long, value_name = "FILE", requires = "fingerprint")]
    identity: Option<PathBuf>,
    /// With --identity: the device's signing key fingerprint (`SHA256:…`, as its `amanat
    /// keys` printed it when headquarters enrolled it). Only an escrow with this key is
    /// taken: anyone who can write to the inbox can put one there. After a rotation on the
    /// device, its new fingerprint
    #[arg(long, value_name = "SHA256:…", requires = "identity")]
    fingerprint: Option<String>,
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
        Some(file) => {
            let keyrings = escrowed(&a, file, &remote)?;
            if a.list {
                return print_pushes(&replica::restore::pushes_of(&remote, &keyrings)?, a.json);
            }
            sealed_escrow(&a, file, &remote, keyrings)?
        }
        None => {
            let source = g
                .keyring
                .clone()
                .ok_or_else(|| invalid(tr!("cli-restore-needs-keyring")))?;
            let pass = super::passphrase(g, &tr!("cli-prompt-keyring"))?;
            if a.list {
                return list(&source, &pass, &remote, a.json);
            }
            (replica::restore::read_keyring(&source)?, source, pass)
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

/// The keyrings escrowed by the device `--fingerprint` names that `file` opens.
fn escrowed(
    a: &RestoreArgs,
    file: &Path,
    remote: &amanat::vault::remotes::Remote,
) -> anyhow::Result<Vec<amanat::format::keyring::Keyring>> {
    let identities = read_identities(file)?;
    let refs: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref()).collect();
    let fingerprint = a.fingerprint.as_deref().unwrap_or("");
    Ok(replica::restore::escrowed(remote, &refs, fingerprint)?)
}

/// An age identity file, or an unencrypted OpenSSH ed25519 (or RSA) private key.
fn read_identities(file: &Path) -> anyhow::Result<Vec<Box<dyn age::Identity>>> {
    let text = std::fs::read(file).map_err(|e| Error::input(file, e))?;
    if let Ok(f) = age::IdentityFile::from_buffer(&text[..]) {
        if let Ok(ids) = f.into_identities() {
            return Ok(ids
                .into_iter()
                .map(|i| i as Box<dyn age::Identity>)
                .collect());
        }
    }
    match age::ssh::Identity::from_buffer(&text[..], Some(file.display().to_string())) {
        Ok(id @ age::ssh::Identity::Unencrypted(_)) => Ok(vec![Box::new(id)]),
        Ok(_) => {
            let path = file.display().to_string();
            Err(invalid(tr!("cli-ssh-key-encrypted", path = path)).into())
        }
        Err(_) => {
            let path = file.display().to_string();
            Err(invalid(tr!("cli-not-identity", path = path)).into())
        }
    }
}

/// The escrowed keyring of the push to restore, sealed under a new passphrase.
fn sealed_escrow(
    a: &RestoreArgs,
    file: &Path,
    remote: &amanat::vault::remotes::Remote,
    keyrings: Vec<amanat::format::keyring::Keyring>,
) -> anyhow::Result<(Vec<u8>, PathBuf, amanat::Passphrase)> {
    let keyring = replica::restore::escrowed_for(remote, keyrings, a.push)?;
    let pass = super::new_passphrase(NewPassphrase {
        file: a.new_passphrase_file.as_deref(),
        flag: "--new-passphrase-file",
        prompt: &tr!("cli-prompt-restored"),
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
    print_pushes(&replica::restore::list(source, pass, remote)?, json)
}

fn print_pushes(pushes: &[replica::restore::Push], json: bool) -> anyhow::Result<u8> {
    if pushes.is_empty() {
        // Nothing found: said, and exit 1, as for a search that finds nothing.
        if json {
            print_json(&pushes)?;
        }
        eprintln!("amanat: {}", tr!("d-restore-no-push-any"));
        return Ok(1);
    }
    if json {
        print_json(&pushes)?;
        return Ok(0);
    }
    let lines: String = pushes
        .iter()
        .map(|p| {
            let what = tr!(
                "cli-push-line",
                records = (p.records as u64),
                objects = (p.objects as u64),
                kib = p.journal_bytes.div_ceil(1024)
            );
            let ahead = if p.ahead {
                format!("  ({})", tr!("cli-push-ahead"))
            } else {
                String::new()
            };
            let time = super::listing::timestamp(p.time);
            format!("{}  {time}  {what}{ahead}\n", p.counter)
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
        out.push_str(&format!("DAMAGED {id}: {}\n", super::safe::worded(what)));
    }
    print(&out)?;
    eprintln!(
        "{}",
        tr!(
            "cli-restored",
            records = (r.check.records as u64),
            objects = (r.objects as u64),
            mib = format!("{:.1}", r.bytes as f64 / (1 << 20) as f64),
            time = super::listing::timestamp(r.pushed_at),
            heads = (r.heads as u64),
            path = paths.root.display().to_string(),
            keyring = paths.keyring.display().to_string()
        )
    );
    if ok(r) {
        eprintln!("{}", tr!("cli-restored-ok"));
    }
    Ok(())
}
