//! Bad input of every kind: a clear one-line error, a non-zero exit, the vault unchanged.
use std::fs;

use crate::util::*;

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let env = Env::new();
    env.add(&["--title", "kept"]);
    let before = env.state();
    let wrong = env.input("wrong", "not the passphrase\n");
    let o = env
        .cmd()
        .args(["list"])
        .env("AMANAT_PASSPHRASE_FILE", &wrong)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("wrong passphrase") && err.contains("try again"),
        "{err}"
    );
    assert_eq!(env.state(), before);
}

#[test]
fn no_vault_says_how_to_make_one() {
    let env = Env::bare();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("no vault at") && err.contains("amanat init"),
        "{err}"
    );
}

#[test]
fn a_second_process_is_told_the_vault_is_in_use() {
    let env = Env::new();
    env.add(&["--title", "x"]);
    let held = amanat::LockedVault::open(amanat::VaultPaths::new(&env.vault, None)).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("in use by another process"), "{err}");
    drop(held);
    env.ok(&["list"]);
}

#[test]
fn unknown_id_and_unknown_part_exit_1() {
    let env = Env::new();
    let id = env.add(&["--title", "x"]);
    let err = env.fails(&["show", "ffffffffffffffff"], 1);
    assert!(
        err.contains("no record matches") && err.contains("amanat list"),
        "{err}"
    );
    env.fails(&["show", "not-hex"], 1);
    let err = env.fails(&["get", &id, "nothing.pdf", "-o", "-"], 1);
    assert!(
        err.contains("no part") && err.contains("amanat show"),
        "{err}"
    );
}

#[test]
fn unreadable_attachment_adds_nothing() {
    let env = Env::new();
    let good = env.input("good.bin", vec![5u8; 200_000]);
    let before = env.state();
    let missing = env.root().join("in/missing.jpg");
    let err = env.fails(
        &[
            "add",
            "--title",
            "x",
            good.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("cannot read")
            && err.contains("missing.jpg")
            && err.contains("nothing was added"),
        "{err}"
    );
    let dir = env.root().join("in");
    let err = env.fails(&["add", "--title", "x", dir.to_str().unwrap()], 2);
    assert!(err.contains("is a directory"), "{err}");
    let err = env.fails(
        &[
            "add",
            "--title",
            "x",
            "--testimony",
            missing.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("missing.jpg"), "{err}");
    assert_eq!(env.state(), before);
    assert!(env.tmp_is_empty());
}

#[test]
fn bad_metadata_is_refused() {
    let env = Env::new();
    let before = env.state();
    assert!(env
        .fails(&["add", "--title", "x", "--date", "31/12/2020"], 2)
        .contains("YYYY-MM-DD"));
    assert!(env.fails(&["add", "--title", "  "], 2).contains("title"));
    let a = env.input("a.txt", "1");
    let b_dir = env.root().join("in/sub");
    fs::create_dir(&b_dir).unwrap();
    fs::write(b_dir.join("a.txt"), "2").unwrap();
    let err = env.fails(
        &[
            "add",
            "--title",
            "x",
            a.to_str().unwrap(),
            b_dir.join("a.txt").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("two parts are named"), "{err}");
    assert_eq!(env.state(), before);
}

/// Rewrites one value of a sled tree in place, as bit rot or an attacker would.
fn corrupt_tree_value(env: &Env, tree: &str, id_hex: &str) {
    let db = amanat::storage::store::open_raw_db(&env.vault).unwrap();
    let t = db.open_tree(tree).unwrap();
    let key = crate::util::locator_key(env, id_hex);
    let mut v = t.get(&key).unwrap().expect("value present").to_vec();
    let n = v.len();
    v[n / 2] ^= 0x01;
    t.insert(&key, v).unwrap();
    db.flush().unwrap();
}

#[test]
fn corrupted_record_is_reported_and_confined() {
    let env = Env::new();
    let good = env.add(&["--title", "good"]);
    let bad = env.add(&["--title", "bad"]);
    corrupt_tree_value(&env, "records", &bad);
    let err = env.fails(&["show", &bad], 1);
    assert!(err.contains("damaged") && err.contains(&bad), "{err}");
    env.ok(&["show", &good]);
    let o = env.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("DAMAGED {bad}")) && !out.contains(&good),
        "{out}"
    );
}

#[test]
fn corrupted_catalog_entry_is_reported_by_list_and_check() {
    let env = Env::new();
    let good = env.add(&["--title", "good"]);
    let bad = env.add(&["--title", "bad"]);
    corrupt_tree_value(&env, "catalog", &bad);
    let o = env.run(&["list"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(&good[..10]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 catalog entries are damaged"));
    let o = env.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&bad));
    // The record itself still opens: the catalog is only an index.
    env.ok(&["show", &bad]);
}

#[test]
fn corrupted_object_is_detected_and_leaves_no_partial_output() {
    let env = Env::new();
    let data: Vec<u8> = (0..2_500_000u32).map(|i| (i % 241) as u8).collect();
    let f = env.input("video.mp4", &data);
    let id = env.add(&["--title", "v", f.to_str().unwrap()]);
    let other = env.add(&[
        "--title",
        "other",
        env.input("o.bin", vec![1u8; 90_000]).to_str().unwrap(),
    ]);
    let objects = files_below(&env.vault.join("objects"));
    let obj = objects
        .iter()
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = fs::read(obj).unwrap();
    let n = bytes.len();
    bytes[n - 1000] ^= 0x80;
    fs::write(obj, &bytes).unwrap();
    let out = env.out("video.mp4");
    let err = env.fails(&["get", &id, "video.mp4", "-o", out.to_str().unwrap()], 1);
    assert!(err.contains("damaged"), "{err}");
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(env.root().join("out")).unwrap().count(),
        0,
        "no partial file left"
    );
    let o = env.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(&id) && !stdout.contains(&other), "{stdout}");
    env.ok(&["get", &other, "o.bin", "-o", "-"]);
}

