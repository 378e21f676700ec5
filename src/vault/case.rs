//! Describing a record as testimony work needs it (FORMAT.md 7.4): the persons it names,
//! how they are related, the testifier's consent, status events, verification, and which
//! parts are transcripts or translations of which. Each change rewrites the record's body,
//! catalog entry and search words with one custody event, in one transaction.
use super::Vault;
use crate::crypto::seal;
use crate::error::{Error, Result};
use crate::format::case::{
    Consent, How, Level, LinkKind, PartLink, Person, Relation, Role, Scope, StatusEvent,
    Verification,
};
use crate::format::event::Happened;
use crate::format::id::RecordId;
use crate::format::record::RecordBody;
use crate::storage::journal::{Ops, TreeId};
use crate::words;

/// One change to a record's case.
#[derive(Debug, Clone)]
pub enum Change {
    /// A person the record names, in these roles (added to those it has, if named already).
    Person {
        code: String,
        roles: Vec<Role>,
    },
    Relation(Relation),
    /// The testifier's consent, replacing what was recorded.
    Consent(Consent),
    Status(StatusEvent),
    /// A verification, by `by` for `why`, at the time of the change.
    Verification {
        level: Level,
        by: String,
        why: String,
    },
    /// Part `part` (as `show` names parts) is a transcript or translation of part `of`.
    Link {
        part: String,
        of: String,
        kind: LinkKind,
        language: Option<String>,
        translator: Option<String>,
    },
}

/// A withdrawal of consent: by whom it was taken and how it was given, and whether the
/// record is then erased or kept in the archive only.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub how: How,
    pub recorded_by: Option<String>,
    pub erase: bool,
}

impl Vault {
    /// Applies `change` to record `id`: checked against FORMAT.md 7.4 and the body's size
    /// bound, then written with its custody event in one transaction, durable on return.
    pub fn describe(&self, id: RecordId, change: Change) -> Result<()> {
        if self.is_collector() {
            return Err(Error::CannotOpen(words!("d-collector-cannot-describe")));
        }
        let mut body = self.open_body(id)?;
        if let Change::Consent(c) = &change {
            if c.scope != Scope::Archive {
                if let Some(why) = self.consent_is_fixed(id)? {
                    return Err(Error::Invalid(why));
                }
            }
        }
        if let Change::Person { code, .. } = &change {
            let new = !body.case.names(body.meta.witness.as_deref(), code);
            if new && crate::format::case::is_pseudonym(code) {
                let code = format!("{code:?}");
                return Err(Error::Invalid(words!("d-case-pseudonym-form", code = code)));
            }
        }
        let linked = match &change {
            Change::Link { part, .. } => body.find_part(part),
            _ => None,
        };
        let consent = matches!(change, Change::Consent(_));
        let (event, codes) = apply(&mut body, change)?;
        if consent {
            self.check_organisations(&body.case)?;
        }
        body.case
            .check_dates(jiff::Zoned::now().date())
            .map_err(Error::Invalid)?;
        let mut words = crate::format::text::index_words(&codes.join(" "));
        // A transcript or translation is searched as a testimony is.
        if let Some(text) = linked.map(|i| self.part_words(id, &body, i)).transpose()? {
            words.push(' ');
            words.push_str(&text.unwrap_or_default());
        }
        self.write_described(&body, event, &words)?;
        self.store.sync()
    }

    /// Why the record's consent may only be narrowed to `archive`, if so: it arrived in a
    /// partner's bundle (its consent is the sender's to record), or the testifier withdrew
    /// it. Both are read from the record's chain of custody.
    fn consent_is_fixed(&self, id: RecordId) -> Result<Option<crate::error::Words>> {
        use crate::format::event::{Event, Kind};
        let chain = self.log().chain(id)?;
        for e in chain.iter().filter_map(|c| Event::parse(&c.event)) {
            // A partner bundle gives its records other ids than the sender's; a transfer
            // keeps them.
            if e.kind == Kind::RecordExported && e.detail("as") != e.record.as_deref() {
                return Ok(Some(words!("d-case-consent-received")));
            }
            if e.kind == Kind::ConsentWithdrawn {
                return Ok(Some(words!("d-case-consent-withdrawn")));
            }
        }
        Ok(None)
    }

