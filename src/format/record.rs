//! Records: the format types sealed in the `records` tree (FORMAT.md, "Record body").
//!
//! A record body is `postcard(RecordBody)` behind a one-byte version, sealed with age to the
//! vault's content recipients. Small parts travel inside the body; large ones are sealed
//! object files that the body names by id, size and SHA-256, so an object swapped between
//! records is detected.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Refusal, Result, Words};
use crate::format::id::{ObjectId, RecordId};
use crate::words;

/// Version byte in front of every encoded record body.
pub const BODY_VERSION: u8 = 4;
/// Bodies written by formats 6 to 8: padded, without `case` and `links` (read as if empty).
pub const BODY_VERSION_UNMODELLED: u8 = 3;
/// Bodies written by format 5 and before: padded, without `derived` (read as if it were empty).
pub const BODY_VERSION_UNDERIVED: u8 = 2;
/// Bodies written by format 2 and before: unpadded, still read.
pub const BODY_VERSION_UNPADDED: u8 = 1;

/// Descriptive metadata of a record; everything here is sealed.
#[derive(Clone, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub tags: Vec<String>,
    /// The pseudonymous witness code (never a name).
    pub witness: Option<String>,
    pub language: Option<String>,
    pub place: Option<String>,
    /// Date of the interview, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub interviewer: Option<String>,
    pub note: Option<String>,
}

impl Metadata {
    /// Checks the fields a user typed: a title, a valid date, no empty tags.
    pub fn validate(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(Error::Refused(Refusal::EmptyTitle));
        }
        if let Some(d) = &self.date {
            parse_date(d)?;
        }
        if self.tags.iter().any(|t| t.trim().is_empty()) {
            return Err(Error::Invalid(words!("d-record-empty-tag")));
        }
        let total: usize = [&self.title]
            .into_iter()
            .chain(self.tags.iter())
            .chain(
                [
                    &self.witness,
                    &self.language,
                    &self.place,
                    &self.interviewer,
                    &self.note,
                ]
                .into_iter()
                .flatten(),
            )
            .map(|s| s.len())
            .sum();
        if total > MAX_METADATA {
            return Err(Error::Refused(Refusal::MetadataTooLong {
                len: total,
                max: MAX_METADATA,
            }));
        }
        Ok(())
    }
}

/// Content never reaches logs or error messages through `Debug`.
impl std::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metadata(<sealed>)")
    }
}

/// A fresh pseudonymous witness code, `W-` and six Crockford base32 characters (30 bits).
pub fn random_witness_code() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let r: [u8; 6] = crate::crypto::random_bytes();
    let code: String = r
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect();
    format!("W-{code}")
}

/// Upper bound on the metadata text of one record, which keeps sled values small.
pub const MAX_METADATA: usize = 16 * 1024;

/// Most parts in one record: with at most 24 KiB inline, 16 KiB of metadata and an identity,
/// the sealed body then stays under the largest value the store keeps in one piece
/// (`store::MAX_VALUE`; FORMAT.md 7.1).
pub const MAX_PARTS: usize = 256;

/// Refuses a record of more than [`MAX_PARTS`] parts.
pub fn check_part_count(n: usize) -> Result<()> {
    if n > MAX_PARTS {
        return Err(Error::Invalid(words!(
            "d-record-too-many-parts",
            most = MAX_PARTS,
            count = n
        )));
    }
    Ok(())
}

pub use crate::format::case::{identity_part_name, IDENTITY_OF};

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse::<jiff::civil::Date>()
        .map_err(|_| Error::Invalid(words!("d-date-invalid", value = format!("{s:?}"))))
}

/// What role a part plays in its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
pub enum PartKind {
    /// The testimony itself (text or audio).
    Testimony,
    /// A scan, photo, recording or document.
    Attachment,
    /// Who the witness is and how to reach them, sealed to the identity custodians only.
    Identity,
    /// Text recognised in another part (a scan), described by the body's `derived`.
    Recognised,
}