#[test]
fn truncated_object_is_detected() {
    let env = Env::new();
    let id = env.add(&[
        "--title",
        "v",
        env.input("a.bin", vec![4u8; 300_000]).to_str().unwrap(),
    ]);
    let obj = &files_below(&env.vault.join("objects"))[0];
    let len = fs::metadata(obj).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(obj)
        .unwrap()
        .set_len(len - 20_000)
        .unwrap();
    assert!(env
        .fails(&["get", &id, "a.bin", "-o", "-"], 1)
        .contains("damaged"));
    fs::remove_file(obj).unwrap();
    assert!(env
        .fails(&["get", &id, "a.bin", "-o", "-"], 1)
        .contains("missing"));
}

#[test]
fn damaged_keyring_is_reported_not_mistaken() {
    let env = Env::new();
    let kr = env.vault.join("keyring");
    let orig = fs::read(&kr).unwrap();
    fs::write(&kr, &orig[..1000]).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("keyring") && err.contains("damaged") && err.contains("backup"),
        "{err}"
    );
    fs::write(&kr, b"").unwrap();
    assert!(env.fails(&["list"], 2).contains("damaged"));
    // A flipped byte in the ciphertext: never a panic, never a silent success.
    for off in [30usize, 120, 2000, 4700, 9000] {
        let mut b = orig.clone();
        b[off] ^= 0x20;
        fs::write(&kr, &b).unwrap();
        let o = env.run(&["list"]);
        assert!(
            o.status.code() == Some(2) || o.status.code() == Some(1) && o.stdout.is_empty(),
            "offset {off}"
        );
    }
    fs::write(&kr, &orig).unwrap();
    assert_eq!(
        env.run(&["list"]).status.code(),
        Some(1),
        "empty vault lists nothing"
    );
}

