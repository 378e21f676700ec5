//! Text recognition of scans (`amanat ocr`, `add --ocr`, `ingest --ocr`, `export
//! --with-ocr`), with the real Tesseract, Poppler and ImageMagick a user installs: pages
//! rendered with known text in five languages and scripts, recognised, found by search;
//! nothing of their text on disk; missing programs and languages named; bundles.
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::*;

/// ImageMagick's `convert` (Debian's, where a machine has a stand-in earlier on its PATH).
pub fn convert() -> Command {
    let debian = Path::new("/usr/bin/convert");
    Command::new(if debian.exists() {
        debian
    } else {
        Path::new("convert")
    })
}

/// A page with `text` in `font`, rendered at 300 dpi by ImageMagick's Pango coder (which
/// shapes Arabic script, right to left), as PNG.
pub fn page(env: &Env, name: &str, font: &str, text: &str) -> PathBuf {
    let out = env.root().join("in").join(name);
    let st = convert()
        .args(["-density", "300", "-background", "white"])
        .arg(format!("pango:<span font='{font}'>{text}</span>"))
        .args(["-bordercolor", "white", "-border", "60"])
        .arg(&out)
        .status()
        .expect("ImageMagick's convert is installed (.ci/run installs it)");
    assert!(st.success());
    out
}

/// `page` converted to another format by its extension (`jpg`, `webp`, `tif`), or to a PDF
/// of it by Tesseract (ImageMagick's policy forbids writing PDF).
pub fn converted(page: &Path, ext: &str) -> PathBuf {
    let out = page.with_extension(ext);
    let st = if ext == "pdf" {
        Command::new("tesseract")
            .arg(page)
            .arg(out.with_extension(""))
            .args(["-l", "eng", "pdf"])
            .output()
            .unwrap()
            .status
    } else {
        Command::new("convert")
            .arg(page)
            .arg(&out)
            .status()
            .unwrap()
    };
    assert!(st.success());
    out
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap()
}

pub fn found(env: &Env, word: &str) -> bool {
    let o = env.run(&["search", word]);
    o.status.success() && !o.stdout.is_empty()
}

/// Every file below `dir` and its bytes.
fn bytes_below(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            bytes_below(&p, out);
        } else if let Ok(b) = fs::read(&p) {
            out.push((p, b));
        }
    }
}

pub const EN: &str = "Notice of detention Zhanakorgan for the facility";
const KK: &str = "Үрімші қаласындағы лагерьде ағамды ұстады";
const RU: &str = "Уведомление о задержании: свидания запрещены";
const UG: &str = "ئۈرۈمچى شەھىرىدىكى لاگېردا ئاكام تۇتۇلدى";
const ZH: &str = "乌鲁木齐的拘留营关押了我的哥哥";

