//! Describing records as testimony work needs it (FORMAT.md 7.4): `amanat case …` and
//! `amanat consent …`, the same on `add`, and how `show` prints it.
use amanat::format::case::{
    self, Case, Consent, How, Kin, Level, LinkKind, Person, Relation, Role, Scope, Status,
    StatusEvent, Unread,
};
use amanat::tr;
use amanat::vault::case::{Change, Withdrawal};
use amanat::vault::RecordView;
use amanat::{Error, Vault};
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use super::errors::invalid;
use super::safe::Safe;

fn words_of<T: Copy>(all: &[T], s: fn(T) -> &'static str) -> PossibleValuesParser {
    PossibleValuesParser::new(all.iter().map(|&k| s(k)).collect::<Vec<_>>())
}

/// Persons, relations, status events and consent given when a record is added.
#[derive(Args)]
pub struct CaseFlags {
    /// A person the record names, as CODE:ROLE[,ROLE] (roles: testifier, victim, relative,
    /// witness), e.g. V-7:victim; repeatable. The --witness code is the testifier
    #[arg(long = "person", value_name = "CODE:ROLES")]
    persons: Vec<String>,
    /// How two persons the record names are related, as PERSON:KIN:OF, e.g. W-1:sibling:V-7
    /// (W-1 is V-7's sibling; kin: parent, child, sibling, spouse, relative, other);
    /// repeatable
    #[arg(long = "relation", value_name = "PERSON:KIN:OF")]
    relations: Vec<String>,
    /// A dated status event of a person the record names, as CODE:STATUS:DATE, e.g.
    /// V-7:detained:2018-04 (detained, sentenced, released, disappeared, died,
    /// left-country; YYYY, YYYY-MM or YYYY-MM-DD); repeatable
    #[arg(long = "status", value_name = "CODE:STATUS:DATE")]
    statuses: Vec<String>,
    /// The testifier's consent: archive (kept here, sent to no one), share (with the
    /// --share-with contacts only), publish-anonymised or publish. `export` refuses a record
    /// whose consent does not cover the contact
    #[arg(long = "consent", value_name = "SCOPE", requires = "consent_how",
          value_parser = words_of(Scope::ALL, Scope::as_str))]
    consent: Option<String>,
    /// With --consent share: a contact, as `contact add` named it, the testimony may be
    /// sent to (repeatable)
    #[arg(long = "share-with", value_name = "CONTACT", requires = "consent")]
    share_with: Vec<String>,
    /// How consent was given: oral (recorded), written, or guardian (through a guardian)
    #[arg(long = "consent-how", value_name = "HOW", requires = "consent",
          value_parser = words_of(How::ALL, How::as_str))]
    consent_how: Option<String>,
    /// When consent was given, YYYY-MM-DD [default: today]
    #[arg(long = "consent-date", value_name = "YYYY-MM-DD", requires = "consent")]
    consent_date: Option<String>,
    /// Code of who recorded the consent
    #[arg(long = "consent-by", value_name = "CODE", requires = "consent")]
    consent_by: Option<String>,
}

impl CaseFlags {
    /// The case these flags describe, checked as `add` will store it.
    pub fn case(self) -> amanat::Result<Case> {
        let mut c = Case::default();
        for p in &self.persons {
            c.persons.push(Person::parse_compact(p).map_err(unread(
                p,
                "--person",
                "CODE:ROLES",
            ))?);
        }
        for r in &self.relations {
            let shape = "PERSON:KIN:OF";
            c.relations
                .push(Relation::parse_compact(r).map_err(unread(r, "--relation", shape))?);
        }
        for s in &self.statuses {
            let shape = "CODE:STATUS:DATE";
            c.statuses
                .push(StatusEvent::parse_compact(s).map_err(unread(s, "--status", shape))?);
        }
        if let Some(scope) = &self.consent {
            c.consent = Some(consent(
                scope,
                self.share_with,
                self.consent_how.as_deref().unwrap_or("oral"),
                self.consent_date,
                self.consent_by,
            )?);
        }
        Ok(c)
    }
}

/// The error of a compact form `s` given with `flag` that does not read as `shape`.
fn unread<'a>(s: &'a str, flag: &'a str, shape: &'a str) -> impl Fn(Unread) -> Error + 'a {
    move |u| match u {
        Unread::Shape => shape_error(s, flag, shape),
        Unread::Word { value, words } => invalid(tr!(
            "cli-case-word",
            value = format!("{value:?}"),
            words = words
        )),
    }
}

