//! Forged bundles of manifest version 6 (FORMAT.md 13.1, 13.2, 13.5), from a sender the
//! receiver trusts (Mallory): the layout only version 6 has (records in their `record.json`
//! alone, files in the manifest's order, the tar compressed with gzip) bent every way, each
//! refused by `verify` and `import` alike with the vault left as it was. The record shapes
//! every version shares are in `forged.rs`, run in both forms.
use std::path::PathBuf;
use std::str::FromStr;

use serde_json::{json, Value};

use crate::forged::{hex_id, regular_tar, sha, Forged, PartIn, Receiver};
use crate::util::*;

const TXT: &[u8] = b"The border guards took our passports and our phones.";
const LONG_NAME: &str =
    "interview-with-the-teacher-from-ghulja-recorded-at-the-border-crossing-in-khorgos-in-2019.bin";

/// A version 6 bundle of `recs` as its writer drafts it: the manifest (Mallory's, not yet
/// signed) and the files after the signature, `SHA256SUMS` first, each record's
/// `record.json` before its parts.
pub fn v6_draft(r: &Receiver, bundle: &str, recs: Vec<Forged>) -> (Value, Vec<(String, Vec<u8>)>) {
    let mut entries = Vec::new();
    for (rec, files) in recs {
        let path = format!("records/{}/record.json", rec["id"].as_str().unwrap());
        entries.push((path.clone(), serde_json::to_vec_pretty(&rec).unwrap()));
        entries.extend(files.into_iter().filter(|(p, _)| *p != path));
    }
    let sums: String = (entries.iter())
        .map(|(p, b)| format!("{}  {p}\n", sha(b)))
        .collect();
    let mut listed =
        vec![json!({"path": "SHA256SUMS", "size": sums.len(), "sha256": sha(sums.as_bytes())})];
    listed.extend(
        (entries.iter()).map(|(p, b)| json!({"path": p, "size": b.len(), "sha256": sha(b)})),
    );
    let m = &r.mallory;
    let manifest = json!({
        "format": "amanat-bundle", "version": 6, "kind": "partner", "bundle_id": bundle,
        "created": "2024-05-01T10:00:00Z",
        "sender": {"signing_key": m.line, "fingerprint": m.fp},
        "recipients": [], "identities_included": false, "metadata_kept": false,
        "records": [], "files": listed,
    });
    entries.insert(0, ("SHA256SUMS".to_owned(), sums.into_bytes()));
    (manifest, entries)
}

