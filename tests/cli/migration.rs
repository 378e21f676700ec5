//! Vaults written by earlier versions, committed under tests/fixtures, move to the current
//! format at their first unlock, crash-safely, and keep every record readable: version 1
//! (keyed by record ids) moves to locators, version 2 (unpadded) to padding, and `rotate`
//! re-seals what version 2 wrote in size classes.
use std::fs;
use std::path::Path;

use crate::util::{files_below, Env};

/// The ids of the records in `tests/fixtures/<name>` (`<name>.ids.json`).
fn ids_of(name: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.ids.json"));
    serde_json::from_slice(&fs::read(p).unwrap()).unwrap()
}

/// A world whose vault is a copy of the fixture `tests/fixtures/<name>`.
fn fixture_vault(name: &str) -> Env {
    let env = Env::bare();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    crate::common::copy_dir(&from, &env.vault);
    // Empty directories do not survive git.
    fs::create_dir_all(env.vault.join("tmp")).unwrap();
    fs::create_dir_all(env.vault.join("db").join("blobs")).unwrap();
    env
}

fn fixture_ids() -> serde_json::Value {
    ids_of("vault-v1")
}

/// A world whose vault is a copy of the version 1 fixture.
fn old_vault() -> Env {
    fixture_vault("vault-v1")
}

fn version(env: &Env) -> String {
    fs::read_to_string(env.vault.join("VERSION")).unwrap()
}

/// Files of the vault that hold a record id as raw bytes (what version 1 keyed sled by).
fn raw_ids_on_disk(env: &Env) -> Vec<String> {
    raw_ids_below(&env.vault)
}

fn raw_ids_below(dir: &Path) -> Vec<String> {
    let ids = fixture_ids();
    let mut found = Vec::new();
    for id in ["one", "two"] {
        let raw = hex::decode(ids[id].as_str().unwrap()).unwrap();
        for f in files_below(dir) {
            if fs::read(&f).unwrap().windows(16).any(|w| w == &raw[..]) {
                found.push(format!("{id} in {}", f.display()));
            }
        }
    }
    found
}

fn assert_migrated_and_whole(env: &Env, what: &str) {
    let ids = fixture_ids();
    let (one, two) = (ids["one"].as_str().unwrap(), ids["two"].as_str().unwrap());
    let list = env.ok(&["list", "--json"]);
    assert!(list.contains(one) && list.contains(two), "{what}: {list}");
    assert!(!list.contains(ids["removed"].as_str().unwrap()), "{what}");
    assert_eq!(version(env), "amanat-vault 10\n", "{what}");
    let scan = env.ok(&["get", one, "scan.bin", "-o", "-"]);
    assert_eq!(scan, "x".repeat(120_000), "{what}");
    assert!(env.ok(&["show", one]).contains("Fixture one"), "{what}");
    assert!(env.ok(&["search", "almaty"]).contains(&two[..10]), "{what}");
    assert!(env.ok(&["search", "үрімші"]).contains(&one[..10]), "{what}");
    assert!(
        env.ok(&["show", &one[..6]]).contains("Fixture one"),
        "{what}: a prefix"
    );
    env.ok(&["audit", "--verify"]);
    env.ok(&["check"]);
    let left = raw_ids_on_disk(env);
    assert!(
        left.is_empty(),
        "{what}: record ids still key the database: {left:?}"
    );
}

#[test]
fn a_version_1_vault_moves_to_locators_at_its_first_unlock() {
    let env = old_vault();
    assert_eq!(version(&env), "amanat-vault 1\n");
    assert!(
        !raw_ids_on_disk(&env).is_empty(),
        "the fixture is keyed by record ids"
    );
    assert_migrated_and_whole(&env, "first unlock");
    // And it goes on working: a record added, removed, the vault rotated.
    let t = env.input("t.txt", "after the move");
    let id = env.add(&["--title", "new", "--testimony", t.to_str().unwrap()]);
    env.ok(&["rm", &id]);
    env.ok(&["rotate"]);
    assert_migrated_and_whole(&env, "after rotate");
}

