//! Consent at export (FORMAT.md 7.4): a record goes to a contact only if the testifier's
//! recorded consent covers it, unless the user overrides it with a reason, which each
//! record's chain of custody then logs.
use std::collections::HashSet;

use crate::error::{Error, Refusal, Result};
use crate::format::case::Scope;
use crate::vault::contacts::Contact;
use crate::vault::Vault;
use crate::RecordId;

/// Records whose consent is not what this export needs: those it does not cover, and
/// those without consent recorded (sent, and counted in the report).
pub(super) struct ConsentCheck {
    /// The records the consent does not cover, sent only because it was overridden.
    pub overridden: HashSet<RecordId>,
    /// How many records have no consent recorded.
    pub unrecorded: usize,
}

impl Vault {
    /// Checks the consent of every selected record against the contact, from the catalog
    /// (no body is opened). Consent that does not cover the contact, or consent to publish
    /// anonymised when identities are to go with it, refuses the export naming every such
    /// record, unless `override_reason` is given.
    pub(super) fn check_consent(
        &self,
        ids: &[RecordId],
        contact: &Contact,
        opts: &super::ExportOptions,
    ) -> Result<ConsentCheck> {
        let override_reason = opts.override_consent.as_deref();
        // What identifies a testifier beyond the testimony: identity parts, and images
        // with their metadata (camera, time, GPS).
        let identifying = opts.with_identities || opts.keep_metadata;
        let mut refused = Vec::new();
        let mut overridden = HashSet::new();
        let mut unrecorded = 0;
        for id in ids {
            let entry = self.catalog_of(id)?;
            let consent = entry.case.as_ref().and_then(|c| c.consent.as_ref());
            let scope = match consent {
                // Identity parts go only where a testifier's consent says so.
                None if opts.with_identities => "-",
                None => {
                    unrecorded += 1;
                    continue;
                }
                Some(c) => {
                    let anonymised = c.scope == Scope::PublishAnonymised && identifying;
                    if c.covers(&contact.name) && !anonymised {
                        continue;
                    }
                    c.scope.as_str()
                }
            };
            overridden.insert(*id);
            let title = entry.meta.as_ref().map(|m| m.title.as_str()).unwrap_or("");
            refused.push(format!("{} {:?} ({scope})", id.short(), title));
        }
        if !refused.is_empty() && override_reason.is_none() {
            return Err(Error::Refused(Refusal::ConsentDoesNotCover {
                contact: contact.name.clone(),
                records: refused,
            }));
        }
        Ok(ConsentCheck {
            overridden,
            unrecorded,
        })
    }

    /// Logs, in the export's batch, that `body` goes to `contact` although its consent
    /// does not cover it, if so: its scope in the event, the contact and the reason kept
    /// in the vault (FORMAT.md 14.2, `consent-overridden`); the report names it.
    pub(super) fn log_override(
        &self,
        consent: &ConsentCheck,
        log: &mut crate::vault::custody::LogBatch<'_>,
        body: &crate::format::record::RecordBody,
        contact: &Contact,
        opts: &super::ExportOptions,
        report: &mut super::ExportReport,
    ) -> Result<()> {
        if !consent.overridden.contains(&body.id) {
            return Ok(());
        }
        let scope = body.case.consent.as_ref().map(|c| c.scope);
        log.append(
            crate::format::event::Happened::ConsentOverridden {
                scope: scope.map_or("", |s| s.as_str()).to_owned(),
            },
            Some(body.id),
            Some(crate::format::event::Kept::Overridden {
                contact: contact.name.clone(),
                reason: opts.override_consent.clone().unwrap_or_default(),
            }),
        )?;
        let pid = super::partner_record_id(self.pseudonym_key(), &contact.name, &body.id);
        report.consent_overridden.push(pid.to_hex());
        Ok(())
    }
}
