//! Bundles forged by a trusted sender: the attacker is the contact (or holds its key), so
//! every signature verifies and what is tested is everything after the signature check.
//! Bundles are built here from scratch, signed with `ssh-keygen -Y sign` (manifest and
//! every custody event) and sealed with the `age` command-line tool. Whatever the import
//! does with them, the receiving vault's `check` and `audit --verify` pass afterwards and
//! search still finds what it found before.
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::util::*;

/// The trusted contact gone bad: an ed25519 key made by `ssh-keygen`.
pub struct Mallory {
    dir: PathBuf,
    pub line: String,
    pub fp: String,
    /// Seal partner bundles as manifest version 6 ([`compact`]).
    pub compact: std::cell::Cell<bool>,
}

pub fn j<T: serde::Serialize>(v: T) -> String {
    serde_json::to_string(&v).unwrap()
}

pub fn hex_id() -> String {
    hex::encode(amanat::crypto::random_bytes::<16>())
}

pub fn sha(b: &[u8]) -> String {
    sha256_hex(b)
}

/// A part in a forged bundle: (kind, name, bytes).
pub type PartIn<'a> = (&'a str, &'a str, &'a [u8]);

/// A record's manifest object and the files it refers to.
pub type Forged = (Value, Vec<(String, Vec<u8>)>);

/// A forged bundle before sealing: manifest records and the files they refer to.
pub struct Draft {
    pub bundle_id: String,
    pub kind: &'static str,
    pub records: Vec<Value>,
    pub transfer: Vec<Value>,
    pub files: Vec<(String, Vec<u8>)>,
    /// `SHA256SUMS` as the forger writes it, if not the true sums of `files`.
    pub sums: Option<String>,
    /// Each `record.json` as drafted, even where a tweak changed its record in the
    /// manifest (else it is written again from the manifest, as a forger would).
    pub copies_as_drafted: bool,
}

impl Mallory {
    pub fn new(root: &Path) -> Mallory {
        let dir = root.join("mallory");
        fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f"])
            .arg(dir.join("id"))
            .status()
            .unwrap();
        assert!(ok.success());
        let pubkey = fs::read_to_string(dir.join("id.pub")).unwrap();
        let line = pubkey
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let l = Command::new("ssh-keygen")
            .arg("-l")
            .arg("-f")
            .arg(dir.join("id.pub"))
            .output()
            .unwrap();
        let fp = String::from_utf8(l.stdout)
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_owned();
        assert!(fp.starts_with("SHA256:"), "{fp}");
        Mallory {
            dir,
            line,
            fp,
            compact: std::cell::Cell::new(false),
        }
    }

    /// `ssh-keygen -Y sign` of `data` in namespace `ns`: the armored signature.
    pub fn sign(&self, ns: &str, data: &[u8]) -> String {
        let f = self.dir.join(format!("msg-{}", hex_id()));
        fs::write(&f, data).unwrap();
        let o = Command::new("ssh-keygen")
            .args(["-q", "-Y", "sign", "-n", ns, "-f"])
            .arg(self.dir.join("id"))
            .arg(&f)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut sig_path = f.clone().into_os_string();
        sig_path.push(".sig");
        let sig = fs::read_to_string(&sig_path).unwrap();
        fs::remove_file(&f).unwrap();
        fs::remove_file(&sig_path).unwrap();
        sig
    }

    /// The exact text of an event signed by Mallory, fields in the order of FORMAT.md 14.1.
    pub fn event_text(
        &self,
        kind: &str,
        record: Option<&str>,
        record_prev: Option<&str>,
        details: Value,
    ) -> String {
        format!(
            "{{\"amanat_custody\":1,\"kind\":{},\"time\":\"2024-05-01T10:00:00Z\",\"signer\":{},\"prev\":{},\"record\":{},\"record_prev\":{},\"details\":{},\"private\":null}}",
            j(kind),
            j(&self.line),
            j("0".repeat(64)),
            j(record),
            j(record_prev),
            j(details)
        )
    }

    /// An event text as a chain entry, signed in the custody namespace.
    pub fn entry(&self, text: &str) -> Value {
        json!({ "event": text, "signature": self.sign("amanat-custody-v1", text.as_bytes()) })
    }