fn shape_error(s: &str, flag: &str, shape: &str) -> Error {
    invalid(tr!(
        "cli-case-shape",
        value = format!("{s:?}"),
        flag = flag,
        shape = shape
    ))
}

/// A keyword of the model (a role, a kin, a status), or an error naming the ones there are.
fn word<T>(s: &str, parse: fn(&str) -> Option<T>, all: fn() -> String) -> amanat::Result<T> {
    parse(s).ok_or_else(|| {
        invalid(tr!(
            "cli-case-word",
            value = format!("{s:?}"),
            words = all()
        ))
    })
}

/// Consent as the command line gives it.
fn consent(
    scope: &str,
    share_with: Vec<String>,
    how: &str,
    date: Option<String>,
    by: Option<String>,
) -> amanat::Result<Consent> {
    let scope = word(scope, Scope::parse, Scope::spellings)?;
    if (scope == Scope::Share) == share_with.is_empty() {
        return Err(invalid(tr!("cli-consent-share-with")));
    }
    let given = date.unwrap_or_else(|| jiff::Zoned::now().date().to_string());
    amanat::format::record::parse_date(&given)?;
    Ok(Consent {
        scope,
        organisations: share_with,
        how: word(how, How::parse, How::spellings)?,
        given,
        recorded_by: by,
    })
}

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Name a person in a record by code, in one or more roles (added to the roles the
    /// person already has there); search and `list --person` then find the record by it
    Person {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// The person's pseudonymous code (never a name)
        code: String,
        /// testifier, victim, relative or witness (repeatable)
        #[arg(long = "role", required = true, value_name = "ROLE",
              value_parser = words_of(Role::ALL, Role::as_str))]
        roles: Vec<String>,
    },
    /// Say how two persons a record names are related: PERSON is the KIN of OF
    Relation {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// Code of a person the record names
        person: String,
        /// parent, child, sibling, spouse, relative or other
        #[arg(value_parser = words_of(Kin::ALL, Kin::as_str))]
        kin: String,
        /// Code of another person the record names
        of: String,
    },
    /// Add a dated status event of a person the record names (`show` prints the person's
    /// timeline from every record; `list --status` filters by the latest)
    Status {
        /// Record id (or an unambiguous prefix): the testimony that tells of the event
        id: String,
        /// Code of a person the record names
        person: String,
        /// detained, sentenced, released, disappeared, died or left-country
        #[arg(value_parser = words_of(Status::ALL, Status::as_str))]
        status: String,
        /// When: YYYY, YYYY-MM or YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Where (a camp, a prison, a town)
        #[arg(long)]
        place: Option<String>,
    },
    /// Set a record's verification level, with who and why; logged in its chain of custody
    /// and carried by exports
    Verify {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// unverified, corroborated or verified
        #[arg(value_parser = words_of(Level::ALL, Level::as_str))]
        level: String,
        /// Code of who verified it
        #[arg(long, value_name = "CODE")]
        by: String,
        /// Why: the sources that corroborate it, or what was checked
        #[arg(long, value_name = "TEXT")]
        why: String,
    },
    /// Declare a part a transcript or translation of another part of the same record
    /// (`show` groups them)
    Link {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// The transcript or translation: its name, its index or "testimony", as `show` lists
        part: String,
        /// The part it transcribes
        #[arg(
            long,
            value_name = "PART",
            conflicts_with = "translation_of",
            required_unless_present = "translation_of"
        )]
        transcript_of: Option<String>,
        /// The part it translates (needs --language)
        #[arg(long, value_name = "PART", requires = "language")]
        translation_of: Option<String>,
        /// Its language
        #[arg(long)]
        language: Option<String>,
        /// Code of who made it
        #[arg(long, value_name = "CODE")]
        translator: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Record the testifier's consent for a record, replacing what was recorded (logged)
    Set {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// archive (kept here, sent to no one), share (with the --share-with contacts only),
        /// publish-anonymised or publish
        #[arg(value_parser = words_of(Scope::ALL, Scope::as_str))]
        scope: String,
        /// With share: a contact, as `contact add` named it (repeatable)
        #[arg(long = "share-with", value_name = "CONTACT")]
        share_with: Vec<String>,
        /// oral (recorded), written, or guardian (through a guardian)
        #[arg(long, value_name = "HOW", value_parser = words_of(How::ALL, How::as_str))]
        how: String,
        /// When it was given, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Code of who recorded it
        #[arg(long, value_name = "CODE")]
        by: Option<String>,
    },
    /// The testifier withdrew consent: the record is erased as `rm` erases it, or with
    /// --restrict kept in the archive only (never exported without --override-consent);
    /// logged either way
    Withdraw {
        /// Record id (or an unambiguous prefix)
        id: String,
        /// Keep the record in this archive instead of erasing it
        #[arg(long)]
        restrict: bool,
        /// How the withdrawal was given
        #[arg(long, value_name = "HOW", default_value = "oral",
              value_parser = words_of(How::ALL, How::as_str))]
        how: String,
        /// Code of who recorded the withdrawal
        #[arg(long, value_name = "CODE")]
        by: Option<String>,
    },
}

