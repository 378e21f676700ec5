//! The testimony model (FORMAT.md 7.4): persons and roles, relations, consent and what
//! export does with it, status events, verification, transcripts and translations, from
//! the command line, in bundles, and in a vault of format 8.
use std::fs;

use serde_json::Value;

use crate::util::*;

pub(super) fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

/// A documenter's vault that knows a partner `P` (and a test key every bundle to it is also
/// sealed to, to read the bundle), and the partner's vault, which knows it as `HQ`.
pub(super) struct World {
    pub(super) hq: Env,
    pub(super) partner: Env,
    test_key: age::x25519::Identity,
}

impl World {
    pub(super) fn new() -> World {
        let (hq, partner) = (Env::new(), Env::new());
        let test_key = age::x25519::Identity::generate();
        let pk = json(&partner.ok(&["keys", "--json"]));
        let hk = json(&hq.ok(&["keys", "--json"]));
        hq.ok(&[
            "contact",
            "add",
            "P",
            "--recipient",
            pk["recipient"].as_str().unwrap(),
            "--recipient",
            &test_key.to_public().to_string(),
        ]);
        let sig = hk["signing_key"].as_str().unwrap();
        partner.ok(&["contact", "add", "HQ", "--signing-key", sig]);
        World {
            hq,
            partner,
            test_key,
        }
    }

    pub(super) fn export(&self, args: &[&str]) -> std::path::PathBuf {
        let out = self.hq.out(&format!("b{}.amanat", args.len()));
        let _ = fs::remove_file(&out);
        let mut a = vec!["export", "--to", "P", "-o", out.to_str().unwrap()];
        a.extend_from_slice(args);
        self.hq.ok(&a);
        out
    }

    /// The test key, as an age identity file holds it.
    pub(super) fn test_key_text(&self) -> String {
        use age::secrecy::ExposeSecret;
        format!("{}\n", self.test_key.to_string().expose_secret())
    }

    /// A bundle's tar, decrypted with the test key.
    pub(super) fn open(&self, bundle: &std::path::Path) -> Vec<u8> {
        bundle_tar(&age::decrypt(&self.test_key, &fs::read(bundle).unwrap()).unwrap())
    }

    /// The manifest of a bundle, read with the test key, with its records.
    pub(super) fn manifest(&self, bundle: &std::path::Path) -> Value {
        tar_manifest(&self.open(bundle))
    }
}

/// A testimony of witness W-1 about V-7, her brother, with a translation, whose consent
/// lets it go to contact `P` (added if the vault has none).
pub(super) fn add_described(env: &Env) -> String {
    if !String::from_utf8_lossy(&env.run(&["contact", "list"]).stdout).contains("P") {
        let r = age::x25519::Identity::generate().to_public().to_string();
        env.ok(&["contact", "add", "P", "--recipient", &r]);
    }
    let t = env.input("t.txt", "Менің інім 2018 жылы ұсталды.");
    let en = env.input("en.txt", "My brother was detained in 2018.");
    let id = env.add(&[
        "--title",
        "Brother",
        "--witness",
        "W-1",
        "--testimony",
        t.to_str().unwrap(),
        en.to_str().unwrap(),
        "--person",
        "V-7:victim",
        "--relation",
        "W-1:sibling:V-7",
        "--status",
        "V-7:detained:2018-04",
        "--consent",
        "share",
        "--share-with",
        "P",
        "--consent-how",
        "oral",
        "--consent-date",
        "2024-01-02",
        "--consent-by",
        "I-3",
    ]);
    env.ok(&[
        "case",
        "link",
        &id,
        "en.txt",
        "--translation-of",
        "testimony",
        "--language",
        "en",
        "--translator",
        "T-2",
    ]);
    id
}