    /// Mallory's `record-added` of a record with these parts' facts.
    pub fn added(&self, origin: &str, parts: &[PartIn<'_>]) -> String {
        let facts: Vec<Value> = parts
            .iter()
            .enumerate()
            .map(|(i, (k, _, b))| json!({"index": i, "kind": k, "size": b.len(), "sha256": sha(b)}))
            .collect();
        self.event_text(
            "record-added",
            Some(origin),
            None,
            json!({"via": "add", "parts": facts}),
        )
    }

    /// Mallory's export of `origin` as `as_id` in `bundle`, after `prev`.
    pub fn exported(&self, origin: &str, prev: &str, as_id: &str, bundle: &str) -> String {
        self.event_text(
            "record-exported",
            Some(origin),
            Some(&sha(prev.as_bytes())),
            json!({"as": as_id, "bundle": bundle, "to": []}),
        )
    }

    /// A well-formed record: its manifest object and its files (parts and record.json).
    pub fn record(&self, id: &str, bundle: &str, title: &str, parts: &[PartIn<'_>]) -> Forged {
        let origin = hex_id();
        let added = self.added(&origin, parts);
        let exported = self.exported(&origin, &added, id, bundle);
        let chain = vec![self.entry(&added), self.entry(&exported)];
        self.record_with_chain(id, title, parts, chain)
    }

    pub fn record_with_chain(
        &self,
        id: &str,
        title: &str,
        parts: &[PartIn<'_>],
        chain: Vec<Value>,
    ) -> Forged {
        let mut files = Vec::new();
        let ps: Vec<Value> = parts
            .iter()
            .map(|(k, n, b)| {
                let path = format!("records/{id}/parts/{n}");
                files.push((path.clone(), b.to_vec()));
                json!({"kind": k, "name": n, "path": path, "size": b.len(), "sha256": sha(b),
                       "original_sha256": null, "removed": null})
            })
            .collect();
        let rec = json!({
            "id": id, "created": "2024-05-01T10:00:00Z", "title": title, "tags": ["forged"],
            "witness": null, "language": null, "place": null, "date": null,
            "interviewer": null, "note": null, "parts": ps, "custody": chain,
        });
        files.insert(
            0,
            (
                format!("records/{id}/record.json"),
                serde_json::to_vec_pretty(&rec).unwrap(),
            ),
        );
        (rec, files)
    }

    /// A partner bundle of these records.
    pub fn draft(&self, bundle_id: &str, recs: Vec<Forged>) -> Draft {
        let mut d = Draft {
            bundle_id: bundle_id.to_owned(),
            kind: "partner",
            records: vec![],
            transfer: vec![],
            files: vec![],
            sums: None,
            copies_as_drafted: false,
        };
        for (r, f) in recs {
            d.records.push(r);
            d.files.extend(f);
        }
        d
    }

    /// Signs the draft's manifest (after `tweak`), builds the tar and seals it to
    /// `recipient` with the `age` command-line tool.
    pub fn seal(
        &self,
        d: &Draft,
        recipient: &str,
        out: &Path,
        tweak: impl FnOnce(&mut Value),
    ) -> PathBuf {
        let sums: String = d.sums.clone().unwrap_or_else(|| {
            (d.files.iter())
                .map(|(p, b)| format!("{}  {}\n", sha(b), p))
                .collect()
        });
        let mut entries =
            vec![json!({"path": "SHA256SUMS", "size": sums.len(), "sha256": sha(sums.as_bytes())})];
        entries.extend(
            d.files
                .iter()
                .map(|(p, b)| json!({"path": p, "size": b.len(), "sha256": sha(b)})),
        );
        let mut m = json!({
            "format": "amanat-bundle", "version": 1, "kind": d.kind, "bundle_id": d.bundle_id,
            "created": "2024-05-01T10:00:00Z",
            "sender": {"signing_key": self.line, "fingerprint": self.fp},
            "recipients": [], "identities_included": false, "metadata_kept": false,
            "records": d.records, "files": entries,
        });
        if !d.transfer.is_empty() {
            m["transfer"] = json!(d.transfer);
        }
        tweak(&mut m);
        let mut files = d.files.clone();
        let mut sums = sums;
        if !d.copies_as_drafted && recopy(&mut m, &mut files) && d.sums.is_none() {
            sums = (m["files"].as_array().unwrap()[1..].iter())
                .map(|f| {
                    format!(
                        "{}  {}\n",
                        f["sha256"].as_str().unwrap(),
                        f["path"].as_str().unwrap()
                    )
                })
                .collect();
            m["files"][0]["size"] = json!(sums.len());
            m["files"][0]["sha256"] = json!(sha(sums.as_bytes()));
        }
        if self.compact.get() && m["kind"] == "partner" {
            (sums, files) = compact(&mut m, files);
        }
        let manifest = serde_json::to_vec_pretty(&m).unwrap();
        let sig = self.sign("amanat-bundle-v1", &manifest);
        let head = [
            ("MANIFEST.json", &manifest[..]),
            ("MANIFEST.json.sig", sig.as_bytes()),
            ("SHA256SUMS", sums.as_bytes()),
        ];
        let rest = files.iter().map(|(p, b)| (p.as_str(), &b[..]));
        let tar = regular_tar(head.into_iter().chain(rest));
        let tar_path = self.dir.join(format!("t-{}.tar", hex_id()));
        let plain = match self.compact.get() && m["kind"] == "partner" {
            true => gzip(&tar),
            false => tar,
        };
        fs::write(&tar_path, plain).unwrap();
        let o = Command::new("age")
            .arg("-r")
            .arg(recipient)
            .arg("-o")
            .arg(out)
            .arg(&tar_path)
            .output()
            .expect("age (apt-get install age)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        fs::remove_file(&tar_path).unwrap();
        out.to_owned()
    }
}

/// A tar of regular files, as a bundle's writer makes one (GNU headers, mode 0644).
pub fn regular_tar<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (p, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_size(bytes.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, p, bytes).unwrap();
    }
    b.into_inner().unwrap()
}

/// The drafted manifest `m` (after its tweak) as manifest version 6 would carry it: each
/// record of `records` only in its `record.json`, which comes in `files` (and the tar) right
/// before the files its parts name, in their order; any other file after them. Returns
/// `SHA256SUMS` and the files in their new order.
fn compact(m: &mut Value, files: Vec<(String, Vec<u8>)>) -> (String, Vec<(String, Vec<u8>)>) {
    let records = m["records"].as_array().cloned().unwrap_or_default();
    let mut rest = files;
    let mut take = |path: &str| {
        let i = rest.iter().position(|(p, _)| p == path)?;
        Some(rest.remove(i))
    };
    let mut ordered = Vec::new();
    if let Some(csv) = take("import.csv") {
        ordered.push(csv);
    }
    for r in &records {
        let path = format!(
            "records/{}/record.json",
            r["id"].as_str().unwrap_or_default()
        );
        take(&path);
        ordered.push((path, serde_json::to_vec_pretty(r).unwrap()));
        for part in r["parts"].as_array().cloned().unwrap_or_default() {
            if let Some(f) = part["path"].as_str().and_then(&mut take) {
                ordered.push(f);
            }
        }
    }
    ordered.append(&mut rest);
    let sums: String = (ordered.iter())
        .map(|(p, b)| format!("{}  {}\n", sha(b), p))
        .collect();
    let mut entries =
        vec![json!({"path": "SHA256SUMS", "size": sums.len(), "sha256": sha(sums.as_bytes())})];
    entries.extend(
        (ordered.iter()).map(|(p, b)| json!({"path": p, "size": b.len(), "sha256": sha(b)})),
    );
    m["files"] = json!(entries);
    m["records"] = json!([]);
    if m["version"].as_u64().is_some_and(|v| v < 6) {
        m["version"] = json!(6);
    }
    (sums, ordered)
}

/// Writes each record's `record.json` again from the manifest `m` (after a tweak), with its
/// entry in `m`'s files; returns whether any changed.
fn recopy(m: &mut Value, files: &mut [(String, Vec<u8>)]) -> bool {
    let mut changed = false;
    for r in m["records"].as_array().cloned().unwrap_or_default() {
        let path = format!(
            "records/{}/record.json",
            r["id"].as_str().unwrap_or_default()
        );
        let now = serde_json::to_vec_pretty(&r).unwrap();
        let Some((_, b)) = files.iter_mut().find(|(p, b)| *p == path && *b != now) else {
            continue;
        };
        *b = now;
        for f in m["files"].as_array_mut().unwrap() {
            if f["path"] == json!(path) {
                f["size"] = json!(b.len());
                f["sha256"] = json!(sha(b));
            }
        }
        changed = true;
    }
    changed
}

/// A partner vault that trusts Mallory, with one record of its own to find again.
pub struct Receiver {
    pub env: Env,
    pub recipient: String,
    pub existing: String,
    pub mallory: Mallory,
    n: std::cell::Cell<usize>,
}

impl Receiver {
    pub fn new() -> Receiver {
        let env = Env::new();
        let keys: Value = serde_json::from_str(&env.ok(&["keys", "--json"])).unwrap();
        let recipient = keys["recipient"].as_str().unwrap().to_owned();
        let mallory = Mallory::new(env.root());
        env.ok(&["contact", "add", "Mallory", "--signing-key", &mallory.line]);
        let t = env.input("own.txt", "The checkpoint guard wore a xylophonist badge.");
        let existing = env.add(&[
            "--title",
            "Existing zebracrossing testimony",
            "--testimony",
            t.to_str().unwrap(),
        ]);
        let r = Receiver {
            env,
            recipient,
            existing,
            mallory,
            n: std::cell::Cell::new(0),
        };
        r.intact();
        r
    }

    pub fn seal(&self, d: &Draft, tweak: impl FnOnce(&mut Value)) -> PathBuf {
        self.n.set(self.n.get() + 1);
        let out = self.env.out(&format!("forged-{}.amanat", self.n.get()));
        self.mallory.seal(d, &self.recipient, &out, tweak)
    }

    /// The vault verifies and still finds its own record.
    pub fn intact(&self) {
        let o = self.env.run(&["check"]);
        assert!(
            o.status.success(),
            "check: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        self.env.ok(&["audit", "--verify"]);
        for word in ["zebracrossing", "xylophonist"] {
            let found = self.env.ok(&["search", word]);
            assert!(
                found.contains(&self.existing[..10]),
                "search {word}: {found}"
            );
        }
    }

    /// Verify and import both refuse the bundle, naming `expect`; nothing changes.
    pub fn refuses(&self, bundle: &Path, expect: &str) {
        let before = self.env.state();
        for cmd in ["verify", "import"] {
            let err = self
                .env
                .fails(&[cmd, bundle.to_str().unwrap(), "--from", "Mallory"], 1);
            assert!(err.contains(expect), "{cmd}: expected {expect:?} in {err}");
        }
        assert_eq!(self.env.state(), before);
        assert!(self.env.tmp_is_empty());
        self.intact();
    }

    /// Import takes the bundle; the vault stays intact. Returns the import's output.
    pub fn takes(&self, bundle: &Path) -> String {
        let out = self
            .env
            .ok(&["import", bundle.to_str().unwrap(), "--from", "Mallory"]);
        self.intact();
        out
    }
}

const TXT: &[u8] = b"The soldiers came at dawn and burned the granary.";

#[test]
fn ids_in_a_forged_manifest_must_be_canonical() {
    let r = Receiver::new();
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT)];

    // The same record twice, in two spellings (equal as bytes, different as strings).
    let id = hex_id();
    let bundle = hex_id();
    let d = m.draft(
        &bundle,
        vec![
            m.record(&id, &bundle, "lower", p),
            m.record(&id.to_uppercase(), &bundle, "upper", p),
        ],
    );
    r.refuses(&r.seal(&d, |_| {}), "records[1].id");

    // Upper-case ids alone, in each place a bundle names one.
    let id = hex_id().to_uppercase();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "upper", p)]);
    r.refuses(&r.seal(&d, |_| {}), "records[0].id");
    let id = hex_id();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "upper", p)]);
    r.refuses(
        &r.seal(&d, |v| v["bundle_id"] = json!(bundle.to_uppercase())),
        "bundle_id",
    );
    let d = m.draft(
        &bundle.to_uppercase(),
        vec![m.record(&id, &bundle.to_uppercase(), "upper", p)],
    );
    r.refuses(&r.seal(&d, |_| {}), "bundle_id");
    // The record's id in its custody chain (`as`) in another spelling.
    let origin = hex_id();
    let added = m.added(&origin, p);
    let exported = m.exported(&origin, &added, &id.to_uppercase(), &bundle);
    let d = m.draft(
        &bundle,
        vec![m.record_with_chain(&id, "as", p, vec![m.entry(&added), m.entry(&exported)])],
    );
    r.refuses(&r.seal(&d, |_| {}), "custody");
    // An event naming its record in capitals, and one whose record_prev is in capitals.
    let added = m.added(&origin.to_uppercase(), p);
    let exported = m.exported(&origin.to_uppercase(), &added, &id, &bundle);
    let d = m.draft(
        &bundle,
        vec![m.record_with_chain(&id, "rec", p, vec![m.entry(&added), m.entry(&exported)])],
    );
    r.refuses(&r.seal(&d, |_| {}), "custody");
    let added = m.added(&origin, p);
    let exported = m.event_text(
        "record-exported",
        Some(&origin),
        Some(&sha(added.as_bytes()).to_uppercase()),
        json!({"as": id, "bundle": bundle, "to": []}),
    );
    let d = m.draft(
        &bundle,
        vec![m.record_with_chain(&id, "prev", p, vec![m.entry(&added), m.entry(&exported)])],
    );
    r.refuses(&r.seal(&d, |_| {}), "custody");
    // A path whose record directory is spelled in capitals.
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "path", p)]);
    let up = format!("records/{}/parts/t.txt", id.to_uppercase());
    let mut d2 = m.draft(&bundle, vec![]);
    d2.records = d.records.clone();
    d2.files = d
        .files
        .iter()
        .map(|(path, b)| {
            (
                path.replace(
                    &format!("records/{id}/parts"),
                    &format!("records/{}/parts", id.to_uppercase()),
                ),
                b.clone(),
            )
        })
        .collect();
    r.refuses(
        &r.seal(&d2, |v| v["records"][0]["parts"][0]["path"] = json!(up)),
        "path",
    );
    // Ids that are not hex, or not 32 digits.
    for bad in [
        "z".repeat(32),
        "0".repeat(31),
        "0".repeat(34),
        format!(" {}", &id[1..]),
    ] {
        let d = m.draft(&bundle, vec![m.record(&bad, &bundle, "not hex", &[])]);
        r.refuses(&r.seal(&d, |_| {}), "records[0].id");
    }
    // An upper-case SHA-256 of a part that the bundle holds cleaned.
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "orig", p)]);
    r.refuses(
        &r.seal(&d, |v| {
            v["records"][0]["parts"][0]["original_sha256"] = json!(sha(TXT).to_uppercase())
        }),
        "original_sha256",
    );

    // After all that, a genuine one from the same sender goes in.
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "fine", p)]);
    let out = r.takes(&r.seal(&d, |_| {}));
    assert!(out.contains("fine"), "{out}");
}

