//! Passphrase change, shred, duress and process hardening.
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{files_below, set_duress, with_pass, Env, DURESS};

const SLOT_LEN: usize = amanat::format::keyring::SLOT_LEN;

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// Windows of the keyring's bytes taken from both slots: if any is found in a file, the
/// old keyring survives there.
fn keyring_windows(k: &[u8]) -> Vec<Vec<u8>> {
    [
        200usize,
        1500,
        3000,
        SLOT_LEN + 200,
        SLOT_LEN + 1500,
        SLOT_LEN + 3000,
    ]
    .iter()
    .map(|&o| k[o..o + 48].to_vec())
    .collect()
}

/// Windows of the old keyring's bytes from the slots a replacement changed: the other slot
/// (a filler, or a duress slot) is kept byte for byte on purpose, so that images of the
/// keyring do not say whether a duress slot exists.
fn replaced_windows(old: &[u8], new: &[u8]) -> Vec<Vec<u8>> {
    let changed: Vec<usize> = (0..2)
        .filter(|s| old[s * SLOT_LEN..(s + 1) * SLOT_LEN] != new[s * SLOT_LEN..(s + 1) * SLOT_LEN])
        .collect();
    assert!(!changed.is_empty(), "the keyring did not change");
    keyring_windows(old)
        .into_iter()
        .zip([0, 0, 0, 1, 1, 1])
        .filter(|(_, s)| changed.contains(s))
        .map(|(w, _)| w)
        .collect()
}

fn assert_nowhere(dir: &Path, windows: &[Vec<u8>]) {
    for f in files_below(dir) {
        let b = fs::read(&f).unwrap();
        for w in windows {
            assert!(
                !contains(&b, w),
                "old keyring bytes survive in {}",
                f.display()
            );
        }
    }
}

fn opens(env: &Env, pass: &str) -> bool {
    with_pass(env, pass, &["keys"]).status.success()
}

fn sample(env: &Env) -> String {
    crate::util::add_with_object(env, "testimony kept through every change", 200_000, 5)
}

fn passwd(env: &Env, new: &str, crash: Option<&str>) -> std::process::Output {
    let np = env.input("newpass", format!("{new}\n"));
    let mut c = env.cmd();
    c.args(["passwd", "--kdf-work-factor", "10", "--new-passphrase-file"])
        .arg(np);
    if let Some(point) = crash {
        c.env("AMANAT_CRASH_AT", point);
    }
    c.output().unwrap()
}

#[test]
fn passwd_changes_the_passphrase_and_leaves_no_old_keyring_bytes() {
    let env = Env::new();
    let id = sample(&env);
    let old = fs::read(env.vault.join("keyring")).unwrap();
    let o = passwd(&env, "a new passphrase", None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !opens(&env, crate::util::PASS),
        "the old passphrase still opens"
    );
    assert!(opens(&env, "a new passphrase"));
    let now = fs::read(env.vault.join("keyring")).unwrap();
    assert_eq!(now.len(), old.len());
    assert_nowhere(&env.vault, &replaced_windows(&old, &now));
    assert!(!env.vault.join("keyring.new").exists());
    let out = with_pass(
        &env,
        "a new passphrase",
        &["get", &id, "testimony", "-o", "-"],
    );
    assert_eq!(out.stdout, b"testimony kept through every change");
    let audit = with_pass(&env, "a new passphrase", &["audit", "--json"]);
    assert!(String::from_utf8_lossy(&audit.stdout).contains("passphrase-changed"));
    // The same passphrase again is refused, and changes nothing.
    let o = passwd(&env, crate::util::PASS, None);
    assert!(!o.status.success());
}

/// Names in the vault directory left by keyring replacements.
fn keyring_leftovers(env: &Env) -> Vec<String> {
    fs::read_dir(&env.vault)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".keyring") || n.starts_with("keyring."))
        .collect()
}

