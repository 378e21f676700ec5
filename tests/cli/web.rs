//! `amanat serve` over HTTP: every refusal of the security requirements, the vault's lock,
//! unlock and lock, the upload streamed into sealing (and every way an upload can lie or
//! break off), reading parts back, and escaping of what records carry. The browser's own
//! run is in `web_browser.rs`.
use std::fs;
use std::time::Duration;

use crate::util::Env;
use crate::web_harness::{Multipart, Server};

fn hex_id(r: &crate::web_harness::Reply) -> String {
    let v: serde_json::Value = serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("{e}: {} {}", r.status, r.text()));
    v["id"].as_str().unwrap().to_owned()
}

#[test]
fn serve_listens_on_this_machine_only_and_says_what_is_wrong() {
    let env = Env::new();
    for addr in ["0.0.0.0", "192.168.1.10", "::"] {
        let err = env.fails(&["serve", "--listen", addr], 2);
        assert!(
            err.contains("loopback") && err.contains("127.0.0.1"),
            "{err}"
        );
    }
    for bad in ["0", "ten", "5d", "25h"] {
        let o = env.run(&["serve", "--idle-lock", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("idle-lock"),
            "{bad}"
        );
    }
    let bare = Env::bare();
    let err = bare.fails(&["serve"], 2);
    assert!(err.contains("amanat init"), "{err}");
}

#[test]
fn every_request_without_the_token_or_from_elsewhere_is_refused() {
    let env = Env::new();
    let mut s = Server::start(&env, &[]);
    // No cookie, no token; a wrong token; a token on a POST.
    assert_eq!(s.raw("GET", "/", &[], b"").status, 403);
    assert_eq!(s.raw("GET", "/records", &[], b"").status, 403);
    assert_eq!(s.raw("GET", "/static/app.js", &[], b"").status, 403);
    let wrong = format!("/?token={}", "0".repeat(64));
    assert_eq!(s.raw("GET", &wrong, &[], b"").status, 403);
    let short = format!("/?token={}", &s.token[..32]);
    assert_eq!(s.raw("GET", &short, &[], b"").status, 403);
    let entry = format!("/?token={}", s.token);
    assert_eq!(s.raw("POST", &entry, &[], b"").status, 403);
    // DNS rebinding: another name for this address, even with the right token.
    for host in [
        "evil.example",
        "evil.example:80",
        &format!("attacker.test:{}", s.host.split(':').nth(1).unwrap()),
        "127.0.0.1",
        "",
    ] {
        let r = s.raw("GET", &entry, &[("Host", host)], b"");
        assert_eq!(r.status, 421, "Host {host:?}");
    }
    // The right token: a session cookie that scripts cannot read, other sites not send,
    // and other servers on this host never see (its path is this run's random prefix).
    s.enter();
    let cookie = s.set_cookie.clone();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(cookie.contains(&format!("Path={}/", s.base)), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(s.get("/").status, 200);
    // Once: the token opens nothing again (history, a process list).
    let again = s.raw("GET", &entry, &[], b"");
    assert_eq!(again.status, 403);
    assert!(again.text().contains("works once"), "{}", again.text());
    // Outside the prefix nothing answers, cookie or not; every page is under it.
    for path in ["//", "//records", "//static/app.js"] {
        assert_eq!(s.call("GET", path, &[], b"").status, 404, "{path}");
    }
    let page = s.get("/").text();
    assert!(
        page.contains(&format!("<base href=\"{}/\">", s.base)),
        "{page}"
    );
    let bogus_cookie = format!("amanat-session={}", "1".repeat(64));
    assert_eq!(
        s.raw("GET", "/", &[("Cookie", &bogus_cookie)], b"").status,
        403
    );
    // From another site, even with the cookie (which SameSite=Strict would withhold).
    let cookie = s.cookie.clone();
    for (k, v) in [
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-site"),
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
    ] {
        let r = s.raw("GET", "/", &[("Cookie", &cookie), (k, v)], b"");
        assert_eq!(r.status, 403, "{k}: {v}");
    }
    let origin = format!("http://{}", s.host);
    let r = s.raw("GET", "/", &[("Cookie", &cookie), ("Origin", &origin)], b"");
    assert_eq!(r.status, 200);
    // A state-changing request without the CSRF token, or with another.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let body = b"passphrase=correct+horse+battery+staple";
    let mut h = vec![("Cookie", cookie.as_str())];
    h.extend_from_slice(&form);
    assert_eq!(s.raw("POST", "/unlock", &h, body).status, 403);
    let other = "2".repeat(64);
    let mut h2 = h.clone();
    h2.push(("X-CSRF-Token", &other));
    assert_eq!(s.raw("POST", "/unlock", &h2, body).status, 403);
    let q = format!("/unlock?csrf={other}");
    assert_eq!(s.raw("POST", &q, &h, body).status, 403);
    assert_eq!(
        s.raw("POST", "/lock", &[("Cookie", &cookie)], b"").status,
        403
    );
    // None of those unlocked anything.
    assert_eq!(s.get("/records").status, 303);
    // Every response, refusals included, carries the policy and is never cached.
    for r in [
        s.raw("GET", "/", &[], b""),
        s.raw("GET", "/", &[("Host", "evil.example")], b""),
        s.get("/"),
        s.get("/static/app.css"),
        s.get("/no/such/page"),
    ] {
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    }
    // No page holds inline script or style, or loads anything from elsewhere.
    let page = s.get("/").text();
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "{page}"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "{page}"
    );
}

#[test]
fn serve_holds_the_vault_lock_locked_or_open_and_the_cli_says_so() {
    let env = Env::new();
    let mut s = Server::start(&env, &[]);
    let in_use = |env: &Env| {
        let err = env.fails(&["list"], 2);
        assert!(err.contains("in use"), "{err}");
    };
    in_use(&env);
    s.enter();
    // A wrong passphrase: back to the form (a redirect, so the browser keeps no form
    // data), which says why, once.
    let r = s.unlock("not the passphrase");
    assert_eq!(r.status, 303);
    let form_page = s.get("/").text();
    assert!(
        form_page.contains("passphrase") && form_page.contains("role=\"alert\""),
        "{form_page}"
    );
    assert!(!s.get("/").text().contains("role=\"alert\""), "shown once");
    in_use(&env);
    assert_eq!(s.unlock(crate::util::PASS).status, 303);
    in_use(&env);
    assert_eq!(s.call("POST", "/lock", &[], b"").status, 303);
    in_use(&env);
    assert_eq!(s.get("/records").status, 303, "locked: back to the form");
    drop(s);
    assert_eq!(
        env.run(&["list"]).status.code(),
        Some(1),
        "opens: an empty vault"
    );
}

#[test]
fn a_record_added_in_the_browser_reads_back_byte_for_byte_and_is_logged() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let scan: Vec<u8> = (0..700_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
    let r = s.add(
        &[
            ("title", "Interview in Almaty"),
            ("tags", "detention, camp"),
            ("witness", "W-0042"),
            ("date", "2024-03-01"),
            ("testimony_text", ""),
        ],
        &[
            (
                "testimony",
                "interview.txt",
                "what the witness saw".as_bytes(),
            ),
            ("attachment", "scan.bin", &scan),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let id = hex_id(&r);
    let list = s.get("/records").text();
    assert!(list.contains("Interview in Almaty") && list.contains(&id));
    let found = s.search("almaty", true);
    assert!(
        found.text().contains(&id) && !found.text().contains("<html"),
        "a fragment"
    );
    let none = s.search("nowhere", false);
    assert!(none.text().contains("0 records"));
    let page = s.get(&format!("/records/{id}")).text();
    assert!(page.contains("scan.bin") && page.contains(&crate::util::sha256_hex(&scan)));
    let got = s.get(&format!("/records/{id}/parts/1"));
    assert_eq!(got.status, 200);
    assert!(got.body == scan, "the part reads back");
    assert_eq!(got.header("content-type"), Some("application/octet-stream"));
    assert!(got
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    let text = s.get(&format!("/records/{id}/parts/0/text")).text();
    assert!(text.contains("what the witness saw"));
    // Not an image: never served as one.
    assert_eq!(s.get(&format!("/records/{id}/parts/1/view")).status, 415);
    assert_eq!(s.get(&format!("/records/{id}/parts/9")).status, 404);
    assert_eq!(s.get(&format!("/records/{}", "ab".repeat(16))).status, 404);
    assert_eq!(s.get("/records/not-an-id").status, 404);
    drop(s);
    // The command line reads the same record, and the custody log names each read.
    let got = env.run(&["get", &id, "scan.bin", "-o", "-"]);
    assert!(got.status.success() && got.stdout == scan);
    let audit = env.ok(&["audit", "--record", &id, "--json"]);
    assert!(audit.matches("the browser").count() >= 2, "{audit}");
    env.ok(&["check"]);
}

#[test]
fn an_upload_that_lies_or_breaks_off_adds_nothing_and_leaves_no_plaintext() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let marker = b"MARKER-upload-9f2c".repeat(4000);
    let title = [("title", "should not exist")];
    // Announces two files, sends one.
    let mut m = Multipart::new();
    m.field("title", b"should not exist");
    m.field(
        "parts",
        br#"[{"kind":"attachment","name":"a.bin"},{"kind":"attachment","name":"b.bin"}]"#,
    );
    m.file("file0", "a.bin", &marker);
    assert_eq!(s.upload(m).status, 422);
    // Sends a file it did not announce, or another than announced.
    let mut m = Multipart::new();
    m.field("title", b"should not exist");
    m.field("parts", br#"[{"kind":"attachment","name":"a.bin"}]"#);
    m.file("file0", "a.bin", &marker);
    m.file("file1", "extra.bin", &marker);
    assert_eq!(s.upload(m).status, 422);
    let mut m = Multipart::new();
    m.field("title", b"should not exist");
    m.field("parts", br#"[]"#);
    m.file("file0", "a.bin", &marker);
    assert_eq!(s.upload(m).status, 400);
    let mut m = Multipart::new();
    m.field("title", b"should not exist");
    m.field("parts", br#"[{"kind":"attachment","name":"a.bin"}]"#);
    m.file("attachment", "a.bin", &marker);
    assert_eq!(s.upload(m).status, 422);
    // Malformed: no list, a bad list, unknown kinds and fields, bad names, bad metadata.
    for (fields, manifest) in [
        (&title[..], None),
        (&title[..], Some("not json")),
        (&title[..], Some(r#"[{"kind":"identity","name":"x"}]"#)),
        (&title[..], Some(r#"[{"kind":"attachment","name":"../x"}]"#)),
        (&title[..], Some(r#"[{"kind":"attachment","name":""}]"#)),
        (
            &title[..],
            Some(r#"[{"kind":"attachment","name":"a"},{"kind":"testimony","name":"t"}]"#),
        ),
        (&[("title", "x"), ("unknown", "y")][..], Some("[]")),
        (&[("title", "  ")][..], Some("[]")),
        (&[("title", "x"), ("date", "2024-13-45")][..], Some("[]")),
    ] {
        let mut m = Multipart::new();
        for (k, v) in fields {
            m.field(k, v.as_bytes());
        }
        if let Some(p) = manifest {
            m.field("parts", p.as_bytes());
        }
        let r = s.upload(m);
        assert_eq!(r.status, 400, "{fields:?} {manifest:?}: {}", r.text());
    }
    // The connection drops in the middle of a file.
    let mut m = Multipart::new();
    m.field("title", b"should not exist");
    m.field("parts", br#"[{"kind":"attachment","name":"a.bin"}]"#);
    m.file("file0", "a.bin", &marker);
    let (ct, mut body) = m.unfinished();
    body.truncate(body.len() - 30_000);
    {
        use std::io::Write;
        let mut t = std::net::TcpStream::connect(&s.host).unwrap();
        let head = format!(
            "POST {}/add HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
            s.base, s.host, s.cookie, s.csrf, body.len() + 100_000
        );
        t.write_all(head.as_bytes()).unwrap();
        t.write_all(&body).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.get("/records").text().contains("0 records"));
    drop(s);
    let o = env.run(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(1), "nothing listed");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    env.ok(&["check"]);
    assert!(files_holding(env.root(), b"MARKER-upload").is_empty());
    // The sealed objects of the failed uploads were deleted (the next open sweeps the rest).
    let objects = walk(&env.vault.join("objects"));
    assert!(objects.is_empty(), "{objects:?}");
}

/// Files below `dir` (the vault, its keyring, the server's TMPDIR, the inputs) that hold
/// `needle`.
pub fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    crate::common::files_below(dir)
        .into_iter()
        .filter(|p| fs::read(p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)))
        .collect()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn what_records_carry_is_escaped_and_direction_controls_are_shown_not_obeyed() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let evil = "<script>alert(1)</script>\"' onmouseover=alert(2) \u{202E}gnp.exe";
    let r = s.add(
        &[
            ("title", evil),
            ("tags", "<b>bold</b>"),
            ("witness", "W\u{2067}<i>x</i>"),
            ("place", "\"><img src=x onerror=alert(3)>"),
            ("note", "a\u{202D}b"),
        ],
        &[(
            "attachment",
            "<img src=x onerror=alert(4)>.png",
            b"\x89PNG\r\n\x1a\nnot really",
        )],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let id = hex_id(&r);
    for path in [
        format!("/records/{id}"),
        "/records".into(),
        "/records?q=alert".into(),
    ] {
        let page = s.get(&path).text();
        for raw in [
            "<script>alert",
            "<img src=x",
            "<b>bold",
            "<i>x",
            "\"' onmouseover",
            "\u{202E}",
            "\u{2067}",
            "\u{202D}",
        ] {
            assert!(!page.contains(raw), "{path} holds {raw:?} unescaped");
        }
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
        assert!(page.contains("[U+202E]"), "{path}: the override is shown");
        assert!(page.contains("<bdi>"), "{path}");
    }
    // The download's name cannot break out of its header.
    let got = s.get(&format!("/records/{id}/parts/0"));
    let d = got.header("content-disposition").unwrap();
    assert!(
        d.starts_with("attachment; filename*=UTF-8''") && !d.contains('<') && !d.contains('"'),
        "{d}"
    );
    // An image type is taken from the bytes, never the name: this one starts as a PNG.
    let v = s.get(&format!("/records/{id}/parts/0/view"));
    assert_eq!(v.header("content-type"), Some("image/png"));
}

#[test]
fn the_vault_locks_itself_after_the_idle_time_and_forgets_its_keys() {
    let env = Env::new();
    let s = Server::unlocked(&env, &["--idle-lock", "2s"]);
    assert_eq!(s.get("/records").status, 200);
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(s.get("/records").status, 200, "activity resets the clock");
    std::thread::sleep(Duration::from_millis(3500));
    let r = s.get("/records");
    assert_eq!(r.status, 303, "locked after 2 s without a request");
    assert_eq!(r.header("location"), Some(format!("{}/", s.base).as_str()));
    assert!(s.get("/").text().contains("Unlock the vault"));
    assert_eq!(s.unlock(crate::util::PASS).status, 303);
    assert_eq!(s.get("/records").status, 200);
}

/// A 2 GiB recording uploaded from the browser streams into sealing: the server stays under
/// 100 MiB of memory, nothing readable reaches the disk, and the part reads back whole.
#[test]
fn a_2_gib_upload_streams_into_sealing_in_under_100_mib() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let len: u64 = 2 << 30;
    // 1 MiB blocks, no two alike, each carrying a marker.
    let mut block: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    block[8..25].copy_from_slice(b"MARKER-big-upload");
    let r = s.add_streamed("a long recording", "recording.wav", len, &block);
    assert_eq!(r.status, 200, "{}", r.text());
    let id = hex_id(&r);
    let peak = s.peak_rss_kib();
    eprintln!("serve's peak RSS over a 2 GiB upload: {} MiB", peak / 1024);
    assert!(peak < 100 * 1024, "serve peaked at {} MiB", peak / 1024);
    drop(s);
    assert!(files_holding(&env.vault, b"MARKER-big-upload").is_empty());
    assert!(files_holding(&env.root().join("tmp"), b"MARKER-big-upload").is_empty());
    let show = env.ok(&["show", &id, "--json"]);
    assert!(
        show.contains(&format!("\"size\": {len}")) || show.contains(&format!("\"size\":{len}")),
        "{show}"
    );
    env.ok(&["check"]);
}

fn form(s: &Server, path: &str, body: &str) -> crate::web_harness::Reply {
    s.call(
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

fn enc(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// The link or action in `page` (relative to the page's `<base>`) that starts with
/// `prefix`, up to its closing quote.
fn link(page: &str, prefix: &str) -> String {
    let at = page
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {page}"));
    page[at..].split('"').next().unwrap().replace("&amp;", "&")
}

/// Headquarters shares a record from its browser; the partner's command line verifies the
/// bundle, and the partner's browser verifies it, shows it, and imports it on request.
#[test]
fn a_record_shared_in_the_browser_is_verified_and_imported_in_another() {
    let hq = Env::new();
    let partner = Env::new();
    let keys = crate::util::keys_json;
    let (pk, hk) = (keys(&partner), keys(&hq));
    let s = Server::unlocked(&hq, &[]);
    let r = s.add(
        &[("title", "Shared <testimony>"), ("witness", "W-7")],
        &[("testimony", "t.txt", b"what happened")],
    );
    let id = hex_id(&r);
    let kept = s.add(&[("title", "Not shared")], &[]);
    assert_eq!(kept.status, 200);
    // No contact yet: the page says to add one. Bad contacts are refused.
    assert!(s
        .get("/records")
        .text()
        .contains("Add a contact with a public key first"));
    assert_eq!(
        form(&s, "/contacts", "name=x&recipient=age1notakey").status,
        422
    );
    assert_eq!(form(&s, "/contacts", "name=&recipient=").status, 422);
    let body = format!(
        "name=partner&recipient={}",
        enc(pk["recipient"].as_str().unwrap())
    );
    assert_eq!(form(&s, "/contacts", &body).status, 303);
    assert!(s.get("/contacts").text().contains("partner"));
    // Nothing ticked, no contact, an unknown contact: refused.
    assert_eq!(form(&s, "/export", "to=partner").status, 400);
    assert_eq!(form(&s, "/export", &format!("id={id}")).status, 400);
    assert_eq!(
        form(&s, "/export", &format!("id={id}&to=nobody")).status,
        422
    );
    // Without the page's script: the report by a redirect, once.
    let r = form(&s, "/export", &format!("id={id}&to=partner"));
    assert_eq!(r.status, 303);
    let page = s.get("/exported").text();
    assert_eq!(s.get("/exported").status, 404);
    assert!(page.contains("Bundle ready"), "{page}");
    let href = format!("/{}", link(&page, "bundles/"));
    let bundle = s.get(&href);
    assert_eq!(bundle.status, 200);
    assert_eq!(s.get(&href).status, 404, "downloaded once, then gone");
    drop(s);
    assert!(
        fs::read_dir(hq.vault.join("tmp")).unwrap().next().is_none(),
        "the bundle left the vault's tmp/"
    );
    let file = partner.input("from-hq.age", &bundle.body);
    partner.ok(&[
        "contact",
        "add",
        "hq",
        "--signing-key",
        hk["signing_key"].as_str().unwrap(),
    ]);
    let verified = partner.ok(&["verify", file.to_str().unwrap(), "--json"]);
    assert!(verified.contains("Shared <testimony>") && !verified.contains("Not shared"));

    // The partner's browser: verify, then import.
    let p = Server::unlocked(&partner, &[]);
    let mut m = Multipart::new();
    m.file("bundle", "from-hq.age", &bundle.body);
    let (ct, b) = m.finish();
    let shown = p
        .call("POST", "/receive", &[("Content-Type", &ct)], &b)
        .text();
    assert!(
        shown.contains("Bundle verified") && shown.contains("Shared &lt;testimony&gt;"),
        "{shown}"
    );
    assert!(
        p.get("/records").text().contains("0 records"),
        "verified, not imported"
    );
    let action = format!("/{}", link(&shown, "receive/"));
    let done = p.call(
        "POST",
        &action,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"",
    );
    assert!(done.text().contains("1 record added"), "{}", done.text());
    assert!(p
        .get("/records")
        .text()
        .contains("Shared &lt;testimony&gt;"));
    assert_eq!(
        p.call("POST", &action, &[], b"").status,
        404,
        "imported once"
    );
    // A file that is no bundle: refused, nothing kept.
    let mut m = Multipart::new();
    m.file("bundle", "junk.age", b"not an age file at all");
    let (ct, b) = m.finish();
    assert_eq!(
        p.call("POST", "/receive", &[("Content-Type", &ct)], &b)
            .status,
        422
    );
    drop(p);
    assert!(fs::read_dir(partner.vault.join("tmp"))
        .unwrap()
        .next()
        .is_none());
    partner.ok(&["check"]);
}

/// Maintenance from the browser: a check with its progress finds damage to an object, the
/// audit log verifies, and shred needs its words typed, then leaves nothing that opens.
#[test]
fn check_audit_and_shred_from_the_browser() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 31) as u8).collect();
    let id = hex_id(&s.add(&[("title", "kept")], &[("attachment", "big.bin", &big)]));
    assert!(s.get("/maintain").text().contains("Check now"));
    let poll = |s: &Server| {
        for _ in 0..100 {
            let r = s.call("GET", "/check", &[("HX-Request", "true")], b"");
            if !r.text().contains("Checking record") {
                return r.text();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the check did not end");
    };
    assert_eq!(s.call("POST", "/check", &[], b"").status, 200);
    let done = poll(&s);
    assert!(
        done.contains("Every record verified") && done.contains("1 record,"),
        "{done}"
    );
    // One byte of the object changed: the check names the record.
    let object = walk(&env.vault.join("objects")).pop().unwrap();
    let mut b = fs::read(&object).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 1;
    fs::write(&object, &b).unwrap();
    s.call("POST", "/check", &[], b"");
    let done = poll(&s);
    assert!(
        done.contains("Damage found") && done.contains(&id),
        "{done}"
    );
    let audit = s.get("/audit").text();
    assert!(
        audit.contains("Verified") && audit.contains("record-added"),
        "{audit}"
    );
    // Shred: not without the words; then the keyring is gone and nothing opens.
    assert!(s.get("/shred").text().contains("destroy the keyring"));
    for typed in ["", "yes", "destroy the keyrin"] {
        let r = form(&s, "/shred", &format!("confirm={}", enc(typed)));
        assert_eq!(r.status, 400, "{typed:?}");
        assert!(env.vault.join("keyring").exists());
    }
    let r = form(&s, "/shred", "confirm=destroy+the+keyring");
    assert!(r.text().contains("Shredded"), "{}", r.text());
    assert!(!env.vault.join("keyring").exists());
    let r = s.get("/records");
    assert_eq!(r.status, 503);
    assert!(s.get("/").text().contains("shredded"));
    let err = env.fails(&["list"], 2);
    assert!(err.contains("keyring"), "{err}");
    drop(s);
}

/// A collector in the browser records, and sees what a collector may: that sealed records
/// exist, their sizes and times, and nothing of what they say.
#[test]
fn a_collector_records_in_the_browser_and_cannot_read_back() {
    let hq = Env::new();
    let hq_key = crate::util::keys_json(&hq);
    let env = Env::bare();
    env.init_collector(&[hq_key["recipient"].as_str().unwrap()]);
    let s = Server::unlocked(&env, &[]);
    let r = s.add(
        &[
            ("title", "Collected ZQXcollect"),
            ("witness", "W-ZQXcollect"),
        ],
        &[
            ("testimony", "t.txt", b"ZQXcollect said"),
            ("attachment", "a.bin", &[7u8; 50_000]),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["next"], "records");
    let id = v["id"].as_str().unwrap().to_owned();
    let list = s.get("/records").text();
    assert!(list.contains(&id[..8]) && list.contains("sealed"), "{list}");
    assert!(
        !list.contains("ZQXcollect") && !list.contains("Search"),
        "{list}"
    );
    assert!(
        !list.contains("/contacts") && !list.contains("Share the ticked"),
        "{list}"
    );
    let page = s.get(&format!("/records/{id}"));
    assert_eq!(page.status, 422);
    assert!(!page.text().contains("ZQXcollect"));
    assert_eq!(s.get(&format!("/records/{id}/parts/0")).status, 422);
    assert_eq!(s.search("ZQXcollect", true).status, 422);
    drop(s);
    assert!(files_holding(env.root(), b"ZQXcollect").is_empty());
}

/// What an outside attack found, each now refused: the identity part fetched by its
/// address, an upload answered by a redirect that looked like success, an invisible
/// character making one witness code look like another, and a shred from the command line
/// while the server held the vault open.
#[test]
fn identities_locked_uploads_invisible_characters_and_a_shred_under_the_server() {
    let env = Env::new();
    let who = env.input("who.txt", "Name: ZQXidentity, phone 123");
    let t = env.input("t.txt", "testimony");
    let id = env.add(&[
        "--title",
        "has an identity",
        "--witness",
        "W\u{200B}2",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
    ]);
    let s = Server::unlocked(&env, &[]);
    let page = s.get(&format!("/records/{id}")).text();
    assert!(page.contains("[U+200B]</span>2"), "{page}");
    // Every other invisible character an outside review tried shows as well.
    for c in [
        '\u{034F}',
        '\u{FE0F}',
        '\u{E0041}',
        '\u{206A}',
        '\u{180B}',
        '\u{1D173}',
        '\u{17B4}',
        '\u{FFA0}',
        '\u{3164}',
        '\u{2800}',
        '\u{115F}',
    ] {
        let r = s.add(
            &[("title", "spoof"), ("witness", &format!("W-001{c}"))],
            &[],
        );
        let page = s.get(&format!("/records/{}", hex_id(&r))).text();
        assert!(
            page.contains(&format!("[U+{:04X}]", c as u32)),
            "{:04X}",
            c as u32
        );
    }
    let n = 1; // the identity part comes after the testimony
    for path in [
        format!("/records/{id}/parts/{n}"),
        format!("/records/{id}/parts/{n}/text"),
    ] {
        let r = s.get(&path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("ZQXidentity"));
    }
    // An upload to a locked vault: a clear refusal the page's script shows, not a redirect.
    assert_eq!(s.call("POST", "/lock", &[], b"").status, 303);
    let r = s.add(&[("title", "while locked")], &[]);
    assert_eq!(r.status, 401);
    assert!(r.text().contains("locked"), "{}", r.text());
    assert_eq!(s.unlock(crate::util::PASS).status, 303);
    // `shred` from the command line does not wait for the server's lock; the server lets go
    // of the vault, its keys wiped, and serves nothing from it.
    env.ok(&["shred", "--yes"]);
    let r = s.get("/records");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(s.get("/").text().contains("shred"));
    assert_eq!(s.get(&format!("/records/{id}/parts/0")).status, 503);
    let err = env.fails(&["list"], 2);
    assert!(err.contains("keyring") && !err.contains("in use"), "{err}");
}

/// A download the browser stopped reading, and an upload that stalled: locking (by the
/// button or the idle time) stops them, and the server goes on answering.
#[test]
fn a_stalled_transfer_neither_keeps_the_vault_open_nor_stops_the_server() {
    use std::io::Write;
    let env = Env::new();
    let s = Server::unlocked(&env, &["--idle-lock", "3s"]);
    let big: Vec<u8> = (0..40_000_000u32)
        .map(|i| (i.wrapping_mul(7919) >> 5) as u8)
        .collect();
    let id = hex_id(&s.add(&[("title", "big")], &[("attachment", "big.bin", &big)]));
    // Downloads nobody reads, more than the server runs at once (the rest are refused as
    // busy), and an upload that stops after its first bytes.
    let stalled: Vec<std::net::TcpStream> = (0..20)
        .map(|_| {
            let mut t = std::net::TcpStream::connect(&s.host).unwrap();
            write!(
                t,
                "GET {}/records/{id}/parts/0 HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
                s.base, s.host, s.cookie
            )
            .unwrap();
            t
        })
        .collect();
    let mut m = Multipart::new();
    m.field("title", b"stalled");
    m.field("parts", br#"[{"kind":"attachment","name":"a.bin"}]"#);
    m.file("file0", "a.bin", &[1u8; 100_000]);
    let (ct, body) = m.unfinished();
    let mut up = std::net::TcpStream::connect(&s.host).unwrap();
    write!(
        up,
        "POST {}/add HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        s.base, s.host, s.cookie, s.csrf, body.len() + 1_000_000
    )
    .unwrap();
    up.write_all(&body).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // Lock while both hang, with pages asked for meanwhile.
    let started = std::time::Instant::now();
    let pages: Vec<_> = (0..3)
        .map(|_| {
            let (host, cookie, base) = (s.host.clone(), s.cookie.clone(), s.base.clone());
            std::thread::spawn(move || {
                let mut t = std::net::TcpStream::connect(&host).unwrap();
                t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                write!(t, "GET {base}/ HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n").unwrap();
                let mut out = String::new();
                let _ = std::io::Read::read_to_string(&mut t, &mut out);
                out
            })
        })
        .collect();
    assert_eq!(s.call("POST", "/lock", &[], b"").status, 303);
    for p in pages {
        let got = p.join().unwrap();
        assert!(
            got.starts_with("HTTP/1.1 200") || got.starts_with("HTTP/1.1 303"),
            "a page hung: {got:?}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "locking waited for the transfers"
    );
    assert!(s.get("/").text().contains("Unlock the vault"));
    assert_eq!(s.get("/records").status, 303, "locked");
    drop((stalled, up));
    // The idle lock does the same on its own.
    assert_eq!(s.unlock(crate::util::PASS).status, 303);
    let mut stalled = std::net::TcpStream::connect(&s.host).unwrap();
    write!(
        stalled,
        "GET {}/records/{id}/parts/0 HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
        s.base, s.host, s.cookie
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        s.get("/records").status,
        303,
        "the idle lock stopped the stalled download"
    );
    drop(stalled);
    drop(s);
    assert!(!env.ok(&["list", "--json"]).contains("stalled"));
}

/// Who the witness is, typed in the page: sealed to the identity custodians as `add
/// --identity` seals it, a witness code made when none was given, and never shown.
#[test]
fn a_witness_identity_typed_in_the_page_is_sealed_apart_and_never_shown() {
    let env = Env::new();
    let s = Server::unlocked(&env, &[]);
    let r = s.add(
        &[
            ("title", "with an identity"),
            ("identity_text", "ZQXname, +7 700 000"),
        ],
        &[],
    );
    let id = hex_id(&r);
    let page = s.get(&format!("/records/{id}")).text();
    assert!(
        page.contains("identity") && !page.contains("ZQXname"),
        "{page}"
    );
    assert!(page.contains("Witness code"), "a code was made: {page}");
    assert_eq!(s.get(&format!("/records/{id}/parts/0")).status, 404);
    let too_long = "x".repeat(17 * 1024);
    let r = s.add(&[("title", "too long"), ("identity_text", &too_long)], &[]);
    assert_eq!(r.status, 400, "{}", r.text());
    drop(s);
    assert!(files_holding(env.root(), b"ZQXname").is_empty());
    let got = env.run(&["get", &id, "identity", "-o", "-"]);
    assert!(
        String::from_utf8_lossy(&got.stdout).contains("ZQXname"),
        "the custodian reads it"
    );
}

/// `search_ids`, which search as you type uses with the list it keeps, finds exactly what
/// `search` finds.
#[test]
fn search_ids_finds_what_search_finds() {
    let env = Env::new();
    for (i, (title, text)) in [
        ("Almaty interview", "the camp near Ürümqi"),
        ("Border crossing", "detained at the border, then the camp"),
        ("Школа", "учитель задержали ночью"),
        ("Letter", "no words in common"),
    ]
    .iter()
    .enumerate()
    {
        let t = env.input(&format!("t{i}.txt"), text);
        env.add(&["--title", title, "--testimony", t.to_str().unwrap()]);
    }
    let v = crate::util::unlocked(&env);
    for q in [
        "camp",
        "CAMP border",
        "ürümqi",
        "урумчи",
        "задерж",
        "almaty camp",
        "nowhere",
        "the",
    ] {
        let mut by_search: Vec<_> = match v.search(q) {
            Ok(s) => s.items.iter().map(|l| l.id).collect(),
            Err(_) => continue,
        };
        let mut by_ids = v.search_ids(q).unwrap();
        by_search.sort();
        by_ids.sort();
        assert_eq!(by_search, by_ids, "{q}");
    }
    assert!(v.search_ids("   ").is_err());
}

/// The text of a scan recognised from the record's page (Tesseract, on this device), found
/// then by search as you type.
#[test]
fn a_scan_recognised_from_its_page_is_found_by_search() {
    let env = Env::new();
    let scan = crate::ocr::page(
        &env,
        "letter.png",
        "Noto Serif 12",
        "The notice from Zhanakorgan district office",
    );
    let id = env.add(&[
        "--title",
        "a letter",
        "--language",
        "en",
        scan.to_str().unwrap(),
    ]);
    let s = Server::unlocked(&env, &[]);
    assert!(!s.search("zhanakorgan", true).text().contains(&id));
    let page = s.get(&format!("/records/{id}")).text();
    assert!(page.contains("Recognise the text of its scans"), "{page}");
    let r = s.call("POST", &format!("/records/{id}/ocr"), &[], b"");
    assert!(
        r.text().contains("Text recognised") && r.text().contains("letter.png"),
        "{}",
        r.text()
    );
    assert!(s.search("zhanakorgan", true).text().contains(&id));
    // Again: nothing new.
    let again = s
        .call("POST", &format!("/records/{id}/ocr"), &[], b"")
        .text();
    assert!(again.contains("Nothing new to recognise"), "{again}");
    assert_eq!(
        s.call("POST", "/records/not-an-id/ocr", &[], b"").status,
        404
    );
}

/// Lock during a long check: the check stops, and the keys go at once, not when it ends.
#[test]
fn lock_stops_a_running_check() {
    let env = Env::new();
    // Enough records to check for seconds (each record's custody is verified).
    let lines: String = (0..30_000)
        .map(|i| format!("{{\"title\":\"record {i}\"}}\n"))
        .collect();
    let jsonl = env.input("many.jsonl", lines);
    env.ok(&["ingest", jsonl.to_str().unwrap()]);
    let s = Server::unlocked(&env, &[]);
    // How long a whole check takes here.
    let started = std::time::Instant::now();
    assert_eq!(s.call("POST", "/check", &[], b"").status, 200);
    while s
        .call("GET", "/check", &[("HX-Request", "true")], b"")
        .text()
        .contains("Checking record")
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let whole = started.elapsed();
    assert_eq!(s.call("POST", "/check", &[], b"").status, 200);
    std::thread::sleep(Duration::from_millis(300));
    let running = s
        .call("GET", "/check", &[("HX-Request", "true")], b"")
        .text();
    assert!(
        running.contains("Checking record"),
        "{}",
        &running[running.find("<main").unwrap_or(0)..]
    );
    let started = std::time::Instant::now();
    assert_eq!(s.call("POST", "/lock", &[], b"").status, 303);
    let took = started.elapsed();
    assert!(s.get("/").text().contains("Unlock the vault"));
    assert!(
        took < whole / 2,
        "Lock waited {took:?} for a check of {whole:?}"
    );
    let page = s.call("GET", "/check", &[], b"");
    assert!(
        page.text().contains("stopped") || page.status == 303,
        "{}",
        page.text()
    );
}

/// A page words a refusal and the detail of an error in its own language, without naming a
/// command-line flag: an empty title, an invalid date in a filter.
#[test]
fn refusals_and_details_on_a_page_are_in_its_language() {
    let env = Env::new();
    let s = Server::unlocked(&env, &["--lang", "ru"]);
    let en = |id: &str| amanat::i18n::lookup(amanat::i18n::Lang::En, id).unwrap();
    let ru = |id: &str| amanat::i18n::lookup(amanat::i18n::Lang::Ru, id).unwrap();
    let r = s.add(&[("title", " ")], &[]);
    assert_eq!(r.status, 400, "{}", r.text());
    let page = r.text();
    assert!(page.contains(&ru("refusal-empty-title")), "{page}");
    assert!(!page.contains(&en("refusal-empty-title")), "{page}");
    let r = s.get("/records?since=2024-13-45");
    assert_eq!(r.status, 400, "{}", r.text());
    let page = r.text();
    assert!(page.contains("2024-13-45"), "{page}");
    assert!(!page.contains("invalid date"), "{page}");
}

/// A record's persons, consent, verification, timeline and linked parts are on its page,
/// escaped like everything a record carries.
#[test]
fn a_records_page_shows_its_case_escaped() {
    let env = Env::new();
    let t = env.input("t.txt", "testimony");
    let en = env.input("en.txt", "translation");
    let r = age::x25519::Identity::generate().to_public().to_string();
    env.ok(&["contact", "add", "<b>Partner</b>", "--recipient", &r]);
    let id = env.add(&[
        "--title",
        "Described",
        "--witness",
        "W-1",
        "--testimony",
        t.to_str().unwrap(),
        en.to_str().unwrap(),
        "--person",
        "V-7:victim",
        "--relation",
        "W-1:sibling:V-7",
        "--consent",
        "share",
        "--share-with",
        "<b>Partner</b>",
        "--consent-how",
        "oral",
    ]);
    let other = env.add(&[
        "--title",
        "Other",
        "--testimony",
        t.to_str().unwrap(),
        "--person",
        "V-7:victim",
    ]);
    env.ok(&[
        "case",
        "status",
        &other,
        "V-7",
        "detained",
        "--date",
        "2018-04",
        "--place",
        "<i>camp</i>",
    ]);
    env.ok(&[
        "case",
        "verify",
        &id,
        "corroborated",
        "--by",
        "R-1",
        "--why",
        "<script>alert(1)</script>",
    ]);
    env.ok(&[
        "case",
        "link",
        &id,
        "en.txt",
        "--translation-of",
        "testimony",
        "--language",
        "en",
    ]);
    let plain = env.add(&["--title", "Plain", "--testimony", t.to_str().unwrap()]);
    let s = Server::unlocked(&env, &[]);
    let page = s.get(&format!("/records/{id}")).text();
    for want in [
        "Persons, consent and verification",
        "V-7",
        "victim",
        "is the sibling of",
        "&lt;b&gt;Partner&lt;/b&gt;",
        "given orally",
        "corroborated",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "detained",
        "&lt;i&gt;camp&lt;/i&gt;",
        "translation of [0]",
        &format!("href=\"records/{other}\""),
    ] {
        assert!(page.contains(want), "{want:?} is not on the page");
    }
    for raw in ["<script>alert", "<b>Partner", "<i>camp"] {
        assert!(!page.contains(raw), "{raw:?} unescaped");
    }
    // A record without any of it has no such section.
    let page = s.get(&format!("/records/{plain}")).text();
    assert!(!page.contains("Persons, consent and verification"));
}

/// Consent recorded in the add form: the form offers the vault's contacts, a record whose
/// consent covers one goes to it from the share page, with the CSV for Uwazi if ticked, and
/// the report counts records sent without consent. Bad consent adds nothing.
#[test]
fn consent_given_in_the_browser_lets_a_record_go_and_a_csv_with_it() {
    let hq = Env::new();
    let partner = Env::new();
    let pk = crate::util::keys_json(&partner);
    let hk = crate::util::keys_json(&hq);
    let recipient = pk["recipient"].as_str().unwrap();
    hq.ok(&["contact", "add", "<i>partner</i>", "--recipient", recipient]);
    partner.ok(&[
        "contact",
        "add",
        "hq",
        "--signing-key",
        hk["signing_key"].as_str().unwrap(),
    ]);
    let s = Server::unlocked(&hq, &[]);
    let page = s.get("/add").text();
    assert!(
        page.contains("name=\"share_with\" value=\"&lt;i&gt;partner&lt;/i&gt;\""),
        "{page}"
    );
    let before = hq.state();
    for bad in [
        vec![("consent", "share")],
        vec![("consent", "publish"), ("share_with", "<i>partner</i>")],
        vec![("consent", "everyone")],
        vec![("consent", "publish"), ("consent_how", "telepathy")],
        vec![("consent", "publish"), ("consent_date", "2024-02-30")],
        vec![("consent", "share"), ("share_with", "stranger")],
    ] {
        let mut fields = vec![("title", "Refused")];
        fields.extend(bad.iter().copied());
        let r = s.add(&fields, &[("testimony", "t.txt", b"text")]);
        assert!(
            r.status == 400 || r.status == 422,
            "{bad:?}: {} {}",
            r.status,
            r.text()
        );
    }
    assert!(hq.state() == before, "a refused add changed the vault");
    let r = s.add(
        &[
            ("title", "Consented"),
            ("consent", "share"),
            ("share_with", "<i>partner</i>"),
            ("consent_how", "written"),
            ("consent_date", "2024-03-04"),
            ("consent_by", "I-2"),
        ],
        &[("testimony", "t.txt", b"what happened")],
    );
    let id = hex_id(&r);
    let unrecorded = hex_id(&s.add(&[("title", "Unrecorded")], &[]));
    let to = enc("<i>partner</i>");
    let r = form(
        &s,
        "/export",
        &format!("id={id}&id={unrecorded}&to={to}&csv=1"),
    );
    assert_eq!(r.status, 303);
    let page = s.get("/exported").text();
    assert!(
        page.contains("One record went without any consent recorded."),
        "{page}"
    );
    let bundle = s.get(&format!("/{}", link(&page, "bundles/")));
    assert_eq!(bundle.status, 200);
    drop(s);
    let shown = json_of(&hq.ok(&["show", &id, "--json"]));
    assert_eq!(
        shown["case"]["consent"],
        serde_json::json!({"scope": "share", "organisations": ["<i>partner</i>"],
            "how": "written", "given": "2024-03-04", "recorded_by": "I-2"})
    );
    let file = partner.input("from-hq.age", &bundle.body);
    let v = partner.ok(&["verify", file.to_str().unwrap()]);
    assert!(v.contains("import.csv"), "{v}");
    assert_eq!(
        json_of(&partner.ok(&["verify", file.to_str().unwrap(), "--json"]))["csv"],
        true
    );
}

fn json_of(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}