#[test]
fn forged_custody_chains_are_refused_and_leave_the_log_verifying() {
    forged_chains(false);
}

/// The same, each bundle sealed as manifest version 6 (records in their `record.json`,
/// compressed): the reader of version 6 checks each record as its reader of earlier versions
/// does.
#[test]
fn forged_custody_chains_in_version_6_are_refused_and_leave_the_log_verifying() {
    forged_chains(true);
}

fn forged_chains(compact: bool) {
    let r = Receiver::new();
    r.mallory.compact.set(compact);
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT)];
    let bundle = hex_id();
    let id = hex_id();
    let origin = hex_id();
    let added = m.added(&origin, p);
    let chain = |events: &[&str]| -> Vec<Value> { events.iter().map(|e| m.entry(e)).collect() };
    let one =
        |chain: Vec<Value>| m.draft(&bundle, vec![m.record_with_chain(&id, "forged", p, chain)]);

    // Events naming another record midway.
    let other = hex_id();
    let exported = m.exported(&other, &added, &id, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&added, &exported])), |_| {}),
        "another record",
    );
    // The export names a record of the receiver's own vault as the bundled record.
    let exported = m.exported(&origin, &added, &r.existing, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&added, &exported])), |_| {}),
        "does not end with",
    );

    // A chain that loops back to its first event, and one that forks.
    let exported = m.exported(&origin, &added, &id, &bundle);
    let again = m.event_text(
        "part-read",
        Some(&origin),
        Some(&sha(added.as_bytes())),
        json!({"part": 0, "kind": "testimony"}),
    );
    r.refuses(
        &r.seal(&one(chain(&[&added, &again, &added, &exported])), |_| {}),
        "custody",
    );
    r.refuses(
        &r.seal(&one(chain(&[&added, &again, &exported])), |_| {}),
        "custody",
    );
    let read2 = m.event_text(
        "part-read",
        Some(&origin),
        Some(&sha(added.as_bytes())),
        json!({"part": 0, "kind": "testimony", "n": 2}),
    );
    let exp_after_read = m.exported(&origin, &read2, &id, &bundle);
    r.refuses(
        &r.seal(
            &one(chain(&[&added, &again, &read2, &exp_after_read])),
            |_| {},
        ),
        "custody",
    );

    // A handover whose `from` is not the exporter.
    let mid = hex_id();
    let exp1 = m.exported(&origin, &added, &mid, &bundle);
    let imp = m.event_text(
        "record-imported",
        Some(&mid),
        Some(&sha(exp1.as_bytes())),
        json!({"from": "SHA256:bogus", "bundle": bundle, "parts": []}),
    );
    let exp2 = m.exported(&mid, &imp, &id, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&added, &exp1, &imp, &exp2])), |_| {}),
        "custody",
    );

    // An event of a kind no Amanat writes, and kinds that are not about records.
    for k in [
        "record-teleported",
        "vault-created",
        "record-removed",
        "bundle-imported",
    ] {
        let odd = m.event_text(k, Some(&origin), Some(&sha(added.as_bytes())), json!({}));
        let exported = m.exported(&origin, &odd, &id, &bundle);
        r.refuses(
            &r.seal(&one(chain(&[&added, &odd, &exported])), |_| {}),
            "custody",
        );
    }

    // Extra and missing fields, at the top and in the details.
    let exported = m.exported(&origin, &added, &id, &bundle);
    let extra_top = added.replacen("\"private\":null", "\"private\":null,\"evil\":1", 1);
    let exp_x = m.exported(&origin, &extra_top, &id, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&extra_top, &exp_x])), |_| {}),
        "custody",
    );
    let missing_top = added.replacen(",\"record_prev\":null", "", 1);
    let exp_m = m.exported(&origin, &missing_top, &id, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&missing_top, &exp_m])), |_| {}),
        "custody",
    );
    let spaced = added.replacen("\"kind\":", "\"kind\": ", 1);
    let exp_s = m.exported(&origin, &spaced, &id, &bundle);
    r.refuses(&r.seal(&one(chain(&[&spaced, &exp_s])), |_| {}), "custody");
    let extra_detail = m.event_text(
        "record-exported",
        Some(&origin),
        Some(&sha(added.as_bytes())),
        json!({"as": id, "bundle": bundle, "to": [], "witness_name": "leaked"}),
    );
    r.refuses(
        &r.seal(&one(chain(&[&added, &extra_detail])), |_| {}),
        "custody",
    );
    let no_parts = m.event_text("record-added", Some(&origin), None, json!({"via": "add"}));
    let exp_np = m.exported(&origin, &no_parts, &id, &bundle);
    r.refuses(
        &r.seal(&one(chain(&[&no_parts, &exp_np])), |_| {}),
        "custody",
    );
    let no_to = m.event_text(
        "record-exported",
        Some(&origin),
        Some(&sha(added.as_bytes())),
        json!({"as": id, "bundle": bundle}),
    );
    r.refuses(&r.seal(&one(chain(&[&added, &no_to])), |_| {}), "custody");

    // The genuine chain goes in.
    r.takes(&r.seal(&one(chain(&[&added, &exported])), |_| {}));
}