#[test]
fn a_crash_at_any_step_of_the_move_is_finished_by_the_next_unlock() {
    for point in [
        "erase-db-moved-aside",
        "migrated-db",
        "journal-rewritten",
        "migrated-journal",
    ] {
        let env = old_vault();
        let o = env
            .cmd()
            .arg("list")
            .env("AMANAT_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: not reached");
        // Hard links keep what the next command would only unlink.
        let blocks = env.root().join("blocks");
        fs::create_dir_all(&blocks).unwrap();
        for (i, f) in files_below(&env.vault).into_iter().enumerate() {
            fs::hard_link(&f, blocks.join(format!("{i}"))).unwrap();
        }
        assert_migrated_and_whole(&env, point);
        let kept = raw_ids_below(&blocks);
        assert!(
            kept.is_empty(),
            "{point}: the old database was unlinked, not overwritten: {kept:?}"
        );
    }
}

#[test]
fn rebuild_of_a_version_1_vault_gives_a_current_one() {
    let env = old_vault();
    env.ok(&["rebuild"]);
    assert_migrated_and_whole(&env, "rebuild");
}

fn fixture_v2_ids() -> serde_json::Value {
    ids_of("vault-v2")
}

/// A world whose vault is a copy of the version 2 fixture.
fn vault_v2() -> Env {
    fixture_vault("vault-v2")
}

fn assert_v2_whole(env: &Env, what: &str) {
    let ids = fixture_v2_ids();
    let (one, two) = (ids["one"].as_str().unwrap(), ids["two"].as_str().unwrap());
    let list = env.ok(&["list", "--json"]);
    assert!(list.contains(one) && list.contains(two), "{what}: {list}");
    assert!(!list.contains(ids["removed"].as_str().unwrap()), "{what}");
    let scan = env.ok(&["get", one, "scan.bin", "-o", "-"]);
    assert_eq!(scan, "x".repeat(120_000), "{what}");
    assert!(env.ok(&["show", one]).contains("Fixture one"), "{what}");
    assert!(env.ok(&["search", "almaty"]).contains(&two[..10]), "{what}");
    env.ok(&["audit", "--verify"]);
    env.ok(&["check"]);
}

fn object_sizes(env: &Env) -> Vec<u64> {
    files_below(&env.vault.join("objects"))
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .collect()
}

/// Every value of the symmetric trees is a padded one: salt and tag around a plaintext whose
/// length is a size class of at least 512 bytes.
fn unpadded_values(env: &Env) -> Vec<String> {
    let s = amanat::storage::store::Store::open(&env.vault).unwrap();
    let mut bad = Vec::new();
    for (name, tree) in [
        ("catalog", &s.catalog()),
        ("custody", &s.custody()),
        ("audit", &s.audit()),
        ("contacts", &s.contacts()),
        ("index", &s.index()),
    ] {
        for kv in tree.iter() {
            let n = kv.unwrap().1.len() as u64 - 32;
            if n < 512 || crate::traces::padme(n) != n {
                bad.push(format!("{name}: {n}"));
            }
        }
    }
    assert!(
        s.meta().get(b"erase").unwrap().is_none(),
        "the database still waits for its rewrite"
    );
    bad
}

