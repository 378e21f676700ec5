//! A fresh directory, vault and command per test.
#![allow(dead_code)]
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// The passphrase every test vault uses.
pub const PASS: &str = "correct horse battery staple";

/// A test's world: `root/` holds `vault/`, `pass`, `in/` (inputs), `out/` and `tmp/` (the
/// TMPDIR of every amanat process, so tests can prove nothing was left there).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
    pub pass: PathBuf,
    pub keyring: Option<PathBuf>,
}

impl Env {
    /// A world with no vault yet.
    pub fn bare() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for d in ["in", "out", "tmp"] {
            fs::create_dir(root.join(d)).unwrap();
        }
        let pass = root.join("pass");
        fs::write(&pass, format!("{PASS}\n")).unwrap();
        Env {
            vault: root.join("vault"),
            pass,
            keyring: None,
            dir,
        }
    }

    /// A world with an initialized vault (scrypt work factor 10: tests only).
    pub fn new() -> Env {
        let env = Env::bare();
        env.ok(&["init", "--kdf-work-factor", "10"]);
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Path of an input file, written with `bytes`.
    pub fn input(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root().join("in").join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    pub fn out(&self, name: &str) -> PathBuf {
        self.root().join("out").join(name)
    }

    /// `amanat --vault VAULT` with the passphrase file and a private TMPDIR.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("amanat").unwrap();
        c.arg("--vault").arg(&self.vault);
        if let Some(k) = &self.keyring {
            c.arg("--keyring").arg(k);
        }
        c.env("AMANAT_PASSPHRASE_FILE", &self.pass)
            .env("TMPDIR", self.root().join("tmp"))
            .env_remove("AMANAT_VAULT")
            .env_remove("AMANAT_KEYRING")
            // The tests read English, whatever the machine's locale.
            .env("AMANAT_LANG", "en")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "amanat {args:?} failed: {}\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// Runs and asserts the exit code; returns stderr, which must be one line.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let o = self.run(args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(code), "amanat {args:?}: stderr {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "one-line error expected, got {err:?}"
        );
        assert!(err.starts_with("amanat: "), "{err}");
        err
    }

    /// Makes this world's vault a collector sealing to `recipients` (headquarters first;
    /// scrypt work factor 10: tests only).
    pub fn init_collector(&self, recipients: &[&str]) {
        let mut a = vec!["init", "--kdf-work-factor", "10", "--collector"];
        for r in recipients {
            a.extend(["--recipient", r]);
        }
        self.ok(&a);
    }

    /// Adds a record and returns its id.
    pub fn add(&self, args: &[&str]) -> String {
        let mut a = vec!["add"];
        a.extend_from_slice(args);
        let id = self.ok(&a).trim().to_owned();
        assert_eq!(id.len(), 32, "add prints only the id: {id:?}");
        id
    }

    /// Ingests `n` records titled `T0`, `T1`, …, each with the same testimony of about 8.7 KB
    /// (Cyrillic): a database of about 17 KB per record.
    pub fn ingest_long_testimonies(&self, n: usize) {
        let text = self.input("t.txt", "свидетель ".repeat(460));
        let lines: String = (0..n)
            .map(|i| {
                serde_json::json!({"title": format!("T{i}"), "testimony": text}).to_string() + "\n"
            })
            .collect();
        let f = self.input("many.jsonl", lines);
        self.ok(&["ingest", f.to_str().unwrap()]);
    }

    /// Everything a user can observe of the vault's contents, to prove a failed command
    /// changed nothing: the keyring's bytes, the object files, and the listing.
    pub fn state(&self) -> (Vec<u8>, Vec<String>, String) {
        let keyring = fs::read(self.keyring.clone().unwrap_or(self.vault.join("keyring"))).unwrap();
        let mut objects = Vec::new();
        for d in fs::read_dir(self.vault.join("objects")).unwrap().flatten() {
            for f in fs::read_dir(d.path()).unwrap().flatten() {
                objects.push(f.file_name().to_string_lossy().into_owned());
            }
        }
        objects.sort();
        let list = String::from_utf8(self.run(&["list", "--json"]).stdout).unwrap();
        (keyring, objects, list)
    }

    /// The tour works in TMPDIR and must remove its directory.
    pub fn tmp_is_empty_of_tour(&self) -> bool {
        fs::read_dir(self.root().join("tmp"))
            .unwrap()
            .next()
            .is_none()
    }

    pub fn tmp_is_empty(&self) -> bool {
        fs::read_dir(self.root().join("tmp"))
            .unwrap()
            .next()
            .is_none()
            && fs::read_dir(self.vault.join("tmp"))
                .unwrap()
                .next()
                .is_none()
    }
}