#[test]
fn forged_records_of_every_shape_leave_the_vault_intact() {
    every_shape(false);
}

/// The same, each bundle sealed as manifest version 6 (records in their `record.json`,
/// compressed): the reader of version 6 checks each record as its reader of earlier versions
/// does.
#[test]
fn forged_records_of_every_shape_in_version_6_leave_the_vault_intact() {
    every_shape(true);
}

fn every_shape(compact: bool) {
    let r = Receiver::new();
    r.mallory.compact.set(compact);
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT)];
    let bundle = hex_id();

    // A record whose id is one the receiver already holds: skipped, its own record intact.
    let d = m.draft(&bundle, vec![m.record(&r.existing, &bundle, "impostor", p)]);
    let out = r.takes(&r.seal(&d, |_| {}));
    assert!(out.contains("[already here]"), "{out}");
    let show = r.env.ok(&["show", &r.existing]);
    assert!(
        show.contains("zebracrossing") && !show.contains("impostor"),
        "{show}"
    );

    // A part whose path is in another record's directory.
    let (a, b) = (hex_id(), hex_id());
    let d = m.draft(
        &bundle,
        vec![
            m.record(&a, &bundle, "a", p),
            m.record(&b, &bundle, "b", &[]),
        ],
    );
    let stolen = format!("records/{b}/parts/t.txt");
    let mut d2 = m.draft(&bundle, vec![]);
    d2.records = d.records.clone();
    d2.files = d
        .files
        .iter()
        .map(|(path, x)| {
            (
                path.replace(&format!("records/{a}/parts"), &format!("records/{b}/parts")),
                x.clone(),
            )
        })
        .collect();
    // (Version 6 lists each record's files after its record.json: the path is refused
    // where the manifest lists it, before any record is read.)
    r.refuses(
        &r.seal(&d2, |v| v["records"][0]["parts"][0]["path"] = json!(stolen)),
        ["outside its record", "out of place"][usize::from(compact)],
    );

    // Two parts of one record that name one file: the file would stand for both, and only
    // one would be sealed. Refused by verify and import alike, before anything is written.
    let id = hex_id();
    let twice: &[PartIn<'_>] = &[("testimony", "t.txt", TXT), ("attachment", "u.txt", TXT)];
    let d = m.draft(
        &bundle,
        vec![m.record(&id, &bundle, "one file twice", twice)],
    );
    let first = format!("records/{id}/parts/t.txt");
    r.refuses(
        &r.seal(&d, |v| v["records"][0]["parts"][1]["path"] = json!(first)),
        "names one file as two parts",
    );

    // Records under a transfer kind.
    let id = hex_id();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "x", p)]);
    r.refuses(&r.seal(&d, |v| v["kind"] = json!("transfer")), "kind");

    // Huge titles and thousands of tags: refused whole, or taken whole; never half.
    let huge = "testimony ".repeat(200_000);
    let d = m.draft(&bundle, vec![m.record(&hex_id(), &bundle, &huge, p)]);
    r.refuses(&r.seal(&d, |_| {}), "metadata");
    let id = hex_id();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "many tags", p)]);
    let tags: Vec<String> = (0..2000).map(|i| format!("t{i}")).collect();
    r.takes(&r.seal(&d, |v| v["records"][0]["tags"] = json!(tags)));
    let id = hex_id();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "too many tags", p)]);
    let tags: Vec<String> = (0..200_000).map(|i| format!("tag{i}")).collect();
    r.refuses(
        &r.seal(&d, |v| v["records"][0]["tags"] = json!(tags)),
        "metadata",
    );

    // More parts than a record may hold (its sealed body would be too large to keep in
    // one piece): refused before anything is written.
    let names: Vec<String> = (0..257).map(|i| format!("p{i}.txt")).collect();
    let many: Vec<PartIn<'_>> = names
        .iter()
        .map(|n| ("attachment", n.as_str(), TXT))
        .collect();
    let d = m.draft(
        &bundle,
        vec![m.record(&hex_id(), &bundle, "many parts", &many)],
    );
    r.refuses(&r.seal(&d, |_| {}), "257 parts");

    // Two testimonies in one record, and a part whose name is the other's in capitals.
    let id = hex_id();
    let two: &[PartIn<'_>] = &[
        ("testimony", "t.txt", TXT),
        ("testimony", "T.TXT", b"A second account: quagmire."),
    ];
    let d = m.draft(
        &bundle,
        vec![m.record(&id, &bundle, "two testimonies", two)],
    );
    let o = r.env.run(&[
        "import",
        r.seal(&d, |_| {}).to_str().unwrap(),
        "--from",
        "Mallory",
    ]);
    assert!(matches!(o.status.code(), Some(0) | Some(1)), "{o:?}");
    r.intact();

    // A record with no parts at all.
    let id = hex_id();
    let d = m.draft(
        &bundle,
        vec![m.record(&id, &bundle, "no parts kumquat", &[])],
    );
    r.takes(&r.seal(&d, |_| {}));
    assert!(r.env.ok(&["search", "kumquat"]).contains(&id[..10]));

    // Two records sharing one origin (a forked chain): both arrive, the log verifies.
    let origin = hex_id();
    let added = m.added(&origin, p);
    let (x, y) = (hex_id(), hex_id());
    let b2 = hex_id();
    let ex = m.exported(&origin, &added, &x, &b2);
    let ey = m.exported(&origin, &added, &y, &b2);
    let d = m.draft(
        &b2,
        vec![
            m.record_with_chain(&x, "fork x", p, vec![m.entry(&added), m.entry(&ex)]),
            m.record_with_chain(&y, "fork y", p, vec![m.entry(&added), m.entry(&ey)]),
        ],
    );
    r.takes(&r.seal(&d, |_| {}));

    // The same record id in a second bundle after it was removed, with a new chain: the
    // first import's link to its old chain must not make the log fail to verify.
    let id = hex_id();
    let b3 = hex_id();
    let d = m.draft(&b3, vec![m.record(&id, &b3, "first coming", p)]);
    r.takes(&r.seal(&d, |_| {}));
    r.env.ok(&["rm", &id]);
    r.intact();
    let b4 = hex_id();
    let d = m.draft(&b4, vec![m.record(&id, &b4, "second coming", p)]);
    r.takes(&r.seal(&d, |_| {}));
}

