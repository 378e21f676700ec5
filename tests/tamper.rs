//! Tamper suite: bytes flipped at random offsets in every kind of file the vault keeps
//! (object files, the database's values and its files, the journal, the keyring, the audit
//! log). `check` must detect the damage and name the records it hits, every other record
//! must still read back byte-identical, and nothing may panic. Damage to the database (its
//! values or sled's own files) is then undone by `rebuild` from the journal, with every
//! record back; damage to the journal by `rebuild --journal`.
//!
//! `AMANAT_TAMPER_FLIPS` sets flips per kind (default 6); `AMANAT_TAMPER_SEED` replays.
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use amanat::format::keyring::Passphrase;
use amanat::{LockedVault, VaultPaths};
use assert_cmd::cargo::CommandCargoExt;

mod common;
use common::{copy_dir, files_below, Rng};

const PASS: &str = "tamper test passphrase";

struct Lab {
    dir: tempfile::TempDir,
    /// id → (testimony, attachment)
    records: BTreeMap<String, (Vec<u8>, Vec<u8>)>,
}

impl Lab {
    fn pristine(&self) -> PathBuf {
        self.dir.path().join("pristine")
    }
    fn vault(&self) -> PathBuf {
        self.dir.path().join("vault")
    }
    fn pass(&self) -> PathBuf {
        self.dir.path().join("pass")
    }

