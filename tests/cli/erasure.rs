//! Removal really removes: after `rm` (and a collector's `export --remove-after`), no file
//! of the vault holds a byte of the removed record's sealed values, and nothing any key of
//! the keyring opens holds anything of it.
use std::collections::HashSet;
use std::fs;
use std::path::Path;

use amanat::format::keyring::{self, Passphrase};
use amanat::storage::store::Store;

use crate::util::{files_below, killed_at, outside_keys, Env, PASS};

const MARKS: [&str; 6] = [
    "ERASEMARKTITLE",
    "ERASEMARKNOTE",
    "W-ERASEMARK",
    "ERASEMARKTESTIMONY",
    "erasemarkscan",
    "erasemarkinline",
];

fn add_marked(env: &Env) -> String {
    let t = env.input(
        "t.txt",
        "ERASEMARKTESTIMONY the witness said what happened at the facility",
    );
    let scan = env.input("erasemarkscan.bin", {
        let mut v = b"ERASEMARKSCANCONTENT".repeat(5000);
        v.extend((0..50_000u32).map(|i| (i * 7919 % 251) as u8));
        v
    });
    let inline = env.input("erasemarkinline.txt", "small ERASEMARKINLINE content");
    env.add(&[
        "--title",
        "ERASEMARKTITLE testimony",
        "--note",
        "ERASEMARKNOTE",
        "--witness",
        "W-ERASEMARK",
        "--testimony",
        t.to_str().unwrap(),
        scan.to_str().unwrap(),
        inline.to_str().unwrap(),
    ])
}

fn add_plain(env: &Env, n: usize) -> String {
    let t = env.input(
        &format!("k{n}.txt"),
        format!("kept testimony number {n} remains"),
    );
    env.add(&[
        "--title",
        &format!("kept {n}"),
        "--testimony",
        t.to_str().unwrap(),
    ])
}

/// Every stored value that belongs to `id` alone, raw as sled holds it: body, catalog
/// entry, custody state, search chunks; and the index segment holding it.
fn values_of(env: &Env, id: &str) -> Vec<Vec<u8>> {
    let raw = crate::util::locator_key(env, id);
    let s = Store::open(&env.vault).unwrap();
    let mut out = Vec::new();
    for t in [&s.records(), &s.catalog(), &s.custody()] {
        if let Some(v) = t.get(&raw).unwrap() {
            out.push(v.to_vec());
        }
    }
    for kv in s.search().scan_prefix(&raw) {
        out.push(kv.unwrap().1.to_vec());
    }
    // Every index segment (the one holding the record changes when it is removed).
    for kv in s.index().iter() {
        let (k, v) = kv.unwrap();
        if k.len() == 16 {
            out.push(v.to_vec());
        }
    }
    out
}

/// 32-byte pieces of every blob, at every 32nd offset, but the first: every age file
/// begins with the same 32 bytes (`age-encryption.org/v1\n-> X25519 `); from there on, a
/// sealed value is random.
fn pieces(blobs: &[Vec<u8>]) -> HashSet<[u8; 32]> {
    let mut set = HashSet::new();
    for b in blobs {
        for c in b.chunks_exact(32).skip(1) {
            set.insert(<[u8; 32]>::try_from(c).unwrap());
        }
    }
    set
}

/// Files below `dir` holding any of the pieces, at any offset.
fn carve(dir: &Path, pieces: &HashSet<[u8; 32]>) -> Vec<String> {
    let mut found = Vec::new();
    for f in files_below(dir) {
        let b = fs::read(&f).unwrap();
        if b.windows(32)
            .any(|w| pieces.contains(<&[u8; 32]>::try_from(w).unwrap()))
        {
            found.push(f.display().to_string());
        }
    }
    found
}

fn has_mark(b: &[u8]) -> Option<&'static str> {
    let lower = String::from_utf8_lossy(b).to_lowercase();
    MARKS
        .iter()
        .find(|m| lower.contains(&m.to_lowercase()))
        .copied()
}

