//! Golden vectors of format 4, frozen before the code was moved into layers
//! (tests/fixtures/golden-v4, made by its `make.sh`): a sender vault whose custody log holds
//! an event of every kind, a partner vault, a partner bundle and a transfer bundle. Whatever
//! the code's shape, they must open, verify and import, and every event must parse and
//! serialize back to the exact bytes that were signed.
use crate::util::{unlocked, unpacked_vault, Env};
use std::fs;
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-v4")
}

fn ids() -> serde_json::Value {
    serde_json::from_slice(&fs::read(golden().join("ids.json")).unwrap()).unwrap()
}

fn id(name: &str) -> String {
    ids()[name].as_str().unwrap().to_owned()
}

/// A world whose vault is the golden vault `name` ("sender" or "partner"), unpacked with
/// the system's `tar`.
fn golden_vault(name: &str) -> Env {
    unpacked_vault(&format!("tests/fixtures/golden-v4/{name}.tar.gz"), name)
}

/// The events of the sender's log, in order, as the exact text that was signed.
fn logged_events(env: &Env) -> Vec<String> {
    let v = unlocked(env);
    (0..amanat::vault::custody::tamper::len(&v))
        .map(|seq| amanat::vault::custody::tamper::event_text(&v, seq))
        .collect()
}

const KINDS: [&str; 15] = [
    "vault-created",
    "record-added",
    "part-read",
    "identity-read",
    "record-removed",
    "record-exported",
    "record-imported",
    "record-resealed",
    "bundle-exported",
    "bundle-imported",
    "contact-added",
    "contact-removed",
    "passphrase-changed",
    "keys-rotated",
    "duress-set",
];

/// `events.json`: the first event of every kind in the sender's log, as signed. Written
/// once with `AMANAT_WRITE_GOLDEN=1`, then only compared.
#[test]
fn every_event_kind_reads_back_byte_for_byte() {
    let env = golden_vault("sender");
    let events = logged_events(&env);
    let path = golden().join("events.json");
    if std::env::var_os("AMANAT_WRITE_GOLDEN").is_some() {
        let mut firsts = serde_json::Map::new();
        for text in &events {
            let kind = serde_json::from_str::<serde_json::Value>(text).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned();
            firsts.entry(kind).or_insert_with(|| text.clone().into());
        }
        let out = serde_json::to_string_pretty(&firsts).unwrap() + "\n";
        fs::write(&path, out).unwrap();
    }
    let firsts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(firsts.len(), KINDS.len(), "one event of every kind");
    for kind in KINDS {
        let text = firsts[kind].as_str().unwrap();
        assert!(
            events.iter().any(|e| e == text),
            "{kind} is in the log as signed"
        );
    }
    for text in &events {
        let ev = amanat::vault::custody::Event::parse(text).expect("every logged event parses");
        assert_eq!(
            &serde_json::to_string(&ev).unwrap(),
            text,
            "an event serializes back to the bytes that were signed"
        );
        // The typed event the writing code builds gives the same details, so an event
        // written now is the bytes one written before the types were.
        let happened = amanat::vault::custody::Happened::of(&ev)
            .unwrap_or_else(|| panic!("{} reads as a typed event", ev.kind));
        assert_eq!(happened.kind().as_str(), ev.kind);
        let mut again = ev.clone();
        again.details = happened.details();
        assert_eq!(&serde_json::to_string(&again).unwrap(), text, "{}", ev.kind);
    }
    // Exit 0: every link and signature of the golden log checks.
    env.ok(&["audit", "--verify"]);
}

#[test]
fn the_golden_vault_opens_and_reads() {
    let env = golden_vault("sender");
    let version = fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version.trim(), "amanat-vault 4");
    let one = id("one");
    assert_eq!(
        env.ok(&["get", &one, "testimony", "-o", "-"]),
        "Golden one: the testimony of W-GOLD1, in Kazakh: Мен 2019 жылы ұсталдым.\n"
    );
    assert_eq!(
        env.ok(&["get", &one, "identity", "-o", "-"]),
        "Name: Golden Witness\n"
    );
    assert_eq!(
        env.ok(&["get", &one, "1", "-o", "-"]),
        "g".repeat(70_000),
        "the attachment, an object file"
    );
    let listed = env.ok(&["list", "--json"]);
    for name in ["one", "two", "field_one"] {
        assert!(listed.contains(&id(name)), "{name} is listed");
    }
    assert!(!listed.contains(&id("removed")));
    assert!(env.ok(&["search", "ұсталдым"]).contains(&one[..10]));
    env.ok(&["check"]);
}

#[test]
fn the_golden_partner_bundle_verifies_and_imports() {
    let env = golden_vault("partner");
    let bundle = golden().join("partner.amanat");
    let b = bundle.to_str().unwrap();
    let report = env.ok(&["verify", "--from", "Sender", b]);
    assert!(report.contains("Golden one"), "{report}");
    env.ok(&["import", "--from", "Sender", b]);
    let listed = env.ok(&["list", "--json"]);
    assert!(listed.contains("Golden one") && listed.contains("Golden two"));
    let list: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let one = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Golden one")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(env
        .ok(&["get", &one, "testimony", "-o", "-"])
        .starts_with("Golden one: the testimony"));
    env.ok(&["audit", "--verify"]);
}

#[test]
fn the_golden_transfer_bundle_imports_into_its_headquarters() {
    let env = golden_vault("sender");
    let bundle = golden().join("transfer.amanat");
    env.ok(&["import", bundle.to_str().unwrap()]);
    assert_eq!(
        env.ok(&["get", &id("field_two"), "testimony", "-o", "-"]),
        "Field two.\n"
    );
    env.ok(&["audit", "--verify"]);
}
