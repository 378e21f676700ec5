//! Errors of the library.
//!
//! Policy: every error a user can meet is a variant of [`Error`], whose `Display` says what
//! went wrong in one short clause. Variants never carry secrets or record content: at most a
//! path, a record id or a part name that the user typed. I/O errors are classified at the
//! point where they happen, so that a full disk is reported as such wherever it strikes. A
//! request refused as asked is a [`Refusal`], typed, so that a front end can say which of
//! its own options to change: the library names no command-line flag. The binary
//! (`src/cli/errors.rs`) prints `amanat: <error>. <hint>` on one line, with control and
//! bidirectional characters of quoted text escaped (`src/cli/safe.rs`), and maps
//! [`Error::exit_code`] to the process exit status.
use std::io;
use std::path::PathBuf;

pub use crate::i18n::words::Words;
use crate::words;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A request refused as it was asked, with what the caller can change. Its `Display` names
/// no command-line flag; the command line words each with its own flags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Identity parts were asked for, and the identity custodian's key is not here.
    #[error("identity parts can only be exported where the identity custodian's key is, and it is not on this device")]
    IdentitiesNeedCustodian,
    /// An image cannot be cleaned of its metadata in memory.
    #[error("image {image:?} of record {record} is too large to clean in memory; export it with its metadata kept to send it as is")]
    ImageTooLarge { image: String, record: String },
    /// An image cannot be cleaned of its metadata safely.
    #[error("cannot clean image {image:?} of record {record} safely ({why}); export it with its metadata kept to send it as is")]
    ImageNotCleanable {
        image: String,
        record: String,
        why: Words,
    },
    /// A full vault asked for a transfer bundle, which only collectors write.
    #[error("transfer bundles are written by collectors: name a partner to export to")]
    TransferNeedsCollector,
    /// A collector selected records by tag or witness code, which it cannot read.
    #[error(
        "a collector cannot read tags or witness codes: export all records or name them by id"
    )]
    CollectorSelection,
    /// A scrypt work factor out of range.
    #[error("the scrypt work factor must be between 1 and {max}")]
    WorkFactor { max: u8 },
    /// A collector was made without a recipient.
    #[error("a collector needs at least one recipient (headquarters' key)")]
    CollectorNeedsRecipient,
    /// A record's metadata is longer than a record keeps.
    #[error(
        "metadata is {len} bytes, more than {max}: put long text in the testimony or an attachment"
    )]
    MetadataTooLong { len: usize, max: usize },
    /// A record without a title.
    #[error("a record needs a non-empty title")]
    EmptyTitle,
    /// The output file exists and was not to be replaced.
    #[error("cannot write {}: it already exists", path.display())]
    OutputExists { path: PathBuf },
    /// A bundle whose manifest would be larger than any Amanat reads on import.
    #[error("a bundle of these {records} records would have a manifest of {bytes} bytes, more than the {max} an import reads: export them in several bundles (by tag, by witness code or by id)")]
    ManifestTooLarge {
        records: usize,
        bytes: u64,
        max: u64,
    },
    /// A contact with neither a recipient nor a signing key.
    #[error("a contact needs a recipient (to export to it) or a signing key (to import from it)")]
    ContactNeedsKey,
    /// A contact's signing key that is not an `ssh-ed25519` line.
    #[error("invalid signing key {line:?}: give an `ssh-ed25519 AAAA…` line")]
    SigningKey { line: String },
    /// A strict ingest stopped at a line: before anything was written, or (`stopped`) after
    /// the lines before it were.
    #[error("line {line}: {why} (strict: {})", if *stopped { "stopped" } else { "nothing was ingested" })]
    Strict {
        line: usize,
        why: Words,
        stopped: bool,
    },
    /// Records whose recorded consent does not cover the contact they were to go to
    /// (FORMAT.md 7.4): each as `<short id> "<title>" (<scope>)`.
    #[error("the testifier's consent does not cover {contact:?} for {}: {}", records.len(), records.join(", "))]
    ConsentDoesNotCover {
        contact: String,
        records: Vec<String>,
    },
}

