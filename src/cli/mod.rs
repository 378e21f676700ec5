//! Argument parsing, passphrase handling, dispatch and error reporting.
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amanat::format::keyring::Passphrase;
use amanat::tr;
use amanat::{Error, InitOptions, LockedVault, Vault, VaultPaths};
use clap::{Args, Parser, Subcommand};

mod audit;
mod bundles;
mod case;
mod commands;
mod errors;
use errors::invalid;
mod help;
mod lifecycle;
mod listing;
mod local_tsa;
mod ocr;
mod parse_errors;
mod replica;
mod restore;
mod safe;
mod serve;
mod stamps;
mod tour;
mod tour_case;
mod tour_recover;
mod tour_replica;
mod vocab;

/// An encrypted vault for testimonies and document scans.
///
/// Every record is sealed with age; titles, names, places, texts and file names never reach
/// the disk unencrypted. Exit codes: 0 success, 1 a check failed or nothing was found,
/// 2 usage or other error.
#[derive(Parser)]
#[command(name = "amanat", version, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// Vault directory [default: the platform data directory, e.g. ~/.local/share/amanat]
    #[arg(long, global = true, env = "AMANAT_VAULT", value_name = "DIR")]
    vault: Option<PathBuf>,
    /// Keyring file, for a keyring kept on removable media [default: DIR/keyring]
    #[arg(long, global = true, env = "AMANAT_KEYRING", value_name = "PATH")]
    keyring: Option<PathBuf>,
    /// Read the passphrase from the first line of FILE instead of prompting
    #[arg(
        long,
        global = true,
        env = "AMANAT_PASSPHRASE_FILE",
        value_name = "FILE"
    )]
    passphrase_file: Option<PathBuf>,
    /// Language of messages: en, ru, kk (Kazakh, Cyrillic), kk-Latn (Kazakh, Latin), ug
    /// (Uyghur) [default: AMANAT_LANG, then the system locale, then English]
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole workflow on built-in sample data in a temporary directory
    Tour,
    /// Create a new vault and its passphrase-sealed keyring
    Init(commands::InitArgs),
    /// Seal one record (testimony, attachments, metadata); prints its id
    Add(Box<commands::AddArgs>),
    /// Bulk-import records from a JSON Lines file, or a CSV of the shape Uwazi imports
    Ingest(commands::IngestArgs),
    /// Recognise the text of scans (images and PDFs) with Tesseract, on this device, and
    /// keep it sealed with the record, where search finds it
    Ocr(ocr::OcrArgs),
    /// List records (from the encrypted catalog)
    List(commands::ListArgs),
    /// Show a record's metadata and every part with its size and SHA-256
    Show(commands::ShowArgs),
    /// Find records whose title, tags, place, note, testimony or recognised text (`amanat
    /// ocr`) contain every word
    Search(commands::SearchArgs),
    /// Decrypt one part of a record to a file (or stdout with -o -)
    Get(commands::GetArgs),
    /// Remove a record and its sealed objects
    Rm(commands::RmArgs),
    /// Describe a record as testimony work needs it: persons and their roles, relations,
    /// status events, verification, transcripts and translations (logged in its custody)
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Record the testifier's consent, which `export` enforces, or its withdrawal
    #[command(subcommand)]
    Consent(case::ConsentCommand),
    /// Places, facilities and tags with labels in several scripts, which search and the
    /// filters take for one another
    #[command(subcommand)]
    Vocab(vocab::VocabCommand),
    /// Print the vault's public keys: age recipient, ssh-ed25519 signing key, fingerprint
    Keys(commands::KeysArgs),
    /// Open every part and verify its SHA-256 and the audit log; exit 1 if anything is damaged
    Check(commands::CheckArgs),
    /// Show the chain of custody (every event, signed and hash-chained), or verify it
    Audit(audit::AuditArgs),
    /// Change the passphrase; the old keyring's bytes are overwritten in place
    Passwd(lifecycle::PasswdArgs),
    /// New keys: re-seal every record, object, catalog entry and log entry to them (resumable).
    /// Transfer what collectors hold first: what is sealed to the old key cannot be opened after
    Rotate(lifecycle::RotateArgs),
    /// Emergency: destroy the keyring at once so nothing can be opened (--all: remove everything)
    Shred(lifecycle::ShredArgs),
    /// Recreate a damaged database from the journal (--journal: the journal from the database)
    Rebuild(lifecycle::RebuildArgs),
    /// A duress passphrase that destroys the real vault and opens an empty decoy
    #[command(subcommand)]
    Duress(lifecycle::DuressCommand),
    /// Manage partners and senders of bundles
    #[command(subcommand)]
    Contact(bundles::ContactCommand),
    /// Write a signed, encrypted, redacted bundle of records for a contact
    Export(bundles::ExportArgs),
    /// Check a bundle's signature and every file in it, and show what it holds
    Verify(bundles::ImportArgs),
    /// Verify a bundle, then add its records to this vault, all or nothing
    Import(bundles::ImportArgs),
    /// Manage RFC 3161 time-stamp authorities (see `amanat timestamp`)
    #[command(subcommand)]
    Tsa(stamps::TsaCommand),
    /// Ask the time-stamp authorities for tokens proving the custody log existed now, so a
    /// key seized later cannot backdate history; exit 1 if none gave one
    Timestamp(stamps::TimestampArgs),
    /// Manage the S3-compatible buckets (a Garage cluster) sealed replicas are pushed to
    #[command(subcommand)]
    Remote(replica::RemoteCommand),
    /// Send a remote every sealed record, object and journal entry it does not have yet
    /// (resumable; works with a key that can only write)
    Push(replica::PushArgs),
    /// Import every transfer bundle collectors sent to a remote (`export --remote`),
    /// each verified and all or nothing, once
    Pull(replica::PullArgs),
    /// Say which records no push has sent yet, per remote
    Status(replica::StatusArgs),
    /// Rebuild a lost vault on a new device from its replica and a copy of its keyring
    /// (--vault DIR, --keyring BACKUP), then check it
    Restore(restore::RestoreArgs),
    /// Check a replica, or sweep an inbox bucket into an archive (the custodian's job)
    #[command(subcommand)]
    Replica(replica::ReplicaCommand),
    /// Open the vault in a web browser on this machine: prints the address to open (with
    /// a secret for this run only); the vault is unlocked in the page
    Serve(serve::ServeArgs),
    /// Print a shell completion script: `amanat completions bash >
    /// ~/.local/share/bash-completion/completions/amanat` (README, "Install")
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `amanat manpage > ~/.local/share/man/man1/amanat.1`
    Manpage,
}

