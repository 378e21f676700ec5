//! What a partner's stock tools (`tar xz`, `sha256sum -c`, `ssh-keygen -Y verify`) extract
//! from a bundle is what Amanat imports (FORMAT.md 13.1, 13.5): a tar that GNU tar and the
//! tar crate would read differently is refused, and the gzip writer's stream is one GNU
//! gzip takes. Found by a hostile review of manifest version 6, each case first shown to get
//! through.
use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

use serde_json::Value;

use crate::forged::{hex_id, Forged, Receiver};
use crate::util::*;

/// One raw tar header block: `name` (at most 100 bytes), the 12 bytes of the size field as
/// given (so a test can write what a genuine writer never does), the type, the magic and
/// version (8 bytes), and the ustar prefix; the checksum as every reader computes it.
fn raw_header(name: &[u8], size: &[u8], typ: u8, magic: &[u8; 8], prefix: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..124 + size.len()].copy_from_slice(size);
    h[136..148].copy_from_slice(b"14621327020\0");
    h[156] = typ;
    h[257..265].copy_from_slice(magic);
    h[345..345 + prefix.len()].copy_from_slice(prefix);
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

const GNU: &[u8; 8] = b"ustar  \0";

fn octal(n: usize) -> Vec<u8> {
    format!("{n:011o}\0").into_bytes()
}

fn padded(b: &[u8]) -> Vec<u8> {
    let mut v = b.to_vec();
    v.resize(b.len().div_ceil(512) * 512, 0);
    v
}

/// A regular entry as a genuine writer makes it (paths here are under 100 bytes).
fn entry(path: &str, bytes: &[u8]) -> Vec<u8> {
    assert!(path.len() <= 100);
    let mut v = raw_header(path.as_bytes(), &octal(bytes.len()), b'0', GNU, b"");
    v.extend(padded(bytes));
    v
}

/// The files of a version 6 bundle of `recs` in their order, the manifest and its signature
/// (by Mallory) first.
fn v6_files(r: &Receiver, bundle: &str, recs: Vec<Forged>) -> Vec<(String, Vec<u8>)> {
    let (manifest, entries) = crate::forged_v6::v6_draft(r, bundle, recs);
    let text = serde_json::to_vec_pretty(&manifest).unwrap();
    let sig = r.mallory.sign("amanat-bundle-v1", &text);
    let mut all = vec![
        ("MANIFEST.json".to_owned(), text),
        ("MANIFEST.json.sig".to_owned(), sig.into_bytes()),
    ];
    all.extend(entries);
    all
}

/// A record of one testimony, `title`, in a bundle of its own: its id and the bundle's files.
fn one_record(r: &Receiver, title: &str) -> (String, Vec<(String, Vec<u8>)>) {
    let (id, bundle) = (hex_id(), hex_id());
    let words: &[u8] = b"Words.";
    let rec = r
        .mallory
        .record(&id, &bundle, title, &[("testimony", "t.txt", words)]);
    let files = v6_files(r, &bundle, vec![rec]);
    (id, files)
}

fn seal(r: &Receiver, plain: &[u8]) -> PathBuf {
    let to = age::x25519::Recipient::from_str(&r.recipient).unwrap();
    let out = r.env.out(&format!("a2-{}.amanat", hex_id()));
    fs::write(&out, age::encrypt(&to, plain).unwrap()).unwrap();
    out
}

/// What a partner does with the bundle's plaintext (README, "For partners", after `age -d`):
/// `tar xz` into an empty directory, then every check. Returns the directory, or why a
/// check failed.
fn partner_checks(r: &Receiver, gz: &[u8]) -> Result<PathBuf, String> {
    let dir = r.env.root().join(format!("partner-{}", hex_id()));
    fs::create_dir(&dir).unwrap();
    let sh = |script: &str| -> Result<String, String> {
        let o = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(&dir)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        match o.status.success() {
            true => Ok(all),
            false => Err(format!("{script}: {all}")),
        }
    };
    fs::write(dir.join("plain.gz"), gz).unwrap();
    fs::write(
        dir.join("allowed_signers"),
        format!("mallory {}\n", r.mallory.line),
    )
    .unwrap();
    fs::create_dir(dir.join("b")).unwrap();
    sh("tar xz -C b < plain.gz")?;
    let v = sh(
        "ssh-keygen -Y verify -f allowed_signers -I mallory -n amanat-bundle-v1 \
                -s b/MANIFEST.json.sig < b/MANIFEST.json",
    )?;
    if !v.contains("Good \"amanat-bundle-v1\" signature") {
        return Err(v);
    }
    let n = sh("grep -c \"$(sha256sum b/SHA256SUMS | cut -d' ' -f1)\" b/MANIFEST.json")?;
    if n.trim() != "1" {
        return Err(n);
    }
    sh("cd b && sha256sum -c SHA256SUMS")?;
    let odd = sh("find b ! -type d ! -type f")?;
    if !odd.is_empty() {
        return Err(odd);
    }
    sh("(cd b && find . -type f | cut -c3- | sort) > present")?;
    let d = sh(
        "(cut -c67- b/SHA256SUMS; printf '%s\\n' SHA256SUMS MANIFEST.json MANIFEST.json.sig) \
                | sort | diff - present",
    )?;
    if !d.is_empty() {
        return Err(d);
    }
    Ok(dir.join("b"))
}

