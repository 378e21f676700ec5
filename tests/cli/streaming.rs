//! Requirement 3: large parts stream in bounded memory, with no plaintext on disk.
use std::fs;

use crate::util::*;

#[test]
fn a_2_gib_attachment_adds_reads_exports_and_imports_in_under_100_mib_of_rss() {
    let env = Env::new();
    let size: u64 = 2 << 30;
    let input = env.root().join("in/huge.mov");
    // Sparse: costs no disk, reads as zeros, with some real bytes at both ends.
    let f = fs::File::create(&input).unwrap();
    f.set_len(size).unwrap();
    drop(f);
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = fs::OpenOptions::new().write(true).open(&input).unwrap();
        f.write_all(b"head of the recording").unwrap();
        f.seek(SeekFrom::Start(size - 4)).unwrap();
        f.write_all(b"tail").unwrap();
    }
    let mut add = env.cmd();
    add.args(["add", "--title", "huge", input.to_str().unwrap()]);
    let (out, peak_kib) = run_measuring_rss(add);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(peak_kib < 100 * 1024, "add peaked at {peak_kib} KiB");
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(env.tmp_is_empty());

    let v: serde_json::Value = serde_json::from_str(&env.ok(&["show", &id, "--json"])).unwrap();
    assert_eq!(v["parts"][0]["size"], size);

    let dest = env.out("huge.mov");
    let mut get = env.cmd();
    get.args(["get", &id, "huge.mov", "-o", dest.to_str().unwrap()]);
    let (out, peak_kib) = run_measuring_rss(get);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(peak_kib < 100 * 1024, "get peaked at {peak_kib} KiB");
    assert_eq!(fs::metadata(&dest).unwrap().len(), size);
    // get verified the SHA-256 itself; spot-check both ends too.
    let mut f = fs::File::open(&dest).unwrap();
    let mut head = [0u8; 21];
    std::io::Read::read_exact(&mut f, &mut head).unwrap();
    assert_eq!(&head, b"head of the recording");
    fs::remove_file(&dest).unwrap();
    fs::remove_file(&input).unwrap();

    // A bundle holding it exports and imports in bounded memory too.
    let partner = Env::new();
    let pk: serde_json::Value = serde_json::from_str(&partner.ok(&["keys", "--json"])).unwrap();
    let hk: serde_json::Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
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
        hk["signing_key"].as_str().unwrap(),
    ]);
    let bundle = env.out("huge.amanat");
    let mut export = env.cmd();
    export.args(["export", "--to", "P", &id, "-o", bundle.to_str().unwrap()]);
    let (out, peak_kib) = run_measuring_rss(export);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(peak_kib < 100 * 1024, "export peaked at {peak_kib} KiB");
    let mut import = partner.cmd();
    import.args(["import", bundle.to_str().unwrap(), "--from", "HQ"]);
    let (out, peak_kib) = run_measuring_rss(import);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(peak_kib < 100 * 1024, "import peaked at {peak_kib} KiB");
    fs::remove_file(&bundle).unwrap();
    let list: serde_json::Value = serde_json::from_str(&partner.ok(&["list", "--json"])).unwrap();
    assert_eq!(list[0]["parts"][0]["size"], size);
    assert!(partner.tmp_is_empty());
}

