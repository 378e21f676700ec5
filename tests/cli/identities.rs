//! One identity part per person (FORMAT.md 7.1, 7.4, 13.4): who each person a record
//! names is, sealed to the identity custodians, and sent to a partner only under the
//! partner's pseudonym for that person.
use std::fs;
use std::io::Read;

use crate::case::{json, World};
use crate::util::*;

/// The paths and bytes of a bundle's tar, read with the world's test key.
fn bundle_files(w: &World, b: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let tar = w.open(b);
    let mut a = tar::Archive::new(&tar[..]);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (path, bytes)
        })
        .collect()
}

#[test]
fn each_person_has_an_identity_sealed_apart_and_sent_under_a_pseudonym() {
    let w = World::new();
    let t = w.hq.input("t2.txt", "Апам мен інім туралы.");
    let who_w = w.hq.input("w.txt", "MKWITNESSNAME +7 700 000");
    let who_v = w.hq.input("v.txt", "MKVICTIMNAME born 1980 in Ghulja");
    let two = w.hq.add(&[
        "--title",
        "Two identities",
        "--witness",
        "W-1",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who_w.to_str().unwrap(),
        "--person",
        "V-7:victim",
        "--identity-of",
        &format!("V-7={}", who_v.display()),
        "--consent",
        "share",
        "--share-with",
        "P",
        "--consent-how",
        "written",
    ]);
    let show = w.hq.ok(&["show", &two]);
    assert!(show.contains("identity-V-7"), "{show}");
    assert_eq!(
        w.hq.ok(&["get", &two, "identity-V-7", "-o", "-"]),
        "MKVICTIMNAME born 1980 in Ghulja"
    );
    assert_eq!(
        w.hq.ok(&["get", &two, "identity", "-o", "-"]),
        "MKWITNESSNAME +7 700 000"
    );
    // The body the vault's key opens holds neither identity: only the custodians' seal.
    let listed = w.hq.ok(&["show", &two, "--json"]);
    assert!(!listed.contains("MKVICTIMNAME") && !listed.contains("MKWITNESSNAME"));
    // Without --with-identities neither goes out; with it, the person's goes under the
    // partner's pseudonym, in the manifest and in the tar's paths.
    let plain = w.export(&[&two]);
    let files = bundle_files(&w, &plain);
    assert!(files
        .iter()
        .all(|(p, b)| !p.contains("identity")
            && !String::from_utf8_lossy(b).contains("MKVICTIMNAME")));
    let b = w.export(&[&two, "--with-identities"]);
    let m = w.manifest(&b);
    let rec = &m["records"][0];
    let victim = rec["case"]["persons"][0]["code"].as_str().unwrap();
    let names: Vec<&str> = rec["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"identity"), "{names:?}");
    assert!(
        names.contains(&format!("identity-{victim}").as_str()),
        "{names:?}"
    );
    let files = bundle_files(&w, &b);
    assert!(
        files.iter().all(|(p, _)| !p.contains("V-7")),
        "a local code went out"
    );
    w.partner.ok(&["import", b.to_str().unwrap()]);
    let l = json(&w.partner.ok(&["list", "--json", "--person", victim]));
    let pid = l[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        w.partner
            .ok(&["get", &pid, &format!("identity-{victim}"), "-o", "-"]),
        "MKVICTIMNAME born 1980 in Ghulja"
    );
    w.partner.ok(&["check"]);
    // An identity of no one the record names, of its witness, twice, or badly written is
    // refused, and the vault is as it was.
    let before = w.hq.state();
    let file = format!("V-7={}", who_v.display());
    let bad: [&[&str]; 4] = [
        &["--identity-of", &format!("V-9={}", who_v.display())],
        &["--witness", "V-7", "--identity-of", &file],
        &["--identity-of", &file, "--identity-of", &file],
        &["--identity-of", "V-7"],
    ];
    for extra in bad {
        let mut a = vec!["add", "--title", "Bad", "--person", "V-7:victim"];
        a.extend_from_slice(extra);
        let err = w.hq.fails(&a, 2);
        assert!(
            err.contains("not a person") || err.contains("CODE=FILE"),
            "{err}"
        );
    }
    assert!(w.hq.state() == before, "a refused add changed the vault");
}

#[test]
fn ingest_takes_each_persons_identity() {
    let env = Env::new();
    env.input("v.txt", "MKVICTIM2");
    env.input("t.txt", "text");
    let line = serde_json::json!({
        "title": "Ingested",
        "witness": "W-2",
        "testimony": "t.txt",
        "identities": {"V-8": "v.txt"},
        "case": {"persons": [{"code": "V-8", "roles": ["victim"]}]}
    });
    let file = env.input("in.jsonl", format!("{line}\n"));
    env.ok(&["ingest", file.to_str().unwrap(), "--strict"]);
    let l = json(&env.ok(&["list", "--json", "--person", "V-8"]));
    let id = l[0]["id"].as_str().unwrap();
    assert_eq!(env.ok(&["get", id, "identity-V-8", "-o", "-"]), "MKVICTIM2");
    // A missing identity file stops a strict ingest before anything is written.
    let before = env.state();
    let line = serde_json::json!({
        "title": "Missing",
        "identities": {"V-8": "absent.txt"},
        "case": {"persons": [{"code": "V-8", "roles": ["victim"]}]}
    });
    let file = env.input("bad.jsonl", format!("{line}\n"));
    env.fails(&["ingest", file.to_str().unwrap(), "--strict"], 2);
    assert!(env.state() == before);
    // Every rule add keeps is checked for every line before a strict ingest writes any: two
    // parts of one name, or an identity too large, on line 300 leave nothing behind.
    env.input("big.txt", vec![b'x'; 20_000]);
    fs::create_dir_all(env.root().join("in/a")).unwrap();
    fs::create_dir_all(env.root().join("in/b")).unwrap();
    env.input("a/x.txt", "a");
    env.input("b/x.txt", "b");
    let last = [
        serde_json::json!({"title": "Last", "attachments": ["a/x.txt", "b/x.txt"]}),
        serde_json::json!({"title": "Last", "identity": "big.txt"}),
    ];
    for last in last {
        let mut text = String::new();
        for i in 0..299 {
            text.push_str(&format!(
                "{}\n",
                serde_json::json!({"title": format!("R{i}"), "testimony": "t.txt"})
            ));
        }
        text.push_str(&format!("{last}\n"));
        let file = env.input("late.jsonl", text);
        let err = env.fails(&["ingest", file.to_str().unwrap(), "--strict"], 2);
        assert!(err.contains("line 300"), "{err}");
        assert!(
            env.state() == before,
            "a strict ingest wrote before it failed"
        );
    }
    // A scan of an identity card is no identity part: its name is free.
    let card = env.input("identity-card.jpg.txt", "a card");
    env.add(&["--title", "Card", card.to_str().unwrap()]);
}
