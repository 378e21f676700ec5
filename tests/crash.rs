//! Crash harness: runs `add`, `ingest`, `import`, `export --remove-after`, `passwd` and
//! `rotate` in child processes and kills them with SIGKILL at random moments, then checks
//! that nothing acknowledged was lost and nothing half-done is visible. Commits over 8 KiB
//! are groups of journal frames here (FORMAT.md 15.3), so kills also land inside groups.
//!
//! `AMANAT_CRASH_KILLS` sets the number of kills (default 24, the CI run; the full run in
//! docs/TESTING.md uses 240). `AMANAT_CRASH_SEED` replays a run (the seed is printed).
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

mod common;
use common::Rng;

/// One vault and what it must hold: record title → (testimony, attachment).
struct World {
    dir: PathBuf,
    vault: PathBuf,
    pass: PathBuf,
    truth: BTreeMap<String, (Vec<u8>, Vec<u8>)>,
    /// Records already read back and compared with their source (check covers them after).
    verified: std::collections::BTreeSet<String>,
    /// The kills after which sled refused the database and `rebuild` restored it.
    rebuilt: Vec<String>,
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("amanat").unwrap();
    c.env_remove("AMANAT_VAULT")
        .env_remove("AMANAT_KEYRING")
        .stdin(Stdio::null());
    c
}

