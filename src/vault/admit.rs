//! What a record must be before anything of it is sealed (FORMAT.md 7.1, 7.4): checked by
//! `add` before it opens a file, and by `ingest` for every line before it writes anything.
use super::{NewRecord, PartInput, Vault};
use crate::error::{Error, Result};
use crate::words;

impl Vault {
    /// Whether `rec` may be added as it is: its metadata, its case (FORMAT.md 7.4) with the
    /// contacts its consent names, its persons' identities and its count of parts, and no
    /// part named as an identity part is (a part of that name would stand in for the
    /// identity where parts are fetched by name). Nothing is read or written.
    pub(crate) fn check_new(&self, rec: &NewRecord) -> Result<()> {
        rec.meta.validate()?;
        rec.case
            .check(rec.meta.witness.as_deref())
            .map_err(Error::Invalid)?;
        self.check_organisations(&rec.case)?;
        rec.case
            .check_dates(jiff::Zoned::now().date())
            .map_err(Error::Invalid)?;
        rec.case
            .check_not_pseudonyms(rec.meta.witness.as_deref())
            .map_err(Error::Invalid)?;
        let codes = rec.person_identities.iter().map(|(c, _)| c.as_str());
        rec.case
            .check_identities(rec.meta.witness.as_deref(), codes)
            .map_err(Error::Invalid)?;
        crate::format::record::check_part_count(
            usize::from(rec.testimony.is_some())
                + rec.attachments.len()
                + usize::from(rec.identity.is_some())
                + rec.person_identities.len(),
        )?;
        let names: Vec<String> = (rec.testimony.iter().chain(&rec.attachments))
            .filter_map(PartInput::name)
            .collect();
        for (i, name) in names.iter().enumerate() {
            let quoted = format!("{name:?}");
            if rec.case.reserves(name) {
                return Err(Error::Invalid(words!("d-add-identity-name", name = quoted)));
            }
            if names[..i].contains(name) {
                return Err(Error::Invalid(words!("d-add-same-name", name = quoted)));
            }
        }
        // An identity's size, where it is known before it is read.
        let identities = rec
            .identity
            .iter()
            .chain(rec.person_identities.iter().map(|(_, p)| p));
        for p in identities {
            if let PartInput::Path(p) = p {
                if std::fs::metadata(p).is_ok_and(|m| m.len() > super::add::MAX_IDENTITY as u64) {
                    let kib = super::add::MAX_IDENTITY / 1024;
                    return Err(Error::Invalid(words!(
                        "d-add-identity-too-large",
                        kib = kib
                    )));
                }
            }
        }
        Ok(())
    }
}
