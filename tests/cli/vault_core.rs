//! The everyday workflow: init, add, list, show, search, get, rm, keys, check, ingest.
use std::fs;

use crate::util::*;

#[test]
fn init_creates_a_vault_and_refuses_a_second_one() {
    let env = Env::new();
    assert!(env.vault.join("keyring").is_file());
    assert!(env.vault.join("VERSION").is_file());
    let err = env.fails(&["init", "--kdf-work-factor", "10"], 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn add_then_show_reports_every_part_with_its_sha256() {
    let env = Env::new();
    let testimony = env.input("interview.txt", "They took my father at night.");
    let scan: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let scan_path = env.input("passport scan.jpg", &scan);
    let id = env.add(&[
        "--title",
        "Testimony of W-17",
        "--tag",
        "detention",
        "--tag",
        "family",
        "--witness",
        "W-17",
        "--language",
        "kk",
        "--place",
        "Ürümqi",
        "--date",
        "2019-03-04",
        "--interviewer",
        "A.K.",
        "--note",
        "follow up in spring",
        "--testimony",
        testimony.to_str().unwrap(),
        scan_path.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["show", &id, "--json"])).unwrap();
    assert_eq!(v["id"], id);
    assert_eq!(v["title"], "Testimony of W-17");
    assert_eq!(v["tags"], serde_json::json!(["detention", "family"]));
    assert_eq!(v["place"], "Ürümqi");
    let parts = v["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["kind"], "testimony");
    assert_eq!(
        parts[0]["sha256"],
        sha256_hex(b"They took my father at night.")
    );
    assert_eq!(parts[1]["name"], "passport scan.jpg");
    assert_eq!(parts[1]["size"], 200_000);
    assert_eq!(parts[1]["sha256"], sha256_hex(&scan));
    // The human form names the same hash.
    let text = env.ok(&["show", &id[..8]]);
    assert!(text.contains(&sha256_hex(&scan)), "{text}");
}

#[test]
fn get_returns_each_part_byte_identical_by_name_index_and_stdout() {
    let env = Env::new();
    let t = env.input("t.txt", "Тестовые показания");
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let b = env.input("recording.ogg", &big);
    let id = env.add(&[
        "--title",
        "x",
        "--testimony",
        t.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    let out = env.out("rec.ogg");
    env.ok(&["get", &id, "recording.ogg", "-o", out.to_str().unwrap()]);
    assert_eq!(fs::read(&out).unwrap(), big);
    let out1 = env.out("by-index");
    env.ok(&["get", &id, "1", "-o", out1.to_str().unwrap()]);
    assert_eq!(fs::read(&out1).unwrap(), big);
    assert_eq!(
        env.ok(&["get", &id, "testimony", "-o", "-"]),
        "Тестовые показания"
    );
    // An existing file is not replaced without --force.
    let err = env.fails(&["get", &id, "testimony", "-o", out.to_str().unwrap()], 2);
    assert!(err.contains("--force"), "{err}");
    env.ok(&[
        "get",
        &id,
        "testimony",
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(fs::read(&out).unwrap(), "Тестовые показания".as_bytes());
}

#[test]
fn testimony_can_come_from_stdin() {
    let env = Env::new();
    let mut c = env.cmd();
    c.args(["add", "--title", "dictated", "--testimony", "-"]);
    let out = assert_cmd::Command::from_std(c)
        .write_stdin("spoken words")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id = String::from_utf8(out).unwrap().trim().to_owned();
    assert_eq!(
        env.ok(&["get", &id, "testimony", "-o", "-"]),
        "spoken words"
    );
}

#[test]
fn list_filters_by_tag_witness_and_dates() {
    let env = Env::new();
    let a = env.add(&[
        "--title",
        "A",
        "--tag",
        "Camp",
        "--witness",
        "W-1",
        "--date",
        "2018-01-10",
    ]);
    let b = env.add(&[
        "--title",
        "B",
        "--tag",
        "border",
        "--witness",
        "W-2",
        "--date",
        "2020-06-01",
    ]);
    let c = env.add(&[
        "--title",
        "C",
        "--tag",
        "camp",
        "--witness",
        "W-1",
        "--date",
        "2022-12-31",
    ]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["list", "--json"];
        a.extend_from_slice(args);
        sorted_ids(&env, &a)
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(ids(&[]), sorted(vec![a.clone(), b.clone(), c.clone()]));
    assert_eq!(ids(&["--tag", "CAMP"]), sorted(vec![a.clone(), c.clone()]));
    assert_eq!(ids(&["--witness", "W-2"]), vec![b.clone()]);
    assert_eq!(
        ids(&["--since", "2019-01-01"]),
        sorted(vec![b.clone(), c.clone()])
    );
    assert_eq!(
        ids(&["--since", "2019-01-01", "--until", "2021-01-01"]),
        vec![b.clone()]
    );
    // Nothing found: exit 1, like grep.
    assert_eq!(env.run(&["list", "--tag", "nope"]).status.code(), Some(1));
    // The human listing shows short ids and titles.
    let text = env.ok(&["list"]);
    assert!(
        text.contains(&a[..10]) && text.contains("  A  [Camp]  (W-1)"),
        "{text}"
    );
    let err = env.fails(&["list", "--since", "last week"], 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn search_is_case_insensitive_in_every_script() {
    let env = Env::new();
    let texts = [
        ("kk-cyr", "Әкемді Үрімшіде ұстады. Лагерьде екі жыл болды."),
        ("kk-lat", "Äkemdi Ürimşide ustadı. Lagerde eki jyl boldy."),
        ("kk-arab", "اكەمدى ۇرىمجىدە ۇستادى"),
        ("ru", "Моего отца задержали в Урумчи."),
        ("ug", "دادامنى ئۈرۈمچىدە تۇتۇۋالدى"),
        ("zh", "我父亲在乌鲁木齐被拘留了两年。"),
        ("en", "My father was DETAINED in Urumqi."),
    ];
    let mut ids = std::collections::HashMap::new();
    for (lang, text) in texts {
        let f = env.input(&format!("{lang}.txt"), text);
        ids.insert(
            lang,
            env.add(&[
                "--title",
                &format!("testimony {lang}"),
                "--language",
                lang,
                "--testimony",
                f.to_str().unwrap(),
            ]),
        );
    }
    let find = |q: &str| -> Vec<String> {
        let o = env.run(&["search", q, "--json"]);
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or(serde_json::json!([]));
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Kazakh in either script finds both spellings (FORMAT.md 8.3).
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let both = sorted(vec![ids["kk-cyr"].clone(), ids["kk-lat"].clone()]);
    assert_eq!(sorted(find("ҮРІМШІДЕ")), both);
    assert_eq!(sorted(find("ÜRİMŞİDE")), both);
    assert_eq!(sorted(find("ÄKEMDI")), both);
    assert_eq!(find("ۇرىمجىدە"), vec![ids["kk-arab"].clone()]);
    assert_eq!(find("ئۈرۈمچىدە"), vec![ids["ug"].clone()]);
    // A city's name, as a label of the built-in vocabulary (FORMAT.md 12.4), finds it in
    // every script the testimonies wrote it in.
    for q in ["урумчи", "乌鲁木齐", "Urumqi"] {
        let found = find(q);
        for lang in ["ru", "zh", "ug", "kk-cyr"] {
            assert!(found.contains(&ids[lang]), "{q} finds {lang}: {found:?}");
        }
    }
    assert_eq!(find("father detained"), vec![ids["en"].clone()]);
    // Titles are searched too; all terms must match.
    assert_eq!(find("testimony zh"), vec![ids["zh"].clone()]);
    let o = env.run(&["search", "nowhere-to-be-found"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
}

#[test]
fn search_finds_text_deep_in_a_long_testimony() {
    let env = Env::new();
    let mut text = "ordinary words ".repeat(20_000); // ~300 KB: several search chunks
    text.push_str("the name of the camp was Karamay");
    let f = env.input("long.txt", &text);
    let id = env.add(&["--title", "long", "--testimony", f.to_str().unwrap()]);
    let out = env.ok(&["search", "karamay"]);
    assert!(out.starts_with(&id[..10]), "{out}");
}

/// The ids a `list`/`search … --json` command prints, sorted; empty when it prints none.
fn sorted_ids(env: &Env, args: &[&str]) -> Vec<String> {
    let o = env.run(args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::json!([]));
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// Ids of `search QUERY --json`, sorted; empty when nothing is found.
fn found(env: &Env, q: &str) -> Vec<String> {
    sorted_ids(env, &["search", q, "--json"])
}

/// Ingests `n` records whose testimonies hold `word{i}` and `common`; returns their ids.
fn ingest_numbered(env: &Env, n: usize) -> Vec<String> {
    let mut lines = String::new();
    for i in 0..n {
        let t = env.input(
            &format!("t{i}.txt"),
            format!("Common words, then марка{i}x here."),
        );
        lines.push_str(&format!(
            "{{\"title\": \"r{i}\", \"testimony\": {:?}}}\n",
            t.to_str().unwrap()
        ));
    }
    let f = env.input("records.jsonl", lines);
    let o = env.run(&["ingest", f.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_search_index_follows_ingest_add_and_rm() {
    let env = Env::new();
    // 600 records fill two segments of the index and start a third.
    let ids = ingest_numbered(&env, 600);
    assert_eq!(ids.len(), 600);
    let mut all = ids.clone();
    all.sort();
    assert_eq!(found(&env, "COMMON"), all);
    for i in [0, 255, 256, 511, 599] {
        assert_eq!(
            found(&env, &format!("МАРКА{i}X")),
            vec![ids[i].clone()],
            "record {i}"
        );
    }
    // Records added one at a time join the open segment.
    let t = env.input("single.txt", "Another common testimony, word марка9999x.");
    let single = env.add(&["--title", "single", "--testimony", t.to_str().unwrap()]);
    assert_eq!(found(&env, "марка9999x"), vec![single.clone()]);
    // A removed record's words are found no more; its neighbours' still are.
    for i in [3, 300, 599] {
        env.ok(&["rm", &ids[i]]);
        assert!(found(&env, &format!("марка{i}x")).is_empty(), "record {i}");
    }
    env.ok(&["rm", &single]);
    assert!(found(&env, "марка9999x").is_empty());
    assert_eq!(found(&env, "марка4x"), vec![ids[4].clone()]);
    assert_eq!(found(&env, "common").len(), 597);
    let o = env.run(&["search", "марка300x"]);
    assert_eq!(o.status.code(), Some(1));
    env.ok(&["check"]);
}

#[test]
fn check_names_records_missing_from_the_search_index_and_rebuild_restores_them() {
    use amanat::format::keyring::Passphrase;
    use amanat::{LockedVault, RecordId, VaultPaths};
    let env = Env::new();
    let ids = ingest_numbered(&env, 3);
    {
        let v = LockedVault::open(VaultPaths::new(&env.vault, None))
            .unwrap()
            .unlock(&Passphrase::new(crate::util::PASS.into()).unwrap())
            .unwrap();
        let id = RecordId::from_hex(&ids[1]).unwrap();
        amanat::vault::check::testing::drop_index_segment_of(&v, &id);
    }
    assert!(found(&env, "common").is_empty());
    let o = env.run(&["check", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut named: Vec<String> = report["damaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[0].as_str().unwrap().to_owned())
        .collect();
    named.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(named, want, "{report}");
    // The journal still holds the segment.
    env.ok(&["rebuild"]);
    env.ok(&["check"]);
    assert_eq!(found(&env, "common"), want);
}

#[test]
fn search_text_of_an_older_vault_moves_into_the_index_at_unlock() {
    use amanat::format::keyring::Passphrase;
    use amanat::vault::check::legacy;
    use amanat::{LockedVault, VaultPaths};
    let env = Env::new();
    let ids = ingest_numbered(&env, 300);
    // About 480 KB of distinct words: old search text in several chunks.
    let mut long: String = (0..40_000).map(|i| format!("слово{i} ")).collect();
    long.push_str("a camp called Karamay");
    let t = env.input("long.txt", &long);
    let long_id = env.add(&["--title", "long", "--testimony", t.to_str().unwrap()]);
    let titled = env.add(&[
        "--title",
        "Only a title",
        "--tag",
        "Tagged",
        "--place",
        "Кульджа",
    ]);
    let unlock = || {
        LockedVault::open(VaultPaths::new(&env.vault, None))
            .unwrap()
            .unlock(&Passphrase::new(crate::util::PASS.into()).unwrap())
            .unwrap()
    };
    {
        let v = unlock();
        // Unlocking moved nothing: there was nothing to move.
        let (search, index) = legacy::tree_sizes(&v);
        assert_eq!(search, 0);
        assert!(index >= 3, "two segments and the pointer: {index}");
        legacy::move_index_to_search_text(&v);
        // 300 short testimonies, a long one in several chunks, and a record without one.
        let (search, index) = legacy::tree_sizes(&v);
        assert!(search > 310, "{search}");
        assert_eq!(index, 0);
    }
    // A crash after the first of two transactions: the next unlock finishes the move
    // (adding the other 46 records, or all 302 if the first transaction had not reached
    // the disk), once, and says so.
    let o = env
        .cmd()
        .args(["list"])
        .env("AMANAT_CRASH_AT", "index-batch")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let o = env.run(&["list"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(" 46 records were added to the search index")
            || err.contains(" 302 records were added to the search index"),
        "{err}"
    );
    let o = env.run(&["list"]);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(found(&env, "марка299x"), vec![ids[299].clone()]);
    assert_eq!(found(&env, "karamay"), vec![long_id.clone()]);
    assert_eq!(found(&env, "слово39999"), vec![long_id]);
    assert_eq!(found(&env, "common").len(), 300);
    assert_eq!(found(&env, "кульджа tagged title"), vec![titled]);
    assert_eq!(found(&env, "r299").len(), 1);
    let (search, index) = legacy::tree_sizes(&unlock());
    assert_eq!(search, 0);
    assert!(index >= 3, "{index}");
    // No record is in the index twice, and every segment opens.
    env.ok(&["check"]);
}

/// `list --json` carries every field exactly, whatever characters it holds: one JSON
/// object per line, each string escaped as JSON requires.
#[test]
fn list_json_carries_every_field_exactly() {
    let env = Env::new();
    let title = "T \"q\" \\ \t\u{1b}[31m red \u{7f} \u{2028} Қазақ 乌鲁木齐";
    let note = "line1\nline2 \u{8} \u{c} \r";
    let part = env.input("we\"ird\\näme.txt", "x");
    let id = env.add(&[
        "--title",
        title,
        "--tag",
        "a\"b",
        "--tag",
        "ключ",
        "--witness",
        "W-\"1\"",
        "--language",
        "kk",
        "--place",
        "Алматы/Almaty",
        "--date",
        "2020-02-02",
        "--interviewer",
        "I\\n",
        "--note",
        note,
        part.to_str().unwrap(),
    ]);
    env.add(&["--title", "plain"]);
    let out = env.ok(&["list", "--json"]);
    // `[`, one line per record, `]`.
    assert_eq!(out.lines().count(), 4, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    let expected = serde_json::json!({
        "id": id, "created": r["created"], "sealed_size": r["sealed_size"],
        "title": title, "tags": ["a\"b", "ключ"], "witness": "W-\"1\"", "language": "kk",
        "place": "Алматы/Almaty", "date": "2020-02-02", "interviewer": "I\\n", "note": note,
        "parts": [{"kind": "attachment", "name": "we\"ird\\näme.txt", "size": 1}],
    });
    assert_eq!(r, &expected);
    assert!(r["sealed_size"].as_u64().unwrap() > 0);
    let created = r["created"].as_str().unwrap();
    assert!(created.parse::<jiff::Timestamp>().is_ok(), "{created}");
    // A record without optional fields has them as null.
    let plain = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "plain")
        .unwrap();
    assert_eq!(plain["witness"], serde_json::Value::Null);
    assert_eq!(plain["tags"], serde_json::json!([]));
    assert_eq!(plain["parts"], serde_json::json!([]));
}

#[test]
fn id_prefixes_resolve_when_unambiguous() {
    let env = Env::new();
    let mut lines = String::new();
    for i in 0..17 {
        lines.push_str(&format!("{{\"title\": \"r{i}\"}}\n"));
    }
    env.input("batch.jsonl", &lines);
    env.ok(&[
        "ingest",
        env.root().join("in/batch.jsonl").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    let ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 17);
    // 17 ids over 16 first digits: some digit is shared, so that prefix is ambiguous.
    let shared = (0..16)
        .map(|d| format!("{d:x}"))
        .find(|d| ids.iter().filter(|i| i.starts_with(d.as_str())).count() > 1)
        .unwrap();
    let err = env.fails(&["show", &shared], 2);
    assert!(
        err.contains("matches") && err.contains("more characters"),
        "{err}"
    );
    // Every full id and every 12-digit prefix resolves.
    for id in &ids {
        assert!(env.ok(&["show", &id[..12]]).contains(id.as_str()));
    }
}

#[test]
fn rm_removes_the_record_and_its_objects() {
    let env = Env::new();
    let big = env.input("big.bin", vec![7u8; 100_000]);
    let keep = env.add(&["--title", "keep"]);
    let id = env.add(&["--title", "gone", big.to_str().unwrap()]);
    assert_eq!(env.state().1.len(), 1);
    env.ok(&["rm", &id[..10]]);
    assert_eq!(env.state().1.len(), 0, "object file removed");
    let list = env.ok(&["list"]);
    assert!(list.contains(&keep[..10]) && !list.contains(&id[..10]));
    env.fails(&["show", &id], 1);
    env.ok(&["check"]);
}

#[test]
fn keys_prints_recipient_signing_key_and_fingerprint() {
    let env = Env::new();
    let text = env.ok(&["keys"]);
    assert!(text.contains("recipient:       age1"), "{text}");
    assert!(text.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"), "{text}");
    assert!(text.contains("SHA256:"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
    assert!(v["recipient"].as_str().unwrap().starts_with("age1"));
    // The fingerprint is the one OpenSSH computes for the same key.
    let pubfile = env.input("k.pub", format!("{}\n", v["signing_key"].as_str().unwrap()));
    if let Ok(o) = std::process::Command::new("ssh-keygen")
        .arg("-l")
        .arg("-f")
        .arg(&pubfile)
        .output()
    {
        if o.status.success() {
            let line = String::from_utf8_lossy(&o.stdout);
            assert!(line.contains(v["fingerprint"].as_str().unwrap()), "{line}");
        }
    }
}

#[test]
fn extra_recipient_can_open_records_with_the_age_cli_key() {
    // An HQ backup key given at init: every record body is sealed to it too.
    let hq = age::x25519::Identity::generate();
    let env = Env::bare();
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--recipient",
        &hq.to_public().to_string(),
    ]);
    let k: serde_json::Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
    assert_eq!(k["content_recipients"].as_array().unwrap().len(), 2);
    let big = env.input("big.bin", vec![3u8; 70_000]);
    env.add(&["--title", "x", big.to_str().unwrap()]);
    let objects = files_below(&env.vault.join("objects"));
    assert_eq!(objects.len(), 1);
    let plain = age::decrypt(&hq, &fs::read(&objects[0]).unwrap()).unwrap();
    // The part followed by its padding (FORMAT.md, "Padding").
    assert_eq!(plain.len() as u64, crate::traces::padded_len(70_000));
    assert_eq!(plain[..70_000], vec![3u8; 70_000][..]);
    // A bad recipient is refused before anything is created.
    let env2 = Env::bare();
    let err = env2.fails(
        &[
            "init",
            "--kdf-work-factor",
            "10",
            "--recipient",
            "ssh-rsa AAAAB3",
        ],
        2,
    );
    assert!(err.contains("unsupported recipient"), "{err}");
    assert!(!env2.vault.exists());
}

#[test]
fn check_passes_on_a_healthy_vault() {
    let env = Env::new();
    let big = env.input("big.bin", vec![1u8; 500_000]);
    env.add(&["--title", "one", big.to_str().unwrap()]);
    env.add(&["--title", "two"]);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["check", "--json"])).unwrap();
    assert_eq!(v["records"], 2);
    assert_eq!(v["damaged"].as_array().unwrap().len(), 0);
    assert_eq!(v["bytes"], 500_000);
}

#[test]
fn ingest_reports_bad_lines_and_adds_the_rest() {
    let env = Env::new();
    env.input("t1.txt", "first testimony");
    env.input("scan.png", vec![9u8; 80_000]);
    let jsonl = r#"{"title": "one", "tags": ["a"], "witness": "W-1", "testimony": "t1.txt", "attachments": ["scan.png"]}
{"title": "two", "date": "not a date"}
this is not json
{"title": "three", "attachments": ["missing.jpg"]}

{"title": "four", "colour": "red"}
{"title": "five", "place": "Almaty"}
"#;
    let f = env.input("batch.jsonl", jsonl);
    let o = env.run(&["ingest", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for n in [2, 3, 4, 6] {
        assert!(
            err.contains(&format!("line {n}:")),
            "line {n} reported: {err}"
        );
    }
    assert!(err.contains("Ingested 2 records; 4 lines failed."), "{err}");
    let list = env.ok(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"one") && titles.contains(&"five"));
    let one = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "one")
        .unwrap();
    let id = one["id"].as_str().unwrap();
    assert_eq!(
        env.ok(&["get", id, "testimony", "-o", "-"]),
        "first testimony"
    );
    assert!(env.tmp_is_empty());
}

#[test]
fn ingest_strict_stops_before_writing_anything() {
    let env = Env::new();
    let before = env.state();
    let f = env.input(
        "batch.jsonl",
        "{\"title\": \"ok\"}\n{\"title\": \"bad\", \"attachments\": [\"nope.bin\"]}\n",
    );
    let err = env.fails(&["ingest", "--strict", f.to_str().unwrap()], 2);
    assert!(
        err.contains("line 2") && err.contains("nothing was ingested"),
        "{err}"
    );
    assert_eq!(env.state(), before);
}

#[test]
fn ingest_json_summary_lists_ids() {
    let env = Env::new();
    let f = env.input("b.jsonl", "{\"title\": \"a\"}\n{\"title\": \"b\"}\n");
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["ingest", "--json", f.to_str().unwrap()])).unwrap();
    assert_eq!(v["added"], 2);
    assert_eq!(v["ids"].as_array().unwrap().len(), 2);
}

#[test]
fn ingest_of_several_batches_reports_ids_in_line_order() {
    // More records than one commit batch (256), sealed on every core and committed as they
    // come: the summary still lists ids in the order of the lines, and every line is there.
    let env = Env::new();
    let mut jsonl = String::new();
    for i in 0..600 {
        if i == 300 {
            jsonl.push_str("{\"title\": \"bad\", \"date\": \"someday\"}\n");
        } else if i == 450 {
            // Fails while sealing, inside the pipeline, not while parsing.
            jsonl.push_str("{\"title\": \"gone\", \"attachments\": [\"gone.bin\"]}\n");
        } else {
            jsonl.push_str(&format!("{{\"title\": \"line {}\"}}\n", i + 1));
        }
    }
    let f = env.input("many.jsonl", jsonl);
    let o = env.run(&["ingest", "--json", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "two lines failed");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["added"], 598);
    assert_eq!(v["failed"][0]["line"], 301);
    assert_eq!(v["failed"][1]["line"], 451);
    let ids: Vec<&str> = v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    let list: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    let title_of: std::collections::HashMap<&str, &str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["title"].as_str().unwrap()))
        .collect();
    assert_eq!(title_of.len(), 598);
    let expected: Vec<String> = (1..=600)
        .filter(|&n| n != 301 && n != 451)
        .map(|n| format!("line {n}"))
        .collect();
    let titles: Vec<&str> = ids.iter().map(|id| title_of[id]).collect();
    assert_eq!(titles, expected);
    assert!(env.tmp_is_empty());
}

#[test]
fn keyring_can_live_on_removable_media() {
    let mut env = Env::bare();
    let media = env.root().join("usb");
    fs::create_dir(&media).unwrap();
    env.keyring = Some(media.join("amanat.keyring"));
    env.ok(&["init", "--kdf-work-factor", "10"]);
    assert!(!env.vault.join("keyring").exists());
    let id = env.add(&["--title", "on the road"]);
    // The media is unplugged: the vault says which file it misses.
    fs::rename(&media, env.root().join("usb-away")).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("keyring not found") && err.contains("amanat.keyring"),
        "{err}"
    );
    fs::rename(env.root().join("usb-away"), &media).unwrap();
    assert!(env.ok(&["list"]).contains(&id[..10]));
}

#[test]
fn help_explains_every_command() {
    let env = Env::bare();
    let help = env.ok(&["--help"]);
    for c in [
        "tour", "init", "add", "ingest", "list", "show", "search", "get", "rm", "keys", "check",
        "remote", "push", "pull", "status", "restore", "replica", "serve",
    ] {
        assert!(help.contains(&format!("  {c} ")), "{c} in help: {help}");
    }
    assert!(env.ok(&["add", "--help"]).contains("--testimony"));
}

#[test]
fn tour_runs_end_to_end_and_leaves_nothing_behind() {
    let env = Env::bare();
    let out = env.ok(&["tour"]);
    for expected in [
        "Create a vault",
        "үрімші           → ",
        "identical to the original: yes",
        "searched for 8 words of the samples: 0 found",
        "recognised detention-letter.png on this device (Tesseract",
        "сарыбұлақ        → ",
        "0 damaged",
        "removed EXIF and GPS from detention-notice.jpg",
        "every file's SHA-256 check out",
        "timestamped first (RFC 3161",
        "existed by",
        "witness P-",
        "and cannot read it itself",
        "headquarters imported 1 record, same id",
        "with an inbox this laptop may only write to",
        "the laptop is lost; `amanat restore` on a new one: 4 of 4 records back, check: all verified",
        "refused: wrong passphrase",
        "`amanat serve` prints an address to open in a browser",
    ] {
        assert!(
            out.contains(expected),
            "{expected:?} in tour output:\n{out}"
        );
    }
    assert!(env.tmp_is_empty_of_tour());
    assert!(!out.contains("сарыбұлақ        → nothing"), "{out}");
}

#[test]
fn the_tour_without_tesseract_or_garage_says_how_to_install_them() {
    let env = Env::bare();
    let empty = env.root().join("no-programs");
    std::fs::create_dir(&empty).unwrap();
    let o = env
        .cmd()
        .env("PATH", &empty)
        .env("CARGO_HOME", &empty)
        .env("HOME", &empty)
        .arg("tour")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains(
            "not recognised here: tesseract is not installed: install the package tesseract-ocr"
        ),
        "{out}"
    );
    assert!(out.contains("Garage is not installed here"), "{out}");
    assert!(env.tmp_is_empty_of_tour());
}
