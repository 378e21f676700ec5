//! What the age header of a sealed file or bundle tells anyone who holds it: one stanza per
//! recipient, and for an ssh-ed25519 recipient a tag computed from its public key, which
//! the documentation and `--help` warn about.
use std::fs;
use std::path::Path;

use base64::Engine;

use crate::util::*;

/// The stanzas of an age file: (type, arguments).
fn stanzas(age_file: &[u8]) -> Vec<(String, Vec<String>)> {
    let text = String::from_utf8_lossy(age_file);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("age-encryption.org/v1"));
    let mut out = Vec::new();
    for l in lines {
        if l.starts_with("---") {
            return out;
        }
        if let Some(s) = l.strip_prefix("-> ") {
            let mut w = s.split(' ').map(str::to_owned);
            let kind = w.next().unwrap();
            out.push((kind, w.collect()));
        }
    }
    panic!("no end of header");
}

/// The tag the age specification gives an ssh-ed25519 recipient: the first 4 bytes of the
/// SHA-256 of the key's SSH wire encoding (the base64 of an `ssh-ed25519 AAAA…` line),
/// base64 without padding.
fn ssh_tag(ssh_pub: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let wire = b64.decode(ssh_pub.split(' ').nth(1).unwrap()).unwrap();
    let hash = amanat::crypto::seal::sha256(&wire);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(&hash[..4])
}

fn object_files(vault: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for d in fs::read_dir(vault.join("objects")).unwrap().flatten() {
        for f in fs::read_dir(d.path()).unwrap().flatten() {
            out.push(fs::read(f.path()).unwrap());
        }
    }
    out
}

#[test]
fn an_ssh_ed25519_stanza_names_its_recipient_an_x25519_one_does_not() {
    let env = Env::bare();
    let (age_r, ssh_pub) = outside_keys(&env.root().join("hq"));
    env.ok(&[
        "init",
        "--kdf-work-factor",
        "10",
        "--recipient",
        &age_r,
        "--recipient",
        &ssh_pub,
    ]);
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let a = env.input("a.bin", &big);
    let b = env.input("b.bin", &big);
    env.add(&["--title", "x", a.to_str().unwrap(), b.to_str().unwrap()]);
    let tag = ssh_tag(&ssh_pub);
    let objects = object_files(&env.vault);
    assert_eq!(objects.len(), 2);
    let mut shares = Vec::new();
    for o in &objects {
        let s = stanzas(o);
        // One stanza per recipient (the vault's own key, the age key, the ssh key): the
        // count of recipients is in every sealed file.
        assert_eq!(s.len(), 3, "{s:?}");
        let ssh: Vec<_> = s.iter().filter(|(k, _)| k == "ssh-ed25519").collect();
        assert_eq!(ssh.len(), 1);
        // Anyone holding the public key finds its tag in the file.
        assert_eq!(ssh[0].1[0], tag);
        for (k, args) in s.iter().filter(|(k, _)| k == "X25519") {
            assert_eq!(args.len(), 1, "{k} {args:?}");
            shares.push(args[0].clone());
        }
    }
    // An X25519 stanza carries only a fresh ephemeral share: nothing repeats from file to
    // file, so nothing in it points at the recipient.
    let mut unique = shares.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), shares.len(), "{shares:?}");

    // A bundle to a contact with an ssh-ed25519 key carries the same tag in its header.
    env.ok(&["contact", "add", "P", "--recipient", &ssh_pub]);
    let bundle = env.out("p.amanat");
    env.ok(&[
        "export",
        "--to",
        "P",
        "--all",
        "-o",
        bundle.to_str().unwrap(),
    ]);
    let s = stanzas(&fs::read(&bundle).unwrap());
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].0, "ssh-ed25519");
    assert_eq!(s[0].1[0], tag);
}

/// `--help` of every option that takes a recipient says what an ssh-ed25519 key reveals and
/// recommends age1… keys.
#[test]
fn recipient_help_warns_about_ssh_ed25519_tags() {
    let env = Env::bare();
    for (args, warnings) in [
        (&["init", "--help"][..], 2),
        (&["contact", "add", "--help"][..], 1),
    ] {
        let help = env.ok(args);
        let one_line = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            one_line.matches("Prefer age1… keys").count(),
            warnings,
            "{help}"
        );
        assert_eq!(
            one_line.matches("holds that public key").count(),
            warnings,
            "{help}"
        );
    }
}
