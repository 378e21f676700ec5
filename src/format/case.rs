//! The testimony model of a record (FORMAT.md 7.4): the persons it names and their roles,
//! how they are related, the testifier's consent, dated status events, the verification
//! history, and which parts are transcripts or translations of which.
//!
//! Everything here is sealed with the record body and repeated in its catalog entry (so
//! `list` filters without opening bodies). Persons are named by pseudonymous codes only:
//! who a code stands for stays in identity parts, sealed to the custodians.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::Words;
use crate::words;

mod compact;
pub use compact::Unread;

/// An enum whose values are words: spelled as they are in JSON, the command line and
/// FORMAT.md, encoded by postcard as their index (so the order is the format's).
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Zeroize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v),+ }
        impl $name {
            /// Every value, in the format's order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The value as it is spelled.
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            /// The value `s` spells.
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }
            /// Every spelling, for help texts and errors.
            pub fn spellings() -> String {
                Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// A person's role in a record.
    Role {
        /// Gave this testimony.
        Testifier = "testifier",
        /// What the testimony is about happened to them.
        Victim = "victim",
        /// A relative of a victim.
        Relative = "relative",
        /// Saw or heard what happened (other than the testifier).
        Witness = "witness",
    }
);

word_enum!(
    /// How one person is related to another: `person` is the `kin` of `of`.
    Kin {
        Parent = "parent",
        Child = "child",
        Sibling = "sibling",
        Spouse = "spouse",
        Relative = "relative",
        Other = "other",
    }
);

word_enum!(
    /// What the testifier agreed the testimony may be used for.
    Scope {
        /// Kept in this archive; sent to no one.
        Archive = "archive",
        /// Shared with the named organisations (contacts) only.
        Share = "share",
        /// Published without anything that identifies a person.
        PublishAnonymised = "publish-anonymised",
        /// Published.
        Publish = "publish",
    }
);

word_enum!(
    /// How consent was given.
    How {
        Oral = "oral",
        Written = "written",
        Guardian = "guardian",
    }
);

word_enum!(
    /// What happened to a person, as a dated status event says.
    Status {
        Detained = "detained",
        Sentenced = "sentenced",
        Released = "released",
        Disappeared = "disappeared",
        Died = "died",
        LeftCountry = "left-country",
    }
);

word_enum!(
    /// How far a record's account has been checked.
    Level {
        Unverified = "unverified",
        Corroborated = "corroborated",
        Verified = "verified",
    }
);

word_enum!(
    /// What a part is of another part.
    LinkKind {
        Transcript = "transcript",
        Translation = "translation",
    }
);

/// A person a record names, by code, in one or more roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub code: String,
    #[zeroize(skip)]
    pub roles: Vec<Role>,
}

/// `person` is the `kin` of `of` ("the testifier is the victim's sibling").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub person: String,
    #[zeroize(skip)]
    pub kin: Kin,
    pub of: String,
}

/// The testifier's consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    #[zeroize(skip)]
    pub scope: Scope,
    /// With `share`: the contacts (as this vault names them) it may be sent to. Empty in a
    /// record that arrived in a bundle: consent to share with the sender's partner does not
    /// cover sending it on.
    pub organisations: Vec<String>,
    #[zeroize(skip)]
    pub how: How,
    /// When, `YYYY-MM-DD`.
    pub given: String,
    /// Code of who recorded it.
    pub recorded_by: Option<String>,
}

impl Consent {
    /// Whether this consent lets the record go to the contact named `contact`: with `share`,
    /// only to a contact named exactly as consent names it (a vault refuses a contact whose
    /// name reads as another's, and consent naming one that is not a contact).
    pub fn covers(&self, contact: &str) -> bool {
        match self.scope {
            Scope::Archive => false,
            Scope::Share => self.organisations.iter().any(|o| o == contact),
            Scope::PublishAnonymised | Scope::Publish => true,
        }
    }
}

/// A dated status event of a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct StatusEvent {
    pub person: String,
    #[zeroize(skip)]
    pub status: Status,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    pub place: Option<String>,
}

/// One verification of a record: its level, by whom, when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    #[zeroize(skip)]
    pub level: Level,
    /// Code of who verified it.
    pub by: String,
    /// RFC 3339, UTC, whole seconds.
    pub at: String,
    pub why: String,
}

