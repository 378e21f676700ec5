//! A person's session in a real browser: Debian's Chromium, driven by playwright-core
//! (`tests/web/e2e.mjs`; `.ci/run` installs both, and downloads no browser). Unlock (a wrong
//! passphrase first), add a record with a typed testimony and an image, see the image and
//! read the text, download the image and compare its bytes, find the record by search as
//! you type (the words searched for kept out of the browser's session files), share it with a contact (the bundle downloaded, then verified by the partner's
//! command line), receive a partner's bundle (verified, shown, imported), lock by keyboard. Then: the vault holds the record as the command line reads
//! it, and no marker put in the record is anywhere in the vault, the temporary directory or
//! the browser's profile. Screenshots of each page are kept in `target/web-screenshots/`.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Env, PASS};
use crate::web::files_holding;
use crate::web_harness::Server;

/// A 96×64 PNG gradient, written with the `png` crate.
fn png() -> Vec<u8> {
    let (w, h) = (96u32, 64u32);
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % w * 2) as u8, (i / w * 3) as u8, 140])
            .collect();
        wr.write_image_data(&data).unwrap();
    }
    out
}

fn tools() -> (PathBuf, PathBuf) {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web");
    let chromium = PathBuf::from(
        std::env::var("AMANAT_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    assert!(
        chromium.exists(),
        "the browser tests need Debian's Chromium ({}): apt install chromium (.ci/run does)",
        chromium.display()
    );
    assert!(
        web.join("node_modules/playwright-core").exists(),
        "the browser tests need playwright-core: (cd tests/web && npm ci) (.ci/run does)"
    );
    (web, chromium)
}

#[test]
fn a_person_unlocks_adds_finds_reads_downloads_and_locks_in_chromium() {
    let (web, chromium) = tools();
    let env = Env::new();
    let image = env.input("image.png", png());
    // A partner: a contact to share with, and a bundle of theirs to receive.
    let partner = Env::new();
    let keys = crate::util::keys_json;
    let (pk, ours) = (keys(&partner), keys(&env));
    env.ok(&[
        "contact",
        "add",
        "partner",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
        "--signing-key",
        pk["signing_key"].as_str().unwrap(),
    ]);
    partner.ok(&[
        "contact",
        "add",
        "hq",
        "--recipient",
        ours["recipient"].as_str().unwrap(),
        "--signing-key",
        ours["signing_key"].as_str().unwrap(),
    ]);
    let theirs = partner.add(&["--title", "From the partner"]);
    let incoming = env.root().join("in").join("from-partner.age");
    partner.ok(&[
        "export",
        &theirs,
        "--to",
        "hq",
        "-o",
        incoming.to_str().unwrap(),
    ]);
    let bundle_out = env.root().join("in").join("to-partner.age");
    let s = Server::start(&env, &[]);
    let marker = "ZQX7MARKweb";
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let profile = env.root().join("profile");
    let downloads = env.root().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let o = Command::new("node")
        .arg(web.join("e2e.mjs"))
        .current_dir(&web)
        .env(
            "AMANAT_URL",
            format!("http://{}/?token={}", s.host, s.token),
        )
        .env("AMANAT_PASS", PASS)
        .env("AMANAT_SHOTS", &shots)
        .env("AMANAT_IMAGE", &image)
        .env("AMANAT_MARKER", marker)
        .env("AMANAT_PROFILE", &profile)
        .env("AMANAT_DOWNLOADS", &downloads)
        .env("AMANAT_BUNDLE_OUT", &bundle_out)
        .env("AMANAT_INCOMING", &incoming)
        .env("AMANAT_CHROMIUM", &chromium)
        .env("TMPDIR", env.root().join("tmp"))
        .output()
        .expect("node (the browser tests need Node.js 20 or newer)");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(
        report["console"],
        serde_json::json!([]),
        "the browser reported errors (a CSP refusal shows here)"
    );
    let id = report["id"].as_str().unwrap().to_owned();
    drop(s);

    let listed = env.ok(&["list", "--json"]);
    assert!(listed.contains(&id) && listed.contains(marker));
    assert!(
        listed.contains("From the partner"),
        "the received bundle was imported"
    );
    // The bundle downloaded in the browser verifies with the partner's command line.
    let verified = partner.ok(&["verify", bundle_out.to_str().unwrap(), "--json"]);
    assert!(verified.contains(marker), "{verified}");
    // Consent given in the form, which let the record go to the partner.
    let shown: serde_json::Value = serde_json::from_str(&env.ok(&["show", &id, "--json"])).unwrap();
    assert_eq!(shown["case"]["consent"]["scope"], "share");
    assert_eq!(
        shown["case"]["consent"]["organisations"],
        serde_json::json!(["partner"])
    );
    assert_eq!(shown["case"]["consent"]["how"], "written");
    let got = env.run(&["get", &id, "image.png", "-o", "-"]);
    assert!(got.stdout == std::fs::read(&image).unwrap());
    env.ok(&["check"]);
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    let (m16, p16) = (utf16(marker), utf16(PASS));
    // The search typed it in lower case.
    let lower = marker.to_lowercase();
    let l16 = utf16(&lower);
    // Nor the passphrase typed into the unlock form.
    for dir in [&env.vault, &env.root().join("tmp"), &profile, &downloads] {
        for needle in [
            marker.as_bytes(),
            &m16[..],
            lower.as_bytes(),
            &l16[..],
            PASS.as_bytes(),
            &p16[..],
        ] {
            let found = files_holding(dir, needle);
            assert!(found.is_empty(), "the marker is in {found:?}");
        }
    }
    for name in [
        "unlock.png",
        "records-empty.png",
        "add.png",
        "record.png",
        "search.png",
        "locked.png",
        "records-ug.png",
        "record-ug.png",
        "add-ug.png",
        "records-kk.png",
        "add-kk.png",
    ] {
        assert!(shots.join(name).exists(), "{name}");
    }
}