#[test]
fn a_half_destroyed_keyring_copy_is_never_copied_over_the_keyring() {
    // Earlier versions destroyed `keyring.new` in place after the replacement; a crash
    // during that left a file of the right length, partly or wholly zeros, which the next
    // open copied over the keyring: then no passphrase opened the vault.
    let env = Env::new();
    let id = sample(&env);
    let o = passwd(&env, "the new one at last", None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let keyring = fs::read(env.vault.join("keyring")).unwrap();
    for damaged in [vec![0u8; keyring.len()], {
        let mut half = keyring.clone();
        half[..keyring.len() / 2].fill(0);
        half
    }] {
        fs::write(env.vault.join("keyring.new"), &damaged).unwrap();
        // A leftover of an interrupted destruction under its temporary name, too.
        fs::write(env.vault.join(".keyring.new.tmp-0123456789ab"), &damaged).unwrap();
        assert!(
            opens(&env, "the new one at last"),
            "the keyring was replaced by a damaged copy"
        );
        assert_eq!(fs::read(env.vault.join("keyring")).unwrap(), keyring);
        assert!(
            keyring_leftovers(&env).is_empty(),
            "{:?}",
            keyring_leftovers(&env)
        );
    }
    let got = with_pass(
        &env,
        "the new one at last",
        &["get", &id, "testimony", "-o", "-"],
    );
    assert_eq!(got.stdout, b"testimony kept through every change");
}

#[test]
fn a_crash_at_any_step_of_passwd_leaves_the_old_or_the_new_passphrase_working() {
    // (crash point, which passphrase opens afterwards)
    let cases = [
        ("keyring-new-written", "new"),
        ("keyring-committed", "new"),
        ("keyring-mid-overwrite", "new"),
        // The overwrite fails half-way with an error (a full disk, a failing stick): the
        // change is logged, so `.new` is kept and the next open finishes the copy.
        ("keyring-overwrite-fails", "new"),
        ("keyring-overwritten", "new"),
        ("keyring-file-retiring", "new"),
        ("no-such-point", "new"),
    ];
    for (point, expect) in cases {
        let env = Env::new();
        let id = sample(&env);
        let o = passwd(&env, "the new one at last", Some(point));
        if point == "no-such-point" {
            assert!(o.status.success());
        } else {
            assert!(!o.status.success(), "{point}: the process was not killed");
        }
        let (old_ok, new_ok) = (
            opens(&env, crate::util::PASS),
            opens(&env, "the new one at last"),
        );
        assert!(old_ok || new_ok, "{point}: neither passphrase opens");
        assert!(
            keyring_leftovers(&env).is_empty(),
            "{point}: {:?}",
            keyring_leftovers(&env)
        );
        assert_eq!(
            (old_ok, new_ok),
            (expect == "old", expect == "new"),
            "{point}"
        );
        let pass = if new_ok {
            "the new one at last"
        } else {
            crate::util::PASS
        };
        assert!(
            with_pass(&env, pass, &["check"]).status.success(),
            "{point}"
        );
        assert!(
            with_pass(&env, pass, &["audit", "--verify"])
                .status
                .success(),
            "{point}"
        );
        let got = with_pass(&env, pass, &["get", &id, "testimony", "-o", "-"]);
        assert_eq!(
            got.stdout, b"testimony kept through every change",
            "{point}"
        );
        assert!(!env.vault.join("keyring.new").exists(), "{point}");
        let left: Vec<_> = fs::read_dir(&env.vault)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{point}: {left:?}");
    }
    // Killed while the new keyring is still being written: the old one is untouched.
    let env = Env::new();
    sample(&env);
    let before = fs::read(env.vault.join("keyring")).unwrap();
    fs::write(
        env.vault.join(".keyring.new.tmp-000000000000"),
        &before[..5000],
    )
    .unwrap();
    assert!(opens(&env, crate::util::PASS));
    assert_eq!(fs::read(env.vault.join("keyring")).unwrap(), before);
    assert!(!env.vault.join(".keyring.new.tmp-000000000000").exists());
}

#[test]
fn shred_destroys_the_keyring_so_no_passphrase_opens_anything() {
    let env = Env::new();
    sample(&env);
    let old = fs::read(env.vault.join("keyring")).unwrap();
    let keys = env.ok(&["keys", "--json"]);
    let k: serde_json::Value = serde_json::from_str(&keys).unwrap();

    // Without --yes and without a terminal, nothing happens.
    env.fails(&["shred"], 2);
    assert_eq!(fs::read(env.vault.join("keyring")).unwrap(), old);

    let o = env.run(&["shred", "--yes"]);
    assert!(o.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for secret in [
        k["fingerprint"].as_str().unwrap(),
        k["recipient"].as_str().unwrap(),
        env.vault.to_str().unwrap(),
        "amanat-",
    ] {
        assert!(!said.contains(secret), "shred printed {secret:?}: {said}");
    }
    assert!(!env.vault.join("keyring").exists());
    assert_nowhere(&env.vault, &keyring_windows(&old));
    for pass in [crate::util::PASS, "anything else"] {
        assert_eq!(with_pass(&env, pass, &["list"]).status.code(), Some(2));
    }
    // Putting the old keyring back would open it again: shred is only as good as the
    // keyring copies the user did not make (the threat model says so).
    let env = Env::new();
    sample(&env);
    env.ok(&["shred", "--yes", "--all"]);
    assert!(!env.vault.exists());
}

/// The shape of a keyring file: per slot, the age message's length, its header's line
/// lengths and its work factor. The slots of a file must look alike.
fn shape(file: &[u8]) -> Vec<(usize, Vec<usize>, Option<u8>)> {
    assert_eq!(file.len(), 2 * SLOT_LEN);
    (0..2)
        .map(|s| {
            let slot = &file[s * SLOT_LEN..(s + 1) * SLOT_LEN];
            let len = u32::from_be_bytes(slot[..4].try_into().unwrap()) as usize;
            let msg = &slot[4..4 + len];
            let end = msg.windows(5).position(|w| w == b"\n--- ").unwrap();
            let lines = String::from_utf8(msg[..end].to_vec())
                .unwrap()
                .lines()
                .map(str::len)
                .collect();
            (
                len,
                lines,
                amanat::format::keyring::slot_work_factor(file, s),
            )
        })
        .collect()
}

#[test]
fn the_duress_passphrase_destroys_the_real_vault_and_opens_an_empty_decoy() {
    let env = Env::new();
    let id = sample(&env);
    let before = fs::read(env.vault.join("keyring")).unwrap();
    let objects_before: Vec<Vec<u8>> = files_below(&env.vault.join("objects"))
        .iter()
        .map(|f| fs::read(f).unwrap()[100..164].to_vec())
        .collect();
    assert!(!objects_before.is_empty());
    let s = shape(&before);
    assert_eq!(s[0], s[1], "the two slots of a fresh vault differ");

    set_duress(&env);
    assert!(env.ok(&["audit", "--json"]).contains("\"duress-set\""));
    let after = fs::read(env.vault.join("keyring")).unwrap();
    assert_eq!(
        shape(&after),
        s,
        "setting a duress passphrase changed how the file looks"
    );
    // A passphrase change keeps the duress slot.
    assert!(passwd(&env, "new real passphrase", None).status.success());
    assert_eq!(shape(&fs::read(env.vault.join("keyring")).unwrap()), s);

    // Unlocking with the duress passphrase: an empty vault.
    let o = with_pass(&env, DURESS, &["list", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    assert!(
        !opens(&env, "new real passphrase"),
        "the real passphrase still opens"
    );
    assert!(!opens(&env, crate::util::PASS));
    assert_eq!(
        with_pass(&env, DURESS, &["show", &id]).status.code(),
        Some(1)
    );
    assert!(with_pass(&env, DURESS, &["check"]).status.success());
    // The real keyring and the real records' ciphertext are gone from the vault directory.
    assert_nowhere(&env.vault, &keyring_windows(&before));
    for f in files_below(&env.vault) {
        let b = fs::read(&f).unwrap();
        for w in &objects_before {
            assert!(!contains(&b, w), "old object bytes in {}", f.display());
        }
    }
    assert_eq!(shape(&fs::read(env.vault.join("keyring")).unwrap()), s);
    // The decoy is an ordinary vault from then on: what is added to it stays.
    let t = env.input("d.txt", "decoy text");
    let o = with_pass(
        &env,
        DURESS,
        &["add", "--title", "d", "--testimony", t.to_str().unwrap()],
    );
    assert!(o.status.success());
    let o = with_pass(&env, DURESS, &["list", "--json"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"d\""));
}

#[test]
fn a_crash_during_a_duress_unlock_is_finished_by_the_next_one() {
    for point in ["duress-keyring-destroyed", "store-moved-aside"] {
        let env = Env::new();
        sample(&env);
        set_duress(&env);
        let mut c = env.cmd();
        c.arg("--passphrase-file")
            .arg(env.root().join("in").join("duress"))
            .arg("list")
            .env("AMANAT_CRASH_AT", point);
        assert!(!c.output().unwrap().status.success(), "{point}: not killed");
        assert!(
            !opens(&env, crate::util::PASS),
            "{point}: the real passphrase opens"
        );
        let o = with_pass(&env, DURESS, &["list", "--json"]);
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]", "{point}");
        assert!(
            with_pass(&env, DURESS, &["check"]).status.success(),
            "{point}"
        );
        assert!(
            files_below(&env.vault.join("objects")).is_empty(),
            "{point}"
        );
        assert!(files_below(&env.vault.join("tmp")).is_empty(), "{point}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn the_process_runs_without_core_dumps_even_to_a_crash_collector() {
    let env = Env::new();
    let fifo = env.root().join("pass.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // The process blocks reading the passphrase from the pipe: inspect it meanwhile.
    let mut child = env
        .cmd()
        .arg("--passphrase-file")
        .arg(&fifo)
        .arg("list")
        .spawn()
        .unwrap();
    let limits_path = format!("/proc/{}/limits", child.id());
    let mut limits = String::new();
    // Soft and hard limit both 1 (no core file, and none piped to a crash collector), or
    // both 0 where this test's own hard limit is already 0 and cannot be raised.
    let ours = fs::read_to_string("/proc/self/limits").unwrap();
    let hard_zero = ours
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .is_some_and(|l| l.split_whitespace().nth(5) == Some("0"));
    let want = if hard_zero { "0" } else { "1" };
    let both_zero = |l: &str| {
        let f: Vec<&str> = l.split_whitespace().collect();
        l.starts_with("Max core file size") && f.len() > 5 && f[4] == want && f[5] == want
    };
    for _ in 0..250 {
        limits = fs::read_to_string(&limits_path).unwrap_or_default();
        if limits.lines().any(both_zero) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    fs::write(&fifo, format!("{}\n", crate::util::PASS)).unwrap();
    child.wait().unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_default()
        .to_owned();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[4..6], [want, want], "{line}");
}

/// Records with an inline testimony, an object and an identity; returns (id, object bytes).
fn rich(env: &Env) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for i in 0..3u8 {
        let t = env.input(&format!("t{i}.txt"), format!("testimony {i}"));
        let big: Vec<u8> = (0..120_000u32)
            .map(|x| (x as u8).wrapping_mul(i + 3))
            .collect();
        let b = env.input(&format!("scan{i}.bin"), &big);
        let who = env.input(
            &format!("who{i}.txt"),
            format!("witness {i}, phone {i}{i}{i}"),
        );
        let id = env.add(&[
            "--title",
            &format!("record {i}"),
            "--testimony",
            t.to_str().unwrap(),
            "--identity",
            who.to_str().unwrap(),
            b.to_str().unwrap(),
        ]);
        out.push((id, big));
    }
    out
}

fn assert_all_read(env: &Env, recs: &[(String, Vec<u8>)]) {
    for (i, (id, big)) in recs.iter().enumerate() {
        assert_eq!(
            env.ok(&["get", id, "testimony", "-o", "-"]),
            format!("testimony {i}")
        );
        assert_eq!(
            env.run(&["get", id, &format!("scan{i}.bin"), "-o", "-"])
                .stdout,
            *big
        );
        assert_eq!(
            env.ok(&["get", id, "identity", "-o", "-"]),
            format!("witness {i}, phone {i}{i}{i}")
        );
    }
    env.ok(&["check"]);
    env.ok(&["audit", "--verify"]);
}

fn keys(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

#[test]
fn rotate_reseals_everything_to_new_keys_and_destroys_the_old_ones() {
    let env = Env::new();
    let recs = rich(&env);
    let before = keys(&env);
    let old_keyring = fs::read(env.vault.join("keyring")).unwrap();
    let old_objects: Vec<_> = files_below(&env.vault.join("objects"));
    let out = env.ok(&["rotate"]);
    let after = keys(&env);
    assert_ne!(before["recipient"], after["recipient"]);
    assert_ne!(before["signing_key"], after["signing_key"]);
    assert!(
        out.contains(after["signing_key"].as_str().unwrap()),
        "rotate prints the new key"
    );
    assert_all_read(&env, &recs);
    let new_keyring = fs::read(env.vault.join("keyring")).unwrap();
    assert_nowhere(&env.vault, &replaced_windows(&old_keyring, &new_keyring));
    assert!(
        old_objects.iter().all(|p| !p.exists()),
        "old object files remain"
    );
    assert!(!env.vault.join("keyring.rotating").exists());
    // The handover is in the log, signed by both keys; every record's chain records it.
    let log = env.ok(&["audit", "--json"]);
    assert!(log.contains("keys-rotated") && log.contains("record-resealed"));
    // Running it again is harmless: another rotation.
    env.ok(&["rotate"]);
    assert_ne!(keys(&env)["signing_key"], after["signing_key"]);
    assert_all_read(&env, &recs);

    // A partner that learned the new key imports, and the chain across the rotation verifies.
    let partner = Env::new();
    let pk = keys(&partner);
    env.ok(&[
        "contact",
        "add",
        "P",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
    ]);
    partner.ok(&[
        "contact",
        "add",
        "HQ",
        "--signing-key",
        keys(&env)["signing_key"].as_str().unwrap(),
    ]);
    let b = env.out("after-rotation.amanat");
    env.ok(&["export", "--to", "P", &recs[0].0, "-o", b.to_str().unwrap()]);
    partner.ok(&["import", b.to_str().unwrap()]);
    partner.ok(&["check"]);
}

#[test]
fn an_interrupted_rotation_resumes_where_it_stopped() {
    for point in [
        "rotate-started",
        "rotate-record-1",
        "rotate-record-2",
        "rotate-before-swap",
        "keyring-mid-overwrite",
        "keyring-file-retiring",
        "rotate-swapped",
    ] {
        let env = Env::new();
        let recs = rich(&env);
        let o = env
            .cmd()
            .arg("rotate")
            .env("AMANAT_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: not killed");
        // Nothing else opens the vault until the rotation is finished.
        let err = env.fails(&["list"], 2);
        assert!(err.contains("amanat rotate"), "{point}: {err}");
        env.ok(&["rotate"]);
        assert_all_read(&env, &recs);
        let log = env.ok(&["audit", "--json"]);
        assert_eq!(log.matches("\"keys-rotated\"").count(), 1, "{point}");
        assert_eq!(log.matches("\"record-resealed\"").count(), 3, "{point}");
    }
}

#[test]
fn a_collector_rotates_its_own_keys_and_headquarters_still_reads_its_records() {
    let hq = Env::new();
    let collector = Env::bare();
    collector.init_collector(&[keys(&hq)["recipient"].as_str().unwrap()]);
    let t = collector.input("t.txt", "field testimony");
    let big = collector.input("audio.bin", vec![9u8; 300_000]);
    let id = collector.add(&[
        "--title",
        "field",
        "--testimony",
        t.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    let before = keys(&collector);
    collector.ok(&["rotate"]);
    let after = keys(&collector);
    assert_ne!(before["signing_key"], after["signing_key"]);
    assert_eq!(before["content_recipients"], after["content_recipients"]);
    collector.ok(&["check"]);
    collector.ok(&["audit", "--verify"]);
    hq.ok(&[
        "contact",
        "add",
        "field",
        "--signing-key",
        after["signing_key"].as_str().unwrap(),
    ]);
    let b = collector.out("t.amanat");
    collector.ok(&["export", "--all", "-o", b.to_str().unwrap()]);
    hq.ok(&["import", b.to_str().unwrap()]);
    assert_eq!(
        hq.ok(&["get", &id, "testimony", "-o", "-"]),
        "field testimony"
    );
    hq.ok(&["check"]);
}
