//! What of a record a partner sees ([`redact_record`]: the one place that decides it), and
//! the check that a testimony does not name its own witness code.
use std::io::Read;

use zeroize::Zeroizing;

use super::export::timestamp;
use crate::error::{Error, Result};
use crate::format::manifest::ManifestRecord;
use crate::format::record::{PartKind, RecordBody};
use crate::vault::contacts::Contact;
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

/// The one place that decides what of a record a partner sees: everything but identity
/// parts, with the witness code and every person's code replaced by the partner's
/// pseudonym for it, also where a code was written into the title, tags, place,
/// interviewer, note, a status event's place or a verification's reason; consent to share
/// without the other organisations it names (FORMAT.md 13.4).
pub fn redact_record(
    vault: &Vault,
    contact: &Contact,
    body: &RecordBody,
    bundle_id: &RecordId,
    known: &KnownCodes,
) -> ManifestRecord {
    let m = &body.meta;
    let key = vault.pseudonym_key();
    let pseudonym_of = |code: &str| super::witness_pseudonym(key, &contact.name, code);
    let pseudonym = m.witness.as_deref().map(pseudonym_of);
    let mut scrubber = Scrubber::new(vault, &contact.name, body);
    scrubber.others = Some(known);
    let scrub = |s: &str| scrubber.scrub(s);
    let scrub_opt = |s: &Option<String>| s.as_deref().map(scrub);
    ManifestRecord {
        timestamps: vec![],
        id: bundle_id.to_hex(),
        created: timestamp(body.created),
        title: scrub(&m.title),
        tags: m.tags.iter().map(|t| scrub(t)).collect(),
        witness: pseudonym.clone(),
        language: scrub_opt(&m.language),
        place: scrub_opt(&m.place),
        date: m.date.clone(),
        interviewer: scrub_opt(&m.interviewer),
        note: scrub_opt(&m.note),
        parts: vec![],
        custody: vec![],
        case: redact_case(&body.case, &pseudonym_of, &scrub),
    }
}

/// What a partner sees of a record's case: codes as its pseudonyms, free text scrubbed of
/// codes, and consent to share without the organisations it names (the partner is one of
/// them, and the others are none of its business); `None` if the record has none.
fn redact_case(
    case: &crate::format::case::Case,
    pseudonym: &dyn Fn(&str) -> String,
    scrub: &dyn Fn(&str) -> String,
) -> Option<crate::format::case::Case> {
    use crate::format::case::{Case, Consent, Person, Relation, StatusEvent, Verification};
    if case.is_empty() {
        return None;
    }
    Some(Case {
        persons: case
            .persons
            .iter()
            .map(|p| Person {
                code: pseudonym(&p.code),
                roles: p.roles.clone(),
            })
            .collect(),
        relations: case
            .relations
            .iter()
            .map(|r| Relation {
                person: pseudonym(&r.person),
                kin: r.kin,
                of: pseudonym(&r.of),
            })
            .collect(),
        consent: case.consent.as_ref().map(|c| Consent {
            scope: c.scope,
            organisations: vec![],
            how: c.how,
            given: c.given.clone(),
            recorded_by: c.recorded_by.as_deref().map(scrub),
        }),
        statuses: case
            .statuses
            .iter()
            .map(|s| StatusEvent {
                person: pseudonym(&s.person),
                status: s.status,
                date: s.date.clone(),
                place: s.place.as_deref().map(scrub),
            })
            .collect(),
        verification: case
            .verification
            .iter()
            .map(|v| Verification {
                level: v.level,
                by: scrub(&v.by),
                at: v.at.clone(),
                why: scrub(&v.why),
            })
            .collect(),
    })
}

/// Largest testimony searched for its own witness code before export.
const MAX_MENTION_SCAN: u64 = 16 << 20;

/// Whether part `index` names a code the record names (its witness's or a person's, in any
/// case) in its file name, or, if it is text (a testimony, recognised text, a
/// transcript or a translation), in its text: export changes neither (a file name is how
/// the partner finds the part, the text is evidence), so it warns instead.
pub(super) fn mentions_code(
    vault: &Vault,
    id: RecordId,
    body: &RecordBody,
    index: usize,
    known: &KnownCodes,
) -> Result<bool> {
    let p = &body.parts[index];
    if p.kind == PartKind::Identity {
        return Ok(false);
    }
    // A file name goes as it is: any code of the vault in it is worth a warning.
    let codes = Scrubber::new(vault, "", body);
    if codes.mentioned_in(&p.name) || known.mentioned_in(&p.name) {
        return Ok(true);
    }
    if codes.is_empty() {
        return Ok(false);
    }
    let linked = body.links.iter().any(|l| l.part as usize == index);
    let text = matches!(p.kind, PartKind::Testimony | PartKind::Recognised) || linked;
    if !text || p.size > MAX_MENTION_SCAN {
        return Ok(false);
    }
    let mut buf = Zeroizing::new(Vec::new());
    vault.open_part(id, p)?.read_to_end(&mut buf).map_err(|_| {
        Error::damaged(
            id,
            words!("d-part-not-decrypt", part = format!("{:?}", p.name)),
        )
    })?;
    Ok(codes.mentioned_in(&String::from_utf8_lossy(&buf)))
}

