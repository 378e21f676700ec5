//! Chain of custody: every operation is logged, the log verifies, any edit of it is found,
//! and a record's custody travels with it from vault to vault.
use std::collections::BTreeSet;
use std::fs;
use std::process::Command;

use amanat::format::keyring::Passphrase;
use amanat::vault::custody::tamper;
use amanat::{LockedVault, Vault, VaultPaths};

use crate::common::copy_dir;
use crate::util::{Env, PASS};

fn json(env: &Env, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&env.ok(args)).unwrap()
}

fn kinds(env: &Env) -> Vec<String> {
    json(env, &["audit", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// Opens the vault in-process, as an attacker holding the passphrase could.
fn with_vault(env: &Env, f: impl FnOnce(&Vault)) {
    let v = LockedVault::open(VaultPaths::new(&env.vault, None))
        .unwrap()
        .unlock(&Passphrase::new(PASS.into()).unwrap())
        .unwrap();
    f(&v);
}

/// A documenter's vault and a partner's, each knowing the other.
fn pair() -> (Env, Env) {
    let hq = Env::new();
    let partner = Env::new();
    let pk = json(&partner, &["keys", "--json"]);
    let hk = json(&hq, &["keys", "--json"]);
    hq.ok(&[
        "contact",
        "add",
        "Partner",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
    ]);
    partner.ok(&[
        "contact",
        "add",
        "HQ",
        "--signing-key",
        hk["signing_key"].as_str().unwrap(),
    ]);
    (hq, partner)
}

/// A realistic history: add (with identity), ingest, reads, export, removal, contacts.
fn realistic(hq: &Env, partner: &Env) -> String {
    let t = hq.input("t.txt", "They took my father at night.");
    let a = hq.input("scan.bin", vec![7u8; 40_000]);
    let who = hq.input("who.txt", "Name: A. B., phone +7 700 000 0000");
    let id = hq.add(&[
        "--title",
        "Testimony one",
        "--witness",
        "W-1",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    let t2 = hq.input("t2.txt", "second");
    let jl = hq.input(
        "in.jsonl",
        format!(
            "{{\"title\":\"two\",\"testimony\":{:?}}}\n{{\"title\":\"three\"}}\n",
            t2.to_str().unwrap()
        ),
    );
    hq.ok(&["ingest", jl.to_str().unwrap()]);
    let out = hq.out("t-copy.txt");
    hq.ok(&["get", &id, "testimony", "-o", out.to_str().unwrap()]);
    hq.ok(&["get", &id, "identity", "-o", "-"]);
    let b = hq.out("b.amanat");
    hq.ok(&["export", "--to", "Partner", &id, "-o", b.to_str().unwrap()]);
    partner.ok(&["import", b.to_str().unwrap()]);
    let three = json(hq, &["search", "three", "--json"]);
    let three = three[0]["id"].as_str().unwrap().to_owned();
    hq.ok(&["rm", &three]);
    hq.ok(&[
        "contact",
        "add",
        "Old",
        "--signing-key",
        json(partner, &["keys", "--json"])["signing_key"]
            .as_str()
            .unwrap(),
    ]);
    hq.ok(&["contact", "rm", "Old"]);
    id
}

#[test]
fn every_kind_of_event_is_logged_and_the_log_verifies() {
    let (hq, partner) = pair();
    let id = realistic(&hq, &partner);
    let got: BTreeSet<String> = kinds(&hq).into_iter().collect();
    for k in [
        "vault-created",
        "contact-added",
        "record-added",
        "part-read",
        "identity-read",
        "record-exported",
        "bundle-exported",
        "record-removed",
        "contact-removed",
    ] {
        assert!(got.contains(k), "{k} missing from {got:?}");
    }
    let pk: BTreeSet<String> = kinds(&partner).into_iter().collect();
    assert!(
        pk.contains("record-imported") && pk.contains("bundle-imported"),
        "{pk:?}"
    );
    for env in [&hq, &partner] {
        assert!(env
            .ok(&["audit", "--verify", "--json"])
            .contains("\"broken\": null"));
        env.ok(&["check"]);
    }

    // The added event states each part's SHA-256, as `show` does; never the identity's.
    let show = json(&hq, &["show", &id, "--json"]);
    let added = show["custody"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "record-added")
        .unwrap()
        .clone();
    let stated: Vec<&str> = added["details"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sha256"].as_str().unwrap())
        .collect();
    let parts = show["parts"].as_array().unwrap();
    for p in parts {
        let h = p["sha256"].as_str().unwrap();
        assert_eq!(stated.contains(&h), p["kind"] != "identity", "{p}");
    }
    // The record's history: added, read, exported; the identity read is not in it.
    let hist: Vec<String> = json(&hq, &["audit", "--record", &id[..8], "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hist, ["record-added", "part-read", "record-exported"]);
    let text = hq.ok(&["show", &id]);
    assert!(
        text.contains("custody:") && text.contains("t-copy.txt"),
        "{text}"
    );
    // The partner's copy shows where it came from.
    let pid = json(&partner, &["list", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ph: Vec<String> = json(&partner, &["show", &pid, "--json"])["custody"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ph,
        [
            "record-added",
            "part-read",
            "record-exported",
            "record-imported"
        ]
    );
    // Removed, then imported again from the same bundle (which takes asking for it): a new
    // chain, and the log verifies.
    partner.ok(&["rm", &pid]);
    partner.ok(&[
        "import",
        hq.out("b.amanat").to_str().unwrap(),
        "--restore-removed",
    ]);
    partner.ok(&["audit", "--verify"]);
    partner.ok(&["check"]);
    // Where the documenter wrote the part and the contact's name stay in the vault.
    let dump = partner.ok(&["show", &pid, "--json"]);
    assert!(
        !dump.contains("t-copy.txt") && !dump.contains("Partner"),
        "{dump}"
    );
}

#[test]
fn altering_removing_reordering_or_replaying_any_event_is_detected() {
    let (hq, partner) = pair();
    let id = realistic(&hq, &partner);
    let backup = hq.root().join("vault-backup");
    copy_dir(&hq.vault, &backup);
    let mut n = 0;
    with_vault(&hq, |v| n = tamper::len(v));
    assert!(n >= 12, "{n} events");
    let mid = n / 2;
    type Edit = Box<dyn Fn(&Vault)>;
    let cases: Vec<(&str, Edit, u64)> = vec![
        (
            "alter",
            Box::new(move |v| {
                tamper::alter(v, mid, |t| t.replacen("\"time\":\"2", "\"time\":\"1", 1))
            }),
            mid,
        ),
        ("flip", Box::new(move |v| tamper::flip(v, mid)), mid),
        ("remove", Box::new(move |v| tamper::remove(v, mid)), mid),
        (
            "remove-renumber",
            Box::new(move |v| tamper::remove_and_renumber(v, mid)),
            mid,
        ),
        (
            "swap",
            Box::new(move |v| tamper::swap(v, mid, mid + 1)),
            mid,
        ),
        ("replay", Box::new(move |v| tamper::replay(v, 1, mid)), mid),
        (
            "replay-at-end",
            Box::new(move |v| tamper::replay_at_end(v, 2)),
            n,
        ),
        (
            "truncate",
            Box::new(move |v| tamper::remove(v, n - 1)),
            n - 1,
        ),
        ("first", Box::new(|v| tamper::remove_and_renumber(v, 0)), 0),
    ];
    for (name, edit, at) in cases {
        fs::remove_dir_all(&hq.vault).unwrap();
        copy_dir(&backup, &hq.vault);
        with_vault(&hq, |v| edit(v));
        let o = hq.run(&["audit", "--verify"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{name}: {out}");
        assert!(
            out.contains(&format!("BROKEN at event {at}:")),
            "{name}: {out}"
        );
        let o = hq.run(&["check"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("AUDIT LOG BROKEN"),
            "{name}"
        );
        // The records themselves still read.
        hq.ok(&["get", &id, "testimony", "-o", "-"]);
    }
}

/// A collector's record goes to headquarters, then to a partner; the partner checks every
/// event with ssh-keygen alone, imports, and its vault verifies the whole path.
#[test]
fn custody_travels_collector_to_hq_to_partner_and_verifies_with_ssh_keygen() {
    let hq = Env::new();
    let collector = Env::bare();
    let partner = Env::new();
    let hk = json(&hq, &["keys", "--json"]);
    collector.init_collector(&[hk["recipient"].as_str().unwrap()]);
    let ck = json(&collector, &["keys", "--json"]);
    let pk = json(&partner, &["keys", "--json"]);
    hq.ok(&[
        "contact",
        "add",
        "field",
        "--signing-key",
        ck["signing_key"].as_str().unwrap(),
    ]);
    partner.ok(&[
        "contact",
        "add",
        "HQ",
        "--signing-key",
        hk["signing_key"].as_str().unwrap(),
    ]);

    // The partner also has a plain age key, to open the bundle without Amanat.
    let tools = partner.root().join("tools");
    fs::create_dir(&tools).unwrap();
    let gen = Command::new("age-keygen")
        .arg("-o")
        .arg(tools.join("key.txt"))
        .output()
        .expect("age-keygen (apt-get install age)");
    assert!(gen.status.success());
    let key = fs::read_to_string(tools.join("key.txt")).unwrap();
    let plain_r = key
        .lines()
        .find(|l| l.starts_with("# public key: "))
        .unwrap()[14..]
        .to_owned();
    hq.ok(&[
        "contact",
        "add",
        "Partner",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
        "--recipient",
        &plain_r,
    ]);

    let t = collector.input("t.txt", "collected testimony");
    let id = collector.add(&[
        "--title",
        "field record",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let b1 = collector.out("transfer.amanat");
    collector.ok(&[
        "export",
        "--all",
        "--remove-after",
        "-o",
        b1.to_str().unwrap(),
    ]);
    hq.ok(&["import", b1.to_str().unwrap()]);
    let b2 = hq.out("partner.amanat");
    hq.ok(&["export", "--to", "Partner", &id, "-o", b2.to_str().unwrap()]);
    let v = partner.ok(&["verify", b2.to_str().unwrap()]);
    assert!(
        v.contains("record-added") && v.contains("record-imported"),
        "{v}"
    );
    partner.ok(&["import", b2.to_str().unwrap()]);

    // Five events, three signers, in order; the whole path verifies in the partner's vault.
    let pid = json(&partner, &["list", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let custody = json(&partner, &["show", &pid, "--json"])["custody"].clone();
    let got: Vec<(String, String)> = custody
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["signer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (c, h, p) = (
        ck["fingerprint"].as_str().unwrap(),
        hk["fingerprint"].as_str().unwrap(),
        pk["fingerprint"].as_str().unwrap(),
    );
    let want: Vec<(String, String)> = [
        ("record-added", c),
        ("record-exported", c),
        ("record-imported", h),
        ("record-exported", h),
        ("record-imported", p),
    ]
    .iter()
    .map(|(k, s)| (k.to_string(), s.to_string()))
    .collect();
    assert_eq!(got, want);
    for env in [&collector, &hq, &partner] {
        env.ok(&["audit", "--verify"]);
        env.ok(&["check"]);
    }

    // Without Amanat: age, tar, and ssh-keygen on each event of the record.json.
    let sh = |script: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(&tools)
            .output()
            .unwrap()
    };
    let o = sh(&format!(
        "mkdir x && age -d -i key.txt {} | tar xz -C x",
        b2.display()
    ));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(tools.join("x/MANIFEST.json")).unwrap()).unwrap();
    let m = crate::util::with_records(m, |p| fs::read(tools.join("x").join(p)).unwrap());
    let entries = m["records"][0]["custody"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    for (i, e) in entries.iter().enumerate() {
        let event = e["event"].as_str().unwrap();
        let ev: serde_json::Value = serde_json::from_str(event).unwrap();
        fs::write(tools.join(format!("e{i}.json")), event).unwrap();
        fs::write(
            tools.join(format!("e{i}.sig")),
            e["signature"].as_str().unwrap(),
        )
        .unwrap();
        fs::write(
            tools.join(format!("signers{i}")),
            format!("vault {}\n", ev["signer"].as_str().unwrap()),
        )
        .unwrap();
        let o = sh(&format!(
            "ssh-keygen -Y verify -f signers{i} -I vault -n amanat-custody-v1 -s e{i}.sig < e{i}.json"
        ));
        assert!(
            o.status.success(),
            "event {i}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        // Each names the one before it.
        if i > 0 {
            let prev = entries[i - 1]["event"].as_str().unwrap();
            assert_eq!(
                ev["record_prev"].as_str().unwrap(),
                crate::util::sha256_hex(prev.as_bytes())
            );
        }
        // An altered event does not verify.
        let o = sh(&format!(
            "sed 's/record-/recorD-/' e{i}.json | ssh-keygen -Y verify -f signers{i} -I vault -n amanat-custody-v1 -s e{i}.sig"
        ));
        assert!(!o.status.success(), "altered event {i} verified");
    }
}