/// The testimony model of a record; empty for a record that has none. In JSON (ingest
/// lines, bundles) a field left out is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[serde(default)]
    pub persons: Vec<Person>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub statuses: Vec<StatusEvent>,
    /// Oldest first; the last is the record's level.
    #[serde(default)]
    pub verification: Vec<Verification>,
}

/// A part that is a transcript or translation of another part of the same record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct PartLink {
    /// Index of the transcript or translation.
    pub part: u32,
    /// Index of the part it is made from.
    pub of: u32,
    #[zeroize(skip)]
    pub kind: LinkKind,
    /// Its language (required for a translation).
    pub language: Option<String>,
    /// Code of who made it.
    pub translator: Option<String>,
}

/// How the name of a person's identity part begins; the testifier's is named `identity`.
pub const IDENTITY_OF: &str = "identity-";

/// The name of the identity part of `person` (a code the case names), or of the
/// testifier's with `None`.
pub fn identity_part_name(person: Option<&str>) -> String {
    match person {
        Some(code) => format!("{IDENTITY_OF}{code}"),
        None => "identity".to_owned(),
    }
}

/// Most persons, relations, status events, verifications and organisations a record holds.
pub const MAX_PERSONS: usize = 64;
pub const MAX_RELATIONS: usize = 64;
pub const MAX_STATUSES: usize = 256;
pub const MAX_VERIFICATIONS: usize = 64;
pub const MAX_ORGANISATIONS: usize = 32;
/// Most bytes of text the case of a record holds in all.
pub const MAX_CASE_TEXT: usize = 16 * 1024;

/// A person code: 1 to 64 bytes of letters, digits, `-`, `_` and `.` (any script).
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether a code has the form of a partner's pseudonym (`P-` and 10 Crockford base32
/// characters, FORMAT.md 13.4): the only codes a bundle's case may hold, and none a user may
/// give a new person here, so that a sender can never name a person of the receiver's own.
pub fn is_pseudonym(code: &str) -> bool {
    code.len() == 12
        && code.starts_with("P-")
        && code[2..]
            .bytes()
            .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
}

/// Checks a code a user typed, naming it when it is not one.
pub fn check_code(code: &str) -> Result<(), Words> {
    if valid_code(code) {
        Ok(())
    } else {
        Err(words!("d-case-code", code = format!("{code:?}")))
    }
}

/// A date of a status event: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each a real one.
pub fn valid_partial_date(d: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match d.len() {
        4 => digits(d, 4),
        7 => {
            digits(&d[..4], 4)
                && &d[4..5] == "-"
                && digits(&d[5..], 2)
                && (1..=12).contains(&d[5..].parse::<u8>().unwrap_or(0))
        }
        10 => d.parse::<jiff::civil::Date>().is_ok(),
        _ => false,
    }
}

/// A line of free text in the case: no control characters, at most `max` bytes.
fn text_ok(s: &str, max: usize) -> bool {
    s.len() <= max && !s.chars().any(char::is_control)
}

impl Case {
    /// Whether the record has nothing of the model.
    pub fn is_empty(&self) -> bool {
        *self == Case::default()
    }

    /// Every code the record names: the witness (the testifier) and every person.
    pub fn codes<'a>(&'a self, witness: Option<&'a str>) -> impl Iterator<Item = &'a str> {
        witness
            .into_iter()
            .chain(self.persons.iter().map(|p| p.code.as_str()))
    }

    /// Whether the record names `code` (as its witness or as a person).
    pub fn names(&self, witness: Option<&str>, code: &str) -> bool {
        self.codes(witness).any(|c| c == code)
    }

    /// The record's level: its last verification's, else unverified.
    pub fn level(&self) -> Level {
        self.verification
            .last()
            .map_or(Level::Unverified, |v| v.level)
    }