/// The tar crate read a size field `+12` as octal (10 bytes: Rust's `u64::from_str_radix`
/// takes a leading `+`), GNU tar as the obsolete base-64 of tar 1.13.6 (3,446 bytes), with a
/// warning but exit status 0. So one signed bundle held two tars: what Amanat read ended at
/// its end-of-archive, after which came a second bundle with its own signed manifest, which
/// GNU tar reached by skipping over Amanat's end and extracted over the first. Every check
/// the README gives passed on the partner's machine, and the partner read another testimony
/// than the one Amanat imported. Now refused, and so is the same done with a lone zero block
/// (after which GNU tar reads on, with a warning).
#[test]
fn a_bundle_holding_a_second_tar_for_gnu_tar_is_refused() {
    let r = Receiver::new();
    let m = &r.mallory;
    let (id, bundle) = (hex_id(), hex_id());
    let amanat_sees: &[u8] = b"He was ok."; // 10 bytes: octal 12
    let partner_sees: &[u8] = b"He was taken to the camp at Ghulja and beaten.";
    let a = m.record(
        &id,
        &bundle,
        "Released unharmed",
        &[("testimony", "t.txt", amanat_sees)],
    );
    let b = m.record(
        &id,
        &bundle,
        "Tortured in detention",
        &[("testimony", "t.txt", partner_sees)],
    );
    let first = v6_files(&r, &bundle, vec![a]);
    let second = v6_files(&r, &bundle, vec![b]);

    let mut tar = Vec::new();
    let (last, head) = first.split_last().unwrap();
    for (p, bytes) in head {
        tar.extend(entry(p, bytes));
    }
    // The last file of what Amanat reads, whose size GNU tar reads as 3,446 (7 blocks).
    assert_eq!(last.1.len(), 10);
    tar.extend(raw_header(last.0.as_bytes(), b"+12\0", b'0', GNU, b""));
    tar.extend(padded(&last.1));
    // Amanat's end of archive, inside what GNU tar takes as that file's data.
    tar.extend([0u8; 6 * 512]);
    // The bundle GNU tar reads on from here.
    for (p, bytes) in &second {
        tar.extend(entry(p, bytes));
    }
    tar.extend([0u8; 1024]);
    let gz = gzip(&tar);

    // The partner: every check of the README passes, on the second bundle.
    let b_dir = partner_checks(&r, &gz).expect("the partner's checks pass");
    let seen = fs::read(b_dir.join(format!("records/{id}/parts/t.txt"))).unwrap();
    assert_eq!(seen, partner_sees);
    let rec: Value =
        serde_json::from_slice(&fs::read(b_dir.join(format!("records/{id}/record.json"))).unwrap())
            .unwrap();
    assert_eq!(rec["title"], "Tortured in detention");

    // Amanat refuses it.
    r.refuses(&seal(&r, &gz), "a size field not in plain octal");
    // The same two bundles with a plain size, and a lone zero block between them for GNU
    // tar to read on past: refused for what follows the tar's end.
    let mut tar = Vec::new();
    for (p, bytes) in &first {
        tar.extend(entry(p, bytes));
    }
    tar.extend([0u8; 512]);
    for (p, bytes) in &second {
        tar.extend(entry(p, bytes));
    }
    tar.extend([0u8; 1024]);
    r.refuses(&seal(&r, &gzip(&tar)), "data after the end of its tar");
}

/// GNU tar joins a header's ustar `prefix` whenever its magic is `ustar\0`, whatever its
/// version field; the tar crate only when the version is `00`. Amanat imported a bundle
/// whose `SHA256SUMS` GNU tar extracts to `records/<id>/parts/SHA256SUMS`; now refused.
#[test]
fn a_ustar_prefix_gnu_tar_would_join_is_refused() {
    let r = Receiver::new();
    let (id, files) = one_record(&r, "Prefixed");
    let mut tar = Vec::new();
    for (p, bytes) in &files {
        if p == "SHA256SUMS" {
            let prefix = format!("records/{id}/parts");
            let h = raw_header(
                p.as_bytes(),
                &octal(bytes.len()),
                b'0',
                b"ustar\0\0\0",
                prefix.as_bytes(),
            );
            tar.extend(h);
            tar.extend(padded(bytes));
        } else {
            tar.extend(entry(p, bytes));
        }
    }
    tar.extend([0u8; 1024]);
    let gz = gzip(&tar);
    let listed = Command::new("sh")
        .arg("-c")
        .arg("tar tz")
        .stdin(
            fs::File::open({
                let p = r.env.out("prefixed.gz");
                fs::write(&p, &gz).unwrap();
                p
            })
            .unwrap(),
        )
        .output()
        .unwrap();
    let names = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        names.contains(&format!("records/{id}/parts/SHA256SUMS")),
        "{names}"
    );
    let why = partner_checks(&r, &gz).expect_err("the partner's checks fail");
    assert!(why.contains("SHA256SUMS"), "{why}");
    r.refuses(&seal(&r, &gz), "a ustar header of another version");
}

