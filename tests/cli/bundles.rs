//! Sealed bundles: export, standard tools, redaction, verification and import.
use std::fs;
use std::io::Read;
use std::process::Command;
use std::str::FromStr;

use crate::util::*;

const SCAN: &[u8] = include_bytes!("../../src/cli/sample/detention-notice.jpg");

/// A sender (HQ), a partner vault that knows HQ, and a key the test holds that every bundle
/// to the partner is also sealed to, so tests can open and rebuild bundles.
struct World {
    hq: Env,
    partner: Env,
    test_key: age::x25519::Identity,
    partner_recipient: String,
}

fn keys_json(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap()
}

impl World {
    fn new() -> World {
        let hq = Env::new();
        let partner = Env::new();
        let test_key = age::x25519::Identity::generate();
        let partner_recipient = keys_json(&partner)["recipient"]
            .as_str()
            .unwrap()
            .to_owned();
        let test_r = test_key.to_public().to_string();
        hq.ok(&[
            "contact",
            "add",
            "UN",
            "--recipient",
            &partner_recipient,
            "--recipient",
            &test_r,
        ]);
        let sig = keys_json(&hq)["signing_key"].as_str().unwrap().to_owned();
        partner.ok(&["contact", "add", "HQ", "--signing-key", &sig]);
        World {
            hq,
            partner,
            test_key,
            partner_recipient,
        }
    }

    /// Adds a record with a testimony, the sample scan (with EXIF GPS) and a blob.
    fn add_sample(&self, witness: &str) -> String {
        let t = self
            .hq
            .input("testimony.txt", "They took my father at night.");
        let scan = self.hq.input("scan.jpg", SCAN);
        let blob: Vec<u8> = (0..150_000u32).map(|i| (i % 199) as u8).collect();
        let rec = self.hq.input("recording.ogg", &blob);
        self.hq.add(&[
            "--title",
            &format!("Testimony of the teacher {witness}"),
            "--witness",
            witness,
            "--tag",
            "camp",
            "--testimony",
            t.to_str().unwrap(),
            scan.to_str().unwrap(),
            rec.to_str().unwrap(),
        ])
    }

    fn export(&self, args: &[&str]) -> std::path::PathBuf {
        let out = self.hq.out(&format!(
            "b{}.amanat",
            amanat::crypto::random_bytes::<4>()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ));
        let mut a = vec!["export", "--to", "UN", "-o", out.to_str().unwrap()];
        a.extend_from_slice(args);
        self.hq.ok(&a);
        out
    }

    /// The bundle's tar, decrypted with the test key (and uncompressed).
    fn plaintext(&self, bundle: &std::path::Path) -> Vec<u8> {
        bundle_tar(&age::decrypt(&self.test_key, &fs::read(bundle).unwrap()).unwrap())
    }

    /// Seals tar bytes, compressed as export compresses them, to the partner (as anyone who
    /// knows its public key could).
    fn reseal(&self, tar: &[u8]) -> std::path::PathBuf {
        self.reseal_plain(&gzip(tar))
    }

    /// Seals a plaintext as it is to the partner.
    fn reseal_plain(&self, plain: &[u8]) -> std::path::PathBuf {
        let r = age::x25519::Recipient::from_str(&self.partner_recipient).unwrap();
        let out = self.hq.out("tampered.amanat");
        fs::write(&out, age::encrypt(&r, plain).unwrap()).unwrap();
        out
    }
}

/// The entries of a tar: (path, bytes, type).
fn entries(tar: &[u8]) -> Vec<(String, Vec<u8>, tar::EntryType)> {
    let mut a = tar::Archive::new(tar);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let p = e.path().unwrap().to_string_lossy().into_owned();
            let t = e.header().entry_type();
            let mut v = Vec::new();
            e.read_to_end(&mut v).unwrap();
            (p, v, t)
        })
        .collect()
}

