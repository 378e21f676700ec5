//! How the command line words the library's errors, in the user's language: the message (a
//! [`Refusal`] in terms of this command line's flags), what to do about it, and the exit
//! status.
use amanat::error::{Refusal, Words};
use amanat::{tr, Error};

/// Invalid input, in words the command line has already put in the user's language.
pub fn invalid(text: String) -> Error {
    Error::Invalid(Words::said(text))
}

/// What went wrong, in one clause: refusals name the flag to change.
pub fn message(e: &Error) -> String {
    match e {
        Error::Refused(r) => refusal(r),
        other => amanat::i18n::errors::message(amanat::i18n::current(), other),
    }
}

/// A refusal, naming the flag to change.
fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::IdentitiesNeedCustodian => tr!("refused-identities-need-custodian"),
        Refusal::ImageTooLarge { image, record } => tr!(
            "refused-image-too-large",
            image = format!("{image:?}"),
            record = record.as_str()
        ),
        Refusal::ImageNotCleanable { image, record, why } => tr!(
            "refused-image-not-cleanable",
            image = format!("{image:?}"),
            record = record.as_str(),
            detail = why.in_lang(amanat::i18n::current())
        ),
        Refusal::TransferNeedsCollector => tr!("refused-transfer-needs-collector"),
        Refusal::CollectorSelection => tr!("refused-collector-selection"),
        Refusal::WorkFactor { max } => tr!("refused-work-factor", max = u64::from(*max)),
        Refusal::CollectorNeedsRecipient => tr!("refused-collector-needs-recipient"),
        Refusal::EmptyTitle => tr!("refused-empty-title"),
        Refusal::MetadataTooLong { len, max } => {
            tr!(
                "refused-metadata-too-long",
                len = (*len as u64),
                max = (*max as u64)
            )
        }
        Refusal::OutputExists { path } => {
            tr!("refused-output-exists", path = path.display().to_string())
        }
        Refusal::ContactNeedsKey => tr!("refused-contact-needs-key"),
        Refusal::SigningKey { line } => tr!("refused-signing-key", line = format!("{line:?}")),
        Refusal::ConsentDoesNotCover { contact, records } => tr!(
            "refused-consent",
            contact = format!("{contact:?}"),
            count = (records.len() as u64),
            records = records.join(", ")
        ),
        Refusal::Strict { line, why, stopped } => match stopped {
            true => tr!(
                "refused-strict-stopped",
                line = (*line as u64),
                detail = why.in_lang(amanat::i18n::current())
            ),
            false => tr!(
                "refused-strict-nothing",
                line = (*line as u64),
                detail = why.in_lang(amanat::i18n::current())
            ),
        },
        Refusal::ManifestTooLarge {
            records,
            bytes,
            max,
        } => tr!(
            "refused-manifest-too-large",
            records = records.to_string(),
            bytes = bytes.to_string(),
            max = max.to_string()
        ),
        // A refusal this version does not know how to word with flags.
        other => other.to_string(),
    }
}

/// What the user can do about it.
pub fn hint(e: &Error) -> String {
    match e {
        Error::NoVault(_) => tr!("hint-no-vault"),
        Error::VaultExists(_) => tr!("hint-vault-exists"),
        Error::KeyringMissing(_) => tr!("hint-keyring-missing"),
        Error::Shredded(_) => tr!("hint-shredded"),
        Error::NoKeyringToShred { .. } => tr!("hint-no-keyring-to-shred"),
        Error::WrongPassphrase => tr!("hint-wrong-passphrase"),
        Error::KeyringDamaged(_) => tr!("hint-keyring-damaged"),
        Error::KeyringMismatch(_) => tr!("hint-keyring-mismatch"),
        Error::ExcessiveWork { .. } => tr!("hint-excessive-work"),
        Error::RotationUnfinished => tr!("hint-rotation-unfinished"),
        Error::InUse => tr!("hint-in-use"),
        Error::UnsupportedFormat(_) => tr!("hint-unsupported-format"),
        Error::NoSuchRecord(_) => tr!("hint-no-such-record"),
        Error::AmbiguousId { .. } => tr!("hint-ambiguous-id"),
        Error::NoSuchPart { .. } => tr!("hint-no-such-part"),
        Error::Input { .. } => tr!("hint-input"),
        Error::Output { .. } | Error::Refused(Refusal::OutputExists { .. }) => tr!("hint-output"),
        Error::CannotOpen(_) | Error::Refused(Refusal::IdentitiesNeedCustodian) => {
            tr!("hint-cannot-open")
        }
        Error::Refused(Refusal::ManifestTooLarge { .. }) => tr!("hint-manifest-too-large"),
        Error::Refused(Refusal::ConsentDoesNotCover { .. }) => tr!("hint-consent"),
        Error::Invalid(_) | Error::Refused(_) => tr!("hint-invalid"),
        Error::DiskFull => tr!("hint-disk-full"),
        Error::Damaged { .. } => tr!("hint-damaged"),
        Error::VaultDamaged(_) => tr!("hint-vault-damaged"),
        Error::DatabaseDamaged(_) => tr!("hint-database-damaged"),
        Error::BundleRejected(_) => tr!("hint-bundle-rejected"),
        Error::UnknownSigner(_) => tr!("hint-unknown-signer"),
        Error::RemovedSince { .. } => tr!("hint-removed-since"),
        Error::TooLarge { .. } => tr!("hint-too-large"),
        Error::Io { .. } => tr!("hint-io"),
        Error::MissingTool { .. } => tr!("hint-missing-tool"),
        Error::KeyringGone(_) => tr!("hint-keyring-gone"),
        Error::Recognition(_) => tr!("hint-recognition"),
        Error::RestoreUnfinished(_) => tr!("hint-restore-unfinished"),
        Error::Remote { .. } => tr!("hint-remote"),
        _ => tr!("hint-other"),
    }
}