#[derive(Args)]
struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    shell: clap_complete::Shell,
}

/// Disables core dumps and ptrace by other processes of the same user, so that keys and
/// testimony in memory cannot be written to disk by a crash or read by a debugger; and sets
/// the file mode creation mask to 077, so that every file and directory this process
/// creates (the vault's, sled's, a `get -o` output, a bundle) is readable by its owner only,
/// whatever the user's umask.
pub fn harden() {
    use rustix::process::{setrlimit, Resource, Rlimit};
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    // One byte, not zero: a core file needs at least a page, so none is written, and the
    // kernel never pipes a core of a process whose limit is 1 to a crash collector
    // (systemd-coredump, apport), which it does at 0. The recognition programs this runs
    // hold decrypted scans and inherit it. Where the hard limit is already 0, 0 it stays.
    let one = Rlimit {
        current: Some(1),
        maximum: Some(1),
    };
    if setrlimit(Resource::Core, one).is_err() {
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
    }
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    // The language is known before the arguments are parsed, so that help and parse errors
    // are in it too.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    amanat::i18n::set(amanat::i18n::Lang::choose(
        lang_flag(&args).as_deref(),
        |k| std::env::var(k).ok(),
    ));
    let cli = match help::localized(<Cli as clap::CommandFactory>::command())
        .try_get_matches_from(&args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = parse_errors::print(e);
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => report(e),
    }
}

/// The value of `--lang X` or `--lang=X` among the arguments (before a `--`).
fn lang_flag(args: &[std::ffi::OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return it.next().map(|v| v.into_owned());
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_owned());
        }
    }
    None
}

