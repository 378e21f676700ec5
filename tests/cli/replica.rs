//! Sealed replicas on real Garage nodes (README, "Replicas"): push with a key that can only
//! write, the custodian's sweep into an archive the device cannot touch, restore on a new
//! device, and what the server holds.
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::garage::{Cluster, Key};
use crate::util::{add_with_object, Env};

/// An organisation's replica: an inbox devices can only write to, an archive only the
/// custodian's job writes to.
pub struct Org {
    pub cluster: Cluster,
    pub device: Key,
    pub custodian: Key,
}

impl Org {
    pub fn start(nodes: usize) -> Org {
        let cluster = Cluster::start(nodes);
        cluster.bucket("inbox");
        cluster.bucket("archive");
        let device = cluster.key("device", &[("inbox", &["--write"])]);
        let custodian = cluster.key(
            "custodian",
            &[("inbox", &["--read"]), ("archive", &["--read", "--write"])],
        );
        Org {
            cluster,
            device,
            custodian,
        }
    }

    /// Adds the inbox as remote `org` of `env`'s vault, with the device's key.
    pub fn add_remote(&self, env: &Env) {
        add_remote(
            env,
            "org",
            &self.cluster.endpoint(),
            "inbox",
            &self.device,
            &[],
        );
    }

    /// Runs the custodian's sweep; returns its JSON summary. It exits 1 when it left
    /// something in the inbox, 0 otherwise.
    pub fn sweep(&self, env: &Env) -> Value {
        let o = env.run(&self.sweep_args());
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        let left = !v["refused"].as_array().unwrap().is_empty();
        assert_eq!(o.status.code(), Some(if left { 1 } else { 0 }), "{v}");
        v
    }

    fn sweep_args(&self) -> Vec<&str> {
        vec![
            "replica",
            "sweep",
            "--endpoint",
            self.endpoint_str(),
            "--inbox",
            "inbox",
            "--archive",
            "archive",
            "--access-key-id",
            &self.custodian.id,
            "--secret-file",
            self.custodian.secret_file.to_str().unwrap(),
            "--json",
        ]
    }

    pub fn endpoint_str(&self) -> &str {
        // Leaked once per test: the argument lists borrow it.
        Box::leak(self.cluster.endpoint().into_boxed_str())
    }

    /// `restore` of the archive into `into`'s vault directory with `keyring` as backup.
    pub fn restore(&self, into: &Env, keyring: &Path, extra: &[&str]) -> std::process::Output {
        self.restore_with(into.cmd(), keyring, extra)
    }

    /// `restore --identity` from `bucket` into `into`'s vault with headquarters' key and the
    /// device's fingerprint, the new passphrase `into`'s own.
    pub fn restore_escrow(
        &self,
        into: &Env,
        bucket: &str,
        (identity, fingerprint): (&Path, &str),
        extra: &[&str],
    ) -> std::process::Output {
        into.cmd()
            .args([
                "restore",
                "--endpoint",
                self.endpoint_str(),
                "--bucket",
                bucket,
                "--access-key-id",
                &self.custodian.id,
                "--secret-file",
                self.custodian.secret_file.to_str().unwrap(),
                "--identity",
                identity.to_str().unwrap(),
                "--fingerprint",
                fingerprint,
            ])
            .args(extra)
            .output()
            .unwrap()
    }

    /// `restore` of the archive by the command `c`, with `keyring` as backup.
    pub fn restore_with(
        &self,
        mut c: std::process::Command,
        keyring: &Path,
        extra: &[&str],
    ) -> std::process::Output {
        c.arg("--keyring").arg(keyring).args([
            "restore",
            "--endpoint",
            self.endpoint_str(),
            "--bucket",
            "archive",
            "--access-key-id",
            &self.custodian.id,
            "--secret-file",
            self.custodian.secret_file.to_str().unwrap(),
        ]);
        c.args(extra).output().unwrap()
    }
}