/// Opens every value of every tree with every symmetric key and domain, every age file
/// found in any file with the vault's identity, and every journal frame; returns what
/// opened to anything marked.
fn open_everything(env: &Env, age_identities: &[age::x25519::Identity]) -> Vec<String> {
    let mut found = Vec::new();
    let kr = keyring::open_file(
        &fs::read(env.vault.join("keyring")).unwrap(),
        &Passphrase::new(PASS.into()).unwrap(),
        &env.vault.join("keyring"),
    )
    .unwrap();
    let mut ids: Vec<age::x25519::Identity> = age_identities.to_vec();
    ids.extend(kr.identity());
    for (what, p) in crate::util::opened_values(env) {
        if let Some(m) = has_mark(&p) {
            found.push(format!("{what} opens to {m}"));
        }
    }
    // Age files anywhere: in sled's files, the journal's frames, objects.
    for f in files_below(&env.vault) {
        let b = fs::read(&f).unwrap();
        let mut at = 0;
        while let Some(i) = memchr::memmem::find(&b[at..], b"age-encryption.org/v1\n") {
            let start = at + i;
            let dec = age::Decryptor::new_buffered(&b[start..]);
            if let Ok(d) = dec {
                if let Ok(mut r) = d.decrypt(ids.iter().map(|i| i as &dyn age::Identity)) {
                    let mut plain = Vec::new();
                    let _ = std::io::Read::read_to_end(&mut r, &mut plain);
                    if let Some(m) = has_mark(&plain) {
                        found.push(format!("an age file in {} opens to {m}", f.display()));
                    }
                }
            }
            at = start + 1;
        }
    }
    // The journal's frames, with the catalog key.
    let mut j = fs::File::open(env.vault.join("journal")).unwrap();
    let mut marked = Vec::new();
    let _ = amanat::storage::journal::read_all(&mut j, &kr.catalog_key, &mut |ops| {
        for op in ops {
            if let Some(v) = &op.value {
                if let Some(m) = has_mark(v) {
                    marked.push(m);
                }
            }
        }
        Ok(())
    });
    found.extend(
        marked
            .into_iter()
            .map(|m| format!("a journal frame holds {m}")),
    );
    found
}

fn objects_of(env: &Env, add: impl FnOnce() -> String) -> (String, Vec<Vec<u8>>) {
    let before: HashSet<_> = files_below(&env.vault.join("objects"))
        .into_iter()
        .collect();
    let id = add();
    let objects = files_below(&env.vault.join("objects"))
        .into_iter()
        .filter(|p| !before.contains(p))
        .map(|p| fs::read(p).unwrap())
        .collect();
    (id, objects)
}

#[test]
fn rm_leaves_no_byte_of_the_record_that_any_key_opens() {
    let env = Env::new();
    add_plain(&env, 1);
    let (id, objects) = objects_of(&env, || add_marked(&env));
    assert!(!objects.is_empty());
    add_plain(&env, 2);
    // Reads leave private details (part names, where they went) in the log.
    let out = env.out("scan.bin");
    env.ok(&["get", &id, "erasemarkscan.bin", "-o", out.to_str().unwrap()]);
    fs::remove_file(&out).unwrap();
    env.ok(&["show", &id]);
    let mut secret = values_of(&env, &id);
    secret.extend(objects);
    let pieces = pieces(&secret);
    assert!(
        !carve(&env.vault, &pieces).is_empty(),
        "the test finds the record before rm"
    );
    assert!(!open_everything(&env, &[]).is_empty());

    env.ok(&["rm", &id]);
    assert!(
        secret.len() >= 4,
        "body, catalog entry, custody state, index segment"
    );
    for (i, b) in secret.iter().enumerate() {
        let left = carve(&env.vault, &self::pieces(std::slice::from_ref(b)));
        assert!(
            left.is_empty(),
            "blob {i} of {} remains in {left:?}",
            secret.len()
        );
    }
    let left = carve(&env.vault, &pieces);
    assert!(
        left.is_empty(),
        "pieces of the removed record remain in {left:?}"
    );
    let opened = open_everything(&env, &[]);
    assert!(opened.is_empty(), "{opened:#?}");
    assert_no_empty_object_dirs(&env);
    // The rest is whole.
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
    assert_eq!(env.ok(&["search", "remains"]).lines().count(), 2);
    assert!(env.fails(&["show", &id], 1).contains("no record"));
}