impl PartKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PartKind::Testimony => "testimony",
            PartKind::Attachment => "attachment",
            PartKind::Identity => "identity",
            PartKind::Recognised => "recognised",
        }
    }

    /// The kind [`PartKind::as_str`] names.
    pub fn parse(s: &str) -> Option<PartKind> {
        [
            PartKind::Testimony,
            PartKind::Attachment,
            PartKind::Identity,
            PartKind::Recognised,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Where a part's ciphertext is.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub enum Storage {
    /// The plaintext is inside this (sealed) body.
    Inline(Vec<u8>),
    /// A sealed object file beside the database.
    Object { id: [u8; 16], sealed_size: u64 },
    /// An age file sealed to the identity custodians, inside this body: identity parts.
    /// The part's `size` and `sha256` are of these sealed bytes, so the body (which the
    /// vault's own key opens) reveals nothing of the identity, not even a hash to test
    /// guesses against.
    Sealed(Vec<u8>),
}

/// One part of a record.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Part {
    #[zeroize(skip)]
    pub kind: PartKind,
    /// The file name it was added as (no directories).
    pub name: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext, taken at ingest.
    pub sha256: [u8; 32],
    pub storage: Storage,
}

impl Part {
    /// The object holding this part, if it is not inline.
    pub fn object(&self) -> Option<ObjectId> {
        match &self.storage {
            Storage::Object { id, .. } => Some(ObjectId(*id)),
            Storage::Inline(_) | Storage::Sealed(_) => None,
        }
    }
}

/// A whole record as sealed in the `records` tree.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct RecordBody {
    #[zeroize(skip)]
    pub id: RecordId,
    /// When the record was added (Unix seconds, UTC).
    pub created: i64,
    pub meta: Metadata,
    pub parts: Vec<Part>,
    /// Bundles this record arrived in, oldest first (empty for records added here).
    pub provenance: Vec<Provenance>,
    /// How each recognised part was made (body version 3; empty in earlier ones).
    pub derived: Vec<Derivation>,
    /// Persons, consent, status events, verification (body version 4; empty in earlier
    /// ones).
    pub case: crate::format::case::Case,
    /// Which parts are transcripts or translations of which (body version 4).
    pub links: Vec<crate::format::case::PartLink>,
    /// Read from a body of format 2 (unpadded, [`BODY_VERSION_UNPADDED`]): the record keeps
    /// its exact sizes on disk until `rotate`. Not stored.
    #[serde(skip)]
    #[zeroize(skip)]
    pub unpadded: bool,
}

/// The postcard encoding of an empty `case` and `links`: what a body before version 4 is
/// read with after its last field.
fn unmodelled_suffix() -> Vec<u8> {
    let mut v = postcard::to_allocvec(&crate::format::case::Case::default()).expect("serializes");
    v.push(0);
    v
}

/// How a recognised part was made from another part of the same record (FORMAT.md 7.3).
#[derive(Clone, Debug, Serialize, Deserialize, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Derivation {
    /// Index of the recognised part.
    pub part: u32,
    /// Index of the part it was recognised in.
    pub source: u32,
    /// SHA-256 of that part's plaintext.
    pub source_sha256: [u8; 32],
    /// `tesseract`.
    pub engine: String,
    /// The engine's version, e.g. `5.3.0`.
    pub version: String,
    /// Tesseract's names of the languages asked for, e.g. `["kaz", "rus"]`.
    pub languages: Vec<String>,
    /// Pages recognised: 1 for an image, the page count of a PDF.
    pub pages: u32,
    /// When (Unix seconds, UTC).
    pub at: i64,
}

/// Most pages of one PDF that are recognised, and a recognised part may say it came from.
pub const MAX_RECOGNISED_PAGES: u32 = 5000;

/// Most languages one recognition may name, and longest engine name or version.
pub const MAX_LANGUAGES: usize = 16;
pub const MAX_ENGINE_TEXT: usize = 64;