#[test]
fn persons_relations_statuses_and_verification_are_shown_and_found() {
    let env = Env::new();
    let id = add_described(&env);
    let t = env.input("o.txt", "Another testimony.");
    let other = env.add(&[
        "--title",
        "Other",
        "--testimony",
        t.to_str().unwrap(),
        "--person",
        "V-7:victim",
        "--person",
        "W-9:witness,relative",
    ]);
    env.add(&["--title", "Unrelated", "--testimony", t.to_str().unwrap()]);
    env.ok(&[
        "case", "status", &other, "V-7", "released", "--date", "2020",
    ]);
    env.ok(&[
        "case",
        "verify",
        &id,
        "corroborated",
        "--by",
        "R-1",
        "--why",
        "two other accounts",
    ]);

    let show = env.ok(&["show", &id]);
    assert!(
        show.contains("\n    [1] attachment en.txt"),
        "grouped under [0]:\n{show}"
    );
    for line in [
        "persons:     V-7 (victim)",
        "relation:    W-1 is the sibling of V-7",
        "consent:     share (with P), given orally, 2024-01-02, by I-3",
        "verification: corroborated, by R-1, ",
        "      translation of [0], en, by T-2",
    ] {
        assert!(show.contains(line), "{line:?} in\n{show}");
    }
    // The timeline holds the person's events from every record, oldest first.
    let detained = show.find("2018-04    V-7: detained").expect(&show);
    let released = show.find("2020       V-7: released").expect(&show);
    assert!(detained < released, "{show}");
    let j = json(&env.ok(&["show", &id, "--json"]));
    assert_eq!(j["case"]["persons"][0]["code"], "V-7");
    assert_eq!(j["case"]["consent"]["scope"], "share");
    assert_eq!(j["case"]["verification"][0]["level"], "corroborated");
    assert_eq!(j["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(j["timeline"][1]["source"], other.as_str());
    assert_eq!(j["parts"][1]["of"]["kind"], "translation");
    assert_eq!(j["parts"][1]["of"]["of"], 0);
    let kinds: Vec<&str> = j["custody"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"record-described") && kinds.contains(&"verification-set"));

    // Found by any code it names, in any role; by level; by a person's latest status.
    assert_eq!(
        titles(&env, &["list", "--person", "V-7"]),
        ["Brother", "Other"]
    );
    assert_eq!(titles(&env, &["list", "--person", "W-1"]), ["Brother"]);
    assert_eq!(titles(&env, &["list", "--person", "W-9"]), ["Other"]);
    assert_eq!(titles(&env, &["search", "V-7"]), ["Brother", "Other"]);
    assert_eq!(titles(&env, &["search", "w-9"]), ["Other"]);
    // A translation is searched as the testimony is, once it is declared one.
    assert_eq!(titles(&env, &["search", "brother detained"]), ["Brother"]);
    assert_eq!(
        titles(&env, &["list", "--verification", "corroborated"]),
        ["Brother"]
    );
    assert_eq!(
        titles(&env, &["list", "--verification", "unverified"]),
        ["Other", "Unrelated"]
    );
    assert_eq!(
        titles(&env, &["list", "--status", "released"]),
        ["Brother", "Other"]
    );
    assert!(titles(&env, &["list", "--status", "detained"]).is_empty());
    env.ok(&["case", "status", &id, "V-7", "died", "--date", "2021-06-01"]);
    assert_eq!(
        titles(&env, &["list", "--status", "died"]),
        ["Brother", "Other"]
    );
    let l = json(&env.ok(&["list", "--json", "--person", "W-1"]));
    assert_eq!(l[0]["case"]["relations"][0]["kin"], "sibling");
    // A record without a case lists as it did.
    let l = json(&env.ok(&["list", "--json"]));
    let plain = l
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Unrelated");
    assert!(plain.unwrap().get("case").is_none());
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

#[test]
fn a_description_that_breaks_a_rule_is_refused_and_changes_nothing() {
    let env = Env::new();
    let id = add_described(&env);
    let t = env.input("x.txt", "x");
    let t = t.to_str().unwrap();
    let before = env.state();
    let log = env.ok(&["audit"]);
    let bad: Vec<Vec<&str>> = vec![
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--person",
            "V 7:victim",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--person",
            "V-7:hero",
        ],
        vec!["add", "--title", "x", "--testimony", t, "--person", "V-7"],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--person",
            "V-7:victim,victim",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--witness",
            "W-1",
            "--testimony",
            t,
            "--relation",
            "W-1:sibling:V-9",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--person",
            "V-7:victim",
            "--status",
            "V-7:detained:2018-13",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--person",
            "V-7:victim",
            "--status",
            "V-8:detained:2018",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "share",
            "--consent-how",
            "oral",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "archive",
            "--share-with",
            "P",
            "--consent-how",
            "oral",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "publish",
            "--consent-how",
            "oral",
            "--consent-date",
            "2024-02-30",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "publish",
            "--consent-how",
            "oral",
            "--consent-by",
            "I 3",
        ],
        vec!["case", "person", &id, "", "--role", "victim"],
        vec!["case", "relation", &id, "W-1", "sibling", "W-1"],
        vec!["case", "relation", &id, "W-1", "sibling", "V-7"],
        vec![
            "case",
            "status",
            &id,
            "V-7",
            "detained",
            "--date",
            "yesterday",
        ],
        vec!["case", "status", &id, "X-1", "detained", "--date", "2019"],
        vec![
            "case", "verify", &id, "verified", "--by", "R 1", "--why", "x",
        ],
        vec![
            "case", "verify", &id, "verified", "--by", "R-1", "--why", " ",
        ],
        vec![
            "case",
            "link",
            &id,
            "testimony",
            "--transcript-of",
            "testimony",
        ],
        vec!["case", "link", &id, "t.txt", "--transcript-of", "en.txt"],
        vec![
            "case",
            "link",
            &id,
            "nothing.txt",
            "--transcript-of",
            "testimony",
        ],
        vec!["consent", "set", &id, "share", "--how", "oral"],
        vec![
            "consent",
            "set",
            &id,
            "archive",
            "--how",
            "oral",
            "--share-with",
            "P",
        ],
    ];
    for args in &bad {
        let err = env.fails(args, 2);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(env.state(), before, "{args:?} changed the vault");
    }
    // What the argument parser refuses, with its usage.
    for args in [
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "publish",
        ],
        vec![
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "forever",
            "--consent-how",
            "oral",
        ],
        vec![
            "case",
            "link",
            &id,
            "en.txt",
            "--translation-of",
            "testimony",
        ],
        vec![
            "case", "verify", &id, "certain", "--by", "R-1", "--why", "x",
        ],
        vec!["list", "--status", "arrested"],
    ] {
        assert_eq!(env.run(&args).status.code(), Some(2), "{args:?}");
        assert_eq!(env.state(), before, "{args:?} changed the vault");
    }
    let missing = env.fails(&["consent", "set", "0000", "archive", "--how", "oral"], 1);
    assert!(missing.contains("no record"), "{missing}");
    assert_eq!(env.ok(&["audit"]), log, "nothing was logged");
    env.ok(&["check"]);
}