/// Hard links to every file below `dir`, in `to`: the blocks a file system keeps when a
/// file is only unlinked. A file overwritten in place shows zeros through its link.
fn keep_blocks(dir: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for (i, f) in files_below(dir).into_iter().enumerate() {
        fs::hard_link(&f, to.join(format!("{i}"))).unwrap();
    }
}

#[test]
fn a_crash_between_removal_and_erasure_is_finished_by_the_next_command() {
    for point in [
        "removal-committed",
        "removed-before-erasure",
        "journal-rewritten",
        "erase-db-moved-aside",
    ] {
        let env = Env::new();
        add_plain(&env, 1);
        let (id, objects) = objects_of(&env, || add_marked(&env));
        let mut secret = values_of(&env, &id);
        secret.extend(objects);
        let pieces = pieces(&secret);
        let o = env
            .cmd()
            .args(["rm", &id])
            .env("AMANAT_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(
            !o.status.success(),
            "{point}: the crash point was not reached"
        );
        let blocks = env.root().join(format!("blocks-{point}"));
        keep_blocks(&env.vault, &blocks);
        // Any command that opens the vault finishes the erasure.
        assert_eq!(env.ok(&["list"]).lines().count(), 1, "{point}");
        let left = carve(&env.vault, &pieces);
        assert!(left.is_empty(), "{point}: pieces remain in {left:?}");
        // And it overwrote what the crash left, rather than unlinking it.
        let kept = carve(&blocks, &pieces);
        assert!(
            kept.is_empty(),
            "{point}: files unlinked but not overwritten: {kept:?}"
        );
        assert!(open_everything(&env, &[]).is_empty(), "{point}");
        env.ok(&["check"]);
    }
}

#[test]
fn a_collectors_export_remove_after_leaves_nothing_headquarters_key_opens() {
    let env = Env::bare();
    let (hq, _) = outside_keys(&env.root().join("hq"));
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--collector",
        "--recipient",
        &hq,
    ]);
    let key = fs::read_to_string(env.root().join("hq").join("key.txt")).unwrap();
    let hq_identity: age::x25519::Identity = key
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap();
    let (id, objects) = objects_of(&env, || add_marked(&env));
    let mut secret = values_of(&env, &id);
    secret.extend(objects);
    let pieces = pieces(&secret);
    assert!(!open_everything(&env, std::slice::from_ref(&hq_identity)).is_empty());
    let bundle = env.out("t.amanat");
    env.ok(&[
        "export",
        "--all",
        "-o",
        bundle.to_str().unwrap(),
        "--remove-after",
    ]);
    let left = carve(&env.vault, &pieces);
    assert!(
        left.is_empty(),
        "pieces of the exported record remain in {left:?}"
    );
    let opened = open_everything(&env, &[hq_identity]);
    assert!(opened.is_empty(), "{opened:#?}");
    assert_no_empty_object_dirs(&env);
    env.ok(&["check"]);
}

/// Which `objects/<hh>/` directories exist must not name the first byte of a removed
/// object's id (which a collector's transfer bundle names in full): all 256 always exist.
fn assert_no_empty_object_dirs(env: &Env) {
    let dirs = fs::read_dir(env.vault.join("objects")).unwrap().count();
    assert_eq!(dirs, 256, "objects/<hh>/ directories come and go");
}

