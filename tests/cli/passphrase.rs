//! Choosing a passphrase: weak ones refused unless allowed (and then logged), generated
//! ones offered at the prompt, a duress passphrase that cannot be the real one.
use std::fs;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::*;

const WEAK: &str = "abc";
const FLAG: &str = "--allow-weak-passphrase";

fn audit(env: &Env, pass: Option<&str>) -> Vec<serde_json::Value> {
    let out = match pass {
        Some(p) => {
            let o = with_pass(env, p, &["audit", "--json"]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8(o.stdout).unwrap()
        }
        None => env.ok(&["audit", "--json"]),
    };
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn event<'a>(log: &'a [serde_json::Value], kind: &str) -> &'a serde_json::Value {
    log.iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {log:?}"))
}

fn keyring(env: &Env) -> Vec<u8> {
    fs::read(env.vault.join("keyring")).unwrap()
}

/// The refusal says how weak, and every way out.
fn assert_weak_refusal(err: &str) {
    assert!(err.contains("about 10^"), "{err}");
    assert!(err.contains("at least 10^10"), "{err}");
    assert!(err.contains("several random words"), "{err}");
    assert!(err.contains("Enter"), "{err}");
    assert!(err.contains(FLAG), "{err}");
}

#[test]
fn init_refuses_a_weak_passphrase_and_leaves_no_vault() {
    let env = Env::bare();
    fs::write(&env.pass, format!("{WEAK}\n")).unwrap();
    let err = env.fails(&["init", "--kdf-work-factor", "10"], 2);
    assert_weak_refusal(&err);
    // zxcvbn's own warning for "abc".
    assert!(err.contains("easy to guess"), "{err}");
    assert!(!env.vault.exists(), "a refused init left {:?}", env.vault);
    // Nor does it write a keyring kept elsewhere.
    let kr = env.root().join("usb").join("keyring");
    let o = env
        .cmd()
        .arg("--keyring")
        .arg(&kr)
        .args(["init", "--kdf-work-factor", "10"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!kr.exists() && !env.root().join("usb").exists());
    assert!(!env.vault.exists());
}

#[test]
fn init_accepts_a_weak_passphrase_when_allowed_and_the_custody_log_says_so() {
    let env = Env::bare();
    fs::write(&env.pass, format!("{WEAK}\n")).unwrap();
    env.ok(&["init", "--kdf-work-factor", "10", FLAG]);
    let log = audit(&env, None);
    let created = event(&log, "vault-created");
    assert_eq!(created["details"]["weak_passphrase"], true, "{created}");
    // Only the boolean: no estimate, no passphrase.
    let keys: Vec<&String> = created["details"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["collector", "vault", "weak_passphrase"]);
    assert!(!serde_json::to_string(&log).unwrap().contains("\"abc\""));
    env.ok(&["audit", "--verify"]);
    assert!(env.ok(&["audit"]).contains("weak passphrase"));
    // The log of an ordinary vault does not carry the detail at all.
    let strong = Env::new();
    let log = audit(&strong, None);
    let created = event(&log, "vault-created");
    assert!(
        created["details"].get("weak_passphrase").is_none(),
        "{created}"
    );
    assert!(!strong.ok(&["audit"]).contains("weak passphrase"));
}

#[test]
fn a_weak_vaults_records_travel_and_verify_as_any_others() {
    let env = Env::bare();
    fs::write(&env.pass, format!("{WEAK}\n")).unwrap();
    env.ok(&["init", "--kdf-work-factor", "10", FLAG]);
    let t = env.input("t.txt", "a testimony");
    let id = env.add(&["--title", "kept", "--testimony", t.to_str().unwrap()]);
    let partner = Env::new();
    let pk: serde_json::Value = serde_json::from_str(&partner.ok(&["keys", "--json"])).unwrap();
    let mk: serde_json::Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
    env.ok(&[
        "contact",
        "add",
        "partner",
        "--recipient",
        pk["recipient"].as_str().unwrap(),
        "--signing-key",
        pk["signing_key"].as_str().unwrap(),
    ]);
    partner.ok(&[
        "contact",
        "add",
        "field",
        "--signing-key",
        mk["signing_key"].as_str().unwrap(),
    ]);
    let b = env.out("b.amanat");
    env.ok(&["export", &id, "--to", "partner", "-o", b.to_str().unwrap()]);
    partner.ok(&["verify", b.to_str().unwrap()]);
    partner.ok(&["import", b.to_str().unwrap()]);
    partner.ok(&["audit", "--verify"]);
    env.ok(&["audit", "--verify"]);
    env.ok(&["check"]);
}

fn passwd_from(env: &Env, new: &str, extra: &[&str]) -> std::process::Output {
    let np = env.input("newpass", format!("{new}\n"));
    env.cmd()
        .args(["passwd", "--kdf-work-factor", "10", "--new-passphrase-file"])
        .arg(np)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn passwd_refuses_a_weak_passphrase_and_leaves_the_keyring_as_it_was() {
    let env = Env::new();
    let before = env.state();
    let o = passwd_from(&env, WEAK, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_weak_refusal(&err);
    assert_eq!(env.state(), before);
    assert!(with_pass(&env, WEAK, &["keys"]).status.code() == Some(2));
    // Allowed: changed, and logged.
    let o = passwd_from(&env, WEAK, &[FLAG]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = audit(&env, Some(WEAK));
    let ev = event(&log, "passphrase-changed");
    assert_eq!(ev["details"], serde_json::json!({"weak_passphrase": true}));
    assert!(with_pass(&env, WEAK, &["audit", "--verify"])
        .status
        .success());
    // A strong one again: the new event has no detail.
    let np = env.input("strong", format!("{PASS}\n"));
    let o = env
        .cmd()
        .arg("--passphrase-file")
        .arg(env.input("weak", format!("{WEAK}\n")))
        .args(["passwd", "--kdf-work-factor", "10", "--new-passphrase-file"])
        .arg(np)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = audit(&env, None);
    assert_eq!(
        event(&log, "passphrase-changed")["details"],
        serde_json::json!({})
    );
}

fn duress_from(env: &Env, duress: &str, extra: &[&str]) -> std::process::Output {
    let dp = env.input("duresspass", duress);
    env.cmd()
        .args(["duress", "set", "--duress-passphrase-file"])
        .arg(dp)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn duress_set_refuses_a_weak_duress_passphrase_unless_allowed() {
    let env = Env::new();
    let before = keyring(&env);
    let o = duress_from(&env, &format!("{WEAK}\n"), &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_weak_refusal(&err);
    assert_eq!(keyring(&env), before);
    assert!(!env.ok(&["audit", "--json"]).contains("duress-set"));

    let o = duress_from(&env, &format!("{WEAK}\n"), &[FLAG]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = audit(&env, None);
    assert_eq!(
        event(&log, "duress-set")["details"],
        serde_json::json!({"weak_passphrase": true})
    );
    env.ok(&["audit", "--verify"]);
    // The decoy it opens looks like a vault made with a weak passphrase allowed, as its
    // passphrase is: its log does not tell it apart by the missing detail.
    let log = audit(&env, Some(WEAK));
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["details"]["weak_passphrase"], true, "{log:?}");
}

#[test]
fn the_decoy_of_a_strong_duress_passphrase_logs_no_weakness() {
    let env = Env::new();
    set_duress(&env);
    let log = audit(&env, Some(DURESS));
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0]["details"].get("weak_passphrase").is_none(),
        "{log:?}"
    );
}

#[test]
fn duress_set_refuses_the_vaults_own_passphrase() {
    let env = Env::new();
    let before = keyring(&env);
    // The same passphrase, also with a Windows line ending (the line is what counts).
    for text in [format!("{PASS}\n"), format!("{PASS}\r\n"), PASS.to_owned()] {
        let o = duress_from(&env, &text, &[]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("must differ from the vault's passphrase"),
            "{err}"
        );
        assert_eq!(keyring(&env), before);
    }
    assert!(!env.ok(&["audit", "--json"]).contains("duress-set"));
}

#[test]
fn passwd_refuses_the_duress_passphrase_as_the_new_one() {
    // Both slots would then open with one passphrase, and which one a later unlock takes
    // (the real vault or the decoy that destroys it) would depend on the slot order.
    let env = Env::new();
    set_duress(&env);
    let before = keyring(&env);
    let o = passwd_from(&env, DURESS, &[]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("is the duress passphrase"), "{err}");
    assert_eq!(keyring(&env), before);
    // The real vault is intact and still opens with its passphrase.
    env.ok(&["audit", "--verify"]);
}

#[test]
fn an_empty_line_in_a_passphrase_file_is_refused_and_never_generates() {
    let env = Env::bare();
    fs::write(&env.pass, "\nsecond line\n").unwrap();
    let err = env.fails(&["init", "--kdf-work-factor", "10"], 2);
    assert!(
        err.contains("first line") && err.contains("is empty"),
        "{err}"
    );
    assert!(err.contains("without --passphrase-file"), "{err}");
    assert!(!env.vault.exists());
    // An empty file too.
    fs::write(&env.pass, "").unwrap();
    let err = env.fails(&["init", "--kdf-work-factor", "10"], 2);
    assert!(err.contains("is empty"), "{err}");
    assert!(!env.vault.exists());

    let env = Env::new();
    let before = env.state();
    // Opening a vault: nothing to generate, so nothing said about generating.
    let empty = env.input("empty", "\n");
    let err = env.fails(&["--passphrase-file", empty.to_str().unwrap(), "list"], 2);
    assert!(err.contains("is empty"), "{err}");
    assert!(!err.contains("generated"), "{err}");
    for args in [
        &["passwd", "--new-passphrase-file"][..],
        &["duress", "set", "--duress-passphrase-file"],
    ] {
        let empty = env.input("empty", "\n");
        let mut a: Vec<&str> = args.to_vec();
        a.push(empty.to_str().unwrap());
        let err = env.fails(&a, 2);
        assert!(err.contains("is empty"), "{args:?}: {err}");
        assert!(err.contains("without --"), "{args:?}: {err}");
        assert_eq!(env.state(), before);
    }
}

/// `amanat` on a pseudo-terminal made by util-linux `script`, typed into as a person would.
struct Pty {
    child: Child,
    stdin: ChildStdin,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    fn spawn(env: &Env, args: &[&str]) -> Pty {
        let bin = assert_cmd::cargo::cargo_bin("amanat");
        let mut line = format!("'{}' --vault '{}'", bin.display(), env.vault.display());
        for a in args {
            assert!(!a.contains('\''));
            line.push_str(&format!(" '{a}'"));
        }
        let mut child = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("AMANAT_PASSPHRASE_FILE")
            .env_remove("AMANAT_VAULT")
            .env_remove("AMANAT_KEYRING")
            .env("TMPDIR", env.root().join("tmp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux)");
        let stdin = child.stdin.take().unwrap();
        let mut out = child.stdout.take().unwrap();
        let screen = Arc::new(Mutex::new(Vec::new()));
        let s2 = screen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s2.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            stdin,
            screen,
            reader: Some(reader),
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the terminal shows `text` (the `nth` time, from 1).
    fn wait_for(&self, text: &str, nth: usize) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.matches(text).count() >= nth {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the terminal never showed {text:?}: {s:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_line(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\r").as_bytes())
            .unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits for the exit; returns its code and everything the terminal showed.
    fn finish(mut self) -> (Option<i32>, String) {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // Everything the terminal showed, to the end of the pipe.
                self.reader.take().unwrap().join().unwrap();
                return (st.code(), self.screen());
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = self.child.kill();
                panic!("amanat did not finish: {:?}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The generated passphrase the terminal shows: the one line made of listed words only.
fn shown_passphrase(screen: &str) -> String {
    let list = amanat::vault::passphrase::words();
    let found: Vec<&str> = screen
        .lines()
        .map(str::trim)
        .filter(|l| {
            let w: Vec<&str> = l.split('-').collect();
            w.len() > 1 && w.iter().all(|x| list.contains(x))
        })
        .collect();
    assert_eq!(found.len(), 1, "one generated passphrase shown: {screen:?}");
    let words: Vec<&str> = found[0].split('-').collect();
    assert_eq!(words.len(), 8, "{found:?}");
    found[0].to_owned()
}

#[test]
fn an_empty_answer_at_the_prompt_generates_a_passphrase_that_then_opens_the_vault() {
    let env = Env::bare();
    let mut pty = Pty::spawn(&env, &["init", "--kdf-work-factor", "10"]);
    pty.wait_for("New passphrase", 1);
    pty.type_line("");
    let screen = pty.wait_for("Type it", 1);
    assert!(screen.contains("Write it down"), "{screen:?}");
    assert!(screen.contains("apart from this device"), "{screen:?}");
    let generated = shown_passphrase(&screen);
    pty.type_line(&generated);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.contains("Created a vault"), "{screen:?}");
    // Shown once only.
    assert_eq!(screen.matches(&generated).count(), 1, "{screen:?}");
    // It opens the vault; the log does not call it weak.
    let o = with_pass(&env, &generated, &["audit", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(log[0]["details"].get("weak_passphrase").is_none());
    // And nothing else does.
    assert_eq!(with_pass(&env, PASS, &["keys"]).status.code(), Some(2));

    // passwd: the same offer, and the new generated passphrase replaces it.
    let pfile = env.input("gen", format!("{generated}\n"));
    let mut pty = Pty::spawn(
        &env,
        &[
            "--passphrase-file",
            pfile.to_str().unwrap(),
            "passwd",
            "--kdf-work-factor",
            "10",
        ],
    );
    pty.wait_for("New passphrase", 1);
    pty.type_line("");
    let screen = pty.wait_for("Type it", 1);
    let second = shown_passphrase(&screen);
    assert_ne!(second, generated);
    pty.type_line(&second);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(with_pass(&env, &second, &["keys"]).status.success());
    assert_eq!(
        with_pass(&env, &generated, &["keys"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_generated_passphrase_typed_back_wrong_creates_nothing() {
    let env = Env::bare();
    let mut pty = Pty::spawn(&env, &["init", "--kdf-work-factor", "10"]);
    pty.wait_for("New passphrase", 1);
    pty.type_line("");
    let screen = pty.wait_for("Type it", 1);
    let generated = shown_passphrase(&screen);
    pty.type_line(&generated.replacen('-', " ", 1));
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(2), "{screen:?}");
    assert!(
        screen.contains("not the generated passphrase; nothing was changed"),
        "{screen:?}"
    );
    assert!(!env.vault.exists());
}

#[test]
fn a_weak_passphrase_typed_at_the_prompt_is_refused_before_it_is_repeated() {
    let env = Env::bare();
    let mut pty = Pty::spawn(&env, &["init", "--kdf-work-factor", "10"]);
    pty.wait_for("New passphrase", 1);
    pty.type_line(WEAK);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(2), "{screen:?}");
    assert_weak_refusal(&screen);
    assert!(!screen.contains("Repeat"), "{screen:?}");
    assert!(!env.vault.exists());
}

#[test]
fn duress_set_offers_a_generated_duress_passphrase_at_the_prompt() {
    let env = Env::new();
    let mut pty = Pty::spawn(
        &env,
        &[
            "--passphrase-file",
            env.pass.to_str().unwrap(),
            "duress",
            "set",
        ],
    );
    pty.wait_for("Duress passphrase", 1);
    pty.type_line("");
    let screen = pty.wait_for("Type it", 1);
    let generated = shown_passphrase(&screen);
    pty.type_line(&generated);
    let (code, screen) = pty.finish();
    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.contains("Duress passphrase set"), "{screen:?}");
    // The real passphrase still opens the real vault; the generated one opens the decoy.
    assert!(env.ok(&["audit", "--json"]).contains("duress-set"));
    let o = with_pass(&env, &generated, &["list", "--json"]);
    // An empty vault: nothing listed (exit 1), no error.
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
}

#[test]
fn init_over_an_existing_vault_says_so_before_asking_for_a_passphrase() {
    let env = Env::new();
    // Not "too weak", not a generated passphrase to write down for nothing.
    fs::write(&env.pass, format!("{WEAK}\n")).unwrap();
    let err = env.fails(&["init", "--kdf-work-factor", "10"], 2);
    assert!(err.contains("already exists"), "{err}");
    let mut pty = Pty::spawn(&env, &["init", "--kdf-work-factor", "10"]);
    let (code, screen) = pty_finish_without_typing(&mut pty);
    assert_eq!(code, Some(2), "{screen:?}");
    assert!(screen.contains("already exists"), "{screen:?}");
    assert!(!screen.contains("New passphrase"), "{screen:?}");
}

fn pty_finish_without_typing(pty: &mut Pty) -> (Option<i32>, String) {
    let start = Instant::now();
    loop {
        if let Some(st) = pty.child.try_wait().unwrap() {
            pty.reader.take().unwrap().join().unwrap();
            return (st.code(), pty.screen());
        }
        if pty.screen().contains("New passphrase") || start.elapsed() > Duration::from_secs(60) {
            let _ = pty.child.kill();
            let _ = pty.child.wait();
            return (None, pty.screen());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
