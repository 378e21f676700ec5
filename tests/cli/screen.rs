//! Text from records and bundles reaches the terminal with control and bidirectional
//! formatting characters escaped, so that a hostile title, name or bundle cannot clear the
//! screen, rewrite a line (the "signed by" line a user compares before `--trust-signer`)
//! or reorder it; right-to-left and other scripts print unchanged; `--json` carries the
//! exact strings.
use crate::util::*;

/// A title with what a hostile sender would put in it: a screen clear, a carriage return
/// and a backspace (to overwrite what is printed before), a right-to-left override and an
/// isolate (to reorder the line), a new line forging a "signed by" line, DEL, a C1
/// control, marks that change direction, and a line separator.
const TITLE: &str = "Report\u{1b}[2J\r\u{8}\u{202e}gnp.exe\u{2066}x\u{2069}\nsigned by HQ (SHA256:forged)\u{7f}\u{85}\u{200f}\u{61c}\u{2028}end";
/// The same, as it must be printed.
const TITLE_SHOWN: &str = "Report\\x1b[2J\\r\\x08\\u{202e}gnp.exe\\u{2066}x\\u{2069}\\nsigned by HQ (SHA256:forged)\\x7f\\u{85}\\u{200f}\\u{61c}\\u{2028}end";
/// An OSC sequence that sets the terminal's window title, ended by BEL.
const WITNESS: &str = "W-1\u{1b}]0;pwned\u{7}";
const WITNESS_SHOWN: &str = "W-1\\x1b]0;pwned\\x07";
const TAG: &str = "camp\u{1b}[31m";
const TAG_SHOWN: &str = "camp\\x1b[31m";
const PLACE: &str = "Kashgar\u{202e}\u{2067}";
const PLACE_SHOWN: &str = "Kashgar\\u{202e}\\u{2067}";
const NOTE: &str = "note\r\u{2066}\u{9b}31m";
const NOTE_SHOWN: &str = "note\\r\\u{2066}\\u{9b}31m";
/// The classic right-to-left override file name: shows as "invoiceexe.pdf".
const PART: &str = "invoice\u{202e}fdp.exe";
const PART_SHOWN: &str = "invoice\\u{202e}fdp.exe";
/// Contact names may not hold control characters, but may hold bidi controls.
const CONTACT: &str = "UN\u{202e}\u{2066}";
const CONTACT_SHOWN: &str = "UN\\u{202e}\\u{2066}";
const SENDER: &str = "HQ\u{202e}";
const SENDER_SHOWN: &str = "HQ\\u{202e}";

/// Legitimate text in scripts that must print exactly as typed: Uyghur and Arabic (right
/// to left), Hebrew, Kazakh Cyrillic, Chinese, and a letter with a combining accent.
const UYGHUR: &str = "ئۈرۈمچى لاگېرى";
const MIXED: &str = "قاراماي Қазақ 乌鲁木齐 עדות Cafe\u{301}";

/// True for what must never reach a terminal raw: controls (C0, DEL, C1) other than the
/// line breaks the program writes itself, bidi embeddings, overrides, isolates and marks,
/// and the Unicode line and paragraph separators.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{61c}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Asserts that `out` holds nothing hostile and every string of `shown`.
#[track_caller]
fn screened(what: &str, out: &str, shown: &[&str]) {
    if let Some(c) = out.chars().find(|&c| hostile(c)) {
        panic!("{what}: raw {c:?} in output:\n{out:?}");
    }
    for s in shown {
        assert!(out.contains(s), "{what}: {s:?} missing from:\n{out}");
    }
    // No forged line: the new line in the title is shown, not obeyed.
    assert!(
        !out.lines()
            .any(|l| l.trim_start().starts_with("signed by HQ (SHA256:forged)")),
        "{what}: forged line in:\n{out}"
    );
}

/// Runs, asserts success, and returns stdout and stderr together.
#[track_caller]
fn both(env: &Env, args: &[&str]) -> String {
    let o = env.run(args);
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(o.status.success(), "amanat {args:?} failed: {err}");
    out + &err
}

/// Runs, asserts the exit code, and returns stdout and stderr together.
#[track_caller]
fn failing(env: &Env, args: &[&str], code: i32) -> String {
    let o = env.run(args);
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(code), "amanat {args:?}: {err}");
    out + &err
}

