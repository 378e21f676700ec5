//! The message files (`i18n/<language>/amanat.ftl`, docs/TRANSLATING.md): each parses, every
//! language has every message English has and no other (besides the command line's help,
//! which `src/cli/help.rs` checks), each translation uses the same variables as English,
//! every English message is used by the code, plural forms are right, and no output carries
//! Unicode isolation marks. `AMANAT_WRITE_KK_LATN=1 cargo test --test i18n` drafts the Kazakh
//! Latin file from the Cyrillic one.
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use amanat::i18n::Lang;
use amanat::tr_in;
use fluent_syntax::ast;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn file(lang: Lang) -> PathBuf {
    root().join("i18n").join(lang.code()).join("amanat.ftl")
}

/// Each message of a language with the variables it uses.
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let text = fs::read_to_string(file(lang)).unwrap();
    let res = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errs)| panic!("{}: {errs:?}", lang.code()));
    let mut out = BTreeMap::new();
    for entry in res.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(v) = &m.value {
                    pattern_vars(v, &mut vars);
                }
                for a in &m.attributes {
                    pattern_vars(&a.value, &mut vars);
                }
                assert!(
                    out.insert(m.id.name.to_owned(), vars).is_none(),
                    "{}: {} twice",
                    lang.code(),
                    m.id.name
                );
            }
            ast::Entry::Junk { content } => panic!("{}: cannot parse {content:?}", lang.code()),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// A help id of the command line, which English takes from the doc comments.
fn is_help(id: &str) -> bool {
    id.starts_with("cmd-") || id.starts_with("arg-")
}

#[test]
fn every_language_has_every_message_with_the_same_variables() {
    let en = messages(Lang::En);
    assert!(
        en.keys().all(|k| !is_help(k)),
        "English help is in the doc comments"
    );
    for lang in Lang::ALL.into_iter().skip(1) {
        let m = messages(lang);
        let missing: Vec<&String> = en.keys().filter(|k| !m.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        let unknown: Vec<&String> = m
            .keys()
            .filter(|k| !en.contains_key(*k) && !is_help(k))
            .collect();
        assert!(
            unknown.is_empty(),
            "{} has unknown {unknown:?}",
            lang.code()
        );
        for (id, vars) in &en {
            assert_eq!(&m[id], vars, "{}: the variables of {id}", lang.code());
        }
    }
}

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, out: &mut String) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push_str(&fs::read_to_string(&p).unwrap());
        }
    }
}

#[test]
fn every_english_message_is_used() {
    let mut code = String::new();
    sources(&root().join("src"), &mut code);
    let unused: Vec<String> = messages(Lang::En)
        .into_keys()
        .filter(|id| !code.contains(&format!("\"{id}\"")))
        .collect();
    assert!(unused.is_empty(), "no code uses {unused:?}");
}

#[test]
fn russian_plurals_follow_the_number() {
    let line = |n: u64| {
        tr_in!(
            Lang::Ru,
            "tour-check-summary",
            records = n,
            parts = 1u64,
            bytes = 0u64,
            damaged = 0u64
        )
    };
    for (n, word) in [
        (1, "1 запись,"),
        (3, "3 записи,"),
        (5, "5 записей,"),
        (11, "11 записей,"),
        (21, "21 запись,"),
        (22, "22 записи,"),
        (111, "111 записей,"),
    ] {
        assert!(line(n).starts_with(word), "{n}: {}", line(n));
    }
    let en = |n: u64| {
        tr_in!(
            Lang::En,
            "tour-check-summary",
            records = n,
            parts = 2u64,
            bytes = 0u64,
            damaged = 0u64
        )
    };
    assert!(en(1).starts_with("1 record, 2 parts"), "{}", en(1));
    assert!(en(21).starts_with("21 records,"), "{}", en(21));
}

#[test]
fn kazakh_and_uyghur_plurals_choose_a_form() {
    // Kazakh and Uyghur nouns do not change after a number; the forms that differ are the
    // selectors' own (yes/no here).
    for lang in [Lang::Kk, Lang::KkLatn, Lang::Ug] {
        let ok = tr_in!(lang, "tour-audit", events = 21u64, intact = "yes");
        let broken = tr_in!(lang, "tour-audit", events = 21u64, intact = "no");
        assert_ne!(ok, broken, "{}", lang.code());
        assert!(ok.contains("21"), "{ok}");
    }
}

#[test]
fn no_message_carries_isolation_marks() {
    for lang in Lang::ALL {
        let s = tr_in!(lang, "err-no-vault", path = "/tmp/ئامبار");
        assert!(
            !s.contains(['\u{2068}', '\u{2069}', '\u{2066}', '\u{2067}']),
            "{}: {s:?}",
            lang.code()
        );
        assert!(s.contains("/tmp/ئامبار"), "{s}");
    }
}

/// The Kazakh Latin alphabet of 2021 for one Cyrillic letter, in lower case.
fn latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'ә' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "io",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "ş",
        'щ' => "şş",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'і' => "ı",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// Kazakh Cyrillic text in the Latin alphabet of 2021, keeping case (И → İ, І → I).
fn kazakh_latin(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let lower = c.to_lowercase().next().unwrap();
        let Some(l) = latin(lower) else {
            out.push(c);
            continue;
        };
        if lower == c {
            out.push_str(l);
            continue;
        }
        // A capital: the whole word in capitals keeps every letter capital.
        let next_upper = chars.get(i + 1).is_some_and(|n| n.is_uppercase());
        match lower {
            'и' | 'й' => out.push('İ'),
            'і' => out.push('I'),
            _ => {
                // The i of ю, я and ё is the dotted one, as for и.
                let mut cs = l.chars();
                if let Some(f) = cs.next() {
                    match f {
                        'i' => out.push('İ'),
                        _ => out.extend(f.to_uppercase()),
                    }
                    match next_upper {
                        true => out.push_str(&cs.as_str().to_uppercase()),
                        false => out.push_str(cs.as_str()),
                    }
                }
            }
        }
    }
    out
}

#[test]
fn kazakh_latin_draft_follows_the_cyrillic() {
    assert_eq!(kazakh_latin("Үрімшіде"), "Ürımşıde");
    assert_eq!(
        kazakh_latin("ЖОҚ Иә Жаңаөзен Юсуп"),
        "JOQ İä Jañaözen İusup"
    );
    let cyr = fs::read_to_string(file(Lang::Kk)).unwrap();
    let draft = kazakh_latin(&cyr).replacen(
        "(kirill jazuy)",
        "(latyn jazuy, 2021 jylğy älıpbi; kirill nūsqasynan avtomatty türde jazylğan)",
        1,
    );
    if std::env::var_os("AMANAT_WRITE_KK_LATN").is_some() {
        fs::write(file(Lang::KkLatn), &draft).unwrap();
    }
    let latn = fs::read_to_string(file(Lang::KkLatn)).unwrap();
    assert!(
        !latn.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)),
        "kk-Latn holds Cyrillic"
    );
}