impl Derivation {
    /// Checks a derivation against the body it is in: both parts exist, the part is a
    /// recognised one and the source is not, nothing is longer than this version writes.
    pub fn check(&self, parts: &[Part]) -> std::result::Result<(), Words> {
        let part = parts
            .get(self.part as usize)
            .ok_or_else(|| words!("d-record-derived-no-part"))?;
        let source = parts
            .get(self.source as usize)
            .ok_or_else(|| words!("d-record-derived-no-source"))?;
        if part.kind != PartKind::Recognised {
            return Err(words!("d-record-derived-not-recognised"));
        }
        if matches!(source.kind, PartKind::Recognised | PartKind::Identity) {
            return Err(words!("d-record-derived-bad-source"));
        }
        if source.sha256 != self.source_sha256 {
            return Err(words!("d-record-derived-source-differs"));
        }
        if !engine_words(&self.engine, &self.version, &self.languages)
            || !(1..=MAX_RECOGNISED_PAGES).contains(&self.pages)
        {
            return Err(words!("d-record-derived-out-of-bounds"));
        }
        Ok(())
    }
}

/// An engine, its version and languages as a recognised part may name them: each a plain
/// ASCII word (letters, digits, `._-+`) of at most 64 bytes, one to 16 languages. `show`
/// prints them as they are.
pub fn engine_words(engine: &str, version: &str, languages: &[String]) -> bool {
    let word = |s: &str| {
        !s.is_empty()
            && s.len() <= MAX_ENGINE_TEXT
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    };
    word(engine)
        && word(version)
        && (1..=MAX_LANGUAGES).contains(&languages.len())
        && languages.iter().all(|l| word(l))
}

/// How a record reached this vault.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Provenance {
    /// Fingerprint of the key that signed the bundle.
    pub signer: String,
    /// Contact name the signer was known as when imported.
    pub contact: String,
    /// The bundle's id.
    pub bundle_id: String,
    /// When it was imported (Unix seconds).
    pub imported: i64,
    /// The record's id in the bundle.
    pub bundle_record_id: String,
}

