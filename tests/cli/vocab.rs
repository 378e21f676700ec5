//! Vocabularies (FORMAT.md 12.4): search and the tag and place filters take any label of a
//! term for any other, built in and added by the user, and bad terms change nothing.
use crate::util::*;

#[test]
fn search_and_filters_take_any_label_of_a_term() {
    let env = Env::new();
    let add = |title: &str, text: &str, extra: &[&str]| {
        let t = env.input(&format!("{title}.txt"), text);
        let mut a = vec!["--title", title, "--testimony", t.to_str().unwrap()];
        a.extend_from_slice(extra);
        env.add(&a)
    };
    add(
        "kk",
        "Інімді Құлжада ұстады.",
        &["--place", "Құлжа", "--tag", "задержание"],
    );
    add("zh", "他在伊宁被拘留。", &["--place", "伊宁市"]);
    add(
        "en",
        "He was taken in Yining.",
        &["--place", "Yining, Ili", "--tag", "detention"],
    );
    add(
        "other",
        "Қызылжарда тұрамыз.",
        &["--place", "Қызылжар", "--tag", "ХР"],
    );
    add("hr", "nothing", &["--tag", "HR"]);
    let three = ["en", "kk", "zh"];
    assert_eq!(titles(&env, &["search", "Ghulja"]), three);
    assert_eq!(titles(&env, &["search", "Кульджа"]), three);
    assert_eq!(titles(&env, &["list", "--place", "Ghulja"]), three);
    assert_eq!(
        titles(&env, &["list", "--place", "ili"]),
        ["en"],
        "not a label: a word"
    );
    assert_eq!(titles(&env, &["list", "--tag", "detention"]), ["en", "kk"]);
    assert_eq!(
        titles(&env, &["list", "--tag", "HR"]),
        ["hr"],
        "HR and ХР are not one term"
    );
    // A term of the user's own, then extended, then removed.
    assert!(titles(&env, &["search", "Petropavl"]).is_empty());
    let before = env.state();
    for bad in [
        vec!["vocab", "add", "Petropavl", ""],
        vec!["vocab", "add", "Petropavl", "a\u{7}b"],
        vec!["vocab", "add", "Petropavl", "PETROPAVL"],
        vec!["vocab", "rm", "Nowhere"],
        vec!["vocab", "rm", "Urumqi"],
    ] {
        env.fails(&bad, 2);
        assert_eq!(env.state(), before, "{bad:?}");
    }
    assert_eq!(
        env.run(&["vocab", "add", "Petropavl"]).status.code(),
        Some(2)
    );
    assert_eq!(
        env.run(&["vocab", "add", "a", "b", "--kind", "river"])
            .status
            .code(),
        Some(2)
    );
    let o = env.run(&["vocab", "add", "Petropavl", "Қызылжар"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("Added the term Petropavl = Қызылжар"));
    assert_eq!(titles(&env, &["search", "Petropavl"]), ["other"]);
    assert_eq!(titles(&env, &["list", "--place", "petropavl"]), ["other"]);
    let o = env.run(&["vocab", "add", "Петропавловск", "petropavl"]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("The term is now Petropavl = Қызылжар = Петропавловск"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A tag term joins the spellings it is given, case folded, and no others: ХР only
    // once the user says so.
    add("rights", "nothing", &["--tag", "Human Rights"]);
    env.ok(&["vocab", "add", "HR", "human rights", "--kind", "tag"]);
    assert_eq!(
        titles(&env, &["list", "--tag", "hr"]),
        ["hr", "rights"],
        "not ХР"
    );
    env.ok(&["vocab", "add", "HR", "ХР"]);
    assert_eq!(
        titles(&env, &["list", "--tag", "hr"]),
        ["hr", "other", "rights"],
        "now one term"
    );
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["vocab", "list", "--json"])).unwrap();
    let own: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["built_in"] == false)
        .collect();
    assert_eq!(own.len(), 2);
    assert!(list.as_array().unwrap().len() > 10, "the built-in list");
    // Rotation re-seals the terms with the rest.
    env.ok(&["rotate"]);
    assert_eq!(titles(&env, &["search", "Петропавловск"]), ["other"]);
    env.ok(&["vocab", "rm", "Қызылжар"]);
    assert!(titles(&env, &["search", "Petropavl"]).is_empty());
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
    // Terms are not contacts.
    let contacts = env.run(&["contact", "list"]);
    assert!(!String::from_utf8_lossy(&contacts.stdout).contains("HR"));
}
