//! Amanat in its users' languages (docs/TRANSLATING.md), from the command line: the language
//! chosen by `--lang`, `AMANAT_LANG` or the system locale; the tour in each language with no
//! English narration left; errors, hints and help translated; unknown languages in English;
//! output for scripts the same in every language.
use std::fs;
use std::path::Path;

use crate::util::Env;

/// The English narration of the tour: each message's text between its placeables, where long
/// enough to be sure it is English prose (commands shown to run stay as they are).
fn english_tour_fragments() -> Vec<String> {
    let en = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n/en/amanat.ftl"))
        .unwrap();
    let mut out = Vec::new();
    let mut in_tour = false;
    for line in en.lines() {
        let text = if let Some((id, v)) = line.split_once(" = ") {
            in_tour = id.starts_with("tour-");
            v
        } else {
            line.trim_start_matches([' ', '*'])
                .trim_start_matches(|c: char| c == '[' || c.is_ascii_lowercase() || c == ']')
        };
        if !in_tour {
            continue;
        }
        let mut depth = 0;
        let mut frag = String::new();
        for c in text.chars() {
            match c {
                '{' => {
                    depth += 1;
                    out.push(std::mem::take(&mut frag));
                }
                '}' => depth -= 1,
                _ if depth == 0 => frag.push(c),
                _ => {}
            }
        }
        out.push(frag);
    }
    out.into_iter()
        .map(|f| f.trim().to_owned())
        .filter(|f| {
            f.len() >= 12
                && !f.contains('`')
                && !["openssl", "mkdir", "ssh-keygen", "(README"]
                    .iter()
                    .any(|w| f.contains(w))
        })
        .collect()
}

/// Runs the tour with `set` choosing the language; asserts it ends well, says `native`,
/// and has no English narration and no isolation marks.
fn tour_in(set: &[(&str, &str)], args: &[&str], native: &[&str]) {
    let env = Env::bare();
    let mut c = env.cmd();
    c.env_remove("AMANAT_LANG");
    for (k, v) in set {
        c.env(k, v);
    }
    let o = c.args(args).arg("tour").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{set:?}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for n in native {
        assert!(out.contains(n), "{set:?} {args:?}: {n:?} in\n{out}");
    }
    let english = english_tour_fragments();
    assert!(english.len() > 60, "{english:?}");
    for f in &english {
        assert!(
            !out.contains(f.as_str()),
            "{set:?} {args:?}: English {f:?} in\n{out}"
        );
    }
    assert!(!out.contains(['\u{2068}', '\u{2069}']), "isolation marks");
    assert!(env.tmp_is_empty_of_tour());
}

#[test]
fn the_tour_runs_in_kazakh_from_the_system_locale() {
    tour_in(
        &[("LANG", "kk_KZ.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")],
        &[],
        &[
            "── 1. Қойма жасау",
            "бас тартылды: құпия сөз тіркесі қате",
            "Дайын.",
        ],
    );
}

#[test]
fn the_tour_runs_in_kazakh_latin_russian_and_uyghur() {
    tour_in(
        &[("LC_ALL", "kk_KZ.UTF-8@latin")],
        &[],
        &["── 1. Qoima jasau", "bas tartyldy: qūpiia söz tırkesı qate"],
    );
    tour_in(
        &[],
        &["--lang", "ru"],
        &[
            "── 1. Создать хранилище",
            "отказано: неверная парольная фраза",
        ],
    );
    tour_in(
        &[("AMANAT_LANG", "ug")],
        &[],
        &["── 1. ئامبار قۇرۇش", "رەت قىلىندى: ئىم ئىبارىسى خاتا"],
    );
}

#[test]
fn the_flag_comes_before_the_variable_before_the_locale_and_unknown_languages_are_english() {
    let env = Env::bare();
    let err = |lang_env: &[(&str, &str)], args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("AMANAT_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        for (k, v) in lang_env {
            c.env(k, v);
        }
        let o = c.args(args).arg("list").output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let no_vault_ru = "amanat: нет хранилища в";
    assert!(err(&[("LANG", "ru_RU.UTF-8")], &[]).starts_with(no_vault_ru));
    assert!(err(&[("LANG", "ru_RU.UTF-8"), ("AMANAT_LANG", "kk")], &[]).starts_with("amanat: "));
    assert!(
        err(&[("LANG", "ru_RU.UTF-8"), ("AMANAT_LANG", "kk")], &[]).contains("ішінде қойма жоқ")
    );
    assert!(err(&[("AMANAT_LANG", "kk")], &["--lang", "ru"]).starts_with(no_vault_ru));
    assert!(err(&[("AMANAT_LANG", "kk")], &["--lang=ug"]).contains("ئامبار يوق"));
    // LC_ALL outranks LANG, as for every program.
    assert!(
        err(&[("LANG", "kk_KZ.UTF-8"), ("LC_ALL", "ru_RU.UTF-8")], &[]).starts_with(no_vault_ru)
    );
    for unknown in [
        &[("LANG", "de_DE.UTF-8")][..],
        &[("AMANAT_LANG", "xx")],
        &[("LANG", "C")],
    ] {
        let e = err(unknown, &[]);
        assert!(e.starts_with("amanat: no vault at"), "{unknown:?}: {e}");
        assert!(e.contains("Create one with `amanat init`"), "{e}");
    }
    let e = err(&[], &["--lang", "klingon"]);
    assert!(e.starts_with("amanat: no vault at"), "{e}");
}