#[test]
fn rm_of_several_records_erases_them_all_in_one_rewrite_and_refuses_an_unknown_id_first() {
    let env = Env::new();
    let keep = add_plain(&env, 1);
    let (a, objects_a) = objects_of(&env, || add_marked(&env));
    let t = env.input("b.txt", "a second testimony ERASEMARKTESTIMONY to go");
    let b = env.add(&[
        "--title",
        "second ERASEMARKTITLE",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let mut secret = values_of(&env, &a);
    secret.extend(values_of(&env, &b));
    secret.extend(objects_a);
    let pieces = pieces(&secret);
    // One unknown id: nothing is removed.
    let before = env.state();
    env.fails(&["rm", &a, "0123456789abcdef0123456789abcdef", &b], 1);
    assert_eq!(env.state(), before);
    env.ok(&["rm", &a, &b[..12]]);
    let list = env.ok(&["list"]);
    assert!(list.contains(&keep[..10]) && !list.contains(&a[..10]) && !list.contains(&b[..10]));
    let left = carve(&env.vault, &pieces);
    assert!(left.is_empty(), "pieces remain in {left:?}");
    assert!(open_everything(&env, &[]).is_empty());
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

/// `rotate` re-seals every object to the new keys; the old ones, which the old keyring (a
/// backup of it, say) still opens, are overwritten before they are removed, as a removal's
/// are, not just unlinked (an outside review found them left in freed blocks).
#[test]
fn rotation_overwrites_the_objects_it_replaces() {
    use std::io::{Read, Seek};
    let env = Env::new();
    let big = env.input("scan.bin", vec![7u8; 100_000]);
    env.add(&["--title", "t", big.to_str().unwrap()]);
    let mut held: Vec<fs::File> = files_below(&env.vault.join("objects"))
        .iter()
        .map(|p| fs::File::open(p).unwrap())
        .collect();
    assert_eq!(held.len(), 1);
    env.ok(&["rotate"]);
    for f in &mut held {
        f.rewind().unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        assert!(
            !bytes.is_empty() && bytes.iter().all(|&b| b == 0),
            "the old object was only unlinked"
        );
    }
    env.ok(&["check"]);
}

/// A withdrawal of consent erases as `rm` does: no file of the vault keeps a byte of the
/// record's sealed values, nothing any key opens holds its persons, statuses or reasons;
/// killed between the restriction and the erasure, the record is kept in the archive only
/// and the withdrawal run again erases it.
#[test]
fn a_withdrawal_of_consent_leaves_no_byte_of_the_record() {
    for killed in [false, true] {
        let env = Env::new();
        add_plain(&env, 1);
        let (id, objects) = objects_of(&env, || add_marked(&env));
        env.ok(&["case", "person", &id, "V-ERASEMARK", "--role", "victim"]);
        env.ok(&[
            "case",
            "status",
            &id,
            "V-ERASEMARK",
            "detained",
            "--date",
            "2019",
            "--place",
            "ERASEMARKNOTE camp",
        ]);
        env.ok(&[
            "case",
            "verify",
            &id,
            "corroborated",
            "--by",
            "R-1",
            "--why",
            "ERASEMARKNOTE why",
        ]);
        env.ok(&["consent", "set", &id, "publish", "--how", "oral"]);
        let mut secret = values_of(&env, &id);
        secret.extend(objects);
        let pieces = pieces(&secret);
        assert!(!carve(&env.vault, &pieces).is_empty());
        if killed {
            killed_at(
                &env,
                "withdrawn-before-erasure",
                &["consent", "withdraw", &id],
            );
            let show = env.ok(&["show", &id]);
            assert!(show.contains("consent:     archive only"), "{show}");
        }
        env.ok(&["consent", "withdraw", &id]);
        let left = carve(&env.vault, &pieces);
        assert!(
            left.is_empty(),
            "pieces of the withdrawn record remain in {left:?}"
        );
        let opened = open_everything(&env, &[]);
        assert!(opened.is_empty(), "{opened:#?}");
        assert!(env.fails(&["show", &id], 1).contains("no record"));
        assert_eq!(env.run(&["search", "V-ERASEMARK"]).status.code(), Some(1));
        env.ok(&["check"]);
        env.ok(&["audit", "--verify"]);
    }
}
