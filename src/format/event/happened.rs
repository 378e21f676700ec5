//! What an event says happened, typed: its [`Kind`] and, for the events this version
//! writes, the details of that kind ([`Happened`], FORMAT.md 14.2).
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Event;

/// The kind of an event (FORMAT.md 14.2). An event's `kind` field is this kind's
/// [`Kind::as_str`]; a parsed [`Event`] keeps the field as signed and compares with a kind
/// by `==`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    VaultCreated,
    RecordAdded,
    PartRead,
    IdentityRead,
    RecordRemoved,
    RecordExported,
    RecordImported,
    RecordResealed,
    BundleExported,
    BundleImported,
    ContactAdded,
    ContactRemoved,
    PassphraseChanged,
    KeysRotated,
    DuressSet,
    Timestamped,
    TsaAdded,
    TsaRemoved,
    TextRecognised,
    RecordDescribed,
    VerificationSet,
    ConsentOverridden,
    ConsentWithdrawn,
}

impl Kind {
    /// Every kind, in the order of FORMAT.md 14.2.
    pub const ALL: [Kind; 23] = [
        Kind::VaultCreated,
        Kind::RecordAdded,
        Kind::PartRead,
        Kind::IdentityRead,
        Kind::RecordRemoved,
        Kind::RecordExported,
        Kind::RecordImported,
        Kind::RecordResealed,
        Kind::BundleExported,
        Kind::BundleImported,
        Kind::ContactAdded,
        Kind::ContactRemoved,
        Kind::PassphraseChanged,
        Kind::KeysRotated,
        Kind::DuressSet,
        Kind::Timestamped,
        Kind::TsaAdded,
        Kind::TsaRemoved,
        Kind::TextRecognised,
        Kind::RecordDescribed,
        Kind::VerificationSet,
        Kind::ConsentOverridden,
        Kind::ConsentWithdrawn,
    ];

    /// The kind as events spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::VaultCreated => "vault-created",
            Kind::RecordAdded => "record-added",
            Kind::PartRead => "part-read",
            Kind::IdentityRead => "identity-read",
            Kind::RecordRemoved => "record-removed",
            Kind::RecordExported => "record-exported",
            Kind::RecordImported => "record-imported",
            Kind::RecordResealed => "record-resealed",
            Kind::BundleExported => "bundle-exported",
            Kind::BundleImported => "bundle-imported",
            Kind::ContactAdded => "contact-added",
            Kind::ContactRemoved => "contact-removed",
            Kind::PassphraseChanged => "passphrase-changed",
            Kind::KeysRotated => "keys-rotated",
            Kind::DuressSet => "duress-set",
            Kind::Timestamped => "timestamped",
            Kind::TsaAdded => "tsa-added",
            Kind::TsaRemoved => "tsa-removed",
            Kind::TextRecognised => "text-recognised",
            Kind::RecordDescribed => "record-described",
            Kind::VerificationSet => "verification-set",
            Kind::ConsentOverridden => "consent-overridden",
            Kind::ConsentWithdrawn => "consent-withdrawn",
        }
    }

    /// The kind an event's `kind` field names, if it is one this version knows.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<Kind> for String {
    fn eq(&self, k: &Kind) -> bool {
        self == k.as_str()
    }
}

impl PartialEq<Kind> for str {
    fn eq(&self, k: &Kind) -> bool {
        self == k.as_str()
    }
}

/// A part of a record as `record-added` and `record-imported` list it: every part but
/// identity parts (FORMAT.md 14.2).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartFact {
    pub index: usize,
    pub kind: String,
    pub sha256: String,
    pub size: u64,
}

/// How `record-added` lists the record's parts: under `parts`, or sealed under
/// `parts_sealed`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AddedParts {
    /// The parts, in the clear.
    #[serde(rename = "parts")]
    Listed(Vec<PartFact>),
    /// On a collector: base64 of an age file sealed to the content recipients, whose
    /// plaintext is the parts as compact JSON.
    #[serde(rename = "parts_sealed")]
    Sealed(String),
}