#[test]
fn errors_and_hints_are_translated_and_exit_codes_stay() {
    let env = Env::new();
    for (lang, says) in [
        ("en", "no record matches \"zzzz\""),
        ("ru", "нет записи, подходящей под \"zzzz\""),
        ("kk", "\"zzzz\" сәйкес жазба жоқ"),
        ("kk-Latn", "\"zzzz\" säikes jazba joq"),
        ("ug", "\"zzzz\" غا ماس خاتىرە يوق"),
    ] {
        let o = env
            .cmd()
            .args(["--lang", lang, "show", "zzzz"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{lang}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(says), "{lang}: {e}");
        assert!(e.contains("`amanat list`"), "{lang}: the hint in {e}");
    }
}

#[test]
fn output_for_scripts_is_the_same_in_every_language() {
    let env = Env::new();
    let t = env.root().join("t.txt");
    fs::write(&t, "Үрімшіде").unwrap();
    let id = env.ok(&["add", "--title", "One", "--testimony", t.to_str().unwrap()]);
    let json = |lang: &str, args: &[&str]| {
        let o = env
            .cmd()
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{lang} {args:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    for args in [
        &["list", "--json"][..],
        &["search", "ürımşıde", "--json"],
        &["keys", "--json"],
    ] {
        let en = json("en", args);
        for lang in ["ru", "kk", "kk-Latn", "ug"] {
            assert_eq!(json(lang, args), en, "{lang} {args:?}");
        }
    }
    assert_eq!(
        json(
            "ug",
            &["add", "--title", "Two", "--testimony", t.to_str().unwrap()]
        )
        .len(),
        id.len()
    );
}

#[test]
fn help_is_framed_in_the_language() {
    let env = Env::bare();
    let help = |lang: &str| env.ok(&["--lang", lang, "--help"]);
    assert!(help("en").contains("Usage: amanat"));
    let ru = help("ru");
    assert!(
        ru.contains("Использование: amanat") && ru.contains("Команды:"),
        "{ru}"
    );
    let ug = help("ug");
    assert!(
        ug.contains("ئىشلىتىلىشى: amanat") && ug.contains("بۇيرۇقلار:"),
        "{ug}"
    );
}

#[test]
fn commands_report_in_the_language() {
    let env = Env::bare();
    let run = |lang: &str, args: &[&str]| {
        let o = env
            .cmd()
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stderr).unwrap()
    };
    let cyrillic = |s: &str| s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    let arabic = |s: &str| s.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c));
    let init = run("ru", &["init", "--kdf-work-factor", "10"]);
    assert!(
        cyrillic(&init) && !init.contains("Created a vault"),
        "{init}"
    );
    let t = env.root().join("t.txt");
    fs::write(&t, "text").unwrap();
    let id = env.ok(&["add", "--title", "One", "--testimony", t.to_str().unwrap()]);
    let check = run("ug", &["check"]);
    assert!(arabic(&check) && !check.contains("Checked"), "{check}");
    let show = env
        .cmd()
        .args(["--lang", "kk", "show", id.trim()])
        .output()
        .unwrap();
    let show = String::from_utf8(show.stdout).unwrap();
    assert!(show.contains("атауы:") && show.contains("куәлік"), "{show}");
    let rm = run("kk-Latn", &["rm", id.trim()]);
    assert!(!cyrillic(&rm) && !rm.contains("Removed record"), "{rm}");
}