#[test]
fn a_transfer_body_must_be_the_record_its_manifest_names() {
    let r = Receiver::new();
    let m = &r.mallory;
    // A collector sealing to the receiver (and to a key the test holds, to take its bundle
    // apart with the age command-line tool).
    let keydir = r.env.root().join("testkey");
    let (test_r, _) = outside_keys(&keydir);
    let collector = Env::bare();
    collector.init_collector(&[&r.recipient, &test_r]);
    let t = collector.input("t.txt", "Collected in the field: the well was poisoned.");
    let blob = collector.input("scan.bin", vec![3u8; 100_000]);
    collector.add(&[
        "--title",
        "collected",
        "--testimony",
        t.to_str().unwrap(),
        blob.to_str().unwrap(),
    ]);
    let cb = collector.out("c.amanat");
    collector.ok(&["export", "--all", "-o", cb.to_str().unwrap()]);
    let o = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(keydir.join("key.txt"))
        .arg(&cb)
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut files = std::collections::BTreeMap::new();
    let mut a = tar::Archive::new(&o.stdout[..]);
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let p = e.path().unwrap().to_string_lossy().into_owned();
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut v).unwrap();
        files.insert(p, v);
    }
    let cm: Value = serde_json::from_slice(&files["MANIFEST.json"]).unwrap();
    let t0 = &cm["transfer"][0];
    let real = t0["id"].as_str().unwrap().to_owned();
    let added: Value = serde_json::from_str(t0["custody"][0]["event"].as_str().unwrap()).unwrap();
    assert_eq!(added["kind"], "record-added");

    // Mallory re-sends the collector's sealed record under `id`, with its own chain.
    let forge = |id: &str| {
        let bundle = hex_id();
        let origin = hex_id();
        let add = m.event_text(
            "record-added",
            Some(&origin),
            None,
            added["details"].clone(),
        );
        let exp = m.exported(&origin, &add, id, &bundle);
        let mut d = m.draft(&bundle, vec![]);
        d.kind = "transfer";
        let body = format!("records/{id}/record.age");
        d.files.push((
            body.clone(),
            files[&format!("records/{real}/record.age")].clone(),
        ));
        let mut objects = vec![];
        for o in t0["objects"].as_array().unwrap() {
            let o = o.as_str().unwrap();
            let renamed = o.replace(&real, id);
            d.files.push((renamed.clone(), files[o].clone()));
            objects.push(renamed);
        }
        d.transfer.push(json!({
            "id": id, "collected": t0["collected"], "body": body, "objects": objects,
            "custody": [m.entry(&add), m.entry(&exp)],
        }));
        r.seal(&d, |_| {})
    };
    r.refuses(&forge(&hex_id()), "does not decode");
    r.refuses(&forge(&real.to_uppercase()), "transfer[0].id");
    // The same record under its own id goes in.
    r.takes(&forge(&real));
    assert!(r.env.ok(&["search", "poisoned"]).contains(&real[..10]));
}