/// A version 6 bundle of `recs`: the manifest and the tar entries after it (each record's
/// `record.json`, then its parts), changed by `tweak` before the manifest is signed, and the
/// tar made into the plaintext by `wrap` (a genuine writer's is [`gzip`]); sealed to the
/// receiver as anyone could.
fn seal_v6(
    r: &Receiver,
    (bundle, recs): (String, Vec<Forged>),
    tweak: impl FnOnce(&mut Value, &mut Vec<(String, Vec<u8>)>),
    wrap: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> PathBuf {
    let (mut manifest, mut entries) = v6_draft(r, &bundle, recs);
    tweak(&mut manifest, &mut entries);
    let text = serde_json::to_vec_pretty(&manifest).unwrap();
    let sig = r.mallory.sign("amanat-bundle-v1", &text);
    let head = [
        ("MANIFEST.json", &text[..]),
        ("MANIFEST.json.sig", sig.as_bytes()),
    ];
    let rest = entries.iter().map(|(p, b)| (p.as_str(), &b[..]));
    let plain = wrap(regular_tar(head.into_iter().chain(rest)));
    let to = age::x25519::Recipient::from_str(&r.recipient).unwrap();
    let out = r.env.out(&format!("v6-{}.amanat", hex_id()));
    std::fs::write(&out, age::encrypt(&to, &plain).unwrap()).unwrap();
    out
}

/// Two records of a testimony and an attachment each: the first is read (and its parts
/// sealed into pending objects) before anything wrong with the second is found.
fn two(r: &Receiver) -> (String, Vec<Forged>) {
    // The attachment's path is over 100 bytes: the tar gives it in a GNU long-name entry.
    let p: &[PartIn<'_>] = &[
        ("testimony", "t.txt", TXT),
        ("attachment", LONG_NAME, b"\x00\x01"),
    ];
    let bundle = hex_id();
    let m = &r.mallory;
    let recs = vec![
        m.record(&hex_id(), &bundle, "first", p),
        m.record(&hex_id(), &bundle, "second", p),
    ];
    (bundle, recs)
}

/// Sets a listed file's size and SHA-256 in the manifest to those of `bytes`.
fn relist(m: &mut Value, path: &str, bytes: &[u8]) {
    for f in m["files"].as_array_mut().unwrap() {
        if f["path"] == path {
            f["size"] = json!(bytes.len());
            f["sha256"] = json!(sha(bytes));
        }
    }
}

/// `SHA256SUMS` (the first entry) written again for the manifest's files as they are now.
fn resum(m: &mut Value, e: &mut [(String, Vec<u8>)]) {
    let sums: String = (m["files"].as_array().unwrap()[1..].iter())
        .map(|f| {
            let (h, p) = (f["sha256"].as_str().unwrap(), f["path"].as_str().unwrap());
            format!("{h}  {p}\n")
        })
        .collect();
    relist(m, "SHA256SUMS", sums.as_bytes());
    e[0].1 = sums.into_bytes();
}

#[test]
fn a_genuine_layout_is_taken_and_every_bent_one_is_refused_leaving_the_vault_as_it_was() {
    let r = Receiver::new();
    let keep = |_: &mut Value, _: &mut Vec<(String, Vec<u8>)>| {};

    // The genuine layout, as this harness writes it, is taken.
    r.takes(&seal_v6(&r, two(&r), keep, |t| gzip(&t)));
    let listed = r.env.ok(&["list"]);
    assert!(
        listed.contains("first") && listed.contains("second"),
        "{listed}"
    );

    // Records in the manifest itself (as every earlier version holds them).
    let in_manifest = |m: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        m["records"] = json!([serde_json::from_slice::<Value>(&e[1].1).unwrap()]);
    };
    let b = seal_v6(&r, two(&r), in_manifest, |t| gzip(&t));
    r.refuses(&b, "holds no records itself");

    // Not compressed, or compressed under an older version.
    r.refuses(
        &seal_v6(&r, two(&r), keep, |t| t),
        "compressed with gzip; this one is not",
    );
    let b = seal_v6(&r, two(&r), |m, _| m["version"] = json!(1), |t| gzip(&t));
    r.refuses(&b, "only a bundle of manifest version 6 is");

    // Anything after the compressed stream: bytes, or a second gzip member.
    let b = seal_v6(&r, two(&r), keep, |t| [gzip(&t), b"tail".to_vec()].concat());
    r.refuses(&b, "data after its compressed tar");
    let b = seal_v6(&r, two(&r), keep, |t| [gzip(&t), gzip(b"more")].concat());
    r.refuses(&b, "data after its compressed tar");
    // A damaged CRC at the end of the stream.
    let b = seal_v6(&r, two(&r), keep, |t| {
        let mut g = gzip(&t);
        let n = g.len();
        g[n - 6] ^= 1;
        g
    });
    r.refuses(&b, "truncated or was altered");

    // A gzip header naming a file (a flag set): not the form a bundle's writer makes.
    let named = |t: Vec<u8>| {
        use std::io::Write;
        let mut g = flate2::GzBuilder::new()
            .filename("bundle.tar")
            .write(Vec::new(), flate2::Compression::fast());
        g.write_all(&t).unwrap();
        g.finish().unwrap()
    };
    r.refuses(
        &seal_v6(&r, two(&r), keep, named),
        "truncated or was altered",
    );

    // The tar in another order than the manifest's: a part before its record.json (so the
    // record.json is missing where it is due), a file twice, a file not listed.
    r.refuses(
        &seal_v6(&r, two(&r), |_, e| e.swap(1, 2), |t| gzip(&t)),
        "is missing",
    );
    let b = seal_v6(&r, two(&r), |_, e| e.push(e[2].clone()), |t| gzip(&t));
    r.refuses(&b, "appears twice");
    let extra = |_: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        let path = format!("{}x", e[2].0);
        e.insert(3, (path, b"x".to_vec()));
    };
    r.refuses(&seal_v6(&r, two(&r), extra, |t| gzip(&t)), "not listed");
    // The manifest lists SHA256SUMS after a record, or a record's part after another's
    // record.json.
    let late_sums = |m: &mut Value, _: &mut Vec<(String, Vec<u8>)>| {
        m["files"].as_array_mut().unwrap().swap(0, 1)
    };
    r.refuses(
        &seal_v6(&r, two(&r), late_sums, |t| gzip(&t)),
        "out of place",
    );
    let moved = |m: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        // The first record's attachment listed (and sent) after the second's record.json.
        m["files"].as_array_mut().unwrap().swap(3, 4);
        e.swap(3, 4);
    };
    r.refuses(&seal_v6(&r, two(&r), moved, |t| gzip(&t)), "out of place");
    // A file listed after a record.json that its record does not name as a part.
    let unnamed = |m: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        let path = format!("{}-2", e[3].0);
        let files = m["files"].as_array_mut().unwrap();
        files.insert(4, json!({"path": path, "size": 1, "sha256": sha(b"y")}));
        e.insert(4, (path, b"y".to_vec()));
        resum(m, e);
    };
    r.refuses(
        &seal_v6(&r, two(&r), unnamed, |t| gzip(&t)),
        "are not the files listed after its record.json",
    );

    // A record.json that is not a record, or holds another record than its path names
    // (listed with its true hash: the check is of what it says, not of its bytes).
    let bad_json = |m: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        let body = b"{\"id\": 1}".to_vec();
        relist(m, &e[4].0.clone(), &body);
        e[4].1 = body;
        resum(m, e);
    };
    r.refuses(
        &seal_v6(&r, two(&r), bad_json, |t| gzip(&t)),
        "is not a record",
    );
    let other_id = |m: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        let mut rec: Value = serde_json::from_slice(&e[4].1).unwrap();
        rec["id"] = json!(hex_id());
        let body = serde_json::to_vec_pretty(&rec).unwrap();
        relist(m, &e[4].0.clone(), &body);
        e[4].1 = body;
        resum(m, e);
    };
    r.refuses(
        &seal_v6(&r, two(&r), other_id, |t| gzip(&t)),
        "holds another record than its path names",
    );
    // A record.json changed after signing: its hash is the manifest's no longer.
    let changed = |_: &mut Value, e: &mut Vec<(String, Vec<u8>)>| {
        let text = String::from_utf8(e[4].1.clone()).unwrap();
        e[4].1 = text.replace("second", "secund").into_bytes();
    };
    r.refuses(&seal_v6(&r, two(&r), changed, |t| gzip(&t)), "SHA-256");
}