#[test]
fn completions_and_the_manual_page_are_generated_in_the_language() {
    let env = Env::bare();
    let bash = env.ok(&["completions", "bash"]);
    // From a file: the script is longer than one argument may be (128 KiB).
    let script = env.out("amanat.bash");
    std::fs::write(&script, &bash).unwrap();
    let st = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(st.success(), "bash refuses the completion script");
    assert!(bash.contains("serve") && bash.contains("--lang"), "{bash}");
    assert!(env
        .ok(&["completions", "zsh"])
        .starts_with("#compdef amanat"));
    let fish = env.ok(&["--lang", "ru", "completions", "fish"]);
    assert!(
        fish.contains("complete -c amanat") && fish.contains("Запечатать"),
        "{fish}"
    );
    let man = env.ok(&["manpage"]);
    assert!(
        man.contains(".TH amanat 1") && man.contains("An encrypted vault"),
        "{man}"
    );
    let man_kk = env.ok(&["--lang", "kk", "manpage"]);
    assert!(
        man_kk.contains("Қолданылуы") || man_kk.contains("қойма"),
        "{man_kk}"
    );
    let o = env.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// Search folds scripts, but a tag filter selects what an export sends: it folds case only,
/// so `HR` never takes `ХР` (Cyrillic), nor `мат` `мать`.
#[test]
fn a_tag_filter_folds_case_but_not_script() {
    let env = Env::new();
    let t = env.input("t.txt", "text");
    let t = t.to_str().unwrap();
    let hr = env.add(&[
        "--title",
        "for the partner",
        "--tag",
        "HR",
        "--testimony",
        t,
    ]);
    env.add(&["--title", "internal", "--tag", "ХР", "--testimony", t]);
    env.add(&["--title", "mother", "--tag", "мать", "--testimony", t]);
    env.add(&["--title", "other", "--tag", "мат", "--testimony", t]);
    let ids = |tag: &str| -> Vec<String> {
        let out = env.ok(&["list", "--tag", tag, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("hr"), ["for the partner"]);
    assert_eq!(ids("хр"), ["internal"]);
    assert_eq!(ids("МАТ"), ["other"]);
    let key = env.root().join("partner.key");
    let st = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .status()
        .unwrap();
    assert!(st.success());
    let text = fs::read_to_string(&key).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap();
    env.ok(&["contact", "add", "partner", "--recipient", recipient]);
    let out = env.root().join("hr.amanat");
    let o = env
        .cmd()
        .args(["export", "--to", "partner", "--tag", "HR", "--json", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["records"], 1, "{r}");
    let _ = hr;
}

/// Common English words: a line in another language that holds one of these (outside
/// quoted text and ids) has English left in it.
const ENGLISH: [&str; 27] = [
    "the",
    "is",
    "not",
    "does",
    "cannot",
    "invalid",
    "damaged",
    "with",
    "from",
    "this",
    "that",
    "bundle",
    "record",
    "open",
    "use",
    "file",
    "no",
    "an",
    "unexpected",
    "found",
    "usage",
    "information",
    "try",
    "about",
    "guesses",
    "easy",
    "guess",
];

/// The English words of `line`, outside its quoted parts and but for the keywords in capitals
/// that begin the lines scripts read (`DAMAGED`).
fn english_words(line: &str) -> Vec<String> {
    let unquoted: String = line.split('"').step_by(2).collect::<Vec<_>>().join(" ");
    unquoted
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.is_ascii() && w.chars().any(|c| c.is_ascii_lowercase()))
        .filter(|w| ENGLISH.contains(&w.to_ascii_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

/// Runs `amanat --lang LANG ARGS`, which must exit with `code`.
fn in_lang(env: &Env, lang: &str, args: &[&str], code: i32) -> std::process::Output {
    let o = env
        .cmd()
        .arg("--lang")
        .arg(lang)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(code), "{lang} {args:?}");
    o
}

/// No line of `out` has a common English word outside quotes and capital keywords.
fn assert_no_english(lang: &str, args: &[&str], out: &[u8]) {
    for line in String::from_utf8_lossy(out).lines() {
        let words = english_words(line);
        assert!(
            words.is_empty(),
            "{lang} {args:?}: English {words:?} in {line:?}"
        );
    }
}

/// The details that errors and reports carry (why a date is invalid, why a bundle was
/// rejected, what in a record is damaged) are in the language too, not only their frame.
#[test]
fn details_of_errors_and_reports_are_translated() {
    let env = Env::new();
    let bad = env.add(&["--title", "bad"]);
    let junk = env.input("junk.amanat", b"this is not a bundle at all, just text\n");
    {
        let key = crate::util::locator_key(&env, &bad);
        let db = amanat::storage::store::open_raw_db(&env.vault).unwrap();
        let t = db.open_tree("records").unwrap();
        let mut v = t.get(&key).unwrap().unwrap().to_vec();
        let n = v.len();
        v[n / 2] ^= 0x01;
        t.insert(&key, v).unwrap();
        db.flush().unwrap();
    }
    for lang in ["ru", "kk", "kk-Latn", "ug"] {
        let runs: [(&[&str], i32, bool); 4] = [
            (&["add", "--title", "t", "--date", "2024-13-45"], 2, false),
            (&["import", junk.to_str().unwrap()], 1, false),
            (&["show", &bad], 1, false),
            (&["check"], 1, true),
        ];
        for (args, code, stdout) in runs {
            let o = in_lang(&env, lang, args, code);
            assert_no_english(lang, args, if stdout { &o.stdout } else { &o.stderr });
        }
    }
}

/// The parser's own errors (an unknown flag, a subcommand mistyped) and the passphrase
/// estimator's advice are in the language too.
#[test]
fn parse_errors_and_passphrase_advice_are_in_the_language() {
    let env = Env::bare();
    fs::write(env.root().join("pass"), "abc\n").unwrap();
    for lang in ["ru", "kk", "kk-Latn", "ug"] {
        let runs: [&[&str]; 3] = [
            &["list", "--bogus"],
            &["lst"],
            &["init", "--kdf-work-factor", "10"],
        ];
        for args in runs {
            let o = in_lang(&env, lang, args, 2);
            assert!(!o.stderr.is_empty(), "{lang} {args:?}");
            assert_no_english(lang, args, &o.stderr);
        }
    }
    let o = env
        .cmd()
        .args(["--lang", "ru", "list", "--bogus"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("'--bogus'"));
}
