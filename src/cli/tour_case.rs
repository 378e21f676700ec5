//! The tour's account of the testimony model (FORMAT.md 7.4): the Kazakh testimony is
//! described (its victim, how the witness is related, a status event, consent to share
//! with the partner, a verification); the English one's testifier agreed to the archive
//! only, so an export of both is refused, and the tour sends the first alone.
use std::io::Write;

use amanat::bundle::{ExportOptions, Selection};
use amanat::format::case::{Consent, How, Kin, Level, Relation, Role, Scope, StatusEvent};
use amanat::vault::case::Change;
use amanat::{tr, RecordId, Vault};

macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

/// Describes the samples `ids` (the Kazakh, Russian and English testimonies) and shows the
/// export to `contact` of the "detention" ones refused; returns what the tour exports.
pub(super) fn describe(
    vault: &Vault,
    ids: &[RecordId],
    contact: &str,
    out: &std::path::Path,
) -> anyhow::Result<Selection> {
    let (kk, en) = (ids[0], ids[2]);
    let consent = |scope, with: &[&str]| Consent {
        scope,
        organisations: with.iter().map(|s| s.to_string()).collect(),
        how: How::Oral,
        given: "2019-03-04".into(),
        recorded_by: Some("I-01".into()),
    };
    for change in [
        Change::Person {
            code: "V-A4N9".into(),
            roles: vec![Role::Victim],
        },
        Change::Relation(Relation {
            person: "W-K7Q2".into(),
            kin: Kin::Child,
            of: "V-A4N9".into(),
        }),
        Change::Status(StatusEvent {
            person: "V-A4N9".into(),
            status: amanat::format::case::Status::Detained,
            date: "2019-03".into(),
            place: Some("Ürümqi".into()),
        }),
        Change::Consent(consent(Scope::Share, &[contact])),
        Change::Verification {
            level: Level::Corroborated,
            by: "R-02".into(),
            why: "matches the detention notice (the scan)".into(),
        },
    ] {
        vault.describe(kk, change)?;
    }
    say!("   {}", tr!("tour-case", id = kk.short()));
    vault.describe(en, Change::Consent(consent(Scope::Archive, &[])))?;
    say!("   {}", tr!("tour-consent-archive", id = en.short()));
    let refused = vault.export(
        &ExportOptions {
            to: contact.into(),
            selection: Selection::Tag("detention".into()),
            with_identities: false,
            keep_metadata: false,
            with_ocr: true,
            override_consent: None,
            csv: false,
        },
        out,
    );
    match refused {
        Err(e @ amanat::Error::Refused(_)) => {
            let error = super::errors::message(&e);
            say!("   {}", tr!("tour-consent-refused", error = error));
        }
        Err(e) => return Err(e.into()),
        Ok(_) => unreachable!("the archive-only record is among those selected"),
    }
    Ok(Selection::Ids(vec![kk.to_hex()]))
}
