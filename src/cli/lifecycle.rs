//! `passwd`, `shred` and `duress`: the passphrase, emergencies.
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use amanat::vault::lifecycle;
use amanat::{Error, LockedVault};
use clap::{Args, Subcommand};

use super::{new_passphrase, passphrase, vault_paths, Global, NewPassphrase};

#[derive(Args)]
pub struct PasswdArgs {
    /// Read the new passphrase from the first line of FILE instead of prompting
    #[arg(long, value_name = "FILE")]
    new_passphrase_file: Option<PathBuf>,
    /// scrypt work factor (log2 N) for the new passphrase [default: the keyring's current
    /// one]; below 16 is weak and only for tests. A new work factor re-seals both slots of
    /// the keyring, which gives up a duress passphrase
    #[arg(long, value_name = "N")]
    kdf_work_factor: Option<u8>,
    /// Accept a new passphrase estimated to fall in fewer than 10^10 guesses (the custody
    /// log records that it was weak)
    #[arg(long)]
    allow_weak_passphrase: bool,
}

/// Opens the vault, reading the current passphrase once (some commands need it again).
fn unlock(g: &Global) -> anyhow::Result<(amanat::Vault, amanat::format::keyring::Passphrase)> {
    let locked = LockedVault::open(vault_paths(g)?)?;
    if !locked.keyring_present() {
        return Err(Error::KeyringMissing(vault_paths(g)?.keyring).into());
    }
    let pass = passphrase(g, "Passphrase")?;
    let vault = locked.unlock(&pass)?;
    Ok((vault, pass))
}

pub fn passwd(g: &Global, a: PasswdArgs) -> anyhow::Result<u8> {
    let (vault, old) = unlock(g)?;
    let new = new_passphrase(NewPassphrase {
        file: a.new_passphrase_file.as_deref(),
        flag: "--new-passphrase-file",
        prompt: "New passphrase",
        allow_weak: a.allow_weak_passphrase,
        not: Some((&old, "the new passphrase is the same as the old one")),
    })?;
    let duress_dropped = vault.change_passphrase(&new, a.kdf_work_factor)?;
    vault.close_at_exit()?;
    eprintln!("Passphrase changed; the old keyring's bytes were overwritten in place.");
    if duress_dropped {
        eprintln!("The duress passphrase no longer works: a new work factor re-seals both slots. Set it again with `amanat duress set` if you want one.");
    }
    Ok(0)
}

#[derive(Args)]
pub struct ShredArgs {
    /// Do not ask for confirmation
    #[arg(long)]
    yes: bool,
    /// Also remove the database and the sealed objects
    #[arg(long)]
    all: bool,
}

pub fn shred(g: &Global, a: ShredArgs) -> anyhow::Result<u8> {
    let paths = vault_paths(g)?;
    if !a.yes {
        if !io::stdin().is_terminal() {
            return Err(Error::Invalid(
                "shred destroys the keyring for good: pass --yes to confirm without a terminal"
                    .into(),
            )
            .into());
        }
        eprint!("This destroys the keyring: nothing in this vault can be opened again, by anyone. Type SHRED to go on: ");
        io::stderr().flush()?;
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        if line.trim() != "SHRED" {
            eprintln!("Nothing was destroyed.");
            return Ok(1);
        }
    }
    let r = lifecycle::shred(&paths, a.all)?;
    // Nothing that identifies the vault: no path, no key, no fingerprint.
    if r.removed_all {
        eprintln!("Shredded: the keyring is destroyed and the vault removed.");
    } else {
        eprintln!("Shredded: the keyring is destroyed; what remains is ciphertext nothing opens.");
    }
    Ok(0)
}

#[derive(Subcommand)]
pub enum DuressCommand {
    /// Register a duress passphrase: unlocking with it destroys the real keyring and the
    /// records, then opens an empty decoy vault (read the README first)
    Set(DuressSetArgs),
}

#[derive(Args)]
pub struct DuressSetArgs {
    /// Read the duress passphrase from the first line of FILE instead of prompting
    #[arg(long, value_name = "FILE")]
    duress_passphrase_file: Option<PathBuf>,
    /// Accept a duress passphrase estimated to fall in fewer than 10^10 guesses (the
    /// custody log records that it was weak)
    #[arg(long)]
    allow_weak_passphrase: bool,
}

pub fn duress(g: &Global, c: DuressCommand) -> anyhow::Result<u8> {
    match c {
        DuressCommand::Set(a) => {
            let (vault, pass) = unlock(g)?;
            let duress = new_passphrase(NewPassphrase {
                file: a.duress_passphrase_file.as_deref(),
                flag: "--duress-passphrase-file",
                prompt: "Duress passphrase",
                allow_weak: a.allow_weak_passphrase,
                not: Some((
                    &pass,
                    "the duress passphrase must differ from the vault's passphrase: choose another",
                )),
            })?;
            vault.set_duress(&pass, &duress)?;
            vault.close_at_exit()?;
            eprintln!("Duress passphrase set. Unlocking with it destroys this vault's keyring and records and opens an empty vault.");
            Ok(0)
        }
    }
}

