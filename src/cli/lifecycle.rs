//! `passwd`, `shred` and `duress`: the passphrase, emergencies.
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use amanat::tr;
use amanat::vault::lifecycle;
use amanat::{Error, LockedVault};
use clap::{Args, Subcommand};

use super::errors::invalid;
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
    let pass = passphrase(g, &tr!("cli-prompt-passphrase"))?;
    let vault = locked.unlock(&pass)?;
    Ok((vault, pass))
}

pub fn passwd(g: &Global, a: PasswdArgs) -> anyhow::Result<u8> {
    let (vault, old) = unlock(g)?;
    let new = new_passphrase(NewPassphrase {
        file: a.new_passphrase_file.as_deref(),
        flag: "--new-passphrase-file",
        prompt: &tr!("cli-prompt-new"),
        allow_weak: a.allow_weak_passphrase,
        not: Some((&old, &tr!("cli-same-passphrase"))),
    })?;
    let duress_dropped = vault.change_passphrase(&new, a.kdf_work_factor)?;
    vault.close_at_exit()?;
    eprintln!("{}", tr!("cli-passphrase-changed"));
    if duress_dropped {
        eprintln!("{}", tr!("cli-duress-dropped"));
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
            return Err(invalid(tr!("cli-shred-no-terminal")).into());
        }
        eprint!("{} ", tr!("cli-shred-confirm"));
        io::stderr().flush()?;
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        if line.trim() != "SHRED" {
            eprintln!("{}", tr!("cli-shred-kept"));
            return Ok(1);
        }
    }
    let r = lifecycle::shred(&paths, a.all)?;
    // Nothing that identifies the vault: no path, no key, no fingerprint.
    if r.removed_all {
        eprintln!("{}", tr!("cli-shredded-all"));
    } else {
        eprintln!("{}", tr!("cli-shredded"));
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
                prompt: &tr!("cli-prompt-duress"),
                allow_weak: a.allow_weak_passphrase,
                not: Some((&pass, &tr!("cli-duress-same"))),
            })?;
            vault.set_duress(&pass, &duress)?;
            vault.close_at_exit()?;
            eprintln!("{}", tr!("cli-duress-set"));
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
    let pass = passphrase(g, &tr!("cli-prompt-passphrase"))?;
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
            "{}",
            tr!(
                "cli-rotated",
                resumed = if r.resumed { "yes" } else { "no" },
                records = (r.records as u64),
                objects = (r.objects as u64),
                resealed = (r.identities_resealed as u64),
                kept = (r.identities_kept as u64)
            )
        );
        eprintln!("{}", tr!("cli-rotated-signing"));
        eprintln!("{}", tr!("cli-rotated-recipient"));
        for d in &r.damaged {
            let what = super::safe::worded(d);
            eprintln!("amanat: {}", tr!("cli-rotate-damaged", what = what));
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
            eprintln!("{}", tr!("cli-journal-rewritten", size = size));
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
    let pass = passphrase(g, &tr!("cli-prompt-passphrase"))?;
    let (vault, report) = amanat::vault::rebuild::rebuild(paths, &pass)?;
    super::warn_lost_writes(&vault);
    if a.json {
        super::print_json(&report)?;
    } else {
        for d in &report.damage {
            let what = super::safe::worded(d);
            eprintln!("amanat: {}", tr!("cli-journal-damage", what = what));
        }
        let (frames, records) = (report.frames, report.records as u64);
        eprintln!("{}", tr!("cli-rebuilt", frames = frames, records = records));
        if vault.rotation_pending() {
            eprintln!("{}", tr!("cli-rotation-pending"));
        }
    }
    vault.close_at_exit()?;
    Ok(if report.damage.is_empty() { 0 } else { 1 })
}
