//! Errors of the library.
//!
//! Policy: every error a user can meet is a variant of [`Error`], whose `Display` says what
//! went wrong in one short clause and whose [`Error::hint`] says what to do about it. Variants
//! never carry secrets or record content: at most a path, a record id or a part name that the
//! user typed. I/O errors are classified at the point where they happen, so that a full disk
//! is reported as such wherever it strikes. The binary prints `amanat: <error>. <hint>` on one
//! line, with control and bidirectional characters of quoted text escaped (`src/cli/safe.rs`),
//! and maps [`Error::exit_code`] to the process exit status.
use std::io;
use std::path::PathBuf;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    #[error("unsupported vault format: {0}")]
    UnsupportedFormat(String),
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
    Input { path: PathBuf, reason: String },
    /// A file named by the user could not be written.
    #[error("cannot write {path}: {reason}")]
    Output { path: PathBuf, reason: String },
    /// Input that does not make sense (bad date, bad recipient, empty title, …).
    #[error("{0}")]
    Invalid(String),
    /// The disk filled up while writing.
    #[error("the disk is full")]
    DiskFull,
    /// A stored value or object failed authentication or does not parse.
    #[error("record {id} is damaged: {what}")]
    Damaged { id: String, what: String },
    /// Vault-wide damage not tied to one record (database structure, catalog of unknown id).
    #[error("the vault is damaged: {0}")]
    VaultDamaged(String),
    /// sled's files are damaged or lost writes; the journal can recreate them.
    #[error("the database is damaged: {0}")]
    DatabaseDamaged(String),
    /// A bundle failed verification; nothing was imported.
    #[error("bundle rejected: {0}")]
    BundleRejected(String),
    /// A bundle was signed by a key that is not a known contact.
    #[error("the bundle is signed by an unknown key {0}")]
    UnknownSigner(String),
    /// This device holds no key that opens the requested content.
    #[error("{0}")]
    CannotOpen(String),
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
    /// Any other I/O failure.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// What the user can do about this error.
    pub fn hint(&self) -> &'static str {
        match self {
            Error::NoVault(_) => "create one with `amanat init`, or point --vault / AMANAT_VAULT at an existing vault",
            Error::VaultExists(_) => "choose another --vault directory or --keyring path; nothing was changed",
            Error::KeyringMissing(_) => "insert the media that holds the keyring, or pass --keyring PATH / AMANAT_KEYRING",
            Error::Shredded(_) => "the vault can no longer be opened by anyone",
            Error::NoKeyringToShred { .. } => "if the keyring is kept elsewhere (removable media), run `amanat shred --keyring PATH` with its path; any copy of it still opens the vault",
            Error::WrongPassphrase => "check the passphrase (or the first line of --passphrase-file) and try again; if you are sure of it, the keyring may be damaged: restore it from its backup",
            Error::KeyringDamaged(_) => "restore the keyring from your backup copy; without it the vault cannot be opened",
            Error::KeyringMismatch(_) => "pass the keyring that was created with this vault (--keyring PATH)",
            Error::ExcessiveWork { .. } => "this keyring may be hostile or from a much faster machine; open it where it was made and run `amanat passwd` with a lower --kdf-work-factor",
            Error::RotationUnfinished => "run `amanat rotate` with the same passphrase to finish it; nothing else opens the vault until then",
            Error::InUse => "wait for the other amanat command to finish, then try again",
            Error::UnsupportedFormat(_) => "use the Amanat version that created this vault or a newer one",
            Error::NoSuchRecord(_) => "list record ids with `amanat list`",
            Error::AmbiguousId { .. } => "type more characters of the id",
            Error::NoSuchPart { .. } => "see the record's parts with `amanat show ID`",
            Error::Input { .. } => "check that the file exists and is readable; nothing was added",
            Error::Output { .. } => "check the destination path and free space; nothing was written there",
            Error::Invalid(_) => "see `amanat help` for the expected form",
            Error::DiskFull => "free some space and run the command again; the vault is unchanged",
            Error::Damaged { .. } => "restore the record from a backup or a partner's copy; other records are unaffected",
            Error::VaultDamaged(_) => "run `amanat check` to see what is affected, and restore from a backup",
            Error::DatabaseDamaged(_) => "run `amanat rebuild` to recreate the database from the journal (records, catalog, contacts and the custody log), then `amanat check`; if the disk is full, free space first",
            Error::BundleRejected(_) => "do not trust this file; ask the sender to send it again; nothing was imported",
            Error::UnknownSigner(_) => "compare the fingerprint with the sender over another channel, then add them with `amanat contact add NAME --signing-key 'ssh-ed25519 …'` or pass --trust-signer",
            Error::CannotOpen(_) => "open it on a device that holds the right key (headquarters or the identity custodian)",
            Error::RemovedSince { .. } => "nothing was imported; to bring them back, import it again with --restore-removed",
            Error::TooLarge { .. } => "a record with hundreds of parts or a very long chain of custody can do this: split it over several records; please report it, with the tree named",
            Error::Io { .. } => "check permissions and free space, then try again",
        }
    }

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
    pub fn io(context: impl Into<String>, source: io::Error) -> Error {
        if is_disk_full(&source) {
            Error::DiskFull
        } else {
            Error::Io {
                context: context.into(),
                source,
            }
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

    pub(crate) fn damaged(id: impl std::fmt::Display, what: impl Into<String>) -> Error {
        Error::Damaged {
            id: id.to_string(),
            what: what.into(),
        }
    }
}

fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

fn short_io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