fn report(e: anyhow::Error) -> ExitCode {
    if let Some(ioe) = e.downcast_ref::<io::Error>() {
        if ioe.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    match e.downcast_ref::<Error>() {
        // Errors quote names, paths and bundle text: escaped like any other such text.
        Some(err) => {
            eprintln!(
                "amanat: {}. {}.",
                safe::Safe(&errors::message(err)),
                capitalize(&errors::hint(err))
            );
            ExitCode::from(err.exit_code())
        }
        None => {
            eprintln!("amanat: {}", safe::Safe(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    let g = cli.global;
    match cli.command {
        Command::Tour => tour::run(),
        Command::Init(a) => commands::init(&g, a),
        Command::Add(a) => with_vault(&g, |v| commands::add(v, *a)),
        Command::Ingest(a) => with_vault(&g, |v| commands::ingest(v, a)),
        Command::Ocr(a) => with_vault(&g, |v| ocr::ocr(v, a)),
        Command::List(a) => with_vault(&g, |v| commands::list(v, a)),
        Command::Show(a) => with_vault(&g, |v| commands::show(v, a)),
        Command::Search(a) => with_vault(&g, |v| commands::search(v, a)),
        Command::Get(a) => with_vault(&g, |v| commands::get(v, a)),
        Command::Rm(a) => with_vault(&g, |v| commands::rm(v, a)),
        Command::Case(c) => with_vault(&g, |v| case::case(v, c)),
        Command::Consent(c) => with_vault(&g, |v| case::consent_command(v, c)),
        Command::Vocab(c) => with_vault(&g, |v| vocab::vocab(v, c)),
        Command::Keys(a) => with_vault(&g, |v| commands::keys(v, a)),
        Command::Check(a) => with_vault(&g, |v| commands::check(v, a)),
        Command::Audit(a) => with_vault(&g, |v| audit::audit(v, a)),
        Command::Passwd(a) => lifecycle::passwd(&g, a),
        Command::Rotate(a) => lifecycle::rotate(&g, a),
        Command::Shred(a) => lifecycle::shred(&g, a),
        Command::Rebuild(a) => lifecycle::rebuild(&g, a),
        Command::Duress(c) => lifecycle::duress(&g, c),
        Command::Contact(c) => with_vault(&g, |v| bundles::contact(v, c)),
        Command::Export(a) => with_vault(&g, |v| bundles::export(v, a)),
        Command::Verify(a) => with_vault(&g, |v| bundles::verify(v, a)),
        Command::Import(a) => with_vault(&g, |v| bundles::import(v, a)),
        Command::Tsa(stamps::TsaCommand::LocalAuthority { dir, answer, key }) => {
            stamps::local_authority(dir, answer, key)
        }
        Command::Tsa(c) => with_vault(&g, |v| stamps::tsa(v, c)),
        Command::Timestamp(a) => with_vault(&g, |v| stamps::timestamp(v, a)),
        Command::Remote(c) => with_vault(&g, |v| replica::remote(v, c)),
        Command::Push(a) => with_vault(&g, |v| replica::push(v, a)),
        Command::Pull(a) => with_vault(&g, |v| replica::pull(v, a)),
        Command::Status(a) => with_vault(&g, |v| replica::status(v, a)),
        Command::Restore(a) => restore::restore(&g, a),
        Command::Replica(c) => replica::replica(&g, c),
        Command::Serve(a) => serve::serve(&g, a),
        Command::Completions(a) => {
            let mut cmd = help::localized(<Cli as clap::CommandFactory>::command());
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut cmd, "amanat", &mut script);
            io::stdout().write_all(&script)?;
            Ok(0)
        }
        Command::Manpage => {
            let cmd = help::localized(<Cli as clap::CommandFactory>::command());
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            io::stdout().write_all(&page)?;
            Ok(0)
        }
    }
}

fn vault_paths(g: &Global) -> anyhow::Result<VaultPaths> {
    let root = match &g.vault {
        Some(v) => v.clone(),
        None => directories::ProjectDirs::from("", "", "amanat")
            .map(|d| d.data_dir().to_owned())
            .ok_or_else(|| invalid(tr!("cli-no-home")))?,
    };
    Ok(VaultPaths::new(root, g.keyring.clone()))
}

/// Runs `f` on the vault the global options name, then closes it for the exit that
/// follows (an error leaves it to be dropped as usual).
fn with_vault(g: &Global, f: impl FnOnce(&Vault) -> anyhow::Result<u8>) -> anyhow::Result<u8> {
    let vault = open(g)?;
    let code = f(&vault)?;
    vault.close_at_exit()?;
    Ok(code)
}

/// Opens and unlocks the vault the global options name.
fn open(g: &Global) -> anyhow::Result<Vault> {
    let locked = LockedVault::open(vault_paths(g)?)?;
    if !locked.keyring_present() {
        // Say which file is missing before asking for a passphrase it cannot open.
        let paths = vault_paths(g)?;
        return Err(Error::KeyringMissing(paths.keyring).into());
    }
    let pass = passphrase(g, &tr!("cli-prompt-passphrase"))?;
    let vault = locked.unlock(&pass)?;
    warn_lost_writes(&vault);
    Ok(vault)
}

/// Damage no command should pass over in silence.
pub fn warn_lost_writes(vault: &Vault) {
    if let Some((have, written)) = vault.lost_writes() {
        eprintln!(
            "amanat: {}",
            tr!("cli-lost-writes", have = have, written = written)
        );
    }
    if vault.refolded_at_unlock() > 0 {
        let count = vault.refolded_at_unlock() as u64;
        eprintln!("amanat: {}", tr!("cli-refolded", count = count));
    }
    if vault.indexed_at_unlock() > 0 {
        let count = vault.indexed_at_unlock() as u64;
        eprintln!("amanat: {}", tr!("cli-indexed", count = count));
    }
    if vault.moved_to_padding() {
        eprintln!("amanat: {}", tr!("cli-padded"));
    }
    if let Some(why) = vault.journal_rewritten() {
        eprintln!(
            "amanat: {}",
            tr!("cli-journal-was-rewritten", why = safe::worded(why))
        );
    }
}

/// Reads the passphrase from --passphrase-file, or prompts without echo.
fn passphrase(g: &Global, prompt: &str) -> anyhow::Result<Passphrase> {
    if let Some(f) = &g.passphrase_file {
        return read_passphrase_file(f, GLOBAL_FILE, false);
    }
    need_terminal()?;
    let first = prompt_secret(&format!("{prompt}: "))?;
    Ok(Passphrase::new(first.to_string())?)
}

fn need_terminal() -> anyhow::Result<()> {
    if !io::stdin().is_terminal() && !io::stderr().is_terminal() {
        return Err(invalid(tr!("cli-no-terminal")).into());
    }
    Ok(())
}

/// Reads a line at the terminal without echo.
fn prompt_secret(prompt: &str) -> anyhow::Result<zeroize::Zeroizing<String>> {
    Ok(zeroize::Zeroizing::new(
        rpassword::prompt_password(prompt)
            .map_err(|e| invalid(tr!("cli-passphrase-unreadable", why = e.to_string())))?,
    ))
}

/// How the global passphrase file is named, in messages.
const GLOBAL_FILE: &str = "--passphrase-file / AMANAT_PASSPHRASE_FILE";

/// The first line of a file, without its line ending. `flag` is the option that named it;
/// `new`: the passphrase is being chosen (so one could be generated at the prompt).
pub fn read_passphrase_file(path: &Path, flag: &str, new: bool) -> anyhow::Result<Passphrase> {
    let text = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| Error::input(path, e))?);
    let text = std::str::from_utf8(&text)
        .map_err(|_| invalid(tr!("cli-not-utf8", path = path.display().to_string())))?;
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        // Never a generated passphrase here: it would reach no one, and a script that meant
        // to pass one would get a vault nobody can open.
        anyhow::bail!(
            "{}",
            tr!(
                "cli-passphrase-file-empty",
                path = path.display().to_string(),
                flag = flag,
                new = if new { "yes" } else { "no" }
            )
        );
    }
    Ok(Passphrase::new(line.to_owned())?)
}

/// How `init`, `passwd` and `duress set` read a new passphrase.
pub struct NewPassphrase<'a> {
    /// The file to read it from (its first line), instead of prompting.
    pub file: Option<&'a Path>,
    /// The option that names that file, for messages.
    pub flag: &'a str,
    /// The prompt, e.g. "New passphrase".
    pub prompt: &'a str,
    /// Accept a passphrase estimated weak (the custody log records it).
    pub allow_weak: bool,
    /// A passphrase it must not be, and the error if it is.
    pub not: Option<(&'a Passphrase, &'a str)>,
}