#[test]
fn keyring_of_another_vault_is_refused() {
    let a = Env::new();
    let b = Env::new();
    fs::copy(b.vault.join("keyring"), a.vault.join("keyring")).unwrap();
    let err = a.fails(&["list"], 2);
    assert!(err.contains("belongs to another vault"), "{err}");
}

#[test]
fn absurd_kdf_work_factor_is_refused_quickly() {
    let env = Env::new();
    let kr = env.vault.join("keyring");
    let mut b = fs::read(&kr).unwrap();
    // Both slots: "scrypt <salt> 10" -> "scrypt <salt> 40", same length.
    for slot in 0..2 {
        let base = slot * amanat::format::keyring::SLOT_LEN + 4;
        let head = String::from_utf8_lossy(&b[base..base + 120]).into_owned();
        let pos = head.find(" 10\n").unwrap();
        b[base + pos + 1] = b'4';
    }
    fs::write(&kr, &b).unwrap();
    let start = std::time::Instant::now();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("work factor 40"), "{err}");
    // A hang would take hours; this bound only guards against that.
    assert!(start.elapsed().as_secs() < 60);
    assert!(env.fails(&["init", "--kdf-work-factor", "30"], 2).len() > 10);
}

#[test]
fn unsupported_vault_version_is_refused() {
    let env = Env::new();
    fs::write(env.vault.join("VERSION"), "amanat-vault 11\n").unwrap();
    let err = env.fails(&["list"], 2);
    assert!(err.contains("unsupported format"), "{err}");
}