    /// The search words of a part's text (its first 4 MiB, if it is UTF-8).
    fn part_words(
        &self,
        id: RecordId,
        body: &RecordBody,
        index: usize,
    ) -> Result<Option<zeroize::Zeroizing<String>>> {
        use std::io::Read;
        let max = crate::format::catalog::MAX_SEARCH_TEXT as u64;
        let mut buf = zeroize::Zeroizing::new(Vec::new());
        self.open_part(id, &body.parts[index])?
            .take(max + 1)
            .read_to_end(&mut buf)
            .map_err(|_| {
                let part = format!("{:?}", body.parts[index].name);
                Error::damaged(id, words!("d-part-not-decrypt", part = part))
            })?;
        let over = buf.len() as u64 > max;
        buf.truncate(max as usize);
        Ok(super::add::indexable_text(&buf, over))
    }

    /// The testifier withdrew consent: the record's consent becomes `archive`, logged; then,
    /// with `erase`, the record is removed as `rm` removes it. A crash between the two leaves
    /// the record kept in the archive only, and running the withdrawal again erases it.
    pub fn withdraw_consent(&self, id: RecordId, w: Withdrawal) -> Result<()> {
        if self.is_collector() {
            return Err(Error::CannotOpen(words!("d-collector-cannot-describe")));
        }
        let mut body = self.open_body(id)?;
        let today = jiff::Zoned::now().date().to_string();
        body.case.consent = Some(Consent {
            scope: Scope::Archive,
            organisations: vec![],
            how: w.how,
            given: today,
            recorded_by: w.recorded_by,
        });
        body.check_model().map_err(Error::Invalid)?;
        self.write_described(&body, Happened::ConsentWithdrawn { erased: w.erase }, "")?;
        self.store.sync()?;
        crate::storage::faults::crash_point("withdrawn-before-erasure");
        if w.erase {
            self.remove(id)?;
        }
        Ok(())
    }

    /// The writes that replace a record's body and catalog entry and add `words` to its
    /// search words: what every change to a stored record commits, with its events. A body
    /// sealed larger than `add` makes is refused, as `too_large` (of its KiB) words it.
    pub(crate) fn rewrite_ops(
        &self,
        body: &RecordBody,
        words: &str,
        too_large: impl Fn(usize) -> crate::error::Words,
    ) -> Result<Ops> {
        let id = body.id;
        let record = seal::seal_bytes(&self.content, &body.encode())?;
        if record.len() > super::add::MADE_BODY_MAX {
            return Err(Error::Invalid(too_large(record.len().div_ceil(1024))));
        }
        let entry = self.catalog_entry(body, record.len());
        let loc = self.store.loc(&id);
        let mut ops = Ops::new();
        if !words.trim().is_empty() {
            self.index_extend(&id, words.trim(), &mut ops)?;
        }
        ops.insert(TreeId::Records, loc, record);
        let key = &self.keyring.catalog_key;
        let sealed = key.seal(
            crate::crypto::symmetric::Domain::Catalog,
            &id.0,
            &entry.encode(),
        );
        ops.insert(TreeId::Catalog, loc, sealed);
        Ok(ops)
    }

    /// The transaction of a change: body, catalog entry, new search words, event.
    fn write_described(&self, body: &RecordBody, event: Happened, words: &str) -> Result<()> {
        let id = body.id;
        let max = super::add::MADE_BODY_MAX / 1024;
        let mut ops = self.rewrite_ops(body, words, |kib| {
            words!("d-add-description-too-large", kib = kib, max = max)
        })?;
        let mut log = self.log();
        log.append(event, Some(id), None)?;
        log.seal()?.add_to(&mut ops);
        crate::storage::faults::crash_point("before-described-commit");
        self.apply(&ops)?;
        log.committed();
        Ok(())
    }
}

impl Vault {
    /// Consent to share names contacts of this vault, exactly as they are named (FORMAT.md
    /// 7.4). A collector, which holds no contacts of its organisation's partners, is not
    /// checked: headquarters enforces what it recorded.
    pub(crate) fn check_organisations(&self, case: &crate::format::case::Case) -> Result<()> {
        let Some(c) = case.consent.as_ref().filter(|_| !self.is_collector()) else {
            return Ok(());
        };
        if c.organisations.is_empty() {
            return Ok(());
        }
        let contacts = self.contacts()?;
        for o in &c.organisations {
            if !contacts.iter().any(|k| k.name == *o) {
                let name = format!("{o:?}");
                return Err(Error::Invalid(words!("d-case-no-contact", name = name)));
            }
        }
        Ok(())
    }
}

