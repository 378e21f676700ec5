//! The README's instructions for partners without Amanat, run as written (with the sender's
//! real `allowed_signers` line) on a real bundle, and on a forged one.
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::*;

const SCAN: &[u8] = include_bytes!("../../src/cli/sample/detention-notice.jpg");

/// The `sh` blocks of the README's "For partners" section.
pub fn partner_blocks() -> Vec<String> {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("\n## For partners\n").expect("section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map(|e| e + 3).unwrap()];
    section
        .split("```sh\n")
        .skip(1)
        .map(|b| b[..b.find("```").unwrap()].to_owned())
        .collect()
}

/// Runs a script with `sh` in `dir`; returns (success, stdout, stderr).
pub fn sh(dir: &Path, script: &str, stop_at_error: bool) -> (bool, String, String) {
    let mut c = Command::new("sh");
    if stop_at_error {
        c.arg("-e");
    }
    let o = c.arg("-c").arg(script).current_dir(dir).output().unwrap();
    (
        o.status.success(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn keys_json(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn the_readme_partner_instructions_work_and_catch_a_forged_bundle() {
    let blocks = partner_blocks();
    assert_eq!(blocks.len(), 3, "{blocks:?}");
    // A record collected at a field office, sent to HQ, and from HQ to a partner without
    // Amanat: its chain of custody has the four events the README's example needs.
    let field = Env::new();
    let hq = Env::new();
    let partner = hq.root().join("partner");
    let (partner_r, _) = outside_keys(&partner);
    let hq_r = keys_json(&hq)["recipient"].as_str().unwrap().to_owned();
    field.ok(&["contact", "add", "HQ", "--recipient", &hq_r]);
    let field_sig = keys_json(&field)["signing_key"]
        .as_str()
        .unwrap()
        .to_owned();
    hq.ok(&["contact", "add", "field", "--signing-key", &field_sig]);
    hq.ok(&["contact", "add", "Lawyers", "--recipient", &partner_r]);
    let t = field.input("t.txt", "They took my father at night.");
    let scan = field.input("scan.jpg", SCAN);
    field.add(&[
        "--title",
        "Testimony",
        "--witness",
        "W-1",
        "--testimony",
        t.to_str().unwrap(),
        scan.to_str().unwrap(),
    ]);
    let to_hq = field.out("to-hq.amanat");
    field.ok(&[
        "export",
        "--to",
        "HQ",
        "--all",
        "-o",
        to_hq.to_str().unwrap(),
    ]);
    hq.ok(&["import", to_hq.to_str().unwrap(), "--from", "field"]);
    hq.ok(&[
        "export",
        "--to",
        "Lawyers",
        "--all",
        "-o",
        partner.join("bundle.amanat").to_str().unwrap(),
    ]);

    let signers = keys_json(&hq)["allowed_signers"]
        .as_str()
        .unwrap()
        .to_owned();
    let principal = signers.split(' ').next().unwrap().to_owned();
    let unpack = blocks[0]
        .replace(
            "'amanat-1a2b3c4d ssh-ed25519 AAAA…'",
            &format!("'{signers}'"),
        )
        .replace("amanat-1a2b3c4d", &principal);
    assert_ne!(unpack, blocks[0]);

    // The genuine bundle passes every check, and the checks that must print nothing do.
    let (ok, out, err) = sh(&partner, &unpack, true);
    assert!(ok, "{unpack}\n{out}\n{err}");
    let good = "Good \"amanat-bundle-v1\" signature for ";
    assert!(out.contains(good) || err.contains(good), "{out}{err}");
    for l in out.lines() {
        assert!(
            l == "1" || l.ends_with(": OK") || l.starts_with(good),
            "unexpected output {l:?}:\n{out}"
        );
    }
    assert!(out.contains("/parts/scan.jpg: OK"), "{out}");
    // The custody example, as written, on the event HQ's import added.
    let (ok, out, err) = sh(&partner, &blocks[1], true);
    assert!(ok, "{}\n{out}\n{err}", blocks[1]);
    let good_event = "Good \"amanat-custody-v1\" signature";
    assert!(
        out.contains(good_event) || err.contains(good_event),
        "{out}{err}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(partner.join("b/MANIFEST.json")).unwrap()).unwrap();
    let manifest = with_records(manifest, |p| fs::read(partner.join("b").join(p)).unwrap());
    let next: serde_json::Value = serde_json::from_str(
        manifest["records"][0]["custody"][3]["event"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let hash = out
        .lines()
        .find(|l| l.ends_with("  e.json"))
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert_eq!(next["record_prev"], hash, "{out}");

    // A forged bundle: the genuine signed files, plus a planted file in a record, a link
    // to elsewhere and a `.bashrc`, sealed to the partner as anyone can.
    let scratch = hq.root().join("forger");
    let forged = hq.root().join("victim");
    fs::create_dir_all(scratch.join("x")).unwrap();
    fs::create_dir_all(&forged).unwrap();
    fs::copy(partner.join("key.txt"), forged.join("key.txt")).unwrap();
    let forge = format!(
        "age -d -i {key} {bundle} | tar xz -C x
         id=$(ls x/records | head -1)
         echo '%PDF-1.4 planted' > x/records/$id/parts/planted.pdf
         ln -s /etc/passwd x/records/$id/parts/link
         echo 'echo owned' > x/.bashrc
         (cd x && tar czf ../forged.tar MANIFEST.json MANIFEST.json.sig SHA256SUMS records .bashrc)
         age -r {r} -o {out} forged.tar",
        key = partner.join("key.txt").display(),
        bundle = partner.join("bundle.amanat").display(),
        r = partner_r,
        out = forged.join("bundle.amanat").display(),
    );
    let (ok, out, err) = sh(&scratch, &forge, true);
    assert!(ok, "{out}\n{err}");
    // Run line by line, as a person would: every check runs.
    let (_, out, err) = sh(&forged, &unpack, false);
    // The signature and the listed files still check out...
    assert!(out.contains(good) || err.contains(good), "{out}{err}");
    // ...but the checks that must print nothing name every addition.
    for added in ["planted.pdf", "/parts/link", ".bashrc"] {
        assert!(out.contains(added), "{added} not reported:\n{out}\n{err}");
    }
    // Nothing was written beside the new directory but the files the README writes.
    assert_eq!(
        names(&forged),
        [
            "allowed_signers",
            "b",
            "bundle.amanat",
            "key.txt",
            "present"
        ],
        "{out}\n{err}"
    );
}
