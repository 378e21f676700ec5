//! How the command line words the library's errors: the message (a [`Refusal`] in terms of
//! this command line's flags), what to do about it, and the exit status.
use amanat::error::Refusal;
use amanat::Error;

/// What went wrong, in one clause. Refusals name the flag to change; every other error is
/// the library's own text.
pub fn message(e: &Error) -> String {
    let Error::Refused(r) = e else {
        return e.to_string();
    };
    match r {
        Refusal::IdentitiesNeedCustodian => {
            "--with-identities needs the identity custodian's key, which is not on this device".into()
        }
        Refusal::ImageTooLarge { image, record } => format!(
            "image {image:?} of record {record} is too large to clean in memory; export with --keep-metadata to send it as is"
        ),
        Refusal::ImageNotCleanable { image, record, why } => format!(
            "cannot clean image {image:?} of record {record} safely ({why}); export with --keep-metadata to send it as is"
        ),
        Refusal::TransferNeedsCollector => {
            "transfer bundles are written by collectors: name a partner with --to CONTACT".into()
        }
        Refusal::CollectorSelection => {
            "a collector cannot read tags or witness codes: export --all or record ids".into()
        }
        Refusal::WorkFactor { max } => format!("--kdf-work-factor must be between 1 and {max}"),
        Refusal::CollectorNeedsRecipient => {
            "a collector needs at least one --recipient (headquarters' key)".into()
        }
        Refusal::EmptyTitle => "a record needs a non-empty --title".into(),
        Refusal::MetadataTooLong { len, max } => format!(
            "metadata is {len} bytes, more than {max}: put long text in --testimony or an attachment"
        ),
        Refusal::OutputExists { path } => format!(
            "cannot write {}: it already exists (pass --force to replace it)",
            path.display()
        ),
        Refusal::ContactNeedsKey => {
            "a contact needs --recipient (to export to it) or --signing-key (to import from it)".into()
        }
        Refusal::SigningKey { line } => {
            format!("invalid --signing-key {line:?}: give an `ssh-ed25519 AAAA…` line")
        }
        Refusal::Strict { line, why, stopped } => format!(
            "line {line}: {why} (--strict: {})",
            if *stopped { "stopped" } else { "nothing was ingested" }
        ),
        Refusal::ManifestTooLarge { records, bytes, max } => format!(
            "a bundle of these {records} records would have a manifest of {bytes} bytes, more than the {max} an import reads: export them in several bundles (--tag, --witness or record ids)"
        ),
        // A refusal this version does not know how to word with flags.
        other => other.to_string(),
    }
}

/// What the user can do about it.
pub fn hint(e: &Error) -> &'static str {
    match e {
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
        Error::Output { .. } | Error::Refused(Refusal::OutputExists { .. }) => "check the destination path and free space; nothing was written there",
        Error::CannotOpen(_) | Error::Refused(Refusal::IdentitiesNeedCustodian) => "open it on a device that holds the right key (headquarters or the identity custodian)",
        Error::Refused(Refusal::ManifestTooLarge { .. }) => "nothing was written or logged; export fewer records at a time",
        Error::Invalid(_) | Error::Refused(_) => "see `amanat help` for the expected form",
        Error::DiskFull => "free some space and run the command again; the vault is unchanged",
        Error::Damaged { .. } => "restore the record from a backup or a partner's copy; other records are unaffected",
        Error::VaultDamaged(_) => "run `amanat check` to see what is affected, and restore from a backup",
        Error::DatabaseDamaged(_) => "run `amanat rebuild` to recreate the database from the journal (records, catalog, contacts and the custody log), then `amanat check`; if the disk is full, free space first",
        Error::BundleRejected(_) => "do not trust this file; ask the sender to send it again; nothing was imported",
        Error::UnknownSigner(_) => "compare the fingerprint with the sender over another channel, then add them with `amanat contact add NAME --signing-key 'ssh-ed25519 …'` or pass --trust-signer",
        Error::RemovedSince { .. } => "nothing was imported; to bring them back, import it again with --restore-removed",
        Error::TooLarge { .. } => "a record with hundreds of parts or a very long chain of custody can do this: split it over several records; please report it, with the tree named",
        Error::Io { .. } => "check permissions and free space, then try again",
        Error::MissingTool { .. } => "on Debian or Ubuntu: `sudo apt install` that package (or have your administrator do it); the vault is unchanged",
        Error::KeyringGone(_) => "if its media was taken out, put it back and run the command again to finish; after shred nothing opens the vault",
        Error::Recognition(_) => "the part keeps no recognised text; try again, or name other languages with --language",
        Error::RestoreUnfinished(_) => "run the same `amanat restore` again to finish it; nothing else opens the directory until then, so nothing written meanwhile can be lost",
        Error::Remote { .. } => "check the endpoint, bucket and key (`amanat remote list`), then run the command again: a push or restore goes on where it stopped, and nothing was recorded as sent that was not",
        _ => "see `amanat help`",
    }
}