/// The fields of a redacted record whose text still holds a code of the record or of the
/// vault, in any case and dash, inside a longer word (`V-7_2018`, `W-17s`, `W–17`): export
/// warns of each, since it replaces a code only where it stands as a word.
pub(super) fn metadata_mentions(
    vault: &Vault,
    body: &RecordBody,
    rec: &ManifestRecord,
    known: &KnownCodes,
) -> Vec<&'static str> {
    let codes = Scrubber::new(vault, "", body);
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let case = rec.case.clone().unwrap_or_default();
    let statuses: Vec<String> = case
        .statuses
        .iter()
        .filter_map(|s| s.place.clone())
        .collect();
    let verified: Vec<String> = (case.verification.iter())
        .map(|v| format!("{} {}", v.by, v.why))
        .collect();
    let consent = case.consent.as_ref().and_then(|c| c.recorded_by.clone());
    let links: Vec<String> = (rec.parts.iter().filter_map(|p| p.of.as_ref()))
        .map(|o| format!("{} {}", opt(&o.language), opt(&o.translator)))
        .collect();
    let fields: [(&'static str, String); 10] = [
        ("title", rec.title.clone()),
        ("tags", rec.tags.join(" ")),
        ("place", opt(&rec.place)),
        ("language", opt(&rec.language)),
        ("interviewer", opt(&rec.interviewer)),
        ("note", opt(&rec.note)),
        ("status place", statuses.join(" ")),
        ("verification", verified.join(" ")),
        ("consent", opt(&consent)),
        ("links", links.join(" ")),
    ];
    fields
        .into_iter()
        .filter(|(_, text)| codes.mentioned_in(text) || known.mentioned_in(text))
        .map(|(f, _)| f)
        .collect()
}

/// Says in the manifest which sent part is a transcript or translation of which, where
/// both are sent (`sent`: the body index of each part of `rec`, in order).
pub(super) fn link_parts(
    vault: &Vault,
    contact: &Contact,
    body: &RecordBody,
    sent: &[usize],
    rec: &mut ManifestRecord,
) {
    let scrubber = Scrubber::new(vault, &contact.name, body);
    for l in &body.links {
        let (Some(at), Some(of)) = (
            sent.iter().position(|&i| i == l.part as usize),
            sent.iter().position(|&i| i == l.of as usize),
        ) else {
            continue;
        };
        rec.parts[at].of = Some(crate::format::manifest::ManifestLink {
            part: rec.parts[of].name.clone(),
            kind: l.kind,
            language: l.language.as_deref().map(|s| scrubber.scrub(s)),
            translator: l.translator.as_deref().map(|s| scrubber.scrub(s)),
        });
    }
}

/// Reads a whole part (bounded) and checks it against its ingest hash.
pub(super) fn read_verified(
    vault: &Vault,
    id: RecordId,
    body: &RecordBody,
    index: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let p = &body.parts[index];
    let mut buf = Zeroizing::new(Vec::with_capacity(
        p.size.min(super::export::MAX_CLEAN) as usize
    ));
    vault
        .open_part(id, p)?
        .take(super::export::MAX_CLEAN + 1)
        .read_to_end(&mut buf)
        .map_err(|_| {
            Error::damaged(
                id,
                words!("d-part-not-decrypt", part = format!("{:?}", p.name)),
            )
        })?;
    if buf.len() as u64 != p.size || crate::crypto::seal::sha256(&buf) != p.sha256 {
        return Err(Error::damaged(
            id,
            words!("d-part-sha-differs", part = format!("{:?}", p.name)),
        ));
    }
    Ok(buf)
}

/// The plaintext of the identity part at `index` of a body (this device must be a
/// custodian). By its place, never by a name: a part may be named like an index.
pub(super) fn identity_plaintext(
    vault: &Vault,
    id: RecordId,
    body: &RecordBody,
    index: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut plain = Zeroizing::new(Vec::new());
    vault.write_part(id, body, index, &mut *plain)?;
    Ok(plain)
}

/// Replaces the codes a record names (its witness's and its persons') by the partner's
/// pseudonyms for them, wherever they were written into its text (FORMAT.md 13.4): each
/// code as a whole word (letters, digits, `-`, `_`, `.`; trailing dots are punctuation), in
/// any case; so `ja` is not replaced inside "Ghulja", and `w-17` is replaced as `W-17`. A
/// witness code with other characters (written before codes were checked) is replaced
/// wherever it occurs, as before.
pub(super) struct Scrubber<'a> {
    /// (code folded by case, pseudonym), and the codes replaced as substrings.
    words: Vec<(String, String)>,
    substrings: Vec<(String, String)>,
    /// The codes of the vault's other records, replaced as whole words too.
    others: Option<&'a KnownCodes>,
    key: [u8; 32],
    contact: String,
}

