//! The library's errors in a user's language, for every front end: each variant's frame and
//! the details some variants carry (why a bundle was rejected, what in a record is damaged)
//! are translated. Text from elsewhere stays as it came: paths and names the user typed, and
//! what another program or the system said (an OS error, the object store's reply).
use super::words::Words;
use super::Lang;
use crate::error::{Error, Refusal};
use crate::tr_in;

/// What went wrong, in one clause, in `lang`. A refusal is worded without naming any front
/// end's controls; the command line words its own with its flags.
pub fn message(lang: Lang, e: &Error) -> String {
    worded(lang, e, false)
}

/// [`message`] for a web page: every name, path, id and detail it quotes is isolated
/// (U+2068 … U+2069), so that a right-to-left page shows a path or a time in its own order.
/// A terminal shows these marks, so the command line uses [`message`].
pub fn message_isolated(lang: Lang, e: &Error) -> String {
    worded(lang, e, true)
}

// This function is long because it is one arm per variant of the library's errors, each
// naming its message and arguments.
pub(super) fn worded(lang: Lang, e: &Error, iso: bool) -> String {
    let w = |s: String| match iso {
        true => format!("\u{2068}{s}\u{2069}"),
        false => s,
    };
    let path = |p: &std::path::Path| w(p.display().to_string());
    // On a page, details are isolated whole, and the text they quote too.
    let d = |words: &Words| match iso {
        true => w(words.isolated(lang)),
        false => words.in_lang(lang),
    };
    match e {
        Error::NoVault(p) => tr_in!(lang, "err-no-vault", path = path(p)),
        Error::VaultExists(p) => tr_in!(lang, "err-vault-exists", path = path(p)),
        Error::KeyringMissing(p) => tr_in!(lang, "err-keyring-missing", path = path(p)),
        Error::Shredded(p) => tr_in!(lang, "err-shredded", path = path(p)),
        Error::NoKeyringToShred {
            looked,
            removed_all,
        } => match removed_all {
            true => tr_in!(lang, "err-no-keyring-to-shred-removed", path = path(looked)),
            false => tr_in!(lang, "err-no-keyring-to-shred", path = path(looked)),
        },
        Error::WrongPassphrase => tr_in!(lang, "err-wrong-passphrase"),
        Error::KeyringDamaged(p) => tr_in!(lang, "err-keyring-damaged", path = path(p)),
        Error::KeyringMismatch(p) => tr_in!(lang, "err-keyring-mismatch", path = path(p)),
        Error::ExcessiveWork { required, limit } => {
            tr_in!(
                lang,
                "err-excessive-work",
                required = u64::from(*required),
                limit = u64::from(*limit)
            )
        }
        Error::RotationUnfinished => tr_in!(lang, "err-rotation-unfinished"),
        Error::InUse => tr_in!(lang, "err-in-use"),
        Error::UnsupportedFormat(det) => {
            tr_in!(lang, "err-unsupported-format", detail = d(det))
        }
        Error::NoSuchRecord(p) => tr_in!(lang, "err-no-such-record", prefix = w(format!("{p:?}"))),
        Error::AmbiguousId { prefix, count } => {
            tr_in!(
                lang,
                "err-ambiguous-id",
                prefix = w(format!("{prefix:?}")),
                count = (*count as u64)
            )
        }
        Error::NoSuchPart { id, part } => {
            tr_in!(
                lang,
                "err-no-such-part",
                id = w(id.to_string()),
                part = w(format!("{part:?}"))
            )
        }
        Error::Input { path: p, reason } => {
            tr_in!(lang, "err-input", path = path(p), detail = d(reason))
        }
        Error::Output { path: p, reason } => {
            tr_in!(lang, "err-output", path = path(p), detail = d(reason))
        }
        Error::DiskFull => tr_in!(lang, "err-disk-full"),
        Error::Damaged { id, what } => tr_in!(
            lang,
            "err-damaged",
            id = w(id.to_string()),
            detail = d(what)
        ),
        Error::VaultDamaged(det) => tr_in!(lang, "err-vault-damaged", detail = d(det)),
        Error::DatabaseDamaged(det) => {
            tr_in!(lang, "err-database-damaged", detail = d(det))
        }
        Error::BundleRejected(det) => tr_in!(lang, "err-bundle-rejected", detail = d(det)),
        Error::UnknownSigner(k) => tr_in!(lang, "err-unknown-signer", key = w(k.to_string())),
        Error::RemovedSince { bundle, date, ids } => tr_in!(
            lang,
            "err-removed-since",
            bundle = w(bundle.to_string()),
            date = w(date.to_string()),
            count = (ids.len() as u64),
            ids = w(ids.join(", "))
        ),
        Error::MissingTool { what, package } => {
            tr_in!(
                lang,
                "err-missing-tool",
                what = d(what),
                package = w(package.to_string())
            )
        }
        Error::KeyringGone(p) => tr_in!(lang, "err-keyring-gone", path = path(p)),
        Error::Recognition(det) => tr_in!(lang, "err-recognition", detail = d(det)),
        Error::RestoreUnfinished(p) => tr_in!(lang, "err-restore-unfinished", path = path(p)),
        Error::Remote { remote, what } => {
            tr_in!(
                lang,
                "err-remote",
                remote = w(format!("{remote:?}")),
                detail = d(what)
            )
        }
        Error::TooLarge { tree, len, max } => {
            tr_in!(
                lang,
                "err-too-large",
                tree = w(tree.to_string()),
                len = len.to_string(),
                max = max.to_string()
            )
        }
        Error::Invalid(det) | Error::CannotOpen(det) => d(det),
        Error::Io { context, source } => tr_in!(
            lang,
            "err-io",
            context = d(context),
            why = w(source.to_string())
        ),
        // The command line words refusals with its own flags (src/cli/errors.rs); these
        // name none, as a web page has none.
        Error::Refused(r) => refusal(lang, r, &w, &d),
    }
}