fn keys_json(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

/// A sender vault with a hostile record and a legitimate Uyghur one, exported in a real
/// bundle to a receiving vault that knows the sender under a name with a bidi override.
struct World {
    hq: Env,
    partner: Env,
    hostile: String,
    uyghur: String,
    bundle: std::path::PathBuf,
}

fn world() -> World {
    let hq = Env::new();
    let partner = Env::new();
    let recipient = keys_json(&partner)["recipient"]
        .as_str()
        .unwrap()
        .to_owned();
    hq.ok(&["contact", "add", CONTACT, "--recipient", &recipient]);
    let sig = keys_json(&hq)["signing_key"].as_str().unwrap().to_owned();
    partner.ok(&["contact", "add", SENDER, "--signing-key", &sig]);

    let t = hq.input("testimony.txt", "They took my father at night.");
    // A PDF, which export names in a warning because it cannot clean it.
    let pdf = hq.input(PART, "%PDF-1.4\n%fake\n");
    let hostile = hq.add(&[
        "--title",
        TITLE,
        "--witness",
        WITNESS,
        "--tag",
        TAG,
        "--place",
        PLACE,
        "--note",
        NOTE,
        "--interviewer",
        NOTE,
        "--language",
        TAG,
        "--testimony",
        t.to_str().unwrap(),
        pdf.to_str().unwrap(),
    ]);
    let uyghur = hq.add(&[
        "--title",
        UYGHUR,
        "--tag",
        UYGHUR,
        "--place",
        MIXED,
        "--note",
        MIXED,
        "--witness",
        "W-7",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let bundle = hq.out("hostile.amanat");
    let export = both(
        &hq,
        &[
            "export",
            "--to",
            CONTACT,
            "-o",
            bundle.to_str().unwrap(),
            &hostile,
            &uyghur,
        ],
    );
    screened("export", &export, &[PART_SHOWN]);
    World {
        hq,
        partner,
        hostile,
        uyghur,
        bundle,
    }
}

#[test]
fn hostile_text_is_escaped_in_every_human_output() {
    let w = world();
    let hq = &w.hq;
    let local = [TITLE_SHOWN, TAG_SHOWN, WITNESS_SHOWN];
    screened("list", &both(hq, &["list"]), &local);
    screened("search", &both(hq, &["search", "report"]), &local);
    screened(
        "list --tag",
        &both(hq, &["list", "--tag", TAG]),
        &[TITLE_SHOWN],
    );
    let show = both(hq, &["show", &w.hostile]);
    screened(
        "show",
        &show,
        &[
            TITLE_SHOWN,
            TAG_SHOWN,
            WITNESS_SHOWN,
            PLACE_SHOWN,
            NOTE_SHOWN,
            PART_SHOWN,
        ],
    );
    screened("audit", &both(hq, &["audit"]), &[CONTACT_SHOWN]);
    screened(
        "contact list",
        &both(hq, &["contact", "list"]),
        &[CONTACT_SHOWN],
    );
    let out = hq.out("invoice.pdf");
    screened(
        "get",
        &both(hq, &["get", &w.hostile, PART, "-o", out.to_str().unwrap()]),
        &[PART_SHOWN],
    );
    // Part names may hold control characters in a vault (they come from file names).
    let odd = hq.input("scan\u{1b}[2J\r.txt", "x");
    let id = hq.add(&["--title", "odd name", odd.to_str().unwrap()]);
    screened(
        "show odd part",
        &both(hq, &["show", &id]),
        &["scan\\x1b[2J\\r.txt"],
    );

    // The receiving side: everything it prints from the bundle.
    let p = &w.partner;
    let b = w.bundle.to_str().unwrap();
    let bundle_text = [TITLE_SHOWN, SENDER_SHOWN];
    screened(
        "verify",
        &both(p, &["verify", b, "--from", SENDER]),
        &bundle_text,
    );
    screened(
        "verify (any contact)",
        &both(p, &["verify", b]),
        &bundle_text,
    );
    screened("import", &both(p, &["import", b]), &bundle_text);
    screened(
        "partner list",
        &both(p, &["list"]),
        &[TITLE_SHOWN, TAG_SHOWN],
    );
    screened(
        "partner search",
        &both(p, &["search", "gnp.exe"]),
        &[TITLE_SHOWN],
    );
    let listed: serde_json::Value = serde_json::from_str(&p.ok(&["list", "--json"])).unwrap();
    let pid = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == TITLE)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    screened(
        "partner show",
        &both(p, &["show", &pid]),
        &[
            TITLE_SHOWN,
            PLACE_SHOWN,
            NOTE_SHOWN,
            PART_SHOWN,
            SENDER_SHOWN,
        ],
    );
    screened("partner audit", &both(p, &["audit"]), &[SENDER_SHOWN]);
    screened(
        "partner contact list",
        &both(p, &["contact", "list"]),
        &[SENDER_SHOWN],
    );
}

/// A bundle whose signer is not the contact named: the error quotes the contact's name.
/// A JSONL line naming a file that does not exist: the error quotes the path.
#[test]
fn errors_quoting_names_and_paths_are_escaped() {
    let w = world();
    let p = &w.partner;
    let (_, ssh_pub) = outside_keys(&p.root().join("other"));
    p.ok(&["contact", "add", "Other\u{202e}", "--signing-key", &ssh_pub]);
    let err = failing(
        p,
        &[
            "verify",
            w.bundle.to_str().unwrap(),
            "--from",
            "Other\u{202e}",
        ],
        1,
    );
    screened("verify --from another", &err, &["Other\\u{202e}"]);
    assert_eq!(err.lines().count(), 1, "{err}");

    let jsonl = w.hq.input(
        "archive.jsonl",
        "{\"title\": \"x\", \"testimony\": \"t\\u001b[2J\\r\\u202e.txt\"}\n",
    );
    let err = failing(&w.hq, &["ingest", jsonl.to_str().unwrap()], 1);
    screened("ingest", &err, &["t\\x1b[2J\\r\\u{202e}.txt"]);
}

/// Uyghur, Arabic, Hebrew, Cyrillic, Chinese and combining marks print exactly as typed,
/// in the sender's vault and after a bundle.
#[test]
fn right_to_left_and_other_scripts_print_unchanged() {
    let w = world();
    let hq = &w.hq;
    for out in [
        both(hq, &["list"]),
        both(hq, &["search", "ئۈرۈمچى"]),
        both(hq, &["show", &w.uyghur]),
    ] {
        assert!(out.contains(UYGHUR), "{out}");
    }
    let show = both(hq, &["show", &w.uyghur]);
    assert!(show.contains(&format!("title:       {UYGHUR}\n")), "{show}");
    assert!(show.contains(&format!("place:       {MIXED}\n")), "{show}");
    let p = &w.partner;
    let b = w.bundle.to_str().unwrap();
    let verify = both(p, &["verify", b]);
    assert!(verify.contains(&format!("  {UYGHUR}  ")), "{verify}");
    both(p, &["import", b]);
    let found = both(p, &["search", "لاگېرى"]);
    assert!(found.contains(UYGHUR), "{found}");
    assert!(!found.contains('\\'), "{found}");
}

/// `--json` carries every hostile string exactly; bidi controls and line separators are
/// written as `\uXXXX` escapes, which decode to the same strings.
#[test]
fn json_carries_the_exact_strings() {
    let w = world();
    let hq = &w.hq;
    let p = &w.partner;
    let b = w.bundle.to_str().unwrap();
    let list = hq.ok(&["list", "--json"]);
    let show = hq.ok(&["show", &w.hostile, "--json"]);
    let verify = p.ok(&["verify", b, "--json"]);
    let contacts = hq.ok(&["contact", "list", "--json"]);
    for (what, text) in [
        ("list", &list),
        ("show", &show),
        ("verify", &verify),
        ("contacts", &contacts),
    ] {
        if let Some(c) = text.chars().find(|&c| hostile(c)) {
            panic!("{what} --json: raw {c:?} in\n{text}");
        }
    }
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let r = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == w.hostile.as_str())
        .unwrap();
    assert_eq!(r["title"], TITLE);
    assert_eq!(r["witness"], WITNESS);
    assert_eq!(r["tags"][0], TAG);
    assert_eq!(r["place"], PLACE);
    assert_eq!(r["note"], NOTE);
    assert_eq!(r["parts"][1]["name"], PART);
    let show: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(show["title"], TITLE);
    assert_eq!(show["parts"][1]["name"], PART);
    let verify: serde_json::Value = serde_json::from_str(&verify).unwrap();
    assert_eq!(verify["contact"], SENDER);
    let titles: Vec<&str> = verify["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&TITLE) && titles.contains(&UYGHUR),
        "{titles:?}"
    );
    let contacts: serde_json::Value = serde_json::from_str(&contacts).unwrap();
    assert_eq!(contacts[0]["name"], CONTACT);
    // The Uyghur text itself is not escaped in JSON either.
    assert!(hq.ok(&["list", "--json"]).contains(UYGHUR));
}