pub fn case(v: &Vault, c: CaseCommand) -> anyhow::Result<u8> {
    let (id, change, what) = match c {
        CaseCommand::Person { id, code, roles } => {
            let roles = roles
                .iter()
                .map(|r| word(r, Role::parse, Role::spellings))
                .collect::<amanat::Result<Vec<_>>>()?;
            (id, Change::Person { code, roles }, "persons")
        }
        CaseCommand::Relation {
            id,
            person,
            kin,
            of,
        } => {
            let kin = word(&kin, Kin::parse, Kin::spellings)?;
            (
                id,
                Change::Relation(Relation { person, kin, of }),
                "relations",
            )
        }
        CaseCommand::Status {
            id,
            person,
            status,
            date,
            place,
        } => {
            let status = word(&status, Status::parse, Status::spellings)?;
            let event = StatusEvent {
                person,
                status,
                date,
                place,
            };
            (id, Change::Status(event), "statuses")
        }
        CaseCommand::Verify { id, level, by, why } => {
            case::check_code(&by).map_err(Error::Invalid)?;
            let level = word(&level, Level::parse, Level::spellings)?;
            (id, Change::Verification { level, by, why }, "verification")
        }
        CaseCommand::Link {
            id,
            part,
            transcript_of,
            translation_of,
            language,
            translator,
        } => {
            let (kind, of) = match (transcript_of, translation_of) {
                (Some(of), _) => (LinkKind::Transcript, of),
                (None, Some(of)) => (LinkKind::Translation, of),
                (None, None) => unreachable!("clap requires one"),
            };
            let change = Change::Link {
                part,
                of,
                kind,
                language,
                translator,
            };
            (id, change, "links")
        }
    };
    let id = v.resolve(&id)?;
    v.describe(id, change)?;
    eprintln!(
        "{}",
        tr!("cli-case-updated", id = id.short(), what = said(what))
    );
    Ok(0)
}

pub fn consent_command(v: &Vault, c: ConsentCommand) -> anyhow::Result<u8> {
    match c {
        ConsentCommand::Set {
            id,
            scope,
            share_with,
            how,
            date,
            by,
        } => {
            let consent = consent(&scope, share_with, &how, date, by)?;
            let id = v.resolve(&id)?;
            v.describe(id, Change::Consent(consent))?;
            eprintln!(
                "{}",
                tr!("cli-case-updated", id = id.short(), what = said("consent"))
            );
        }
        ConsentCommand::Withdraw {
            id,
            restrict,
            how,
            by,
        } => {
            let id = v.resolve(&id)?;
            let w = Withdrawal {
                how: word(&how, How::parse, How::spellings)?,
                recorded_by: by,
                erase: !restrict,
            };
            let witness = v.show(id)?.meta.witness.clone();
            v.withdraw_consent(id, w)?;
            let line = match restrict {
                true => tr!("cli-consent-restricted", id = id.short()),
                false => tr!("cli-consent-erased", id = id.short()),
            };
            eprintln!("{line}");
            // A withdrawal is of one record: the testifier's others keep their consent.
            if let Some(w) = witness {
                let filter = amanat::vault::Filter {
                    witness: Some(w.clone()),
                    ..Default::default()
                };
                let others = v.list(&filter)?.items.len() as u64;
                if others > 0 {
                    let witness = Safe(&w).to_string();
                    eprintln!(
                        "amanat: {}",
                        tr!("cli-consent-others", count = others, witness = witness)
                    );
                }
            }
        }
    }
    Ok(0)
}

/// A keyword of the model in the user's language.
pub(super) fn said(w: &str) -> String {
    tr!("case-word", word = w)
}

