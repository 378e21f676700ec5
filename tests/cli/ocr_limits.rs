//! Text recognition at its limits, as an outside attack found them: a hostile PDF page
//! size, a record that cannot take more parts, a scan name near the longest a name may be,
//! `shred` while recognition runs, a blank page, a witness code in recognised text.
use std::fs;
use std::process::Command;

use crate::ocr::{convert, found, json, page, partner_of, s, EN};
use crate::seizure::Paused;
use crate::util::*;

/// A one-page PDF whose page is 10^22 points wide (Poppler rebuilds its missing xref).
const HUGE_PAGE: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10000000000000000000000 10] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";

#[test]
fn a_hostile_page_size_fails_its_part_alone() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let pdf = env.input("huge.pdf", HUGE_PAGE);
    let id = env.add(&["--title", "t", "--language", "en", s(&scan), s(&pdf)]);
    let o = env.run(&["ocr", &id, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(r["recognised"].as_array().unwrap().len(), 1, "{r}");
    let why = r["failed"][0]["error"].as_str().unwrap();
    assert!(why.contains("too large to render"), "{r}");
    assert!(found(&env, "zhanakorgan"));
    env.ok(&["check"]);
}

#[test]
fn a_record_that_cannot_take_its_text_fails_alone_and_add_still_succeeds() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    // 255 small parts and the scan: the 257th part, its text, does not fit.
    let dir = env.root().join("in/many");
    fs::create_dir(&dir).unwrap();
    let mut args = vec![
        "--title".to_owned(),
        "full".to_owned(),
        "--language".into(),
        "en".into(),
    ];
    args.push(s(&scan).to_owned());
    for i in 0..255 {
        let p = dir.join(format!("f{i}.txt"));
        fs::write(&p, format!("x{i}")).unwrap();
        args.push(s(&p).to_owned());
    }
    args.push("--ocr".into());
    let mut add = vec!["add"];
    add.extend(args.iter().map(String::as_str));
    let o = env.run(&add);
    assert!(
        o.status.success(),
        "the record is added: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let full = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most 256 parts"));
    // Another record is still recognised by `ocr --all`, whatever the order.
    let other = page(
        &env,
        "ru.png",
        "Noto Serif 12",
        "Уведомление: свидания запрещены",
    );
    env.add(&["--title", "other", "--language", "ru", s(&other)]);
    let o = env.run(&["ocr", "--all", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(r["failed"][0]["record"], full.as_str(), "{r}");
    // What failed to commit is not reported as recognised.
    assert!(!r["recognised"].to_string().contains(&full), "{r}");
    assert_eq!(r["recognised"].as_array().unwrap().len(), 1, "{r}");
    assert!(found(&env, "свидания"));
    env.ok(&["check"]);
}

#[test]
fn a_long_scan_name_gives_a_text_name_a_partner_accepts() {
    let env = Env::new();
    let name = format!("{}.png", "Ү".repeat(125)); // 254 bytes
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let long = env.root().join("in").join(&name);
    fs::rename(&scan, &long).unwrap();
    let id = env.add(&["--title", "t", "--language", "en", "--ocr", s(&long)]);
    let shown = json(&env.ok(&["show", &id, "--json"]));
    let text_name = shown["parts"][1]["name"].as_str().unwrap().to_owned();
    assert!(
        text_name.len() <= 255 && text_name.ends_with(".ocr.txt"),
        "{text_name}"
    );
    let partner = partner_of(&env);
    let b = env.out("b.amanat");
    env.ok(&["export", &id, "--to", "P", "-o", s(&b), "--with-ocr"]);
    partner.ok(&["import", s(&b)]);
    assert!(found(&partner, "zhanakorgan"));
}

#[test]
fn shred_stops_a_running_recognition() {
    let env = Env::new();
    for (i, word) in ["Zhanakorgan", "Kulzhabayeva"].iter().enumerate() {
        let p = page(
            &env,
            &format!("p{i}.png"),
            "Noto Serif 12",
            &format!("Notice {word}"),
        );
        env.add(&["--title", word, "--language", "en", s(&p)]);
    }
    let mut cmd = env.cmd();
    cmd.args(["ocr", "--all"]);
    let paused = Paused::start(cmd, "before-recognised-commit", &env.root().join("pause"));
    env.ok(&["shred", "--yes"]);
    let o = paused.resume();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is gone (destroyed by shred"), "{err}");
    // The second record was never committed: the run stopped at the first check after it.
    assert!(!err.contains("Recognised 2 parts"), "{err}");
}

#[test]
fn shred_all_of_a_vault_named_by_a_relative_path_succeeds() {
    let env = Env::new();
    use assert_cmd::cargo::CommandCargoExt;
    let o = Command::cargo_bin("amanat")
        .unwrap()
        .current_dir(env.root())
        .env("TMPDIR", env.root().join("tmp"))
        .env_remove("AMANAT_VAULT")
        .env_remove("AMANAT_KEYRING")
        .args(["--vault", "vault", "shred", "--yes", "--all"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!env.vault.exists());
}

#[test]
fn a_blank_page_stores_nothing_and_is_tried_again() {
    let env = Env::new();
    let blank = env.root().join("in/blank.png");
    let st = convert()
        .args(["-size", "600x400", "xc:white"])
        .arg(&blank)
        .status()
        .unwrap();
    assert!(st.success());
    let id = env.add(&["--title", "blank", "--language", "en", s(&blank)]);
    for _ in 0..2 {
        let r = json(&env.ok(&["ocr", &id, "--json"]));
        assert_eq!(r["no_text"], 1, "{r}");
        assert_eq!(r["already"], 0, "{r}");
    }
    let shown = json(&env.ok(&["show", &id, "--json"]));
    assert_eq!(shown["parts"].as_array().unwrap().len(), 1);
}

#[test]
fn a_witness_code_in_recognised_text_is_warned_of_on_export() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let id = env.add(&[
        "--title",
        "t",
        "--language",
        "en",
        "--witness",
        "Zhanakorgan",
        "--ocr",
        s(&scan),
    ]);
    partner_of(&env);
    let b = env.out("b.amanat");
    let r = json(&env.ok(&[
        "export",
        &id,
        "--to",
        "P",
        "-o",
        s(&b),
        "--with-ocr",
        "--json",
    ]));
    let named = r["mentions_witness_code"].to_string();
    assert!(named.contains("en.png.ocr.txt"), "{r}");
}

#[test]
fn pages_of_a_tiff_and_a_pdf_are_counted_and_separated_by_form_feeds() {
    let env = Env::new();
    let one = page(&env, "one.png", "Noto Serif 12", "First page Zhanakorgan");
    let two = page(&env, "two.png", "Noto Serif 12", "Second page Kulzhabayeva");
    let tif = env.root().join("in/both.tif");
    let st = convert().arg(&one).arg(&two).arg(&tif).status().unwrap();
    assert!(st.success());
    let list = env.input("pages.txt", format!("{}\n{}\n", s(&one), s(&two)));
    let st = Command::new("tesseract")
        .arg(&list)
        .arg(env.root().join("in/both"))
        .args(["-l", "eng", "pdf"])
        .output()
        .unwrap()
        .status;
    assert!(st.success());
    let pdf = env.root().join("in/both.pdf");
    let id = env.add(&["--title", "t", "--language", "en", s(&tif), s(&pdf)]);
    let r = json(&env.ok(&["ocr", &id, "--json"]));
    for p in r["recognised"].as_array().unwrap() {
        assert_eq!(p["pages"], 2, "{r}");
    }
    for name in ["both.tif.ocr.txt", "both.pdf.ocr.txt"] {
        let text = env.ok(&["get", &id, name, "-o", "-"]);
        let pages: Vec<&str> = text.split('\x0c').collect();
        assert_eq!(pages.len(), 2, "{name}: {text:?}");
        assert!(
            pages[0].contains("Zhanakorgan") && pages[1].contains("Kulzhabayeva"),
            "{name}: {text:?}"
        );
    }
}