/// Reads a new passphrase: the first line of the file, or at the prompt, where an empty
/// answer offers a generated one (shown once, confirmed by typing it back). A passphrase the
/// user chose is refused if it is the one in `not`, or estimated weak unless allowed.
pub fn new_passphrase(n: NewPassphrase) -> anyhow::Result<Passphrase> {
    let check = |p: &Passphrase| -> anyhow::Result<()> {
        if let Some((other, why)) = n.not {
            if p.same_as(other) {
                anyhow::bail!("{}", tr!("cli-passphrase-refused", why = why));
            }
        }
        let s = amanat::vault::passphrase::estimate(p);
        if s.is_weak() && !n.allow_weak {
            let feedback = if s.feedback.is_empty() {
                String::new()
            } else {
                let said: Vec<String> = s.feedback.iter().map(safe::worded).collect();
                format!(" ({})", said.join(" ").trim_end_matches('.'))
            };
            anyhow::bail!(
                "{}",
                tr!(
                    "cli-passphrase-weak",
                    guesses = safe::worded(&s.describe()),
                    feedback = feedback,
                    needed = u64::from(amanat::vault::passphrase::MIN_GUESSES_LOG10),
                    flag = ALLOW_WEAK
                )
            );
        }
        Ok(())
    };
    if let Some(f) = n.file {
        let p = read_passphrase_file(f, n.flag, true)?;
        check(&p)?;
        return Ok(p);
    }
    need_terminal()?;
    let first = prompt_secret(&format!(
        "{} ",
        tr!("cli-prompt-generate", prompt = n.prompt)
    ))?;
    if first.is_empty() {
        return generated_passphrase();
    }
    let p = Passphrase::new(first.to_string())?;
    // Refused before it is typed twice.
    check(&p)?;
    let again = prompt_secret(&format!("{} ", tr!("cli-prompt-repeat")))?;
    if *again != *first {
        anyhow::bail!("{}", tr!("cli-passphrases-differ"));
    }
    Ok(p)
}