/// GNU tar takes a GNU long name as a C string in the blocks it read, so it runs on past the
/// size the `L` header announces into the block's padding until a NUL; the raw reader stops
/// at the announced size. A long name `records/<id>/parts/t.txt` whose padding holds `.sh`
/// was imported by Amanat as `t.txt` and is extracted by `tar xz` as `t.txt.sh`; now
/// refused: a long name must end with its NUL.
#[test]
fn a_long_name_gnu_tar_would_read_into_its_padding_is_refused() {
    let r = Receiver::new();
    let (id, files) = one_record(&r, "Padded");
    let mut tar = Vec::new();
    let part = format!("records/{id}/parts/t.txt");
    for (p, bytes) in &files {
        if *p == part {
            tar.extend(raw_header(
                b"././@LongLink",
                &octal(p.len()),
                b'L',
                GNU,
                b"",
            ));
            tar.extend(padded(format!("{p}.sh").as_bytes()));
            tar.extend(raw_header(b"t", &octal(bytes.len()), b'0', GNU, b""));
            tar.extend(padded(bytes));
        } else {
            tar.extend(entry(p, bytes));
        }
    }
    tar.extend([0u8; 1024]);
    let gz = gzip(&tar);
    let why = partner_checks(&r, &gz).expect_err("the partner's checks fail");
    assert!(why.contains("t.txt"), "{why}");
    let dir = r.env.root().join("listing");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("p.gz"), &gz).unwrap();
    let l = Command::new("tar")
        .args(["tzf", "p.gz"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&l.stdout).contains(&format!("{part}.sh")));
    r.refuses(&seal(&r, &gz), "a long name without its NUL");
}

/// The gzip writer at its edges: an empty attachment between texts (a level switch with
/// nothing at the new level), switches back to back, attachments of exactly 64 KiB and one
/// byte either side (a stored block holds at most 65,535 bytes), and one of several
/// megabytes; GNU `gzip -t` and `tar tz` take the stream, and the partner imports it.
#[test]
fn the_gzip_writer_makes_a_stream_gnu_gzip_takes_at_its_edges() {
    let hq = Env::new();
    let partner = Env::new();
    let test_key = age::x25519::Identity::generate();
    let keys = |e: &Env| -> Value { serde_json::from_str(&e.ok(&["keys", "--json"])).unwrap() };
    let pr = keys(&partner)["recipient"].as_str().unwrap().to_owned();
    hq.ok(&[
        "contact",
        "add",
        "UN",
        "--recipient",
        &pr,
        "--recipient",
        &test_key.to_public().to_string(),
    ]);
    let sig = keys(&hq)["signing_key"].as_str().unwrap().to_owned();
    partner.ok(&["contact", "add", "HQ", "--signing-key", &sig]);
    let noise = |n: usize, seed: u32| -> Vec<u8> {
        (0..n as u32)
            .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect()
    };
    let t = hq.input("t.txt", "They took my father at night. ".repeat(200));
    let mut args: Vec<String> = vec![
        "--title".into(),
        "Edges".into(),
        "--testimony".into(),
        t.to_str().unwrap().into(),
    ];
    for (i, n) in [0usize, 65_535, 65_536, 65_537, 0, 131_072, 5 << 20]
        .into_iter()
        .enumerate()
    {
        let p = hq.input(&format!("a{i}.bin"), noise(n, i as u32));
        args.push(p.to_str().unwrap().into());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    hq.add(&a);
    // A record whose only part is empty, and one with a text only: switches back to back.
    let e = hq.input("empty.bin", b"");
    hq.add(&["--title", "Only empty", e.to_str().unwrap()]);
    let t2 = hq.input("t2.txt", "x");
    hq.add(&["--title", "One byte", "--testimony", t2.to_str().unwrap()]);
    let out = hq.out("edges.amanat");
    hq.ok(&["export", "--all", "--to", "UN", "-o", out.to_str().unwrap()]);
    let plain = age::decrypt(&test_key, &fs::read(&out).unwrap()).unwrap();
    assert_eq!(&plain[..2], &[0x1f, 0x8b]);
    let gz = hq.out("edges.tar.gz");
    fs::write(&gz, &plain).unwrap();
    let t = Command::new("gzip").arg("-t").arg(&gz).output().unwrap();
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let l = Command::new("tar").arg("tzf").arg(&gz).output().unwrap();
    assert!(
        l.status.success() && l.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&l.stderr)
    );
    let d = Command::new("gzip").arg("-dc").arg(&gz).output().unwrap();
    assert!(d.status.success());
    assert!(d.stdout == bundle_tar(&plain));
    partner.ok(&["import", out.to_str().unwrap(), "--from", "HQ"]);
    let listed = partner.ok(&["list"]);
    assert!(
        listed.contains("Edges") && listed.contains("Only empty"),
        "{listed}"
    );
}