#[test]
fn a_record_arriving_with_a_long_chain_of_custody_keeps_it_in_pieces() {
    let r = Receiver::new();
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT)];
    let (origin, bundle, id) = (hex_id(), hex_id(), hex_id());
    // Read 330 times where it was made: a chain of about 260 KB, more than one value of the
    // store may hold (store::MAX_VALUE).
    let mut texts = vec![m.added(&origin, p)];
    for _ in 0..330 {
        let prev = sha(texts.last().unwrap().as_bytes());
        texts.push(m.event_text(
            "part-read",
            Some(&origin),
            Some(&prev),
            json!({"part": 0, "kind": "testimony"}),
        ));
    }
    texts.push(m.exported(&origin, texts.last().unwrap(), &id, &bundle));
    let chain = texts.iter().map(|t| m.entry(t)).collect();
    let d = m.draft(
        &bundle,
        vec![m.record_with_chain(&id, "long chain", p, chain)],
    );
    r.takes(&r.seal(&d, |_| {}));
    let custody_values = || {
        let s = amanat::storage::store::Store::open(&r.env.vault).unwrap();
        let sizes: Vec<usize> = s.custody().iter().map(|kv| kv.unwrap().1.len()).collect();
        assert!(
            sizes.iter().all(|&n| n < amanat::storage::store::MAX_VALUE),
            "{sizes:?}"
        );
        sizes.len()
    };
    // The receiver's own record and the long one's pieces.
    let with_long = custody_values();
    assert!(with_long >= 3, "{with_long}");
    // Read, exported on, rotated: the chain travels whole and the pieces re-seal.
    r.env.ok(&["get", &id, "t.txt", "-o", "-"]);
    r.env.ok(&["rotate"]);
    r.intact();
    let (hq, _) = crate::util::outside_keys(&r.env.root().join("hq"));
    r.env.ok(&["contact", "add", "Next", "--recipient", &hq]);
    let out = r.env.out("on.amanat");
    r.env
        .ok(&["export", "--to", "Next", "-o", out.to_str().unwrap(), &id]);
    let plain = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(r.env.root().join("hq").join("key.txt"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let plain = bundle_tar(&plain.stdout);
    let mut tar = tar::Archive::new(&plain[..]);
    let record: Value = tar
        .entries()
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| e.path().unwrap().ends_with("record.json"))
        .map(|e| serde_json::from_reader(e).unwrap())
        .unwrap();
    // Its 332 events, then here its import, the read, the rotation's re-seal, this export.
    assert_eq!(record["custody"].as_array().unwrap().len(), 336);
    // Removed, it leaves no piece.
    r.env.ok(&["rm", &id]);
    assert_eq!(
        custody_values(),
        1,
        "only the receiver's own record is left"
    );
    r.intact();
}