#[derive(Args)]
pub struct RotateArgs {
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn rotate(g: &Global, a: RotateArgs) -> anyhow::Result<u8> {
    let locked = LockedVault::open(vault_paths(g)?)?;
    if !locked.keyring_present() {
        return Err(Error::KeyringMissing(vault_paths(g)?.keyring).into());
    }
    let pass = passphrase(g, "Passphrase")?;
    let vault = locked.unlock_for_rotation(&pass)?;
    let total = vault.count() as u64;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let r = vault.rotate(&pass, &|n, _| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    // Closing rewrites the database (the old values, with their old keys and sizes, leave
    // sled's log) and sets the new objects' times (FORMAT.md 5.5, 6.2).
    vault.close_at_exit()?;
    if a.json {
        super::print_json(&r)?;
    } else {
        let mut s = String::new();
        if let Some(rc) = &r.keys.recipient {
            s.push_str(&format!("recipient:       {rc}\n"));
        }
        s.push_str(&format!("signing key:     {}\n", r.keys.signing_key));
        s.push_str(&format!("fingerprint:     {}\n", r.keys.fingerprint));
        s.push_str(&format!("allowed_signers: {}\n", r.keys.allowed_signers));
        super::print(&s)?;
        eprintln!(
            "{} {} records ({} objects) re-sealed to the new keys; {} identity parts re-sealed, {} left sealed to custodians not on this device. The old keys are destroyed.",
            if r.resumed { "Resumed and finished the rotation:" } else { "Keys rotated:" },
            r.records,
            r.objects,
            r.identities_resealed,
            r.identities_kept
        );
        eprintln!("Give partners the new signing key above: bundles from this vault are now signed with it.");
        eprintln!("Collectors and partners that seal to this vault must use the new recipient above: what is sealed to the old one can no longer be opened here.");
        for d in &r.damaged {
            eprintln!(
                "amanat: warning: not re-sealed, damaged: {}",
                super::safe::Safe(d)
            );
        }
    }
    Ok(if r.damaged.is_empty() { 0 } else { 1 })
}

#[derive(Args)]
#[command(long_about = "Recreate a damaged database from the journal.\n\n\
Every write to the vault's database is also appended to the journal (<vault>/journal), a \
sealed file that does not depend on the database's own files. When the database does not \
open, or `check` reports damage in it, `rebuild` replays the journal into a new database \
and moves it into place (the damaged one is deleted at the next open). Object files are \
kept as they are. Writes in damaged parts of the journal are lost and listed; run \
`amanat check` afterwards.\n\n\
With --journal it does the opposite: it rewrites the journal from the database, to repair \
a damaged journal (when `check` says so).")]
pub struct RebuildArgs {
    /// Rewrite the journal from the database instead
    #[arg(long)]
    journal: bool,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn rebuild(g: &Global, a: RebuildArgs) -> anyhow::Result<u8> {
    if a.journal {
        let (vault, _) = unlock(g)?;
        super::warn_lost_writes(&vault);
        let size = vault.rewrite_journal()?;
        vault.close_at_exit()?;
        if a.json {
            super::print(&format!(
                "{}\n",
                serde_json::json!({ "journal_bytes": size })
            ))?;
        } else {
            eprintln!("Rewrote the journal from the database ({size} bytes).");
        }
        return Ok(0);
    }
    let paths = vault_paths(g)?;
    if !paths.root.join("VERSION").exists() {
        return Err(Error::NoVault(paths.root).into());
    }
    if !paths.keyring.exists() {
        return Err(Error::KeyringMissing(paths.keyring).into());
    }
    let pass = passphrase(g, "Passphrase")?;
    let (vault, report) = amanat::vault::rebuild::rebuild(paths, &pass)?;
    super::warn_lost_writes(&vault);
    if a.json {
        super::print_json(&report)?;
    } else {
        for d in &report.damage {
            eprintln!("amanat: warning: journal: {}", super::safe::Safe(d));
        }
        eprintln!(
            "Rebuilt the database from the journal: {} frames replayed, {} records. Run `amanat check` to verify every record.",
            report.frames, report.records
        );
        if vault.rotation_pending() {
            eprintln!("A key rotation was interrupted: run `amanat rotate` to finish it.");
        }
    }
    vault.close_at_exit()?;
    Ok(if report.damage.is_empty() { 0 } else { 1 })
}
