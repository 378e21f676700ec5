//! Trusted timestamps (issue 22, FORMAT.md 14.6): RFC 3161 tokens from a real `openssl ts`
//! authority on 127.0.0.1, over the custody log; checked before they are stored, carried in
//! bundles, checked by a partner with `openssl ts -verify` alone and by `amanat verify`; and
//! the seizure case, an event backdated after a token, flagged by `audit --verify`.
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use base64::Engine;
use serde_json::{json, Value};

use crate::forged::{hex_id, sha, Forged, PartIn, Receiver};
use crate::util::*;

/// `amanat tsa local-authority` in its own process, stopped by its process id when dropped.
struct Authority {
    child: Child,
    url: String,
    ca: PathBuf,
    dir: PathBuf,
}

impl Authority {
    fn start(dir: &Path, answer: &str, key: &str) -> Authority {
        Authority::start_at(dir, answer, key, None)
    }

    /// With `at`, the authority's clock (and its `openssl`'s) is set there by libfaketime.
    fn start_at(dir: &Path, answer: &str, key: &str, at: Option<&str>) -> Authority {
        let mut c = Command::cargo_bin("amanat").unwrap();
        c.args(["tsa", "local-authority"])
            .arg(dir)
            .args(["--answer", answer, "--key", key])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(at) = at {
            c.env("FAKETIME", format!("@{at}"))
                .env("LD_PRELOAD", faketime_library());
        }
        let mut child = c.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .next()
            .expect("the authority prints its address")
            .unwrap();
        let ca = PathBuf::from(lines.next().expect("and its CA").unwrap());
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Authority {
            child,
            url,
            ca,
            dir: dir.to_owned(),
        }
    }

    fn good(env: &Env) -> Authority {
        Authority::start(&env.root().join("tsa"), "good", "ec")
    }
}