/// The lines `show` prints of a record's case (nothing for a record without one).
pub fn show_lines(r: &RecordView) -> String {
    let c = &r.case;
    let mut s = String::new();
    let mut field = |k: &str, val: String| {
        let label = tr!("cli-show-field", field = k);
        s.push_str(&format!("{:<12} {}\n", format!("{label}:"), val));
    };
    if !c.persons.is_empty() {
        let persons = c
            .persons
            .iter()
            .map(|p| {
                let roles: Vec<String> = p.roles.iter().map(|r| said(r.as_str())).collect();
                format!("{} ({})", Safe(&p.code), roles.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        field("persons", persons);
    }
    for rel in &c.relations {
        let line = tr!(
            "case-relation",
            person = Safe(&rel.person).to_string(),
            kin = said(rel.kin.as_str()),
            of = Safe(&rel.of).to_string()
        );
        field("relation", line);
    }
    if let Some(k) = &c.consent {
        let mut line = said(k.scope.as_str());
        if !k.organisations.is_empty() {
            let with: Vec<String> = k
                .organisations
                .iter()
                .map(|o| Safe(o).to_string())
                .collect();
            line += &format!(" ({})", tr!("case-with", with = with.join(", ")));
        }
        line += &format!(", {}, {}", said(k.how.as_str()), k.given);
        if let Some(b) = &k.recorded_by {
            line += &format!(", {}", tr!("case-by", by = Safe(b).to_string()));
        }
        field("consent", line);
    }
    for ver in &c.verification {
        let line = format!(
            "{}, {}, {}: {}",
            said(ver.level.as_str()),
            tr!("case-by", by = Safe(&ver.by).to_string()),
            ver.at,
            Safe(&ver.why)
        );
        field("verification", line);
    }
    if !r.timeline.is_empty() {
        s.push_str(&format!("{}:\n", tr!("cli-show-field", field = "timeline")));
        for d in &r.timeline {
            let e = &d.event;
            let mut line = format!(
                "{:<10} {}: {}",
                e.date,
                Safe(&e.person),
                said(e.status.as_str())
            );
            if let Some(p) = &e.place {
                line += &format!(", {}", Safe(p));
            }
            line += &format!("  ({})", tr!("case-source", id = d.source[..8].to_owned()));
            s.push_str(&format!("  {line}\n"));
        }
    }
    s
}

/// The line under a part that is a transcript or translation of another.
pub fn link_line(l: &case::PartLink) -> String {
    let mut line = tr!(
        "case-link",
        kind = said(l.kind.as_str()),
        of = u64::from(l.of)
    );
    if let Some(x) = &l.language {
        line += &format!(", {}", Safe(x));
    }
    if let Some(x) = &l.translator {
        line += &format!(", {}", tr!("case-by", by = Safe(x).to_string()));
    }
    line
}

/// One line of what a bundle says of a record's case: its persons, consent and level.
pub fn summary(c: &Case) -> String {
    let label = |k: &str| tr!("cli-show-field", field = k);
    let mut out = Vec::new();
    if !c.persons.is_empty() {
        let codes: Vec<String> = c
            .persons
            .iter()
            .map(|p| Safe(&p.code).to_string())
            .collect();
        out.push(format!("{}: {}", label("persons"), codes.join(", ")));
    }
    if let Some(k) = &c.consent {
        out.push(format!("{}: {}", label("consent"), said(k.scope.as_str())));
    }
    out.push(format!(
        "{}: {}",
        label("verification"),
        said(c.level().as_str())
    ));
    out.join("; ")
}

/// The parts in the order `show` lists them, each with its depth: a part that is not a
/// transcript or translation at depth 0, in its order, each followed by those made from it
/// (and those made from them), one level deeper.
pub fn grouped(parts: &[amanat::vault::PartView]) -> Vec<(usize, &amanat::vault::PartView)> {
    fn under<'a>(
        parts: &'a [amanat::vault::PartView],
        of: usize,
        depth: usize,
        out: &mut Vec<(usize, &'a amanat::vault::PartView)>,
    ) {
        for p in parts
            .iter()
            .filter(|p| p.of.as_ref().is_some_and(|l| l.of as usize == of))
        {
            out.push((depth, p));
            // Links never go round (FORMAT.md 7.4), and a part has at most one.
            under(parts, p.index, depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(parts.len());
    for p in parts.iter().filter(|p| p.of.is_none()) {
        out.push((0, p));
        under(parts, p.index, 1, &mut out);
    }
    out
}