/// A collector's sealed body is kept as it arrives, so whoever holds a collector's key (a
/// field device, the likeliest to be seized) must not be able to make headquarters keep a
/// record `add` would never make: inline parts that are not what they state, a line of
/// provenance naming a bundle it never imported, metadata beyond `add`'s limits, unsafe or
/// repeated part names. Verify refuses them as import does.
#[test]
fn a_collected_body_must_be_a_record_as_add_makes_one() {
    use amanat::format::record::{Metadata, Part, PartKind, Provenance, RecordBody, Storage};
    use std::str::FromStr;
    let r = Receiver::new();
    let m = &r.mallory;
    let hq = age::x25519::Recipient::from_str(&r.recipient).unwrap();
    let text = b"Collected: the guards' names, written down at night.".to_vec();
    // An attachment kept as an object file: what the body states of it, and the file sent.
    let scan = vec![7u8; 90_000];
    let sent = std::cell::RefCell::new(scan.clone());
    let oid = hex_id();
    let forge = |edit: &dyn Fn(&mut RecordBody)| -> PathBuf {
        let id = hex_id();
        let mut meta = Metadata::default();
        meta.title = "collected".into();
        let mut body = RecordBody {
            id: amanat::RecordId::from_hex(&id).unwrap(),
            created: 1_764_900_000,
            meta,
            parts: vec![Part {
                kind: PartKind::Testimony,
                name: "t.txt".into(),
                size: text.len() as u64,
                sha256: amanat::crypto::seal::sha256(&text),
                storage: Storage::Inline(text.clone()),
            }],
            provenance: vec![],
            derived: vec![],
            case: Default::default(),
            links: vec![],
            unpadded: false,
        };
        edit(&mut body);
        // The collector's chain records the parts as the body states them.
        let facts: Vec<Value> = body
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({"index": i, "kind": p.kind.as_str(), "sha256": hex::encode(p.sha256), "size": p.size})
            })
            .collect();
        let sealed = age::encrypt(&hq, &body.encode()).unwrap();
        let (bundle, origin) = (hex_id(), hex_id());
        let add = m.event_text(
            "record-added",
            Some(&origin),
            None,
            json!({"parts": facts, "via": "add"}),
        );
        let exp = m.exported(&origin, &add, &id, &bundle);
        let mut d = m.draft(&bundle, vec![]);
        d.kind = "transfer";
        let path = format!("records/{id}/record.age");
        d.files.push((path.clone(), sealed));
        let mut objects = vec![];
        if body.parts.iter().any(|p| p.object().is_some()) {
            let mut padded = sent.borrow().clone();
            amanat::crypto::pad::pad(&mut padded);
            let o = format!("records/{id}/objects/{oid}");
            d.files
                .push((o.clone(), age::encrypt(&hq, &padded).unwrap()));
            objects.push(o);
        }
        d.transfer.push(json!({
            "id": id, "collected": "2026-12-05T04:00:00Z", "body": path, "objects": objects,
            "custody": [m.entry(&add), m.entry(&exp)],
        }));
        r.seal(&d, |_| {})
    };
    let with_scan = |b: &mut RecordBody| {
        b.parts.push(Part {
            kind: PartKind::Attachment,
            name: "scan.bin".into(),
            size: scan.len() as u64,
            sha256: amanat::crypto::seal::sha256(&scan),
            storage: Storage::Object {
                id: amanat::format::id::ObjectId::from_hex(&oid).unwrap().0,
                sealed_size: 0,
            },
        })
    };
    let same_length_other_words = b"Collected: nothing of the sort, and no names at all!".to_vec();
    assert_eq!(same_length_other_words.len(), text.len());
    r.refuses(
        &forge(&|b| b.parts[0].storage = Storage::Inline(same_length_other_words.clone())),
        "part \"t.txt\" is not the size and SHA-256 it states",
    );
    r.refuses(
        &forge(&|b| {
            b.provenance.push(Provenance {
                signer: "SHA256:UNOHCHRxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".into(),
                contact: "UN OHCHR".into(),
                bundle_id: hex_id(),
                imported: 1_764_900_000,
                bundle_record_id: hex_id(),
            })
        }),
        "which a collector never does",
    );
    r.refuses(
        &forge(&|b| b.meta.title = " ".into()),
        "its metadata is not what a record may hold",
    );
    r.refuses(
        &forge(&|b| b.meta.note = Some("n".repeat(20_000))),
        "its metadata is not what a record may hold",
    );
    r.refuses(
        &forge(&|b| b.parts[0].name = "../t.txt".into()),
        "unsafe name",
    );
    r.refuses(
        &forge(&|b| {
            let again = b.parts[0].clone();
            b.parts.push(again);
        }),
        "two parts are named \"t.txt\"",
    );
    // A collector's key, seized, may not plant what add would not make: a code in the form
    // of a partner's pseudonym, or a part named as an identity part is.
    r.refuses(
        &forge(&|b| b.meta.witness = Some("P-ABCDEFGH12".into())),
        "partner's pseudonym",
    );
    r.refuses(
        &forge(&|b| b.parts[0].name = "identity".into()),
        "kept for identity parts",
    );
    // An object file that is not what its record states: verify decrypts it too.
    *sent.borrow_mut() = vec![8u8; 90_000];
    r.refuses(
        &forge(&with_scan),
        "does not match the SHA-256 taken at collection",
    );
    *sent.borrow_mut() = scan.clone();
    // The same forging, as `add` would make the record, goes in: what is refused above is
    // the body, not the way the bundle was made.
    r.takes(&forge(&|_| {}));
    r.takes(&forge(&with_scan));
    assert_eq!(r.env.ok(&["search", "guards"]).lines().count(), 2);
}

/// What a partner reads with stock tools is what Amanat imports: a `record.json` that says
/// something else than the signed manifest, or a `SHA256SUMS` with other sums, is refused
/// by verify and import alike.
#[test]
fn the_copies_for_stock_tools_must_say_what_the_manifest_says() {
    let r = Receiver::new();
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT)];
    let bundle = hex_id();
    let id = hex_id();
    let mut d = m.draft(&bundle, vec![m.record(&id, &bundle, "the signed title", p)]);
    d.copies_as_drafted = true;
    let rj = format!("records/{id}/record.json");
    let (_, bytes) = d.files.iter_mut().find(|(path, _)| *path == rj).unwrap();
    *bytes = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("the signed title", "a title only a text editor shows")
        .into_bytes();
    r.refuses(&r.seal(&d, |_| {}), "is not the record the manifest holds");

    let mut d = m.draft(&bundle, vec![m.record(&id, &bundle, "sums", p)]);
    d.sums = Some(format!(
        "{}  records/{id}/parts/t.txt\n",
        sha(b"other bytes")
    ));
    r.refuses(&r.seal(&d, |_| {}), "SHA256SUMS does not list");

    // A bundle dated in words no clock reads.
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "when", p)]);
    r.refuses(
        &r.seal(&d, |v| v["created"] = json!("last tuesday")),
        "created is not a time",
    );

    // A part that happens to be named record.json is a part, not a copy.
    let named: &[PartIn<'_>] = &[("attachment", "record.json", b"{}")];
    let d = m.draft(&bundle, vec![m.record(&hex_id(), &bundle, "named", named)]);
    r.takes(&r.seal(&d, |_| {}));
}