/// What an event this version writes says happened: its kind with the details FORMAT.md
/// 14.2 gives that kind, typed. [`Happened::kind`] and [`Happened::details`] are the
/// event's `kind` and `details`, the variant's fields serialized (`weak_passphrase` only
/// when true); serde_json writes an object's keys in sorted order, so the signed text does
/// not depend on the order of the fields here (the golden events of `tests/cli/golden.rs`
/// check the bytes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Happened {
    VaultCreated {
        vault: String,
        collector: bool,
        #[serde(skip_serializing_if = "is_false")]
        weak_passphrase: bool,
    },
    RecordAdded {
        via: String,
        #[serde(flatten)]
        parts: AddedParts,
    },
    PartRead {
        part: usize,
        kind: String,
    },
    IdentityRead {},
    RecordRemoved {},
    RecordExported {
        #[serde(rename = "as")]
        as_id: String,
        bundle: String,
        to: Vec<String>,
    },
    RecordImported {
        from: String,
        bundle: String,
        parts: Vec<PartFact>,
    },
    RecordResealed {
        new_signer: String,
    },
    BundleExported {
        bundle: String,
        sha256: String,
        records: usize,
        to: Vec<String>,
    },
    BundleImported {
        bundle: String,
        from: String,
        kind: String,
        records: usize,
        added: usize,
    },
    ContactAdded {},
    ContactRemoved {},
    PassphraseChanged {
        #[serde(skip_serializing_if = "is_false")]
        weak_passphrase: bool,
    },
    KeysRotated {
        new_signer: String,
        new_fingerprint: String,
        new_recipient: Option<String>,
    },
    DuressSet {
        #[serde(skip_serializing_if = "is_false")]
        weak_passphrase: bool,
    },
    /// A time-stamp token over the log's first `events` events (FORMAT.md 14.6).
    Timestamped {
        events: u64,
        root: String,
        time: String,
        token: String,
    },
    TsaAdded {},
    TsaRemoved {},
    /// Text recognised in a part of the record, added as a part of its own (FORMAT.md 7.3).
    TextRecognised {
        part: PartFact,
        source: usize,
        source_sha256: String,
        engine: String,
        version: String,
        languages: Vec<String>,
    },
    /// Persons, relations, consent, status events or linked parts of the record were
    /// given (FORMAT.md 7.4): `what` says which.
    RecordDescribed {
        what: String,
    },
    /// The record's verification level was set.
    VerificationSet {
        level: String,
    },
    /// The record was exported although its consent did not cover the contact; the reason
    /// is kept in the vault.
    ConsentOverridden {
        scope: String,
    },
    /// The testifier withdrew consent: the record was then erased, or restricted to the
    /// archive.
    ConsentWithdrawn {
        erased: bool,
    },
}

impl Happened {
    pub fn kind(&self) -> Kind {
        match self {
            Happened::VaultCreated { .. } => Kind::VaultCreated,
            Happened::RecordAdded { .. } => Kind::RecordAdded,
            Happened::PartRead { .. } => Kind::PartRead,
            Happened::IdentityRead {} => Kind::IdentityRead,
            Happened::RecordRemoved {} => Kind::RecordRemoved,
            Happened::RecordExported { .. } => Kind::RecordExported,
            Happened::RecordImported { .. } => Kind::RecordImported,
            Happened::RecordResealed { .. } => Kind::RecordResealed,
            Happened::BundleExported { .. } => Kind::BundleExported,
            Happened::BundleImported { .. } => Kind::BundleImported,
            Happened::ContactAdded {} => Kind::ContactAdded,
            Happened::ContactRemoved {} => Kind::ContactRemoved,
            Happened::PassphraseChanged { .. } => Kind::PassphraseChanged,
            Happened::KeysRotated { .. } => Kind::KeysRotated,
            Happened::DuressSet { .. } => Kind::DuressSet,
            Happened::Timestamped { .. } => Kind::Timestamped,
            Happened::TsaAdded {} => Kind::TsaAdded,
            Happened::TsaRemoved {} => Kind::TsaRemoved,
            Happened::TextRecognised { .. } => Kind::TextRecognised,
            Happened::RecordDescribed { .. } => Kind::RecordDescribed,
            Happened::VerificationSet { .. } => Kind::VerificationSet,
            Happened::ConsentOverridden { .. } => Kind::ConsentOverridden,
            Happened::ConsentWithdrawn { .. } => Kind::ConsentWithdrawn,
        }
    }

    /// The event's `details` object.
    pub fn details(&self) -> Value {
        serde_json::to_value(self).expect("event details serialize")
    }
}