/// Anyone who knows the receiver's public key seals a bundle whose tar starts with a GNU
/// long-name entry announcing 512 MiB (zeros, which gzip makes a few hundred KiB): the tar
/// crate would read it whole into memory before the manifest's signature is checked. The
/// reader refuses it on the header's word.
#[test]
fn an_unsigned_bundle_announcing_a_huge_long_name_is_refused_on_its_header() {
    use std::io::Write;
    let r = Receiver::new();
    const LONG: u64 = 512 << 20;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
    h.set_mode(0o644);
    h.set_size(LONG);
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_cksum();
    gz.write_all(h.as_bytes()).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..(LONG >> 20) {
        gz.write_all(&zeros).unwrap();
    }
    let mut h = tar::Header::new_gnu();
    h.set_mode(0o644);
    h.set_size(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_path("MANIFEST.json").unwrap();
    h.set_cksum();
    gz.write_all(h.as_bytes()).unwrap();
    gz.write_all(&[0u8; 1024]).unwrap();
    let to = age::x25519::Recipient::from_str(&r.recipient).unwrap();
    let b = r.env.out("long-name.amanat");
    std::fs::write(&b, age::encrypt(&to, &gz.finish().unwrap()).unwrap()).unwrap();
    let mut cmd = r.env.cmd();
    cmd.args(["verify", b.to_str().unwrap()]);
    let (o, peak_kib) = run_measuring_rss(cmd);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("a long file name"), "{err}");
    assert!(peak_kib < 128 << 10, "verify held {} MiB", peak_kib >> 10);
    r.intact();
}

/// What a trusted sender may make an import hold is bounded: a part's `removed` (a short list
/// of what cleaning removed, used by nothing on import) of more than 4 KiB is refused, and so
/// is a version 6 manifest listing more than 512 MiB of `record.json` (refused as it is
/// parsed, before any record is read).
#[test]
fn what_a_trusted_sender_may_make_an_import_hold_is_bounded() {
    let r = Receiver::new();
    let (bundle, mut recs) = two(&r);
    recs[1].0["parts"][0]["removed"] = json!("EXIF ".repeat(1000));
    let keep = |_: &mut Value, _: &mut Vec<(String, Vec<u8>)>| {};
    r.refuses(
        &seal_v6(&r, (bundle, recs), keep, |t| gzip(&t)),
        "says more of what cleaning removed",
    );
    let huge = |m: &mut Value, _: &mut Vec<(String, Vec<u8>)>| {
        for i in [1, 4] {
            m["files"][i]["size"] = json!(300u64 << 20);
        }
    };
    r.refuses(
        &seal_v6(&r, two(&r), huge, |t| gzip(&t)),
        "bytes of record.json, more than the",
    );
}