#[test]
fn a_version_2_vault_moves_to_4_at_its_first_unlock_and_rotate_pads_what_it_held() {
    let env = vault_v2();
    assert_eq!(version(&env), "amanat-vault 2\n");
    let before = object_sizes(&env);
    assert_eq!(before.len(), 1, "the fixture holds one object");
    let o = env.run(&["list", "--json"]);
    assert!(o.status.success());
    let note = String::from_utf8_lossy(&o.stderr);
    assert!(
        note.contains("amanat rotate"),
        "the move says what to do: {note}"
    );
    assert_eq!(version(&env), "amanat-vault 10\n");
    let again = env.run(&["list"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("rotate"));
    assert_v2_whole(&env, "moved");
    let o = env.run(&["check"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("2 records were sealed before format 3"),
        "check says what is still unpadded: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&env.ok(&["check", "--json"])).unwrap();
    assert_eq!(report["unpadded_records"], 2);
    assert!(
        !unpadded_values(&env).is_empty(),
        "the fixture's values are unpadded until rotate"
    );
    let old_values: Vec<Vec<u8>> = {
        let s = amanat::storage::store::Store::open(&env.vault).unwrap();
        [&s.records(), &s.catalog(), &s.custody(), &s.audit()]
            .iter()
            .flat_map(|t| t.iter().map(|kv| kv.unwrap().1.to_vec()))
            .collect()
    };
    env.ok(&["rotate"]);
    assert_v2_whole(&env, "rotated");
    let report: serde_json::Value = serde_json::from_str(&env.ok(&["check", "--json"])).unwrap();
    assert_eq!(report["unpadded_records"], 0);
    // sled keeps old values in its log until the database is rewritten; with them, their
    // exact sizes.
    for f in files_below(&env.vault) {
        let bytes = fs::read(&f).unwrap();
        for v in &old_values {
            assert!(
                !bytes.windows(48).any(|w| w == &v[..48]),
                "{} still holds a value from before the rotation",
                f.display()
            );
        }
    }
    assert_eq!(
        object_sizes(&env),
        vec![before[0] + crate::traces::padded_len(120_000) - 120_000],
        "the object is re-sealed padded"
    );
    let left = unpadded_values(&env);
    assert!(left.is_empty(), "rotate left unpadded values: {left:?}");
}

#[test]
fn a_rotation_of_a_version_2_vault_killed_after_the_swap_finishes_padded() {
    let env = vault_v2();
    let o = env
        .cmd()
        .arg("rotate")
        .env("AMANAT_CRASH_AT", "rotate-swapped")
        .output()
        .unwrap();
    assert!(!o.status.success(), "not reached");
    assert_eq!(version(&env), "amanat-vault 10\n");
    env.ok(&["rotate"]);
    assert_v2_whole(&env, "resumed");
    let left = unpadded_values(&env);
    assert!(left.is_empty(), "{left:?}");
}

/// A world whose vault is a copy of the version 3 fixture (sled's default log segments, and
/// blob files from its long testimonies).
fn vault_v3() -> Env {
    fixture_vault("vault-v3")
}

fn segment_size(env: &Env) -> String {
    let conf = fs::read(env.vault.join("db").join("conf")).unwrap();
    String::from_utf8_lossy(&conf)
        .lines()
        .find_map(|l| l.strip_prefix("segment_size: ").map(str::to_owned))
        .unwrap()
}

fn assert_v3_whole(env: &Env, what: &str) {
    let ids = ids_of("vault-v3");
    let (one, two, long) = (
        ids["one"].as_str().unwrap(),
        ids["two"].as_str().unwrap(),
        ids["long"].as_str().unwrap(),
    );
    let list = env.ok(&["list", "--json"]);
    assert!(list.contains(one) && list.contains(two), "{what}: {list}");
    assert!(!list.contains(ids["removed"].as_str().unwrap()), "{what}");
    assert_eq!(version(env), "amanat-vault 10\n", "{what}");
    assert_eq!(segment_size(env), "8388608", "{what}");
    assert_eq!(
        crate::traces::blob_files(env),
        Vec::<std::path::PathBuf>::new(),
        "{what}"
    );
    let scan = env.ok(&["get", one, "scan.bin", "-o", "-"]);
    assert_eq!(scan, "x".repeat(120_000), "{what}");
    assert!(env.ok(&["show", one]).contains("Fixture one"), "{what}");
    assert!(env.ok(&["search", "almaty"]).contains(&two[..10]), "{what}");
    assert!(
        env.ok(&["search", "zz9long"]).contains(&long[..10]),
        "{what}"
    );
    env.ok(&["audit", "--verify"]);
    env.ok(&["check"]);
}

/// Hard links to the fixture's blob files, which keep their blocks after the move unlinks
/// them: the move must have overwritten them.
fn link_blobs(env: &Env) -> Vec<std::path::PathBuf> {
    let keep = env.root().join("old-blobs");
    fs::create_dir_all(&keep).unwrap();
    let blobs = crate::traces::blob_files(env);
    assert!(!blobs.is_empty(), "the fixture has blob files");
    blobs
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let to = keep.join(i.to_string());
            fs::hard_link(b, &to).unwrap();
            to
        })
        .collect()
}

fn assert_overwritten(links: &[std::path::PathBuf], what: &str) {
    for l in links {
        let bytes = fs::read(l).unwrap();
        assert!(
            bytes.iter().all(|&b| b == 0),
            "{what}: {} was unlinked, not overwritten",
            l.display()
        );
    }
}

#[test]
fn a_version_3_vault_moves_to_large_log_segments_when_it_is_opened() {
    let env = vault_v3();
    assert_eq!(version(&env), "amanat-vault 3\n");
    assert_eq!(segment_size(&env), "524288");
    let links = link_blobs(&env);
    assert_v3_whole(&env, "moved");
    assert_overwritten(&links, "moved");
    // And it goes on working: long records added and removed leave no blob file.
    let words: Vec<String> = (0..3_000).map(|i| format!("after{i:05}")).collect();
    let t = env.input("t.txt", words.join(" "));
    let id = env.add(&["--title", "new", "--testimony", t.to_str().unwrap()]);
    env.ok(&["rm", &id]);
    env.ok(&["rotate"]);
    assert_v3_whole(&env, "after rotate");
}

#[test]
fn a_crash_while_moving_to_large_log_segments_is_finished_by_the_next_open() {
    for point in ["erase-db-moved-aside", "resegmented-db"] {
        let env = vault_v3();
        let links = link_blobs(&env);
        let o = env
            .cmd()
            .arg("list")
            .env("AMANAT_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: not reached");
        assert_v3_whole(&env, point);
        assert_overwritten(&links, point);
    }
}

#[test]
fn a_damaged_sled_conf_is_reported_as_database_damage_that_rebuild_repairs() {
    let env = crate::util::Env::new();
    let id = env.add(&["--title", "kept"]);
    // Every digit of the segment size, changed: sled's conf is damaged, not a vault of an
    // earlier format to move.
    let conf = env.vault.join("db").join("conf");
    let good = fs::read(&conf).unwrap();
    for at in 14..21 {
        let mut bad = good.clone();
        bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
        fs::write(&conf, &bad).unwrap();
        let err = env.fails(&["list"], 2);
        assert!(
            err.contains("database is damaged") && err.contains("amanat rebuild"),
            "digit {at}: {err}"
        );
        assert_eq!(
            fs::read(&conf).unwrap(),
            bad,
            "digit {at}: nothing was rewritten"
        );
        fs::write(&conf, &good).unwrap();
    }
    fs::write(&conf, {
        let mut bad = good.clone();
        bad[16] = b'0';
        bad
    })
    .unwrap();
    env.ok(&["rebuild"]);
    assert!(env.ok(&["list"]).contains(&id[..10]));
    env.ok(&["check"]);
}

#[test]
fn rotate_reseals_a_record_body_an_earlier_format_wrote_larger_than_the_bound() {
    let env = crate::util::Env::new();
    let t = env.input("t.txt", "kept through the rotation");
    let id = env.add(&["--title", "large", "--testimony", t.to_str().unwrap()]);
    {
        let v = crate::util::unlocked(&env);
        let rid = amanat::RecordId::from_hex(&id).unwrap();
        let len = amanat::vault::check::legacy::inflate_body(&v, &rid, 150_000);
        assert!(len > amanat::storage::store::MAX_VALUE, "{len}");
    }
    // Rotation re-seals it at its size rather than stopping half way, locked.
    env.ok(&["rotate"]);
    assert!(!env.vault.join("keyring.rotating").exists());
    assert_eq!(
        env.ok(&["get", &id, "t.txt", "-o", "-"]),
        "kept through the rotation"
    );
    env.ok(&["check"]);
}

/// Titles of the records `search` finds for `q`.
fn titles_found(env: &Env, q: &str) -> Vec<String> {
    let out: serde_json::Value = serde_json::from_str(&env.ok(&["search", q, "--json"])).unwrap();
    let mut t: Vec<String> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

/// Format 8 folds Kazakh Cyrillic into Latin, the dotless ı into i and ё into е (FORMAT.md
/// 8.3); a format 7 vault's index holds its words folded by case only, and is folded again
/// at its first unlock, also when killed before the move or between its batches.
#[test]
fn a_version_7_vault_folds_its_search_index_at_its_first_unlock() {
    // The fixture has no `tmp/`, as a copy that drops empty directories leaves a vault:
    // the open makes it again, so the removal at the end can erase.
    let env = crate::util::unpacked_vault("tests/fixtures/vault-v7/vault.tar.gz", "vault");
    assert!(!env.vault.join("tmp").exists());
    assert_eq!(version(&env), "amanat-vault 7\n");
    crate::util::killed_at(&env, "before-version-10", &["list"]);
    assert_eq!(version(&env), "amanat-vault 7\n", "killed before the move");
    crate::util::killed_at(&env, "refold-batch", &["list"]);
    assert_eq!(version(&env), "amanat-vault 10\n");
    let both = ["Fixture seven, Cyrillic", "Fixture seven, Latin"];
    for q in [
        "ÜRIMŞIDE",
        "Үрімшіде",
        "ürımşıde",
        "жанар",
        "Janar",
        "ӘКЕМДІ",
    ] {
        assert_eq!(titles_found(&env, q), both, "{q}");
    }
    for q in ["елкой", "ЁЛКОЙ", "кульдже"] {
        assert_eq!(titles_found(&env, q), ["Fixture seven, Russian"], "{q}");
    }
    let none = env.cmd().args(["search", "Хоргос"]).output().unwrap();
    assert_eq!(none.status.code(), Some(1), "nothing found");
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
    // A record added now is found the same way.
    fs::write(env.root().join("n.txt"), "Қорғас арқылы өтті").unwrap();
    env.ok(&[
        "add",
        "--title",
        "New",
        "--testimony",
        env.root().join("n.txt").to_str().unwrap(),
    ]);
    assert_eq!(titles_found(&env, "qorğas"), ["New"]);
    let ids: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-v7/ids.json"),
        )
        .unwrap(),
    )
    .unwrap();
    env.ok(&["rm", ids["russian"].as_str().unwrap()]);
    let none = env.cmd().args(["search", "елкой"]).output().unwrap();
    assert_eq!(none.status.code(), Some(1), "removed");
    env.ok(&["check"]);
}

