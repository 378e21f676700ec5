//! An import that writes its records to the journal as it reads the bundle (FORMAT.md 10,
//! 15.3): what a helper's review of it found, and what held up, kept as tests. Imports of
//! a few records go to the journal a few at a time here (`AMANAT_RECORDS_AT_ONCE`), and
//! `AMANAT_PAUSE_AT` holds one at a named point while `serve` answers other requests.
use std::fs;
use std::time::{Duration, Instant};

use crate::util::Env;
use crate::web_harness::{Multipart, Server};

/// `serve` on `partner` with records going to the journal two at a time in frames of
/// 4 KiB, paused at `point` (the pause's directory comes back with it).
fn paused_server(partner: &Env, point: &str) -> (std::sync::Arc<Server>, tempfile::TempDir) {
    let pause = tempfile::tempdir().unwrap();
    let pd = pause.path().to_str().unwrap().to_owned();
    let s = Server::unlocked_with_env(
        partner,
        &[],
        &[
            ("AMANAT_GROUP_FRAME_BYTES", "4096"),
            ("AMANAT_RECORDS_AT_ONCE", "2"),
            ("AMANAT_PAUSE_AT", point),
            ("AMANAT_PAUSE_DIR", &pd),
        ],
    );
    (std::sync::Arc::new(s), pause)
}

/// Imports (the verified upload `action`) on a thread of its own; its page comes back.
fn import_on_a_thread(
    s: &std::sync::Arc<Server>,
    action: String,
) -> std::thread::JoinHandle<String> {
    let s = s.clone();
    std::thread::spawn(move || {
        s.call(
            "POST",
            &action,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"",
        )
        .text()
    })
}

fn link(page: &str, prefix: &str) -> String {
    let at = page
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {page}"));
    page[at..].split('"').next().unwrap().replace("&amp;", "&")
}

/// Uploads `bundle` to `/receive` (a verify) and returns the import action.
fn received(s: &Server, bundle: &[u8]) -> String {
    let mut m = Multipart::new();
    m.file("bundle", "b.age", bundle);
    let (ct, b) = m.finish();
    let shown = s
        .call("POST", "/receive", &[("Content-Type", &ct)], &b)
        .text();
    assert!(shown.contains("Bundle verified"), "{shown}");
    format!("/{}", link(&shown, "receive/"))
}

