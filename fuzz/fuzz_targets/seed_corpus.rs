//! Writes genuine seeds: a bundle tar stream signed by the sender the `bundle_stream` target
//! trusts (with a valid chain of custody), so the fuzzer starts past the signature and
//! custody checks; its manifest and chain; a record body; a keyring file that opens with the
//! `keyring` target's passphrase, and its plaintext; an ingest line.
use std::io::{Read, Write};

fn main() {
    let seed = zeroize::Zeroizing::new([9u8; 32]);
    let sig_probe = amanat::crypto::sshsig::sign(&seed, "x", b"");
    let public = amanat::crypto::sshsig::verify(&sig_probe, "x", b"").unwrap();
    let id = "00112233445566778899aabbccddeeff";
    let part = b"a short testimony".to_vec();
    let hex = |b: &[u8]| {
        amanat::crypto::seal::sha256(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    // The chain: added, then exported in this bundle as this id, both by the sender.
    let line = amanat::crypto::sshkey::ed25519_line(&public);
    let event = |kind: &str, prev: &str, record_prev: Option<&str>, details: String| {
        format!(
            r#"{{"amanat_custody":1,"kind":"{kind}","time":"2026-01-01T00:00:00Z","signer":"{line}","prev":"{prev}","record":"{id}","record_prev":{},"details":{details},"private":null}}"#,
            record_prev
                .map(|p| format!("\"{p}\""))
                .unwrap_or("null".into())
        )
    };
    let e0 = event(
        "record-added",
        &"0".repeat(64),
        None,
        format!(
            r#"{{"parts":[{{"index":0,"kind":"testimony","sha256":"{}","size":{}}}],"via":"add"}}"#,
            hex(&part),
            part.len()
        ),
    );
    let h0 = hex(e0.as_bytes());
    let e1 = event(
        "record-exported",
        &h0,
        Some(&h0),
        format!(r#"{{"as":"{id}","bundle":"{id}","to":[]}}"#),
    );
    let entry = |e: &str| {
        let sig =
            amanat::crypto::sshsig::sign(&seed, amanat::vault::custody::NAMESPACE, e.as_bytes());
        format!(
            r#"{{"event":{},"signature":{}}}"#,
            json_str(e),
            json_str(&sig)
        )
    };
    let custody = format!("[{},{}]", entry(&e0), entry(&e1));
    let record = format!(
        r#"{{"id":"{id}","created":"2026-01-01T00:00:00Z","title":"t","tags":[],"witness":null,"language":null,"place":null,"date":null,"interviewer":null,"note":null,"parts":[{{"kind":"testimony","name":"t.txt","path":"records/{id}/parts/t.txt","size":{},"sha256":"{}","original_sha256":null,"removed":null}}],"custody":{custody}}}"#,
        part.len(),
        hex(&part)
    );
    let sums = format!(
        "{}  records/{id}/record.json\n{}  records/{id}/parts/t.txt\n",
        hex(record.as_bytes()),
        hex(&part)
    );
    let manifest = format!(
        r#"{{"format":"amanat-bundle","version":1,"kind":"partner","bundle_id":"{id}","created":"2026-01-01T00:00:00Z","sender":{{"signing_key":"{}","fingerprint":"{}"}},"recipients":[],"identities_included":false,"metadata_kept":false,"records":[{record}],"files":[{{"path":"SHA256SUMS","size":{},"sha256":"{}"}},{{"path":"records/{id}/record.json","size":{},"sha256":"{}"}},{{"path":"records/{id}/parts/t.txt","size":{},"sha256":"{}"}}]}}"#,
        amanat::crypto::sshkey::ed25519_line(&public),
        amanat::crypto::sshkey::fingerprint(&public),
        sums.len(),
        hex(sums.as_bytes()),
        record.len(),
        hex(record.as_bytes()),
        part.len(),
        hex(&part)
    );
    let sig = amanat::crypto::sshsig::sign(
        &seed,
        amanat::crypto::sshsig::NAMESPACE_BUNDLE,
        manifest.as_bytes(),
    );
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in [
        ("MANIFEST.json".to_string(), manifest.as_bytes().to_vec()),
        ("MANIFEST.json.sig".to_string(), sig.into_bytes()),
        ("SHA256SUMS".to_string(), sums.into_bytes()),
        (format!("records/{id}/record.json"), record.into_bytes()),
        (format!("records/{id}/parts/t.txt"), part.clone()),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        tar.append_data(&mut h, path, &data[..]).unwrap();
    }
    let bytes = tar.into_inner().unwrap();
    std::fs::create_dir_all("corpus/bundle_stream").unwrap();
    std::fs::File::create("corpus/bundle_stream/genuine.tar")
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    std::fs::create_dir_all("corpus/manifest").unwrap();
    std::fs::write("corpus/manifest/genuine.json", &manifest).unwrap();
    std::fs::create_dir_all("corpus/custody").unwrap();
    std::fs::write("corpus/custody/genuine.json", &custody).unwrap();
    std::fs::create_dir_all("corpus/ingest_line").unwrap();
    std::fs::write(
        "corpus/ingest_line/genuine.jsonl",
        r#"{"title":"Testimony","tags":["camp"],"witness":"W-1","language":"kk","place":"Ürümqi","date":"2019-03-04","interviewer":"A.K.","note":"n","testimony":"t.txt","attachments":["a.jpg"]}"#,
    )
    .unwrap();

    // A record body, as the records tree holds it once opened.
    let rid = amanat::RecordId::from_slice(&[7u8; 16]).unwrap();
    let body = amanat::format::record::RecordBody {
        id: rid,
        created: 1_700_000_000,
        meta: amanat::format::record::Metadata {
            title: "t".into(),
            tags: vec!["camp".into()],
            witness: Some("W-1".into()),
            language: None,
            place: Some("p".into()),
            date: None,
            interviewer: None,
            note: None,
        },
        parts: vec![
            amanat::format::record::Part {
                kind: amanat::format::record::PartKind::Testimony,
                name: "t.txt".into(),
                size: part.len() as u64,
                sha256: amanat::crypto::seal::sha256(&part),
                storage: amanat::format::record::Storage::Inline(part.clone()),
            },
            amanat::format::record::Part {
                kind: amanat::format::record::PartKind::Recognised,
                name: "t.txt.ocr.txt".into(),
                size: part.len() as u64,
                sha256: amanat::crypto::seal::sha256(&part),
                storage: amanat::format::record::Storage::Inline(part.clone()),
            },
        ],
        provenance: vec![],
        // Recognised text (body version 3): the fuzzer starts from a body that has some.
        derived: vec![amanat::format::record::Derivation {
            part: 1,
            source: 0,
            source_sha256: amanat::crypto::seal::sha256(&part),
            engine: "tesseract".into(),
            version: "5.3.0".into(),
            languages: vec!["kaz".into(), "rus".into()],
            pages: 1,
            at: 1_700_000_000,
        }],
        // The testimony model (body version 4): a victim, a status event and consent.
        case: {
            use amanat::format::case::*;
            let mut c = Case::default();
            c.persons.push(Person {
                code: "V-1".into(),
                roles: vec![Role::Victim],
            });
            c.statuses.push(StatusEvent {
                person: "V-1".into(),
                status: Status::Detained,
                date: "2018-04".into(),
                place: None,
            });
            c.consent = Some(Consent {
                scope: Scope::Share,
                organisations: vec!["P".into()],
                how: How::Oral,
                given: "2024-01-02".into(),
                recorded_by: None,
            });
            c
        },
        links: vec![],
        unpadded: false,
    };
    std::fs::create_dir_all("corpus/index_segment").unwrap();
    let mut seg = amanat::format::index::Segment::default();
    for (i, words) in ["а б乌 c", "б common", "common 乌鲁木齐"]
        .iter()
        .enumerate()
    {
        seg.add(amanat::RecordId([i as u8; 16]), words);
    }
    for i in 3..40u8 {
        seg.add(amanat::RecordId([i; 16]), "common");
    }
    std::fs::write("corpus/index_segment/genuine.seg", &seg.encode()[..]).unwrap();
    std::fs::create_dir_all("corpus/records").unwrap();
    std::fs::write("corpus/records/genuine.body", &body.encode()[..]).unwrap();

    // A keyring at work factor 1 under the `keyring` target's passphrase, and its plaintext.
    let pass = amanat::format::keyring::Passphrase::new("fuzz".into()).unwrap();
    let k = amanat::format::keyring::Keyring::generate(false, vec![], vec![]).unwrap();
    let file = amanat::format::keyring::seal_file(&k, &pass, Some(1)).unwrap();
    std::fs::create_dir_all("corpus/keyring").unwrap();
    std::fs::write("corpus/keyring/genuine.keyring", &file).unwrap();
    for slot in 0..2 {
        let s = &file[slot * amanat::format::keyring::SLOT_LEN..];
        let len = u32::from_be_bytes(s[..4].try_into().unwrap()) as usize;
        let d = age::Decryptor::new_buffered(&s[4..4 + len]).unwrap();
        let id = age::scrypt::Identity::new(age::secrecy::SecretString::from("fuzz".to_string()));
        if let Ok(mut r) = d.decrypt(std::iter::once(&id as &dyn age::Identity)) {
            let mut plain = Vec::new();
            r.read_to_end(&mut plain).unwrap();
            std::fs::write("corpus/keyring/genuine.plain", &plain).unwrap();
        }
    }
    println!(
        "wrote corpus/bundle_stream/genuine.tar ({} bytes) and the other seeds",
        bytes.len()
    );
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}
