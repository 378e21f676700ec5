//! The library's errors in a user's language, for every front end: each variant's frame is
//! translated; the details some variants carry (why a bundle was rejected, what in a record
//! is damaged) are the library's English words still.
use super::Lang;
use crate::error::Error;
use crate::tr_in;

/// What went wrong, in one clause, in `lang`. A refusal is the library's own English
/// words, which name no flag: each front end words refusals in terms of its own controls.
pub fn message(lang: Lang, e: &Error) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
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
        Error::UnsupportedFormat(d) => tr_in!(lang, "err-unsupported-format", detail = d.as_str()),
        Error::NoSuchRecord(p) => tr_in!(lang, "err-no-such-record", prefix = format!("{p:?}")),
        Error::AmbiguousId { prefix, count } => {
            tr_in!(
                lang,
                "err-ambiguous-id",
                prefix = format!("{prefix:?}"),
                count = (*count as u64)
            )
        }
        Error::NoSuchPart { id, part } => {
            tr_in!(
                lang,
                "err-no-such-part",
                id = id.as_str(),
                part = format!("{part:?}")
            )
        }
        Error::Input { path: p, reason } => {
            tr_in!(lang, "err-input", path = path(p), detail = reason.as_str())
        }
        Error::Output { path: p, reason } => {
            tr_in!(lang, "err-output", path = path(p), detail = reason.as_str())
        }
        Error::DiskFull => tr_in!(lang, "err-disk-full"),
        Error::Damaged { id, what } => tr_in!(
            lang,
            "err-damaged",
            id = id.as_str(),
            detail = what.as_str()
        ),
        Error::VaultDamaged(d) => tr_in!(lang, "err-vault-damaged", detail = d.as_str()),
        Error::DatabaseDamaged(d) => tr_in!(lang, "err-database-damaged", detail = d.as_str()),
        Error::BundleRejected(d) => tr_in!(lang, "err-bundle-rejected", detail = d.as_str()),
        Error::UnknownSigner(k) => tr_in!(lang, "err-unknown-signer", key = k.as_str()),
        Error::RemovedSince { bundle, date, ids } => tr_in!(
            lang,
            "err-removed-since",
            bundle = bundle.as_str(),
            date = date.as_str(),
            count = (ids.len() as u64),
            ids = ids.join(", ")
        ),
        Error::MissingTool { what, package } => {
            tr_in!(
                lang,
                "err-missing-tool",
                what = what.as_str(),
                package = package.as_str()
            )
        }
        Error::KeyringGone(p) => tr_in!(lang, "err-keyring-gone", path = path(p)),
        Error::Recognition(d) => tr_in!(lang, "err-recognition", detail = d.as_str()),
        Error::RestoreUnfinished(p) => tr_in!(lang, "err-restore-unfinished", path = path(p)),
        Error::Remote { remote, what } => {
            tr_in!(
                lang,
                "err-remote",
                remote = format!("{remote:?}"),
                detail = what.as_str()
            )
        }
        Error::TooLarge { tree, len, max } => {
            tr_in!(
                lang,
                "err-too-large",
                tree = tree.to_string(),
                len = len.to_string(),
                max = max.to_string()
            )
        }
        // Invalid input, what this device cannot open, a refusal, any other I/O failure:
        // the library's own words.
        other => other.to_string(),
    }
}