#[test]
fn scans_in_five_languages_and_every_format_become_searchable_and_leave_no_text_on_disk() {
    let env = Env::new();
    let pages = [
        ("en.png", "Noto Serif 12", EN, "en", "zhanakorgan"),
        ("kk.png", "Noto Serif 12", KK, "kk", "Үрімші"),
        ("ru.png", "Noto Serif 12", RU, "ru", "свидания"),
        ("ug.png", "UKIJ Tuz Tom 16", UG, "ug", "ئۈرۈمچى"),
        ("zh.png", "Noto Serif CJK SC 12", ZH, "zh", "乌鲁木齐"),
    ];
    let mut ids = Vec::new();
    for (name, font, text, lang, _) in &pages {
        let p = page(&env, name, font, text);
        ids.push(env.add(&["--title", name, "--language", lang, s(&p)]));
    }
    // The English page in every other format a scan comes in, in one record.
    let en = env.root().join("in/en.png");
    let formats: Vec<PathBuf> = ["jpg", "webp", "tif", "pdf"]
        .iter()
        .map(|x| converted(&en, x))
        .collect();
    let mut args = vec!["--title", "formats", "--language", "en"];
    args.extend(formats.iter().map(|p| s(p)));
    let multi = env.add(&args);
    for (_, _, _, _, word) in &pages {
        assert!(!found(&env, word), "{word} is found before recognition");
    }
    // Recognised in a working directory of its own, which must stay empty.
    let work = env.root().join("work");
    fs::create_dir(&work).unwrap();
    let o = env
        .cmd()
        .current_dir(&work)
        .args(["ocr", "--all", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = json(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(r["recognised"].as_array().unwrap().len(), 9, "{r}");
    assert_eq!(r["failed"].as_array().unwrap().len(), 0, "{r}");
    for (_, _, _, _, word) in &pages {
        assert!(found(&env, word), "{word} is not found after recognition");
    }
    // Each format's text, read back with `get`.
    for f in &formats {
        let name = format!("{}.ocr.txt", f.file_name().unwrap().to_str().unwrap());
        let text = env.ok(&["get", &multi, &name, "-o", "-"]);
        assert!(text.contains("Zhanakorgan"), "{name}: {text:?}");
    }
    let shown = json(&env.ok(&["show", &ids[3], "--json"]));
    let part = &shown["parts"][1];
    assert_eq!(part["kind"], "recognised");
    assert_eq!(part["recognised"]["source"], 0);
    assert_eq!(part["recognised"]["languages"], serde_json::json!(["uig"]));
    // Recognised once: a second run finds nothing to do.
    let again = json(&env.ok(&["ocr", "--all", "--json"]));
    assert_eq!(again["already"], 9);
    assert_eq!(again["recognised"].as_array().unwrap().len(), 0);
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
    // No recognised word in any file of the vault, the temporary directory or the working
    // directory (which holds nothing at all).
    assert_eq!(fs::read_dir(&work).unwrap().count(), 0);
    let mut files = Vec::new();
    bytes_below(&env.vault, &mut files);
    bytes_below(&env.root().join("tmp"), &mut files);
    assert!(files.len() > 5);
    for marker in ["Zhanakorgan", "Үрімші", "свидания", "ئۈرۈمچى", "乌鲁木齐"]
    {
        for (p, b) in &files {
            assert!(
                !b.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "{marker} in {}",
                p.display()
            );
        }
    }
}

/// A partner's vault that takes bundles from `env`, which knows it as contact `P`.
pub fn partner_of(env: &Env) -> Env {
    let partner = Env::new();
    let keys = json(&partner.ok(&["keys", "--json"]));
    let mine = json(&env.ok(&["keys", "--json"]));
    let recipient = keys["recipient"].as_str().unwrap();
    env.ok(&["contact", "add", "P", "--recipient", recipient]);
    let signer = mine["signing_key"].as_str().unwrap();
    partner.ok(&["contact", "add", "S", "--signing-key", signer]);
    partner
}

/// A PATH holding only links to the named programs.
fn path_with(env: &Env, programs: &[&str]) -> PathBuf {
    let dir = env.root().join(format!("bin-{}", programs.join("-")));
    fs::create_dir_all(&dir).unwrap();
    for p in programs {
        let real = which(p);
        std::os::unix::fs::symlink(real, dir.join(p)).unwrap();
    }
    dir
}

fn which(program: &str) -> PathBuf {
    let o = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8(o.stdout).unwrap().trim())
}

#[test]
fn without_tesseract_add_and_ingest_work_and_ocr_names_the_package() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let empty = path_with(&env, &[]);
    let o = env
        .cmd()
        .env("PATH", &empty)
        .args(["add", "--title", "t", "--ocr", s(&scan)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("records were added") && err.contains("tesseract-ocr"),
        "{err}"
    );
    let jsonl = env.input(
        "b.jsonl",
        "{\"title\": \"i\", \"attachments\": [\"en.png\"]}\n",
    );
    let o = env
        .cmd()
        .env("PATH", &empty)
        .args(["ingest", "--ocr", s(&jsonl)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "recognition not done: exit 1");
    assert!(String::from_utf8_lossy(&o.stderr).contains("tesseract-ocr"));
    assert_eq!(env.ok(&["list", "--json"]).matches("\"id\"").count(), 2);
    let before = env.state();
    let o = env
        .cmd()
        .env("PATH", &empty)
        .args(["ocr", "--all"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tesseract is not installed: install the package tesseract-ocr"),
        "{err}"
    );
    assert_eq!(env.state(), before, "nothing written");

    // Tesseract without Kazakh data: the package named, nothing written.
    let data = env.root().join("tessdata");
    fs::create_dir(&data).unwrap();
    let system = String::from_utf8(
        Command::new("tesseract")
            .arg("--list-langs")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let dir = system
        .lines()
        .next()
        .and_then(|l| l.split('"').nth(1))
        .unwrap()
        .to_owned();
    std::os::unix::fs::symlink(
        Path::new(&dir).join("eng.traineddata"),
        data.join("eng.traineddata"),
    )
    .unwrap();
    let only_english = |args: &[&str]| {
        env.cmd()
            .env("TESSDATA_PREFIX", &data)
            .args(args)
            .output()
            .unwrap()
    };
    let o = only_english(&["ocr", "--all", "--language", "kk,en"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("install the package tesseract-ocr-kaz"),
        "{err}"
    );
    // The fallback of all five names every missing package.
    let o = only_english(&["ocr", "--all"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tesseract-ocr-kaz tesseract-ocr-rus tesseract-ocr-uig tesseract-ocr-chi-sim"),
        "{err}"
    );
    assert_eq!(env.state(), before, "nothing written");
    // With what is installed, it works.
    let o = only_english(&["ocr", "--all", "--language", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(found(&env, "zhanakorgan"));
}

#[test]
fn a_pdf_without_poppler_and_a_broken_image_fail_alone() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let pdf = converted(&scan, "pdf");
    let broken = env.input("broken.png", b"\x89PNG\r\n\x1a\nthis is no image at all");
    let text = env.input("notes.txt", "not a scan");
    let id = env.add(&[
        "--title",
        "mixed",
        "--language",
        "en",
        s(&scan),
        s(&pdf),
        s(&broken),
        s(&text),
    ]);
    let tess = path_with(&env, &["tesseract"]);
    let o = env
        .cmd()
        .env("PATH", &tess)
        .args(["ocr", &id[..8], "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "some parts failed: exit 1");
    let r = json(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(r["recognised"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["not_scans"], 1, "{r}");
    let failed = r["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{r}");
    let why = |part: &str| {
        failed
            .iter()
            .find(|f| f["part"] == part)
            .map(|f| f["error"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert!(why("en.pdf").contains("poppler-utils"), "{r}");
    assert!(why("broken.png").contains("tesseract failed"), "{r}");
    // The PDF is recognised once Poppler is there; the broken image stays failed.
    let o = env.run(&["ocr", &id]);
    assert_eq!(o.status.code(), Some(1));
    let shown = json(&env.ok(&["show", &id, "--json"]));
    let names: Vec<&str> = shown["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "en.png",
            "en.pdf",
            "broken.png",
            "notes.txt",
            "en.png.ocr.txt",
            "en.pdf.ocr.txt"
        ]
    );
    env.ok(&["check"]);
}

#[test]
fn bad_requests_are_refused_with_the_vault_untouched() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let id = env.add(&["--title", "t", s(&scan)]);
    let before = env.state();
    let err = env.fails(&["ocr"], 2);
    assert!(err.contains("--all"), "{err}");
    env.fails(&["ocr", "00000000"], 1);
    let err = env.fails(&["ocr", &id, "--language", "klingon"], 2);
    assert!(err.contains("unknown language"), "{err}");
    let err = env.fails(&["ocr", "--set-default-languages", "kk,klingon"], 2);
    assert!(err.contains("unknown language"), "{err}");
    let o = env.run(&["ocr", &id, "--all"]);
    assert_eq!(o.status.code(), Some(2), "ids and --all conflict");
    assert_eq!(env.state(), before);

    // The vault's default languages are used when the record names none.
    env.ok(&["ocr", "--set-default-languages", "en"]);
    let r = json(&env.ok(&["ocr", &id, "--json"]));
    assert_eq!(r["recognised"][0]["languages"], serde_json::json!(["eng"]));

    // A collector refuses before it writes anything.
    let c = Env::bare();
    let (recipient, _) = outside_keys(c.root());
    c.init_collector(&[&recipient]);
    let before = c.state();
    let err = c.fails(&["add", "--title", "t", "--ocr", s(&scan)], 2);
    assert!(err.contains("collector"), "{err}");
    assert_eq!(c.state(), before);
}

#[test]
fn a_crash_before_the_commit_leaves_the_record_as_it_was() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let id = env.add(&["--title", "t", "--language", "en", s(&scan)]);
    let o = env
        .cmd()
        .env("AMANAT_CRASH_AT", "before-recognised-commit")
        .args(["ocr", &id])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let shown = json(&env.ok(&["show", &id, "--json"]));
    assert_eq!(shown["parts"].as_array().unwrap().len(), 1);
    assert!(!found(&env, "zhanakorgan"));
    env.ok(&["check"]);
    env.ok(&["ocr", &id]);
    assert!(found(&env, "zhanakorgan"));
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

#[test]
fn bundles_carry_recognised_text_only_when_asked_and_partners_search_it() {
    let env = Env::new();
    let scan = page(&env, "en.png", "Noto Serif 12", EN);
    let id = env.add(&["--title", "t", "--language", "en", "--ocr", s(&scan)]);
    assert!(found(&env, "zhanakorgan"));
    let partner = partner_of(&env);
    let plain = env.out("plain.amanat");
    env.ok(&["export", &id, "--to", "P", "-o", s(&plain)]);
    let with = env.out("with.amanat");
    env.ok(&["export", &id, "--to", "P", "-o", s(&with), "--with-ocr"]);
    partner.ok(&["import", s(&plain)]);
    assert!(!found(&partner, "zhanakorgan"), "left out by default");
    let listed = json(&partner.ok(&["list", "--json"]));
    let pid = listed[0]["id"].as_str().unwrap().to_owned();
    partner.ok(&["rm", &pid]);
    partner.ok(&["import", s(&with)]);
    assert!(found(&partner, "zhanakorgan"), "carried with --with-ocr");
    let listed = json(&partner.ok(&["list", "--json"]));
    let pid = listed[0]["id"].as_str().unwrap().to_owned();
    let shown = json(&partner.ok(&["show", &pid, "--json"]));
    assert_eq!(shown["parts"][1]["kind"], "recognised");
    assert_eq!(shown["parts"][1]["recognised"]["engine"], "tesseract");
    partner.ok(&["check"]);
    partner.ok(&["audit", "--verify"]);
}

#[test]
fn a_vault_of_format_5_moves_to_the_current_format_and_its_scan_is_recognised() {
    let env = unpacked_vault("tests/fixtures/vault-v5/vault.tar.gz", "vault");
    fs::create_dir_all(env.vault.join("tmp")).unwrap();
    let ids = json(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-v5/ids.json"),
        )
        .unwrap(),
    );
    let id = ids["letter"].as_str().unwrap();
    let version = || fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version(), "amanat-vault 5\n");
    crate::util::killed_at(&env, "before-version-10", &["list"]);
    assert_eq!(version(), "amanat-vault 5\n", "killed before the move");
    env.ok(&["ocr", id]);
    assert_eq!(version(), "amanat-vault 10\n");
    assert!(
        found(&env, "свидания"),
        "the letter's Russian text is found"
    );
    let text = env.ok(&["get", id, "letter.png.ocr.txt", "-o", "-"]);
    assert!(text.contains("УВЕДОМЛЕНИЕ"), "{text}");
    env.ok(&["get", id, "testimony", "-o", "-"]);
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}