/// The testimony model in a bundle (FORMAT.md 13.2, 7.4): only in a version 4 manifest, never
/// empty, naming only persons and parts the record has; whatever a sender signs, a record
/// that breaks a rule is refused before anything is written.
#[test]
fn a_forged_case_must_follow_the_models_rules() {
    let r = Receiver::new();
    let m = &r.mallory;
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT), ("attachment", "en.txt", TXT)];
    let bundle = hex_id();
    let id = hex_id();
    let d = m.draft(&bundle, vec![m.record(&id, &bundle, "with a case", p)]);
    let case = json!({
        "persons": [{"code": "P-ABCDEFGH12", "roles": ["victim"]}],
        "relations": [],
        "consent": {"scope": "share", "organisations": [], "how": "oral", "given": "2024-01-02", "recorded_by": null},
        "statuses": [{"person": "P-ABCDEFGH12", "status": "detained", "date": "2018-04", "place": null}],
        "verification": [],
    });
    let with = |version: u64, case: Value| {
        move |v: &mut Value| {
            v["version"] = json!(version);
            v["records"][0]["case"] = case;
        }
    };
    r.refuses(
        &r.seal(&d, with(1, case.clone())),
        "if and only if it is version 4",
    );
    r.refuses(&r.seal(&d, with(3, case.clone())), "version 3 manifest");
    r.refuses(
        &r.seal(&d, |v| v["version"] = json!(4)),
        "if and only if it is version 4",
    );
    let mut bad = case.clone();
    bad["relations"] = json!([{"person": "P-ZZZZZZZZZZ", "kin": "sibling", "of": "P-ABCDEFGH12"}]);
    r.refuses(
        &r.seal(&d, with(4, bad)),
        "a relation names a person the record does not name",
    );
    let mut bad = case.clone();
    bad["statuses"][0]["date"] = json!("2018-02-30");
    r.refuses(&r.seal(&d, with(4, bad)), "status event");
    let empty = json!({"persons": [], "relations": [], "consent": null, "statuses": [], "verification": []});
    r.refuses(&r.seal(&d, with(4, empty)), "an empty case");
    let mut bad = case.clone();
    bad["persons"][0]["code"] = json!("P ABCDEFGH12");
    r.refuses(&r.seal(&d, with(4, bad)), "not a person code");
    let mut bad = case.clone();
    bad["consent"]["organisations"] = json!(["Other Org"]);
    r.refuses(&r.seal(&d, with(4, bad)), "names organisations");
    let mut bad = case.clone();
    bad["persons"][0]["code"] = json!("V-4");
    bad["statuses"][0]["person"] = json!("V-4");
    r.refuses(&r.seal(&d, with(4, bad)), "not a pseudonym");
    let mut bad = case.clone();
    bad["statuses"][0]["date"] = json!("9999-12-31");
    r.refuses(&r.seal(&d, with(4, bad)), "dated after today");
    // An event of the model in words the format does not have.
    let origin = hex_id();
    let added = m.added(&origin, p);
    let over = m.event_text(
        "consent-overridden",
        Some(&origin),
        Some(&sha(added.as_bytes())),
        json!({"scope": "bogus-scope"}),
    );
    let exported = m.event_text(
        "record-exported",
        Some(&origin),
        Some(&sha(over.as_bytes())),
        json!({"as": id, "bundle": bundle, "to": []}),
    );
    let chain = vec![m.entry(&added), m.entry(&over), m.entry(&exported)];
    let forged = m.draft(&bundle, vec![m.record_with_chain(&id, "bogus", p, chain)]);
    r.refuses(
        &r.seal(&forged, |v| v["version"] = json!(4)),
        "words the format does not have",
    );
    let link = |target: &str| {
        let target = target.to_owned();
        move |v: &mut Value| {
            v["version"] = json!(4);
            v["records"][0]["parts"][1]["of"] = json!({"part": target, "kind": "translation", "language": "en", "translator": null});
        }
    };
    r.refuses(
        &r.seal(&d, link("missing.txt")),
        "transcript or translation",
    );
    r.refuses(&r.seal(&d, link("en.txt")), "transcript or translation");
    // A witness code that is no pseudonym, with a case or without (it could be the
    // receiver's own witness), and a testifier's identity on a record without a witness.
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT), ("identity", "identity", TXT)];
    let d2 = m.draft(&bundle, vec![m.record(&id, &bundle, "planted", p)]);
    r.refuses(
        &r.seal(&d2, |v| {
            v["records"][0]["witness"] = json!("W-17");
            v["identities_included"] = json!(true);
        }),
        "not a pseudonym",
    );
    r.refuses(
        &r.seal(&d2, |v| v["identities_included"] = json!(true)),
        "an identity part is named",
    );
    // A part that is no identity, named as one would be (it would stand in for it).
    let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT), ("attachment", "identity", TXT)];
    let d3 = m.draft(&bundle, vec![m.record(&id, &bundle, "decoy", p)]);
    r.refuses(&r.seal(&d3, |_| {}), "an identity part is named");
    // An identity part of no one the record names, or named as no identity is.
    for name in ["identity-P-ZZZZZZZZZZ", "identity.txt"] {
        let p: &[PartIn<'_>] = &[("testimony", "t.txt", TXT), ("identity", name, TXT)];
        let d = m.draft(&bundle, vec![m.record(&id, &bundle, "with a case", p)]);
        r.refuses(
            &r.seal(&d, |v| {
                with(4, case.clone())(v);
                v["identities_included"] = json!(true);
            }),
            "an identity part is named",
        );
    }
    // As the rules allow, it goes in, and the partner sees it.
    let ok = r.seal(&d, |v| {
        with(4, case.clone())(v);
        link("t.txt")(v);
    });
    r.takes(&ok);
    let shown = r.env.ok(&["list", "--person", "P-ABCDEFGH12"]);
    assert!(shown.contains("with a case"), "{shown}");
    let l: Value =
        serde_json::from_str(&r.env.ok(&["list", "--status", "detained", "--json"])).unwrap();
    assert_eq!(l[0]["case"]["consent"]["scope"], "share");
}