/// The object files Amanat writes are standard age files: an HQ backup key given at init
/// (an age key, or an ssh-ed25519 key) opens them with the real `age` CLI.
#[test]
fn objects_open_with_the_real_age_cli_for_every_extra_recipient() {
    use std::process::Command;
    let env = Env::bare();
    let dir = env.root().join("hq");
    let (recipient, ssh_pub) = outside_keys(&dir);
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--recipient",
        &recipient,
        "--recipient",
        &ssh_pub,
    ]);
    // Sizes around the 64 KiB chunk boundary and a larger one.
    let mut seen = Vec::new();
    for size in [65_536usize, 65_537, 300_000] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let p = env.input(&format!("scan-{size}.bin"), &data);
        env.add(&["--title", "scan", p.to_str().unwrap()]);
        let objects = crate::common::files_below(&env.vault.join("objects"));
        let new: Vec<_> = objects.iter().filter(|o| !seen.contains(*o)).collect();
        assert_eq!(new.len(), 1, "one new object");
        let newest = new[0].clone();
        seen.push(newest.clone());
        for identity in ["key.txt", "id"] {
            let o = Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(dir.join(identity))
                .arg(&newest)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "age -d -i {identity}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            // The part, then its padding (FORMAT.md, "Padding"): `head -c SIZE` with the
            // size `show` gives recovers it.
            let n = crate::traces::padded_len(size as u64) as usize;
            assert_eq!(o.stdout.len(), n, "{identity}: size {size}");
            assert!(o.stdout[..size] == data[..], "{identity}: size {size}");
            assert_eq!(o.stdout[size], 0x80);
            assert!(o.stdout[size + 1..].iter().all(|&b| b == 0));
        }
    }
}

/// An import holds a part of a bundle's records at a time, not all of them until its end:
/// each few hundred records go to the journal as frames of one group as soon as they are
/// checked, and the group commits when the whole bundle has verified. 1,000 records of
/// 14 KB of notes and 20 KB of testimony each: holding them all until the end (as read, as
/// sealed bodies and catalog entries, as journal frames) took 160 MiB in this debug build,
/// 115 MiB now (most of it sled's, while the group's transactions commit).
#[test]
fn an_import_of_many_records_holds_a_part_of_them_at_a_time() {
    let (hq, partner) = (Env::new(), Env::new());
    introduce(&hq, &partner, "P");
    let note = "ж".repeat(7_000);
    let text = hq.input("t.txt", "свидетель ".repeat(2_000));
    let lines: String = (0..1000)
        .map(|i| {
            let r = serde_json::json!({"title": format!("T{i}"), "note": note, "testimony": text});
            r.to_string() + "\n"
        })
        .collect();
    let f = hq.input("many.jsonl", lines);
    hq.ok(&["ingest", f.to_str().unwrap()]);
    let bundle = hq.out("many.amanat");
    hq.ok(&[
        "export",
        "--to",
        "P",
        "--all",
        "-o",
        bundle.to_str().unwrap(),
    ]);
    let mut import = partner.cmd();
    import.args(["import", bundle.to_str().unwrap(), "--from", "HQ", "--json"]);
    let (out, peak_kib) = run_measuring_rss(import);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 1000);
    assert!(peak_kib < 136 * 1024, "import peaked at {peak_kib} KiB");
    partner.ok(&["check"]);
    let list: serde_json::Value = serde_json::from_str(&partner.ok(&["list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1000);
    assert!(partner.tmp_is_empty());
}

/// A command that reads a whole database larger than sled's cache (here `rebuild
/// --journal`, which copies every tree into the journal in key order) holds about the cache
/// and what it writes, not the database: sled 0.34 as published evicted a page only when
/// its shard had queued 64 accesses, and a scan touches each leaf about once, so it kept
/// nearly every leaf it read (vendor/sled/AMANAT.md).
#[test]
fn a_scan_of_a_database_larger_than_the_cache_holds_about_the_cache() {
    let env = Env::new();
    env.ingest_long_testimonies(12_000);
    let db: u64 = fs::read_dir(env.vault.join("db"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(
        db > 150 << 20,
        "the database is {db} bytes, not larger than the bound"
    );
    let mut rewrite = env.cmd();
    rewrite.args(["rebuild", "--journal"]);
    let (out, peak_kib) = run_measuring_rss(rewrite);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        peak_kib < 160 * 1024,
        "the rewrite peaked at {peak_kib} KiB"
    );
    // An erasure copies the database, flushing the copy as it goes (more than 32 MiB).
    let list: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_owned();
    env.ok(&["rm", &id]);
    env.ok(&["check"]);
    let list: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 11_999);
    assert!(env.tmp_is_empty());
}