fn wait_for(path: &std::path::Path) {
    let t = Instant::now();
    while !path.exists() {
        assert!(t.elapsed() < Duration::from_secs(60), "never reached");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// While a group of frames commits, one transaction a frame, `serve` may show the records of
/// the frames committed so far (FORMAT.md 15.3 says so); what it must not show is a false
/// alarm: the log's head comes in the group's last frame, and the audit page verified the
/// log in between and said its newest events were altered. The verification (and `check`)
/// now holds the audit log, which the commit holds until it has committed.
#[test]
fn the_audit_page_waits_for_a_group_committing_and_raises_no_false_alarm() {
    let (_hq, partner, bundle) = crate::journal::partner_with_bundle();
    let (s, pause) = paused_server(&partner, "group-frame-committed");
    let action = received(&s, &fs::read(&bundle).unwrap());
    let importing = import_on_a_thread(&s, action);
    wait_for(&pause.path().join("reached"));
    let s3 = s.clone();
    let audit = std::thread::spawn(move || s3.get("/audit").text());
    std::thread::sleep(Duration::from_secs(2));
    if audit.is_finished() {
        let page = audit.join().unwrap();
        let at = page.find("<main").unwrap_or(0);
        panic!("the audit page did not wait: {}", &page[at..]);
    }
    fs::write(pause.path().join("go"), b"").unwrap();
    let imported = importing.join().unwrap();
    let audit = audit.join().unwrap();
    assert!(imported.contains("6 records added"), "{imported}");
    assert!(!audit.contains("broken"), "{audit}");
    drop(s);
    partner.ok(&["check"]);
}

/// Two imports of one bundle at once in `serve` (uploaded twice, imported from two tabs):
/// each decided which records were new before it took the audit log, so the second added
/// every record again over the first's (the index listed each twice, the log's chain broke,
/// the first's objects were left behind). Which records are here is now read under the log.
#[test]
fn two_imports_of_one_bundle_at_once_in_serve_add_its_records_once() {
    let (_hq, partner, bundle) = crate::journal::partner_with_bundle();
    let (s, pause) = paused_server(&partner, "group-first-frame-written");
    let bytes = fs::read(&bundle).unwrap();
    let a1 = received(&s, &bytes);
    let a2 = received(&s, &bytes);
    let first = import_on_a_thread(&s, a1);
    wait_for(&pause.path().join("reached"));
    let second = import_on_a_thread(&s, a2);
    // Let the second read the manifest and decide what is new; it then waits for the log.
    std::thread::sleep(Duration::from_secs(3));
    fs::write(pause.path().join("go"), b"").unwrap();
    let (t1, t2) = (first.join().unwrap(), second.join().unwrap());
    let added = |t: &str| {
        ["6 records added", "0 records added", "already"]
            .into_iter()
            .filter(|p| t.contains(p))
            .collect::<Vec<_>>()
    };
    drop(s);
    let (one, other) = (added(&t1), added(&t2));
    assert!(
        one.contains(&"6 records added") && other.contains(&"0 records added")
            || other.contains(&"6 records added") && one.contains(&"0 records added"),
        "{one:?} {other:?}"
    );
    let objects = crate::util::files_below(&partner.vault.join("objects")).len();
    let list: serde_json::Value = serde_json::from_str(&partner.ok(&["list", "--json"])).unwrap();
    let audit = partner.ok(&["audit"]);
    let imported = audit.matches("bundle-imported").count();
    assert_eq!(list.as_array().unwrap().len(), 6);
    assert_eq!(objects, 6, "one scan a record");
    assert_eq!(imported, 1, "the bundle was imported twice");
    partner.ok(&["check"]);
}

/// A genuine bundle without `import.csv` whose record has an attachment named with a `|`
/// (which the CSV cannot hold) imports: the import writes the CSV of the records only when
/// the bundle carries one to compare (a first version wrote it for every bundle and called
/// this one tampered).
#[test]
fn a_bundle_without_csv_imports_a_record_whose_file_name_holds_a_bar() {
    let (hq, partner) = (Env::new(), Env::new());
    crate::util::introduce(&hq, &partner, "P");
    let t = hq.input("t.txt", "what happened");
    let scan = hq.input("scan|1.jpg", "not really a jpeg");
    hq.add(&[
        "--title",
        "a bar in a name",
        "--testimony",
        t.to_str().unwrap(),
        scan.to_str().unwrap(),
    ]);
    let b = hq.out("b.amanat");
    hq.ok(&["export", "--to", "P", "--all", "-o", b.to_str().unwrap()]);
    let o = partner.run(&["import", b.to_str().unwrap(), "--from", "HQ"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The open index segment across the parts of one import: a partner whose open segment
/// is partly full imports 300 records a few at a time, so that segments fill up between
/// parts; every record must be in the index once, and found.
#[test]
fn an_import_in_parts_fills_index_segments_and_every_record_is_found() {
    let (hq, partner) = (Env::new(), Env::new());
    crate::util::introduce(&hq, &partner, "P");
    for i in 0..100 {
        partner.add(&["--title", &format!("local{i} zzlocal")]);
    }
    let lines: String = (0..300)
        .map(|i| {
            let r = serde_json::json!({"title": format!("T{i} word{i} common"), "note": "x ".repeat(300)});
            r.to_string() + "\n"
        })
        .collect();
    let f = hq.input("many.jsonl", lines);
    let o = hq.run(&["ingest", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let b = hq.out("b.amanat");
    hq.ok(&["export", "--to", "P", "--all", "-o", b.to_str().unwrap()]);
    let o = partner
        .cmd()
        .env("AMANAT_RECORDS_AT_ONCE", "7")
        .env("AMANAT_GROUP_FRAME_BYTES", "4096")
        .args(["import", b.to_str().unwrap(), "--from", "HQ"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    partner.ok(&["check"]);
    assert_eq!(
        crate::util::titles(&partner, &["search", "common"]).len(),
        300
    );
    assert_eq!(
        crate::util::titles(&partner, &["search", "zzlocal"]).len(),
        100
    );
    for i in [0, 150, 155, 299] {
        assert_eq!(
            crate::util::titles(&partner, &["search", &format!("word{i}")]).len(),
            1,
            "word{i}"
        );
    }
}

/// While an import holds the journal and the audit log (paused after its group's first
/// frame), the browser adds a record with a large attachment (its object's pending mark
/// syncs under `holding`) and reads a part (logged). Nothing deadlocks: both finish once
/// the import does, and the vault checks clean.
#[test]
fn serve_add_and_read_during_a_held_import_finish_after_it() {
    let (_hq, partner, bundle) = crate::journal::partner_with_bundle();
    partner.add(&["--title", "already here"]);
    let (s, pause) = paused_server(&partner, "group-first-frame-written");
    let action = received(&s, &fs::read(&bundle).unwrap());
    let importing = import_on_a_thread(&s, action);
    wait_for(&pause.path().join("reached"));
    let s2 = s.clone();
    let adding = std::thread::spawn(move || {
        let big: Vec<u8> = (0..400_000u32).map(|i| (i * 7) as u8).collect();
        let r = s2.add(
            &[("title", "added meanwhile")],
            &[("attachment", "big.bin", &big)],
        );
        r.status
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(s.get("/records").status, 200, "a read during the import");
    assert!(!adding.is_finished(), "the add did not wait for the import");
    fs::write(pause.path().join("go"), b"").unwrap();
    let imported = importing.join().unwrap();
    let status = adding.join().unwrap();
    assert!(imported.contains("6 records added"), "{imported}");
    assert_eq!(status, 200);
    drop(s);
    partner.ok(&["check"]);
    assert!(partner.tmp_is_empty());
}