/// The option that accepts a weak passphrase.
pub const ALLOW_WEAK: &str = "--allow-weak-passphrase";

/// Generates a passphrase, shows it once on the terminal and has it typed back.
fn generated_passphrase() -> anyhow::Result<Passphrase> {
    use amanat::vault::passphrase as pp;
    let p = pp::generate();
    // On the terminal the prompts use, never on stderr: a redirected stderr is a file, and
    // the passphrase must not be written to any file.
    let mut tty = terminal()?;
    // Sized up front, so no copy of the passphrase is left behind by a reallocation.
    let mut shown = zeroize::Zeroizing::new(String::with_capacity(1024));
    {
        use std::fmt::Write as _;
        let intro = tr!(
            "cli-generated",
            words = (pp::GENERATED_WORDS as u64),
            list = (pp::words().len() as u64),
            bits = format!("{:.0}", pp::generated_bits())
        );
        let keep = tr!("cli-generated-keep");
        write!(shown, "\n{intro}\n\n    {}\n\n{keep}\n", p.expose())?;
    }
    tty.write_all(shown.as_bytes())?;
    tty.flush()?;
    drop(tty);
    let typed = prompt_secret(&format!("{} ", tr!("cli-prompt-confirm")))?;
    if typed.as_str() != p.expose() {
        anyhow::bail!("{}", tr!("cli-generated-mistyped"));
    }
    Ok(p)
}

/// The controlling terminal, for writing (stderr where there is none such file).
fn terminal() -> anyhow::Result<Box<dyn Write>> {
    #[cfg(unix)]
    {
        let t = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/tty")
            .map_err(|e| invalid(tr!("cli-no-tty", why = e.to_string())))?;
        Ok(Box::new(t))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::new(io::stderr()))
    }
}

/// Writes to stdout; a closed pipe ends the program quietly.
fn print(s: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes a value as pretty JSON to stdout, with the characters a terminal would obey
/// escaped as `\uXXXX` (the values are unchanged).
fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    print(&format!(
        "{}\n",
        safe::json(serde_json::to_string_pretty(v)?)
    ))
}

fn init_vault(g: &Global, opts: InitOptions, allow_weak: bool) -> anyhow::Result<Vault> {
    let paths = vault_paths(g)?;
    // Before asking: a passphrase generated and written down for nothing is worse than none.
    if paths.keyring.exists() {
        return Err(Error::VaultExists(paths.keyring).into());
    }
    let pass = new_passphrase(NewPassphrase {
        file: g.passphrase_file.as_deref(),
        flag: GLOBAL_FILE,
        prompt: &tr!("cli-prompt-new"),
        allow_weak,
        not: None,
    })?;
    Ok(LockedVault::init(paths, &pass, &opts)?)
}