#[test]
fn passphrase_never_comes_from_the_command_line() {
    let env = Env::new();
    let o = env
        .cmd()
        .args(["list", "--passphrase", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Without a terminal and without a file, it says how to give one.
    let o = env
        .cmd()
        .env_remove("AMANAT_PASSPHRASE_FILE")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--passphrase-file"));
    let err = env.fails(&["--passphrase-file", "/nonexistent/pass", "list"], 2);
    assert!(err.contains("/nonexistent/pass"), "{err}");
}

#[test]
fn unwritable_output_is_reported() {
    let env = Env::new();
    let id = env.add(&[
        "--title",
        "x",
        "--testimony",
        env.input("t", "words").to_str().unwrap(),
    ]);
    let err = env.fails(
        &["get", &id, "testimony", "-o", "/nonexistent-dir/out.txt"],
        2,
    );
    assert!(
        err.contains("cannot write") && err.contains("/nonexistent-dir/out.txt"),
        "{err}"
    );
    // A device is written in place, never replaced: /dev/full reports a full disk and
    // stays a device; /dev/null takes the bytes.
    let err = env.fails(&["get", &id, "testimony", "-o", "/dev/full"], 2);
    assert!(err.contains("disk is full"), "{err}");
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
    env.ok(&["get", &id, "testimony", "-o", "/dev/null"]);
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(fs::read_dir("/dev")
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().contains("amanat-partial")));
}

/// A small tmpfs, where the system allows mounting one (CI runs as root).
struct SmallFs(std::path::PathBuf);

impl SmallFs {
    fn mount(at: &std::path::Path, size: &str) -> Option<SmallFs> {
        fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| SmallFs(at.to_owned()))
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A world whose new vault lies on a tmpfs of `size`, or `None` (the test skipped, and says
/// so) where the system does not allow mounting one. The tmpfs goes with the `SmallFs`.
fn vault_on_small_fs(size: &str) -> Option<(Env, SmallFs)> {
    let mut env = Env::bare();
    let mnt = env.root().join("small");
    let Some(fs) = SmallFs::mount(&mnt, size) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root); CI runs this test as root");
        return None;
    };
    env.vault = mnt.join("vault");
    env.ok(&["init", "--kdf-work-factor", "10"]);
    Some((env, fs))
}

#[test]
fn full_disk_is_reported_and_leaves_the_vault_as_it_was() {
    // sled's log takes a whole 8 MiB segment as soon as the database is first opened.
    let Some((env, _fs)) = vault_on_small_fs("40m") else {
        return;
    };
    let id = env.add(&["--title", "before the disk filled"]);
    let before = env.state();
    let big = env.input("big.bin", vec![0x5au8; 32 * 1024 * 1024]);
    let err = env.fails(&["add", "--title", "too big", big.to_str().unwrap()], 2);
    assert!(
        err.contains("disk is full") && err.contains("unchanged"),
        "{err}"
    );
    assert_eq!(env.state(), before);
    assert!(env.tmp_is_empty());
    env.ok(&["check"]);
    assert!(env.ok(&["list"]).contains(&id[..10]));
}

/// `rebuild` writes a second database beside the first, so a full disk is where it most
/// likely fails: it must say so (not that the journal could not be read, which would send
/// the user after their only second copy) and leave the vault as it was.
#[test]
fn rebuild_on_a_full_disk_says_so_and_leaves_the_vault_as_it_was() {
    let Some((env, fs)) = vault_on_small_fs("400m") else {
        return;
    };
    let mnt = fs.0.clone();
    // More than 32 MiB of journal, so that the replay flushes the new database (and meets
    // the full disk there) before its end.
    env.ingest_long_testimonies(4_000);
    let journal = fs::read(env.vault.join("journal")).unwrap();
    assert!(
        journal.len() > 40 << 20,
        "journal of {} bytes",
        journal.len()
    );
    let before = env.state();
    let free = rustix::fs::statvfs(&mnt)
        .map(|s| s.f_bavail * s.f_frsize)
        .unwrap();
    let filler = mnt.join("filler");
    fs::write(&filler, vec![0u8; (free - 16 * 1024 * 1024) as usize]).unwrap();
    let err = env.fails(&["rebuild"], 2);
    assert!(err.contains("disk is full"), "{err}");
    assert!(!err.contains("journal"), "{err}");
    fs::remove_file(&filler).unwrap();
    assert_eq!(fs::read(env.vault.join("journal")).unwrap(), journal);
    assert_eq!(env.state(), before);
    env.ok(&["check"]);
    env.ok(&["rebuild"]);
    assert_eq!(env.state(), before);
    assert!(env.tmp_is_empty());
}

#[test]
fn leftovers_of_a_crash_are_swept_on_the_next_open() {
    let env = Env::new();
    let id = env.add(&[
        "--title",
        "kept",
        env.input("a.bin", vec![2u8; 70_000]).to_str().unwrap(),
    ]);
    let kept_objects = files_below(&env.vault.join("objects"));
    // A crash while writing an object leaves a file in tmp/ ...
    fs::write(
        env.vault
            .join("tmp")
            .join("0123456789abcdef0123456789abcdef"),
        b"ciphertext",
    )
    .unwrap();
    // ... and a crash after an object was placed but before its record committed leaves an
    // object that is still marked pending.
    let orphan = "fedcba9876543210fedcba9876543210";
    fs::create_dir_all(env.vault.join("objects/fe")).unwrap();
    fs::write(env.vault.join("objects/fe").join(orphan), b"sealed bytes").unwrap();
    {
        let db = amanat::storage::store::open_raw_db(&env.vault).unwrap();
        db.open_tree("pending")
            .unwrap()
            .insert(hex::decode(orphan).unwrap(), &[][..])
            .unwrap();
        db.flush().unwrap();
    }
    assert!(env.ok(&["list"]).contains(&id[..10]));
    assert!(env.tmp_is_empty(), "tmp/ swept");
    assert_eq!(
        files_below(&env.vault.join("objects")),
        kept_objects,
        "pending orphan swept, committed object kept"
    );
    env.ok(&["check"]);
}

#[test]
fn export_of_a_damaged_record_fails_and_leaves_no_bundle() {
    let env = Env::new();
    let id = env.add(&[
        "--title",
        "v",
        env.input("v.bin", vec![9u8; 3_000_000]).to_str().unwrap(),
    ]);
    let obj = &files_below(&env.vault.join("objects"))[0];
    let mut bytes = fs::read(obj).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    fs::write(obj, &bytes).unwrap();
    let r = age::x25519::Identity::generate().to_public().to_string();
    env.ok(&["contact", "add", "P", "--recipient", &r]);
    let out = env.out("b.amanat");
    let err = env.fails(
        &["export", "--to", "P", &id, "-o", out.to_str().unwrap()],
        1,
    );
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(
        fs::read_dir(env.root().join("out")).unwrap().count(),
        0,
        "no bundle, no partial file"
    );
}

/// The disk fills while small records (no object files) are added one by one: each add
/// either succeeds or fails with "the disk is full" — or, when sled damaged its own files
/// on the full disk (sled 0.34 does), "the database is damaged … amanat rebuild". Once space
/// is freed, every record that was reported added is there (after `rebuild` if it was
/// needed), and the database, its journal and the log verify.
#[test]
fn a_disk_that_fills_between_small_records_loses_none_that_were_reported() {
    let Some((env, fs)) = vault_on_small_fs("40m") else {
        return;
    };
    let mnt = fs.0.clone();
    // sled takes its first 8 MiB log segment at the first open (`list`); then leave about
    // 2 MiB free: room for some records.
    env.run(&["list"]);
    let free = rustix::fs::statvfs(&mnt)
        .map(|s| s.f_bavail * s.f_frsize)
        .unwrap();
    let filler = mnt.join("filler");
    fs::write(&filler, vec![0u8; (free - 2048 * 1024) as usize]).unwrap();
    let text: String = "свидетель показал ".repeat(200);
    let t = env.input("t.txt", &text);
    let mut added = Vec::new();
    let mut damaged = false;
    let mut full = 0;
    for i in 0..2000 {
        let o = env
            .cmd()
            .args(["add", "--title", &format!("record {i}"), "--testimony"])
            .arg(&t)
            .output()
            .unwrap();
        if o.status.success() {
            added.push(String::from_utf8(o.stdout).unwrap().trim().to_owned());
            continue;
        }
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        if err.contains("the database is damaged") {
            assert!(err.contains("amanat rebuild"), "{err}");
            damaged = true;
            break;
        }
        assert!(err.contains("disk is full"), "{err}");
        full += 1;
        if full == 3 {
            break;
        }
    }
    eprintln!(
        "disk filled: {} records added, {full} refused as disk full, database damaged: {damaged}",
        added.len()
    );
    assert!(full > 0 || damaged, "the disk never filled");
    assert!(!added.is_empty(), "no record fitted");
    fs::remove_file(&filler).unwrap();
    if damaged || !env.run(&["list"]).status.success() {
        env.ok(&["rebuild"]);
    }
    let listed = env.ok(&["list", "--json"]);
    for id in &added {
        assert!(
            listed.contains(id.as_str()),
            "record {id} was reported added"
        );
    }
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

/// `--strict` promises nothing is ingested when any line is bad. A directory given as a
/// file opens (on Linux) and failed only when read, after earlier batches had committed.
#[test]
fn ingest_strict_refuses_a_directory_before_writing_anything() {
    let env = Env::new();
    let t = env.input("t.txt", "a testimony");
    let mut lines = String::new();
    for i in 0..289 {
        lines.push_str(&format!(
            "{{\"title\": \"r{i}\", \"testimony\": \"{}\"}}\n",
            t.display()
        ));
    }
    let dir = env.root().join("in").join("a-directory");
    fs::create_dir(&dir).unwrap();
    lines.push_str(&format!(
        "{{\"title\": \"bad\", \"testimony\": \"{}\"}}\n",
        dir.display()
    ));
    let jsonl = env.input("in.jsonl", lines);
    let before = env.state();
    let err = env.fails(&["ingest", "--strict", jsonl.to_str().unwrap()], 2);
    assert!(
        err.contains("line 290")
            && err.contains("directory")
            && err.contains("nothing was ingested"),
        "{err}"
    );
    assert_eq!(env.state(), before, "strict ingested some records");
}

/// An ingest line names its fields, not `add`'s flags: a line without a title is refused
/// as "a non-empty title" (the `title` field), and `add` without one as "--title".
#[test]
fn an_ingest_line_is_told_its_field_and_add_its_flag() {
    let env = Env::new();
    let jsonl = env.input("in.jsonl", "{\"title\": \"  \"}\n");
    let before = env.state();
    let err = env.fails(&["ingest", "--strict", jsonl.to_str().unwrap()], 2);
    assert!(
        err.contains("line 1: a record needs a non-empty title (--strict: nothing was ingested)"),
        "{err}"
    );
    assert_eq!(env.state(), before);
    let err = env.fails(&["add", "--title", " "], 2);
    assert!(err.contains("a record needs a non-empty --title"), "{err}");
    assert_eq!(env.state(), before);
}

#[test]
fn a_record_of_more_than_256_parts_is_refused_before_anything_is_written() {
    let env = Env::new();
    env.add(&["--title", "kept"]);
    let before = env.state();
    let mut args = vec!["add".to_owned(), "--title".into(), "many".into()];
    for i in 0..257 {
        args.push(
            env.input(&format!("p{i}.txt"), format!("part {i}"))
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = env.fails(&args, 2);
    assert!(
        err.contains("at most 256 parts") && err.contains("archive"),
        "{err}"
    );
    assert_eq!(env.state(), before);
    assert!(env.tmp_is_empty());
    // 256 are taken.
    args.pop();
    let id = env.ok(&args);
    assert_eq!(id.trim().len(), 32);
    env.ok(&["check"]);
}

#[test]
fn a_record_whose_description_a_receiver_could_not_keep_is_refused_where_it_is_made() {
    let env = Env::new();
    env.add(&["--title", "kept"]);
    let before = env.state();
    // 256 parts with 240-character names: a body of about 75 KiB sealed. A receiver adds
    // a provenance entry, its recipients and perhaps inline parts, and keeps at most 96 KiB.
    let dir = env.root().join("in").join("many");
    fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for i in 0..256 {
        let p = dir.join(format!("{i:03}{}", "n".repeat(237)));
        fs::write(&p, format!("part {i}")).unwrap();
        paths.push(p.to_str().unwrap().to_owned());
    }
    let mut args = vec!["add", "--title", "many long names"];
    args.extend(paths.iter().map(String::as_str));
    let err = env.fails(&args, 2);
    assert!(
        err.contains("KiB sealed") && err.contains("fewer parts"),
        "{err}"
    );
    assert_eq!(env.state(), before);
    assert!(env.tmp_is_empty());
    // In an ingest, only that line fails.
    let line = serde_json::json!({"title": "many", "attachments": paths});
    let good = serde_json::json!({"title": "a good one"});
    let batch = env.input("batch.jsonl", format!("{line}\n{good}\n"));
    let o = env.run(&["ingest", batch.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("KiB sealed"), "{err}");
    assert!(env.ok(&["list"]).contains("a good one"));
    env.ok(&["check"]);
}

/// A line that fails is not told a witness code: the code belongs to no record.
#[test]
fn an_ingest_line_that_fails_is_assigned_no_witness_code() {
    let env = Env::new();
    let good = env.input("who.txt", "Name: A.");
    let lines = format!(
        "{{\"title\": \"gone\", \"identity\": \"missing.txt\"}}\n{{\"title\": \"here\", \"identity\": {:?}}}\n",
        good.to_str().unwrap()
    );
    let jsonl = env.input("in.jsonl", lines);
    let o = env.run(&["ingest", jsonl.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2: witness code"), "{err}");
    assert!(!err.contains("line 1: witness code"), "{err}");
}