/// A refusal in `lang`, naming no control of any front end.
fn refusal(
    lang: Lang,
    r: &Refusal,
    w: &dyn Fn(String) -> String,
    d: &dyn Fn(&Words) -> String,
) -> String {
    match r {
        Refusal::IdentitiesNeedCustodian => tr_in!(lang, "refusal-identities-need-custodian"),
        Refusal::ImageTooLarge { image, record } => tr_in!(
            lang,
            "refusal-image-too-large",
            image = w(format!("{image:?}")),
            record = w(record.to_string())
        ),
        Refusal::ImageNotCleanable { image, record, why } => tr_in!(
            lang,
            "refusal-image-not-cleanable",
            image = w(format!("{image:?}")),
            record = w(record.to_string()),
            detail = d(why)
        ),
        Refusal::TransferNeedsCollector => tr_in!(lang, "refusal-transfer-needs-collector"),
        Refusal::CollectorSelection => tr_in!(lang, "refusal-collector-selection"),
        Refusal::WorkFactor { max } => tr_in!(lang, "refusal-work-factor", max = u64::from(*max)),
        Refusal::CollectorNeedsRecipient => tr_in!(lang, "refusal-collector-needs-recipient"),
        Refusal::MetadataTooLong { len, max } => tr_in!(
            lang,
            "refusal-metadata-too-long",
            len = (*len as u64),
            max = (*max as u64)
        ),
        Refusal::EmptyTitle => tr_in!(lang, "refusal-empty-title"),
        Refusal::OutputExists { path } => {
            tr_in!(
                lang,
                "refusal-output-exists",
                path = w(path.display().to_string())
            )
        }
        Refusal::ManifestTooLarge {
            records,
            bytes,
            max,
        } => tr_in!(
            lang,
            "refusal-manifest-too-large",
            records = records.to_string(),
            bytes = bytes.to_string(),
            max = max.to_string()
        ),
        Refusal::ContactNeedsKey => tr_in!(lang, "refusal-contact-needs-key"),
        Refusal::SigningKey { line } => {
            tr_in!(lang, "refusal-signing-key", line = w(format!("{line:?}")))
        }
        Refusal::ConsentDoesNotCover { contact, records } => tr_in!(
            lang,
            "refusal-consent",
            contact = w(format!("{contact:?}")),
            count = (records.len() as u64),
            records = w(records.join(", "))
        ),
        Refusal::Strict { line, why, stopped } => match stopped {
            true => tr_in!(
                lang,
                "refusal-strict-stopped",
                line = (*line as u64),
                detail = d(why)
            ),
            false => tr_in!(
                lang,
                "refusal-strict-nothing",
                line = (*line as u64),
                detail = d(why)
            ),
        },
    }
}
