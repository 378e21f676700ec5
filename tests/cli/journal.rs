//! The journal: the database's second copy outside sled (FORMAT.md, "Journal"), and
//! `rebuild`, which recreates the database from it.
use std::fs;

use crate::common::copy_dir;
use crate::util::{set_duress, with_pass, Env, DURESS};

/// Three records with a testimony and an attachment each; returns (id, testimony, scan).
fn three(env: &Env) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    (0..3)
        .map(|i| {
            let t = format!("testimony {i}: what the witness saw").into_bytes();
            let a: Vec<u8> = (0..50_000u32).map(|x| (x * (i + 7)) as u8).collect();
            let tp = env.input(&format!("t{i}.txt"), &t);
            let ap = env.input(&format!("scan{i}.bin"), &a);
            let title = format!("record {i}");
            let id = env.add(&[
                "--title",
                &title,
                "--testimony",
                tp.to_str().unwrap(),
                ap.to_str().unwrap(),
            ]);
            (id, t, a)
        })
        .collect()
}

/// Every record reads back byte-identical and `check` passes.
fn all_read(env: &Env, records: &[(String, Vec<u8>, Vec<u8>)]) {
    for (id, t, a) in records {
        let o = env.run(&["get", id, "testimony", "-o", "-"]);
        assert_eq!(o.stdout, *t, "{id}");
        let o = env.run(&["get", id, "1", "-o", "-"]);
        assert_eq!(o.stdout, *a, "{id}");
    }
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

#[test]
fn rebuild_recreates_a_lost_database_from_the_journal() {
    let env = Env::new();
    let records = three(&env);
    let partner = age::x25519::Identity::generate().to_public().to_string();
    env.ok(&["contact", "add", "partner", "--recipient", &partner]);
    let listed = env.ok(&["list", "--json"]);
    let contacts = env.ok(&["contact", "list"]);
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("database") && err.contains("amanat rebuild"),
        "{err}"
    );
    let o = env.run(&["rebuild"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("3 records"), "{err}");
    assert_eq!(env.ok(&["list", "--json"]), listed);
    assert_eq!(env.ok(&["contact", "list"]), contacts);
    all_read(&env, &records);
    // The rebuilt vault goes on: a new record, a removal, and again from the journal.
    let more = env.input("more.txt", "later testimony");
    let id = env.add(&["--title", "later", "--testimony", more.to_str().unwrap()]);
    env.ok(&["rm", &records[0].0]);
    let listed = env.ok(&["list", "--json"]);
    assert!(listed.contains(&id) && !listed.contains(&records[0].0));
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    env.ok(&["rebuild"]);
    assert_eq!(env.ok(&["list", "--json"]), listed);
    all_read(&env, &records[1..]);
}

/// A whole journal is kept by `rebuild`, not written again (a restore of 100,000 records
/// would pay for it twice: in time, and in memory while sled is read back); the vault goes
/// on appending to it. A damaged one is written again from what could be read.
#[test]
fn rebuild_keeps_a_whole_journal_and_rewrites_a_damaged_one() {
    let env = Env::new();
    let records = three(&env);
    let journal = env.vault.join("journal");
    let before = fs::read(&journal).unwrap();
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    env.ok(&["rebuild"]);
    assert!(
        fs::read(&journal).unwrap() == before,
        "the journal was rewritten"
    );
    all_read(&env, &records);
    let more = env.input("more.txt", "later testimony");
    let id = env.add(&["--title", "later", "--testimony", more.to_str().unwrap()]);
    let grown = fs::read(&journal).unwrap();
    assert!(grown.len() > before.len() && grown.starts_with(&before));
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    env.ok(&["rebuild"]);
    assert!(env.ok(&["list", "--json"]).contains(&id));
    all_read(&env, &records);

    // A frame damaged in the middle: what it held is lost, and the journal is rewritten.
    let mut b = fs::read(&journal).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0x20;
    fs::write(&journal, &b).unwrap();
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    let o = env.run(&["rebuild"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("damaged"));
    assert!(
        fs::read(&journal).unwrap() != b,
        "a damaged journal was kept"
    );
    let o = env.run(&["check", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["journal"].as_array().unwrap().is_empty(), "{report}");
}

#[test]
fn a_database_that_lost_durable_writes_is_refused_and_rebuilt() {
    let env = Env::new();
    let mut records = three(&env);
    // sled silently dropping its newest writes looks like an older copy of its files.
    let old_db = env.root().join("old-db");
    copy_dir(&env.vault.join("db"), &old_db);
    let tp = env.input("t3.txt", "the fourth testimony");
    let id = env.add(&["--title", "record 3", "--testimony", tp.to_str().unwrap()]);
    records.push((id, b"the fourth testimony".to_vec(), vec![]));
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    copy_dir(&old_db, &env.vault.join("db"));
    let err = env.fails(&["list"], 2);
    assert!(err.contains("lost writes"), "{err}");
    assert!(err.contains("amanat rebuild"), "{err}");
    env.ok(&["rebuild"]);
    for (id, t, a) in &records {
        assert_eq!(env.run(&["get", id, "testimony", "-o", "-"]).stdout, *t);
        if !a.is_empty() {
            assert_eq!(env.run(&["get", id, "1", "-o", "-"]).stdout, *a);
        }
    }
    env.ok(&["check"]);
}

#[test]
fn a_crash_around_the_journal_leaves_each_record_whole_or_absent() {
    // (crash point, whether the new record has an attachment, records after the crash).
    // An attachment's pending mark is synced before the commit: the record is text only
    // where the kill must come after the commit's sync.
    for (point, attachment, expect) in
        [("journal-appended", true, 3), ("database-synced", false, 4)]
    {
        let env = Env::new();
        let records = three(&env);
        let tp = env.input("late.txt", "the testimony of the crash");
        let ap = env.input("late.bin", vec![5u8; 70_000]);
        let mut c = env.cmd();
        c.args(["add", "--title", "late", "--testimony"]).arg(&tp);
        if attachment {
            c.arg(&ap);
        }
        let o = c.env("AMANAT_CRASH_AT", point).output().unwrap();
        assert!(!o.status.success(), "{point}: not killed");
        // `list` exits 1 when it lists nothing, as grep does.
        let o = env.run(&["list", "--json"]);
        let listed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let n = listed.as_array().unwrap().len();
        // Before the database commit the record is absent; after its sync it is present.
        assert_eq!(n, expect, "{point}");
        all_read(&env, &records);
        // The journal agrees with the database: rebuilding it changes nothing.
        fs::remove_dir_all(env.vault.join("db")).unwrap();
        env.ok(&["rebuild"]);
        let again: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
        assert_eq!(again, listed, "{point}");
        all_read(&env, &records);
    }
}

#[test]
fn a_crash_while_the_rebuilt_database_moves_in_is_finished_by_the_next_open() {
    let env = Env::new();
    let records = three(&env);
    let o = env
        .cmd()
        .arg("rebuild")
        .env("AMANAT_CRASH_AT", "rebuild-moved-aside")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!env.vault.join("db").exists());
    // The old database, moved aside, still opens with the vault's keys (it may hold a
    // removal a crash interrupted): the next open overwrites it, not just unlinks it. Its
    // files are held open here, to read what becomes of their blocks.
    let aside: Vec<_> = fs::read_dir(env.vault.join("tmp"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("-db-"))
        .collect();
    assert_eq!(aside.len(), 1, "the old database is in tmp/");
    let mut held: Vec<fs::File> = fs::read_dir(aside[0].path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file() && e.metadata().unwrap().len() > 0)
        .map(|e| fs::File::open(e.path()).unwrap())
        .collect();
    assert!(!held.is_empty());
    all_read(&env, &records);
    for f in &mut held {
        use std::io::{Read, Seek};
        f.rewind().unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        assert!(
            bytes.iter().all(|&b| b == 0),
            "an old database file was only unlinked"
        );
    }
}

#[test]
fn rebuild_refuses_what_it_cannot_trust_and_changes_nothing() {
    let env = Env::new();
    let records = three(&env);
    let before = env.state();
    // Wrong passphrase.
    let wrong = env.input("wrong", "not the passphrase\n");
    let o = env
        .cmd()
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("rebuild")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong passphrase"));
    // Another vault's journal.
    let other = Env::new();
    three(&other);
    let journal = env.vault.join("journal");
    let ours = fs::read(&journal).unwrap();
    fs::copy(other.vault.join("journal"), &journal).unwrap();
    let err = env.fails(&["rebuild"], 2);
    assert!(err.contains("journal"), "{err}");
    assert!(env.vault.join("db").exists());
    fs::write(&journal, ours).unwrap();
    // No journal at all.
    fs::rename(&journal, env.root().join("journal")).unwrap();
    let err = env.fails(&["rebuild"], 2);
    assert!(err.contains("no journal"), "{err}");
    fs::rename(env.root().join("journal"), &journal).unwrap();
    assert_eq!(env.state(), before);
    all_read(&env, &records);
}

#[test]
fn a_damaged_journal_is_reported_and_rewritten_from_the_database() {
    let env = Env::new();
    let records = three(&env);
    let journal = env.vault.join("journal");
    let mut b = fs::read(&journal).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0x20;
    fs::write(&journal, &b).unwrap();
    let o = env.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("JOURNAL DAMAGED"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rebuild --journal"));
    let report: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(
        &env.run(&["check", "--json"]).stdout,
    ))
    .unwrap();
    assert_eq!(report["journal"].as_array().unwrap().len(), 1);
    env.ok(&["rebuild", "--journal"]);
    all_read(&env, &records);
    // A journal deleted outright is rewritten at the next unlock, with a warning.
    fs::remove_file(&journal).unwrap();
    let o = env.run(&["list"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("rewritten from the database"));
    all_read(&env, &records);
}

#[test]
fn the_duress_passphrase_given_to_rebuild_destroys_the_real_vault() {
    let env = Env::new();
    three(&env);
    set_duress(&env);
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    let o = with_pass(&env, DURESS, &["rebuild"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 records"));
    let o = with_pass(&env, DURESS, &["list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    // The real passphrase opens nothing any more.
    let o = env.run(&["list"]);
    assert!(!o.status.success());
}

#[test]
fn removing_a_record_leaves_nothing_of_it_in_the_journal() {
    use amanat::format::keyring::Passphrase;
    use amanat::storage::journal::TreeId;
    use amanat::{LockedVault, VaultPaths};
    let env = Env::new();
    let records = three(&env);
    let gone = &records[1].0;
    let key = crate::util::locator_key(&env, gone);
    let keys = |env: &Env| {
        let v = LockedVault::open(VaultPaths::new(env.vault.clone(), None))
            .unwrap()
            .unlock(&Passphrase::new(crate::util::PASS.into()).unwrap())
            .unwrap();
        amanat::vault::rebuild::testing::journal_keys(&v)
    };
    let names = |ks: &[(TreeId, Vec<u8>, bool)]| {
        ks.iter()
            .filter(|(t, k, _)| {
                matches!(
                    t,
                    TreeId::Records | TreeId::Catalog | TreeId::Search | TreeId::Custody
                ) && k.starts_with(&key)
            })
            .count()
    };
    assert!(names(&keys(&env)) >= 3, "the journal holds the record");
    env.ok(&["rm", gone]);
    assert_eq!(
        names(&keys(&env)),
        0,
        "the journal still holds the removed record"
    );
    // A crash after the new journal is in place, before the database names it: the next
    // open rewrites it again, and everything else is intact.
    let o = env
        .cmd()
        .args(["rm", &records[0].0])
        .env("AMANAT_CRASH_AT", "journal-rewritten")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let listed = env.ok(&["list", "--json"]);
    assert!(!listed.contains(&records[0].0) && listed.contains(&records[2].0));
    all_read(&env, &records[2..]);
    fs::remove_dir_all(env.vault.join("db")).unwrap();
    env.ok(&["rebuild"]);
    assert_eq!(env.ok(&["list", "--json"]), listed);
}

/// The journal's last bytes are often a confirmation (12 bytes). A flipped byte there was
/// taken for a confirmation a crash had cut short, and cut off in silence; the tamper suite
/// hit it. Damage must be reported; only what a crash can leave (a short or zero-filled
/// tail) is repaired quietly.
#[test]
fn a_damaged_confirmation_at_the_journal_end_is_reported_a_torn_one_is_not() {
    let env = Env::new();
    let t = env.input("t.txt", "a testimony");
    env.add(&["--title", "x", "--testimony", t.to_str().unwrap()]);
    let pristine = env.root().join("pristine");
    copy_dir(&env.vault, &pristine);
    let journal = env.vault.join("journal");
    let bytes = fs::read(&journal).unwrap();
    assert_eq!(
        &bytes[bytes.len() - 12..bytes.len() - 8],
        b"AJC1",
        "ends confirmed"
    );
    let restore = || {
        fs::remove_dir_all(&env.vault).unwrap();
        copy_dir(&pristine, &env.vault);
    };
    for back in 1..=12 {
        restore();
        let mut b = bytes.clone();
        let i = b.len() - back;
        b[i] ^= 0x01;
        fs::write(&journal, &b).unwrap();
        let o = env.run(&["check"]);
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(
            err.contains("rewritten from the database") || out.contains("JOURNAL DAMAGED"),
            "byte -{back} flipped went unnoticed: exit {:?}, {out} {err}",
            o.status.code()
        );
        env.ok(&["check"]);
    }
    // What a crash leaves: the confirmation cut short, or zeros where it was to go.
    for tail in [
        bytes[..bytes.len() - 5].to_vec(),
        [&bytes[..bytes.len() - 12], &[0u8; 12][..]].concat(),
    ] {
        restore();
        fs::write(&journal, &tail).unwrap();
        let o = env.run(&["check"]);
        assert_eq!(o.status.code(), Some(0));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("warning") && !err.contains("DAMAGED"),
            "a torn confirmation is what a crash leaves: {err}"
        );
    }
}

/// sled writes each snapshot as `snap.<lsn>.generating` and renames it once synced, but
/// reads a `.generating` file as finished: a command killed while sled opened the database
/// (strace -e inject=write:signal=KILL:when=1 showed it, an outside review found it) left one
/// that made every later command refuse the vault as damaged.
#[test]
fn a_snapshot_left_unfinished_by_a_kill_does_not_stop_the_vault_opening() {
    let env = Env::new();
    let records = three(&env);
    let unfinished = env.vault.join("db/snap.FFFFFFFFFFFFFFF0.generating");
    fs::write(&unfinished, b"").unwrap();
    all_read(&env, &records);
    env.ok(&["check"]);
    assert!(!unfinished.exists());
    // And before a removal's database rewrite, which opens the old database itself.
    fs::write(&unfinished, b"").unwrap();
    env.ok(&["rm", &records[0].0]);
    env.ok(&["check"]);
}

/// A documenter's vault holding six records (a testimony and a 30 KB attachment each), a
/// partner's vault that knows it, and the bundle of all six for the partner. Returns
/// (partner, bundle path, titles).
pub(crate) fn partner_with_bundle() -> (Env, Env, std::path::PathBuf) {
    let hq = Env::new();
    let partner = Env::new();
    crate::util::introduce(&hq, &partner, "Partner");
    for i in 0..6u32 {
        let t = hq.input(
            &format!("t{i}.txt"),
            format!("testimony {i}: the night they came"),
        );
        let a: Vec<u8> = (0..30_000u32).map(|x| (x * (i + 3)) as u8).collect();
        let a = hq.input(&format!("scan{i}.bin"), a);
        let title = format!("grouped {i}");
        let (t, a) = (t.to_str().unwrap(), a.to_str().unwrap());
        hq.add(&["--title", &title, "--testimony", t, a]);
    }
    let b = hq.out("six.amanat");
    hq.ok(&[
        "export",
        "--to",
        "Partner",
        "--all",
        "-o",
        b.to_str().unwrap(),
    ]);
    (hq, partner, b)
}

/// `amanat import BUNDLE` on `env` with commits cut into frames of about 4 KiB, and the
/// records going to the journal two at a time as the bundle is read (test hooks; a release
/// binary cuts frames at 1 MiB and takes 256 records at a time), killed at `point` if one
/// is given.
fn import_in_groups(env: &Env, bundle: &std::path::Path, point: Option<&str>) -> bool {
    let mut c = env.cmd();
    c.env("AMANAT_GROUP_FRAME_BYTES", "4096");
    c.env("AMANAT_RECORDS_AT_ONCE", "2");
    if let Some(p) = point {
        c.env("AMANAT_CRASH_AT", p);
    }
    c.args(["import", "--from", "HQ", bundle.to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .success()
}

/// Where the journal's `AJG1` frame heads start.
fn group_heads(journal: &[u8]) -> Vec<usize> {
    journal
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"AJG1")
        .map(|(i, _)| i)
        .collect()
}

/// The titles `list` shows, sorted.
fn grouped_titles(env: &Env) -> Vec<String> {
    crate::util::titles(env, &["list"])
}

#[test]
fn a_commit_too_large_for_one_frame_goes_in_a_group_that_a_crash_leaves_whole_or_absent() {
    let (_hq, partner, bundle) = partner_with_bundle();
    let all: Vec<String> = (0..6).map(|i| format!("grouped {i}")).collect();
    let before = partner.root().join("before");
    copy_dir(&partner.vault, &before);
    let reset = || {
        fs::remove_dir_all(&partner.vault).unwrap();
        copy_dir(&before, &partner.vault);
    };

    // No crash: the import's one commit is written as a group of frames (AJG1 …, then the
    // closing AJF1), and reads back whole.
    assert!(import_in_groups(&partner, &bundle, None));
    let journal = fs::read(partner.vault.join("journal")).unwrap();
    let groups = group_heads(&journal).len();
    assert!(groups >= 2, "{groups} group frames");
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);

    // Killed after the group's first transaction: the next open finishes the rest from
    // the journal, so every record is there, every part reads and check passes.
    reset();
    assert!(!import_in_groups(
        &partner,
        &bundle,
        Some("group-frame-applied")
    ));
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);
    partner.ok(&["audit", "--verify"]);
    let o = partner.ok(&["import", "--from", "HQ", bundle.to_str().unwrap()]);
    assert!(o.contains("already"), "{o}");
    // A rebuild from the journal holds the same.
    fs::remove_dir_all(partner.vault.join("db")).unwrap();
    partner.ok(&["rebuild"]);
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);

    // Killed after the group's frames were written, before any transaction: nothing of it.
    reset();
    assert!(!import_in_groups(
        &partner,
        &bundle,
        Some("group-frames-written")
    ));
    assert!(grouped_titles(&partner).is_empty());
    partner.ok(&["check"]);
    assert!(import_in_groups(&partner, &bundle, None));
    assert_eq!(grouped_titles(&partner), all);

    // The same crash, then `rebuild` before any open: the group is whole in the journal,
    // so the rebuilt database holds all of it.
    reset();
    assert!(!import_in_groups(
        &partner,
        &bundle,
        Some("group-frames-written")
    ));
    fs::remove_dir_all(partner.vault.join("db")).unwrap();
    partner.ok(&["rebuild"]);
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);

    // Killed after the first frame of the group was written: the journal ends in a group
    // without its last frame. The next open cuts it off; `rebuild` leaves it out rather than
    // replay part of it.
    for rebuild in [false, true] {
        reset();
        assert!(!import_in_groups(
            &partner,
            &bundle,
            Some("group-first-frame-written")
        ));
        let journal = fs::read(partner.vault.join("journal")).unwrap();
        assert!(!group_heads(&journal).is_empty());
        if rebuild {
            fs::remove_dir_all(partner.vault.join("db")).unwrap();
            partner.ok(&["rebuild"]);
        }
        assert!(grouped_titles(&partner).is_empty(), "rebuild: {rebuild}");
        partner.ok(&["check"]);
        assert!(import_in_groups(&partner, &bundle, None));
        assert_eq!(grouped_titles(&partner), all);
        partner.ok(&["check"]);
    }
}

/// A partner's vault of format 9 and a bundle for it (`tests/fixtures/vault-v9`): the vault
/// moves to format 10 at its first unlock (also when killed just before), and the bundle
/// imports into it as a group of frames, which a crash part way through leaves whole.
#[test]
fn a_group_that_fails_part_way_keeps_its_objects_and_one_damaged_in_the_journal_is_left_out() {
    let (hq, partner, bundle) = partner_with_bundle();
    let all: Vec<String> = (0..6).map(|i| format!("grouped {i}")).collect();
    let before = partner.root().join("before");
    copy_dir(&partner.vault, &before);

    // The group's second transaction fails (a full disk): the error says the next unlock
    // finishes it, and nothing of its records' objects is deleted meanwhile, so the next
    // command finds every record whole.
    assert!(!import_in_groups(
        &partner,
        &bundle,
        Some("group-second-frame-fails")
    ));
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);
    for i in 0..6 {
        let id = partner.ok(&["search", &format!("testimony {i}")]);
        assert!(!id.is_empty());
    }

    // A whole group in the journal, then a record after it; then the head of a frame in the
    // middle of the group is zeroed. `rebuild` says the journal is damaged, leaves the
    // whole group out (not the frames around the damage) and keeps the later record.
    fs::remove_dir_all(&partner.vault).unwrap();
    copy_dir(&before, &partner.vault);
    assert!(import_in_groups(&partner, &bundle, None));
    let t = partner.input("later.txt", "a later testimony");
    partner.add(&["--title", "later", "--testimony", t.to_str().unwrap()]);
    let path = partner.vault.join("journal");
    let mut journal = fs::read(&path).unwrap();
    let heads = group_heads(&journal);
    assert!(heads.len() >= 3, "{}", heads.len());
    journal[heads[1]..heads[1] + 16].fill(0);
    fs::write(&path, &journal).unwrap();
    fs::remove_dir_all(partner.vault.join("db")).unwrap();
    let o = partner.run(&["rebuild"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(grouped_titles(&partner), ["later"]);
    drop(hq);
}

#[test]
fn a_flipped_magic_inside_an_unfinished_group_is_refused_and_rebuilt_without_the_group() {
    let (_hq, partner, bundle) = partner_with_bundle();
    let all: Vec<String> = (0..6).map(|i| format!("grouped {i}")).collect();
    assert!(!import_in_groups(
        &partner,
        &bundle,
        Some("group-frame-applied")
    ));
    // `AJG1` and `AJF1` differ in one bit: a flip makes a middle frame of the group look
    // like its last. The frame no longer opens (its magic is in what it is sealed under),
    // so the open refuses, naming rebuild, and cuts nothing off the journal.
    let path = partner.vault.join("journal");
    let mut journal = fs::read(&path).unwrap();
    let heads = group_heads(&journal);
    assert!(heads.len() >= 3, "{}", heads.len());
    journal[heads[1] + 2] = b'F';
    fs::write(&path, &journal).unwrap();
    let err = partner.fails(&["list"], 2);
    assert!(err.contains("amanat rebuild"), "{err}");
    assert_eq!(fs::read(&path).unwrap().len(), journal.len());
    // `rebuild` leaves the whole group out and says so; the import can then be done again.
    let o = partner.run(&["rebuild"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("left out"), "{err}");
    assert!(grouped_titles(&partner).is_empty());
    assert!(import_in_groups(&partner, &bundle, None));
    assert_eq!(grouped_titles(&partner), all);
    partner.ok(&["check"]);
}

#[test]
fn a_vault_of_format_9_moves_and_takes_a_grouped_import() {
    let env = crate::util::unpacked_vault("tests/fixtures/vault-v9/vaults.tar.gz", "partner");
    let bundle = env.root().join("bundle.amanat");
    let version = || fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version(), "amanat-vault 9\n");
    crate::util::killed_at(&env, "before-version-10", &["contact", "list"]);
    assert_eq!(version(), "amanat-vault 9\n", "killed before the move");
    let mut c = env.cmd();
    c.env("AMANAT_GROUP_FRAME_BYTES", "4096")
        .env("AMANAT_CRASH_AT", "group-frame-applied");
    let o = c
        .args(["import", "--from", "Sender", bundle.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success(), "not killed");
    assert_eq!(version(), "amanat-vault 10\n");
    let journal = fs::read(env.vault.join("journal")).unwrap();
    assert!(!group_heads(&journal).is_empty());
    let all: Vec<String> = (0..6).map(|i| format!("Fixture nine, {i}")).collect();
    assert_eq!(grouped_titles(&env), all);
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}