pub use crate::common::files_below;

/// A world whose vault is the one a committed fixture holds: `tar` (a path below the
/// crate's root) unpacked with the system's `tar`, its directory `dir` becoming the vault.
pub fn unpacked_vault(tar: &str, dir: &str) -> Env {
    let env = Env::bare();
    let st = Command::new("tar")
        .arg("-xzf")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(tar))
        .arg("-C")
        .arg(env.root())
        .status()
        .expect("tar runs");
    assert!(st.success());
    fs::rename(env.root().join(dir), &env.vault).unwrap();
    env
}

/// Runs `amanat args` killed at the crash point `point` (a build with the test hooks) and
/// asserts that it did not succeed.
pub fn killed_at(env: &Env, point: &str, args: &[&str]) {
    let o = env
        .cmd()
        .env("AMANAT_CRASH_AT", point)
        .args(args)
        .output()
        .unwrap();
    assert!(!o.status.success(), "{args:?} was not killed at {point}");
}

/// The SHA-256 of bytes, in hex.
pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(amanat::crypto::seal::sha256(b))
}

/// Runs a command while sampling its peak resident set size (VmHWM) from /proc.
pub fn run_measuring_rss(mut cmd: Command) -> (Output, u64) {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0u64;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(s) = fs::read_to_string(&status_path) {
                for l in s.lines() {
                    if let Some(v) = l.strip_prefix("VmHWM:") {
                        let kib: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                        peak = peak.max(kib);
                    }
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        peak
    });
    let out = child.wait_with_output().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    (out, peak)
}

/// Someone without Amanat: an age key made by the real `age-keygen` (`dir/key.txt`) and an
/// ed25519 key made by the real `ssh-keygen` (`dir/id`). Returns their age recipient and
/// ssh public key line.
pub fn outside_keys(dir: &Path) -> (String, String) {
    fs::create_dir_all(dir).unwrap();
    let gen = Command::new("age-keygen")
        .arg("-o")
        .arg(dir.join("key.txt"))
        .output()
        .expect("age-keygen (apt-get install age)");
    assert!(gen.status.success());
    let key = fs::read_to_string(dir.join("key.txt")).unwrap();
    let recipient = key
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_owned();
    let ssh = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(dir.join("id"))
        .status()
        .unwrap();
    assert!(ssh.success());
    let ssh_pub = fs::read_to_string(dir.join("id.pub")).unwrap();
    (recipient, ssh_pub.trim().to_owned())
}

/// The duress passphrase the tests set.
pub const DURESS: &str = "let them have it";

/// Runs amanat with `pass` as the passphrase instead of the test vault's own.
pub fn with_pass(env: &Env, pass: &str, args: &[&str]) -> Output {
    let p = env.input(&format!("pass-{}", pass.len()), format!("{pass}\n"));
    env.cmd()
        .arg("--passphrase-file")
        .arg(p)
        .args(args)
        .output()
        .unwrap()
}

/// Sets [`DURESS`] as the vault's duress passphrase.
pub fn set_duress(env: &Env) {
    let dp = env.input("duress", format!("{DURESS}\n"));
    env.ok(&[
        "duress",
        "set",
        "--duress-passphrase-file",
        dp.to_str().unwrap(),
    ]);
}

/// The storage key of a record (its locator, FORMAT.md "Locators"), for tests that reach
/// into sled's trees as an examiner with the keyring and passphrase would.
pub fn locator_key(env: &Env, id_hex: &str) -> Vec<u8> {
    let kr = opened_keyring(env);
    let id = amanat::RecordId::from_hex(id_hex).unwrap();
    amanat::format::locator::Locator::new(&kr.pseudonym_key)
        .loc(&id)
        .to_vec()
}

