//! Writes a genuine bundle tar stream, signed by the sender the `bundle_stream` target
//! trusts, into `corpus/bundle_stream/`, so the fuzzer starts past the signature check.
use std::io::Write;

fn main() {
    let seed = zeroize::Zeroizing::new([9u8; 32]);
    let sig_probe = amanat::sshsig::sign(&seed, "x", b"");
    let public = amanat::sshsig::verify(&sig_probe, "x", b"").unwrap();
    let id = "00112233445566778899aabbccddeeff";
    let part = b"a short testimony".to_vec();
    let hex = |b: &[u8]| amanat::seal::sha256(b).iter().map(|x| format!("{x:02x}")).collect::<String>();
    let record = format!(
        r#"{{"id":"{id}","created":"2026-01-01T00:00:00Z","title":"t","tags":[],"witness":null,"language":null,"place":null,"date":null,"interviewer":null,"note":null,"parts":[{{"kind":"testimony","name":"t.txt","path":"records/{id}/parts/t.txt","size":{},"sha256":"{}","original_sha256":null,"removed":null}}],"custody":[]}}"#,
        part.len(),
        hex(&part)
    );
    let sums = format!("{}  records/{id}/record.json\n{}  records/{id}/parts/t.txt\n", hex(record.as_bytes()), hex(&part));
    let manifest = format!(
        r#"{{"format":"amanat-bundle","version":1,"kind":"partner","bundle_id":"{id}","created":"2026-01-01T00:00:00Z","sender":{{"signing_key":"{}","fingerprint":"{}"}},"recipients":[],"identities_included":false,"metadata_kept":false,"records":[{record}],"files":[{{"path":"SHA256SUMS","size":{},"sha256":"{}"}},{{"path":"records/{id}/record.json","size":{},"sha256":"{}"}},{{"path":"records/{id}/parts/t.txt","size":{},"sha256":"{}"}}]}}"#,
        amanat::sshkey::ed25519_line(&public),
        amanat::sshkey::fingerprint(&public),
        sums.len(),
        hex(sums.as_bytes()),
        record.len(),
        hex(record.as_bytes()),
        part.len(),
        hex(&part)
    );
    let sig = amanat::sshsig::sign(&seed, amanat::sshsig::NAMESPACE_BUNDLE, manifest.as_bytes());
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in [
        ("MANIFEST.json".to_string(), manifest.as_bytes().to_vec()),
        ("MANIFEST.json.sig".to_string(), sig.into_bytes()),
        ("SHA256SUMS".to_string(), sums.into_bytes()),
        (format!("records/{id}/record.json"), record.into_bytes()),
        (format!("records/{id}/parts/t.txt"), part),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        tar.append_data(&mut h, path, &data[..]).unwrap();
    }
    let bytes = tar.into_inner().unwrap();
    std::fs::create_dir_all("corpus/bundle_stream").unwrap();
    std::fs::File::create("corpus/bundle_stream/genuine.tar").unwrap().write_all(&bytes).unwrap();
    std::fs::create_dir_all("corpus/manifest").unwrap();
    std::fs::write("corpus/manifest/genuine.json", &manifest).unwrap();
    println!("wrote corpus/bundle_stream/genuine.tar ({} bytes)", bytes.len());
}