/// Every code the vault's records name that has the shape of one (a letter and a digit,
/// as `W-17`, never a plain word or number), folded by case: a title may name a person
/// of another record ("see W-17"), and export replaces it by the partner's pseudonym too.
#[derive(Default)]
pub struct KnownCodes(
    std::collections::HashMap<String, String>,
    Option<aho_corasick::AhoCorasick>,
);

/// A text as codes are looked for in it: folded by case (NFKC, so full-width letters are
/// plain ones), every dash a hyphen-minus (`W–17` is `W-17` to a reader).
fn looked_at(text: &str) -> String {
    let dash = |c: char| {
        matches!(
            c,
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}'
        )
    };
    let folded = crate::format::text::fold_case(text);
    match folded.contains(dash) {
        true => folded.replace(dash, "-"),
        false => folded,
    }
}

impl KnownCodes {
    /// Whether `text` holds any of the codes anywhere, in any case, inside a longer word or
    /// written with another dash: for a warning.
    pub(super) fn mentioned_in(&self, text: &str) -> bool {
        self.1
            .as_ref()
            .is_some_and(|a| a.is_match(&looked_at(text)))
    }

    /// The codes of every record of `vault`, from its catalog.
    pub fn of(vault: &Vault) -> Result<KnownCodes> {
        let mut codes = std::collections::HashMap::new();
        for l in vault.list(&crate::vault::Filter::default())?.items {
            let witness = l.entry.meta.as_ref().and_then(|m| m.witness.as_deref());
            for c in l.entry.case().codes(witness) {
                let shaped =
                    c.chars().any(char::is_alphabetic) && c.chars().any(|c| c.is_numeric());
                if shaped && crate::format::case::valid_code(c) {
                    codes.insert(crate::format::text::fold_case(c), c.to_owned());
                }
            }
        }
        let finder = (!codes.is_empty())
            .then(|| aho_corasick::AhoCorasick::new(codes.keys()))
            .transpose()
            .map_err(|e| Error::Invalid(words!("d-io-other", why = e.to_string())))?;
        Ok(KnownCodes(codes, finder))
    }
}

impl Scrubber<'_> {
    pub(super) fn new(vault: &Vault, contact: &str, body: &RecordBody) -> Scrubber<'static> {
        let key = vault.pseudonym_key();
        let mut s = Scrubber {
            words: vec![],
            substrings: vec![],
            others: None,
            key: *key,
            contact: contact.to_owned(),
        };
        for c in body.case.codes(body.meta.witness.as_deref()) {
            let p = super::witness_pseudonym(key, contact, c);
            if crate::format::case::valid_code(c) {
                s.words.push((crate::format::text::fold_case(c), p));
            } else if !c.is_empty() {
                s.substrings.push((c.to_owned(), p));
            }
        }
        // Longest first, so that a code inside a longer one is not replaced in it.
        s.substrings
            .sort_by_key(|(code, _)| std::cmp::Reverse(code.len()));
        s
    }

    /// Whether the record names no code.
    pub(super) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.substrings.is_empty()
    }

    /// Whether `text` holds a code anywhere, in any case: for a warning, it errs on the side
    /// of saying so (`W-1` in `W-17`, or in a file name `W-50_interview.txt`).
    pub(super) fn mentioned_in(&self, text: &str) -> bool {
        let folded = looked_at(text);
        self.words.iter().any(|(c, _)| folded.contains(c.as_str()))
            || self
                .substrings
                .iter()
                .any(|(c, _)| text.contains(c.as_str()))
    }

    pub(super) fn scrub(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            let code = word.trim_end_matches('.');
            let folded = crate::format::text::fold_case(code);
            let own = self
                .words
                .iter()
                .find(|(c, _)| *c == folded)
                .map(|(_, p)| p.clone());
            let other = || {
                let c = self.others?.0.get(&folded)?;
                Some(super::witness_pseudonym(&self.key, &self.contact, c))
            };
            match own.or_else(other) {
                Some(p) if !code.is_empty() => {
                    out.push_str(&p);
                    out.push_str(&word[code.len()..]);
                }
                _ => out.push_str(word),
            }
            word.clear();
        };
        for ch in text.chars() {
            if ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.') {
                word.push(ch);
            } else {
                flush(&mut word, &mut out);
                out.push(ch);
            }
        }
        flush(&mut word, &mut out);
        for (code, p) in &self.substrings {
            out = out.replace(code.as_str(), p);
        }
        out
    }
}