/// Everything that can go wrong in a vault operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No vault exists at the given directory.
    #[error("no vault at {0}")]
    NoVault(PathBuf),
    /// `init` found something at the target directory.
    #[error("{0} already exists")]
    VaultExists(PathBuf),
    /// The keyring file is not where it was expected.
    #[error("keyring not found at {0}")]
    KeyringMissing(PathBuf),
    /// The keyring was destroyed (`shred`) while this command was running, or before it
    /// could write it; nothing was written.
    #[error("the keyring at {0} was destroyed (shred); nothing was written")]
    Shredded(PathBuf),
    /// `shred` found no keyring to destroy.
    #[error("no keyring found at {}: no keyring was destroyed{}", looked.display(), if *removed_all { " (the database and objects were removed)" } else { "" })]
    NoKeyringToShred { looked: PathBuf, removed_all: bool },
    /// No keyring slot opened with the passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The keyring file is damaged or not a keyring.
    #[error("the keyring at {0} is damaged or is not an Amanat keyring")]
    KeyringDamaged(PathBuf),
    /// The keyring opened, but it belongs to a different vault.
    #[error("the keyring at {0} belongs to another vault")]
    KeyringMismatch(PathBuf),
    /// The keyring asks for more scrypt work than this device accepts.
    #[error("the keyring demands scrypt work factor {required}, above the limit of {limit} on this device")]
    ExcessiveWork { required: u8, limit: u8 },
    /// A key rotation was interrupted; only `rotate` opens the vault until it is finished.
    #[error("a key rotation of this vault was interrupted")]
    RotationUnfinished,
    /// Another process holds the vault's lock.
    #[error("the vault is in use by another process")]
    InUse,
    /// The vault was written by a newer (or unknown) version of Amanat.
    #[error("unsupported format: {0}")]
    UnsupportedFormat(Words),
    /// No record id starts with the given prefix.
    #[error("no record matches {0:?}")]
    NoSuchRecord(String),
    /// More than one record id starts with the given prefix.
    #[error("{prefix:?} matches {count} records")]
    AmbiguousId { prefix: String, count: usize },
    /// The record has no such part.
    #[error("record {id} has no part {part:?}")]
    NoSuchPart { id: String, part: String },
    /// A file named by the user could not be read.
    #[error("cannot read {path}: {reason}")]
    Input { path: PathBuf, reason: Words },
    /// A file named by the user could not be written.
    #[error("cannot write {path}: {reason}")]
    Output { path: PathBuf, reason: Words },
    /// Input that does not make sense (bad date, bad recipient, empty title, …).
    #[error("{0}")]
    Invalid(Words),
    /// The disk filled up while writing.
    #[error("the disk is full")]
    DiskFull,
    /// A stored value or object failed authentication or does not parse.
    #[error("record {id} is damaged: {what}")]
    Damaged { id: String, what: Words },
    /// Vault-wide damage not tied to one record (database structure, catalog of unknown id).
    #[error("the vault is damaged: {0}")]
    VaultDamaged(Words),
    /// sled's files are damaged or lost writes; the journal can recreate them.
    #[error("the database is damaged: {0}")]
    DatabaseDamaged(Words),
    /// A bundle failed verification; nothing was imported.
    #[error("bundle rejected: {0}")]
    BundleRejected(Words),
    /// A bundle was signed by a key that is not a known contact.
    #[error("the bundle is signed by an unknown key {0}")]
    UnknownSigner(String),
    /// This device holds no key that opens the requested content.
    #[error("{0}")]
    CannotOpen(Words),
    /// A bundle imported before holds records that were removed here since.
    #[error("bundle {bundle} was imported here on {date} and {} of its records were removed since: {}", ids.len(), ids.join(", "))]
    RemovedSince {
        bundle: String,
        date: String,
        ids: Vec<String>,
    },
    /// A change would store one value larger than the store keeps in one piece
    /// (`store::MAX_VALUE`).
    #[error("this change would store {len} bytes as one value in the {tree} tree, more than the {max} KiB the vault keeps in one piece (sled would write a larger one to a file of its own, dated by the change); nothing was written")]
    TooLarge {
        tree: &'static str,
        len: usize,
        max: usize,
    },
    /// A program that text recognition needs is missing, or lacks a language's data.
    #[error("{what} is not installed: install the package {package}")]
    MissingTool { what: Words, package: String },
    /// The keyring disappeared while a long command ran (`shred`, or its removable media
    /// taken out): it stopped, keeping what it had committed.
    #[error("the keyring at {} is gone (destroyed by shred, or its media taken out): the command stopped, keeping what it had finished", .0.display())]
    KeyringGone(PathBuf),
    /// The text recogniser failed on a part (the part is left unrecognised).
    #[error("text recognition failed: {0}")]
    Recognition(Words),
    /// A restore into this directory stopped before it finished.
    #[error("a restore into {} did not finish", .0.display())]
    RestoreUnfinished(PathBuf),
    /// A replica's object storage failed a request: nothing was recorded as sent that was
    /// not, and nothing in the vault changed.
    #[error("remote {remote:?}: {what}")]
    Remote { remote: String, what: Words },
    /// A request refused as it was asked (what to change is the front end's to say).
    #[error("{0}")]
    Refused(Refusal),
    /// Any other I/O failure.
    #[error("{context}: {source}")]
    Io {
        context: Words,
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// The process exit status for this error: 1 where a check failed or nothing was found,
    /// 2 for everything else (see the README's "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NoSuchRecord(_)
            | Error::NoSuchPart { .. }
            | Error::Damaged { .. }
            | Error::BundleRejected(_)
            | Error::UnknownSigner(_) => 1,
            _ => 2,
        }
    }

    /// Classifies an I/O error: a full disk becomes [`Error::DiskFull`].
    pub fn io(context: Words, source: io::Error) -> Error {
        if is_disk_full(&source) {
            Error::DiskFull
        } else {
            Error::Io { context, source }
        }
    }

    /// An error reading a file the user named.
    pub fn input(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Input {
            path: path.into(),
            reason: short_io_reason(&source),
        }
    }

    /// An error writing a file the user named.
    pub fn output(path: impl Into<PathBuf>, source: io::Error) -> Error {
        if is_disk_full(&source) {
            return Error::DiskFull;
        }
        Error::Output {
            path: path.into(),
            reason: short_io_reason(&source),
        }
    }

    pub(crate) fn damaged(id: impl std::fmt::Display, what: Words) -> Error {
        Error::Damaged {
            id: id.to_string(),
            what,
        }
    }
}

fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// Why a file could not be read or written, in words; another failure in the words of the
/// system (std's, in English).
fn short_io_reason(e: &io::Error) -> Words {
    match e.kind() {
        io::ErrorKind::NotFound => words!("d-io-not-found"),
        io::ErrorKind::PermissionDenied => words!("d-io-permission"),
        _ => words!("d-io-other", why = e.to_string()),
    }
}
