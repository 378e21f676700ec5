//! The library's errors in a user's language, for every front end: each variant's frame is
//! translated; the details some variants carry (why a bundle was rejected, what in a record
//! is damaged) are the library's English words still.
use super::Lang;
use crate::error::Error;
use crate::tr_in;

/// What went wrong, in one clause, in `lang`. A refusal is the library's own English
/// words, which name no flag: each front end words refusals in terms of its own controls.
pub fn message(lang: Lang, e: &Error) -> String {
    worded(lang, e, &|s| s)
}

/// [`message`] for a web page: every name, path, id and detail it quotes is isolated
/// (U+2068 … U+2069), so that a right-to-left page shows a path or a time in its own order.
/// A terminal shows these marks, so the command line uses [`message`].
pub fn message_isolated(lang: Lang, e: &Error) -> String {
    worded(lang, e, &|s| format!("\u{2068}{s}\u{2069}"))
}

fn worded(lang: Lang, e: &Error, w: &dyn Fn(String) -> String) -> String {
    let path = |p: &std::path::Path| w(p.display().to_string());
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
        Error::UnsupportedFormat(d) => {
            tr_in!(lang, "err-unsupported-format", detail = w(d.to_string()))
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
            tr_in!(
                lang,
                "err-input",
                path = path(p),
                detail = w(reason.to_string())
            )
        }
        Error::Output { path: p, reason } => {
            tr_in!(
                lang,
                "err-output",
                path = path(p),
                detail = w(reason.to_string())
            )
        }
        Error::DiskFull => tr_in!(lang, "err-disk-full"),
        Error::Damaged { id, what } => tr_in!(
            lang,
            "err-damaged",
            id = w(id.to_string()),
            detail = w(what.to_string())
        ),
        Error::VaultDamaged(d) => tr_in!(lang, "err-vault-damaged", detail = w(d.to_string())),
        Error::DatabaseDamaged(d) => {
            tr_in!(lang, "err-database-damaged", detail = w(d.to_string()))
        }
        Error::BundleRejected(d) => tr_in!(lang, "err-bundle-rejected", detail = w(d.to_string())),
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
                what = w(what.to_string()),
                package = w(package.to_string())
            )
        }
        Error::KeyringGone(p) => tr_in!(lang, "err-keyring-gone", path = path(p)),
        Error::Recognition(d) => tr_in!(lang, "err-recognition", detail = w(d.to_string())),
        Error::RestoreUnfinished(p) => tr_in!(lang, "err-restore-unfinished", path = path(p)),
        Error::Remote { remote, what } => {
            tr_in!(
                lang,
                "err-remote",
                remote = w(format!("{remote:?}")),
                detail = w(what.to_string())
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
        // Invalid input, what this device cannot open, a refusal, any other I/O failure:
        // the library's own words.
        other => other.to_string(),
    }
}
