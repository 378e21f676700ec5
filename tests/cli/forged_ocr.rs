//! Recognised text in bundles forged by a trusted sender (FORMAT.md 13.2, 14.5): a well
//! formed one is taken and searched; every way of lying about what a recognised part was
//! recognised in, or of hiding it from the chain of custody, is refused by `verify` and
//! `import` with the vault untouched.
use serde_json::{json, Value};

use crate::forged::{hex_id, sha, Forged, PartIn, Receiver};

const TXT: &[u8] = b"The soldiers came at dawn.";
const SCAN: &[u8] = b"\x89PNG\r\n\x1a\na scan's bytes";
const READ: &[u8] = b"Notice: the quokkaphrase facility\n\x0c";

fn recognised_json() -> Value {
    json!({"source": "scan.png", "source_sha256": sha(SCAN), "engine": "tesseract",
           "version": "5.3.0", "languages": ["eng"], "pages": 1})
}

/// A record with a testimony, a scan and the scan's recognised text, whose chain logs the
/// recognition (`event` edits the `text-recognised` details; `logged` false leaves it out).
fn record(
    r: &Receiver,
    id: &str,
    bundle: &str,
    event: impl Fn(&mut Value),
    logged: bool,
) -> Forged {
    let m = &r.mallory;
    let parts: &[PartIn<'_>] = &[
        ("testimony", "t.txt", TXT),
        ("attachment", "scan.png", SCAN),
        ("recognised", "scan.png.ocr.txt", READ),
    ];
    let origin = hex_id();
    let added = m.added(&origin, &parts[..2]);
    let mut chain = vec![m.entry(&added)];
    let mut last = added;
    if logged {
        let mut details = json!({
            "engine": "tesseract", "languages": ["eng"], "source": 1,
            "source_sha256": sha(SCAN), "version": "5.3.0",
            "part": {"index": 2, "kind": "recognised", "sha256": sha(READ), "size": READ.len()},
        });
        event(&mut details);
        let text = m.event_text(
            "text-recognised",
            Some(&origin),
            Some(&sha(last.as_bytes())),
            details,
        );
        chain.push(m.entry(&text));
        last = text;
    }
    chain.push(m.entry(&m.exported(&origin, &last, id, bundle)));
    let (mut rec, files) = m.record_with_chain(id, "forged scan", parts, chain);
    rec["parts"][2]["recognised"] = recognised_json();
    (rec, files)
}

#[test]
fn forged_recognised_text_is_refused_unless_it_is_what_the_chain_and_the_scan_say() {
    let r = Receiver::new();
    let m = &r.mallory;
    let bundle = hex_id();
    let v3 = |v: &mut Value| v["version"] = json!(3);
    let draft = |event: &dyn Fn(&mut Value), logged: bool| {
        m.draft(&bundle, vec![record(&r, &hex_id(), &bundle, event, logged)])
    };
    let good = draft(&|_| {}, true);

    // Recognised text in a manifest of a version before 3, and a version 3 without any.
    r.refuses(
        &r.seal(&good, |_| {}),
        "version 1 manifest holds recognised text",
    );
    let plain = m.draft(
        &bundle,
        vec![m.record(&hex_id(), &bundle, "plain", &[("testimony", "t.txt", TXT)])],
    );
    r.refuses(
        &r.seal(&plain, v3),
        "version 3 manifest holds no recognised text",
    );

    // What the part says it was recognised in: a part the record lacks, another hash, the
    // recognised text itself, an engine with a right-to-left override; no description;
    // a description on a part that is not recognised.
    let lies: Vec<(&str, Value)> = vec![
        ("source", json!("missing.png")),
        ("source_sha256", json!(sha(b"another scan"))),
        ("source", json!("scan.png.ocr.txt")),
        ("engine", json!("tess\u{202e}eract")),
        ("languages", json!([])),
    ];
    for (field, value) in lies {
        r.refuses(
            &r.seal(&good, |v| {
                v3(v);
                v["records"][0]["parts"][2]["recognised"][field] = value;
            }),
            "says it was recognised in a part the record does not hold",
        );
    }
    r.refuses(
        &r.seal(&good, |v| {
            v3(v);
            v["records"][0]["parts"][2]["recognised"] = Value::Null;
        }),
        "does not say what it was recognised in",
    );
    r.refuses(
        &r.seal(&good, |v| {
            v3(v);
            v["records"][0]["parts"][1]["recognised"] = recognised_json();
        }),
        "says it was recognised in a part",
    );

    // Recognised text no event of the chain records, and events not as Amanat writes them.
    r.refuses(
        &r.seal(&draft(&|_| {}, false), v3),
        "is not one its chain of custody records",
    );
    for bad in [json!("ABCDEF"), json!(sha(SCAN).to_uppercase()), json!(7)] {
        let d = draft(&|e: &mut Value| e["source_sha256"] = bad.clone(), true);
        r.refuses(&r.seal(&d, v3), "custody event");
    }
    let d = draft(&|e: &mut Value| e["part"]["kind"] = json!(["x"]), true);
    r.refuses(&r.seal(&d, v3), "custody event");
    // Well typed, but not what Amanat writes: the new part called an attachment, an
    // engine with an escape, a source after the part or past any record.
    let lies: Vec<(&str, Value)> = vec![
        ("kind", json!("attachment")),
        ("engine", json!("tess\u{1b}[2Jeract")),
        ("source", json!(2)),
        ("source", json!(4_000_000_000u64)),
        ("index", json!(99_999)),
    ];
    for (field, value) in lies {
        let d = draft(
            &|e: &mut Value| {
                if field == "kind" || field == "index" {
                    e["part"][field] = value.clone();
                } else {
                    e[field] = value.clone();
                }
            },
            true,
        );
        r.refuses(&r.seal(&d, v3), "custody event");
    }
    let d = draft(&|e: &mut Value| e["extra"] = json!(1), true);
    r.refuses(&r.seal(&d, v3), "custody event");

    // As Amanat writes it: taken, searched, shown as recognised.
    r.takes(&r.seal(&good, v3));
    assert!(r
        .env
        .ok(&["search", "quokkaphrase"])
        .contains("forged scan"));
    let listed: Value = serde_json::from_str(&r.env.ok(&["list", "--json"])).unwrap();
    let id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "forged scan")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown: Value = serde_json::from_str(&r.env.ok(&["show", &id, "--json"])).unwrap();
    assert_eq!(shown["parts"][2]["kind"], "recognised");
    assert_eq!(shown["parts"][2]["recognised"]["source"], 1);
    r.intact();
}