pub fn add_remote(env: &Env, name: &str, endpoint: &str, bucket: &str, key: &Key, extra: &[&str]) {
    let mut a = vec![
        "remote",
        "add",
        name,
        "--endpoint",
        endpoint,
        "--bucket",
        bucket,
        "--access-key-id",
        &key.id,
        "--secret-file",
        key.secret_file.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    env.ok(&a);
}

pub fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// The ids `status --json` names as not yet replicated to the first remote.
pub fn not_pushed(env: &Env) -> Vec<String> {
    let s = json(&env.ok(&["status", "--json"]));
    s["remotes"][0]["not_pushed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// A new device with `env`'s vault restored from the archive with a copy of its keyring.
fn restored(org: &Org, env: &Env) -> Env {
    let fresh = Env::bare();
    let o = org.restore(&fresh, &keyring_backup(env), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fresh
}

fn keyring_backup(env: &Env) -> std::path::PathBuf {
    let backup = env.root().join("keyring.backup");
    fs::copy(env.vault.join("keyring"), &backup).unwrap();
    backup
}

#[test]
fn a_lost_laptop_loses_nothing_that_was_pushed() {
    let org = Org::start(1);
    let env = Env::new();
    let text = env.add(&["--title", "first", "--witness", "W-1"]);
    let big = add_with_object(&env, "the testimony of W-2", 300_000, 0x5a);
    org.add_remote(&env);
    assert_eq!(not_pushed(&env).len(), 2, "nothing pushed yet");

    let pushed = json(&env.ok(&["push", "--json"]));
    assert_eq!(pushed[0]["objects"], 1);
    assert_eq!(pushed[0]["head"], true);
    assert!(not_pushed(&env).is_empty());
    let again = json(&env.ok(&["push", "--json"]));
    assert_eq!(again[0]["head"], false, "nothing new: nothing sent");

    let late = env.add(&["--title", "added after the push"]);
    assert_eq!(not_pushed(&env), vec![late.clone()]);
    let listed = env.ok(&["status"]);
    assert!(
        listed.contains(&format!("NOT REPLICATED {late}")),
        "{listed}"
    );
    env.ok(&["push"]);
    assert!(not_pushed(&env).is_empty());

    let swept = org.sweep(&env);
    assert!(swept["copied"].as_u64().unwrap() >= 4, "{swept}");
    assert_eq!(
        org.sweep(&env)["copied"],
        0,
        "a second sweep copies nothing"
    );

    // The laptop is gone: a new device with a copy of the keyring and the archive's key.
    let backup = keyring_backup(&env);
    let fresh = Env::bare();
    let o = org.restore(&fresh, &backup, &["--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = json(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(r["check"]["records"], 3);
    assert_eq!(r["heads"], 2, "one head a push");
    let mut ids: Vec<String> = json(&fresh.ok(&["list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut want = vec![text, big.clone(), late];
    want.sort();
    assert_eq!(ids, want);
    let got = fresh.ok(&["get", &big, "big.bin", "-o", "-"]);
    assert_eq!(got.len(), 300_000);
    assert!(got.bytes().all(|b| b == 0x5a));
    fresh.ok(&["check"]);
    fresh.ok(&["audit", "--verify"]);
    // The restored vault knows its remote and goes on pushing to it.
    fresh.ok(&["push"]);
}

/// A vault restored from its own remote goes on where the replica stopped: the journal it
/// fetched is kept, so its next push sends nothing, and then only what is new.
#[test]
fn a_restored_vault_pushes_only_what_is_new_to_the_replica_it_came_from() {
    let org = Org::start(1);
    let env = Env::new();
    add_with_object(&env, "kept", 100_000, 3);
    for i in 0..20 {
        env.add(&["--title", &format!("record {i}")]);
    }
    // One bucket, read and write: an organisation without an inbox and a sweep.
    add_remote(
        &env,
        "org",
        &org.cluster.endpoint(),
        "archive",
        &org.custodian,
        &[],
    );
    let first = json(&env.ok(&["push", "--json"]))[0].clone();
    let fresh = restored(&org, &env);
    let again = json(&fresh.ok(&["push", "--json"]))[0].clone();
    assert_eq!(again["objects"], 0, "{again}");
    assert_eq!(again["journal_bytes"], 0, "{again} after {first}");
    assert_eq!(again["head"], false, "{again}");
    let late = fresh.add(&["--title", "after the restore"]);
    let more = json(&fresh.ok(&["push", "--json"]))[0].clone();
    let (sent, all) = (
        more["journal_bytes"].as_u64().unwrap(),
        first["journal_bytes"].as_u64().unwrap(),
    );
    assert!(sent > 0 && sent < all / 4, "{more} after {first}");
    let again = restored(&org, &fresh);
    assert!(again.ok(&["list", "--json"]).contains(&late));
    again.ok(&["check"]);
}

fn client(org: &Org, bucket: &str, key: &Key) -> amanat::replica::s3::Client {
    amanat::replica::s3::Client::new(&amanat::replica::s3::Endpoint {
        url: &org.cluster.endpoint(),
        bucket,
        region: "garage",
        access_key_id: &key.id,
        secret: &key.secret,
        timeout: 10,
    })
    .unwrap()
}

#[test]
fn the_device_key_can_neither_read_nor_destroy_the_archive() {
    use amanat::replica::s3::RemoteError;
    let org = Org::start(1);
    let env = Env::new();
    add_with_object(&env, "kept", 200_000, 7);
    env.add(&["--title", "second"]);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);

    let device_inbox = client(&org, "inbox", &org.device);
    let device_archive = client(&org, "archive", &org.device);
    let archive = client(&org, "archive", &org.custodian);
    let names: Vec<String> = archive
        .list("")
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert!(
        matches!(device_inbox.list(""), Err(RemoteError::Denied(_))),
        "the device cannot list its inbox"
    );
    assert!(matches!(
        device_inbox.get(&names[0], 1 << 20),
        Err(RemoteError::Denied(_))
    ));
    for name in &names {
        assert!(
            matches!(device_archive.delete(name), Err(RemoteError::Denied(_))),
            "the device deleted {name} from the archive"
        );
        assert!(matches!(
            device_archive.put(name, b"overwritten"),
            Err(RemoteError::Denied(_))
        ));
    }
    // Garage lets a write-only key delete and overwrite in its own bucket: a seized
    // device's key empties the inbox and plants garbage under one name.
    for l in client(&org, "inbox", &org.custodian).list("").unwrap() {
        device_inbox.delete(&l.name).unwrap();
    }
    device_inbox.put(&names[0], b"garbage").unwrap();
    let swept = org.sweep(&env);
    assert_eq!(swept["copied"], 0);
    assert_eq!(
        swept["refused"][0][1],
        "differs from the archive's copy, which is kept"
    );

    // The archive still restores everything.
    let fresh = restored(&org, &env);
    assert_eq!(
        json(&fresh.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

const MARKERS: &[&str] = &[
    "MKTITLE7Q",
    "MKTAG3Z",
    "MKPLACE9X",
    "MKNOTE4W",
    "MKWITNESS5V",
    "MKINTERVIEWER2U",
    "MKTESTIMONY8T",
    "MKATTNAME6S",
    "MKATTBODY1R",
    "MKIDENTITY2K",
    "MKREMOTE5J",
    "МАРКЕРҚАЗАҚ",
];

#[test]
fn the_server_holds_no_name_field_or_content_of_any_record() {
    let org = Org::start(1);
    let env = Env::new();
    let t = env.input("t.txt", "The testimony MKTESTIMONY8T and МАРКЕРҚАЗАҚ");
    let id_file = env.input("who.txt", "MKIDENTITY2K");
    let mut big = b"MKATTBODY1R".repeat(30_000);
    big.extend_from_slice(&[0; 100_000]);
    let att = env.input("MKATTNAME6S.tiff", &big);
    let small = env.input("small.txt", "MKATTBODY1R");
    env.add(&[
        "--title",
        "MKTITLE7Q",
        "--tag",
        "MKTAG3Z",
        "--place",
        "MKPLACE9X",
        "--note",
        "MKNOTE4W",
        "--witness",
        "MKWITNESS5V",
        "--interviewer",
        "MKINTERVIEWER2U",
        "--identity",
        id_file.to_str().unwrap(),
        "--testimony",
        t.to_str().unwrap(),
        att.to_str().unwrap(),
        small.to_str().unwrap(),
    ]);
    add_remote(
        &env,
        "MKREMOTE5J",
        &org.cluster.endpoint(),
        "inbox",
        &org.device,
        &[],
    );
    env.ok(&["push"]);
    org.sweep(&env);
    let files = org.cluster.files();
    assert!(files.len() > 5, "{files:?}");
    let mut seen = 0u64;
    for f in &files {
        let bytes = fs::read(f).unwrap_or_default();
        seen += bytes.len() as u64;
        for m in MARKERS {
            assert!(
                !bytes.windows(m.len()).any(|w| w == m.as_bytes()),
                "marker {m} in Garage's {}",
                f.display()
            );
        }
    }
    assert!(
        seen > 300_000,
        "the objects are in the files searched: {seen}"
    );
    for l in client(&org, "archive", &org.custodian).list("").unwrap() {
        assert!(amanat::format::replica::is_name(&l.name), "{}", l.name);
    }
}

#[test]
fn bad_settings_and_unreachable_servers_are_named_and_nothing_is_recorded_as_sent() {
    let org = Org::start(1);
    let env = Env::new();
    let id = env.add(&["--title", "one"]);
    let wrong = org.cluster.key("wrong", &[]);
    let endpoint = org.cluster.endpoint();
    // Refused before anything is stored.
    for (args, says) in [
        (
            vec!["--endpoint", "ftp://x", "--bucket", "inbox"],
            "not an http",
        ),
        (
            vec!["--endpoint", &endpoint, "--bucket", ""],
            "not a bucket name",
        ),
        (
            vec![
                "--endpoint",
                &endpoint,
                "--bucket",
                "inbox",
                "--timeout",
                "0",
            ],
            "timeout",
        ),
    ] {
        let before = env.state();
        let mut a = vec!["remote", "add", "r"];
        a.extend(args);
        a.extend(["--access-key-id", &org.device.id, "--secret-file"]);
        a.push(org.device.secret_file.to_str().unwrap());
        let err = env.fails(&a, 2);
        assert!(err.contains(says), "{err}");
        assert_eq!(env.state(), before);
    }
    let empty = env.input("empty", "");
    let err = env.fails(
        &[
            "remote",
            "add",
            "r",
            "--endpoint",
            &endpoint,
            "--bucket",
            "inbox",
            "--access-key-id",
            "GK1",
            "--secret-file",
            empty.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("empty"), "{err}");
    assert_eq!(
        json(&env.ok(&["remote", "list", "--json"])),
        serde_json::json!([])
    );

    add_with_object(&env, "big", 16_000_000, 1);
    add_remote(&env, "badkey", &endpoint, "inbox", &wrong, &[]);
    let err = env.fails(&["push", "badkey"], 2);
    assert!(err.contains("refused the credentials"), "{err}");
    add_remote(
        &env,
        "nobucket",
        &endpoint,
        "no-such-bucket",
        &org.device,
        &[],
    );
    let err = env.fails(&["push", "nobucket"], 2);
    assert!(
        err.contains("no bucket") || err.contains("refused"),
        "{err}"
    );
    // A server that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    add_remote(
        &env,
        "silent",
        &url,
        "inbox",
        &org.device,
        &["--timeout", "1"],
    );
    let start = std::time::Instant::now();
    let err = env.fails(&["push", "silent"], 2);
    assert!(err.contains("could not be reached"), "{err}");
    assert!(
        start.elapsed().as_secs() < 30,
        "bounded: {:?}",
        start.elapsed()
    );
    // Nothing listens here.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    add_remote(
        &env,
        "closed",
        &format!("http://127.0.0.1:{port}"),
        "inbox",
        &org.device,
        &[],
    );
    let err = env.fails(&["push", "closed"], 2);
    assert!(err.contains("could not be reached"), "{err}");
    // A full server: a quota smaller than what is to be sent.
    org.cluster
        .admin(&["bucket", "set-quotas", "inbox", "--max-size", "1KiB"]);
    add_remote(&env, "full", &endpoint, "inbox", &org.device, &[]);
    let err = env.fails(&["push", "full"], 2);
    assert!(err.contains("out of space"), "{err}");

    let status = json(&env.ok(&["status", "--json"]));
    for r in status["remotes"].as_array().unwrap() {
        assert!(r["last_push"].is_null(), "{r}");
        assert_eq!(r["not_pushed"].as_array().unwrap().len(), 2, "{r}");
        assert!(r["not_pushed"].as_array().unwrap().iter().any(|x| x == &id));
    }
    env.ok(&["check"]);
    // Once there is room, the push goes on and finishes.
    org.cluster
        .admin(&["bucket", "set-quotas", "inbox", "--max-size", "none"]);
    env.ok(&["push", "full"]);
    assert!(json(&env.ok(&["status", "--json"]))["remotes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["remote"] == "full" && r["not_pushed"].as_array().unwrap().is_empty()));
}

/// Overwrites, in the archive, the object file of `record`'s attachment with garbage.
fn damage_object_of(org: &Org, env: &Env, record: &str) -> String {
    let v = crate::util::unlocked(env);
    let names = v.replica_names();
    let owners = v.objects_by_record().unwrap().unwrap();
    let (_, objects) = owners
        .iter()
        .find(|(id, _)| id.to_string() == record)
        .unwrap();
    let name = names.object(&objects[0]);
    drop(v);
    client(org, "archive", &org.custodian)
        .put(&name, b"age-encryption.org/v1\n-> X25519 garbage\n")
        .unwrap();
    name
}

#[test]
fn a_damaged_object_is_named_by_record_and_every_other_record_restores() {
    let org = Org::start(1);
    let env = Env::new();
    let hit = add_with_object(&env, "the one damaged", 150_000, 1);
    let kept = add_with_object(&env, "the one kept", 150_000, 2);
    let text = env.add(&["--title", "text only"]);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    let name = damage_object_of(&org, &env, &hit);
    // The custodian checks the archive with a key of their own.
    add_remote(
        &env,
        "archive",
        &org.cluster.endpoint(),
        "archive",
        &org.custodian,
        &[],
    );
    let o = env.run(&["replica", "check", "archive"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("DAMAGED record {hit} object {name}")),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    let r = json(
        &env.run(&["replica", "check", "archive", "--json"])
            .stdout
            .iter()
            .map(|&b| b as char)
            .collect::<String>(),
    );
    assert_eq!(r["damaged"][0][0], hit.as_str());

    let fresh = Env::bare();
    let o = org.restore(&fresh, &keyring_backup(&env), &["--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&String::from_utf8_lossy(&o.stdout));
    let damaged = r["check"]["damaged"].as_array().unwrap();
    assert_eq!(damaged.len(), 1, "{r}");
    assert_eq!(damaged[0][0], hit.as_str());
    for id in [&kept, &text] {
        fresh.ok(&["show", id]);
    }
    let got = fresh.ok(&["get", &kept, "big.bin", "-o", "-"]);
    assert!(got.len() == 150_000 && got.bytes().all(|b| b == 2));
    // A missing object is named the same way.
    client(&org, "archive", &org.custodian)
        .delete(&name)
        .unwrap();
    let o = env.run(&["replica", "check", "archive"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("MISSING record {hit}")));
}

#[test]
fn a_push_killed_at_any_step_finishes_on_the_next_run() {
    let org = Org::start(1);
    let env = Env::new();
    for i in 0..6 {
        add_with_object(&env, &format!("record {i}"), 120_000 + i, i as u8);
    }
    org.add_remote(&env);
    for point in [
        "replica-object-sent",
        "replica-objects-sent",
        "replica-chunk-sent",
        "replica-before-head",
    ] {
        env.add(&["--title", point]);
        let o = env
            .cmd()
            .env("AMANAT_CRASH_AT", point)
            .args(["push"])
            .output()
            .unwrap();
        assert!(!o.status.success(), "{point}: the push was killed");
        assert!(
            !not_pushed(&env).is_empty(),
            "{point}: not recorded as sent"
        );
        env.ok(&["push"]);
        assert!(not_pushed(&env).is_empty(), "{point}");
    }
    // Killed at random moments too, as the crash harness does.
    let mut rng = crate::common::Rng(crate::common::seed("AMANAT_CRASH_SEED"));
    for i in 0..4 {
        add_with_object(&env, &format!("more {i}"), 1_500_000, 9);
        let mut child = env
            .cmd()
            .args(["push"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(rng.below(200)));
        let _ = child.kill();
        let _ = child.wait();
    }
    env.ok(&["push"]);
    org.sweep(&env);
    let fresh = restored(&org, &env);
    assert_eq!(
        json(&fresh.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        json(&env.ok(&["list", "--json"])).as_array().unwrap().len()
    );
    fresh.ok(&["check"]);
}

#[test]
fn a_three_node_cluster_takes_a_push_with_a_node_down_and_a_stopped_one_resumes() {
    use crate::seizure::Paused;
    let mut org = Org::start(3);
    let env = Env::new();
    for i in 0..3 {
        add_with_object(&env, &format!("record {i}"), 200_000, i as u8);
    }
    org.add_remote(&env);
    // A node dies in the middle of the push: two of three still take every write.
    let mut cmd = env.cmd();
    cmd.args(["push", "--json"]);
    let paused = Paused::start(cmd, "replica-objects-sent", &env.root().join("pause1"));
    org.cluster.nodes[2].kill();
    let o = paused.resume();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(not_pushed(&env).is_empty());

    // Every node stops in the middle of the next push: a one-line error, then it resumes
    // where it stopped once they are back.
    add_with_object(&env, "after the first push", 200_000, 7);
    org.cluster.nodes[2].restart();
    org.cluster.wait_healthy();
    let mut cmd = env.cmd();
    cmd.args(["push", "--json"]);
    let paused = Paused::start(cmd, "replica-objects-sent", &env.root().join("pause2"));
    for n in &mut org.cluster.nodes {
        n.kill();
    }
    let o = paused.resume();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("could not be reached"), "{err}");
    assert_eq!(not_pushed(&env).len(), 1);
    for n in &mut org.cluster.nodes {
        n.restart();
    }
    org.cluster.wait_healthy();
    let again = json(&env.ok(&["push", "--json"]));
    assert_eq!(
        again[0]["objects"], 0,
        "the object was recorded as sent: {again}"
    );
    assert!(again[0]["chunks"].as_u64().unwrap() >= 1);
    assert!(not_pushed(&env).is_empty());
    org.sweep(&env);
    let fresh = restored(&org, &env);
    assert_eq!(
        json(&fresh.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn a_duress_unlock_leaves_no_trace_of_the_replicas_and_restore_finds_nothing_with_it() {
    let org = Org::start(1);
    let env = Env::new();
    add_with_object(&env, "pushed", 100_000, 3);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    crate::util::set_duress(&env);
    let backup = keyring_backup(&env);
    assert!(env.vault.join("replicas").exists());
    let o = crate::util::with_pass(&env, crate::util::DURESS, &["remote", "list", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        json(&String::from_utf8_lossy(&o.stdout)),
        serde_json::json!([])
    );
    assert!(
        !env.vault.join("replicas").exists(),
        "the real vault's replica state is gone"
    );
    for f in crate::common::files_below(&env.vault) {
        assert!(!f.to_string_lossy().contains("replica"), "{}", f.display());
    }
    // A coerced restore with the duress passphrase finds no push, as in an empty bucket.
    let fresh = Env::bare();
    let duress = env.input("duress-pass", format!("{}\n", crate::util::DURESS));
    let mut c = fresh.cmd();
    c.arg("--passphrase-file").arg(&duress);
    let o = org.restore_with(c, &backup, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("holds no push of this vault"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_collector_sends_to_the_inbox_and_headquarters_pulls_each_bundle_once() {
    let org = Org::start(1);
    let (hq, collector) = crate::collector::hq_and_collector();
    let (id, big) = crate::collector::collect(&collector);
    org.add_remote(&collector);
    // The upload fails: the records stay on the collector.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    add_remote(
        &collector,
        "down",
        &format!("http://127.0.0.1:{port}"),
        "inbox",
        &org.device,
        &["--timeout", "1"],
    );
    let err = collector.fails(
        &["export", "--all", "--remote", "down", "--remove-after"],
        2,
    );
    assert!(err.contains("could not be reached"), "{err}");
    assert_eq!(
        json(&collector.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Killed once the bundle has arrived, before the records are removed: they stay.
    let o = collector
        .cmd()
        .env("AMANAT_CRASH_AT", "transfer-sent")
        .args(["export", "--all", "--remote", "org", "--remove-after"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(
        json(&collector.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = json(&collector.ok(&[
        "export",
        "--all",
        "--remote",
        "org",
        "--remove-after",
        "--json",
    ]));
    assert_eq!(r["records"], 1);
    assert_eq!(
        collector.run(&["list"]).status.code(),
        Some(1),
        "no record left"
    );
    assert!(crate::common::files_below(&collector.vault.join("tmp")).is_empty());

    org.sweep(&collector);
    add_remote(
        &hq,
        "archive",
        &org.cluster.endpoint(),
        "archive",
        &org.custodian,
        &[],
    );
    // Killed after the first import, before it is remembered: the next pull finishes, and
    // imports nothing twice.
    let o = hq
        .cmd()
        .env("AMANAT_CRASH_AT", "pull-imported")
        .args(["pull", "archive"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let pulled = json(&hq.ok(&["pull", "archive", "--json"]));
    assert_eq!(pulled["imported"].as_array().unwrap().len(), 2, "{pulled}");
    assert_eq!(
        json(&hq.ok(&["list", "--json"])).as_array().unwrap().len(),
        1
    );
    assert!(pulled["failed"].as_array().unwrap().is_empty(), "{pulled}");
    let got = hq.ok(&["get", &id, "MKCATTNAME.wav", "-o", "-"]);
    assert_eq!(got.as_bytes(), &big[..]);
    hq.ok(&["check"]);
    let again = json(&hq.ok(&["pull", "archive", "--json"]));
    assert_eq!(again["already"], 2);
    assert!(again["imported"].as_array().unwrap().is_empty());
    // A partner's export names its file; --remote is for collectors.
    let err = hq.fails(&["export", "--all", "--to", "x", "--remote", "archive"], 2);
    assert!(err.contains("--remote"), "{err}");
}

#[test]
fn a_vault_of_format_6_moves_to_the_current_format_then_pushes_and_restores() {
    let env = crate::util::unpacked_vault("tests/fixtures/vault-v6/vault.tar.gz", "vault");
    fs::create_dir_all(env.vault.join("tmp")).unwrap();
    let ids = json(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-v6/ids.json"),
        )
        .unwrap(),
    );
    let id = ids["recording"].as_str().unwrap();
    let version = || fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version(), "amanat-vault 6\n");
    crate::util::killed_at(&env, "before-version-10", &["list"]);
    assert_eq!(version(), "amanat-vault 6\n", "killed before the move");
    env.ok(&["list"]);
    assert_eq!(version(), "amanat-vault 10\n");
    let org = Org::start(1);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    let fresh = restored(&org, &env);
    let got = fresh.ok(&["get", id, "recording.wav", "-o", "-"]);
    assert!(got.len() == 40_000 && got.bytes().all(|b| b == b'r'));
    fresh.ok(&["check"]);
    fresh.ok(&["audit", "--verify"]);
}

#[test]
fn a_restore_killed_before_it_finished_is_refused_until_it_runs_again() {
    let org = Org::start(1);
    let env = Env::new();
    add_with_object(&env, "kept", 100_000, 4);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    let backup = keyring_backup(&env);
    let fresh = Env::bare();
    let mut c = fresh.cmd();
    c.env("AMANAT_CRASH_AT", "restore-checked");
    let o = org.restore_with(c, &backup, &[]);
    assert!(!o.status.success(), "killed");
    // The directory holds a working vault, but a record added now would be undone by the
    // restore the user must run again: nothing opens it until then.
    for args in [
        vec!["list"],
        vec!["add", "--title", "lost?"],
        vec!["rebuild"],
    ] {
        let err = fresh.fails(&args, 2);
        assert!(err.contains("did not finish"), "{err}");
        assert!(err.contains("amanat restore"), "{err}");
    }
    let o = org.restore(&fresh, &backup, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fresh.ok(&["list"]);
    fresh.ok(&["check"]);
}

#[test]
fn remote_rm_erases_the_remotes_secret_from_the_journal() {
    let org = Org::start(1);
    let env = Env::new();
    env.add(&["--title", "one"]);
    org.add_remote(&env);
    env.ok(&["push"]);
    let key = {
        let v = crate::util::unlocked(&env);
        v.remotes().unwrap()[0].0
    };
    env.ok(&["remote", "rm", "org"]);
    assert_eq!(
        json(&env.ok(&["remote", "list", "--json"])),
        serde_json::json!([])
    );
    assert!(crate::common::files_below(&env.vault.join("replicas")).is_empty());
    let v = crate::util::unlocked(&env);
    let keys = amanat::vault::rebuild::testing::journal_keys(&v);
    assert!(
        !keys
            .iter()
            .any(|(t, k, _)| *t == amanat::storage::journal::TreeId::Contacts && k[..] == key[..]),
        "the journal still holds the remote's entry"
    );
}

#[test]
fn a_forged_head_from_the_future_is_passed_over_and_listed() {
    use amanat::format::replica::{head_key_id, Head};
    let org = Org::start(1);
    let env = Env::new();
    env.add(&["--title", "real"]);
    add_with_object(&env, "real too", 80_000, 5);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    // Someone with the keyring, its passphrase and a key to the bucket plants an empty head
    // whose counter is as large as it gets.
    let forged = u64::MAX - 1;
    {
        let v = crate::util::unlocked(&env);
        let head = Head {
            vault_id: v.vault_id(),
            counter: forged,
            ..Head::default()
        };
        let sealed = v.seal_replica(&head_key_id(forged), &head.encode());
        client(&org, "archive", &org.custodian)
            .put(&v.replica_names().head(forged), &sealed)
            .unwrap();
    }
    let backup = keyring_backup(&env);
    let fresh = Env::bare();
    let listed = json(&String::from_utf8_lossy(
        &org.restore(&fresh, &backup, &["--list", "--json"]).stdout,
    ));
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed[0]["counter"], forged);
    assert_eq!(listed[0]["ahead"], true);
    assert_eq!(listed[1]["records"], 2);
    assert!(!fresh.vault.exists(), "--list restores nothing");
    let o = org.restore(&fresh, &backup, &["--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        json(&String::from_utf8_lossy(&o.stdout))["check"]["records"],
        2
    );
    // The device whose state remembers the huge counter still pushes.
    fresh.ok(&["remote", "rm", "org"]);
    add_remote(
        &fresh,
        "archive",
        &org.cluster.endpoint(),
        "archive",
        &org.custodian,
        &[],
    );
    fresh.add(&["--title", "after"]);
    fresh.ok(&["push", "archive"]);
    // And `replica check` names a record whose object the newest head lacks.
    let late = add_with_object(&fresh, "not pushed", 70_000, 6);
    let o = fresh.run(&["replica", "check", "archive"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("NOT REPLICATED {late}")));
}

#[test]
fn a_damaged_journal_chunk_names_the_records_it_cost() {
    let org = Org::start(1);
    let env = Env::new();
    let first = env.add(&["--title", "first"]);
    org.add_remote(&env);
    env.ok(&["push"]);
    let second = env.add(&["--title", "second"]);
    env.ok(&["push"]);
    org.sweep(&env);
    // The second push's chunk, damaged in the archive.
    let (chunk, _) = {
        let v = crate::util::unlocked(&env);
        let key = v.remotes().unwrap()[0].0;
        let state = v.replica_state(&key).unwrap();
        (hex::encode(state.head.chunks.last().unwrap().name), ())
    };
    let archive = client(&org, "archive", &org.custodian);
    let mut bytes = archive.get(&chunk, 1 << 26).unwrap().unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    archive.put(&chunk, &bytes).unwrap();
    let fresh = Env::bare();
    let o = org.restore(&fresh, &keyring_backup(&env), &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("DAMAGED journal chunk at offset"), "{out}");
    assert!(out.contains(&format!("LOST record {second}")), "{out}");
    assert!(!out.contains(&first), "{out}");
    fresh.ok(&["show", &first]);
}

#[test]
fn remote_settings_that_would_leak_or_mislead_are_refused() {
    let env = Env::new();
    let secret = env.input("s", "abc\n");
    let s = secret.to_str().unwrap();
    for (endpoint, bucket, says) in [
        (
            "http://user:pw@127.0.0.1:3900",
            "inbox",
            "user name or password",
        ),
        ("http://127.0.0.1:3900/path", "inbox", "path, query"),
        ("http://127.0.0.1:3900/?x=1", "inbox", "path, query"),
        ("http://127.0.0.1:3900", "a/b/../c", "not a bucket name"),
        ("http://127.0.0.1:3900", "UPPER", "not a bucket name"),
        ("http://127.0.0.1:3900", "ab", "not a bucket name"),
    ] {
        let before = env.state();
        let err = env.fails(
            &[
                "remote",
                "add",
                "r",
                "--endpoint",
                endpoint,
                "--bucket",
                bucket,
                "--access-key-id",
                "GK1",
                "--secret-file",
                s,
            ],
            2,
        );
        assert!(err.contains(says), "{endpoint} {bucket}: {err}");
        assert!(!err.contains("pw@"), "{err}");
        assert_eq!(env.state(), before);
    }
    let err = env.fails(
        &[
            "remote",
            "add",
            "r",
            "--endpoint",
            "http://127.0.0.1:3900",
            "--bucket",
            "inbox",
            "--region",
            "",
            "--access-key-id",
            "GK1",
            "--secret-file",
            s,
        ],
        2,
    );
    assert!(err.contains("region"), "{err}");
    // A full vault that names a remote for a partner's export is told what --remote is for.
    let err = env.fails(&["export", "--all", "--remote", "r"], 2);
    assert!(err.contains("collector"), "{err}");
}

#[test]
fn headquarters_restores_with_its_own_key_the_keyring_a_vault_escrowed() {
    let org = Org::start(1);
    let hq_dir = tempfile::tempdir().unwrap();
    let (hq_recipient, _) = crate::util::outside_keys(hq_dir.path());
    let hq_key = hq_dir.path().join("key.txt");
    let env = Env::bare();
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--recipient",
        &hq_recipient,
    ]);
    let big = add_with_object(&env, "the testimony of W-9", 90_000, 8);
    // Asked for explicitly; refused where there is no one else to seal it to.
    let alone = Env::new();
    let before = alone.state();
    let a = vec![
        "remote",
        "add",
        "org",
        "--endpoint",
        org.endpoint_str(),
        "--bucket",
        "inbox",
        "--access-key-id",
        &org.device.id,
        "--secret-file",
        org.device.secret_file.to_str().unwrap(),
        "--escrow-keyring",
    ];
    let err = alone.fails(&a, 2);
    assert!(err.contains("no other recipient"), "{err}");
    assert_eq!(alone.state(), before);
    env.ok(&a);
    env.ok(&["push"]);
    // Another device escrows to the same inbox, under the same headquarters key: only the
    // device's own fingerprint picks its escrow (anyone who can write to the inbox can put
    // one there, naming any vault id).
    let other = Env::bare();
    other.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--recipient",
        &hq_recipient,
    ]);
    other.add(&["--title", "planted by someone else"]);
    other.ok(&a);
    other.ok(&["push"]);
    org.sweep(&env);
    let escrows = client(&org, "archive", &org.custodian)
        .list("escrow/")
        .unwrap();
    assert_eq!(escrows.len(), 2, "{escrows:?}");
    env.ok(&["push"]);
    assert_eq!(
        client(&org, "inbox", &org.custodian)
            .list("escrow/")
            .unwrap()
            .len(),
        2,
        "an unchanged keyring is not sent again"
    );
    let fingerprint = json(&env.ok(&["keys", "--json"]))["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();

    // The laptop and every copy of its keyring are gone; headquarters has its key.
    let fresh = Env::bare();
    let hq = (hq_key.as_path(), fingerprint.as_str());
    let new_pass = fresh.pass.to_str().unwrap().to_owned();
    let o = org.restore_escrow(
        &fresh,
        "archive",
        hq,
        &[
            "--new-passphrase-file",
            &new_pass,
            "--kdf-work-factor",
            "10",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        json(&fresh.ok(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(!fresh.ok(&["list"]).contains("planted"));
    // The pushes an escrow opens, to choose one made before a seizure.
    let listing = Env::bare();
    let o = org.restore_escrow(&listing, "archive", hq, &["--list", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pushes = json(&String::from_utf8_lossy(&o.stdout));
    assert!(!pushes.as_array().unwrap().is_empty(), "{pushes}");
    assert!(!listing.vault.exists());
    let got = fresh.ok(&["get", &big, "big.bin", "-o", "-"]);
    assert!(got.len() == 90_000 && got.bytes().all(|b| b == 8));
    fresh.ok(&["check"]);
    fresh.ok(&["audit", "--verify"]);

    // Another key opens no escrow.
    let stranger = tempfile::tempdir().unwrap();
    crate::util::outside_keys(stranger.path());
    let again = Env::bare();
    let stranger_key = stranger.path().join("key.txt");
    let again_pass = again.pass.to_str().unwrap().to_owned();
    let o = org.restore_escrow(
        &again,
        "archive",
        (&stranger_key, &fingerprint),
        &["--new-passphrase-file", &again_pass],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no keyring escrowed by the device"));
    assert!(!again.vault.exists());

    // Under the duress passphrase, escrow is accepted as on the real vault: asking a
    // coerced user to enable it does not tell the decoy apart. Its escrow is never taken.
    crate::util::set_duress(&other);
    let o = crate::util::with_pass(&other, crate::util::DURESS, &a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = crate::util::with_pass(&other, crate::util::DURESS, &["push"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn an_escrow_to_an_ssh_ed25519_headquarters_key_restores_with_that_key() {
    let org = Org::start(1);
    let hq_dir = tempfile::tempdir().unwrap();
    let (_, hq_ssh) = crate::util::outside_keys(hq_dir.path());
    let env = Env::bare();
    env.ok(&["init", "--kdf-work-factor", "10", "--recipient", &hq_ssh]);
    let id = env.add(&["--title", "sealed to an ssh key too"]);
    add_remote(
        &env,
        "org",
        org.endpoint_str(),
        "inbox",
        &org.device,
        &["--escrow-keyring"],
    );
    env.ok(&["push"]);
    let fingerprint = json(&env.ok(&["keys", "--json"]))["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh = Env::bare();
    let ssh_key = hq_dir.path().join("id");
    let new_pass = fresh.pass.to_str().unwrap().to_owned();
    let o = org.restore_escrow(
        &fresh,
        "inbox",
        (&ssh_key, &fingerprint),
        &[
            "--new-passphrase-file",
            &new_pass,
            "--kdf-work-factor",
            "10",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fresh.ok(&["show", &id]);
}

#[test]
fn a_restore_asked_wrongly_says_so_and_writes_nothing() {
    let org = Org::start(1);
    let env = Env::new();
    env.add(&["--title", "one"]);
    org.add_remote(&env);
    env.ok(&["push"]);
    org.sweep(&env);
    let backup = keyring_backup(&env);
    let args = |bucket: &'static str| {
        vec![
            "restore",
            "--endpoint",
            org.endpoint_str(),
            "--bucket",
            bucket,
            "--access-key-id",
            &org.custodian.id,
            "--secret-file",
            org.custodian.secret_file.to_str().unwrap(),
        ]
    };
    // No keyring named.
    let fresh = Env::bare();
    let err = fresh.fails(&args("archive"), 2);
    assert!(err.contains("--keyring BACKUP"), "{err}");
    // A wrong passphrase, an unknown push, an empty bucket, a keyring that is not one.
    let wrong = fresh.input("wrong", "not the passphrase\n");
    let mut c = fresh.cmd();
    c.arg("--keyring")
        .arg(&backup)
        .arg("--passphrase-file")
        .arg(&wrong);
    let o = c.args(args("archive")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong passphrase"));
    let o = org.restore(&fresh, &backup, &["--push", "12345"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no push 12345"));
    org.cluster.bucket("empty");
    org.cluster
        .admin(&["bucket", "allow", "--read", "empty", "--key", "custodian"]);
    let mut c = fresh.cmd();
    c.arg("--keyring").arg(&backup);
    let o = c.args(args("empty")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no push of this vault"));
    let mut c = fresh.cmd();
    c.arg("--keyring").arg(&backup);
    let o = c.args(args("empty")).arg("--list").output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "a list of no push is not a success"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no push of this vault"));
    let not_keyring = fresh.input("not-a-keyring", "hello");
    let o = org.restore(&fresh, &not_keyring, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!fresh.vault.exists(), "nothing written by any of them");
    // A directory that holds anything is not restored into.
    fs::create_dir(&fresh.vault).unwrap();
    fs::write(fresh.vault.join("notes.txt"), "mine").unwrap();
    let o = org.restore(&fresh, &backup, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    let left: Vec<_> = fs::read_dir(&fresh.vault).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "the directory is as it was");
    // A malformed fingerprint or identity file with --identity.
    let id = fresh.input("id.txt", "not an identity");
    let mut c = fresh.cmd();
    let o = c
        .args(args("archive"))
        .args([
            "--identity",
            id.to_str().unwrap(),
            "--fingerprint",
            "SHA256:x",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("neither an age identity file"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