#[test]
fn export_sends_only_what_consent_covers_and_logs_an_override() {
    let w = World::new();
    let t = w.hq.input("t.txt", "testimony");
    let t = t.to_str().unwrap();
    let add = |title: &str, consent: &[&str]| {
        let mut a = vec!["--title", title, "--tag", "c", "--testimony", t];
        a.extend_from_slice(consent);
        w.hq.add(&a)
    };
    let q = age::x25519::Identity::generate().to_public().to_string();
    w.hq.ok(&["contact", "add", "Q", "--recipient", &q]);
    // Consent names contacts exactly, and a contact may not read as another.
    let err = w.hq.fails(&["contact", "add", "p", "--recipient", &q], 2);
    assert!(err.contains("reads as the contact \"P\""), "{err}");
    let err = w.hq.fails(
        &[
            "add",
            "--title",
            "x",
            "--testimony",
            t,
            "--consent",
            "share",
            "--share-with",
            "p",
            "--consent-how",
            "oral",
        ],
        2,
    );
    assert!(err.contains("not a contact"), "{err}");
    let shared = add(
        "Shared",
        &[
            "--consent",
            "share",
            "--share-with",
            "P",
            "--consent-how",
            "written",
        ],
    );
    let archive = add(
        "Archive only",
        &["--consent", "archive", "--consent-how", "oral"],
    );
    let elsewhere = add(
        "Other partner",
        &[
            "--consent",
            "share",
            "--share-with",
            "Q",
            "--consent-how",
            "guardian",
        ],
    );
    let anonymised = add(
        "Anonymised",
        &["--consent", "publish-anonymised", "--consent-how", "oral"],
    );
    add("Unrecorded", &[]);
    let log = w.hq.ok(&["audit"]);
    let out = w.hq.out("refused.amanat");
    let err = w.hq.fails(
        &[
            "export",
            "--to",
            "P",
            "--tag",
            "c",
            "-o",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("consent does not cover \"P\" for 2 records"),
        "{err}"
    );
    assert!(
        err.contains(&archive[..10]) && err.contains(&elsewhere[..10]),
        "{err}"
    );
    assert!(
        !err.contains(&shared[..10]) && !err.contains(&anonymised[..10]),
        "{err}"
    );
    assert!(!out.exists(), "no bundle is written");
    assert_eq!(w.hq.ok(&["audit"]), log, "nothing is logged");
    // Identities with consent to publish anonymised: refused too.
    let err = w.hq.fails(
        &[
            "export",
            "--to",
            "P",
            &anonymised,
            "--with-identities",
            "-o",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains(&anonymised[..10]), "{err}");
    // What consent covers goes, and the report counts what has none.
    let b = w.export(&[&shared, &anonymised]);
    assert!(b.exists());
    let o = w.hq.run(&[
        "export",
        "--to",
        "P",
        "--tag",
        "c",
        "--override-consent",
        " ",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "an override needs a reason");
    let r = json(&w.hq.ok(&[
        "export",
        "--to",
        "P",
        "--tag",
        "c",
        "--override-consent",
        "court order 17/2026",
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r["consent_overridden"].as_array().unwrap().len(), 2);
    assert_eq!(r["consent_unrecorded"], 1);
    // Each overridden record's chain logs it; the reason stays in the vault.
    let m = w.manifest(&out);
    let text = m.to_string();
    assert!(!text.contains("court order"), "the reason does not travel");
    let overridden: Vec<&Value> = m["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["custody"].as_array().unwrap().iter().any(|c| {
                c["event"]
                    .as_str()
                    .unwrap()
                    .contains("\"kind\":\"consent-overridden\"")
            })
        })
        .collect();
    assert_eq!(overridden.len(), 2);
    assert_eq!(m["version"], 6);
    let audit = w.hq.ok(&["audit"]);
    assert!(audit.contains("court order 17/2026"), "{audit}");
    // The partner takes them; consent to share with it does not cover sending them on.
    w.partner.ok(&["import", out.to_str().unwrap()]);
    let imported = json(&w.partner.ok(&["list", "--json"]));
    let s = imported
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Shared")
        .unwrap();
    assert_eq!(s["case"]["consent"]["scope"], "share");
    assert_eq!(s["case"]["consent"]["organisations"], serde_json::json!([]));
    let pk = json(&Env::new().ok(&["keys", "--json"]));
    w.partner.ok(&[
        "contact",
        "add",
        "Q",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
    ]);
    let on = w.partner.out("on.amanat");
    let id = s["id"].as_str().unwrap();
    let err = w
        .partner
        .fails(&["export", "--to", "Q", id, "-o", on.to_str().unwrap()], 2);
    assert!(err.contains("consent does not cover \"Q\""), "{err}");
    w.partner.ok(&["check"]);
}

#[test]
fn a_withdrawal_restricts_or_erases_and_is_logged() {
    let w = World::new();
    let t = w.hq.input("t.txt", "testimony");
    let t = t.to_str().unwrap();
    let kept = w.hq.add(&[
        "--title",
        "Kept",
        "--testimony",
        t,
        "--consent",
        "publish",
        "--consent-how",
        "oral",
    ]);
    let gone =
        w.hq.add(&["--title", "Gone", "--witness", "W-5", "--testimony", t]);
    w.hq.ok(&["consent", "withdraw", &kept, "--restrict", "--by", "I-3"]);
    let show = w.hq.ok(&["show", &kept]);
    assert!(
        show.contains("consent:     archive only, given orally, "),
        "{show}"
    );
    assert!(show.contains(", by I-3"), "{show}");
    assert!(
        show.contains("consent-withdrawn") || show.contains("consent withdrawn"),
        "{show}"
    );
    let out = w.hq.out("x.amanat");
    w.hq.fails(
        &["export", "--to", "P", &kept, "-o", out.to_str().unwrap()],
        2,
    );

    w.hq.ok(&["consent", "withdraw", &gone]);
    assert!(w.hq.fails(&["show", &gone], 1).contains("no record"));
    assert!(titles(&w.hq, &["list", "--person", "W-5"]).is_empty());
    let audit = w.hq.ok(&["audit"]);
    assert!(
        audit.contains("consent withdrawn; the record is erased"),
        "{audit}"
    );
    assert!(
        audit.contains("consent withdrawn; the record is kept in the archive only"),
        "{audit}"
    );
    w.hq.ok(&["audit", "--verify"]);
    w.hq.ok(&["check"]);
}

#[test]
fn a_bundle_carries_the_model_with_every_code_as_the_partners_pseudonym() {
    let w = World::new();
    let id = add_described(&w.hq);
    w.hq.ok(&[
        "case",
        "status",
        &id,
        "V-7",
        "sentenced",
        "--date",
        "2019",
        "--place",
        "held with W-1 in Ghulja",
    ]);
    w.hq.ok(&[
        "case",
        "verify",
        &id,
        "verified",
        "--by",
        "R-1",
        "--why",
        "V-7's sister W-1 and two neighbours",
    ]);
    let t = w.hq.input("o.txt", "other");
    let other = w.hq.add(&[
        "--title",
        "Second",
        "--testimony",
        t.to_str().unwrap(),
        "--person",
        "V-7:victim",
        "--consent",
        "publish",
        "--consent-how",
        "written",
    ]);
    let b = w.export(&[&id, &other]);
    let m = w.manifest(&b);
    assert_eq!(m["version"], 6);
    let text = m.to_string();
    for code in ["\"W-1\"", "\"V-7\"", "W-1 ", "V-7'"] {
        assert!(!text.contains(code), "{code} is in the manifest");
    }
    let recs = m["records"].as_array().unwrap();
    let first = recs.iter().find(|r| r["title"] == "Brother").unwrap();
    let second = recs.iter().find(|r| r["title"] == "Second").unwrap();
    let witness = first["witness"].as_str().unwrap();
    let victim = first["case"]["persons"][0]["code"].as_str().unwrap();
    assert!(victim.starts_with("P-") && witness.starts_with("P-"));
    assert_eq!(
        second["case"]["persons"][0]["code"], victim,
        "one person, one pseudonym"
    );
    assert_eq!(first["case"]["relations"][0]["person"], witness);
    assert_eq!(first["case"]["relations"][0]["of"], victim);
    assert_eq!(
        first["case"]["statuses"][1]["place"],
        format!("held with {witness} in Ghulja")
    );
    assert_eq!(
        first["case"]["verification"][0]["why"],
        format!("{victim}'s sister {witness} and two neighbours")
    );
    assert_eq!(
        first["case"]["consent"]["organisations"],
        serde_json::json!([])
    );
    assert_eq!(first["case"]["consent"]["recorded_by"], "I-3");
    assert_eq!(first["parts"][1]["of"]["part"], "t.txt");
    assert_eq!(first["parts"][1]["of"]["kind"], "translation");
    // The copy for stock tools says the same.
    let v = json(&w.partner.ok(&["verify", b.to_str().unwrap(), "--json"]));
    assert!(v["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["case"]["persons"][0]["code"] == victim));
    let verify = w.partner.ok(&["verify", b.to_str().unwrap()]);
    assert!(
        verify.contains(&format!(
            "persons: {victim}; consent: share; verification: verified"
        )),
        "{verify}"
    );
    w.partner.ok(&["import", b.to_str().unwrap()]);
    let l = json(&w.partner.ok(&["list", "--json", "--person", victim]));
    assert_eq!(l.as_array().unwrap().len(), 2);
    let pid = l
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Brother")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let show = w.partner.ok(&["show", &pid]);
    assert!(
        show.contains(&format!("{witness} is the sibling of {victim}")),
        "{show}"
    );
    assert!(show.contains("translation of [0], en, by T-2"), "{show}");
    assert!(
        show.contains(&format!(
            "{victim}: sentenced, held with {witness} in Ghulja"
        )),
        "{show}"
    );
    assert_eq!(
        titles(&w.partner, &["list", "--verification", "verified"]),
        ["Brother"]
    );
    assert_eq!(titles(&w.partner, &["search", "detained"]), ["Brother"]);
    w.partner.ok(&["check"]);
    w.partner.ok(&["audit", "--verify"]);
    // A bundle without any of it has no case in its record (and is version 6 as every
    // bundle export writes now).
    let t = w.hq.input("p.txt", "plain");
    let plain =
        w.hq.add(&["--title", "Plain", "--testimony", t.to_str().unwrap()]);
    let m = w.manifest(&w.export(&[&plain]));
    assert_eq!(m["version"], 6);
    assert!(m["records"][0].get("case").is_none(), "{m}");
}

#[test]
fn a_collector_records_consent_in_the_field_and_headquarters_enforces_it() {
    let hq = Env::new();
    let hk = json(&hq.ok(&["keys", "--json"]));
    let field = Env::bare();
    field.init_collector(&[hk["recipient"].as_str().unwrap()]);
    let t = field.input("t.txt", "collected");
    let id = field.add(&[
        "--title",
        "Collected",
        "--witness",
        "W-3",
        "--testimony",
        t.to_str().unwrap(),
        "--person",
        "V-2:victim",
        "--consent",
        "archive",
        "--consent-how",
        "guardian",
    ]);
    let err = field.fails(
        &[
            "case", "verify", &id, "verified", "--by", "R-1", "--why", "x",
        ],
        2,
    );
    assert!(err.contains("collector"), "{err}");
    let bundle = field.out("t.amanat");
    field.ok(&[
        "export",
        "--all",
        "-o",
        bundle.to_str().unwrap(),
        "--remove-after",
    ]);
    let fk = json(&field.ok(&["keys", "--json"]));
    hq.ok(&[
        "contact",
        "add",
        "Field",
        "--signing-key",
        fk["signing_key"].as_str().unwrap(),
    ]);
    hq.ok(&["import", bundle.to_str().unwrap()]);
    let show = hq.ok(&["show", &id]);
    assert!(show.contains("persons:     V-2 (victim)"), "{show}");
    assert!(
        show.contains("consent:     archive only, given through a guardian"),
        "{show}"
    );
    let pk = json(&Env::new().ok(&["keys", "--json"]));
    hq.ok(&[
        "contact",
        "add",
        "P",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
    ]);
    let out = hq.out("p.amanat");
    hq.fails(
        &["export", "--to", "P", &id, "-o", out.to_str().unwrap()],
        2,
    );
}

/// A vault and a bundle of format 8 (`tests/fixtures/vault-v8`): the vault moves to format
/// 9 at its first unlock (also when killed just before), its records have an empty case
/// and are found by their witness codes, and the bundle imports.
#[test]
fn a_vault_and_a_bundle_of_format_8_keep_working() {
    let env = unpacked_vault("tests/fixtures/vault-v8/vaults.tar.gz", "sender");
    let ids = json(
        &fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/vault-v8/ids.json"),
        )
        .unwrap(),
    );
    let detention = ids["detention"].as_str().unwrap();
    let version = || fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version(), "amanat-vault 8\n");
    killed_at(&env, "before-version-10", &["list"]);
    assert_eq!(version(), "amanat-vault 8\n", "killed before the move");
    killed_at(&env, "codes-batch", &["list"]);
    assert_eq!(version(), "amanat-vault 10\n");
    // Search finds the witness code of a record written before codes were searched.
    assert_eq!(
        titles(&env, &["search", "W-FIX8"]),
        ["Fixture eight, detention"]
    );
    assert_eq!(
        titles(&env, &["list", "--person", "W-FIX8"]),
        ["Fixture eight, detention"]
    );
    let j = json(&env.ok(&["show", detention, "--json"]));
    assert_eq!(j["case"]["persons"], serde_json::json!([]));
    assert!(j["case"]["consent"].is_null());
    env.ok(&["case", "person", detention, "V-8", "--role", "victim"]);
    env.ok(&[
        "consent",
        "set",
        detention,
        "share",
        "--share-with",
        "Partner",
        "--how",
        "written",
    ]);
    assert_eq!(
        titles(&env, &["search", "v-8"]),
        ["Fixture eight, detention"]
    );
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
    // The partner's vault of format 8 imports the bundle of format 8 (manifest version 1).
    let partner = unpacked_vault("tests/fixtures/vault-v8/vaults.tar.gz", "partner");
    let bundle = partner.root().join("bundle.amanat");
    partner.ok(&["import", bundle.to_str().unwrap()]);
    assert_eq!(titles(&partner, &["list"]), ["Fixture eight, detention"]);
    partner.ok(&["check"]);
}

/// A keyword of the model is worded in the user's language in `show`.
#[test]
fn the_model_is_shown_in_the_users_language() {
    let env = Env::new();
    let id = add_described(&env);
    let o = env
        .cmd()
        .args(["--lang", "ru", "show", &id])
        .output()
        .unwrap();
    let show = String::from_utf8(o.stdout).unwrap();
    assert!(o.status.success());
    for english in [
        "victim",
        "sibling",
        "given orally",
        "translation of",
        "persons:",
        "consent:",
    ] {
        assert!(!show.contains(english), "{english:?} in\n{show}");
    }
    assert!(show.contains("V-7") && show.contains("W-1"), "{show}");
}

/// `ingest` reads the model as `show --json` prints it, and refuses a line that breaks a
/// rule while taking the others.
#[test]
fn ingest_takes_the_case_show_prints() {
    let env = Env::new();
    let id = add_described(&env);
    let case = json(&env.ok(&["show", &id, "--json"]))["case"].clone();
    let t = env.input("t2.txt", "second");
    let mut bad = case.clone();
    bad["relations"][0]["of"] = serde_json::json!("V-404");
    let lines = [
        serde_json::json!({"title": "Ingested", "witness": "W-1", "testimony": t, "case": case}),
        serde_json::json!({"title": "Broken", "witness": "W-1", "testimony": t, "case": bad}),
    ]
    .iter()
    .map(|l| l.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let file = env.input("in.jsonl", lines);
    let o = env.run(&["ingest", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2") && err.contains("relation"), "{err}");
    assert_eq!(
        titles(&env, &["list", "--person", "V-7"]),
        ["Brother", "Ingested"]
    );
    let l = json(&env.ok(&[
        "list",
        "--json",
        "--verification",
        "unverified",
        "--person",
        "V-7",
    ]));
    let ingested = l
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Ingested")
        .unwrap();
    assert_eq!(ingested["case"]["consent"], case["consent"]);
}

/// What an outside review of the model found, each closed: an override travels only in its
/// own bundle; codes are replaced as whole words in any case, translators too; consent that
/// arrived in a bundle or was withdrawn can only be narrowed; codes of a partner's form and
/// dates after today are refused; images with their metadata need more than consent to
/// publish anonymised; a withdrawal names the testifier's other records.
#[test]
fn what_the_review_found_stays_closed() {
    let w = World::new();
    let q = age::x25519::Identity::generate().to_public().to_string();
    w.hq.ok(&["contact", "add", "Q", "--recipient", &q]);
    let t = w.hq.input("t.txt", "testimony");
    let en = w.hq.input("en.txt", "translation");
    let id = w.hq.add(&[
        "--title",
        "Interview in Ghulja with w-1",
        "--witness",
        "ja",
        "--place",
        "Ghulja",
        "--testimony",
        t.to_str().unwrap(),
        en.to_str().unwrap(),
        "--person",
        "W-1:witness",
        "--consent",
        "share",
        "--share-with",
        "P",
        "--consent-how",
        "oral",
    ]);
    w.hq.ok(&[
        "case",
        "link",
        &id,
        "en.txt",
        "--translation-of",
        "testimony",
        "--language",
        "en",
        "--translator",
        "W-1",
    ]);
    // To Q against consent, then to P, which consent covers: P's bundle says nothing of Q's.
    let to_q = w.hq.out("q.amanat");
    w.hq.ok(&[
        "export",
        "--to",
        "Q",
        &id,
        "--override-consent",
        "lawyer",
        "-o",
        to_q.to_str().unwrap(),
    ]);
    let m = w.manifest(&w.export(&[&id]));
    let kinds: Vec<String> = m["records"][0]["custody"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json(c["event"].as_str().unwrap())["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(
        !kinds.iter().any(|k| k == "consent-overridden"),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "record-exported").count(),
        1,
        "{kinds:?}"
    );
    w.hq.ok(&["audit", "--verify"]);
    let r = &m["records"][0];
    let witness = r["witness"].as_str().unwrap();
    let w1 = r["case"]["persons"][0]["code"].as_str().unwrap();
    assert_eq!(
        r["place"], "Ghulja",
        "the code ja is a word, not a part of one"
    );
    assert_eq!(
        r["title"],
        format!("Interview in Ghulja with {w1}"),
        "w-1 is W-1"
    );
    assert!(witness.starts_with("P-") && w1.starts_with("P-"));
    assert_eq!(r["parts"][1]["of"]["translator"], w1);
    // The partner cannot widen consent it received; a withdrawn one stays narrow.
    w.partner
        .ok(&["import", w.export(&[&id]).to_str().unwrap()]);
    let pid = json(&w.partner.ok(&["list", "--json"]))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.partner.ok(&["contact", "add", "Q", "--recipient", &q]);
    let err = w.partner.fails(
        &[
            "consent",
            "set",
            &pid,
            "share",
            "--share-with",
            "Q",
            "--how",
            "written",
        ],
        2,
    );
    assert!(err.contains("partner's bundle"), "{err}");
    w.partner
        .ok(&["consent", "set", &pid, "archive", "--how", "written"]);
    w.hq.ok(&["consent", "withdraw", &id, "--restrict"]);
    let err =
        w.hq.fails(&["consent", "set", &id, "publish", "--how", "oral"], 2);
    assert!(err.contains("withdrew"), "{err}");
    // Codes of a partner's form, dates after today.
    for bad in [
        vec!["case", "person", &id, "P-ABCDEFGH12", "--role", "victim"],
        vec!["case", "status", &id, "W-1", "released", "--date", "2999"],
    ] {
        w.hq.fails(&bad, 2);
    }
    let err = w.hq.fails(
        &[
            "add",
            "--title",
            "x",
            "--witness",
            "P-0123456789",
            "--testimony",
            t.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("pseudonym"), "{err}");
    // Consent to publish anonymised does not cover images with their metadata.
    let anon = w.hq.add(&[
        "--title",
        "anon",
        "--testimony",
        t.to_str().unwrap(),
        "--consent",
        "publish-anonymised",
        "--consent-how",
        "oral",
    ]);
    let out = w.hq.out("k.amanat");
    w.hq.fails(
        &[
            "export",
            "--to",
            "P",
            &anon,
            "--keep-metadata",
            "-o",
            out.to_str().unwrap(),
        ],
        2,
    );
    // A withdrawal is of one record, and says so.
    let other = w.hq.add(&[
        "--title",
        "second",
        "--witness",
        "W-77",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let third = w.hq.add(&[
        "--title",
        "third",
        "--witness",
        "W-77",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let o = w.hq.run(&["consent", "withdraw", &other]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("one other record of witness W-77"), "{err}");
    assert_eq!(titles(&w.hq, &["list", "--witness", "W-77"]), ["third"]);
    let _ = third;
}