impl Happened {
    /// What a signed event says happened, typed, if its kind is one this version knows and
    /// its details are exactly that kind's (FORMAT.md 14.2): no key missing, none added.
    /// [`Happened::details`] of the result equals the event's details.
    pub fn of(ev: &Event) -> Option<Happened> {
        let d = ev.details.as_object()?;
        let text = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_owned);
        let count = |k: &str| d.get(k).and_then(Value::as_u64).map(|n| n as usize);
        let texts = |k: &str| -> Option<Vec<String>> {
            d.get(k)?
                .as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let parts =
            |k: &str| -> Option<Vec<PartFact>> { serde_json::from_value(d.get(k)?.clone()).ok() };
        // `weak_passphrase` is present only as `true`.
        let weak = match d.get("weak_passphrase") {
            None => Some(false),
            Some(Value::Bool(true)) => Some(true),
            Some(_) => None,
        };
        let h = match Kind::parse(&ev.kind)? {
            Kind::VaultCreated => Happened::VaultCreated {
                vault: text("vault")?,
                collector: d.get("collector")?.as_bool()?,
                weak_passphrase: weak?,
            },
            Kind::RecordAdded => Happened::RecordAdded {
                via: text("via")?,
                parts: match text("parts_sealed") {
                    Some(sealed) => AddedParts::Sealed(sealed),
                    None => AddedParts::Listed(parts("parts")?),
                },
            },
            Kind::PartRead => Happened::PartRead {
                part: count("part")?,
                kind: text("kind")?,
            },
            Kind::IdentityRead => Happened::IdentityRead {},
            Kind::RecordRemoved => Happened::RecordRemoved {},
            Kind::RecordExported => Happened::RecordExported {
                as_id: text("as")?,
                bundle: text("bundle")?,
                to: texts("to")?,
            },
            Kind::RecordImported => Happened::RecordImported {
                from: text("from")?,
                bundle: text("bundle")?,
                parts: parts("parts")?,
            },
            Kind::RecordResealed => Happened::RecordResealed {
                new_signer: text("new_signer")?,
            },
            Kind::BundleExported => Happened::BundleExported {
                bundle: text("bundle")?,
                sha256: text("sha256")?,
                records: count("records")?,
                to: texts("to")?,
            },
            Kind::BundleImported => Happened::BundleImported {
                bundle: text("bundle")?,
                from: text("from")?,
                kind: text("kind")?,
                records: count("records")?,
                added: count("added")?,
            },
            Kind::ContactAdded => Happened::ContactAdded {},
            Kind::ContactRemoved => Happened::ContactRemoved {},
            Kind::PassphraseChanged => Happened::PassphraseChanged {
                weak_passphrase: weak?,
            },
            Kind::KeysRotated => Happened::KeysRotated {
                new_signer: text("new_signer")?,
                new_fingerprint: text("new_fingerprint")?,
                new_recipient: match d.get("new_recipient")? {
                    Value::Null => None,
                    v => Some(v.as_str()?.to_owned()),
                },
            },
            Kind::DuressSet => Happened::DuressSet {
                weak_passphrase: weak?,
            },
            Kind::Timestamped => Happened::Timestamped {
                events: d.get("events")?.as_u64()?,
                root: text("root")?,
                time: text("time")?,
                token: text("token")?,
            },
            Kind::TsaAdded => Happened::TsaAdded {},
            Kind::TsaRemoved => Happened::TsaRemoved {},
            Kind::TextRecognised => Happened::TextRecognised {
                part: serde_json::from_value(d.get("part")?.clone()).ok()?,
                source: count("source")?,
                source_sha256: text("source_sha256")?,
                engine: text("engine")?,
                version: text("version")?,
                languages: texts("languages")?,
            },
            Kind::RecordDescribed => Happened::RecordDescribed {
                what: text("what")?,
            },
            Kind::VerificationSet => Happened::VerificationSet {
                level: text("level")?,
            },
            Kind::ConsentOverridden => Happened::ConsentOverridden {
                scope: text("scope")?,
            },
            Kind::ConsentWithdrawn => Happened::ConsentWithdrawn {
                erased: d.get("erased")?.as_bool()?,
            },
        };
        // Equal only if no key was added and every value is in the form this version writes.
        (h.details() == ev.details).then_some(h)
    }
}

/// Details of an event kept in the vault only (FORMAT.md 14.2, "private details"): the
/// signed event holds their salted SHA-256, the log keeps them beside it, and a removal
/// erases those of the removed record. [`Kept::value`] is the JSON object whose text is
/// committed to (keys sorted, as serde_json writes them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Kept {
    /// `record-added`: the SHA-256 of the sealed identity part.
    IdentitySealed { identity_sealed_sha256: String },
    /// `part-read`: the part's name, and where it went.
    PartRead { name: String, to: String },
    /// `identity-read`: whose identity part, and where it went.
    IdentityRead {
        record: String,
        part: usize,
        to: String,
    },
    /// Exports and imports: the contact.
    Contact { contact: String },
    /// `contact-added`: the contact as it was added.
    ContactAdded {
        name: String,
        recipients: Vec<String>,
        signing_key: Option<String>,
    },
    /// `contact-removed`.
    ContactRemoved { name: String },
    /// `timestamped`: the authority asked.
    Tsa { tsa: String, url: String },
    /// `tsa-added`: the authority as it was added, its certificates by SHA-256.
    TsaAdded {
        tsa: String,
        url: String,
        certificates: Vec<String>,
    },
    /// `tsa-removed`.
    TsaRemoved { tsa: String },
    /// `consent-overridden`: the contact, and the reason given.
    Overridden { contact: String, reason: String },
}

impl Kept {
    /// The details as the JSON object whose text is committed to.
    pub fn value(&self) -> Value {
        serde_json::to_value(self).expect("kept details serialize")
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Parts as the `parts` detail lists them.
pub fn facts(parts: &[PartFact]) -> Value {
    serde_json::to_value(parts).expect("part facts serialize")
}