/// What the keyring's symmetric keys open, as an examiner holding the keyring and the
/// passphrase would find it: every value of every sled tree, tried with the catalog and audit
/// keys in every domain (a tree's key as key id, and the record's id for trees keyed by
/// locator). Each item is (what it is, its plaintext).
pub fn opened_values(env: &Env) -> Vec<(String, Vec<u8>)> {
    let kr = opened_keyring(env);
    let locator = amanat::format::locator::Locator::new(&kr.pseudonym_key);
    let s = amanat::storage::store::Store::open(&env.vault).unwrap();
    let domains = amanat::crypto::symmetric::Domain::ALL;
    let mut out = Vec::new();
    for t in [
        &s.records(),
        &s.catalog(),
        &s.search(),
        &s.index(),
        &s.meta(),
        &s.contacts(),
        &s.audit(),
        &s.custody(),
        &s.pending(),
        &s.imported(),
    ] {
        for kv in t.iter() {
            let (k, v) = kv.unwrap();
            let mut ids = vec![k.to_vec()];
            if let Some(id) = locator.unloc(&k) {
                let mut kid = id.0.to_vec();
                kid.extend_from_slice(&k[16..]);
                ids.push(kid);
            }
            for key in [&kr.catalog_key, &kr.audit_key] {
                for d in domains {
                    for kid in &ids {
                        if let Ok(p) = key.open(d, kid, &v) {
                            out.push((
                                format!("a {} value", String::from_utf8_lossy(d.label())),
                                p.to_vec(),
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Adds a record titled "kept" with `testimony` and a `big`-byte attachment `big.bin` of
/// `fill` bytes (stored as an object file); returns its id.
pub fn add_with_object(env: &Env, testimony: &str, big: usize, fill: u8) -> String {
    let t = env.input("t.txt", testimony);
    let b = env.input("big.bin", vec![fill; big]);
    env.add(&[
        "--title",
        "kept",
        "--testimony",
        t.to_str().unwrap(),
        b.to_str().unwrap(),
    ])
}

/// The test vault, opened and unlocked in this process with [`PASS`] (the command line
/// cannot open it until the returned vault is dropped).
pub fn unlocked(env: &Env) -> amanat::Vault {
    amanat::LockedVault::open(amanat::VaultPaths::new(&env.vault, env.keyring.clone()))
        .unwrap()
        .unlock(&amanat::format::keyring::Passphrase::new(PASS.into()).unwrap())
        .unwrap()
}

/// The test vault's keyring, opened with [`PASS`].
pub fn opened_keyring(env: &Env) -> amanat::format::keyring::Keyring {
    let path = env.keyring.clone().unwrap_or(env.vault.join("keyring"));
    amanat::format::keyring::open_file(
        &fs::read(&path).unwrap(),
        &amanat::format::keyring::Passphrase::new(PASS.into()).unwrap(),
        &path,
    )
    .unwrap()
}

/// `keys --json` of `env`'s vault.
/// Sets up a sender and its receiver: `partner` becomes `hq`'s contact `name` (its
/// recipient), and `hq` the partner's contact "HQ" (its signing key).
pub fn introduce(hq: &Env, partner: &Env, name: &str) {
    let (pk, hk) = (keys_json(partner), keys_json(hq));
    let recipient = pk["recipient"].as_str().unwrap();
    hq.ok(&["contact", "add", name, "--recipient", recipient]);
    let signing = hk["signing_key"].as_str().unwrap();
    partner.ok(&["contact", "add", "HQ", "--signing-key", signing]);
}

pub fn keys_json(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

/// The titles `amanat ARGS --json` lists (a `list` or a `search`), sorted; none when it
/// finds nothing (exit 1).
pub fn titles(env: &Env, args: &[&str]) -> Vec<String> {
    let mut a = args.to_vec();
    a.push("--json");
    let o = env.run(&a);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}");
    if o.stdout.is_empty() {
        return vec![];
    }
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut t: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

/// A bundle's decrypted plaintext as a tar: a bundle of manifest version 6 holds its tar
/// compressed with gzip (FORMAT.md 13.1); an older one holds it as it is.
pub fn bundle_tar(plain: &[u8]) -> Vec<u8> {
    use std::io::Read;
    if !plain.starts_with(&[0x1f, 0x8b]) {
        return plain.to_vec();
    }
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(plain)
        .read_to_end(&mut tar)
        .expect("a bundle's gzip stream");
    tar
}

/// A tar compressed with gzip, as export compresses a bundle's.
pub fn gzip(tar: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(tar).unwrap();
    gz.finish().unwrap()
}

/// A manifest as the records of its bundle are read: a version 6 manifest gets `records`
/// from each `records/<id>/record.json` (`read` gives a file's bytes by path), in the order
/// of `files`; an older one holds them already.
pub fn with_records(
    mut manifest: serde_json::Value,
    read: impl Fn(&str) -> Vec<u8>,
) -> serde_json::Value {
    if manifest["version"] != 6 {
        return manifest;
    }
    let records: Vec<serde_json::Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .filter(|p| p.ends_with("/record.json"))
        .map(|p| serde_json::from_slice(&read(p)).unwrap())
        .collect();
    manifest["records"] = serde_json::Value::from(records);
    manifest
}

/// The manifest of a bundle's tar, with its records ([`with_records`]).
pub fn tar_manifest(tar: &[u8]) -> serde_json::Value {
    use std::io::Read;
    let mut files = std::collections::HashMap::new();
    for e in tar::Archive::new(tar).entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        files.insert(path, bytes);
    }
    let m = serde_json::from_slice(&files["MANIFEST.json"]).unwrap();
    with_records(m, |p| files[p].clone())
}