/// Search does not depend on the move having happened: a segment of format 7 left in a
/// vault marked as moved (a move lost with a damaged journal frame, a replica restored by an
/// older binary, writes of an older binary) is folded as it is read, and the next change
/// to it writes it in the current form.
#[test]
fn a_segment_of_format_7_is_searched_right_wherever_it_is_found() {
    let env = Env::new();
    let t = env.input("t.txt", "Жанар Үрімшіде ұсталды");
    let id = env.add(&["--title", "One", "--testimony", t.to_str().unwrap()]);
    {
        let v = crate::util::unlocked(&env);
        let rid = amanat::RecordId::from_hex(&id).unwrap();
        // Format 7's words: case folded, scripts not.
        amanat::vault::check::legacy::case_only_index(&v, &[(rid, "жанар үрімшіде ұсталды one")]);
    }
    for q in ["ÜRIMŞIDE", "Үрімшіде", "janar", "ŪSTALDY"] {
        assert_eq!(titles_found(&env, q), ["One"], "{q}");
    }
    env.ok(&["check"]);
    // A change to the segment writes it anew; search still finds both.
    let t2 = env.input("t2.txt", "Qūlja");
    env.add(&["--title", "Two", "--testimony", t2.to_str().unwrap()]);
    assert_eq!(titles_found(&env, "үрімшіде"), ["One"]);
    assert_eq!(titles_found(&env, "Құлжа"), ["Two"]);
    env.ok(&["check"]);
}