fn build(list: &[(String, Vec<u8>, tar::EntryType)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (p, v, t) in list {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(*t);
        h.set_mode(0o644);
        h.set_size(if *t == tar::EntryType::Regular {
            v.len() as u64
        } else {
            0
        });
        if *t == tar::EntryType::Symlink {
            b.append_link(&mut h, p, "/etc/passwd").unwrap();
        } else {
            // Raw path bytes, so tests can write paths the builder would refuse.
            h.as_gnu_mut().unwrap().name[..p.len()].copy_from_slice(p.as_bytes());
            h.set_cksum();
            b.append(&h, &v[..]).unwrap();
        }
    }
    b.into_inner().unwrap()
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

#[test]
fn partner_without_amanat_opens_and_checks_a_bundle_with_age_tar_ssh_keygen_and_sha256sum() {
    let w = World::new();
    // This partner has only an age key file and an ssh key, no Amanat.
    let dir = w.hq.root().join("partner-tools");
    let (recipient, ssh_pub) = outside_keys(&dir);
    w.hq.ok(&[
        "contact",
        "add",
        "Lawyers",
        "--recipient",
        &recipient,
        "--recipient",
        &ssh_pub,
    ]);
    w.add_sample("W-17");
    let bundle = w.hq.out("for-lawyers.amanat");
    w.hq.ok(&[
        "export",
        "--to",
        "Lawyers",
        "--all",
        "-o",
        bundle.to_str().unwrap(),
    ]);

    let sh = |script: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{script}\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    sh(&format!(
        "mkdir x && age -d -i key.txt {} | tar xz -C x",
        bundle.display()
    ));
    sh(&format!(
        "mkdir y && age -d -i id {} | tar xz -C y",
        bundle.display()
    ));
    let signers =
        w.hq.ok(&["keys"])
            .lines()
            .find(|l| l.starts_with("allowed_signers:"))
            .unwrap()[16..]
            .trim()
            .to_owned();
    fs::write(dir.join("allowed_signers"), format!("{signers}\n")).unwrap();
    let principal = signers.split_whitespace().next().unwrap();
    let out = sh(&format!(
        "cd x && ssh-keygen -Y verify -f ../allowed_signers -I {principal} -n amanat-bundle-v1 -s MANIFEST.json.sig < MANIFEST.json"
    ));
    assert!(out.contains("Good \"amanat-bundle-v1\" signature"), "{out}");
    let out = sh("cd x && sha256sum -c SHA256SUMS && grep -c \"$(sha256sum SHA256SUMS | cut -d' ' -f1)\" MANIFEST.json");
    assert!(
        out.contains("scan.jpg: OK") && out.trim_end().ends_with('1'),
        "{out}"
    );
    // A changed manifest no longer verifies with ssh-keygen.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("cd x && sed 's/scan.jpg/scan.png/' MANIFEST.json | ssh-keygen -Y verify -f ../allowed_signers -I {principal} -n amanat-bundle-v1 -s MANIFEST.json.sig"))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn export_redacts_witness_codes_and_image_metadata_by_default() {
    let w = World::new();
    w.add_sample("W-SECRET-17");
    let bundle = w.export(&["--all"]);
    let plain = w.plaintext(&bundle);
    assert!(
        !contains(&plain, b"W-SECRET-17"),
        "original witness code in the bundle"
    );
    assert!(
        !contains(&plain, b"SampleCam") && !contains(&plain, b"FieldPhone"),
        "EXIF in the bundle"
    );
    let files = entries(&plain);
    assert_eq!(files[0].0, "MANIFEST.json");
    assert_eq!(files[1].0, "MANIFEST.json.sig");
    let manifest = tar_manifest(&plain);
    let rec = &manifest["records"][0];
    let pseudo = rec["witness"].as_str().unwrap();
    assert!(pseudo.starts_with("P-"));
    let scan = rec["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "scan.jpg")
        .unwrap();
    assert_eq!(scan["original_sha256"], sha256_hex(SCAN));
    let cleaned = &files.iter().find(|f| f.0.ends_with("/scan.jpg")).unwrap().1;
    assert_eq!(scan["sha256"], sha256_hex(cleaned));
    // The cleaned image decodes to exactly the same pixels.
    let px = |b: &[u8]| jpeg_decoder::Decoder::new(b).decode().unwrap();
    assert_eq!(px(cleaned), px(SCAN));
    // Same partner, same pseudonym; another partner, another one.
    let again = w.plaintext(&w.export(&["--all"]));
    let m2 = tar_manifest(&again);
    assert_eq!(m2["records"][0]["witness"], pseudo);
    let other = age::x25519::Identity::generate();
    w.hq.ok(&[
        "contact",
        "add",
        "Journalists",
        "--recipient",
        &other.to_public().to_string(),
    ]);
    let ob = w.hq.out("j.amanat");
    w.hq.ok(&[
        "export",
        "--to",
        "Journalists",
        "--all",
        "-o",
        ob.to_str().unwrap(),
    ]);
    let op = bundle_tar(&age::decrypt(&other, &fs::read(&ob).unwrap()).unwrap());
    let m3 = tar_manifest(&op);
    assert_ne!(m3["records"][0]["witness"], pseudo);
    assert_ne!(
        m3["records"][0]["id"], manifest["records"][0]["id"],
        "per-partner record ids"
    );
    // --keep-metadata keeps the original bytes.
    let kept = w.plaintext(&w.export(&["--all", "--keep-metadata"]));
    assert!(contains(&kept, b"SampleCam"));
}

#[test]
fn export_warns_when_a_testimony_names_its_witness_code() {
    let w = World::new();
    let t = w.hq.input("t.txt", "I am W-77 and I saw it.");
    let id = w.hq.add(&[
        "--title",
        "x",
        "--witness",
        "W-77",
        "--testimony",
        t.to_str().unwrap(),
    ]);
    let out = w.hq.out("x.amanat");
    let o =
        w.hq.run(&["export", "--to", "UN", &id, "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.contains("names a code of its record"),
        "{err}"
    );
    // A person's code, in any case, in a transcript's text or in a file's name.
    let plain = w.hq.input("p.txt", "nothing to see");
    let tr = w.hq.input("tr.txt", "my brother v-8 was taken");
    let named = w.hq.input("V-8_interview.ogg", "audio");
    let id = w.hq.add(&[
        "--title",
        "y",
        "--testimony",
        plain.to_str().unwrap(),
        tr.to_str().unwrap(),
        named.to_str().unwrap(),
        "--person",
        "V-8:victim",
    ]);
    w.hq.ok(&[
        "case",
        "link",
        &id,
        "tr.txt",
        "--transcript-of",
        "testimony",
    ]);
    let out = w.hq.out("y.amanat");
    let r: serde_json::Value = serde_json::from_str(&w.hq.ok(&[
        "export",
        "--to",
        "UN",
        &id,
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    let named: Vec<&str> = r["mentions_witness_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[1].as_str().unwrap())
        .collect();
    assert_eq!(named, ["tr.txt", "V-8_interview.ogg"], "{r}");
}

#[test]
fn export_names_formats_it_cannot_clean() {
    let w = World::new();
    let pdf = w.hq.input("affidavit.pdf", "%PDF-1.7 /Author (Someone)");
    let id = w.hq.add(&["--title", "x", pdf.to_str().unwrap()]);
    let out = w.hq.out("x.amanat");
    let o =
        w.hq.run(&["export", "--to", "UN", &id, "-o", out.to_str().unwrap()]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("affidavit.pdf is PDF"), "{err}");
}

#[test]
fn partner_verifies_then_imports_atomically_and_idempotently() {
    let w = World::new();
    let id = w.add_sample("W-1");
    w.add_sample("W-2");
    let bundle = w.export(&["--all"]);
    let out = w.partner.ok(&["verify", bundle.to_str().unwrap()]);
    assert!(
        out.contains("signed by HQ") && out.contains("Testimony of the teacher"),
        "{out}"
    );
    assert_eq!(
        w.partner.run(&["list"]).status.code(),
        Some(1),
        "verify imports nothing"
    );
    w.partner
        .ok(&["import", bundle.to_str().unwrap(), "--from", "HQ"]);
    let list: serde_json::Value = serde_json::from_str(&w.partner.ok(&["list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Readable and searchable there, byte-identical testimony, cleaned scan.
    let pid = list[0]["id"].as_str().unwrap();
    assert_ne!(pid, id);
    assert_eq!(
        w.partner.ok(&["get", pid, "testimony", "-o", "-"]),
        "They took my father at night."
    );
    assert_eq!(w.partner.ok(&["search", "father"]).lines().count(), 2);
    let show = w.partner.ok(&["show", pid]);
    assert!(show.contains("from HQ"), "{show}");
    w.partner.ok(&["check"]);
    // The same bundle again adds nothing.
    let before = w.partner.state();
    let out = w.partner.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("[already here]"));
    assert_eq!(w.partner.state(), before);
}

/// Imports a bundle that must be rejected, and checks nothing changed.
fn rejected(w: &World, bundle: &std::path::Path, expect: &str) {
    let before = w.partner.state();
    let err = w
        .partner
        .fails(&["import", bundle.to_str().unwrap(), "--from", "HQ"], 1);
    assert!(err.contains(expect), "expected {expect:?} in {err}");
    assert!(
        err.contains("nothing was imported") || expect.contains("unknown"),
        "{err}"
    );
    assert_eq!(w.partner.state(), before);
    assert!(w.partner.tmp_is_empty());
    let err = w
        .partner
        .fails(&["verify", bundle.to_str().unwrap(), "--from", "HQ"], 1);
    assert!(err.contains(expect), "verify: expected {expect:?} in {err}");
}

#[test]
fn every_kind_of_tampering_is_rejected_and_nothing_is_imported() {
    let w = World::new();
    w.add_sample("W-1");
    w.add_sample("W-2");
    let genuine = w.plaintext(&w.export(&["--all"]));
    let files = entries(&genuine);
    let part = files
        .iter()
        .position(|f| f.0.ends_with("/recording.ogg"))
        .unwrap();
    let reg = tar::EntryType::Regular;

    let mut t = files.clone();
    t[part].1[1000] ^= 1;
    rejected(&w, &w.reseal(&build(&t)), "does not match its SHA-256");

    let mut t = files.clone();
    t[0].1 = String::from_utf8(t[0].1.clone())
        .unwrap()
        .replace("scan.jpg", "scan.png")
        .into_bytes();
    rejected(&w, &w.reseal(&build(&t)), "signature");

    let mut t = files.clone();
    t.push((
        "records/0123456789abcdef0123456789abcdef/record.json".into(),
        b"{}".to_vec(),
        reg,
    ));
    rejected(&w, &w.reseal(&build(&t)), "not listed in the manifest");

    let mut t = files.clone();
    t.remove(part);
    rejected(&w, &w.reseal(&build(&t)), "missing");

    let mut t = files.clone();
    t.push(files[part].clone());
    rejected(&w, &w.reseal(&build(&t)), "appears twice");

    let mut t = files.clone();
    t.insert(3, ("../../evil.txt".into(), b"x".to_vec(), reg));
    rejected(&w, &w.reseal(&build(&t)), "not listed in the manifest");
    assert!(!w.partner.root().join("evil.txt").exists());

    let mut t = files.clone();
    t.insert(3, ("/etc/evil".into(), b"x".to_vec(), reg));
    rejected(&w, &w.reseal(&build(&t)), "not listed in the manifest");

    let mut t = files.clone();
    t[part] = (files[part].0.clone(), vec![], tar::EntryType::Symlink);
    rejected(&w, &w.reseal(&build(&t)), "not a regular file");

    let mut t = files.clone();
    t[part].2 = tar::EntryType::Char;
    rejected(&w, &w.reseal(&build(&t)), "not a regular file");

    let mut t = files.clone();
    t.swap(0, 2);
    rejected(&w, &w.reseal(&build(&t)), "first file is not MANIFEST.json");

    // Truncated on the wire, or a flipped ciphertext byte.
    let good = w.export(&["--all"]);
    let bytes = fs::read(&good).unwrap();
    let cut = w.hq.out("cut.amanat");
    fs::write(&cut, &bytes[..bytes.len() - 5000]).unwrap();
    rejected(&w, &cut, "truncated or was altered");
    let mut flipped = bytes.clone();
    let n = flipped.len();
    flipped[n / 2] ^= 0x04;
    fs::write(&cut, &flipped).unwrap();
    rejected(&w, &cut, "truncated or was altered");
    fs::write(&cut, &bytes[..100]).unwrap();
    rejected(&w, &cut, "bundle rejected");
    // Not for this vault at all.
    let stranger = Env::new();
    let err = stranger.fails(&["verify", good.to_str().unwrap()], 1);
    assert!(err.contains("not encrypted to this vault"), "{err}");
}

/// An import writes the records of a bundle to the journal a few hundred at a time as it
/// reads them (two at a time here, by a test hook), committing them only once the whole
/// bundle has verified. A bundle that goes bad near its end (a part altered in flight, with
/// the manifest's signature intact) imports nothing: the frames already written are cut off
/// again and the objects already sealed deleted, so the vault, its journal and `tmp/` are as
/// they were, and the genuine bundle then imports whole.
#[test]
fn a_bundle_that_goes_bad_after_records_reached_the_journal_leaves_everything_as_it_was() {
    let w = World::new();
    for i in 0..6 {
        w.add_sample(&format!("W-{i}"));
    }
    let genuine = w.export(&["--all"]);
    let mut files = entries(&w.plaintext(&genuine));
    let last = (files.iter())
        .rposition(|f| f.0.ends_with("/recording.ogg"))
        .unwrap();
    files[last].1[1000] ^= 1;
    let tampered = w.reseal(&build(&files));
    let import = |bundle: &std::path::Path| {
        let mut c = w.partner.cmd();
        c.env("AMANAT_RECORDS_AT_ONCE", "2")
            .env("AMANAT_GROUP_FRAME_BYTES", "4096")
            .args(["import", bundle.to_str().unwrap(), "--from", "HQ"]);
        c.output().unwrap()
    };
    let before = w.partner.state();
    let journal = fs::read(w.partner.vault.join("journal")).unwrap();
    let o = import(&tampered);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("does not match its SHA-256"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let after = fs::read(w.partner.vault.join("journal")).unwrap();
    assert!(
        after == journal,
        "the journal is {} bytes, {} before the import",
        after.len(),
        journal.len()
    );
    assert_eq!(w.partner.state(), before);
    assert!(w.partner.tmp_is_empty());
    w.partner.ok(&["check"]);
    let o = import(&genuine);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(crate::util::titles(&w.partner, &["list"]).len(), 6);
    w.partner.ok(&["check"]);
}

#[test]
fn a_genuine_bundle_from_a_stranger_is_not_taken_for_a_known_contact() {
    let w = World::new();
    // The stranger knows the partner's public key and sends a well-formed bundle.
    let stranger = Env::new();
    stranger.ok(&["contact", "add", "UN", "--recipient", &w.partner_recipient]);
    stranger.add(&["--title", "planted"]);
    let b = stranger.out("planted.amanat");
    stranger.ok(&["export", "--to", "UN", "--all", "-o", b.to_str().unwrap()]);
    rejected(&w, &b, "not by HQ");
    let err = w.partner.fails(&["import", b.to_str().unwrap()], 1);
    assert!(
        err.contains("unknown key SHA256:") && err.contains("--trust-signer"),
        "{err}"
    );
    // Trusting it explicitly imports it and records the signer as a contact.
    w.partner
        .ok(&["import", b.to_str().unwrap(), "--trust-signer"]);
    assert!(w.partner.ok(&["list"]).contains("planted"));
    assert!(w.partner.ok(&["contact", "list"]).contains("signer-"));
}

#[test]
fn unknown_manifest_version_is_refused_even_when_signed() {
    let w = World::new();
    w.add_sample("W-1");
    let genuine = w.plaintext(&w.export(&["--all"]));
    let mut files = entries(&genuine);
    // A correctly signed manifest of version 7, from a sender the partner knows.
    let seed = zeroize::Zeroizing::new([5u8; 32]);
    let manifest = String::from_utf8(files[0].1.clone()).unwrap().replacen(
        "\"version\": 6",
        "\"version\": 7",
        1,
    );
    let pk = {
        use ring::signature::KeyPair;
        ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed[..])
            .unwrap()
            .public_key()
            .as_ref()
            .to_vec()
    };
    let line = amanat::crypto::sshkey::ed25519_line(&pk.try_into().unwrap());
    let manifest = manifest.replace(
        serde_json::from_str::<serde_json::Value>(&manifest).unwrap()["sender"]["signing_key"]
            .as_str()
            .unwrap(),
        &line,
    );
    w.partner
        .ok(&["contact", "add", "Future", "--signing-key", &line]);
    files[1].1 =
        amanat::crypto::sshsig::sign(&seed, "amanat-bundle-v1", manifest.as_bytes()).into_bytes();
    files[0].1 = manifest.into_bytes();
    let b = w.reseal(&build(&files));
    let err = w
        .partner
        .fails(&["import", b.to_str().unwrap(), "--from", "Future"], 2);
    assert!(
        err.contains("unsupported") && err.contains("version 7"),
        "{err}"
    );
}

#[test]
fn contacts_are_sealed_and_checked() {
    let env = Env::new();
    let err = env.fails(&["contact", "add", "X", "--recipient", "age1bad"], 2);
    assert!(err.contains("invalid age recipient"), "{err}");
    let err = env.fails(&["contact", "add", "X", "--signing-key", "ssh-rsa AAAA"], 2);
    assert!(err.contains("ssh-ed25519"), "{err}");
    assert!(env
        .fails(&["contact", "add", "X"], 2)
        .contains("--recipient"));
    let r = age::x25519::Identity::generate().to_public().to_string();
    env.ok(&["contact", "add", "Partner MARKERCONTACT", "--recipient", &r]);
    assert!(env
        .fails(
            &["contact", "add", "Partner MARKERCONTACT", "--recipient", &r],
            2
        )
        .contains("exists"));
    for f in files_below(&env.vault) {
        assert!(
            !contains(&fs::read(&f).unwrap(), b"MARKERCONTACT"),
            "{}",
            f.display()
        );
    }
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["contact", "list", "--json"])).unwrap();
    assert_eq!(v[0]["name"], "Partner MARKERCONTACT");
    env.ok(&["contact", "rm", "Partner MARKERCONTACT"]);
    assert_eq!(env.run(&["contact", "list"]).status.code(), Some(1));
    // Exporting to nobody, or nothing, is an error that writes no file.
    let out = env.out("x.amanat");
    assert!(env
        .fails(
            &[
                "export",
                "--to",
                "Nobody",
                "--all",
                "-o",
                out.to_str().unwrap()
            ],
            2
        )
        .contains("no contact"));
    assert!(!out.exists());
}

/// The ids `list --json` prints.
fn listed(env: &Env) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn importing_a_bundle_again_does_not_bring_back_what_was_removed_unless_asked() {
    let w = World::new();
    w.add_sample("W-1");
    w.add_sample("W-2");
    let bundle = w.export(&["--all"]);
    let b = bundle.to_str().unwrap();
    let manifest = tar_manifest(&w.plaintext(&bundle));
    let bundle_id = manifest["bundle_id"].as_str().unwrap().to_owned();
    w.partner.ok(&["import", b]);
    let ids = listed(&w.partner);
    assert_eq!(ids.len(), 2);

    // Again, with everything still here: nothing to do, and nothing is written.
    let before = w.partner.state();
    let log = w.partner.ok(&["audit", "--json"]);
    let o = w.partner.run(&["import", b]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Already imported on ") && err.contains(", 2 records; nothing to do"),
        "{err}"
    );
    assert_eq!(w.partner.state(), before);
    assert_eq!(w.partner.ok(&["audit", "--json"]), log);

    // A record removed since does not come back by importing the bundle again.
    w.partner.ok(&["rm", &ids[0]]);
    let refused = |w: &World| {
        let before = w.partner.state();
        let err = w.partner.fails(&["import", b], 2);
        assert!(
            err.contains(&bundle_id[..10])
                && err.contains("1 of its records was removed since")
                && err.contains(&ids[0][..10])
                && err.contains("--restore-removed"),
            "{err}"
        );
        assert_eq!(w.partner.state(), before);
        assert!(w.partner.tmp_is_empty());
    };
    refused(&w);
    let o = w.partner.run(&["verify", b]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 of its records was removed since"));

    // What the vault remembers survives a key rotation (after which the same signed bundle
    // is sealed to the partner's new key) and a rebuild from the journal.
    w.partner.ok(&["rotate"]);
    let tar = w.plaintext(&bundle);
    let r = age::x25519::Recipient::from_str(keys_json(&w.partner)["recipient"].as_str().unwrap())
        .unwrap();
    fs::write(&bundle, age::encrypt(&r, &gzip(&tar)).unwrap()).unwrap();
    refused(&w);
    w.partner.ok(&["rebuild"]);
    refused(&w);
    w.partner.ok(&["check"]);
    w.partner.ok(&["audit", "--verify"]);

    // Asked for, it comes back; the other record stays as it was.
    w.partner.ok(&["import", b, "--restore-removed"]);
    let mut back = listed(&w.partner);
    back.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(back, want);
    assert_eq!(w.partner.ok(&["search", "father"]).lines().count(), 2);
    w.partner.ok(&["check"]);
    w.partner.ok(&["audit", "--verify"]);
    let err = String::from_utf8_lossy(&w.partner.run(&["import", b]).stderr).into_owned();
    assert!(err.contains("nothing to do"), "{err}");

    // No file of the vault holds the bundle id, as text or as bytes.
    let raw = hex::decode(&bundle_id).unwrap();
    for f in files_below(&w.partner.vault) {
        let bytes = fs::read(&f).unwrap();
        for needle in [
            bundle_id.as_bytes(),
            bundle_id.to_uppercase().as_bytes(),
            &raw[..],
        ] {
            assert!(
                !contains(&bytes, needle),
                "{} holds the bundle id",
                f.display()
            );
        }
    }
}

#[test]
fn a_bundle_of_more_records_than_one_value_holds_is_remembered_whole() {
    let w = World::new();
    let lines: String = (0..4_100)
        .map(|i| format!("{{\"title\": \"Record {i}\"}}\n"))
        .collect();
    let batch = w.hq.input("batch.jsonl", lines);
    w.hq.ok(&["ingest", batch.to_str().unwrap()]);
    let bundle = w.export(&["--all"]);
    let b = bundle.to_str().unwrap();
    let manifest = tar_manifest(&w.plaintext(&bundle));
    // The export's event lists no ids (each record has its own event): 4,100 of them would
    // be one value of 140 KB in the log.
    let log: serde_json::Value = serde_json::from_str(&w.hq.ok(&["audit", "--json"])).unwrap();
    let exported = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "bundle-exported")
        .unwrap();
    assert_eq!(exported["details"]["records"], 4_100);
    assert_eq!(exported["private"], serde_json::json!({ "contact": "UN" }));
    w.partner.ok(&["import", b]);
    {
        // 4,100 record hashes are 131 KB: three pieces, each well under the store's limit.
        let s = amanat::storage::store::Store::open(&w.partner.vault).unwrap();
        let values: Vec<usize> = s.imported().iter().map(|kv| kv.unwrap().1.len()).collect();
        assert_eq!(values.len(), 3, "{values:?}");
        assert!(values
            .iter()
            .all(|&n| n < amanat::storage::store::MAX_VALUE));
    }
    // The last record's hash is in the last piece: its removal is still noticed.
    let last = manifest["records"][4_099]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.partner.ok(&["rm", &last]);
    let err = w.partner.fails(&["import", b], 2);
    assert!(
        err.contains("1 of its records was removed since") && err.contains(&last[..10]),
        "{err}"
    );
    assert_eq!(
        crate::traces::blob_files(&w.partner),
        Vec::<std::path::PathBuf>::new()
    );
    w.partner.ok(&["check"]);
}

/// A bundle whose manifest would be larger than an import reads (the manifest is read
/// whole before its signature is checked, so import bounds it) is refused before anything
/// is written or logged: it would be a bundle no one can import. With records of ordinary
/// size that is about 20,000 records; records whose notes are 16 KiB of characters JSON
/// writes as six-byte escapes reach it with a few hundred.
#[test]
fn records_whose_manifest_no_import_could_once_read_go_in_one_bundle_of_version_6() {
    // 720 records of 96 KB of JSON each: a manifest holding them (versions 1 to 5) was over
    // the 64 MiB an import reads before the signature, and export refused to write it.
    // Version 6 lists files only; each record is its own record.json.
    let w = World::new();
    let note = "\u{1}".repeat(16_000);
    let lines: String = (0..720)
        .map(|i| serde_json::json!({"title": format!("T{i}"), "note": note}).to_string() + "\n")
        .collect();
    let f = w.hq.input("many.jsonl", lines);
    w.hq.ok(&["ingest", f.to_str().unwrap()]);
    let bundle = w.export(&["--all"]);
    let tar = w.plaintext(&bundle);
    let manifest: serde_json::Value = serde_json::from_slice(&entries(&tar)[0].1).unwrap();
    assert_eq!(manifest["version"], 6);
    assert_eq!(manifest["records"], serde_json::json!([]));
    assert!(
        entries(&tar)[0].1.len() < 512 << 10,
        "the manifest lists files only"
    );
    let b = bundle.to_str().unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&w.partner.ok(&["import", b, "--json"])).unwrap();
    assert_eq!(report["added"], 720);
    w.partner.ok(&["check"]);
    assert!(w.partner.ok(&["list"]).contains("T719"));
}

/// A selection that matches nothing names what it selected, and writes no bundle.
#[test]
fn an_export_that_selects_nothing_says_what_it_looked_for() {
    let w = World::new();
    let out = w.hq.out("none.amanat");
    let args = ["export", "--to", "UN", "--tag", "nosuchtag", "-o"];
    let mut a = args.to_vec();
    a.push(out.to_str().unwrap());
    let err = w.hq.fails(&a, 1);
    assert!(err.contains("no record matches \"nosuchtag\""), "{err}");
    assert!(!out.exists());
}

/// A recipient no file key can be wrapped to (the X25519 point of order one, all zeros) is
/// refused when it is given, not at the first record a collector adds in the field.
#[test]
fn a_recipient_nothing_can_be_encrypted_to_is_refused_at_once() {
    const ZERO: &str = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z";
    let env = Env::new();
    let before = env.state();
    let err = env.fails(&["contact", "add", "Zero", "--recipient", ZERO], 2);
    assert!(err.contains("low-order"), "{err}");
    assert_eq!(env.state(), before);
    let bare = Env::bare();
    let err = bare.fails(
        &[
            "init",
            "--kdf-work-factor",
            "10",
            "--collector",
            "--recipient",
            ZERO,
        ],
        2,
    );
    assert!(err.contains("low-order"), "{err}");
    assert!(!bare.vault.exists());
}

/// A part whose file is named `record.json` is a part (`records/<id>/parts/record.json`),
/// not a record's `record.json`: the record exports, imports, and reads back.
#[test]
fn an_attachment_named_record_json_goes_and_arrives_as_a_part() {
    let w = World::new();
    let t = w.hq.input("testimony.txt", "They took my father at night.");
    let a = w.hq.input("record.json", "{\"from\": \"another tool\"}");
    let id = w.hq.add(&[
        "--title",
        "With a JSON attachment",
        "--testimony",
        t.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    let bundle = w.export(&[&id]);
    let b = bundle.to_str().unwrap();
    w.partner.ok(&["import", b, "--from", "HQ"]);
    let listed = w.partner.ok(&["list"]);
    let theirs = listed.split_whitespace().next().unwrap().to_owned();
    let got = w.partner.ok(&["get", &theirs, "record.json", "-o", "-"]);
    assert_eq!(got, "{\"from\": \"another tool\"}", "{listed}");
    w.partner.ok(&["check"]);
}