impl World {
    fn new(dir: &Path, name: &str) -> World {
        let root = dir.join(name);
        fs::create_dir_all(&root).unwrap();
        let pass = root.join("pass");
        fs::write(&pass, "first passphrase\n").unwrap();
        let w = World {
            vault: root.join("vault"),
            dir: root,
            pass,
            truth: BTreeMap::new(),
            verified: Default::default(),
            rebuilt: Vec::new(),
        };
        w.ok(&["init", "--kdf-work-factor", "10"]);
        w
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = bin();
        c.arg("--vault")
            .arg(&self.vault)
            .arg("--passphrase-file")
            .arg(&self.pass)
            .env("TMPDIR", &self.dir)
            // Every commit over 8 KiB (an import, an ingest's batch, a rotation's) goes as a
            // group of journal frames, as those over 4 MiB do in use, so that kills land
            // between a group's frames and between its transactions.
            .env("AMANAT_GROUP_FRAME_BYTES", "8192")
            // An import appends its group's frames as it reads the bundle, two records at a
            // time here (a few hundred in use), so that kills land while it reads.
            .env("AMANAT_RECORDS_AT_ONCE", "2")
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "amanat {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// sled 0.34 can refuse its own files after a kill during its open (it zeroes and
    /// fsyncs free segments as it opens): the vault then says "the database is damaged …
    /// amanat rebuild", and `rebuild` must bring back everything from the journal. Tries each
    /// passphrase in `passes`; returns whether the database had to be rebuilt.
    fn rebuild_if_refused(&mut self, passes: &[&[u8]], what: &str) -> bool {
        let o = self.run(&["keys"]);
        if !String::from_utf8_lossy(&o.stderr).contains("the database is damaged") {
            return false;
        }
        let try_pass = self.dir.join("try");
        for p in passes {
            fs::write(&try_pass, p).unwrap();
            let mut c = bin();
            c.arg("--vault")
                .arg(&self.vault)
                .arg("--passphrase-file")
                .arg(&try_pass)
                .env("TMPDIR", &self.dir)
                .arg("rebuild");
            if c.output().unwrap().status.success() {
                self.rebuilt.push(what.to_owned());
                return true;
            }
        }
        panic!("{what}: the database was refused and rebuild failed with every passphrase");
    }

    fn input(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    /// Writes the inputs of the record called `title` and returns its `add` arguments.
    fn add_args(&self, title: &str) -> Vec<String> {
        let (t, a) = World::content(title);
        let tp = self.input("t.txt", &t);
        let ap = self.input("a.bin", &a);
        ["add", "--title", title, "--testimony"]
            .iter()
            .map(|x| x.to_string())
            .chain([tp.display().to_string(), ap.display().to_string()])
            .collect()
    }

    /// Record content derived from its title, so any record found can be checked.
    fn content(title: &str) -> (Vec<u8>, Vec<u8>) {
        let t = format!("testimony of {title}").into_bytes();
        let seed = title
            .bytes()
            .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
        let n = 20_000 + (seed as usize) * 700;
        let a: Vec<u8> = (0..n).map(|i| (i as u8).wrapping_mul(seed | 1)).collect();
        (t, a)
    }

    /// Titles and ids of what the vault lists.
    fn listed(&self) -> BTreeMap<String, String> {
        // `list` exits 1 when the vault is empty; its JSON is still printed.
        let out = self.run(&["list", "--json"]).stdout;
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        (
                            r["title"].as_str().unwrap_or_default().to_owned(),
                            r["id"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// After a kill: the vault opens (finishing a rotation if one was interrupted), check
    /// passes, every acknowledged record reads back byte-identical, every listed record is
    /// whole, and no orphan object or temporary file is left.
    fn verify(&mut self, what: &str) {
        if self.vault.join("keyring.rotating").exists() {
            self.ok(&["rotate"]);
        }
        let o = self.run(&["check", "--json"]);
        assert!(
            o.status.success(),
            "{what}: check failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["stray_objects"], 0, "{what}: orphan objects");
        let listed = self.listed();
        for title in self.truth.keys() {
            assert!(
                listed.contains_key(title),
                "{what}: acknowledged record {title} lost"
            );
        }
        for (title, id) in &listed {
            if self.verified.contains(title) {
                continue;
            }
            self.verified.insert(title.clone());
            let (t, a) = World::content(title);
            let got = self.run(&["get", id, "testimony", "-o", "-"]).stdout;
            assert_eq!(got, t, "{what}: {title} testimony differs");
            let got = self.run(&["get", id, "1", "-o", "-"]).stdout;
            assert_eq!(got, a, "{what}: {title} attachment differs");
        }
        // Search finds exactly what is listed: the index was written with each record.
        let found = self.run(&["search", "testimony", "--json"]).stdout;
        let found: serde_json::Value = serde_json::from_slice(&found).unwrap_or_default();
        let mut found: Vec<&str> = found
            .as_array()
            .map(|a| a.iter().map(|r| r["id"].as_str().unwrap()).collect())
            .unwrap_or_default();
        found.sort_unstable();
        let mut ids: Vec<&str> = listed.values().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(found, ids, "{what}: search and list disagree");
        self.ok(&["audit", "--verify"]);
        // Everything listed is now known to be whole: it is part of the truth.
        for title in listed.keys() {
            self.truth
                .entry(title.clone())
                .or_insert_with(|| World::content(title));
        }
        let tmp: Vec<_> = fs::read_dir(self.vault.join("tmp"))
            .unwrap()
            .flatten()
            .collect();
        assert!(tmp.is_empty(), "{what}: tmp/ not empty after open: {tmp:?}");
        assert!(
            !self.vault.join("keyring.new").exists(),
            "{what}: keyring.new left"
        );
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Spawns, waits `delay`, kills with SIGKILL; returns whether it had already finished
/// successfully (then its effect is acknowledged).
fn kill_after(mut child: Child, delay: Duration) -> (bool, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.success(), start.elapsed());
        }
        if start.elapsed() >= delay {
            let _ = child.kill();
            let _ = child.wait();
            return (false, start.elapsed());
        }
        std::thread::sleep(Duration::from_micros(300));
    }
}

fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_at_random_moments_nothing_acknowledged_is_lost() {
    let kills: usize = common::env_number("AMANAT_CRASH_KILLS", 24);
    let seed = common::seed("AMANAT_CRASH_SEED");
    eprintln!("crash harness: {kills} kills, AMANAT_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut main = World::new(dir.path(), "main");
    let hq = World::new(dir.path(), "hq");
    // A collector sealing to `main`, and a sender whose bundles `main` imports. Both know
    // `main`'s recipient, which `rotate` replaces: they follow it (`follow`), as a user must
    // after a rotation (README, "Passphrase, keys and emergencies").
    let collector = World::new_bare(dir.path(), "collector");
    let hk: serde_json::Value = serde_json::from_str(&hq.ok(&["keys", "--json"])).unwrap();
    main.ok(&[
        "contact",
        "add",
        "hq",
        "--signing-key",
        hk["signing_key"].as_str().unwrap(),
    ]);
    let mut followed = String::new();
    let follow = |main: &World, collector: &World, followed: &mut String| {
        let keys: serde_json::Value = serde_json::from_str(&main.ok(&["keys", "--json"])).unwrap();
        let r = keys["recipient"].as_str().unwrap().to_owned();
        if *followed == r {
            return;
        }
        // The collector is empty here (every export step sends all it holds): set it up
        // again, sealing to the new key.
        let _ = fs::remove_dir_all(&collector.vault);
        collector.ok(&[
            "init",
            "--kdf-work-factor",
            "10",
            "--collector",
            "--recipient",
            &r,
        ]);
        let ck: serde_json::Value =
            serde_json::from_str(&collector.ok(&["keys", "--json"])).unwrap();
        let _ = main.run(&["contact", "rm", "field"]);
        main.ok(&[
            "contact",
            "add",
            "field",
            "--signing-key",
            ck["signing_key"].as_str().unwrap(),
        ]);
        let _ = hq.run(&["contact", "rm", "main"]);
        hq.ok(&["contact", "add", "main", "--recipient", &r]);
        *followed = r;
    };
    follow(&main, &collector, &mut followed);

    // How long each operation takes when not killed, to spread the kills over its run.
    let mut typical: BTreeMap<&str, Duration> = BTreeMap::new();
    let ops = [
        "add",
        "ingest",
        "import",
        "export-remove-after",
        "passwd",
        "rotate",
    ];
    let mut n = 0usize;
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut pass_no = 0;
    let mut it = 0usize;
    while n < kills {
        let op = ops[it % ops.len()];
        it += 1;
        let name = it;
        // The first run of each operation is not killed: it measures how long it takes.
        let delay = match typical.get(op) {
            Some(span) => Duration::from_micros(rng.below(span.as_micros() as u64 * 11 / 10 + 1)),
            None => Duration::from_secs(600),
        };
        let what = format!("kill {n}, step {name}, during {op} after {delay:?} (seed {seed})");
        let (finished, took) = match op {
            "add" => {
                let title = format!("add-{name}");
                let c = main.cmd(&strs(&main.add_args(&title)));
                let r = kill_after(spawn(c), delay);
                if r.0 {
                    main.truth.insert(title.clone(), World::content(&title));
                }
                r
            }
            "ingest" => {
                let mut lines = String::new();
                for k in 0..40 {
                    let title = format!("ing-{name}-{k}");
                    let (t, a) = World::content(&title);
                    let tp = main.input(&format!("it{k}.txt"), &t);
                    let ap = main.input(&format!("ia{k}.bin"), &a);
                    lines.push_str(&format!(
                        "{{\"title\":{title:?},\"testimony\":{:?},\"attachments\":[{:?}]}}\n",
                        tp.to_str().unwrap(),
                        ap.to_str().unwrap()
                    ));
                }
                let jl = main.input("in.jsonl", lines.as_bytes());
                let r = kill_after(spawn(main.cmd(&["ingest", jl.to_str().unwrap()])), delay);
                if r.0 {
                    for k in 0..40 {
                        let title = format!("ing-{name}-{k}");
                        let c = World::content(&title);
                        main.truth.insert(title, c);
                    }
                }
                r
            }
            "import" => {
                // A bundle of three records from hq; all of them or none may appear.
                let mut titles = Vec::new();
                for k in 0..3 {
                    let title = format!("imp-{name}-{k}");
                    let id = hq.ok(&strs(&hq.add_args(&title)));
                    titles.push((title, id.trim().to_owned()));
                }
                let b = hq.dir.join(format!("b{name}.amanat"));
                let ids: Vec<&str> = titles.iter().map(|(_, i)| i.as_str()).collect();
                let mut args = vec!["export", "--to", "main", "-o", b.to_str().unwrap()];
                args.extend(ids.iter());
                hq.ok(&args);
                let r = kill_after(spawn(main.cmd(&["import", b.to_str().unwrap()])), delay);
                let listed = main.listed();
                let present = titles
                    .iter()
                    .filter(|(t, _)| listed.contains_key(t))
                    .count();
                assert!(
                    present == 0 || present == 3,
                    "{what}: {present} of 3 records imported"
                );
                if r.0 {
                    assert_eq!(present, 3, "{what}: import reported success");
                }
                r
            }
            "export-remove-after" => {
                // The collector's records end up either still on the collector or in a
                // complete bundle that headquarters (main) imports.
                let mut titles = Vec::new();
                for k in 0..2 {
                    let title = format!("col-{name}-{k}");
                    collector.ok(&strs(&collector.add_args(&title)));
                    titles.push(title);
                }
                let before = collector.listed_count();
                let b = collector.dir.join(format!("t{name}.amanat"));
                let c = collector.cmd(&[
                    "export",
                    "--all",
                    "--remove-after",
                    "-o",
                    b.to_str().unwrap(),
                ]);
                let r = kill_after(spawn(c), delay);
                collector.ok(&["check"]);
                let after = collector.listed_count();
                if b.exists() {
                    main.ok(&["import", b.to_str().unwrap()]);
                } else {
                    assert_eq!(after, before, "{what}: records removed without a bundle");
                }
                if after > 0 && !b.exists() {
                    // Not sent: they stay on the collector for the next round.
                } else if after > 0 {
                    // Sent, but not all removed: sending again is harmless (import is
                    // idempotent); clear them with the next export.
                    let b2 = collector.dir.join(format!("t{name}-again.amanat"));
                    collector.ok(&[
                        "export",
                        "--all",
                        "--remove-after",
                        "-o",
                        b2.to_str().unwrap(),
                    ]);
                    main.ok(&["import", b2.to_str().unwrap()]);
                }
                r
            }
            "passwd" => {
                pass_no += 1;
                let np = main.input(
                    "newpass",
                    format!("passphrase number {pass_no}\n").as_bytes(),
                );
                let c = main.cmd(&[
                    "passwd",
                    "--kdf-work-factor",
                    "10",
                    "--new-passphrase-file",
                    np.to_str().unwrap(),
                ]);
                let r = kill_after(spawn(c), delay);
                let old = fs::read(&main.pass).unwrap();
                let new = fs::read(&np).unwrap();
                main.rebuild_if_refused(&[&old, &new], &what);
                let opens = |p: &[u8]| {
                    fs::write(main.dir.join("try"), p).unwrap();
                    let mut c = bin();
                    c.arg("--vault")
                        .arg(&main.vault)
                        .arg("--passphrase-file")
                        .arg(main.dir.join("try"))
                        .arg("keys");
                    let o = c.output().unwrap();
                    (
                        o.status.success(),
                        String::from_utf8_lossy(&o.stderr).into_owned(),
                    )
                };
                let ((o, old_err), (w, new_err)) = (opens(&old), opens(&new));
                assert!(
                    o ^ w,
                    "{what}: old opens {o} ({old_err}), new opens {w} ({new_err})"
                );
                if r.0 {
                    assert!(
                        w,
                        "{what}: passwd reported success but the new passphrase fails"
                    );
                }
                if w {
                    fs::write(&main.pass, &new).unwrap();
                }
                r
            }
            "rotate" => kill_after(spawn(main.cmd(&["rotate"])), delay),
            _ => unreachable!(),
        };
        if finished {
            typical.insert(op, took);
        } else {
            n += 1;
        }
        let e = counts.entry(op).or_default();
        if finished {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
        let current = fs::read(&main.pass).unwrap();
        main.rebuild_if_refused(&[&current], &what);
        main.verify(&what);
        follow(&main, &collector, &mut followed);
    }
    eprintln!("crash harness: (killed, finished) per operation: {counts:?}");
    eprintln!(
        "crash harness: {} records verified at the end",
        main.truth.len()
    );
    eprintln!(
        "crash harness: {} times sled refused its database after a kill and `rebuild` restored it: {:?}",
        main.rebuilt.len(),
        main.rebuilt
    );
}

impl World {
    fn new_bare(dir: &Path, name: &str) -> World {
        let root = dir.join(name);
        fs::create_dir_all(&root).unwrap();
        let pass = root.join("pass");
        fs::write(&pass, "first passphrase\n").unwrap();
        World {
            vault: root.join("vault"),
            dir: root,
            pass,
            truth: BTreeMap::new(),
            verified: Default::default(),
            rebuilt: Vec::new(),
        }
    }

    fn listed_count(&self) -> usize {
        let out = self.run(&["list", "--json"]).stdout;
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        v.as_array().map(|a| a.len()).unwrap_or(0)
    }
}
