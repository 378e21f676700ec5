//! Witness identities sealed apart, and collector mode.
use std::fs;

use crate::util::*;

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

fn keys(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

/// No file below the vault (and its keyring) contains any marker.
fn assert_no_marker_on_disk(env: &Env, markers: &[&str]) {
    for f in files_below(&env.vault) {
        let b = fs::read(&f).unwrap();
        for m in markers {
            assert!(!contains(&b, m.as_bytes()), "{m} found in {}", f.display());
        }
    }
}

fn assert_no_marker_in(out: &std::process::Output, markers: &[&str]) {
    for m in markers {
        assert!(
            !contains(&out.stdout, m.as_bytes()) && !contains(&out.stderr, m.as_bytes()),
            "{m} in output"
        );
    }
}

#[test]
fn identity_stays_sealed_to_an_off_device_custodian() {
    let custodian = age::x25519::Identity::generate();
    let env = Env::bare();
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--identity-recipient",
        &custodian.to_public().to_string(),
    ]);
    let who = env.input("who.txt", "Name: MKIDNAME Nurlanovna, phone MKIDPHONE");
    let t = env.input("t.txt", "testimony text");
    let o = env.run(&[
        "add",
        "--title",
        "Testimony",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let id = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    let err = String::from_utf8(o.stderr).unwrap();
    let code = err
        .split_whitespace()
        .find(|w| w.starts_with("W-"))
        .expect("a random witness code on stderr")
        .to_owned();
    assert_eq!(code.len(), 8);
    // Linked by the code, listed by it.
    assert!(env.ok(&["list", "--witness", &code]).contains(&id[..10]));
    // The part cannot be opened here, and says so.
    let err = env.fails(&["get", &id, "identity", "-o", "-"], 2);
    assert!(
        err.contains("identity custodians") && err.contains("not hold"),
        "{err}"
    );
    let markers = ["MKIDNAME", "MKIDPHONE"];
    assert_no_marker_on_disk(&env, &markers);
    for args in [
        vec!["list", "--json"],
        vec!["show", &id, "--json"],
        vec!["search", "mkidname"],
        vec!["check", "--json"],
    ] {
        assert_no_marker_in(&env.run(&args), &markers);
    }
    assert_eq!(
        env.run(&["search", "MKIDNAME"]).status.code(),
        Some(1),
        "identities are not searchable"
    );
    // The identity's file name is not kept either.
    assert!(!env.ok(&["show", &id]).contains("who.txt"));
    env.ok(&["check"]);
}

#[test]
fn a_custodian_device_reads_the_identity_and_ingest_takes_identities_too() {
    let env = Env::new();
    env.input("who.txt", "Name: Aigul");
    env.input("t.txt", "words");
    let f = env.input(
        "b.jsonl",
        "{\"title\": \"x\", \"testimony\": \"t.txt\", \"identity\": \"who.txt\"}\n",
    );
    let o = env.run(&["ingest", f.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("witness code W-"));
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    let id = v[0]["id"].as_str().unwrap();
    assert!(v[0]["witness"].as_str().unwrap().starts_with("W-"));
    assert_eq!(env.ok(&["get", id, "identity", "-o", "-"]), "Name: Aigul");
    // Exports leave it out unless asked for.
    let partner = partner_p(&env);
    let plain = export_all_to_p(&env, &partner, "b.amanat", &[]);
    assert!(!contains(&plain, b"Aigul"));
    // Identity parts go only where the testifier's recorded consent says so.
    let b2 = env.out("b2.amanat");
    let err = env.fails(
        &[
            "export",
            "--to",
            "P",
            "--all",
            "--with-identities",
            "-o",
            b2.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("consent does not cover") && !b2.exists(),
        "{err}"
    );
    env.ok(&["consent", "set", id, "publish", "--how", "written"]);
    let plain = export_all_to_p(&env, &partner, "b2.amanat", &["--with-identities"]);
    assert!(contains(&plain, b"Aigul") && contains(&plain, b"\"identities_included\": true"));
    // A partner vault imports it sealed to its own custodians.
    let pv = Env::new();
    let pr = keys(&pv)["recipient"].as_str().unwrap().to_owned();
    env.ok(&["contact", "add", "PV", "--recipient", &pr]);
    pv.ok(&[
        "contact",
        "add",
        "S",
        "--signing-key",
        keys(&env)["signing_key"].as_str().unwrap(),
    ]);
    let b3 = env.out("b3.amanat");
    env.ok(&[
        "export",
        "--to",
        "PV",
        "--all",
        "--with-identities",
        "-o",
        b3.to_str().unwrap(),
    ]);
    pv.ok(&["import", b3.to_str().unwrap(), "--from", "S"]);
    let pl: serde_json::Value = serde_json::from_str(&pv.ok(&["list", "--json"])).unwrap();
    assert_eq!(
        pv.ok(&["get", pl[0]["id"].as_str().unwrap(), "identity", "-o", "-"]),
        "Name: Aigul"
    );
    assert_no_marker_on_disk(&pv, &["Aigul"]);
    let too_big = env.input("big-id.txt", vec![b'x'; 20_000]);
    assert!(env
        .fails(
            &[
                "add",
                "--title",
                "x",
                "--identity",
                too_big.to_str().unwrap()
            ],
            2
        )
        .contains("identity is larger"));
}

/// HQ and a collector that seals to HQ.
pub(crate) fn hq_and_collector() -> (Env, Env) {
    let hq = Env::new();
    let collector = Env::bare();
    let r = keys(&hq)["recipient"].as_str().unwrap().to_owned();
    collector.init_collector(&[&r]);
    let sk = keys(&collector)["signing_key"].as_str().unwrap().to_owned();
    hq.ok(&["contact", "add", "field-1", "--signing-key", &sk]);
    (hq, collector)
}

const MARKERS: &[&str] = &[
    "MKCTITLE",
    "MKCTAG",
    "MKCPLACE",
    "MKCNOTE",
    "MKCWIT",
    "MKCTEXT",
    "MKCATTNAME",
    "MKCATTBODY",
    "MKCIDENT",
];

pub(crate) fn collect(collector: &Env) -> (String, Vec<u8>) {
    let t = collector.input("t.txt", "testimony MKCTEXT spoken");
    let big: Vec<u8> = b"MKCATTBODY"
        .iter()
        .cycle()
        .take(400_000)
        .copied()
        .collect();
    let a = collector.input("MKCATTNAME.wav", &big);
    let who = collector.input("who.txt", "MKCIDENT");
    let id = collector.add(&[
        "--title",
        "MKCTITLE",
        "--tag",
        "MKCTAG",
        "--place",
        "MKCPLACE",
        "--note",
        "MKCNOTE",
        "--witness",
        "MKCWIT",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    (id, big)
}

#[test]
fn a_collector_reveals_nothing_of_what_it_collected() {
    let (_hq, collector) = hq_and_collector();
    let (id, _) = collect(&collector);
    let f = collector.input(
        "b.jsonl",
        "{\"title\": \"MKCTITLE 2\", \"testimony\": \"t.txt\"}\n",
    );
    collector.ok(&["ingest", f.to_str().unwrap()]);
    assert_no_marker_on_disk(&collector, MARKERS);
    let list = collector.ok(&["list"]);
    assert!(
        list.contains(&id[..10]) && list.contains("bytes sealed"),
        "{list}"
    );
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["keys"],
        vec!["check"],
        vec!["show", &id],
        vec!["get", &id, "testimony", "-o", "-"],
        vec!["search", "mkctext"],
        vec!["get", &id, "identity", "-o", "-"],
    ] {
        let o = collector.run(&args);
        assert_no_marker_in(&o, MARKERS);
    }
    for args in [vec!["show", &id], vec!["search", "x"]] {
        let err = collector.fails(&args, 2);
        assert!(err.contains("collector"), "{err}");
    }
    let err = collector.fails(&["get", &id, "testimony", "-o", "-"], 2);
    assert!(err.contains("collector"), "{err}");
    let k = keys(&collector);
    assert!(k["recipient"].is_null() && k["collector"] == true);
}

#[test]
fn hq_reads_everything_after_the_transfer_and_remove_after_leaves_nothing() {
    let (hq, collector) = hq_and_collector();
    let (id, big) = collect(&collector);
    let b = collector.out("transfer.amanat");
    collector.ok(&[
        "export",
        "--all",
        "-o",
        b.to_str().unwrap(),
        "--remove-after",
    ]);
    // Nothing of those records is left on the collector.
    assert_eq!(collector.run(&["list"]).status.code(), Some(1));
    assert!(files_below(&collector.vault.join("objects")).is_empty());
    assert_no_marker_on_disk(&collector, MARKERS);
    // HQ verifies, then imports: same id, readable, searchable, identity included.
    let out = hq.ok(&["verify", b.to_str().unwrap(), "--from", "field-1"]);
    assert!(out.contains("MKCTITLE"), "{out}");
    hq.ok(&["import", b.to_str().unwrap(), "--from", "field-1"]);
    assert_eq!(
        hq.ok(&["get", &id, "testimony", "-o", "-"]),
        "testimony MKCTEXT spoken"
    );
    let out = hq.out("a.wav");
    hq.ok(&["get", &id, "MKCATTNAME.wav", "-o", out.to_str().unwrap()]);
    assert_eq!(fs::read(&out).unwrap(), big);
    assert_eq!(hq.ok(&["get", &id, "identity", "-o", "-"]), "MKCIDENT");
    assert!(hq.ok(&["search", "mkctext"]).contains(&id[..10]));
    assert!(hq.ok(&["list", "--witness", "MKCWIT"]).contains(&id[..10]));
    assert!(hq.ok(&["show", &id]).contains("from field-1"));
    hq.ok(&["check"]);
    // Twice adds nothing.
    let before = hq.state();
    hq.ok(&["import", b.to_str().unwrap(), "--from", "field-1"]);
    assert_eq!(hq.state(), before);
}

#[test]
fn a_transfer_not_sealed_to_this_vault_is_rejected() {
    let (_hq, collector) = hq_and_collector();
    collect(&collector);
    let b = collector.out("transfer.amanat");
    collector.ok(&["export", "--all", "-o", b.to_str().unwrap()]);
    assert!(
        collector.ok(&["list"]).contains("bytes sealed"),
        "without --remove-after the records stay"
    );
    let other = Env::new();
    let sk = keys(&collector)["signing_key"].as_str().unwrap().to_owned();
    other.ok(&["contact", "add", "field-1", "--signing-key", &sk]);
    let err = other.fails(&["import", b.to_str().unwrap(), "--from", "field-1"], 1);
    assert!(err.contains("not encrypted to this vault"), "{err}");
    // Options that need reading are refused on a collector.
    let err = collector.fails(&["export", "--to", "x", "--all", "-o", "/tmp/never"], 2);
    assert!(err.contains("transfer bundles"), "{err}");
    let err = collector.fails(
        &[
            "export",
            "--tag",
            "x",
            "-o",
            collector.out("t.amanat").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("cannot read tags"), "{err}");
}

/// An identity part is found by its place in the record, not by a name: an attachment may be
/// called what the identity's index is ("2" here) without making an export with identities
/// take it for a damaged identity (found by an attack in session 11).
#[test]
fn an_attachment_named_like_the_identitys_index_does_not_stop_an_export_with_identities() {
    let env = Env::new();
    let t = env.input("t.txt", "words of the testimony");
    let two = env.input("2", "an attachment that happens to be called 2");
    let who = env.input("who.txt", "Name: Gulnar");
    let id = env.add(&[
        "--title",
        "x",
        "--testimony",
        t.to_str().unwrap(),
        two.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
    ]);
    let partner = partner_p(&env);
    env.ok(&[
        "consent",
        "set",
        &id,
        "share",
        "--share-with",
        "P",
        "--how",
        "oral",
    ]);
    let plain = export_all_to_p(&env, &partner, "b.amanat", &["--with-identities"]);
    assert!(contains(&plain, b"Name: Gulnar") && contains(&plain, b"happens to be called 2"));
}

/// A partner "P" of `env` whose key the test holds.
fn partner_p(env: &Env) -> age::x25519::Identity {
    let partner = age::x25519::Identity::generate();
    env.ok(&[
        "contact",
        "add",
        "P",
        "--recipient",
        &partner.to_public().to_string(),
    ]);
    partner
}

/// The plaintext of `export --to P --all` (with `extra` flags) to the file `name`.
fn export_all_to_p(
    env: &Env,
    partner: &age::x25519::Identity,
    name: &str,
    extra: &[&str],
) -> Vec<u8> {
    let b = env.out(name);
    let mut args = vec!["export", "--to", "P", "--all", "-o", b.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.ok(&args);
    bundle_tar(&age::decrypt(partner, &fs::read(&b).unwrap()).unwrap())
}
