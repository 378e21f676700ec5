//! What the sizes and times of a vault's files tell someone who holds the device and a
//! partner's bundle (THREAT-MODEL.md, "Order and sizes"). The bundle states each record's
//! metadata, each part's exact size and the second each record was added; the vault's files
//! must not match them: sealed values and objects come in size classes, and an object's
//! times (birth, change, modification, access) do not follow its record.
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::files_below;
use crate::util::{add_with_object, outside_keys, set_duress, with_pass, Env, DURESS};

/// Padmé (computed here independently of the crate): `l` rounded up so that only the top
/// `floor(log2(floor(log2 l))) + 1` bits vary.
pub fn padme(l: u64) -> u64 {
    if l < 2 {
        return l;
    }
    let e = (l as f64).log2().floor() as u32;
    let s = (e as f64).log2().floor() as u32 + 1;
    let mask = (1u64 << (e - s)) - 1;
    (l + mask) & !mask
}

/// A plaintext of `n` bytes as Amanat seals it: a marker byte, at least 512 bytes, Padmé.
pub fn padded_len(n: u64) -> u64 {
    padme((n + 1).max(512))
}

fn objects(env: &Env) -> Vec<PathBuf> {
    files_below(&env.vault.join("objects"))
}

fn ctime(p: &Path) -> SystemTime {
    let md = fs::symlink_metadata(p).unwrap();
    SystemTime::UNIX_EPOCH + Duration::new(md.ctime() as u64, md.ctime_nsec() as u32)
}

fn atime(p: &Path) -> (i64, i64) {
    let md = fs::symlink_metadata(p).unwrap();
    (md.atime(), md.atime_nsec())
}

/// The birth time, where the file system records one (ext4, btrfs, xfs, tmpfs do).
fn born(p: &Path) -> Option<SystemTime> {
    fs::symlink_metadata(p).unwrap().created().ok()
}

#[test]
fn attachments_of_nearby_sizes_leave_object_files_of_one_size() {
    let env = Env::new();
    let a = add_with_object(&env, "first", 120_000, b'a');
    add_with_object(&env, "second", 119_500, b'b');
    let sizes: Vec<u64> = objects(&env)
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .collect();
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert_eq!(
        sizes[0], sizes[1],
        "two attachments 500 bytes apart must leave object files of one size"
    );
    // Padding is only on disk: the part comes back as it went in.
    let back = env.ok(&["get", &a, "big.bin", "-o", "-"]);
    assert_eq!(back, "a".repeat(120_000));
    env.ok(&["check"]);
}