    fn run_on(&self, vault: &Path, args: &[&str]) -> Output {
        let o = Command::cargo_bin("amanat")
            .unwrap()
            .arg("--vault")
            .arg(vault)
            .arg("--passphrase-file")
            .arg(self.pass())
            .env("TMPDIR", self.dir.path())
            .env_remove("AMANAT_VAULT")
            .env_remove("AMANAT_KEYRING")
            .stdin(Stdio::null())
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "amanat {args:?} panicked: {err}");
        o
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_on(&self.vault(), args)
    }

    fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pass"), format!("{PASS}\n")).unwrap();
        let mut lab = Lab {
            dir,
            records: BTreeMap::new(),
        };
        let p = lab.pristine();
        assert!(lab
            .run_on(&p, &["init", "--kdf-work-factor", "10"])
            .status
            .success());
        for i in 0..8u32 {
            let t = format!("testimony number {i}").into_bytes();
            let a: Vec<u8> = (0..20_000 + i * 5_000)
                .map(|x| (x * (i + 3)) as u8)
                .collect();
            let tp = lab.dir.path().join("t.txt");
            let ap = lab.dir.path().join(format!("scan{i}.bin"));
            fs::write(&tp, &t).unwrap();
            fs::write(&ap, &a).unwrap();
            let o = lab.run_on(
                &p,
                &[
                    "add",
                    "--title",
                    &format!("record {i}"),
                    "--testimony",
                    tp.to_str().unwrap(),
                    ap.to_str().unwrap(),
                ],
            );
            assert!(o.status.success());
            let id = String::from_utf8(o.stdout).unwrap().trim().to_owned();
            lab.records.insert(id, (t, a));
        }
        lab
    }

    /// A fresh copy of the pristine vault to damage.
    fn reset(&self) {
        let v = self.vault();
        if v.exists() {
            fs::remove_dir_all(&v).unwrap();
        }
        copy_dir(&self.pristine(), &v);
    }

    /// Every record except `hit` reads back byte-identical.
    fn others_read(&self, hit: &[String], what: &str) {
        for (id, (t, a)) in &self.records {
            if hit.contains(id) {
                continue;
            }
            let o = self.run(&["get", id, "testimony", "-o", "-"]);
            assert_eq!(o.stdout, *t, "{what}: record {id} testimony");
            let o = self.run(&["get", id, "1", "-o", "-"]);
            assert_eq!(o.stdout, *a, "{what}: record {id} attachment");
        }
    }

    /// `rebuild` recreates the database from the journal: check passes, every record is
    /// listed and reads back byte-identical.
    fn rebuild_restores_all(&self, what: &str) {
        let o = self.run(&["rebuild"]);
        assert!(
            o.status.success(),
            "{what}: rebuild failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let (code, damaged, broken, err) = self.check();
        assert_eq!(
            code,
            Some(0),
            "{what}: check after rebuild: {damaged:?} {broken} {err}"
        );
        self.all_listed(what);
        self.others_read(&[], what);
    }

    /// `list --json` names every record.
    fn all_listed(&self, what: &str) {
        let o = self.run(&["list", "--json"]);
        let listed: Vec<String> = serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .unwrap_or_default()
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        for id in self.records.keys() {
            assert!(listed.contains(id), "{what}: record {id} is not listed");
        }
    }

    /// `check --json`: (exit code, damaged record ids, whether the audit log broke).
    fn check(&self) -> (Option<i32>, Vec<String>, bool, String) {
        let o = self.run(&["check", "--json"]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        let damaged = report["damaged"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| d[0].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let broken = !report["audit"]["broken"].is_null() && report["audit"].is_object();
        (o.status.code(), damaged, broken, err)
    }

    fn with_vault(&self, f: impl FnOnce(&amanat::Vault)) {
        let v = LockedVault::open(VaultPaths::new(self.vault(), None))
            .unwrap()
            .unlock(&Passphrase::new(PASS.into()).unwrap())
            .unwrap();
        f(&v);
    }
}

fn flip_file(path: &Path, at: u64, bit: u64) -> u64 {
    let mut b = fs::read(path).unwrap();
    let i = (at % b.len() as u64) as usize;
    b[i] ^= 1 << (bit % 8);
    fs::write(path, b).unwrap();
    i as u64
}

#[test]
fn flipped_bytes_anywhere_are_detected_and_confined() {
    let flips: u64 = common::env_number("AMANAT_TAMPER_FLIPS", 6);
    let seed = common::seed("AMANAT_TAMPER_SEED");
    eprintln!("tamper: {flips} flips per kind, AMANAT_TAMPER_SEED={seed}");
    let mut rng = Rng(seed);
    let lab = Lab::new();
    let mut tally: BTreeMap<&str, BTreeMap<String, u32>> = BTreeMap::new();
    let mut count = |kind: &'static str, outcome: &str| {
        *tally
            .entry(kind)
            .or_default()
            .entry(outcome.to_owned())
            .or_default() += 1;
    };

    // Object files: the record that owns the object is named; the others read.
    for _ in 0..flips {
        lab.reset();
        let objects = files_below(&lab.vault().join("objects"));
        let f = &objects[rng.below(objects.len() as u64) as usize];
        let at = rng.next();
        flip_file(f, at, rng.next());
        let what = format!("object {} flipped (seed {seed})", f.display());
        let (code, damaged, _, err) = lab.check();
        assert_eq!(code, Some(1), "{what}: {err}");
        assert_eq!(damaged.len(), 1, "{what}: {damaged:?}");
        let o = lab.run(&["get", &damaged[0], "1", "-o", "-"]);
        assert_eq!(o.status.code(), Some(1), "{what}: get of the damaged part");
        lab.others_read(&damaged, &what);
        count("object file", "named its record");
    }

    // Values in the database: records, catalog entries, search index segments (named by
    // their key), custody states.
    for tree in ["records", "catalog", "index", "custody"] {
        for _ in 0..flips {
            lab.reset();
            let (index, at) = (rng.next() as usize, rng.next() as usize);
            let mut key = Vec::new();
            lab.with_vault(|v| key = amanat::vault::check::testing::flip_value(v, tree, index, at));
            let id = hex::encode(&key[..16]);
            let what = format!("{tree} value of {id} flipped at {at} (seed {seed})");
            let (code, damaged, _, err) = lab.check();
            assert_eq!(code, Some(1), "{what}: {err}");
            assert_eq!(damaged, vec![id.clone()], "{what}");
            lab.others_read(&damaged, &what);
            if tree == "index" {
                // Search refuses to answer from a damaged index rather than miss records.
                let o = lab.run(&["search", "a"]);
                let err = String::from_utf8_lossy(&o.stderr);
                assert_eq!(o.status.code(), Some(2), "{what}: search: {err}");
                assert!(err.contains("amanat rebuild"), "{what}: search: {err}");
            }
            count("database value", &format!("{tree}: named its record"));
            // The journal still holds the value as it was written.
            lab.rebuild_restores_all(&what);
        }
    }

    // The audit log: the broken event is reported; every record reads.
    for _ in 0..flips {
        lab.reset();
        let (index, at) = (rng.next() as usize, rng.next() as usize);
        lab.with_vault(|v| {
            amanat::vault::check::testing::flip_value(v, "audit", index, at);
        });
        let what = format!("audit event flipped (seed {seed})");
        let (code, damaged, broken, err) = lab.check();
        assert_eq!(code, Some(1), "{what}: {err}");
        // The event may be a record's newest: that record's chain is then named too.
        assert!(broken && damaged.len() <= 1, "{what}: {damaged:?}");
        lab.others_read(&[], &what);
        count("audit log", "broken event reported");
        lab.rebuild_restores_all(&what);
    }

    // The keyring: either the flip hit a slot's padding or the filler (opens, everything
    // reads), or the vault refuses to open, saying the keyring or passphrase is at fault.
    for _ in 0..flips * 3 {
        lab.reset();
        let at = rng.next();
        let i = flip_file(&lab.vault().join("keyring"), at, rng.next());
        let what = format!("keyring flipped at {i} (seed {seed})");
        let (code, _, _, err) = lab.check();
        match code {
            Some(0) => {
                lab.others_read(&[], &what);
                count("keyring", "harmless (padding or filler slot)");
            }
            Some(2) => {
                assert!(
                    err.contains("keyring") || err.contains("passphrase"),
                    "{what}: {err}"
                );
                count("keyring", "refused to open, keyring named");
            }
            other => panic!("{what}: exit {other:?}: {err}"),
        }
    }

    // sled's own files: sled refuses a damaged log (the whole database), or drops a damaged
    // tail, which the journal (or the head file) reveals; a flip in unused space is
    // harmless. Never a silent loss, never a panic; and `rebuild` recreates the database
    // from the journal with every record in it.
    for _ in 0..flips * 3 {
        lab.reset();
        let files: Vec<PathBuf> = files_below(&lab.vault().join("db"));
        let f = &files[rng.below(files.len() as u64) as usize];
        let len = fs::metadata(f).unwrap().len();
        // Aim at the written part of sled's preallocated segment file.
        let used = fs::read(f)
            .unwrap()
            .iter()
            .rposition(|&b| b != 0)
            .map(|p| p as u64 + 1)
            .unwrap_or(len)
            .max(1);
        let i = flip_file(f, rng.below(used), rng.next());
        let what = format!("{} flipped at {i} (seed {seed})", f.display());
        let (code, damaged, broken, err) = lab.check();
        match code {
            Some(0) => {
                lab.all_listed(&what);
                lab.others_read(&[], &what);
                count("database file", "harmless");
                continue;
            }
            Some(1) => {
                assert!(broken || !damaged.is_empty(), "{what}");
                count("database file", "check named the damage");
            }
            Some(2) => {
                assert!(
                    err.contains("database") && err.contains("amanat rebuild"),
                    "{what}: {err}"
                );
                count("database file", "refused to open: database damaged");
            }
            other => panic!("{what}: exit {other:?}: {err}"),
        }
        lab.rebuild_restores_all(&what);
    }

    // The journal: check reports the damage, every record still reads, and rewriting the
    // journal from the database repairs it.
    for _ in 0..flips * 2 {
        lab.reset();
        let f = lab.vault().join("journal");
        let i = flip_file(&f, rng.next(), rng.next());
        let what = format!("journal flipped at {i} (seed {seed})");
        let o = lab.run(&["check"]);
        let (code, out) = (o.status.code(), String::from_utf8_lossy(&o.stdout));
        let err = String::from_utf8_lossy(&o.stderr);
        match code {
            Some(1) => {
                assert!(out.contains("JOURNAL DAMAGED"), "{what}: {out}");
                assert!(err.contains("rebuild --journal"), "{what}: {err}");
                count("journal", "check reported it");
            }
            // Damage at the journal's end is seen at open, and the journal rewritten.
            Some(0) => {
                assert!(err.contains("rewritten from the database"), "{what}: {err}");
                count("journal", "rewritten at open, with a warning");
            }
            other => panic!("{what}: exit {other:?}: {err}"),
        }
        lab.all_listed(&what);
        lab.others_read(&[], &what);
        let o = lab.run(&["rebuild", "--journal"]);
        assert!(o.status.success(), "{what}");
        assert_eq!(lab.check().0, Some(0), "{what}: after rebuild --journal");
    }
    eprintln!("tamper: outcomes {tally:#?}");
}

#[test]
fn a_record_whose_custody_state_is_damaged_can_still_be_read_and_removed() {
    let lab = Lab::new();
    lab.reset();
    let mut key = Vec::new();
    lab.with_vault(|v| key = amanat::vault::check::testing::flip_value(v, "custody", 3, 5));
    let id = hex::encode(&key[..16]);
    let (code, damaged, _, _) = lab.check();
    assert_eq!((code, damaged), (Some(1), vec![id.clone()]));
    // Reading it appends an event that links to the log's own record of it.
    let (t, _) = &lab.records[&id];
    assert_eq!(lab.run(&["get", &id, "testimony", "-o", "-"]).stdout, *t);
    assert!(lab.run(&["rm", &id]).status.success());
    let o = lab.run(&["audit", "--verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let (code, damaged, broken, err) = lab.check();
    assert_eq!((code, damaged.len(), broken), (Some(0), 0, false), "{err}");
}