    /// Checks the rules of FORMAT.md 7.4 against the record's witness code.
    // This function is long because it is the list of FORMAT.md 7.4's rules, each a few lines.
    pub fn check(&self, witness: Option<&str>) -> Result<(), Words> {
        if self.persons.len() > MAX_PERSONS
            || self.relations.len() > MAX_RELATIONS
            || self.statuses.len() > MAX_STATUSES
            || self.verification.len() > MAX_VERIFICATIONS
        {
            return Err(words!("d-case-too-many"));
        }
        let mut seen = std::collections::HashSet::new();
        for p in &self.persons {
            check_code(&p.code)?;
            if !seen.insert(p.code.as_str()) {
                return Err(words!("d-case-person-twice"));
            }
            let roles: std::collections::HashSet<_> = p.roles.iter().collect();
            if p.roles.is_empty() || roles.len() != p.roles.len() {
                return Err(words!("d-case-roles"));
            }
        }
        let named = |c: &str| self.names(witness, c);
        for (i, r) in self.relations.iter().enumerate() {
            if !named(&r.person) || !named(&r.of) || r.person == r.of {
                return Err(words!("d-case-relation"));
            }
            if self.relations[..i].contains(r) {
                return Err(words!("d-case-relation-twice"));
            }
        }
        if let Some(c) = &self.consent {
            if c.organisations.len() > MAX_ORGANISATIONS
                || (c.scope != Scope::Share && !c.organisations.is_empty())
                || c.organisations
                    .iter()
                    .any(|o| o.trim().is_empty() || !text_ok(o, 128))
                || c.given.len() != 10
                || !valid_partial_date(&c.given)
                || c.recorded_by.as_deref().is_some_and(|b| !valid_code(b))
            {
                return Err(words!("d-case-consent"));
            }
        }
        for s in &self.statuses {
            if !named(&s.person)
                || !valid_partial_date(&s.date)
                || s.place
                    .as_deref()
                    .is_some_and(|p| p.trim().is_empty() || !text_ok(p, 256))
            {
                return Err(words!("d-case-status"));
            }
        }
        for v in &self.verification {
            if !valid_code(&v.by)
                || v.at.parse::<jiff::Timestamp>().is_err()
                || v.why.trim().is_empty()
                || !text_ok(&v.why, 2048)
            {
                return Err(words!("d-case-verification"));
            }
        }
        if self.text_len() > MAX_CASE_TEXT {
            return Err(words!("d-case-too-long"));
        }
        Ok(())
    }

    /// No code the record names (its witness's or a person's) has the form of a partner's
    /// pseudonym, which only a bundle gives (FORMAT.md 7.4).
    pub fn check_not_pseudonyms(&self, witness: Option<&str>) -> Result<(), Words> {
        match self.codes(witness).find(|c| is_pseudonym(c)) {
            Some(c) => Err(words!("d-case-pseudonym-form", code = format!("{c:?}"))),
            None => Ok(()),
        }
    }

    /// Whether a part named `name` would read as an identity part of this case (FORMAT.md
    /// 7.1): `identity`, or `identity-` and a person's code. No other part may be named so,
    /// or it would stand in for the identity where parts are fetched by name (a scan named
    /// `identity-card.jpg` is fine).
    pub fn reserves(&self, name: &str) -> bool {
        name == "identity"
            || name
                .strip_prefix(IDENTITY_OF)
                .is_some_and(|c| self.persons.iter().any(|p| p.code == c))
    }

    /// The persons given an identity part each (`codes`) are persons of the case other
    /// than its witness, each once (FORMAT.md 7.1).
    pub fn check_identities<'a>(
        &self,
        witness: Option<&str>,
        codes: impl Iterator<Item = &'a str>,
    ) -> Result<(), Words> {
        let mut seen = std::collections::HashSet::new();
        for code in codes {
            let named = self.persons.iter().any(|p| p.code == code) && witness != Some(code);
            if !named || !seen.insert(code) {
                let code = format!("{code:?}");
                return Err(words!("d-add-identity-of", code = code));
            }
        }
        Ok(())
    }

    /// No date of the case is after `today` (a status event or consent from the future is
    /// a mistake, or a sender's attempt to be every person's latest news): checked where a
    /// case comes in, not when it is read, so that a clock set wrong damages nothing.
    pub fn check_dates(&self, today: jiff::civil::Date) -> Result<(), Words> {
        let today = today.to_string();
        let after = |d: &str| d.len() >= 4 && d > today.as_str() && !today.starts_with(d);
        if self.statuses.iter().any(|s| after(&s.date))
            || self.consent.as_ref().is_some_and(|c| after(&c.given))
        {
            return Err(words!("d-case-future"));
        }
        Ok(())
    }

    /// Bytes of text the case holds.
    fn text_len(&self) -> usize {
        let persons: usize = self.persons.iter().map(|p| p.code.len()).sum();
        let relations: usize = self
            .relations
            .iter()
            .map(|r| r.person.len() + r.of.len())
            .sum();
        let consent = self.consent.as_ref().map_or(0, |c| {
            c.organisations.iter().map(String::len).sum::<usize>()
                + c.given.len()
                + c.recorded_by.as_ref().map_or(0, String::len)
        });
        let statuses: usize = self
            .statuses
            .iter()
            .map(|s| s.person.len() + s.date.len() + s.place.as_ref().map_or(0, String::len))
            .sum();
        let verification: usize = self
            .verification
            .iter()
            .map(|v| v.by.len() + v.at.len() + v.why.len())
            .sum();
        persons + relations + consent + statuses + verification
    }
}