impl Drop for Authority {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add_tsa(env: &Env, name: &str, url: &str, ca: &Path, extra: &[&str]) {
    let mut a = vec!["tsa", "add", name, url, "--cert", ca.to_str().unwrap()];
    a.extend_from_slice(extra);
    env.ok(&a);
}

fn events(env: &Env) -> usize {
    let log: Value = serde_json::from_str(&env.ok(&["audit", "--json"])).unwrap();
    log.as_array().unwrap().len()
}

fn verification(env: &Env) -> (i32, Value) {
    let o = env.run(&["audit", "--verify", "--json"]);
    (
        o.status.code().unwrap(),
        serde_json::from_slice(&o.stdout).unwrap(),
    )
}

fn add_text(env: &Env, title: &str) -> String {
    let t = env.input(&format!("{title}.txt"), format!("Testimony {title}."));
    env.add(&["--title", title, "--testimony", t.to_str().unwrap()])
}

#[test]
fn a_token_over_the_log_is_checked_stored_and_proves_every_event_before_it() {
    for key in ["ec", "rsa"] {
        let env = Env::new();
        add_text(&env, "first");
        let tsa = Authority::start(&env.root().join("tsa"), "good", key);
        add_tsa(&env, "Local", &tsa.url, &tsa.ca, &[]);
        let before = events(&env);
        let o = env.run(&["timestamp"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{key}: {err}");
        assert!(
            err.contains(&format!("first {before} events existed at")),
            "{err}"
        );
        assert_eq!(events(&env), before + 1, "one timestamped event");
        let log = env.ok(&["audit"]);
        assert!(log.contains("timestamped"), "{log}");
        // Nothing new to cover: no new token, no new event.
        let again = env.run(&["timestamp"]);
        assert!(again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("already timestamped"));
        assert_eq!(events(&env), before + 1);
        // Every event before the token is proven by it; the token's own event is not.
        let (code, v) = verification(&env);
        assert_eq!(code, 0, "{v}");
        let cov = v["coverage"].as_array().unwrap();
        assert_eq!(cov[0]["from"], 0);
        assert_eq!(cov[0]["to"], before as u64 - 1);
        assert_eq!(cov[0]["stamp"], before as u64);
        assert_eq!(cov[1]["stamp"], Value::Null);
        assert_eq!(v["stamps"][0]["trusted"], true);
        assert!(v["flagged"].as_array().unwrap().is_empty());
        let text = String::from_utf8(env.run(&["audit", "--verify"]).stdout).unwrap();
        assert!(
            text.contains(&format!("Events 0-{}: existed at", before - 1)),
            "{text}"
        );
        env.ok(&["check"]);
        // With --tsa, the authority is asked even though the log is covered.
        env.ok(&["timestamp", "--tsa", "Local"]);
        assert_eq!(events(&env), before + 2);
    }
}

/// Each bad answer is refused with its reason, exit 1, and nothing is stored.
#[test]
fn a_token_for_other_data_an_altered_one_or_an_untrusted_one_is_refused_and_nothing_stored() {
    let env = Env::new();
    add_text(&env, "first");
    let other = Authority::start(&env.root().join("other"), "good", "ec");
    for (answer, trust, expect) in [
        ("other-data", None, "the token is for other data"),
        ("altered", None, "altered"),
        (
            "fractional",
            None,
            "a time with fractional seconds is not read by this version",
        ),
        (
            "good",
            Some(&other.ca),
            "not, and is not issued by, a certificate given for it",
        ),
    ] {
        let tsa = Authority::start(&env.root().join(answer), answer, "ec");
        let name = format!("tsa-{answer}");
        add_tsa(&env, &name, &tsa.url, trust.unwrap_or(&tsa.ca), &[]);
        let before = events(&env);
        let o = env.run(&["timestamp"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{answer}: {err}");
        assert!(err.contains(expect), "{answer}: {err}");
        assert_eq!(events(&env), before, "{answer}: nothing stored");
        env.ok(&["tsa", "remove", &name]);
    }
    let (code, v) = verification(&env);
    assert_eq!(code, 0);
    assert!(v["stamps"].as_array().unwrap().is_empty());
}

#[test]
fn bad_authority_arguments_are_refused_with_what_to_do() {
    let env = Env::new();
    let tsa = Authority::good(&env);
    let not_cert = env.input("x.pem", "not a certificate");
    let before = events(&env);
    let ca = tsa.ca.to_str().unwrap();
    for (args, expect) in [
        (
            vec!["tsa", "add", "L", "ftp://x/", "--cert", ca],
            "not an http:// or https://",
        ),
        (
            vec![
                "tsa",
                "add",
                "L",
                &tsa.url,
                "--cert",
                not_cert.to_str().unwrap(),
            ],
            "holds no certificate",
        ),
        (
            vec!["tsa", "add", "L", &tsa.url, "--cert", "/nonexistent.pem"],
            "cannot read the certificate file",
        ),
        (
            vec!["tsa", "add", "L", &tsa.url, "--cert", ca, "--timeout", "0"],
            "between 1 and 600",
        ),
        (vec!["tsa", "remove", "nobody"], "no authority named"),
        (vec!["timestamp"], "no time-stamp authority is configured"),
    ] {
        let err = env.fails(&args, 2);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    add_tsa(&env, "L", &tsa.url, &tsa.ca, &[]);
    let err = env.fails(&["tsa", "add", "L", &tsa.url, "--cert", ca], 2);
    assert!(err.contains("exists"), "{err}");
    let err = env.fails(&["timestamp", "--tsa", "M"], 2);
    assert!(err.contains("no authority named"), "{err}");
    assert_eq!(events(&env), before + 1, "only the one authority added");
    let listed: Value = serde_json::from_str(&env.ok(&["tsa", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "L");
    assert_eq!(listed[0]["certificates"][0], "CN=Amanat local test CA");
}

/// A partner vault that knows the sender, and a key the test holds to open the bundle.
fn partner_of(hq: &Env) -> (Env, age::x25519::Identity) {
    let partner = Env::new();
    let keys: Value = serde_json::from_str(&partner.ok(&["keys", "--json"])).unwrap();
    let test_key = age::x25519::Identity::generate();
    hq.ok(&[
        "contact",
        "add",
        "UN",
        "--recipient",
        keys["recipient"].as_str().unwrap(),
        "--recipient",
        &test_key.to_public().to_string(),
    ]);
    let hq_keys: Value = serde_json::from_str(&hq.ok(&["keys", "--json"])).unwrap();
    partner.ok(&[
        "contact",
        "add",
        "HQ",
        "--signing-key",
        hq_keys["signing_key"].as_str().unwrap(),
    ]);
    (partner, test_key)
}

/// The manifest of a bundle, opened with the `age` CLI and read with `tar`, with its records.
fn manifest_of(bundle: &Path, key: &age::x25519::Identity, dir: &Path) -> Value {
    use age::secrecy::ExposeSecret;
    fs::create_dir_all(dir).unwrap();
    let id = dir.join("key.txt");
    fs::write(&id, key.to_string().expose_secret()).unwrap();
    let tar = dir.join("b.tar");
    let st = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&id)
        .arg("-o")
        .arg(&tar)
        .arg(bundle)
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new("tar")
        .arg("-xzf")
        .arg(&tar)
        .arg("-C")
        .arg(dir)
        .status()
        .unwrap();
    assert!(st.success());
    let m = serde_json::from_slice(&fs::read(dir.join("MANIFEST.json")).unwrap()).unwrap();
    with_records(m, |p| fs::read(dir.join(p)).unwrap())
}

/// A sender with a local authority, which exports one record to a partner: the sender, the
/// authority, the partner, the test's key to the bundle, the bundle and what export said.
fn stamped_export() -> (Env, Authority, Env, age::x25519::Identity, PathBuf, String) {
    let hq = Env::new();
    let one = add_text(&hq, "one");
    let tsa = Authority::good(&hq);
    add_tsa(&hq, "Local", &tsa.url, &tsa.ca, &[]);
    let (partner, key) = partner_of(&hq);
    let bundle = hq.out("b.amanat");
    let o = hq.run(&["export", "--to", "UN", &one, "-o", bundle.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    (hq, tsa, partner, key, bundle, err)
}

#[test]
fn a_partner_checks_a_bundles_tokens_with_openssl_alone_and_amanat_verify_shows_the_times() {
    let (hq, tsa, partner, key, bundle, err) = stamped_export();
    assert!(err.contains("Timestamped by Local"), "{err}");
    assert!(err.contains("carries one time-stamp token"), "{err}");
    let dir = hq.root().join("open");
    let m = manifest_of(&bundle, &key, &dir);
    assert_eq!(m["version"], 6);
    let rec = &m["records"][0];
    assert_eq!(
        rec["timestamps"][0]["entry"], 0,
        "the record-added event is covered"
    );

    // The partner's check without Amanat, as the README gives it: the statement and the
    // token out of the manifest, then `openssl ts -verify` against the authority's CA.
    let t = &m["timestamps"][0];
    fs::write(dir.join("statement.txt"), t["statement"].as_str().unwrap()).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(t["token"].as_str().unwrap())
        .unwrap();
    fs::write(dir.join("token.tsr"), &der).unwrap();
    let ok = Command::new("openssl")
        .args([
            "ts",
            "-verify",
            "-token_in",
            "-in",
            "token.tsr",
            "-data",
            "statement.txt",
        ])
        .arg("-CAfile")
        .arg(&tsa.ca)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("Verification: OK"),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    // The event's leaf, by FORMAT.md 14.6, from the bundle's own bytes: with the path, it
    // leads to the root the statement names.
    let entry = &rec["custody"][0];
    let mut leaf_data = vec![0u8];
    leaf_data.extend_from_slice(entry["event"].as_str().unwrap().as_bytes());
    leaf_data.push(b'\n');
    leaf_data.extend_from_slice(entry["signature"].as_str().unwrap().as_bytes());
    let leaf = amanat::crypto::seal::sha256(&leaf_data);
    let cov = &rec["timestamps"][0];
    let path: Vec<[u8; 32]> = cov["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            hex::decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect();
    let (_, n, root) =
        amanat::format::stamp::parse_statement(t["statement"].as_str().unwrap()).unwrap();
    assert!(amanat::format::stamp::included(
        &leaf,
        cov["leaf"].as_u64().unwrap(),
        n,
        &path,
        &root
    ));

    // Amanat's verify says when each covered event existed, and whether it trusts the
    // authority; import takes the bundle.
    let b = bundle.to_str().unwrap();
    let shown = partner.ok(&["verify", b]);
    assert!(shown.contains("existed by"), "{shown}");
    assert!(shown.contains("does not trust"), "{shown}");
    add_tsa(&partner, "Local", &tsa.url, &tsa.ca, &[]);
    let shown = partner.ok(&["verify", b]);
    assert!(
        shown.contains("existed by") && !shown.contains("does not trust"),
        "{shown}"
    );
    let json: Value = serde_json::from_str(&partner.ok(&["verify", b, "--json"])).unwrap();
    assert_eq!(json["records"][0]["timestamps"][0]["trusted"], true);
    partner.ok(&["import", b]);
}

#[test]
fn an_authority_that_does_not_answer_times_out_and_the_export_still_works_without_a_token() {
    let hq = Env::new();
    let one = add_text(&hq, "one");
    let silent = Authority::start(&hq.root().join("silent"), "silent", "ec");
    add_tsa(&hq, "Silent", &silent.url, &silent.ca, &["--timeout", "2"]);
    let (partner, key) = partner_of(&hq);
    let bundle = hq.out("b.amanat");
    let started = std::time::Instant::now();
    let o = hq.run(&["export", "--to", "UN", &one, "-o", bundle.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        started.elapsed().as_secs() < 60,
        "the timeout bounds the wait"
    );
    assert!(
        err.contains("no timestamp from Silent: it did not answer within 2 s"),
        "{err}"
    );
    assert!(err.contains("carries 0 time-stamp token"), "{err}");
    let m = manifest_of(&bundle, &key, &hq.root().join("open"));
    assert_eq!(m["version"], 6);
    assert!(m.get("timestamps").is_none());
    partner.ok(&["import", bundle.to_str().unwrap()]);
    // Without any authority, export says so.
    hq.ok(&["tsa", "remove", "Silent"]);
    let o = hq.run(&[
        "export",
        "--to",
        "UN",
        &one,
        "-o",
        hq.out("c.amanat").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("No time-stamp authority is configured"));
    // `timestamp` itself exits 1 when no authority answers.
    add_tsa(&hq, "Silent", &silent.url, &silent.ca, &["--timeout", "1"]);
    assert_eq!(hq.run(&["timestamp"]).status.code(), Some(1));
}

/// The seizure case: whoever holds the vault's keys after a token can sign new events with
/// any time (here with the system clock set back by `faketime`, as a thief would), but
/// not make them come before the token: `audit --verify` flags them and exits 1.
#[test]
fn events_signed_after_a_token_with_a_backdated_time_are_flagged() {
    let env = Env::new();
    add_text(&env, "before");
    let tsa = Authority::good(&env);
    add_tsa(&env, "Local", &tsa.url, &tsa.ca, &[]);
    env.ok(&["timestamp"]);
    add_text(&env, "after, honestly");
    assert_eq!(verification(&env).0, 0);
    let t = env.input("forged.txt", "A record the thief wants to look old.");
    let o = env
        .cmd()
        .env("FAKETIME", "@2021-03-01 09:00:00")
        .env("LD_PRELOAD", faketime_library())
        .args([
            "add",
            "--title",
            "backdated",
            "--testimony",
            t.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let n = events(&env) as u64;
    let log: Value = serde_json::from_str(&env.ok(&["audit", "--json"])).unwrap();
    assert_eq!(
        log[n as usize - 1]["time"],
        "2021-03-01T09:00:00Z",
        "the clock was set back"
    );
    let (code, v) = verification(&env);
    assert_eq!(code, 1, "{v}");
    let flagged = v["flagged"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "only the backdated event: {v}");
    assert_eq!(flagged[0]["seq"], n - 1);
    let text = String::from_utf8(env.run(&["audit", "--verify"]).stdout).unwrap();
    assert!(text.contains(&format!("FLAGGED event {}", n - 1)), "{text}");
    let o = env.run(&["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 audit events claim a time before a time-stamp token"),
        "{err}"
    );
    // Removing the authority does not take away what its token proved, nor hide the flag:
    // the log keeps the certificates it was given.
    env.ok(&["tsa", "remove", "Local"]);
    let (code, v) = verification(&env);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["flagged"][0]["seq"], n - 1);
    assert_eq!(v["stamps"][0]["trusted"], true);
}

/// An authority whose clock is ahead gives a token from the future: it is refused, so it
/// cannot make every honest event after it look backdated.
#[test]
fn a_token_from_the_future_is_refused() {
    let env = Env::new();
    add_text(&env, "one");
    let ahead = Authority::start_at(
        &env.root().join("ahead"),
        "good",
        "ec",
        Some("2031-01-01 12:00:00"),
    );
    add_tsa(&env, "Ahead", &ahead.url, &ahead.ca, &[]);
    let before = events(&env);
    let o = env.run(&["timestamp"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("after this device's clock"), "{err}");
    assert_eq!(events(&env), before);
}

/// libfaketime, as Debian installs it.
fn faketime_library() -> PathBuf {
    let found = [
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib",
    ]
    .iter()
    .map(|d| Path::new(d).join("faketime/libfaketime.so.1"))
    .find(|p| p.exists());
    found.expect("libfaketime (apt-get install faketime)")
}

/// Whoever holds the vault's key can re-sign an altered event and every event after it, but
/// the tree the token covers no longer has the root the token names.
#[test]
fn an_event_under_a_token_altered_and_resigned_breaks_the_log() {
    let env = Env::new();
    add_text(&env, "one");
    let tsa = Authority::good(&env);
    add_tsa(&env, "Local", &tsa.url, &tsa.ca, &[]);
    env.ok(&["timestamp"]);
    {
        let v = unlocked(&env);
        amanat::vault::custody::tamper::rewrite_and_resign(&v, 1, |t| {
            t.replace("\"via\":\"add\"", "\"via\":\"ingest\"")
        });
    }
    let (code, v) = verification(&env);
    assert_eq!(code, 1, "{v}");
    let why = v["broken"]["why"].as_str().unwrap();
    assert!(
        why.contains("root is not that of the log before it"),
        "{why}"
    );
}

/// Mallory's record whose `record-added` is covered by a real token over a one-event log.
fn stamped_record(r: &Receiver, tsa: &Authority, id: &str, bundle: &str) -> (Forged, Value) {
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", b"They came at night.")];
    let origin = hex_id();
    let added = m.added(&origin, p);
    let exported = m.exported(&origin, &added, id, bundle);
    let first = m.entry(&added);
    let mut leaf = vec![0u8];
    leaf.extend_from_slice(added.as_bytes());
    leaf.push(b'\n');
    leaf.extend_from_slice(first["signature"].as_str().unwrap().as_bytes());
    let root = sha(&leaf);
    let statement = format!(
        "amanat-custody-timestamp-v1\nsigner {}\nevents 1\nroot {root}\n",
        m.line
    );
    let token = openssl_token(tsa, statement.as_bytes());
    let (mut rec, mut files) =
        m.record_with_chain(id, "stamped", p, vec![first, m.entry(&exported)]);
    rec["timestamps"] = json!([{"entry": 0, "token": 0, "leaf": 0, "path": []}]);
    files[0].1 = serde_json::to_vec_pretty(&rec).unwrap();
    let tokens = json!([{
        "statement": statement,
        "token": base64::engine::general_purpose::STANDARD.encode(token),
    }]);
    ((rec, files), tokens)
}

/// A token from the local authority's own `openssl ts` configuration, over `data`.
fn openssl_token(tsa: &Authority, data: &[u8]) -> Vec<u8> {
    let d = tsa.dir.join(format!("mallory-{}", hex_id()));
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("data"), data).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(&d)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[
        "ts", "-query", "-data", "data", "-sha256", "-cert", "-out", "q.tsq",
    ]);
    let cnf = tsa.dir.join("tsa.cnf");
    run(&[
        "ts",
        "-reply",
        "-config",
        cnf.to_str().unwrap(),
        "-queryfile",
        "q.tsq",
        "-token_out",
        "-out",
        "t.der",
    ]);
    fs::read(d.join("t.der")).unwrap()
}

/// A hostile sender's tokens and paths: each that does not hold is refused by verify and
/// import, and the vault is untouched; a sound one is taken.
#[test]
fn a_hostile_senders_forged_tokens_and_paths_are_refused() {
    let r = Receiver::new();
    let tsa = Authority::good(&r.env);
    add_tsa(&r.env, "Local", &tsa.url, &tsa.ca, &[]);
    let bundle = hex_id();
    let id = hex_id();
    let (rec, tokens) = stamped_record(&r, &tsa, &id, &bundle);
    let d = r.mallory.draft(&bundle, vec![rec]);
    let with = |tokens: Value| {
        move |m: &mut Value| {
            m["version"] = json!(2);
            m["timestamps"] = tokens;
        }
    };
    // A path that does not lead to the root.
    let mut bad_path = d.records.clone();
    bad_path[0]["timestamps"][0]["path"] = json!([sha(b"sibling")]);
    let mut d2 = r.mallory.draft(&bundle, vec![]);
    d2.records = bad_path;
    d2.files = d.files.clone();
    d2.files[0].1 = serde_json::to_vec_pretty(&d2.records[0]).unwrap();
    r.refuses(
        &r.seal(&d2, with(tokens.clone())),
        "not under the time-stamp",
    );
    // A token over another statement (the same root, another count of events).
    let mut other = tokens.clone();
    let s = other[0]["statement"]
        .as_str()
        .unwrap()
        .replace("events 1", "events 2");
    other[0]["statement"] = json!(s);
    r.refuses(&r.seal(&d, with(other)), "the token is for other data");
    // A token altered after it was signed.
    let mut der = base64::engine::general_purpose::STANDARD
        .decode(tokens[0]["token"].as_str().unwrap())
        .unwrap();
    let last = der.len() - 3;
    der[last] ^= 1;
    let mut altered = tokens.clone();
    altered[0]["token"] = json!(base64::engine::general_purpose::STANDARD.encode(der));
    r.refuses(&r.seal(&d, with(altered)), "does not verify");
    // Version 1 may carry no token; version 2 must; a reference must be in range.
    r.refuses(
        &r.seal(&d, |m| m["timestamps"] = tokens.clone()),
        "version 1 manifest carries time-stamp tokens",
    );
    let plain = r.mallory.draft(
        &bundle,
        vec![r
            .mallory
            .record(&hex_id(), &bundle, "p", &[("testimony", "t.txt", b"x")])],
    );
    r.refuses(
        &r.seal(&plain, |m| m["version"] = json!(2)),
        "carries no time-stamp token",
    );
    let mut far = tokens.clone();
    far.as_array_mut().unwrap().clear();
    r.refuses(&r.seal(&d, with(far)), "carries no time-stamp token");
    // A token larger than any authority gives is refused before it is parsed.
    let mut huge = tokens.clone();
    huge[0]["token"] = json!(base64::engine::general_purpose::STANDARD.encode(vec![0u8; 40_000]));
    r.refuses(&r.seal(&d, with(huge)), "too many, repeated or malformed");
    // The same token twice.
    let twice = json!([tokens[0].clone(), tokens[0].clone()]);
    r.refuses(&r.seal(&d, with(twice)), "too many, repeated or malformed");
    // A statement naming another vault's key, with a real token over it.
    let (_, events_n, root) =
        amanat::format::stamp::parse_statement(tokens[0]["statement"].as_str().unwrap()).unwrap();
    let other_key = serde_json::from_str::<Value>(&r.env.ok(&["keys", "--json"])).unwrap()
        ["signing_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let statement = amanat::format::stamp::statement(&other_key, events_n, &root);
    let other_signer = json!([{
        "statement": statement,
        "token": base64::engine::general_purpose::STANDARD.encode(openssl_token(&tsa, statement.as_bytes())),
    }]);
    r.refuses(
        &r.seal(&d, with(other_signer)),
        "of a key that did not hold the record",
    );
    // The sound bundle is taken, and verify shows the authority's time.
    let good = r.seal(&d, with(tokens));
    let shown = r
        .env
        .ok(&["verify", good.to_str().unwrap(), "--from", "Mallory"]);
    assert!(shown.contains("existed by"), "{shown}");
    r.takes(&good);
}

/// Format 5 (time-stamps) moves a format 4 vault at its first unlock, before anything is
/// written, also when killed just before the move.
#[test]
fn a_format_4_vault_moves_to_format_5_at_its_first_unlock() {
    let env = unpacked_vault("tests/fixtures/golden-v4/sender.tar.gz", "sender");
    let version = || fs::read_to_string(env.vault.join("VERSION")).unwrap();
    assert_eq!(version(), "amanat-vault 4\n");
    crate::util::killed_at(&env, "before-version-10", &["list"]);
    assert_eq!(
        version(),
        "amanat-vault 4\n",
        "killed before the move: still 4"
    );
    env.ok(&["list"]);
    assert_eq!(version(), "amanat-vault 10\n");
    env.ok(&["audit", "--verify"]);
    let tsa = Authority::good(&env);
    add_tsa(&env, "Local", &tsa.url, &tsa.ca, &[]);
    env.ok(&["timestamp"]);
    env.ok(&["check"]);
}

/// The README's check of a bundle's token for partners without Amanat, run as written.
#[test]
fn the_readme_token_check_for_partners_works_as_written() {
    let (hq, tsa, _partner, key, bundle, _) = stamped_export();
    let dir = hq.root().join("partner");
    manifest_of(&bundle, &key, &dir.join("b"));
    fs::copy(&tsa.ca, dir.join("authority-ca.pem")).unwrap();
    let block = &crate::readme::partner_blocks()[2];
    let (ok, out, err) = crate::readme::sh(&dir, block, true);
    assert!(ok, "{block}\n{out}\n{err}");
    assert!(out.contains("Verification: OK"), "{out}{err}");
    assert!(out.contains("Time stamp:"), "{out}{err}");
}

/// Runs `openssl` in `dir`, asserting success.
fn openssl_in(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A P-256 key `NAME.key` and its certificate `NAME.pem` with the extensions of section
/// NAME of `x.cnf`, issued by `issuer` (PEM) with `issuer_key`, in `dir`.
fn issue(dir: &Path, name: &str, subject: &str, issuer: &str, issuer_key: &str) {
    let (key, csr, pem) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
    );
    let req = [
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let out = ["-keyout", &key, "-out", &csr, "-subj", subject];
    openssl_in(dir, &[&req[..], &out[..]].concat());
    let x509 = [
        "x509", "-req", "-in", &csr, "-CA", issuer, "-CAkey", issuer_key,
    ];
    let rest = [
        "-CAcreateserial",
        "-out",
        &pem,
        "-days",
        "30",
        "-extfile",
        "x.cnf",
    ];
    openssl_in(
        dir,
        &[&x509[..], &rest[..], &["-extensions", name]].concat(),
    );
}

/// A certificate of a trusted CA that is not a CA itself (a web server's) cannot issue a
/// time-stamping certificate that the vault trusts: the authority signing with one is
/// refused, as `openssl verify` refuses the chain.
#[test]
fn a_time_stamping_certificate_issued_by_a_certificate_that_is_no_ca_is_not_trusted() {
    let env = Env::new();
    add_text(&env, "one");
    let real = Authority::good(&env);
    let evil = env.root().join("evil");
    fs::create_dir_all(&evil).unwrap();
    fs::write(
        evil.join("x.cnf"),
        "[web]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n\
         [tsa]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
    )
    .unwrap();
    let ca = real.dir.join("ca.pem");
    let ca_key = real.dir.join("ca.key");
    let (ca, ca_key) = (ca.to_str().unwrap(), ca_key.to_str().unwrap());
    issue(&evil, "web", "/CN=www.example.org", ca, ca_key);
    issue(&evil, "tsa", "/CN=Not a TSA", "web.pem", "web.key");
    // The token carries the whole chain: the web certificate and the CA.
    let chain = [
        fs::read(evil.join("web.pem")).unwrap(),
        fs::read(ca).unwrap(),
    ]
    .concat();
    fs::write(evil.join("ca.pem"), chain).unwrap();
    fs::write(evil.join("serial"), "01\n").unwrap();
    let o = Command::new("openssl")
        .args(["verify", "-CAfile", ca, "-untrusted", "web.pem", "tsa.pem"])
        .current_dir(&evil)
        .output()
        .unwrap();
    assert!(!o.status.success(), "openssl itself refuses the chain");
    let tsa = Authority::start(&evil, "good", "ec");
    add_tsa(&env, "Evil", &tsa.url, Path::new(ca), &[]);
    let before = events(&env);
    let o = env.run(&["timestamp"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is not issued by, a certificate given for it"),
        "{err}"
    );
    assert_eq!(events(&env), before);
}

/// An authority whose clock is set back: its token, older than the one already in the log,
/// is refused; one stored before any honest token makes every event it covers "exist"
/// before it was written, which `audit --verify` flags, and an examiner who trusts only
/// the real authority (`--trust`) sees it prove nothing.
#[test]
fn a_token_older_than_what_it_covers_is_refused_or_flagged_and_an_examiner_chooses_whom_to_trust() {
    let env = Env::new();
    add_text(&env, "one");
    let evil = Authority::start_at(
        &env.root().join("backdated"),
        "good",
        "ec",
        Some("2024-01-01 12:00:00"),
    );
    let real = Authority::good(&env);
    // The thief's authority, configured in the vault: the token dates the log to 2024.
    add_tsa(&env, "Backdated", &evil.url, &evil.ca, &[]);
    env.ok(&["timestamp"]);
    let (code, v) = verification(&env);
    assert_eq!(code, 1, "{v}");
    let flagged = v["flagged"].as_array().unwrap();
    assert!(
        !flagged.is_empty() && flagged.iter().all(|f| f["kind"] == "after"),
        "{v}"
    );
    // An examiner who trusts only the real authority: the token proves nothing.
    let o = env.run(&["audit", "--verify", "--trust", real.ca.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("leads to no trusted certificate: it proves nothing here"),
        "{out}"
    );
    assert!(out.contains("not yet timestamped"), "{out}");
    // With the real authority's token in the log, a later token dated before it is refused.
    env.ok(&[
        "tsa",
        "add",
        "Real",
        &real.url,
        "--cert",
        real.ca.to_str().unwrap(),
    ]);
    env.ok(&["timestamp", "--tsa", "Real"]);
    add_text(&env, "two");
    let before = events(&env);
    let o = env.run(&["timestamp", "--tsa", "Backdated"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("before the newest token already in the log"),
        "{err}"
    );
    assert_eq!(events(&env), before);
    // A token file that is no certificate is refused with what to do.
    let bad = env.input("bad.pem", "nothing");
    let err = env.fails(&["audit", "--verify", "--trust", bad.to_str().unwrap()], 2);
    assert!(err.contains("holds no certificate"), "{err}");
}

/// With two authorities, a bundle carries a token of each over every covered event, so a
/// partner who trusts either can check it.
#[test]
fn a_bundle_carries_a_token_of_each_authority() {
    let hq = Env::new();
    let one = add_text(&hq, "one");
    let a = Authority::start(&hq.root().join("a"), "good", "ec");
    let b = Authority::start(&hq.root().join("b"), "good", "rsa");
    add_tsa(&hq, "A", &a.url, &a.ca, &[]);
    add_tsa(&hq, "B", &b.url, &b.ca, &[]);
    let (partner, key) = partner_of(&hq);
    let bundle = hq.out("b.amanat");
    hq.ok(&["export", "--to", "UN", &one, "-o", bundle.to_str().unwrap()]);
    let m = manifest_of(&bundle, &key, &hq.root().join("open"));
    assert_eq!(m["timestamps"].as_array().unwrap().len(), 2, "{m}");
    let covered = m["records"][0]["timestamps"].as_array().unwrap();
    assert_eq!(covered.len(), 2);
    assert_eq!(covered[0]["entry"], covered[1]["entry"]);
    add_tsa(&partner, "B", &b.url, &b.ca, &[]);
    let v: Value =
        serde_json::from_str(&partner.ok(&["verify", bundle.to_str().unwrap(), "--json"])).unwrap();
    let trusted: Vec<bool> = v["records"][0]["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trusted"].as_bool().unwrap())
        .collect();
    assert_eq!(
        trusted.iter().filter(|t| **t).count(),
        1,
        "only B's is trusted here"
    );
}

/// An export that fails after the authorities answered stores nothing: its tokens go into
/// the log with its own events, or not at all.
#[test]
fn an_export_that_fails_after_the_authority_answered_leaves_the_log_as_it_was() {
    let hq = Env::new();
    // A JPEG that cannot be parsed, so it cannot be cleaned: export refuses it.
    let mut broken = vec![0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10];
    broken.extend_from_slice(b"Exif\0\0garbage-and-no-end");
    let scan = hq.input("scan.jpg", &broken);
    let t = hq.input("t.txt", "testimony");
    let id = hq.add(&[
        "--title",
        "x",
        "--testimony",
        t.to_str().unwrap(),
        scan.to_str().unwrap(),
    ]);
    let tsa = Authority::good(&hq);
    add_tsa(&hq, "Local", &tsa.url, &tsa.ca, &[]);
    let (_partner, _key) = partner_of(&hq);
    let before = events(&hq);
    let out = hq.out("b.amanat");
    let o = hq.run(&["export", "--to", "UN", &id, "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("cannot clean image"), "{err}");
    assert_eq!(
        events(&hq),
        before,
        "no timestamped event without the export"
    );
    assert!(!out.exists());
    assert!(hq.tmp_is_empty());
}
