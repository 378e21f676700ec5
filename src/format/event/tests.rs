//! Chains of custody that verify, and every way one can break.
use super::*;
use serde_json::json;
use zeroize::Zeroizing;

struct Key {
    seed: Zeroizing<[u8; 32]>,
    line: String,
}

fn key(n: u8) -> Key {
    let seed = Zeroizing::new([n; 32]);
    let (pk, _) = sshsig::sign_raw(&seed, NAMESPACE, b"");
    Key {
        seed,
        line: sshkey::ed25519_line(&pk),
    }
}

fn fp(k: &Key) -> String {
    sshkey::fingerprint(&sshsig::parse_ed25519_line(&k.line).unwrap())
}

fn entry(
    k: &Key,
    kind: Kind,
    record: &str,
    prev: Option<&CustodyEntry>,
    details: Value,
) -> CustodyEntry {
    let ev = Event {
        amanat_custody: VERSION,
        kind: kind.as_str().into(),
        time: "2026-11-29T00:00:00Z".into(),
        signer: k.line.clone(),
        prev: hex::encode([0u8; 32]),
        record: Some(record.into()),
        record_prev: prev.map(|p| hex::encode(p.hash())),
        details,
        private: None,
    };
    let text = serde_json::to_string(&ev).unwrap();
    CustodyEntry {
        signature: sshsig::sign(&k.seed, NAMESPACE, text.as_bytes()),
        cosignature: None,
        event: text,
    }
}

/// A added it, exported it to B as "r2" in bundle "b1"; B imported it and exported it.
fn path() -> (Key, Key, Vec<CustodyEntry>) {
    let (a, b) = (key(1), key(2));
    let e0 = entry(&a, Kind::RecordAdded, "r1", None, json!({"parts": []}));
    let e1 = entry(&a, Kind::PartRead, "r1", Some(&e0), json!({"part": 0}));
    let e2 = entry(
        &a,
        Kind::RecordExported,
        "r1",
        Some(&e1),
        json!({"as": "r2", "bundle": "b1"}),
    );
    let e3 = entry(
        &b,
        Kind::RecordImported,
        "r2",
        Some(&e2),
        json!({"from": fp(&a), "bundle": "b1", "parts": []}),
    );
    let e4 = entry(
        &b,
        Kind::RecordExported,
        "r2",
        Some(&e3),
        json!({"as": "r3", "bundle": "b2"}),
    );
    (a, b, vec![e0, e1, e2, e3, e4])
}

fn broken_at(chain: &[CustodyEntry]) -> usize {
    verify_chain(chain).expect_err("must not verify").index
}

#[test]
fn a_genuine_path_verifies() {
    let (_, _, chain) = path();
    let events = verify_chain(&chain).unwrap();
    assert_eq!(events.len(), 5);
    assert_eq!(events[3].kind, Kind::RecordImported);
}

#[test]
fn removed_reordered_or_altered_events_break_the_chain() {
    let (_, _, chain) = path();
    let mut c = chain.clone();
    c.remove(1);
    assert_eq!(broken_at(&c), 1);
    let mut c = chain.clone();
    c.swap(1, 2);
    assert_eq!(broken_at(&c), 1);
    let mut c = chain.clone();
    c[1].event = c[1].event.replace("\"part\":0", "\"part\":1");
    assert_eq!(broken_at(&c), 1);
    let mut c = chain.clone();
    c.remove(0);
    assert_eq!(broken_at(&c), 0);
    assert_eq!(broken_at(&[]), 0);
    // A replayed event (a copy of an earlier one) does not link.
    let mut c = chain.clone();
    c.push(chain[1].clone());
    assert_eq!(broken_at(&c), 5);
}

#[test]
fn a_handover_must_name_the_bundle_and_the_sender() {
    let (a, b, chain) = path();
    let c = key(3);
    // Imported from someone else than the exporter.
    let mut bad = chain[..3].to_vec();
    bad.push(entry(
        &b,
        Kind::RecordImported,
        "r2",
        Some(&chain[2]),
        json!({"from": fp(&c), "bundle": "b1"}),
    ));
    assert_eq!(broken_at(&bad), 3);
    // From another bundle.
    let mut bad = chain[..3].to_vec();
    bad.push(entry(
        &b,
        Kind::RecordImported,
        "r2",
        Some(&chain[2]),
        json!({"from": fp(&a), "bundle": "b9"}),
    ));
    assert_eq!(broken_at(&bad), 3);
    // A third key signing an event of A's without any handover.
    let mut bad = chain[..2].to_vec();
    bad.push(entry(&c, Kind::PartRead, "r1", Some(&chain[1]), json!({})));
    assert_eq!(broken_at(&bad), 2);
    // The exporter keeps writing after its export: not part of the path.
    let mut bad = chain[..3].to_vec();
    bad.push(entry(&a, Kind::PartRead, "r1", Some(&chain[2]), json!({})));
    assert_eq!(broken_at(&bad), 3);
    // A signature by another key than the one the event names.
    let mut bad = chain.clone();
    bad[1].signature = sshsig::sign(&c.seed, NAMESPACE, bad[1].event.as_bytes());
    assert_eq!(broken_at(&bad), 1);
}