impl PartLink {
    /// Checks the record's links against its parts (FORMAT.md 7.4): `linkable[i]` says
    /// whether part `i` is a testimony or an attachment. Both parts of a link exist, are
    /// linkable and differ; a part is linked at most once; links do not go round; a
    /// translation names its language.
    pub fn check_all(links: &[PartLink], linkable: &[bool]) -> Result<(), Words> {
        let bad = || Err(words!("d-case-link"));
        let linkable = |i: u32| linkable.get(i as usize).copied().unwrap_or(false);
        for (i, l) in links.iter().enumerate() {
            if !linkable(l.part)
                || !linkable(l.of)
                || l.part == l.of
                || links[..i].iter().any(|o| o.part == l.part)
                || (l.kind == LinkKind::Translation && l.language.is_none())
                || l.language
                    .as_deref()
                    .is_some_and(|s| s.trim().is_empty() || !text_ok(s, 64))
                || l.translator.as_deref().is_some_and(|c| !valid_code(c))
            {
                return bad();
            }
        }
        for l in links {
            let mut at = l.of;
            for _ in 0..=links.len() {
                match links.iter().find(|o| o.part == at) {
                    Some(o) if o.of == l.part => return bad(),
                    Some(o) => at = o.of,
                    None => break,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(code: &str, roles: &[Role]) -> Person {
        Person {
            code: code.into(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn a_case_names_only_its_persons() {
        let mut c = Case::default();
        c.persons.push(person("V-1", &[Role::Victim]));
        c.relations.push(Relation {
            person: "W-1".into(),
            kin: Kin::Sibling,
            of: "V-1".into(),
        });
        assert!(c.check(Some("W-1")).is_ok());
        assert!(c.check(None).is_err(), "W-1 is not named");
        c.statuses.push(StatusEvent {
            person: "V-1".into(),
            status: Status::Detained,
            date: "2018-04".into(),
            place: None,
        });
        assert!(c.check(Some("W-1")).is_ok());
        c.statuses[0].date = "2018-13".into();
        assert!(c.check(Some("W-1")).is_err());
        c.statuses[0].date = "2018".into();
        c.persons.push(person("V-1", &[Role::Relative]));
        assert!(c.check(Some("W-1")).is_err(), "twice");
    }

    #[test]
    fn consent_covers_what_its_scope_says() {
        let mut c = Consent {
            scope: Scope::Share,
            organisations: vec!["Atajurt".into()],
            how: How::Oral,
            given: "2024-01-02".into(),
            recorded_by: None,
        };
        assert!(c.covers("Atajurt") && !c.covers("atajurt") && !c.covers("Other"));
        c.scope = Scope::Archive;
        assert!(!c.covers("Atajurt"));
        c.scope = Scope::Publish;
        assert!(c.covers("Other"));
    }

    #[test]
    fn codes_and_dates() {
        assert!(valid_code("W-ABC") && valid_code("Ж-12") && !valid_code("a b") && !valid_code(""));
        assert!(valid_partial_date("2019") && valid_partial_date("2019-02"));
        assert!(valid_partial_date("2019-02-28") && !valid_partial_date("2019-02-30"));
        assert!(!valid_partial_date("19") && !valid_partial_date("2019-00"));
    }
}
