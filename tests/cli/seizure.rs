//! What a seized device shows over time, and emergencies racing other commands: the keyring
//! changes alike with and without a duress slot, `shred` always wins, files are private,
//! and a failed read logs nothing.
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use amanat::format::keyring::SLOT_LEN;
use assert_cmd::cargo::CommandCargoExt;

use crate::util::{files_below, set_duress, with_pass, Env, DURESS, PASS};

fn sample(env: &Env) -> String {
    crate::util::add_with_object(env, "a testimony the seizure tests keep", 100_000, 9)
}

fn keyring_path(env: &Env) -> PathBuf {
    env.keyring.clone().unwrap_or(env.vault.join("keyring"))
}

/// Which of the two slots differ between two images of the keyring.
fn changed_slots(before: &[u8], after: &[u8]) -> [bool; 2] {
    assert_eq!(before.len(), 2 * SLOT_LEN);
    assert_eq!(after.len(), 2 * SLOT_LEN);
    [0, 1].map(|s| {
        before[s * SLOT_LEN..(s + 1) * SLOT_LEN] != after[s * SLOT_LEN..(s + 1) * SLOT_LEN]
    })
}

/// Sets the passphrase the test's commands use (after a `passwd`).
fn use_pass(env: &Env, pass: &str) {
    fs::write(&env.pass, format!("{pass}\n")).unwrap();
}

fn passwd(env: &Env, new: &str, extra: &[&str]) {
    let np = env.input("newpass", format!("{new}\n"));
    let mut args = vec!["passwd", "--new-passphrase-file", np.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.ok(&args);
    use_pass(env, new);
}

/// The slots each keyring-writing operation changes, in order, with or without a duress
/// passphrase set first.
fn slot_changes(duress: bool) -> Vec<(&'static str, [bool; 2])> {
    let env = Env::new();
    sample(&env);
    if duress {
        set_duress(&env);
    }
    let k = keyring_path(&env);
    let mut seen = Vec::new();
    let mut image = fs::read(&k).unwrap();
    let mut step = |name: &'static str, seen: &mut Vec<(&'static str, [bool; 2])>| {
        let now = fs::read(&k).unwrap();
        seen.push((name, changed_slots(&image, &now)));
        image = now;
    };
    passwd(&env, "a second passphrase of some length", &[]);
    step("passwd", &mut seen);
    env.ok(&["rotate"]);
    step("rotate", &mut seen);
    passwd(&env, "a third passphrase of some length", &[]);
    step("passwd again", &mut seen);
    let dp = env.input("duress2", "another duress passphrase entirely\n");
    env.ok(&[
        "duress",
        "set",
        "--duress-passphrase-file",
        dp.to_str().unwrap(),
    ]);
    step("duress set", &mut seen);
    passwd(&env, "a fourth passphrase of some length", &[]);
    step("passwd after duress set", &mut seen);
    // The real slot is the one `passwd` changes: normalise so that it reads as slot 0.
    let real = if seen[0].1[0] { 0 } else { 1 };
    seen.into_iter()
        .map(|(n, c)| (n, if real == 0 { c } else { [c[1], c[0]] }))
        .collect()
}

#[test]
fn every_keyring_write_changes_the_same_slots_whether_or_not_a_duress_slot_exists() {
    let without = slot_changes(false);
    let with = slot_changes(true);
    assert_eq!(
        without, with,
        "an examiner comparing two images of the keyring learns whether a duress slot exists"
    );
    // And what they are: passwd and rotate touch only the real slot.
    assert_eq!(without[0].1, [true, false], "{without:?}");
    assert_eq!(without[1].1, [true, false], "{without:?}");
}

#[test]
fn a_new_work_factor_rewrites_both_slots_with_or_without_duress_and_says_what_it_dropped() {
    for duress in [false, true] {
        let env = Env::new();
        sample(&env);
        if duress {
            set_duress(&env);
        }
        let k = keyring_path(&env);
        let before = fs::read(&k).unwrap();
        let np = env.input("newpass", "a second passphrase of some length\n");
        let o = env
            .cmd()
            .args(["passwd", "--kdf-work-factor", "11", "--new-passphrase-file"])
            .arg(&np)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        use_pass(&env, "a second passphrase of some length");
        let after = fs::read(&k).unwrap();
        assert_eq!(
            changed_slots(&before, &after),
            [true, true],
            "duress {duress}"
        );
        let said = String::from_utf8_lossy(&o.stderr);
        if duress {
            assert!(
                said.contains("duress"),
                "passwd must say the duress passphrase is gone: {said}"
            );
            // The duress passphrase no longer opens anything.
            assert_eq!(with_pass(&env, DURESS, &["list"]).status.code(), Some(2));
        }
        env.ok(&["list"]);
    }
}