#[test]
fn a_key_handover_needs_the_new_keys_signature() {
    let (a, _, chain) = path();
    let n = key(4);
    let mut e = entry(
        &a,
        Kind::RecordResealed,
        "r1",
        Some(&chain[1]),
        json!({"new_signer": n.line}),
    );
    let mut c = chain[..2].to_vec();
    c.push(e.clone());
    assert_eq!(broken_at(&c), 2);
    e.cosignature = Some(sshsig::sign(&n.seed, NAMESPACE, e.event.as_bytes()));
    c[2] = e.clone();
    c.push(entry(&n, Kind::PartRead, "r1", Some(&e), json!({})));
    verify_chain(&c).unwrap();
    // …and after it, the old key no longer speaks for the record.
    c.pop();
    c.push(entry(&a, Kind::PartRead, "r1", Some(&e), json!({})));
    assert_eq!(broken_at(&c), 3);
}

#[test]
fn every_kind_is_listed_once_and_reads_back_from_its_name() {
    for (i, k) in Kind::ALL.iter().enumerate() {
        assert_eq!(Kind::parse(k.as_str()), Some(*k));
        assert_eq!(Kind::ALL.iter().position(|x| x == k), Some(i));
    }
    assert_eq!(Kind::parse("record-added "), None);
    assert_eq!(Kind::parse("Record-Added"), None);
}

#[test]
fn a_typed_event_refuses_details_that_are_not_its_kinds() {
    let ev = |kind: Kind, details: Value| Event {
        amanat_custody: VERSION,
        kind: kind.as_str().into(),
        time: "2026-11-29T00:00:00Z".into(),
        signer: String::new(),
        prev: String::new(),
        record: None,
        record_prev: None,
        details,
        private: None,
    };
    let read = Happened::PartRead {
        part: 1,
        kind: "testimony".into(),
    };
    assert_eq!(
        Happened::of(&ev(Kind::PartRead, read.details())),
        Some(read.clone())
    );
    let mut extra = read.details();
    extra["name"] = "scan.jpg".into();
    assert_eq!(
        Happened::of(&ev(Kind::PartRead, extra)),
        None,
        "a key added"
    );
    assert_eq!(
        Happened::of(&ev(Kind::PartRead, json!({"part": 1}))),
        None,
        "a key missing"
    );
    assert_eq!(
        Happened::of(&ev(
            Kind::PassphraseChanged,
            json!({"weak_passphrase": false})
        )),
        None,
        "weak_passphrase is written only as true"
    );
    assert_eq!(
        Happened::of(&ev(
            Kind::PassphraseChanged,
            json!({"weak_passphrase": true})
        )),
        Some(Happened::PassphraseChanged {
            weak_passphrase: true
        })
    );
}

#[test]
fn kept_details_are_the_objects_the_untyped_code_wrote() {
    let cases = [
        (
            Kept::IdentitySealed {
                identity_sealed_sha256: "ab".into(),
            },
            json!({ "identity_sealed_sha256": "ab" }),
        ),
        (
            Kept::PartRead {
                name: "scan.jpg".into(),
                to: "/tmp/out".into(),
            },
            json!({ "name": "scan.jpg", "to": "/tmp/out" }),
        ),
        (
            Kept::IdentityRead {
                record: "00ff".into(),
                part: 2,
                to: "standard output".into(),
            },
            json!({ "record": "00ff", "part": 2, "to": "standard output" }),
        ),
        (
            Kept::Contact {
                contact: "UN".into(),
            },
            json!({ "contact": "UN" }),
        ),
        (
            Kept::ContactAdded {
                name: "UN".into(),
                recipients: vec!["age1x".into()],
                signing_key: None,
            },
            json!({ "name": "UN", "recipients": ["age1x"], "signing_key": null }),
        ),
        (
            Kept::ContactRemoved { name: "UN".into() },
            json!({ "name": "UN" }),
        ),
    ];
    for (kept, old) in cases {
        assert_eq!(kept.value().to_string(), old.to_string(), "{kept:?}");
    }
}

#[test]
fn details_are_the_objects_the_untyped_code_wrote() {
    let part = PartFact {
        index: 0,
        kind: "testimony".into(),
        sha256: "ab".into(),
        size: 3,
    };
    let cases = [
        (
            Happened::RecordAdded {
                via: "add".into(),
                parts: AddedParts::Sealed("c2VhbGVk".into()),
            },
            json!({ "via": "add", "parts_sealed": "c2VhbGVk" }),
        ),
        (
            Happened::RecordAdded {
                via: "ingest".into(),
                parts: AddedParts::Listed(vec![part.clone()]),
            },
            json!({ "via": "ingest", "parts": [{"index": 0, "kind": "testimony", "size": 3, "sha256": "ab"}] }),
        ),
        (
            Happened::RecordExported {
                as_id: "01".into(),
                bundle: "02".into(),
                to: vec!["03".into()],
            },
            json!({ "as": "01", "bundle": "02", "to": ["03"] }),
        ),
        (
            Happened::VaultCreated {
                vault: "04".into(),
                collector: true,
                weak_passphrase: false,
            },
            json!({ "vault": "04", "collector": true }),
        ),
        (
            Happened::DuressSet {
                weak_passphrase: true,
            },
            json!({ "weak_passphrase": true }),
        ),
        (Happened::IdentityRead {}, json!({})),
        (
            Happened::KeysRotated {
                new_signer: "s".into(),
                new_fingerprint: "f".into(),
                new_recipient: None,
            },
            json!({ "new_signer": "s", "new_fingerprint": "f", "new_recipient": null }),
        ),
    ];
    for (happened, old) in cases {
        assert_eq!(
            happened.details().to_string(),
            old.to_string(),
            "{happened:?}"
        );
    }
}