#[test]
fn records_with_metadata_of_different_lengths_are_sealed_to_one_length() {
    let env = Env::new();
    let t = env.input("t.txt", "a short testimony");
    let long_title = "Ұзақ атау ".repeat(20);
    env.add(&["--title", "A", "--testimony", t.to_str().unwrap()]);
    env.add(&[
        "--title",
        &long_title,
        "--place",
        "Almaty",
        "--tag",
        "detention",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let s = amanat::storage::store::Store::open(&env.vault).unwrap();
    for (name, tree) in [("records", &s.records()), ("catalog", &s.catalog())] {
        let lens: Vec<usize> = tree.iter().map(|kv| kv.unwrap().1.len()).collect();
        assert_eq!(lens.len(), 2, "{name}");
        assert_eq!(
            lens[0], lens[1],
            "{name}: a title 1 and 200 characters long must not show in the sealed value's length"
        );
    }
}

#[test]
fn object_times_say_when_the_vault_last_wrote_not_when_each_record_was_added() {
    let env = Env::new();
    std::thread::sleep(Duration::from_millis(50));
    let before_first = SystemTime::now();
    add_with_object(&env, "first", 70_000, 1);
    let first = objects(&env);
    assert_eq!(first.len(), 1);
    // The bundle gives event times to the second: the two adds are more than one apart.
    std::thread::sleep(Duration::from_millis(1100));
    let before_second = SystemTime::now();
    add_with_object(&env, "second", 70_000, 2);
    for p in objects(&env) {
        assert!(
            ctime(&p) >= before_second,
            "{} keeps a change time from before the last write",
            p.display()
        );
        let md = fs::metadata(&p).unwrap();
        assert!(md.modified().unwrap() >= before_second, "{}", p.display());
        if let Some(b) = born(&p) {
            assert!(
                b < before_first,
                "{} was born while its record was added (birth times cannot be changed later)",
                p.display()
            );
        }
    }
    // The directories too: an `objects/<hh>/` changes when an object enters it.
    for d in fs::read_dir(env.vault.join("objects")).unwrap().flatten() {
        assert!(ctime(&d.path()) >= before_second, "{}", d.path().display());
        if let Some(b) = born(&d.path()) {
            assert!(
                b < before_first,
                "{} born with a record",
                d.path().display()
            );
        }
    }
    assert_eq!(
        fs::read_dir(env.vault.join("objects")).unwrap().count(),
        256,
        "every objects/<hh>/ exists from the start, so none is born with an object"
    );
}

#[test]
fn reading_objects_for_get_and_export_leaves_their_access_times() {
    let env = Env::new();
    let id = add_with_object(&env, "read me", 70_000, 3);
    let obj = objects(&env).remove(0);
    let was = atime(&obj);
    std::thread::sleep(Duration::from_millis(50));
    env.ok(&["get", &id, "big.bin", "-o", env.out("b").to_str().unwrap()]);
    assert_eq!(atime(&obj), was, "get stamped the object's access time");
    let (recipient, _) = outside_keys(&env.root().join("partner"));
    env.ok(&["contact", "add", "Partner", "--recipient", &recipient]);
    let bundle = env.out("bundle.amanat");
    env.ok(&[
        "export",
        "--to",
        "Partner",
        &id,
        "-o",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(
        atime(&obj),
        was,
        "export stamped the object's access time with the bundle's"
    );
    env.ok(&["check"]);
}

#[test]
fn a_duress_unlock_leaves_no_spare_file_from_the_real_vaults_past() {
    let env = Env::new();
    add_with_object(&env, "real", 70_000, 4);
    set_duress(&env);
    std::thread::sleep(Duration::from_millis(50));
    let before = SystemTime::now();
    let o = with_pass(&env, DURESS, &["keys"]);
    assert!(o.status.success());
    let spares = files_below(&env.vault.join("spare"));
    assert!(!spares.is_empty(), "the decoy has spare files as any vault");
    for p in spares.iter().chain(objects(&env).iter()) {
        if let Some(b) = born(p) {
            assert!(b >= before, "{} is older than the decoy", p.display());
        }
    }
}

/// Object ids name object files. Written raw into sled's log (a `pending` mark, in the same
/// transaction as its record's values), they tied each object file to its record's
/// locator, its place in the audit log and the order of addition: a review matched files to
/// a partner's bundle this way. No object file's name may appear in the database or the
/// journal, raw or as hex, after add, ingest, rm and rotate (before any later command).
#[test]
fn no_object_file_name_appears_in_the_database_or_the_journal() {
    let env = Env::new();
    add_with_object(&env, "first", 70_000, 5);
    let gone = add_with_object(&env, "removed", 90_000, 6);
    add_with_object(&env, "third", 120_000, 7);
    let a = env.input("a.bin", vec![8u8; 40_000]);
    let t = env.input("t.txt", "ingested");
    let lines = format!(
        "{{\"title\": \"i1\", \"testimony\": \"{t}\", \"attachments\": [\"{a}\"]}}\n{{\"title\": \"i2\", \"attachments\": [\"{a}\"]}}\n",
        t = t.display(),
        a = a.display()
    );
    let jsonl = env.input("in.jsonl", lines);
    env.ok(&["ingest", jsonl.to_str().unwrap()]);
    let check = |when: &str| {
        let names: Vec<Vec<u8>> = objects(&env)
            .iter()
            .map(|p| hex::decode(p.file_name().unwrap().to_str().unwrap()).unwrap())
            .collect();
        assert!(names.len() >= 4, "{when}");
        let mut files = files_below(&env.vault.join("db"));
        files.push(env.vault.join("journal"));
        for f in files {
            let bytes = fs::read(&f).unwrap();
            for n in &names {
                let hexed = hex::encode(n);
                assert!(
                    !bytes.windows(16).any(|w| w == &n[..])
                        && !bytes.windows(32).any(|w| w == hexed.as_bytes()),
                    "{when}: {} holds the object file name {hexed}",
                    f.display()
                );
            }
        }
    };
    check("after add and ingest");
    env.ok(&["rm", &gone]);
    check("after rm");
    env.ok(&["rotate"]);
    check("right after rotate");
}

#[test]
fn rm_and_rotate_set_every_object_time_and_rotate_rewrites_the_database_before_it_ends() {
    let env = Env::new();
    add_with_object(&env, "kept", 70_000, 1);
    let gone = add_with_object(&env, "removed", 70_000, 2);
    std::thread::sleep(Duration::from_millis(1100));
    let before_rm = SystemTime::now();
    env.ok(&["rm", &gone]);
    let dirs = [
        env.vault.join("objects"),
        env.vault.join("spare"),
        env.vault.join("tmp"),
    ];
    for p in objects(&env).iter().chain(dirs.iter()) {
        assert!(ctime(p) >= before_rm, "rm left {} as it was", p.display());
    }
    std::thread::sleep(Duration::from_millis(1100));
    let before_rotate = SystemTime::now();
    env.ok(&["rotate"]);
    for p in objects(&env).iter().chain(dirs.iter()) {
        assert!(ctime(p) >= before_rotate, "rotate left {}", p.display());
    }
    let s = amanat::storage::store::Store::open(&env.vault).unwrap();
    assert!(
        s.meta().get(b"erase").unwrap().is_none(),
        "rotate ended with the database still to be rewritten"
    );
}

#[test]
fn a_collectors_transfer_export_leaves_its_objects_access_times() {
    let hq = Env::new();
    let collector = Env::bare();
    let k: serde_json::Value = serde_json::from_str(&hq.ok(&["keys", "--json"])).unwrap();
    let r = k["recipient"].as_str().unwrap();
    collector.init_collector(&[r]);
    add_with_object(&collector, "collected", 70_000, 9);
    let obj = objects(&collector).remove(0);
    let was = atime(&obj);
    std::thread::sleep(Duration::from_millis(50));
    let b = collector.out("transfer.amanat");
    collector.ok(&["export", "--all", "-o", b.to_str().unwrap()]);
    assert_eq!(
        atime(&obj),
        was,
        "the transfer export stamped the access time"
    );
}

/// A command that fails after it wrote objects must still set every object's times: a
/// review found each object keeping the second its record was added when `add` could not
/// print its id (stdout closed: `amanat add … | true`), or when `ingest` stopped midway.
#[test]
fn a_command_that_fails_after_writing_objects_still_sets_their_times() {
    let env = Env::new();
    add_with_object(&env, "first", 70_000, 1);
    std::thread::sleep(Duration::from_millis(1100));
    let before = SystemTime::now();
    let t = env.input("t2.txt", "second");
    let b = env.input("b2.bin", vec![2u8; 70_000]);
    let mut child = env
        .cmd()
        .args(["add", "--title", "second", "--testimony"])
        .arg(&t)
        .arg(&b)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Nobody reads what it prints: the write of the id fails after the record committed.
    drop(child.stdout.take());
    child.wait().unwrap();
    let objs = objects(&env);
    assert_eq!(objs.len(), 2, "the record committed");
    for p in &objs {
        assert!(
            ctime(p) >= before,
            "{} kept its own time after a failed command",
            p.display()
        );
    }
}

/// `n` distinct words of about eight letters, different for each `seed`.
fn distinct_words(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::with_capacity(n * 10);
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("{:x}{i:x} ", x & 0xff_ffff));
    }
    out
}

/// Files sled 0.34 writes for a value or node over its blob threshold: born at the second
/// of the write, named by its place in the log, never touched again.
pub fn blob_files(env: &Env) -> Vec<PathBuf> {
    let dir = env.vault.join("db").join("blobs");
    if dir.is_dir() {
        files_below(&dir)
    } else {
        Vec::new()
    }
}

#[test]
fn long_testimonies_leave_no_file_born_when_they_were_added() {
    let env = Env::new();
    // Testimonies kept inline in their record bodies (just under 16 KiB each), so that a
    // leaf of the records tree and the open index segment both grow past 128 KiB.
    for i in 0..24 {
        let t = env.input("t.txt", &distinct_words(i, 1_700)[..16_000]);
        env.add(&[
            "--title",
            &format!("r{i}"),
            "--testimony",
            t.to_str().unwrap(),
        ]);
        assert_eq!(blob_files(&env), Vec::<PathBuf>::new(), "after record {i}");
    }
    // And a transcript whose distinct words alone pass any one value sled keeps in its log.
    let long = distinct_words(99, 120_000);
    let last_word = long
        .split(' ')
        .rev()
        .find(|w| !w.is_empty())
        .unwrap()
        .to_owned();
    let t = env.input("long.txt", &long);
    let id = env.add(&["--title", "long", "--testimony", t.to_str().unwrap()]);
    assert_eq!(
        blob_files(&env),
        Vec::<PathBuf>::new(),
        "after the long one"
    );
    // Its words are all still found, and the index is sound.
    let found = env.ok(&["search", &last_word]);
    assert!(found.contains(&id[..10]), "{found}");
    env.ok(&["check"]);
    env.ok(&["rm", &id]);
    assert_eq!(blob_files(&env), Vec::<PathBuf>::new(), "after rm");
    let after = env.run(&["search", &last_word]);
    assert!(!String::from_utf8_lossy(&after.stdout).contains(&id[..10]));
    env.ok(&["check"]);
}

#[test]
fn a_search_segment_of_an_earlier_format_is_rewritten_in_pieces() {
    let env = Env::new();
    let mut ids = Vec::new();
    for i in 0..16 {
        let t = env.input("t.txt", &distinct_words(100 + i, 1_700)[..16_000]);
        ids.push(env.add(&[
            "--title",
            &format!("r{i}"),
            "--testimony",
            t.to_str().unwrap(),
        ]));
    }
    {
        let v = crate::util::unlocked(&env);
        let len = amanat::vault::check::legacy::join_index_segments(&v);
        assert!(len > amanat::storage::store::MAX_VALUE, "{len}");
    }
    env.ok(&["check"]);
    // Format 3 wrote such a segment as one value; rewritten without a record, it goes into
    // pieces, none too large for sled to keep in its log.
    env.ok(&["rm", &ids[3]]);
    assert_eq!(blob_files(&env), Vec::<PathBuf>::new());
    env.ok(&["check"]);
    let word_of = |i: u64| {
        distinct_words(100 + i, 1_700)[..16_000]
            .split(' ')
            .nth(700)
            .unwrap()
            .to_owned()
    };
    assert!(env.ok(&["search", &word_of(5)]).contains(&ids[5][..10]));
    let gone = env.run(&["search", &word_of(3)]);
    assert!(!String::from_utf8_lossy(&gone.stdout).contains(&ids[3][..10]));
    // New records go on into bounded segments.
    let t = env.input("t.txt", &distinct_words(7, 1_700)[..16_000]);
    env.add(&["--title", "after", "--testimony", t.to_str().unwrap()]);
    assert_eq!(blob_files(&env), Vec::<PathBuf>::new());
    env.ok(&["check"]);
}

#[test]
fn values_an_earlier_format_wrote_whole_go_into_pieces_at_the_first_unlock() {
    let env = Env::new();
    // Records of 110 KB of distinct words each: search index segments of about 500 KiB.
    let mut lines = String::new();
    for i in 0..20u64 {
        let t = env.input(&format!("t{i}.txt"), distinct_words(300 + i, 11_000));
        lines.push_str(&format!(
            "{{\"title\": \"long {i}\", \"testimony\": {:?}}}\n",
            t.to_str().unwrap()
        ));
    }
    let batch = env.input("batch.jsonl", lines);
    env.ok(&["ingest", batch.to_str().unwrap()]);
    {
        // As format 3 left them (and a move to format 4 copied them): each in one value.
        let v = crate::util::unlocked(&env);
        let largest = amanat::vault::check::legacy::write_whole(&v);
        assert!(largest > amanat::storage::store::MAX_VALUE, "{largest}");
    }
    let largest_value = || {
        let s = amanat::storage::store::Store::open(&env.vault).unwrap();
        [&s.index(), &s.custody(), &s.imported()]
            .iter()
            .flat_map(|t| t.iter().map(|kv| kv.unwrap().1.len()))
            .max()
            .unwrap()
    };
    // The next unlock moves them into pieces and rewrites the database: nothing more is
    // ever written whole, so no leaf reaches sled's blob threshold.
    let t = env.input("short.txt", "a short one");
    env.add(&["--title", "after", "--testimony", t.to_str().unwrap()]);
    assert!(largest_value() < 140_000, "{}", largest_value());
    assert_eq!(blob_files(&env), Vec::<PathBuf>::new());
    for i in 0..5 {
        env.add(&[
            "--title",
            &format!("more {i}"),
            "--testimony",
            t.to_str().unwrap(),
        ]);
        assert_eq!(blob_files(&env), Vec::<PathBuf>::new(), "after add {i}");
    }
    let word = distinct_words(307, 11_000)
        .split(' ')
        .nth(5_000)
        .unwrap()
        .to_owned();
    assert_eq!(env.ok(&["search", &word]).lines().count(), 1);
    env.ok(&["check"]);
}