/// Applies a change to a body: the event that logs it, and codes new to the search words.
fn apply(body: &mut RecordBody, change: Change) -> Result<(Happened, Vec<String>)> {
    let described = |what: &str| Happened::RecordDescribed {
        what: what.to_owned(),
    };
    let mut codes = Vec::new();
    let event = match change {
        Change::Person { code, roles } => {
            crate::format::case::check_code(&code).map_err(Error::Invalid)?;
            match body.case.persons.iter_mut().find(|p| p.code == code) {
                Some(p) => {
                    for r in roles {
                        if !p.roles.contains(&r) {
                            p.roles.push(r);
                        }
                    }
                }
                None => {
                    codes.push(code.clone());
                    body.case.persons.push(Person { code, roles });
                }
            }
            described("persons")
        }
        Change::Relation(r) => {
            body.case.relations.push(r);
            described("relations")
        }
        Change::Consent(c) => {
            body.case.consent = Some(c);
            described("consent")
        }
        Change::Status(s) => {
            body.case.statuses.push(s);
            described("statuses")
        }
        Change::Verification { level, by, why } => {
            body.case.verification.push(Verification {
                level,
                by,
                at: jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                    .expect("now is a time")
                    .to_string(),
                why,
            });
            Happened::VerificationSet {
                level: level.as_str().to_owned(),
            }
        }
        Change::Link {
            part,
            of,
            kind,
            language,
            translator,
        } => {
            let find = |which: &str| {
                body.find_part(which).ok_or_else(|| {
                    Error::Invalid(words!("d-case-no-part", part = format!("{which:?}")))
                })
            };
            let (part, of) = (find(&part)? as u32, find(&of)? as u32);
            body.links.retain(|l| l.part != part);
            body.links.push(PartLink {
                part,
                of,
                kind,
                language,
                translator,
            });
            described("links")
        }
    };
    body.check_model().map_err(Error::Invalid)?;
    Ok((event, codes))
}

/// A status event as a record's timeline shows it: with the record it was told in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dated {
    #[serde(flatten)]
    pub event: StatusEvent,
    /// The record whose testimony gives it (its source).
    pub source: String,
}

impl Vault {
    /// Every status event of the persons named `codes`, from every record of the vault, in
    /// the order of their dates (a date of a year only comes before that year's months).
    pub fn timeline(&self, codes: &[String]) -> Result<Vec<Dated>> {
        if codes.is_empty() {
            return Ok(vec![]);
        }
        let mut out = Vec::new();
        for l in self.list(&super::Filter::default())?.items {
            let Some(case) = &l.entry.case else { continue };
            for s in &case.statuses {
                if codes.contains(&s.person) {
                    out.push((
                        l.entry.created,
                        Dated {
                            event: s.clone(),
                            source: l.id.to_hex(),
                        },
                    ));
                }
            }
        }
        out.sort_by(|a, b| (&a.1.event.date, a.0).cmp(&(&b.1.event.date, b.0)));
        Ok(out.into_iter().map(|(_, d)| d).collect())
    }

    /// Each person's latest status: the status event with the latest date among every
    /// record's (of one date, the one in the record added last).
    pub(crate) fn latest_statuses(
        &self,
    ) -> Result<std::collections::HashMap<String, crate::format::case::Status>> {
        let mut latest: std::collections::HashMap<
            String,
            (String, i64, crate::format::case::Status),
        > = std::collections::HashMap::new();
        for l in self.list(&super::Filter::default())?.items {
            let Some(case) = &l.entry.case else { continue };
            for s in &case.statuses {
                let key = (s.date.clone(), l.entry.created);
                let newer = latest
                    .get(&s.person)
                    .is_none_or(|(d, c, _)| (d.clone(), *c) <= key);
                if newer {
                    latest.insert(s.person.clone(), (key.0, key.1, s.status));
                }
            }
        }
        Ok(latest.into_iter().map(|(c, (_, _, s))| (c, s)).collect())
    }
}