impl RecordBody {
    /// `BODY_VERSION || pad(postcard(self))`, padded to its size class ([`crate::crypto::pad`]).
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let enc = Zeroizing::new(postcard::to_allocvec(self).expect("record bodies serialize"));
        // Room for the padding up front, so that no unwiped copy is left by a reallocation.
        let padded = crate::crypto::pad::padded_len(enc.len() as u64) as usize;
        let mut out = Zeroizing::new(Vec::with_capacity(1 + padded));
        out.push(BODY_VERSION);
        out.extend_from_slice(&enc);
        crate::crypto::pad::pad_after(&mut out, 1);
        out
    }

    /// Decodes and checks the body belongs to `id`.
    pub fn decode(id: RecordId, b: &[u8]) -> Result<RecordBody> {
        let undecodable = || Error::damaged(id, words!("d-record-undecodable"));
        // A body of an earlier version ends where its version's last field ends: decoded
        // with the later fields empty (their postcard encoding) after it.
        let extended = |enc: &[u8], derived: bool| {
            let mut v = Zeroizing::new(Vec::with_capacity(enc.len() + 8));
            v.extend_from_slice(enc);
            if derived {
                v.push(0);
            }
            v.extend_from_slice(&unmodelled_suffix());
            v
        };
        let whole = |enc: &[u8]| match postcard::take_from_bytes::<RecordBody>(enc) {
            Ok((body, [])) => Ok(body),
            _ => Err(undecodable()),
        };
        fn unpad(b: &[u8], id: RecordId) -> Result<&[u8]> {
            crate::crypto::pad::unpad(b)
                .ok_or_else(|| Error::damaged(id, words!("d-record-undecodable")))
        }
        let mut body: RecordBody = match b.first() {
            Some(&BODY_VERSION) => whole(unpad(&b[1..], id)?)?,
            Some(&BODY_VERSION_UNMODELLED) => whole(&extended(unpad(&b[1..], id)?, false))?,
            Some(&BODY_VERSION_UNDERIVED) => whole(&extended(unpad(&b[1..], id)?, true))?,
            Some(&BODY_VERSION_UNPADDED) => {
                let enc = extended(&b[1..], true);
                // Version 1 was read without checking for bytes after the value.
                postcard::take_from_bytes::<RecordBody>(&enc)
                    .map(|(body, _)| body)
                    .map_err(|_| undecodable())?
            }
            Some(v) => {
                return Err(Error::UnsupportedFormat(words!(
                    "d-record-body-version",
                    id = id.to_string(),
                    version = *v
                )))
            }
            None => return Err(Error::damaged(id, words!("d-record-body-empty"))),
        };
        if body.id != id {
            return Err(Error::damaged(id, words!("d-record-body-other-id")));
        }
        for d in &body.derived {
            d.check(&body.parts)
                .map_err(|why| Error::damaged(id, words!("d-record-derived", why = why)))?;
        }
        body.check_model().map_err(|why| Error::damaged(id, why))?;
        body.unpadded = b.first() == Some(&BODY_VERSION_UNPADDED);
        Ok(body)
    }

    /// The testimony model's rules (FORMAT.md 7.4): the case against the witness code, the
    /// links against the parts.
    pub fn check_model(&self) -> std::result::Result<(), Words> {
        self.case.check(self.meta.witness.as_deref())?;
        crate::format::case::PartLink::check_all(&self.links, &self.linkable())
    }

    /// Whose identity part `index` holds (FORMAT.md 7.4): a part named `identity-CODE` is
    /// the identity of the person CODE the case names; any other identity part is the
    /// testifier's, the witness code's. `None` for a part that is not an identity.
    pub fn identity_of(&self, index: usize) -> Option<&str> {
        let p = self.parts.get(index)?;
        if p.kind != PartKind::Identity {
            return None;
        }
        let person = p.name.strip_prefix(IDENTITY_OF);
        match person.and_then(|c| self.case.persons.iter().find(|x| x.code == c)) {
            Some(x) => Some(&x.code),
            None => self.meta.witness.as_deref(),
        }
    }

    /// The rules `add` keeps for identity parts and codes (FORMAT.md 7.1, 7.4), for a body
    /// made elsewhere (a collector's): an `identity` part only with a witness, an
    /// `identity-CODE` one only of a person of the case other than the witness, no other
    /// part named as one, and no code in the form of a partner's pseudonym.
    pub fn check_identity_parts(&self) -> std::result::Result<(), Words> {
        let witness = self.meta.witness.as_deref();
        self.case.check_not_pseudonyms(witness)?;
        for p in &self.parts {
            let ok = match (p.kind, p.name.strip_prefix(IDENTITY_OF)) {
                (PartKind::Identity, None) => p.name == "identity" && witness.is_some(),
                (PartKind::Identity, Some(c)) => self.case.reserves(&p.name) && witness != Some(c),
                _ => !self.case.reserves(&p.name),
            };
            if !ok {
                return Err(words!(
                    "d-add-identity-name",
                    name = format!("{:?}", p.name)
                ));
            }
        }
        Ok(())
    }

    /// For each part, whether a transcript or translation may name it or be it (FORMAT.md
    /// 7.4): testimonies and attachments.
    pub fn linkable(&self) -> Vec<bool> {
        self.parts
            .iter()
            .map(|p| matches!(p.kind, PartKind::Testimony | PartKind::Attachment))
            .collect()
    }

    /// Finds a part by `testimony`, its file name, or its index (0-based, as `show` lists).
    pub fn find_part(&self, which: &str) -> Option<usize> {
        if which == "testimony" {
            if let Some(i) = self
                .parts
                .iter()
                .position(|p| p.kind == PartKind::Testimony)
            {
                return Some(i);
            }
        }
        if let Some(i) = self.parts.iter().position(|p| p.name == which) {
            return Some(i);
        }
        which
            .parse::<usize>()
            .ok()
            .filter(|&i| i < self.parts.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_meta() -> impl Strategy<Value = Metadata> {
        (
            "\\PC{1,40}",
            proptest::collection::vec("\\PC{1,10}", 0..4),
            proptest::option::of("\\PC{0,20}"),
            proptest::option::of("\\PC{0,20}"),
        )
            .prop_map(|(title, tags, witness, note)| {
                let mut m = Metadata::default();
                m.title = title;
                m.tags = tags;
                m.witness = witness;
                m.note = note;
                m
            })
    }

    proptest! {
        #[test]
        fn body_round_trips(meta in arb_meta(), data in proptest::collection::vec(any::<u8>(), 0..300), size in any::<u64>()) {
            let id = RecordId::random();
            let body = RecordBody {
                id,
                created: 1_700_000_000,
                meta: meta.clone(),
                parts: vec![
                    Part { kind: PartKind::Testimony, name: "t.txt".into(), size: data.len() as u64, sha256: crate::crypto::seal::sha256(&data), storage: Storage::Inline(data.clone()) },
                    Part { kind: PartKind::Attachment, name: "scan.jpg".into(), size, sha256: [3; 32], storage: Storage::Object { id: [9; 16], sealed_size: 77 } },
                ],
                provenance: vec![],
                derived: vec![],
                case: Default::default(),
                links: vec![],
                unpadded: false,
            };
            let enc = body.encode();
            let back = RecordBody::decode(id, &enc).unwrap();
            prop_assert!(back.meta == meta);
            prop_assert_eq!(back.parts.len(), 2);
            match &back.parts[0].storage { Storage::Inline(d) => prop_assert_eq!(d, &data), _ => prop_assert!(false) }
            prop_assert_eq!(back.parts[1].object(), Some(ObjectId([9; 16])));
            // Bound to its id.
            prop_assert!(RecordBody::decode(RecordId::random(), &enc).is_err());
            // Padded to its class; a body of format 2 (unpadded, version 1) still reads.
            let content = crate::crypto::pad::unpad(&enc[1..]).unwrap();
            prop_assert_eq!(enc.len() as u64 - 1, crate::crypto::pad::padded_len(content.len() as u64));
            // Bodies of version 3 end before `case` and `links` (here empty: their encoding
            // ends the body), and bodies before version 3 before `derived` (empty: one byte).
            let suffix = unmodelled_suffix();
            prop_assert!(content.ends_with(&suffix));
            let v3_content = &content[..content.len() - suffix.len()];
            let mut v3 = vec![BODY_VERSION_UNMODELLED];
            v3.extend_from_slice(v3_content);
            crate::crypto::pad::pad_after(&mut v3, 1);
            let v3_body = RecordBody::decode(id, &v3).unwrap();
            prop_assert!(v3_body.meta == meta && v3_body.case.is_empty() && v3_body.links.is_empty());
            let (&last, before) = v3_content.split_last().unwrap();
            prop_assert_eq!(last, 0);
            let mut v2 = vec![BODY_VERSION_UNDERIVED];
            v2.extend_from_slice(before);
            crate::crypto::pad::pad_after(&mut v2, 1);
            let v2_body = RecordBody::decode(id, &v2).unwrap();
            prop_assert!(v2_body.meta == meta && v2_body.derived.is_empty() && !v2_body.unpadded);
            let mut old = vec![BODY_VERSION_UNPADDED];
            old.extend_from_slice(before);
            let old_body = RecordBody::decode(id, &old).unwrap();
            prop_assert!(old_body.meta == meta && old_body.unpadded);
            prop_assert!(!RecordBody::decode(id, &enc).unwrap().unpadded);
        }
    }

    #[test]
    fn unknown_version_is_a_value_not_a_panic() {
        let id = RecordId::random();
        assert!(matches!(
            RecordBody::decode(id, &[9, 1, 2]),
            Err(Error::UnsupportedFormat(_))
        ));
        assert!(matches!(
            RecordBody::decode(id, &[]),
            Err(Error::Damaged { .. })
        ));
        assert!(matches!(
            RecordBody::decode(id, &[1, 255, 255]),
            Err(Error::Damaged { .. })
        ));
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