/// A command stopped at a named point until the test lets it go on.
pub struct Paused {
    child: Child,
    dir: PathBuf,
}

impl Paused {
    pub fn start(mut cmd: Command, point: &str, dir: &Path) -> Paused {
        fs::create_dir_all(dir).unwrap();
        let child = cmd
            .env("AMANAT_PAUSE_AT", point)
            .env("AMANAT_PAUSE_DIR", dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let p = Paused {
            child,
            dir: dir.to_owned(),
        };
        let t = Instant::now();
        while !p.dir.join("reached").exists() {
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "the command never reached {point}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        p
    }

    pub fn resume(mut self) -> std::process::Output {
        fs::write(self.dir.join("go"), b"").unwrap();
        let o = std::mem::replace(&mut self.child, Command::new("true").spawn().unwrap());
        o.wait_with_output().unwrap()
    }
}

/// No keyring, no `.new`, no `.rotating` and no hidden copy of either is left beside the
/// keyring, and no passphrase opens the vault.
fn assert_shredded(env: &Env, passes: &[&str]) {
    let k = keyring_path(env);
    let dir = k.parent().unwrap();
    let name = k.file_name().unwrap().to_string_lossy().into_owned();
    let left: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(&name))
        .collect();
    assert!(left.is_empty(), "keyring files after shred: {left:?}");
    for p in passes {
        let o = with_pass(env, p, &["list"]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{p:?} opened the vault after shred"
        );
    }
}

/// Runs `shred` while `paused` waits, then lets it go on: shred may have to wait for a
/// command that is already writing the keyring, but must finish after it. Whether shred
/// succeeded.
fn shred_while(env: &Env, paused: Paused) -> bool {
    let shredder = env
        .cmd()
        .args(["shred", "--yes"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = paused.resume();
    shredder.wait_with_output().unwrap().status.success()
}

fn shred(env: &Env) -> std::process::Output {
    env.cmd().args(["shred", "--yes"]).output().unwrap()
}

#[test]
fn shred_wins_against_a_passwd_or_duress_set_paused_before_the_keyring_is_written() {
    for (what, point) in [
        ("passwd", "keyring-replace-start"),
        ("passwd", "keyring-new-written"),
        ("duress", "keyring-replace-start"),
        ("duress", "keyring-new-written"),
    ] {
        let env = Env::new();
        sample(&env);
        let np = env.input("newpass", "a second passphrase of some length\n");
        let mut c = env.cmd();
        if what == "passwd" {
            c.args(["passwd", "--new-passphrase-file"]).arg(&np);
        } else {
            c.args(["duress", "set", "--duress-passphrase-file"])
                .arg(&np);
        }
        let paused = Paused::start(c, point, &env.root().join(format!("pause-{what}-{point}")));
        assert!(shred_while(&env, paused), "{what} at {point}: shred failed");
        assert_shredded(&env, &[PASS, "a second passphrase of some length"]);
    }
}

#[test]
fn shred_wins_against_a_rotation_running_or_resumed() {
    // Running: paused after `.rotating` is written, while records are being resealed.
    let env = Env::new();
    sample(&env);
    sample(&env);
    let mut c = env.cmd();
    c.arg("rotate");
    let paused = Paused::start(c, "rotate-started", &env.root().join("pause-rotate"));
    assert!(shred(&env).status.success());
    let o = paused.resume();
    assert!(!o.status.success(), "rotate reported success after shred");
    assert_shredded(&env, &[PASS]);

    // Resumed: a rotation killed after its first record, then run again and paused.
    let env = Env::new();
    sample(&env);
    sample(&env);
    let o = env
        .cmd()
        .arg("rotate")
        .env("AMANAT_CRASH_AT", "rotate-record-1")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let mut c = env.cmd();
    c.arg("rotate");
    let paused = Paused::start(c, "rotate-started", &env.root().join("pause-resume"));
    assert!(shred(&env).status.success());
    let o = paused.resume();
    assert!(
        !o.status.success(),
        "the resumed rotate reported success after shred"
    );
    assert_shredded(&env, &[PASS]);

    // Paused just before the new keyring is swapped in.
    let env = Env::new();
    sample(&env);
    let mut c = env.cmd();
    c.arg("rotate");
    let paused = Paused::start(c, "keyring-replace-start", &env.root().join("pause-swap"));
    assert!(shred(&env).status.success());
    let o = paused.resume();
    assert!(!o.status.success());
    assert_shredded(&env, &[PASS]);
}

#[test]
fn shred_wins_against_a_rebuild_with_the_duress_passphrase() {
    let env = Env::new();
    sample(&env);
    set_duress(&env);
    let dp = env.input("dp", format!("{DURESS}\n"));
    let mut c = env.cmd();
    c.arg("--passphrase-file").arg(&dp).arg("rebuild");
    let paused = Paused::start(
        c,
        "keyring-replace-start",
        &env.root().join("pause-rebuild"),
    );
    assert!(shred(&env).status.success());
    let o = paused.resume();
    assert!(!o.status.success(), "rebuild reported success after shred");
    assert_shredded(&env, &[PASS, DURESS]);
}

#[test]
fn a_replacement_keyring_left_after_shred_is_never_copied_into_place() {
    // A `.new` whose keyring was shredded (a writer killed in the race): no command may
    // recreate the keyring from it.
    let env = Env::new();
    sample(&env);
    let copy = fs::read(env.vault.join("keyring")).unwrap();
    assert!(shred(&env).status.success());
    fs::write(env.vault.join("keyring.new"), &copy).unwrap();
    let o = env.run(&["list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !env.vault.join("keyring").exists(),
        "a command recreated the shredded keyring"
    );
    assert!(
        !env.vault.join("keyring.new").exists(),
        "the stray replacement was kept"
    );
}

#[test]
fn shred_without_the_keyring_says_where_it_looked_and_never_claims_it_destroyed_one() {
    let env = Env::bare();
    let stick = env.root().join("stick");
    fs::create_dir(&stick).unwrap();
    let k = stick.join("amanat.keyring");
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--keyring",
        k.to_str().unwrap(),
    ]);
    let o = env.run(&["shred", "--yes"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(!err.to_lowercase().contains("shredded"), "{err}");
    assert!(!err.contains("destroyed;"), "{err}");
    assert!(
        err.contains(env.vault.join("keyring").to_str().unwrap()),
        "shred must say where it looked: {err}"
    );
    assert!(err.contains("--keyring"), "{err}");
    assert!(k.exists(), "the keyring elsewhere was touched");
    // With the keyring named, it is destroyed.
    let o = env
        .cmd()
        .args(["--keyring", k.to_str().unwrap(), "shred", "--yes"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!k.exists());
}

#[test]
fn shred_all_through_a_symbolic_link_removes_the_real_files() {
    let env = Env::new();
    sample(&env);
    let link = env.root().join("link-to-vault");
    std::os::unix::fs::symlink(&env.vault, &link).unwrap();
    let o = Command::cargo_bin("amanat")
        .unwrap()
        .args(["--vault", link.to_str().unwrap(), "shred", "--yes", "--all"])
        .env_remove("AMANAT_VAULT")
        .env_remove("AMANAT_KEYRING")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !env.vault.exists(),
        "the real vault is still there: {:?}",
        files_below(&env.vault)
    );
    assert!(
        fs::symlink_metadata(&link).is_err(),
        "the link is left dangling"
    );
}

/// Runs with umask 022, the common default that makes new files world-readable.
fn with_umask_022(mut c: Command) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    // SAFETY: umask is async-signal-safe and touches only the child's own state.
    unsafe {
        c.pre_exec(|| {
            rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
            Ok(())
        });
    }
    c.output().unwrap()
}

fn modes_below(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = vec![(
        dir.to_owned(),
        fs::metadata(dir).unwrap().permissions().mode() & 0o777,
    )];
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let md = fs::symlink_metadata(&p).unwrap();
        if md.is_dir() {
            out.extend(modes_below(&p));
        } else {
            out.push((p, md.permissions().mode() & 0o777));
        }
    }
    out
}

#[test]
fn every_file_the_vault_writes_is_private_whatever_the_umask() {
    let env = Env::bare();
    let run = |args: &[&str]| {
        let mut c = env.cmd();
        c.args(args);
        let o = with_umask_022(c);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    };
    run(&["init", "--kdf-work-factor", "10"]);
    let t = env.input("t.txt", "private testimony");
    let big = env.input("big.bin", vec![3u8; 100_000]);
    let o = run(&[
        "add",
        "--title",
        "x",
        "--testimony",
        t.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    let id = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    let (recipient, _) = crate::util::outside_keys(&env.root().join("partner"));
    run(&["contact", "add", "P", "--recipient", &recipient]);
    let bundle = env.out("b.amanat");
    run(&["export", "--to", "P", &id, "-o", bundle.to_str().unwrap()]);
    let got = env.out("got.bin");
    run(&["get", &id, "big.bin", "-o", got.to_str().unwrap()]);
    run(&["rm", &id]);
    let mut wrong = Vec::new();
    for (p, mode) in modes_below(&env.vault) {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        if mode != want {
            wrong.push(format!("{} {:o}", p.display(), mode));
        }
    }
    for p in [&got, &bundle] {
        let mode = fs::metadata(p).unwrap().permissions().mode() & 0o777;
        if mode != 0o600 {
            wrong.push(format!("{} {:o}", p.display(), mode));
        }
    }
    assert!(
        wrong.is_empty(),
        "readable by others under umask 022: {wrong:#?}"
    );
}

#[test]
fn a_get_that_fails_logs_no_read() {
    let env = Env::new();
    let id = sample(&env);
    let reads = |env: &Env| {
        env.ok(&["audit", "--json"])
            .matches("\"part-read\"")
            .count()
    };
    assert_eq!(reads(&env), 0);
    // Into a directory that does not exist.
    let nowhere = env.root().join("no-such-dir").join("out.bin");
    env.fails(&["get", &id, "big.bin", "-o", nowhere.to_str().unwrap()], 2);
    // Over an existing file without --force.
    let existing = env.input("exists.bin", "x");
    env.fails(
        &["get", &id, "big.bin", "-o", existing.to_str().unwrap()],
        2,
    );
    // A part whose object is damaged: nothing is delivered, so nothing is logged.
    let objects: Vec<_> = files_below(&env.vault.join("objects"));
    assert_eq!(objects.len(), 1);
    let mut b = fs::read(&objects[0]).unwrap();
    let n = b.len();
    b[n - 100] ^= 1;
    fs::write(&objects[0], &b).unwrap();
    let out = env.out("damaged.bin");
    let o = env.run(&["get", &id, "big.bin", "-o", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = env.run(&["get", &id, "big.bin", "-o", "-"]);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(reads(&env), 0, "a failed get was logged as a read");
    // A read that succeeds is logged.
    let out = env.out("t.txt");
    env.ok(&["get", &id, "testimony", "-o", out.to_str().unwrap()]);
    assert_eq!(reads(&env), 1);
    env.ok(&["audit", "--verify"]);
}

/// Every way a coercer holding the collector and its passphrase can look: every command's
/// output, every file, and every value the collector's own keys open.
fn collector_views(env: &Env, id: &str) -> Vec<(String, Vec<u8>)> {
    let mut seen = Vec::new();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["audit"],
        vec!["audit", "--json"],
        vec!["audit", "--verify"],
        vec!["audit", "--record", id],
        vec!["show", id],
        vec!["show", id, "--json"],
        vec!["get", id, "testimony", "-o", "-"],
        vec!["check"],
        vec!["check", "--json"],
        vec!["keys", "--json"],
        vec!["search", "anything"],
    ] {
        let o = env.run(&args);
        let mut b = o.stdout;
        b.extend(o.stderr);
        seen.push((args.join(" "), b));
    }
    for f in files_below(&env.vault) {
        seen.push((f.display().to_string(), fs::read(&f).unwrap()));
    }
    seen.extend(crate::util::opened_values(env));
    seen
}

#[test]
fn a_collector_holds_no_hash_of_what_it_collected_even_with_its_passphrase() {
    let hq = Env::new();
    let hq_keys: serde_json::Value = serde_json::from_str(&hq.ok(&["keys", "--json"])).unwrap();
    let field = Env::bare();
    field.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--collector",
        "--recipient",
        hq_keys["recipient"].as_str().unwrap(),
    ]);
    let files = [
        field.input("t.txt", "collected testimony of a witness"),
        field.input("scan.bin", vec![0x5au8; 150_000]),
        field.input("note.txt", "a small attachment"),
    ];
    let id = field.add(&[
        "--title",
        "collected",
        "--testimony",
        files[0].to_str().unwrap(),
        files[1].to_str().unwrap(),
        files[2].to_str().unwrap(),
    ]);
    let hashes: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| {
            let b = fs::read(f).unwrap();
            (
                crate::util::sha256_hex(&b),
                amanat::crypto::seal::sha256(&b).to_vec(),
            )
        })
        .collect();
    let leaks = |views: &[(String, Vec<u8>)]| -> Vec<String> {
        let mut out = Vec::new();
        for (what, b) in views {
            let lower = String::from_utf8_lossy(b).to_lowercase();
            for (hex, raw) in &hashes {
                if lower.contains(hex) || b.windows(32).any(|w| w == &raw[..]) {
                    out.push(format!("{what} holds the SHA-256 {}", &hex[..12]));
                }
            }
        }
        out
    };
    let leaked = leaks(&collector_views(&field, &id));
    assert!(leaked.is_empty(), "{leaked:#?}");
    // The chain of custody still starts at collection: headquarters checks the parts
    // against what the collector recorded, and sees their hashes.
    let bundle = field.out("transfer.amanat");
    field.ok(&["export", "--all", "-o", bundle.to_str().unwrap()]);
    let leaked = leaks(&collector_views(&field, &id));
    assert!(leaked.is_empty(), "after export: {leaked:#?}");
    let field_keys: serde_json::Value =
        serde_json::from_str(&field.ok(&["keys", "--json"])).unwrap();
    hq.ok(&[
        "contact",
        "add",
        "field-1",
        "--signing-key",
        field_keys["signing_key"].as_str().unwrap(),
    ]);
    hq.ok(&["import", bundle.to_str().unwrap(), "--from", "field-1"]);
    let shown = hq.ok(&["show", &id, "--json"]);
    for (hex, _) in &hashes {
        assert!(
            shown.contains(hex.as_str()),
            "headquarters must see every part's hash"
        );
    }
    hq.ok(&["audit", "--verify"]);
    let chain = hq.ok(&["audit", "--record", &id]);
    assert!(
        chain.contains("record-added") && chain.contains("record-imported"),
        "{chain}"
    );
}

/// Every 32- or 64-digit hex string in a JSON value (ids and hashes), also inside the
/// custody events, which are JSON texts.
fn ids_and_hashes(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            if (s.len() == 32 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.insert(s.to_lowercase());
            } else if s.starts_with('{') {
                if let Ok(inner) = serde_json::from_str::<serde_json::Value>(s) {
                    ids_and_hashes(&inner, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| ids_and_hashes(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| ids_and_hashes(x, out)),
        _ => {}
    }
}

#[test]
fn nothing_in_a_partners_bundle_can_be_matched_in_the_senders_files() {
    use base64::Engine as _;
    let env = Env::new();
    let a = sample(&env);
    let t = env.input("t2.txt", "another testimony");
    let b = env.add(&["--title", "second", "--testimony", t.to_str().unwrap()]);
    let out = env.out("read.bin");
    env.ok(&["get", &a, "big.bin", "-o", out.to_str().unwrap()]);
    let partner = env.root().join("partner");
    let (recipient, _) = crate::util::outside_keys(&partner);
    env.ok(&["contact", "add", "P", "--recipient", &recipient]);
    let bundle = env.out("p.amanat");
    env.ok(&[
        "export",
        "--to",
        "P",
        &a,
        &b,
        "-o",
        bundle.to_str().unwrap(),
    ]);
    let dir = env.root().join("opened");
    fs::create_dir(&dir).unwrap();
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "age -d -i {} {} | tar xz -C {}",
            partner.join("key.txt").display(),
            bundle.display(),
            dir.display()
        ))
        .status()
        .unwrap();
    assert!(st.success());
    let mut values = std::collections::BTreeSet::new();
    for f in files_below(&dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name == "MANIFEST.json" || name == "record.json" {
            let v: serde_json::Value = serde_json::from_slice(&fs::read(&f).unwrap()).unwrap();
            ids_and_hashes(&v, &mut values);
        }
    }
    // The sender's own record ids are among them (the custody events name them).
    assert!(values.contains(&a) && values.contains(&b), "{values:?}");
    let mut forms: Vec<(String, Vec<u8>)> = Vec::new();
    for v in &values {
        let raw = hex::decode(v).unwrap();
        forms.push((format!("{v} (raw)"), raw.clone()));
        forms.push((format!("{v} (hex)"), v.as_bytes().to_vec()));
        forms.push((format!("{v} (HEX)"), v.to_uppercase().into_bytes()));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
        // The first 20 characters: base64 of bytes at any alignment would differ, but the
        // encoding of the value itself starts the same whatever follows it.
        forms.push((format!("{v} (base64)"), b64.as_bytes()[..20].to_vec()));
    }
    // The principal of the allowed_signers line partners are given.
    let keys: serde_json::Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
    let principal = keys["allowed_signers"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let tag = principal.strip_prefix("amanat-").unwrap();
    forms.push((format!("{principal} (raw)"), hex::decode(tag).unwrap()));
    forms.push((principal.to_owned(), tag.as_bytes().to_vec()));
    let mut found = Vec::new();
    let mut files = files_below(&env.vault);
    files.push(keyring_path(&env));
    for f in files {
        let bytes = fs::read(&f).unwrap();
        for (what, needle) in &forms {
            if bytes.windows(needle.len()).any(|w| w == &needle[..]) {
                found.push(format!("{what} in {}", f.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a partner's copy matches the device: {found:#?}"
    );
}

#[test]
fn shred_through_a_symlinked_keyring_destroys_what_writers_left_beside_the_link() {
    for (cmd, point) in [
        ("passwd", "keyring-committed"),
        ("passwd", "keyring-new-written"),
        ("rotate", "rotate-started"),
        ("rotate", "keyring-replace-start"),
    ] {
        let env = Env::new();
        sample(&env);
        // The keyring on a stick, reached through a link in the vault directory.
        let stick = env.root().join(format!("stick-{cmd}-{point}"));
        fs::create_dir(&stick).unwrap();
        fs::rename(env.vault.join("keyring"), stick.join("keyring")).unwrap();
        std::os::unix::fs::symlink(stick.join("keyring"), env.vault.join("keyring")).unwrap();
        let np = env.input("np", "a second passphrase of some length\n");
        let mut c = env.cmd();
        if cmd == "passwd" {
            c.args(["passwd", "--new-passphrase-file"]).arg(&np);
        } else {
            c.arg("rotate");
        }
        if point == "keyring-new-written" {
            // Killed there: `.new` is left beside the link for shred to find.
            let o = c.env("AMANAT_CRASH_AT", point).output().unwrap();
            assert!(!o.status.success());
            assert!(env.vault.join("keyring.new").exists());
            assert!(shred(&env).status.success());
        } else {
            let paused = Paused::start(c, point, &env.root().join(format!("p-{cmd}-{point}")));
            assert!(shred_while(&env, paused), "{cmd} at {point}: shred failed");
        }
        for dir in [&env.vault, &stick] {
            let left: Vec<_> = fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("keyring"))
                .collect();
            assert!(
                left.is_empty(),
                "{cmd} at {point}: left {left:?} in {}",
                dir.display()
            );
        }
        for p in [PASS, "a second passphrase of some length"] {
            assert_eq!(
                with_pass(&env, p, &["list"]).status.code(),
                Some(2),
                "{cmd} {point}"
            );
        }
    }
}

#[test]
fn a_get_killed_while_writing_leaves_no_plaintext_file() {
    let env = Env::new();
    let id = sample(&env);
    let dir = env.root().join("out-dir");
    fs::create_dir(&dir).unwrap();
    let out = dir.join("part.bin");
    let o = env
        .cmd()
        .args(["get", &id, "big.bin", "-o", out.to_str().unwrap()])
        .env("AMANAT_CRASH_AT", "part-written")
        .output()
        .unwrap();
    assert!(!o.status.success(), "the crash point was not reached");
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "a killed get left {left:?}");
    assert_eq!(
        env.ok(&["audit", "--json"])
            .matches("\"part-read\"")
            .count(),
        0
    );
}
